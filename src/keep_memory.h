/* keep_memory.h - keep the memory a replicate frees for the next one (the
 * carcer tool and the benchmarks call this once at start; the library
 * itself leaves the process's allocator alone).
 *
 * A replicate allocates tens of MB (the person store, the calendar, the
 * infection records) and frees them at its end. By default glibc maps
 * blocks above a threshold directly from the kernel and gives freed heap
 * back beyond another, so the next replicate takes a page fault for every
 * page it touches again. Raising both thresholds keeps those blocks in the
 * heap for reuse: on `bench_compare 20 2` minor page faults fall from about
 * 150,000 to 40,000 and system time from 0.7-1.0 s to 0.2 s. Blocks above
 * 32 MB (glibc's ceiling for the mmap threshold) are still mapped. */
#ifndef CARCER_KEEP_MEMORY_H
#define CARCER_KEEP_MEMORY_H

#ifdef __GLIBC__
#include <malloc.h>
#endif

static inline void cc_keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
#endif
}

#endif
