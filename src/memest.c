/* memest.c - the memory a run will take (see memest.h).
 *
 * Terms, per replicate in flight:
 *   people      the person store (64-byte records, people.h) is reserved
 *               for the expected arrivals (sim.c) and touched as they come;
 *               beyond (an arrest_factor policy) it grows by half, copying
 *               into a new block: both blocks live, up to 2.5 records per
 *               person;
 *   agents      with a disease, one 64-byte agent per person (disease.c),
 *               reserved likewise, else doubled by realloc: up to 3;
 *   places      each person present holds a slot of its facility's and its
 *               cell's member arrays (int32, doubling) and one or two
 *               calendar entries (8 bytes, buckets that double);
 *   cells       the cell record and its order slots (facility.h);
 *   rows        the daily rows (cc_ts_row per day and facility + ALL) and
 *               a count per day.
 * Per replicate, kept to the end: its metrics (a cc_metric in an array that
 * doubles, plus the malloc'd key). Per time series text: the bytes of a row
 * (the fields and up to 15 numbers) in a buffer that doubles.
 * At the end: summary.json as a document (a few nodes per metric, six with
 * replicates) and replicates.csv, written a row at a time.
 */
#include "memest.h"

#include <string.h>

#include "facility.h"
#include "metrics.h"
#include "people.h"
#include "policy.h"
#include "sim.h"

/* malloc's own cost of a small block (glibc: a 16-byte header, 16-byte
 * rounding) */
#define MALLOC_OVERHEAD 8.0

double cc_memest_arrest_factor(const cc_scenario *s, int32_t day)
{
    double f = 0;
    int any = 0;
    for (int i = 0; i < s->npolicies; i++) {
        const struct cc_policy *p = &s->policies[i];
        if (p->lever != CC_LV_ARREST_FACTOR || day >= p->until)
            continue;
        if (p->trigger == CC_TRIG_DATE && day < p->at)
            continue;
        f = any && f > p->value ? f : p->value;
        any = 1;
    }
    return any ? f : 1.0;
}

double cc_memest_people(const cc_scenario *s)
{
    double people = 0;
    for (int f = 0; f < s->nfacilities; f++)
        people += (double)s->facility[f].population;
    for (int32_t d = 0; d < s->days; d++)
        people += cc_schedule_at(&s->arrests_per_day, d) * cc_memest_arrest_factor(s, d) +
                  cc_schedule_at(&s->direct_rehab_per_day, d);
    return people * (1.0 + s->people.female * s->people.with_child);
}

/* The records sim.c reserves before day 0 (expected_people there): the
 * initial stock and the expected arrivals without policies, 5% slack. */
static double reserved_people(const cc_scenario *s)
{
    double n = 1024;
    for (int f = 0; f < s->nfacilities; f++)
        n += (double)s->facility[f].population;
    for (int32_t d = 0; d < s->days; d++)
        n += cc_schedule_at(&s->arrests_per_day, d) + cc_schedule_at(&s->direct_rehab_per_day, d);
    return n * (1.05 + s->people.female * s->people.with_child);
}

double cc_memest_working(const cc_scenario *s)
{
    const cc_people_store *P = NULL;
    double persons = cc_memest_people(s);
    /* reserved blocks are touched only as people arrive; beyond the
     * reservation (an arrest_factor above 1) the store grows by half and the
     * disease agents double, both blocks alive while copying */
    int grows = persons > reserved_people(s);
    double per_person = (grows ? 2.5 : 1.0) * (double)sizeof *P->rec;
    if (s->disease)
        per_person += (grows ? 3.0 : 1.0) * 64.0; /* dagent, one cache line (disease.c) */
    /* a slot in the facility's and the cell's member arrays (int32,
     * doubling) and a calendar entry (8 bytes, buckets that double) */
    per_person += 1.5 * 2 * sizeof(int32_t) + 1.5 * 8.0;
    double cells = 0, staff = 0;
    for (int f = 0; f < s->nfacilities; f++) {
        cells += s->facility[f].cells;
        staff += s->facility[f].staff;
    }
    double per_cell = (double)(sizeof(cc_cell) + 3 * sizeof(int32_t));
    if (s->disease)
        per_cell += 64.0; /* the cell's infection totals and its place in the active list */
    double rows = (double)s->days * (s->nfacilities + 1) * (double)sizeof(cc_ts_row) +
                  (double)s->days * 3 * sizeof(int32_t);
    /* the person store's smallest reservation (people.c) */
    double floor_people = 1024.0 * (double)sizeof *P->rec;
    return persons * per_person + floor_people + (s->disease ? staff * 64.0 : 0) +
           cells * per_cell + rows;
}

/* The number of metrics a replicate records, counted from the keys the
 * engine adds (sim.c, justice.c, policy.c, disease.c): about 52 of the
 * system, 3 per facility (occupancy) and 2 per offense class, and with a
 * disease 45 more and 3 per facility (attack rates). */
static double metric_count(const cc_scenario *s)
{
    return 52.0 + 3.0 * s->nfacilities + 2.0 * s->noffenses +
           (s->disease ? 45.0 + 3.0 * s->nfacilities : 0);
}

double cc_memest_metrics(const cc_scenario *s)
{
    /* an entry (doubling array) and its key (about 24 characters). The
     * keys of each replicate stay scattered among the blocks its run freed,
     * so the heap holds more than these bytes per replicate kept: 2.7
     * times, measured (12 KB per replicate of a 69-metric scenario, whose
     * entries and keys take 4.4 KB, over 2,000 to 20,000 replicates) */
    double per = 2.0 * (double)sizeof(cc_metric) + 24.0 + MALLOC_OVERHEAD;
    return 2.7 * (metric_count(s) * per + MALLOC_OVERHEAD);
}

double cc_memest_ts_text(const cc_scenario *s, int with_replicate)
{
    double name = 0;
    for (int f = 0; f < s->nfacilities; f++)
        name += (double)strlen(s->facility[f].name);
    /* day,date, and 15 numbers of up to 7 characters with their commas */
    double per_day = (double)(s->nfacilities + 1) * (5 + 11 + 15 * 7 + (with_replicate ? 6 : 0)) +
                     name + 3;
    return 2.0 * per_day * (double)s->days; /* the buffer doubles */
}

double cc_memest_run(const cc_scenario *const *s, int n, int k, int at_once, int keep_ts,
                     int stream_ts)
{
    if (k < 1)
        k = 1;
    if (at_once < 1)
        at_once = 1;
    if (at_once > k)
        at_once = k;
    /* a replicate in flight: the baseline and one alternative at a time */
    double working = cc_memest_working(s[0]), alt = 0, metrics = 0, doc = 0;
    for (int j = 1; j < n; j++) {
        double w = cc_memest_working(s[j]);
        alt = w > alt ? w : alt;
    }
    for (int j = 0; j < n; j++) {
        metrics += cc_memest_metrics(s[j]);
        /* summary.json: a libfyaml node is ~100 bytes; one number, or a
         * {mean, sd, q05, q50, q95} mapping of six nodes with replicates,
         * and its emitted text */
        doc += metric_count(s[j]) * (k > 1 ? 7.0 : 2.0) * 100.0;
    }
    double total = at_once * (working + alt) + (double)k * metrics + doc;
    double ts = cc_memest_ts_text(s[0], k > 1);
    if (keep_ts)
        total += (double)k * ts;
    else if (stream_ts)
        total += (double)at_once * ts; /* held until the earlier replicates are written */
    /* replicates.csv: its text, up to 8 characters a number, in a buffer
     * that doubles; the scenario itself */
    if (k > 1)
        total += 2.0 * (double)k * metric_count(s[0]) * 8.0;
    total += (double)sizeof **s;
    return total;
}
