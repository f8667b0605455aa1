/* abc.c - the ABC-SMC engine: population Monte Carlo ABC with adaptive
 * tolerances, bit-reproducible and resumable (see abc.h).
 *
 * Generation 0 draws the prior and accepts every proposal whose distance is
 * finite (tolerance infinite). Generation t > 0 (Beaumont et al. 2009,
 * Biometrika 96:983, section 3; Toni et al. 2009, J R Soc Interface 6:187,
 * algorithm "ABC SMC"):
 *   - tolerance eps_t = the alpha-quantile of generation t-1's distances
 *     (Del Moral, Doucet & Jasra 2012, Stat Comput 22:1009, section 3),
 *     never below the final tolerance; when that quantile is not below
 *     eps_{t-1} (distances that take few values), the largest distance
 *     below eps_{t-1} instead, so that the schedule always falls;
 *   - a proposal draws an ancestor k with probability W_k and perturbs it by
 *     a multivariate normal kernel K of covariance Sigma = 2 x the weighted
 *     covariance of generation t-1 (Beaumont et al. 2009, section 3: twice
 *     the weighted empirical variance); a proposal outside the prior's
 *     support is rejected without simulating;
 *   - particle j's accepted value is its first attempt with distance <= eps_t;
 *   - its weight is w_j = pi(theta_j) / sum_k W_k K(theta_j | theta_k)
 *     (Beaumont et al. 2009, section 3; Toni et al. 2009, eq. 3.2),
 *     normalised; ESS = 1 / sum W^2 (Kong, Liu & Wong 1994).
 * Distance: sqrt(sum_k weight_k ((s_k - obs_k) / scale_k)^2), where s_k is a
 * statistic averaged over R chance replicates of the proposal.
 *
 * Reproducibility: every draw of a proposal comes from the counter-based
 * stream (CC_RK_CALIBRATE | generation, particle, purpose | attempt) of the
 * seed, and its simulations get cc_abc_sim_seed(seed, generation, particle,
 * attempt) and replicates 0..R-1. Work goes in rounds: a round takes the
 * first pending particles in index order and evaluates a chunk of consecutive
 * attempts of each, in parallel; chunk and round sizes depend only on the
 * number pending and on the acceptance so far (counts, never time or
 * threads). After the round each particle keeps its first accepted
 * attempt (later ones of its chunk are counted but wasted). So every count
 * and every number is the same whatever the thread count or scheduling,
 * and the state between rounds (the checkpoint) is all a resumed run needs.
 */
#define _POSIX_C_SOURCE 200809L
#include "abc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "abc_internal.h"
#include "rng.h"
#include "util.h"

/* Attempts a round evaluates when few particles are pending: a constant,
 * so that the rounds (and the wasted attempts) never depend on the number of
 * threads; large enough to keep many threads busy at a generation's tail. */
#define ROUND_ITEMS 256

/* Purposes of the streams of kind CC_RK_CALIBRATE (top 8 bits of w2). */
enum { ABC_RP_PRIOR = 1, ABC_RP_ANCESTOR = 2, ABC_RP_PERTURB = 3 };

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void cc_abc_options_init(cc_abc_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->particles = 1000;
    opt->generations = 5;
    opt->quantile = 0.5;
    opt->min_acceptance = 0.01;
    opt->replicates_per_particle = 1;
    opt->checkpoint_seconds = 5;
}

static uint64_t splitmix64(uint64_t x)
{
    /* the finaliser of splitmix64 (Steele, Lea & Flood 2014) */
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t cc_abc_sim_seed(uint64_t seed, int generation, int particle, uint32_t attempt)
{
    uint64_t h = splitmix64(seed);
    h = splitmix64(h ^ ((uint64_t)(uint32_t)generation << 40 | attempt));
    return splitmix64(h ^ (uint64_t)(uint32_t)particle);
}

/* ---- results ---- */

void cc_abc_generation_clear(cc_abc_generation *g)
{
    free(g->theta);
    free(g->weight);
    free(g->distance);
    free(g->stats);
    memset(g, 0, sizeof *g);
}

static char **copy_names(int n, const char *const *names)
{
    char **c = calloc((size_t)n, sizeof *c);
    if (!c)
        return NULL;
    for (int i = 0; i < n; i++)
        if (!(c[i] = cc_strdup(names[i]))) {
            for (int k = 0; k < i; k++)
                free(c[k]);
            free(c);
            return NULL;
        }
    return c;
}

static void free_names(char **names, int n)
{
    if (!names)
        return;
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

cc_abc_result *cc_abc_result_new(int ninputs, const char *const *input_names, int nstats,
                                 const char *const *stat_names, int particles)
{
    cc_abc_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->ninputs = ninputs;
    r->nstats = nstats;
    r->particles = particles;
    r->input_names = copy_names(ninputs, input_names);
    r->stat_names = copy_names(nstats, stat_names);
    if (!r->input_names || !r->stat_names) {
        cc_abc_result_free(r);
        return NULL;
    }
    return r;
}

int cc_abc_result_push(cc_abc_result *res, const cc_abc_generation *g)
{
    cc_abc_generation *ng =
        realloc(res->gen, (size_t)(res->ngenerations + 1) * sizeof *ng);
    if (!ng)
        return -1;
    res->gen = ng;
    res->gen[res->ngenerations++] = *g;
    return 0;
}

void cc_abc_result_free(cc_abc_result *res)
{
    if (!res)
        return;
    for (int t = 0; t < res->ngenerations; t++)
        cc_abc_generation_clear(&res->gen[t]);
    free(res->gen);
    free_names(res->input_names, res->ninputs);
    free_names(res->stat_names, res->nstats);
    free(res);
}

const cc_abc_generation *cc_abc_posterior(const cc_abc_result *res)
{
    return res && res->ngenerations > 0 ? &res->gen[res->ngenerations - 1] : NULL;
}

int cc_abc_current_alloc(cc_abc_current *c, int particles, int ninputs, int nstats)
{
    memset(c, 0, sizeof *c);
    size_t n = (size_t)particles;
    c->done = calloc(n, 1);
    c->attempt = calloc(n, sizeof *c->attempt);
    c->theta = calloc(n * (size_t)ninputs, sizeof *c->theta);
    c->distance = calloc(n, sizeof *c->distance);
    c->stats = calloc(n * (size_t)nstats, sizeof *c->stats);
    if (!c->done || !c->attempt || !c->theta || !c->distance || !c->stats) {
        cc_abc_current_free(c);
        return -1;
    }
    return 0;
}

void cc_abc_current_free(cc_abc_current *c)
{
    free(c->done);
    free(c->attempt);
    free(c->theta);
    free(c->distance);
    free(c->stats);
    memset(c, 0, sizeof *c);
}

/* ---- checks of the problem and the options ---- */

static int bad_name(const char *s)
{
    if (!s || !*s || strlen(s) > CC_ABC_MAX_NAME)
        return 1;
    for (const char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r')
            return 1;
    return 0;
}

static int check_problem(const cc_abc_problem *pb, const cc_abc_options *opt, cc_diag *diag)
{
    int bad = 0;
#define BAD(...)                                                                              \
    do {                                                                                      \
        cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL, __VA_ARGS__);                        \
        bad = 1;                                                                              \
    } while (0)
    if (pb->ninputs < 1 || pb->ninputs > CC_ABC_MAX_INPUTS)
        BAD("expected 1 to %d uncertain inputs, got %d", CC_ABC_MAX_INPUTS, pb->ninputs);
    if (pb->nstats < 1 || pb->nstats > CC_ABC_MAX_STATS)
        BAD("expected 1 to %d targets, got %d", CC_ABC_MAX_STATS, pb->nstats);
    if (bad)
        return -1;
    if (!pb->log_prior || !pb->from_uniforms || !pb->simulate || !pb->input_names ||
        !pb->stat_names || !pb->observed || !pb->scale || !pb->weight)
        BAD("expected every callback and array of the problem, got a NULL");
    if (bad)
        return -1;
    for (int i = 0; i < pb->ninputs; i++) {
        if (bad_name(pb->input_names[i]))
            BAD("input %d: expected a name of 1 to %d bytes without line breaks", i,
                CC_ABC_MAX_NAME);
        for (int k = 0; k < i; k++)
            if (pb->input_names[i] && pb->input_names[k] &&
                strcmp(pb->input_names[i], pb->input_names[k]) == 0)
                BAD("input %d: expected a name of its own, got '%s' twice", i,
                    pb->input_names[i]);
    }
    double wsum = 0;
    for (int k = 0; k < pb->nstats; k++) {
        if (bad_name(pb->stat_names[k]))
            BAD("target %d: expected a name of 1 to %d bytes without line breaks", k,
                CC_ABC_MAX_NAME);
        if (!isfinite(pb->observed[k]))
            BAD("target %d: expected a finite observed value, got %g", k, pb->observed[k]);
        if (!(pb->scale[k] > 0) || !isfinite(pb->scale[k]))
            BAD("target %d: expected a scale > 0, got %g", k, pb->scale[k]);
        if (!(pb->weight[k] >= 0) || !isfinite(pb->weight[k]))
            BAD("target %d: expected a weight >= 0, got %g", k, pb->weight[k]);
        else
            wsum += pb->weight[k];
    }
    if (!(wsum > 0))
        BAD("expected at least one target with a weight > 0");
    if (pb->fingerprint && bad_name(pb->fingerprint))
        BAD("expected a fingerprint of 1 to %d bytes without line breaks", CC_ABC_MAX_NAME);
    if (opt->particles < 1 || opt->particles > CC_ABC_MAX_PARTICLES)
        BAD("particles: expected 1 to %d, got %d", CC_ABC_MAX_PARTICLES, opt->particles);
    if (opt->generations < 1 || opt->generations > CC_ABC_MAX_GENERATIONS)
        BAD("generations: expected 1 to %d, got %d", CC_ABC_MAX_GENERATIONS, opt->generations);
    if (!(opt->quantile > 0 && opt->quantile < 1))
        BAD("quantile: expected a number in (0, 1), got %g", opt->quantile);
    if (!(opt->final_tolerance >= 0) || !isfinite(opt->final_tolerance))
        BAD("final tolerance: expected a number >= 0, got %g", opt->final_tolerance);
    if (!(opt->min_acceptance >= 0 && opt->min_acceptance < 1))
        BAD("minimum acceptance: expected a number in [0, 1), got %g", opt->min_acceptance);
    if (opt->budget < 0)
        BAD("budget: expected a number of simulations >= 0, got %ld", opt->budget);
    if (opt->replicates_per_particle < 1 || opt->replicates_per_particle > 1000000)
        BAD("replicates per particle: expected 1 to 1000000, got %d",
            opt->replicates_per_particle);
    if (opt->threads < 0 || opt->threads > 4096)
        BAD("threads: expected 0 to 4096, got %d", opt->threads);
    if (!(opt->checkpoint_seconds >= 0))
        BAD("checkpoint seconds: expected a number >= 0, got %g", opt->checkpoint_seconds);
#undef BAD
    return bad ? -1 : 0;
}

/* ---- the kernel ---- */

/* L L^T = A (n x n, row-major) by the Cholesky-Banachiewicz recurrence
 * (Golub & Van Loan, Matrix Computations, 4th ed., algorithm 4.2.1);
 * L lower, the upper part zeroed. -1 when A is not positive definite. */
static int cholesky(const double *a, int n, double *l)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            if (j > i) {
                l[i * n + j] = 0;
                continue;
            }
            double s = a[i * n + j];
            for (int k = 0; k < j; k++)
                s -= l[i * n + k] * l[j * n + k];
            if (i == j) {
                if (!(s > 0) || !isfinite(s))
                    return -1;
                l[i * n + i] = sqrt(s);
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    return 0;
}

typedef struct kernel {
    int n;
    double *chol;   /* [n*n] lower factor of Sigma */
    double *cumw;   /* [N] cumulative weights of the previous generation */
} kernel;

static void kernel_free(kernel *k)
{
    free(k->chol);
    free(k->cumw);
    memset(k, 0, sizeof *k);
}

/* The kernel of generation t from generation t-1 (prev). */
static int kernel_make(kernel *k, const cc_abc_generation *prev, int n, int particles,
                       cc_diag *diag)
{
    memset(k, 0, sizeof *k);
    k->n = n;
    k->chol = calloc((size_t)n * (size_t)n, sizeof *k->chol);
    k->cumw = calloc((size_t)particles, sizeof *k->cumw);
    double *mean = calloc((size_t)n, sizeof *mean);
    double *cov = calloc((size_t)n * (size_t)n, sizeof *cov);
    if (!k->chol || !k->cumw || !mean || !cov) {
        free(mean);
        free(cov);
        kernel_free(k);
        cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    double c = 0;
    for (int j = 0; j < particles; j++) {
        c += prev->weight[j];
        k->cumw[j] = c;
        for (int i = 0; i < n; i++)
            mean[i] += prev->weight[j] * prev->theta[(size_t)j * (size_t)n + (size_t)i];
    }
    for (int j = 0; j < particles; j++) {
        const double *x = &prev->theta[(size_t)j * (size_t)n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b <= a; b++)
                cov[a * n + b] += prev->weight[j] * (x[a] - mean[a]) * (x[b] - mean[b]);
    }
    double maxdiag = 0;
    for (int a = 0; a < n; a++)
        for (int b = 0; b <= a; b++) {
            cov[a * n + b] *= 2; /* Beaumont et al. 2009: twice the weighted covariance */
            cov[b * n + a] = cov[a * n + b];
            if (a == b && cov[a * n + a] > maxdiag)
                maxdiag = cov[a * n + a];
        }
    /* A population that has collapsed on a line (or a point) gives a
     * singular covariance: a small ridge keeps the kernel proper. */
    int rc = cholesky(cov, n, k->chol);
    double base = maxdiag > 0 ? maxdiag : 1.0;
    for (double ridge = 1e-12; rc != 0 && ridge <= 1e-3; ridge *= 1e3) {
        for (int a = 0; a < n; a++)
            cov[a * n + a] += ridge * base;
        rc = cholesky(cov, n, k->chol);
    }
    free(mean);
    free(cov);
    if (rc != 0) {
        kernel_free(k);
        cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL,
                    "the particles' covariance is not finite: cannot build the perturbation "
                    "kernel");
        return -1;
    }
    return 0;
}

/* log K(x | mu) without its constant -n/2 log(2 pi), which cancels in the
 * normalised weights: -sum log L_ii - |L^-1 (x - mu)|^2 / 2. */
static double kernel_log_pdf(const kernel *k, const double *x, const double *mu)
{
    int n = k->n;
    double y[CC_ABC_MAX_INPUTS];
    double q = 0, logdet = 0;
    for (int i = 0; i < n; i++) {
        double s = x[i] - mu[i];
        for (int m = 0; m < i; m++)
            s -= k->chol[i * n + m] * y[m];
        y[i] = s / k->chol[i * n + i];
        q += y[i] * y[i];
        logdet += log(k->chol[i * n + i]);
    }
    return -logdet - 0.5 * q;
}

/* The index k with cumw[k-1] <= u * total < cumw[k] (binary search). */
static int pick_ancestor(const double *cumw, int n, double u)
{
    double target = u * cumw[n - 1];
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (cumw[mid] > target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* ---- one generation ---- */

typedef struct item {
    int particle;
    uint32_t attempt;
    int status;       /* 0 ok, -1 error, 1 interrupted, 2 outside the support, 3 skipped */
    double distance;  /* NAN when not simulated */
    double *theta;    /* into the round's arrays */
    double *stats;
    cc_diag *diag;    /* the messages of a failed simulation (malloc'd) */
} item;

typedef struct engine {
    const cc_abc_problem *pb;
    const cc_abc_options *opt;
    int n, s, N, R;
    int threads;
    gsl_rng **rng;     /* per thread */
    double **scratch;  /* per thread: [nstats] one replicate's statistics */
    cc_diag *tdiag;    /* per thread */
    cc_abc_result *res;
    cc_abc_current cur;
    kernel ker;
    double t_start;    /* of this session's part of the generation */
    double last_ckpt;
} engine;

static double distance_of(const cc_abc_problem *pb, const double *stats)
{
    double d2 = 0;
    for (int k = 0; k < pb->nstats; k++) {
        double z = (stats[k] - pb->observed[k]) / pb->scale[k];
        d2 += pb->weight[k] * z * z;
    }
    return sqrt(d2);
}

static void propose(engine *e, int tid, int generation, item *it)
{
    const cc_abc_problem *pb = e->pb;
    gsl_rng *r = e->rng[tid];
    uint32_t kind = CC_RK_CALIBRATE;
    if (generation == 0) {
        double u[CC_ABC_MAX_INPUTS];
        cc_rng_seek(r, e->opt->seed, 0,
                    cc_stream(kind, (uint32_t)generation, (uint32_t)it->particle, ABC_RP_PRIOR,
                              it->attempt));
        for (int i = 0; i < e->n; i++)
            u[i] = ((double)cc_rng_u32(r) + 0.5) / 4294967296.0; /* in (0, 1) */
        pb->from_uniforms(pb->ctx, u, it->theta);
        for (int i = 0; i < e->n; i++)
            if (!isfinite(it->theta[i]))
                it->status = 2;
        return;
    }
    const cc_abc_generation *prev = &e->res->gen[generation - 1];
    cc_rng_seek(r, e->opt->seed, 0,
                cc_stream(kind, (uint32_t)generation, (uint32_t)it->particle, ABC_RP_ANCESTOR,
                          it->attempt));
    int k = pick_ancestor(e->ker.cumw, e->N, cc_rng_uniform(r));
    cc_rng_seek(r, e->opt->seed, 0,
                cc_stream(kind, (uint32_t)generation, (uint32_t)it->particle, ABC_RP_PERTURB,
                          it->attempt));
    gsl_vector_const_view mu = gsl_vector_const_view_array(&prev->theta[(size_t)k * (size_t)e->n],
                                                           (size_t)e->n);
    gsl_matrix_const_view L = gsl_matrix_const_view_array(e->ker.chol, (size_t)e->n, (size_t)e->n);
    gsl_vector_view x = gsl_vector_view_array(it->theta, (size_t)e->n);
    gsl_ran_multivariate_gaussian(r, &mu.vector, &L.matrix, &x.vector);
    double lp = pb->log_prior(pb->ctx, it->theta);
    if (!(lp > -INFINITY) || isnan(lp))
        it->status = 2;
}

static void evaluate(engine *e, int tid, int generation, item *it)
{
    it->status = 0;
    it->distance = NAN;
    propose(e, tid, generation, it);
    if (it->status != 0)
        return;
    const cc_abc_problem *pb = e->pb;
    double *one = e->scratch[tid];
    for (int k = 0; k < e->s; k++)
        it->stats[k] = 0;
    uint64_t sim_seed =
        cc_abc_sim_seed(e->opt->seed, generation, it->particle, it->attempt);
    for (int rep = 0; rep < e->R; rep++) {
        int rc = pb->simulate(pb->ctx, it->theta, sim_seed, (uint32_t)rep, one, &e->tdiag[tid]);
        if (rc != 0) {
            it->status = rc < 0 ? -1 : 1;
            if (rc < 0) {
                it->diag = malloc(sizeof *it->diag);
                if (it->diag)
                    *it->diag = e->tdiag[tid]; /* takes over the messages */
                else
                    cc_diag_clear(&e->tdiag[tid]);
                cc_diag_init(&e->tdiag[tid]);
            }
            return;
        }
        for (int k = 0; k < e->s; k++)
            it->stats[k] += one[k];
    }
    for (int k = 0; k < e->s; k++)
        it->stats[k] /= e->R;
    it->distance = distance_of(pb, it->stats);
}

static int write_checkpoint(engine *e, cc_diag *diag)
{
    if (!e->opt->checkpoint)
        return 0;
    char *text = cc_abc_checkpoint_text(e->pb, e->opt, e->res, &e->cur);
    if (!text) {
        cc_diag_add(diag, e->opt->checkpoint, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    int rc = cc_write_file_atomic(e->opt->checkpoint, text, strlen(text));
    free(text);
    if (rc != 0) {
        cc_diag_add(diag, e->opt->checkpoint, 0, 0, NULL, NULL, "cannot write the checkpoint");
        return -1;
    }
    e->last_ckpt = now_seconds();
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The alpha-quantile of the N distances: the ceil(alpha N)-th smallest. */
static double tolerance_from(const cc_abc_generation *g, int N, double alpha, cc_diag *diag)
{
    double *d = malloc((size_t)N * sizeof *d);
    if (!d) {
        cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL, "out of memory");
        return NAN;
    }
    memcpy(d, g->distance, (size_t)N * sizeof *d);
    qsort(d, (size_t)N, sizeof *d, cmp_double);
    long k = (long)ceil(alpha * N);
    if (k < 1)
        k = 1;
    if (k > N)
        k = N;
    double q = d[k - 1];
    free(d);
    return q;
}

/* The largest distance of g below `tol` (0 when there is none): the next
 * tolerance when the quantile does not fall, as happens when distances take
 * few values (counts matched exactly) and more than 1 - alpha of them sit
 * at the tolerance itself. */
static double below(const cc_abc_generation *g, int N, double tol)
{
    double best = 0;
    for (int j = 0; j < N; j++)
        if (g->distance[j] < tol && g->distance[j] > best)
            best = g->distance[j];
    return best;
}

/* Finish the current generation: weights, ESS; push it into the result. */
static int finish_generation(engine *e, int generation, cc_diag *diag)
{
    int N = e->N, n = e->n;
    cc_abc_generation g = {0};
    g.tolerance = e->cur.tolerance;
    g.proposals = e->cur.proposals;
    g.simulations = e->cur.simulations;
    /* accepted per simulated proposal: a proposal outside the prior's
     * support costs nothing and does not count */
    g.acceptance = g.simulations > 0 ? (double)N * e->R / (double)g.simulations : 0;
    g.seconds = e->cur.seconds;
    g.theta = malloc((size_t)N * (size_t)n * sizeof *g.theta);
    g.weight = malloc((size_t)N * sizeof *g.weight);
    g.distance = malloc((size_t)N * sizeof *g.distance);
    g.stats = malloc((size_t)N * (size_t)e->s * sizeof *g.stats);
    if (!g.theta || !g.weight || !g.distance || !g.stats) {
        cc_abc_generation_clear(&g);
        cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    memcpy(g.theta, e->cur.theta, (size_t)N * (size_t)n * sizeof *g.theta);
    memcpy(g.distance, e->cur.distance, (size_t)N * sizeof *g.distance);
    memcpy(g.stats, e->cur.stats, (size_t)N * (size_t)e->s * sizeof *g.stats);
    if (generation == 0) {
        for (int j = 0; j < N; j++)
            g.weight[j] = 1.0 / N;
    } else {
        const cc_abc_generation *prev = &e->res->gen[generation - 1];
        const cc_abc_problem *pb = e->pb;
        /* log w_j = log pi(theta_j) - log sum_k W_k K(theta_j | theta_k), the
         * sum taken in log space (max first) in a fixed order */
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(e->threads)
#endif
        for (int j = 0; j < N; j++) {
            const double *x = &g.theta[(size_t)j * (size_t)n];
            double m = -INFINITY;
            for (int k = 0; k < N; k++) {
                if (prev->weight[k] <= 0)
                    continue;
                double l = log(prev->weight[k]) +
                           kernel_log_pdf(&e->ker, x, &prev->theta[(size_t)k * (size_t)n]);
                if (l > m)
                    m = l;
            }
            double sum = 0;
            for (int k = 0; k < N; k++) {
                if (prev->weight[k] <= 0)
                    continue;
                double l = log(prev->weight[k]) +
                           kernel_log_pdf(&e->ker, x, &prev->theta[(size_t)k * (size_t)n]);
                sum += exp(l - m);
            }
            g.weight[j] = pb->log_prior(pb->ctx, x) - (m + log(sum));
        }
        double mx = -INFINITY;
        for (int j = 0; j < N; j++)
            if (g.weight[j] > mx)
                mx = g.weight[j];
        if (!isfinite(mx)) {
            cc_abc_generation_clear(&g);
            cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL,
                        "generation %d: the importance weights are not finite", generation);
            return -1;
        }
        for (int j = 0; j < N; j++)
            g.weight[j] = isnan(g.weight[j]) ? 0 : exp(g.weight[j] - mx);
    }
    double sum = 0, sq = 0;
    for (int j = 0; j < N; j++)
        sum += g.weight[j];
    for (int j = 0; j < N; j++) {
        g.weight[j] /= sum;
        sq += g.weight[j] * g.weight[j];
    }
    g.ess = 1.0 / sq;
    if (cc_abc_result_push(e->res, &g) != 0) {
        cc_abc_generation_clear(&g);
        cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    e->cur.active = 0;
    return 0;
}

static void report_progress(engine *e, int generation)
{
    if (!e->opt->progress)
        return;
    cc_abc_progress p = {0};
    p.generation = generation;
    p.tolerance = e->cur.tolerance;
    p.particles = e->N;
    for (int j = 0; j < e->N; j++)
        p.accepted += e->cur.done[j];
    p.proposals = e->cur.proposals;
    p.simulations = e->res->simulations;
    p.seconds = e->cur.seconds + (now_seconds() - e->t_start);
    p.seconds_left = p.accepted > 0 ? p.seconds * (e->N - p.accepted) / p.accepted : -1;
    e->opt->progress(e->opt->progress_ctx, &p);
}

/* Copy the first failing item's messages into diag. */
static void report_failure(item *items, int nitems, int generation, cc_diag *diag)
{
    for (int i = 0; i < nitems; i++) {
        if (items[i].status != -1)
            continue;
        cc_diag *d = items[i].diag;
        if (!d || d->kept == 0) {
            cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL,
                        "generation %d, particle %d, attempt %u: the simulation failed",
                        generation, items[i].particle, items[i].attempt);
            return;
        }
        for (int m = 0; m < d->kept; m++) {
            cc_diag_entry *en = &d->entry[m];
            cc_diag_add(diag, en->file, en->line, en->col, en->path, en->hint,
                        "generation %d, particle %d, attempt %u: %s", generation,
                        items[i].particle, items[i].attempt, en->message);
        }
        return;
    }
}

/* Run the rounds of the current generation until every particle is
 * accepted. Returns 0 complete, 1 interrupted, 2 abandoned (res->stop set),
 * -1 error. */
static int run_generation(engine *e, int generation, cc_diag *diag)
{
    const cc_abc_options *opt = e->opt;
    int N = e->N;
    int *pending = malloc((size_t)N * sizeof *pending);
    item *items = malloc((size_t)(ROUND_ITEMS + N) * sizeof *items);
    double *theta = malloc((size_t)(ROUND_ITEMS + N) * (size_t)e->n * sizeof *theta);
    double *stats = malloc((size_t)(ROUND_ITEMS + N) * (size_t)e->s * sizeof *stats);
    int rc = 0;
    if (!pending || !items || !theta || !stats) {
        cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL, "out of memory");
        rc = -1;
        goto out;
    }
    for (;;) {
        int np = 0;
        for (int j = 0; j < N; j++)
            if (!e->cur.done[j])
                pending[np++] = j;
        if (np == 0)
            break;
        if (opt->stop && *opt->stop) {
            rc = 1;
            break;
        }
        /* the round: the first min(np, ROUND_ITEMS) pending particles, each
         * with `chunk` consecutive attempts */
        int take = np < ROUND_ITEMS ? np : ROUND_ITEMS;
        int chunk = (ROUND_ITEMS + take - 1) / take;
        {
            /* no more attempts than a particle is expected to need: the
             * proposals per acceptance so far in this generation, smoothed
             * by a prior guess (1 for the prior's draws, else 1 / the last
             * generation's acceptance), so that little is wasted when most
             * proposals are accepted */
            const cc_abc_generation *prev = generation > 0 ? &e->res->gen[generation - 1] : NULL;
            double guess = prev ? (double)prev->proposals / (double)N : 1.0;
            double need = ceil(((double)e->cur.proposals + guess) / (double)(N - np + 1));
            if (need < chunk)
                chunk = need > 1 ? (int)need : 1;
        }
        int nitems = take * chunk;
        if (opt->budget > 0 &&
            e->res->simulations + (long)nitems * e->R > opt->budget) {
            e->res->stop = CC_ABC_STOP_BUDGET;
            rc = 2;
            break;
        }
        if (opt->min_acceptance > 0 &&
            (double)e->cur.simulations >= (double)N * e->R / opt->min_acceptance) {
            /* more proposals are needed: the acceptance rate is bound to fall
             * below the floor */
            e->res->stop = CC_ABC_STOP_ACCEPTANCE;
            rc = 2;
            break;
        }
        int overflow = 0;
        for (int p = 0; p < take; p++) {
            int j = pending[p];
            if ((uint64_t)e->cur.attempt[j] + (uint64_t)chunk > CC_ABC_MAX_ATTEMPTS + 1ull)
                overflow = j + 1;
            for (int c = 0; c < chunk; c++) {
                item *it = &items[p * chunk + c];
                it->particle = j;
                it->attempt = e->cur.attempt[j] + (uint32_t)c;
                it->theta = &theta[(size_t)(p * chunk + c) * (size_t)e->n];
                it->stats = &stats[(size_t)(p * chunk + c) * (size_t)e->s];
                it->diag = NULL;
                it->status = 3;
            }
        }
        if (overflow) {
            cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL,
                        "generation %d, particle %d: no proposal accepted in %d attempts",
                        generation, overflow - 1, CC_ABC_MAX_ATTEMPTS);
            rc = -1;
            break;
        }
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(e->threads)
#endif
        for (int i = 0; i < nitems; i++) {
            int tid = 0;
#ifdef _OPENMP
            tid = omp_get_thread_num();
#endif
            if (opt->stop && *opt->stop) {
                items[i].status = 1;
                continue;
            }
            evaluate(e, tid, generation, &items[i]);
        }
        int failed = 0, interrupted = 0;
        for (int i = 0; i < nitems; i++) {
            failed |= items[i].status == -1;
            interrupted |= items[i].status == 1;
        }
        if (failed)
            report_failure(items, nitems, generation, diag);
        for (int i = 0; i < nitems; i++)
            if (items[i].diag) {
                cc_diag_clear(items[i].diag);
                free(items[i].diag);
            }
        if (failed) {
            rc = -1;
            break;
        }
        if (interrupted) {
            rc = 1;
            break;
        }
        /* record: each particle keeps its first accepted attempt */
        long sims = 0;
        for (int p = 0; p < take; p++) {
            int j = pending[p];
            int acc = -1;
            for (int c = 0; c < chunk; c++) {
                item *it = &items[p * chunk + c];
                if (it->status == 0)
                    sims += e->R;
                if (acc < 0 && it->status == 0 && isfinite(it->distance) &&
                    it->distance <= e->cur.tolerance)
                    acc = c;
            }
            if (acc >= 0) {
                item *it = &items[p * chunk + acc];
                e->cur.done[j] = 1;
                e->cur.attempt[j] = it->attempt;
                memcpy(&e->cur.theta[(size_t)j * (size_t)e->n], it->theta,
                       (size_t)e->n * sizeof(double));
                memcpy(&e->cur.stats[(size_t)j * (size_t)e->s], it->stats,
                       (size_t)e->s * sizeof(double));
                e->cur.distance[j] = it->distance;
            } else {
                e->cur.attempt[j] += (uint32_t)chunk;
            }
        }
        e->cur.proposals += nitems;
        e->cur.simulations += sims;
        e->res->simulations += sims;
        double t = now_seconds();
        e->cur.seconds += t - e->t_start;
        e->t_start = t;
        report_progress(e, generation);
        if (opt->checkpoint && t - e->last_ckpt >= opt->checkpoint_seconds &&
            write_checkpoint(e, diag) != 0) {
            rc = -1;
            break;
        }
    }
out:
    free(pending);
    free(items);
    free(theta);
    free(stats);
    return rc;
}

static int count_done(const cc_abc_current *c, int N)
{
    int k = 0;
    for (int j = 0; j < N; j++)
        k += c->done[j];
    return k;
}

static void engine_free(engine *e)
{
    for (int t = 0; t < e->threads; t++) {
        if (e->rng)
            cc_rng_free(e->rng[t]);
        if (e->scratch)
            free(e->scratch[t]);
        if (e->tdiag)
            cc_diag_clear(&e->tdiag[t]);
    }
    free(e->rng);
    free(e->scratch);
    free(e->tdiag);
    kernel_free(&e->ker);
    cc_abc_current_free(&e->cur);
    cc_abc_result_free(e->res);
}

/* Take over the state of a checkpoint (after it was matched). */
static void adopt(engine *e, cc_abc_checkpoint *ck)
{
    cc_abc_result_free(e->res);
    e->res = ck->res;
    ck->res = NULL;
    cc_abc_current_free(&e->cur);
    e->cur = ck->cur;
    memset(&ck->cur, 0, sizeof ck->cur);
}

int cc_abc_run(const cc_abc_problem *pb, const cc_abc_options *opt, bool resume,
               cc_abc_result **out, cc_diag *diag)
{
    *out = NULL;
    if (check_problem(pb, opt, diag) != 0)
        return -1;
    if (resume && !opt->checkpoint) {
        cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL,
                    "expected a checkpoint file to resume from, got none");
        return -1;
    }
    engine e;
    memset(&e, 0, sizeof e);
    e.pb = pb;
    e.opt = opt;
    e.n = pb->ninputs;
    e.s = pb->nstats;
    e.N = opt->particles;
    e.R = opt->replicates_per_particle;
    e.threads = 1;
#ifdef _OPENMP
    e.threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
#endif
    if (e.threads < 1)
        e.threads = 1;
    e.rng = calloc((size_t)e.threads, sizeof *e.rng);
    e.scratch = calloc((size_t)e.threads, sizeof *e.scratch);
    e.tdiag = calloc((size_t)e.threads, sizeof *e.tdiag);
    e.res = cc_abc_result_new(e.n, pb->input_names, e.s, pb->stat_names, e.N);
    int nomem = !e.rng || !e.scratch || !e.tdiag || !e.res ||
                cc_abc_current_alloc(&e.cur, e.N, e.n, e.s) != 0;
    for (int t = 0; !nomem && t < e.threads; t++) {
        e.rng[t] = cc_rng_alloc();
        e.scratch[t] = calloc((size_t)e.s, sizeof(double));
        nomem = !e.rng[t] || !e.scratch[t];
    }
    if (nomem) {
        engine_free(&e);
        cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    if (resume) {
        cc_abc_checkpoint *ck = NULL;
        if (cc_abc_checkpoint_load(opt->checkpoint, pb, opt, diag, &ck) != 0) {
            cc_abc_checkpoint_free(ck);
            engine_free(&e);
            return -1;
        }
        adopt(&e, ck);
        cc_abc_checkpoint_free(ck);
    }
    e.last_ckpt = now_seconds();
    int rc = 0;
    e.res->stop = 0;
    e.res->abandoned = 0;
    for (;;) {
        int t = e.res->ngenerations;
        if (t >= opt->generations) {
            /* (a resumed run may have been given fewer generations) */
            e.res->abandoned = e.cur.active;
            e.res->stop = CC_ABC_STOP_GENERATIONS;
            break;
        }
        if (!e.cur.active) {
            const cc_abc_generation *last = cc_abc_posterior(e.res);
            if (last && (last->tolerance == 0 ||
                         (opt->final_tolerance > 0 && last->tolerance <= opt->final_tolerance))) {
                e.res->stop = CC_ABC_STOP_TOLERANCE;
                break;
            }
            if (last && opt->min_acceptance > 0 && last->acceptance < opt->min_acceptance) {
                e.res->stop = CC_ABC_STOP_ACCEPTANCE;
                break;
            }
            double tol = INFINITY;
            if (last) {
                tol = tolerance_from(last, e.N, opt->quantile, diag);
                if (isnan(tol)) {
                    rc = -1;
                    break;
                }
                if (tol >= last->tolerance)
                    tol = below(last, e.N, last->tolerance);
                if (opt->final_tolerance > 0 && tol < opt->final_tolerance)
                    tol = opt->final_tolerance;
            }
            e.cur.active = 1;
            e.cur.tolerance = tol;
            e.cur.proposals = e.cur.simulations = 0;
            e.cur.seconds = 0;
            memset(e.cur.done, 0, (size_t)e.N);
            memset(e.cur.attempt, 0, (size_t)e.N * sizeof *e.cur.attempt);
        }
        kernel_free(&e.ker);
        if (t > 0 && kernel_make(&e.ker, &e.res->gen[t - 1], e.n, e.N, diag) != 0) {
            rc = -1;
            break;
        }
        e.t_start = now_seconds();
        int g = run_generation(&e, t, diag);
        if (g < 0) {
            rc = -1;
            break;
        }
        if (g == 1) {
            rc = write_checkpoint(&e, diag) != 0 ? -1 : 1;
            break;
        }
        if (g == 2) {
            e.res->abandoned = 1;
            if (e.res->ngenerations == 0) {
                if (e.res->stop == CC_ABC_STOP_BUDGET)
                    cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL,
                                "the budget of %ld simulations ends before the first "
                                "generation is complete (it needs at least %ld)",
                                opt->budget, (long)e.N * e.R);
                else
                    cc_diag_add(diag, "calibrate", 0, 0, NULL, NULL,
                                "the first generation (draws of the prior) found only %d "
                                "finite distances in %ld proposals",
                                count_done(&e.cur, e.N), e.cur.proposals);
                rc = -1;
            }
            break;
        }
        if (finish_generation(&e, t, diag) != 0 || write_checkpoint(&e, diag) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && write_checkpoint(&e, diag) != 0)
        rc = -1;
    if (rc == 0) {
        *out = e.res;
        e.res = NULL;
    }
    engine_free(&e);
    return rc;
}
