/* test_reforms.c - the shipped reform scenarios load (each includes the
 * default and adds its policies) and, compared with the default through
 * carcer_compare (paired replicates), do what they say.
 *
 * Margins: with common random numbers the paired differences of these
 * metrics vary by a few percent of their size between replicates (see
 * tests/test_compare.c), so asserting each effect at a fraction of its
 * expected size, or an exact count where the policy fixes one, cannot fail
 * by chance.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <carcer/carcer.h>

enum { NREFORMS = 5, REPLICATES = 2 };

static const char *const files[NREFORMS + 1] = {
    "scenarios/cambodia-2017.yaml",          "scenarios/reform-decriminalise-2018.yaml",
    "scenarios/reform-release-10000-2020.yaml", "scenarios/reform-pretrial-limits.yaml",
    "scenarios/reform-close-rehab.yaml",      "scenarios/reform-legal-aid-bail.yaml"};

typedef struct fixture {
    carcer_scenario *sc[NREFORMS + 1];
    carcer_comparison *cmp;
} fixture;

/* mean over replicates of scenario i */
static double mean(const fixture *fx, int i, const char *key)
{
    const carcer_results *r = carcer_comparison_results(fx->cmp, i);
    double s = 0;
    for (int k = 0; k < REPLICATES; k++) {
        double v = carcer_results_metric(r, key, k);
        if (isnan(v))
            fail_msg("metric %s missing in %s", key, files[i]);
        s += v;
    }
    return s / REPLICATES;
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    carcer_diag *diag = carcer_diag_new();
    for (int i = 0; i <= NREFORMS; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", CARCER_SOURCE_DIR, files[i]);
        if (carcer_scenario_load(path, NULL, 0, diag, &fx->sc[i]) != CARCER_OK) {
            for (int k = 0; k < carcer_diag_count(diag); k++)
                print_error("%s\n", carcer_diag_message(diag, k));
            fail_msg("%s does not load", files[i]);
        }
    }
    carcer_run_options opt = carcer_run_options_default();
    opt.replicates = REPLICATES;
    assert_int_equal(carcer_compare((const carcer_scenario *const *)fx->sc, NREFORMS + 1, &opt,
                                    diag, &fx->cmp),
                     CARCER_OK);
    carcer_diag_free(diag);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    carcer_comparison_free(fx->cmp);
    for (int i = 0; i <= NREFORMS; i++)
        carcer_scenario_free(fx->sc[i]);
    free(fx);
    return 0;
}

/* Decriminalised use: people arrested for use go to community services from
 * 2018, so custody for use falls by more than half (2018-2021 of 2017-2021)
 * and referrals appear. */
static void decriminalise(void **state)
{
    fixture *fx = *state;
    double base = mean(fx, 0, "person_years.by_offense.drug_use");
    double ref = mean(fx, 1, "person_years.by_offense.drug_use");
    printf("drug-use person-years: %.0f -> %.0f\n", base, ref);
    assert_true(ref < 0.6 * base);
    assert_true(mean(fx, 1, "community_referrals") > 10000);
    assert_true(mean(fx, 1, "community_days") == 90 * mean(fx, 1, "community_referrals"));
    assert_true(mean(fx, 0, "community_referrals") == 0);
}

/* 10,000 released in May 2020, exactly, and the stock of 2021 is lower. */
static void release_10000(void **state)
{
    fixture *fx = *state;
    assert_true(mean(fx, 2, "policy_releases") == 10000);
    /* nothing changes before the release */
    assert_true(mean(fx, 2, "at.2020-04-02.prison_population") ==
                mean(fx, 0, "at.2020-04-02.prison_population"));
    double base = mean(fx, 0, "at.2021-12-31.prison_population");
    double ref = mean(fx, 2, "at.2021-12-31.prison_population");
    printf("prisoners end 2021: %.0f -> %.0f\n", base, ref);
    assert_true(ref < base - 1000);
}

/* Enforced limits: violations only before 2018 (cases started in 2017). */
static void pretrial_limits(void **state)
{
    fixture *fx = *state;
    double base = mean(fx, 0, "pretrial_limit_violations");
    double ref = mean(fx, 3, "pretrial_limit_violations");
    printf("pretrial limit violations: %.0f -> %.0f\n", base, ref);
    assert_true(ref < 0.4 * base);
    assert_true(mean(fx, 3, "person_years.by_state.bail") > 0);
}

/* Closed rehab: far fewer admissions, and community referrals instead. */
static void close_rehab(void **state)
{
    fixture *fx = *state;
    double base = mean(fx, 0, "person_years.by_state.rehab");
    double ref = mean(fx, 4, "person_years.by_state.rehab");
    printf("rehab person-years: %.0f -> %.0f\n", base, ref);
    /* 2017 runs as before: about a fifth of the five years */
    assert_true(ref < 0.35 * base);
    assert_true(mean(fx, 4, "community_referrals") > 10000);
}

/* Legal aid and bail: people wait for trial at home, pretrial detention
 * falls. */
static void legal_aid_bail(void **state)
{
    fixture *fx = *state;
    assert_true(mean(fx, 0, "person_years.by_state.bail") == 0);
    assert_true(mean(fx, 5, "person_years.by_state.bail") > 500);
    double base = mean(fx, 0, "person_years.by_state.pretrial");
    double ref = mean(fx, 5, "person_years.by_state.pretrial");
    printf("pretrial person-years: %.0f -> %.0f\n", base, ref);
    assert_true(ref < 0.9 * base);
}

/* Every reform costs less than the campaign as it was, and the paired
 * difference of the baseline with itself is zero. */
static void costs(void **state)
{
    fixture *fx = *state;
    double base = mean(fx, 0, "cost");
    for (int i = 1; i <= NREFORMS; i++)
        assert_true(mean(fx, i, "cost") < base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decriminalise), cmocka_unit_test(release_10000),
        cmocka_unit_test(pretrial_limits), cmocka_unit_test(close_rehab),
        cmocka_unit_test(legal_aid_bail), cmocka_unit_test(costs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
