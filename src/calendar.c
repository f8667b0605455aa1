/* calendar.c - scheduled events in day buckets (see calendar.h). */
#include "calendar.h"

#include <stdlib.h>
#include <string.h>

int cc_calendar_init(cc_calendar *c, int32_t days)
{
    c->days = days;
    c->pending = 0;
    c->b = calloc((size_t)(days > 0 ? days : 1), sizeof *c->b);
    return c->b ? 0 : -1;
}

void cc_calendar_free(cc_calendar *c)
{
    if (!c || !c->b)
        return;
    for (int32_t d = 0; d < c->days; d++)
        free(c->b[d].e);
    free(c->b);
    c->b = NULL;
}

int cc_calendar_clone(cc_calendar *dst, const cc_calendar *src)
{
    if (cc_calendar_init(dst, src->days))
        return -1;
    dst->pending = src->pending;
    for (int32_t d = 0; d < src->days; d++) {
        uint32_t n = src->b[d].n;
        if (n == 0)
            continue;
        if (!(dst->b[d].e = malloc(n * sizeof *dst->b[d].e)))
            return -1;
        memcpy(dst->b[d].e, src->b[d].e, n * sizeof *dst->b[d].e);
        dst->b[d].n = dst->b[d].cap = n;
    }
    return 0;
}

int cc_calendar_add(cc_calendar *c, int32_t day, int32_t person, unsigned type, uint32_t gen)
{
    if (day < 0 || day >= c->days)
        return 0;
    cc_bucket *b = &c->b[day];
    if (b->n == b->cap) {
        uint32_t cap = b->cap ? b->cap * 2 : 16;
        cc_event *e = realloc(b->e, cap * sizeof *e);
        if (!e)
            return -1;
        b->e = e;
        b->cap = cap;
    }
    b->e[b->n].person = person;
    b->e[b->n].tg = (type & 15u) | ((gen & CC_EV_GEN_MASK) << 4);
    b->n++;
    c->pending++;
    return 0;
}

void cc_calendar_drop(cc_calendar *c, int32_t day)
{
    if (day < 0 || day >= c->days)
        return;
    cc_bucket *b = &c->b[day];
    c->pending -= b->n;
    free(b->e);
    b->e = NULL;
    b->n = b->cap = 0;
}
