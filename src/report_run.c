/* report_run.c - the page of a run's folder, for a reader without tools.
 *
 * From summary.json (libfyaml, as JSON), the daily series (report_series.h)
 * and, when the folder has them, targets.csv, replicates.csv and run.json:
 *   - the scenario's description, its window, and a visible note when the
 *     run has one replicate (one draw of chance);
 *   - headline sentences (headline.h), numbers marked with their source;
 *   - key figures, each with its window and unit and, with replicates, its
 *     90% interval (the 5% and 95% points over the replicates);
 *   - people in custody by justice state; crowding as one small chart per
 *     facility (capacity dashed) with a table of peaks; the disease, named,
 *     over the months of its epidemic;
 *   - who bears the detention: labelled tables with shares;
 *   - observed against simulated (the scenario's targets), else the
 *     stocks at its report dates;
 *   - assumptions: every uncertain input, its prior and the values drawn;
 *   - the policies in words, and provenance (version, seed, the scenario's
 *     checksum, the command that runs it again; never a local path).
 * Every text taken from the files is escaped; a damaged optional file
 * (targets.csv, replicates.csv, run.json) leaves its section out rather
 * than failing the page.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "headline.h"
#include "numfmt.h"
#include "report_page.h"
#include "report_series.h"
#include "report_svg.h"
#include "util.h"

#define html_text cc_report_html_text

/* The largest summary.json read: 4,096 facilities (docs/limits.md) with
 * replicates write about 10 MB. The optional files are small: targets.csv
 * a line a target, replicates.csv a line a replicate. */
#define MAX_SUMMARY_BYTES ((size_t)256 << 20)
#define MAX_SIDE_BYTES ((size_t)256 << 20)

typedef struct page {
    cc_buf *b;
    struct fy_node *root, *about;
    int multi; /* replicates > 1 */
    const char *currency, *pathogen;
    char start[64], end[64];
} page;

static struct fy_node *path2(struct fy_node *root, const char *a, const char *b)
{
    struct fy_node *n = cc_report_lookup(root, a);
    return b ? cc_report_lookup(n, b) : n;
}

/* ---- tables of figures ---------------------------------------------------------- */

typedef enum shown { S_COUNT, S_SHARE, S_RATIO, S_MONEY } shown;

static void cell(cc_buf *b, double v, shown k)
{
    char t[128];
    switch (k) {
    case S_SHARE:
        cc_numfmt_percent(t, sizeof t, v, 1, 0);
        break;
    case S_RATIO:
        cc_numfmt_fixed(t, sizeof t, v, 2, 0);
        break;
    default:
        cc_numfmt_fixed(t, sizeof t, v, 0, 0);
    }
    cc_buf_printf(b, "%s", t);
}

/* A row: label, window, the value and its interval (when there are
 * replicates). Nothing when node n holds no number. */
static void figure_row(page *p, struct fy_node *n, const char *label, const char *window, shown k)
{
    double lo, hi, v = cc_report_value(n, &lo, &hi);
    if (isnan(v))
        return;
    cc_buf *b = p->b;
    cc_buf_printf(b, "<tr><th>");
    html_text(b, label);
    cc_buf_printf(b, "</th><td class=\"win\">");
    html_text(b, window);
    cc_buf_printf(b, "</td><td>");
    cell(b, v, k);
    cc_buf_printf(b, "</td>");
    if (p->multi) {
        cc_buf_printf(b, "<td class=\"iv\">");
        if (isfinite(lo) && isfinite(hi) && lo != hi) {
            cell(b, lo, k);
            cc_buf_printf(b, " %s ", CC_NUMFMT_DASH);
            cell(b, hi, k);
        }
        cc_buf_printf(b, "</td>");
    }
    cc_buf_printf(b, "</tr>\n");
}

static void table_head(page *p, const char *caption, const char *what)
{
    cc_buf_printf(p->b, "<table class=\"fig\"><caption>");
    html_text(p->b, caption);
    cc_buf_printf(p->b,
                  "</caption><thead><tr><th>%s</th><th>when</th><th>%s</th>%s</tr>"
                  "</thead><tbody>\n",
                  what, p->multi ? "mean" : "value", p->multi ? "<th>90% interval</th>" : "");
}

static void key_figures(page *p)
{
    struct fy_node *r = p->root;
    char run[160], at_start[96], at_end[96];
    snprintf(run, sizeof run, "%s %s %s", p->start, CC_NUMFMT_DASH, p->end);
    snprintf(at_start, sizeof at_start, "on %s", p->start);
    snprintf(at_end, sizeof at_end, "on %s", p->end);
    table_head(p, "Key figures", "figure (unit)");
    figure_row(p, path2(r, "population_start", NULL),
               "People held: police cells, prisons and rehab centres (people)", at_start, S_COUNT);
    figure_row(p, path2(r, "population_end", NULL), "People held (people)", at_end, S_COUNT);
    figure_row(p, path2(r, "population_peak", NULL),
               "People held on the most crowded day "
               "(people)",
               run, S_COUNT);
    figure_row(p, path2(r, "prison_growth", NULL),
               "Growth of the prison population (% of its size at the start)", run, S_SHARE);
    figure_row(p, path2(r, "drug_share_end", NULL), "Prisoners held for drug offenses (%)", at_end,
               S_SHARE);
    figure_row(p, path2(r, "pretrial_share_end", NULL), "Prisoners awaiting a first verdict (%)",
               at_end, S_SHARE);
    figure_row(p, path2(r, "arrests", NULL), "Arrests, first and repeat (people)", run, S_COUNT);
    figure_row(p, path2(r, "rearrests", NULL), "Re-arrests of people released (people)", run,
               S_COUNT);
    figure_row(p, path2(r, "bribes", NULL), "Bribes paid to avoid trial (cases)", run, S_COUNT);
    figure_row(p, path2(r, "pretrial_limit_violations", NULL),
               "Pretrial detentions beyond the legal limit (cases)", run, S_COUNT);
    figure_row(p, path2(r, "child_days", NULL),
               "Children living in custody with their mothers (child-days)", run, S_COUNT);
    char label[256];
    const char *pn = p->pathogen ? p->pathogen : "the disease";
    snprintf(label, sizeof label, "Detainees infected with %s (people)", pn);
    figure_row(p, path2(r, "infections", "detainees"), label, run, S_COUNT);
    snprintf(label, sizeof label, "Staff infected with %s (people)", pn);
    figure_row(p, path2(r, "infections", "staff"), label, run, S_COUNT);
    snprintf(label, sizeof label, "Deaths in custody from %s (people)", pn);
    figure_row(p, path2(r, "deaths", "disease"), label, run, S_COUNT);
    figure_row(p, path2(r, "deaths", "other"), "Deaths in custody from other causes (people)", run,
               S_COUNT);
    figure_row(p, path2(r, "spillover", NULL),
               "Infections carried to the community: infectious people released plus infected "
               "staff (people)",
               run, S_COUNT);
    snprintf(label, sizeof label, "Cost of detention (%s)",
             p->currency ? p->currency : "the scenario's cost units; no currency named");
    figure_row(p, path2(r, "cost", NULL), label, run, S_MONEY);
    cc_buf_printf(p->b, "</tbody></table>\n");
}

/* ---- charts ----------------------------------------------------------------------- */

static void people_chart(page *p, const cc_series *s)
{
    int all = cc_series_fac(s, "ALL");
    static const char *const cols[] = {"population", "pretrial", "appeal",
                                       "sentenced",  "rehab",    "police"};
    static const char *const labels[] = {"all held",           "awaiting a verdict",
                                         "awaiting an appeal", "serving a sentence",
                                         "in rehab centres",   "in police cells"};
    cc_line l[6];
    int n = 0;
    for (int i = 0; i < 6; i++) {
        int c = cc_series_col(s, cols[i]);
        if (c < 0)
            continue;
        l[n].label = labels[i];
        l[n].y = cc_series_mean(s, all, c);
        l[n].lo = i == 0 && p->multi ? cc_series_lo(s, all, c) : NULL;
        l[n].hi = i == 0 && p->multi ? cc_series_hi(s, all, c) : NULL;
        n++;
    }
    if (!n)
        return;
    cc_chart ch = {"People in custody by justice state, whole system",
                   "people",
                   s->date,
                   0,
                   s->days,
                   l,
                   n,
                   0,
                   NULL,
                   900,
                   320,
                   0};
    cc_buf_printf(p->b, "<h2>People in custody</h2>\n");
    cc_svg_line_chart(p->b, &ch);
    if (p->multi)
        cc_buf_printf(p->b, "<p class=\"meta\">Lines are means over the replicates; the band "
                            "holds 90%% of the replicates on each day (all held).</p>\n");
}

static void crowding(page *p, const cc_series *s)
{
    int all = cc_series_fac(s, "ALL"), c = cc_series_col(s, "occupancy");
    if (c < 0)
        return;
    cc_buf *b = p->b;
    cc_buf_printf(b,
                  "<h2>Crowding</h2>\n<p>Occupancy is the number of people held divided by "
                  "the official capacity: 2 means twice as many people as places. The "
                  "dashed line marks full capacity.%s</p>\n<div class=\"grid\">\n",
                  p->multi ? " Lines are means over the replicates, bands hold 90% of them." : "");
    for (int f = 0; f < s->nfac; f++) {
        if (f == all)
            continue;
        char *title = cc_asprintf("%s: occupancy", s->fac[f]);
        cc_line l = {s->fac[f], cc_series_mean(s, f, c), p->multi ? cc_series_lo(s, f, c) : NULL,
                     p->multi ? cc_series_hi(s, f, c) : NULL};
        cc_chart ch = {title ? title : s->fac[f],
                       "people / places",
                       s->date,
                       0,
                       s->days,
                       &l,
                       1,
                       1.0,
                       "capacity",
                       300,
                       190,
                       1};
        cc_svg_line_chart(b, &ch);
        free(title);
    }
    cc_buf_printf(b, "</div>\n");
    char run[160];
    snprintf(run, sizeof run, "%s to %s", p->start, p->end);
    cc_buf_printf(b,
                  "<table class=\"fig\"><caption>Crowding by facility, %s to %s</caption>"
                  "<thead><tr><th>facility</th><th>highest occupancy</th>%s<th>mean "
                  "occupancy</th><th>days over capacity</th></tr></thead><tbody>\n",
                  p->start, p->end, p->multi ? "<th>90% interval</th>" : "");
    struct fy_node *occ = cc_report_lookup(p->root, "occupancy");
    for (int f = 0; f < s->nfac; f++) {
        if (f == all)
            continue;
        struct fy_node *o = cc_report_lookup(occ, s->fac[f]);
        double lo, hi, x, y;
        double pk = cc_report_value(cc_report_lookup(o, "peak"), &lo, &hi);
        double mean = cc_report_value(cc_report_lookup(o, "mean"), &x, &y);
        double over = cc_report_value(cc_report_lookup(o, "days_over_capacity"), &x, &y);
        cc_buf_printf(b, "<tr><th>");
        html_text(b, s->fac[f]);
        cc_buf_printf(b, "</th><td>");
        cell(b, pk, S_RATIO);
        cc_buf_printf(b, "</td>");
        if (p->multi) {
            cc_buf_printf(b, "<td class=\"iv\">");
            if (isfinite(lo) && isfinite(hi)) {
                cell(b, lo, S_RATIO);
                cc_buf_printf(b, " %s ", CC_NUMFMT_DASH);
                cell(b, hi, S_RATIO);
            }
            cc_buf_printf(b, "</td>");
        }
        cc_buf_printf(b, "<td>");
        cell(b, mean, S_RATIO);
        cc_buf_printf(b, "</td><td>");
        cell(b, over, S_COUNT);
        cc_buf_printf(b, "</td></tr>\n");
    }
    cc_buf_printf(b, "</tbody></table>\n");
}

/* The days of the epidemic: from two weeks before the first day with new
 * infections (in the daily means) to two weeks after the last day with
 * active ones. *year: the one year holding every infection, or 0. Returns
 * 0 when nobody was infected. */
static int epidemic(const cc_series *s, int *from, int *to, int *year)
{
    int all = cc_series_fac(s, "ALL"), c = cc_series_col(s, "new_infections");
    int a = cc_series_col(s, "active_infections");
    const double *y = cc_series_mean(s, all, c);
    const double *act = cc_series_mean(s, all, a);
    int first = -1, last = -1;
    for (int d = 0; y && d < s->days; d++)
        if ((isfinite(y[d]) && y[d] > 0) || (act && isfinite(act[d]) && act[d] > 0)) {
            if (first < 0)
                first = d;
            last = d;
        }
    *year = 0;
    if (first < 0)
        return 0;
    int y1 = atoi(s->date[first]), y2 = atoi(s->date[last]);
    *year = y1 == y2 ? y1 : 0;
    *from = first > 14 ? first - 14 : 0;
    *to = last + 15 < s->days ? last + 15 : s->days;
    if (*to - *from < 2) /* a chart needs two days */
        *to = *from + 2 <= s->days ? *from + 2 : s->days;
    return *to - *from >= 2;
}

static void disease(page *p, const cc_series *s)
{
    int from, to, year;
    if (!epidemic(s, &from, &to, &year))
        return;
    int all = cc_series_fac(s, "ALL");
    cc_buf *b = p->b;
    const char *pn = p->pathogen ? p->pathogen : "The disease";
    cc_buf_printf(b, "<h2>");
    html_text(b, pn);
    char d1[64], d2[64];
    cc_headline_date(s->date[from], d1, sizeof d1);
    cc_headline_date(s->date[to - 1], d2, sizeof d2);
    cc_buf_printf(b,
                  " in custody</h2>\n<p>The charts cover the months of the epidemic, "
                  "from %s to %s.</p>\n",
                  d1, d2);
    static const char *const cols[] = {"new_infections", "active_infections", "hospitalised"};
    static const char *const labels[] = {"new infections a day", "people infected",
                                         "in hospital care"};
    char *title = cc_asprintf("%s among detainees, whole system", pn);
    cc_line l[3];
    int n = 0;
    for (int i = 0; i < 3; i++) {
        int c = cc_series_col(s, cols[i]);
        if (c < 0)
            continue;
        l[n].label = labels[i];
        l[n].y = cc_series_mean(s, all, c);
        l[n].lo = p->multi ? cc_series_lo(s, all, c) : NULL;
        l[n].hi = p->multi ? cc_series_hi(s, all, c) : NULL;
        n++;
    }
    cc_chart ch = {title ? title : pn, "people", s->date, from, to,  l,
                   n > 0 ? 1 : 0,      0,        NULL,    900,  280, 0};
    if (n > 0)
        cc_svg_line_chart(b, &ch);
    if (n > 1) {
        free(title);
        title = cc_asprintf("%s: people infected and in hospital care", pn);
        cc_line rest[2];
        for (int i = 1; i < n; i++)
            rest[i - 1] = l[i];
        cc_chart c2 = {
            title ? title : pn, "people", s->date, from, to, rest, n - 1, 0, NULL, 900, 280, 0};
        cc_svg_line_chart(b, &c2);
    }
    free(title);
}

/* ---- who bears the detention ---------------------------------------------------------- */

static void words_of_key(cc_buf *b, const char *key)
{
    char *t = cc_strdup(key);
    if (!t) {
        b->failed = 1;
        return;
    }
    for (char *c = t; *c; c++)
        if (*c == '_')
            *c = ' ';
    html_text(b, t);
    free(t);
}

static const char *const state_words[][2] = {{"police", "in police custody"},
                                             {"pretrial", "awaiting a first verdict"},
                                             {"appeal", "awaiting an appeal"},
                                             {"sentenced", "serving a sentence"},
                                             {"rehab", "in compulsory rehab centres"}};

/* A table of person-years from object `obj` with each row's share of
 * `total`; labels from `names` ([key, words], n) or the keys in words. */
static void share_table(page *p, struct fy_node *obj, double total, const char *caption,
                        const char *what, const char *const (*names)[2], int nnames)
{
    if (!obj || !fy_node_is_mapping(obj) || !(total > 0))
        return;
    cc_buf *b = p->b;
    cc_buf_printf(b, "<table class=\"fig\"><caption>");
    html_text(b, caption);
    cc_buf_printf(b,
                  "</caption><thead><tr><th>%s</th><th>person-years</th>%s<th>share</th>"
                  "</tr></thead><tbody>\n",
                  what, p->multi ? "<th>90% interval</th>" : "");
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(obj, &it)) != NULL) {
        const char *k = cc_report_text(fy_node_pair_key(pr));
        double lo, hi, v = cc_report_value(fy_node_pair_value(pr), &lo, &hi);
        if (!k || isnan(v))
            continue;
        const char *label = NULL;
        int known = !names;
        for (int i = 0; names && i < nnames; i++)
            if (strcmp(k, names[i][0]) == 0)
                label = names[i][1], known = 1;
        if (!known) /* time on bail is not detention */
            continue;
        cc_buf_printf(b, "<tr><th>");
        if (label)
            html_text(b, label);
        else
            words_of_key(b, k);
        cc_buf_printf(b, "</th><td>");
        cell(b, v, S_COUNT);
        cc_buf_printf(b, "</td>");
        if (p->multi) {
            cc_buf_printf(b, "<td class=\"iv\">");
            if (isfinite(lo) && isfinite(hi)) {
                cell(b, lo, S_COUNT);
                cc_buf_printf(b, " %s ", CC_NUMFMT_DASH);
                cell(b, hi, S_COUNT);
            }
            cc_buf_printf(b, "</td>");
        }
        cc_buf_printf(b, "<td>");
        cell(b, v / total, S_SHARE);
        cc_buf_printf(b, "</td></tr>\n");
    }
    cc_buf_printf(b, "</tbody></table>\n");
}

static void who_bears(page *p)
{
    struct fy_node *py = cc_report_lookup(p->root, "person_years");
    double lo, hi, total = cc_report_value(cc_report_lookup(py, "detained"), &lo, &hi);
    if (!(total > 0))
        return;
    cc_buf *b = p->b;
    char t[64];
    cc_numfmt_fixed(t, sizeof t, total, 0, 0);
    cc_buf_printf(b,
                  "<h2>Who bears the detention</h2>\n<p>Time spent in police cells, "
                  "prisons and rehab centres from %s to %s, in person-years (one person held "
                  "for one year), %s in all%s. Shares are of that total.</p>\n",
                  p->start, p->end, t, p->multi ? " (means over the replicates)" : "");
    share_table(p, cc_report_lookup(py, "by_offense"), total, "By offense held for", "offense",
                NULL, 0);
    static const char *const poor[][2] = {{"poor", "too poor to pay bail"},
                                          {"not_poor", "able to pay bail"}};
    share_table(p, cc_report_lookup(py, "by_poor"), total, "By means", "people", poor, 2);
    share_table(p, cc_report_lookup(py, "by_state"), total, "By stage of the case", "held",
                state_words, (int)(sizeof state_words / sizeof state_words[0]));
    double bl, bh,
        bail =
            cc_report_value(cc_report_lookup(cc_report_lookup(py, "by_state"), "bail"), &bl, &bh);
    if (bail > 0) {
        cc_numfmt_fixed(t, sizeof t, bail, 0, 0);
        cc_buf_printf(b,
                      "<p class=\"meta\">Time on bail is not detention and is not counted "
                      "above: %s person-years.</p>\n",
                      t);
    }
}

/* ---- observed against simulated ------------------------------------------------------- */

/* A target's value: shares and rates to three significant digits, counts
 * whole. */
static void target_value(cc_buf *b, double v)
{
    char t[128];
    if (fabs(v) < 10)
        cc_numfmt_sig(t, sizeof t, v, 3, 0);
    else
        cc_numfmt_fixed(t, sizeof t, v, 0, 0);
    cc_buf_printf(b, "%s", t);
}

/* targets.csv as `carcer run` writes it; returns 1 if a table was written */
static int targets(page *p, const char *dir)
{
    char *path = cc_asprintf("%s/targets.csv", dir);
    size_t len = 0;
    char *text = path ? cc_report_read_text(path, MAX_SIDE_BYTES, &len) : NULL;
    free(path);
    if (!text)
        return 0;
    if (memchr(text, '\0', len)) {
        free(text);
        return 0;
    }
    enum { C_TARGET, C_OBS, C_MEAN, C_Q05, C_Q95, C_SOURCE, NC };
    static const char *const want[NC] = {"target", "observed", "mean", "q05", "q95", "source"};
    int ci[NC];
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    char *field[64];
    int nf = line ? cc_report_split_csv(line, field, 64) : 0;
    for (int k = 0; k < NC; k++) {
        ci[k] = -1;
        for (int i = 0; i < nf; i++)
            if (strcmp(field[i], want[k]) == 0)
                ci[k] = i;
    }
    if (ci[C_TARGET] < 0 || ci[C_OBS] < 0 || ci[C_MEAN] < 0) {
        free(text);
        return 0;
    }
    cc_buf *b = p->b;
    int rows = 0, inside = 0, ranged = 0;
    cc_buf t = {0};
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        int n = cc_report_split_csv(line, field, 64);
        if (n != nf)
            continue;
        double obs = strtod(field[ci[C_OBS]], NULL), mean = strtod(field[ci[C_MEAN]], NULL);
        double lo = ci[C_Q05] >= 0 && field[ci[C_Q05]][0] ? strtod(field[ci[C_Q05]], NULL) : NAN;
        double hi = ci[C_Q95] >= 0 && field[ci[C_Q95]][0] ? strtod(field[ci[C_Q95]], NULL) : NAN;
        cc_buf_printf(&t, "<tr><th>");
        words_of_key(&t, field[ci[C_TARGET]]);
        cc_buf_printf(&t, "</th><td>");
        target_value(&t, obs);
        cc_buf_printf(&t, "</td><td>");
        target_value(&t, mean);
        cc_buf_printf(&t, "</td>");
        if (p->multi) {
            cc_buf_printf(&t, "<td class=\"iv\">");
            if (isfinite(lo) && isfinite(hi)) {
                target_value(&t, lo);
                cc_buf_printf(&t, " %s ", CC_NUMFMT_DASH);
                target_value(&t, hi);
            }
            int in = isfinite(lo) && isfinite(hi) && obs >= lo && obs <= hi;
            ranged += isfinite(lo) && isfinite(hi);
            inside += in;
            cc_buf_printf(&t, "</td><td>%s</td>",
                          isfinite(lo) && isfinite(hi) ? in ? "yes" : "no" : "");
        }
        cc_buf_printf(&t, "<td class=\"src\">");
        if (ci[C_SOURCE] >= 0)
            html_text(&t, field[ci[C_SOURCE]]);
        cc_buf_printf(&t, "</td></tr>\n");
        rows++;
    }
    free(text);
    if (rows) {
        cc_buf_printf(b, "<h2>Observed against simulated</h2>\n<p>The figures the scenario "
                         "names as its targets (<code>targets:</code>), as published, beside "
                         "what the run gives for the same date or period.");
        if (p->multi && ranged)
            cc_buf_printf(b,
                          " %d of %d observed figures lie inside the 90%% interval of the "
                          "replicates.",
                          inside, ranged);
        cc_buf_printf(b,
                      "</p>\n<table class=\"fig targets\"><thead><tr><th>target</th>"
                      "<th>observed</th><th>simulated%s</th>%s<th>source</th></tr></thead>"
                      "<tbody>\n",
                      p->multi ? " (mean)" : "",
                      p->multi ? "<th>90% interval</th><th>inside</th>" : "");
        cc_buf_append(b, t.data, t.len);
        cc_buf_printf(b, "</tbody></table>\n");
    }
    b->failed |= t.failed;
    cc_buf_free(&t);
    return rows > 0;
}

/* Without targets: the prison population at each report date. */
static void report_dates(page *p)
{
    struct fy_node *at = cc_report_lookup(p->root, "at");
    if (!at || !fy_node_is_mapping(at))
        return;
    cc_buf_printf(p->b, "<h2>Simulated stocks at the report dates</h2>\n<p>The scenario names "
                        "no targets; these are the figures to set beside published "
                        "counts.</p>\n");
    table_head(p, "Prisoners at the report dates", "figure (unit)");
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(at, &it)) != NULL) {
        const char *d = cc_report_text(fy_node_pair_key(pr));
        if (!d)
            continue;
        char w[96];
        cc_headline_date(d, w, sizeof w);
        figure_row(p, cc_report_lookup(fy_node_pair_value(pr), "prison_population"),
                   "Prisoners (people)", w, S_COUNT);
    }
    cc_buf_printf(p->b, "</tbody></table>\n");
}

/* ---- assumptions -------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The values replicates.csv gives column "input:NAME": their median and
 * 5% and 95% points; 0 if it has none. */
static int input_values(char *const *rows, int nrows, int col, double *q)
{
    double *x = malloc(sizeof *x * (size_t)(nrows ? nrows : 1));
    int n = 0;
    for (int i = 0; x && i < nrows; i++) {
        char *field[1];
        const char *r = rows[i];
        /* the col-th field of a row (inputs come before any quoted name) */
        int k = 0;
        while (k < col && r && (r = strchr(r, ',')) != NULL)
            r++, k++;
        (void)field;
        if (!r || k != col)
            continue;
        char *end;
        double v = strtod(r, &end);
        if (end != r && isfinite(v))
            x[n++] = v;
    }
    if (n)
        qsort(x, (size_t)n, sizeof *x, cmp_double);
    if (n) {
        double at[3] = {0.05, 0.5, 0.95};
        for (int j = 0; j < 3; j++) {
            double h = at[j] * (n - 1);
            int lo = (int)floor(h);
            int hi = lo + 1 < n ? lo + 1 : lo;
            q[j] = x[lo] + (h - lo) * (x[hi] - x[lo]);
        }
    }
    free(x);
    return n;
}

static void assumptions(page *p, const char *dir)
{
    struct fy_node *inputs = cc_report_lookup(p->about, "inputs");
    cc_buf *b = p->b;
    cc_buf_printf(b, "<h2>Assumptions</h2>\n");
    int n = inputs && fy_node_is_sequence(inputs) ? fy_node_sequence_item_count(inputs) : 0;
    int posterior = cc_report_lookup(p->about, "posterior") != NULL;
    if (!n) {
        cc_buf_printf(b, "<p>The scenario gives no input as uncertain (none is written as a "
                         "prior): every input takes the value written in the scenario, and "
                         "the comments of the scenario file say where each comes from.</p>\n");
        return;
    }
    cc_buf_printf(b,
                  "<p>These inputs are assumptions: no published figure fixes them, so "
                  "the scenario gives each a range (a prior). Each replicate draws its "
                  "values %s. Every other input takes the value written in the scenario, "
                  "whose comments give its source.</p>\n",
                  posterior ? "from the posterior that <code>carcer calibrate</code> fitted to the "
                              "targets above (so the drawn values are narrower than the "
                              "priors)"
                            : "from these priors");
    /* replicates.csv: the values drawn */
    char *path = cc_asprintf("%s/replicates.csv", dir);
    size_t len = 0;
    char *text = path ? cc_report_read_text(path, MAX_SIDE_BYTES, &len) : NULL;
    free(path);
    if (text && memchr(text, '\0', len)) {
        free(text);
        text = NULL;
    }
    char **rows = NULL;
    int nrows = 0;
    char *header = NULL;
    if (text) {
        char *save = NULL;
        header = strtok_r(text, "\n", &save);
        char *line;
        while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
            char **r = realloc(rows, sizeof *r * (size_t)(nrows + 1));
            if (!r)
                break;
            rows = r;
            rows[nrows++] = line;
        }
    }
    cc_buf_printf(b,
                  "<table class=\"fig\"><thead><tr><th>input (key in the scenario)</th>"
                  "<th>prior</th><th>values drawn: median</th><th>5%% %s 95%%</th>"
                  "</tr></thead><tbody>\n",
                  CC_NUMFMT_DASH);
    void *it = NULL;
    struct fy_node *in;
    while ((in = fy_node_sequence_iterate(inputs, &it)) != NULL) {
        const char *name = cc_report_text(cc_report_lookup(in, "input"));
        const char *prior = cc_report_text(cc_report_lookup(in, "prior"));
        if (!name)
            continue;
        cc_buf_printf(b, "<tr><th><code>");
        html_text(b, name);
        cc_buf_printf(b, "</code></th><td>");
        html_text(b, prior ? prior : "");
        cc_buf_printf(b, "</td>");
        /* the header's column input:NAME */
        int col = -1;
        if (header) {
            char *want = cc_asprintf("input:%s", name);
            int k = 0;
            for (const char *h = header; want && h; k++) {
                const char *comma = strchr(h, ',');
                size_t l = comma ? (size_t)(comma - h) : strlen(h);
                if (l == strlen(want) && memcmp(h, want, l) == 0) {
                    col = k;
                    break;
                }
                h = comma ? comma + 1 : NULL;
            }
            free(want);
        }
        double q[3];
        if (col >= 0 && input_values(rows, nrows, col, q) > 0) {
            char a[64], z[64], m[64];
            cc_numfmt_sig(m, sizeof m, q[1], 3, 0);
            cc_numfmt_sig(a, sizeof a, q[0], 3, 0);
            cc_numfmt_sig(z, sizeof z, q[2], 3, 0);
            cc_buf_printf(b, "<td>%s</td><td class=\"iv\">%s %s %s</td>", m, a, CC_NUMFMT_DASH, z);
        } else {
            cc_buf_printf(b, "<td></td><td></td>");
        }
        cc_buf_printf(b, "</tr>\n");
    }
    cc_buf_printf(b, "</tbody></table>\n");
    free(rows);
    free(text);
}

/* ---- policies and provenance ------------------------------------------------------------ */

static void policies(page *p)
{
    struct fy_node *l = cc_report_lookup(p->about, "policies");
    if (!l || !fy_node_is_sequence(l) || fy_node_sequence_item_count(l) == 0)
        return;
    cc_buf_printf(p->b, "<h2>Policies</h2>\n<ul>\n");
    void *it = NULL;
    struct fy_node *pol;
    while ((pol = fy_node_sequence_iterate(l, &it)) != NULL) {
        const char *name = cc_report_text(cc_report_lookup(pol, "name"));
        const char *words = cc_report_text(cc_report_lookup(pol, "words"));
        cc_buf_printf(p->b, "<li><b>");
        html_text(p->b, name ? name : "");
        cc_buf_printf(p->b, "</b>: ");
        html_text(p->b, words ? words : "");
        cc_buf_printf(p->b, "</li>\n");
    }
    cc_buf_printf(p->b, "</ul>\n");
}

/* run.json's checksum of scenario.resolved.yaml (into out), if any */
static void scenario_checksum(const char *dir, char *out, size_t size)
{
    out[0] = '\0';
    char *path = cc_asprintf("%s/run.json", dir);
    size_t len = 0;
    char *text = path ? cc_report_read_text(path, 1 << 20, &len) : NULL;
    free(path);
    if (!text)
        return;
    cc_diag *d = malloc(sizeof *d); /* the checksum is optional: errors are dropped */
    if (d)
        cc_diag_init(d);
    cc_yr r = {.file = "run.json", .diag = d, .errors = 0};
    struct fy_document *doc =
        d && !memchr(text, '\0', len) ? cc_report_parse_json(&r, text, len) : NULL;
    if (doc) {
        struct fy_node *f =
            cc_report_lookup(cc_report_lookup(cc_report_lookup(fy_document_root(doc), "files"),
                                              "scenario.resolved.yaml"),
                             "fnv1a64");
        const char *h = cc_report_text(f);
        if (h)
            snprintf(out, size, "%s", h);
        fy_document_destroy(doc);
    }
    if (d)
        cc_diag_clear(d);
    free(d);
    free(text);
}

static void provenance(page *p, const char *dir)
{
    cc_buf *b = p->b;
    const char *version = cc_report_text(cc_report_lookup(p->root, "carcer_version"));
    const char *seed = cc_report_text(cc_report_lookup(p->root, "seed"));
    const char *reps = cc_report_text(cc_report_lookup(p->root, "replicates"));
    const char *id = cc_report_text(cc_report_lookup(p->root, "run_id"));
    char sum[64];
    scenario_checksum(dir, sum, sizeof sum);
    cc_buf_printf(b, "<h2>Provenance</h2>\n<table class=\"prov\"><tbody>\n");
    const char *rows[][2] = {
        {"carcer version", version},
        {"run", id},
        {"seed", seed},
        {"replicates", reps},
        {"scenario checksum (FNV-1a 64 of scenario.resolved.yaml)", sum[0] ? sum : NULL}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (!rows[i][1])
            continue;
        cc_buf_printf(b, "<tr><th>");
        html_text(b, rows[i][0]);
        cc_buf_printf(b, "</th><td><code>");
        html_text(b, rows[i][1]);
        cc_buf_printf(b, "</code></td></tr>\n");
    }
    cc_buf_printf(b, "</tbody></table>\n<p>The output folder holds the scenario as it ran "
                     "(<code>scenario.resolved.yaml</code>, every default filled in). To run "
                     "it again and remake this page:</p>\n<pre>carcer run "
                     "scenario.resolved.yaml --seed ");
    html_text(b, seed ? seed : "1");
    cc_buf_printf(b, " --replicates ");
    html_text(b, reps ? reps : "1");
    cc_buf_printf(b, " -o results\ncarcer report results</pre>\n");
}

/* ---- the page ----------------------------------------------------------------------- */

static const char run_style[] =
    "table.fig td.win{text-align:left;color:#555;font-size:.85em;white-space:nowrap}"
    "table.fig{width:100%}table.fig th:first-child{width:40%}"
    "table.targets th:last-child{text-align:left}table.targets "
    "td.src{text-align:left;font-size:.85em;color:#555;max-width:22em}"
    "table.targets th:first-child{width:auto}pre{background:#f4f4f4;padding:.6em;"
    "white-space:pre-wrap}";

carcer_status cc_report_run(const char *dir, const char *jpath, const char *out_path,
                            carcer_diag *diag)
{
    struct fy_document *doc = NULL;
    char *json = NULL;
    cc_series s;
    memset(&s, 0, sizeof s);
    cc_buf b = {0};
    carcer_status st = CARCER_OK;
    size_t json_len = 0;
    errno = 0;
    json = cc_report_read_text(jpath, MAX_SUMMARY_BYTES, &json_len);
    cc_yr jr = {.file = jpath, .diag = &diag->d, .errors = 0};
    if (!json) {
        cc_diag_add(&diag->d, jpath, 0, 0, NULL, NULL, "cannot read the run's summary: %s",
                    errno == EFBIG ? "the file is larger than `carcer report` reads"
                                   : strerror(errno ? errno : ENOMEM));
        st = errno == EFBIG ? CARCER_INPUT : CARCER_IO;
        goto out;
    }
    if (memchr(json, '\0', json_len)) {
        cc_diag_add(&diag->d, jpath, 0, 0, NULL, NULL, "not valid JSON: a NUL byte");
        st = CARCER_INPUT;
        goto out;
    }
    /* read as JSON, which refuses YAML directives (libfyaml 0.7.12 can
     * loop for ever on a malformed one), anchors and tags */
    doc = cc_report_parse_json(&jr, json, json_len);
    if (!doc || !fy_document_root(doc) || !fy_node_is_mapping(fy_document_root(doc))) {
        if (doc || jr.errors == 0)
            cc_diag_add(&diag->d, jpath, 0, 0, NULL, NULL,
                        "expected the object that `carcer run` writes in summary.json (is %s "
                        "the output folder of `carcer run`?)",
                        dir);
        st = CARCER_INPUT;
        goto out;
    }
    if ((st = cc_series_read(dir, &s, diag)) != CARCER_OK)
        goto out;

    page p = {&b, fy_document_root(doc), NULL, 0, NULL, NULL, "", ""};
    p.about = cc_report_lookup(p.root, "about");
    double lo, hi;
    double k = cc_report_value(cc_report_lookup(p.root, "replicates"), &lo, &hi);
    p.multi = k > 1;
    p.currency = cc_report_text(cc_report_lookup(p.about, "currency"));
    p.pathogen = cc_report_text(cc_report_lookup(cc_report_lookup(p.about, "pathogen"), "title"));
    cc_headline_date(cc_report_text(cc_report_lookup(p.root, "start")), p.start, sizeof p.start);
    cc_headline_date(cc_report_text(cc_report_lookup(p.root, "end")), p.end, sizeof p.end);

    const char *name = cc_report_text(cc_report_lookup(p.root, "scenario"));
    cc_report_page_open(&b, name ? name : "results", run_style);
    const char *desc = cc_report_text(cc_report_lookup(p.about, "description"));
    if (desc) {
        cc_buf_printf(&b, "<p class=\"lede\">");
        html_text(&b, desc);
        cc_buf_printf(&b, "</p>\n");
    }
    cc_buf_printf(&b, "<p class=\"meta\">Simulated from %s to %s", p.start, p.end);
    if (isfinite(k))
        cc_buf_printf(&b, ", %.0f replicate%s", k, k == 1 ? "" : "s");
    cc_buf_printf(&b, ".</p>\n");
    if (!p.multi)
        cc_buf_printf(&b, "<p class=\"note\"><b>One replicate.</b> Every figure on this page "
                          "comes from a single draw of chance: another seed gives other "
                          "numbers, sometimes very different ones (an epidemic may die out "
                          "or spread). Run several replicates "
                          "(<code>carcer run --replicates 20</code>) to see the range of "
                          "outcomes as 90%% intervals.</p>\n");

    /* the headline: the most crowded facility's peak date from the daily means */
    cc_headline_ctx ctx = {NULL, NULL, 0};
    struct fy_node *occ = cc_report_lookup(p.root, "occupancy");
    double top = -INFINITY;
    void *it = NULL;
    struct fy_node_pair *pr;
    while (occ && fy_node_is_mapping(occ) && (pr = fy_node_mapping_iterate(occ, &it)) != NULL) {
        const char *fname = cc_report_text(fy_node_pair_key(pr));
        double v = cc_report_value(cc_report_lookup(fy_node_pair_value(pr), "peak"), &lo, &hi);
        if (fname && isfinite(v) && v > top)
            top = v, ctx.peak_facility = fname;
    }
    int oc = cc_series_col(&s, "occupancy");
    int pf = ctx.peak_facility ? cc_series_fac(&s, ctx.peak_facility) : -1;
    const double *occ_mean = cc_series_mean(&s, pf, oc);
    if (occ_mean) {
        int best = -1;
        for (int d = 0; d < s.days; d++)
            if (isfinite(occ_mean[d]) && (best < 0 || occ_mean[d] > occ_mean[best]))
                best = d;
        if (best >= 0 && s.date[best][0])
            ctx.peak_date = s.date[best];
    }
    int from, to;
    epidemic(&s, &from, &to, &ctx.epidemic_year);
    cc_buf hl = {0};
    if (cc_headlines(p.root, &ctx, &hl, NULL) > 0) {
        cc_buf_printf(&b, "<div class=\"headlines\">\n");
        cc_buf_append(&b, hl.data, hl.len);
        if (ctx.peak_date)
            cc_buf_printf(&b, "<p class=\"meta\">The date of the peak is that of the highest "
                              "daily mean over the replicates; its height is the mean of each "
                              "replicate's highest occupancy.</p>\n");
        cc_buf_printf(&b, "</div>\n");
    }
    b.failed |= hl.failed;
    cc_buf_free(&hl);

    key_figures(&p);
    people_chart(&p, &s);
    crowding(&p, &s);
    disease(&p, &s);
    who_bears(&p);
    if (!targets(&p, dir))
        report_dates(&p);
    assumptions(&p, dir);
    policies(&p);
    provenance(&p, dir);
    cc_report_page_close(&b, "run", "summary.json and its daily series");
    st = cc_report_page_write(&b, out_path, diag);
out:
    if (doc)
        fy_document_destroy(doc);
    cc_series_free(&s);
    free(json);
    cc_buf_free(&b);
    return st;
}
