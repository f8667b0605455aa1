/* fuzz_set.c - libFuzzer harness of `--set` (path and value) applied to the
 * embedded default scenario.
 *
 * Each input is one or more --set arguments separated by NUL bytes
 * (set_input.h). The load must succeed or fail with diagnostics, never
 * crash, leak or hang; every error about a --set must name an argument that
 * was given and a column inside it; a scenario that loads must resolve to a
 * text that loads again to the same text.
 *
 * Build and run: `make fuzz` (see the Makefile and docs/fuzzing.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "set_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void print_diag(const cc_diag *diag)
{
    for (int i = 0; i < diag->kept; i++) {
        char *m = cc_diag_format(diag, i);
        fprintf(stderr, "%s\n", m ? m : "?");
        free(m);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *sets[FUZZ_SET_MAX];
    int nsets = 0;
    cc_diag diag;
    cc_diag_init(&diag);
    cc_scenario *s = NULL;
    int rc = fuzz_set_load((const char *)data, size, sets, &nsets, &diag, &s);
    if (rc != 0) {
        if (diag.count == 0 || s) {
            fprintf(stderr, "load failed without a diagnostic\n");
            abort();
        }
        int bad = fuzz_set_positions_ok(&diag, sets, nsets);
        if (bad) {
            fprintf(stderr, "diagnostic %d is not inside the --set it names:\n", bad);
            print_diag(&diag);
            abort();
        }
        fuzz_set_free(sets, nsets);
        cc_diag_clear(&diag);
        return 0;
    }
    fuzz_set_free(sets, nsets);
    char *r1 = cc_scenario_resolved_yaml(s);
    cc_scenario_free(s);
    if (!r1)
        abort();
    cc_scenario *s2 = NULL;
    cc_diag_clear(&diag);
    cc_diag_init(&diag);
    if (cc_scenario_load_text(r1, strlen(r1), "<fuzz-resolved>", NULL, 0, &diag, &s2) != 0) {
        fprintf(stderr, "the resolved scenario does not load:\n%s\n", r1);
        print_diag(&diag);
        abort();
    }
    char *r2 = cc_scenario_resolved_yaml(s2);
    cc_scenario_free(s2);
    if (!r2 || strcmp(r1, r2) != 0) {
        fprintf(stderr, "resolved text differs after a round trip\n");
        abort();
    }
    free(r1);
    free(r2);
    cc_diag_clear(&diag);
    return 0;
}
