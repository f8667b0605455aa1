/* rng.h - counter-based random streams keyed by what they belong to.
 *
 * A stream is the Philox4x32-10 generator of Random123 at the key
 * (seed, replicate) and the counter (w0, w1, w2): w0 and w1 name an entity (a
 * person by the day and order of their first arrival, a cell by facility and
 * index, a process such as daily arrests), w2 a purpose and a sequence number.
 * Seeking a stream is a few stores, so code seeks a fresh stream for each
 * decision instead of carrying generators around. Because a stream belongs
 * to an entity and never to a thread or an MPI rank, results do not depend on
 * the number of either, and two scenarios that differ in one policy draw the
 * same numbers for everything the policy does not touch (common random
 * numbers).
 *
 * The stream is wrapped as a gsl_rng so GSL's samplers draw from it. Block n
 * of a stream is Philox at the counter (w0, w1, w2, n), and its four words
 * are served last first (the order of Random123's gsl_microrng.h, which this
 * replaces, so the numbers are the same). One stream yields up to 2^32
 * blocks. The engine's own uniforms use cc_rng_u32 / cc_rng_uniform, inline
 * on the state below: most decisions need one or two words, and calling
 * through gsl_rng's function pointers cost more than serving a stored word.
 */
#ifndef CARCER_RNG_H
#define CARCER_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Entity kinds, in the top 8 bits of w0. */
enum cc_rng_kind {
    CC_RK_PERSON_INITIAL = 1, /* w0 low 24 bits: facility, w1: index */
    CC_RK_PERSON_ARREST = 2,  /* w0 low 24 bits: day, w1: index within the day */
    CC_RK_PERSON_DIRECT = 3,  /* w0 low 24 bits: day, w1: index (direct admissions) */
    CC_RK_PROCESS = 4,        /* w0 low 24 bits: day, w1: process id */
    CC_RK_FACILITY = 5,       /* w0 low 24 bits: facility, w1: day */
    CC_RK_CELL = 6,           /* w0 low 24 bits: facility, w1: cell; w2 carries the day */
    CC_RK_STAFF = 7,          /* w0 low 24 bits: facility, w1: staff index */
    CC_RK_POLICY = 8,         /* w0 low 24 bits: policy index, w1: day */
    CC_RK_INPUTS = 9,         /* w0 low 24 bits: uncertain input index, w1: replicate
                               * (the draw of a replicate's inputs: prior.c) */
    CC_RK_CALIBRATE = 10,     /* w0 low 24 bits: generation, w1: particle; w2 low 24
                               * bits: attempt (proposals of calibrate) */
    CC_RK_SENSITIVITY = 11    /* w0 low 24 bits: part of the design, w1: trajectory or
                               * input (sensitivity.c's designs and bootstraps) */
};

/* Purposes, in the top 8 bits of w2 (low 24 bits: a sequence or day). */
enum cc_rng_purpose {
    CC_RP_ATTRIBUTES = 1,
    CC_RP_OFFENSE,
    CC_RP_ROUTING,
    CC_RP_POLICE,
    CC_RP_PRETRIAL,
    CC_RP_TRIAL,
    CC_RP_APPEAL,
    CC_RP_REHAB,
    CC_RP_DEATH,
    CC_RP_REARREST,
    CC_RP_PLACEMENT,
    CC_RP_ARRIVALS,
    CC_RP_INFECTION,
    CC_RP_DISEASE,
    CC_RP_RELEASE,
    CC_RP_TRANSFER,
    CC_RP_HEALTH,
    CC_RP_VACCINE
};

typedef struct cc_stream_id {
    uint32_t w0, w1, w2;
} cc_stream_id;

/* The state behind a cc_rng gsl_rng (r->state). */
typedef struct cc_rng_state {
    uint32_t ctr[3]; /* the stream id (w0, w1, w2) */
    uint32_t key[2]; /* the seed folded to 32 bits, the replicate */
    uint32_t block;  /* the next block's number */
    uint32_t left;   /* words of out[] not served yet (served from out[left - 1]) */
    uint32_t out[4]; /* the current block */
} cc_rng_state;

/* Compute the next block of the stream into st->out (left = 4). */
void cc_rng_refill(cc_rng_state *st);

/* Allocate a generator for streams (one per replicate per thread of work).
 * Returns NULL when out of memory. */
gsl_rng *cc_rng_alloc(void);
void cc_rng_free(gsl_rng *r);

/* Point r at the start of the stream (seed, replicate, id): a few stores;
 * the first block is computed by the first draw. */
static inline void cc_rng_seek(gsl_rng *r, uint64_t seed, uint32_t replicate, cc_stream_id id)
{
    cc_rng_state *st = (cc_rng_state *)r->state;
    st->ctr[0] = id.w0;
    st->ctr[1] = id.w1;
    st->ctr[2] = id.w2;
    st->key[0] = (uint32_t)(seed ^ (seed >> 32));
    st->key[1] = replicate;
    st->block = 0;
    st->left = 0;
}

/* The next 32-bit word of the stream r points at (r from cc_rng_alloc). */
static inline uint32_t cc_rng_u32(gsl_rng *r)
{
    cc_rng_state *st = (cc_rng_state *)r->state;
    if (st->left == 0)
        cc_rng_refill(st);
    return st->out[--st->left];
}

/* A uniform on [0, 1) from one word: the value gsl_rng_uniform gives. */
static inline double cc_rng_uniform(gsl_rng *r) { return cc_rng_u32(r) / 4294967296.0; }

/* Two uniforms on [0, 1) from one word, 16 bits each (resolution 2^-16),
 * for decisions compared with probabilities where an error below 1.5e-5
 * does not matter: it halves the words, and so the Philox blocks, such
 * decisions take. */
static inline void cc_rng_uniform2(gsl_rng *r, double *hi, double *lo)
{
    uint32_t w = cc_rng_u32(r);
    *hi = (w >> 16) / 65536.0;
    *lo = (w & 0xFFFFu) / 65536.0;
}

static inline cc_stream_id cc_stream(uint32_t kind, uint32_t a, uint32_t b, uint32_t purpose,
                                     uint32_t seq)
{
    cc_stream_id id = {(kind << 24) | (a & 0xFFFFFFu), b, (purpose << 24) | (seq & 0xFFFFFFu)};
    return id;
}

#endif
