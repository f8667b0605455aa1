/* abc.h - approximate Bayesian computation by sequential Monte Carlo
 * (population Monte Carlo ABC), generic over a simulator given as callbacks.
 *
 * The engine knows nothing of scenarios: a problem is a prior (log density
 * and a draw from uniforms), observed statistics with a scale and a weight
 * each, and a function that simulates the statistics of one parameter set
 * with given chance streams. `carcer calibrate` builds a problem from a
 * scenario's priors and targets; the tests build problems whose posterior is
 * known in closed form.
 *
 * Algorithm: Beaumont, Cornuet, Marin & Robert 2009 (Biometrika 96:983,
 * "Adaptive approximate Bayesian computation", algorithm of section 3) and
 * Toni et al. 2009 (J R Soc Interface 6:187, ABC SMC, equations 3.1-3.2),
 * with the tolerance of each generation set adaptively as a quantile of the
 * previous generation's distances (Del Moral, Doucet & Jasra 2012, Stat
 * Comput 22:1009, section 3). docs/calibration.md, "How calibrate works",
 * gives the user's account.
 *
 * Invariants: the result depends only on the problem, the options that
 * matter (seed, particles, replicates per particle, quantile, stopping rules)
 * and nothing else: not the thread count, not the scheduling, not where a
 * run was interrupted and resumed. Every random draw of a proposal is keyed
 * by (seed, generation, particle, attempt); particle j of a generation keeps
 * its first accepted attempt.
 *
 * Cost: each generation costs N / acceptance simulations (times R
 * replicates), plus O(N^2 d^2) for the importance weights (a kernel density
 * of every particle against every ancestor) and O(N log N) for the
 * tolerance; a checkpoint costs O(N (d + s)) numbers formatted per write.
 */
#ifndef CARCER_ABC_H
#define CARCER_ABC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Limits of what the engine and its readers accept (a checkpoint or a
 * posterior file from disk is bounded by these before anything is
 * allocated from it). */
#define CC_ABC_MAX_INPUTS 256
#define CC_ABC_MAX_STATS 4096
#define CC_ABC_MAX_PARTICLES 1000000
#define CC_ABC_MAX_GENERATIONS 1000
#define CC_ABC_MAX_ATTEMPTS 0xFFFFFF /* attempts per particle and generation: 24 bits of the stream */
#define CC_ABC_MAX_NAME 1024         /* bytes of an input or statistic name */

typedef struct cc_abc_problem {
    int ninputs;
    const char *const *input_names; /* column names of posterior.csv */
    void *ctx;
    /* log prior density; -INFINITY outside the support */
    double (*log_prior)(void *ctx, const double *theta);
    /* a prior draw from u in (0,1)^ninputs (independent inputs, inverse CDFs) */
    void (*from_uniforms)(void *ctx, const double *u, double *theta);
    int nstats;
    const char *const *stat_names;
    const double *observed, *scale, *weight; /* per statistic: scale > 0, weight >= 0 */
    /* One simulation of theta with the chance streams (sim_seed, replicate),
     * statistics into stats[nstats]. Returns 0, -1 on error (message in
     * diag), 1 when interrupted. Called from several threads at once: it must
     * be thread-safe and depend only on its arguments. */
    int (*simulate)(void *ctx, const double *theta, uint64_t sim_seed, uint32_t replicate,
                    double *stats, cc_diag *diag);
    /* Optional text naming the model (e.g. a digest of the resolved
     * scenario): kept in the checkpoint and compared on resume. */
    const char *fingerprint;
} cc_abc_problem;

typedef struct cc_abc_progress {
    int generation;
    double tolerance;      /* of this generation (INFINITY for the first) */
    int accepted;          /* particles accepted so far in this generation */
    int particles;         /* N */
    long proposals;        /* proposals made so far in this generation */
    long simulations;      /* simulations in all, every generation */
    double seconds;        /* wall time of this generation so far */
    double seconds_left;   /* estimated time to finish this generation; -1 unknown */
} cc_abc_progress;

typedef struct cc_abc_options {
    int particles;               /* N, default 1000 */
    int generations;             /* max generations, default 5 (generation 0 is the prior) */
    double quantile;             /* alpha in (0,1): next tolerance = alpha-quantile of the
                                  * last generation's distances, default 0.5 */
    double final_tolerance;      /* stop once reached (0 = none) */
    double min_acceptance;       /* stop when a generation's acceptance rate falls below,
                                  * default 0.01 (0 = none) */
    long budget;                 /* max simulations in all (0 = none) */
    int replicates_per_particle; /* R: statistics averaged over R chance replicates, default 1 */
    int threads;                 /* 0 = as many as OpenMP offers */
    uint64_t seed;
    const char *checkpoint;      /* path of the checkpoint file (NULL = none) */
    double checkpoint_seconds;   /* within a generation, checkpoint at most this often
                                  * (default 5; 0 = at every round) */
    void (*progress)(void *ctx, const cc_abc_progress *p); /* called at round ends, one thread */
    void *progress_ctx;
    volatile sig_atomic_t *stop; /* set (e.g. by a signal handler) to interrupt */
} cc_abc_options;

/* Why a calibration stopped. */
typedef enum cc_abc_stop {
    CC_ABC_STOP_GENERATIONS = 1, /* the maximum number of generations was run */
    CC_ABC_STOP_TOLERANCE,       /* the final tolerance (or 0) was reached */
    CC_ABC_STOP_ACCEPTANCE,      /* the acceptance rate fell below the floor */
    CC_ABC_STOP_BUDGET           /* the next round would pass the budget */
} cc_abc_stop;

/* One completed generation: N particles. */
typedef struct cc_abc_generation {
    double tolerance;  /* INFINITY for generation 0 */
    long proposals;    /* proposals made, those outside the prior's support included */
    long simulations;  /* simulations run (proposals inside the support times R) */
    double acceptance; /* N R / simulations: accepted per simulated proposal */
    double ess;        /* effective sample size 1 / sum W^2 */
    double seconds;    /* wall time (not reproducible; only generations.csv shows it) */
    double *theta;     /* [N * ninputs], particle-major */
    double *weight;    /* [N], normalised to sum 1 */
    double *distance;  /* [N] */
    double *stats;     /* [N * nstats]: the statistics averaged over R replicates */
} cc_abc_generation;

typedef struct cc_abc_result {
    int ninputs, nstats, particles;
    char **input_names, **stat_names; /* copies */
    int ngenerations;                 /* completed generations kept; the last is the posterior */
    cc_abc_generation *gen;
    cc_abc_stop stop;
    long simulations; /* in all, an abandoned last generation included */
    int abandoned;    /* 1 when a last generation was started and discarded (budget, acceptance) */
} cc_abc_result;

/* The defaults above. */
void cc_abc_options_init(cc_abc_options *opt);

/* Run (or, with resume, continue from opt->checkpoint) a calibration.
 * Returns 0 with *out set; -1 on error (bad problem or options, a
 * simulation's error, a checkpoint that cannot be read or does not match:
 * messages in diag, *out NULL); 1 when interrupted through opt->stop or a
 * simulation (the checkpoint, if any, holds the state at the last round's
 * end; *out NULL). */
int cc_abc_run(const cc_abc_problem *pb, const cc_abc_options *opt, bool resume,
               cc_abc_result **out, cc_diag *diag);

void cc_abc_result_free(cc_abc_result *res);

/* The last generation (the posterior), or NULL when there is none. */
const cc_abc_generation *cc_abc_posterior(const cc_abc_result *res);

/* Texts of the outputs (malloc'd, NULL when out of memory). Numbers are
 * written with "%.17g", which reads back to the same double. */
/* posterior.csv: header `weight,<input names>`, one row per particle of the
 * last generation, in particle order. */
char *cc_abc_posterior_csv(const cc_abc_result *res);
/* generations.csv: one row per completed generation. */
char *cc_abc_generations_csv(const cc_abc_result *res);
/* calibration.json: per input its prior (prior_desc[i], a text the caller
 * gives) and its posterior mean, median and 90% interval (weighted
 * quantiles of the last generation); per statistic its observed value and
 * the posterior predictive q05/q50/q95 the caller gives (pred_* may be NULL:
 * then the weighted quantiles of the last generation's simulated
 * statistics are used). */
char *cc_abc_calibration_json(const cc_abc_result *res, const char *const *prior_desc,
                              const double *observed, const double *pred_q05,
                              const double *pred_q50, const double *pred_q95);

/* The weighted p-quantile of x[0..n) with weights w (>= 0, positive sum):
 * the smallest x_(k) of the sorted values whose cumulative normalised
 * weight reaches p (the inverse of the weighted empirical distribution
 * function). NAN when n is 0 or out of memory. */
double cc_abc_weighted_quantile(const double *x, const double *w, int n, double p);

/* The stream seed of the simulations of (seed, generation, particle,
 * attempt): splitmix64 (Steele, Lea & Flood 2014, OOPSLA "Fast splittable
 * pseudorandom number generators", the mix function) applied in turn to
 * the seed, then xor'd with (generation << 40 | attempt), then with the
 * particle. */
uint64_t cc_abc_sim_seed(uint64_t seed, int generation, int particle, uint32_t attempt);

#endif
