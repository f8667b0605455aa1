/* api_internal.h - what the public handles hold, shared by api.c and
 * compare.c. */
#ifndef CARCER_API_INTERNAL_H
#define CARCER_API_INTERNAL_H

#include <carcer/carcer.h>

#include "diag.h"
#include "metrics.h"
#include "scenario.h"

struct carcer_diag {
    cc_diag d;
    char *formatted[CC_DIAG_MAX];
};

struct carcer_scenario {
    cc_scenario *s;
};

struct carcer_results {
    const cc_scenario *s; /* borrowed: the scenario outlives its results */
    char *resolved;       /* the scenario as run */
    uint64_t seed;
    int k;
    cc_metrics *metrics; /* [k] */
    char **ts;           /* [k] CSV rows of each replicate, or NULL */
};

#endif
