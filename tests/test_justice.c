/* test_justice.c - the justice pipeline: bookkeeping invariants, routing
 * and verdict proportions, legal limits, deaths, re-arrests, determinism.
 *
 * Scenarios are YAML texts loaded with tu_load. Proportions are checked
 * within 4 binomial standard errors (sqrt(p (1 - p) / n)) of their
 * parameters; a correct engine fails a check with probability ~6e-5, and
 * the seeds are fixed so the suite is deterministic. Counting checks that
 * follow from the rules alone are exact.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"
#include "sim_internal.h"
#include "testutil.h"
#include "util.h"

/* The scenario of the issue; tests edit it with yaml_edit. */
static const char *const BASE =
    "name: t\n"
    "start: 2017-01-01\n"
    "days: 365\n"
    "seed: 1\n"
    "offenses: {drug_use: {drug: true, violent: false, felony: false}, other: {drug: false, "
    "violent: false, felony: true}}\n"
    "people: {female: 0.1, poor: 0.8, risk: 0.05, with_child: 0.05, age: {dist: lognormal, "
    "median: 30, p90: 48}}\n"
    "arrests: {per_day: 50, mix: {drug_use: 0.5, other: 0.5}, rearrest: {per_year: 0.3, "
    "halving_years: 2}}\n"
    "direct_admissions: {rehab_per_day: 0}\n"
    "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.15, "
    "rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: 0.2}}\n"
    "police: {days: {default: {dist: fixed, value: 2}}}\n"
    "pretrial: {bail: 0, duration: {default: {dist: lognormal, median: 150, p90: 330}}, "
    "legal_limit_days: {misdemeanour: 180, felony: 540}, enforce_legal_limit: false, legal_aid: "
    "{coverage: 0.04, duration_factor: 0.7, conviction_factor: 0.8}}\n"
    "trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 6, max: 12, unit: "
    "months}}, appeal: 0.5, appeal_duration: {default: {dist: gamma, mean: 240, sd: 120}}}\n"
    "rehab: {duration: {dist: fixed, value: 180}, excess_deaths_per_1000_per_year: 5}\n"
    "mortality: {per_1000_per_year_at_30: 2, doubling_years: 8, crowding_per_1000_per_year: 1}\n"
    "initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}, offense: {drug_use: 0.4, "
    "other: 0.6}}\n"
    "placement: {cell_fill: least_crowded, transfer_above_occupancy: 0, transfer_max_per_day: 0}\n"
    "facilities:\n"
    "  - {name: Police, type: police, sex: any, capacity: 500, cells: 50, population: 0}\n"
    "  - {name: CC1, type: prison, sex: male, capacity: [{from: 2017-01-01, value: 2000}, {from: "
    "2019-01-01, value: 2500}], cells: 60, population: 4500, intake_share: 0.7}\n"
    "  - {name: CC2, type: prison, sex: female, capacity: 600, cells: 20, population: 1200, "
    "children: true}\n"
    "  - {name: Rehab, type: rehab, sex: any, capacity: 400, cells: 10, population: 900}\n"
    "costs: {per_day: {pretrial: 3, appeal: 3, sentenced: 3, rehab: 2, police: 5, bail: 0}, "
    "community_per_day: 1}\n";

/* Replace each `old` by `new` (pairs, NULL-terminated); every `old` must
 * occur. Returns a malloc'd text. */
static char *yaml_edit(const char *base, ...)
{
    char *text = cc_strdup(base);
    va_list ap;
    va_start(ap, base);
    const char *old;
    while ((old = va_arg(ap, const char *)) != NULL) {
        const char *rep = va_arg(ap, const char *);
        char *at = strstr(text, old);
        if (!at)
            fail_msg("yaml_edit: '%s' not found", old);
        char *t = cc_asprintf("%.*s%s%s", (int)(at - text), text, rep, at + strlen(old));
        free(text);
        text = t;
    }
    va_end(ap);
    return text;
}

static cc_scenario *load_edit(const char *base, ...);

static cc_sim *make(const cc_scenario *s, uint32_t replicate)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_sim *sim = NULL;
    if (cc_sim_create(s, s->seed, replicate, &d, &sim))
        fail_msg("cc_sim_create: %s", d.kept ? d.entry[0].message : "?");
    cc_diag_clear(&d);
    return sim;
}

static void step(cc_sim *sim)
{
    cc_diag d;
    cc_diag_init(&d);
    if (cc_sim_step(sim, &d))
        fail_msg("cc_sim_step: %s", d.kept ? d.entry[0].message : "?");
    cc_diag_clear(&d);
}

static void run_all(cc_sim *sim)
{
    while (cc_sim_day(sim) < sim->s->days)
        step(sim);
}


static void assert_near_binomial(double k, double n, double p, const char *what)
{
    double se = sqrt(p * (1 - p) / n);
    if (fabs(k / n - p) > 4 * se)
        fail_msg("%s: %g / %g = %g, expected %g (se %g)", what, k, n, k / n, p, se);
}

static bool detained(int st)
{
    return st == CC_ST_POLICE || st == CC_ST_PRETRIAL || st == CC_ST_APPEAL ||
           st == CC_ST_SENTENCED || st == CC_ST_REHAB;
}

/* Everybody is in exactly one place: the people a facility lists are the
 * people who say they are there, in a detained state; nobody else is
 * detained; a child is with its mother or at home. */
static void check_places(const cc_sim *sim)
{
    const cc_people_store *P = &sim->P;
    int64_t held = 0;
    for (int f = 0; f < sim->fac.n; f++)
        held += sim->fac.f[f].n;
    int64_t seen = 0;
    for (int32_t p = 0; p < P->n; p++) {
        int f = P->rec[p].loc.facility;
        if (P->rec[p].flags & CC_PF_CHILD) {
            if (f != CC_NO_FACILITY) {
                int32_t m = P->rec[p].link;
                assert_int_equal(P->rec[m].loc.facility, f);
                assert_int_equal(P->rec[m].loc.cell, P->rec[p].loc.cell);
                assert_true(sim->s->facility[f].children);
            }
            continue;
        }
        if (f == CC_NO_FACILITY) {
            assert_false(detained(P->rec[p].state));
            continue;
        }
        seen++;
        assert_true(detained(P->rec[p].state));
        assert_int_equal(sim->fac.f[f].members[P->rec[p].loc.fpos], p);
        assert_int_equal(sim->fac.f[f].cells[P->rec[p].loc.cell].m[P->rec[p].loc.cpos], p);
    }
    assert_int_equal(seen, held);
}

static void check_rows(const cc_sim *sim, int32_t day)
{
    int nf = sim->s->nfacilities;
    const cc_ts_row *row = &cc_sim_rows(sim)[(size_t)day * (size_t)(nf + 1)];
    int64_t total = 0, children = 0;
    for (int f = 0; f <= nf; f++) {
        const int64_t *v = row[f].v;
        assert_int_equal(v[CC_TS_police] + v[CC_TS_pretrial] + v[CC_TS_appeal] +
                             v[CC_TS_sentenced] + v[CC_TS_rehab],
                         v[CC_TS_population]);
        if (f < nf) {
            total += v[CC_TS_population];
            children += v[CC_TS_children];
            if (!sim->s->facility[f].children)
                assert_int_equal(v[CC_TS_children], 0);
            int64_t cells = 0;
            for (int32_t c = 0; c < sim->fac.f[f].ncells; c++)
                cells += sim->fac.f[f].cells[c].n;
            assert_int_equal(cells, v[CC_TS_population]);
        }
    }
    assert_int_equal(row[nf].v[CC_TS_population], total);
    assert_int_equal(row[nf].v[CC_TS_children], children);
}

/* Bookkeeping holds every day, with transfers, convicted_to moves,
 * children, deaths and re-arrests all active. */
static void test_invariants_every_day(void **state)
{
    (void)state;
    cc_scenario *s = load_edit(
        BASE, "days: 365", "days: 730", "transfer_above_occupancy: 0, transfer_max_per_day: 0",
        "transfer_above_occupancy: 2, transfer_max_per_day: 20",
        "  - {name: CC2,",
        "  - {name: CC3, type: prison, sex: male, capacity: 3000, cells: 30, population: 100, "
        "intake_share: 0.3, convicted_to: CC1}\n  - {name: CC2,",
        "mortality: {per_1000_per_year_at_30: 2", "mortality: {per_1000_per_year_at_30: 40",
        "with_child: 0.05", "with_child: 0.5", NULL);
    cc_sim *sim = make(s, 0);
    check_places(sim);
    int64_t children = 0;
    while (cc_sim_day(sim) < s->days) {
        int32_t d = cc_sim_day(sim);
        step(sim);
        check_rows(sim, d);
        assert_int_equal(cc_facilities_check(&sim->fac, &sim->P), 0);
        if (d % 30 == 0)
            check_places(sim);
        children += cc_sim_rows(sim)[(size_t)d * 6 + 5].v[CC_TS_children];
    }
    check_places(sim);
    assert_true(children > 0);                  /* children were present */
    assert_true(tu_metric(sim, "deaths.other") > 0); /* and people died */
    assert_true(tu_metric(sim, "rearrests") > 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
}

static void test_determinism(void **state)
{
    (void)state;
    cc_scenario *s = tu_load(BASE);
    cc_sim *a = make(s, 0), *b = make(s, 0), *c = make(s, 1);
    run_all(a);
    run_all(b);
    run_all(c);
    size_t n = (size_t)s->days * (size_t)(s->nfacilities + 1) * sizeof(cc_ts_row);
    assert_memory_equal(cc_sim_rows(a), cc_sim_rows(b), n);
    assert_true(memcmp(cc_sim_rows(a), cc_sim_rows(c), n) != 0);
    cc_metrics ma = {0}, mb = {0};
    assert_int_equal(cc_sim_metrics(a, &ma), 0);
    assert_int_equal(cc_sim_metrics(b, &mb), 0);
    assert_int_equal(ma.n, mb.n);
    for (size_t i = 0; i < ma.n; i++) {
        assert_string_equal(ma.m[i].key, mb.m[i].key);
        assert_true(ma.m[i].value == mb.m[i].value);
    }
    cc_metrics_free(&ma);
    cc_metrics_free(&mb);
    cc_sim_free(a);
    cc_sim_free(b);
    cc_sim_free(c);
    cc_scenario_free(s);
}

/* Routing shares and bribes: release 0.2, rehab 0.3, prosecute 0.5; half
 * are poor; a non-poor person facing prosecution buys a diversion with
 * probability 0.4. So per arrest: rehab 0.3 + 0.5 * 0.5 * 0.4 = 0.4,
 * bribe 0.1, police custody 0.4. */
static void test_routing_proportions(void **state)
{
    (void)state;
    cc_scenario *s = load_edit(
        BASE, "per_day: 50", "per_day: 100", "per_year: 0.3", "per_year: 0", "poor: 0.8",
        "poor: 0.5",
        "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: "
        "0.15, rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: 0.2}}",
        "routing: {default: {release: 0.2, rehab: 0.3, prosecute: 0.5}, bribe: {default: 0.4}}",
        "population: 4500", "population: 0", "population: 1200", "population: 0",
        "population: 900", "population: 0", NULL);
    cc_sim *sim = make(s, 0);
    run_all(sim);
    double n = tu_metric(sim, "arrests");
    assert_true(n > 30000);
    assert_near_binomial(tu_metric(sim, "admissions.rehab"), n, 0.4, "rehab");
    assert_near_binomial(tu_metric(sim, "bribes"), n, 0.1, "bribes");
    assert_near_binomial(tu_metric(sim, "admissions.police"), n, 0.4, "police");
    assert_near_binomial(tu_metric(sim, "arrests_drug.2017"), n, 0.5, "drug share of arrests");
    cc_sim_free(sim);
    cc_scenario_free(s);
}

/* Verdicts: nobody poor, bail certain, the trial on the day of arrest (no
 * police station, pretrial 0 days); conviction 0.6 x (0.5 with legal aid,
 * coverage 0.5) = 0.45; appeal 0.3 of the convicted. Sentences and appeals
 * outlast the run, so every convicted person is still held at the end. */
static void test_verdict_proportions(void **state)
{
    (void)state;
    cc_scenario *s = load_edit(
        BASE, "per_day: 50", "per_day: 100", "per_year: 0.3", "per_year: 0", "poor: 0.8",
        "poor: 0", "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: "
                   "{release: 0.15, rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: "
                   "0.2}}",
        "routing: {default: {release: 0, rehab: 0, prosecute: 1}, bribe: {default: 0}}",
        "bail: 0", "bail: 1", "duration: {default: {dist: lognormal, median: 150, p90: 330}}",
        "duration: {default: {dist: fixed, value: 0}}",
        "coverage: 0.04, duration_factor: 0.7, conviction_factor: 0.8",
        "coverage: 0.5, duration_factor: 0.7, conviction_factor: 0.5", "conviction: 0.9",
        "conviction: 0.6", "{dist: uniform, min: 6, max: 12, unit: months}",
        "{dist: fixed, value: 5000}", "appeal: 0.5", "appeal: 0.3",
        "{dist: gamma, mean: 240, sd: 120}", "{dist: fixed, value: 5000}",
        "per_1000_per_year_at_30: 2", "per_1000_per_year_at_30: 0",
        "crowding_per_1000_per_year: 1", "crowding_per_1000_per_year: 0",
        "excess_deaths_per_1000_per_year: 5", "excess_deaths_per_1000_per_year: 0",
        "  - {name: Police, type: police, sex: any, capacity: 500, cells: 50, population: 0}\n", "",
        "population: 4500", "population: 0", "population: 1200", "population: 0",
        "population: 900", "population: 0", NULL);
    cc_sim *sim = make(s, 0);
    run_all(sim);
    double n = tu_metric(sim, "arrests");
    double convicted = tu_metric(sim, "admissions.prison");
    assert_near_binomial(convicted, n, 0.45, "convictions");
    double appeal = (double)sim->n_state[CC_ST_APPEAL];
    assert_int_equal(appeal + (double)sim->n_state[CC_ST_SENTENCED], convicted);
    assert_near_binomial(appeal, convicted, 0.3, "appeals");
    assert_int_equal(tu_metric(sim, "admissions.police"), 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
}

/* One misdemeanour class, pretrial exactly 200 days against a limit of 180,
 * no police station, acquittal certain, nobody dies, 730 days. A person
 * detained on day d is tried on d + 200 (a violation of 20 days) when that
 * is inside the run; at the end, detentions running past day 180 count too.
 * Enforced: released on bail on day d + 180 and tried on d + 200. */
static const char *const LIMIT_EDITS[] = {
    "days: 365", "days: 730", "per_year: 0.3", "per_year: 0",
    "offenses: {drug_use: {drug: true, violent: false, felony: false}, other: {drug: false, "
    "violent: false, felony: true}}",
    "offenses: {drug_use: {drug: true, violent: false, felony: false}}",
    "mix: {drug_use: 0.5, other: 0.5}", "mix: {drug_use: 1}",
    "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.15, "
    "rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: 0.2}}",
    "routing: {default: {release: 0, rehab: 0, prosecute: 1}, bribe: {default: 0}}",
    "duration: {default: {dist: lognormal, median: 150, p90: 330}}",
    "duration: {default: {dist: fixed, value: 200}}", "conviction: 0.9", "conviction: 0",
    "coverage: 0.04", "coverage: 0", "per_1000_per_year_at_30: 2", "per_1000_per_year_at_30: 0",
    "crowding_per_1000_per_year: 1", "crowding_per_1000_per_year: 0",
    "excess_deaths_per_1000_per_year: 5", "excess_deaths_per_1000_per_year: 0",
    "  - {name: Police, type: police, sex: any, capacity: 500, cells: 50, population: 0}\n", "",
    "population: 4500", "population: 0", "population: 1200", "population: 0",
    "population: 900", "population: 0", "offense: {drug_use: 0.4, other: 0.6}",
    "offense: {drug_use: 1}"};

static cc_scenario *load_limit(bool enforce)
{
    char *text = cc_strdup(BASE);
    size_t n = sizeof LIMIT_EDITS / sizeof LIMIT_EDITS[0];
    for (size_t i = 0; i < n; i += 2) {
        char *t = yaml_edit(text, LIMIT_EDITS[i], LIMIT_EDITS[i + 1], NULL);
        free(text);
        text = t;
    }
    if (enforce) {
        char *t = yaml_edit(text, "enforce_legal_limit: false", "enforce_legal_limit: true", NULL);
        free(text);
        text = t;
    }
    cc_scenario *s = tu_load(text);
    free(text);
    return s;
}

static int64_t prison_admissions(const cc_sim *sim, int32_t d)
{
    int nf = sim->s->nfacilities;
    const cc_ts_row *row = &cc_sim_rows(sim)[(size_t)d * (size_t)(nf + 1)];
    int64_t a = 0;
    for (int f = 0; f < nf; f++)
        if (sim->s->facility[f].type == CC_FAC_PRISON)
            a += row[f].v[CC_TS_admissions];
    return a;
}

static void test_legal_limit_not_enforced(void **state)
{
    (void)state;
    cc_scenario *s = load_limit(false);
    cc_sim *sim = make(s, 0);
    run_all(sim);
    double violations = 0, beyond = 0;
    for (int32_t d = 0; d < 550; d++) {
        double a = (double)prison_admissions(sim, d);
        violations += a;
        beyond += a * (d < 530 ? 20 : 550 - d);
    }
    assert_true(violations > 10000);
    assert_true(tu_metric(sim, "pretrial_limit_violations") == violations);
    assert_true(tu_metric(sim, "pretrial_days_beyond_limit") == beyond);
    cc_sim_free(sim);
    cc_scenario_free(s);
}

static void test_legal_limit_enforced(void **state)
{
    (void)state;
    cc_scenario *s = load_limit(true);
    cc_sim *sim = make(s, 0);
    while (cc_sim_day(sim) < s->days) {
        int32_t d = cc_sim_day(sim);
        step(sim);
        for (int f = 0; f < sim->fac.n; f++)
            for (int32_t i = 0; i < sim->fac.f[f].n; i++) {
                int32_t p = sim->fac.f[f].members[i];
                if (sim->P.rec[p].state == CC_ST_PRETRIAL)
                    assert_true(d - sim->P.rec[p].seg_start <= 180);
            }
    }
    assert_true(tu_metric(sim, "pretrial_limit_violations") == 0);
    assert_true(tu_metric(sim, "pretrial_days_beyond_limit") == 0);
    /* on bail at the end: detained on days 530..549 (released on bail on
     * day d + 180 <= 729, tried on d + 200 > 729) */
    int64_t bail = 0;
    for (int32_t d = 530; d < 550; d++)
        bail += prison_admissions(sim, d);
    assert_true(bail > 500);
    assert_int_equal(sim->n_state[CC_ST_BAIL], bail);
    cc_sim_free(sim);
    cc_scenario_free(s);
}

/* No hazard, no death, however crowded. */
static void test_no_deaths_without_mortality(void **state)
{
    (void)state;
    cc_scenario *s = load_edit(BASE, "per_1000_per_year_at_30: 2", "per_1000_per_year_at_30: 0",
                               "crowding_per_1000_per_year: 1", "crowding_per_1000_per_year: 0",
                               "excess_deaths_per_1000_per_year: 5",
                               "excess_deaths_per_1000_per_year: 0", "per_day: 50",
                               "per_day: 500", NULL);
    cc_sim *sim = make(s, 0);
    run_all(sim);
    assert_true(tu_metric(sim, "occupancy.CC1.peak") > 3);
    assert_true(tu_metric(sim, "deaths.other") == 0);
    assert_true(tu_metric(sim, "deaths.disease") == 0);
    assert_int_equal(sim->n_state[CC_ST_DEAD], 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
}

/* Deaths follow the hazard: 20,000 people held all year (sentences of
 * 10^6 days), 100 per 1000 per year at 30, doubling every 8 years, no
 * crowding (capacity above the population). The expected number is
 * sum_i 1 - exp(-sum_d h_i(d) / 365.25) over the people present on day 0,
 * computed from their ages; the count is within 4 SD of it. */
static void test_death_rate(void **state)
{
    (void)state;
    cc_scenario *s = load_edit(
        BASE, "per_day: 50", "per_day: 0", "per_1000_per_year_at_30: 2",
        "per_1000_per_year_at_30: 100", "excess_deaths_per_1000_per_year: 5",
        "excess_deaths_per_1000_per_year: 0",
        "initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}",
        "initial: {status: {pretrial: 0, appeal: 0, sentenced: 1}",
        "{dist: uniform, min: 6, max: 12, unit: months}", "{dist: fixed, value: 1000000}",
        "capacity: [{from: 2017-01-01, value: 2000}, {from: 2019-01-01, value: 2500}], cells: 60, "
        "population: 4500",
        "capacity: 30000, cells: 60, population: 20000", "population: 1200", "population: 0",
        "population: 900", "population: 0", NULL);
    cc_sim *sim = make(s, 0);
    double expected = 0, var = 0;
    for (int32_t p = 0; p < sim->P.n; p++) {
        if (sim->P.rec[p].flags & CC_PF_CHILD)
            continue;
        double h = 0;
        for (int32_t d = 0; d < s->days; d++)
            h += 0.1 * exp2((cc_people_age(&sim->P, p, d) - 30) / 8) / 365.25;
        double q = -expm1(-h);
        expected += q;
        var += q * (1 - q);
    }
    run_all(sim);
    double deaths = tu_metric(sim, "deaths.other");
    if (fabs(deaths - expected) > 4 * sqrt(var))
        fail_msg("deaths %g, expected %g (sd %g)", deaths, expected, sqrt(var));
    double by_year = tu_metric(sim, "deaths_other.2017");
    assert_true(by_year == deaths);
    cc_sim_free(sim);
    cc_scenario_free(s);
}

/* A cohort arrested on day 0 and released at once; re-arrest hazard
 * h(t) = a 2^(-t/T): the share re-arrested by day 999 is
 * 1 - exp(-H(998)) with H(t) = a T / ln 2 (1 - 2^(-t/T)) (re-arrest on day
 * 1 + floor(t) for a draw t, so by day 999 iff t < 999). */
static void test_rearrest_hazard(void **state)
{
    (void)state;
    cc_scenario *s = load_edit(
        BASE, "days: 365", "days: 1000", "per_day: 50",
        "per_day: [{from: 2017-01-01, value: 20000}, {from: 2017-01-02, value: 0}]",
        "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: "
        "0.15, rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: 0.2}}",
        "routing: {default: {release: 1, rehab: 0, prosecute: 0}, bribe: {default: 0}}",
        "population: 4500", "population: 0", "population: 1200", "population: 0",
        "population: 900", "population: 0", NULL);
    cc_sim *sim = make(s, 0);
    run_all(sim);
    double cohort = 0, again = 0;
    for (int32_t p = 0; p < sim->P.n; p++) {
        if (sim->P.rec[p].flags & CC_PF_CHILD)
            continue;
        cohort++;
        again += sim->P.rec[p].ncase >= 2;
    }
    assert_true(tu_metric(sim, "arrests") >= cohort);
    double a = 0.3 / 365.25, T = 2 * 365.25;
    double H = a * T / log(2.0) * (1 - exp2(-999.0 / T));
    assert_near_binomial(again, cohort, -expm1(-H), "re-arrested");
    cc_sim_free(sim);
    cc_scenario_free(s);
}

/* Children live only where allowed and are counted as child-days. */
static void test_children(void **state)
{
    (void)state;
    cc_scenario *s = load_edit(BASE, "with_child: 0.05", "with_child: 1", "female: 0.1",
                               "female: 0.5", NULL);
    cc_sim *sim = make(s, 0);
    run_all(sim);
    double days = 0;
    for (int32_t d = 0; d < s->days; d++)
        days += (double)cc_sim_rows(sim)[(size_t)d * 5 + 4].v[CC_TS_children];
    assert_true(days > 0);
    assert_true(tu_metric(sim, "child_days") == days);
    check_places(sim);
    cc_sim_free(sim);
    cc_scenario_free(s);
}


/* Transfers: prison A holds 3000 for a capacity of 1000, B is empty with the
 * same capacity; above occupancy 1.5, at most 50 a day go to the least
 * crowded eligible prison while it is less crowded. Nobody arrives, leaves
 * or dies, so after 10 days A holds 2500 and B 500, and in the end both
 * hold 1500 (A at 1.5 stops the transfers). */
static void test_transfers(void **state)
{
    (void)state;
    cc_scenario *s = load_edit(
        BASE, "days: 365", "days: 60", "per_day: 50", "per_day: 0",
        "transfer_above_occupancy: 0, transfer_max_per_day: 0",
        "transfer_above_occupancy: 1.5, transfer_max_per_day: 50",
        "per_1000_per_year_at_30: 2", "per_1000_per_year_at_30: 0",
        "crowding_per_1000_per_year: 1", "crowding_per_1000_per_year: 0",
        "excess_deaths_per_1000_per_year: 5", "excess_deaths_per_1000_per_year: 0",
        "initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}",
        "initial: {status: {pretrial: 0, appeal: 0, sentenced: 1}",
        "{dist: uniform, min: 6, max: 12, unit: months}", "{dist: fixed, value: 1000000}",
        "capacity: [{from: 2017-01-01, value: 2000}, {from: 2019-01-01, value: 2500}], cells: 60, "
        "population: 4500",
        "capacity: 1000, cells: 10, population: 3000",
        "  - {name: CC2,", "  - {name: B, type: prison, sex: male, capacity: 1000, cells: 10}\n"
                          "  - {name: CC2,",
        "population: 1200", "population: 0", "population: 900", "population: 0", NULL);
    cc_sim *sim = make(s, 0);
    for (int d = 0; d < 10; d++)
        step(sim);
    assert_int_equal(sim->fac.f[1].n, 2500);
    assert_int_equal(sim->fac.f[2].n, 500);
    run_all(sim);
    assert_int_equal(sim->fac.f[1].n, 1500);
    assert_int_equal(sim->fac.f[2].n, 1500);
    assert_int_equal(cc_facilities_check(&sim->fac, &sim->P), 0);
    check_places(sim);
    cc_sim_free(sim);
    cc_scenario_free(s);
}

/* convicted_to: everybody detained goes to Intake (the only male prison
 * with an intake share), is convicted after 10 days and moves to Main. */
static void test_convicted_to(void **state)
{
    (void)state;
    cc_scenario *s = load_edit(
        BASE, "female: 0.1", "female: 0", "bail: 0", "bail: 0",
        "duration: {default: {dist: lognormal, median: 150, p90: 330}}",
        "duration: {default: {dist: fixed, value: 10}}", "conviction: 0.9", "conviction: 1",
        "appeal: 0.5", "appeal: 0",
        "{dist: uniform, min: 6, max: 12, unit: months}", "{dist: fixed, value: 1000}",
        "  - {name: CC1, type: prison, sex: male, capacity: [{from: 2017-01-01, value: 2000}, "
        "{from: 2019-01-01, value: 2500}], cells: 60, population: 4500, intake_share: 0.7}",
        "  - {name: Intake, type: prison, sex: male, capacity: 500, cells: 5, convicted_to: "
        "Main}\n  - {name: Main, type: prison, sex: male, capacity: 2000, cells: 20, "
        "intake_share: 0}",
        "population: 1200", "population: 0", "population: 900", "population: 0", NULL);
    cc_sim *sim = make(s, 0);
    run_all(sim);
    const cc_fac_state *in = &sim->fac.f[1], *main_ = &sim->fac.f[2];
    assert_true(in->state_n[CC_ST_PRETRIAL] > 100);
    assert_int_equal(in->state_n[CC_ST_SENTENCED] + in->state_n[CC_ST_APPEAL], 0);
    assert_int_equal(main_->state_n[CC_ST_PRETRIAL], 0);
    assert_true(main_->state_n[CC_ST_SENTENCED] > 1000);
    cc_sim_free(sim);
    cc_scenario_free(s);
}

static cc_scenario *load_edit(const char *base, ...)
{
    char *text = cc_strdup(base);
    va_list ap;
    va_start(ap, base);
    const char *old;
    while ((old = va_arg(ap, const char *)) != NULL) {
        const char *rep = va_arg(ap, const char *);
        char *t = yaml_edit(text, old, rep, NULL);
        free(text);
        text = t;
    }
    va_end(ap);
    cc_scenario *s = tu_load(text);
    free(text);
    return s;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invariants_every_day),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_routing_proportions),
        cmocka_unit_test(test_verdict_proportions),
        cmocka_unit_test(test_legal_limit_not_enforced),
        cmocka_unit_test(test_legal_limit_enforced),
        cmocka_unit_test(test_no_deaths_without_mortality),
        cmocka_unit_test(test_death_rate),
        cmocka_unit_test(test_rearrest_hazard),
        cmocka_unit_test(test_children),
        cmocka_unit_test(test_transfers),
        cmocka_unit_test(test_convicted_to),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
