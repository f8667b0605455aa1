/* abc_internal.h - the state a calibration carries between rounds, shared by
 * the engine (abc.c) and its checkpoint (abc_checkpoint.c).
 */
#ifndef CARCER_ABC_INTERNAL_H
#define CARCER_ABC_INTERNAL_H

#include "abc.h"

#define CC_ABC_MAX_CHECKPOINT_BYTES (1L << 31)

/* The generation in progress: for each particle either its accepted
 * attempt (done) with its value, or the next attempt to try. */
typedef struct cc_abc_current {
    int active;        /* a generation is in progress */
    double tolerance;
    long proposals, simulations;
    double seconds;    /* wall time spent on it so far */
    unsigned char *done; /* [N] */
    uint32_t *attempt;   /* [N]: the accepted attempt when done, else the next one */
    double *theta;       /* [N * ninputs] */
    double *distance;    /* [N] */
    double *stats;       /* [N * nstats] */
} cc_abc_current;

/* A checkpoint as read from disk: the completed generations and the one
 * in progress. */
typedef struct cc_abc_checkpoint {
    cc_abc_result *res;
    cc_abc_current cur;
} cc_abc_checkpoint;

/* A result with names copied from the problem and no generation; NULL when
 * out of memory. */
cc_abc_result *cc_abc_result_new(int ninputs, const char *const *input_names, int nstats,
                                 const char *const *stat_names, int particles);
/* Append a generation (its arrays are taken over); 0 or -1 out of memory. */
int cc_abc_result_push(cc_abc_result *res, const cc_abc_generation *g);
void cc_abc_generation_clear(cc_abc_generation *g);

int cc_abc_current_alloc(cc_abc_current *c, int particles, int ninputs, int nstats);
void cc_abc_current_free(cc_abc_current *c);

/* The checkpoint text of the state (malloc'd; NULL out of memory). */
char *cc_abc_checkpoint_text(const cc_abc_problem *pb, const cc_abc_options *opt,
                             const cc_abc_result *res, const cc_abc_current *cur);

/* Parse a checkpoint written for problem pb with options opt: the header
 * (seed, particles, replicates, quantile, fingerprint, the names of the
 * inputs, the names, observed values, scales and weights of the targets) must
 * match them, every difference is reported, and only then is the rest read.
 * Errors are positioned in `file`. Returns 0, or -1 with messages. */
int cc_abc_checkpoint_read(const char *text, size_t len, const char *file,
                           const cc_abc_problem *pb, const cc_abc_options *opt, cc_diag *diag,
                           cc_abc_checkpoint **out);
/* Read the file at path (at most CC_ABC_MAX_CHECKPOINT_BYTES) and parse it. */
int cc_abc_checkpoint_load(const char *path, const cc_abc_problem *pb,
                           const cc_abc_options *opt, cc_diag *diag, cc_abc_checkpoint **out);
void cc_abc_checkpoint_free(cc_abc_checkpoint *ck);

#endif
