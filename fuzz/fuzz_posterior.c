/* fuzz_posterior.c - libFuzzer harness of the readers of calibration files:
 * posterior.csv (cc_posterior_read) and the checkpoint
 * (cc_abc_checkpoint_read, then a resumed run from it). Every input reads
 * or fails with a positioned message, never crashes, leaks or hangs
 * (fuzz/readers_fixture.h). Seeds: fuzz/seeds/ and
 * tests/fuzz_regressions/{posterior,checkpoint}-*.
 *
 * Build and run: `make fuzz` (see the Makefile and docs/fuzzing.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "readers_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/carcer-fuzz-ckpt-%ld", (long)getpid());
    if (fx_readers((const char *)data, size, path) != 0)
        abort();
    unlink(path);
    return 0;
}
