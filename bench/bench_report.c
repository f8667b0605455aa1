/* bench_report.c - `carcer report` of the default scenario's run (target: a
 * run of 1,000 replicates reported in at most 2 s, its page under 3 MB).
 *
 * Runs the embedded default with K replicates (default 1,000; the run
 * itself takes minutes: pass fewer to try) into a temporary output folder,
 * as `carcer run --no-report` writes it, then times carcer_report_write
 * twice:
 *   1. reading timeseries.csv, one row per replicate, day and facility,
 *      reduced by the report (time and memory grow with K);
 *   2. reading timeseries_quantiles.csv, the same statistics reduced over
 *      the replicates (written here from the first reading; the size of that
 *      file, of summary.json and of the page does not depend on K), which
 *      is how a folder of many replicates should hold its series.
 * Prints the wall time of each, the bytes read and the page's size.
 *
 * Usage: bench_report [REPLICATES] [THREADS]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <carcer/carcer.h>

#include "bench.h"
#include "report_series.h"
#include "util.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double mb(const char *dir, const char *file)
{
    char *p = cc_asprintf("%s/%s", dir, file);
    struct stat st;
    double v = p && stat(p, &st) == 0 ? (double)st.st_size / 1e6 : 0;
    free(p);
    return v;
}

static int fail(carcer_diag *d, const char *what)
{
    fprintf(stderr, "bench_report: %s\n", what);
    for (int j = 0; j < carcer_diag_count(d); j++)
        fprintf(stderr, "%s\n", carcer_diag_message(d, j));
    return 1;
}

/* timeseries_quantiles.csv from the series as the report reduced them */
static int write_quantiles(const char *dir, carcer_diag *d)
{
    cc_series s;
    if (cc_series_read(dir, &s, d) != CARCER_OK)
        return -1;
    char *path = cc_asprintf("%s/timeseries_quantiles.csv", dir);
    FILE *f = path ? fopen(path, "w") : NULL;
    free(path);
    if (!f) {
        cc_series_free(&s);
        return -1;
    }
    fprintf(f, "day,date,facility");
    for (int c = 0; c < s.ncols; c++)
        fprintf(f, ",%s_mean,%s_q05,%s_q95", s.col[c], s.col[c], s.col[c]);
    fprintf(f, "\n");
    for (int day = 0; day < s.days; day++)
        for (int fac = 0; fac < s.nfac; fac++) {
            fprintf(f, "%d,%s,\"%s\"", day, s.date[day], s.fac[fac]);
            for (int c = 0; c < s.ncols; c++) {
                double v[3] = {cc_series_mean(&s, fac, c)[day], cc_series_lo(&s, fac, c)[day],
                               cc_series_hi(&s, fac, c)[day]};
                for (int k = 0; k < 3; k++)
                    isfinite(v[k]) ? fprintf(f, ",%.6g", v[k]) : fprintf(f, ",");
            }
            fprintf(f, "\n");
        }
    cc_series_free(&s);
    return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    int k = argc > 1 ? atoi(argv[1]) : 1000;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    char tmpl[] = "/tmp/carcer-bench-report-XXXXXX";
    if (!mkdtemp(tmpl))
        return 1;
    char *dir = cc_asprintf("%s/out", tmpl);
    carcer_diag *d = carcer_diag_new();
    carcer_scenario *sc = NULL;
    carcer_results *res = NULL;
    carcer_output *o = NULL;
    int rc = 0;
    if (carcer_scenario_load(NULL, NULL, 0, d, &sc) != CARCER_OK)
        return fail(d, "cannot load the default");
    carcer_run_options opt = carcer_run_options_default();
    opt.replicates = k;
    opt.threads = threads;
    double t0 = now();
    if (carcer_output_open(dir, d, &o) != CARCER_OK)
        return fail(d, "cannot open the output");
    opt.output = o;
    if (carcer_run(sc, &opt, d, &res) != CARCER_OK ||
        carcer_results_stage(res, o, d) != CARCER_OK || carcer_output_commit(o, d) != CARCER_OK)
        return fail(d, "the run failed");
    double run_s = now() - t0;
    printf("run: the default, %d replicates, %d threads: %.1f s\n", k, threads, run_s);

    char *page = cc_asprintf("%s/report.html", dir);
    t0 = now();
    if (carcer_report_write(dir, page, d) != CARCER_OK)
        return fail(d, "the report failed");
    double all_s = now() - t0;
    double page_mb = mb(dir, "report.html");
    printf("report from timeseries.csv (%.0f MB, every replicate): %.2f s, peak RSS %.0f MB, "
           "page %.2f MB\n",
           mb(dir, "timeseries.csv"), all_s, bench_peak_rss_mb(), page_mb);

    if (write_quantiles(dir, d) != 0)
        return fail(d, "cannot write timeseries_quantiles.csv");
    t0 = now();
    if (carcer_report_write(dir, page, d) != CARCER_OK)
        return fail(d, "the report from the quantiles failed");
    double q_s = now() - t0;
    printf("report from timeseries_quantiles.csv (%.1f MB, the same for any number of "
           "replicates) and replicates.csv (%.2f MB): %.2f s, page %.2f MB "
           "(target: <= 2 s, < 3 MB)\n",
           mb(dir, "timeseries_quantiles.csv"), mb(dir, "replicates.csv"), q_s,
           mb(dir, "report.html"));
    rc = q_s <= 2.0 && page_mb < 3.0 ? 0 : 2;

    /* the folder removed */
    const char *files[] = {
        "timeseries.csv", "timeseries_quantiles.csv", "summary.json", "replicates.csv",
        "targets.csv",    "scenario.resolved.yaml",   "run.json",     "report.html"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = cc_asprintf("%s/%s", dir, files[i]);
        if (p)
            unlink(p);
        free(p);
    }
    rmdir(dir);
    rmdir(tmpl);
    free(page);
    free(dir);
    carcer_output_free(o);
    carcer_results_free(res);
    carcer_scenario_free(sc);
    carcer_diag_free(d);
    return rc;
}
