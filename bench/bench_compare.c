/* bench_compare.c - the embedded default scenario against four reforms,
 * paired with common random numbers, 100 replicates each (target: <= 30 s
 * wall on 2 cores). Prints wall and CPU time and the paired difference of
 * the mean population at the end for each reform.
 *
 * Usage: bench_compare [REPLICATES] [THREADS]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <carcer/carcer.h>

#include "keep_memory.h"
#include "scenario.h"
#include "util.h"

static const char *const reforms[4][2] = {
    {"decriminalise personal use from 2018",
     "policies:\n  - {at: 2018-01-01, decriminalise: {offenses: [drug_use], release_current: "
     "true, over_days: 30}}\n"},
    {"release 10,000 minor drug detainees, May 2020",
     "policies:\n  - {at: 2020-05-01, release: {status: [pretrial, appeal, sentenced, rehab], "
     "drug: true, violent: false, number: 10000, over_days: 31, order: longest_served}}\n"},
    {"enforce pretrial limits from 2018",
     "policies:\n  - {at: 2018-01-01, enforce_pretrial_limits: true}\n"},
    {"close compulsory rehab from 2018",
     "policies:\n  - {at: 2018-01-01, close: {type: rehab}}\n"}};

static double now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    cc_keep_freed_memory();
    int k = argc > 1 ? atoi(argv[1]) : 100;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    size_t len = 0;
    const char *text = cc_scenario_default_text(&len);
    if (!text) {
        fprintf(stderr, "no embedded default scenario\n");
        return 1;
    }
    carcer_diag *d = carcer_diag_new();
    carcer_scenario *sc[5] = {0};
    int rc = 0;
    for (int i = 0; i < 5 && rc == 0; i++) {
        char *t = cc_asprintf("%.*s\n%s", (int)len, text, i ? reforms[i - 1][1] : "");
        if (carcer_scenario_load_text(t, strlen(t), i ? reforms[i - 1][0] : "default", NULL, 0,
                                      d, &sc[i]) != CARCER_OK) {
            for (int j = 0; j < carcer_diag_count(d); j++)
                fprintf(stderr, "%s\n", carcer_diag_message(d, j));
            rc = 1;
        }
        free(t);
    }
    carcer_comparison *c = NULL;
    if (rc == 0) {
        carcer_run_options opt = carcer_run_options_default();
        opt.replicates = k;
        opt.threads = threads;
        double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        if (carcer_compare((const carcer_scenario *const *)sc, 5, &opt, d, &c) != CARCER_OK) {
            for (int j = 0; j < carcer_diag_count(d); j++)
                fprintf(stderr, "%s\n", carcer_diag_message(d, j));
            rc = 1;
        } else {
            double w = now(CLOCK_MONOTONIC) - w0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
            printf("compare: 5 scenarios x %d replicates, %d threads: wall %.2f s, cpu %.2f s "
                   "(target: wall <= 30 s on 2 cores)\n",
                   k, threads, w, cpu);
            const carcer_results *base = carcer_comparison_results(c, 0);
            for (int i = 1; i < 5; i++) {
                const carcer_results *r = carcer_comparison_results(c, i);
                double dsum = 0;
                for (int j = 0; j < k; j++)
                    dsum += carcer_results_metric(r, "population_end", j) -
                            carcer_results_metric(base, "population_end", j);
                printf("  %-48s population_end paired difference %+.0f\n", reforms[i - 1][0],
                       dsum / k);
            }
        }
    }
    carcer_comparison_free(c);
    for (int i = 0; i < 5; i++)
        carcer_scenario_free(sc[i]);
    carcer_diag_free(d);
    return rc;
}
