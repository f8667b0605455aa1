/* test_compare.c - paired comparison with common random numbers.
 *
 * (1) A scenario compared with itself differs by exactly zero in every
 * metric of every replicate; so does one that differs only in its costs,
 * in every metric but the costs (it is run on its own, not from the
 * baseline's shared days). (2) The paired difference of a policy (bail
 * 0.3 for drug_use from day 100) has a much smaller variance across
 * replicates than the unpaired difference (the alternative run with other
 * seeds): measured and asserted with a margin. With K = 30 replicates the
 * ratio of two sample variances has a relative sd of about sqrt(4 / K) ~
 * 0.37, so asserting a factor of 10 when the measured one is far larger
 * (about 100 here) leaves room for the dice.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carcer/carcer.h>
#include <cmocka.h>

#include "testutil.h"
#include "util.h"

#define K 30

static const char *const BASE =
    "name: %s\n"
    "start: 2017-01-01\n"
    "days: 365\n"
    "seed: 1\n"
    "offenses: {drug_use: {drug: true, violent: false, felony: false}, other: {drug: false, "
    "violent: false, felony: true}}\n"
    "people: {female: 0.1, poor: 0.5, risk: 0.05, with_child: 0.05}\n"
    "arrests: {per_day: 20, mix: {drug_use: 0.6, other: 0.4}, rearrest: {per_year: 0.3, "
    "halving_years: 2}}\n"
    "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.15, "
    "rehab: 0.35, prosecute: 0.50}}\n"
    "pretrial: {bail: 0, duration: {default: {dist: lognormal, median: 150, p90: 330}}}\n"
    "trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 6, max: 12, unit: "
    "months}}, appeal: 0.3}\n"
    "facilities:\n"
    "  - {name: CC1, type: prison, sex: male, capacity: 800, cells: 20, population: 1500}\n"
    "  - {name: CC2, type: prison, sex: female, capacity: 200, cells: 5, population: 200}\n"
    "  - {name: Rehab, type: rehab, sex: any, capacity: 200, cells: 5, population: 300}\n"
    "costs: {per_day: {pretrial: 3, appeal: 3, sentenced: 3, rehab: 2}}\n"
    "%s";

static carcer_scenario *load(const char *name, const char *policies)
{
    char *y = cc_asprintf(BASE, name, policies);
    carcer_scenario *sc = tu_load_public(y, name);
    free(y);
    return sc;
}

static carcer_comparison *compare(const carcer_scenario *a, const carcer_scenario *b,
                                  int64_t seed)
{
    const carcer_scenario *v[2] = {a, b};
    carcer_run_options opt = carcer_run_options_default();
    opt.replicates = K;
    opt.seed = seed;
    carcer_diag *d = carcer_diag_new();
    carcer_comparison *c = NULL;
    assert_int_equal(carcer_compare(v, 2, &opt, d, &c), CARCER_OK);
    carcer_diag_free(d);
    return c;
}

static void test_identical_zero(void **state)
{
    (void)state;
    carcer_scenario *a = load("a", ""), *b = load("b", "");
    carcer_comparison *c = compare(a, b, 7);
    const carcer_results *ra = carcer_comparison_results(c, 0);
    const carcer_results *rb = carcer_comparison_results(c, 1);
    size_t n = carcer_results_metric_count(ra);
    assert_true(n > 20);
    assert_int_equal(n, carcer_results_metric_count(rb));
    for (size_t i = 0; i < n; i++) {
        const char *key = carcer_results_metric_key(ra, i);
        for (int r = 0; r < K; r++) {
            double x = carcer_results_metric(ra, key, r), y = carcer_results_metric(rb, key, r);
            if (!(x == y))
                fail_msg("%s differs in replicate %d: %g vs %g", key, r, x, y);
        }
    }
    char *dir = tu_tmpdir();
    carcer_diag *d = carcer_diag_new();
    assert_int_equal(carcer_comparison_write(c, dir, d), CARCER_OK);
    carcer_diag_free(d);
    free(dir);
    carcer_comparison_free(c);
    carcer_scenario_free(a);
    carcer_scenario_free(b);
}

/* The same without the shared days: a scenario that differs only in its
 * costs is not one that differs only in policies, so it runs on its own
 * (test_share.c); its dice are still the baseline's, and everything but
 * the costs agrees exactly. */
static void test_identical_but_costs_zero(void **state)
{
    (void)state;
    carcer_scenario *a = load("a", "");
    char *y = cc_asprintf(BASE, "b", "");
    char *p = strstr(y, "rehab: 2}}");
    assert_non_null(p);
    p[7] = '5'; /* rehab costs 5 a day */
    carcer_scenario *b = tu_load_public(y, "b");
    free(y);
    carcer_comparison *c = compare(a, b, 7);
    const carcer_results *ra = carcer_comparison_results(c, 0);
    const carcer_results *rb = carcer_comparison_results(c, 1);
    size_t n = carcer_results_metric_count(ra), costs = 0, others = 0;
    for (size_t i = 0; i < n; i++) {
        const char *key = carcer_results_metric_key(ra, i);
        bool cost = strncmp(key, "cost", 4) == 0;
        bool differs = false;
        for (int r = 0; r < K; r++)
            differs |= !(carcer_results_metric(ra, key, r) == carcer_results_metric(rb, key, r));
        if (cost) {
            costs += differs;
        } else {
            others++;
            if (differs)
                fail_msg("%s differs between scenarios that differ only in costs", key);
        }
    }
    assert_true(others > 20);
    assert_true(costs > 0); /* the costs did change: the runs were not shared */
    carcer_comparison_free(c);
    carcer_scenario_free(a);
    carcer_scenario_free(b);
}

static double variance(const double *x, int n)
{
    double m = 0, v = 0;
    for (int i = 0; i < n; i++)
        m += x[i] / n;
    for (int i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m) / (n - 1);
    return v;
}

static void test_paired_variance(void **state)
{
    (void)state;
    const char *policy = "policies:\n  - {at: 2017-04-11, bail: {drug_use: 0.3}}\n";
    carcer_scenario *base = load("base", ""), *alt = load("bail", policy);
    carcer_comparison *paired = compare(base, alt, 1);
    carcer_comparison *other = compare(base, alt, 1001); /* alternative with other seeds */
    const char *keys[] = {"person_years.by_state.pretrial", "population_end", "costs.total"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        double dp[K], du[K];
        for (int r = 0; r < K; r++) {
            double b = carcer_results_metric(carcer_comparison_results(paired, 0), keys[k], r);
            dp[r] = carcer_results_metric(carcer_comparison_results(paired, 1), keys[k], r) - b;
            du[r] = carcer_results_metric(carcer_comparison_results(other, 1), keys[k], r) - b;
        }
        double vp = variance(dp, K), vu = variance(du, K);
        print_message("%s: var paired %.4g, unpaired %.4g, ratio %.1f\n", keys[k], vp, vu,
                      vu / vp);
        assert_true(vp * 10 < vu);
    }
    carcer_comparison_free(paired);
    carcer_comparison_free(other);
    carcer_scenario_free(base);
    carcer_scenario_free(alt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_zero),
        cmocka_unit_test(test_identical_but_costs_zero),
        cmocka_unit_test(test_paired_variance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
