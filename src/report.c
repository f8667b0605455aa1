/* report.c - one self-contained HTML file from a run's output folder.
 *
 * Reads DIR/summary.json (through libfyaml) and DIR/timeseries.csv and
 * writes a page with the key figures, tables per facility and inline SVG
 * charts: no script, no external file, readable offline and printable. With
 * several replicates the charts show the mean over replicates and, for the
 * population, the band between the 5% and 95% points of the day.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "output.h"
#include "util.h"

/* ---- reading timeseries.csv --------------------------------------------- */

#define MAX_SERIES_COLS 32

typedef struct ts_table {
    int ncols;
    char *col[MAX_SERIES_COLS];
    int c_rep, c_day, c_date, c_fac; /* column indexes, -1 if absent */
    int nfac;
    char **fac;        /* facility names in order of appearance ("ALL" included) */
    int days, reps;
    char **date;       /* [days] */
    double *v;         /* [reps][days][nfac][ncols] */
} ts_table;

static void ts_free(ts_table *t)
{
    for (int i = 0; i < t->ncols; i++)
        free(t->col[i]);
    for (int i = 0; i < t->nfac; i++)
        free(t->fac[i]);
    for (int i = 0; t->date && i < t->days; i++)
        free(t->date[i]);
    free(t->fac);
    free(t->date);
    free(t->v);
}

/* Split one CSV line into fields (quotes handled); returns the count. */
static int split_csv(char *line, char **field, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        if (*p == '"') {
            char *w = ++p;
            field[n++] = w;
            while (*p) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            *w = '\0';
            if (*p == ',')
                p++;
            else
                break;
        } else {
            field[n++] = p;
            char *comma = strchr(p, ',');
            if (!comma)
                break;
            *comma = '\0';
            p = comma + 1;
        }
    }
    return n;
}

static int fac_index(ts_table *t, const char *name, int add)
{
    for (int i = 0; i < t->nfac; i++)
        if (strcmp(t->fac[i], name) == 0)
            return i;
    if (!add)
        return -1;
    char **f = realloc(t->fac, sizeof *f * (size_t)(t->nfac + 1));
    if (!f)
        return -1;
    t->fac = f;
    t->fac[t->nfac] = cc_strdup(name);
    return t->fac[t->nfac] ? t->nfac++ : -1;
}

static int col_index(const ts_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->col[i], name) == 0)
            return i;
    return -1;
}

/* Two passes: the first finds facilities, days and replicates, the second
 * fills the values. */
static int ts_read(const char *text, ts_table *t)
{
    memset(t, 0, sizeof *t);
    char *copy = cc_strdup(text);
    if (!copy)
        return -1;
    char *field[MAX_SERIES_COLS + 1];
    char *save = NULL;
    char *line = strtok_r(copy, "\n", &save);
    if (!line) {
        free(copy);
        return -1;
    }
    t->ncols = split_csv(line, field, MAX_SERIES_COLS);
    for (int i = 0; i < t->ncols; i++)
        t->col[i] = cc_strdup(field[i]);
    t->c_rep = col_index(t, "replicate");
    t->c_day = col_index(t, "day");
    t->c_date = col_index(t, "date");
    t->c_fac = col_index(t, "facility");
    if (t->c_day < 0 || t->c_fac < 0 || t->c_date < 0) {
        free(copy);
        return -1;
    }
    long nrows = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        int n = split_csv(line, field, MAX_SERIES_COLS);
        if (n != t->ncols)
            continue;
        int day = atoi(field[t->c_day]);
        int rep = t->c_rep >= 0 ? atoi(field[t->c_rep]) : 0;
        if (day < 0 || rep < 0 || day > 1000000 || rep > 1000000)
            continue;
        if (day + 1 > t->days)
            t->days = day + 1;
        if (rep + 1 > t->reps)
            t->reps = rep + 1;
        fac_index(t, field[t->c_fac], 1);
        nrows++;
    }
    free(copy);
    if (!nrows || !t->nfac)
        return -1;
    size_t total = (size_t)t->reps * (size_t)t->days * (size_t)t->nfac * (size_t)t->ncols;
    t->v = calloc(total, sizeof *t->v);
    t->date = calloc((size_t)t->days, sizeof *t->date);
    copy = cc_strdup(text);
    if (!t->v || !t->date || !copy) {
        free(copy);
        return -1;
    }
    save = NULL;
    strtok_r(copy, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        int n = split_csv(line, field, MAX_SERIES_COLS);
        if (n != t->ncols)
            continue;
        int day = atoi(field[t->c_day]);
        int rep = t->c_rep >= 0 ? atoi(field[t->c_rep]) : 0;
        int f = fac_index(t, field[t->c_fac], 0);
        if (day < 0 || day >= t->days || rep < 0 || rep >= t->reps || f < 0)
            continue;
        if (!t->date[day])
            t->date[day] = cc_strdup(field[t->c_date]);
        double *row = &t->v[(((size_t)rep * (size_t)t->days + (size_t)day) * (size_t)t->nfac +
                             (size_t)f) *
                            (size_t)t->ncols];
        for (int c = 0; c < t->ncols; c++)
            row[c] = strtod(field[c], NULL);
    }
    free(copy);
    return 0;
}

static double ts_at(const ts_table *t, int rep, int day, int f, int c)
{
    return t->v[(((size_t)rep * (size_t)t->days + (size_t)day) * (size_t)t->nfac + (size_t)f) *
                    (size_t)t->ncols +
                (size_t)c];
}

/* ---- HTML pieces ------------------------------------------------------------ */

static void html_text(cc_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            cc_buf_printf(b, "&lt;");
            break;
        case '>':
            cc_buf_printf(b, "&gt;");
            break;
        case '&':
            cc_buf_printf(b, "&amp;");
            break;
        case '"':
            cc_buf_printf(b, "&quot;");
            break;
        default:
            cc_buf_append(b, s, 1);
        }
    }
}

static const char *const palette[] = {"#1b6ca8", "#d1495b", "#edae49", "#2a9d3a", "#66a182",
                                      "#8d6a9f", "#2e4057", "#b5651d", "#999999", "#5c946e"};
#define NPALETTE (sizeof palette / sizeof palette[0])

typedef struct series {
    const char *label;
    const double *y; /* [n] */
    const double *lo, *hi; /* optional band */
} series;

/* A line chart as inline SVG: x = day index, dates labelled at year
 * starts. */
static void svg_chart(cc_buf *b, const char *title, const char *ylabel, const ts_table *t,
                      const series *s, int ns, double refline)
{
    const double W = 860, H = 300, L = 70, R = 180, T = 30, B = 40;
    int n = t->days;
    double ymax = refline > 0 ? refline : 0;
    for (int k = 0; k < ns; k++)
        for (int i = 0; i < n; i++) {
            double y = s[k].hi ? s[k].hi[i] : s[k].y[i];
            if (isfinite(y) && y > ymax)
                ymax = y;
        }
    if (ymax <= 0)
        ymax = 1;
    /* a round top: 1, 2 or 5 times a power of ten */
    double step = pow(10, floor(log10(ymax / 4)));
    while (ymax / step > 8)
        step *= (ymax / step > 16) ? 5 : 2;
    double top = ceil(ymax / step) * step;
#define X(i) (L + (W - L - R) * (n > 1 ? (double)(i) / (n - 1) : 0.5))
#define Y(v) (T + (H - T - B) * (1 - (v) / top))
    cc_buf_printf(b, "<figure><figcaption>");
    html_text(b, title);
    cc_buf_printf(b,
                  "</figcaption><svg viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" "
                  "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" "
                  "font-size=\"11\">",
                  W, H);
    for (double v = 0; v <= top + step / 2; v += step) {
        cc_buf_printf(b,
                      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>",
                      L, W - R, Y(v), Y(v), L - 6, Y(v) + 4, v);
    }
    for (int i = 0; i < n; i++) {
        const char *d = t->date[i];
        if (d && strlen(d) == 10 && strcmp(d + 4, "-01-01") == 0)
            cc_buf_printf(b,
                          "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                          "stroke=\"#eee\"/><text x=\"%.1f\" y=\"%.1f\" "
                          "text-anchor=\"middle\">%.4s</text>",
                          X(i), X(i), T, H - B, X(i), H - B + 16, d);
    }
    cc_buf_printf(b, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
                     "text-anchor=\"middle\">",
                  (T + H - B) / 2, (T + H - B) / 2);
    html_text(b, ylabel);
    cc_buf_printf(b, "</text>");
    if (refline > 0)
        cc_buf_printf(b,
                      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
                      "stroke-dasharray=\"4 3\"/>",
                      L, W - R, Y(refline), Y(refline));
    for (int k = 0; k < ns; k++) {
        const char *colour = palette[(size_t)k % NPALETTE];
        if (s[k].lo && s[k].hi) {
            cc_buf_printf(b, "<polygon fill=\"%s\" fill-opacity=\"0.18\" points=\"", colour);
            for (int i = 0; i < n; i++)
                cc_buf_printf(b, "%.1f,%.1f ", X(i), Y(s[k].hi[i]));
            for (int i = n - 1; i >= 0; i--)
                cc_buf_printf(b, "%.1f,%.1f ", X(i), Y(s[k].lo[i]));
            cc_buf_printf(b, "\"/>");
        }
        cc_buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"",
                      colour);
        /* at most ~1000 points a line keeps the file small */
        int stride = n > 1000 ? n / 1000 + 1 : 1;
        for (int i = 0; i < n; i += stride)
            cc_buf_printf(b, "%.1f,%.1f ", X(i), Y(s[k].y[i]));
        cc_buf_printf(b, "%.1f,%.1f\"/>", X(n - 1), Y(s[k].y[n - 1]));
        cc_buf_printf(b,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\">",
                      W - R + 12, T + 14.0 * k + 4, colour, W - R + 28, T + 14.0 * k + 8);
        html_text(b, s[k].label);
        cc_buf_printf(b, "</text>");
    }
    cc_buf_printf(b, "</svg></figure>\n");
#undef X
#undef Y
}

/* ---- summary.json -------------------------------------------------------------- */

/* A number or, with replicates, the mean of {mean, ...}; NAN if absent. */
static double summary_value(struct fy_node *root, const char *path, double *lo, double *hi)
{
    struct fy_node *n = fy_node_by_path(root, path, FY_NT, FYNWF_DONT_FOLLOW);
    *lo = *hi = NAN;
    if (!n)
        return NAN;
    if (fy_node_is_mapping(n)) {
        struct fy_node *m = fy_node_mapping_lookup_by_string(n, "mean", FY_NT);
        struct fy_node *a = fy_node_mapping_lookup_by_string(n, "q05", FY_NT);
        struct fy_node *z = fy_node_mapping_lookup_by_string(n, "q95", FY_NT);
        if (!m)
            return NAN;
        if (a && z) {
            *lo = strtod(fy_node_get_scalar0(a), NULL);
            *hi = strtod(fy_node_get_scalar0(z), NULL);
        }
        return strtod(fy_node_get_scalar0(m), NULL);
    }
    const char *s = fy_node_get_scalar0(n);
    return s ? strtod(s, NULL) : NAN;
}

static void fmt_value(char *out, size_t len, double v, double scale, int decimals)
{
    if (isnan(v))
        snprintf(out, len, "&ndash;");
    else
        snprintf(out, len, "%.*f", decimals, v * scale);
}

static void figure_row(cc_buf *b, struct fy_node *root, const char *label, const char *path,
                       double scale, int decimals)
{
    double lo, hi;
    double v = summary_value(root, path, &lo, &hi);
    if (isnan(v))
        return;
    char a[64], l[64], h[64];
    fmt_value(a, sizeof a, v, scale, decimals);
    cc_buf_printf(b, "<tr><th>");
    html_text(b, label);
    cc_buf_printf(b, "</th><td>%s</td>", a);
    if (!isnan(lo)) {
        fmt_value(l, sizeof l, lo, scale, decimals);
        fmt_value(h, sizeof h, hi, scale, decimals);
        cc_buf_printf(b, "<td>%s &ndash; %s</td>", l, h);
    }
    cc_buf_printf(b, "</tr>\n");
}

/* Rows of a table from every key of an object (e.g. person_years.by_offense). */
static void object_rows(cc_buf *b, struct fy_node *root, const char *path, double scale,
                        int decimals)
{
    struct fy_node *obj = fy_node_by_path(root, path, FY_NT, FYNWF_DONT_FOLLOW);
    if (!obj || !fy_node_is_mapping(obj))
        return;
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(obj, &it)) != NULL) {
        const char *k = fy_node_get_scalar0(fy_node_pair_key(p));
        if (!k)
            continue;
        char *sub = cc_asprintf("%s/%s", path, k);
        if (sub)
            figure_row(b, root, k, sub, scale, decimals);
        free(sub);
    }
}

static const char style[] =
    "body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:0}h2{font-size:1.2em;border-bottom:1px solid #ccc;"
    "margin-top:2em}table{border-collapse:collapse;margin:.5em 0}th,td{padding:.2em .8em;"
    "border-bottom:1px solid #eee;text-align:right}th{text-align:left;font-weight:normal}"
    "thead th{font-weight:bold;text-align:right}figure{margin:1em 0;page-break-inside:avoid}"
    "figcaption{font-weight:bold}.meta{color:#666}@media print{body{margin:0}}";

carcer_status carcer_report_write(const char *dir, const char *out_path, carcer_diag *diag)
{
    char *jpath = cc_asprintf("%s/summary.json", dir);
    char *tpath = cc_asprintf("%s/timeseries.csv", dir);
    struct fy_document *doc = NULL;
    char *csv = NULL;
    ts_table t;
    memset(&t, 0, sizeof t);
    cc_buf b = {0};
    carcer_status st = CARCER_OK;
    if (!jpath || !tpath) {
        st = CARCER_NOMEM;
        goto out;
    }
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET};
    doc = fy_document_build_from_file(&cfg, jpath);
    if (!doc || !fy_document_root(doc) || !fy_node_is_mapping(fy_document_root(doc))) {
        cc_diag_add(&diag->d, jpath, 0, 0, NULL, NULL,
                    "cannot read the run's summary (is %s the output folder of `carcer run`?)",
                    dir);
        st = CARCER_INPUT;
        goto out;
    }
    struct fy_node *root = fy_document_root(doc);
    FILE *fp = fopen(tpath, "rb");
    if (fp) {
        cc_buf cb = {0};
        char chunk[65536];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
            cc_buf_append(&cb, chunk, got);
        fclose(fp);
        csv = cb.data;
    }
    if (!csv || ts_read(csv, &t) != 0) {
        cc_diag_add(&diag->d, tpath, 0, 0, NULL, NULL, "cannot read the daily series");
        st = CARCER_INPUT;
        goto out;
    }

    const char *name = fy_node_get_scalar0(fy_node_by_path(root, "/scenario", FY_NT, 0));
    cc_buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<title>carcer: ");
    html_text(&b, name ? name : "results");
    cc_buf_printf(&b, "</title><style>%s</style></head><body>\n<h1>", style);
    html_text(&b, name ? name : "results");
    cc_buf_printf(&b, "</h1>\n<p class=\"meta\">");
    const char *meta[][2] = {{"start", "/start"}, {"end", "/end"}, {"seed", "/seed"},
                             {"replicates", "/replicates"}, {"carcer", "/carcer_version"}};
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++) {
        const char *v = fy_node_get_scalar0(fy_node_by_path(root, meta[i][1], FY_NT, 0));
        if (v) {
            cc_buf_printf(&b, "%s%s: ", i ? " &middot; " : "", meta[i][0]);
            html_text(&b, v);
        }
    }
    cc_buf_printf(&b, "</p>\n");
    double reps_lo, reps_hi;
    int multi = summary_value(root, "/replicates", &reps_lo, &reps_hi) > 1;

    cc_buf_printf(&b, "<h2>Key figures</h2>\n<table><thead><tr><th></th><th>%s</th>%s</tr>"
                      "</thead>\n",
                  multi ? "mean" : "value", multi ? "<th>5% &ndash; 95%</th>" : "");
    figure_row(&b, root, "People in custody at the start", "/population_start", 1, 0);
    figure_row(&b, root, "People in custody at the end", "/population_end", 1, 0);
    figure_row(&b, root, "People in custody at the peak", "/population_peak", 1, 0);
    figure_row(&b, root, "Prison population growth (%)", "/prison_growth", 100, 1);
    figure_row(&b, root, "Drug offenses among prisoners at the end (%)", "/drug_share_end", 100,
               1);
    figure_row(&b, root, "Prisoners awaiting a first verdict at the end (%)",
               "/pretrial_share_end", 100, 1);
    figure_row(&b, root, "Arrests", "/arrests", 1, 0);
    figure_row(&b, root, "Re-arrests", "/rearrests", 1, 0);
    figure_row(&b, root, "Bribes paid to avoid trial", "/bribes", 1, 0);
    figure_row(&b, root, "Pretrial detentions beyond the legal limit",
               "/pretrial_limit_violations", 1, 0);
    figure_row(&b, root, "Child-days in custody", "/child_days", 1, 0);
    figure_row(&b, root, "Infections among detainees", "/infections/detainees", 1, 0);
    figure_row(&b, root, "Infections among staff", "/infections/staff", 1, 0);
    figure_row(&b, root, "Deaths from disease", "/deaths/disease", 1, 0);
    figure_row(&b, root, "Other deaths in custody", "/deaths/other", 1, 0);
    figure_row(&b, root, "Infectious people released (spillover)", "/spillover", 1, 0);
    figure_row(&b, root, "Cost", "/cost", 1, 0);
    cc_buf_printf(&b, "</table>\n");

    /* daily means over replicates, and the population band */
    int all = fac_index(&t, "ALL", 0);
    size_t n = (size_t)t.days;
    double *mean = calloc(n * (size_t)t.nfac * 8, sizeof *mean);
    double *lo = calloc(n, sizeof *lo), *hi = calloc(n, sizeof *hi);
    double *tmp = calloc((size_t)t.reps, sizeof *tmp);
    if (!mean || !lo || !hi || !tmp || all < 0) {
        free(mean), free(lo), free(hi), free(tmp);
        st = all < 0 ? CARCER_INPUT : CARCER_NOMEM;
        goto out;
    }
    const char *cols[8] = {"population", "pretrial", "appeal", "sentenced",
                           "rehab",      "police",   "occupancy", "new_infections"};
    int ci[8];
    for (int c = 0; c < 8; c++)
        ci[c] = col_index(&t, cols[c]);
#define MEAN(f, c, d) mean[(((size_t)(f) * 8) + (size_t)(c)) * n + (size_t)(d)]
    for (int f = 0; f < t.nfac; f++)
        for (int c = 0; c < 8; c++)
            for (size_t d = 0; d < n; d++) {
                double sum = 0;
                for (int r = 0; r < t.reps; r++)
                    sum += ci[c] >= 0 ? ts_at(&t, r, (int)d, f, ci[c]) : 0;
                MEAN(f, c, d) = sum / t.reps;
            }
    for (size_t d = 0; d < n && ci[0] >= 0; d++) {
        for (int r = 0; r < t.reps; r++)
            tmp[r] = ts_at(&t, r, (int)d, all, ci[0]);
        gsl_sort(tmp, 1, (size_t)t.reps);
        lo[d] = gsl_stats_quantile_from_sorted_data(tmp, 1, (size_t)t.reps, 0.05);
        hi[d] = gsl_stats_quantile_from_sorted_data(tmp, 1, (size_t)t.reps, 0.95);
    }

    cc_buf_printf(&b, "<h2>People in custody</h2>\n");
    series s[10];
    int ns = 0;
    const char *labels[6] = {"all", "pretrial", "appeal", "sentenced", "rehab", "police"};
    for (int c = 0; c < 6; c++) {
        s[ns].label = labels[c];
        s[ns].y = &MEAN(all, c, 0);
        s[ns].lo = c == 0 && multi ? lo : NULL;
        s[ns].hi = c == 0 && multi ? hi : NULL;
        ns++;
    }
    svg_chart(&b, "People in custody by justice state (whole system)", "people", &t, s, ns, 0);

    cc_buf_printf(&b, "<h2>Crowding</h2>\n<p>Occupancy is the population divided by the "
                      "official capacity; the dashed line marks full capacity.</p>\n");
    ns = 0;
    for (int f = 0; f < t.nfac && ns < 10; f++) {
        if (f == all)
            continue;
        s[ns].label = t.fac[f];
        s[ns].y = &MEAN(f, 6, 0);
        s[ns].lo = s[ns].hi = NULL;
        ns++;
    }
    svg_chart(&b, "Occupancy by facility", "population / capacity", &t, s, ns, 1.0);
    cc_buf_printf(&b, "<table><thead><tr><th>facility</th><th>peak occupancy</th>"
                      "<th>mean occupancy</th><th>days over capacity</th></tr></thead>\n");
    for (int f = 0; f < t.nfac; f++) {
        if (f == all)
            continue;
        char *p1 = cc_asprintf("/occupancy/%s/peak", t.fac[f]);
        char *p2 = cc_asprintf("/occupancy/%s/mean", t.fac[f]);
        char *p3 = cc_asprintf("/occupancy/%s/days_over_capacity", t.fac[f]);
        double l1, h1, v1 = p1 ? summary_value(root, p1, &l1, &h1) : NAN;
        double v2 = p2 ? summary_value(root, p2, &l1, &h1) : NAN;
        double v3 = p3 ? summary_value(root, p3, &l1, &h1) : NAN;
        char a1[32], a2[32], a3[32];
        fmt_value(a1, sizeof a1, v1, 1, 2);
        fmt_value(a2, sizeof a2, v2, 1, 2);
        fmt_value(a3, sizeof a3, v3, 1, 0);
        cc_buf_printf(&b, "<tr><th>");
        html_text(&b, t.fac[f]);
        cc_buf_printf(&b, "</th><td>%s</td><td>%s</td><td>%s</td></tr>\n", a1, a2, a3);
        free(p1), free(p2), free(p3);
    }
    cc_buf_printf(&b, "</table>\n");

    double infections = 0;
    for (size_t d = 0; d < n; d++)
        infections += MEAN(all, 7, d);
    if (infections > 0) {
        cc_buf_printf(&b, "<h2>Infection</h2>\n");
        s[0].label = "new infections";
        s[0].y = &MEAN(all, 7, 0);
        s[0].lo = s[0].hi = NULL;
        svg_chart(&b, "New infections a day (whole system)", "people", &t, s, 1, 0);
    }
#undef MEAN
    free(mean), free(lo), free(hi), free(tmp);

    cc_buf_printf(&b, "<h2>Who bears the detention</h2>\n<table><thead><tr><th>person-years "
                      "detained</th><th>%s</th>%s</tr></thead>\n",
                  multi ? "mean" : "value", multi ? "<th>5% &ndash; 95%</th>" : "");
    object_rows(&b, root, "/person_years/by_offense", 1, 0);
    object_rows(&b, root, "/person_years/by_poor", 1, 0);
    object_rows(&b, root, "/person_years/by_state", 1, 0);
    cc_buf_printf(&b, "</table>\n<p class=\"meta\">Made by carcer from the run in ");
    html_text(&b, dir);
    cc_buf_printf(&b, " (summary.json, timeseries.csv).</p>\n</body></html>\n");
    if (b.failed) {
        st = CARCER_NOMEM;
        goto out;
    }
    if (cc_write_file_atomic(out_path, b.data, b.len) != 0) {
        cc_diag_add(&diag->d, out_path, 0, 0, NULL, NULL, "cannot write the report: %s",
                    strerror(errno));
        st = CARCER_IO;
    }
out:
    if (doc)
        fy_document_destroy(doc);
    ts_free(&t);
    free(csv);
    free(jpath);
    free(tpath);
    cc_buf_free(&b);
    return st;
}
