/* test_warnings.c - each warning of a valid scenario (warnings.c) at its
 * file:line:col and key path, with the scenario still loading; and the same
 * scenario with the cause removed giving none. The shipped scenarios give
 * none at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "scenario.h"
#include "testutil.h"
#include "util.h"

/* Lines 1-8; what a case adds starts on line 9. */
#define BASE                                                                                    \
    "name: W\n"                                                                                 \
    "start: 2017-01-01\n"                                                                       \
    "days: 365\n"                                                                               \
    "offenses:\n"                                                                               \
    "  drug_use: {drug: true}\n"                                                                \
    "  other: {}\n"                                                                             \
    "facilities:\n"                                                                             \
    "  - {name: CC1, type: prison, capacity: 2000, cells: 10, population: 1000}\n"

/* Load text as w.yaml: it must load; its messages one per line (malloc'd),
 * each a warning. */
static char *warnings_of(const char *text)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    int rc = cc_scenario_load_text(text, strlen(text), "w.yaml", NULL, 0, &d, &s);
    cc_buf out = {0};
    for (int i = 0; i < d.kept; i++) {
        char *m = cc_diag_format(&d, i);
        cc_buf_printf(&out, "%s\n", m);
        free(m);
        if (!d.entry[i].warning)
            fail_msg("an error where a warning was expected: %s", out.data);
    }
    if (rc != 0 || !s)
        fail_msg("the scenario did not load:\n%s", out.data ? out.data : "");
    assert_int_equal(d.count, 0);
    assert_int_equal(d.warnings, d.kept);
    cc_scenario_free(s);
    cc_diag_clear(&d);
    if (!out.data)
        return cc_strdup("");
    return out.data;
}

/* text warns exactly once, with a message starting `want`; `quiet` (the
 * cause removed) warns not at all. */
static void one_warning(const char *text, const char *want, const char *quiet)
{
    char *w = warnings_of(text);
    if (strncmp(w, want, strlen(want)) != 0)
        fail_msg("expected a warning starting\n  %s\ngot\n  %s", want, w);
    const char *nl = strchr(w, '\n');
    if (!nl || nl[1])
        fail_msg("expected one warning, got:\n%s", w);
    free(w);
    w = warnings_of(quiet);
    if (*w)
        fail_msg("expected no warning, got:\n%s", w);
    free(w);
}

static void policy_after_the_end(void **state)
{
    (void)state;
    one_warning(BASE "policies:\n"
                     "  - name: late\n"
                     "    at: 2018-03-01\n"
                     "    legal_aid: 0.8\n",
                "w.yaml:11:9: warning: policies[0].at: the policy 'late' starts after the last "
                "simulated day (2017-12-31): it never acts",
                BASE "policies:\n"
                     "  - name: late\n"
                     "    at: 2017-12-31\n"
                     "    legal_aid: 0.8\n");
    one_warning(BASE "policies:\n"
                     "  - name: early\n"
                     "    at: 2016-06-01\n"
                     "    legal_aid: 0.8\n",
                "w.yaml:11:9: warning: policies[0].at: the policy 'early' is dated before the "
                "start (2017-01-01)",
                BASE "policies:\n"
                     "  - name: early\n"
                     "    at: 2017-01-01\n"
                     "    legal_aid: 0.8\n");
}

#define CC9                                                                                     \
    "  - name: CC9\n"                                                                           \
    "    type: prison\n"                                                                        \
    "    capacity: 500\n"                                                                       \
    "    population: 400\n"                                                                     \
    "    intake_share: 0\n"

static void facility_nothing_reaches(void **state)
{
    (void)state;
    const char *want = "w.yaml:13:19: warning: facilities[1].intake_share: no admission, "
                       "transfer or convicted_to reaches the prison 'CC9'";
    /* reached by the convicted of CC1 */
    one_warning(BASE CC9, want,
                "name: W\nstart: 2017-01-01\ndays: 365\noffenses:\n  drug_use: {drug: true}\n"
                "  other: {}\nfacilities:\n"
                "  - {name: CC1, type: prison, capacity: 2000, cells: 10, population: 1000, "
                "convicted_to: CC9}\n" CC9);
    /* reached by transfers */
    one_warning(BASE CC9, want,
                BASE CC9 "placement: {transfer_above_occupancy: 1.5, transfer_max_per_day: 10}\n");
    /* opening after the end */
    one_warning(BASE "  - {name: CC8, type: prison, capacity: 500, opens: 2018-02-01}\n",
                "w.yaml:9:53: warning: facilities[1].opens: the prison 'CC8' opens after the "
                "last simulated day",
                BASE "  - {name: CC8, type: prison, capacity: 500, opens: 2017-02-01}\n");
}

static void share_for_one_population_only(void **state)
{
    (void)state;
    one_warning(BASE "people: {female: 0.1}\n",
                "w.yaml:9:18: warning: people.female: the share of women is given for arrivals "
                "but not for the first day's population, whose initial.female keeps its default "
                "(give initial.female too)",
                BASE "people: {female: 0.1}\ninitial: {female: 0.1}\n");
    one_warning(BASE "initial: {female: 0.1}\n",
                "w.yaml:9:19: warning: initial.female: the share of women is given for the "
                "first day's population but not for arrivals",
                BASE "initial: {female: 0.1}\npeople: {female: 0.1}\n");
    one_warning(BASE "arrests: {per_day: 5, mix: {drug_use: 0.5, other: 0.5}}\n",
                "w.yaml:9:28: warning: arrests.mix: the offense mix is given for arrivals but "
                "not for the first day's population",
                BASE "arrests: {per_day: 5, mix: {drug_use: 0.5, other: 0.5}}\n"
                     "initial: {offense: {drug_use: 0.2, other: 0.8}}\n");
    /* a facility that gives its own female share makes initial's irrelevant */
    char *w = warnings_of(
        "name: W\nstart: 2017-01-01\ndays: 365\noffenses:\n  drug_use: {drug: true}\n"
        "  other: {}\nfacilities:\n"
        "  - {name: CC1, type: prison, capacity: 2000, population: 1000, composition: "
        "{female: 0.1}}\npeople: {female: 0.1}\n");
    assert_string_equal(w, "");
    free(w);
}

static void dates_after_the_end(void **state)
{
    (void)state;
    one_warning(BASE "report_dates: [2017-06-01, 2018-03-01, 2018-06-01]\n",
                "w.yaml:9:28: warning: report_dates[1]: this report date and the later ones are "
                "after the last simulated day (2017-12-31): skipped",
                BASE "report_dates: [2017-06-01, 2017-12-31]\n");
    one_warning(BASE "targets:\n"
                     "  - {name: p, column: population, facility: CC1, date: 2018-03-01, "
                     "value: 90, sd: 5, source: test}\n",
                "w.yaml:10:5: warning: targets[0]: the target 'p' reads a day after the last "
                "simulated day (2017-12-31): not measured",
                BASE "targets:\n"
                     "  - {name: p, column: population, facility: CC1, date: 2017-03-01, "
                     "value: 90, sd: 5, source: test}\n");
}

static void prior_far_too_wide(void **state)
{
    (void)state;
    /* loguniform(0.01, 100): 5% and 95% points 0.01 x 10^0.2 and 0.01 x
     * 10^3.8, a factor of 10^3.6 ~ 3981 apart */
    one_warning(BASE "mortality: {per_1000_per_year_at_30: {prior: loguniform, min: 0.01, max: "
                     "100}}\n",
                "w.yaml:9:38: warning: mortality.per_1000_per_year_at_30: the prior "
                "loguniform(min 0.01, max 100) puts 90% of its mass between 0.0158 and 63.1, a "
                "factor of 3981",
                /* uniform(0.5, 2.5): 0.6 to 2.4, a factor of 4 */
                BASE "mortality: {per_1000_per_year_at_30: {prior: uniform, min: 0.5, max: "
                     "2.5}}\n");
}

static void cambodian_defaults_elsewhere(void **state)
{
    (void)state;
    char *w = warnings_of(BASE "country: Kenya\n");
    /* at the country key, each naming the default's key and its source */
    const char *want[] = {
        "w.yaml:9:10: warning: people.min_age: the default 14 comes from Cambodia (Cambodian "
        "criminal law: criminal responsibility from 14), not from Kenya (give it for the "
        "scenario's country)\n",
        "w.yaml:9:10: warning: police.days: the default",
        "w.yaml:9:10: warning: pretrial.legal_limit_days.felony: the default 540",
        "w.yaml:9:10: warning: initial.status: the default",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(w, want[i]))
            fail_msg("no '%s' in:\n%s", want[i], w);
    free(w);
    /* giving one removes its warning, and only its */
    w = warnings_of(BASE "country: Kenya\npeople: {min_age: 12, female: 0.05}\n"
                         "initial: {female: 0.05}\n");
    assert_null(strstr(w, "people.min_age"));
    assert_null(strstr(w, "people.female"));
    assert_non_null(strstr(w, "police.days"));
    free(w);
    /* the included default is Cambodia's: what it gives still warns */
    w = warnings_of("include: default\ncountry: Kenya\n");
    assert_non_null(strstr(w, "w.yaml:2:10: warning: people.female: the value comes from the "
                              "included default scenario, which is Cambodia's"));
    assert_non_null(strstr(w, "w.yaml:2:10: warning: people.min_age: the default 14"));
    free(w);
    /* Cambodia, in any case, and no country: no warning */
    w = warnings_of(BASE "country: cambodia\n");
    assert_string_equal(w, "");
    free(w);
}

static void shipped_scenarios_warn_not(void **state)
{
    (void)state;
    const char *names[] = {"cambodia-2017", "cambodia-tb", "reform-close-rehab",
                           "reform-decriminalise-2018", "reform-legal-aid-bail",
                           "reform-pretrial-limits", "reform-release-10000-2020"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/scenarios/%s.yaml", CARCER_SOURCE_DIR, names[i]);
        cc_diag d;
        cc_diag_init(&d);
        cc_scenario *s = NULL;
        assert_int_equal(cc_scenario_load_file(path, NULL, 0, &d, &s), 0);
        if (d.kept) {
            char *m = cc_diag_format(&d, 0);
            fail_msg("%s warns: %s", names[i], m);
        }
        cc_scenario_free(s);
        cc_diag_clear(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policy_after_the_end),
        cmocka_unit_test(facility_nothing_reaches),
        cmocka_unit_test(share_for_one_population_only),
        cmocka_unit_test(dates_after_the_end),
        cmocka_unit_test(prior_far_too_wide),
        cmocka_unit_test(cambodian_defaults_elsewhere),
        cmocka_unit_test(shipped_scenarios_warn_not),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
