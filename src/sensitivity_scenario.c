/* sensitivity_scenario.c - `carcer sensitivity` (see sensitivity_scenario.h):
 * the outputs of a scenario, the sensitivity problem over its priors, one
 * simulation of an input set, and the output files.
 *
 * Outputs are checked before anything is written: a summary key must be one
 * that a run of the scenario writes (one probe run at the priors' medians,
 * whose keys are those of every run: keys depend on the scenario's
 * structure, not on its numbers); a column `COLUMN:FACILITY` must name a
 * timeseries.csv column (or occupancy) and a facility or ALL, and its dates
 * must lie in the run. A run stops after the last date a column is read
 * when every output is a column (those days are recorded as in a full run);
 * any summary key reads the whole run.
 */
#define _POSIX_C_SOURCE 200809L
#include "sensitivity_scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "api_internal.h"
#include "evaluate.h"
#include "metrics.h"
#include "outdir.h"
#include "prior.h"
#include "sim.h"
#include "util.h"

static const char *const column_names[] = {
#define SENS_COL_NAME(name) #name,
    CC_TS_COLUMNS(SENS_COL_NAME)
#undef SENS_COL_NAME
    "occupancy", NULL};
#define COL_OCCUPANCY CC_TS_NCOL
#define CC_PRIOR_MAX_INPUTS_SENS 256 /* inputs a scenario may have here (fixed ones included) */

/* One output of the analysis. */
typedef struct sens_out {
    char *name;     /* as given: a summary key or COLUMN:FACILITY */
    char date[11];  /* "" for a summary key */
    int column;     /* -1: summary key */
    int facility;   /* index, nfacilities = ALL */
    int32_t day;
} sens_out;

typedef struct sens_ctx {
    const cc_scenario *s;
    int nout;
    sens_out *out;
    int32_t days_run;
    int ninputs;          /* all the scenario's inputs */
    int nfree;            /* those analysed */
    int *free_index;      /* [nfree] scenario input of each analysed input */
    const double *fixed;  /* [ninputs] values of fixed inputs (NaN = analysed) */
    volatile sig_atomic_t *stop;
    cc_sensitivity_stats *stats;
} sens_ctx;

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void read_outputs(void *ctx, const cc_scenario *inst, const cc_ts_row *rows,
                         int32_t days_run, const cc_metrics *m, double *out)
{
    const sens_ctx *c = ctx;
    size_t stride = (size_t)inst->nfacilities + 1;
    for (int k = 0; k < c->nout; k++) {
        const sens_out *o = &c->out[k];
        if (o->column < 0) {
            long j = cc_metrics_find(m, o->name);
            out[k] = j >= 0 ? m->m[j].value : NAN;
        } else if (o->day < days_run) {
            const cc_ts_row *r = &rows[(size_t)o->day * stride + (size_t)o->facility];
            if (o->column == COL_OCCUPANCY) /* as timeseries.csv: 0 without capacity */
                out[k] = r->capacity > 0 ? (double)r->v[CC_TS_population] / r->capacity : 0.0;
            else
                out[k] = (double)r->v[o->column];
        }
    }
}

static void full_theta(const sens_ctx *c, const double *theta, double *all)
{
    for (int i = 0; i < c->ninputs; i++)
        all[i] = c->fixed ? c->fixed[i] : NAN;
    for (int j = 0; j < c->nfree; j++)
        all[c->free_index[j]] = theta[j];
}

static void from_uniforms(void *ctx, const double *u, double *theta)
{
    const sens_ctx *c = ctx;
    for (int j = 0; j < c->nfree; j++)
        theta[j] = cc_prior_quantile(&cc_inputs_get(c->s, c->free_index[j])->prior, u[j]);
}

static int simulate(void *ctx, const double *theta, uint64_t seed, uint32_t replicate,
                    double *out, cc_diag *diag)
{
    const sens_ctx *c = ctx;
    double t0 = seconds_now();
    double all[CC_PRIOR_MAX_INPUTS_SENS];
    full_theta(c, theta, all);
    for (int k = 0; k < c->nout; k++)
        out[k] = NAN;
    int rc = cc_evaluate(c->s, all, c->days_run, seed, replicate, c->stop, read_outputs,
                         (void *)c, out, diag, NULL);
    if (c->stats) {
        double dt = seconds_now() - t0;
#pragma omp atomic
        c->stats->simulation_seconds += dt;
#pragma omp atomic
        c->stats->simulations += 1;
    }
    return rc;
}

char **cc_sensitivity_headline(const cc_scenario *s, int *n)
{
    /* the largest prison: the most people at the start */
    int big = -1;
    for (int f = 0; f < s->nfacilities; f++)
        if (s->facility[f].type == CC_FAC_PRISON &&
            (big < 0 || s->facility[f].population > s->facility[big].population))
            big = f;
    char **k = calloc(5, sizeof *k);
    if (!k)
        return NULL;
    int m = 0;
    if (big >= 0)
        k[m++] = cc_asprintf("occupancy.%s.peak", s->facility[big].name);
    k[m++] = cc_strdup("person_years.detained");
    k[m++] = cc_strdup("infections.detainees");
    k[m++] = cc_strdup("deaths.disease");
    k[m++] = cc_strdup("costs.total");
    for (int i = 0; i < m; i++)
        if (!k[i]) {
            for (int j = 0; j < m; j++)
                free(k[j]);
            free(k);
            return NULL;
        }
    *n = m;
    return k;
}

/* The dates columns are read at: days into *days (malloc'd), count into *n.
 * 0, or -1 with a message. */
static int parse_dates(const cc_scenario *s, const char *over, int32_t **days, int *n,
                       cc_diag *diag)
{
    *days = NULL;
    *n = 0;
    size_t cap = 0;
    if (!over) {
        if (cc_grow((void **)days, &cap, 1, sizeof **days) != 0)
            return -1;
        (*days)[(*n)++] = s->days - 1;
        return 0;
    }
    if (strcmp(over, "monthly") == 0) {
        for (int32_t d = 0; d < s->days; d++) {
            char t[11];
            cc_date_format(s->start_date + d, t);
            if (strcmp(t + 8, "01") != 0 && d != 0)
                continue;
            if (cc_grow((void **)days, &cap, (size_t)*n + 1, sizeof **days) != 0) {
                cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "out of memory");
                return -1;
            }
            (*days)[(*n)++] = d;
        }
        return 0;
    }
    const char *p = over;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int32_t date;
        if (len != 10 || cc_date_parse(p, len, &date) != 0 || date < s->start_date ||
            date >= s->start_date + s->days) {
            char first[11], last[11];
            cc_date_format(s->start_date, first);
            cc_date_format(s->start_date + s->days - 1, last);
            cc_diag_add(diag, "--over-time", 1, (int)(p - over) + 1, NULL,
                        "write monthly, or dates YYYY-MM-DD separated by commas",
                        "expected a date of the run (%s to %s), got '%.*s'", first, last,
                        (int)len, p);
            free(*days);
            *days = NULL;
            return -1;
        }
        if (cc_grow((void **)days, &cap, (size_t)*n + 1, sizeof **days) != 0) {
            cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "out of memory");
            return -1;
        }
        (*days)[(*n)++] = date - s->start_date;
        p = e ? e + 1 : p + len;
        if (e && !*p) {
            cc_diag_add(diag, "--over-time", 1, (int)(p - over) + 1, NULL, NULL,
                        "expected a date after the comma, got the end");
            free(*days);
            *days = NULL;
            return -1;
        }
    }
    return 0;
}

/* The outputs of the analysis from the names given: 0 or -1 (messages). */
static int build_outputs(const cc_scenario *s, const char *const *names, int nn,
                         const int32_t *days, int ndays, sens_out **out, int *nout, cc_diag *diag)
{
    *out = NULL;
    *nout = 0;
    size_t total = 0;
    for (int i = 0; i < nn; i++)
        total += strchr(names[i], ':') ? (size_t)ndays : 1;
    if (total > CC_SENS_MAX_OUTPUTS) {
        cc_diag_add(diag, NULL, 0, 0, NULL, "read fewer columns or dates",
                    "expected at most %d outputs, got %zu", CC_SENS_MAX_OUTPUTS, total);
        return -1;
    }
    sens_out *o = calloc(total ? total : 1, sizeof *o);
    if (!o) {
        cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    int m = 0, bad = 0;
    for (int i = 0; i < nn; i++) {
        const char *colon = strchr(names[i], ':');
        if (!colon) {
            o[m].name = cc_strdup(names[i]);
            o[m].column = -1;
            bad |= !o[m].name;
            m++;
            continue;
        }
        int col = -1;
        for (int c = 0; column_names[c]; c++)
            if ((size_t)(colon - names[i]) == strlen(column_names[c]) &&
                strncmp(names[i], column_names[c], strlen(column_names[c])) == 0)
                col = c;
        int fac = -1;
        if (strcmp(colon + 1, "ALL") == 0)
            fac = s->nfacilities;
        for (int f = 0; f < s->nfacilities; f++)
            if (strcmp(colon + 1, s->facility[f].name) == 0)
                fac = f;
        if (col < 0 || fac < 0) {
            cc_diag_add(diag, "--output", 1, col < 0 ? 1 : (int)(colon - names[i]) + 2, NULL,
                        col < 0 ? "columns: population, police, pretrial, appeal, sentenced, "
                                  "rehab, children, admissions, releases, new_infections, "
                                  "active_infections, hospitalised, deaths_disease, "
                                  "deaths_other, occupancy"
                                : "name a facility of the scenario, or ALL",
                        "expected COLUMN:FACILITY with a timeseries.csv column and a facility, "
                        "got '%s'",
                        names[i]);
            bad = 1;
            continue;
        }
        for (int d = 0; d < ndays; d++) {
            o[m].name = cc_strdup(names[i]);
            o[m].column = col;
            o[m].facility = fac;
            o[m].day = days[d];
            cc_date_format(s->start_date + days[d], o[m].date);
            bad |= !o[m].name;
            m++;
        }
    }
    *out = o;
    *nout = m;
    return bad ? -1 : 0;
}

/* Probe run at the medians: every summary key named must be written. */
static int check_keys(sens_ctx *c, cc_diag *diag)
{
    int any = 0;
    for (int k = 0; k < c->nout; k++)
        any |= c->out[k].column < 0;
    if (!any)
        return 0;
    double theta[CC_PRIOR_MAX_INPUTS_SENS];
    for (int i = 0; i < c->ninputs; i++)
        theta[i] = c->fixed && isfinite(c->fixed[i]) ? c->fixed[i]
                                                     : cc_prior_median(&cc_inputs_get(c->s, i)->prior);
    cc_diag local;
    cc_diag_init(&local);
    cc_scenario *inst = NULL;
    if (cc_inputs_instantiate(c->s, theta, &local, &inst) != 0) {
        cc_diag_clear(&local);
        cc_diag_add(diag, c->s->file, 0, 0, NULL, NULL,
                    "the scenario does not load with its priors at their medians");
        return -1;
    }
    cc_diag_clear(&local);
    inst->days = c->days_run;
    cc_sim *sim = NULL;
    int rc = cc_sim_create(inst, c->s->seed, 0xFFFFFFFFu, diag, &sim);
    while (rc == 0 && cc_sim_day(sim) < inst->days)
        rc = cc_sim_step(sim, diag) != 0 ? -1 : 0;
    cc_metrics m = {0};
    if (rc == 0 && (cc_sim_metrics(sim, &m) != 0 || m.failed))
        rc = -1;
    for (int k = 0; (rc == 0 || rc == -2) && k < c->nout; k++) {
        if (c->out[k].column >= 0 || cc_metrics_find(&m, c->out[k].name) >= 0)
            continue;
        /* a few keys of the same family as a hint */
        char hint[512] = "";
        size_t fam = strcspn(c->out[k].name, ".");
        int shown = 0;
        for (long j = 0; j < (long)m.n && shown < 4; j++)
            if (strncmp(m.m[j].key, c->out[k].name, fam) == 0 && m.m[j].key[fam] == '.') {
                size_t l = strlen(hint);
                snprintf(hint + l, sizeof hint - l, "%s%s", shown ? ", " : "keys like ", m.m[j].key);
                shown++;
            }
        cc_diag_add(diag, "--output", 1, 1, NULL,
                    shown ? hint : "name a summary.json key (docs/outputs.md) or COLUMN:FACILITY",
                    "expected an output of this scenario's runs, got '%s'", c->out[k].name);
        rc = -2;
    }
    cc_metrics_free(&m);
    cc_sim_free(sim);
    cc_scenario_free(inst);
    return rc == 0 ? 0 : -1;
}

static void fingerprint_of(const cc_scenario *s, const sens_ctx *c, char out[17])
{
    char *text = cc_scenario_resolved_yaml(s);
    uint64_t h = cc_fnv1a64(0xcbf29ce484222325ULL, text ? text : "", text ? strlen(text) : 0);
    free(text);
    for (int k = 0; k < c->nout; k++) {
        h = cc_fnv1a64(h, c->out[k].name, strlen(c->out[k].name) + 1);
        h = cc_fnv1a64(h, c->out[k].date, strlen(c->out[k].date) + 1);
    }
    for (int i = 0; c->fixed && i < c->ninputs; i++)
        h = cc_fnv1a64(h, &c->fixed[i], sizeof c->fixed[i]);
    cc_run_id_format(h, out);
}

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    cc_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        cc_buf_append(&b, chunk, n);
    int err = ferror(f);
    fclose(f);
    if (err || b.failed) {
        cc_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.data ? b.data : cc_strdup("");
}

static carcer_status write_outputs(const cc_scenario *s, const cc_sens_result *r, const char *dir,
                                   cc_outdir *out, cc_diag *diag)
{
    struct {
        const char *name;
        char *text;
    } files[3] = {{"sensitivity.csv", cc_sens_csv(r)},
                  {"sensitivity.json", cc_sens_json(r)},
                  {"samples.csv", cc_sens_samples_csv(r)}};
    carcer_status st = CARCER_OK;
    for (int f = 0; f < 3; f++)
        if (!files[f].text)
            st = CARCER_NOMEM;
    size_t clen = 0;
    char *ckpt_path = cc_asprintf("%s/%s", dir, CC_SENSITIVITY_CHECKPOINT);
    char *ckpt = ckpt_path ? read_whole(ckpt_path, &clen) : NULL;
    char *scen = cc_scenario_resolved_yaml(s);
    if (st == CARCER_OK && (!ckpt || !scen))
        st = CARCER_IO;
    for (int f = 0; f < 3 && st == CARCER_OK; f++)
        if (cc_outdir_stage(out, files[f].name, files[f].text, strlen(files[f].text), diag) != 0)
            st = CARCER_IO;
    if (st == CARCER_OK &&
        (cc_outdir_stage(out, CC_SENSITIVITY_CHECKPOINT, ckpt, clen, diag) != 0 ||
         cc_outdir_stage(out, CC_SENSITIVITY_SCENARIO, scen, strlen(scen), diag) != 0))
        st = CARCER_IO;
    if (st == CARCER_OK) {
        char id[17];
        cc_run_id_format(cc_fnv1a64(0xcbf29ce484222325ULL, files[0].text, strlen(files[0].text)),
                         id);
        cc_outdir_set_run(out, id, "sensitivity");
        if (cc_outdir_commit(out, diag) != 0)
            st = CARCER_IO;
    }
    if (st == CARCER_NOMEM)
        cc_diag_add(diag, s->file, 0, 0, NULL, NULL, "out of memory");
    free(ckpt_path);
    free(ckpt);
    free(scen);
    for (int f = 0; f < 3; f++)
        free(files[f].text);
    return st;
}

carcer_status cc_sensitivity(const cc_scenario *s, const cc_sens_options *opt,
                             const char *const *outputs, int n, const char *over_time,
                             const char *dir, bool resume, cc_diag *diag, cc_diag *warnings)
{
    return cc_sensitivity_timed(s, opt, outputs, n, over_time, NULL, dir, resume, diag, warnings,
                                NULL);
}

carcer_status cc_sensitivity_timed(const cc_scenario *s, const cc_sens_options *opt_in,
                                   const char *const *outputs, int n, const char *over_time,
                                   const double *fixed, const char *dir, bool resume,
                                   cc_diag *diag, cc_diag *warnings,
                                   cc_sensitivity_stats *stats)
{
    double w0 = seconds_now();
    int ni = cc_inputs_count(s);
    sens_ctx c = {0};
    c.s = s;
    c.ninputs = ni;
    c.fixed = fixed;
    c.stop = opt_in->stop;
    c.stats = stats;
    int free_index[CC_PRIOR_MAX_INPUTS_SENS];
    for (int i = 0; i < ni && i < CC_PRIOR_MAX_INPUTS_SENS; i++)
        if (!fixed || !isfinite(fixed[i]))
            free_index[c.nfree++] = i;
    c.free_index = free_index;
    if (ni == 0 || c.nfree == 0) {
        cc_diag_add(diag, s->file, 0, 0, NULL,
                    "write a prior where a number is uncertain: {prior: uniform, min: a, max: "
                    "b} (docs/uncertainty.md)",
                    "a sensitivity analysis needs uncertain inputs; the scenario has none");
        return CARCER_INPUT;
    }
    if (ni > CC_PRIOR_MAX_INPUTS_SENS || c.nfree > CC_SENS_MAX_INPUTS) {
        cc_diag_add(diag, s->file, 0, 0, NULL,
                    "screen with --method morris, then fix the inactive inputs at a value",
                    "expected at most %d uncertain inputs, got %d", CC_SENS_MAX_INPUTS, c.nfree);
        return CARCER_INPUT;
    }
    int nsz = opt_in->method == CC_SENS_MORRIS ? opt_in->trajectories : opt_in->samples;
    int lo = cc_sens_min_samples(opt_in->method, c.nfree);
    if (nsz < lo) {
        cc_diag_add(diag, opt_in->method == CC_SENS_MORRIS ? "--trajectories" : "--samples", 1,
                    1, NULL, "or analyse fewer inputs",
                    "%s over %d inputs needs %s %d or more, got %d",
                    cc_sens_method_name(opt_in->method), c.nfree,
                    opt_in->method == CC_SENS_MORRIS ? "--trajectories" : "--samples", lo, nsz);
        return CARCER_INPUT;
    }
    /* the outputs */
    char **head = NULL;
    int nh = 0;
    if (!outputs || n == 0) {
        head = cc_sensitivity_headline(s, &nh);
        if (!head) {
            cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "out of memory");
            return CARCER_NOMEM;
        }
        outputs = (const char *const *)head;
        n = nh;
    }
    int32_t *days = NULL;
    int ndays = 0;
    carcer_status st = CARCER_OK;
    cc_outdir *out = NULL;
    char *ckpt = NULL;
    const char **inames = NULL, **onames = NULL, **odates = NULL;
    if (parse_dates(s, over_time, &days, &ndays, diag) != 0 ||
        build_outputs(s, outputs, n, days, ndays, &c.out, &c.nout, diag) != 0) {
        st = CARCER_INPUT;
        goto done;
    }
    int all_columns = 1;
    int32_t last = 0;
    for (int k = 0; k < c.nout; k++) {
        all_columns &= c.out[k].column >= 0;
        if (c.out[k].column >= 0 && c.out[k].day > last)
            last = c.out[k].day;
    }
    c.days_run = all_columns ? last + 1 : s->days;
    if (check_keys(&c, diag) != 0) {
        st = CARCER_INPUT;
        goto done;
    }
    /* the folder is checked and locked for the whole analysis */
    if (cc_evaluate_open_folder(s, dir, CC_SENSITIVITY_SCENARIO, resume, diag, &out) != 0) {
        st = CARCER_IO;
        goto done;
    }
    inames = malloc(sizeof *inames * (size_t)c.nfree);
    onames = malloc(sizeof *onames * (size_t)c.nout);
    odates = malloc(sizeof *odates * (size_t)c.nout);
    ckpt = cc_asprintf("%s/%s", dir, CC_SENSITIVITY_CHECKPOINT);
    if (!inames || !onames || !odates || !ckpt) {
        cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "out of memory");
        st = CARCER_NOMEM;
        goto done;
    }
    for (int j = 0; j < c.nfree; j++)
        inames[j] = cc_inputs_get(s, free_index[j])->path;
    for (int k = 0; k < c.nout; k++) {
        onames[k] = c.out[k].name;
        odates[k] = c.out[k].date;
    }
    char fp[17];
    fingerprint_of(s, &c, fp);
    cc_sens_problem pb = {c.nfree, inames, c.nout, onames, odates, &c, from_uniforms, simulate, fp};
    cc_sens_options opt = *opt_in;
    opt.checkpoint = ckpt;
    cc_sens_result *res = NULL;
    int rc = cc_sens_run(&pb, &opt, resume, &res, diag);
    if (rc != 0) {
        st = rc > 0 ? CARCER_INTERRUPTED
                    : (diag->kept && strstr(diag->entry[diag->kept - 1].message, "memory")
                           ? CARCER_NOMEM
                       : diag->kept && strstr(diag->entry[diag->kept - 1].message, "checkpoint")
                           ? CARCER_INPUT
                           : CARCER_MODEL);
        goto done;
    }
    st = write_outputs(s, res, dir, out, diag);
    for (int w = 0; st == CARCER_OK && warnings && w < res->nwarnings; w++)
        cc_diag_add(warnings, NULL, 0, 0, NULL, NULL, "%s", res->warnings[w]);
    cc_sens_result_free(res);
done:
    cc_outdir_free(out);
    free(inames);
    free(onames);
    free(odates);
    free(ckpt);
    free(days);
    for (int k = 0; k < c.nout; k++)
        free(c.out[k].name);
    free(c.out);
    for (int i = 0; i < nh; i++)
        free(head[i]);
    free(head);
    if (stats)
        stats->wall_seconds += seconds_now() - w0;
    return st;
}

/* ---- the public face ----------------------------------------------------- */

carcer_sensitivity_options carcer_sensitivity_options_default(void)
{
    cc_sens_options a;
    cc_sens_options_init(&a);
    carcer_sensitivity_options o = {"morris", a.trajectories, a.samples, a.bootstrap, 0, -1,
                                    NULL, 0, NULL, NULL, NULL, NULL};
    return o;
}

carcer_status carcer_sensitivity(const carcer_scenario *sc, const carcer_sensitivity_options *o,
                                 const char *dir, int resume, carcer_diag *diag,
                                 carcer_diag *warnings)
{
    carcer_sensitivity_options d = carcer_sensitivity_options_default();
    if (!o)
        o = &d;
    cc_diag local, wlocal;
    cc_diag_init(&local);
    cc_diag_init(&wlocal);
    cc_diag *dg = diag ? &diag->d : &local;
    cc_sens_options a;
    cc_sens_options_init(&a);
    const char *m = o->method ? o->method : "morris";
    a.method = strcmp(m, "morris") == 0  ? CC_SENS_MORRIS
               : strcmp(m, "sobol") == 0 ? CC_SENS_SOBOL
               : strcmp(m, "prcc") == 0  ? CC_SENS_PRCC
                                         : 0;
    if (!a.method) {
        cc_diag_add(dg, NULL, 0, 0, NULL, NULL, "expected a method morris, sobol or prcc, got '%s'",
                    m);
        cc_diag_clear(&local);
        return CARCER_INPUT;
    }
    a.trajectories = o->trajectories;
    a.samples = o->samples;
    a.bootstrap = o->bootstrap;
    a.threads = o->threads;
    a.seed = o->seed >= 0 ? (uint64_t)o->seed : sc->s->seed;
    a.stop = o->stop;
    a.progress = o->progress;
    a.progress_ctx = o->progress_ctx;
    carcer_status st = cc_sensitivity(sc->s, &a, o->outputs, o->noutputs, o->over_time, dir,
                                      resume != 0, dg, warnings ? &warnings->d : &wlocal);
    cc_diag_clear(&local);
    cc_diag_clear(&wlocal);
    return st;
}
