/* test_scenario.c - the scenario loader: values, defaults, per-offense
 * values, distributions, schedules, dates, --set, the resolved scenario
 * round trip and the generated reference docs.
 *
 * CARCER_REGEN_DOCS=1 test_scenario rewrites docs/scenario-reference.md from
 * the schema table instead of checking it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenario.h"
#include "schema.h"
#include "testutil.h"
#include "util.h"

#define MINIMAL                                                                                 \
    "name: Minimal\n"                                                                           \
    "start: 2017-01-01\n"                                                                       \
    "days: 365\n"                                                                               \
    "offenses:\n"                                                                               \
    "  drug_use: {drug: true}\n"                                                                \
    "  violent: {violent: true, felony: true}\n"                                                \
    "facilities:\n"                                                                             \
    "  - {name: CC1, type: prison, capacity: 2050, cells: 60, population: 4500}\n"              \
    "  - {name: CC2, type: prison, sex: female, capacity: 600, convicted_to: CC1}\n"

/* |a - b| <= eps, with the values in the failure message */
#define assert_near(a, b, eps) near_((a), (b), (eps), #a, __FILE__, __LINE__)
static void near_(double a, double b, double eps, const char *what, const char *file, int line)
{
    if (!(fabs(a - b) <= eps)) {
        print_error("%s = %.17g, expected %.17g (tolerance %g)\n", what, a, b, eps);
        _fail(file, line);
    }
}

static int32_t date(const char *s)
{
    int32_t d = 0;
    assert_int_equal(cc_date_parse(s, strlen(s), &d), 0);
    return d;
}

/* Load with --set overrides; returns NULL and the messages in *errors. */
static cc_scenario *load_set(const char *yaml, const char *const *sets, int nsets, char **errors)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    int rc = cc_scenario_load_text(yaml, strlen(yaml), "t.yaml", sets, nsets, &d, &s);
    cc_buf b = {0};
    cc_buf_append(&b, "", 0);
    for (int i = 0; i < d.kept; i++) {
        char *m = cc_diag_format(&d, i);
        cc_buf_printf(&b, "%s\n", m);
        free(m);
    }
    cc_diag_clear(&d);
    assert_true((rc == 0) == (s != NULL));
    if (errors)
        *errors = b.data;
    else
        free(b.data);
    return s;
}

static void test_minimal_values(void **state)
{
    (void)state;
    cc_scenario *s = tu_load(MINIMAL);
    assert_string_equal(s->name, "Minimal");
    assert_string_equal(s->file, "test.yaml");
    assert_int_equal(s->start_date, date("2017-01-01"));
    assert_int_equal(s->days, 365);
    assert_int_equal(s->noffenses, 2);
    assert_string_equal(s->offense[0].name, "drug_use");
    assert_true(s->offense[0].drug);
    assert_false(s->offense[0].felony);
    assert_true(s->offense[1].violent && s->offense[1].felony && !s->offense[1].drug);
    assert_int_equal(cc_offense_index(s, "violent"), 1);
    assert_int_equal(cc_offense_index(s, "theft"), -1);
    assert_int_equal(s->nfacilities, 2);
    assert_int_equal(cc_facility_index(s, "CC2"), 1);
    assert_int_equal(cc_facility_index(s, "CC9"), -1);
    const cc_facility *f = &s->facility[0];
    assert_int_equal(f->type, CC_FAC_PRISON);
    assert_int_equal(f->sex, CC_SEX_ANY);
    assert_int_equal(f->cells, 60);
    assert_int_equal(f->population, 4500);
    assert_int_equal(f->capacity.n, 1);
    assert_near(cc_schedule_at(&f->capacity, 100), 2050, 0);
    assert_int_equal(f->convicted_to, -1);
    assert_int_equal(s->facility[1].convicted_to, 0);
    assert_int_equal(s->facility[1].sex, CC_SEX_FEMALE);
    cc_scenario_free(s);
}

static void test_defaults(void **state)
{
    (void)state;
    cc_scenario *s = tu_load(MINIMAL);
    assert_int_equal(s->seed, 1);
    assert_int_equal(s->replicates, 1);
    assert_near(s->people.female, 0.08, 0);
    assert_near(s->people.min_age, 14, 0);
    assert_near(s->people.max_age, 90, 0);
    assert_int_equal(s->people.age.kind, CC_DIST_LOGNORMAL);
    assert_near(s->people.age.a, log(30), 1e-12);
    /* equal shares when no mix is given */
    assert_near(s->arrest_mix[0], 0.5, 0);
    assert_near(s->arrest_mix[1], 0.5, 0);
    assert_near(cc_schedule_at(&s->arrests_per_day, 0), 0, 0);
    assert_near(s->route_prosecute.v[1], 0.95, 0);
    assert_near(s->route_release.v[0], 0.05, 0);
    assert_near(s->bribe.v[0], 0, 0);
    assert_int_equal(s->police_days.d[0].kind, CC_DIST_UNIFORM);
    assert_near(s->police_days.d[1].mean, 2, 1e-12);
    assert_near(s->limit_felony_days, 540, 0);
    assert_near(s->limit_misdemeanour_days, 180, 0);
    assert_false(s->enforce_legal_limit);
    assert_near(s->convict.v[0], 0.9, 0);
    /* sentence default in months: median 24 months = 730.5 days */
    assert_near(exp(s->sentence_days.d[0].a), 24 * 30.4375, 1e-9);
    /* per 1000 per year in the file, per year in the struct */
    assert_near(s->mort_at_30_per_year, 0.0015, 1e-15);
    assert_int_equal(s->cell_fill, CC_FILL_LEAST_CROWDED);
    assert_near(s->initial.status[CC_ST_PRETRIAL], 0.35, 0);
    assert_near(s->initial.status[CC_ST_SENTENCED], 0.3, 0);
    const cc_facility *f = &s->facility[1];
    assert_int_equal(f->cells, 1);
    assert_int_equal(f->population, 0);
    assert_int_equal(f->opens, 0);
    assert_near(cc_schedule_at(&f->intake_share, 10), 1, 0);
    assert_memory_equal(&f->composition, &s->initial, sizeof s->initial);
    assert_near(s->cost_per_day[CC_ST_SENTENCED], 0, 0);
    cc_scenario_free(s);
}

static void test_per_offense(void **state)
{
    (void)state;
    cc_scenario *s = tu_load(MINIMAL "pretrial:\n"
                                     "  bail: {default: 0.1, violent: 0.02}\n"
                                     "trial:\n"
                                     "  conviction: 0.7\n"
                                     "  sentence:\n"
                                     "    default: {dist: fixed, value: 100}\n"
                                     "    drug_use: {dist: fixed, value: 2, unit: years}\n"
                                     "routing:\n"
                                     "  drug_use: {release: 0.15, rehab: 0.55, prosecute: 0.30}\n"
                                     "  bribe: {default: 0, drug_use: 0.2}\n");
    assert_near(s->bail.v[0], 0.1, 0);
    assert_near(s->bail.v[1], 0.02, 0);
    assert_true(s->bail.has_default);
    assert_near(s->convict.v[0], 0.7, 0);
    assert_near(s->convict.v[1], 0.7, 0);
    assert_near(s->sentence_days.d[0].a, 730.5, 1e-12);
    assert_near(s->sentence_days.d[1].a, 100, 0);
    assert_near(s->route_rehab.v[0], 0.55, 0);
    assert_near(s->route_rehab.v[1], 0, 0);
    assert_near(s->route_prosecute.v[1], 0.95, 0);
    assert_near(s->bribe.v[0], 0.2, 0);
    assert_near(s->bribe.v[1], 0, 0);
    cc_scenario_free(s);
    /* every offense given: no default needed */
    s = tu_load(MINIMAL "pretrial:\n  bail: {drug_use: 0.3, violent: 0}\n");
    assert_false(s->bail.has_default);
    assert_near(s->bail.v[0], 0.3, 0);
    cc_scenario_free(s);
}

static void test_dists(void **state)
{
    (void)state;
    const double z90 = 1.2815515655446004;
    cc_scenario *s = tu_load(
        MINIMAL "people:\n"
                "  age: {dist: uniform, min: 18, max: 60}\n"
                "pretrial:\n"
                "  duration:\n"
                "    default: {dist: lognormal, median: 150, p90: 330}\n"
                "    drug_use: {dist: lognormal, mean: 100, sd: 50}\n"
                "    violent: {dist: exponential, mean: 2, unit: months}\n"
                "trial:\n"
                "  sentence:\n"
                "    drug_use: {dist: gamma, mean: 12, sd: 6, unit: months}\n"
                "    violent: {dist: gamma, shape: 2, scale: 1.5, unit: years}\n"
                "  appeal_duration: {dist: empirical, bins: [[0, 10, 1], [10, 30, 3]]}\n"
                "rehab:\n"
                "  duration: {dist: fixed, value: 3, unit: months}\n");
    const cc_dist *d = &s->people.age;
    assert_int_equal(d->kind, CC_DIST_UNIFORM);
    assert_near(d->a, 18, 0);
    assert_near(d->b, 60, 0);
    assert_near(d->mean, 39, 1e-12);

    d = &s->pretrial_days.def;
    assert_int_equal(d->kind, CC_DIST_LOGNORMAL);
    assert_near(d->a, log(150), 1e-12);
    assert_near(d->b, (log(330) - log(150)) / z90, 1e-12);
    assert_near(d->mean, exp(log(150) + d->b * d->b / 2), 1e-9);
    assert_int_equal(CC_DIST_FORM(d), CC_DFORM_LOGNORMAL_MEDIAN_P90);
    /* moments: the mean comes back */
    d = &s->pretrial_days.d[0];
    assert_near(d->mean, 100, 1e-9);
    assert_near(exp(d->b * d->b) - 1, 0.25, 1e-12); /* (sd/mean)^2 */
    d = &s->pretrial_days.d[1];
    assert_int_equal(d->kind, CC_DIST_EXPONENTIAL);
    assert_near(d->a, 2 * 30.4375, 1e-12);
    assert_int_equal(CC_DIST_UNIT(d), CC_DUNIT_MONTHS);

    d = &s->sentence_days.d[0];
    assert_int_equal(d->kind, CC_DIST_GAMMA);
    assert_near(d->a, 4, 1e-12); /* k = (mean/sd)^2 */
    assert_near(d->mean, 12 * 30.4375, 1e-9);
    d = &s->sentence_days.d[1];
    assert_near(d->a, 2, 0);
    assert_near(d->b, 1.5 * 365.25, 1e-12);
    assert_near(d->mean, 3 * 365.25, 1e-9);

    d = &s->appeal_days.d[1];
    assert_int_equal(d->kind, CC_DIST_EMPIRICAL);
    assert_int_equal(d->nbins, 2);
    assert_near(d->w[0], 0.25, 0);
    assert_near(d->w[1], 0.75, 0);
    assert_near(d->hi[1], 30, 0);
    assert_near(d->mean, 0.25 * 5 + 0.75 * 20, 1e-12);

    assert_near(s->rehab_days.a, 3 * 30.4375, 1e-12);
    assert_near(s->rehab_days.mean, 3 * 30.4375, 1e-12);
    cc_scenario_free(s);

    /* age is stored in years: a unit converts to years */
    s = tu_load(MINIMAL "people: {age: {dist: fixed, value: 360, unit: months}}\n");
    assert_near(s->people.age.a, 360 * 30.4375 / 365.25, 1e-12);
    cc_scenario_free(s);
}

static void test_schedules_and_dates(void **state)
{
    (void)state;
    cc_scenario *s = tu_load(MINIMAL "arrests:\n"
                                     "  per_day:\n"
                                     "    - {from: 2016-07-01, value: 5}\n"
                                     "    - {from: 2017-01-11, value: 10}\n"
                                     "    - {from: 2017-02-01, value: 20}\n"
                                     "direct_admissions: {rehab_per_day: 3.5}\n");
    const cc_schedule *a = &s->arrests_per_day;
    assert_int_equal(a->n, 3);
    assert_int_equal(a->from[0], -184);
    assert_int_equal(a->from[1], 10);
    assert_int_equal(a->from[2], 31);
    assert_near(cc_schedule_at(a, -1000), 5, 0);
    assert_near(cc_schedule_at(a, 0), 5, 0);
    assert_near(cc_schedule_at(a, 9), 5, 0);
    assert_near(cc_schedule_at(a, 10), 10, 0);
    assert_near(cc_schedule_at(a, 30), 10, 0);
    assert_near(cc_schedule_at(a, 31), 20, 0);
    assert_near(cc_schedule_at(a, 5000), 20, 0);
    assert_near(cc_schedule_at(&s->direct_rehab_per_day, 7), 3.5, 0);
    cc_scenario_free(s);

    /* days before the first entry take its value */
    cc_schedule one = {1, (int32_t[]){100}, (double[]){7}};
    assert_near(cc_schedule_at(&one, 0), 7, 0);

    s = tu_load("name: D\nstart: 2020-02-28\ndays: 10\noffenses: {x: {}}\n"
                "facilities: [{name: A, type: rehab, capacity: 1, opens: 2020-03-01}]\n");
    assert_int_equal(s->facility[0].opens, 2); /* 2020 is a leap year */
    assert_int_equal(s->start_date, date("2020-02-28"));
    /* rehab centres hold status rehab */
    assert_near(s->facility[0].composition.status[CC_ST_REHAB], 1, 0);
    assert_near(s->facility[0].composition.status[CC_ST_PRETRIAL], 0, 0);
    cc_scenario_free(s);
}

static void test_set(void **state)
{
    (void)state;
    const char *sets[] = {"days=730",
                          "facilities.0.capacity=100",
                          "facilities.CC2.cells=7",
                          "costs.per_day.sentenced=2.5",
                          "pretrial.bail={default: 0.3, drug_use: 0.1}",
                          "name=Changed name"};
    char *err = NULL;
    cc_scenario *s = load_set(MINIMAL, sets, 6, &err);
    assert_non_null(s);
    assert_string_equal(err, "");
    free(err);
    assert_int_equal(s->days, 730);
    assert_near(cc_schedule_at(&s->facility[0].capacity, 0), 100, 0);
    assert_int_equal(s->facility[1].cells, 7);
    assert_int_equal(s->facility[0].cells, 60);
    assert_near(s->cost_per_day[CC_ST_SENTENCED], 2.5, 0); /* costs was absent */
    assert_near(s->bail.v[0], 0.1, 0);
    assert_near(s->bail.v[1], 0.3, 0);
    assert_string_equal(s->name, "Changed name");
    cc_scenario_free(s);

    /* a list element replaced whole, by index */
    const char *whole[] = {"facilities.1={name: X, type: rehab, capacity: 5}"};
    s = load_set(MINIMAL, whole, 1, NULL);
    assert_non_null(s);
    assert_string_equal(s->facility[1].name, "X");
    assert_int_equal(s->facility[1].type, CC_FAC_REHAB);
    cc_scenario_free(s);

    /* bad overrides: each names its --set and the column */
    const char *bad[] = {"days=abc", "nokey", "facilities.CC9.cells=1", "people.femal=0.1",
                         "days.x=1"};
    s = load_set(MINIMAL, bad, 5, &err);
    assert_null(s);
    assert_non_null(strstr(err, "--set:1:6: days: expected an integer, got 'abc'"));
    assert_non_null(strstr(err, "--set:2:1: expected key.path=value"));
    assert_non_null(strstr(err, "--set:3:12: facilities.CC9: no list entry 'CC9'"));
    assert_non_null(strstr(err, "--set:4:8: people.femal: unknown key 'femal' (did you mean "
                                "'female'?)"));
    assert_non_null(strstr(err, "--set:5:6: days.x: cannot set 'x' inside a single value"));
    free(err);
}

static void check_round_trip(const char *yaml)
{
    cc_scenario *s = tu_load(yaml);
    char *r1 = cc_scenario_resolved_yaml(s);
    assert_non_null(r1);
    cc_scenario *s2 = tu_load(r1);
    char *r2 = cc_scenario_resolved_yaml(s2);
    assert_string_equal(r1, r2);
    /* the numbers the engine reads are identical, not merely close */
    assert_memory_equal(&s->people, &s2->people, offsetof(cc_people, age));
    assert_memory_equal(s->arrest_mix, s2->arrest_mix, sizeof s->arrest_mix);
    assert_memory_equal(&s->route_release, &s2->route_release, sizeof s->route_release);
    assert_true(s->mort_at_30_per_year == s2->mort_at_30_per_year);
    assert_true(s->pretrial_days.d[0].a == s2->pretrial_days.d[0].a);
    assert_true(s->pretrial_days.d[0].b == s2->pretrial_days.d[0].b);
    assert_int_equal(s->nfacilities, s2->nfacilities);
    for (int i = 0; i < s->nfacilities; i++) {
        assert_memory_equal(&s->facility[i].composition, &s2->facility[i].composition,
                            sizeof(cc_composition));
        assert_int_equal(s->facility[i].convicted_to, s2->facility[i].convicted_to);
        assert_int_equal(s->facility[i].opens, s2->facility[i].opens);
    }
    free(r1);
    free(r2);
    cc_scenario_free(s);
    cc_scenario_free(s2);
}

static void test_round_trip(void **state)
{
    (void)state;
    check_round_trip(MINIMAL);
    check_round_trip(
        MINIMAL "people: {female: 0.1, age: {dist: lognormal, mean: 33.3, sd: 11.1}}\n"
                "arrests:\n"
                "  per_day: [{from: 2016-12-01, value: 71.3}, {from: 2018-01-01, value: 80}]\n"
                "  mix: {drug_use: 0.31, violent: 0.69}\n"
                "mortality: {per_1000_per_year_at_30: 1.7, crowding_per_1000_per_year: 0.3}\n"
                "rehab: {excess_deaths_per_1000_per_year: 12.3,\n"
                "        duration: {dist: empirical, unit: months,\n"
                "                   bins: [[0.1, 3.3, 1], [3.3, 12.7, 2.2]]}}\n"
                "initial: {status: {pretrial: 0.3, appeal: 0.4, sentenced: 0.3},\n"
                "          offense: {drug_use: 0.55, violent: 0.45}}\n"
                "pretrial: {bail: {default: 0.01, violent: 0},\n"
                "           duration: {default: {dist: gamma, mean: 3.7, sd: 1.1, unit: months}}}\n"
                "costs: {per_day: {sentenced: 1.23}, community_per_day: 0.7}\n");
    /* equal shares of three classes do not add up exactly in binary */
    check_round_trip("name: 'Three: classes'\nstart: 2017-01-01\ndays: 3\n"
                     "offenses: {a: {}, b: {}, c: {}}\n"
                     "facilities: [{name: Orgkas Khnhom, type: rehab, capacity: [{from: "
                     "2017-01-01, value: 1}, {from: 2017-06-01, value: 2}]}]\n");
    size_t len;
    const char *def = cc_scenario_default_text(&len);
    if (def)
        check_round_trip(def);
}

typedef struct doc_check {
    const char *md;
    int missing;
} doc_check;

/* The key (its last segment) is documented: a table row `key`, or a dotted
 * row of a custom block (`key.sub`, `parent.key`). */
static void mentions(const char *path, void *arg)
{
    doc_check *c = arg;
    const char *last = strrchr(path, '.');
    last = last ? last + 1 : path;
    char row[200], head[200], tail[200];
    snprintf(row, sizeof row, "| `%s` |", last);
    snprintf(head, sizeof head, "`%s.", last);
    snprintf(tail, sizeof tail, ".%s`", last);
    if (!strstr(c->md, row) && !strstr(c->md, head) && !strstr(c->md, tail)) {
        print_error("the reference does not document %s\n", path);
        c->missing++;
    }
}

static void test_markdown(void **state)
{
    (void)state;
    char *md = cc_schema_markdown();
    assert_non_null(md);
    doc_check check = {md, 0};
    cc_schema_each_key(mentions, &check);
    assert_int_equal(check.missing, 0);
    assert_non_null(strstr(md, "## `facilities[]`"));
    assert_non_null(strstr(md, "## `people`"));
    assert_non_null(strstr(md, "**required**"));
    char *path = cc_asprintf("%s/docs/scenario-reference.md", CARCER_SOURCE_DIR);
    if (getenv("CARCER_REGEN_DOCS")) {
        assert_int_equal(cc_write_file_atomic(path, md, strlen(md)), 0);
    } else {
        char *doc = tu_read_file(path, NULL);
        if (!doc)
            fail_msg("%s is missing: run CARCER_REGEN_DOCS=1 test_scenario", path);
        if (strcmp(doc, md) != 0)
            fail_msg("%s is out of date: run CARCER_REGEN_DOCS=1 test_scenario", path);
        free(doc);
    }
    free(path);
    free(md);
}

static void test_default_scenario(void **state)
{
    (void)state;
    size_t len = 0;
    const char *text = cc_scenario_default_text(&len);
    if (!text)
        skip();
    assert_int_equal(strlen(text), len);
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    int rc = cc_scenario_load_text(text, len, "<default>", NULL, 0, &d, &s);
    for (int i = 0; i < d.kept; i++) {
        char *m = cc_diag_format(&d, i);
        print_error("%s\n", m);
        free(m);
    }
    cc_diag_clear(&d);
    assert_int_equal(rc, 0);
    assert_true(s->nfacilities >= 1);
    cc_scenario_free(s);
}

static void test_file_and_errors(void **state)
{
    (void)state;
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = (cc_scenario *)1;
    assert_int_not_equal(cc_scenario_load_file("/nonexistent/x.yaml", NULL, 0, &d, &s), 0);
    assert_null(s);
    assert_int_equal(d.count, 1);
    cc_diag_clear(&d);
    cc_scenario_free(NULL);
    /* a scalar libfyaml reports on line 2, column 1 comes back as 2:1 */
    char *e = tu_load_errors("name: x\nname: y\n", "dup.yaml");
    assert_non_null(strstr(e, "dup.yaml:2:1: duplicate key"));
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_values), cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_per_offense),    cmocka_unit_test(test_dists),
        cmocka_unit_test(test_schedules_and_dates), cmocka_unit_test(test_set),
        cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_default_scenario), cmocka_unit_test(test_file_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
