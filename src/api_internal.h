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
    int ninputs;         /* uncertain inputs of the scenario (draws.h) */
    double *inputs;      /* [k][ninputs] their values in each replicate, or NULL */
    double *targets;     /* [k * cc_targets_count(s)] each replicate's target values
                          * (targets.h), or NULL when the scenario has none */
    int streamed;        /* the rows went to the run's output (options.output) */
};

/* Run replicates 0..k-1 of scenarios s[0..n) with one seed (the options',
 * or s[0]'s) and one number of replicates, into out[0..n). Scenarios that
 * differ from s[0] only in their policies share its days up to the first
 * day a policy of either acts (see run_replicate in api.c); the results are
 * those of separate runs. */
carcer_status cc_run_set(const cc_scenario *const *s, int n, const carcer_run_options *opt,
                         carcer_diag *diag, carcer_results **out);

#endif
