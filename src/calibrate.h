/* calibrate.h - `carcer calibrate`: a scenario's uncertain inputs fitted to
 * its targets by ABC-SMC (abc.h), with the outputs of a calibration.
 *
 * The driver builds an abc problem from the scenario: the inputs and their
 * priors (prior.h) are the parameters, the targets (targets.h) the observed
 * statistics, and a simulation is one replicate of the scenario loaded again
 * with the particle's values (cc_inputs_instantiate), run only to the last
 * day any target reads (cc_targets_last_day: the targets' values are then
 * those of a full run). The engine never reaches into the model and the
 * model knows nothing of the engine.
 */
#ifndef CARCER_CALIBRATE_H
#define CARCER_CALIBRATE_H

#include <carcer/carcer.h>

#include "abc.h"
#include "diag.h"
#include "scenario.h"

/* The checkpoint inside the output folder, and the scenario calibrated as
 * resolved (what `carcer calibrate --resume DIR` loads again). */
#define CC_CALIBRATE_CHECKPOINT "calibration.checkpoint"
#define CC_CALIBRATE_SCENARIO "scenario.calibrating.yaml"

/* Calibrate s with the engine's options (opt->checkpoint is set by the
 * driver) into folder dir: posterior.csv, generations.csv,
 * calibration.json, scenario.calibrated.yaml. `predictive` simulations of
 * parameter sets drawn from the posterior give each target's posterior
 * predictive interval (0: none). CARCER_OK, CARCER_INPUT (no inputs or no
 * targets, a checkpoint that does not match), CARCER_MODEL, CARCER_IO,
 * CARCER_NOMEM or CARCER_INTERRUPTED (the checkpoint keeps the state). */
carcer_status cc_calibrate(const cc_scenario *s, const cc_abc_options *opt, int predictive,
                           const char *dir, bool resume, cc_diag *diag);

/* Where a calibration's time goes (bench/bench_calibrate.c): simulations
 * run, thread-seconds (wall) inside them (loading each replicate's scenario
 * included), of that the loading alone, and the CPU seconds the threads
 * spent inside them. */
typedef struct cc_calibrate_stats {
    long simulations;
    double simulation_seconds, load_seconds, simulation_cpu_seconds;
} cc_calibrate_stats;

/* cc_calibrate, adding to *stats (may be NULL). */
carcer_status cc_calibrate_timed(const cc_scenario *s, const cc_abc_options *opt, int predictive,
                                 const char *dir, bool resume, cc_diag *diag,
                                 cc_calibrate_stats *stats);

#endif
