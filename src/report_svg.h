/* report_svg.h - line charts of daily series as inline SVG, for the pages
 * of report_page.h: a title (also the SVG's <title>), both axes with their
 * titles and units, dates on the x axis (years, or months over a shorter
 * span), a legend, a 90% band where given, a dashed reference line, and
 * colours and dash patterns that survive colour-blindness and greyscale. */
#ifndef CARCER_REPORT_SVG_H
#define CARCER_REPORT_SVG_H

#include "util.h"

typedef struct cc_line {
    const char *label;
    const double *y;       /* [days]; NaN leaves a gap */
    const double *lo, *hi; /* a band, or NULL */
} cc_line;

typedef struct cc_chart {
    const char *title;
    const char *ylabel;   /* with its unit: "people", "population / capacity" */
    char *const *date;    /* ISO dates of the days */
    int from, to;         /* the days drawn: from .. to - 1 */
    const cc_line *line;
    int nline;
    double ref;           /* a dashed line at this value when > 0 */
    const char *reflabel; /* its label ("capacity") */
    double width, height; /* SVG units; the legend takes room on the right */
    int small;            /* a small multiple: no legend, fewer ticks */
} cc_chart;

/* Append the chart as a <figure> to b. */
void cc_svg_line_chart(cc_buf *b, const cc_chart *c);

#endif
