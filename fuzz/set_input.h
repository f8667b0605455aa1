/* set_input.h - how an input of the --set fuzzer (fuzz_set.c) and its
 * regressions (tests/fuzz_regressions/set-*) are read: the `--set`
 * arguments, separated by NUL bytes (an argument of the command line cannot
 * hold one), applied in order to the embedded default scenario.
 */
#ifndef CARCER_FUZZ_SET_INPUT_H
#define CARCER_FUZZ_SET_INPUT_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define FUZZ_SET_MAX 64 /* --set arguments of one input */

/* Load the default scenario with the --set arguments of `data`. Returns the
 * loader's status; *nsets is the number of arguments and sets[] their
 * texts, (malloc'd, NUL-terminated; free with fuzz_set_free). */
static inline int fuzz_set_load(const char *data, size_t size, char **sets, int *nsets,
                                cc_diag *diag, cc_scenario **out)
{
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size && n < FUZZ_SET_MAX; i++)
        if (i == size || data[i] == '\0') {
            size_t len = i - start;
            char *s = malloc(len + 1);
            if (!s)
                break;
            memcpy(s, data + start, len);
            s[len] = '\0';
            sets[n++] = s;
            start = i + 1;
        }
    *nsets = n;
    size_t dlen = 0;
    const char *text = cc_scenario_default_text(&dlen);
    return cc_scenario_load_text(text, dlen, "<default>", (const char *const *)sets, n, diag, out);
}

static inline void fuzz_set_free(char **sets, int nsets)
{
    for (int i = 0; i < nsets; i++)
        free(sets[i]);
}

/* Whether every diagnostic is positioned: a --set error names an argument
 * that exists and a column inside it (or just after it), and an error of
 * the default scenario has a line. Returns 0, or the index + 1 of the first
 * bad one. */
static inline int fuzz_set_positions_ok(const cc_diag *diag, char *const *sets, int nsets)
{
    for (int i = 0; i < diag->kept; i++) {
        const cc_diag_entry *e = &diag->entry[i];
        if (e->file && strcmp(e->file, "--set") == 0) {
            if (e->line < 1 || e->line > nsets || e->col < 1 ||
                (size_t)e->col > strlen(sets[e->line - 1]) + 1)
                return i + 1;
        }
    }
    return 0;
}

#endif
