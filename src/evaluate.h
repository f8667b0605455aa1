/* evaluate.h - one simulation of a scenario's uncertain inputs at given
 * values: the scenario loaded again with them (cc_inputs_instantiate), one
 * replicate run to a given day, and the caller's figures read from its rows
 * and metrics. Shared by calibration (calibrate.c: the targets) and
 * sensitivity analysis (sensitivity_scenario.c: the outputs), so that both
 * simulate an input set the same way.
 */
#ifndef CARCER_EVALUATE_H
#define CARCER_EVALUATE_H

#include <signal.h>
#include <stdint.h>

#include <stdbool.h>

#include "diag.h"
#include "metrics.h"
#include "scenario.h"
#include "sim.h"

/* Reads the figures of one replicate into out: inst is the scenario with the
 * values, rows its days [0, days_run) (cc_sim_rows), m its metrics. */
typedef void (*cc_evaluate_read)(void *ctx, const cc_scenario *inst, const cc_ts_row *rows,
                                 int32_t days_run, const cc_metrics *m, double *out);

/* Run replicate (seed, replicate) of base with the inputs at theta for
 * days_run days and read it. Values the schema refuses (a drawn median above
 * the p90 written beside it) are not simulated: out is left as it was
 * (callers fill it with NaN) and 0 is returned. 0, -1 error (message in
 * diag), 1 interrupted through *stop (may be NULL). *load_seconds (may be
 * NULL) gets the time spent loading the scenario. */
int cc_evaluate(const cc_scenario *base, const double *theta, int32_t days_run, uint64_t seed,
                uint32_t replicate, volatile sig_atomic_t *stop, cc_evaluate_read read,
                void *ctx, double *out, cc_diag *diag, double *load_seconds);

/* The output folder of an analysis over s's inputs (a calibration, a
 * sensitivity analysis): checked and locked for the whole analysis
 * (outdir.h), created, and holding the scenario as resolved in `kept` (what
 * a `--resume` loads again), written unless resuming. 0 with *out, or -1
 * with a message (nothing locked then). */
struct carcer_output;
int cc_evaluate_open_folder(const cc_scenario *s, const char *dir, const char *kept, bool resume,
                            cc_diag *diag, struct carcer_output **out);

#endif
