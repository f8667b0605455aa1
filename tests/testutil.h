/* testutil.h - helpers shared by the test programs. */
#ifndef CARCER_TESTUTIL_H
#define CARCER_TESTUTIL_H

#include <stddef.h>

#include <stdint.h>

#include "scenario.h"

/* Read a whole file (NUL-terminated, malloc'd); NULL if it cannot be read. */
char *tu_read_file(const char *path, size_t *len);

/* Load a scenario from YAML text; fails the test with the diagnostics if it
 * does not load. */
cc_scenario *tu_load(const char *yaml);

/* Load through the public API, as file `name`; fails the test with the
 * diagnostics if it does not load. */
struct carcer_scenario *tu_load_public(const char *yaml, const char *name);

/* Load expecting failure; returns the diagnostics formatted one per line
 * (malloc'd). */
char *tu_load_errors(const char *yaml, const char *name);

/* A replicate of s created (tu_sim_start) or also run to its last day
 * (tu_sim_run); fails the test with the message on error. */
struct cc_sim *tu_sim_start(const cc_scenario *s, uint32_t replicate);
struct cc_sim *tu_sim_run(const cc_scenario *s, uint32_t replicate);

/* a and b ran the same days and agree in every recorded row and every
 * metric, bit for bit (NaN equals NaN); fails the test naming `what`. */
void tu_assert_same_run(const struct cc_sim *a, const struct cc_sim *b, const char *what);

/* The value of a metric of the replicate (fails the test when absent). */
double tu_metric(const struct cc_sim *sim, const char *key);

/* A fresh empty temporary directory (malloc'd path). */
char *tu_tmpdir(void);

#endif
