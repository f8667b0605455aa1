/* people.h - the person store: every agent ever seen, one record each.
 *
 * A person is a dense index (int32) into an array of 64-byte records
 * (cc_person). People are never removed: a released person keeps their
 * record (and attributes) for a possible re-arrest. 4 million records take
 * 256 MB.
 *
 * Time fields are day offsets from the scenario start (day 0); day -k means
 * k days before the start (people present on day 0).
 */
#ifndef CARCER_PEOPLE_H
#define CARCER_PEOPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

/* Bits of flags[]. */
enum cc_person_flag {
    CC_PF_FEMALE = 1,
    CC_PF_POOR = 2,      /* cannot pay a bribe or bail */
    CC_PF_RISK = 4,      /* comorbidity (disease model) */
    CC_PF_LEGAL_AID = 8, /* covered by legal aid in the current case */
    CC_PF_CHILD = 16,    /* a child living with the mother */
    CC_PF_HAS_CHILD = 32 /* a woman who brings a child into custody */
};

#define CC_NO_FACILITY (-1)
#define CC_NO_PERSON (-1)

/* Where a person is held. The four fields are always read and written
 * together (admission, release, move, the swap-remove of another member),
 * so they share one 16-byte record: one cache miss instead of four at
 * every placement of a person picked at random among millions. */
typedef struct cc_person_loc {
    int32_t cell;     /* cell within the facility, -1 when not held */
    int32_t fpos;     /* position in the facility's member array */
    int32_t cpos;     /* position in the cell's member array */
    int16_t facility; /* CC_NO_FACILITY when not in custody */
    int16_t unused;
} cc_person_loc;

/* A person: every field an event may read or write, in one 64-byte
 * record (one cache line: the array is 64-byte aligned). An event concerns
 * a person picked at random among up to millions, and reads most of these
 * fields; kept as one array per field they cost a cache miss (and a TLB
 * entry) per field, as one record a single one. */
typedef struct cc_person {
    cc_person_loc loc;  /* where the person is held (see above) */
    float age0;         /* age in years on day 0: age on day d = age0 + d / 365.25 */
    uint32_t w0, w1;    /* identity of the person's random streams */
    uint32_t gen;       /* generation: calendar entries of older generations are stale */
    int32_t due;        /* day the pending justice event fires (may lie beyond the
                         * horizon), -1 when none */
    int32_t case_start; /* day of the current case's arrest (or first custody) */
    int32_t seg_start;  /* day the current state began (detention time accrues) */
    int32_t served;     /* days detained in the current case before seg_start */
    int32_t aux;        /* trial day while on bail at the legal limit; sentence
                         * length (days) once convicted */
    int32_t link;       /* mother <-> child, CC_NO_PERSON when none */
    uint16_t priors;    /* prior arrests (saturates) */
    uint16_t ncase;     /* cases (arrests) in this run: keys the case's streams */
    uint8_t offense;    /* offense class of the current case */
    uint8_t state;      /* cc_state */
    uint8_t flags;      /* cc_person_flag bits */
    uint8_t unused;
} cc_person;
#define CC_PERSON_ALIGN 64
_Static_assert(sizeof(cc_person) == CC_PERSON_ALIGN, "a person is one cache line");

typedef struct cc_people_store {
    int32_t n, cap;
    cc_person *rec; /* rec[0 .. n-1]; CC_PERSON_ALIGN-aligned */
} cc_people_store;

/* Reserve room for `cap` people (address space only; pages are touched as
 * people are added). Returns 0 or -1 (out of memory). */
int cc_people_init(cc_people_store *P, int32_t cap);
void cc_people_free(cc_people_store *P);

/* dst = a copy of src (same capacity). Returns 0 or -1 (out of memory;
 * then free dst with cc_people_free). */
int cc_people_clone(cc_people_store *dst, const cc_people_store *src);

/* Append a person with all fields reset (not in custody, state released,
 * no event, no link). Returns the index, or -1 when out of memory. */
int32_t cc_people_add(cc_people_store *P, uint32_t w0, uint32_t w1);

/* Stream of person p for a purpose in its current case (seq = the case
 * number, plus `sub` for several draws of one purpose in one case). */
static inline cc_stream_id cc_people_stream(const cc_people_store *P, int32_t p, uint32_t purpose,
                                            uint32_t sub)
{
    const cc_person *r = &P->rec[p];
    cc_stream_id id = {r->w0, r->w1,
                       (purpose << 24) | ((((uint32_t)r->ncase << 4) | (sub & 15u)) & 0xFFFFFFu)};
    return id;
}

/* Ask the memory system for the record of p ahead of an event: the
 * calendar knows a day's people in advance, and each of them is a random
 * index among millions. always_inline: a function whose body is only a
 * prefetch has no effect GCC can see, so GCC 12's IPA pure-const marks it
 * const and deletes the calls; inlined early, the builtin stays. */
#if defined(__GNUC__)
#define CC_PREFETCH_INLINE static inline __attribute__((always_inline))
#else
#define CC_PREFETCH_INLINE static inline
#endif
CC_PREFETCH_INLINE void cc_people_prefetch(const cc_people_store *P, int32_t p)
{
#if defined(__GNUC__)
    __builtin_prefetch(&P->rec[p]);
#else
    (void)P;
    (void)p;
#endif
}

static inline double cc_people_age(const cc_people_store *P, int32_t p, int32_t day)
{
    return (double)P->rec[p].age0 + day / 365.25;
}

#endif
