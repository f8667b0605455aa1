/* test_prior.c - uncertain inputs: priors' quantiles and densities, the Latin
 * hypercube of a run's draws, a replicate's scenario loaded again with its
 * values (against the same scenario written with those numbers), the
 * resolved scenario's round trip, --set with priors, and the split of a
 * result's variance into inputs and chance (against cases where one part is
 * known to be zero, and against synthetic data with known parts).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carcer/carcer.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "api_internal.h"
#include "draws.h"
#include "prior.h"
#include "scenario.h"
#include "sim.h"
#include "testutil.h"
#include "util.h"

/* A small scenario; PER_DAY, BAIL, MEDIAN and COST are replaced by numbers
 * or priors. */
static const char *const base_yaml =
    "name: priors\n"
    "start: 2020-01-01\n"
    "days: 120\n"
    "seed: 5\n"
    "offenses:\n"
    "  drug_use: {drug: true, violent: false, felony: false}\n"
    "  other: {drug: false, violent: false, felony: false}\n"
    "arrests:\n"
    "  per_day: PER_DAY\n"
    "  mix: {drug_use: 0.5, other: 0.5}\n"
    "pretrial:\n"
    "  bail: {default: BAIL, other: 0.1}\n"
    "  duration: {default: {dist: lognormal, median: MEDIAN, p90: 300}}\n"
    "costs:\n"
    "  per_day: {pretrial: COST}\n"
    "facilities:\n"
    "  - {name: P1, type: prison, sex: any, capacity: 500, cells: 10, population: 300}\n";

static char *replace(const char *text, const char *const *from, const char *const *to, int n)
{
    char *t = cc_strdup(text);
    for (int i = 0; i < n; i++) {
        char *at = strstr(t, from[i]);
        assert_non_null(at);
        char *u = cc_asprintf("%.*s%s%s", (int)(at - t), t, to[i], at + strlen(from[i]));
        free(t);
        t = u;
    }
    return t;
}

static const char *const keys[] = {"PER_DAY", "BAIL", "MEDIAN", "COST"};

static char *with(const char *per_day, const char *bail, const char *median, const char *cost)
{
    const char *to[] = {per_day, bail, median, cost};
    return replace(base_yaml, keys, to, 4);
}

/* ---- distributions ------------------------------------------------------ */

static cc_prior prior_of(const char *yaml_value)
{
    char *t = with(yaml_value, "0.2", "60", "1");
    cc_scenario *s = tu_load(t);
    free(t);
    assert_int_equal(cc_inputs_count(s), 1);
    cc_prior p = cc_inputs_get(s, 0)->prior;
    cc_scenario_free(s);
    return p;
}

/* Each prior's density integrates to 1 over its support, its quantile
 * function inverts its CDF (the density integrated up to the quantile), and
 * its mean and median are the analytic ones. Midpoint rule on 200,000
 * quantile points: errors well below the tolerances. */
static void quantiles_and_densities(void **state)
{
    (void)state;
    struct {
        const char *yaml;
        double mean, median;
    } cases[] = {
        {"{prior: uniform, min: 4, max: 10}", 7, 7},
        {"{prior: loguniform, min: 1, max: 100}", 99 / log(100.0), 10},
        {"{prior: normal, mean: 10, sd: 2, min: 0, max: 20}", 10, 10},
        /* truncated to [8, inf): mean = mu + sd phi(a)/(1 - Phi(a)), a = -1 */
        {"{prior: normal, mean: 10, sd: 2, min: 8, max: 1000}", 10 + 2 * 0.24197072451914337 / 0.8413447460685429,
         NAN},
        {"{prior: lognormal, median: 20, p90: 40}", NAN, 20},
        {"{prior: beta, mean: 0.3, sd: 0.1}", 0.3, NAN},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cc_prior p = prior_of(cases[c].yaml);
        const int n = 200000;
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += cc_prior_quantile(&p, (i + 0.5) / n);
        double mean = sum / n;
        if (!isnan(cases[c].mean))
            assert_true(fabs(mean - cases[c].mean) < 2e-3 * fabs(cases[c].mean));
        if (!isnan(cases[c].median))
            assert_true(fabs(cc_prior_median(&p) - cases[c].median) < 1e-6 * cases[c].median);
        /* the density integrates to the probabilities of the quantiles */
        double q10 = cc_prior_quantile(&p, 0.1), q90 = cc_prior_quantile(&p, 0.9);
        double mass = 0, h = (q90 - q10) / 20000;
        for (int i = 0; i < 20000; i++)
            mass += exp(cc_prior_logpdf(&p, q10 + (i + 0.5) * h)) * h;
        assert_true(fabs(mass - 0.8) < 1e-4);
        assert_true(isinf(cc_prior_logpdf(&p, p.lo - 1)));
    }
    /* lognormal: p90 where it was written */
    cc_prior ln = prior_of("{prior: lognormal, median: 20, p90: 40}");
    assert_true(fabs(cc_prior_quantile(&ln, 0.9) - 40) < 1e-6);
}

/* ---- draws -------------------------------------------------------------- */

/* Every input visits each of its k strata exactly once; the draws do not
 * depend on the other inputs (adding one leaves the others' draws as
 * they were); and two seeds give two designs. */
static void latin_hypercube(void **state)
{
    (void)state;
    char *t = with("{prior: uniform, min: 0, max: 20}", "{prior: uniform, min: 0, max: 1}", "60",
                   "{prior: uniform, min: 5, max: 15}");
    cc_scenario *s = tu_load(t);
    free(t);
    assert_int_equal(cc_inputs_count(s), 3);
    const int k = 40;
    double *v = malloc(sizeof *v * k * 3);
    assert_int_equal(cc_inputs_lhs(s, 7, k, v), 0);
    double lo[3] = {0, 0, 5}, width[3] = {20, 1, 10};
    for (int j = 0; j < 3; j++) {
        int seen[40] = {0};
        for (int m = 0; m < k; m++) {
            int stratum = (int)floor((v[m * 3 + j] - lo[j]) / width[j] * k);
            assert_true(stratum >= 0 && stratum < k);
            seen[stratum]++;
        }
        for (int m = 0; m < k; m++)
            assert_int_equal(seen[m], 1);
    }
    /* the same scenario without the bail prior: the other inputs draw the same */
    char *t2 = with("{prior: uniform, min: 0, max: 20}", "0.2", "60",
                    "{prior: uniform, min: 5, max: 15}");
    cc_scenario *s2 = tu_load(t2);
    free(t2);
    double *w = malloc(sizeof *w * k * 2);
    assert_int_equal(cc_inputs_lhs(s2, 7, k, w), 0);
    for (int m = 0; m < k; m++) {
        assert_true(v[m * 3 + 0] == w[m * 2 + 0]);
        assert_true(v[m * 3 + 2] == w[m * 2 + 1]);
    }
    assert_int_equal(cc_inputs_lhs(s2, 8, k, w), 0);
    assert_true(v[0] != w[0]);
    /* a run's replicates come in pairs that share their draw */
    double *d = NULL;
    int n = 0;
    assert_int_equal(cc_draws_make(s, 7, 7, &d, &n, NULL), 0);
    assert_int_equal(n, 3);
    for (int j = 0; j < 3; j++) {
        assert_true(d[0 * 3 + j] == d[1 * 3 + j]);
        assert_true(d[4 * 3 + j] == d[5 * 3 + j]);
        assert_true(d[0 * 3 + j] != d[2 * 3 + j]);
    }
    free(d);
    free(v);
    free(w);
    cc_scenario_free(s);
    cc_scenario_free(s2);
}

/* ---- a replicate's scenario --------------------------------------------- */

/* The scenario loaded again with values equals the scenario written with
 * those numbers: the same resolved text, and a replicate of each runs the
 * same rows and metrics. The per-offense class that follows the default
 * (drug_use) takes the value; the one given its own (other) keeps it. */
static void instantiate_equals_written(void **state)
{
    (void)state;
    char *t = with("{prior: uniform, min: 8, max: 12}", "{prior: beta, mean: 0.2, sd: 0.05}",
                   "{prior: lognormal, median: 60, p90: 90}", "{prior: uniform, min: 1, max: 3}");
    cc_scenario *s = tu_load(t);
    free(t);
    assert_int_equal(cc_inputs_count(s), 4);
    assert_string_equal(cc_inputs_get(s, 0)->path, "arrests.per_day");
    assert_string_equal(cc_inputs_get(s, 1)->path, "pretrial.bail.default");
    assert_string_equal(cc_inputs_get(s, 2)->path, "pretrial.duration.default.median");
    assert_string_equal(cc_inputs_get(s, 3)->path, "costs.per_day.pretrial");
    const double values[4] = {11.25, 0.3125, 75.5, 2.5};
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *inst = NULL;
    assert_int_equal(cc_inputs_instantiate(s, values, &d, &inst), 0);
    assert_int_equal(cc_inputs_count(inst), 0);
    assert_true(inst->bail.v[0] == 0.3125 && inst->bail.v[1] == 0.1);
    char *w = with("11.25", "0.3125", "75.5", "2.5");
    cc_scenario *written = tu_load(w);
    free(w);
    char *a = cc_scenario_resolved_yaml(inst), *b = cc_scenario_resolved_yaml(written);
    assert_string_equal(a, b);
    free(a);
    free(b);
    cc_sim *x = tu_sim_run(inst, 3), *y = tu_sim_run(written, 3);
    tu_assert_same_run(x, y, "instantiated vs written");
    cc_sim_free(x);
    cc_sim_free(y);
    /* a value that breaks the key's bounds is refused with a message */
    const double bad[4] = {11, 1.5, 60, 2};
    cc_scenario *no = NULL;
    assert_int_not_equal(cc_inputs_instantiate(s, bad, &d, &no), 0);
    assert_null(no);
    assert_true(d.kept > 0);
    assert_non_null(strstr(d.entry[0].path, "pretrial.bail.default"));
    cc_diag_clear(&d);
    cc_scenario_free(inst);
    cc_scenario_free(written);
    cc_scenario_free(s);
}

/* The resolved scenario prints the priors back (the class that follows a
 * per-offense default without a value of its own) and loads to the same. */
static void resolved_round_trip(void **state)
{
    (void)state;
    char *t = with("[{from: 2020-01-01, value: 9}, {from: 2020-02-01, value: {prior: uniform, min: "
                   "8, max: 12}}]",
                   "{prior: beta, alpha: 2, beta: 8}",
                   "{prior: normal, mean: 60, sd: 5, min: 30, max: 90}", "1");
    cc_scenario *s = tu_load(t);
    free(t);
    assert_int_equal(cc_inputs_count(s), 3);
    assert_string_equal(cc_inputs_get(s, 0)->path, "arrests.per_day[1].value");
    char *r1 = cc_scenario_resolved_yaml(s);
    assert_non_null(strstr(r1, "prior: beta"));
    assert_non_null(strstr(r1, "prior: normal"));
    assert_non_null(strstr(r1, "prior: uniform"));
    cc_scenario *s2 = tu_load(r1);
    assert_int_equal(cc_inputs_count(s2), 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(cc_inputs_get(s, i)->path, cc_inputs_get(s2, i)->path);
    char *r2 = cc_scenario_resolved_yaml(s2);
    assert_string_equal(r1, r2);
    free(r1);
    free(r2);
    cc_scenario_free(s);
    cc_scenario_free(s2);
}

/* --set gives a number a prior, or fixes an uncertain input to a value. */
static void set_priors(void **state)
{
    (void)state;
    char *t = with("{prior: uniform, min: 8, max: 12}", "0.2", "60", "1");
    const char *sets[] = {"pretrial.bail.default={prior: uniform, min: 0, max: 0.5}",
                          "arrests.per_day=10"};
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    assert_int_equal(cc_scenario_load_text(t, strlen(t), "t.yaml", sets, 2, &d, &s), 0);
    assert_int_equal(cc_inputs_count(s), 1);
    assert_string_equal(cc_inputs_get(s, 0)->path, "pretrial.bail.default");
    assert_true(cc_schedule_at(&s->arrests_per_day, 0) == 10);
    cc_scenario_free(s);
    cc_diag_clear(&d); /* the base's warning (an offense mix for arrivals only) */
    /* a bad prior in a --set is reported against the --set */
    const char *bad[] = {"pretrial.bail.default={prior: uniform, min: 0, max: 2}"};
    assert_int_not_equal(cc_scenario_load_text(t, strlen(t), "t.yaml", bad, 1, &d, &s), 0);
    assert_true(d.kept == 1);
    assert_string_equal(d.entry[0].file, "--set");
    assert_int_equal(d.entry[0].line, 1);
    cc_diag_clear(&d);
    free(t);
}

/* ---- the variance split ------------------------------------------------- */

/* Synthetic pairs y = theta_m + e with sd(theta) = 3 and sd(e) = 2 over
 * M = 20,000 pairs: each estimate's relative standard error is about 1%
 * (chi-square with M degrees of freedom), so 5% is a safe bound. */
static void split_of_known_parts(void **state)
{
    (void)state;
    const int M = 20000;
    double *y = malloc(sizeof *y * 2 * M);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    for (int m = 0; m < M; m++) {
        double theta = 3 * gsl_ran_ugaussian(r);
        y[2 * m] = theta + 2 * gsl_ran_ugaussian(r);
        y[2 * m + 1] = theta + 2 * gsl_ran_ugaussian(r);
    }
    double si, sc;
    cc_variance_split(y, 2 * M, &si, &sc);
    assert_true(fabs(si - 3) < 0.15);
    assert_true(fabs(sc - 2) < 0.1);
    /* no chance: the pairs agree */
    for (int m = 0; m < M; m++)
        y[2 * m + 1] = y[2 * m];
    cc_variance_split(y, 2 * M, &si, &sc);
    assert_true(sc == 0);
    gsl_rng_free(r);
    free(y);
}

static double summary_part(const char *dir, const char *key, const char *part)
{
    char *path = cc_asprintf("%s/summary.json", dir);
    char *text = tu_read_file(path, NULL);
    free(path);
    assert_non_null(text);
    char *at = strstr(text, key);
    assert_non_null(at);
    char *p = strstr(at, part);
    assert_non_null(p);
    double v = strtod(strchr(p, ':') + 1, NULL); /* "part": v */
    free(text);
    return v;
}

/* Without chance: no arrivals, and a stock whose sentences outlast the run
 * (no deaths; a release from a stationary stock of 1000-year sentences has a
 * chance of 80 * 10 / 365,000 per replicate, and one would move a cost by a
 * few units in 5,000), so person-days are fixed and the cost's only source
 * of variance is the prior on the cost per day: sd_chance near 0 and
 * sd_inputs the prior's sd times the person-days, within the sampling error
 * of 20 pairs (relative sd of an sd from 20 values ~ 16%; a Latin
 * hypercube does better). Without priors: sd_inputs 0. */
static void split_in_runs(void **state)
{
    (void)state;
    const char *yaml =
        "name: fixed\nstart: 2020-01-01\ndays: 10\nseed: 1\n"
        "offenses:\n  other: {drug: false, violent: false, felony: false}\n"
        "arrests: {per_day: 0, mix: {other: 1}}\n"
        "trial: {sentence: {dist: fixed, value: 1000, unit: years}}\n"
        "mortality: {per_1000_per_year_at_30: 0}\n"
        "initial: {status: {pretrial: 0, appeal: 0, sentenced: 1}}\n"
        "costs: {per_day: {sentenced: {prior: uniform, min: 1, max: 3}}}\n"
        "facilities:\n  - {name: P, type: prison, sex: any, capacity: 100, cells: 2, "
        "population: 80}\n";
    carcer_scenario *sc = tu_load_public(yaml, "t.yaml");
    carcer_run_options o = carcer_run_options_default();
    o.replicates = 40;
    carcer_results *res = NULL;
    carcer_diag *d = carcer_diag_new();
    assert_int_equal(carcer_run(sc, &o, d, &res), CARCER_OK);
    char *dir = tu_tmpdir();
    assert_int_equal(carcer_results_write(res, dir, d), CARCER_OK);
    double days = 80.0 * 10;
    double sdc = summary_part(dir, "\"cost\"", "\"sd_chance\"");
    double sdi = summary_part(dir, "\"cost\"", "\"sd_inputs\"");
    assert_true(sdc < 1e-3 * sdi);
    double expect = days * 2 / sqrt(12.0);
    assert_true(fabs(sdi - expect) < 0.35 * expect);
    carcer_results_free(res);
    carcer_scenario_free(sc);
    /* the same without the prior */
    char *fixed = replace(yaml, (const char *const[]){"{prior: uniform, min: 1, max: 3}"},
                          (const char *const[]){"2"}, 1);
    sc = tu_load_public(fixed, "t.yaml");
    free(fixed);
    assert_int_equal(carcer_run(sc, &o, d, &res), CARCER_OK);
    assert_int_equal(carcer_results_write(res, dir, d), CARCER_OK);
    assert_true(summary_part(dir, "\"arrests\"", "\"sd_inputs\"") == 0);
    carcer_results_free(res);
    carcer_scenario_free(sc);
    carcer_diag_free(d);
    free(dir);
}

/* The same bytes of summary.json and replicates.csv on 1 and 2 threads. */
static void threads_do_not_matter(void **state)
{
    (void)state;
    char *t = with("{prior: uniform, min: 8, max: 12}", "{prior: beta, mean: 0.2, sd: 0.05}",
                   "{prior: lognormal, median: 60, p90: 90}", "1");
    char *files[2][2];
    for (int th = 1; th <= 2; th++) {
        carcer_scenario *sc = tu_load_public(t, "t.yaml");
        carcer_run_options o = carcer_run_options_default();
        o.replicates = 8;
        o.threads = th;
        carcer_results *res = NULL;
        carcer_diag *d = carcer_diag_new();
        assert_int_equal(carcer_run(sc, &o, d, &res), CARCER_OK);
        char *dir = tu_tmpdir();
        assert_int_equal(carcer_results_write(res, dir, d), CARCER_OK);
        char *p1 = cc_asprintf("%s/summary.json", dir), *p2 = cc_asprintf("%s/replicates.csv", dir);
        files[th - 1][0] = tu_read_file(p1, NULL);
        files[th - 1][1] = tu_read_file(p2, NULL);
        free(p1);
        free(p2);
        free(dir);
        carcer_results_free(res);
        carcer_scenario_free(sc);
        carcer_diag_free(d);
    }
    assert_non_null(strstr(files[0][1], "input:pretrial.bail.default"));
    for (int f = 0; f < 2; f++) {
        assert_string_equal(files[0][f], files[1][f]);
        free(files[0][f]);
        free(files[1][f]);
    }
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles_and_densities),
        cmocka_unit_test(latin_hypercube),
        cmocka_unit_test(instantiate_equals_written),
        cmocka_unit_test(resolved_round_trip),
        cmocka_unit_test(set_priors),
        cmocka_unit_test(split_of_known_parts),
        cmocka_unit_test(split_in_runs),
        cmocka_unit_test(threads_do_not_matter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
