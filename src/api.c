/* api.c - the public interface (include/carcer/carcer.h) over the modules.
 *
 * carcer_run runs the replicates of a scenario, in parallel with OpenMP when
 * available. Each replicate is independent and reads only the shared,
 * immutable scenario; its results land in the slot of its index, so the
 * output does not depend on the number of threads or on the order in which
 * replicates finish.
 */
#include <carcer/carcer.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "diag.h"
#include "facility.h"
#include "memest.h"
#include "outdir.h"
#include "output.h"
#include "people.h"
#include "policy.h"
#include "schema.h"
#include "schema_json.h"
#include "template.h"
#include "scenario.h"
#include "sim.h"
#include "targets.h"
#include "util.h"

#include "api_internal.h"
#include "draws.h"
#include "prior.h"

const char *carcer_status_text(carcer_status st)
{
    switch (st) {
#define CARCER_STATUS_CASE(code, text)                                                        \
    case code:                                                                                \
        return text;
        CARCER_STATUS_LIST(CARCER_STATUS_CASE)
#undef CARCER_STATUS_CASE
    }
    return "unknown status";
}

const char *carcer_version(void) { return CARCER_VERSION; }

/* ---- diagnostics --------------------------------------------------------- */

carcer_diag *carcer_diag_new(void)
{
    carcer_diag *d = calloc(1, sizeof *d);
    return d;
}

void carcer_diag_clear(carcer_diag *d)
{
    if (!d)
        return;
    for (int i = 0; i < CC_DIAG_MAX; i++) {
        free(d->formatted[i]);
        d->formatted[i] = NULL;
    }
    cc_diag_clear(&d->d);
}

void carcer_diag_free(carcer_diag *d)
{
    carcer_diag_clear(d);
    free(d);
}

int carcer_diag_count(const carcer_diag *d) { return d ? d->d.kept : 0; }

int carcer_diag_is_warning(const carcer_diag *d, int i)
{
    return d && i >= 0 && i < d->d.kept ? d->d.entry[i].warning : 0;
}

int carcer_diag_warnings(const carcer_diag *d) { return d ? d->d.warnings : 0; }

const char *carcer_diag_message(carcer_diag *d, int i)
{
    if (!d || i < 0 || i >= d->d.kept)
        return NULL;
    if (!d->formatted[i])
        d->formatted[i] = cc_diag_format(&d->d, i);
    return d->formatted[i];
}

/* ---- scenarios ------------------------------------------------------------ */

static carcer_status wrap(int rc, cc_scenario *s, carcer_scenario **out)
{
    if (rc != 0 || !s) {
        cc_scenario_free(s);
        return CARCER_INPUT;
    }
    carcer_scenario *sc = malloc(sizeof *sc);
    if (!sc) {
        cc_scenario_free(s);
        return CARCER_NOMEM;
    }
    sc->s = s;
    *out = sc;
    return CARCER_OK;
}

carcer_status carcer_scenario_load(const char *path, const char *const *sets, int nsets,
                                   carcer_diag *diag, carcer_scenario **out)
{
    *out = NULL;
    cc_scenario *s = NULL;
    if (!path) {
        size_t len = 0;
        const char *text = cc_scenario_default_text(&len);
        if (!text) {
            cc_diag_add(&diag->d, "<default>", 0, 0, NULL, NULL,
                        "no default scenario was built into this library");
            return CARCER_INPUT;
        }
        int rc = cc_scenario_load_text(text, len, "<default>", sets, nsets, &diag->d, &s);
        return wrap(rc, s, out);
    }
    int rc = cc_scenario_load_file(path, sets, nsets, &diag->d, &s);
    return wrap(rc, s, out);
}

carcer_status carcer_scenario_load_text(const char *text, size_t len, const char *name,
                                        const char *const *sets, int nsets, carcer_diag *diag,
                                        carcer_scenario **out)
{
    *out = NULL;
    cc_scenario *s = NULL;
    int rc = cc_scenario_load_text(text, len, name, sets, nsets, &diag->d, &s);
    return wrap(rc, s, out);
}

void carcer_scenario_free(carcer_scenario *sc)
{
    if (!sc)
        return;
    cc_scenario_free(sc->s);
    free(sc);
}

char *carcer_scenario_resolved(const carcer_scenario *sc)
{
    return sc ? cc_scenario_resolved_yaml(sc->s) : NULL;
}

char *carcer_schema_markdown(void) { return cc_schema_markdown(); }

char *carcer_schema_json(void) { return cc_schema_json(); }

char *carcer_scenarios_list(void) { return cc_scenarios_list(); }

char *carcer_scenario_template(const char *country, carcer_diag *diag)
{
    return cc_scenario_template(country, diag ? &diag->d : NULL);
}

int carcer_scenario_input_count(const carcer_scenario *sc)
{
    return sc ? cc_inputs_count(sc->s) : 0;
}

const char *carcer_scenario_input_key(const carcer_scenario *sc, int i)
{
    const cc_input *in = sc ? cc_inputs_get(sc->s, i) : NULL;
    return in ? in->path : NULL;
}

char *carcer_scenario_input_prior(const carcer_scenario *sc, int i)
{
    const cc_input *in = sc ? cc_inputs_get(sc->s, i) : NULL;
    if (!in)
        return NULL;
    char buf[256];
    cc_prior_describe(&in->prior, buf, sizeof buf);
    return cc_strdup(buf);
}

double carcer_scenario_memory_estimate(const carcer_scenario *sc)
{
    return cc_memest_working(sc->s) + cc_memest_metrics(sc->s) + cc_memest_ts_text(sc->s, 0);
}

double carcer_run_memory_estimate(const carcer_scenario *const *sc, int n,
                                  const carcer_run_options *opt_in)
{
    if (n < 1)
        return 0;
    carcer_run_options opt = opt_in ? *opt_in : carcer_run_options_default();
    const cc_scenario **s = malloc((size_t)n * sizeof *s);
    if (!s)
        return INFINITY;
    for (int j = 0; j < n; j++)
        s[j] = sc[j]->s;
    int k = opt.replicates > 0 ? opt.replicates : s[0]->replicates;
#ifdef _OPENMP
    int threads = opt.threads > 0 ? opt.threads : omp_get_max_threads();
#else
    int threads = 1;
#endif
    int keep = opt.keep_timeseries && n == 1 && !opt.output;
    int stream = opt.keep_timeseries && n == 1 && opt.output;
    double total = cc_memest_run(s, n, k, threads, keep, stream);
    free(s);
    return total;
}

/* ---- running --------------------------------------------------------------- */

carcer_run_options carcer_run_options_default(void)
{
    carcer_run_options o;
    memset(&o, 0, sizeof o);
    o.seed = -1;
    o.keep_timeseries = 1;
    return o;
}

void carcer_results_free(carcer_results *res)
{
    if (!res)
        return;
    for (int r = 0; r < res->k; r++) {
        if (res->metrics)
            cc_metrics_free(&res->metrics[r]);
        if (res->ts)
            free(res->ts[r]);
    }
    free(res->metrics);
    free(res->ts);
    free(res->targets);
    free(res->resolved);
    free(res->inputs);
    free(res);
}

/* Zero-valued keys that summary.json must always hold even when the module
 * that fills them (disease) is not part of the scenario. */
static void ensure_required(cc_metrics *m)
{
    static const char *const keys[] = {"infections.detainees", "infections.staff",
                                       "infections.children", "deaths.disease", "spillover"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (cc_metrics_find(m, keys[i]) < 0)
            cc_metrics_add(m, 0.0, "%s", keys[i]);
}

typedef struct run_shared {
    const carcer_run_options *opt;
    long done, total; /* replicate-days */
    int multi;        /* several replicates: rows carry a replicate column */
    cc_outdir *stream; /* the rows of each replicate go here as it ends, or NULL */
} run_shared;

static void count_days(run_shared *sh, long days)
{
    long done;
#pragma omp atomic capture
    done = sh->done += days;
    if (sh->opt->progress && (done % 64 < days || done == sh->total)) {
#ifdef _OPENMP
        if (omp_get_thread_num() == 0)
#endif
            sh->opt->progress(sh->opt->progress_ctx, (double)done / (double)sh->total);
    }
}

/* Step sim until the day `until`: 0, 1 interrupted, -1 error (message in
 * diag). */
static int advance(cc_sim *sim, int32_t until, run_shared *sh, cc_diag *diag)
{
    while (cc_sim_day(sim) < until) {
        if (sh->opt->stop && *sh->opt->stop)
            return 1;
        if (cc_sim_step(sim, diag) != 0)
            return -1;
        count_days(sh, 1);
    }
    return 0;
}

/* The results of a replicate whose days have all run: 0 or -1. */
static int finish(cc_sim *sim, const cc_scenario *s, int r, run_shared *sh, cc_metrics *m,
                  char **ts, double *targets, cc_diag *diag)
{
    if (cc_sim_metrics(sim, m) != 0)
        return -1;
    ensure_required(m);
    if (m->failed)
        return -1;
    /* a full run holds every day and key a loaded target reads (targets.c) */
    if (targets && cc_targets_eval(s, cc_sim_rows(sim), s->days, m, targets) != 0)
        return -1;
    if (!ts && sh->stream) {
        cc_buf b = {0};
        cc_output_ts_rows(&b, s, cc_sim_rows(sim), s->days, r, sh->multi);
        if (b.failed)
            cc_buf_free(&b);
        return cc_outdir_ordered_put(sh->stream, r, b.failed ? NULL : b.data, diag);
    }
    if (ts) {
        cc_buf b = {0};
        cc_output_ts_rows(&b, s, cc_sim_rows(sim), s->days, r, sh->multi);
        if (b.failed) {
            cc_buf_free(&b);
            return -1;
        }
        *ts = b.data;
    }
    return 0;
}

/* Run scenario s from the state sim (which it takes) to the end. */
static int run_rest(cc_sim *sim, const cc_scenario *s, int r, run_shared *sh, cc_metrics *m,
                    char **ts, double *targets, cc_diag *diag)
{
    int rc = advance(sim, s->days, sh, diag);
    if (rc == 0)
        rc = finish(sim, s, r, sh, m, ts, targets, diag);
    cc_sim_free(sim);
    return rc;
}

/* Replicate r's slot of res->targets, or NULL. */
static double *targets_of(carcer_results *res, int r)
{
    return res->targets ? &res->targets[(size_t)r * (size_t)cc_targets_count(res->s)] : NULL;
}

/* Replicate r of the scenarios s[0..n), of which s[j] with share[j] differ
 * from s[0] only in their policies. The run of s[0] goes first; each
 * scenario that shares it is copied from it at the start of the first day
 * a policy of either would act, and runs on from there: the same state and
 * the same random streams as a run of its own from day 0 (the streams are
 * keyed to people, cells and days, not drawn in sequence), so its results
 * are the same, without computing the common days twice. Results go to
 * res[j]->metrics[r] (and ts). 0, 1 interrupted, -1 error. */
static int run_set_replicate(const cc_scenario *const *s, int n, const bool *share,
                             uint64_t seed, int r, run_shared *sh, carcer_results **res,
                             cc_diag *diag);

/* Replicate r of the scenarios s[0..n): with uncertain inputs, each runs as
 * its scenario loaded again with the replicate's input values (draws.h), the
 * same values for every scenario. */
static int run_replicate(const cc_scenario *const *s, int n, const bool *share, uint64_t seed,
                         int r, run_shared *sh, carcer_results **res, cc_diag *diag)
{
    if (!res[0]->inputs || (sh->opt->stop && *sh->opt->stop))
        return run_set_replicate(s, n, share, seed, r, sh, res, diag);
    const double *values = res[0]->inputs + (size_t)r * (size_t)res[0]->ninputs;
    cc_scenario **inst = calloc((size_t)n, sizeof *inst);
    int rc = inst ? 0 : -1;
    for (int j = 0; j < n && rc == 0; j++)
        rc = cc_inputs_instantiate(s[j], values, diag, &inst[j]);
    if (rc == 0)
        rc = run_set_replicate((const cc_scenario *const *)inst, n, share, seed, r, sh, res,
                               diag);
    else if (!inst)
        cc_diag_add(diag, s[0]->file, 0, 0, NULL, NULL, "out of memory");
    for (int j = 0; inst && j < n; j++)
        cc_scenario_free(inst[j]);
    free(inst);
    return rc;
}

static int run_set_replicate(const cc_scenario *const *s, int n, const bool *share,
                             uint64_t seed, int r, run_shared *sh, carcer_results **res,
                             cc_diag *diag)
{
    int rc = 0;
    /* interrupted: the replicates not yet begun are not set up at all (a
     * replicate's first day, the placement of its initial population, costs
     * as much as many later days; 200 of them took half a minute) */
    if (sh->opt->stop && *sh->opt->stop)
        return 1;
    bool *pending = calloc((size_t)n, sizeof *pending);
    cc_sim *base = NULL;
    if (!pending || cc_sim_create(s[0], seed, (uint32_t)r, diag, &base) != 0) {
        if (!pending)
            cc_diag_add(diag, s[0]->file, 0, 0, NULL, NULL, "out of memory");
        free(pending);
        return -1;
    }
    int npending = 0;
    for (int j = 1; j < n; j++)
        if (share[j]) {
            pending[j] = true;
            npending++;
        }
    for (int32_t day = 0; rc == 0 && npending > 0; day++) {
        bool base_acts = day >= s[0]->days || cc_policy_acts_on(base, s[0], day);
        for (int j = 1; j < n && rc == 0; j++) {
            if (!pending[j] || !(base_acts || cc_policy_acts_on(base, s[j], day)))
                continue;
            pending[j] = false;
            npending--;
            cc_sim *sim = NULL;
            if (cc_sim_clone(base, s[j], &sim) != 0) {
                cc_diag_add(diag, s[j]->file, 0, 0, NULL, NULL, "out of memory");
                rc = -1;
                break;
            }
            count_days(sh, day);
            rc = run_rest(sim, s[j], r, sh, &res[j]->metrics[r], res[j]->ts ? &res[j]->ts[r] : NULL,
                          targets_of(res[j], r), diag);
        }
        if (rc == 0 && npending > 0)
            rc = advance(base, day + 1, sh, diag);
    }
    if (rc == 0)
        rc = run_rest(base, s[0], r, sh, &res[0]->metrics[r], res[0]->ts ? &res[0]->ts[r] : NULL,
                      targets_of(res[0], r), diag);
    else
        cc_sim_free(base);
    free(pending);
    /* the scenarios that differ in more than their policies: runs of their own */
    for (int j = 1; j < n && rc == 0; j++) {
        if (share[j])
            continue;
        cc_sim *sim = NULL;
        if (cc_sim_create(s[j], seed, (uint32_t)r, diag, &sim) != 0)
            return -1;
        rc = run_rest(sim, s[j], r, sh, &res[j]->metrics[r], res[j]->ts ? &res[j]->ts[r] : NULL,
                      targets_of(res[j], r), diag);
    }
    return rc;
}

static carcer_results *results_new(const cc_scenario *s, uint64_t seed, int k, bool keep_ts)
{
    carcer_results *res = calloc(1, sizeof *res);
    if (!res)
        return NULL;
    res->s = s;
    res->seed = seed;
    res->k = k;
    res->metrics = calloc((size_t)k, sizeof *res->metrics);
    res->ts = keep_ts ? calloc((size_t)k, sizeof *res->ts) : NULL;
    res->resolved = cc_scenario_resolved_yaml_as_run(s, seed, k);
    int nt = cc_targets_count(s);
    res->targets = nt ? calloc((size_t)k * (size_t)nt, sizeof *res->targets) : NULL;
    if (!res->metrics || (keep_ts && !res->ts) || !res->resolved || (nt && !res->targets)) {
        carcer_results_free(res);
        return NULL;
    }
    return res;
}

carcer_status cc_run_set(const cc_scenario *const *s, int n, const carcer_run_options *opt_in,
                         carcer_diag *diag, carcer_results **out)
{
    for (int j = 0; j < n; j++)
        out[j] = NULL;
    if (n < 1)
        return CARCER_INPUT;
    carcer_run_options opt = opt_in ? *opt_in : carcer_run_options_default();
    uint64_t seed = opt.seed >= 0 ? (uint64_t)opt.seed : s[0]->seed;
    int k = opt.replicates > 0 ? opt.replicates : s[0]->replicates;
    if (k < 1)
        k = 1;
    bool *share = calloc((size_t)n, sizeof *share);
    long total = 0;
    for (int j = 0; j < n; j++) {
        int same = j > 0 && share ? cc_scenario_same_but_policies(s[0], s[j]) : 0;
        bool keep = opt.keep_timeseries && !(opt.output && n == 1);
        if (!share || same < 0 || !(out[j] = results_new(s[j], seed, k, keep))) {
            for (int i = 0; i <= j; i++) {
                carcer_results_free(out[i]);
                out[i] = NULL;
            }
            free(share);
            return CARCER_NOMEM;
        }
        share[j] = same == 1;
        total += (long)k * s[j]->days;
    }
    /* uncertain inputs: every scenario's replicate r takes the values of the
     * baseline's draw r */
    for (int j = 0; j < n; j++) {
        carcer_status bad = CARCER_OK;
        if (j > 0 && cc_draws_check_same(s[0], s[j], diag ? &diag->d : NULL) != 0)
            bad = CARCER_INPUT;
        else if (cc_draws_make(s[0], seed, k, &out[j]->inputs, &out[j]->ninputs, diag ? &diag->d : NULL) != 0)
            bad = CARCER_NOMEM;
        if (bad != CARCER_OK) {
            for (int i = 0; i < n; i++) {
                carcer_results_free(out[i]);
                out[i] = NULL;
            }
            free(share);
            return bad;
        }
    }

    run_shared sh = {&opt, 0, total, k > 1, NULL};
    if (opt.output && opt.keep_timeseries && n == 1) {
        /* the rows go to the output as replicates end, in replicate order */
        cc_buf head = {0};
        cc_output_ts_header(&head, k > 1);
        int rc = head.failed ? -1 : cc_outdir_ordered_begin(opt.output, "timeseries.csv",
                                                            head.data, k, &diag->d);
        cc_buf_free(&head);
        if (rc != 0) {
            carcer_results_free(out[0]);
            out[0] = NULL;
            free(share);
            return CARCER_IO;
        }
        sh.stream = opt.output;
        out[0]->streamed = 1;
    }
    int failed = 0, interrupted = 0;
    cc_diag *rep_diag = calloc((size_t)k, sizeof *rep_diag);
    if (!rep_diag) {
        for (int j = 0; j < n; j++) {
            carcer_results_free(out[j]);
            out[j] = NULL;
        }
        free(share);
        return CARCER_NOMEM;
    }
#ifdef _OPENMP
    int threads = opt.threads > 0 ? opt.threads : omp_get_max_threads();
    if (threads > k)
        threads = k; /* an idle thread would only spin */
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(| : failed, interrupted)
#endif
    for (int r = 0; r < k; r++) {
        int rc = run_replicate(s, n, share, seed, r, &sh, out, &rep_diag[r]);
        failed |= rc < 0;
        interrupted |= rc > 0;
    }
    /* messages of the first failing replicate, in replicate order */
    for (int r = 0; r < k; r++) {
        if (failed && rep_diag[r].kept && diag && diag->d.kept == 0)
            for (int i = 0; i < rep_diag[r].kept; i++) {
                cc_diag_entry *e = &rep_diag[r].entry[i];
                cc_diag_add(&diag->d, e->file, e->line, e->col, e->path, e->hint,
                            "replicate %d: %s", r, e->message);
            }
        cc_diag_clear(&rep_diag[r]);
    }
    free(rep_diag);
    free(share);
    if (interrupted || failed) {
        if (failed && !interrupted && diag && diag->d.kept == 0)
            cc_diag_add(&diag->d, s[0]->file, 0, 0, NULL, NULL, "out of memory during the run");
        for (int j = 0; j < n; j++) {
            carcer_results_free(out[j]);
            out[j] = NULL;
        }
        return interrupted ? CARCER_INTERRUPTED : CARCER_MODEL;
    }
    return CARCER_OK;
}

carcer_status carcer_run(const carcer_scenario *sc, const carcer_run_options *opt,
                         carcer_diag *diag, carcer_results **out)
{
    const cc_scenario *s = sc->s;
    return cc_run_set(&s, 1, opt, diag, out);
}

/* ---- results ---------------------------------------------------------------- */

int carcer_results_replicates(const carcer_results *res) { return res ? res->k : 0; }

size_t carcer_results_metric_count(const carcer_results *res)
{
    return res && res->k ? res->metrics[0].n : 0;
}

const char *carcer_results_metric_key(const carcer_results *res, size_t i)
{
    return res && res->k && i < res->metrics[0].n ? res->metrics[0].m[i].key : NULL;
}

double carcer_results_metric(const carcer_results *res, const char *key, int replicate)
{
    if (!res || replicate < 0 || replicate >= res->k)
        return NAN;
    long j = cc_metrics_find(&res->metrics[replicate], key);
    return j >= 0 ? res->metrics[replicate].m[j].value : NAN;
}

/* The run id: a checksum of what the run is (its scenario as run, seed,
 * replicates and version), so the same inputs give the same bytes. */
static void run_id(const carcer_results *res, char out[17])
{
    uint64_t h = cc_fnv1a64(CC_FNV_OFFSET, "run", 4);
    char t[64];
    int n = snprintf(t, sizeof t, "%s %llu %d", CARCER_VERSION, (unsigned long long)res->seed,
                     res->k);
    h = cc_fnv1a64(h, t, (size_t)n);
    h = cc_fnv1a64(h, res->resolved, strlen(res->resolved));
    cc_run_id_format(h, out);
}

carcer_status carcer_results_stage(const carcer_results *res, carcer_output *o,
                                   carcer_diag *diag)
{
    const cc_scenario *s = res->s;
    int multi = res->k > 1;
    char id[17];
    run_id(res, id);
    if (res->streamed) {
        if (cc_outdir_ordered_end(o, &diag->d) != 0)
            return CARCER_IO;
    } else if (res->ts) {
        cc_buf b = {0};
        cc_output_ts_header(&b, multi);
        int f = b.failed ? -1 : cc_outdir_begin(o, "timeseries.csv", &diag->d);
        int rc = f < 0 ? -1 : cc_outdir_append(o, f, b.data, b.len, &diag->d);
        for (int r = 0; rc == 0 && r < res->k; r++)
            rc = cc_outdir_append(o, f, res->ts[r], strlen(res->ts[r]), &diag->d);
        if (f >= 0 && cc_outdir_end(o, f, &diag->d) != 0)
            rc = -1;
        int nomem = b.failed;
        cc_buf_free(&b);
        if (nomem)
            return CARCER_NOMEM;
        if (rc != 0)
            return CARCER_IO;
    }
    char *json = cc_output_summary_json(s, res->seed, res->metrics, res->k, id);
    if (!json)
        return CARCER_NOMEM;
    int rc = cc_outdir_stage(o, "summary.json", json, strlen(json), &diag->d);
    free(json);
    if (rc != 0)
        return CARCER_IO;
    if (multi) {
        char *reps = cc_output_replicates_inputs_csv(res->metrics, res->k, s, res->inputs);
        if (!reps)
            return CARCER_NOMEM;
        rc = cc_outdir_stage(o, "replicates.csv", reps, strlen(reps), &diag->d);
        free(reps);
        if (rc != 0)
            return CARCER_IO;
    }
    /* a posterior file travels with the run (scenario.resolved.yaml names it) */
    if (s->posterior_ref && !cc_posterior_ref_is_name(s->posterior_ref) &&
        cc_outdir_stage(o, "posterior.csv", s->posterior_text, s->posterior_len, &diag->d) != 0)
        return CARCER_IO;
    if (res->targets) {
        char *csv = cc_targets_csv(s, res->targets, res->k);
        if (!csv)
            return CARCER_NOMEM;
        rc = cc_outdir_stage(o, "targets.csv", csv, strlen(csv), &diag->d);
        free(csv);
        if (rc != 0)
            return CARCER_IO;
    }
    char *text = cc_asprintf("# carcer %s run %s: the scenario as run, every default filled in\n%s",
                             CARCER_VERSION, id, res->resolved);
    if (!text)
        return CARCER_NOMEM;
    rc = cc_outdir_stage(o, "scenario.resolved.yaml", text, strlen(text), &diag->d);
    free(text);
    if (rc != 0)
        return CARCER_IO;
    cc_outdir_set_run(o, id, "run");
    return CARCER_OK;
}

carcer_status carcer_results_write(const carcer_results *res, const char *dir,
                                   carcer_diag *diag)
{
    if (res->streamed) {
        cc_diag_add(&diag->d, dir, 0, 0, NULL, NULL,
                    "these results streamed their time series to the run's output; stage them "
                    "there (carcer_results_stage)");
        return CARCER_INPUT;
    }
    carcer_output *o = NULL;
    carcer_status st = carcer_output_open(dir, diag, &o);
    if (st == CARCER_OK)
        st = carcer_results_stage(res, o, diag);
    if (st == CARCER_OK)
        st = carcer_output_commit(o, diag);
    carcer_output_free(o);
    return st;
}
