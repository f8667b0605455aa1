/* memest.c - the memory a run will take (see memest.h).
 *
 * Terms, per replicate in flight:
 *   people      the person store (64-byte records, people.h) grows by half,
 *               copying into a new block: at a growth both blocks live, up
 *               to 1 + 1.5 = 2.5 records per person in the worst case;
 *   agents      with a disease, one 64-byte agent per person (disease.c),
 *               in an array that doubles by realloc: up to 3 per person;
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
#define MALLOC_OVERHEAD 16.0

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

double cc_memest_working(const cc_scenario *s)
{
    const cc_people_store *P = NULL;
    double persons = cc_memest_people(s);
    double per_person = 2.5 * (double)sizeof *P->rec;
    if (s->disease)
        per_person += 3.0 * 64.0; /* dagent, one cache line (disease.c) */
    per_person += 2.0 * 2 * sizeof(int32_t) + 2.0 * 2 * 8.0; /* member slots, calendar */
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
    return persons * per_person + (s->disease ? staff * 3.0 * 64.0 : 0) + cells * per_cell +
           rows + (double)sizeof(cc_sim *) * 4096;
}

/* The number of metrics a replicate records, counted from the keys the
 * engine adds (sim.c, justice.c, policy.c, disease.c): about 60 of the
 * system, 4 per facility, 6 per offense class, and 40 more with a disease
 * (by state, age band and facility). */
static double metric_count(const cc_scenario *s)
{
    return 60.0 + 4.0 * s->nfacilities + 6.0 * s->noffenses +
           (s->disease ? 40.0 + 3.0 * s->nfacilities : 0);
}

double cc_memest_metrics(const cc_scenario *s)
{
    /* an entry (doubling array) and its key, about 32 characters */
    double per = 2.0 * (double)sizeof(cc_metric) + 32.0 + MALLOC_OVERHEAD;
    return metric_count(s) * per + MALLOC_OVERHEAD;
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
    /* replicates.csv: a row at a time; the scenario itself */
    total += metric_count(s[0]) * 24.0 + (double)sizeof **s;
    return total;
}
