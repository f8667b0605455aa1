/* testutil.h - helpers shared by the test programs. */
#ifndef CARCER_TESTUTIL_H
#define CARCER_TESTUTIL_H

#include <stddef.h>

#include "scenario.h"

/* Read a whole file (NUL-terminated, malloc'd); NULL if it cannot be read. */
char *tu_read_file(const char *path, size_t *len);

/* Load a scenario from YAML text; fails the test with the diagnostics if it
 * does not load. */
cc_scenario *tu_load(const char *yaml);

/* Load expecting failure; returns the diagnostics formatted one per line
 * (malloc'd). */
char *tu_load_errors(const char *yaml, const char *name);

/* A fresh empty temporary directory (malloc'd path). */
char *tu_tmpdir(void);

#endif
