/* test_sensitivity.c - the sensitivity engine (src/sensitivity.c) on
 * functions whose indices are known, through the same callbacks the
 * scenario driver uses: its estimators, its intervals, its treatment of
 * chance, thread identity and resume.
 *
 * Functions:
 *   - Ishigami (Ishigami & Homma 1990; Saltelli et al. 2008, Global
 *     Sensitivity Analysis: The Primer, section 4.?): f = sin x1 + a sin^2 x2
 *     + b x3^4 sin x1 with x_i ~ U(-pi, pi), a = 7, b = 0.1: S1 = 0.314,
 *     0.442, 0 and ST = 0.558, 0.442, 0.244;
 *   - linear: f = sum c_i x_i over x_i ~ U(0, 1) with c = (5, 3, 1, 0, 0):
 *     inputs 4 and 5 cannot change f (Morris must rank them last, their PRCC
 *     interval must contain 0); with noise of sd sigma added from the chance
 *     stream, the share of the variance due to chance is sigma^2 / (sigma^2 +
 *     sum c_i^2 / 12).
 *
 * Tolerances: a 90% bootstrap interval is about +-1.645 standard errors; an
 * analytic value is checked to lie within the interval widened by half its
 * width on each side (+-3.3 standard errors: a miss has probability about
 * 0.001 per index), and the intervals are checked to be narrow enough
 * (< 0.12 wide at N = 2048) that the check has teeth. The seeds are fixed,
 * so the tests are deterministic.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include "rng.h"
#include "sensitivity.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define SCALE 4 /* smaller samples under the sanitizers */
#else
#define SCALE 1
#endif

enum { ISHIGAMI, LINEAR };

typedef struct fn {
    int kind;
    double noise; /* LINEAR: sd of the chance term */
    atomic_long sims;
    long stop_after;
    volatile sig_atomic_t *stop;
} fn;

static void from_u(void *ctx, const double *u, double *theta)
{
    const fn *f = ctx;
    int k = f->kind == ISHIGAMI ? 3 : 5;
    for (int i = 0; i < k; i++)
        theta[i] = f->kind == ISHIGAMI ? -M_PI + 2 * M_PI * u[i] : u[i];
}

static int sim(void *ctx, const double *x, uint64_t seed, uint32_t rep, double *out, cc_diag *d)
{
    fn *f = ctx;
    (void)d;
    long n = atomic_fetch_add(&f->sims, 1) + 1;
    if (f->stop_after && n > f->stop_after) {
        *f->stop = 1;
        return 1;
    }
    if (f->kind == ISHIGAMI) {
        double s = sin(x[1]);
        out[0] = sin(x[0]) + 7 * s * s + 0.1 * pow(x[2], 4) * sin(x[0]);
        return 0;
    }
    double e = 0;
    if (f->noise > 0) {
        gsl_rng *g = cc_rng_alloc();
        cc_rng_seek(g, seed, rep, cc_stream(CC_RK_SENSITIVITY, 200, 0, 0, 0));
        e = gsl_ran_gaussian(g, f->noise);
        cc_rng_free(g);
    }
    out[0] = 5 * x[0] + 3 * x[1] + x[2] + e;
    out[1] = x[3] * 0; /* an output no input changes: its indices are undefined */
    return 0;
}

static const char *const ish_in[] = {"x1", "x2", "x3"};
static const char *const lin_in[] = {"c5", "c3", "c1", "none_a", "none_b"};
static const char *const out1[] = {"f"};
static const char *const out2[] = {"f", "constant"};

static cc_sens_problem problem(fn *f)
{
    cc_sens_problem p = {0};
    p.ninputs = f->kind == ISHIGAMI ? 3 : 5;
    p.input_names = f->kind == ISHIGAMI ? ish_in : lin_in;
    p.noutputs = f->kind == ISHIGAMI ? 1 : 2;
    p.output_names = f->kind == ISHIGAMI ? out1 : out2;
    p.ctx = f;
    p.from_uniforms = from_u;
    p.simulate = sim;
    p.fingerprint = f->kind == ISHIGAMI ? "ishigami" : "linear";
    return p;
}

static void near_interval(const cc_sens_index *x, double truth, double maxwidth)
{
    assert_non_null(x);
    double w = x->q95 - x->q05;
    if (!(truth >= x->q05 - w / 2 && truth <= x->q95 + w / 2 && w < maxwidth))
        fail_msg("%s of input %d: %.4f [%.4f, %.4f], analytic %.4f", x->index, x->input,
                 x->estimate, x->q05, x->q95, truth);
}

static void test_ishigami_sobol(void **state)
{
    (void)state;
    fn f = {.kind = ISHIGAMI};
    cc_sens_problem p = problem(&f);
    cc_sens_options o;
    cc_sens_options_init(&o);
    o.method = CC_SENS_SOBOL;
    o.samples = 2048 / SCALE;
    o.bootstrap = 300;
    o.seed = 11;
    cc_diag d;
    cc_diag_init(&d);
    cc_sens_result *r = NULL;
    assert_int_equal(cc_sens_run(&p, &o, false, &r, &d), 0);
    assert_int_equal(r->nrows, (long)o.samples * 5 + 16);
    const double s1[] = {0.314, 0.442, 0}, st[] = {0.558, 0.442, 0.244};
    double width = SCALE == 1 ? 0.12 : 0.3;
    for (int i = 0; i < 3; i++) {
        near_interval(cc_sens_find(r, 0, i, "S1"), s1[i], width);
        near_interval(cc_sens_find(r, 0, i, "ST"), st[i], width);
    }
    /* a deterministic function: nothing is due to chance; 1 - sum S1 is the
     * interaction x1-x3 (0.244) */
    assert_true(fabs(r->chance[0]) < 1e-12);
    assert_true(fabs(r->unexplained[0] - 0.244) < 0.1);
    cc_sens_result_free(r);
    cc_diag_clear(&d);
}

static void test_morris_inactive_last(void **state)
{
    (void)state;
    fn f = {.kind = LINEAR};
    cc_sens_problem p = problem(&f);
    cc_sens_options o;
    cc_sens_options_init(&o);
    o.method = CC_SENS_MORRIS;
    o.trajectories = 20;
    o.bootstrap = 200;
    o.seed = 5;
    cc_diag d;
    cc_diag_init(&d);
    cc_sens_result *r = NULL;
    assert_int_equal(cc_sens_run(&p, &o, false, &r, &d), 0);
    /* effects in units of the cube: the step is 2/3 of the levels' span
     * (1/8 .. 7/8 of the cube is 3/4), so EE_i = c_i * 3/4 exactly */
    double mu[5];
    for (int i = 0; i < 5; i++)
        mu[i] = cc_sens_find(r, 0, i, "mu_star")->estimate;
    assert_true(fabs(mu[0] - 5 * 0.75) < 1e-9);
    assert_true(fabs(mu[2] - 0.75) < 1e-9);
    assert_true(mu[3] == 0 && mu[4] == 0);
    assert_true(mu[2] > mu[3] && mu[2] > mu[4]);
    assert_true(cc_sens_find(r, 0, 3, "sigma")->estimate == 0);
    /* the constant output: every index 0, no warning about it */
    assert_true(cc_sens_find(r, 1, 0, "mu_star")->estimate == 0);
    cc_sens_result_free(r);
    cc_diag_clear(&d);
}

static void test_prcc_inactive_contains_zero(void **state)
{
    (void)state;
    fn f = {.kind = LINEAR, .noise = 1.0};
    cc_sens_problem p = problem(&f);
    cc_sens_options o;
    cc_sens_options_init(&o);
    o.method = CC_SENS_PRCC;
    o.samples = 400 / SCALE;
    o.bootstrap = 200;
    o.seed = 3;
    o.chance_points = 20;
    o.chance_repeats = 10;
    cc_diag d;
    cc_diag_init(&d);
    cc_sens_result *r = NULL;
    assert_int_equal(cc_sens_run(&p, &o, false, &r, &d), 0);
    /* inputs that cannot change f: 0 within the interval (widened as the
     * header says), and the interval narrow enough to mean something */
    for (int i = 3; i < 5; i++) {
        const cc_sens_index *x = cc_sens_find(r, 0, i, "PRCC");
        near_interval(x, 0, SCALE == 1 ? 0.25 : 0.5);
    }
    /* the largest coefficient: once the other inputs are regressed out, f
     * is 5 x1 (variance 25/12) plus noise of variance 1, a correlation near
     * sqrt(2.08 / 3.08) = 0.82 (its se near (1 - 0.67) / sqrt(400) = 0.02) */
    const cc_sens_index *big = cc_sens_find(r, 0, 0, "PRCC");
    assert_true(big->q05 > 0.7 && big->q95 < 0.9);
    /* chance share: 1 / (1 + 35/12) = 0.256; 20 points of 11 runs each
     * estimate the chance variance with about 200 degrees of freedom (a
     * relative se near 0.1) and the total variance with 400 rows */
    assert_true(fabs(r->chance[0] - 1.0 / (1 + 35.0 / 12)) < 0.1);
    /* the constant output: undefined indices, written as empty fields */
    assert_true(isnan(cc_sens_find(r, 1, 0, "PRCC")->estimate));
    cc_sens_result_free(r);
    cc_diag_clear(&d);
}

static char *run_text(fn *f, cc_sens_method m, int threads, const char *ckpt, bool resume,
                      int *rc)
{
    cc_sens_problem p = problem(f);
    cc_sens_options o;
    cc_sens_options_init(&o);
    o.method = m;
    o.samples = 64;
    o.trajectories = 10;
    o.bootstrap = 100;
    o.threads = threads;
    o.seed = 99;
    o.checkpoint = ckpt;
    o.checkpoint_seconds = 0;
    o.stop = f->stop;
    cc_diag d;
    cc_diag_init(&d);
    cc_sens_result *r = NULL;
    *rc = cc_sens_run(&p, &o, resume, &r, &d);
    cc_diag_clear(&d);
    if (*rc != 0)
        return NULL;
    char *a = cc_sens_csv(r), *b = cc_sens_samples_csv(r), *c = cc_sens_json(r);
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *all = malloc(n);
    snprintf(all, n, "%s%s%s", a, b, c);
    free(a);
    free(b);
    free(c);
    cc_sens_result_free(r);
    return all;
}

static void test_threads_and_resume(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_sens_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char ckpt[64];
    snprintf(ckpt, sizeof ckpt, "%s/ckpt", dir);
    cc_sens_method ms[] = {CC_SENS_SOBOL, CC_SENS_MORRIS, CC_SENS_PRCC};
    for (int q = 0; q < 3; q++) {
        volatile sig_atomic_t stop = 0;
        fn f1 = {.kind = LINEAR, .noise = 0.5, .stop = &stop};
        fn f2 = f1, f3 = f1;
        int rc;
        char *one = run_text(&f1, ms[q], 1, NULL, false, &rc);
        assert_int_equal(rc, 0);
        char *two = run_text(&f2, ms[q], 2, NULL, false, &rc);
        assert_int_equal(rc, 0);
        assert_string_equal(one, two);
        /* interrupted after 40 simulations, then resumed on 2 threads */
        f3.stop_after = 40;
        assert_null(run_text(&f3, ms[q], 1, ckpt, false, &rc));
        assert_int_equal(rc, 1);
        stop = 0;
        fn f4 = {.kind = LINEAR, .noise = 0.5, .stop = &stop};
        char *resumed = run_text(&f4, ms[q], 2, ckpt, true, &rc);
        assert_int_equal(rc, 0);
        assert_string_equal(one, resumed);
        /* the resumed run simulated only what was missing (a round of at
         * most 16 may have been lost with the interruption) */
        assert_true(atomic_load(&f4.sims) < atomic_load(&f1.sims) - 40 + 16 + 1);
        free(one);
        free(two);
        free(resumed);
        /* a checkpoint of another analysis is refused */
        fn f5 = {.kind = ISHIGAMI};
        cc_sens_problem p = problem(&f5);
        cc_sens_options o;
        cc_sens_options_init(&o);
        o.method = ms[q];
        o.samples = 64;
        o.trajectories = 10;
        o.checkpoint = ckpt;
        cc_diag d;
        cc_diag_init(&d);
        cc_sens_result *r = NULL;
        assert_int_equal(cc_sens_run(&p, &o, true, &r, &d), -1);
        assert_non_null(strstr(d.entry[0].message, "another analysis"));
        cc_diag_clear(&d);
        unlink(ckpt);
    }
    rmdir(dir);
}

static void test_bad_sizes(void **state)
{
    (void)state;
    fn f = {.kind = LINEAR};
    cc_sens_problem p = problem(&f);
    cc_sens_options o;
    cc_sens_options_init(&o);
    cc_sens_method ms[] = {CC_SENS_SOBOL, CC_SENS_MORRIS, CC_SENS_PRCC};
    for (int q = 0; q < 3; q++) {
        o.method = ms[q];
        o.samples = o.trajectories = cc_sens_min_samples(ms[q], 5) - 1;
        cc_diag d;
        cc_diag_init(&d);
        cc_sens_result *r = NULL;
        assert_int_equal(cc_sens_run(&p, &o, false, &r, &d), -1);
        assert_null(r);
        assert_non_null(strstr(d.entry[0].message, "at least"));
        cc_diag_clear(&d);
    }
    assert_int_equal(atomic_load(&f.sims), 0);
}

static void test_warning_when_wide(void **state)
{
    (void)state;
    fn f = {.kind = ISHIGAMI};
    cc_sens_problem p = problem(&f);
    cc_sens_options o;
    cc_sens_options_init(&o);
    o.method = CC_SENS_SOBOL;
    o.samples = 16;
    o.bootstrap = 200;
    cc_diag d;
    cc_diag_init(&d);
    cc_sens_result *r = NULL;
    assert_int_equal(cc_sens_run(&p, &o, false, &r, &d), 0);
    assert_int_equal(r->nwarnings, 1);
    assert_non_null(strstr(r->warnings[0], "--samples"));
    char *j = cc_sens_json(r);
    assert_non_null(strstr(j, "too wide to rank"));
    free(j);
    cc_sens_result_free(r);
    cc_diag_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ishigami_sobol),
        cmocka_unit_test(test_morris_inactive_last),
        cmocka_unit_test(test_prcc_inactive_contains_zero),
        cmocka_unit_test(test_threads_and_resume),
        cmocka_unit_test(test_bad_sizes),
        cmocka_unit_test(test_warning_when_wide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
