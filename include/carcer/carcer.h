/* carcer.h - the public interface of libcarcer.
 *
 * carcer simulates a detention system under a drug-enforcement campaign,
 * person by person and day by day, with the infections that spread through
 * its cells. A program loads a scenario (a YAML file, or the embedded
 * Cambodia 2017-2021 default), runs replicates of it and writes the results:
 *
 *     carcer_diag *diag = carcer_diag_new();
 *     carcer_scenario *sc = NULL;
 *     if (carcer_scenario_load("my.yaml", NULL, 0, diag, &sc) != CARCER_OK) {
 *         for (int i = 0; i < carcer_diag_count(diag); i++)
 *             fprintf(stderr, "%s\n", carcer_diag_message(diag, i));
 *     }
 *     carcer_run_options opt = carcer_run_options_default();
 *     opt.replicates = 100;
 *     carcer_results *res = NULL;
 *     if (carcer_run(sc, &opt, diag, &res) == CARCER_OK)
 *         carcer_results_write(res, "out", diag);
 *     carcer_results_free(res);
 *     carcer_scenario_free(sc);
 *     carcer_diag_free(diag);
 *
 * Handles are opaque; every _free accepts NULL. The library never prints,
 * exits or aborts on bad input: problems are recorded in a carcer_diag.
 * Results depend only on the scenario, the seed and the version, not on the
 * number of threads.
 */
#ifndef CARCER_CARCER_H
#define CARCER_CARCER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CARCER_BUILDING) && defined(__GNUC__)
#define CARCER_API __attribute__((visibility("default")))
#else
#define CARCER_API
#endif

/* Status codes. CARCER_INPUT and CARCER_MODEL map to the tool's exit status 1. */
#define CARCER_STATUS_LIST(X)                                                    \
    X(CARCER_OK, "success")                                                      \
    X(CARCER_INPUT, "invalid input")                                             \
    X(CARCER_MODEL, "model error")                                               \
    X(CARCER_NOMEM, "out of memory")                                             \
    X(CARCER_IO, "input/output error")                                           \
    X(CARCER_INTERRUPTED, "interrupted")

typedef enum carcer_status {
#define CARCER_STATUS_ENUM(code, text) code,
    CARCER_STATUS_LIST(CARCER_STATUS_ENUM)
#undef CARCER_STATUS_ENUM
} carcer_status;

/* A short English description of a status. */
CARCER_API const char *carcer_status_text(carcer_status st);

/* The library's version, e.g. "0.1.0". */
CARCER_API const char *carcer_version(void);

/* ---- diagnostics -------------------------------------------------------- */

typedef struct carcer_diag carcer_diag;

CARCER_API carcer_diag *carcer_diag_new(void);
CARCER_API void carcer_diag_free(carcer_diag *d);
/* Number of messages kept (all errors and warnings of a file, up to a cap). */
CARCER_API int carcer_diag_count(const carcer_diag *d);
/* Message i as "file:line:col: key.path: expected ..., got ... (hint)", a
 * warning as "file:line:col: warning: key.path: ...". Valid until the diag
 * is freed or reused. */
CARCER_API const char *carcer_diag_message(carcer_diag *d, int i);
/* 1 when message i is a warning: the scenario loaded and runs, but probably
 * not as its author meant (a policy dated after the end, a prison nothing
 * reaches, a Cambodian default in another country's scenario...). */
CARCER_API int carcer_diag_is_warning(const carcer_diag *d, int i);
/* Warnings recorded (kept or not). */
CARCER_API int carcer_diag_warnings(const carcer_diag *d);
CARCER_API void carcer_diag_clear(carcer_diag *d);

/* ---- scenarios ---------------------------------------------------------- */

typedef struct carcer_scenario carcer_scenario;

/* Load a scenario file; path NULL loads the embedded default (Cambodia
 * 2017-2021). `sets` are "key.path=value" overrides of scalars. */
CARCER_API carcer_status carcer_scenario_load(const char *path, const char *const *sets,
                                              int nsets, carcer_diag *diag,
                                              carcer_scenario **out);
/* Load from YAML text; `name` appears in messages. */
CARCER_API carcer_status carcer_scenario_load_text(const char *text, size_t len,
                                                   const char *name, const char *const *sets,
                                                   int nsets, carcer_diag *diag,
                                                   carcer_scenario **out);
CARCER_API void carcer_scenario_free(carcer_scenario *sc);

/* The scenario with every default filled in, as YAML (malloc'd; caller
 * frees). Loading it again gives the same scenario. */
CARCER_API char *carcer_scenario_resolved(const carcer_scenario *sc);

/* The scenario reference (every key, type, default, bounds, unit and
 * meaning) as Markdown, generated from the schema table (malloc'd). */
CARCER_API char *carcer_schema_markdown(void);
/* A JSON Schema (draft 2020-12) of a scenario file, from the same table
 * (malloc'd; free() it), for editors and validators; NULL if out of memory. */
CARCER_API char *carcer_schema_json(void);

/* The shipped scenarios (embedded in the library), one line each: path and
 * title (malloc'd; free() it); NULL if out of memory. */
CARCER_API char *carcer_scenarios_list(void);
/* A commented template of a scenario for `country` (malloc'd; free() it):
 * every key with the value the model would use, each default taken from
 * Cambodia marked REPLACE with its source; it loads as it is. NULL with
 * the reason in diag. */
CARCER_API char *carcer_scenario_template(const char *country, carcer_diag *diag);

/* Uncertain inputs: numbers of the scenario written as a prior
 * (`{prior: beta, mean: 0.1, sd: 0.05}`, docs/uncertainty.md). Their count,
 * the key path of input i ("pretrial.bail.default"; NULL out of range) and
 * its prior as text ("beta(mean 0.1, sd 0.05)", malloc'd; caller frees). */
CARCER_API int carcer_scenario_input_count(const carcer_scenario *sc);
CARCER_API const char *carcer_scenario_input_key(const carcer_scenario *sc, int i);
CARCER_API char *carcer_scenario_input_prior(const carcer_scenario *sc, int i);

/* Approximate peak memory, in bytes, that one replicate of the scenario
 * needs while it runs. */
CARCER_API double carcer_scenario_memory_estimate(const carcer_scenario *sc);

/* ---- output folders ------------------------------------------------------ */

/* An output folder written as one unit. carcer_output_open checks dir (its
 * parent exists and is writable; dir, if present, is a writable folder that
 * carcer wrote), locks it against a second writer (which fails at once with
 * a message), removes staging folders left by writers that were killed, and
 * creates a fresh staging folder beside dir: call it before simulating, so
 * that a bad -o fails before the work. Files are staged into it (by
 * carcer_results_stage, carcer_comparison_stage, or a run streaming its time
 * series); carcer_output_commit writes run.json (the run id, and each file
 * with its size and checksum) and swaps the staged folder with dir in one
 * rename, so dir holds exactly the previous run or exactly this one, and
 * nothing of the previous run survives. carcer_output_free without a commit
 * removes what was staged. */
typedef struct carcer_output carcer_output;
CARCER_API carcer_status carcer_output_open(const char *dir, carcer_diag *diag,
                                            carcer_output **out);
CARCER_API carcer_status carcer_output_commit(carcer_output *o, carcer_diag *diag);
CARCER_API void carcer_output_free(carcer_output *o);

/* ---- running ------------------------------------------------------------ */

typedef struct carcer_run_options {
    int64_t seed;        /* -1: the scenario's seed */
    int replicates;      /* 0: the scenario's `replicates` */
    int threads;         /* 0: as many as OpenMP offers */
    /* called now and then with the fraction done (0..1); may be NULL */
    void (*progress)(void *ctx, double fraction);
    void *progress_ctx;
    /* when *stop becomes nonzero (e.g. from a signal handler) the run stops
     * and returns CARCER_INTERRUPTED; may be NULL */
    volatile sig_atomic_t *stop;
    /* keep the daily rows of every replicate in memory for
     * carcer_results_write (1, the default) or none (0: summaries only) */
    int keep_timeseries;
    /* when not NULL (and keep_timeseries is set), the time series of each
     * replicate is written to output's timeseries.csv as soon as it and
     * every earlier replicate are done, instead of being kept in memory;
     * carcer_results_stage then stages the rest into the same output */
    carcer_output *output;
} carcer_run_options;

CARCER_API carcer_run_options carcer_run_options_default(void);
/* Approximate peak memory, in bytes, of running scenarios sc[0..n) with
 * opt (NULL: defaults): n > 1 as carcer_compare runs them. It sums what
 * the run allocates: the replicates that run at once (min(threads,
 * replicates)), the results kept per replicate, the time series (kept in
 * memory, or streamed through opt->output) and the output files built at
 * the end. */
CARCER_API double carcer_run_memory_estimate(const carcer_scenario *const *sc, int n,
                                             const carcer_run_options *opt);

typedef struct carcer_results carcer_results;

CARCER_API carcer_status carcer_run(const carcer_scenario *sc, const carcer_run_options *opt,
                                    carcer_diag *diag, carcer_results **out);
CARCER_API void carcer_results_free(carcer_results *res);

/* Write timeseries.csv, summary.json, scenario.resolved.yaml (and with
 * several replicates replicates.csv) and run.json as the folder dir:
 * carcer_output_open, carcer_results_stage, carcer_output_commit, so dir
 * holds exactly the previous results or these. CARCER_INPUT when the run
 * streamed its time series to an output of its own (options.output). */
CARCER_API carcer_status carcer_results_write(const carcer_results *res, const char *dir,
                                              carcer_diag *diag);
/* Stage the files of carcer_results_write into an open output folder (the
 * time series only if the run did not stream it there already); the caller
 * commits. summary.json and the first line of scenario.resolved.yaml name
 * the run id that run.json records. */
CARCER_API carcer_status carcer_results_stage(const carcer_results *res, carcer_output *o,
                                              carcer_diag *diag);

/* Scalar results: number of metrics, their dotted keys ("occupancy.CC1.peak")
 * and the value of a metric in a replicate. */
CARCER_API int carcer_results_replicates(const carcer_results *res);
CARCER_API size_t carcer_results_metric_count(const carcer_results *res);
CARCER_API const char *carcer_results_metric_key(const carcer_results *res, size_t i);
/* NaN when the key is unknown or the replicate out of range. */
CARCER_API double carcer_results_metric(const carcer_results *res, const char *key,
                                        int replicate);

/* ---- report ------------------------------------------------------------------ */

/* One self-contained HTML file (inline SVG charts, no script, printable)
 * at out_path (NULL: dir/report.html), written through a temporary renamed
 * into place. From the output folder of a run (dir/summary.json): key
 * figures, people in custody by state, occupancy by facility, infections,
 * person-years by offense and poverty. From the output folder of a
 * comparison (dir/compare.json and no summary.json): every scenario's key
 * figures and each alternative's paired difference from the baseline, with
 * 5-95% intervals, and a chart per headline metric. CARCER_INPUT, with
 * nothing written, when dir holds neither file or compare.json is not JSON
 * of the shape carcer_comparison_write gives it (each problem recorded in
 * diag with its key path and position). */
CARCER_API carcer_status carcer_report_write(const char *dir, const char *out_path,
                                             carcer_diag *diag);

/* ---- paired comparison ---------------------------------------------------- */

typedef struct carcer_comparison carcer_comparison;

/* Run scenarios[0] (the baseline) and each alternative with the same seed
 * (the baseline's, or opt->seed) and the same replicates: replicate i of
 * every scenario draws from the same random streams wherever the scenarios
 * agree (common random numbers), so the paired difference
 * alternative - baseline of replicate i reflects the change, not the dice.
 * The scenarios must outlive the comparison. */
CARCER_API carcer_status carcer_compare(const carcer_scenario *const *scenarios, int n,
                                        const carcer_run_options *opt, carcer_diag *diag,
                                        carcer_comparison **out);
CARCER_API void carcer_comparison_free(carcer_comparison *c);

/* Write compare.csv (per metric and scenario: mean, q05, q50, q95 of the
 * level and of the paired difference from the baseline) and compare.json
 * into dir, staged and renamed like carcer_results_write. */
CARCER_API carcer_status carcer_comparison_write(const carcer_comparison *c, const char *dir,
                                                 carcer_diag *diag);
/* Stage compare.csv and compare.json into an open output folder; the
 * caller commits. */
CARCER_API carcer_status carcer_comparison_stage(const carcer_comparison *c, carcer_output *o,
                                                 carcer_diag *diag);

/* The results of scenario i (0 = baseline), owned by the comparison. */
CARCER_API const carcer_results *carcer_comparison_results(const carcer_comparison *c, int i);

/* ---- calibration ---------------------------------------------------------- */

/* Where a calibration is (given to the progress hook). */
typedef struct carcer_calibrate_progress {
    int generation;      /* 0 = draws from the priors */
    double tolerance;    /* of this generation (infinite for the first) */
    int accepted, particles;
    long proposals;      /* in this generation */
    long simulations;    /* in all */
    double seconds;      /* of this generation so far */
    double seconds_left; /* estimated for this generation; -1 unknown */
} carcer_calibrate_progress;

typedef struct carcer_calibrate_options {
    int particles;               /* N: 1000 */
    int generations;             /* at most this many: 5 (generation 0 draws from the priors) */
    double quantile;             /* next tolerance = this quantile of the last distances: 0.5 */
    double tolerance;            /* stop once the tolerance reaches it: 0 (none) */
    double min_acceptance;       /* stop when a generation accepts fewer: 0.01 */
    long budget;                 /* at most this many simulations: 0 (none) */
    int replicates_per_particle; /* targets averaged over R replicates: 1 */
    int threads;                 /* 0: as many as OpenMP offers */
    int64_t seed;                /* -1: the scenario's */
    int predictive;              /* simulations of the posterior predictive: 200 */
    void (*progress)(void *ctx, const carcer_calibrate_progress *p);
    void *progress_ctx;
    volatile sig_atomic_t *stop; /* as for carcer_run */
} carcer_calibrate_options;

CARCER_API carcer_calibrate_options carcer_calibrate_options_default(void);

/* Fit the scenario's uncertain inputs (priors) to its targets by
 * approximate Bayesian computation, sequential Monte Carlo
 * (docs/calibration.md), into folder dir: posterior.csv, generations.csv,
 * calibration.json and scenario.calibrated.yaml (runnable as it is: its
 * replicates draw their inputs from the posterior). The state is kept in
 * dir/calibration.checkpoint after every generation and every few seconds;
 * with `resume` the calibration continues from it and gives exactly the
 * posterior an uninterrupted one gives, whatever the number of threads.
 * CARCER_INTERRUPTED when *stop was set (the checkpoint stays). */
CARCER_API carcer_status carcer_calibrate(const carcer_scenario *sc,
                                          const carcer_calibrate_options *opt, const char *dir,
                                          int resume, carcer_diag *diag);

/* ---- sensitivity analysis -------------------------------------------------- */

typedef struct carcer_sensitivity_options {
    const char *method;          /* "morris" (default), "sobol" or "prcc" */
    int trajectories;            /* Morris: 20 */
    int samples;                 /* Sobol N (N (k + 2) simulations), PRCC N: 256 */
    int bootstrap;               /* resamples of the 90% intervals: 500 */
    int threads;                 /* 0: as many as OpenMP offers */
    int64_t seed;                /* -1: the scenario's */
    const char *const *outputs;  /* summary.json keys or COLUMN:FACILITY; NULL: headline */
    int noutputs;
    const char *over_time;       /* NULL, "monthly" or "DATE,DATE,...": when columns are read */
    void (*progress)(void *ctx, long done, long total);
    void *progress_ctx;
    volatile sig_atomic_t *stop; /* as for carcer_run */
} carcer_sensitivity_options;

CARCER_API carcer_sensitivity_options carcer_sensitivity_options_default(void);

/* Which of the scenario's uncertain inputs (priors) decide its outputs
 * (docs/sensitivity.md), into folder dir: sensitivity.csv,
 * sensitivity.json and samples.csv. The state is kept in
 * dir/sensitivity.checkpoint; with `resume` the analysis continues from it
 * and gives the same bytes as an uninterrupted one, whatever the number of
 * threads. Warnings (intervals too wide to rank inputs) go to `warnings`
 * (may be NULL). CARCER_INPUT (no priors, an unknown output, a sample too
 * small for the method: nothing is written), CARCER_INTERRUPTED when *stop
 * was set (the checkpoint stays). */
CARCER_API carcer_status carcer_sensitivity(const carcer_scenario *sc,
                                            const carcer_sensitivity_options *opt,
                                            const char *dir, int resume, carcer_diag *diag,
                                            carcer_diag *warnings);

#ifdef __cplusplus
}
#endif
#endif
