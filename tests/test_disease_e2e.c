/* test_disease_e2e.c - the disease model end to end, from YAML through the
 * justice engine: scenarios with a `disease:` block run; the disease columns
 * of timeseries rows and the summary keys agree with each other; transfers
 * carry infection; children in their mothers' cells are infected; errors
 * inside the block are positioned; results do not depend on the thread
 * count.
 *
 * Bookkeeping identities are exact (they follow from the rules, not from
 * chance); the few stochastic checks ("some child is infected") hold with
 * overwhelming probability for the sizes used, and the seeds are fixed.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "carcer/carcer.h"
#include "sim.h"
#include "sim_internal.h"
#include "testutil.h"
#include "util.h"

/* A small system: police, an intake prison CC1 that sends the convicted on
 * to CC3, a women's prison CC2 with children, a rehab centre. The disease
 * block is appended by each test. */
static const char *const BASE =
    "name: e2e\n"
    "start: 2021-01-01\n"
    "days: 240\n"
    "seed: 3\n"
    "offenses: {drug_use: {drug: true, violent: false, felony: false}, other: {drug: false, "
    "violent: false, felony: true}}\n"
    "people: {female: 0.3, poor: 0.8, risk: 0.05, with_child: 0.5, age: {dist: lognormal, "
    "median: 30, p90: 48}}\n"
    "arrests: {per_day: 20, mix: {drug_use: 0.5, other: 0.5}, rearrest: {per_year: 0.3, "
    "halving_years: 2}}\n"
    "direct_admissions: {rehab_per_day: 0}\n"
    "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.15, "
    "rehab: 0.3, prosecute: 0.55}, bribe: {default: 0}}\n"
    "police: {days: {default: {dist: fixed, value: 2}}}\n"
    "pretrial: {bail: 0, duration: {default: {dist: gamma, mean: 40, sd: 20}}, "
    "legal_limit_days: {misdemeanour: 180, felony: 540}, enforce_legal_limit: false}\n"
    "trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 6, max: 12, unit: "
    "months}}, appeal: 0.0}\n"
    "rehab: {duration: {dist: fixed, value: 90}}\n"
    "mortality: {per_1000_per_year_at_30: 2, doubling_years: 8}\n"
    "initial: {status: {pretrial: 0.5, appeal: 0.0, sentenced: 0.5}, offense: {drug_use: 0.4, "
    "other: 0.6}}\n"
    "facilities:\n"
    "  - {name: Police, type: police, sex: any, capacity: 100, cells: 10, population: 0}\n"
    "  - {name: CC1, type: prison, sex: male, capacity: 400, cells: 8, population: 1000, "
    "intake_share: 1, convicted_to: CC3, staff: 60}\n"
    "  - {name: CC2, type: prison, sex: female, capacity: 150, cells: 5, population: 300, "
    "intake_share: 1, children: true, staff: 20}\n"
    "  - {name: CC3, type: prison, sex: male, capacity: 400, cells: 8, population: 0, "
    "intake_share: 0}\n"
    "  - {name: Rehab, type: rehab, sex: any, capacity: 100, cells: 4, population: 150}\n";

/* An epidemic seeded in CC1 and CC2 while the community has some infection,
 * with every measure switched on at some point. */
static const char *const OUTBREAK =
    "disease:\n"
    "  pathogen: covid19\n"
    "  r0_at_capacity: 3\n"
    "  community_prevalence: [{from: 2021-01-01, value: 0}, {from: 2021-02-01, value: 0.003}]\n"
    "  introductions:\n"
    "    - {at: 2021-01-10, facility: CC1, count: 3}\n"
    "    - {at: 2021-01-10, facility: CC2, count: 3}\n"
    "    - {at: 2021-01-20, facility: CC2, count: 1, staff: true}\n"
    "  care_lacking_fatality_factor: 2\n"
    "  measures:\n"
    "    quarantine: {from: 2021-01-01, days: [{from: 2021-01-01, value: 14}, {from: "
    "2021-03-01, value: 20}], tests: [{from: 2021-01-01, value: 0}, {from: 2021-03-01, value: "
    "3}]}\n"
    "    testing: {from: 2021-03-01, at_intake: true, sensitivity: 0.8, delay_days: 1}\n"
    "    isolation: {from: 2021-03-01, symptomatic: true, capacity: 30}\n"
    "    vaccination: {from: 2021-04-01, doses_per_day: 10, priority: [staff, risk, all], "
    "efficacy_infection: 0.5, efficacy_severe: 0.85}\n";

static char *with(const char *disease) { return cc_asprintf("%s%s", BASE, disease); }

static int fac_index(const cc_scenario *s, const char *name)
{
    for (int f = 0; f < s->nfacilities; f++)
        if (strcmp(s->facility[f].name, name) == 0)
            return f;
    fail_msg("no facility %s", name);
    return -1;
}

/* Sum of a column over the run, for facility f (nfacilities = ALL). */
static int64_t column_total(const cc_sim *sim, int f, int col)
{
    const cc_scenario *s = sim->s;
    const cc_ts_row *rows = cc_sim_rows(sim);
    int64_t t = 0;
    for (int32_t d = 0; d < s->days; d++)
        t += rows[(size_t)d * (size_t)(s->nfacilities + 1) + (size_t)f].v[col];
    return t;
}

/* The ALL row is the sum of the facility rows, day by day, for every
 * disease column; cumulative new infections are the summary's detainee and
 * child infections (staff are not rows: they are nobody's population);
 * disease deaths add up to deaths.disease and to its age bands. */
static void columns_add_up(void **state)
{
    (void)state;
    char *text = with(OUTBREAK);
    cc_scenario *s = tu_load(text);
    cc_sim *sim = tu_sim_run(s, 0);
    const cc_ts_row *rows = cc_sim_rows(sim);
    int nf = s->nfacilities;
    const int cols[] = {CC_TS_new_infections, CC_TS_active_infections, CC_TS_hospitalised,
                        CC_TS_deaths_disease};
    for (int32_t d = 0; d < s->days; d++) {
        const cc_ts_row *r = &rows[(size_t)d * (size_t)(nf + 1)];
        for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
            int64_t sum = 0;
            for (int f = 0; f < nf; f++) {
                assert_true(r[f].v[cols[c]] >= 0);
                sum += r[f].v[cols[c]];
            }
            assert_int_equal(sum, r[nf].v[cols[c]]);
        }
        for (int f = 0; f <= nf; f++) {
            assert_true(r[f].v[CC_TS_hospitalised] <= r[f].v[CC_TS_active_infections]);
            assert_true(r[f].v[CC_TS_active_infections] <=
                        r[f].v[CC_TS_population] + r[f].v[CC_TS_children]);
        }
    }
    double det = tu_metric(sim, "infections.detainees"), ch = tu_metric(sim, "infections.children"),
           staff = tu_metric(sim, "infections.staff"), imported = tu_metric(sim, "infections.imported");
    int64_t new_total = column_total(sim, nf, CC_TS_new_infections);
    assert_true(new_total > 0);
    assert_int_equal(new_total, (int64_t)(det + ch));
    /* per facility too: the attack rate's numerator is the facility's rows */
    for (int f = 0; f < nf; f++)
        assert_true(column_total(sim, f, CC_TS_new_infections) >= 0);

    double deaths = tu_metric(sim, "deaths.disease");
    assert_int_equal(column_total(sim, nf, CC_TS_deaths_disease), (int64_t)deaths);
    const char *bands[] = {"0-17", "18-29", "30-49", "50-64", "65+"};
    double by_age = 0;
    for (int i = 0; i < 5; i++) {
        char key[64];
        snprintf(key, sizeof key, "deaths_disease.by_age.%s", bands[i]);
        by_age += tu_metric(sim, key);
    }
    assert_true(fabs(by_age - deaths) < 0.5);
    assert_true(fabs(tu_metric(sim, "deaths_disease.by_risk.yes") +
                     tu_metric(sim, "deaths_disease.by_risk.no") - deaths) < 0.5);
    /* every death is an infection that ended: no more deaths than infections */
    assert_true(deaths <= det + ch + imported);
    /* infected staff all count as spillover, plus infectious people released */
    double spill = tu_metric(sim, "spillover");
    assert_true(staff > 0);
    assert_true(spill >= staff);
    /* something the measures did */
    assert_true(tu_metric(sim, "disease.vaccinations") > 0);
    assert_true(tu_metric(sim, "disease.tests") > 0);
    print_message("e2e outbreak: %.0f detainee, %.0f child, %.0f staff infections, %.0f "
                  "imported, %.0f deaths, spillover %.0f\n",
                  det, ch, staff, imported, deaths, spill);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(text);
}

/* Infection reaches CC3 only with the people convicted in CC1 and moved
 * there: no introduction, no staff, no community infection there. So CC3
 * holds infected people before its first infection. */
static void transfers_carry_infection(void **state)
{
    (void)state;
    char *text = with("disease:\n"
                      "  pathogen: covid19\n"
                      "  r0_at_capacity: 3\n"
                      "  beta_staff: 0\n"
                      "  introductions: [{at: 2021-01-05, facility: CC1, count: 10}]\n");
    cc_scenario *s = tu_load(text);
    cc_sim *sim = tu_sim_run(s, 0);
    int cc3 = fac_index(s, "CC3");
    const cc_ts_row *rows = cc_sim_rows(sim);
    int nf = s->nfacilities;
    int32_t first_active = -1, first_new = -1;
    for (int32_t d = 0; d < s->days; d++) {
        const cc_ts_row *r = &rows[(size_t)d * (size_t)(nf + 1) + (size_t)cc3];
        if (first_active < 0 && r->v[CC_TS_active_infections] > 0)
            first_active = d;
        if (first_new < 0 && r->v[CC_TS_new_infections] > 0)
            first_new = d;
    }
    print_message("CC3: first infected present on day %d, first infection there on day %d\n",
                  (int)first_active, (int)first_new);
    assert_true(first_active >= 0);
    assert_true(first_new < 0 || first_active < first_new);
    /* the movers were infected in CC1, which keeps them in its count */
    assert_true(tu_metric(sim, "attack_rate.CC1.detainees") > 0);
    assert_true(tu_metric(sim, "attack_rate.CC1.detainees") <= 1);
    assert_true(tu_metric(sim, "attack_rate.CC1.children") >= 0);
    assert_true(tu_metric(sim, "attack_rate.CC1.staff") >= 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(text);
}

/* Children live in their mothers' cells and are infected there. */
static void children_infected(void **state)
{
    (void)state;
    char *text = with("disease:\n"
                      "  pathogen: covid19\n"
                      "  r0_at_capacity: 4\n"
                      "  introductions: [{at: 2021-01-05, facility: CC2, count: 10}]\n");
    cc_scenario *s = tu_load(text);
    cc_sim *sim = tu_sim_run(s, 0);
    double ch = tu_metric(sim, "infections.children");
    print_message("children infected: %.0f (child-days %.0f)\n", ch, tu_metric(sim, "child_days"));
    assert_true(tu_metric(sim, "child_days") > 0);
    assert_true(ch > 0);
    /* children live only in CC2 here: their attack rate is there alone */
    double rate = tu_metric(sim, "attack_rate.CC2.children");
    print_message("attack rate of children in CC2: %.3f\n", rate);
    assert_true(rate > 0 && rate <= 1);
    for (int f = 0; f < s->nfacilities; f++)
        if (!s->facility[f].children) {
            char key[200];
            snprintf(key, sizeof key, "attack_rate.%s.children", s->facility[f].name);
            assert_true(tu_metric(sim, key) == 0);
        }
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(text);
}

/* A scenario without disease has zero disease columns, and a disease whose
 * transmission is zero infects nobody in custody. */
static void no_transmission_no_infection(void **state)
{
    (void)state;
    char *text = with("disease:\n"
                      "  pathogen: covid19\n"
                      "  beta_cell: 0\n"
                      "  beta_facility: 0\n"
                      "  beta_staff: 0\n"
                      "  introductions: [{at: 2021-01-05, facility: CC1, count: 10}]\n");
    cc_scenario *s = tu_load(text);
    cc_sim *sim = tu_sim_run(s, 0);
    assert_int_equal(column_total(sim, s->nfacilities, CC_TS_new_infections), 0);
    assert_true(tu_metric(sim, "infections.detainees") == 0);
    assert_true(tu_metric(sim, "infections.imported") == 10);
    for (int f = 0; f < s->nfacilities; f++) {
        char key[200];
        snprintf(key, sizeof key, "attack_rate.%s.detainees", s->facility[f].name);
        assert_true(tu_metric(sim, key) == 0);
        snprintf(key, sizeof key, "attack_rate.%s.staff", s->facility[f].name);
        assert_true(tu_metric(sim, key) == 0);
    }
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(text);
}

/* Dormant mode (disease.c): a scenario whose only source starts late
 * (community prevalence from 1 May, day 120) keeps the disease module
 * dormant until then while quarantine and vaccination already act; no one
 * is infected before that day, the epidemic follows, and the columns add
 * up. Then exactness: with transmission off, infections come only from the
 * arrivals' own draws, which no list order touches, so the dormant run and
 * one kept awake from day 0 (an intake share of 0 disables the dormancy)
 * agree in every row and metric. */
static const char *const LATE =
    "  community_prevalence: [{from: 2021-01-01, value: 0}, {from: 2021-05-01, value: 0.01}]\n"
    "  staff_community_prevalence: [{from: 2021-01-01, value: 0}, {from: 2021-05-01, value: "
    "0.01}]\n"
    "  measures:\n"
    "    quarantine: {from: 2021-01-01, days: 14, capacity: 40}\n"
    "    testing: {from: 2021-02-01, at_intake: true, every_days: 30, sensitivity: 0.8}\n"
    "    isolation: {from: 2021-03-01, symptomatic: true, capacity: 30}\n"
    "    vaccination: {from: 2021-02-01, doses_per_day: 5, priority: [staff, risk, all], "
    "efficacy_infection: 0.5, efficacy_severe: 0.85}\n";

static void late_source_dormant(void **state)
{
    (void)state;
    char *block = cc_asprintf("disease:\n  pathogen: covid19\n  r0_at_capacity: 3\n%s", LATE);
    char *text = with(block);
    cc_scenario *s = tu_load(text);
    cc_sim *sim = tu_sim_run(s, 0);
    const cc_ts_row *rows = cc_sim_rows(sim);
    int nf = s->nfacilities;
    const int32_t wake = 120; /* 2021-05-01 */
    int64_t after = 0;
    for (int32_t d = 0; d < s->days; d++) {
        const cc_ts_row *r = &rows[(size_t)d * (size_t)(nf + 1)];
        for (int c = 0; c < 4; c++) {
            int col = c == 0 ? CC_TS_new_infections
                    : c == 1 ? CC_TS_active_infections
                    : c == 2 ? CC_TS_hospitalised
                             : CC_TS_deaths_disease;
            int64_t sum = 0;
            for (int f = 0; f < nf; f++) {
                assert_true(r[f].v[col] >= 0);
                sum += r[f].v[col];
            }
            assert_int_equal(sum, r[nf].v[col]);
            if (d < wake)
                assert_int_equal(r[nf].v[col], 0);
        }
        if (d >= wake)
            after += r[nf].v[CC_TS_active_infections];
    }
    assert_true(after > 0);
    double det = tu_metric(sim, "infections.detainees"), ch = tu_metric(sim, "infections.children");
    int64_t new_total = column_total(sim, nf, CC_TS_new_infections);
    assert_true(new_total > 0);
    assert_int_equal(new_total, (int64_t)(det + ch));
    assert_true(tu_metric(sim, "infections.imported") > 0);
    assert_true(tu_metric(sim, "disease.vaccinations") > 0);
    assert_true(tu_metric(sim, "disease.tests") > 0);
    print_message("late source: %.0f detainee, %.0f child infections, %.0f staff\n", det, ch,
                  tu_metric(sim, "infections.staff"));
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(text);
    free(block);

    /* exactness: arrivals' draws only (no transmission, no staff source) */
    cc_sim *run[2];
    cc_scenario *sc[2];
    char *txt[2];
    for (int k = 0; k < 2; k++) {
        char *b = cc_asprintf("disease:\n  pathogen: covid19\n  beta_cell: 0\n"
                              "  beta_facility: 0\n  beta_staff: 0\n%s%s",
                              k ? "  intake_states: {exposed: 0}\n" : "", LATE);
        txt[k] = with(b);
        free(b);
        sc[k] = tu_load(txt[k]);
        run[k] = tu_sim_run(sc[k], 1);
    }
    tu_assert_same_run(run[0], run[1], "dormant against awake");
    assert_true(tu_metric(run[0], "infections.imported") > 0);
    assert_true(tu_metric(run[0], "disease.tests_positive") > 0);
    for (int k = 0; k < 2; k++) {
        cc_sim_free(run[k]);
        cc_scenario_free(sc[k]);
        free(txt[k]);
    }
}

/* Tracking from a day (disease.c): with the community infected from 1 May
 * (day 120) and quarantine from 1 Mar (day 59), detainees are followed one
 * by one from day 59; before, their entries and exits are only counted.
 * A policy that sets masks of factor 1 from day 0 changes nothing in the
 * model but makes the module follow everyone from the start. The two runs
 * agree in every row and every metric: an epidemic with transmission in
 * cells, quarantine, testing, isolation, vaccination by priority, deaths by
 * age band, attack rates and prevalence; and the same holds for a copy of
 * the replicate made before, on and after the tracking day. */
static void tracking_from_a_day(void **state)
{
    (void)state;
    static const char *const block =
        "disease:\n  pathogen: covid19\n  r0_at_capacity: 4\n"
        "  community_prevalence: [{from: 2021-01-01, value: 0}, {from: 2021-05-01, value: "
        "0.01}]\n"
        "  care_lacking_fatality_factor: 3\n"
        "  measures:\n"
        "    quarantine: {from: 2021-03-01, days: 14, capacity: 15}\n"
        "    testing: {from: 2021-06-01, at_intake: true, sensitivity: 0.8, delay_days: 1}\n"
        "    isolation: {from: 2021-06-01, symptomatic: true, capacity: 10}\n"
        "    vaccination: {from: 2021-04-01, doses_per_day: 4, priority: [risk, "
        "age_over_50, all], efficacy_infection: 0.6, efficacy_severe: 0.9}\n%s";
    cc_sim *run[2];
    cc_scenario *sc[2];
    for (int k = 0; k < 2; k++) {
        char *b = cc_asprintf(block, k ? "policies:\n  - {at: 2021-01-01, health: {masks: "
                                         "{factor: 1}}}\n"
                                       : "");
        char *t = with(b);
        sc[k] = tu_load(t);
        free(b);
        free(t);
    }
    cc_sim *probe = tu_sim_start(sc[0], 2);
    assert_int_equal(cc_disease_track_day(probe->disease), 59);
    cc_sim_free(probe);
    probe = tu_sim_start(sc[1], 2);
    assert_int_equal(cc_disease_track_day(probe->disease), -1);
    cc_sim_free(probe);
    for (int k = 0; k < 2; k++)
        run[k] = tu_sim_run(sc[k], 2);
    tu_assert_same_run(run[0], run[1], "tracked from day 59 against day 0");
    /* what the comparison shows is not trivial: an epidemic, deaths, and
     * people quarantined at intake */
    assert_true(tu_metric(run[0], "infections.detainees") > 100);
    assert_true(tu_metric(run[0], "deaths.disease") > 0);
    assert_true(tu_metric(run[0], "disease.tests") > 0);
    assert_true(tu_metric(run[0], "attack_rate.CC1.detainees") > 0);
    assert_true(tu_metric(run[0], "disease.vaccinations") > 100);
    /* a copy made before, on or after the tracking day runs on alike */
    size_t nrows = (size_t)sc[0]->days * (size_t)(sc[0]->nfacilities + 1);
    const int32_t days[] = {30, 59, 60, 130};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        cc_sim *sim = tu_sim_start(sc[0], 2), *copy = NULL;
        cc_diag dg;
        cc_diag_init(&dg);
        while (sim->day < days[i])
            assert_int_equal(cc_sim_step(sim, &dg), 0);
        assert_int_equal(cc_sim_clone(sim, sc[0], &copy), 0);
        cc_sim_free(sim);
        while (copy->day < sc[0]->days)
            assert_int_equal(cc_sim_step(copy, &dg), 0);
        cc_diag_clear(&dg);
        assert_memory_equal(cc_sim_rows(run[0]), cc_sim_rows(copy), nrows * sizeof(cc_ts_row));
        assert_true(tu_metric(copy, "deaths.disease") == tu_metric(run[0], "deaths.disease"));
        cc_sim_free(copy);
    }
    for (int k = 0; k < 2; k++) {
        cc_sim_free(run[k]);
        cc_scenario_free(sc[k]);
    }
}

/* Tests of the intake quarantine run without a testing window, and find
 * people who arrived infected (the community is 5% infected here). */
static void quarantine_tests(void **state)
{
    (void)state;
    char *text = with("disease:\n"
                      "  pathogen: covid19\n"
                      "  community_prevalence: 0.05\n"
                      "  measures:\n"
                      "    quarantine: {from: 2021-01-01, days: 20, tests: 3, capacity: 1000}\n");
    cc_scenario *s = tu_load(text);
    cc_sim *sim = tu_sim_run(s, 0);
    double tests = tu_metric(sim, "disease.tests"), pos = tu_metric(sim, "disease.tests_positive");
    double admitted = tu_metric(sim, "arrests");
    print_message("quarantine: %.0f tests, %.0f positive, %.0f arrests\n", tests, pos, admitted);
    assert_true(tests > 0);
    assert_true(pos > 0);
    assert_true(pos < tests);
    assert_true(tu_metric(sim, "disease.quarantine_overflow") == 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
    free(text);
}

/* Positioned errors inside the block. Each case: the disease block, and a
 * fragment the message must contain (position, key path, hint). */
static void positioned_errors(void **state)
{
    (void)state;
    /* BASE has 21 lines; the block starts on line 22 */
    const struct {
        const char *block, *want[3];
    } cases[] = {
        {"disease:\n  pathogen: covid19\n  measures:\n    quarantin: {days: 14}\n",
         {"e2e.yaml:25:5:", "disease.measures.quarantin", "did you mean 'quarantine'?"}},
        {"disease:\n  pathogen: covid91\n",
         {"e2e.yaml:23:13: disease.pathogen: expected a shipped pathogen or a file, got "
          "'covid91' (use covid19",
          NULL, NULL}},
        {"disease:\n  pathogen: nowhere/flu.yaml\n",
         {"e2e.yaml:23:13: disease.pathogen: expected a readable pathogen file, got "
          "'nowhere/flu.yaml'",
          NULL, NULL}},
        /* a scenario reads only files in its own folder (docs/limits.md) */
        {"disease:\n  pathogen: /etc/flu.yaml\n",
         {"e2e.yaml:23:13: disease.pathogen: expected a readable pathogen file, got "
          "'/etc/flu.yaml': an absolute path",
          NULL, NULL}},
        {"disease:\n  pathogen: ../../../../../../../../../../etc/passwd.yaml\n",
         {"e2e.yaml:23:13: disease.pathogen:", "etc/passwd.yaml'", NULL}},
        {"disease:\n  pathogen: ../../../../../../../../../../etc/os-release\n",
         {"e2e.yaml:23:13: disease.pathogen:", "outside the scenario's folder",
          "keep the files a scenario names in its folder"}},
        {"disease:\n  pathogen: covid19\n  beta_cell: 0.1\n  r0_at_capacity: 3\n",
         {"e2e.yaml:25:19:", "disease.r0_at_capacity", "got both"}},
        {"disease:\n  pathogen: covid19\n  introductions: [{at: 2021-02-01, facility: CC9}]\n",
         {"e2e.yaml:24:46:", "disease.introductions[0].facility", "did you mean 'CC1'?"}},
        {"disease:\n  pathogen: covid19\n  measures: {vaccination: {doses_per_day: 5, "
         "efficacy_infection: 0.9, efficacy_severe: 0.5}}\n",
         {"e2e.yaml:24:", "disease.measures.vaccination.efficacy_severe", "efficacy_severe >="}},
        {"disease:\n  pathogen: covid19\n  community_prevalence: [{from: 2021-03-01, value: 2}]\n",
         {"e2e.yaml:24:", "disease.community_prevalence[0].value", "expected"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *text = with(cases[i].block);
        char *errs = tu_load_errors(text, "e2e.yaml");
        int ok = 1;
        for (int k = 0; k < 3; k++)
            if (cases[i].want[k] && !strstr(errs, cases[i].want[k]))
                ok = 0;
        if (!ok)
            fail_msg("case %zu: expected '%s' '%s' '%s', got:\n%s", i, cases[i].want[0],
                     cases[i].want[1] ? cases[i].want[1] : "",
                     cases[i].want[2] ? cases[i].want[2] : "", errs);
        free(errs);
        free(text);
    }
}

/* Same seed, same metrics and the same bytes, with 1 or 2 threads for 4
 * replicates; a second run with the same options repeats the first. */
static carcer_results *run_api(const carcer_scenario *sc, int threads)
{
    carcer_diag *d = carcer_diag_new();
    carcer_run_options o = carcer_run_options_default();
    o.replicates = 4;
    o.threads = threads;
    carcer_results *res = NULL;
    if (carcer_run(sc, &o, d, &res) != CARCER_OK)
        fail_msg("carcer_run: %s", carcer_diag_count(d) ? carcer_diag_message(d, 0) : "?");
    carcer_diag_free(d);
    return res;
}

static char *written(const carcer_results *res, const char *file)
{
    char *dir = tu_tmpdir();
    carcer_diag *d = carcer_diag_new();
    assert_int_equal(carcer_results_write(res, dir, d), CARCER_OK);
    carcer_diag_free(d);
    char *path = cc_asprintf("%s/%s", dir, file);
    char *text = tu_read_file(path, NULL);
    assert_non_null(text);
    const char *names[] = {"timeseries.csv", "summary.json", "scenario.resolved.yaml",
                           "replicates.csv"};
    for (int i = 0; i < 4; i++) {
        char *p = cc_asprintf("%s/%s", dir, names[i]);
        remove(p);
        free(p);
    }
    remove(dir);
    free(path);
    free(dir);
    return text;
}

static void deterministic_across_threads(void **state)
{
    (void)state;
    char *text = with(OUTBREAK);
    carcer_diag *d = carcer_diag_new();
    carcer_scenario *sc = NULL;
    assert_int_equal(carcer_scenario_load_text(text, strlen(text), "e2e.yaml", NULL, 0, d, &sc),
                     CARCER_OK);
    carcer_results *a = run_api(sc, 1), *b = run_api(sc, 2), *c = run_api(sc, 2);
    size_t n = carcer_results_metric_count(a);
    assert_int_equal(n, carcer_results_metric_count(b));
    int differ = 0;
    for (size_t i = 0; i < n; i++) {
        const char *key = carcer_results_metric_key(a, i);
        assert_string_equal(key, carcer_results_metric_key(b, i));
        for (int r = 0; r < 4; r++) {
            double x = carcer_results_metric(a, key, r), y = carcer_results_metric(b, key, r),
                   z = carcer_results_metric(c, key, r);
            if (!(x == y && y == z) && !(isnan(x) && isnan(y) && isnan(z)))
                differ++;
        }
    }
    assert_int_equal(differ, 0);
    /* replicates differ from each other (the streams are per replicate) */
    assert_true(carcer_results_metric(a, "infections.detainees", 0) !=
                    carcer_results_metric(a, "infections.detainees", 1) ||
                carcer_results_metric(a, "infections.detainees", 2) !=
                    carcer_results_metric(a, "infections.detainees", 3));
    char *ta = written(a, "timeseries.csv"), *tb = written(b, "timeseries.csv");
    assert_string_equal(ta, tb);
    char *sa = written(a, "summary.json"), *sb = written(b, "summary.json");
    assert_string_equal(sa, sb);
    free(ta);
    free(tb);
    free(sa);
    free(sb);
    carcer_results_free(a);
    carcer_results_free(b);
    carcer_results_free(c);
    carcer_scenario_free(sc);
    carcer_diag_free(d);
    free(text);
}

/* The resolved scenario loads again and runs to the same results. */
static void resolved_round_trip(void **state)
{
    (void)state;
    char *text = with(OUTBREAK);
    carcer_diag *d = carcer_diag_new();
    carcer_scenario *sc = NULL, *sc2 = NULL;
    assert_int_equal(carcer_scenario_load_text(text, strlen(text), "e2e.yaml", NULL, 0, d, &sc),
                     CARCER_OK);
    char *res = carcer_scenario_resolved(sc);
    assert_non_null(res);
    if (carcer_scenario_load_text(res, strlen(res), "resolved.yaml", NULL, 0, d, &sc2) !=
        CARCER_OK)
        fail_msg("resolved scenario did not load: %s\n%s",
                 carcer_diag_count(d) ? carcer_diag_message(d, 0) : "?", res);
    char *res2 = carcer_scenario_resolved(sc2);
    assert_string_equal(res, res2);
    carcer_results *a = run_api(sc, 1), *b = run_api(sc2, 1);
    assert_true(carcer_results_metric(a, "infections.detainees", 0) ==
                carcer_results_metric(b, "infections.detainees", 0));
    carcer_results_free(a);
    carcer_results_free(b);
    free(res);
    free(res2);
    carcer_scenario_free(sc);
    carcer_scenario_free(sc2);
    carcer_diag_free(d);
    free(text);
}

/* scenarios/cambodia-tb.yaml: active TB among prisoners, averaged over
 * the prisoner-days of the run and over 4 replicates, lies in the 2-6% of
 * calibration target 12 (sources §11: ~4% in CC1 screening against
 * 0.7-0.8% outside). The replicates' sd is ~0.06 percentage points, so the
 * mean of 4 has a standard error of ~0.03 points: the band's edges are tens
 * of standard errors away from the ~2.8% the scenario gives, and a failure
 * means the model or the scenario changed, not bad luck. */
static void tb_prevalence(void **state)
{
    (void)state;
    carcer_diag *d = carcer_diag_new();
    carcer_scenario *sc = NULL;
    if (carcer_scenario_load(CARCER_SOURCE_DIR "/scenarios/cambodia-tb.yaml", NULL, 0, d, &sc) !=
        CARCER_OK)
        fail_msg("cambodia-tb.yaml: %s", carcer_diag_count(d) ? carcer_diag_message(d, 0) : "?");
    carcer_results *res = run_api(sc, 0);
    double sum = 0, sum2 = 0;
    int n = carcer_results_replicates(res);
    for (int r = 0; r < n; r++) {
        double v = carcer_results_metric(res, "disease.prison_prevalence.active", r);
        sum += v;
        sum2 += v * v;
    }
    double mean = sum / n, sd = sqrt(fmax(0, (sum2 - n * mean * mean) / (n - 1)));
    print_message("active TB among prisoners: %.2f%% (sd over %d replicates %.2f points); "
                  "target 2-6%% (CC1 screening 4.3%%)\n",
                  100 * mean, n, 100 * sd);
    assert_true(mean >= 0.02 && mean <= 0.06);
    carcer_results_free(res);
    carcer_scenario_free(sc);
    carcer_diag_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(columns_add_up),
        cmocka_unit_test(transfers_carry_infection),
        cmocka_unit_test(children_infected),
        cmocka_unit_test(no_transmission_no_infection),
        cmocka_unit_test(quarantine_tests),
        cmocka_unit_test(late_source_dormant),
        cmocka_unit_test(tracking_from_a_day),
        cmocka_unit_test(positioned_errors),
        cmocka_unit_test(deterministic_across_threads),
        cmocka_unit_test(resolved_round_trip),
        cmocka_unit_test(tb_prevalence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
