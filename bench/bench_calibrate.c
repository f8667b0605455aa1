/* bench_calibrate.c - a calibration of a scenario's priors to its targets
 * (target: the default scenario, 1,000 particles and 5 generations, in at
 * most 15 minutes on 2 cores, with under 5% of the time outside the
 * simulations). Prints wall and CPU time, simulations per second, and the
 * share of the CPU time spent outside simulations (the engine's
 * bookkeeping: proposals, weights, tolerances, checkpoints, threads waiting
 * at the ends of rounds) and inside them loading each replicate's scenario.
 *
 * Usage: bench_calibrate [PARTICLES] [GENERATIONS] [THREADS] [SCENARIO] [DIR]
 * (SCENARIO: a file, or the embedded default when omitted; DIR: where the
 * outputs go, a fresh temporary folder when omitted.)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <carcer/carcer.h>

#include "api_internal.h"
#include "bench.h"
#include "calibrate.h"
#include "keep_memory.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    cc_keep_freed_memory();
    int particles = argc > 1 ? atoi(argv[1]) : 1000;
    int generations = argc > 2 ? atoi(argv[2]) : 5;
    int threads = argc > 3 ? atoi(argv[3]) : 2;
    const char *file = argc > 4 && argv[4][0] ? argv[4] : NULL;
    char tmpl[] = "/tmp/bench-calibrate-XXXXXX";
    const char *dir = argc > 5 ? argv[5] : mkdtemp(tmpl);
    carcer_diag *d = carcer_diag_new();
    carcer_scenario *sc = NULL;
    if (!dir || carcer_scenario_load(file, NULL, 0, d, &sc) != CARCER_OK) {
        for (int j = 0; j < carcer_diag_count(d); j++)
            fprintf(stderr, "%s\n", carcer_diag_message(d, j));
        return 1;
    }
    cc_abc_options o;
    cc_abc_options_init(&o);
    o.particles = particles;
    o.generations = generations;
    o.threads = threads;
    o.seed = sc->s->seed;
    cc_calibrate_stats st = {0, 0, 0, 0};
    double w0 = now(), c0 = bench_cpu_seconds();
    carcer_status rc = cc_calibrate_timed(sc->s, &o, 200, dir, false, &d->d, &st);
    double wall = now() - w0, cpu = bench_cpu_seconds() - c0;
    if (rc != CARCER_OK) {
        for (int j = 0; j < carcer_diag_count(d); j++)
            fprintf(stderr, "%s\n", carcer_diag_message(d, j));
        return 1;
    }
    double thread_seconds = wall * threads;
    printf("calibration of %s: %d particles, %d generations, %d threads\n",
           file ? file : "the embedded default", particles, generations, threads);
    printf("  wall %.1f s (target <= 900 s), cpu %.1f s, peak RSS %.0f MB\n", wall, cpu,
           bench_peak_rss_mb());
    printf("  simulations %ld (posterior predictive included), %.1f per second\n",
           st.simulations, (double)st.simulations / wall);
    printf("  time outside simulations: %.2f%% of the CPU time (target < 5%%); %.2f%% of the "
           "threads' wall time (which counts time the machine gave to other processes)\n",
           100.0 * (cpu - st.simulation_cpu_seconds) / cpu,
           100.0 * (thread_seconds - st.simulation_seconds) / thread_seconds);
    printf("  of the time in simulations, loading each replicate's scenario: %.2f%%\n",
           100.0 * st.load_seconds / st.simulation_seconds);
    printf("  outputs in %s\n", dir);
    carcer_scenario_free(sc);
    carcer_diag_free(d);
    return 0;
}
