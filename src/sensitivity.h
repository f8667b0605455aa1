/* sensitivity.h - global sensitivity analysis (Morris screening, Sobol
 * indices, partial rank correlation), generic over a simulator given as a
 * callback, as abc.h is for calibration.
 *
 * The engine knows nothing of scenarios: a problem is a number of inputs
 * mapped from the unit cube to their values (inverse CDFs of independent
 * priors), a number of outputs, and a function that simulates the outputs of
 * one input set with given chance streams. `carcer sensitivity` builds a
 * problem from a scenario's priors (sensitivity_scenario.c); the tests build
 * problems whose indices are known in closed form (Ishigami).
 *
 * Methods and their estimators:
 *  - Sobol: Saltelli et al. 2010 (Comput Phys Commun 181:259) sampling, the
 *    matrices A, B and AB^(i) (A with column i from B), from a Sobol sequence
 *    of dimension 2k (GSL's gsl_qrng_sobol, unscrambled, given a random
 *    shift modulo 1 keyed by the seed: a Cranley-Patterson rotation, Cranley
 *    & Patterson 1976, SIAM J Numer Anal 13:904). First order: Saltelli 2010
 *    table 2 (b), S_i = mean(f(B)(f(AB^i) - f(A))) / V; total: Jansen 1999
 *    (table 2 (f)), ST_i = mean((f(A) - f(AB^i))^2) / (2V); V the variance
 *    of f(A) and f(B) pooled. N (k + 2) simulations.
 *  - Morris: elementary effects on a grid of p = 4 levels with step
 *    Delta = p / (2 (p - 1)) (Morris 1991, Technometrics 33:161, section 3),
 *    one random trajectory of k + 1 points each; mu* = mean |EE| (Campolongo,
 *    Cariboni & Saltelli 2007, Environ Model Softw 22:1509, eq. 4) and sigma
 *    the standard deviation of the EE. R (k + 1) simulations. Levels l/(p-1)
 *    are mapped to the quantiles (l + 1/2) / p, so that unbounded priors get
 *    finite values; effects are in units of the cube (a whole prior = 1).
 *  - PRCC: a Latin hypercube sample of N points; the correlation of the
 *    residuals of rank(input i) and rank(output) each regressed on the ranks
 *    of the other inputs (Marino, Hogue, Ray & Kirschner 2008, J Theor Biol
 *    254:178, section 2.4). N simulations.
 * Intervals are bootstrap percentiles (90%: q05, q95) over resampled base
 * points, trajectories or rows; resample b draws from the stream keyed by
 * (seed, b), so intervals are the same whatever the thread count.
 *
 * Chance: common random numbers. All the points of one base sample (A_j,
 * B_j and every AB_j^(i); the k + 1 points of one trajectory) run with the
 * same chance stream (replicate j), so differences between them are due to
 * the inputs; PRCC rows each have their own. A few base points are run again
 * with other streams: the mean variance among those repeats over the total
 * variance is the share of the output's variance due to chance alone.
 *
 * Invariants: the result depends only on the problem and the options (seed,
 * sizes), not the thread count or where a run was interrupted and resumed.
 */
#ifndef CARCER_SENSITIVITY_H
#define CARCER_SENSITIVITY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define CC_SENS_MAX_INPUTS 20 /* Sobol: GSL's sequence has at most 40 = 2k dimensions */
#define CC_SENS_MAX_OUTPUTS 4096
#define CC_SENS_MAX_ROWS 10000000

typedef enum cc_sens_method { CC_SENS_MORRIS = 1, CC_SENS_SOBOL, CC_SENS_PRCC } cc_sens_method;

typedef struct cc_sens_problem {
    int ninputs;
    const char *const *input_names;
    int noutputs;
    const char *const *output_names;
    const char *const *output_dates; /* per output a date text or "" (may be NULL) */
    void *ctx;
    /* input values from u in (0,1)^ninputs (inverse CDFs) */
    void (*from_uniforms)(void *ctx, const double *u, double *theta);
    /* One simulation of theta with the chance streams (sim_seed, replicate),
     * outputs into out[noutputs] (NaN: undefined, left out of the
     * estimators). 0, -1 error (message in diag), 1 interrupted. Called from
     * several threads at once. */
    int (*simulate)(void *ctx, const double *theta, uint64_t sim_seed, uint32_t replicate,
                    double *out, cc_diag *diag);
    const char *fingerprint; /* kept in the checkpoint, compared on resume (may be NULL) */
} cc_sens_problem;

typedef struct cc_sens_options {
    cc_sens_method method;
    int trajectories;          /* Morris R, default 20 (>= 4) */
    int samples;               /* Sobol N (>= 16) or PRCC N (>= ninputs + 10), default 256 */
    int bootstrap;             /* resamples of the intervals, default 500 */
    int chance_points;         /* base points run again for chance, default 4 (0 = none) */
    int chance_repeats;        /* extra runs of each, default 4 */
    int threads;               /* 0 = as many as OpenMP offers */
    uint64_t seed;
    const char *checkpoint;    /* NULL = none */
    double checkpoint_seconds; /* at most this often (default 2) */
    volatile sig_atomic_t *stop;
    /* called after each round with the simulations done and in all */
    void (*progress)(void *ctx, long done, long total);
    void *progress_ctx;
} cc_sens_options;

typedef struct cc_sens_index {
    int output, input;
    const char *index; /* "S1", "ST" (Sobol), "mu_star", "mu", "sigma" (Morris), "PRCC" */
    double estimate, q05, q95;
} cc_sens_index;

typedef struct cc_sens_result {
    cc_sens_method method;
    int ninputs, noutputs, nbase; /* nbase: N or R */
    char **input_names, **output_names, **output_dates;
    long nrows;      /* simulations of the design (chance repeats included) */
    long ndesign;    /* of which the design proper */
    double *u;       /* [nrows * ninputs] */
    double *theta;   /* [nrows * ninputs] */
    double *y;       /* [nrows * noutputs] */
    int32_t *group;  /* [nrows] base point or trajectory */
    uint32_t *replicate;
    char (*role)[16];  /* [nrows] "A", "B", "AB3", "step0", "lhs", "chance" */
    int nidx;
    cc_sens_index *idx;
    double *variance;    /* [noutputs] of the design's outputs */
    double *unexplained; /* [noutputs] 1 - sum S1 (Sobol), 1 - R^2 of ranks (PRCC), NaN */
    double *chance;      /* [noutputs] chance variance / variance (NaN unknown) */
    int nwarnings;
    char **warnings;
    int bootstrap;
    uint64_t seed;
} cc_sens_result;

void cc_sens_options_init(cc_sens_options *opt);

const char *cc_sens_method_name(cc_sens_method m);

/* The smallest sample size (N or R) the method accepts for k inputs, and the
 * simulations a sample size costs (chance repeats included). */
int cc_sens_min_samples(cc_sens_method m, int k);
long cc_sens_simulations(const cc_sens_options *opt, int k);

/* Run (or, with resume, continue from opt->checkpoint) an analysis.
 * 0 with *out set; -1 error (messages in diag); 1 interrupted (the
 * checkpoint holds the simulations done). A resume without a checkpoint
 * file starts from the first simulation. */
int cc_sens_run(const cc_sens_problem *pb, const cc_sens_options *opt, bool resume,
                cc_sens_result **out, cc_diag *diag);

void cc_sens_result_free(cc_sens_result *r);

/* The estimate of index `index` of (output, input), or NULL. */
const cc_sens_index *cc_sens_find(const cc_sens_result *r, int output, int input,
                                  const char *index);

/* Texts (malloc'd; NULL when out of memory), numbers as "%.17g".
 * sensitivity.csv: method,output,date,input,index,estimate,q05,q95. */
char *cc_sens_csv(const cc_sens_result *r);
/* sensitivity.json: the method, sizes, per output its variance, the shares
 * unexplained and due to chance, the indices, and the warnings. */
char *cc_sens_json(const cc_sens_result *r);
/* samples.csv: row,group,role,replicate,<inputs>,<outputs>. */
char *cc_sens_samples_csv(const cc_sens_result *r);

#endif
