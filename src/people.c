/* people.c - the person store (see people.h). */
#include "people.h"

#include <stdlib.h>
#include <string.h>

#include "scenario.h"

/* Room for `cap` records in a new aligned block, the people present copied
 * over (realloc would not keep the alignment). */
static int grow_to(cc_people_store *P, int32_t cap)
{
    cc_person *rec = aligned_alloc(CC_PERSON_ALIGN, (size_t)cap * sizeof *rec);
    if (!rec)
        return -1;
    if (P->n > 0)
        memcpy(rec, P->rec, (size_t)P->n * sizeof *rec);
    free(P->rec);
    P->rec = rec;
    P->cap = cap;
    return 0;
}

int cc_people_init(cc_people_store *P, int32_t cap)
{
    memset(P, 0, sizeof *P);
    if (cap < 1024)
        cap = 1024;
    return grow_to(P, cap);
}

void cc_people_free(cc_people_store *P)
{
    if (!P)
        return;
    free(P->rec);
    memset(P, 0, sizeof *P);
}

int cc_people_clone(cc_people_store *dst, const cc_people_store *src)
{
    memset(dst, 0, sizeof *dst);
    if (grow_to(dst, src->cap))
        return -1;
    dst->n = src->n;
    memcpy(dst->rec, src->rec, (size_t)src->n * sizeof *src->rec);
    return 0;
}

int32_t cc_people_add(cc_people_store *P, uint32_t w0, uint32_t w1)
{
    if (P->n == P->cap) {
        if (P->cap > INT32_MAX / 2)
            return -1;
        if (grow_to(P, P->cap + P->cap / 2))
            return -1;
    }
    int32_t p = P->n++;
    P->rec[p] = (cc_person){
        .loc = {.cell = -1, .fpos = -1, .cpos = -1, .facility = CC_NO_FACILITY, .unused = 0},
        .age0 = 0,
        .w0 = w0,
        .w1 = w1,
        .gen = 0,
        .due = -1,
        .link = CC_NO_PERSON,
        .state = CC_ST_RELEASED,
    };
    return p;
}
