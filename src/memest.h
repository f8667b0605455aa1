/* memest.h - how much memory a run will take, from the sums it allocates.
 *
 * The estimate counts what the engine and the output writers allocate, term
 * by term, with the sizes of the records they allocate (people.h,
 * facility.h, sim.h, metrics.h) and the growth factors of their arrays; the
 * figures are checked against the measured peak of real runs of several
 * shapes in tests/test_memest.c. It is a planning figure: the CLI refuses
 * a run whose estimate exceeds --max-memory or the memory available.
 */
#ifndef CARCER_MEMEST_H
#define CARCER_MEMEST_H

#include "scenario.h"

/* The factor on first arrests of day d: the largest arrest_factor of the
 * policies that may be in force on that day (a dated policy from `at` to
 * `until`; a triggered one on any day before its `until`, since it may
 * fire), 1 when none. */
double cc_memest_arrest_factor(const cc_scenario *s, int32_t day);

/* People ever present in a replicate: the initial stock plus the expected
 * arrivals (first arrests times the day's arrest factor, and direct
 * admissions), children on top. Re-arrests reuse a record. */
double cc_memest_people(const cc_scenario *s);

/* Bytes one replicate of s holds while it runs (people, cells, calendar,
 * disease agents, daily rows), its results kept after it ends (metrics),
 * and the text of its time series. */
double cc_memest_working(const cc_scenario *s);
double cc_memest_metrics(const cc_scenario *s);
double cc_memest_ts_text(const cc_scenario *s, int with_replicate);

/* The peak of a run of k replicates of s[0..n) (n > 1: a comparison, whose
 * alternatives run one at a time beside the baseline), `at_once` of them
 * in parallel, with the time series kept in memory (keep_ts), streamed to
 * the output (stream_ts, at most the replicates in flight held) or not
 * written. */
double cc_memest_run(const cc_scenario *const *s, int n, int k, int at_once, int keep_ts,
                     int stream_ts);

#endif
