/* sensitivity_scenario.h - `carcer sensitivity`: which of a scenario's
 * uncertain inputs decide its outputs (sensitivity.h's methods over the
 * scenario's priors), with the outputs of an analysis.
 *
 * The driver builds a sensitivity problem from the scenario: the inputs and
 * their priors (prior.h) are the inputs, mapped from the unit cube by their
 * quantile functions; the outputs are summary.json keys and timeseries.csv
 * columns of a facility or ALL at dates; a simulation is one replicate of
 * the scenario loaded with the values (evaluate.h), run to the end, or only
 * to the last date a column is read when every output is a column.
 */
#ifndef CARCER_SENSITIVITY_SCENARIO_H
#define CARCER_SENSITIVITY_SCENARIO_H

#include <carcer/carcer.h>

#include "diag.h"
#include "scenario.h"
#include "sensitivity.h"

#define CC_SENSITIVITY_CHECKPOINT "sensitivity.checkpoint"
#define CC_SENSITIVITY_SCENARIO "scenario.sensitivity.yaml"

/* Analyse s with the engine's options (opt->checkpoint is set here) into
 * folder dir: sensitivity.csv, sensitivity.json, samples.csv. outputs[n]
 * names the outputs (NULL or n = 0: the headline set); over_time is NULL,
 * "monthly" or a comma-separated list of dates at which columns are read
 * (without it, a column is read on the last day). Warnings (intervals too
 * wide to rank inputs) are added to *warnings (may be NULL) on success.
 * CARCER_OK, CARCER_INPUT (no priors, an unknown output or date, a sample
 * too small; nothing is written then), CARCER_MODEL, CARCER_IO,
 * CARCER_NOMEM or CARCER_INTERRUPTED (the checkpoint keeps the state). */
carcer_status cc_sensitivity(const cc_scenario *s, const cc_sens_options *opt,
                             const char *const *outputs, int n, const char *over_time,
                             const char *dir, bool resume, cc_diag *diag, cc_diag *warnings);

/* Where an analysis's time goes (bench/bench_sensitivity.c). */
typedef struct cc_sensitivity_stats {
    long simulations;
    double simulation_seconds; /* thread-seconds inside simulations */
    double wall_seconds;       /* the whole analysis, files included */
} cc_sensitivity_stats;

/* cc_sensitivity, adding to *stats (may be NULL); fixed[i] (may be NULL)
 * fixes input i at that value when it is finite (the input is then left
 * out of the analysis). */
carcer_status cc_sensitivity_timed(const cc_scenario *s, const cc_sens_options *opt,
                                   const char *const *outputs, int n, const char *over_time,
                                   const double *fixed, const char *dir, bool resume,
                                   cc_diag *diag, cc_diag *warnings,
                                   cc_sensitivity_stats *stats);

/* The headline outputs of s (summary keys, malloc'd array of malloc'd
 * names; *n set); NULL when out of memory. */
char **cc_sensitivity_headline(const cc_scenario *s, int *n);

#endif
