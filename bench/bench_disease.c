/* bench_disease.c - speed and memory of the disease model (prints figures;
 * not a test).
 *
 *   "default":   the embedded default scenario (Cambodia 2017-2021, COVID-19
 *                in 2021), one replicate; the CPU seconds of the whole run
 *                and of the same run without its disease block, whose
 *                difference is the disease's cost; target <= 0.2 s for the
 *                run with COVID-19.
 *   "synthetic": 1,000,000 people in 100,000 cells (100 prisons of 10,000
 *                people in 1,000 cells, twice their capacity, 500 staff
 *                each) with a COVID-19 epidemic seeded in every prison, over
 *                365 days, with arrests and releases going on; targets
 *                <= 10 s of CPU and <= 600 MB peak resident memory.
 * For each: CPU seconds (getrusage, user + system, creation of the initial
 * population included; the fastest of `repeat` runs), infections, cost per
 * cell-day (cells x days) and per infection, and the peak RSS of the
 * process so far.
 * Usage: bench_disease [default|synthetic|all] (default all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "keep_memory.h"
#include "embedded.h"
#include "bench.h"
#include "scenario.h"
#include "sim.h"
#include "sim_internal.h"
#include "util.h"

static char *synthetic_yaml(void)
{
    cc_buf b = {0};
    cc_buf_printf(
        &b,
        "name: bench-disease-synthetic\nstart: 2021-01-01\ndays: 365\nseed: 1\n"
        "offenses: {drug_use: {drug: true, violent: false, felony: false}, other: {drug: false, "
        "violent: false, felony: true}}\n"
        "people: {female: 0.0, poor: 0.8, risk: 0.05, with_child: 0.0, age: {dist: lognormal, "
        "median: 30, p90: 48}}\n"
        "arrests: {per_day: 2000, mix: {drug_use: 0.5, other: 0.5}, rearrest: {per_year: 0.3, "
        "halving_years: 2}}\n"
        "direct_admissions: {rehab_per_day: 0}\n"
        "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, bribe: {default: 0}}\n"
        "police: {days: {default: {dist: fixed, value: 2}}}\n"
        "pretrial: {bail: 0, duration: {default: {dist: lognormal, median: 150, p90: 330}}}\n"
        "trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 6, max: 24, unit: "
        "months}}, appeal: 0.3, appeal_duration: {default: {dist: gamma, mean: 120, sd: 60}}}\n"
        "rehab: {duration: {dist: fixed, value: 90}}\n"
        "mortality: {per_1000_per_year_at_30: 2, doubling_years: 8}\n"
        "initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}, offense: {drug_use: "
        "0.4, other: 0.6}}\n"
        "facilities:\n"
        "  - {name: Police, type: police, sex: any, capacity: 5000, cells: 500, population: "
        "4000}\n");
    for (int i = 0; i < 100; i++)
        cc_buf_printf(&b,
                      "  - {name: P%d, type: prison, sex: any, capacity: 5000, cells: 1000, "
                      "population: 10000, staff: 500}\n",
                      i);
    cc_buf_printf(&b, "disease:\n  pathogen: covid19\n  r0_at_capacity: 3\n"
                      "  community_prevalence: 0.0005\n  introductions:\n");
    for (int i = 0; i < 100; i++)
        cc_buf_printf(&b, "    - {at: 2021-01-%02d, facility: P%d, count: 3}\n", 2 + i % 28, i);
    cc_buf_printf(&b, "  measures:\n"
                      "    quarantine: {from: 2021-01-01, days: 14, capacity: 200}\n"
                      "    vaccination: {from: 2021-03-01, doses_per_day: 2000, efficacy_infection: "
                      "0.5, efficacy_severe: 0.85}\n");
    return b.data;
}


/* One run (fastest of `repeat`) of s; the disease block hidden when
 * `without_disease`. Fills the sim's metrics into *m. Returns the CPU
 * seconds, or -1. */
static double run(cc_scenario *s, int repeat, int without_disease, cc_metrics *m,
                  int64_t *cells_out)
{
    struct cc_disease_spec *disease = s->disease;
    if (without_disease)
        s->disease = NULL;
    cc_diag d;
    cc_diag_init(&d);
    double best = -1;
    for (int k = 0; k < repeat; k++) {
        cc_sim *sim = NULL;
        double t0 = bench_cpu_seconds();
        if (cc_sim_create(s, s->seed, 0, &d, &sim) || cc_sim_run(sim, &d, NULL, NULL)) {
            fprintf(stderr, "%s: %s\n", s->name, d.kept ? d.entry[0].message : "failed");
            cc_sim_free(sim);
            best = -1;
            break;
        }
        double t = bench_cpu_seconds() - t0;
        if (best < 0 || t < best)
            best = t;
        if (k == repeat - 1) {
            cc_sim_metrics(sim, m);
            int64_t cells = 0;
            for (int f = 0; f < s->nfacilities; f++)
                cells += s->facility[f].cells;
            *cells_out = cells;
        }
        cc_sim_free(sim);
    }
    cc_diag_clear(&d);
    s->disease = disease;
    return best;
}

static double get(const cc_metrics *m, const char *key)
{
    long i = cc_metrics_find(m, key);
    return i >= 0 ? m->m[i].value : 0;
}

static int bench(const char *label, const char *yaml, size_t len, int repeat, double cpu_target,
                 double rss_target, int compare_without)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    if (cc_scenario_load_text(yaml, len, label, NULL, 0, &d, &s)) {
        for (int i = 0; i < d.kept; i++) {
            char *msg = cc_diag_format(&d, i);
            fprintf(stderr, "%s\n", msg);
            free(msg);
        }
        cc_diag_clear(&d);
        return 1;
    }
    cc_diag_clear(&d);
    cc_metrics m = {0}, m0 = {0};
    int64_t cells = 0;
    double cpu = run(s, repeat, 0, &m, &cells);
    double cpu0 = compare_without ? run(s, repeat, 1, &m0, &cells) : 0;
    if (cpu < 0 || cpu0 < 0) {
        cc_scenario_free(s);
        return 1;
    }
    double inf = get(&m, "infections.detainees") + get(&m, "infections.children") +
                 get(&m, "infections.staff");
    double cell_days = (double)cells * s->days;
    double rss = bench_peak_rss_mb();
    printf("%-9s days %d  cells %lld  custody %.0f -> %.0f  infections %.0f (detainees %.0f, "
           "staff %.0f)  disease deaths %.0f\n",
           label, (int)s->days, (long long)cells, get(&m, "population_start"),
           get(&m, "population_end"), inf, get(&m, "infections.detainees"),
           get(&m, "infections.staff"), get(&m, "deaths.disease"));
    printf("%-9s cpu %.3f s, fastest of %d (target %.3g)", label, cpu, repeat, cpu_target);
    if (compare_without)
        printf("; without disease %.3f s, so the disease costs %.3f s", cpu0, cpu - cpu0);
    printf("\n%-9s per cell-day %.3g us, per infection %.3g us (whole run)  peak RSS %.0f MB "
           "(target %.0f)\n",
           label, 1e6 * cpu / cell_days, inf > 0 ? 1e6 * cpu / inf : 0, rss, rss_target);
    cc_metrics_free(&m);
    cc_metrics_free(&m0);
    cc_scenario_free(s);
    return (cpu > cpu_target || rss > rss_target) ? 2 : 0;
}

int main(int argc, char **argv)
{
    cc_keep_freed_memory();
    const char *which = argc > 1 ? argv[1] : "all";
    int rc = 0;
    if (!strcmp(which, "default") || !strcmp(which, "all")) {
        const struct cc_embedded *e = cc_embedded_find("scenarios/cambodia-2017.yaml");
        if (!e) {
            fprintf(stderr, "no embedded default scenario\n");
            return 1;
        }
        rc |= bench("default", e->data, e->len, 5, 0.2, 600, 1);
    }
    if (!strcmp(which, "synthetic") || !strcmp(which, "all")) {
        char *y = synthetic_yaml();
        if (!y)
            return 1;
        rc |= bench("synthetic", y, strlen(y), 1, 10, 600, 0);
        free(y);
    }
    if (rc & 1)
        return 1;
    return 0; /* figures over target are printed, not failed */
}
