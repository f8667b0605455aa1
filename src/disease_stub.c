/* disease_stub.c - TEMPORARY no-op disease module so the engine links
 * before src/disease.c exists. The disease engineer deletes this file when
 * disease.c lands. Every function does nothing; cc_disease_create returns a
 * NULL handle, which the engine treats as "no disease".
 */
#include "disease.h"

#include <string.h>

int cc_disease_create(const cc_scenario *s, uint64_t seed, uint32_t replicate, cc_diag *diag,
                      cc_disease **out)
{
    (void)s;
    (void)seed;
    (void)replicate;
    (void)diag;
    *out = NULL;
    return 0;
}

void cc_disease_free(cc_disease *d) { (void)d; }

void cc_disease_enter(cc_disease *d, int64_t person, cc_stream_id who, int facility, int cell,
                      int32_t day, bool from_community, bool initial, double age, bool risk,
                      bool child)
{
    (void)d, (void)person, (void)who, (void)facility, (void)cell, (void)day;
    (void)from_community, (void)initial, (void)age, (void)risk, (void)child;
}

void cc_disease_leave(cc_disease *d, int64_t person, int32_t day, cc_leave_reason why)
{
    (void)d, (void)person, (void)day, (void)why;
}

int cc_disease_step(cc_disease *d, int32_t day, int64_t **deaths, size_t *ndeaths, size_t *cap)
{
    (void)d, (void)day, (void)deaths, (void)cap;
    *ndeaths = 0;
    return 0;
}

void cc_disease_counts_get(const cc_disease *d, int facility, cc_disease_counts *out)
{
    (void)d, (void)facility;
    memset(out, 0, sizeof *out);
}

int cc_disease_metrics(const cc_disease *d, cc_metrics *m)
{
    (void)d, (void)m;
    return 0;
}
