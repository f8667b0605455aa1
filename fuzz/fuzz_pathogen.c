/* fuzz_pathogen.c - libFuzzer harness of the pathogen loader
 * (cc_pathogen_load_text): every input loads or fails with diagnostics,
 * never crashes, leaks or hangs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pathogen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_diag diag;
    cc_diag_init(&diag);
    cc_pathogen *p = NULL;
    int rc = cc_pathogen_load_text((const char *)data, size, "fuzz.yaml", &diag, &p);
    if (rc != 0 && (diag.count == 0 || p)) {
        fprintf(stderr, "pathogen load failed without a diagnostic\n");
        abort();
    }
    for (int i = 0; i < diag.kept; i++)
        free(cc_diag_format(&diag, i));
    cc_diag_clear(&diag);
    cc_pathogen_free(p);
    return 0;
}
