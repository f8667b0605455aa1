/* outdir.h - an output folder written as one unit: staged, then swapped in.
 *
 * A run (or a comparison, a calibration, ...) writes a set of files that
 * belong together. cc_outdir makes that set one atomic unit:
 *
 *   open    check the target (its parent exists and is writable; the
 *           target, if present, is a folder that carcer wrote, writable),
 *           take an exclusive lock on `.NAME.carcer-lock` beside it (a
 *           second writer fails at once with a message naming the holder),
 *           remove stale staging folders of dead writers, and create a
 *           fresh staging folder `.NAME.carcer-stage.PID.XXXXXX` beside
 *           the target. All of this happens before any simulation.
 *   stage   write files into the staging folder, whole or in pieces; the
 *           size and a 64-bit FNV-1a checksum of each are kept.
 *   commit  write `run.json` (the run id and every file with its size and
 *           checksum), sync, and swap the staging folder with the target in
 *           one renameat2(RENAME_EXCHANGE) (one rename() when there is no
 *           target yet), then remove the previous folder, now at the
 *           staging name. Where the kernel or file system lacks
 *           RENAME_EXCHANGE, the previous folder is renamed aside and the
 *           new one renamed in: a crash between the two renames leaves the
 *           target missing and the previous run at the staging name.
 *   free    without a commit: remove the staging folder (abort). Always:
 *           release the lock.
 *
 * The target therefore holds exactly one run's files: nothing of an earlier
 * run survives that this run did not write. Load: a few system calls per
 * file; appends go straight to the file descriptor.
 */
#ifndef CARCER_OUTDIR_H
#define CARCER_OUTDIR_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Files carcer may stage into an output folder at most. */
#define CC_OUTDIR_MAX_FILES 32

/* The names carcer writes into an output folder (NULL-terminated). */
extern const char *const cc_outdir_names[];

/* The public carcer_output of carcer.h is this object. */
typedef struct carcer_output cc_outdir;

/* The checks, the lock, the stale clean-up and the staging folder (see
 * above). 0, or -1 with a message in diag (nothing created then). */
int cc_outdir_open(const char *dir, cc_diag *diag, cc_outdir **out);

/* Start file `name` (a plain name, no slash) of the staging folder; returns
 * its index (>= 0) or -1 with a message. Files stay open until ended. */
int cc_outdir_begin(cc_outdir *o, const char *name, cc_diag *diag);
/* Append to file `file`; 0 or -1 with a message. */
int cc_outdir_append(cc_outdir *o, int file, const void *data, size_t len, cc_diag *diag);
/* Sync and close file `file`; 0 or -1 with a message. */
int cc_outdir_end(cc_outdir *o, int file, cc_diag *diag);
/* begin + append + end. */
int cc_outdir_stage(cc_outdir *o, const char *name, const void *data, size_t len,
                    cc_diag *diag);

/* A file written in k parts that may arrive in any order and from any
 * thread (the time series of replicates finishing in parallel): part r is
 * appended once parts 0..r-1 are, and held until then, so the bytes do not
 * depend on the order of arrival. begin writes `head` first. put takes
 * ownership of `text` (malloc'd; NULL records an error); end checks all k
 * parts arrived and ends the file. 0 or -1 with a message. One such file
 * per folder. */
int cc_outdir_ordered_begin(cc_outdir *o, const char *name, const char *head, int k,
                            cc_diag *diag);
int cc_outdir_ordered_put(cc_outdir *o, int r, char *text, cc_diag *diag);
int cc_outdir_ordered_end(cc_outdir *o, cc_diag *diag);
/* Is an ordered file open (begun and not ended)? */
int cc_outdir_ordered_open(const cc_outdir *o);

/* Name the run whose files these are: run.json records run_id and `kind`
 * ("run", "compare", ...). run_id is 16 hex digits. */
void cc_outdir_set_run(cc_outdir *o, const char *run_id, const char *kind);

/* Write run.json, then swap the staged folder in. Every begun file must
 * have ended and the run been named. 0 or -1 with a message (the target
 * then still holds the previous run). */
int cc_outdir_commit(cc_outdir *o, cc_diag *diag);

/* Abort (remove the staging folder) unless committed; release the lock;
 * free. NULL does nothing. */
void cc_outdir_free(cc_outdir *o);

/* The target folder as given to open. */
const char *cc_outdir_target(const cc_outdir *o);

/* 64-bit FNV-1a (Fowler, Noll, Vo; draft-eastlake-fnv, section 2) of
 * data, continued from h (start from CC_FNV_OFFSET). */
#define CC_FNV_OFFSET 0xcbf29ce484222325ULL
uint64_t cc_fnv1a64(uint64_t h, const void *data, size_t len);

/* Text of a run id: the 16 hex digits of h. */
void cc_run_id_format(uint64_t h, char out[17]);

/* Check that the files of an output folder belong together: when dir holds
 * run.json, every file it lists exists with its size and checksum, and each
 * of `keyed` (files of JSON holding a "run_id" key, e.g. summary.json) that
 * exists names the same run id. 0, or -1 with one message per mismatch.
 * A folder without run.json (written by an older carcer) passes. */
int cc_outdir_verify(const char *dir, cc_diag *diag);

#endif
