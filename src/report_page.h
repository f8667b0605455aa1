/* report_page.h - what the pages of `carcer report` share (report.c): the
 * page frame and style, SVG pieces, the readers of JSON and of whole files,
 * and the entry of each page (report_run.c, report_compare.c,
 * report_sensitivity.c): one style for every page. */
#ifndef CARCER_REPORT_PAGE_H
#define CARCER_REPORT_PAGE_H

#include <carcer/carcer.h>

#include "diag.h"
#include "pathogen.h" /* cc_yr: positioned errors about a parsed document */
#include "util.h"

struct fy_node;
struct fy_document;

/* s as HTML text (escaped; control characters shown as U+FFFD). */
void cc_report_html_text(cc_buf *b, const char *s);
/* The start of a page titled `title`, with the shared style and `css`. */
void cc_report_page_open(cc_buf *b, const char *title, const char *css);
/* The end of a page: made from `what` (`files`), by which carcer, when. */
void cc_report_page_close(cc_buf *b, const char *what, const char *files);
/* Write a finished page to path through a temporary renamed into place. */
carcer_status cc_report_page_write(const cc_buf *b, const char *path, carcer_diag *diag);
/* Tick step of an axis spanning span > 0 (1, 2 or 5 times a power of ten). */
double cc_report_axis_step(double span);
/* A titled figure holding an SVG canvas of W x H (its <title> the same);
 * svg_close ends both. */
void cc_report_svg_open(cc_buf *b, const char *title, double W, double H);
void cc_report_svg_close(cc_buf *b);
/* Colour i of the shared palette (colour-blind safe), and dash pattern i
 * ("" solid) that keeps lines apart in greyscale. */
const char *cc_report_colour(int i);
const char *cc_report_dash(int i);

/* The whole file at path, NUL-terminated (malloc'd), its length in *len;
 * NULL if it cannot be read, is larger than max bytes (errno EFBIG) or
 * memory runs out. */
char *cc_report_read_text(const char *path, size_t max, size_t *len);
/* text parsed as JSON (YAML directives, anchors and tags refused); syntax
 * errors recorded in r with their positions; NULL on any. */
struct fy_document *cc_report_parse_json(cc_yr *r, const char *text, size_t len);
/* The value of key `key` in mapping map (keys compared as text), or NULL. */
struct fy_node *cc_report_lookup(struct fy_node *map, const char *key);
/* The number at node n, or the mean of a {mean, q05, q95, ...} object, with
 * its 5% and 95% points in *lo and *hi (NaN when absent); NaN if none. */
double cc_report_value(struct fy_node *n, double *lo, double *hi);
/* The text of scalar node n, or NULL. */
const char *cc_report_text(struct fy_node *n);
/* Split one CSV line in place into at most max fields (quotes handled);
 * returns the count. */
int cc_report_split_csv(char *line, char **field, int max);

/* The page of a run's folder (report_run.c): dir holds summary.json (at
 * jpath) and its daily series. */
carcer_status cc_report_run(const char *dir, const char *jpath, const char *out_path,
                            carcer_diag *diag);
/* The page of a comparison's folder (report_compare.c): compare.json at
 * cpath. */
carcer_status cc_report_comparison(const char *dir, const char *cpath, const char *out_path,
                                   carcer_diag *diag);

/* The page of a sensitivity folder (report_sensitivity.c): reads
 * dir/sensitivity.csv, writes out_path. */
carcer_status cc_report_sensitivity(const char *dir, const char *csv_path, const char *out_path,
                                    carcer_diag *diag);

/* sensitivity.csv read into rows (report_sensitivity.c; the fuzzed reader):
 * 0, or -1 with a positioned message (file name `name`) in diag. */
typedef struct cc_sens_row {
    char *method, *output, *date, *input, *index;
    double estimate, q05, q95; /* NaN when empty */
} cc_sens_row;
typedef struct cc_sens_table {
    int n;
    cc_sens_row *row;
} cc_sens_table;
int cc_sens_table_read(const char *text, size_t len, const char *name, cc_sens_table *t,
                       cc_diag *diag);
void cc_sens_table_free(cc_sens_table *t);

#endif
