/* calibrate.c - `carcer calibrate` (see calibrate.h): the abc problem of a
 * scenario, one simulation of a particle, the posterior predictive and the
 * output files.
 *
 * A particle's simulation keeps only its target values, never its time
 * series beyond the days it runs, and stops after the last day a target
 * reads. A particle whose values break a rule of the schema (a drawn median
 * above the p90 written beside it) gets undefined statistics: its distance is
 * not finite and the engine never accepts it, as it rejects a proposal
 * outside the prior's support.
 *
 * Cost per simulation: one load of the kept document (about a millisecond
 * for the default scenario, one at a time) and the days up to the last
 * target's; everything else is the engine's (abc.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "api_internal.h"
#include "evaluate.h"
#include "metrics.h"
#include "outdir.h"
#include "output.h"
#include "abc_internal.h"
#include "posterior.h"
#include "readfile.h"
#include "prior.h"
#include "sim.h"
#include "targets.h"
#include "util.h"

typedef struct cal_ctx {
    const cc_scenario *s;
    int32_t days_run; /* the last day a target reads, + 1 */
    int ntargets;
    volatile sig_atomic_t *stop;
    cc_calibrate_stats *stats; /* time spent in simulations (may be NULL) */
} cal_ctx;

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double thread_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void add_time(cc_calibrate_stats *st, double load, double total, double cpu)
{
    if (!st)
        return;
#pragma omp atomic
    st->load_seconds += load;
#pragma omp atomic
    st->simulation_seconds += total;
#pragma omp atomic
    st->simulation_cpu_seconds += cpu;
#pragma omp atomic
    st->simulations += 1;
}

static double log_prior(void *ctx, const double *theta)
{
    const cal_ctx *c = ctx;
    double lp = 0;
    for (int i = 0; i < cc_inputs_count(c->s); i++)
        lp += cc_prior_logpdf(&cc_inputs_get(c->s, i)->prior, theta[i]);
    return lp;
}

static void from_uniforms(void *ctx, const double *u, double *theta)
{
    const cal_ctx *c = ctx;
    for (int i = 0; i < cc_inputs_count(c->s); i++)
        theta[i] = cc_prior_quantile(&cc_inputs_get(c->s, i)->prior, u[i]);
}

static void read_targets(void *ctx, const cc_scenario *inst, const cc_ts_row *rows,
                         int32_t days_run, const cc_metrics *m, double *out)
{
    (void)ctx;
    cc_targets_eval(inst, rows, days_run, m, out);
}

/* One replicate of the scenario with the particle's values, to the last
 * target day (evaluate.h): the targets' values into stats. */
static int simulate(void *ctx, const double *theta, uint64_t sim_seed, uint32_t replicate,
                    double *stats, cc_diag *diag)
{
    const cal_ctx *c = ctx;
    double t0 = seconds_now(), c0 = c->stats ? thread_cpu_now() : 0, load = 0;
    for (int k = 0; k < c->ntargets; k++)
        stats[k] = NAN;
    int rc = cc_evaluate(c->s, theta, c->days_run, sim_seed, replicate, c->stop, read_targets,
                         NULL, stats, diag, &load);
    add_time(c->stats, load, seconds_now() - t0, c->stats ? thread_cpu_now() - c0 : 0);
    return rc;
}

/* 16 hex digits of the FNV-1a hash of the scenario as resolved: a
 * checkpoint of another scenario is refused on resume. */
static void fingerprint_of(const cc_scenario *s, char out[17])
{
    char *text = cc_scenario_resolved_yaml(s);
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    free(text);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Each target's q05, q50 and q95 over `n` simulations of parameter sets
 * drawn from the posterior (the run's own weighted resampling, so what a run
 * of scenario.calibrated.yaml draws), with chance streams apart from the
 * calibration's. 0, 1 interrupted, -1 error. */
static int predictive(const cal_ctx *c, const cc_abc_result *res, const cc_abc_options *opt,
                      int n, double *q05, double *q50, double *q95, cc_diag *diag)
{
    char *csv = cc_abc_posterior_csv(res);
    int ni = res->ninputs, nt = res->nstats;
    cc_posterior *post = NULL;
    double *vals = malloc(sizeof *vals * (size_t)n * (size_t)nt);
    if (!csv || !vals ||
        cc_posterior_read(csv, strlen(csv), "posterior.csv", (const char *const *)res->input_names,
                          ni, diag, &post) != 0) {
        free(csv);
        free(vals);
        if (!diag->kept)
            cc_diag_add(diag, c->s->file, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    free(csv);
    int failed = 0, stopped = 0;
    int threads = 1;
#ifdef _OPENMP
    threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(| : failed, stopped)
#endif
    for (int i = 0; i < n; i++) {
        double theta[CC_ABC_MAX_INPUTS];
        cc_posterior_draw(post, opt->seed, (uint32_t)i, theta);
        cc_diag d;
        cc_diag_init(&d);
        uint64_t seed = cc_abc_sim_seed(opt->seed, CC_ABC_MAX_GENERATIONS + 1, i, 0);
        int rc = simulate((void *)c, theta, seed, 0, vals + (size_t)i * (size_t)nt, &d);
        failed |= rc < 0;
        stopped |= rc > 0;
        cc_diag_clear(&d);
    }
    (void)threads;
    cc_posterior_free(post);
    if (failed || stopped) {
        free(vals);
        if (failed)
            cc_diag_add(diag, c->s->file, 0, 0, NULL, NULL,
                        "a simulation of the posterior predictive failed");
        return failed ? -1 : 1;
    }
    double *x = malloc(sizeof *x * (size_t)n), *w = malloc(sizeof *w * (size_t)n);
    for (int k = 0; x && w && k < nt; k++) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            double v = vals[(size_t)i * (size_t)nt + (size_t)k];
            if (isfinite(v)) {
                x[m] = v;
                w[m++] = 1;
            }
        }
        q05[k] = m ? cc_abc_weighted_quantile(x, w, m, 0.05) : NAN;
        q50[k] = m ? cc_abc_weighted_quantile(x, w, m, 0.50) : NAN;
        q95[k] = m ? cc_abc_weighted_quantile(x, w, m, 0.95) : NAN;
    }
    int nomem = !x || !w;
    free(x);
    free(w);
    free(vals);
    if (nomem)
        cc_diag_add(diag, c->s->file, 0, 0, NULL, NULL, "out of memory");
    return nomem ? -1 : 0;
}

/* scenario.calibrated.yaml: the scenario as resolved (its priors as
 * written), naming the new posterior. */
static char *calibrated_yaml(const cc_scenario *s)
{
    char *text = cc_scenario_resolved_yaml(s);
    if (!text)
        return NULL;
    /* a posterior the scenario already named gives way to the new one */
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        if (strncmp(line, "posterior:", 10) == 0) {
            memmove(line, end ? end + 1 : line + strlen(line), strlen(end ? end + 1 : "") + 1);
            continue;
        }
        line = end ? end + 1 : NULL;
    }
    char *out = cc_asprintf("# carcer %s calibrate: the scenario with the posterior it was "
                            "calibrated to (posterior.csv beside this file)\n%s"
                            "posterior: posterior.csv\n",
                            CARCER_VERSION, text);
    free(text);
    return out;
}

static carcer_status write_outputs(const cc_scenario *s, const cc_abc_result *res,
                                   const double *q05, const double *q50, const double *q95,
                                   const char *dir, cc_outdir *out, cc_diag *diag)
{
    int ni = res->ninputs, nt = res->nstats;
    char **desc = calloc((size_t)ni, sizeof *desc);
    double *observed = malloc(sizeof *observed * (size_t)nt);
    carcer_status st = desc && observed ? CARCER_OK : CARCER_NOMEM;
    for (int i = 0; st == CARCER_OK && i < ni; i++) {
        char b[256];
        cc_prior_describe(&cc_inputs_get(s, i)->prior, b, sizeof b);
        if (!(desc[i] = cc_strdup(b)))
            st = CARCER_NOMEM;
    }
    for (int k = 0; st == CARCER_OK && k < nt; k++)
        observed[k] = cc_targets_observed(s, k);
    struct {
        const char *name;
        char *text;
    } files[4] = {{"posterior.csv", NULL},
                  {"generations.csv", NULL},
                  {"calibration.json", NULL},
                  {"scenario.calibrated.yaml", NULL}};
    if (st == CARCER_OK) {
        files[0].text = cc_abc_posterior_csv(res);
        files[1].text = cc_abc_generations_csv(res);
        files[2].text = cc_abc_calibration_json(res, (const char *const *)desc, observed, q05,
                                                q50, q95);
        files[3].text = calibrated_yaml(s);
        for (int f = 0; f < 4; f++)
            if (!files[f].text)
                st = CARCER_NOMEM;
    }
    /* the checkpoint and the scenario calibrated stay with the results, so
     * that the folder says what it came from (and a resume of a finished
     * calibration writes the same files again) */
    size_t clen = 0;
    char *ckpt_path = cc_asprintf("%s/%s", dir, CC_CALIBRATE_CHECKPOINT);
    const char *why = NULL;
    char *ckpt = ckpt_path ? cc_read_file(ckpt_path, CC_ABC_MAX_CHECKPOINT_BYTES, &clen, &why)
                           : NULL;
    char *scen = cc_scenario_resolved_yaml(s);
    if (st == CARCER_OK && (!ckpt || !scen)) {
        cc_diag_add(diag, dir, 0, 0, NULL, NULL, "cannot read the checkpoint %s: %s",
                    CC_CALIBRATE_CHECKPOINT, why ? why : "out of memory");
        st = CARCER_IO;
    }
    for (int f = 0; f < 4 && st == CARCER_OK; f++)
        if (cc_outdir_stage(out, files[f].name, files[f].text, strlen(files[f].text), diag) != 0)
            st = CARCER_IO;
    if (st == CARCER_OK && (cc_outdir_stage(out, CC_CALIBRATE_CHECKPOINT, ckpt, clen, diag) != 0 ||
                            cc_outdir_stage(out, CC_CALIBRATE_SCENARIO, scen, strlen(scen), diag) != 0))
        st = CARCER_IO;
    if (st == CARCER_OK) {
        char id[17];
        cc_run_id_format(cc_fnv1a64(0xcbf29ce484222325ULL, files[0].text, strlen(files[0].text)),
                         id);
        cc_outdir_set_run(out, id, "calibrate");
        if (cc_outdir_commit(out, diag) != 0)
            st = CARCER_IO;
    }
    free(ckpt_path);
    free(ckpt);
    free(scen);
    if (st == CARCER_NOMEM)
        cc_diag_add(diag, s->file, 0, 0, NULL, NULL, "out of memory");
    for (int f = 0; f < 4; f++)
        free(files[f].text);
    for (int i = 0; desc && i < ni; i++)
        free(desc[i]);
    free(desc);
    free(observed);
    return st;
}

carcer_status cc_calibrate(const cc_scenario *s, const cc_abc_options *opt_in, int npred,
                           const char *dir, bool resume, cc_diag *diag)
{
    return cc_calibrate_timed(s, opt_in, npred, dir, resume, diag, NULL);
}

carcer_status cc_calibrate_timed(const cc_scenario *s, const cc_abc_options *opt_in, int npred,
                                 const char *dir, bool resume, cc_diag *diag,
                                 cc_calibrate_stats *stats)
{
    int ni = cc_inputs_count(s), nt = cc_targets_count(s);
    if (ni == 0 || nt == 0) {
        cc_diag_add(diag, s->file, 0, 0, NULL,
                    ni == 0 ? "write a prior where a number is uncertain: {prior: uniform, min: "
                              "a, max: b} (docs/uncertainty.md)"
                            : "add `targets:` with the observed figures (docs/calibration.md)",
                    "a calibration needs uncertain inputs and targets; the scenario has %d "
                    "uncertain input%s and %d target%s",
                    ni, ni == 1 ? "" : "s", nt, nt == 1 ? "" : "s");
        return CARCER_INPUT;
    }
    for (int k = 0; k < nt; k++)
        if (!cc_targets_in_run(s, k)) {
            cc_diag_add(diag, s->file, 0, 0, NULL, "lengthen the run or remove the target",
                        "target '%s' reads a day after the end of the run",
                        cc_targets_name(s, k));
            return CARCER_INPUT;
        }
    /* the folder is checked and locked for the whole calibration; the
     * checkpoint and the scenario calibrated live in it as it goes, the
     * results are staged and swapped in at the end */
    cc_outdir *out = NULL;
    if (cc_evaluate_open_folder(s, dir, CC_CALIBRATE_SCENARIO, resume, diag, &out) != 0)
        return CARCER_IO;
    cal_ctx c = {s, cc_targets_last_day(s) + 1, nt, opt_in->stop, stats};
    const char **inames = malloc(sizeof *inames * (size_t)ni);
    const char **tnames = malloc(sizeof *tnames * (size_t)nt);
    double *obs = malloc(sizeof *obs * (size_t)nt), *scale = malloc(sizeof *scale * (size_t)nt);
    double *weight = malloc(sizeof *weight * (size_t)nt);
    double *q = malloc(sizeof *q * 3 * (size_t)nt);
    char *ckpt = cc_asprintf("%s/%s", dir, CC_CALIBRATE_CHECKPOINT);
    carcer_status st = CARCER_OK;
    if (!inames || !tnames || !obs || !scale || !weight || !q || !ckpt) {
        cc_diag_add(diag, s->file, 0, 0, NULL, NULL, "out of memory");
        st = CARCER_NOMEM;
        goto out;
    }
    for (int i = 0; i < ni; i++)
        inames[i] = cc_inputs_get(s, i)->path;
    for (int k = 0; k < nt; k++) {
        tnames[k] = cc_targets_name(s, k);
        obs[k] = cc_targets_observed(s, k);
        scale[k] = cc_targets_scale(s, k);
        weight[k] = cc_targets_weight(s, k);
    }
    char fp[17];
    fingerprint_of(s, fp);
    cc_abc_problem pb = {ni,    inames,  &c,    log_prior, from_uniforms, nt, tnames,
                         obs,   scale,   weight, simulate, fp};
    cc_abc_options opt = *opt_in;
    opt.checkpoint = ckpt;
    cc_abc_result *res = NULL;
    int rc = cc_abc_run(&pb, &opt, resume, &res, diag);
    if (rc != 0) {
        st = rc > 0 ? CARCER_INTERRUPTED
                    : (diag->kept && strstr(diag->entry[diag->kept - 1].message, "memory")
                           ? CARCER_NOMEM
                           : CARCER_INPUT);
        goto out;
    }
    double *q05 = q, *q50 = q + nt, *q95 = q + 2 * nt;
    const double *p05 = NULL, *p50 = NULL, *p95 = NULL;
    if (npred > 0) {
        rc = predictive(&c, res, &opt, npred, q05, q50, q95, diag);
        if (rc != 0) {
            st = rc > 0 ? CARCER_INTERRUPTED : CARCER_MODEL;
            cc_abc_result_free(res);
            goto out;
        }
        p05 = q05;
        p50 = q50;
        p95 = q95;
    }
    st = write_outputs(s, res, p05, p50, p95, dir, out, diag);
    cc_abc_result_free(res);
out:
    cc_outdir_free(out);
    free(inames);
    free(tnames);
    free(obs);
    free(scale);
    free(weight);
    free(q);
    free(ckpt);
    return st;
}

/* ---- the public face ----------------------------------------------------- */

carcer_calibrate_options carcer_calibrate_options_default(void)
{
    cc_abc_options a;
    cc_abc_options_init(&a);
    carcer_calibrate_options o = {a.particles, a.generations, a.quantile, a.final_tolerance,
                                  a.min_acceptance, a.budget, a.replicates_per_particle,
                                  0, -1, 200, NULL, NULL, NULL};
    return o;
}

typedef struct progress_relay {
    void (*fn)(void *ctx, const carcer_calibrate_progress *p);
    void *ctx;
} progress_relay;

static void relay(void *ctx, const cc_abc_progress *p)
{
    const progress_relay *r = ctx;
    carcer_calibrate_progress q = {p->generation, p->tolerance, p->accepted, p->particles,
                                   p->proposals, p->simulations, p->seconds, p->seconds_left};
    r->fn(r->ctx, &q);
}

carcer_status carcer_calibrate(const carcer_scenario *sc, const carcer_calibrate_options *o,
                               const char *dir, int resume, carcer_diag *diag)
{
    carcer_calibrate_options d = carcer_calibrate_options_default();
    if (!o)
        o = &d;
    cc_abc_options a;
    cc_abc_options_init(&a);
    a.particles = o->particles;
    a.generations = o->generations;
    a.quantile = o->quantile;
    a.final_tolerance = o->tolerance;
    a.min_acceptance = o->min_acceptance;
    a.budget = o->budget;
    a.replicates_per_particle = o->replicates_per_particle;
    a.threads = o->threads;
    a.seed = o->seed >= 0 ? (uint64_t)o->seed : sc->s->seed;
    a.stop = o->stop;
    progress_relay r = {o->progress, o->progress_ctx};
    if (o->progress) {
        a.progress = relay;
        a.progress_ctx = &r;
    }
    cc_diag local;
    cc_diag_init(&local);
    carcer_status st = cc_calibrate(sc->s, &a, o->predictive, dir, resume != 0,
                                    diag ? &diag->d : &local);
    cc_diag_clear(&local);
    return st;
}
