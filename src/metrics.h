/* metrics.h - named scalar results of a replicate.
 *
 * A replicate's results are a flat list of (dotted key, value), e.g.
 * "occupancy.CC1.peak". The output writers turn the keys into nested JSON,
 * the replicate aggregation into {mean, sd, q05, q50, q95}, replicates.csv
 * into columns, and compare into paired differences; one list, many views.
 * Keys keep the order in which they were added.
 */
#ifndef CARCER_METRICS_H
#define CARCER_METRICS_H

#include "util.h"

typedef struct cc_metric {
    char *key;
    double value;
} cc_metric;

typedef struct cc_metrics {
    cc_metric *m;
    size_t n, cap;
    int failed; /* out of memory while adding */
} cc_metrics;

void cc_metrics_add(cc_metrics *ms, double value, const char *fmt, ...) CC_PRINTF(3, 4);
/* index of key or -1 */
long cc_metrics_find(const cc_metrics *ms, const char *key);
void cc_metrics_free(cc_metrics *ms);

#endif
