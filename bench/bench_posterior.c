/* bench_posterior.c - `carcer run` of a scenario over its posterior, 20
 * replicates on 2 threads, outputs written (target: the embedded default in
 * at most 3 s wall). Prints wall and CPU time.
 *
 * Usage: bench_posterior [REPLICATES] [THREADS] [SCENARIO]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <carcer/carcer.h>

#include "bench.h"
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
    int k = argc > 1 ? atoi(argv[1]) : 20;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    const char *file = argc > 3 ? argv[3] : NULL;
    char tmpl[] = "/tmp/bench-posterior-XXXXXX";
    const char *dir = mkdtemp(tmpl);
    double w0 = now(), c0 = bench_cpu_seconds();
    carcer_diag *d = carcer_diag_new();
    carcer_scenario *sc = NULL;
    carcer_results *res = NULL;
    carcer_run_options o = carcer_run_options_default();
    o.replicates = k;
    o.threads = threads;
    if (!dir || carcer_scenario_load(file, NULL, 0, d, &sc) != CARCER_OK ||
        carcer_run(sc, &o, d, &res) != CARCER_OK || carcer_results_write(res, dir, d) != CARCER_OK) {
        for (int j = 0; j < carcer_diag_count(d); j++)
            fprintf(stderr, "%s\n", carcer_diag_message(d, j));
        return 1;
    }
    double wall = now() - w0, cpu = bench_cpu_seconds() - c0;
    printf("run of %s over %s: %d replicates, %d threads, outputs written\n",
           file ? file : "the embedded default",
           carcer_scenario_input_count(sc) ? "its uncertain inputs" : "fixed inputs", k, threads);
    printf("  wall %.2f s (target <= 3 s), cpu %.2f s, peak RSS %.0f MB\n", wall, cpu,
           bench_peak_rss_mb());
    carcer_results_free(res);
    carcer_scenario_free(sc);
    carcer_diag_free(d);
    return 0;
}
