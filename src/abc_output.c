/* abc_output.c - the texts a calibration writes: posterior.csv,
 * generations.csv and calibration.json (see abc.h). The caller stages them
 * into the output folder.
 *
 * Weighted quantile (used for calibration.json): with the values sorted
 * x_(1) <= ... <= x_(N) and their normalised weights W_(k), the p-quantile
 * is the smallest x_(k) whose cumulative weight W_(1) + ... + W_(k) reaches
 * p: the inverse of the weighted empirical distribution function (Hyndman &
 * Fan 1996, Am Stat 50:361, definition 1, with weights). Ties in value are
 * broken by particle index so the result is deterministic.
 */
#include "abc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "util.h"

char *cc_abc_posterior_csv(const cc_abc_result *res)
{
    const cc_abc_generation *g = cc_abc_posterior(res);
    if (!g)
        return NULL;
    cc_buf b = {0};
    cc_buf_append(&b, "weight", 6);
    for (int i = 0; i < res->ninputs; i++) {
        cc_buf_append(&b, ",", 1);
        cc_output_csv_field(&b, res->input_names[i]);
    }
    cc_buf_append(&b, "\n", 1);
    for (int j = 0; j < res->particles; j++) {
        cc_buf_printf(&b, "%.17g", g->weight[j]);
        for (int i = 0; i < res->ninputs; i++)
            cc_buf_printf(&b, ",%.17g", g->theta[(size_t)j * (size_t)res->ninputs + (size_t)i]);
        cc_buf_append(&b, "\n", 1);
    }
    if (b.failed) {
        cc_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* generations.csv: one table gives the header and the row writer. */
typedef enum gcol_kind { GC_INDEX, GC_REAL, GC_COUNT } gcol_kind;
static const struct {
    const char *name;
    gcol_kind kind;
    size_t off; /* into cc_abc_generation */
} gen_columns[] = {
    {"generation", GC_INDEX, 0},
    {"tolerance", GC_REAL, offsetof(cc_abc_generation, tolerance)},
    {"accepted", GC_INDEX, 0},
    {"proposals", GC_COUNT, offsetof(cc_abc_generation, proposals)},
    {"simulations", GC_COUNT, offsetof(cc_abc_generation, simulations)},
    {"acceptance_rate", GC_REAL, offsetof(cc_abc_generation, acceptance)},
    {"ess", GC_REAL, offsetof(cc_abc_generation, ess)},
    {"seconds", GC_REAL, offsetof(cc_abc_generation, seconds)},
};
#define NGEN_COLUMNS (sizeof gen_columns / sizeof gen_columns[0])

char *cc_abc_generations_csv(const cc_abc_result *res)
{
    cc_buf b = {0};
    for (size_t c = 0; c < NGEN_COLUMNS; c++)
        cc_buf_printf(&b, "%s%s", c ? "," : "", gen_columns[c].name);
    cc_buf_append(&b, "\n", 1);
    for (int t = 0; t < res->ngenerations; t++) {
        const char *g = (const char *)&res->gen[t];
        for (size_t c = 0; c < NGEN_COLUMNS; c++) {
            const char *sep = c ? "," : "";
            switch (gen_columns[c].kind) {
            case GC_INDEX: /* generation number or particles accepted */
                cc_buf_printf(&b, "%s%d", sep, c == 0 ? t : res->particles);
                break;
            case GC_REAL: {
                double v;
                memcpy(&v, g + gen_columns[c].off, sizeof v);
                cc_buf_printf(&b, "%s%.17g", sep, v);
                break;
            }
            case GC_COUNT: {
                long v;
                memcpy(&v, g + gen_columns[c].off, sizeof v);
                cc_buf_printf(&b, "%s%ld", sep, v);
                break;
            }
            }
        }
        cc_buf_append(&b, "\n", 1);
    }
    if (b.failed) {
        cc_buf_free(&b);
        return NULL;
    }
    return b.data;
}

typedef struct wx {
    double x, w;
    int i;
} wx;

static int wx_cmp(const void *pa, const void *pb)
{
    const wx *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* Quantiles ps[0..np) of (x, w) at stride `stride` into q. -1 out of memory. */
static int weighted_quantiles(const double *x, size_t stride, const double *w, int n,
                              const double *ps, int np, double *q)
{
    if (n <= 0)
        return -1;
    wx *v = malloc((size_t)n * sizeof *v);
    if (!v)
        return -1;
    double total = 0;
    for (int j = 0; j < n; j++) {
        v[j].x = x[(size_t)j * stride];
        v[j].w = w[j] > 0 ? w[j] : 0;
        v[j].i = j;
        total += v[j].w;
    }
    qsort(v, (size_t)n, sizeof *v, wx_cmp);
    for (int k = 0; k < np; k++) {
        double c = 0;
        q[k] = v[n - 1].x;
        for (int j = 0; j < n; j++) {
            c += v[j].w;
            /* a relative slack of 1e-12 so that p = 1 is reached despite
             * rounding in the sum */
            if (c >= ps[k] * total * (1 - 1e-12)) {
                q[k] = v[j].x;
                break;
            }
        }
    }
    free(v);
    return 0;
}

double cc_abc_weighted_quantile(const double *x, const double *w, int n, double p)
{
    double q;
    return weighted_quantiles(x, 1, w, n, &p, 1, &q) == 0 ? q : NAN;
}

static void json_string(cc_buf *b, const char *s)
{
    cc_buf_append(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            cc_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            cc_buf_printf(b, "\\u%04x", *p);
        else
            cc_buf_append(b, (const char *)p, 1);
    }
    cc_buf_append(b, "\"", 1);
}

static void json_number(cc_buf *b, double v)
{
    if (!isfinite(v)) {
        cc_buf_append(b, "null", 4);
        return;
    }
    char s[32];
    cc_format_number(v, s);
    cc_buf_append(b, s, strlen(s));
}

char *cc_abc_calibration_json(const cc_abc_result *res, const char *const *prior_desc,
                              const double *observed, const double *pred_q05,
                              const double *pred_q50, const double *pred_q95)
{
    const cc_abc_generation *g = cc_abc_posterior(res);
    if (!g)
        return NULL;
    static const double ps[3] = {0.05, 0.5, 0.95};
    cc_buf b = {0};
    int N = res->particles, n = res->ninputs, s = res->nstats;
    cc_buf_printf(&b, "{\n  \"particles\": %d,\n  \"generations\": %d,\n  \"simulations\": %ld,\n",
                  N, res->ngenerations, res->simulations);
    cc_buf_append(&b, "  \"tolerance\": ", 15);
    json_number(&b, g->tolerance);
    cc_buf_append(&b, ",\n  \"ess\": ", 11);
    json_number(&b, g->ess);
    static const char *const reasons[] = {"", "generations", "tolerance", "acceptance", "budget"};
    cc_buf_printf(&b, ",\n  \"stopped_by\": \"%s\",\n  \"inputs\": [",
                  res->stop >= 1 && res->stop <= 4 ? reasons[res->stop] : "");
    int failed = 0;
    for (int i = 0; i < n; i++) {
        double mean = 0, q[3];
        for (int j = 0; j < N; j++)
            mean += g->weight[j] * g->theta[(size_t)j * (size_t)n + (size_t)i];
        failed |= weighted_quantiles(&g->theta[i], (size_t)n, g->weight, N, ps, 3, q);
        cc_buf_printf(&b, "%s\n    {\"name\": ", i ? "," : "");
        json_string(&b, res->input_names[i]);
        cc_buf_append(&b, ", \"prior\": ", 11);
        json_string(&b, prior_desc && prior_desc[i] ? prior_desc[i] : "");
        cc_buf_append(&b, ", \"posterior\": {\"mean\": ", 24);
        json_number(&b, mean);
        cc_buf_append(&b, ", \"median\": ", 12);
        json_number(&b, q[1]);
        cc_buf_append(&b, ", \"q05\": ", 9);
        json_number(&b, q[0]);
        cc_buf_append(&b, ", \"q95\": ", 9);
        json_number(&b, q[2]);
        cc_buf_append(&b, "}}", 2);
    }
    cc_buf_append(&b, "\n  ],\n  \"targets\": [", 20);
    for (int k = 0; k < s; k++) {
        double q[3];
        if (pred_q05 && pred_q50 && pred_q95) {
            q[0] = pred_q05[k];
            q[1] = pred_q50[k];
            q[2] = pred_q95[k];
        } else {
            failed |= weighted_quantiles(&g->stats[k], (size_t)s, g->weight, N, ps, 3, q);
        }
        cc_buf_printf(&b, "%s\n    {\"name\": ", k ? "," : "");
        json_string(&b, res->stat_names[k]);
        cc_buf_append(&b, ", \"observed\": ", 14);
        json_number(&b, observed ? observed[k] : NAN);
        cc_buf_append(&b, ", \"predictive\": {\"q05\": ", 24);
        json_number(&b, q[0]);
        cc_buf_append(&b, ", \"q50\": ", 9);
        json_number(&b, q[1]);
        cc_buf_append(&b, ", \"q95\": ", 9);
        json_number(&b, q[2]);
        cc_buf_append(&b, "}}", 2);
    }
    cc_buf_append(&b, "\n  ]\n}\n", 7);
    if (b.failed || failed) {
        cc_buf_free(&b);
        return NULL;
    }
    return b.data;
}
