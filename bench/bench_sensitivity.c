/* bench_sensitivity.c - the sensitivity analyses of the default scenario
 * (target: Morris with 20 trajectories over its uncertain inputs, then Sobol
 * with N = 512 over the 8 inputs Morris ranks highest, the others fixed at
 * their prior medians, with under 5% of the time outside the simulations).
 * Prints for each the wall time, simulations per second and the share of
 * the threads' time spent outside simulations (design, bootstrap, files,
 * threads waiting at the ends of rounds).
 *
 * Usage: bench_sensitivity [TRAJECTORIES] [SOBOL_N] [THREADS] [SCENARIO]
 * (SCENARIO: a file, or the embedded default when omitted.)
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carcer/carcer.h>

#include "api_internal.h"
#include "bench.h"
#include "keep_memory.h"
#include "prior.h"
#include "sensitivity_scenario.h"

static void report(const char *what, int threads, const cc_sensitivity_stats *st)
{
    double thread_seconds = st->wall_seconds * threads;
    printf("%s: wall %.1f s, %ld simulations, %.1f per second\n", what, st->wall_seconds,
           st->simulations, (double)st->simulations / st->wall_seconds);
    printf("  time outside simulations: %.2f%% of the threads' time (target < 5%%)\n",
           100.0 * (thread_seconds - st->simulation_seconds) / thread_seconds);
}

int main(int argc, char **argv)
{
    cc_keep_freed_memory();
    int R = argc > 1 ? atoi(argv[1]) : 20;
    int N = argc > 2 ? atoi(argv[2]) : 512;
    int threads = argc > 3 ? atoi(argv[3]) : 2;
    const char *file = argc > 4 && argv[4][0] ? argv[4] : NULL;
    char t1[] = "/tmp/bench-sens-XXXXXX", t2[] = "/tmp/bench-sens-XXXXXX";
    const char *d1 = mkdtemp(t1), *d2 = mkdtemp(t2);
    carcer_diag *d = carcer_diag_new();
    carcer_scenario *sc = NULL;
    if (!d1 || !d2 || carcer_scenario_load(file, NULL, 0, d, &sc) != CARCER_OK) {
        for (int j = 0; j < carcer_diag_count(d); j++)
            fprintf(stderr, "%s\n", carcer_diag_message(d, j));
        return 1;
    }
    const cc_scenario *s = sc->s;
    int k = cc_inputs_count(s);
    printf("sensitivity of %s: %d uncertain inputs, %d threads\n",
           file ? file : "the embedded default", k, threads);
    cc_sens_options o;
    cc_sens_options_init(&o);
    o.method = CC_SENS_MORRIS;
    o.trajectories = R;
    o.threads = threads;
    o.seed = s->seed;
    cc_sensitivity_stats st = {0, 0, 0};
    if (cc_sensitivity_timed(s, &o, NULL, 0, NULL, NULL, d1, false, &d->d, NULL, &st) !=
        CARCER_OK) {
        for (int j = 0; j < carcer_diag_count(d); j++)
            fprintf(stderr, "%s\n", carcer_diag_message(d, j));
        return 1;
    }
    char label[64];
    snprintf(label, sizeof label, "morris, %d trajectories", R);
    report(label, threads, &st);
    /* each input's largest mu* over the outputs, relative to the output's
     * largest: the 8 highest are analysed by Sobol */
    double *score = calloc((size_t)k, sizeof *score), *top = calloc(64, sizeof *top);
    char path[256], line[4096], outs[64][256];
    int nout = 0;
    snprintf(path, sizeof path, "%s/sensitivity.csv", d1);
    FILE *f = fopen(path, "r");
    double est[64][256] = {{0}};
    while (f && fgets(line, sizeof line, f)) {
        char *fld[8];
        int n = 0;
        for (char *p = line; n < 8 && p; n++) {
            fld[n] = p;
            p = strchr(p, ',');
            if (p)
                *p++ = 0;
        }
        if (n < 6 || strcmp(fld[4], "mu_star") != 0)
            continue;
        int m = 0;
        while (m < nout && strcmp(outs[m], fld[1]) != 0)
            m++;
        if (m == nout && nout < 64)
            snprintf(outs[nout++], sizeof outs[0], "%s", fld[1]);
        int i = cc_inputs_find(s, fld[3]);
        double v = atof(fld[5]);
        if (i >= 0 && i < 256 && m < 64) {
            est[m][i] = v;
            if (v > top[m])
                top[m] = v;
        }
    }
    if (f)
        fclose(f);
    for (int m = 0; m < nout; m++)
        for (int i = 0; i < k; i++)
            if (top[m] > 0 && est[m][i] / top[m] > score[i])
                score[i] = est[m][i] / top[m];
    double *fixed = malloc(sizeof *fixed * (size_t)k);
    int keep = k < 8 ? k : 8;
    for (int i = 0; i < k; i++)
        fixed[i] = cc_prior_median(&cc_inputs_get(s, i)->prior);
    printf("  the %d inputs Sobol analyses:", keep);
    for (int q = 0; q < keep; q++) {
        int best = -1;
        for (int i = 0; i < k; i++)
            if (isfinite(fixed[i]) && (best < 0 || score[i] > score[best]))
                best = i;
        fixed[best] = NAN;
        printf(" %s", cc_inputs_get(s, best)->path);
    }
    printf("\n");
    o.method = CC_SENS_SOBOL;
    o.samples = N;
    cc_sensitivity_stats st2 = {0, 0, 0};
    if (cc_sensitivity_timed(s, &o, NULL, 0, NULL, fixed, d2, false, &d->d, NULL, &st2) !=
        CARCER_OK) {
        for (int j = 0; j < carcer_diag_count(d); j++)
            fprintf(stderr, "%s\n", carcer_diag_message(d, j));
        return 1;
    }
    snprintf(label, sizeof label, "sobol, N = %d over %d inputs", N, keep);
    report(label, threads, &st2);
    printf("  peak RSS %.0f MB; outputs in %s and %s\n", bench_peak_rss_mb(), d1, d2);
    free(score);
    free(top);
    free(fixed);
    carcer_scenario_free(sc);
    carcer_diag_free(d);
    return 0;
}
