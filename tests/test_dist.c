/* test_dist.c - the duration samplers against their theory.
 *
 * For every family: the sample mean of N draws lies within 4 standard
 * errors (the sample sd / sqrt(N)) of the mean computed by
 * cc_dist_compute_mean; the residual sampler's mean matches the renewal
 * theory value E[L^2] / (2 E[L]) and the length-biased sampler's mean
 * E[L^2] / E[L]; draws are never negative; the same stream gives the same
 * draws. With 4 SE a correct sampler fails with probability ~6e-5 per
 * check, and the seeds are fixed, so the suite is deterministic.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dist.h"
#include "rng.h"

#define N 200000

typedef struct {
    const char *name;
    cc_dist d;
    double ex2; /* E[L^2] */
} dcase;

static double lo_b[3] = {0, 10, 30}, hi_b[3] = {10, 30, 100}, w_b[3] = {0.5, 0.3, 0.2};

static int make_cases(dcase *c)
{
    int n = 0;
    c[n] = (dcase){"fixed", {.kind = CC_DIST_FIXED, .a = 7}, 49};
    n++;
    c[n] = (dcase){"uniform", {.kind = CC_DIST_UNIFORM, .a = 180, .b = 365}, (180.0 * 180 + 180.0 * 365 + 365.0 * 365) / 3};
    n++;
    c[n] = (dcase){"exponential", {.kind = CC_DIST_EXPONENTIAL, .a = 40}, 2 * 40.0 * 40};
    n++;
    double mu = log(150), sg = log(330.0 / 150) / 1.2815515655446004;
    c[n] = (dcase){"lognormal", {.kind = CC_DIST_LOGNORMAL, .a = mu, .b = sg}, exp(2 * mu + 2 * sg * sg)};
    n++;
    double k = 4, th = 60; /* mean 240, sd 120 */
    c[n] = (dcase){"gamma", {.kind = CC_DIST_GAMMA, .a = k, .b = th}, k * th * th * (k + 1)};
    n++;
    double ex2 = 0;
    for (int i = 0; i < 3; i++)
        ex2 += w_b[i] * (lo_b[i] * lo_b[i] + lo_b[i] * hi_b[i] + hi_b[i] * hi_b[i]) / 3;
    c[n] = (dcase){"empirical", {.kind = CC_DIST_EMPIRICAL, .nbins = 3, .lo = lo_b, .hi = hi_b, .w = w_b}, ex2};
    n++;
    for (int i = 0; i < n; i++)
        cc_dist_compute_mean(&c[i].d);
    return n;
}

/* sample mean and standard error of N draws of one sampler */
static void moments(gsl_rng *r, const cc_dist *d, double (*f)(gsl_rng *, const cc_dist *),
                    double *mean, double *se, double *min)
{
    double s = 0, s2 = 0, mn = HUGE_VAL;
    for (int i = 0; i < N; i++) {
        double x = f(r, d);
        s += x;
        s2 += x * x;
        if (x < mn)
            mn = x;
    }
    *mean = s / N;
    double var = s2 / N - *mean * *mean;
    *se = sqrt(var > 0 ? var / N : 0) + 1e-12;
    *min = mn;
}

static void test_means(void **state)
{
    (void)state;
    dcase c[8];
    int n = make_cases(c);
    gsl_rng *r = cc_rng_alloc();
    for (int i = 0; i < n; i++) {
        cc_rng_seek(r, 42, 0, cc_stream(CC_RK_PROCESS, (uint32_t)i, 1, CC_RP_ARRIVALS, 0));
        double m, se, mn;
        moments(r, &c[i].d, cc_dist_sample, &m, &se, &mn);
        if (fabs(m - c[i].d.mean) > 4 * se)
            fail_msg("%s: sample mean %g, expected %g (se %g)", c[i].name, m, c[i].d.mean, se);
        assert_true(mn >= 0);
    }
    cc_rng_free(r);
}

static void test_residual(void **state)
{
    (void)state;
    dcase c[8];
    int n = make_cases(c);
    gsl_rng *r = cc_rng_alloc();
    for (int i = 0; i < n; i++) {
        double want_res = c[i].ex2 / (2 * c[i].d.mean), want_lb = c[i].ex2 / c[i].d.mean;
        double m, se, mn;
        cc_rng_seek(r, 42, 0, cc_stream(CC_RK_PROCESS, (uint32_t)i, 2, CC_RP_ARRIVALS, 0));
        moments(r, &c[i].d, cc_dist_sample_residual, &m, &se, &mn);
        if (fabs(m - want_res) > 4 * se)
            fail_msg("%s: residual mean %g, theory %g (se %g)", c[i].name, m, want_res, se);
        assert_true(mn >= 0);
        cc_rng_seek(r, 42, 0, cc_stream(CC_RK_PROCESS, (uint32_t)i, 3, CC_RP_ARRIVALS, 0));
        moments(r, &c[i].d, cc_dist_sample_length_biased, &m, &se, &mn);
        if (fabs(m - want_lb) > 4 * se + 1e-9 * want_lb)
            fail_msg("%s: length-biased mean %g, theory %g (se %g)", c[i].name, m, want_lb, se);
    }
    cc_rng_free(r);
}

/* the residual of an exponential is the same exponential (memoryless): a
 * sharper check than the mean alone, on the second moment */
static void test_exponential_memoryless(void **state)
{
    (void)state;
    cc_dist d = {.kind = CC_DIST_EXPONENTIAL, .a = 10};
    cc_dist_compute_mean(&d);
    gsl_rng *r = cc_rng_alloc();
    cc_rng_seek(r, 7, 0, cc_stream(CC_RK_PROCESS, 0, 9, CC_RP_ARRIVALS, 0));
    double s2 = 0, s4 = 0;
    for (int i = 0; i < N; i++) {
        double x = cc_dist_sample_residual(r, &d);
        s2 += x * x;
        s4 += x * x * x * x;
    }
    double m2 = s2 / N, se = sqrt((s4 / N - m2 * m2) / N);
    assert_true(fabs(m2 - 200.0) < 4 * se); /* E[X^2] = 2 mean^2 */
    cc_rng_free(r);
}

static void test_same_stream_same_draws(void **state)
{
    (void)state;
    dcase c[8];
    int n = make_cases(c);
    gsl_rng *r = cc_rng_alloc();
    for (int i = 0; i < n; i++) {
        double a[5], b[5];
        cc_rng_seek(r, 1, 3, cc_stream(CC_RK_PERSON_ARREST, 12, 34, CC_RP_PRETRIAL, 1));
        for (int k = 0; k < 5; k++)
            a[k] = cc_dist_sample(r, &c[i].d);
        cc_rng_seek(r, 1, 3, cc_stream(CC_RK_PERSON_ARREST, 12, 34, CC_RP_PRETRIAL, 1));
        for (int k = 0; k < 5; k++)
            b[k] = cc_dist_sample(r, &c[i].d);
        assert_memory_equal(a, b, sizeof a);
    }
    /* another replicate draws other numbers */
    double x, y;
    cc_rng_seek(r, 1, 3, cc_stream(CC_RK_PERSON_ARREST, 12, 34, CC_RP_PRETRIAL, 1));
    x = cc_dist_sample(r, &c[2].d);
    cc_rng_seek(r, 1, 4, cc_stream(CC_RK_PERSON_ARREST, 12, 34, CC_RP_PRETRIAL, 1));
    y = cc_dist_sample(r, &c[2].d);
    assert_true(x != y);
    cc_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_means),
        cmocka_unit_test(test_residual),
        cmocka_unit_test(test_exponential_memoryless),
        cmocka_unit_test(test_same_stream_same_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
