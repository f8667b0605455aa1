/* test_memest.c - the memory estimate against the measured peak of real
 * runs of the tool, for scenarios of different shapes:
 *   many replicates of a tiny scenario (what a run keeps per replicate),
 *   one replicate of a large population (the person store),
 *   an arrest_factor policy of 1000 (arrivals beyond the store's
 *   reservation);
 * and the number of replicates at once taken from the scenario, not the
 * CPUs. The peak is the child's ru_maxrss (getrusage by wait4) less that of
 * the tool checking a tiny scenario (the program, its libraries and a loaded
 * scenario); each run allocates 25-60 MiB, so that baseline (about 14 MiB,
 * varying by well under 1 MiB between runs) is small beside it.
 *
 * The estimate must lie within [0.67, 2.5] times the measured peak: never
 * short by more than a third (the CLI refuses runs from it), and not so far
 * above that it refuses runs that fit. The shapes are scaled down from those
 * that exposed the old estimate (100,000 replicates estimated at 0 MiB
 * against a 1.1 GB peak; a factor of 1000 estimated at 56 MiB against an
 * exhausted machine) to keep the suite fast; the terms they exercise are
 * the same. */
#define _GNU_SOURCE
#include <carcer/carcer.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "util.h"

static const char base_yaml[] =
    "name: shape\n"
    "start: 2017-01-01\n"
    "days: %d\n"
    "seed: 7\n"
    "offenses:\n"
    "  drug_use: {drug: true, violent: false, felony: false}\n"
    "  other: {drug: false, violent: false, felony: true}\n"
    "people: {female: 0.1, poor: 0.8, risk: 0.05, with_child: 0.05, age: {dist: lognormal, "
    "median: 30, p90: 48}}\n"
    "arrests: {per_day: %d, mix: {drug_use: 0.5, other: 0.5}, rearrest: {per_year: 0.3, "
    "halving_years: 2}}\n"
    "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: "
    "0.15, rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: 0.2}}\n"
    "police: {days: {default: {dist: fixed, value: 2}}}\n"
    "pretrial: {bail: 0, duration: {default: {dist: lognormal, median: 150, p90: 330}}, "
    "legal_limit_days: {misdemeanour: 180, felony: 540}, enforce_legal_limit: false}\n"
    "trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 6, max: 12, unit: "
    "months}}, appeal: 0.5, appeal_duration: {default: {dist: gamma, mean: 240, sd: 120}}}\n"
    "rehab: {duration: {dist: fixed, value: 180}, excess_deaths_per_1000_per_year: 5}\n"
    "initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}, offense: {drug_use: "
    "0.4, other: 0.6}}\n"
    "facilities:\n"
    "  - {name: Police, type: police, sex: any, capacity: 100, cells: 10, population: 0}\n"
    "  - {name: Men, type: prison, sex: male, capacity: 1000, cells: 20, population: %d}\n"
    "  - {name: Women, type: prison, sex: female, capacity: 200, cells: 5, population: 5, "
    "children: true}\n"
    "  - {name: Rehab, type: rehab, sex: any, capacity: 300, cells: 5, population: 5}\n"
    "%s";

static char *dir;

static char *write_scenario(const char *name, int days, int per_day, int population,
                            const char *extra)
{
    char *path = cc_asprintf("%s/%s.yaml", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, base_yaml, days, per_day, population, extra);
    fclose(f);
    return path;
}

/* Peak resident bytes of the tool run with argv (exit status 0 asserted). */
static double peak_of(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(126);
        execv(CARCER_TOOL, argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    assert_int_equal(wait4(pid, &status, 0, &ru), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    return (double)ru.ru_maxrss * 1024.0; /* KiB on Linux */
}

static double baseline(void)
{
    char *tiny = write_scenario("base", 30, 2, 30, "");
    char *argv[] = {"carcer", "check", tiny, NULL};
    double b = peak_of(argv);
    free(tiny);
    return b;
}

/* The estimate of `carcer run path --replicates k --threads 2` as the tool
 * makes it: the time series streamed to an open output. */
static double estimate_of(const char *path, int k, int threads)
{
    carcer_diag *d = carcer_diag_new();
    carcer_scenario *sc = NULL;
    assert_int_equal(carcer_scenario_load(path, NULL, 0, d, &sc), CARCER_OK);
    char *out = cc_asprintf("%s/estimate-out", dir);
    carcer_output *o = NULL;
    assert_int_equal(carcer_output_open(out, d, &o), CARCER_OK);
    carcer_run_options opt = carcer_run_options_default();
    opt.replicates = k;
    opt.threads = threads;
    opt.output = o;
    double e = carcer_run_memory_estimate((const carcer_scenario *const *)&sc, 1, &opt);
    carcer_output_free(o);
    free(out);
    carcer_scenario_free(sc);
    carcer_diag_free(d);
    return e;
}

/* The sanitizers' shadow memory and quarantine make RSS another measure:
 * the measured shapes run in the plain build only. */
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_SANITIZERS() skip()
#else
#define SKIP_UNDER_SANITIZERS() ((void)0)
#endif

static void check_shape(const char *what, const char *path, int k)
{
    char ks[16];
    snprintf(ks, sizeof ks, "%d", k);
    char *out = cc_asprintf("%s/out", dir);
    char *argv[] = {"carcer", "run", (char *)path, "--replicates", ks, "--threads", "2",
                    "-o", out, "--quiet", "--no-report", NULL};
    double base = baseline();
    double peak = peak_of(argv) - base;
    double est = estimate_of(path, k, 2);
    const double mib = 1024.0 * 1024.0;
    print_message("%s: estimate %.1f MiB, measured %.1f MiB above a %.1f MiB baseline "
                  "(ratio %.2f)\n",
                  what, est / mib, peak / mib, base / mib, est / peak);
    assert_true(peak > 20 * mib); /* large enough for the baseline not to matter */
    if (est < 0.67 * peak || est > 2.5 * peak)
        fail_msg("%s: estimate %.1f MiB is not within [0.67, 2.5] x the measured %.1f MiB", what,
                 est / mib, peak / mib);
    free(out);
}

static void many_replicates_of_a_tiny_scenario(void **state)
{
    (void)state;
    SKIP_UNDER_SANITIZERS();
    char *p = write_scenario("tiny", 30, 2, 30, "");
    check_shape("5000 replicates of a tiny scenario", p, 5000);
    free(p);
}

static void one_replicate_of_a_large_population(void **state)
{
    (void)state;
    SKIP_UNDER_SANITIZERS();
    char *p = write_scenario("large", 5, 20, 500000, "");
    check_shape("one replicate of 500,000 people", p, 1);
    free(p);
}

static void an_arrest_factor_of_1000(void **state)
{
    (void)state;
    SKIP_UNDER_SANITIZERS();
    char *p = write_scenario("factor", 20, 20, 1500,
                             "policies:\n  - {at: 2017-01-01, arrest_factor: 1000}\n");
    check_shape("arrest_factor 1000 from day 0", p, 1);
    /* the factor counts: 1000 x the arrivals of the same scenario without it */
    char *q = write_scenario("nofactor", 20, 20, 1500, "");
    assert_true(estimate_of(p, 1, 2) > 50 * estimate_of(q, 1, 2));
    free(q);
    free(p);
}

static void one_replicate_does_not_multiply_by_the_threads(void **state)
{
    (void)state;
    /* without --replicates: the scenario's one replicate runs alone, however
     * many threads are allowed */
    char *p = write_scenario("one", 5, 20, 100000, "");
    double e1 = estimate_of(p, 0, 1), e8 = estimate_of(p, 0, 8);
    assert_true(e1 > 0);
    assert_true(e8 == e1);
    /* with replicates, those at once do count */
    assert_true(estimate_of(p, 8, 8) > 4 * e1);
    free(p);
}

int main(void)
{
    dir = tu_tmpdir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(many_replicates_of_a_tiny_scenario),
        cmocka_unit_test(one_replicate_of_a_large_population),
        cmocka_unit_test(an_arrest_factor_of_1000),
        cmocka_unit_test(one_replicate_does_not_multiply_by_the_threads),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char *cmd = cc_asprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    free(cmd);
    free(dir);
    return rc;
}
