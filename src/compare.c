/* compare.c - paired comparison of scenarios with common random numbers.
 *
 * Every scenario runs the same replicates with the same seed. Because random
 * streams belong to entities (a person by the day and order of arrival, a
 * cell, the daily arrest process) and not to the order of computation,
 * replicate i of two scenarios that differ in one policy draws the same
 * numbers for everything the policy does not touch. The difference
 * alternative_i - baseline_i then has far less variance than the difference
 * of two independent runs; tests/test_compare.c measures by how much.
 *
 * Output: compare.csv, one row per (metric, scenario) with the level's mean,
 * q05, q50, q95 and the same for the paired difference from the baseline;
 * compare.json, the same as nested objects.
 */
#include <errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <libfyaml.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "about.h"
#include "api_internal.h"
#include "draws.h"
#include "outdir.h"
#include "output.h"
#include "util.h"

struct carcer_comparison {
    int n;
    carcer_results **res; /* [n], res[0] the baseline */
};

carcer_status carcer_compare(const carcer_scenario *const *scenarios, int n,
                             const carcer_run_options *opt_in, carcer_diag *diag,
                             carcer_comparison **out)
{
    *out = NULL;
    if (n < 1)
        return CARCER_INPUT;
    carcer_run_options opt = opt_in ? *opt_in : carcer_run_options_default();
    /* one seed and one number of replicates for all: the baseline's unless
     * the caller sets them */
    if (opt.seed < 0)
        opt.seed = (int64_t)scenarios[0]->s->seed;
    if (opt.replicates <= 0)
        opt.replicates = scenarios[0]->s->replicates;
    opt.keep_timeseries = 0;
    carcer_comparison *c = calloc(1, sizeof *c);
    if (!c || !(c->res = calloc((size_t)n, sizeof *c->res))) {
        free(c);
        return CARCER_NOMEM;
    }
    c->n = n;
    const cc_scenario **s = malloc((size_t)n * sizeof *s);
    if (!s) {
        carcer_comparison_free(c);
        return CARCER_NOMEM;
    }
    for (int i = 0; i < n; i++)
        s[i] = scenarios[i]->s;
    carcer_status st = cc_run_set(s, n, &opt, diag, c->res);
    free(s);
    if (st != CARCER_OK) {
        carcer_comparison_free(c);
        return st;
    }
    *out = c;
    return CARCER_OK;
}

void carcer_comparison_free(carcer_comparison *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        carcer_results_free(c->res[i]);
    free(c->res);
    free(c);
}

const carcer_results *carcer_comparison_results(const carcer_comparison *c, int i)
{
    return c && i >= 0 && i < c->n ? c->res[i] : NULL;
}

/* mean, q05, q50, q95 of x[0..k) (sorted in place); sd as well */
typedef struct stats5 {
    double mean, sd, q05, q50, q95;
    double sd_inputs, sd_chance;
} stats5;

/* With uncertain inputs (split), replicates come in pairs that share their
 * inputs (draws.h): the variance of a level or of a paired difference splits
 * into a part due to the inputs and one due to chance. */
static stats5 summarise(double *x, int k, bool split)
{
    stats5 s;
    s.sd_inputs = s.sd_chance = NAN;
    if (split)
        cc_variance_split(x, k, &s.sd_inputs, &s.sd_chance);
    else {
        /* fixed inputs: all of the variance is chance */
        s.sd_inputs = 0;
        s.sd_chance = k > 1 ? gsl_stats_sd(x, 1, (size_t)k) : 0.0;
    }
    gsl_sort(x, 1, (size_t)k);
    s.mean = gsl_stats_mean(x, 1, (size_t)k);
    s.sd = k > 1 ? gsl_stats_sd(x, 1, (size_t)k) : 0.0;
    s.q05 = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)k, 0.05);
    s.q50 = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)k, 0.50);
    s.q95 = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)k, 0.95);
    return s;
}

static double value_of(const carcer_results *r, int rep, const char *key, size_t hint)
{
    const cc_metrics *m = &r->metrics[rep];
    if (hint < m->n && strcmp(m->m[hint].key, key) == 0)
        return m->m[hint].value;
    long j = cc_metrics_find(m, key);
    return j >= 0 ? m->m[j].value : NAN;
}

static void csv_stats(cc_buf *b, stats5 s, int have)
{
    char t[4][32];
    double v[4] = {s.mean, s.q05, s.q50, s.q95};
    for (int i = 0; i < 4; i++) {
        if (have)
            cc_format_number(v[i], t[i]);
        else
            t[i][0] = '\0';
        cc_buf_printf(b, ",%s", t[i]);
    }
}

static struct fy_node *num(struct fy_document *doc, double v)
{
    char t[32];
    cc_format_number(v, t);
    return fy_node_create_scalar_copy(doc, t, strlen(t));
}

static struct fy_node *stats_node(struct fy_document *doc, stats5 s)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    const char *names[7] = {"mean", "sd", "q05", "q50", "q95", "sd_inputs", "sd_chance"};
    double v[7] = {s.mean, s.sd, s.q05, s.q50, s.q95, s.sd_inputs, s.sd_chance};
    for (int i = 0; i < 7; i++)
        fy_node_mapping_append(m, fy_node_create_scalar_copy(doc, names[i], strlen(names[i])),
                               num(doc, v[i]));
    return m;
}

static int append(struct fy_document *doc, struct fy_node *map, const char *key,
                  struct fy_node *v)
{
    return v ? fy_node_mapping_append(map, fy_node_create_scalar_copy(doc, key, strlen(key)), v)
             : -1;
}

/* The run id of a comparison: a checksum of every scenario as run, the
 * seed, the replicates and the version. */
static void comparison_id(const carcer_comparison *c, char out[17])
{
    uint64_t h = cc_fnv1a64(CC_FNV_OFFSET, "compare", 8);
    char t[64];
    int n = snprintf(t, sizeof t, "%s %llu %d %d", CARCER_VERSION,
                     (unsigned long long)c->res[0]->seed, c->res[0]->k, c->n);
    h = cc_fnv1a64(h, t, (size_t)n);
    for (int i = 0; i < c->n; i++)
        h = cc_fnv1a64(h, c->res[i]->resolved, strlen(c->res[i]->resolved) + 1);
    cc_run_id_format(h, out);
}

carcer_status carcer_comparison_write(const carcer_comparison *c, const char *dir,
                                      carcer_diag *diag)
{
    carcer_output *o = NULL;
    carcer_status st = carcer_output_open(dir, diag, &o);
    if (st == CARCER_OK)
        st = carcer_comparison_stage(c, o, diag);
    if (st == CARCER_OK)
        st = carcer_output_commit(o, diag);
    carcer_output_free(o);
    return st;
}

carcer_status carcer_comparison_stage(const carcer_comparison *c, carcer_output *o,
                                      carcer_diag *diag)
{
    const carcer_results *base = c->res[0];
    char id[17];
    comparison_id(c, id);
    int k = base->k;
    double *x = malloc(sizeof *x * (size_t)k), *d = malloc(sizeof *d * (size_t)k);
    cc_buf csv = {0};
    struct fy_document *doc = fy_document_create(NULL);
    carcer_status st = CARCER_OK;
    if (!x || !d || !doc) {
        st = CARCER_NOMEM;
        goto out;
    }
    struct fy_node *root = fy_node_create_mapping(doc);
    fy_document_set_root(doc, root);
    append(doc, root, "run_id", cc_output_string_node(doc, id));
    append(doc, root, "replicates", num(doc, k));
    append(doc, root, "seed", num(doc, (double)base->seed));
    struct fy_node *list = fy_node_create_sequence(doc);
    append(doc, root, "scenarios", list);

    cc_buf_printf(&csv, "metric,scenario,mean,q05,q50,q95,diff_mean,diff_q05,diff_q50,diff_q95\n");
    const cc_metrics *keys = &base->metrics[0];
    struct fy_node **metrics_of = calloc((size_t)c->n, sizeof *metrics_of);
    if (!metrics_of) {
        st = CARCER_NOMEM;
        goto out;
    }
    for (int i = 0; i < c->n; i++) {
        struct fy_node *sc = fy_node_create_mapping(doc);
        append(doc, sc, "scenario", cc_output_string_node(doc, c->res[i]->s->name));
        append(doc, sc, "baseline", fy_node_create_scalar_copy(doc, i ? "false" : "true",
                                                                 i ? 5 : 4));
        append(doc, sc, "about", cc_about_node(doc, c->res[i]->s));
        metrics_of[i] = fy_node_create_mapping(doc);
        append(doc, sc, "metrics", metrics_of[i]);
        fy_node_sequence_append(list, sc);
    }
    for (size_t m = 0; m < keys->n; m++) {
        const char *key = keys->m[m].key;
        for (int i = 0; i < c->n; i++) {
            const carcer_results *r = c->res[i];
            int have = 1, ndiff = 0;
            for (int rep = 0; rep < k; rep++) {
                x[rep] = value_of(r, rep, key, m);
                double b = value_of(base, rep, key, m);
                if (isnan(x[rep]))
                    have = 0;
                else if (!isnan(b))
                    d[ndiff++] = x[rep] - b;
            }
            if (!have)
                continue;
            bool split = base->inputs != NULL;
            stats5 level = summarise(x, k, split);
            stats5 diff = summarise(d, ndiff, split && ndiff == k);
            cc_output_csv_field(&csv, key); /* keys may hold facility names */
            cc_buf_printf(&csv, ",");
            /* scenario names may hold commas: quote them */
            cc_buf_printf(&csv, "\"");
            for (const char *p = r->s->name; *p; p++)
                cc_buf_printf(&csv, *p == '"' ? "\"\"" : "%c", *p);
            cc_buf_printf(&csv, "\"");
            csv_stats(&csv, level, 1);
            csv_stats(&csv, diff, ndiff == k);
            cc_buf_printf(&csv, "\n");
            struct fy_node *entry = fy_node_create_mapping(doc);
            append(doc, entry, "level", stats_node(doc, level));
            if (ndiff == k)
                append(doc, entry, "difference", stats_node(doc, diff));
            append(doc, metrics_of[i], key, entry);
        }
    }
    free(metrics_of);
    char *json = fy_emit_document_to_string(
        doc, (enum fy_emitter_cfg_flags)(FYECF_MODE_JSON | FYECF_INDENT_2));
    if (!json || csv.failed) {
        free(json);
        st = CARCER_NOMEM;
        goto out;
    }
    if (cc_outdir_stage(o, "compare.csv", csv.data, csv.len, &diag->d) != 0 ||
        cc_outdir_stage(o, "compare.json", json, strlen(json), &diag->d) != 0)
        st = CARCER_IO;
    else
        cc_outdir_set_run(o, id, "compare");
    free(json);
out:
    if (doc)
        fy_document_destroy(doc);
    cc_buf_free(&csv);
    free(x);
    free(d);
    return st;
}
