/* report_sensitivity.c - the page of a sensitivity folder (`carcer report DIR`
 * where DIR holds sensitivity.csv): per output a tornado chart of the
 * ranking index (Sobol total ST, Morris mu*, or PRCC) with its 90% interval,
 * the Morris plane of mu* and sigma, and the indices over time of outputs read at
 * several dates.
 *
 * The reader of sensitivity.csv refuses anything but the file `carcer
 * sensitivity` writes: the header, eight fields a line (CSV quoting as
 * written), a known method and index, numbers or empty fields; an error is
 * `file:line:col: expected ..., got ...`. It is fuzzed (fuzz/fuzz_report.c).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "report_page.h"
#include "util.h"

#define MAX_ROWS 1000000
#define HEADER "method,output,date,input,index,estimate,q05,q95"

void cc_sens_table_free(cc_sens_table *t)
{
    for (int i = 0; i < t->n; i++) {
        free(t->row[i].method);
        free(t->row[i].output);
        free(t->row[i].date);
        free(t->row[i].input);
        free(t->row[i].index);
    }
    free(t->row);
    t->row = NULL;
    t->n = 0;
}

/* One CSV field from *p (quoted or not) up to a comma or the end of the
 * line; malloc'd copy into *out. 0, or -1 with *why. */
static int field(const char **p, const char *end, char **out, const char **why)
{
    cc_buf b = {0};
    const char *s = *p;
    if (s < end && *s == '"') {
        s++;
        for (;;) {
            if (s >= end || *s == '\n') {
                *why = "a closing quote";
                cc_buf_free(&b);
                return -1;
            }
            if (*s == '"') {
                if (s + 1 < end && s[1] == '"') {
                    cc_buf_append(&b, "\"", 1);
                    s += 2;
                    continue;
                }
                s++;
                break;
            }
            cc_buf_append(&b, s, 1);
            s++;
        }
        if (s < end && *s != ',' && *s != '\n') {
            *why = "a comma after the closing quote";
            cc_buf_free(&b);
            return -1;
        }
    } else {
        while (s < end && *s != ',' && *s != '\n') {
            if (*s == '"' || *s == '\0' || *s == '\r') {
                *why = "no quote, NUL or carriage return inside an unquoted field";
                cc_buf_free(&b);
                return -1;
            }
            cc_buf_append(&b, s, 1);
            s++;
        }
    }
    if (b.failed) {
        *why = "memory for the field";
        cc_buf_free(&b);
        return -1;
    }
    *out = b.data ? b.data : cc_strdup("");
    *p = s;
    if (!*out) {
        *why = "memory for the field";
        return -1;
    }
    return 0;
}

static int number(const char *s, double *v)
{
    if (!*s) {
        *v = NAN;
        return 0;
    }
    char *e;
    errno = 0;
    *v = strtod(s, &e);
    return e != s && !*e && isfinite(*v) ? 0 : -1;
}

int cc_sens_table_read(const char *text, size_t len, const char *name, cc_sens_table *t,
                       cc_diag *diag)
{
    t->n = 0;
    t->row = NULL;
    size_t hl = strlen(HEADER);
    if (len < hl + 1 || memcmp(text, HEADER, hl) != 0 || text[hl] != '\n') {
        cc_diag_add(diag, name, 1, 1, NULL, NULL, "expected the header %s, got another line",
                    HEADER);
        return -1;
    }
    const char *p = text + hl + 1, *end = text + len;
    size_t cap = 0;
    int line = 2;
    while (p < end) {
        if (t->n >= MAX_ROWS) {
            cc_diag_add(diag, name, line, 1, NULL, NULL, "expected at most %d rows, got more",
                        MAX_ROWS);
            goto bad;
        }
        if (cc_grow((void **)&t->row, &cap, (size_t)t->n + 1, sizeof *t->row) != 0) {
            cc_diag_add(diag, name, line, 1, NULL, NULL, "out of memory");
            goto bad;
        }
        char *f[8] = {0};
        const char *ls = p;
        for (int k = 0; k < 8; k++) {
            const char *why = NULL;
            int col = (int)(p - ls) + 1;
            if (field(&p, end, &f[k], &why) != 0) {
                cc_diag_add(diag, name, line, col, NULL, NULL, "expected %s, got another byte",
                            why);
                for (int j = 0; j < k; j++)
                    free(f[j]);
                goto bad;
            }
            char want = k < 7 ? ',' : '\n';
            if (p >= end || *p != want) {
                if (k < 7)
                    cc_diag_add(diag, name, line, (int)(p - ls) + 1, NULL, NULL,
                                "expected 8 fields, got %d", k + 1);
                else
                    cc_diag_add(diag, name, line, (int)(p - ls) + 1, NULL, NULL,
                                "expected the end of the line after 8 fields, got more");
                for (int j = 0; j <= k; j++)
                    free(f[j]);
                goto bad;
            }
            p++;
        }
        cc_sens_row *r = &t->row[t->n];
        r->method = f[0];
        r->output = f[1];
        r->date = f[2];
        r->input = f[3];
        r->index = f[4];
        t->n++;
        static const char *const methods[] = {"morris", "sobol", "prcc", NULL};
        static const char *const indices[] = {"S1", "ST", "mu_star", "mu", "sigma", "PRCC", NULL};
        int okm = 0, oki = 0;
        for (int k = 0; methods[k]; k++)
            okm |= strcmp(r->method, methods[k]) == 0;
        for (int k = 0; indices[k]; k++)
            oki |= strcmp(r->index, indices[k]) == 0;
        if (!okm || !oki || strcmp(r->method, t->row[0].method) != 0) {
            cc_diag_add(diag, name, line, 1, NULL, NULL,
                        "expected the method (morris, sobol, prcc; the same on every line) and "
                        "an index (S1, ST, mu_star, mu, sigma, PRCC), got '%s' and '%s'",
                        r->method, r->index);
            for (int j = 5; j < 8; j++)
                free(f[j]);
            goto bad;
        }
        int badnum = -1;
        if (number(f[5], &r->estimate) != 0)
            badnum = 5;
        else if (number(f[6], &r->q05) != 0)
            badnum = 6;
        else if (number(f[7], &r->q95) != 0)
            badnum = 7;
        if (badnum >= 0)
            cc_diag_add(diag, name, line, 1, NULL, NULL,
                        "expected a number or an empty field in field %d, got '%.40s'",
                        badnum + 1, f[badnum]);
        for (int j = 5; j < 8; j++)
            free(f[j]);
        if (badnum >= 0)
            goto bad;
        line++;
    }
    if (t->n == 0) {
        cc_diag_add(diag, name, 2, 1, NULL, NULL, "expected rows of indices, got none");
        return -1;
    }
    return 0;
bad:
    cc_sens_table_free(t);
    return -1;
}

/* ---- the page ----------------------------------------------------------------------------- */

typedef struct strs {
    int n;
    char **s;
} strs;

static int strs_add(strs *v, const char *s)
{
    for (int i = 0; i < v->n; i++)
        if (strcmp(v->s[i], s) == 0)
            return i;
    char **ns = realloc(v->s, sizeof *ns * (size_t)(v->n + 1));
    if (!ns)
        return -1;
    v->s = ns;
    v->s[v->n] = cc_strdup(s);
    return v->s[v->n] ? v->n++ : -1;
}

static void strs_free(strs *v)
{
    for (int i = 0; i < v->n; i++)
        free(v->s[i]);
    free(v->s);
}

static const cc_sens_row *find(const cc_sens_table *t, const char *out, const char *date,
                               const char *in, const char *index)
{
    for (int i = 0; i < t->n; i++) {
        const cc_sens_row *r = &t->row[i];
        if (strcmp(r->output, out) == 0 && strcmp(r->date, date) == 0 &&
            strcmp(r->input, in) == 0 && strcmp(r->index, index) == 0)
            return r;
    }
    return NULL;
}

static double fin(double v) { return isfinite(v) ? v : 0; }

/* A tornado chart: the inputs sorted by the index, bars with intervals. */
static void tornado(cc_buf *b, const cc_sens_table *t, const strs *in, const char *out,
                    const char *date, const char *index)
{
    int n = in->n;
    int *ord = malloc(sizeof *ord * (size_t)(n ? n : 1));
    double *v = malloc(sizeof *v * (size_t)(n ? n : 1));
    if (!ord || !v) {
        free(ord);
        free(v);
        return;
    }
    double lo = 0, hi = 0;
    for (int i = 0; i < n; i++) {
        const cc_sens_row *r = find(t, out, date, in->s[i], index);
        v[i] = r ? fin(r->estimate) : 0;
        ord[i] = i;
        if (r) {
            double a = fmin(fin(r->q05), v[i]), z = fmax(fin(r->q95), v[i]);
            lo = fmin(lo, a);
            hi = fmax(hi, z);
        }
    }
    for (int i = 1; i < n; i++) /* insertion sort, largest |index| first */
        for (int j = i; j > 0 && fabs(v[ord[j]]) > fabs(v[ord[j - 1]]); j--) {
            int x = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = x;
        }
    if (hi - lo <= 0)
        hi = lo + 1;
    double W = 900, L = 330, R = 40, H = 30 + 22.0 * n;
    char *title = cc_asprintf("%s%s%s: %s with its 90%% interval", out, *date ? " at " : "", date,
                              index);
    cc_report_svg_open(b, title ? title : index, W, H);
    free(title);
    double sx = (W - L - R) / (hi - lo);
#define X(val) (L + ((val) - lo) * sx)
    double step = cc_report_axis_step(hi - lo);
    for (double tk = ceil(lo / step) * step; tk <= hi + 1e-12; tk += step)
        cc_buf_printf(b,
                      "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#666\">%g</text>",
                      X(tk), X(tk), H - 18, X(tk), H - 5, tk);
    for (int q = 0; q < n; q++) {
        int i = ord[q];
        const cc_sens_row *r = find(t, out, date, in->s[i], index);
        double y = 12 + 22.0 * q;
        cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", L - 6, y + 12);
        cc_report_html_text(b, in->s[i]);
        cc_buf_printf(b, "</text>");
        double a = X(fmin(0, v[i])), z = X(fmax(0, v[i]));
        cc_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>",
                      a, y + 2, fmax(z - a, 0.5), cc_report_colour(0));
        if (r && isfinite(r->q05) && isfinite(r->q95))
            cc_buf_printf(b,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>",
                          X(r->q05), y + 9, X(r->q95), y + 9);
    }
    cc_buf_printf(b, "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>", X(0),
                  X(0), H - 18);
#undef X
    cc_report_svg_close(b);
    free(ord);
    free(v);
}

/* Morris: mu* against sigma, one point per input. */
static void morris_plane(cc_buf *b, const cc_sens_table *t, const strs *in, const char *out,
                         const char *date)
{
    double mx = 0, my = 0;
    for (int i = 0; i < in->n; i++) {
        const cc_sens_row *a = find(t, out, date, in->s[i], "mu_star");
        const cc_sens_row *s = find(t, out, date, in->s[i], "sigma");
        mx = fmax(mx, a ? fin(a->estimate) : 0);
        my = fmax(my, s ? fin(s->estimate) : 0);
    }
    if (mx <= 0)
        mx = 1;
    if (my <= 0)
        my = 1;
    double W = 900, H = 360, L = 60, B = 40, T = 10, R = 240;
    char *title = cc_asprintf("%s%s%s: Morris mu* (x) against sigma (y)", out, *date ? " at " : "",
                              date);
    cc_report_svg_open(b, title ? title : "Morris", W, H);
    free(title);
    cc_buf_printf(b,
                  "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#222\"/>"
                  "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#222\"/>",
                  L, H - B, W - R, H - B, L, T, L, H - B);
    cc_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#666\">0</text>", L - 10, H - B + 14);
    cc_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" fill=\"#666\">mu* %.3g</text>",
                  W - R, H - B + 28, mx);
    cc_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#666\">sigma %.3g</text>", L + 4, T + 10,
                  my);
    for (int i = 0; i < in->n; i++) {
        const cc_sens_row *a = find(t, out, date, in->s[i], "mu_star");
        const cc_sens_row *s = find(t, out, date, in->s[i], "sigma");
        double x = L + (W - R - L) * (a ? fin(a->estimate) : 0) / mx;
        double y = H - B - (H - B - T) * (s ? fin(s->estimate) : 0) / my;
        cc_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>", x, y,
                      cc_report_colour(i));
        cc_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"%s\">", W - R + 10, T + 14.0 * (i + 1),
                      cc_report_colour(i));
        cc_report_html_text(b, in->s[i]);
        cc_buf_printf(b, "</text>");
    }
    cc_report_svg_close(b);
}

/* The index of every input at each date of output `out`. */
static void over_time(cc_buf *b, const cc_sens_table *t, const strs *in, const strs *dates,
                      const char *out, const char *index)
{
    double hi = 0, lo = 0;
    for (int d = 0; d < dates->n; d++)
        for (int i = 0; i < in->n; i++) {
            const cc_sens_row *r = find(t, out, dates->s[d], in->s[i], index);
            if (r) {
                hi = fmax(hi, fin(r->estimate));
                lo = fmin(lo, fin(r->estimate));
            }
        }
    if (hi - lo <= 0)
        hi = lo + 1;
    double W = 900, H = 320, L = 60, B = 40, T = 10, R = 240;
    char *title = cc_asprintf("%s: %s over time", out, index);
    cc_report_svg_open(b, title ? title : index, W, H);
    free(title);
    double sx = dates->n > 1 ? (W - R - L) / (dates->n - 1) : 0, sy = (H - B - T) / (hi - lo);
    cc_buf_printf(b, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#222\"/>", L,
                  H - B - (0 - lo) * sy, W - R, H - B - (0 - lo) * sy);
    cc_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#666\">", L, H - 10);
    cc_report_html_text(b, dates->s[0]);
    cc_buf_printf(b, "</text><text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" fill=\"#666\">",
                  W - R, H - 10);
    cc_report_html_text(b, dates->s[dates->n - 1]);
    cc_buf_printf(b, "</text><text x=\"4\" y=\"%.0f\" fill=\"#666\">%.3g</text>", T + 10, hi);
    for (int i = 0; i < in->n; i++) {
        cc_buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
                      cc_report_colour(i));
        for (int d = 0; d < dates->n; d++) {
            const cc_sens_row *r = find(t, out, dates->s[d], in->s[i], index);
            cc_buf_printf(b, "%.1f,%.1f ", L + sx * d, H - B - ((r ? fin(r->estimate) : 0) - lo) * sy);
        }
        cc_buf_printf(b, "\"/><text x=\"%.0f\" y=\"%.0f\" fill=\"%s\">", W - R + 10,
                      T + 14.0 * (i + 1), cc_report_colour(i));
        cc_report_html_text(b, in->s[i]);
        cc_buf_printf(b, "</text>");
    }
    cc_report_svg_close(b);
}

carcer_status cc_report_sensitivity(const char *dir, const char *csv_path, const char *out_path,
                                    carcer_diag *diag)
{
    (void)dir; /* the page names its files, never the folder's path */
    FILE *f = fopen(csv_path, "rb");
    if (!f) {
        cc_diag_add(&diag->d, csv_path, 0, 0, NULL, NULL, "cannot read: %s", strerror(errno));
        return CARCER_IO;
    }
    cc_buf txt = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && txt.len < (size_t)1 << 30)
        cc_buf_append(&txt, chunk, n);
    fclose(f);
    if (txt.failed) {
        cc_buf_free(&txt);
        return CARCER_NOMEM;
    }
    cc_sens_table t;
    int rc = cc_sens_table_read(txt.data ? txt.data : "", txt.len, csv_path, &t, &diag->d);
    cc_buf_free(&txt);
    if (rc != 0)
        return CARCER_INPUT;
    strs outs = {0}, ins = {0};
    for (int i = 0; i < t.n; i++)
        if (strs_add(&outs, t.row[i].output) < 0 || strs_add(&ins, t.row[i].input) < 0) {
            cc_sens_table_free(&t);
            strs_free(&outs);
            strs_free(&ins);
            return CARCER_NOMEM;
        }
    const char *method = t.row[0].method;
    const char *rank = strcmp(method, "sobol") == 0    ? "ST"
                       : strcmp(method, "morris") == 0 ? "mu_star"
                                                       : "PRCC";
    cc_buf b = {0};
    cc_report_page_open(&b, "sensitivity analysis", "");
    cc_buf_printf(&b, "<p>Method: %s. Which uncertain inputs decide each output: the inputs "
                      "are sorted by %s, with bootstrap 90%% intervals (docs/sensitivity.md).</p>\n",
                  method, rank);
    for (int o = 0; o < outs.n; o++) {
        strs dates = {0};
        for (int i = 0; i < t.n; i++)
            if (strcmp(t.row[i].output, outs.s[o]) == 0)
                strs_add(&dates, t.row[i].date);
        if (dates.n == 0)
            continue;
        cc_buf_printf(&b, "<h2>");
        cc_report_html_text(&b, outs.s[o]);
        cc_buf_printf(&b, "</h2>\n");
        const char *last = dates.s[dates.n - 1];
        tornado(&b, &t, &ins, outs.s[o], last, rank);
        if (strcmp(method, "morris") == 0)
            morris_plane(&b, &t, &ins, outs.s[o], last);
        if (dates.n > 1)
            over_time(&b, &t, &ins, &dates, outs.s[o], rank);
        strs_free(&dates);
    }
    cc_report_page_close(&b, "sensitivity analysis", "sensitivity.csv");
    carcer_status st = cc_report_page_write(&b, out_path, diag);
    cc_buf_free(&b);
    cc_sens_table_free(&t);
    strs_free(&outs);
    strs_free(&ins);
    return st;
}
