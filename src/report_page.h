/* report_page.h - the page frame and SVG helpers of report.c, for the pages
 * of other folders (report_sensitivity.c): one style for every page. */
#ifndef CARCER_REPORT_PAGE_H
#define CARCER_REPORT_PAGE_H

#include <carcer/carcer.h>

#include "diag.h"
#include "util.h"

/* s as HTML text (escaped; control characters shown as U+FFFD). */
void cc_report_html_text(cc_buf *b, const char *s);
/* The start of a page titled `title`, with the shared style and `css`. */
void cc_report_page_open(cc_buf *b, const char *title, const char *css);
/* The end of a page: made from `what` in `dir` (`files`). */
void cc_report_page_close(cc_buf *b, const char *what, const char *dir, const char *files);
/* Write a finished page to path through a temporary renamed into place. */
carcer_status cc_report_page_write(const cc_buf *b, const char *path, carcer_diag *diag);
/* Tick step of an axis spanning span > 0 (1, 2 or 5 times a power of ten). */
double cc_report_axis_step(double span);
/* A titled figure holding an SVG canvas of W x H; svg_close ends both. */
void cc_report_svg_open(cc_buf *b, const char *title, double W, double H);
void cc_report_svg_close(cc_buf *b);
/* The value of key `key` in mapping map (keys compared as text), or NULL. */
struct fy_node;
struct fy_node *cc_report_lookup(struct fy_node *map, const char *key);
/* The number at node n, or the mean of a {mean, q05, q95, ...} object, with
 * its 5% and 95% points in *lo and *hi (NaN when absent); NaN if none. */
double cc_report_value(struct fy_node *n, double *lo, double *hi);
/* The text of scalar node n, or NULL. */
const char *cc_report_text(struct fy_node *n);

/* Colour i of the shared palette. */
const char *cc_report_colour(int i);

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
