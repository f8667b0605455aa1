/* bench.h - what the benchmarks share: CPU time and peak memory of the
 * process, from getrusage. */
#ifndef CARCER_BENCH_H
#define CARCER_BENCH_H

#include <sys/resource.h>

/* User + system CPU seconds of the process so far. */
static inline double bench_cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec * 1e-6 +
           (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec * 1e-6;
}

/* Peak resident memory of the process so far, in MB. */
static inline double bench_peak_rss_mb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_maxrss / 1024.0; /* Linux: kilobytes */
}

#endif
