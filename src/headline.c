/* headline.c - the headline sentences of a run (headline.h).
 *
 * Each sentence is written twice, as HTML (numbers marked with where they
 * come from, so that a test can check every number of the page against
 * summary.json) and as plain text. Counts are exact below 1,000 and to two
 * significant digits above (a mean over replicates is not known to the
 * person); multiples of capacity to two significant digits; shares in whole
 * percent; money to three significant digits in millions or billions. A
 * sentence whose figures summary.json lacks is left out. */
#include "headline.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"
#include "report_page.h"

typedef struct writer {
    cc_buf *html, *text;
    struct fy_node *root;
    int multi; /* replicates > 1: intervals */
} writer;

static void put(writer *w, const char *s)
{
    if (w->html)
        cc_report_html_text(w->html, s);
    if (w->text)
        cc_buf_printf(w->text, "%s", s);
}

static struct fy_node *at(struct fy_node *root, const char *const *path)
{
    struct fy_node *n = root;
    for (int i = 0; path[i] && n; i++)
        n = cc_report_lookup(n, path[i]);
    return n;
}

/* path as a JSON list of strings */
static void json_path(cc_buf *b, const char *const *path)
{
    cc_buf_printf(b, "[");
    for (int i = 0; path[i]; i++) {
        cc_buf_printf(b, "%s\"", i ? "," : "");
        for (const unsigned char *c = (const unsigned char *)path[i]; *c; c++)
            if (*c == '"' || *c == '\\')
                cc_buf_printf(b, "\\%c", *c);
            else if (*c < 0x20)
                cc_buf_printf(b, "\\u%04x", *c);
            else
                cc_buf_printf(b, "%c", *c);
        cc_buf_printf(b, "\"");
    }
    cc_buf_printf(b, "]");
}

/* How a number is shown. */
typedef enum kind { K_COUNT, K_SIG2, K_PERCENT, K_MONEY } kind;

typedef struct fig {
    const char *const *path;
    double v, lo, hi;
    double factor;    /* K_MONEY: 1e-6 or 1e-9, from the mean */
    const char *word; /* K_MONEY: " million" */
} fig;

static fig fig_of(writer *w, const char *const *path, kind k)
{
    fig f = {path, NAN, NAN, NAN, 1, ""};
    f.v = cc_report_value(at(w->root, path), &f.lo, &f.hi);
    if (k == K_PERCENT)
        f.factor = 100;
    if (k == K_MONEY) {
        if (fabs(f.v) >= 999.5e6)
            f.factor = 1e-9, f.word = " billion";
        else if (fabs(f.v) >= 999.5e3)
            f.factor = 1e-6, f.word = " million";
    }
    return f;
}

/* One number: statistic `stat` of f's value x, shown as kind k. */
static void number(writer *w, const fig *f, const char *stat, double x, kind k,
                   const char *const *per)
{
    double shown = x * f->factor;
    int sig = 0, decimals = 0;
    if (k == K_SIG2 || (k == K_COUNT && fabs(shown) >= 999.5))
        sig = 2;
    else if (k == K_MONEY)
        sig = 3;
    char t[128];
    if (sig)
        cc_numfmt_sig(t, sizeof t, shown, sig, 0);
    else
        cc_numfmt_fixed(t, sizeof t, shown, decimals, 0);
    if (w->html) {
        cc_buf_printf(w->html, "<b class=\"num\" data-key=\"");
        cc_buf jp = {0};
        json_path(&jp, f->path);
        if (jp.data)
            cc_report_html_text(w->html, jp.data);
        cc_buf_free(&jp);
        if (per) {
            cc_buf_printf(w->html, "\" data-per=\"");
            cc_buf pp = {0};
            json_path(&pp, per);
            if (pp.data)
                cc_report_html_text(w->html, pp.data);
            cc_buf_free(&pp);
        }
        cc_buf_printf(w->html, "\" data-stat=\"%s\" data-factor=\"%.17g\" data-%s=\"%d\">%s</b>",
                      stat, f->factor, sig ? "sig" : "decimals", sig ? sig : decimals, t);
    }
    if (w->text)
        cc_buf_printf(w->text, "%s", t);
}

static void value(writer *w, const fig *f, kind k)
{
    number(w, f, w->multi ? "mean" : "value", f->v, k, NULL);
    if (k == K_PERCENT)
        put(w, "%");
    if (k == K_MONEY)
        put(w, f->word);
}

/* " (90% interval a-b)" when there are replicates and they differ */
static void interval(writer *w, const fig *f, kind k)
{
    if (!w->multi || !isfinite(f->lo) || !isfinite(f->hi) || f->lo == f->hi)
        return;
    put(w, " (90% interval ");
    number(w, f, "q05", f->lo, k, NULL);
    put(w, CC_NUMFMT_DASH);
    number(w, f, "q95", f->hi, k, NULL); /* 51-75%, 105-117 million */
    if (k == K_PERCENT)
        put(w, "%");
    if (k == K_MONEY)
        put(w, f->word);
    put(w, ")");
}

static void sentence_open(writer *w)
{
    if (w->html)
        cc_buf_printf(w->html, "<p class=\"headline\">");
}

static void sentence_close(writer *w)
{
    if (w->html)
        cc_buf_printf(w->html, "</p>\n");
    if (w->text)
        cc_buf_printf(w->text, "\n");
}

static const char *const months[12] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

void cc_headline_date(const char *iso, char *out, size_t size)
{
    int y, m, d;
    char rest;
    if (iso && sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &rest) == 3 && m >= 1 && m <= 12)
        snprintf(out, size, "%d %s %d", d, months[m - 1], y);
    else
        snprintf(out, size, "%s", iso ? iso : "?");
}

static const char *text_at(writer *w, const char *key)
{
    return cc_report_text(cc_report_lookup(w->root, key));
}

int cc_headlines(struct fy_node *root, const cc_headline_ctx *ctx, cc_buf *html, cc_buf *text)
{
    static const cc_headline_ctx none = {NULL, NULL, 0};
    if (!ctx)
        ctx = &none;
    double lo, hi;
    writer w = {html, text, root,
                cc_report_value(cc_report_lookup(root, "replicates"), &lo, &hi) > 1};
    char start[64], end[64];
    cc_headline_date(text_at(&w, "start"), start, sizeof start);
    cc_headline_date(text_at(&w, "end"), end, sizeof end);
    struct fy_node *about = cc_report_lookup(root, "about");
    const char *currency = cc_report_text(cc_report_lookup(about, "currency"));
    int n = 0;

    /* the number held, start to end */
    static const char *const p_start[] = {"population_start", NULL};
    static const char *const p_end[] = {"population_end", NULL};
    fig a = fig_of(&w, p_start, K_COUNT), z = fig_of(&w, p_end, K_COUNT);
    if (isfinite(a.v) && isfinite(z.v)) {
        sentence_open(&w);
        put(&w, "The number of people held in police cells, prisons and rehab centres ");
        put(&w, z.v > a.v ? "rose" : z.v < a.v ? "fell" : "stayed");
        put(&w, " from ");
        value(&w, &a, K_COUNT);
        put(&w, " on ");
        put(&w, start);
        put(&w, " to ");
        value(&w, &z, K_COUNT);
        put(&w, " on ");
        put(&w, end);
        interval(&w, &z, K_COUNT);
        put(&w, ".");
        sentence_close(&w);
        n++;
    }

    /* prisons alone */
    static const char *const p_growth[] = {"prison_growth", NULL};
    fig g = fig_of(&w, p_growth, K_PERCENT);
    if (isfinite(g.v)) {
        sentence_open(&w);
        put(&w, "The prison population ");
        put(&w, g.v >= 0 ? "grew by " : "changed by ");
        value(&w, &g, K_PERCENT);
        put(&w, " between ");
        put(&w, start);
        put(&w, " and ");
        put(&w, end);
        interval(&w, &g, K_PERCENT);
        put(&w, ".");
        sentence_close(&w);
        n++;
    }

    /* the most crowded facility at its peak */
    struct fy_node *occ = cc_report_lookup(root, "occupancy");
    const char *best = ctx->peak_facility;
    double top = -INFINITY;
    void *it = NULL;
    struct fy_node_pair *pr;
    const char *highest = NULL;
    while (!best && occ && fy_node_is_mapping(occ) &&
           (pr = fy_node_mapping_iterate(occ, &it)) != NULL) {
        const char *name = cc_report_text(fy_node_pair_key(pr));
        double v = cc_report_value(cc_report_lookup(fy_node_pair_value(pr), "peak"), &lo, &hi);
        if (name && isfinite(v) && v > top)
            top = v, highest = name;
    }
    if (!best)
        best = highest;
    if (best) {
        const char *const p_peak[] = {"occupancy", best, "peak", NULL};
        fig f = fig_of(&w, p_peak, K_SIG2);
        if (isfinite(f.v)) {
            sentence_open(&w);
            put(&w, "At its peak");
            if (ctx->peak_date) {
                char d[64];
                cc_headline_date(ctx->peak_date, d, sizeof d);
                put(&w, " on ");
                put(&w, d);
            }
            put(&w, ", ");
            put(&w, best);
            put(&w, ctx->peak_facility ? " held " : ", the most crowded facility, held ");
            value(&w, &f, K_SIG2);
            put(&w, " times the people it was built for");
            interval(&w, &f, K_SIG2);
            put(&w, ".");
            sentence_close(&w);
            n++;
        }
    }

    /* the disease, named */
    const char *pathogen =
        cc_report_text(cc_report_lookup(cc_report_lookup(about, "pathogen"), "title"));
    static const char *const p_inf[] = {"infections", "detainees", NULL};
    static const char *const p_dead[] = {"deaths", "disease", NULL};
    fig inf = fig_of(&w, p_inf, K_COUNT), dead = fig_of(&w, p_dead, K_COUNT);
    if (pathogen && isfinite(inf.v)) {
        sentence_open(&w);
        put(&w, pathogen);
        put(&w, " infected ");
        put(&w, fabs(inf.v) >= 999.5 ? "about " : "");
        value(&w, &inf, K_COUNT);
        put(&w, " detainees ");
        if (ctx->epidemic_year > 0) {
            char y[32];
            snprintf(y, sizeof y, "in %d", ctx->epidemic_year);
            put(&w, y);
        } else {
            put(&w, "between ");
            put(&w, start);
            put(&w, " and ");
            put(&w, end);
        }
        interval(&w, &inf, K_COUNT);
        if (isfinite(dead.v)) {
            put(&w, " and killed ");
            value(&w, &dead, K_COUNT);
            put(&w, " of them");
            interval(&w, &dead, K_COUNT);
        }
        put(&w, ".");
        sentence_close(&w);
        n++;
    }

    /* who bore the detention */
    static const char *const p_py[] = {"person_years", "detained", NULL};
    static const char *const p_poor[] = {"person_years", "by_poor", "poor", NULL};
    fig py = fig_of(&w, p_py, K_COUNT), poor = fig_of(&w, p_poor, K_PERCENT);
    if (isfinite(py.v) && py.v > 0) {
        sentence_open(&w);
        put(&w, "Detention added up to ");
        value(&w, &py, K_COUNT);
        put(&w, " person-years over the run");
        interval(&w, &py, K_COUNT);
        if (isfinite(poor.v)) {
            put(&w, "; ");
            number(&w, &poor, w.multi ? "mean" : "value", poor.v / py.v, K_PERCENT, p_py);
            put(&w, "% of them were borne by people too poor to pay bail");
        }
        put(&w, ".");
        sentence_close(&w);
        n++;
    }

    /* what it cost */
    static const char *const p_cost[] = {"cost", NULL};
    fig c = fig_of(&w, p_cost, K_MONEY);
    if (isfinite(c.v)) {
        sentence_open(&w);
        put(&w, "Holding them cost ");
        value(&w, &c, K_MONEY);
        put(&w, currency ? " "
                         : " (in the units of the scenario's costs, which name no "
                           "currency)");
        if (currency)
            put(&w, currency);
        interval(&w, &c, K_MONEY);
        put(&w, " between ");
        put(&w, start);
        put(&w, " and ");
        put(&w, end);
        put(&w, ".");
        sentence_close(&w);
        n++;
    }
    return n;
}
