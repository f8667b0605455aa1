/* dist.h - sampling the scenario's distributions.
 *
 * cc_dist_sample draws a duration as the scenario describes it.
 * cc_dist_sample_residual draws the time left for someone found in a stock
 * at a random moment: in a stationary system a person present has a
 * length-biased total stay (density l f(l) / mean) and has served a uniform
 * fraction of it, so the time left has density (1 - F(r)) / mean. For
 * lognormal and gamma the length-biased law is again lognormal
 * (mu + sigma^2, sigma) and gamma (k + 1, theta); exponential is memoryless;
 * fixed and uniform and empirical are handled exactly.
 */
#ifndef CARCER_DIST_H
#define CARCER_DIST_H

#include <gsl/gsl_rng.h>

#include "scenario.h"

double cc_dist_sample(gsl_rng *r, const cc_dist *d);
double cc_dist_sample_residual(gsl_rng *r, const cc_dist *d);
/* The whole stay of someone found in a stock (length-biased, density
 * l f(l) / mean); residual = (1 - U) x this, time already spent = U x this. */
double cc_dist_sample_length_biased(gsl_rng *r, const cc_dist *d);

/* Fill in d->mean from the parameters. */
void cc_dist_compute_mean(cc_dist *d);
void cc_dist_free(cc_dist *d);

#endif
