/* fuzz_scenario.c - libFuzzer harness of the scenario loader.
 *
 * Each input is a scenario text. It must load or fail with diagnostics,
 * never crash, leak or hang; when it loads, its resolved YAML must load
 * again and resolve to the very same text (the resolved scenario is a
 * fixed point: `carcer check` output can be run as is).
 *
 * The scenario has no folder ("<fuzz>"), so it can include only the
 * embedded default and reads no file (a pathogen given by path is read
 * relative to the working folder: run in an empty one).
 *
 * Build and run: `make fuzz` (see the Makefile and docs/fuzzing.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_diag diag;
    cc_diag_init(&diag);
    cc_scenario *s = NULL;
    if (cc_scenario_load_text((const char *)data, size, "<fuzz>", NULL, 0, &diag, &s) != 0) {
        /* every failure says why */
        if (diag.count == 0 || s) {
            fprintf(stderr, "load failed without a diagnostic\n");
            abort();
        }
        for (int i = 0; i < diag.kept; i++)
            free(cc_diag_format(&diag, i));
        cc_diag_clear(&diag);
        return 0;
    }
    char *r1 = cc_scenario_resolved_yaml(s);
    cc_scenario_free(s);
    if (!r1)
        abort();
    cc_scenario *s2 = NULL;
    cc_diag_clear(&diag);
    cc_diag_init(&diag);
    if (cc_scenario_load_text(r1, strlen(r1), "<fuzz-resolved>", NULL, 0, &diag, &s2) != 0) {
        fprintf(stderr, "the resolved scenario does not load:\n%s\n", r1);
        for (int i = 0; i < diag.kept; i++) {
            char *m = cc_diag_format(&diag, i);
            fprintf(stderr, "%s\n", m ? m : "?");
            free(m);
        }
        abort();
    }
    char *r2 = cc_scenario_resolved_yaml(s2);
    cc_scenario_free(s2);
    if (!r2 || strcmp(r1, r2) != 0) {
        fprintf(stderr, "resolved text differs after a round trip:\n--- first\n%s\n--- second\n%s\n",
                r1, r2 ? r2 : "(null)");
        abort();
    }
    free(r1);
    free(r2);
    cc_diag_clear(&diag);
    return 0;
}
