/* calendar.h - scheduled events, one bucket per day.
 *
 * An event is (person, type, generation). A person has at most one live
 * event: when their plans change (a policy releases them, they die), their
 * generation counter is bumped and the old entry becomes stale; it is
 * skipped when its day comes. The work of a day is therefore proportional to
 * the events of that day (live or stale), never to the number of people.
 * A bucket's memory is returned once its day has been processed. Events at
 * or beyond the horizon are not stored.
 */
#ifndef CARCER_CALENDAR_H
#define CARCER_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define CC_EV_GEN_MASK 0x0FFFFFFFu /* generation bits kept in an entry */

typedef struct cc_event {
    int32_t person;
    uint32_t tg; /* type in the low 4 bits, generation (masked) above */
} cc_event;

typedef struct cc_bucket {
    cc_event *e;
    uint32_t n, cap;
} cc_bucket;

typedef struct cc_calendar {
    int32_t days;
    cc_bucket *b;
    size_t pending; /* entries stored, stale included */
} cc_calendar;

int cc_calendar_init(cc_calendar *c, int32_t days);
void cc_calendar_free(cc_calendar *c);

/* dst = a copy of src. Returns 0 or -1 (out of memory; then free dst with
 * cc_calendar_free). */
int cc_calendar_clone(cc_calendar *dst, const cc_calendar *src);

/* Add an event on `day` (ignored when outside [0, days)). Returns 0 or -1
 * when out of memory. */
int cc_calendar_add(cc_calendar *c, int32_t day, int32_t person, unsigned type, uint32_t gen);

/* Release the memory of a processed day. */
void cc_calendar_drop(cc_calendar *c, int32_t day);

static inline unsigned cc_event_type(cc_event e) { return e.tg & 15u; }
static inline int cc_event_live(cc_event e, uint32_t gen)
{
    return (e.tg >> 4) == (gen & CC_EV_GEN_MASK);
}

#endif
