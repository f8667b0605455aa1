/* rng.c - Philox streams as GSL generators (see rng.h). */
#include "rng.h"

#include <Random123/philox.h>

void cc_rng_refill(cc_rng_state *st)
{
    philox4x32_ctr_t c = {{st->ctr[0], st->ctr[1], st->ctr[2], st->block++}};
    philox4x32_key_t k = {{st->key[0], st->key[1]}};
    philox4x32_ctr_t x = philox4x32(c, k);
    for (int i = 0; i < 4; i++)
        st->out[i] = x.v[i];
    st->left = 4;
}

static unsigned long int cc_rng_get(void *state)
{
    cc_rng_state *st = state;
    if (st->left == 0)
        cc_rng_refill(st);
    return st->out[--st->left];
}

static double cc_rng_get_double(void *state) { return (double)cc_rng_get(state) / 4294967296.0; }

/* gsl_rng_alloc seeds every generator; a stream is chosen by cc_rng_seek */
static void cc_rng_set(void *state, unsigned long int s)
{
    (void)s;
    cc_rng_state *st = state;
    *st = (cc_rng_state){{0, 0, 0}, {0, 0}, 0, 0, {0, 0, 0, 0}};
}

static const gsl_rng_type cc_rng_type = {"carcer-philox4x32", 0xffffffffUL, 0,
                                         sizeof(cc_rng_state), cc_rng_set, cc_rng_get,
                                         cc_rng_get_double};

gsl_rng *cc_rng_alloc(void) { return gsl_rng_alloc(&cc_rng_type); }

void cc_rng_free(gsl_rng *r)
{
    if (r)
        gsl_rng_free(r);
}
