/* report_compare.c - the page of a comparison's folder (compare.json of
 * `carcer compare`, no summary.json).
 *
 * compare.json is checked whole before anything is written; a wrong shape
 * is reported with its key path and position. The page then gives, for
 * each reform, a card (compare_cards.c: what it does in words, generated
 * from its policies, and its paired differences from the baseline as
 * numbers and as shares of the baseline), charts of the paired differences
 * of the headline metrics, and a table of every scenario's levels and
 * differences with their 5-95% intervals, laid out to fit 1,280 pixels and
 * an A4 page without a scrollbar.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <libfyaml.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "compare_cards.h"
#include "numfmt.h"
#include "report_page.h"
#include "util.h"

#define lookup cc_report_lookup
#define html_text cc_report_html_text
#define parse_json cc_report_parse_json
#define read_text cc_report_read_text
#define page_open cc_report_page_open
#define page_write cc_report_page_write
#define axis_step cc_report_axis_step
#define svg_open cc_report_svg_open
#define svg_close cc_report_svg_close


/* The largest compare.json read. libfyaml's tree takes several times the
 * text; the default scenario against its five reforms writes 0.6 MB, and
 * each scenario of 4,096 facilities (docs/limits.md) adds 5 to 10 MB (three
 * occupancy metrics per facility, three attack rates with a disease). */
#define MAX_COMPARE_BYTES ((size_t)256 << 20)

/* compare.json as read and checked: every scenario's name and metrics (key
 * -> {level, difference}), the baseline first. Names and nodes live in doc,
 * which points into text. */
typedef struct comparison {
    char *text;
    struct fy_document *doc;
    int n; /* scenarios, the baseline included */
    const char **name;
    struct fy_node **metrics;
    struct fy_node **about; /* each scenario's "about", or NULL (older files) */
    const char *replicates, *seed; /* as written */
    double nreplicates;
} comparison;

static void comparison_free(comparison *c)
{
    if (c->doc)
        fy_document_destroy(c->doc);
    free(c->text);
    free(c->name);
    free(c->metrics);
    free(c->about);
}

/* Text of a file for a message: at most 40 bytes, control characters as
 * '?' (a hostile file must not drive the terminal). */
static void message_text(const char *s, size_t len, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 4 < size; i++) {
        if (i == 40) {
            memcpy(out + k, "...", 3);
            k += 3;
            break;
        }
        out[k++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    }
    out[k] = '\0';
}

/* What node n is, for "got ..." in messages. */
static void node_desc(struct fy_node *n, char *out, size_t size)
{
    if (!n) {
        snprintf(out, size, "nothing");
    } else if (fy_node_is_mapping(n)) {
        snprintf(out, size, "an object");
    } else if (fy_node_is_sequence(n)) {
        snprintf(out, size, "a list");
    } else {
        size_t len = 0;
        const char *t = fy_node_get_scalar(n, &len);
        char text[64];
        message_text(t ? t : "", t ? len : 0, text, sizeof text);
        /* strings quoted, numbers and literals (true, null) as they are */
        const char *q = fy_node_get_style(n) == FYNS_PLAIN ? "" : "\"";
        snprintf(out, size, "%s%s%s", q, text, q);
    }
}

/* A JSON number, or null (read as NaN: compare.json writes null for what is
 * not finite). Returns 0, or -1 if n is anything else. */
static int json_number(struct fy_node *n, double *v)
{
    if (!n || !fy_node_is_scalar(n) || fy_node_get_style(n) != FYNS_PLAIN)
        return -1;
    size_t len = 0;
    const char *t = fy_node_get_scalar(n, &len);
    char buf[64];
    if (!t || len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, t, len);
    buf[len] = '\0';
    if (strcmp(buf, "null") == 0) {
        *v = NAN;
        return 0;
    }
    char *end;
    double x = strtod(buf, &end);
    if (*end || !isfinite(x))
        return -1;
    *v = x;
    return 0;
}

/* The key path of a metric's part for messages, e.g.
 * scenarios[2].metrics["occupancy.CC1.peak"].level.mean (malloc'd). */
static char *metric_path(int sc, const char *key, size_t len, const char *part,
                         const char *stat)
{
    char k[64];
    message_text(key, len, k, sizeof k);
    return cc_asprintf("scenarios[%d].metrics[\"%s\"]%s%s%s%s", sc, k, part ? "." : "",
                       part ? part : "", stat ? "." : "", stat ? stat : "");
}

/* The statistics of a level or a difference: the page reads mean, q05 and
 * q95; sd and q50, which carcer also writes, are checked when present. */
static const char *const stat_keys[] = {"mean", "q05", "q95", "sd", "q50"};
#define STATS_READ 3

static void check_stats(cc_yr *r, struct fy_node *parent, struct fy_node *n, int sc,
                        const char *key, size_t len, const char *part)
{
    char desc[80];
    if (!n || !fy_node_is_mapping(n)) {
        char *path = metric_path(sc, key, len, part, NULL);
        node_desc(n, desc, sizeof desc);
        cc_yr_error(r, n ? n : parent, path, NULL,
                    "expected an object {mean, sd, q05, q50, q95}, got %s", desc);
        free(path);
        return;
    }
    for (size_t i = 0; i < sizeof stat_keys / sizeof stat_keys[0]; i++) {
        struct fy_node *v = lookup(n, stat_keys[i]);
        double x;
        if ((!v && i >= STATS_READ) || json_number(v, &x) == 0)
            continue;
        char *path = metric_path(sc, key, len, part, stat_keys[i]);
        node_desc(v, desc, sizeof desc);
        cc_yr_error(r, v ? v : n, path, NULL, "expected a number, got %s", desc);
        free(path);
    }
}

/* Check the shape that carcer_comparison_write gives compare.json (every
 * problem recorded, not only the first) and fill c. Returns 0, or -1 when
 * out of memory. */
static int read_comparison(cc_yr *r, comparison *c)
{
    char desc[80];
    struct fy_node *root = fy_document_root(c->doc);
    if (!root || !fy_node_is_mapping(root)) {
        node_desc(root, desc, sizeof desc);
        cc_yr_error(r, root, NULL, NULL,
                    "expected an object {replicates, seed, scenarios} written by `carcer "
                    "compare`, got %s",
                    desc);
        return 0;
    }
    struct fy_node *reps = lookup(root, "replicates");
    struct fy_node *seed = lookup(root, "seed");
    struct fy_node *list = lookup(root, "scenarios");
    double v;
    if (json_number(reps, &v) != 0 || !(v >= 1 && v <= INT_MAX) || v != floor(v)) {
        node_desc(reps, desc, sizeof desc);
        cc_yr_error(r, reps ? reps : root, "replicates", NULL,
                    "expected a whole number of replicates (1 or more), got %s", desc);
    } else {
        c->replicates = fy_node_get_scalar0(reps);
        c->nreplicates = v;
    }
    if (json_number(seed, &v) != 0 || isnan(v)) {
        node_desc(seed, desc, sizeof desc);
        cc_yr_error(r, seed ? seed : root, "seed", NULL, "expected a number, got %s", desc);
    } else {
        c->seed = fy_node_get_scalar0(seed);
    }
    int n = list && fy_node_is_sequence(list) ? fy_node_sequence_item_count(list) : 0;
    if (n < 1) {
        node_desc(list, desc, sizeof desc);
        cc_yr_error(r, list ? list : root, "scenarios", NULL,
                    "expected a list of one scenario or more, got %s",
                    list && fy_node_is_sequence(list) ? "an empty list" : desc);
        return 0;
    }
    c->name = calloc((size_t)n, sizeof *c->name);
    c->metrics = calloc((size_t)n, sizeof *c->metrics);
    c->about = calloc((size_t)n, sizeof *c->about);
    if (!c->name || !c->metrics || !c->about)
        return -1;
    int baselines = 0, alt = 1;
    void *it = NULL;
    struct fy_node *sc;
    for (int i = 0; (sc = fy_node_sequence_iterate(list, &it)) != NULL; i++) {
        char path[64];
        if (!fy_node_is_mapping(sc)) {
            snprintf(path, sizeof path, "scenarios[%d]", i);
            node_desc(sc, desc, sizeof desc);
            cc_yr_error(r, sc, path, NULL,
                        "expected an object {scenario, baseline, metrics}, got %s", desc);
            continue;
        }
        struct fy_node *name = lookup(sc, "scenario");
        struct fy_node *base = lookup(sc, "baseline");
        struct fy_node *metrics = lookup(sc, "metrics");
        const char *name_text = name && fy_node_is_scalar(name) &&
                                        fy_node_get_style(name) != FYNS_PLAIN
                                    ? fy_node_get_scalar0(name)
                                    : NULL;
        if (!name_text) {
            snprintf(path, sizeof path, "scenarios[%d].scenario", i);
            node_desc(name, desc, sizeof desc);
            cc_yr_error(r, name ? name : sc, path, NULL, "expected a name (a string), got %s",
                        desc);
        }
        const char *b = base && fy_node_is_scalar(base) && fy_node_get_style(base) == FYNS_PLAIN
                            ? fy_node_get_scalar0(base)
                            : NULL;
        int is_base = b && strcmp(b, "true") == 0;
        if (!b || (!is_base && strcmp(b, "false") != 0)) {
            snprintf(path, sizeof path, "scenarios[%d].baseline", i);
            node_desc(base, desc, sizeof desc);
            cc_yr_error(r, base ? base : sc, path, NULL, "expected true or false, got %s", desc);
        }
        if (!metrics || !fy_node_is_mapping(metrics)) {
            snprintf(path, sizeof path, "scenarios[%d].metrics", i);
            node_desc(metrics, desc, sizeof desc);
            cc_yr_error(r, metrics ? metrics : sc, path, NULL,
                        "expected an object of metrics, got %s", desc);
            metrics = NULL;
        }
        void *mit = NULL;
        struct fy_node_pair *p;
        while (metrics && (p = fy_node_mapping_iterate(metrics, &mit)) != NULL) {
            struct fy_node *k = fy_node_pair_key(p), *m = fy_node_pair_value(p);
            size_t len = 0;
            const char *key = k && fy_node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
            if (!key)
                key = "?", len = 1;
            if (!m || !fy_node_is_mapping(m)) {
                char *mp = metric_path(i, key, len, NULL, NULL);
                node_desc(m, desc, sizeof desc);
                cc_yr_error(r, m ? m : k, mp, NULL,
                            "expected an object {level, difference}, got %s", desc);
                free(mp);
                continue;
            }
            check_stats(r, m, lookup(m, "level"), i, key, len, "level");
            /* no difference when a replicate of the baseline lacked the metric */
            struct fy_node *d = lookup(m, "difference");
            if (d)
                check_stats(r, m, d, i, key, len, "difference");
        }
        /* the baseline first, the alternatives in the order of the file */
        int slot = is_base && baselines == 0 ? 0 : alt < n ? alt++ : -1;
        baselines += is_base;
        if (slot >= 0) {
            c->name[slot] = name_text;
            c->metrics[slot] = metrics;
            struct fy_node *about = lookup(sc, "about");
            c->about[slot] = about && fy_node_is_mapping(about) ? about : NULL;
        }
    }
    if (baselines != 1)
        cc_yr_error(r, list, "scenarios", NULL,
                    "expected exactly one scenario with \"baseline\": true, got %d", baselines);
    c->n = n;
    return 0;
}

/* ---- the page of a comparison: figures -------------------------------------------- */

/* U+2212, the minus sign, and the numbers of the tables and charts
 * (numfmt.h) */
#define MINUS CC_NUMFMT_MINUS
#define decimals_for cc_numfmt_decimals_for

static void fmt_number(char *out, size_t size, double v, int decimals, int sign)
{
    cc_numfmt_fixed(out, size, v, decimals, sign ? CC_NF_SIGN : 0);
}

static void fmt_compact(char *out, size_t size, double v, int sign)
{
    cc_numfmt_compact(out, size, v, sign ? CC_NF_SIGN : 0);
}

typedef struct stat3 {
    double mean, lo, hi; /* lo, hi: the 5% and 95% points; NaN when absent */
} stat3;

/* The level or the difference (`part`) of metric `key` in scenario i. */
static stat3 metric_of(const comparison *c, int i, const char *key, const char *part)
{
    stat3 s = {NAN, NAN, NAN};
    struct fy_node *m = c->metrics[i] ? lookup(c->metrics[i], key) : NULL;
    struct fy_node *p = m ? lookup(m, part) : NULL;
    if (!p)
        return s;
    /* checked by read_comparison */
    json_number(lookup(p, "mean"), &s.mean);
    /* one replicate has no spread to show */
    if (c->nreplicates > 1) {
        json_number(lookup(p, "q05"), &s.lo);
        json_number(lookup(p, "q95"), &s.hi);
    }
    return s;
}

/* A row of the comparison: one metric, or the sum of two. */
typedef struct figure {
    const char *key;  /* a metric of compare.json */
    const char *plus; /* another metric added to it, or NULL */
    const char *label;
    double scale; /* 100 for a share shown in percent */
} figure;

/* The sum of two metrics has a known mean (the mean of a sum is the sum of
 * the means, for levels and paired differences alike) but no interval:
 * compare.json holds the quantiles of each metric, not of their sum. */
static stat3 figure_of(const comparison *c, int i, const figure *f, const char *part)
{
    stat3 s = metric_of(c, i, f->key, part);
    if (f->plus) {
        s.mean += metric_of(c, i, f->plus, part).mean;
        s.lo = s.hi = NAN;
    }
    return s;
}

static int figure_present(const comparison *c, const figure *f)
{
    for (int i = 0; i < c->n; i++)
        if (!isnan(figure_of(c, i, f, "level").mean))
            return 1;
    return 0;
}

/* Figures of the key table: what a reform of detention is judged by. Rows
 * whose metrics compare.json lacks are left out. */
static const figure key_figures[] = {
    {"population_end", NULL, "People in custody at the end", 1},
    {"population_peak", NULL, "People in custody at the peak", 1},
    {"prison_growth", NULL, "Prison population growth (%; differences in points)", 100},
    {"arrests", NULL, "Arrests", 1},
    {"person_years.detained", NULL, "Person-years detained", 1},
    {"person_years.by_state.pretrial", NULL, "Person-years awaiting a first verdict", 1},
    {"person_years.by_poor.poor", NULL, "Person-years detained: poor (cannot pay bail)", 1},
    {"person_years.by_poor.not_poor", NULL, "Person-years detained: not poor", 1},
    {"child_days", NULL, "Child-days in custody", 1},
    {"pretrial_limit_violations", NULL, "Pretrial detentions beyond the legal limit", 1},
    {"pretrial_days_beyond_limit", NULL, "Days held beyond the legal pretrial limit", 1},
    {"person_days_over_capacity", NULL, "Person-days above 100% occupancy", 1},
    {"person_days_over_200pct", NULL, "Person-days above 200% occupancy", 1},
    {"deaths.disease", "deaths.other", "Deaths in custody, all causes*", 1},
    {"deaths.disease", NULL, "Deaths from disease", 1},
    {"infections.detainees", NULL, "Infections among detainees", 1},
    {"infections.staff", NULL, "Infections among staff", 1},
    {"spillover", NULL, "Infections carried to the community (spillover)", 1},
    {"cost", NULL, "Total cost", 1},
    {"costs.community", NULL, "Cost of community treatment", 1},
};

/* Headline metrics, one chart each. */
static const figure headlines[] = {
    {"person_years.detained", NULL, "Person-years detained", 1},
    {"person_days_over_capacity", NULL, "Person-days above 100% occupancy", 1},
    {"infections.detainees", NULL, "Infections among detainees", 1},
    {"deaths.disease", NULL, "Deaths in custody from disease", 1},
    {"deaths.other", NULL, "Deaths in custody from other causes", 1},
    {"cost", NULL, "Total cost", 1},
};

/* A table cell: the mean over a line with its 5-95% interval. */
static void figure_cell(cc_buf *b, stat3 s, double scale, int decimals, int sign)
{
    char m[64], lo[64], hi[64];
    fmt_number(m, sizeof m, s.mean * scale, decimals, sign);
    cc_buf_printf(b, "<td>%s", m);
    if (!isnan(s.mean) && !isnan(s.lo) && !isnan(s.hi)) {
        fmt_number(lo, sizeof lo, s.lo * scale, decimals, sign);
        fmt_number(hi, sizeof hi, s.hi * scale, decimals, sign);
        cc_buf_printf(b, "<br><span class=\"iv\">%s to %s</span>", lo, hi);
    }
    cc_buf_printf(b, "</td>");
}

/* The row of a figure in the table of alternative `alt`: the levels of the
 * baseline and of the alternative and their paired difference (alt 0: the
 * baseline's level alone). Returns 1 if written (the metric is present). */
static int comparison_row(cc_buf *b, const comparison *c, int alt, const figure *f)
{
    stat3 level[2] = {figure_of(c, 0, f, "level"), figure_of(c, alt, f, "level")};
    if (isnan(level[0].mean) && isnan(level[1].mean))
        return 0;
    /* one precision for the row, from its largest level; none when every
     * level is whole (counts of one replicate) */
    double largest = 0;
    int whole = 1;
    for (int i = 0; i < 2; i++) {
        double v[3] = {level[i].mean, level[i].lo, level[i].hi};
        for (int k = 0; k < 3; k++)
            if (isfinite(v[k] * f->scale)) {
                largest = fmax(largest, fabs(v[k] * f->scale));
                whole &= v[k] * f->scale == floor(v[k] * f->scale);
            }
    }
    int decimals = whole ? 0 : decimals_for(largest);
    cc_buf_printf(b, "<tr><th>");
    html_text(b, f->label);
    cc_buf_printf(b, "</th>");
    figure_cell(b, level[0], f->scale, decimals, 0);
    if (alt) {
        figure_cell(b, level[1], f->scale, decimals, 0);
        /* a difference far smaller than the levels keeps its own digits */
        stat3 d = figure_of(c, alt, f, "difference");
        double v[3] = {d.mean, d.lo, d.hi}, most = 0;
        int dwhole = 1;
        for (int k = 0; k < 3; k++)
            if (isfinite(v[k] * f->scale)) {
                most = fmax(most, fabs(v[k] * f->scale));
                dwhole &= v[k] * f->scale == floor(v[k] * f->scale);
            }
        if (!dwhole && decimals_for(most) > decimals)
            decimals = decimals_for(most);
        figure_cell(b, d, f->scale, decimals, 1);
    }
    cc_buf_printf(b, "</tr>\n");
    return 1;
}

/* The baseline's metrics named PREFIX<middle>SUFFIX, in the file's order;
 * calls fn with the key and its middle part. */
static void metrics_like(const comparison *c, const char *prefix, const char *suffix,
                         void (*fn)(void *ctx, const char *key, const char *mid, size_t len),
                         void *ctx)
{
    size_t lp = strlen(prefix), ls = strlen(suffix);
    void *it = NULL;
    struct fy_node_pair *p;
    while (c->metrics[0] && (p = fy_node_mapping_iterate(c->metrics[0], &it)) != NULL) {
        const char *key = fy_node_get_scalar0(fy_node_pair_key(p));
        size_t len = key ? strlen(key) : 0;
        if (len > lp + ls && strncmp(key, prefix, lp) == 0 &&
            strcmp(key + len - ls, suffix) == 0)
            fn(ctx, key, key + lp, len - lp - ls);
    }
}

/* The latest of the keys at.DATE.prison_population (ISO dates sort as
 * text). */
static void latest_key(void *ctx, const char *key, const char *mid, size_t len)
{
    (void)mid, (void)len;
    const char **latest = ctx;
    if (!*latest || strcmp(key, *latest) > 0)
        *latest = key;
}

typedef struct facility_rows {
    cc_buf *b;
    const comparison *c;
    int alt;
} facility_rows;

/* The peak occupancy of one facility, in percent of its capacity. */
static void facility_row(void *ctx, const char *key, const char *mid, size_t len)
{
    facility_rows *fr = ctx;
    char *label = cc_asprintf("%.*s", (int)len, mid);
    figure f = {key, NULL, label ? label : "?", 100};
    comparison_row(fr->b, fr->c, fr->alt, &f);
    free(label);
}

/* The table of alternative `alt` (0: the baseline alone): the key figures
 * and the peak occupancy of every facility. Returns 1 if it shows a sum of
 * metrics (which has a footnote). */
static int figure_table(cc_buf *b, const comparison *c, int alt)
{
    cc_buf_printf(b, "<table class=\"cmp\"><thead><tr><th></th>"
                     "<th>baseline</th>%s</tr></thead><tbody>\n",
                  alt ? "<th>alternative</th><th>paired difference</th>" : "");
    int sums = 0;
    for (size_t i = 0; i < sizeof key_figures / sizeof key_figures[0]; i++) {
        sums |= comparison_row(b, c, alt, &key_figures[i]) && key_figures[i].plus;
        if (i == 0) { /* prisoners after the whole population */
            const char *latest = NULL;
            metrics_like(c, "at.", ".prison_population", latest_key, &latest);
            size_t affixes = strlen("at.") + strlen(".prison_population");
            char *label = latest ? cc_asprintf("Prisoners on %.*s",
                                               (int)(strlen(latest) - affixes), latest + 3)
                                 : NULL;
            figure f = {latest, NULL, label, 1};
            if (label)
                comparison_row(b, c, alt, &f);
            free(label);
        }
    }
    cc_buf rows = {0};
    facility_rows fr = {&rows, c, alt};
    metrics_like(c, "occupancy.", ".peak", facility_row, &fr);
    if (rows.len) {
        cc_buf_printf(b, "<tr class=\"sub\"><th colspan=\"%d\">Peak occupancy: the most "
                         "people held at once, in percent of capacity%s</th></tr>\n",
                      alt ? 4 : 2, alt ? " (differences in percentage points)" : "");
        cc_buf_append(b, rows.data, rows.len);
    }
    b->failed |= rows.failed;
    cc_buf_free(&rows);
    cc_buf_printf(b, "</tbody></table>\n");
    return sums;
}

/* A chart of the paired differences of one metric: a bar per alternative
 * from 0 to the mean, a whisker over the 5-95% interval, a line at 0. A bar
 * whose interval includes 0 is faded. */
static void difference_chart(cc_buf *b, const comparison *c, const figure *f)
{
    int m = c->n - 1, have = 0, moved = 0;
    if (m < 1 || !figure_present(c, f))
        return;
    stat3 *d = malloc(sizeof *d * (size_t)m);
    if (!d) {
        b->failed = 1;
        return;
    }
    double lo = 0, hi = 0;
    for (int j = 0; j < m; j++) {
        d[j] = figure_of(c, j + 1, f, "difference");
        double v[3] = {d[j].mean, d[j].lo, d[j].hi};
        for (int k = 0; k < 3; k++)
            if (!isnan(v[k])) {
                lo = fmin(lo, v[k] * f->scale);
                hi = fmax(hi, v[k] * f->scale);
                moved |= v[k] != 0;
            }
        have += !isnan(d[j].mean);
    }
    if (!have || !moved) {
        cc_buf_printf(b, "<p>");
        html_text(b, f->label);
        cc_buf_printf(b, "%s", have ? ": the paired difference is 0 (its mean and its "
                                      "5&ndash;95% interval) for every alternative.</p>\n"
                                    : ": compare.json holds no paired difference.</p>\n");
        free(d);
        return;
    }
    const double W = 860, L = 16, R = 250, T = 8, ROW = 42, B = 30;
    double H = T + ROW * m + B, axis = T + ROW * m + 4;
    double step = axis_step(hi - lo);
    double x0 = floor(lo / step) * step, x1 = ceil(hi / step) * step;
#define X(v) (L + (W - L - R) * ((v) - x0) / (x1 - x0))
    svg_open(b, f->label, W, H);
    char t[64], tl[64], th[64];
    for (long k = lround(x0 / step); k <= lround(x1 / step); k++) {
        double v = (double)k * step;
        fmt_compact(t, sizeof t, v, 0);
        cc_buf_printf(b,
                      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                      X(v), X(v), T, axis, X(v), axis + 16, t);
    }
    for (int j = 0; j < m; j++) {
        double y = T + ROW * j + 12; /* the name's baseline; the bar below it */
        const char *colour = cc_report_colour(j + 1);
        cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">", L, y);
        html_text(b, c->name[j + 1]);
        cc_buf_printf(b, "</text>");
        if (isnan(d[j].mean)) {
            cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">no paired difference</text>",
                          W - R + 12, y + 17);
            continue;
        }
        double mean = d[j].mean * f->scale, a = X(0.0), z = X(mean);
        int crosses = !isnan(d[j].lo) && d[j].lo <= 0 && d[j].hi >= 0;
        cc_buf_printf(b,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\" "
                      "fill-opacity=\"%s\"/>",
                      fmin(a, z), y + 5, fabs(z - a), colour, crosses ? "0.35" : "0.85");
        fmt_compact(t, sizeof t, mean, 1);
        if (!isnan(d[j].lo) && !isnan(d[j].hi)) {
            double wl = X(d[j].lo * f->scale), wh = X(d[j].hi * f->scale), cy = y + 12;
            cc_buf_printf(b,
                          "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" "
                          "stroke=\"#000\" stroke-width=\"1.2\" fill=\"none\"/>",
                          wl, cy, wh, wl, cy - 5, cy + 5, wh, cy - 5, cy + 5);
            fmt_compact(tl, sizeof tl, d[j].lo * f->scale, 1);
            fmt_compact(th, sizeof th, d[j].hi * f->scale, 1);
            cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s (%s to %s)</text>", W - R + 12,
                          y + 16, t, tl, th);
        } else {
            cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", W - R + 12, y + 16, t);
        }
    }
    cc_buf_printf(b,
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>"
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>",
                  X(0.0), X(0.0), T, axis, L, W - R, axis, axis);
#undef X
    svg_close(b);
    free(d);
}

/* Tables take the page's width and wrap their labels, so that every column
 * shows at 1,280 pixels and on A4 without a scrollbar. */
static const char comparison_style[] =
    "table.cmp,table.card{width:100%;table-layout:fixed}table.cmp th:first-child,"
    "table.card th:first-child{width:34%}table.cmp td{vertical-align:top}"
    "tr.sub th{font-weight:bold;padding-top:1em}"
    "section.card{border:1px solid #ccc;border-left:4px solid #009E73;padding:.2em 1em .6em;"
    "margin:1em 0;break-inside:avoid-page}section.card h3{margin-top:.6em}"
    "ul.why{background:#fdf1ea;padding:.4em 1em .4em 2em}p.many{color:#333}";

/* The card's reading of compare.json: the baseline's level or reform
 * `alt`'s paired difference. */
typedef struct card_ctx {
    const comparison *c;
    int alt;
} card_ctx;

static stat3 metric_of(const comparison *c, int i, const char *key, const char *part);

static cc_stat3 card_get(const void *ctx, const char *key, int alt)
{
    const card_ctx *k = ctx;
    stat3 s = alt ? metric_of(k->c, k->alt, key, "difference") : metric_of(k->c, 0, key, "level");
    cc_stat3 r = {s.mean, s.lo, s.hi};
    return r;
}

/* The page of a comparison: dir holds compare.json (at cpath) and no
 * summary.json. */
carcer_status cc_report_comparison(const char *dir, const char *cpath, const char *out_path,
                                   carcer_diag *diag)
{
    comparison c;
    memset(&c, 0, sizeof c);
    cc_buf b = {0};
    cc_yr r = {.file = cpath, .diag = &diag->d, .errors = 0};
    carcer_status st = CARCER_OK;
    size_t len = 0;
    errno = 0;
    c.text = read_text(cpath, MAX_COMPARE_BYTES, &len);
    if (!c.text) {
        if (errno == EFBIG)
            cc_diag_add(&diag->d, cpath, 0, 0, NULL, NULL,
                        "the file has more than %zu bytes, the most `carcer report` reads",
                        MAX_COMPARE_BYTES);
        else
            cc_diag_add(&diag->d, cpath, 0, 0, NULL, NULL, "cannot read the comparison: %s",
                        strerror(errno ? errno : ENOMEM));
        st = errno == EFBIG ? CARCER_INPUT : CARCER_IO;
        goto out;
    }
    if (memchr(c.text, '\0', len)) {
        cc_diag_add(&diag->d, cpath, 0, 0, NULL, NULL, "not valid JSON: a NUL byte");
        st = CARCER_INPUT;
        goto out;
    }
    c.doc = parse_json(&r, c.text, len);
    if (c.doc && read_comparison(&r, &c) != 0) {
        st = CARCER_NOMEM;
        goto out;
    }
    if (!c.doc || r.errors) {
        st = CARCER_INPUT;
        goto out;
    }

    char *title = cc_asprintf("Comparison with %s", c.name[0]);
    page_open(&b, title ? title : "Comparison", comparison_style);
    free(title);
    int k = (int)c.nreplicates;
    cc_buf_printf(&b, "<p class=\"meta\">replicates: ");
    html_text(&b, c.replicates);
    cc_buf_printf(&b, " &middot; seed: ");
    html_text(&b, c.seed);
    cc_buf_printf(&b, " &middot; %d alternative%s</p>\n<h2>Scenarios</h2>\n<ol>", c.n - 1,
                  c.n == 2 ? "" : "s");
    for (int i = 0; i < c.n; i++) {
        cc_buf_printf(&b, "<li>");
        html_text(&b, c.name[i]);
        cc_buf_printf(&b, "%s</li>", i ? "" : " <span class=\"meta\">(baseline)</span>");
    }
    cc_buf_printf(&b, "</ol>\n");
    cc_buf_printf(&b, "<p>Every scenario ran the same %d replicate%s with seed ", k,
                  k == 1 ? "" : "s");
    html_text(&b, c.seed);
    cc_buf_printf(
        &b,
        ". Replicate <i>i</i> of every scenario draws the same random numbers wherever the "
        "scenarios agree (common random numbers), so the <b>paired difference</b>, the "
        "alternative minus the baseline within each replicate, shows what the reform "
        "changes rather than the luck of the draw. ");
    if (k > 1)
        cc_buf_printf(
            &b,
            "Figures are means over the replicates; the interval below each (&ldquo;a to "
            "b&rdquo;) runs from the 5%% to the 95%% point of the replicates&rsquo; values, so "
            "nine replicates in ten lie within it. It shows how much the outcome varies from "
            "one replicate to another, not how uncertain the scenario&rsquo;s parameters are; "
            "a difference whose interval includes 0 went one way in some replicates and the "
            "other way in others.%s</p>\n",
            k < 20 ? " With fewer than 20 replicates these points are interpolated between "
                     "the most extreme replicates: run more for a steadier interval."
                   : "");
    else
        cc_buf_printf(&b, "With one replicate there is no interval to show how much the "
                          "outcome varies: run more (<code>--replicates</code>).</p>\n");

    if (c.n > 1) {
        const char *currency = cc_report_text(lookup(c.about[0], "currency"));
        const char *pathogen =
            cc_report_text(lookup(lookup(c.about[0], "pathogen"), "title"));
        cc_buf_printf(&b, "<h2>The reforms</h2>\n<p>What each reform does, in words made from "
                          "its policies, and what it changes against the baseline: the "
                          "paired difference (reform minus baseline, replicate by replicate)%s "
                          "and that difference as a share of the baseline.</p>\n",
                      k > 1 ? " with its 90% interval" : "");
        for (int i = 1; i < c.n; i++) {
            card_ctx ctx = {&c, i};
            cc_card card = {c.name[i], c.about[i], k, currency, pathogen, card_get, &ctx};
            cc_compare_card(&b, &card);
        }
        cc_buf_printf(&b, "<h2>What each alternative changes</h2>\n<p>Each bar is the mean "
                          "paired difference from the baseline; the black line is 0.%s</p>\n",
                      k > 1 ? " The whisker spans its 5&ndash;95% interval; a faded bar has an "
                              "interval that includes 0."
                            : "");
        for (size_t i = 0; i < sizeof headlines / sizeof headlines[0]; i++)
            difference_chart(&b, &c, &headlines[i]);
    }
    int sums = 0;
    for (int i = c.n > 1; i < c.n; i++) {
        if (i) {
            cc_buf_printf(&b, "<h2>%d. ", i + 1);
            html_text(&b, c.name[i]);
            cc_buf_printf(&b, "</h2>\n");
        } else {
            cc_buf_printf(&b, "<h2>Key figures</h2>\n");
        }
        sums |= figure_table(&b, &c, i);
    }
    if (sums)
        cc_buf_printf(&b, "<p class=\"meta\">* Deaths from disease and from other causes: the "
                          "sum of their means (the mean of a sum is the sum of the means). "
                          "compare.json holds the interval of each, not of their sum.</p>\n");
    (void)dir;
    cc_report_page_close(&b, "comparison", "compare.json");
    st = page_write(&b, out_path, diag);
out:
    comparison_free(&c);
    cc_buf_free(&b);
    return st;
}
