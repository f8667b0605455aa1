/* rng.c - Philox streams as GSL generators (see rng.h). */
#include "rng.h"

#include <Random123/philox.h>

/* Random123's wrapper macro expands code that narrows integers on purpose;
 * keep our warning flags for our own code only. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wunused-function"
#include <Random123/gsl_microrng.h>
GSL_MICRORNG(cc_philox, philox4x32);
#pragma GCC diagnostic pop

gsl_rng *cc_rng_alloc(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_cc_philox);
    if (r)
        cc_rng_seek(r, 0, 0, cc_stream(0, 0, 0, 0, 0));
    return r;
}

void cc_rng_free(gsl_rng *r)
{
    if (r)
        gsl_rng_free(r);
}

void cc_rng_seek(gsl_rng *r, uint64_t seed, uint32_t replicate, cc_stream_id id)
{
    /* key: the seed folded to 32 bits and the replicate; counter: the stream
     * id in three words, the fourth left to the wrapper's draw counter */
    philox4x32_key_t k = {{(uint32_t)(seed ^ (seed >> 32)), replicate}};
    philox4x32_ctr_t c = {{id.w0, id.w1, id.w2, 0}};
    cc_philox_reset(r, c, k);
}
