/* bench_core.c - speed and memory of the justice engine (no disease).
 *
 * Two scenarios, built here as YAML and loaded like any other:
 *   "country":  five years (1826 days), ~40,000 in custody on day 0, 36-40
 *               first arrests and 8 round-ups a day (>100,000 people through
 *               the system);
 *               target: one replicate in <= 0.1 s of CPU.
 *   "scale":    one year, 1,000,000 in custody on day 0 and ~3,000,000
 *               admissions a year (8,500 arrests a day), stays short enough
 *               for the custody to stay near 1,000,000; target <= 5 s of CPU
 *               and <= 400 MB peak resident memory.
 * For each it prints the CPU seconds (getrusage, user + system, creation of
 * the initial population included; the fastest of 5 runs for "country"), people-days simulated per second
 * (detainees present summed over days), live calendar events per second,
 * arrests, and the peak RSS of the process so far.
 *   "default":  the embedded default scenario (Cambodia 2017-2021) with its
 *               disease block left out, since this benchmark measures the
 *               justice engine (bench_disease measures it with COVID-19);
 *               target: one replicate in <= 0.1 s of CPU.
 * Usage: bench_core [default|country|scale|all] (default all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "keep_memory.h"
#include "bench.h"
#include "scenario.h"
#include "sim.h"
#include "sim_internal.h"
#include "util.h"

static const char *const COUNTRY =
    "name: bench-country\n"
    "start: 2017-01-01\n"
    "days: 1826\n"
    "seed: 1\n"
    "offenses: {drug_use: {drug: true, violent: false, felony: false}, drug_trafficking: {drug: "
    "true, violent: false, felony: true}, other: {drug: false, violent: false, felony: false}, "
    "violent: {drug: false, violent: true, felony: true}}\n"
    "people: {female: 0.08, poor: 0.8, risk: 0.05, with_child: 0.07, age: {dist: lognormal, "
    "median: 30, p90: 48}}\n"
    "arrests: {per_day: [{from: 2017-01-01, value: 36}, {from: 2020-01-01, value: 40}], mix: "
    "{drug_use: 0.31, drug_trafficking: 0.37, other: 0.24, violent: 0.08}, rearrest: {per_year: "
    "0.3, halving_years: 2}}\n"
    "direct_admissions: {rehab_per_day: 8}\n"
    "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.15, "
    "rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: 0.2}}\n"
    "police: {days: {default: {dist: uniform, min: 1, max: 3}}}\n"
    "pretrial: {bail: {default: 0.05}, duration: {default: {dist: lognormal, median: 150, p90: "
    "330}}, legal_limit_days: {misdemeanour: 180, felony: 540}, enforce_legal_limit: false, "
    "legal_aid: {coverage: 0.04, duration_factor: 0.7, conviction_factor: 0.8}}\n"
    "trial: {conviction: 0.8, sentence: {default: {dist: lognormal, median: 1, p90: 4, unit: "
    "years}}, appeal: 0.5, appeal_duration: {default: {dist: gamma, mean: 240, sd: 120}}}\n"
    "rehab: {duration: {dist: uniform, min: 90, max: 270}, excess_deaths_per_1000_per_year: 5}\n"
    "mortality: {per_1000_per_year_at_30: 2, doubling_years: 8, crowding_per_1000_per_year: 1}\n"
    "initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}, offense: {drug_use: 0.2, "
    "drug_trafficking: 0.35, other: 0.3, violent: 0.15}}\n"
    "placement: {cell_fill: least_crowded, transfer_above_occupancy: 3, transfer_max_per_day: "
    "10}\n"
    "facilities:\n"
    "  - {name: Police, type: police, sex: any, capacity: 800, cells: 80, population: 400}\n"
    "  - {name: CC1, type: prison, sex: male, capacity: 2050, cells: 60, population: 9000, "
    "intake_share: 0.3}\n"
    "  - {name: CC2, type: prison, sex: female, capacity: 600, cells: 20, population: 2400, "
    "children: true}\n"
    "  - {name: CC3, type: prison, sex: male, capacity: 1500, cells: 40, population: 4000, "
    "intake_share: 0.1}\n"
    "  - {name: Provincial, type: prison, sex: any, capacity: 9000, cells: 300, population: "
    "21000, intake_share: 0.6}\n"
    "  - {name: Rehab, type: rehab, sex: any, capacity: 2000, cells: 40, population: 3500}\n"
    "costs: {per_day: {pretrial: 3, appeal: 3, sentenced: 3, rehab: 2, police: 5, bail: 0}, "
    "community_per_day: 1}\n";

/* the scale scenario: 20 prisons of 45,000, rehab centres of 100,000 */
static char *scale_yaml(void)
{
    cc_buf b = {0};
    cc_buf_printf(
        &b,
        "name: bench-scale\nstart: 2017-01-01\ndays: 365\nseed: 1\n"
        "offenses: {drug_use: {drug: true, violent: false, felony: false}, other: {drug: false, "
        "violent: false, felony: true}}\n"
        "people: {female: 0.08, poor: 0.8, risk: 0.05, with_child: 0.07, age: {dist: lognormal, "
        "median: 30, p90: 48}}\n"
        "arrests: {per_day: 8500, mix: {drug_use: 0.5, other: 0.5}, rearrest: {per_year: 0.3, "
        "halving_years: 2}}\n"
        "direct_admissions: {rehab_per_day: 0}\n"
        "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: "
        "0.15, rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: 0.2}}\n"
        "police: {days: {default: {dist: fixed, value: 2}}}\n"
        "pretrial: {bail: 0, duration: {default: {dist: lognormal, median: 60, p90: 150}}, "
        "legal_limit_days: {misdemeanour: 180, felony: 540}, enforce_legal_limit: false, "
        "legal_aid: {coverage: 0.04, duration_factor: 0.7, conviction_factor: 0.8}}\n"
        "trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 3, max: 9, unit: "
        "months}}, appeal: 0.3, appeal_duration: {default: {dist: gamma, mean: 120, sd: 60}}}\n"
        "rehab: {duration: {dist: fixed, value: 90}, excess_deaths_per_1000_per_year: 5}\n"
        "mortality: {per_1000_per_year_at_30: 2, doubling_years: 8, crowding_per_1000_per_year: "
        "1}\n"
        "initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}, offense: {drug_use: "
        "0.4, other: 0.6}}\n"
        "placement: {cell_fill: least_crowded, transfer_above_occupancy: 0, "
        "transfer_max_per_day: 0}\n"
        "facilities:\n"
        "  - {name: Police, type: police, sex: any, capacity: 20000, cells: 2000, population: "
        "16000}\n");
    for (int i = 0; i < 18; i++)
        cc_buf_printf(&b,
                      "  - {name: M%d, type: prison, sex: male, capacity: 15000, cells: 900, "
                      "population: 45000}\n",
                      i);
    for (int i = 0; i < 2; i++)
        cc_buf_printf(&b,
                      "  - {name: F%d, type: prison, sex: female, capacity: 5000, cells: 300, "
                      "population: 12000, children: true}\n",
                      i);
    cc_buf_printf(&b, "  - {name: Rehab, type: rehab, sex: any, capacity: 40000, cells: 800, "
                      "population: 150000}\n");
    cc_buf_printf(&b, "costs: {per_day: {pretrial: 3, appeal: 3, sentenced: 3, rehab: 2, police: "
                      "5, bail: 0}, community_per_day: 1}\n");
    return b.data;
}


/* Run the scenario `repeat` times (the CPU time reported is the fastest
 * run: the machine may be shared, and the fastest run is the one least
 * disturbed by other work). */
static int bench(const char *label, const char *yaml, int repeat, double cpu_target,
                 double rss_target, int without_disease)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    if (cc_scenario_load_text(yaml, strlen(yaml), label, NULL, 0, &d, &s)) {
        for (int i = 0; i < d.kept; i++) {
            char *m = cc_diag_format(&d, i);
            fprintf(stderr, "%s\n", m);
            free(m);
        }
        return 1;
    }
    /* the bench owns this scenario: hide its disease block for the run and
     * give it back before freeing */
    struct cc_disease_spec *disease = s->disease;
    if (without_disease)
        s->disease = NULL;
    cc_sim *sim = NULL;
    double cpu = 0;
    for (int k = 0; k < repeat; k++) {
        cc_sim_free(sim);
        sim = NULL;
        double t0 = bench_cpu_seconds();
        if (cc_sim_create(s, s->seed, 0, &d, &sim) || cc_sim_run(sim, &d, NULL, NULL)) {
            fprintf(stderr, "%s: %s\n", label, d.kept ? d.entry[0].message : "failed");
            return 1;
        }
        double t = bench_cpu_seconds() - t0;
        if (k == 0 || t < cpu)
            cpu = t;
    }
    int nf = s->nfacilities;
    double person_days = 0;
    for (int32_t day = 0; day < s->days; day++)
        person_days += (double)cc_sim_rows(sim)[(size_t)day * (size_t)(nf + 1) + (size_t)nf]
                           .v[CC_TS_population];
    cc_metrics m = {0};
    cc_sim_metrics(sim, &m);
    long ia = cc_metrics_find(&m, "arrests");
    long ip = cc_metrics_find(&m, "population_start");
    long ie = cc_metrics_find(&m, "population_end");
    double adm = 0;
    for (int32_t day = 0; day < s->days; day++)
        adm += (double)cc_sim_rows(sim)[(size_t)day * (size_t)(nf + 1) + (size_t)nf]
                   .v[CC_TS_admissions];
    double rss = bench_peak_rss_mb();
    printf("%-8s days %d  custody %.0f -> %.0f  arrests %.0f  admissions %.0f  people %ld\n",
           label, (int)s->days, ip >= 0 ? m.m[ip].value : 0, ie >= 0 ? m.m[ie].value : 0,
           ia >= 0 ? m.m[ia].value : 0, adm, (long)sim->P.n);
    printf("%-8s cpu %.3f s, fastest of %d (target %.3g)  people-days/s %.3g  events %ld (%.3g/s)  peak RSS "
           "%.0f MB (target %.0f)\n",
           label, cpu, repeat, cpu_target, person_days / cpu, (long)sim->events,
           (double)sim->events / cpu, rss, rss_target);
    cc_metrics_free(&m);
    cc_sim_free(sim);
    s->disease = disease;
    cc_scenario_free(s);
    cc_diag_clear(&d);
    return 0;
}

int main(int argc, char **argv)
{
    cc_keep_freed_memory();
    const char *which = argc > 1 ? argv[1] : "all";
    int rc = 0;
    if (!strcmp(which, "default") || !strcmp(which, "all"))
        rc |= bench("default", cc_scenario_default_text(NULL), 5, 0.1, 400, 1);
    if (!strcmp(which, "country") || !strcmp(which, "all"))
        rc |= bench("country", COUNTRY, 5, 0.1, 400, 0);
    if (!strcmp(which, "scale") || !strcmp(which, "all")) {
        char *y = scale_yaml();
        rc |= bench("scale", y, 1, 5.0, 400, 0);
        free(y);
    }
    return rc;
}
