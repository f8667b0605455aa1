/* diag.h - a sink of diagnostics that the library fills and the caller reads.
 *
 * The library never prints: scenario and pathogen loaders record every problem
 * here with its file, line and column (1-based), the key path, what was
 * expected, what was found and an optional hint; the tool prints them
 * gcc-style. A message is an error (the load fails) or a warning (the
 * scenario loads and runs, but probably not as meant; the tool's --strict
 * makes warnings fail too): `count` counts errors only. The sink caps the number of messages it keeps (CC_DIAG_MAX) so a
 * hostile file cannot exhaust memory through errors; the count goes on.
 */
#ifndef CARCER_DIAG_H
#define CARCER_DIAG_H

#include <stddef.h>

#define CC_DIAG_MAX 200

typedef struct cc_diag_entry {
    char *file;
    int line, col;   /* 1-based; 0 when unknown */
    char *path;      /* key path, e.g. "facilities[2].capacity" */
    char *message;   /* "expected ..., got ..." */
    char *hint;      /* "did you mean 'capacity'?" or NULL */
    int warning;     /* 1: a warning, 0: an error */
} cc_diag_entry;

typedef struct cc_diag {
    int count;       /* errors seen, kept or not */
    int warnings;    /* warnings seen, kept or not */
    int kept;
    cc_diag_entry entry[CC_DIAG_MAX];
} cc_diag;

void cc_diag_init(cc_diag *d);
void cc_diag_clear(cc_diag *d);

/* Record an error. `hint` may be NULL. */
void cc_diag_add(cc_diag *d, const char *file, int line, int col, const char *path,
                 const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Record a warning: positioned like an error, not counted as one. */
void cc_diag_warn(cc_diag *d, const char *file, int line, int col, const char *path,
                  const char *hint, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Format entry i as "file:line:col: path: message (hint)" into a malloc'd
 * string; a warning as "file:line:col: warning: path: message (hint)". */
char *cc_diag_format(const cc_diag *d, int i);

/* Sort entries by file, line, column so that messages read in file order. */
void cc_diag_sort(cc_diag *d);

#endif
