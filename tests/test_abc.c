/* test_abc.c - the ABC-SMC engine (src/abc.c) on models whose posterior is
 * known, its stopping rules, its reproducibility across threads and
 * interruptions, its checkpoint, and the posterior.csv reader.
 *
 * Models, all through the engine's callbacks:
 *   - normal: theta ~ N(0, 1), one observation y ~ N(theta, sigma^2 / R)
 *     (the mean of R replicates), observed y0. With distance |y - y0| and
 *     tolerance eps the ABC posterior is exactly
 *       pi(theta) [Phi((y0 + eps - theta) / s) - Phi((y0 - eps - theta) / s)]
 *     with s = sigma / sqrt(R) (the prior times a uniform-kernel likelihood),
 *     integrated numerically below and compared with the final generation;
 *   - poisson: lambda ~ Gamma(a, rate b), a count y ~ Poisson(lambda T),
 *     observed n: at tolerance 0 the ABC posterior is the exact posterior
 *     Gamma(a + n, b + T);
 *   - plane: two inputs, two statistics (theta1, theta1 + theta2 with
 *     noise), for the kernel in two dimensions, the resume and thread tests.
 *
 * Tolerances of the statistical checks: the final generation is an
 * importance sample of effective size ESS, so its weighted mean has a
 * standard error near se_mean = sd / sqrt(ESS) and its sd near
 * se_sd = sd / sqrt(2 ESS) (normal posteriors). Those formulas understate
 * the spread of an SMC estimate (the proposal itself is random, and a
 * weighted variance is sensitive to the few heaviest weights): over seeds 1
 * to 8 of the normal model the errors had a spread of about 1.3 se_mean and
 * 3 se_sd (largest 2.3 se_mean, 6 se_sd). The checks allow 5 se_mean and
 * 10 se_sd, about 4 and 3 of the measured spreads. The seeds are fixed, so
 * the tests are deterministic.
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
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "abc.h"
#include "abc_internal.h"
#include "output.h"
#include "posterior.h"
#include "rng.h"
#include "testutil.h"
#include "util.h"

enum { NORMAL, POISSON, PLANE };

typedef struct model {
    int kind;
    double y0[2];
    double sigma;        /* NORMAL, PLANE: noise sd */
    double a, b, T;      /* POISSON: prior Gamma(a, rate b), exposure T */
    atomic_long sims;    /* simulations run */
    long stop_after;     /* set *stop after this many (0 = never) */
    long fail_after;     /* return an error after this many (0 = never) */
    long interrupt_after; /* return "interrupted" after this many (0 = never) */
    volatile sig_atomic_t *stop;
} model;

static const char *const normal_names[] = {"theta"};
static const char *const plane_names[] = {"theta1", "theta2"};
static const char *const stat1_names[] = {"y"};
static const char *const stat2_names[] = {"y1", "y2"};
static const double ones[2] = {1, 1};

static double log_prior(void *ctx, const double *th)
{
    model *m = ctx;
    switch (m->kind) {
    case POISSON:
        return th[0] > 0 ? log(gsl_ran_gamma_pdf(th[0], m->a, 1 / m->b)) : -INFINITY;
    case PLANE:
        if (th[1] < -2 || th[1] > 2)
            return -INFINITY; /* theta2 ~ U(-2, 2) */
        return -0.5 * th[0] * th[0];
    default:
        return -0.5 * th[0] * th[0];
    }
}

static void from_uniforms(void *ctx, const double *u, double *th)
{
    model *m = ctx;
    switch (m->kind) {
    case POISSON:
        th[0] = gsl_cdf_gamma_Pinv(u[0], m->a, 1 / m->b);
        break;
    case PLANE:
        th[0] = gsl_cdf_ugaussian_Pinv(u[0]);
        th[1] = -2 + 4 * u[1];
        break;
    default:
        th[0] = gsl_cdf_ugaussian_Pinv(u[0]);
    }
}

static int simulate(void *ctx, const double *th, uint64_t sim_seed, uint32_t rep, double *stats,
                    cc_diag *diag)
{
    model *m = ctx;
    long k = atomic_fetch_add(&m->sims, 1) + 1;
    if (m->stop_after && k >= m->stop_after && m->stop)
        *m->stop = 1;
    if (m->fail_after && k >= m->fail_after) {
        cc_diag_add(diag, "model", 0, 0, NULL, NULL, "the model broke");
        return -1;
    }
    if (m->interrupt_after && k >= m->interrupt_after)
        return 1;
    gsl_rng *r = cc_rng_alloc();
    if (!r)
        return -1;
    /* the seed's two halves are folded into the key; the second stream
     * word keeps the full 64 bits apart */
    cc_rng_seek(r, sim_seed, rep, cc_stream(CC_RK_PROCESS, 0, (uint32_t)(sim_seed >> 32), 1, 0));
    switch (m->kind) {
    case POISSON:
        stats[0] = gsl_ran_poisson(r, th[0] * m->T);
        break;
    case PLANE:
        stats[0] = th[0] + gsl_ran_gaussian(r, m->sigma);
        stats[1] = th[0] + th[1] + gsl_ran_gaussian(r, m->sigma);
        break;
    default:
        stats[0] = th[0] + gsl_ran_gaussian(r, m->sigma);
    }
    cc_rng_free(r);
    return 0;
}

/* Remove a scratch folder of the tests and the files the tests put in it. */
static void remove_dir(char *dir)
{
    static const char *const names[] = {"checkpoint", "copy"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *f = cc_asprintf("%s/%s", dir, names[i]);
        unlink(f);
        free(f);
    }
    rmdir(dir);
    free(dir);
}

static cc_abc_problem problem_of(model *m)
{
    cc_abc_problem pb;
    memset(&pb, 0, sizeof pb);
    pb.ctx = m;
    pb.log_prior = log_prior;
    pb.from_uniforms = from_uniforms;
    pb.simulate = simulate;
    pb.observed = m->y0;
    pb.scale = ones;
    pb.weight = ones;
    if (m->kind == PLANE) {
        pb.ninputs = 2;
        pb.input_names = plane_names;
        pb.nstats = 2;
        pb.stat_names = stat2_names;
    } else {
        pb.ninputs = 1;
        pb.input_names = normal_names;
        pb.nstats = 1;
        pb.stat_names = stat1_names;
    }
    return pb;
}

static cc_abc_result *run_ok(const cc_abc_problem *pb, const cc_abc_options *opt, bool resume)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_abc_result *res = NULL;
    int rc = cc_abc_run(pb, opt, resume, &res, &d);
    if (rc != 0) {
        for (int i = 0; i < d.kept; i++) {
            char *s = cc_diag_format(&d, i);
            fprintf(stderr, "%s\n", s);
            free(s);
        }
        fail_msg("cc_abc_run returned %d", rc);
    }
    cc_diag_clear(&d);
    return res;
}

/* The run's diagnostics, one per line (malloc'd), and its status. */
static char *run_err(const cc_abc_problem *pb, const cc_abc_options *opt, bool resume, int *rc)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_abc_result *res = NULL;
    *rc = cc_abc_run(pb, opt, resume, &res, &d);
    assert_null(res);
    cc_buf b = {0};
    cc_buf_append(&b, "", 0);
    for (int i = 0; i < d.kept; i++) {
        char *s = cc_diag_format(&d, i);
        cc_buf_printf(&b, "%s\n", s);
        free(s);
    }
    cc_diag_clear(&d);
    return b.data;
}

static void weighted_moments(const cc_abc_generation *g, int N, int n, int i, double *mean,
                             double *sd)
{
    double m = 0, v = 0;
    for (int j = 0; j < N; j++)
        m += g->weight[j] * g->theta[j * n + i];
    for (int j = 0; j < N; j++) {
        double d = g->theta[j * n + i] - m;
        v += g->weight[j] * d * d;
    }
    *mean = m;
    *sd = sqrt(v);
}

/* Mean and sd of the exact ABC posterior of the normal model at eps. */
static void normal_abc_exact(double y0, double s, double eps, double *mean, double *sd)
{
    double z = 0, m1 = 0, m2 = 0;
    const int K = 40001;
    for (int k = 0; k < K; k++) {
        double th = -8 + 16.0 * k / (K - 1);
        double f = exp(-0.5 * th * th) *
                   (gsl_cdf_ugaussian_P((y0 + eps - th) / s) - gsl_cdf_ugaussian_P((y0 - eps - th) / s));
        z += f;
        m1 += f * th;
        m2 += f * th * th;
    }
    *mean = m1 / z;
    *sd = sqrt(m2 / z - *mean * *mean);
}

static void check_normal(int R)
{
    model m = {.kind = NORMAL, .y0 = {1.2, 0}, .sigma = 0.5};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt;
    cc_abc_options_init(&opt);
    opt.particles = 1000;
    opt.generations = 7;
    opt.replicates_per_particle = R;
    opt.seed = 7;
    opt.threads = 2;
    cc_abc_result *res = run_ok(&pb, &opt, false);
    assert_int_equal(res->ngenerations, 7);
    assert_int_equal(res->stop, CC_ABC_STOP_GENERATIONS);
    const cc_abc_generation *g = cc_abc_posterior(res);
    double s = m.sigma / sqrt(R);
    /* the tolerance is small against the noise, so the ABC posterior is
     * near the conjugate one (printed for the docs) */
    assert_true(g->tolerance < 0.25 * s);
    double mean, sd, emean, esd;
    weighted_moments(g, opt.particles, 1, 0, &mean, &sd);
    normal_abc_exact(m.y0[0], s, g->tolerance, &emean, &esd);
    double post_var = 1 / (1 + 1 / (s * s));
    fprintf(stderr,
            "normal R=%d: eps %.4f ESS %.0f mean %.4f (exact ABC %.4f, conjugate %.4f) sd %.4f "
            "(exact ABC %.4f, conjugate %.4f), %ld simulations\n",
            R, g->tolerance, g->ess, mean, emean, post_var * m.y0[0] / (s * s), sd, esd,
            sqrt(post_var), res->simulations);
    assert_true(g->ess > 200);
    assert_true(fabs(mean - emean) < 5 * esd / sqrt(g->ess));
    assert_true(fabs(sd - esd) < 10 * esd / sqrt(2 * g->ess));
    /* every particle of the final generation is within its tolerance, and
     * the tolerances shrink */
    for (int j = 0; j < opt.particles; j++)
        assert_true(g->distance[j] <= g->tolerance);
    for (int t = 2; t < res->ngenerations; t++)
        assert_true(res->gen[t].tolerance <= res->gen[t - 1].tolerance);
    /* R replicates per proposal */
    for (int t = 0; t < res->ngenerations; t++)
        assert_int_equal(res->gen[t].simulations % R, 0);
    assert_int_equal(atomic_load(&m.sims), res->simulations);
    cc_abc_result_free(res);
}

static void test_normal_known_posterior(void **state)
{
    (void)state;
    check_normal(1);
}

static void test_normal_replicates_averaged(void **state)
{
    (void)state;
    check_normal(4);
}

static void test_poisson_gamma_exact(void **state)
{
    (void)state;
    model m = {.kind = POISSON, .y0 = {12, 0}, .a = 3, .b = 1, .T = 4};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt;
    cc_abc_options_init(&opt);
    opt.particles = 1000;
    opt.generations = 20;
    opt.seed = 3;
    opt.threads = 2;
    cc_abc_result *res = run_ok(&pb, &opt, false);
    const cc_abc_generation *g = cc_abc_posterior(res);
    /* the count matched exactly: distance 0 and the tolerance 0 stops */
    assert_int_equal(res->stop, CC_ABC_STOP_TOLERANCE);
    assert_true(g->tolerance == 0);
    assert_true(res->ngenerations < 20);
    for (int j = 0; j < opt.particles; j++)
        assert_true(g->stats[j] == 12);
    double mean, sd;
    weighted_moments(g, opt.particles, 1, 0, &mean, &sd);
    double A = m.a + 12, B = m.b + m.T;
    double emean = A / B, esd = sqrt(A) / B;
    fprintf(stderr, "poisson: %d generations, ESS %.0f mean %.4f (exact %.4f) sd %.4f (exact %.4f)\n",
            res->ngenerations, g->ess, mean, emean, sd, esd);
    assert_true(fabs(mean - emean) < 5 * esd / sqrt(g->ess));
    assert_true(fabs(sd - esd) < 10 * esd / sqrt(2 * g->ess));
    /* proposals below 0 are rejected without a simulation */
    long proposals = 0, sims = 0;
    for (int t = 0; t < res->ngenerations; t++) {
        assert_true(res->gen[t].simulations <= res->gen[t].proposals);
        proposals += res->gen[t].proposals;
        sims += res->gen[t].simulations;
        assert_true(fabs(res->gen[t].acceptance - 1000.0 / res->gen[t].simulations) < 1e-12);
    }
    assert_true(sims < proposals);
    cc_abc_result_free(res);
}

/* ---- reproducibility ---- */

static cc_abc_options plane_options(int threads)
{
    cc_abc_options opt;
    cc_abc_options_init(&opt);
    opt.particles = 300;
    opt.generations = 4;
    opt.seed = 11;
    opt.threads = threads;
    opt.replicates_per_particle = 2;
    return opt;
}

static char *posterior_text(cc_abc_result *res)
{
    char *s = cc_abc_posterior_csv(res);
    assert_non_null(s);
    cc_abc_result_free(res);
    return s;
}

static char *plane_reference(int threads)
{
    model m = {.kind = PLANE, .y0 = {0.5, 1.0}, .sigma = 0.3};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt = plane_options(threads);
    return posterior_text(run_ok(&pb, &opt, false));
}

static void test_threads_identical(void **state)
{
    (void)state;
    char *a = plane_reference(1), *b = plane_reference(2), *c = plane_reference(3);
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    /* 300 rows and a header */
    int lines = 0;
    for (const char *p = a; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 301);
    assert_true(strncmp(a, "weight,theta1,theta2\n", 21) == 0);
    free(a);
    free(b);
    free(c);
}

typedef struct snap {
    const char *ckpt, *copy;
    int generation, accepted; /* copy the checkpoint when first reached */
    int copied;
    volatile sig_atomic_t *stop;
    int stop_generation, stop_accepted;
} snap;

static void copy_file(const char *from, const char *to)
{
    size_t len = 0;
    char *t = tu_read_file(from, &len);
    if (!t)
        return;
    assert_int_equal(cc_write_file_atomic(to, t, len), 0);
    free(t);
}

static void on_progress(void *ctx, const cc_abc_progress *p)
{
    snap *s = ctx;
    if (s->copy && !s->copied &&
        (p->generation > s->generation ||
         (p->generation == s->generation && p->accepted >= s->accepted))) {
        copy_file(s->ckpt, s->copy);
        s->copied = 1;
    }
    if (s->stop && (p->generation > s->stop_generation ||
                    (p->generation == s->stop_generation && p->accepted >= s->stop_accepted)))
        *s->stop = 1;
}

/* Interrupt session i through the stop flag after stop_after[i]
 * simulations (0: let it finish), resuming each time with the other thread
 * count, and compare with the uninterrupted posterior. */
static void interrupted_matches(const char *ref, const long *stop_after, double ckpt_seconds)
{
    char *dir = tu_tmpdir();
    char *ckpt = cc_asprintf("%s/checkpoint", dir);
    model m = {.kind = PLANE, .y0 = {0.5, 1.0}, .sigma = 0.3};
    volatile sig_atomic_t stop = 0;
    m.stop = &stop;
    cc_abc_problem pb = problem_of(&m);
    int pieces = 0;
    char *got = NULL;
    for (bool resume = false;; resume = true) {
        cc_abc_options opt = plane_options(pieces % 2 ? 1 : 2);
        opt.checkpoint = ckpt;
        opt.checkpoint_seconds = ckpt_seconds;
        opt.stop = &stop;
        stop = 0;
        atomic_store(&m.sims, 0);
        m.stop_after = stop_after[pieces];
        cc_diag d;
        cc_diag_init(&d);
        cc_abc_result *res = NULL;
        int rc = cc_abc_run(&pb, &opt, resume, &res, &d);
        cc_diag_clear(&d);
        if (stop_after[pieces] == 0) {
            assert_int_equal(rc, 0);
            got = posterior_text(res);
            break;
        }
        pieces++;
        assert_int_equal(rc, 1); /* each session was interrupted */
        assert_null(res);
        assert_int_equal(access(ckpt, R_OK), 0);
    }
    assert_true(pieces >= 1);
    assert_string_equal(got, ref);
    free(got);
    free(ckpt);
    remove_dir(dir);
}

static void test_resume_identical(void **state)
{
    (void)state;
    char *ref = plane_reference(1);
    /* a single interruption in the first round, one in generation 1, and
     * many (every 700 simulations; a round is at most 512 of them here) */
    static const long early[] = {100, 0}, gen1[] = {1500, 0},
                      many[] = {700, 700, 700, 700, 700, 700, 700, 700, 0};
    interrupted_matches(ref, early, 5);
    interrupted_matches(ref, gen1, 0);
    interrupted_matches(ref, many, 0);

    /* stopped after 1.5 generations (half of generation 1 accepted) */
    char *dir = tu_tmpdir();
    char *ckpt = cc_asprintf("%s/checkpoint", dir);
    char *copy = cc_asprintf("%s/copy", dir);
    model m = {.kind = PLANE, .y0 = {0.5, 1.0}, .sigma = 0.3};
    cc_abc_problem pb = problem_of(&m);
    volatile sig_atomic_t stop = 0;
    snap s = {.ckpt = ckpt, .stop = &stop, .stop_generation = 1, .stop_accepted = 150};
    cc_abc_options opt = plane_options(2);
    opt.checkpoint = ckpt;
    opt.progress = on_progress;
    opt.progress_ctx = &s;
    opt.stop = &stop;
    cc_abc_result *res = NULL;
    cc_diag d;
    cc_diag_init(&d);
    assert_int_equal(cc_abc_run(&pb, &opt, false, &res, &d), 1);
    cc_diag_clear(&d);
    /* the checkpoint holds generation 0 complete and part of generation 1 */
    size_t len;
    char *text = tu_read_file(ckpt, &len);
    assert_non_null(text);
    assert_non_null(strstr(text, "\ngeneration 0 inf "));
    assert_null(strstr(text, "\ngeneration 1 "));
    assert_non_null(strstr(text, "\ncurrent 1 "));
    assert_non_null(strstr(text, "\naccepted "));
    assert_non_null(strstr(text, "\npending "));
    free(text);
    opt = plane_options(1);
    opt.checkpoint = ckpt;
    char *got = posterior_text(run_ok(&pb, &opt, true));
    assert_string_equal(got, ref);
    free(got);

    /* a kill at any moment: the checkpoint as it stood at a round's end in
     * the middle of generation 2 (copied aside while the run went on)
     * resumes to the same posterior */
    snap s2 = {.ckpt = ckpt, .copy = copy, .generation = 2, .accepted = 100, .stop_generation = 99};
    opt = plane_options(2);
    opt.checkpoint = ckpt;
    opt.checkpoint_seconds = 0;
    opt.progress = on_progress;
    opt.progress_ctx = &s2;
    got = posterior_text(run_ok(&pb, &opt, false));
    assert_string_equal(got, ref);
    free(got);
    assert_true(s2.copied);
    text = tu_read_file(copy, &len);
    assert_non_null(strstr(text, "\ncurrent 2 "));
    free(text);
    copy_file(copy, ckpt);
    opt = plane_options(1);
    opt.checkpoint = ckpt;
    got = posterior_text(run_ok(&pb, &opt, true));
    assert_string_equal(got, ref);
    free(got);

    /* resuming a finished calibration gives it again without simulating */
    atomic_store(&m.sims, 0);
    got = posterior_text(run_ok(&pb, &opt, true));
    assert_string_equal(got, ref);
    assert_int_equal(atomic_load(&m.sims), 0);
    free(got);
    free(ref);
    free(ckpt);
    free(copy);
    remove_dir(dir);
}

/* ---- stopping rules ---- */

static void test_stop_generations(void **state)
{
    (void)state;
    model m = {.kind = PLANE, .y0 = {0.5, 1.0}, .sigma = 0.3};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt = plane_options(2);
    opt.generations = 3;
    cc_abc_result *res = run_ok(&pb, &opt, false);
    assert_int_equal(res->ngenerations, 3);
    assert_int_equal(res->stop, CC_ABC_STOP_GENERATIONS);
    assert_int_equal(res->abandoned, 0);
    assert_true(isinf(res->gen[0].tolerance));
    assert_true(res->gen[0].proposals == 300);
    cc_abc_result_free(res);
}

static void test_stop_final_tolerance(void **state)
{
    (void)state;
    model m = {.kind = NORMAL, .y0 = {1.2, 0}, .sigma = 0.5};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt;
    cc_abc_options_init(&opt);
    opt.particles = 300;
    opt.generations = 30;
    opt.final_tolerance = 0.1;
    opt.seed = 5;
    cc_abc_result *res = run_ok(&pb, &opt, false);
    assert_int_equal(res->stop, CC_ABC_STOP_TOLERANCE);
    assert_true(res->ngenerations < 30);
    const cc_abc_generation *g = cc_abc_posterior(res);
    assert_true(g->tolerance == 0.1); /* the schedule is clamped at the final tolerance */
    for (int t = 1; t + 1 < res->ngenerations; t++)
        assert_true(res->gen[t].tolerance > 0.1);
    for (int j = 0; j < opt.particles; j++)
        assert_true(g->distance[j] <= 0.1);
    cc_abc_result_free(res);
}

static void test_stop_min_acceptance(void **state)
{
    (void)state;
    model m = {.kind = NORMAL, .y0 = {1.2, 0}, .sigma = 0.5};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt;
    cc_abc_options_init(&opt);
    opt.particles = 300;
    opt.generations = 40;
    opt.min_acceptance = 0.2;
    opt.seed = 5;
    cc_abc_result *res = run_ok(&pb, &opt, false);
    assert_int_equal(res->stop, CC_ABC_STOP_ACCEPTANCE);
    assert_true(res->ngenerations < 40);
    int last = res->ngenerations - 1;
    for (int t = 0; t < last; t++)
        assert_true(res->gen[t].acceptance >= 0.2);
    /* either the last kept generation fell below the floor, or the next one
     * was abandoned once its proposals passed N / floor */
    assert_true(res->abandoned || res->gen[last].acceptance < 0.2);
    if (res->abandoned) {
        long kept = 0;
        for (int t = 0; t <= last; t++)
            kept += res->gen[t].simulations;
        assert_true(res->simulations - kept >= (long)(300 / 0.2));
    }
    cc_abc_result_free(res);
}

static void test_stop_budget(void **state)
{
    (void)state;
    model m = {.kind = PLANE, .y0 = {0.5, 1.0}, .sigma = 0.3};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt = plane_options(2);
    cc_abc_result *full = run_ok(&pb, &opt, false);
    assert_int_equal(full->ngenerations, 4);
    /* a budget that ends inside generation 2: the posterior is generation
     * 1 of the unlimited run, bit for bit */
    opt.budget = full->gen[0].simulations + full->gen[1].simulations + full->gen[2].simulations / 2;
    atomic_store(&m.sims, 0);
    cc_abc_result *res = run_ok(&pb, &opt, false);
    assert_int_equal(res->stop, CC_ABC_STOP_BUDGET);
    assert_int_equal(res->abandoned, 1);
    assert_int_equal(res->ngenerations, 2);
    assert_true(res->simulations <= opt.budget);
    assert_true(res->simulations > full->gen[0].simulations + full->gen[1].simulations);
    assert_int_equal(atomic_load(&m.sims), res->simulations);
    const cc_abc_generation *a = &full->gen[1], *b = cc_abc_posterior(res);
    assert_memory_equal(a->theta, b->theta, 300 * 2 * sizeof(double));
    assert_memory_equal(a->weight, b->weight, 300 * sizeof(double));
    cc_abc_result_free(res);
    /* a budget below one generation is an error */
    opt.budget = 100;
    int rc;
    char *err = run_err(&pb, &opt, false, &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "budget of 100 simulations ends before the first generation"));
    free(err);
    cc_abc_result_free(full);
}

static void test_errors(void **state)
{
    (void)state;
    model m = {.kind = PLANE, .y0 = {0.5, 1.0}, .sigma = 0.3};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt = plane_options(2);
    int rc;
    /* a simulation's error is reported with where it happened */
    m.fail_after = 450;
    char *err = run_err(&pb, &opt, false, &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "model: generation "));
    assert_non_null(strstr(err, ": the model broke"));
    free(err);
    m.fail_after = 0;
    /* a simulation that reports an interruption interrupts the run */
    m.interrupt_after = 50;
    err = run_err(&pb, &opt, false, &rc);
    assert_int_equal(rc, 1);
    free(err);
    m.interrupt_after = 0;
    /* bad options and problems */
    opt.quantile = 1;
    opt.particles = 0;
    double bad_scale[2] = {1, 0};
    pb.scale = bad_scale;
    err = run_err(&pb, &opt, false, &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "quantile: expected a number in (0, 1), got 1"));
    assert_non_null(strstr(err, "particles: expected 1 to 1000000, got 0"));
    assert_non_null(strstr(err, "target 1: expected a scale > 0, got 0"));
    free(err);
    pb.scale = ones;
    opt = plane_options(1);
    err = run_err(&pb, &opt, true, &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "expected a checkpoint file to resume from"));
    free(err);
    opt.checkpoint = "/nonexistent/dir/checkpoint";
    err = run_err(&pb, &opt, true, &rc);
    assert_non_null(strstr(err, "/nonexistent/dir/checkpoint: cannot read the checkpoint"));
    free(err);
}

/* ---- the checkpoint refuses other problems and options ---- */

static void test_checkpoint_mismatch(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *ckpt = cc_asprintf("%s/checkpoint", dir);
    model m = {.kind = PLANE, .y0 = {0.5, 1.0}, .sigma = 0.3};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt = plane_options(2);
    opt.generations = 2;
    opt.checkpoint = ckpt;
    cc_abc_result_free(run_ok(&pb, &opt, false));
    int rc;
    cc_abc_options o2 = opt;
    o2.seed = 12;
    o2.particles = 301;
    char *err = run_err(&pb, &o2, true, &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, ":2:1: the checkpoint was written with seed 11, this run has 12"));
    assert_non_null(
        strstr(err, ":3:1: the checkpoint was written with particles 300, this run has 301"));
    free(err);
    o2 = opt;
    o2.quantile = 0.4;
    o2.replicates_per_particle = 1;
    err = run_err(&pb, &o2, true, &rc);
    assert_non_null(strstr(err, "written with replicates 2, this run has 1"));
    assert_non_null(strstr(err, "written with quantile 0.5, this run has 0.4"));
    free(err);
    static const char *const other[] = {"theta1", "rate"};
    cc_abc_problem p2 = pb;
    p2.input_names = other;
    err = run_err(&p2, &opt, true, &rc);
    assert_non_null(strstr(err, ":8:7: the checkpoint's input 1 is 'theta2', this run's is 'rate'"));
    free(err);
    p2 = pb;
    double obs[2] = {0.5, 1.5};
    p2.observed = obs;
    err = run_err(&p2, &opt, true, &rc);
    assert_non_null(strstr(err, "the checkpoint's target 1 differs from this run's 'y2'"));
    free(err);
    p2 = pb;
    p2.fingerprint = "scenario abc";
    err = run_err(&p2, &opt, true, &rc);
    assert_non_null(strstr(err, "the checkpoint has no fingerprint, this model has one"));
    free(err);
    /* more generations on resume continue the same run */
    opt.generations = 3;
    cc_abc_result *res = run_ok(&pb, &opt, true);
    assert_int_equal(res->ngenerations, 3);
    char *a = posterior_text(res);
    cc_abc_options o3 = plane_options(1);
    o3.generations = 3;
    char *b = posterior_text(run_ok(&pb, &o3, false));
    assert_string_equal(a, b);
    free(a);
    free(b);
    free(ckpt);
    remove_dir(dir);
}

/* A corrupted checkpoint is refused with a position. */
static void test_checkpoint_corrupt(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *ckpt = cc_asprintf("%s/checkpoint", dir);
    model m = {.kind = PLANE, .y0 = {0.5, 1.0}, .sigma = 0.3};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt = plane_options(2);
    opt.particles = 20;
    opt.generations = 2;
    opt.checkpoint = ckpt;
    cc_abc_result_free(run_ok(&pb, &opt, false));
    size_t len;
    char *good = tu_read_file(ckpt, &len);
    assert_non_null(good);
    struct {
        const char *find, *replace;
        const char *expect;
    } cases[] = {
        {"particle ", "particle x", "expected a finite input value, got 'x"},
        {"\nend\n", "\n", "expected 'generation', 'current' or 'end', got the end of the file"},
        {"\nend\n", "\nend\nmore\n", "expected nothing after 'end'"},
        {"generation 1 ", "generation 2 ", "expected generation 1, got 2"},
        {"simulations ", "simulations -", "expected a number of simulations (an integer"},
        {"carcer-abc-checkpoint 1", "carcer-abc-checkpoint 2", ":1:1: expected a calibration checkpoint"},
        {"\nparticle ", "\nparticle\0", "expected text, got a NUL byte"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *at = strstr(good, cases[c].find);
        assert_non_null(at);
        size_t pre = (size_t)(at - good), fl = strlen(cases[c].find);
        size_t rl = strlen(cases[c].replace) + (strcmp(cases[c].find, "\nparticle ") == 0);
        char *bad = malloc(len + rl + 1);
        memcpy(bad, good, pre);
        memcpy(bad + pre, cases[c].replace, rl);
        memcpy(bad + pre + rl, at + fl, len - pre - fl);
        size_t blen = len - fl + rl;
        cc_diag d;
        cc_diag_init(&d);
        cc_abc_checkpoint *ck = NULL;
        int rc = cc_abc_checkpoint_read(bad, blen, "ck", &pb, &opt, &d, &ck);
        assert_int_equal(rc, -1);
        assert_null(ck);
        assert_true(d.kept >= 1);
        char *msg = cc_diag_format(&d, 0);
        if (!strstr(msg, cases[c].expect))
            fail_msg("case %zu: got '%s'", c, msg);
        assert_true(strncmp(msg, "ck:", 3) == 0 && d.entry[0].line > 0);
        free(msg);
        cc_diag_clear(&d);
        free(bad);
    }
    /* the good text reads, and a truncated one never does */
    cc_diag d;
    cc_diag_init(&d);
    cc_abc_checkpoint *ck = NULL;
    assert_int_equal(cc_abc_checkpoint_read(good, len, "ck", &pb, &opt, &d, &ck), 0);
    assert_int_equal(ck->res->ngenerations, 2);
    cc_abc_checkpoint_free(ck);
    for (size_t cut = 0; cut + 4 < len; cut += len / 97 + 1) {
        ck = NULL;
        assert_int_equal(cc_abc_checkpoint_read(good, cut, "ck", &pb, &opt, &d, &ck), -1);
        assert_null(ck);
        assert_true(d.count > 0);
        cc_diag_clear(&d);
    }
    free(good);
    free(ckpt);
    remove_dir(dir);
}

/* ---- outputs ---- */

static void test_weighted_quantile(void **state)
{
    (void)state;
    double x[3] = {3, 1, 2}, w[3] = {0.2, 0.5, 0.3};
    assert_true(cc_abc_weighted_quantile(x, w, 3, 0.05) == 1);
    assert_true(cc_abc_weighted_quantile(x, w, 3, 0.5) == 1);
    assert_true(cc_abc_weighted_quantile(x, w, 3, 0.6) == 2);
    assert_true(cc_abc_weighted_quantile(x, w, 3, 0.81) == 3);
    assert_true(cc_abc_weighted_quantile(x, w, 3, 1.0) == 3);
    double wz[3] = {0, 1, 0};
    assert_true(cc_abc_weighted_quantile(x, wz, 3, 0.95) == 1);
    assert_true(isnan(cc_abc_weighted_quantile(x, w, 0, 0.5)));
}

static void test_outputs(void **state)
{
    (void)state;
    model m = {.kind = PLANE, .y0 = {0.5, 1.0}, .sigma = 0.3};
    cc_abc_problem pb = problem_of(&m);
    cc_abc_options opt = plane_options(2);
    cc_abc_result *res = run_ok(&pb, &opt, false);
    char *gens = cc_abc_generations_csv(res);
    assert_true(strncmp(gens, "generation,tolerance,accepted,proposals,simulations,acceptance_rate,"
                              "ess,seconds\n0,inf,300,300,600,1,",
                        100) == 0);
    int lines = 0;
    for (const char *p = gens; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 5);
    free(gens);
    static const char *const priors[] = {"normal(0, 1)", "uniform(-2, 2)"};
    char *json = cc_abc_calibration_json(res, priors, m.y0, NULL, NULL, NULL);
    assert_non_null(json);
    assert_non_null(strstr(json, "{\"name\": \"theta2\", \"prior\": \"uniform(-2, 2)\", "
                                 "\"posterior\": {\"mean\": "));
    assert_non_null(strstr(json, "{\"name\": \"y2\", \"observed\": 1, \"predictive\": {\"q05\": "));
    assert_non_null(strstr(json, "\"stopped_by\": \"generations\""));
    /* the posterior median of theta1 is near the observation 0.5 (the
     * noise sd is 0.3, the prior N(0, 1) pulls it a little towards 0) */
    const cc_abc_generation *g = cc_abc_posterior(res);
    double col[300];
    for (int j = 0; j < 300; j++)
        col[j] = g->theta[2 * j]; /* theta is particle-major */
    double med = cc_abc_weighted_quantile(col, g->weight, 300, 0.5);
    char want[64];
    char num[32];
    cc_format_number(med, num);
    snprintf(want, sizeof want, "\"median\": %s", num);
    assert_non_null(strstr(json, want));
    assert_true(med > 0.2 && med < 0.7);
    free(json);
    /* posterior.csv reads back exactly, in another column order too */
    char *csv = cc_abc_posterior_csv(res);
    cc_diag d;
    cc_diag_init(&d);
    cc_posterior *p = NULL;
    static const char *const reordered[] = {"theta2", "theta1"};
    assert_int_equal(cc_posterior_read(csv, strlen(csv), "posterior.csv", reordered, 2, &d, &p), 0);
    assert_int_equal(p->rows, 300);
    for (int j = 0; j < 300; j++) {
        assert_true(p->theta[2 * j] == g->theta[2 * j + 1]);
        assert_true(p->theta[2 * j + 1] == g->theta[2 * j]);
        assert_true(fabs(p->weight[j] - g->weight[j]) < 1e-15);
    }
    cc_posterior_free(p);
    free(csv);
    cc_abc_result_free(res);
}

/* ---- the posterior reader ---- */

static const char *const ab[] = {"a", "b"};

static char *posterior_errors(const char *text, size_t len)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_posterior *p = NULL;
    int rc = cc_posterior_read(text, len, "post.csv", ab, 2, &d, &p);
    assert_int_equal(rc, -1);
    assert_null(p);
    cc_buf b = {0};
    cc_buf_append(&b, "", 0);
    for (int i = 0; i < d.kept; i++) {
        char *s = cc_diag_format(&d, i);
        cc_buf_printf(&b, "%s\n", s);
        free(s);
    }
    cc_diag_clear(&d);
    return b.data;
}

static void expect_posterior_error(const char *text, const char *msg)
{
    char *err = posterior_errors(text, strlen(text));
    if (!strstr(err, msg))
        fail_msg("expected '%s' in:\n%s", msg, err);
    free(err);
}

static void test_posterior_bad(void **state)
{
    (void)state;
    expect_posterior_error("", "post.csv:1:1: expected a header 'weight,<input names>', got an "
                               "empty file");
    expect_posterior_error("w,a,b\n1,2,3\n", "post.csv:1:1: expected the first column 'weight', "
                                             "got 'w'");
    expect_posterior_error("weight,a,c\n1,2,3\n",
                           "post.csv:1:10: unknown column 'c': expected one of the scenario's "
                           "uncertain inputs");
    expect_posterior_error("weight,a,c\n1,2,3\n",
                           "post.csv:1:11: missing column 'b' (an uncertain input of the scenario)");
    expect_posterior_error("weight,a,a,b\n1,2,3,4\n", "post.csv:1:10: column 'a' appears twice");
    expect_posterior_error("weight,a,b\n1,2,3\n1,x2,3\n",
                           "post.csv:3:3: expected a finite number, got 'x2'");
    expect_posterior_error("weight,a,b\n1,2,inf\n", "post.csv:2:5: expected a finite number, got 'inf'");
    expect_posterior_error("weight,a,b\n-1,2,3\n", "post.csv:2:1: expected a weight >= 0, got -1");
    expect_posterior_error("weight,a,b\n0,2,3\n0,1,1\n",
                           "post.csv:2:1: expected at least one weight > 0, got all 2 weights 0");
    expect_posterior_error("weight,a,b\n1,2\n", "post.csv:2:1: expected 3 fields, got 2");
    expect_posterior_error("weight,a,b\n1,2,3,4\n", "post.csv:2:1: expected 3 fields, got 4");
    expect_posterior_error("weight,a,b\n1,2,3\n\n1,2,3\n",
                           "post.csv:3:1: expected a row of 3 fields, got an empty line");
    expect_posterior_error("weight,a,b\n", "expected at least one row after the header");
    expect_posterior_error("weight,\"a,b\n1,2,3\n", "post.csv:1:8: expected a column name, got a "
                                                    "badly quoted field");
    /* every error of the file is reported */
    char *err = posterior_errors("weight,a,b\n1,x,3\n1,2\n-1,2,3\n", 27);
    assert_non_null(strstr(err, "post.csv:2:3:"));
    assert_non_null(strstr(err, "post.csv:3:1:"));
    assert_non_null(strstr(err, "post.csv:4:1:"));
    free(err);
    /* a NUL byte */
    const char nul[] = "weight,a,b\n1,2\0003\n";
    err = posterior_errors(nul, sizeof nul - 1);
    assert_non_null(strstr(err, "post.csv:2:4: expected text, got a NUL byte"));
    free(err);
    /* control characters of a name are shown escaped */
    expect_posterior_error("weight,a,b\x1b[31m\n1,2,3\n", "unknown column 'b\\x1b[31m'");
    /* too many rows */
    size_t n = (size_t)CC_POSTERIOR_MAX_ROWS + 1;
    char *big = malloc(11 + 6 * n + 1);
    memcpy(big, "weight,a,b\n", 11);
    for (size_t i = 0; i < n; i++)
        memcpy(big + 11 + 6 * i, "1,2,3\n", 6);
    big[11 + 6 * n] = '\0';
    err = posterior_errors(big, 11 + 6 * n);
    char want[64];
    snprintf(want, sizeof want, "post.csv:%zu:1: expected at most %d rows", n + 1,
             CC_POSTERIOR_MAX_ROWS);
    assert_non_null(strstr(err, want));
    free(err);
    free(big);
}

static void test_posterior_draw(void **state)
{
    (void)state;
    const char *text = "weight,b,a\r\n1,10,-1\r\n0,20,-2\r\n2,30,-3\r\n7,40,-4\r\n\r\n";
    cc_diag d;
    cc_diag_init(&d);
    cc_posterior *p = NULL;
    assert_int_equal(cc_posterior_read(text, strlen(text), "p.csv", ab, 2, &d, &p), 0);
    assert_int_equal(p->rows, 4);
    assert_true(p->theta[0] == -1 && p->theta[1] == 10);
    /* frequencies follow the weights 0.1, 0, 0.2, 0.7: binomial sd of a
     * count of K = 40000 draws is at most sqrt(K / 4) = 100; allow 5 sd */
    const int K = 40000;
    int count[4] = {0, 0, 0, 0};
    for (int i = 0; i < K; i++)
        count[cc_posterior_draw_row(p, 42, (uint32_t)i)]++;
    assert_int_equal(count[1], 0);
    assert_true(abs(count[0] - K / 10) < 500);
    assert_true(abs(count[2] - K / 5) < 500);
    assert_true(abs(count[3] - 7 * K / 10) < 500);
    /* a draw depends on (seed, i) only */
    double th[2], th2[2];
    cc_posterior_draw(p, 42, 17, th);
    cc_posterior_draw(p, 42, 18, th2);
    cc_posterior_draw(p, 42, 17, th2);
    assert_true(th[0] == th2[0] && th[1] == th2[1]);
    int same = 0;
    for (int i = 0; i < 100; i++)
        same += cc_posterior_draw_row(p, 42, (uint32_t)i) == cc_posterior_draw_row(p, 43, (uint32_t)i);
    assert_true(same < 90); /* another seed, other draws (0.54 agree by chance) */
    cc_posterior_free(p);
    /* quoted names (as cc_abc_posterior_csv writes names with a comma or
     * a quote) */
    static const char *const odd[] = {"x,\"y\"", "b"};
    const char *quoted = "weight,\"x,\"\"y\"\"\",b\n1,2,3\n";
    assert_int_equal(cc_posterior_read(quoted, strlen(quoted), "q.csv", odd, 2, &d, &p), 0);
    assert_true(p->theta[0] == 2 && p->theta[1] == 3);
    cc_posterior_free(p);
    cc_diag_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_known_posterior),
        cmocka_unit_test(test_normal_replicates_averaged),
        cmocka_unit_test(test_poisson_gamma_exact),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_resume_identical),
        cmocka_unit_test(test_stop_generations),
        cmocka_unit_test(test_stop_final_tolerance),
        cmocka_unit_test(test_stop_min_acceptance),
        cmocka_unit_test(test_stop_budget),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_checkpoint_mismatch),
        cmocka_unit_test(test_checkpoint_corrupt),
        cmocka_unit_test(test_weighted_quantile),
        cmocka_unit_test(test_outputs),
        cmocka_unit_test(test_posterior_bad),
        cmocka_unit_test(test_posterior_draw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
