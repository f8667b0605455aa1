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
 * The stream is wrapped as a gsl_rng (Random123's gsl_microrng.h) so GSL's
 * samplers draw from it. One stream yields up to 2^32 draws of 32 bits.
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
    CC_RK_POLICY = 8          /* w0 low 24 bits: policy index, w1: day */
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

/* Allocate a generator for streams (one per replicate per thread of work).
 * Returns NULL when out of memory. */
gsl_rng *cc_rng_alloc(void);
void cc_rng_free(gsl_rng *r);

/* Point r at the start of the stream (seed, replicate, id). */
void cc_rng_seek(gsl_rng *r, uint64_t seed, uint32_t replicate, cc_stream_id id);

static inline cc_stream_id cc_stream(uint32_t kind, uint32_t a, uint32_t b, uint32_t purpose,
                                     uint32_t seq)
{
    cc_stream_id id = {(kind << 24) | (a & 0xFFFFFFu), b, (purpose << 24) | (seq & 0xFFFFFFu)};
    return id;
}

#endif
