/* sim.h - one replicate of a scenario, day by day.
 *
 * The order of a day is fixed (see cc_sim_step in sim.c): (1) policies that
 * take effect, (2) scheduled justice events due today, (3) arrests and
 * re-arrests, (4) transmission from the infectious present at the start of
 * the day, (5) disease progression and deaths, (6) recording.
 *
 * A cc_sim owns all mutable state of a replicate; the scenario it reads is
 * shared and never written. Replicates are independent: run them on any
 * threads in any order, results are the same.
 */
#ifndef CARCER_SIM_H
#define CARCER_SIM_H

#include <stdint.h>

#include "metrics.h"
#include "scenario.h"

/* Columns of timeseries.csv after day,date,facility (one table: the header
 * and the row writer both come from it). `occupancy` is computed from
 * population and capacity when written. */
#define CC_TS_COLUMNS(X)                                                                     \
    X(population) X(police) X(pretrial) X(appeal) X(sentenced) X(rehab) X(children)          \
        X(admissions) X(releases) X(new_infections) X(active_infections) X(hospitalised)      \
            X(deaths_disease) X(deaths_other)

enum cc_ts_col {
#define CC_TS_ENUM(name) CC_TS_##name,
    CC_TS_COLUMNS(CC_TS_ENUM) CC_TS_NCOL
#undef CC_TS_ENUM
};

/* One day of one facility (or of the whole system, facility index -1). */
typedef struct cc_ts_row {
    int64_t v[CC_TS_NCOL];
    double capacity;
} cc_ts_row;

typedef struct cc_sim cc_sim;

/* Create the state of replicate `replicate` with the given seed: places the
 * initial population. Returns 0, or nonzero with a message in diag (out of
 * memory, or a model error such as no facility able to hold a group). */
int cc_sim_create(const cc_scenario *s, uint64_t seed, uint32_t replicate, cc_diag *diag,
                  cc_sim **out);
void cc_sim_free(cc_sim *sim);

/* A copy of the replicate's state at the start of its next day, that runs
 * scenario `s` from then on. `s` must agree with the scenario src runs in
 * everything but its policies, and no policy of either may have acted yet:
 * the copy then continues exactly as a run of `s` from day 0 would (see
 * cc_policy_acts_on and carcer_compare). Returns 0, or -1 when out of
 * memory. */
int cc_sim_clone(const cc_sim *src, const cc_scenario *s, cc_sim **out);

/* Advance one day. Returns 0, or nonzero on a model error (diag filled). */
int cc_sim_step(cc_sim *sim, cc_diag *diag);

/* Run all remaining days; `progress` (may be NULL) is called after each day. */
int cc_sim_run(cc_sim *sim, cc_diag *diag, void (*progress)(void *ctx, int day, int days),
               void *ctx);

int32_t cc_sim_day(const cc_sim *sim);

/* Recorded rows: day d, facility f (0..nfacilities-1, then nfacilities for
 * the system total) is rows[d * (nfacilities + 1) + f]. Valid for the days
 * run so far. */
const cc_ts_row *cc_sim_rows(const cc_sim *sim);

/* The scalar results of the replicate (summary.json keys), appended to m. */
int cc_sim_metrics(const cc_sim *sim, cc_metrics *m);

#endif
