/* test_share.c - scenarios that differ only in their policies share the
 * days before the first policy acts (carcer_compare), and the results are
 * exactly those of separate runs.
 *
 * (1) A replicate copied at the start of any day (cc_sim_clone) and run on
 * gives the same recorded rows and metrics, bit for bit, as the run it was
 * copied from: checked on days before, during and after an epidemic with
 * every health measure, children, police custody and transfers. (2) A copy
 * made for an alternative on the first day a policy of either acts gives
 * the alternative's own run, for dated and triggered policies of each
 * kind. (3) carcer_compare gives, for every metric of every replicate, what
 * carcer_run of each scenario gives, also for an alternative that differs in
 * more than its policies (run on its own) and with policies in the
 * baseline. (4) Which scenarios count as differing only in their policies.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carcer/carcer.h>
#include <cmocka.h>

#include "metrics.h"
#include "policy.h"
#include "sim_internal.h"
#include "testutil.h"
#include "util.h"

static const char *const BASE =
    "name: %s\n"
    "start: 2021-01-01\n"
    "days: 240\n"
    "seed: 5\n"
    "offenses: {drug_use: {drug: true, violent: false, felony: false}, other: {drug: false, "
    "violent: false, felony: true}}\n"
    "people: {female: 0.2, poor: 0.6, risk: 0.1, with_child: 0.2}\n"
    "arrests: {per_day: %d, mix: {drug_use: 0.6, other: 0.4}, rearrest: {per_year: 0.3, "
    "halving_years: 2}}\n"
    "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.1, "
    "rehab: 0.3, prosecute: 0.6}}\n"
    "police: {days: {default: {dist: fixed, value: 2}}}\n"
    "pretrial: {bail: 0.1, duration: {default: {dist: gamma, mean: 60, sd: 30}}, "
    "legal_limit_days: {misdemeanour: 90, felony: 300}}\n"
    "trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 3, max: 9, unit: "
    "months}}, appeal: 0.2}\n"
    "rehab: {duration: {dist: fixed, value: 60}}\n"
    "facilities:\n"
    "  - {name: Police, type: police, sex: any, capacity: 50, cells: 5, population: 0}\n"
    "  - {name: CC1, type: prison, sex: male, capacity: 300, cells: 10, population: 700, "
    "convicted_to: CC3, staff: 40}\n"
    "  - {name: CC2, type: prison, sex: female, capacity: 100, cells: 4, population: 150, "
    "children: true, staff: 15}\n"
    "  - {name: CC3, type: prison, sex: male, capacity: 300, cells: 6, population: 100, "
    "intake_share: 0}\n"
    "  - {name: Rehab, type: rehab, sex: any, capacity: 80, cells: 4, population: 120}\n"
    "costs: {per_day: {pretrial: 3, appeal: 3, sentenced: 3, rehab: 2}, community_per_day: 1}\n"
    "disease:\n"
    "  pathogen: covid19\n"
    "  r0_at_capacity: 3\n"
    "  community_prevalence: [{from: 2021-01-01, value: 0}, {from: 2021-02-01, value: 0.002}]\n"
    "  introductions: [{at: 2021-01-20, facility: CC1, count: 3}]\n"
    "  measures:\n"
    "    quarantine: {from: 2021-02-01, days: 14, capacity: 20}\n"
    "    testing: {from: 2021-03-01, at_intake: true, sensitivity: 0.8, delay_days: 1}\n"
    "    isolation: {from: 2021-03-01, symptomatic: true, capacity: 10}\n"
    "    vaccination: {from: 2021-04-01, doses_per_day: 15, priority: [staff, risk, all]}\n"
    "%s";

static cc_scenario *load(const char *name, int arrests, const char *policies)
{
    char *y = cc_asprintf(BASE, name, arrests, policies);
    cc_scenario *s = tu_load(y);
    free(y);
    return s;
}

static void run_to(cc_sim *sim, int32_t day)
{
    cc_diag d;
    cc_diag_init(&d);
    while (sim->day < day)
        assert_int_equal(cc_sim_step(sim, &d), 0);
    cc_diag_clear(&d);
}

/* (1) copies on many days, among them days of a running epidemic */
static void test_clone_any_day(void **state)
{
    (void)state;
    cc_scenario *s = load("base", 25, "");
    cc_sim *whole = tu_sim_run(s, 3);
    assert_true(tu_metric(whole, "infections.detainees") > 50); /* an epidemic ran */
    assert_true(tu_metric(whole, "disease.vaccinations") > 0);
    const int32_t days[] = {0, 1, 19, 20, 45, 60, 90, 150, 239, 240};
    for (size_t k = 0; k < sizeof days / sizeof days[0]; k++) {
        cc_sim *sim = tu_sim_start(s, 3), *copy = NULL;
        run_to(sim, days[k]);
        assert_int_equal(cc_sim_clone(sim, s, &copy), 0);
        cc_sim_free(sim); /* the copy owns all it uses */
        run_to(copy, s->days);
        char what[64];
        snprintf(what, sizeof what, "copied on day %d", (int)days[k]);
        tu_assert_same_run(whole, copy, what);
        cc_sim_free(copy);
    }
    cc_sim_free(whole);
    cc_scenario_free(s);
}

/* The first day a policy of a or b acts, in a run of a. */
static int32_t parting_day(const cc_scenario *a, const cc_scenario *b, cc_sim *sim)
{
    while (sim->day < a->days && !cc_policy_acts_on(sim, a, sim->day) &&
           !cc_policy_acts_on(sim, b, sim->day))
        run_to(sim, sim->day + 1);
    return sim->day;
}

/* (2) a copy of the baseline on the parting day runs as the alternative */
static void test_clone_for_policies(void **state)
{
    (void)state;
    static const char *const alternatives[] = {
        "policies:\n  - {at: 2021-03-15, release: {status: [pretrial], fraction: 0.5, "
        "over_days: 10, order: random}}\n",
        "policies:\n  - {when: {occupancy_above: 2.0, facility: CC1}, for_days: 30, "
        "arrest_factor: 0.5}\n",
        "policies:\n  - {when: {infections_above: 20}, release: {status: [pretrial, sentenced], "
        "risk: true, fraction: 1.0, over_days: 1}}\n",
        "policies:\n  - {at: 2021-02-10, close: {type: rehab}}\n",
        "policies:\n  - {at: 2021-05-01, decriminalise: {offenses: [drug_use], "
        "release_current: true, over_days: 5}}\n"
        "  - {at: 2021-05-01, until: 2021-07-01, court_speed: 0.5}\n",
        "policies:\n  - {at: 2021-02-01, enforce_pretrial_limits: true}\n"
        "  - {at: 2021-02-01, pardon: {days_of_year: [06-01], min_share_served: 0.3, "
        "fraction: 0.5}}\n",
        /* health policies before the baseline follows detainees one by one
         * (day 19, the introduction): the copy must start following them */
        "policies:\n  - {at: 2021-01-10, health: {quarantine: {days: 10, capacity: 20}, "
        "vaccination: {doses_per_day: 5, priority: [risk, all]}}}\n",
        "policies:\n  - {when: {occupancy_above: 1.5, facility: CC1}, health: {masks: "
        "{factor: 0.5}, testing: {at_intake: true, every_days: 30, sensitivity: 0.7}}}\n",
    };
    cc_scenario *base = load("base", 25, "");
    for (size_t k = 0; k < sizeof alternatives / sizeof alternatives[0]; k++) {
        cc_scenario *alt = load("alt", 25, alternatives[k]);
        assert_int_equal(cc_scenario_same_but_policies(base, alt), 1);
        cc_sim *own = tu_sim_run(alt, 1);
        cc_sim *sim = tu_sim_start(base, 1), *copy = NULL;
        int32_t day = parting_day(base, alt, sim);
        assert_true(day > 0 && day < base->days); /* some days shared, not all */
        assert_int_equal(cc_sim_clone(sim, alt, &copy), 0);
        run_to(copy, alt->days);
        char what[64];
        snprintf(what, sizeof what, "alternative %zu parting on day %d", k, (int)day);
        tu_assert_same_run(own, copy, what);
        cc_sim_free(copy);
        cc_sim_free(sim);
        cc_sim_free(own);
        cc_scenario_free(alt);
    }
    cc_scenario_free(base);
}

static carcer_scenario *load_public(const char *name, int arrests, const char *policies)
{
    char *y = cc_asprintf(BASE, name, arrests, policies);
    carcer_scenario *sc = tu_load_public(y, name);
    free(y);
    return sc;
}

/* (3) carcer_compare equals separate runs */
static void test_compare_equals_runs(void **state)
{
    (void)state;
    enum { N = 4, K = 3 };
    const char *bp = "policies:\n  - {at: 2021-06-01, legal_aid: 0.5}\n";
    carcer_scenario *sc[N] = {
        load_public("base", 25, bp),
        load_public("release", 25,
                    "policies:\n  - {at: 2021-06-01, legal_aid: 0.5}\n  - {at: 2021-03-01, "
                    "release: {status: [sentenced], number: 50, over_days: 5}}\n"),
        load_public("trigger", 25,
                    "policies:\n  - {at: 2021-06-01, legal_aid: 0.5}\n  - {when: "
                    "{infections_above: 30}, for_days: 20, arrest_factor: 0.2}\n"),
        load_public("more arrests", 30, bp)}; /* differs in more than policies */
    carcer_run_options opt = carcer_run_options_default();
    opt.replicates = K;
    opt.seed = 11;
    opt.threads = 2;
    carcer_diag *d = carcer_diag_new();
    carcer_comparison *c = NULL;
    assert_int_equal(carcer_compare((const carcer_scenario *const *)sc, N, &opt, d, &c),
                     CARCER_OK);
    for (int j = 0; j < N; j++) {
        carcer_results *own = NULL;
        opt.threads = 1;
        assert_int_equal(carcer_run(sc[j], &opt, d, &own), CARCER_OK);
        const carcer_results *shared = carcer_comparison_results(c, j);
        size_t n = carcer_results_metric_count(own);
        assert_int_equal(n, carcer_results_metric_count(shared));
        for (size_t i = 0; i < n; i++) {
            const char *key = carcer_results_metric_key(own, i);
            for (int r = 0; r < K; r++) {
                double x = carcer_results_metric(own, key, r);
                double y = carcer_results_metric(shared, key, r);
                if (!(x == y) && !(isnan(x) && isnan(y)))
                    fail_msg("scenario %d, %s, replicate %d: %.17g in the comparison, %.17g "
                             "alone",
                             j, key, r, y, x);
            }
        }
        carcer_results_free(own);
    }
    /* the alternatives did differ from the baseline */
    const char *key = "person_years.detained";
    double b = carcer_results_metric(carcer_comparison_results(c, 0), key, 0);
    for (int j = 1; j < N; j++)
        assert_true(carcer_results_metric(carcer_comparison_results(c, j), key, 0) != b);
    carcer_comparison_free(c);
    carcer_diag_free(d);
    for (int j = 0; j < N; j++)
        carcer_scenario_free(sc[j]);
}

/* (4) */
static void test_same_but_policies(void **state)
{
    (void)state;
    cc_scenario *a = load("a", 25, "");
    cc_scenario *b = load("b", 25, "policies:\n  - {at: 2021-02-01, arrest_factor: 2}\n");
    cc_scenario *c = load("c", 26, "");
    char *y = cc_asprintf(BASE, "d", 25, "");
    char *seeded = cc_asprintf("%s\nreplicates: 4\n", y);
    char *p = strstr(seeded, "seed: 5");
    p[6] = '9'; /* another seed */
    cc_scenario *d = tu_load(seeded);
    char *costly = cc_asprintf("%s", y);
    p = strstr(costly, "community_per_day: 1");
    p[19] = '2'; /* another cost */
    cc_scenario *e = tu_load(costly);
    assert_int_equal(cc_scenario_same_but_policies(a, b), 1);
    assert_int_equal(cc_scenario_same_but_policies(a, d), 1); /* name, seed, replicates */
    assert_int_equal(cc_scenario_same_but_policies(a, c), 0);
    assert_int_equal(cc_scenario_same_but_policies(a, e), 0);
    free(y);
    free(seeded);
    free(costly);
    cc_scenario_free(a);
    cc_scenario_free(b);
    cc_scenario_free(c);
    cc_scenario_free(d);
    cc_scenario_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clone_any_day),
        cmocka_unit_test(test_clone_for_policies),
        cmocka_unit_test(test_compare_equals_runs),
        cmocka_unit_test(test_same_but_policies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
