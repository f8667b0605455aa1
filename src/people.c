/* people.c - the person store (see people.h). */
#include "people.h"

#include <stdlib.h>
#include <string.h>

#include "scenario.h"

/* Every array of the store, with its element size, for allocation in one
 * table (so the list is written once). */
#define CC_PEOPLE_FIELDS(X)                                                                     \
    X(age0) X(w0) X(w1) X(gen) X(due) X(case_start) X(seg_start) X(served) X(aux) X(loc) X(link)  \
        X(priors) X(ncase) X(offense) X(state) X(flags)

static int grow_to(cc_people_store *P, int32_t cap)
{
#define CC_GROW(f)                                                                              \
    {                                                                                           \
        void *q = realloc(P->f, (size_t)cap * sizeof *P->f);                                    \
        if (!q)                                                                                 \
            return -1;                                                                          \
        P->f = q;                                                                               \
    }
    CC_PEOPLE_FIELDS(CC_GROW)
#undef CC_GROW
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
#define CC_FREE(f) free(P->f);
    CC_PEOPLE_FIELDS(CC_FREE)
#undef CC_FREE
    memset(P, 0, sizeof *P);
}

int cc_people_clone(cc_people_store *dst, const cc_people_store *src)
{
    memset(dst, 0, sizeof *dst);
    if (grow_to(dst, src->cap))
        return -1;
    dst->n = src->n;
#define CC_COPY(f) memcpy(dst->f, src->f, (size_t)src->n * sizeof *src->f);
    CC_PEOPLE_FIELDS(CC_COPY)
#undef CC_COPY
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
    P->age0[p] = 0;
    P->w0[p] = w0;
    P->w1[p] = w1;
    P->gen[p] = 0;
    P->due[p] = -1;
    P->case_start[p] = 0;
    P->seg_start[p] = 0;
    P->served[p] = 0;
    P->aux[p] = 0;
    P->loc[p].facility = CC_NO_FACILITY;
    P->loc[p].cell = -1;
    P->loc[p].fpos = -1;
    P->loc[p].cpos = -1;
    P->loc[p].unused = 0;
    P->link[p] = CC_NO_PERSON;
    P->priors[p] = 0;
    P->ncase[p] = 0;
    P->offense[p] = 0;
    P->state[p] = CC_ST_RELEASED;
    P->flags[p] = 0;
    return p;
}
