/* headline.h - the sentences at the top of a run's report.
 *
 * A handful of sentences computed from summary.json, each number with its
 * window, its unit and, with replicates, its 90% interval (the 5% and 95%
 * points over the replicates): how the number of people held changed, how
 * crowded the most crowded facility became, what the disease did (named),
 * who bore the detention and what it cost (in the scenario's currency). */
#ifndef CARCER_HEADLINE_H
#define CARCER_HEADLINE_H

#include <libfyaml.h>

#include "util.h"

/* What summary.json does not say and the daily series does (each may be
 * NULL or 0). */
typedef struct cc_headline_ctx {
    const char *peak_facility; /* the facility whose peak is told (NULL: the highest) */
    const char *peak_date;     /* ISO date of its peak in the daily means */
    int epidemic_year;         /* the one year holding every infection, or 0 */
} cc_headline_ctx;

/* The sentences of summary.json's root `root`: appended to html as
 * paragraphs whose numbers are <b> elements telling where they come from
 * (data-key: the key path in summary.json as a JSON list, data-stat: mean,
 * q05 or q95, data-factor: what the value is multiplied by to be shown,
 * data-sig or data-decimals: how it is rounded, data-per: the key path it is
 * divided by, for a share), and to text as plain lines. Either may be NULL.
 * Returns the number of sentences. */
int cc_headlines(struct fy_node *root, const cc_headline_ctx *ctx, cc_buf *html, cc_buf *text);

/* "2020-03-14" as "14 March 2020" (NULL: "?"; other text as it is). */
void cc_headline_date(const char *iso, char *out, size_t size);

#endif
