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
#include "output.h"
#include "people.h"
#include "policy.h"
#include "schema.h"
#include "scenario.h"
#include "sim.h"
#include "util.h"

#include "api_internal.h"

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

double carcer_scenario_memory_estimate(const carcer_scenario *sc)
{
    /* People ever present: the initial stock plus every arrival over the
     * run (children come on top: at most one per woman, counted by the
     * with_child share). Each person costs a record of the person store
     * (people.h), in an array that grows by half (counted as twice the
     * people), plus a place in the facility's and the cell's member arrays
     * and a calendar entry. Each cell costs its record and its slots in the
     * occupancy order (facility.h). The daily rows come on top. */
    const cc_scenario *s = sc->s;
    const cc_people_store *P = NULL;
    const double per_person =
        2.0 * (double)sizeof *P->rec +
        2.0 * 2 * sizeof(int32_t) /* facility and cell member arrays, doubling */ +
        16.0 /* calendar entry */;
    const double per_cell = (double)(sizeof(cc_cell) + 3 * sizeof(int32_t));
    double people = 0, arrivals = 0, cells = 0;
    for (int f = 0; f < s->nfacilities; f++) {
        people += (double)s->facility[f].population;
        cells += s->facility[f].cells;
    }
    for (int32_t d = 0; d < s->days; d++)
        arrivals += cc_schedule_at(&s->arrests_per_day, d) +
                    cc_schedule_at(&s->direct_rehab_per_day, d);
    double persons = (people + arrivals) * (1.0 + s->people.female * s->people.with_child);
    double rows = (double)s->days * (s->nfacilities + 1) * (double)sizeof(cc_ts_row);
    return persons * per_person + cells * per_cell + rows + (double)sizeof *s;
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
    free(res->resolved);
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
                  char **ts)
{
    if (cc_sim_metrics(sim, m) != 0)
        return -1;
    ensure_required(m);
    if (m->failed)
        return -1;
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
                    char **ts, cc_diag *diag)
{
    int rc = advance(sim, s->days, sh, diag);
    if (rc == 0)
        rc = finish(sim, s, r, sh, m, ts);
    cc_sim_free(sim);
    return rc;
}

/* Replicate r of the scenarios s[0..n), of which s[j] with share[j] differ
 * from s[0] only in their policies. The run of s[0] goes first; each
 * scenario that shares it is copied from it at the start of the first day
 * a policy of either would act, and runs on from there: the same state and
 * the same random streams as a run of its own from day 0 (the streams are
 * keyed to people, cells and days, not drawn in sequence), so its results
 * are the same, without computing the common days twice. Results go to
 * res[j]->metrics[r] (and ts). 0, 1 interrupted, -1 error. */
static int run_replicate(const cc_scenario *const *s, int n, const bool *share, uint64_t seed,
                         int r, run_shared *sh, carcer_results **res, cc_diag *diag)
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
                          diag);
        }
        if (rc == 0 && npending > 0)
            rc = advance(base, day + 1, sh, diag);
    }
    if (rc == 0)
        rc = run_rest(base, s[0], r, sh, &res[0]->metrics[r], res[0]->ts ? &res[0]->ts[r] : NULL,
                      diag);
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
                      diag);
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
    if (!res->metrics || (keep_ts && !res->ts) || !res->resolved) {
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
        if (!share || same < 0 || !(out[j] = results_new(s[j], seed, k, opt.keep_timeseries))) {
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

    run_shared sh = {&opt, 0, total, k > 1};
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

carcer_status carcer_results_write(const carcer_results *res, const char *dir,
                                   carcer_diag *diag)
{
    cc_outset o;
    if (cc_outset_open(&o, dir) != 0) {
        cc_diag_add(&diag->d, dir, 0, 0, NULL, NULL, "cannot create the output folder: %s",
                    strerror(errno));
        return CARCER_IO;
    }
    const cc_scenario *s = res->s;
    int multi = res->k > 1;
    carcer_status st = CARCER_OK;
    const char *failed_name = NULL;

    if (res->ts) {
        cc_buf b = {0};
        cc_output_ts_header(&b, multi);
        for (int r = 0; r < res->k; r++)
            cc_buf_append(&b, res->ts[r], strlen(res->ts[r]));
        if (b.failed)
            st = CARCER_NOMEM;
        else if (cc_outset_stage(&o, "timeseries.csv", b.data, b.len) != 0)
            failed_name = "timeseries.csv";
        cc_buf_free(&b);
    }
    char *json = NULL, *reps = NULL;
    if (st == CARCER_OK && !failed_name) {
        json = cc_output_summary_json(s, res->seed, res->metrics, res->k);
        if (!json)
            st = CARCER_NOMEM;
        else if (cc_outset_stage(&o, "summary.json", json, strlen(json)) != 0)
            failed_name = "summary.json";
    }
    if (st == CARCER_OK && !failed_name && multi) {
        reps = cc_output_replicates_csv(res->metrics, res->k);
        if (!reps)
            st = CARCER_NOMEM;
        else if (cc_outset_stage(&o, "replicates.csv", reps, strlen(reps)) != 0)
            failed_name = "replicates.csv";
    }
    if (st == CARCER_OK && !failed_name) {
        char *text = cc_asprintf("# carcer %s: the scenario as run, every default filled in\n%s",
                                 CARCER_VERSION, res->resolved);
        if (!text)
            st = CARCER_NOMEM;
        else if (cc_outset_stage(&o, "scenario.resolved.yaml", text, strlen(text)) != 0)
            failed_name = "scenario.resolved.yaml";
        free(text);
    }
    if (st == CARCER_OK && failed_name)
        st = CARCER_IO;
    if (failed_name)
        cc_diag_add(&diag->d, dir, 0, 0, NULL, NULL, "cannot write %s: %s", failed_name,
                    strerror(errno));
    if (st == CARCER_OK && cc_outset_commit(&o) != 0) {
        cc_diag_add(&diag->d, dir, 0, 0, NULL, NULL, "cannot rename the results into place: %s",
                    strerror(errno));
        st = CARCER_IO;
    }
    cc_outset_close(&o);
    free(json);
    free(reps);
    return st;
}
