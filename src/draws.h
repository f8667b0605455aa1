/* draws.h - the uncertain inputs of a run's replicates, and the split of a
 * result's variance into the part due to the inputs and the part due to
 * chance.
 *
 * Replicates come in pairs that share one input set: replicate r uses draw
 * floor(r / 2) of ceil(k / 2) draws (a Latin hypercube over the draws from
 * the priors, or weighted resampling of a posterior), with chance streams
 * of its own. The two members of a pair differ only by chance, which is what
 * lets a run tell the two parts apart (cc_variance_split).
 */
#ifndef CARCER_DRAWS_H
#define CARCER_DRAWS_H

#include <stdint.h>

#include "diag.h"
#include "scenario.h"
#include "schema.h"

/* The schema hook of the top-level `posterior:` row: a posterior.csv
 * (carcer calibrate) read relative to the folder of the file that names it
 * and confined to it (as includes and pathogens are; the embedded copy for
 * the embedded default), whose columns must be the scenario's uncertain
 * inputs. Replicates then draw their inputs from it (weighted resampling,
 * posterior.h) instead of from the priors, which still name the inputs and
 * bound their values. */
extern const cc_schema_custom cc_posterior_custom;

/* 1 when a `posterior:` value names a shipped posterior (no '/' and no
 * ".csv": `cambodia-2017` is scenarios/cambodia-2017.posterior.csv, embedded
 * in the library), 0 when it names a file. */
int cc_posterior_ref_is_name(const char *ref);

/* The input values of replicates 0..k-1 of s with the seed: a malloc'd
 * [k][n] matrix into *out (NULL when s has no uncertain inputs), n into *n;
 * draws from s->posterior when the scenario names one.
 * 0, or -1 with a message in diag. */
int cc_draws_make(const cc_scenario *s, uint64_t seed, int k, double **out, int *n,
                  cc_diag *diag);

/* 0 when scenario b has the same uncertain inputs as a (the same key paths
 * in the same order), else -1 with a message naming the first difference:
 * paired replicates of a comparison share their input values. */
int cc_draws_check_same(const cc_scenario *a, const cc_scenario *b, cc_diag *diag);

/* The split of the variance of y[0..k) over paired replicates (y[2m] and
 * y[2m + 1] share inputs): one-way random-effects analysis of variance with
 * groups of two, chance^2 = MSW = sum_m (y_2m - y_2m+1)^2 / (2 M), inputs^2
 * = max(0, (MSB - MSW) / 2) with MSB = 2 var(pair means) (e.g. Searle,
 * Casella & McCulloch 1992, Variance Components, ch. 3). A last unpaired
 * replicate is left out; with fewer than two pairs both are NaN. NaN
 * values are left out pair-wise. */
void cc_variance_split(const double *y, int k, double *sd_inputs, double *sd_chance);

#endif
