/* test_theory.c - the justice engine against queueing and renewal theory.
 *
 * 1. Little's law (L = lambda W) on a stationary pipeline: first arrests
 *    at a constant rate lambda, all prosecuted, 2 days of police custody,
 *    pretrial detention of mean W, acquittal, nobody re-arrested or dead.
 *    Every stage is an M/G/infinity queue, so after a warm-up the mean
 *    population of the prisons is lambda W and of the police station
 *    lambda x 2. The time average over T days of an M/G/infinity population
 *    has variance ~ lambda E[S^2] / T (the integral of its autocovariance
 *    lambda E[(S - t)+] over all lags), which gives the tolerance (4 SD).
 * 2. The same pipeline started from its stationary stock: the initial
 *    detainees' remaining times are drawn from the residual law (dist.h), so
 *    the population stays at lambda W from day 0, with no dip while the
 *    stock drains. (Drawing remaining times as uniform fractions of plain
 *    stays would shorten them by about half here: a dip of ~20%.)
 * 3. A stock with no arrivals drains in the mean residual time
 *    E[L^2] / (2 E[L]): the person-days it accumulates, divided by its
 *    size, estimate that mean.
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

/* a stationary pipeline; %d/%s placeholders: days, arrests per day, the
 * pretrial duration, the initial status, the police station's and the
 * first prison's initial populations */
static const char *const PIPELINE =
    "name: little\n"
    "start: 2017-01-01\n"
    "days: %d\n"
    "seed: 3\n"
    "offenses: {use: {drug: true, violent: false, felony: false}}\n"
    "people: {female: 0, poor: 1, risk: 0, with_child: 0, age: {dist: lognormal, median: 30, "
    "p90: 48}}\n"
    "arrests: {per_day: %d, mix: {use: 1}, rearrest: {per_year: 0, halving_years: 2}}\n"
    "direct_admissions: {rehab_per_day: 0}\n"
    "routing: {default: {release: 0, rehab: 0, prosecute: 1}, bribe: {default: 0}}\n"
    "police: {days: {default: {dist: fixed, value: 2}}}\n"
    "pretrial: {bail: 0, duration: {default: %s}, legal_limit_days: {misdemeanour: 36000, "
    "felony: 36000}, enforce_legal_limit: false, legal_aid: {coverage: 0, duration_factor: 1, "
    "conviction_factor: 1}}\n"
    "trial: {conviction: 0, sentence: {default: {dist: fixed, value: 100}}, appeal: 0, "
    "appeal_duration: {default: {dist: fixed, value: 100}}}\n"
    "rehab: {duration: {dist: fixed, value: 180}, excess_deaths_per_1000_per_year: 0}\n"
    "mortality: {per_1000_per_year_at_30: 0, doubling_years: 8, crowding_per_1000_per_year: 0}\n"
    "initial: {status: {%s}, offense: {use: 1}}\n"
    "placement: {cell_fill: random, transfer_above_occupancy: 0, transfer_max_per_day: 0}\n"
    "facilities:\n"
    "  - {name: Police, type: police, sex: any, capacity: 500, cells: 5, population: %d}\n"
    "  - {name: P1, type: prison, sex: any, capacity: 3000, cells: 30, population: %d, "
    "intake_share: 2}\n"
    "  - {name: P2, type: prison, sex: any, capacity: 3000, cells: 30, population: 0, "
    "intake_share: 1}\n";

static cc_scenario *load_pipeline(int days, int lambda, const char *duration, int population,
                                  const char *status)
{
    /* the police station starts with its stationary stock too: 2 lambda */
    char *text = cc_asprintf(PIPELINE, days, lambda, duration, status,
                             population > 0 ? 2 * lambda : 0, population);
    cc_scenario *s = tu_load(text);
    free(text);
    return s;
}


/* mean over days [from, to) of the population of facility f (-1: prisons) */
static double mean_population(const cc_sim *sim, int f, int32_t from, int32_t to)
{
    int nf = sim->s->nfacilities;
    double sum = 0;
    for (int32_t d = from; d < to; d++) {
        const cc_ts_row *row = &cc_sim_rows(sim)[(size_t)d * (size_t)(nf + 1)];
        if (f >= 0)
            sum += (double)row[f].v[CC_TS_population];
        else
            sum += (double)(row[1].v[CC_TS_population] + row[2].v[CC_TS_population]);
    }
    return sum / (to - from);
}

static void assert_little(double got, double lambda, double mean, double ex2, double days,
                          const char *what)
{
    double want = lambda * mean, sd = sqrt(lambda * ex2 / days);
    if (fabs(got - want) > 4 * sd)
        fail_msg("%s: mean population %g, Little's law %g (sd %g)", what, got, want, sd);
}

/* gamma with mean 30, sd 10: E[S^2] = 1000; warm-up 100 days (> mean + 6 sd) */
static void test_little_cold_start(void **state)
{
    (void)state;
    cc_scenario *s = load_pipeline(400, 200, "{dist: gamma, mean: 30, sd: 10}", 0,
                                   "pretrial: 1");
    cc_sim *sim = tu_sim_run(s, 0);
    assert_little(mean_population(sim, -1, 100, 400), 200, 30, 1000, 300, "prisons");
    assert_little(mean_population(sim, 0, 100, 400), 200, 2, 4, 300, "police");
    /* intake shares 2:1 between the prisons: admissions split accordingly */
    double a1 = 0, a2 = 0;
    for (int32_t d = 0; d < 400; d++) {
        a1 += (double)cc_sim_rows(sim)[(size_t)d * 4 + 1].v[CC_TS_admissions];
        a2 += (double)cc_sim_rows(sim)[(size_t)d * 4 + 2].v[CC_TS_admissions];
    }
    double n = a1 + a2, p = 2.0 / 3;
    assert_true(fabs(a1 / n - p) < 4 * sqrt(p * (1 - p) / n));
    cc_sim_free(sim);
    cc_scenario_free(s);
}

/* lognormal median 20, p90 60 (dispersed: the residual matters), started
 * from the stationary stock lambda W in P1 */
static void test_little_stationary_start(void **state)
{
    (void)state;
    const int lambda = 1000;
    cc_scenario *probe = load_pipeline(60, lambda, "{dist: lognormal, median: 20, p90: 60}", 0,
                                       "pretrial: 1");
    const cc_dist *d = &probe->pretrial_days.d[0];
    double mean = d->mean, ex2 = exp(2 * d->a + 2 * d->b * d->b);
    cc_scenario_free(probe);
    int stock = (int)lround(lambda * mean);
    cc_scenario *s = load_pipeline(60, lambda, "{dist: lognormal, median: 20, p90: 60}", stock,
                                   "pretrial: 1");
    cc_sim *sim = tu_sim_run(s, 0);
    /* police custody fills in 2 days; count the prisons from day 0 */
    assert_little(mean_population(sim, -1, 0, 60), lambda, mean, ex2, 60, "prisons from day 0");
    assert_little(mean_population(sim, -1, 40, 60), lambda, mean, ex2, 20, "prisons, days 40-59");
    cc_sim_free(sim);
    cc_scenario_free(s);
}

/* a sentenced stock of 20,000, sentences uniform on [200, 400] days, no
 * arrivals: total person-days / stock = mean residual
 * (a^2 + ab + b^2) / (3 (a + b)) (uniform: E[L^2] / (2 E[L])), within 4 SE;
 * the residual of a uniform [a, b] has variance E[L^3]/(3E[L]) - mean^2 */
static void test_stock_drains_in_residual_time(void **state)
{
    (void)state;
    char *text = cc_asprintf(PIPELINE, 500, 0, "{dist: fixed, value: 10}",
                             "pretrial: 0, appeal: 0, sentenced: 1", 0, 20000);
    char *t2 = strstr(text, "sentence: {default: {dist: fixed, value: 100}}");
    assert_non_null(t2);
    char *fixed = cc_asprintf("%.*ssentence: {default: {dist: uniform, min: 200, max: 400}}%s",
                              (int)(t2 - text), text,
                              t2 + strlen("sentence: {default: {dist: fixed, value: 100}}"));
    cc_scenario *s = tu_load(fixed);
    free(text);
    free(fixed);
    cc_sim *sim = tu_sim_run(s, 0);
    double days = mean_population(sim, -1, 0, 500) * 500;
    double a = 200, b = 400, n = 20000;
    double mean = (a * a + a * b + b * b) / (3 * (a + b));
    double el3 = (pow(b, 4) - pow(a, 4)) / (4 * (b - a)), el = (a + b) / 2;
    double sd = sqrt(el3 / (3 * el) - mean * mean);
    /* whole days: each person is counted on `left` days, uniform on
     * {0..k-1} for a whole stay k, i.e. half a day less than the continuous
     * residual on average */
    double want = mean - 0.5;
    if (fabs(days / n - want) > 4 * sd / sqrt(n))
        fail_msg("mean residual %g, theory %g (se %g)", days / n, want, sd / sqrt(n));
    assert_int_equal(cc_sim_rows(sim)[(size_t)499 * 4 + 3].v[CC_TS_population], 0);
    cc_sim_free(sim);
    cc_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_little_cold_start),
        cmocka_unit_test(test_little_stationary_start),
        cmocka_unit_test(test_stock_drains_in_residual_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
