/* report.c - `carcer report`: one self-contained HTML page from an output
 * folder, and what its pages share.
 *
 * carcer_report_write picks the page by the folder's files: a run's
 * (summary.json: report_run.c), a comparison's (compare.json:
 * report_compare.c) or a sensitivity analysis's (sensitivity.csv:
 * report_sensitivity.c), after checking that the files are those of one
 * run (outdir_verify.c). This file holds the frame every page shares
 * (report_page.h): the style (screen and A4 print, with page numbers), the
 * colour-blind-safe palette, the page's opening and closing (made by which
 * carcer, when; never the folder's path), SVG figure pieces, and the
 * readers of whole files and of JSON (through libfyaml, as JSON only).
 * No page has a script or an external file; text from the files is always
 * escaped.
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
#include <time.h>
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

/* The palette of Okabe and Ito (2008), "Color Universal Design"
 * (docs/sources.md: Okabe-Ito 2008), safe for the common colour-vision
 * deficiencies; in the order used here the first
 * four also differ in lightness, and charts give lines of the same chart
 * different dash patterns (cc_report_dash), so that they survive greyscale
 * printing. */
static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#E69F00",
                                      "#56B4E9", "#CC79A7", "#000000", "#F0E442"};
#define NPALETTE (sizeof palette / sizeof palette[0])
static const char *const dashes[] = {"", "6 3", "2 2", "8 3 2 3", "1 3", "4 4 1 4"};
#define NDASHES (sizeof dashes / sizeof dashes[0])

/* The shared style. Print: A4 with 18 mm margins, page numbers in the
 * bottom margin (CSS Paged Media margin boxes), headings kept with what
 * follows, no table row or figure split across pages, and the links'
 * targets not printed (there are none to other pages). */
static const char style[] =
    "*{box-sizing:border-box}"
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1000px;margin:2em auto;"
    "padding:0 1em;color:#1a1a1a;line-height:1.45}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:2px solid #0072B2;"
    "margin-top:2em;padding-bottom:.1em}h3{font-size:1.05em;margin-bottom:.3em}"
    "h1,h2,h3,figcaption{break-after:avoid;page-break-after:avoid}"
    "table{border-collapse:collapse;margin:.5em 0;max-width:100%}"
    "th,td{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:right;"
    "vertical-align:top}th{text-align:left;font-weight:normal}"
    "thead th{font-weight:bold;text-align:right;border-bottom:2px solid #999}"
    "thead th:first-child{text-align:left}caption{text-align:left;font-weight:bold;"
    "padding:.3em 0}tr{break-inside:avoid;page-break-inside:avoid}"
    "figure{margin:1em 0;break-inside:avoid;page-break-inside:avoid}"
    "figcaption{font-weight:bold;margin-bottom:.2em}svg{display:block;max-width:100%}"
    ".meta{color:#555}.note{border-left:4px solid #D55E00;background:#fdf1ea;"
    "padding:.5em .8em;margin:1em 0}.lede{font-size:1.08em}"
    ".headlines{background:#eef5fb;border-left:4px solid #0072B2;padding:.3em 1em;"
    "margin:1em 0}.headlines p{margin:.5em 0}"
    ".iv{color:#555;font-size:.85em;white-space:nowrap}"
    ".grid{display:flex;flex-wrap:wrap;gap:0 1%}.grid figure{width:32.6%;margin:.5em 0}"
    "code{font-size:.95em}"
    "@page{size:A4;margin:18mm 16mm 20mm 16mm;"
    "@bottom-center{content:'Page ' counter(page) ' of ' counter(pages);"
    "font-family:'DejaVu Sans',Verdana,sans-serif;font-size:9pt;color:#555}}"
    "@media print{body{margin:0;max-width:none;padding:0;font-size:10pt}"
    "h2{margin-top:1.2em}.grid figure{width:32.6%}a{color:inherit;text-decoration:none}}";

/* The start of a page: `title` (escaped) as its title and heading, the
 * shared style followed by `css`, the page's own rules. */
static void page_open(cc_buf *b, const char *title, const char *css)
{
    cc_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width\">"
                     "<title>carcer: ");
    html_text(b, title);
    cc_buf_printf(b, "</title><style>%s%s</style></head><body>\n<h1>", style, css);
    html_text(b, title);
    cc_buf_printf(b, "</h1>\n");
}

/* The date the page is made, "2 December 2026" (UTC): SOURCE_DATE_EPOCH
 * when set, so that a page can be made again byte for byte. */
static void today(char *out, size_t size)
{
    static const char *const months[12] = {"January", "February", "March",     "April",
                                           "May",     "June",     "July",      "August",
                                           "September", "October", "November", "December"};
    const char *env = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long e = env ? strtoll(env, &end, 10) : 0;
    time_t t = env && end != env && *end == '\0' && e >= 0 ? (time_t)e : time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(out, size, "?");
        return;
    }
    snprintf(out, size, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

/* The end of a page: what it was made from (`what`, from `files`), by which
 * carcer, on which day. Never the folder's path: a page handed on must not
 * carry the place it was made in. */
static void page_close(cc_buf *b, const char *what, const char *files)
{
    char d[64];
    today(d, sizeof d);
    cc_buf_printf(b, "<p class=\"meta\">Made by carcer %s from the %s (%s) on %s.</p>\n"
                     "</body></html>\n",
                  CARCER_VERSION, what, files, d);
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
 * page's width; svg_close ends both. The SVG repeats the title in its
 * <title> (read out by screen readers, shown on hover). */
static void svg_open(cc_buf *b, const char *title, double W, double H)
{
    cc_buf_printf(b, "<figure><figcaption>");
    html_text(b, title);
    cc_buf_printf(b,
                  "</figcaption><svg viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" "
                  "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"'DejaVu Sans',Verdana,"
                  "sans-serif\" font-size=\"11\"><title>",
                  W, H);
    html_text(b, title);
    cc_buf_printf(b, "</title>");
}

static void svg_close(cc_buf *b) { cc_buf_printf(b, "</svg></figure>\n"); }

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
        st = cc_report_run(dir, summary, out, diag);
    } else if (access(compare, F_OK) == 0) {
        st = cc_report_comparison(dir, compare, out, diag);
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
void cc_report_page_close(cc_buf *b, const char *what, const char *files)
{
    page_close(b, what, files);
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
char *cc_report_read_text(const char *path, size_t max, size_t *len)
{
    return read_text(path, max, len);
}
struct fy_document *cc_report_parse_json(cc_yr *r, const char *text, size_t len)
{
    return parse_json(r, text, len);
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
const char *cc_report_dash(int i) { return dashes[(size_t)i % NDASHES]; }
