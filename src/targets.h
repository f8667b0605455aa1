/* targets.h - what was observed, in the scenario: the `targets:` list, the
 * value of each target in one replicate, and targets.csv.
 *
 * A target names a figure of a run (a timeseries.csv column for a facility,
 * a facility type or ALL, on a date or over a range of dates; a summary.json
 * key; or the ratio of two such figures), the value observed, a scale (a
 * standard deviation or a tolerance) that distances are divided by, a weight
 * and the source of the observed figure. Everything is checked at load
 * (targets.c): a target that loads reads only rows and keys that a run of the
 * scenario records, so evaluating it cannot fail on a full run.
 *
 * The list hangs on cc_scenario.targets (NULL when the scenario has none) and
 * is read-only after load, like the rest of the scenario. Evaluation costs
 * the days a target averages over plus one key search per summary target.
 */
#ifndef CARCER_TARGETS_H
#define CARCER_TARGETS_H

#include <stdbool.h>
#include <stdint.h>

#include "metrics.h"
#include "scenario.h"
#include "schema.h"
#include "sim.h"
#include "util.h"

#define CC_MAX_TARGETS 1024

/* `occupancy` is the column after the recorded ones (CC_TS_NCOL): it is
 * population / capacity of the day, computed where it is read. */
#define CC_TGT_OCCUPANCY CC_TS_NCOL

typedef enum cc_tgt_kind { CC_TGT_COLUMN, CC_TGT_SUMMARY } cc_tgt_kind;

/* One figure of a run. */
typedef struct cc_tgt_measure {
    cc_tgt_kind kind;
    /* column: */
    int column;           /* a cc_ts_col, or CC_TGT_OCCUPANCY */
    int facility;         /* facility index, -1 = ALL (or the type below) */
    int type;             /* a cc_facility_type summed over, -1 = none */
    int32_t from, until;  /* days from start, inclusive */
    bool range;           /* from/until given (else `date`) */
    bool sum;             /* stat: sum over the days (else the mean) */
    /* summary: */
    char *key;            /* a summary.json dotted key (malloc'd) */
    int32_t last;         /* the last day the figure reads */
} cc_tgt_measure;

typedef struct cc_target {
    char name[CC_MAX_NAME];
    bool ratio;           /* a / b; else a alone */
    cc_tgt_measure a, b;
    double value;         /* observed */
    double scale;         /* the sd or the tolerance, > 0 */
    bool is_sd;           /* scale is an sd (else a tolerance) */
    double weight;        /* >= 0 */
    char *source;         /* where the observed figure comes from (malloc'd) */
    bool beyond;          /* reads a day after the last day of the run (a run
                           * shortened with `--set days=`): not measured */
} cc_target;

typedef struct cc_targets {
    int n;
    cc_target *t;
} cc_targets;

/* The schema hook of the top-level `targets:` row (schema.c). */
extern const cc_schema_custom cc_targets_custom;

/* Targets of the scenario (0 when it has none) and target i's fields;
 * i must be in [0, count). */
int cc_targets_count(const cc_scenario *s);
const char *cc_targets_name(const cc_scenario *s, int i);
double cc_targets_observed(const cc_scenario *s, int i);
double cc_targets_scale(const cc_scenario *s, int i);
bool cc_targets_scale_is_sd(const cc_scenario *s, int i);
double cc_targets_weight(const cc_scenario *s, int i);
const char *cc_targets_source(const cc_scenario *s, int i);
/* Whether target i is measured by a run: false when it reads a day after
 * the run's last day (its date, its report date or its year lies beyond a
 * run shortened with `--set days=`). Such a target is kept and printed back,
 * evaluates to NaN, and targets.csv shows it without a simulated value. */
bool cc_targets_in_run(const cc_scenario *s, int i);

/* The last day (0-based from start) that any target in the run reads, or -1
 * when the scenario has none. A run stopped after this day (days_run = last
 * day + 1) gives every target the value of a full run: columns are read on
 * their days; summary keys `at.DATE.*` are the stocks of their date and
 * `arrests_drug.Y`, `rehab_admissions.Y`, `deaths_other.Y` the sums over
 * their year, all recorded on or before that day and never changed after;
 * any other summary key reads the whole run (days - 1). */
int32_t cc_targets_last_day(const cc_scenario *s);

/* Each target's value in one replicate into out[0..count), from the
 * replicate's rows (cc_sim_rows, days [0, days_run)) and its metrics
 * (cc_sim_metrics). A ratio whose denominator is 0 is NaN, and so is a
 * target beyond the run. Returns 0, or -1 when some target in the run reads
 * a day at or after days_run or a key missing from m (its value is then NaN;
 * the others are filled). */
int cc_targets_eval(const cc_scenario *s, const cc_ts_row *rows, int32_t days_run,
                    const cc_metrics *m, double *out);

/* targets.csv text (malloc'd; NULL when out of memory): one row per target
 * with the observed value, the scale, the weight, the mean, sd, q05, q50 and
 * q95 over the k replicates of values[r * count + i], and the source. NaN
 * values (ratios over 0) are left out of the statistics; `replicates` says
 * how many were used; an undefined statistic is an empty field. */
char *cc_targets_csv(const cc_scenario *s, const double *values, int k);

#endif
