/* posterior.h - a posterior sample read back from posterior.csv, and
 * parameter sets drawn from it.
 *
 * posterior.csv (written by cc_abc_posterior_csv) has a header `weight`
 * then one column per uncertain input, and one row per particle. The
 * reader takes the file from disk, so it trusts nothing: the columns must be
 * exactly the scenario's uncertain inputs (in any order; every missing and
 * every extra one is reported), every field a finite number, weights >= 0
 * and not all 0, at most CC_POSTERIOR_MAX_ROWS rows, no NUL byte; errors
 * are positioned as file:line:col.
 *
 * A draw is weighted resampling: replicate i gets row k with probability
 * W_k, from the stream (seed, CC_RK_INPUTS | 0xffffff, i), so the draw
 * depends on (seed, i) only and two scenarios compared with the same
 * posterior share replicate i's parameter set. Cost: O(rows) to read,
 * O(log rows) a draw.
 */
#ifndef CARCER_POSTERIOR_H
#define CARCER_POSTERIOR_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define CC_POSTERIOR_MAX_ROWS 1000000
#define CC_POSTERIOR_MAX_BYTES (512L << 20)

typedef struct cc_posterior {
    int ninputs;   /* columns in the order of the expected names */
    int rows;
    double *weight; /* [rows], normalised to sum 1 */
    double *cum;    /* [rows], cumulative weights (the last is 1) */
    double *theta;  /* [rows * ninputs] */
} cc_posterior;

/* Parse posterior.csv text (file names it in messages) against the
 * scenario's uncertain inputs expected[0..n). 0 with *out, or -1 with every
 * error found in diag. */
int cc_posterior_read(const char *text, size_t len, const char *file,
                      const char *const *expected, int n, cc_diag *diag, cc_posterior **out);

/* Read the file at path and parse it. */
int cc_posterior_load(const char *path, const char *const *expected, int n, cc_diag *diag,
                      cc_posterior **out);

void cc_posterior_free(cc_posterior *p);

/* Replicate i's parameter set theta[ninputs], drawn by weight. */
void cc_posterior_draw(const cc_posterior *p, uint64_t seed, uint32_t i, double *theta);

/* The row replicate i draws (the index behind cc_posterior_draw). */
int cc_posterior_draw_row(const cc_posterior *p, uint64_t seed, uint32_t i);

#endif
