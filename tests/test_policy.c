/* test_policy.c - the policies list: one test per lever, triggers, costs,
 * the resolved round trip and positioned errors for bad policy blocks.
 *
 * Scenarios are YAML texts (BASE plus a `policies:` block) loaded with
 * tu_load and run day by day, reading the replicate's inside
 * (sim_internal.h). Counting checks are exact; the Little's-law check uses
 * fixed durations, so its only noise is the Poisson arrivals (tolerance:
 * several standard errors of the mean population).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "sim.h"
#include "sim_internal.h"
#include "testutil.h"
#include "util.h"

/* |a - b| <= eps (this cmocka has no assert_double_equal) */
#define assert_near(a, b, eps)                                                                 \
    do {                                                                                       \
        double a_ = (a), b_ = (b);                                                             \
        if (!(fabs(a_ - b_) <= (eps)))                                                         \
            fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);                                \
    } while (0)

static const char *const BASE =
    "name: t\n"
    "start: 2017-01-01\n"
    "days: 200\n"
    "seed: 3\n"
    "offenses: {drug_use: {drug: true, violent: false, felony: false}, other: {drug: false, "
    "violent: false, felony: true}}\n"
    "people: {female: 0.1, poor: 0.8, risk: 0.05, with_child: 0.05, age: {dist: lognormal, "
    "median: 30, p90: 48}}\n"
    "arrests: {per_day: 50, mix: {drug_use: 0.5, other: 0.5}, rearrest: {per_year: 0.3, "
    "halving_years: 2}}\n"
    "direct_admissions: {rehab_per_day: 0}\n"
    "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.15, "
    "rehab: 0.55, prosecute: 0.30}}\n"
    "police: {days: {default: {dist: fixed, value: 2}}}\n"
    "pretrial: {bail: 0, duration: {default: {dist: lognormal, median: 150, p90: 330}}, "
    "legal_limit_days: {misdemeanour: 180, felony: 540}, enforce_legal_limit: false}\n"
    "trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 6, max: 12, unit: "
    "months}}, appeal: 0.5, appeal_duration: {default: {dist: gamma, mean: 240, sd: 120}}}\n"
    "rehab: {duration: {dist: fixed, value: 180}}\n"
    "initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}, offense: {drug_use: 0.4, "
    "other: 0.6}}\n"
    "facilities:\n"
    "  - {name: Police, type: police, sex: any, capacity: 500, cells: 50, population: 0}\n"
    "  - {name: CC1, type: prison, sex: male, capacity: 2000, cells: 60, population: 4500, "
    "intake_share: 0.7}\n"
    "  - {name: CC2, type: prison, sex: female, capacity: 600, cells: 20, population: 1200, "
    "children: true}\n"
    "  - {name: Rehab, type: rehab, sex: any, capacity: 400, cells: 10, population: 900}\n"
    "costs: {per_day: {pretrial: 3, appeal: 3, sentenced: 4, rehab: 2, police: 5, bail: 1}, "
    "community_per_day: 0.5}\n";

static char *with_policies(const char *policies)
{
    return cc_asprintf("%spolicies:\n%s", BASE, policies);
}


static void step(cc_sim *sim)
{
    cc_diag d;
    cc_diag_init(&d);
    assert_int_equal(cc_sim_step(sim, &d), 0);
    cc_diag_clear(&d);
}


static int64_t held_for(const cc_sim *sim, int off)
{
    int64_t n = 0;
    for (int f = 0; f < sim->fac.n; f++)
        for (int32_t k = 0; k < sim->fac.f[f].n; k++)
            n += sim->P.rec[sim->fac.f[f].members[k]].offense == off;
    return n;
}

static int64_t held_in_state(const cc_sim *sim, int st)
{
    int64_t n = 0;
    for (int f = 0; f < sim->fac.n; f++)
        n += sim->fac.f[f].state_n[st];
    return n;
}

/* Decriminalised offenses bring nobody into custody after the date, and
 * those held for them leave over the days asked. */
static void test_decriminalise(void **state)
{
    (void)state;
    char *y = with_policies("  - at: 2017-02-01\n"
                            "    decriminalise: {offenses: [drug_use], release_current: true, "
                            "over_days: 10, treatment_days: 60}\n");
    cc_scenario *s = tu_load(y);
    cc_sim *sim = tu_sim_start(s, 0);
    int du = cc_offense_index(s, "drug_use");
    int32_t at = 31;
    while (sim->day < at)
        step(sim);
    int64_t before = held_for(sim, du);
    assert_true(before > 1000);
    int64_t prev = before;
    for (int j = 0; j < 10; j++) {
        step(sim);
        int64_t now = held_for(sim, du);
        assert_true(now < prev || now == 0); /* some leave every day of the spread */
        prev = now;
    }
    assert_int_equal(held_for(sim, du), 0);
    int64_t admissions = 0;
    while (sim->day < s->days) {
        step(sim);
        assert_int_equal(held_for(sim, du), 0);
        admissions += sim->today_admissions;
    }
    assert_true(admissions > 0); /* other offenses still come in */
    double ref = tu_metric(sim, "community_referrals");
    assert_true(ref > 0.5 * 25 * (s->days - at) * 0.9); /* ~25 drug_use arrests a day */
    assert_near(tu_metric(sim, "community_days"), ref * 60, 1e-6);
    assert_true(tu_metric(sim, "policy_releases") > 0.5 * (double)before); /* others leave by events */
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(y);
}

/* A release of 50% of the sentenced, spread over 5 days, releases that
 * many, evenly. */
static void test_release_fraction_spread(void **state)
{
    (void)state;
    char *y = with_policies("  - at: 2017-01-31\n"
                            "    release: {status: [sentenced], fraction: 0.5, over_days: 5, "
                            "order: random}\n");
    cc_scenario *s = tu_load(y);
    cc_sim *sim = tu_sim_start(s, 0);
    while (sim->day < 30)
        step(sim);
    int64_t n = held_in_state(sim, CC_ST_SENTENCED);
    int64_t k = (int64_t)floor(0.5 * (double)n + 0.5);
    double done = 0;
    for (int j = 0; j < 5; j++) {
        step(sim);
        double r = tu_metric(sim, "policy_releases");
        int64_t expect = k * (j + 1) / 5 - k * j / 5;
        assert_int_equal((int64_t)(r - done), expect);
        done = r;
    }
    assert_int_equal((int64_t)done, k);
    step(sim);
    assert_near(tu_metric(sim, "policy_releases"), done, 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(y);
}

/* The same group picked in replicate i whatever else differs later: two
 * scenarios that differ only in a lever from day 100 release the same
 * people on day 30. */
static void test_release_common_random_numbers(void **state)
{
    (void)state;
    const char *rel = "  - at: 2017-01-31\n"
                      "    release: {status: [pretrial, sentenced], fraction: 0.3, order: random}\n";
    char *ya = with_policies(rel);
    char *tail = cc_asprintf("%s  - at: 2017-04-11\n    arrest_factor: 2\n", rel);
    char *yb = with_policies(tail);
    cc_scenario *sa = tu_load(ya), *sb = tu_load(yb);
    cc_sim *a = tu_sim_start(sa, 0), *b = tu_sim_start(sb, 0);
    while (a->day < 31) {
        step(a);
        step(b);
    }
    assert_int_equal(a->P.n, b->P.n);
    for (int32_t p = 0; p < a->P.n; p++)
        assert_int_equal(a->P.rec[p].state, b->P.rec[p].state);
    cc_sim_free(a);
    cc_sim_free(b);
    cc_scenario_free(sa);
    cc_scenario_free(sb);
    free(ya);
    free(yb);
    free(tail);
}

/* A triggered policy fires on the first day after yesterday's occupancy
 * passed the threshold, not before, and holds for for_days. */
static void test_trigger_threshold(void **state)
{
    (void)state;
    char *y = with_policies("  - when: {facility: CC1, occupancy_above: 2.3, min_gap_days: 1000}\n"
                            "    for_days: 10\n"
                            "    arrest_factor: 0.25\n");
    cc_scenario *s = tu_load(y);
    cc_sim *sim = tu_sim_start(s, 0);
    int nf = sim->fac.n, cc1 = cc_facility_index(s, "CC1");
    int32_t fired = -1;
    while (sim->day < s->days) {
        int32_t d = sim->day;
        bool over = false;
        if (d > 0) {
            const cc_ts_row *r = &cc_sim_rows(sim)[(size_t)(d - 1) * (size_t)(nf + 1) + (size_t)cc1];
            over = (double)r->v[CC_TS_population] / r->capacity > 2.3;
        }
        step(sim);
        if (fired < 0) {
            if (over) {
                assert_near(sim->arrest_factor, 0.25, 0);
                fired = d;
            } else {
                assert_near(sim->arrest_factor, 1.0, 0);
            }
        } else if (d < fired + 10) {
            assert_near(sim->arrest_factor, 0.25, 0);
        } else {
            assert_near(sim->arrest_factor, 1.0, 0); /* min_gap: never again */
        }
    }
    assert_true(fired > 0); /* the scenario crosses the threshold */
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(y);
}

/* Closing rehab leaves it empty and sends rehab routing to community
 * services. */
static void test_close_rehab(void **state)
{
    (void)state;
    char *y = with_policies("  - at: 2017-01-11\n    close: {type: rehab, treatment_days: 30}\n");
    cc_scenario *s = tu_load(y);
    cc_sim *sim = tu_sim_start(s, 0);
    int rehab = cc_facility_index(s, "Rehab");
    while (sim->day < 10)
        step(sim);
    assert_true(sim->fac.f[rehab].n > 0);
    while (sim->day < s->days) {
        step(sim);
        assert_int_equal(sim->fac.f[rehab].n, 0);
    }
    double ref = tu_metric(sim, "community_referrals");
    assert_true(ref > 1000); /* ~25 drug_use arrests a day, 55% routed to rehab */
    assert_near(tu_metric(sim, "community_days"), 30 * ref, 1e-6);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(y);
}

/* Closing one facility moves its people to the other open ones. */
static void test_close_facility_transfers(void **state)
{
    (void)state;
    char *y = with_policies("  - at: 2017-01-11\n    close: {facility: CC2}\n");
    cc_scenario *s = tu_load(y);
    cc_sim *sim = tu_sim_start(s, 0);
    while (sim->day < 10)
        step(sim);
    /* CC2 is the only female prison: nowhere to go, so they are released */
    int64_t women = sim->fac.f[cc_facility_index(s, "CC2")].n;
    step(sim);
    assert_int_equal(sim->fac.f[cc_facility_index(s, "CC2")].n, 0);
    assert_true(tu_metric(sim, "policy_releases") >= (double)women);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(y);
}

/* Little's law: with fixed durations, the pretrial population of a
 * stationary pipeline is arrivals x stay, and court_speed scales the stay. */
static void test_court_speed_little(void **state)
{
    (void)state;
    const char *tmpl =
        "name: little\nstart: 2017-01-01\ndays: 400\nseed: 5\n"
        "offenses: {other: {felony: true}}\n"
        "people: {female: 0, poor: 1, with_child: 0}\n"
        "arrests: {per_day: 20, rearrest: {per_year: 0}}\n"
        "routing: {default: {release: 0, rehab: 0, prosecute: 1}}\n"
        "police: {days: {default: {dist: fixed, value: 2}}}\n"
        "pretrial: {bail: 0, duration: {default: {dist: fixed, value: 100}}, "
        "legal_limit_days: {misdemeanour: 1000, felony: 1000}}\n"
        "trial: {conviction: 0}\n"
        "mortality: {per_1000_per_year_at_30: 0, crowding_per_1000_per_year: 0}\n"
        "facilities:\n"
        "  - {name: P, type: prison, sex: any, capacity: 5000, cells: 10, population: 0}\n"
        "policies:\n  - {at: 2017-01-01, court_speed: %s}\n";
    const char *speed[2] = {"1", "0.5"};
    double mean[2];
    for (int k = 0; k < 2; k++) {
        char *y = cc_asprintf(tmpl, speed[k]);
        cc_scenario *s = tu_load(y);
        cc_sim *sim = tu_sim_start(s, 0);
        double sum = 0;
        int n = 0;
        while (sim->day < s->days) {
            step(sim);
            if (sim->day > 200) {
                sum += (double)sim->fac.f[0].state_n[CC_ST_PRETRIAL];
                n++;
            }
        }
        mean[k] = sum / n;
        cc_sim_free(sim);
        cc_scenario_free(s);
        free(y);
    }
    /* L = lambda W: 20 a day for 100 and 50 days (sd of a day ~ sqrt(L)) */
    assert_true(fabs(mean[0] - 2000) < 60);
    assert_true(fabs(mean[1] - 1000) < 45);
}

/* Enforcing the limits releases on bail everyone held beyond them. */
static void test_enforce_limits(void **state)
{
    (void)state;
    char *y = with_policies("  - at: 2017-03-01\n    enforce_pretrial_limits: true\n");
    cc_scenario *s = tu_load(y);
    cc_sim *sim = tu_sim_start(s, 0);
    while (sim->day < s->days) {
        step(sim);
        if (sim->day <= 60)
            continue;
        for (int f = 0; f < sim->fac.n; f++)
            for (int32_t k = 0; k < sim->fac.f[f].n; k++) {
                int32_t p = sim->fac.f[f].members[k];
                if (sim->P.rec[p].state != CC_ST_PRETRIAL)
                    continue;
                double limit = s->offense[sim->P.rec[p].offense].felony ? 540 : 180;
                assert_true(sim->day - 1 - sim->P.rec[p].seg_start <= limit);
            }
    }
    assert_true(tu_metric(sim, "policy_releases") > 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(y);
}

/* Pardons on a day of the year release the number asked among those who
 * served the share. */
static void test_pardon(void **state)
{
    (void)state;
    char *y = with_policies("  - at: 2017-01-01\n"
                            "    pardon: {days_of_year: [\"01-20\", \"03-01\"], "
                            "min_share_served: 0.5, number: 7}\n");
    cc_scenario *s = tu_load(y);
    cc_sim *sim = tu_sim_start(s, 0);
    while (sim->day < 19)
        step(sim);
    assert_near(tu_metric(sim, "policy_releases"), 0, 0);
    step(sim);
    assert_near(tu_metric(sim, "policy_releases"), 7, 0);
    while (sim->day < 70)
        step(sim);
    assert_near(tu_metric(sim, "policy_releases"), 14, 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(y);
}

/* Costs add up to person-days x unit costs. */
static void test_costs_add_up(void **state)
{
    (void)state;
    char *y = with_policies("  - at: 2017-02-01\n"
                            "    decriminalise: {offenses: [drug_use]}\n");
    cc_scenario *s = tu_load(y);
    cc_sim *sim = tu_sim_start(s, 0);
    while (sim->day < s->days)
        step(sim);
    double total = 0;
    for (int st = 0; st < CC_ST_COUNT; st++)
        total += sim->person_days_state[st] * s->cost_per_day[st];
    total += sim->community_days * s->cost_community_per_day;
    assert_true(sim->community_days > 0);
    assert_near(tu_metric(sim, "costs.total"), total, 1e-6 * total);
    assert_near(tu_metric(sim, "cost"), total, 1e-6 * total);
    double parts = tu_metric(sim, "costs.by_facility_type.police") +
                   tu_metric(sim, "costs.by_facility_type.prison") +
                   tu_metric(sim, "costs.by_facility_type.rehab") + tu_metric(sim, "costs.bail") +
                   tu_metric(sim, "costs.community");
    assert_near(parts, total, 1e-6 * total);
    double by_state = tu_metric(sim, "costs.community");
    const char *st[] = {"police", "pretrial", "bail", "appeal", "sentenced", "rehab"};
    for (int i = 0; i < 6; i++) {
        char *k = cc_asprintf("costs.by_state.%s", st[i]);
        by_state += tu_metric(sim, k);
        free(k);
    }
    assert_near(by_state, total, 1e-6 * total);
    /* crowding: CC1 starts at 2.25 x capacity, so every day counts */
    assert_true(tu_metric(sim, "person_days_over_capacity") >= 4500.0 * s->days * 0.9);
    assert_true(tu_metric(sim, "person_days_over_200pct") > 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(y);
}

/* Every lever prints back with its defaults and loads to the same text. */
static void test_round_trip(void **state)
{
    (void)state;
    char *y = with_policies(
        "  - {at: 2017-02-01, decriminalise: {offenses: [drug_use]}}\n"
        "  - {name: \"bail \\\"reform\\\"\", at: 2017-02-01, until: 2017-05-01, bail: {drug_use: "
        "0.3}}\n"
        "  - {at: 2017-02-01, bail: {default: 0.1, other: 0.2}}\n"
        "  - {at: 2017-02-01, legal_aid: 0.5}\n"
        "  - {at: 2017-02-01, enforce_pretrial_limits: true}\n"
        "  - {at: 2017-02-01, release: {status: [rehab], drug: true, min_age: 50, "
        "max_days_remaining: 30, facility: Rehab, number: 10, over_days: 3, order: oldest}}\n"
        "  - {when: {occupancy_above: 3, rearm_below: 2.5}, for_days: 20, arrest_factor: 0.5}\n"
        "  - {when: {facility: CC1, infections_above: 10}, close: {facility: CC1}}\n"
        "  - {at: 2017-02-01, capacity: {facility: CC1, add: -100}}\n"
        "  - {at: 2017-02-01, court_speed: 0.7}\n"
        "  - {at: 2017-02-01, close: {type: rehab}}\n"
        "  - {at: 2017-02-01, pardon: {fraction: 0.1}}\n");
    cc_scenario *s = tu_load(y);
    assert_int_equal(s->npolicies, 12);
    char *r1 = cc_scenario_resolved_yaml(s);
    cc_scenario *s2 = tu_load(r1);
    char *r2 = cc_scenario_resolved_yaml(s2);
    if (strcmp(r1, r2) != 0)
        fail_msg("resolved scenarios differ:\n%s\n----\n%s", r1, r2);
    assert_non_null(strstr(r1, "min_gap_days: 30"));
    assert_non_null(strstr(r1, "- \"04-14\"\n"));
    assert_non_null(strstr(r1, "treatment_days: 90"));
    free(r1);
    free(r2);
    cc_scenario_free(s2);
    cc_scenario_free(s);
    free(y);
}

/* ---- health: the disease block's measures set by a policy ------------------ */

/* BASE with COVID-19: seeded in both prisons on day 4, arrivals infected at
 * the community prevalence. `measures` (may be NULL) goes inside the block,
 * `policies` (may be NULL) is the policies list. */
static char *with_disease(const char *measures, const char *policies)
{
    return cc_asprintf("%sdisease:\n"
                       "  pathogen: covid19\n"
                       "  r0_at_capacity: 3\n"
                       "  community_prevalence: 0.002\n"
                       "  introductions: [{at: 2017-01-05, facility: CC1, count: 5}, "
                       "{at: 2017-01-05, facility: CC2, count: 3}]\n"
                       "%s%s%s",
                       BASE, measures ? "  measures:\n" : "", measures ? measures : "",
                       policies ? "policies:\n" : "");
}

static char *with_disease_policies(const char *measures, const char *policies)
{
    char *head = with_disease(measures, policies);
    char *y = cc_asprintf("%s%s", head, policies ? policies : "");
    free(head);
    return y;
}

/* Column `col` of the system row of day d. */
static int64_t sys_col(const cc_sim *sim, int32_t d, int col)
{
    int nf = sim->fac.n;
    return cc_sim_rows(sim)[(size_t)d * (size_t)(nf + 1) + (size_t)nf].v[col];
}

/* Every row (all facilities and the system) of days [from, to) equal. */
static void assert_rows_equal(const cc_sim *a, const cc_sim *b, int32_t from, int32_t to)
{
    int nf = a->fac.n;
    const cc_ts_row *ra = cc_sim_rows(a), *rb = cc_sim_rows(b);
    for (int32_t d = from; d < to; d++)
        for (int f = 0; f <= nf; f++)
            for (int c = 0; c < CC_TS_NCOL; c++) {
                size_t i = (size_t)d * (size_t)(nf + 1) + (size_t)f;
                if (ra[i].v[c] != rb[i].v[c])
                    fail_msg("day %d facility %d column %d: %lld != %lld", (int)d, f, c,
                             (long long)ra[i].v[c], (long long)rb[i].v[c]);
            }
}

/* Every metric equal, except those whose key starts with one of `skip`
 * (NULL-terminated, may be NULL). */
static void assert_metrics_equal(const cc_sim *a, const cc_sim *b, const char *const *skip)
{
    cc_metrics ma = {0}, mb = {0};
    assert_int_equal(cc_sim_metrics(a, &ma), 0);
    assert_int_equal(cc_sim_metrics(b, &mb), 0);
    assert_int_equal(ma.n, mb.n);
    for (size_t i = 0; i < ma.n; i++) {
        assert_string_equal(ma.m[i].key, mb.m[i].key);
        bool skipped = false;
        for (int k = 0; skip && skip[k]; k++)
            skipped |= strncmp(ma.m[i].key, skip[k], strlen(skip[k])) == 0;
        if (!skipped && !(ma.m[i].value == mb.m[i].value))
            fail_msg("%s: %.17g != %.17g", ma.m[i].key, ma.m[i].value, mb.m[i].value);
    }
    cc_metrics_free(&ma);
    cc_metrics_free(&mb);
}

static int64_t new_infections(const cc_sim *sim, int32_t from, int32_t to)
{
    int64_t n = 0;
    for (int32_t d = from; d < to; d++)
        n += sys_col(sim, d, CC_TS_new_infections);
    return n;
}

/* Masks with factor 0 from a date stop every infection in custody from
 * that day (new_infections counts infections acquired in custody on the
 * day) while the baseline goes on infecting; the days before are the
 * baseline's exactly; infections resume after `until`. */
static void test_health_masks_dated(void **state)
{
    (void)state;
    const int32_t at = 59, until = 66; /* 2017-03-01, 2017-03-08 */
    char *yb = with_disease_policies(NULL, NULL);
    char *yp = with_disease_policies(NULL, "  - name: masks off the scale\n"
                                           "    at: 2017-03-01\n"
                                           "    until: 2017-03-08\n"
                                           "    health: {masks: {factor: 0}}\n");
    cc_scenario *sb = tu_load(yb), *sp = tu_load(yp);
    cc_sim *b = tu_sim_run(sb, 0), *p = tu_sim_run(sp, 0);
    assert_rows_equal(b, p, 0, at);
    assert_true(new_infections(b, 0, at) > 100);
    assert_true(new_infections(b, at, until) > 0);
    assert_int_equal(new_infections(p, at, until), 0);
    assert_true(new_infections(p, until, sb->days) > 0); /* masks off again */
    cc_sim_free(b);
    cc_sim_free(p);
    cc_scenario_free(sb);
    cc_scenario_free(sp);
    free(yb);
    free(yp);
}

/* A policy triggered by infections fires on the first day after
 * yesterday's active infections passed the threshold, and not before: the
 * rows up to the day before are the baseline's, and from that day on no
 * one is infected in custody (masks at factor 0 while the baseline
 * infects on the very day). */
static void test_health_trigger(void **state)
{
    (void)state;
    const double above = 40;
    char *yb = with_disease_policies(NULL, NULL);
    char *yp = with_disease_policies(NULL, "  - when: {infections_above: 40}\n"
                                           "    health: {masks: {factor: 0}}\n");
    cc_scenario *sb = tu_load(yb), *sp = tu_load(yp);
    cc_sim *b = tu_sim_run(sb, 0), *p = tu_sim_start(sp, 0);
    int32_t fired = -1;
    while (p->day < sp->days) {
        int32_t d = p->day;
        bool over = d > 0 && (double)sys_col(p, d - 1, CC_TS_active_infections) > above;
        step(p);
        if (fired < 0 && over)
            fired = d;
        if (fired < 0)
            assert_int_equal(sys_col(p, d, CC_TS_new_infections),
                             sys_col(b, d, CC_TS_new_infections));
        else
            assert_int_equal(sys_col(p, d, CC_TS_new_infections), 0);
    }
    assert_true(fired > 1);
    assert_rows_equal(b, p, 0, fired);
    /* the baseline infects on the firing day itself: a policy a day late
     * would not give 0 that day */
    assert_true(sys_col(b, fired, CC_TS_new_infections) > 0);
    assert_true((double)sys_col(b, fired - 2, CC_TS_active_infections) <= above);
    cc_sim_free(b);
    cc_sim_free(p);
    cc_scenario_free(sb);
    cc_scenario_free(sp);
    free(yb);
    free(yp);
}

/* Measures given by a policy with dates act exactly as the same measures
 * given in the disease block with the same dates: identical rows and
 * metrics. `block` is the measures as the block writes them, `lever` the
 * policy's health mapping. The measures must have an effect (the run
 * without them differs), or the comparison would prove nothing. */
static void check_same_as_block(const char *block, const char *lever)
{
    char *in_block = with_disease_policies(block, NULL);
    char *pol = cc_asprintf("  - {at: 2017-02-01, until: 2017-05-01, health: %s}\n", lever);
    char *by_policy = with_disease_policies(NULL, pol);
    char *none = with_disease_policies(NULL, NULL);
    cc_scenario *s1 = tu_load(in_block), *s2 = tu_load(by_policy), *s0 = tu_load(none);
    cc_sim *a = tu_sim_run(s1, 0), *b = tu_sim_run(s2, 0), *c = tu_sim_run(s0, 0);
    assert_rows_equal(a, b, 0, s1->days);
    assert_metrics_equal(a, b, NULL);
    assert_true(tu_metric(a, "infections.detainees") != tu_metric(c, "infections.detainees"));
    cc_sim_free(a);
    cc_sim_free(b);
    cc_sim_free(c);
    cc_scenario_free(s0);
    cc_scenario_free(s1);
    cc_scenario_free(s2);
    free(in_block);
    free(by_policy);
    free(none);
    free(pol);
}

static void test_health_quarantine_as_block(void **state)
{
    (void)state;
    check_same_as_block("    quarantine: {from: 2017-02-01, until: 2017-05-01, days: 14, tests: 2, "
                        "capacity: 300}\n",
                        "{quarantine: {days: 14, tests: 2, capacity: 300}}");
}

/* Every measure but vaccination at once (vaccination queues are rebuilt in
 * record order when a policy starts one, not in arrival order). */
static void test_health_measures_as_block(void **state)
{
    (void)state;
    check_same_as_block(
        "    quarantine: {from: 2017-02-01, until: 2017-05-01, days: 10, tests: 1, capacity: 200}\n"
        "    testing: {from: 2017-02-01, until: 2017-05-01, at_intake: true, sensitivity: 0.8, "
        "delay_days: 1}\n"
        "    isolation: {from: 2017-02-01, until: 2017-05-01, symptomatic: true, capacity: 40}\n"
        "    masks: {from: 2017-02-01, until: 2017-05-01, factor: 0.7}\n"
        "    ventilation: {from: 2017-02-01, until: 2017-05-01, factor: 0.8}\n",
        "{quarantine: {days: 10, tests: 1, capacity: 200}, testing: {at_intake: true, "
        "sensitivity: 0.8, delay_days: 1}, isolation: {symptomatic: true, capacity: 40}, "
        "masks: {factor: 0.7}, ventilation: {factor: 0.8}}");
}

/* Periodic testing switched on by a policy: no test before it, one test
 * per person held every `every_days` while in force (each person's tests
 * staggered, one chain per person even when moved from police custody to
 * a prison), none after `until`. With sensitivity 0 nobody is isolated,
 * and the tests' draws come from each person's own stream, so everything
 * else is the baseline's exactly (common random numbers). */
static void test_health_periodic_testing(void **state)
{
    (void)state;
    const int32_t at = 40, until = 100; /* 2017-02-10, 2017-04-11 */
    char *yb = with_disease_policies(NULL, NULL);
    char *yp = with_disease_policies(NULL, "  - at: 2017-02-10\n"
                                           "    until: 2017-04-11\n"
                                           "    health: {testing: {every_days: 10, "
                                           "sensitivity: 0}}\n");
    cc_scenario *sb = tu_load(yb), *sp = tu_load(yp);
    cc_sim *b = tu_sim_run(sb, 0), *p = tu_sim_start(sp, 0);
    double held = 0; /* person-days in custody while in force, children included */
    while (p->day < sp->days) {
        int32_t d = p->day;
        step(p);
        double tests = tu_metric(p, "disease.tests");
        if (d < at)
            assert_near(tests, 0, 0);
        else if (d < until)
            held += (double)(sys_col(p, d, CC_TS_population) + sys_col(p, d, CC_TS_children));
    }
    double tests = tu_metric(p, "disease.tests");
    /* ~40,000 tests: a few percent covers the arrivals' and releases'
     * partial intervals; one chain too many per transferred person would
     * add over 20% */
    assert_true(fabs(tests - held / 10) < 0.03 * held / 10);
    assert_near(tu_metric(p, "disease.tests_positive"), 0, 0);
    assert_rows_equal(b, p, 0, sb->days);
    static const char *const skip[] = {"disease.tests", NULL};
    assert_metrics_equal(b, p, skip);
    cc_sim_free(b);
    cc_sim_free(p);
    cc_scenario_free(sb);
    cc_scenario_free(sp);
    free(yb);
    free(yp);
}

/* Tests stop at `until`: the count on the day before equals the end's. */
static void test_health_testing_until(void **state)
{
    (void)state;
    char *y = with_disease_policies(NULL, "  - {at: 2017-02-10, until: 2017-03-01, health: "
                                          "{testing: {every_days: 3, at_intake: true}}}\n");
    cc_scenario *s = tu_load(y);
    cc_sim *sim = tu_sim_start(s, 0);
    while (sim->day < 59)
        step(sim);
    double at_end = tu_metric(sim, "disease.tests");
    assert_true(at_end > 10000);
    assert_true(tu_metric(sim, "disease.tests_positive") > 0);
    while (sim->day < s->days)
        step(sim);
    assert_near(tu_metric(sim, "disease.tests"), at_end, 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(y);
}

/* Vaccination by a policy in a scenario whose block has none: doses a day
 * (with the fractions carried) while in force, none before or after; the
 * vaccine's protection outlives the campaign. A closed prison, everyone
 * vaccinated with a perfect vaccine in a one-day campaign, then an
 * introduction 20 days later: no infection in custody, against an
 * epidemic without the campaign. */
static void test_health_vaccination(void **state)
{
    (void)state;
    char *y = with_disease_policies(NULL, "  - at: 2017-02-10\n"
                                          "    until: 2017-02-20\n"
                                          "    health: {vaccination: {doses_per_day: 7.5, "
                                          "priority: [risk, all], efficacy_infection: 0.6}}\n");
    cc_scenario *s = tu_load(y);
    cc_sim *sim = tu_sim_start(s, 0);
    while (sim->day < 40)
        step(sim);
    assert_near(tu_metric(sim, "disease.vaccinations"), 0, 0);
    for (int j = 1; j <= 10; j++) {
        step(sim);
        assert_near(tu_metric(sim, "disease.vaccinations"), floor(7.5 * j), 0);
    }
    while (sim->day < s->days)
        step(sim);
    assert_near(tu_metric(sim, "disease.vaccinations"), 75, 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(y);

    const char *closed =
        "name: closed\nstart: 2017-01-01\ndays: 80\nseed: 9\n"
        "offenses: {other: {felony: true}}\n"
        "people: {female: 0, poor: 1, with_child: 0}\n"
        "arrests: {per_day: 0, rearrest: {per_year: 0}}\n"
        "trial: {conviction: 1, sentence: {default: {dist: fixed, value: 10, unit: years}}, "
        "appeal: 0}\n"
        "initial: {status: {pretrial: 0, appeal: 0, sentenced: 1}}\n"
        "mortality: {per_1000_per_year_at_30: 0, crowding_per_1000_per_year: 0}\n"
        "facilities:\n"
        "  - {name: P, type: prison, sex: any, capacity: 300, cells: 10, population: 600}\n"
        "disease:\n"
        "  pathogen: covid19\n"
        "  r0_at_capacity: 4\n"
        "  introductions: [{at: 2017-02-01, facility: P, count: 5}]\n"
        "%s";
    const char *campaign = "policies:\n"
                           "  - {at: 2017-01-11, until: 2017-01-12, health: {vaccination: "
                           "{doses_per_day: 100000, efficacy_infection: 1}}}\n";
    double infections[2], doses[2];
    for (int k = 0; k < 2; k++) {
        char *t = cc_asprintf(closed, k ? campaign : "");
        cc_scenario *sc = tu_load(t);
        cc_sim *r = tu_sim_run(sc, 0);
        infections[k] = tu_metric(r, "infections.detainees");
        doses[k] = tu_metric(r, "disease.vaccinations");
        cc_sim_free(r);
        cc_scenario_free(sc);
        free(t);
    }
    assert_true(infections[0] > 100);
    assert_near(doses[1], 600, 0);
    assert_near(infections[1], 0, 0);
}

/* Health policies print back with every resolved field and load to the
 * same text; fields not given take the block's values. */
static void test_health_round_trip(void **state)
{
    (void)state;
    char *y = with_disease_policies(
        "    testing: {from: 2017-03-01, sensitivity: 0.7, delay_days: 2}\n"
        "    vaccination: {from: 2017-06-01, doses_per_day: [{from: 2017-06-01, value: 10}], "
        "efficacy_infection: 0.5, efficacy_severe: 0.9}\n",
        "  - name: lock down when infections rise\n"
        "    when: {infections_above: 50}\n"
        "    until: 2017-06-30\n"
        "    health: {masks: {factor: 0.8}, ventilation: {factor: 0.7}, quarantine: {days: 14}, "
        "isolation: {symptomatic: true}, testing: {every_days: 7}, vaccination: "
        "{doses_per_day: 300}}\n"
        "  - {at: 2017-02-01, health: {vaccination: {priority: [risk, all]}}}\n");
    cc_scenario *s = tu_load(y);
    assert_int_equal(s->npolicies, 2);
    const cc_health_lever *h = &s->policies[0].health;
    assert_int_equal(h->set, (1u << CC_M_COUNT) - 1);
    assert_near(h->testing.sensitivity, 0.7, 0);
    assert_int_equal(h->testing.delay_days, 2);
    assert_int_equal(h->testing.every_days, 7);
    assert_near(h->vaccination.efficacy_severe, 0.9, 0);
    assert_false(s->policies[1].health.vaccination.doses_given);
    char *r1 = cc_scenario_resolved_yaml(s);
    cc_scenario *s2 = tu_load(r1);
    char *r2 = cc_scenario_resolved_yaml(s2);
    if (strcmp(r1, r2) != 0)
        fail_msg("resolved scenarios differ:\n%s\n----\n%s", r1, r2);
    assert_non_null(strstr(r1, "sensitivity: 0.7"));
    free(r1);
    free(r2);
    cc_scenario_free(s2);
    cc_scenario_free(s);
    free(y);
}

/* line of the first policy entry: BASE lines + "policies:" + 1 */
static int first_policy_line(void)
{
    int n = 1;
    for (const char *c = BASE; *c; c++)
        n += *c == '\n';
    return n + 1;
}

static void expect_error(const char *policies, int line, int col, const char *what)
{
    char *y = with_policies(policies);
    char *e = tu_load_errors(y, "bad.yaml");
    char *pos = cc_asprintf("bad.yaml:%d:%d:", line, col);
    if (!strstr(e, pos) || !strstr(e, what))
        fail_msg("expected '%s' ... '%s' in:\n%s", pos, what, e);
    free(pos);
    free(e);
    free(y);
}

static void test_bad_policies(void **state)
{
    (void)state;
    int l = first_policy_line();
    expect_error("  - at: 2017-02-01\n    arest_factor: 2\n", l + 1, 5,
                 "unknown key 'arest_factor' (did you mean 'arrest_factor'?)");
    expect_error("  - at: 2017-02-01\n    decriminalise: {offenses: [drug_usee]}\n", l + 1, 32,
                 "policies[0].decriminalise.offenses[0]: unknown offense class 'drug_usee' "
                 "(did you mean 'drug_use'?)");
    expect_error("  - at: 2017-02-01\n    capacity: {facility: CC3, add: 5}\n", l + 1, 26,
                 "unknown facility 'CC3' (did you mean 'CC1'?)");
    expect_error("  - at: 2017-02-01\n    until: 2017-01-01\n    legal_aid: 0.5\n", l + 1, 12,
                 "policies[0].until: expected `until` after `at` (2017-02-01)");
    expect_error("  - at: 2017-02-01\n    legal_aid: 0.5\n    bail: 0.3\n", l + 1, 16,
                 "expected one lever, got 'bail' and 'legal_aid'");
    expect_error("  - at: 2017-02-01\n    release: {fraction: 1.5}\n", l + 1, 25,
                 "policies[0].release.fraction: expected a probability in [0, 1], got '1.5'");
    expect_error("  - at: 2017-02-01\n    release: {status: [bail], number: 3}\n", l + 1, 24,
                 "expected a detained state");
    expect_error("  - at: 2017-02-01\n    release: {order: longest, number: 3}\n", l + 1, 22,
                 "did you mean");
    expect_error("  - {legal_aid: 0.5}\n", l, 5, "expected when the policy takes effect");
    expect_error("  - {at: 2017-02-01}\n", l, 5, "expected a lever");
    expect_error("  - {when: {occupancy_above: 2, rearm_below: 3}, legal_aid: 1}\n", l, 46,
                 "expected rearm_below <= the threshold");
    expect_error("  - {at: 2017-02-01, close: {type: rehab, release: false}}\n", l, 52,
                 "nowhere to transfer");
    expect_error("  - {at: 2017-02-01, pardon: {days_of_year: [\"13-01\"], number: 1}}\n", l, 47,
                 "expected a day of the year MM-DD");
    expect_error("  - {at: 2017-02-01, release: {facility: Rehab, number: 1, fraction: 0.5}}\n",
                 l, 57, "got both");
}

/* line of the first policy entry after with_disease_policies(NULL, ...) */
static int first_disease_policy_line(void)
{
    char *head = with_disease(NULL, "");
    int n = 1;
    for (const char *c = head; *c; c++)
        n += *c == '\n';
    free(head);
    return n;
}

static void expect_disease_error(const char *measures, const char *policies, int line, int col,
                                 const char *what)
{
    char *y = with_disease_policies(measures, policies);
    char *e = tu_load_errors(y, "bad.yaml");
    char *pos = cc_asprintf("bad.yaml:%d:%d:", line, col);
    /* on one line of the diagnostics */
    const char *at = strstr(e, pos);
    const char *eol = at ? strchr(at, '\n') : NULL;
    const char *msg = at ? strstr(at, what) : NULL;
    if (!msg || (eol && msg > eol))
        fail_msg("expected '%s' ... '%s' in:\n%s", pos, what, e);
    free(pos);
    free(e);
    free(y);
}

static void test_bad_health(void **state)
{
    (void)state;
    int l = first_policy_line();
    expect_error("  - at: 2017-02-01\n    health: {masks: {factor: 0.5}}\n", l + 1, 13,
                 "policies[0].health: expected a `disease:` block in the scenario");
    int d = first_disease_policy_line();
    expect_disease_error(NULL, "  - at: 2017-02-01\n    health: {maks: {factor: 0.5}}\n", d + 1,
                         14, "policies[0].health.maks: unknown measure 'maks' (did you mean "
                             "'masks'?)");
    expect_disease_error(NULL, "  - {at: 2017-02-01, health: {masks: {from: 2017-03-01, "
                               "factor: 0.5}}}\n",
                         d, 45, "policies[0].health.masks.from: expected no 'from'");
    expect_disease_error(NULL, "  - {at: 2017-02-01, health: {masks: {}}}\n", d, 38,
                         "policies[0].health.masks: expected 'factor' on beta");
    expect_disease_error(NULL, "  - {at: 2017-02-01, health: {ventilation: {factor: 1.5}}}\n", d,
                         53, "expected a probability in [0, 1]");
    expect_disease_error(NULL, "  - {at: 2017-02-01, health: {}}\n", d, 30,
                         "expected at least one measure");
    expect_disease_error(NULL,
                         "  - {at: 2017-02-01, health: {quarantine: {days: [{from: 2017-03-01, "
                         "value: 3}]}}}\n",
                         d, 50,
                         "policies[0].health.quarantine.days: expected a number, got a list");
    expect_disease_error(NULL, "  - {at: 2017-02-01, health: {vaccination: {doses_per_day: 5}}}\n",
                         d, 44, "policies[0].health.vaccination: expected 'efficacy_infection'");
    expect_disease_error(NULL,
                         "  - {at: 2017-02-01, health: {vaccination: {doses_per_day: 5, "
                         "efficacy_infection: 0.5}}}\n"
                         "  - {at: 2017-03-01, health: {vaccination: {doses_per_day: 9, "
                         "efficacy_infection: 0.7}}}\n",
                         d + 1, 83,
                         "policies[1].health.vaccination.efficacy_infection: expected "
                         "efficacy_infection 0.5, that of the vaccine of an earlier policy");
    expect_disease_error("    vaccination: {from: 2017-06-01, doses_per_day: 10, "
                         "efficacy_infection: 0.5, waning: {dist: fixed, value: 100}}\n",
                         "  - {at: 2017-02-01, health: {vaccination: {waning: {dist: fixed, "
                         "value: 9}}}}\n",
                         d + 2, 53, "policies[0].health.vaccination.waning: expected no 'waning'");
    expect_disease_error(NULL,
                         "  - {at: 2017-02-01, health: {testing: {every_days: 7, "
                         "sensitivity: 2}}}\n",
                         d, 69, "policies[0].health.testing.sensitivity: expected a probability");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decriminalise),
        cmocka_unit_test(test_release_fraction_spread),
        cmocka_unit_test(test_release_common_random_numbers),
        cmocka_unit_test(test_trigger_threshold),
        cmocka_unit_test(test_close_rehab),
        cmocka_unit_test(test_close_facility_transfers),
        cmocka_unit_test(test_court_speed_little),
        cmocka_unit_test(test_enforce_limits),
        cmocka_unit_test(test_pardon),
        cmocka_unit_test(test_costs_add_up),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_bad_policies),
        cmocka_unit_test(test_health_masks_dated),
        cmocka_unit_test(test_health_trigger),
        cmocka_unit_test(test_health_quarantine_as_block),
        cmocka_unit_test(test_health_measures_as_block),
        cmocka_unit_test(test_health_periodic_testing),
        cmocka_unit_test(test_health_testing_until),
        cmocka_unit_test(test_health_vaccination),
        cmocka_unit_test(test_health_round_trip),
        cmocka_unit_test(test_bad_health),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
