/* report.c - one self-contained HTML file from an output folder.
 *
 * A run's folder (DIR/summary.json, read through libfyaml, and
 * DIR/timeseries.csv) gives a page with the key figures, tables per facility
 * and inline SVG line charts. With several replicates the charts show the
 * mean over replicates and, for the population, the band between the 5% and
 * 95% points of the day.
 *
 * A comparison's folder (DIR/compare.json of `carcer compare`, no
 * summary.json) gives a page of what each alternative changes: every
 * scenario's level and each alternative's paired difference from the
 * baseline, with their 5-95% intervals, and one bar chart per headline
 * metric. compare.json is checked whole before anything is written; a wrong
 * shape is reported with its key path and position.
 *
 * Both pages share the page frame, the style and the SVG pieces below: no
 * script, no external file, readable offline and printable. Text from the
 * files (scenario and facility names) is always escaped.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <libfyaml.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_internal.h"
#include "outdir.h"
#include "output.h"
#include "report_page.h"
#include "pathogen.h" /* cc_yr: positioned errors about a parsed document */
#include "util.h"

/* ---- reading the files ---------------------------------------------------- */

/* The value of key `key` in mapping map, or NULL: the keys compared as
 * text. (libfyaml's lookup by string parses the key as YAML, so a name
 * from a file, such as "[x" or one of invalid UTF-8, would be looked up as
 * something else, and libfyaml prints its complaints about it.) */
static struct fy_node *lookup(struct fy_node *map, const char *key)
{
    if (!map || !fy_node_is_mapping(map))
        return NULL;
    size_t klen = strlen(key);
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(map, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(pr);
        size_t len = 0;
        const char *t = k && fy_node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
        if (t && len == klen && memcmp(t, key, len) == 0)
            return fy_node_pair_value(pr);
    }
    return NULL;
}

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
 * fills the values. A table has one row per replicate, day and facility,
 * as carcer writes it: one whose replicates, days and facilities span more
 * cells than it has rows is refused (a hostile file of two rows, day
 * 1000000 and replicate 1000000, would otherwise ask for terabytes).
 * Returns 0, or -1 with *why saying what is wrong (NULL: out of memory). */
static int ts_read(const char *text, ts_table *t, const char **why)
{
    *why = "expected a header line naming the columns day, date and facility";
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
        if (!(t->col[i] = cc_strdup(field[i]))) {
            *why = NULL;
            free(copy);
            return -1;
        }
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
    if (!nrows || !t->nfac) {
        *why = "expected rows of day, date and facility under the header, got none";
        return -1;
    }
    if ((double)t->reps * (double)t->days * (double)t->nfac > (double)nrows) {
        *why = "expected one row per replicate, day and facility, got rows missing";
        return -1;
    }
    *why = NULL;
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
            row[c] = field[c][0] ? strtod(field[c], NULL) : NAN; /* empty: undefined */
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
            /* control characters are not allowed in HTML text: shown as
             * the replacement character */
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
                cc_buf_printf(b, "\xEF\xBF\xBD");
            else if (*s == 0x7F)
                cc_buf_printf(b, "\xEF\xBF\xBD");
            else
                cc_buf_append(b, s, 1);
        }
    }
}

static const char *const palette[] = {"#1b6ca8", "#d1495b", "#edae49", "#2a9d3a", "#66a182",
                                      "#8d6a9f", "#2e4057", "#b5651d", "#999999", "#5c946e"};
#define NPALETTE (sizeof palette / sizeof palette[0])

static const char style[] =
    "body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:0}h2{font-size:1.2em;border-bottom:1px solid #ccc;"
    "margin-top:2em}table{border-collapse:collapse;margin:.5em 0}th,td{padding:.2em .8em;"
    "border-bottom:1px solid #eee;text-align:right}th{text-align:left;font-weight:normal}"
    "thead th{font-weight:bold;text-align:right}figure{margin:1em 0;page-break-inside:avoid}"
    "figcaption{font-weight:bold}.meta{color:#666}@media print{body{margin:0}}";

/* The start of a page: `title` (escaped) as its title and heading, the
 * shared style followed by `css`, the page's own rules. */
static void page_open(cc_buf *b, const char *title, const char *css)
{
    cc_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<title>carcer: ");
    html_text(b, title);
    cc_buf_printf(b, "</title><style>%s%s</style></head><body>\n<h1>", style, css);
    html_text(b, title);
    cc_buf_printf(b, "</h1>\n");
}

/* The end of a page: where it was made from (`what` in `dir`, from
 * `files`). */
static void page_close(cc_buf *b, const char *what, const char *dir, const char *files)
{
    cc_buf_printf(b, "<p class=\"meta\">Made by carcer from the %s in ", what);
    html_text(b, dir);
    cc_buf_printf(b, " (%s).</p>\n</body></html>\n", files);
}

/* Write a finished page to `path` through a temporary renamed into place. */
static carcer_status page_write(const cc_buf *b, const char *path, carcer_diag *diag)
{
    if (b->failed)
        return CARCER_NOMEM;
    if (cc_write_file_atomic(path, b->data, b->len) != 0) {
        cc_diag_add(&diag->d, path, 0, 0, NULL, NULL, "cannot write the report: %s",
                    strerror(errno));
        return CARCER_IO;
    }
    return CARCER_OK;
}

/* The step between the ticks of an axis spanning `span` > 0: 1, 2 or 5
 * times a power of ten, giving 4 to 8 ticks. */
static double axis_step(double span)
{
    double step = pow(10, floor(log10(span / 4)));
    while (span / step > 8)
        step *= (span / step > 16) ? 5 : 2;
    return step;
}

/* A titled figure holding an SVG canvas of W x H units, scaled to the
 * page's width; svg_close ends both. */
static void svg_open(cc_buf *b, const char *title, double W, double H)
{
    cc_buf_printf(b, "<figure><figcaption>");
    html_text(b, title);
    cc_buf_printf(b,
                  "</figcaption><svg viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" "
                  "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" "
                  "font-size=\"11\">",
                  W, H);
}

static void svg_close(cc_buf *b) { cc_buf_printf(b, "</svg></figure>\n"); }

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
    double step = axis_step(ymax);
    double top = ceil(ymax / step) * step;
#define X(i) (L + (W - L - R) * (n > 1 ? (double)(i) / (n - 1) : 0.5))
#define Y(v) (T + (H - T - B) * (1 - (v) / top))
    svg_open(b, title, W, H);
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
                if (isfinite(s[k].hi[i]))
                    cc_buf_printf(b, "%.1f,%.1f ", X(i), Y(s[k].hi[i]));
            for (int i = n - 1; i >= 0; i--)
                if (isfinite(s[k].lo[i]))
                    cc_buf_printf(b, "%.1f,%.1f ", X(i), Y(s[k].lo[i]));
            cc_buf_printf(b, "\"/>");
        }
        cc_buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"",
                      colour);
        /* at most ~1000 points a line keeps the file small */
        int stride = n > 1000 ? n / 1000 + 1 : 1;
        /* undefined values (the occupancy of a facility without capacity
         * that holds people) leave the line out */
        for (int i = 0; i < n; i += stride)
            if (isfinite(s[k].y[i]))
                cc_buf_printf(b, "%.1f,%.1f ", X(i), Y(s[k].y[i]));
        if (isfinite(s[k].y[n - 1]))
            cc_buf_printf(b, "%.1f,%.1f", X(n - 1), Y(s[k].y[n - 1]));
        cc_buf_printf(b, "\"/>");
        cc_buf_printf(b,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\">",
                      W - R + 12, T + 14.0 * k + 4, colour, W - R + 28, T + 14.0 * k + 8);
        html_text(b, s[k].label);
        cc_buf_printf(b, "</text>");
    }
    svg_close(b);
#undef X
#undef Y
}

/* ---- summary.json -------------------------------------------------------------- */

/* The number a scalar node holds; NAN for anything else (null, text, an
 * object where a number should be). */
static double scalar_number(struct fy_node *n)
{
    const char *s = n ? fy_node_get_scalar0(n) : NULL;
    if (!s)
        return NAN;
    char *end;
    double v = strtod(s, &end);
    return end != s && *end == '\0' ? v : NAN;
}

static double node_value(struct fy_node *n, double *lo, double *hi);

/* A number or, with replicates, the mean of {mean, ...}; NAN if absent. */
static double summary_value(struct fy_node *root, const char *path, double *lo, double *hi)
{
    return node_value(fy_node_by_path(root, path, FY_NT, FYNWF_DONT_FOLLOW), lo, hi);
}

/* summary_value of occupancy.NAME.stat: looked up key by key, since a
 * facility name of the daily series may hold anything (libfyaml would read
 * it as a path expression, and print its complaints about it). */
static double occupancy_value(struct fy_node *root, const char *name, const char *stat)
{
    struct fy_node *n = lookup(root, "occupancy");
    n = n && fy_node_is_mapping(n) ? lookup(n, name) : NULL;
    n = n && fy_node_is_mapping(n) ? lookup(n, stat) : NULL;
    double lo, hi;
    return node_value(n, &lo, &hi);
}

static double node_value(struct fy_node *n, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (!n)
        return NAN;
    if (fy_node_is_mapping(n)) {
        struct fy_node *m = lookup(n, "mean");
        struct fy_node *a = lookup(n, "q05");
        struct fy_node *z = lookup(n, "q95");
        if (!m)
            return NAN;
        if (a && z) {
            *lo = scalar_number(a);
            *hi = scalar_number(z);
        }
        return scalar_number(m);
    }
    return scalar_number(n);
}

static void fmt_value(char *out, size_t len, double v, double scale, int decimals)
{
    if (isnan(v))
        snprintf(out, len, "&ndash;");
    else
        snprintf(out, len, "%.*f", decimals, v * scale);
}

/* A row of the value at node n (nothing when it holds no number). */
static void node_row(cc_buf *b, struct fy_node *n, const char *label, double scale, int decimals)
{
    double lo, hi;
    double v = node_value(n, &lo, &hi);
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

static void figure_row(cc_buf *b, struct fy_node *root, const char *label, const char *path,
                       double scale, int decimals)
{
    node_row(b, fy_node_by_path(root, path, FY_NT, FYNWF_DONT_FOLLOW), label, scale, decimals);
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
        if (k) /* the value itself: a key may hold anything */
            node_row(b, fy_node_pair_value(p), k, scale, decimals);
    }
}

/* The whole file at `path`, NUL-terminated (malloc'd), its length in *len;
 * NULL if it cannot be read, is larger than `max` bytes (errno EFBIG) or
 * memory runs out. */
static char *read_text(const char *path, size_t max, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    cc_buf cb = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0 && cb.len <= max)
        cc_buf_append(&cb, chunk, got);
    int bad = ferror(fp) || cb.failed;
    fclose(fp);
    if (!bad && cb.len > max)
        errno = EFBIG;
    if (bad || cb.len > max) {
        cc_buf_free(&cb);
        return NULL;
    }
    if (!cb.data) /* an empty file */
        cc_buf_append(&cb, "", 0);
    *len = cb.len;
    return cb.data;
}

/* The largest summary.json read: 4,096 facilities (docs/limits.md) with
 * replicates write about 10 MB. timeseries.csv is read whatever its size:
 * its table takes about twice the text (one double per field). */
#define MAX_SUMMARY_BYTES ((size_t)256 << 20)
#define MAX_SERIES_BYTES SIZE_MAX

static struct fy_document *parse_json(cc_yr *r, const char *text, size_t len);

/* The page of a run: dir holds summary.json (at jpath) and timeseries.csv. */
static carcer_status run_report(const char *dir, const char *jpath, const char *out_path,
                                carcer_diag *diag)
{
    char *tpath = cc_asprintf("%s/timeseries.csv", dir);
    struct fy_document *doc = NULL;
    char *csv = NULL, *json = NULL;
    ts_table t;
    memset(&t, 0, sizeof t);
    cc_buf b = {0};
    carcer_status st = CARCER_OK;
    if (!tpath) {
        st = CARCER_NOMEM;
        goto out;
    }
    /* read as JSON, which refuses YAML directives (libfyaml 0.7.12 can
     * loop for ever on a malformed one), anchors and tags */
    size_t json_len = 0;
    errno = 0;
    json = read_text(jpath, MAX_SUMMARY_BYTES, &json_len);
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
    doc = parse_json(&jr, json, json_len);
    if (!doc || !fy_document_root(doc) || !fy_node_is_mapping(fy_document_root(doc))) {
        if (doc || jr.errors == 0)
            cc_diag_add(&diag->d, jpath, 0, 0, NULL, NULL,
                        "expected the object that `carcer run` writes in summary.json (is %s "
                        "the output folder of `carcer run`?)",
                        dir);
        st = CARCER_INPUT;
        goto out;
    }
    struct fy_node *root = fy_document_root(doc);
    size_t csv_len;
    errno = 0;
    csv = read_text(tpath, MAX_SERIES_BYTES, &csv_len);
    if (!csv) {
        cc_diag_add(&diag->d, tpath, 0, 0, NULL, NULL, "cannot read the daily series: %s",
                    errno == EFBIG ? "the file is larger than `carcer report` reads"
                                   : strerror(errno ? errno : ENOMEM));
        st = errno == EFBIG ? CARCER_INPUT : CARCER_IO;
        goto out;
    }
    const char *why = NULL;
    if (memchr(csv, '\0', csv_len)) {
        why = "expected text, got a NUL byte";
    } else if (ts_read(csv, &t, &why) != 0) {
        if (!why) {
            st = CARCER_NOMEM;
            goto out;
        }
    } else if (fac_index(&t, "ALL", 0) < 0) {
        why = "expected the rows of facility ALL (the whole system, one a day), got none";
    }
    if (why) {
        cc_diag_add(&diag->d, tpath, 0, 0, NULL, NULL, "not a daily series of `carcer run`: %s",
                    why);
        st = CARCER_INPUT;
        goto out;
    }

    const char *name = fy_node_get_scalar0(fy_node_by_path(root, "/scenario", FY_NT, 0));
    page_open(&b, name ? name : "results", "");
    cc_buf_printf(&b, "<p class=\"meta\">");
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
        double v1 = occupancy_value(root, t.fac[f], "peak");
        double v2 = occupancy_value(root, t.fac[f], "mean");
        double v3 = occupancy_value(root, t.fac[f], "days_over_capacity");
        char a1[32], a2[32], a3[32];
        fmt_value(a1, sizeof a1, v1, 1, 2);
        fmt_value(a2, sizeof a2, v2, 1, 2);
        fmt_value(a3, sizeof a3, v3, 1, 0);
        cc_buf_printf(&b, "<tr><th>");
        html_text(&b, t.fac[f]);
        cc_buf_printf(&b, "</th><td>%s</td><td>%s</td><td>%s</td></tr>\n", a1, a2, a3);
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
    cc_buf_printf(&b, "</table>\n");
    page_close(&b, "run", dir, "summary.json, timeseries.csv");
    st = page_write(&b, out_path, diag);
out:
    if (doc)
        fy_document_destroy(doc);
    ts_free(&t);
    free(csv);
    free(json);
    free(tpath);
    cc_buf_free(&b);
    return st;
}

/* ---- the page of a comparison: reading compare.json ------------------------------ */

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

/* Parse text as JSON; syntax errors are recorded with their positions. */
static struct fy_document *parse_json(cc_yr *r, const char *text, size_t len)
{
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    struct fy_diag *fd = fy_diag_create(&dcfg);
    if (!fd) {
        cc_yr_error(r, NULL, NULL, NULL, "out of memory");
        return NULL;
    }
    fy_diag_set_collect_errors(fd, true);
    /* JSON mode: refuses YAML directives at once (libfyaml 0.7.12 can loop
     * forever on a malformed one, docs/fuzzing.md), anchors and tags */
    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_JSON_FORCE;
    cfg.diag = fd;
    struct fy_document *doc = fy_document_build_from_string(&cfg, text, len);
    int syntax = 0;
    void *it = NULL;
    struct fy_diag_error *e;
    while ((e = fy_diag_errors_iterate(fd, &it)) != NULL) {
        /* collected errors count lines and columns from 1 */
        cc_diag_add(r->diag, r->file, e->line, e->column, NULL, NULL, "not valid JSON: %s",
                    e->msg);
        r->errors++;
        syntax++;
    }
    if (!doc && !syntax) {
        cc_diag_add(r->diag, r->file, 0, 0, NULL, NULL, "not valid JSON");
        r->errors++;
    }
    fy_diag_destroy(fd);
    if (doc && syntax) {
        fy_document_destroy(doc);
        doc = NULL;
    }
    return doc;
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
    if (!c->name || !c->metrics)
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
        }
    }
    if (baselines != 1)
        cc_yr_error(r, list, "scenarios", NULL,
                    "expected exactly one scenario with \"baseline\": true, got %d", baselines);
    c->n = n;
    return 0;
}

/* ---- the page of a comparison: figures -------------------------------------------- */

/* U+2212, the minus sign: wider than a hyphen, so signs line up in a
 * column of differences. */
#define MINUS "\xe2\x88\x92"

/* Decimals to show a value of about `size`: none from 100 up, one from 10,
 * else two. */
static int decimals_for(double size)
{
    size = fabs(size);
    return size >= 100 ? 0 : size >= 10 ? 1 : 2;
}

/* v for people: `decimals` after the point, thousands separated by commas,
 * a minus sign and, with `sign` (differences), a + before positive values.
 * A dash when v is not finite. */
static void fmt_number(char *out, size_t size, double v, int decimals, int sign)
{
    if (!isfinite(v)) {
        snprintf(out, size, "&ndash;");
        return;
    }
    double a = fabs(v);
    char digits[48];
    if (a >= 1e15) /* beyond counts and budgets: no separators */
        snprintf(digits, sizeof digits, "%.3g", a);
    else
        snprintf(digits, sizeof digits, "%.*f", decimals, a);
    int zero = strspn(digits, "0.") == strlen(digits); /* no sign on a rounded 0 */
    const char *pre = zero ? "" : v < 0 ? MINUS : sign ? "+" : "";
    size_t whole = a >= 1e15 ? 0 : strcspn(digits, ".");
    size_t k = strlen(pre) < size ? strlen(pre) : 0;
    memcpy(out, pre, k);
    for (size_t i = 0; digits[i] && k + 2 < size; i++) {
        if (i > 0 && i < whole && (whole - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
}

/* v in a few characters for a chart, to three significant digits: 950,
 * 1.25k, 35.2k, 4.1M, 2bn (trailing zeros dropped); signs as in
 * fmt_number. */
static void fmt_compact(char *out, size_t size, double v, int sign)
{
    const double unit[] = {1e9, 1e6, 1e3};
    const char *const suffix[] = {"bn", "M", "k"};
    double a = fabs(v), x = a;
    const char *s = "";
    for (size_t i = 0; i < sizeof unit / sizeof unit[0]; i++)
        if (a >= unit[i] * 0.9995) { /* 999,600 is 1M, not 1000k */
            x = a / unit[i];
            s = suffix[i];
            break;
        }
    char num[48];
    snprintf(num, sizeof num, "%.*f", decimals_for(x), x);
    if (strchr(num, '.')) {
        size_t len = strlen(num);
        while (num[len - 1] == '0')
            num[--len] = '\0';
        if (num[len - 1] == '.')
            num[--len] = '\0';
    }
    int zero = strcmp(num, "0") == 0;
    snprintf(out, size, "%s%s%s", zero ? "" : v < 0 ? MINUS : sign ? "+" : "", num, s);
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
    cc_buf_printf(b, "<div class=\"wide\"><table class=\"cmp\"><thead><tr><th></th>"
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
    cc_buf_printf(b, "</tbody></table></div>\n");
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
        const char *colour = palette[(size_t)(j + 1) % NPALETTE];
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

static const char comparison_style[] =
    ".iv{color:#666;font-size:.85em;white-space:nowrap}.wide{overflow-x:auto}"
    "table.cmp td{vertical-align:top;white-space:nowrap}table.cmp tbody th{min-width:16em}"
    "tr.sub th{font-weight:bold;padding-top:1em}@media print{.wide{overflow:visible}}";

/* The page of a comparison: dir holds compare.json (at cpath) and no
 * summary.json. */
static carcer_status comparison_report(const char *dir, const char *cpath, const char *out_path,
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
    page_close(&b, "comparison", dir, "compare.json");
    st = page_write(&b, out_path, diag);
out:
    comparison_free(&c);
    cc_buf_free(&b);
    return st;
}

carcer_status carcer_report_write(const char *dir, const char *out_path, carcer_diag *diag)
{
    char *summary = cc_asprintf("%s/summary.json", dir);
    char *compare = cc_asprintf("%s/compare.json", dir);
    char *def = out_path ? NULL : cc_asprintf("%s/report.html", dir);
    char *sens = cc_asprintf("%s/sensitivity.csv", dir);
    const char *out = out_path ? out_path : def;
    carcer_status st;
    if (!summary || !compare || !out || !sens) {
        st = CARCER_NOMEM;
    } else if (cc_outdir_verify(dir, &diag->d) != 0) {
        st = CARCER_INPUT; /* the files are not those of one run */
    } else if (access(summary, F_OK) == 0) {
        st = run_report(dir, summary, out, diag);
    } else if (access(compare, F_OK) == 0) {
        st = comparison_report(dir, compare, out, diag);
    } else if (access(sens, F_OK) == 0) {
        st = cc_report_sensitivity(dir, sens, out, diag);
    } else {
        cc_diag_add(&diag->d, dir, 0, 0, NULL, NULL,
                    "found neither %s (written by `carcer run`) nor %s (written by `carcer "
                    "compare`)",
                    summary, compare);
        st = CARCER_INPUT;
    }
    free(summary);
    free(compare);
    free(sens);
    free(def);
    return st;
}

/* ---- the page frame for the other pages (report_page.h) ------------------------------------ */

void cc_report_html_text(cc_buf *b, const char *s) { html_text(b, s); }
void cc_report_page_open(cc_buf *b, const char *title, const char *css)
{
    page_open(b, title, css);
}
void cc_report_page_close(cc_buf *b, const char *what, const char *dir, const char *files)
{
    page_close(b, what, dir, files);
}
carcer_status cc_report_page_write(const cc_buf *b, const char *path, carcer_diag *diag)
{
    return page_write(b, path, diag);
}
struct fy_node *cc_report_lookup(struct fy_node *map, const char *key)
{
    return lookup(map, key);
}
double cc_report_value(struct fy_node *n, double *lo, double *hi)
{
    return node_value(n, lo, hi);
}
const char *cc_report_text(struct fy_node *n)
{
    return n && fy_node_is_scalar(n) ? fy_node_get_scalar0(n) : NULL;
}
double cc_report_axis_step(double span) { return axis_step(span); }
void cc_report_svg_open(cc_buf *b, const char *title, double W, double H)
{
    svg_open(b, title, W, H);
}
void cc_report_svg_close(cc_buf *b) { svg_close(b); }
const char *cc_report_colour(int i) { return palette[(size_t)i % NPALETTE]; }
