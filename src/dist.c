/* dist.c - sampling the scenario's duration distributions (see dist.h).
 *
 * Every sampler draws from the generator it is given (a stream that belongs
 * to a person or a process), so the same person draws the same durations in
 * every scenario that describes them the same way. Durations are never
 * negative: a sampler that could return a negative value (none of the
 * families below can, except through a malformed empirical bin) is clamped
 * at 0.
 *
 * Residual times (people found in a stock on day 0). In a stationary system
 * the stay L of a person present at a random moment has the length-biased
 * density l f(l) / E[L], and the time already spent is a uniform fraction U
 * of it, so the time left R = (1 - U) L has density (1 - F(r)) / E[L] and
 * mean E[L^2] / (2 E[L]) (renewal theory; e.g. Cox, "Renewal Theory", 1962,
 * ch. 5; Feller, vol. II, ch. XI.4). The length-biased laws used:
 *   fixed v:            v
 *   uniform [a, b]:     density l / (E[L](b - a)) on [a, b],
 *                       inverse CDF sqrt(a^2 + u (b^2 - a^2))
 *   exponential(mean):  gamma(2, mean) (so R is again exponential)
 *   lognormal(mu, s):   lognormal(mu + s^2, s)
 *   gamma(k, theta):    gamma(k + 1, theta)
 *   empirical:          bin i with weight w_i m_i (m_i its midpoint), then
 *                       length-biased uniform inside the bin
 */
#include "dist.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "rng.h"

/* exp(N(mu, sigma^2)), the normal from GSL's ziggurat: one 32-bit word for
 * ~99% of draws, where gsl_ran_lognormal's polar Box-Muller takes ~2.5
 * words and a logarithm (words are Philox blocks, the main cost of a
 * person's decision) */
static double lognormal(gsl_rng *r, double mu, double sigma)
{
    return exp(mu + gsl_ran_gaussian_ziggurat(r, sigma));
}

/* length-biased draw from uniform [a, b] (inverse of F(l) = (l^2-a^2)/(b^2-a^2)) */
static double lb_uniform(gsl_rng *r, double a, double b)
{
    if (a < 0)
        a = 0;
    if (b <= a)
        return a;
    double u = cc_rng_uniform(r);
    return sqrt(a * a + u * (b * b - a * a));
}

static int empirical_bin(gsl_rng *r, const cc_dist *d, int length_biased)
{
    double total = 0;
    for (int i = 0; i < d->nbins; i++)
        total += d->w[i] * (length_biased ? 0.5 * (d->lo[i] + d->hi[i]) : 1.0);
    if (!(total > 0))
        return d->nbins - 1;
    double u = cc_rng_uniform(r) * total;
    for (int i = 0; i < d->nbins; i++) {
        u -= d->w[i] * (length_biased ? 0.5 * (d->lo[i] + d->hi[i]) : 1.0);
        if (u < 0)
            return i;
    }
    return d->nbins - 1;
}

double cc_dist_sample(gsl_rng *r, const cc_dist *d)
{
    double x = 0;
    switch (d->kind) {
    case CC_DIST_FIXED:
        x = d->a;
        break;
    case CC_DIST_UNIFORM:
        x = d->b > d->a ? d->a + (d->b - d->a) * cc_rng_uniform(r) : d->a;
        break;
    case CC_DIST_EXPONENTIAL:
        x = d->a > 0 ? -d->a * log1p(-cc_rng_uniform(r)) : 0; /* as gsl_ran_exponential */
        break;
    case CC_DIST_LOGNORMAL:
        x = lognormal(r, d->a, d->b);
        break;
    case CC_DIST_GAMMA:
        x = (d->a > 0 && d->b > 0) ? gsl_ran_gamma(r, d->a, d->b) : 0;
        break;
    case CC_DIST_EMPIRICAL:
        if (d->nbins > 0) {
            int i = empirical_bin(r, d, 0);
            x = d->lo[i] + (d->hi[i] - d->lo[i]) * cc_rng_uniform(r);
        }
        break;
    }
    return x > 0 ? x : 0;
}

/* A draw of the stay of someone found in a stock (length-biased). */
double cc_dist_sample_length_biased(gsl_rng *r, const cc_dist *d)
{
    double x = 0;
    switch (d->kind) {
    case CC_DIST_FIXED:
        x = d->a;
        break;
    case CC_DIST_UNIFORM:
        x = lb_uniform(r, d->a, d->b);
        break;
    case CC_DIST_EXPONENTIAL:
        x = d->a > 0 ? gsl_ran_gamma(r, 2.0, d->a) : 0;
        break;
    case CC_DIST_LOGNORMAL:
        x = lognormal(r, d->a + d->b * d->b, d->b);
        break;
    case CC_DIST_GAMMA:
        x = (d->a > 0 && d->b > 0) ? gsl_ran_gamma(r, d->a + 1.0, d->b) : 0;
        break;
    case CC_DIST_EMPIRICAL:
        if (d->nbins > 0) {
            int i = empirical_bin(r, d, 1);
            x = lb_uniform(r, d->lo[i], d->hi[i]);
        }
        break;
    }
    return x > 0 ? x : 0;
}

double cc_dist_sample_residual(gsl_rng *r, const cc_dist *d)
{
    double l = cc_dist_sample_length_biased(r, d);
    return (1.0 - cc_rng_uniform(r)) * l;
}
