/* test_targets.c - the `targets:` list: evaluation against values computed
 * here from a replicate's own rows and metrics (a date, a mean over days, a
 * sum over a facility type, a ratio, summary keys, a facility), the last day
 * a run needs (and that stopping there changes no target), targets beyond a
 * shortened run, the printed-back list, errors, the summary keys a run
 * writes all being accepted, and targets.csv written by a run.
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
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include <carcer/carcer.h>

#include "metrics.h"
#include "sim.h"
#include "targets.h"
#include "testutil.h"
#include "util.h"

/* Two prisons and a rehab centre, 60 days, arrests enough that the rows
 * move from day to day. */
#define BASE                                                                                 \
    "name: targets test\n"                                                                   \
    "start: 2017-01-01\n"                                                                    \
    "days: 60\n"                                                                             \
    "seed: 3\n"                                                                              \
    "report_dates: [2017-01-10, 2017-02-15]\n"                                               \
    "offenses: {drug_use: {drug: true}, other: {}}\n"                                        \
    "arrests: {per_day: 20, mix: {drug_use: 0.5, other: 0.5}}\n"                             \
    "routing: {default: {release: 0.1, rehab: 0.2, prosecute: 0.7}}\n"                       \
    "facilities:\n"                                                                          \
    "  - {name: A, type: prison, sex: any, capacity: 100, cells: 4, population: 80, "       \
    "intake_share: 0.7}\n"                                                                   \
    "  - {name: B, type: prison, sex: any, capacity: 50, cells: 2, population: 40, "        \
    "intake_share: 0.3}\n"                                                                   \
    "  - {name: R, type: rehab, sex: any, capacity: 30, cells: 1, population: 10}\n"

static const char *const targets_yaml =
    BASE "targets:\n"
         "  - {name: pop_a, column: population, facility: A, date: 2017-01-20, value: 90, "
         "sd: 5, source: test}\n"
         "  - {name: occ_mean, column: occupancy, from: 2017-01-05, until: 2017-01-25, value: 1, "
         "tolerance: 0.1, source: test}\n"
         "  - {name: adm_sum, column: admissions, type: prison, from: 2017-01-01, until: "
         "2017-01-31, stat: sum, value: 300, sd: 30, weight: 2, source: \"a, quoted \\\"one\\\"\"}\n"
         "  - {name: growth, summary: prison_growth, value: 0.1, sd: 0.05, source: test}\n"
         "  - {name: stock, summary: at.2017-02-15.prison_population, value: 130, sd: 10, "
         "source: test}\n"
         "  - name: share_a\n"
         "    ratio:\n"
         "      - {column: population, facility: A, date: 2017-02-01}\n"
         "      - {column: population, type: prison, date: 2017-02-01}\n"
         "    value: 0.6\n"
         "    sd: 0.05\n"
         "    source: test\n"
         "  - {name: over_zero, ratio: [{summary: arrests}, {summary: bribes}], value: 1, sd: 1, "
         "source: test}\n"
         "  - {name: occ_peak_b, summary: occupancy.B.peak, value: 1, sd: 0.1, source: test}\n";

enum { NT = 8 };

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, expected %.17g within %g", got, want, tol);
}

static const cc_ts_row *row_of(const cc_scenario *s, const cc_ts_row *rows, int32_t d, int f)
{
    return &rows[(size_t)d * (size_t)(s->nfacilities + 1) + (size_t)f];
}

static double metric(const cc_metrics *m, const char *key)
{
    long i = cc_metrics_find(m, key);
    if (i < 0)
        fail_msg("metric %s missing", key);
    return m->m[i].value;
}

static void test_eval_by_hand(void **state)
{
    (void)state;
    cc_scenario *s = tu_load(targets_yaml);
    assert_int_equal(cc_targets_count(s), NT);
    cc_sim *sim = tu_sim_run(s, 0);
    const cc_ts_row *rows = cc_sim_rows(sim);
    cc_metrics m = {0};
    assert_int_equal(cc_sim_metrics(sim, &m), 0);
    double v[NT];
    assert_int_equal(cc_targets_eval(s, rows, s->days, &m, v), 0);

    /* facilities: A = 0, B = 1, R = 2, ALL = 3 */
    /* pop_a: A's population at the end of 20 Jan (day 19) */
    assert_true(v[0] == (double)row_of(s, rows, 19, 0)->v[CC_TS_population]);
    /* occ_mean: the system's population over its capacity, mean of days 4..24 */
    double occ = 0;
    for (int32_t d = 4; d <= 24; d++) {
        const cc_ts_row *r = row_of(s, rows, d, 3);
        occ += (double)r->v[CC_TS_population] / r->capacity;
    }
    assert_near(v[1], occ / 21.0, 1e-12);
    /* the system's capacity is 180, and it is the figure read */
    assert_near(row_of(s, rows, 4, 3)->capacity, 180.0, 0);
    /* adm_sum: admissions to the prisons A and B over January, summed */
    double adm = 0;
    for (int32_t d = 0; d <= 30; d++)
        adm += (double)(row_of(s, rows, d, 0)->v[CC_TS_admissions] +
                        row_of(s, rows, d, 1)->v[CC_TS_admissions]);
    assert_true(v[2] == adm);
    assert_true(adm > 100); /* ~20 a day, 70% prosecuted: the sum is not trivial */
    /* summary keys: the metrics' own values */
    assert_true(v[3] == metric(&m, "prison_growth"));
    assert_true(v[4] == metric(&m, "at.2017-02-15.prison_population"));
    assert_true(v[7] == metric(&m, "occupancy.B.peak"));
    /* the stock on 15 Feb is A + B on day 45 */
    assert_true(v[4] == (double)(row_of(s, rows, 45, 0)->v[CC_TS_population] +
                                 row_of(s, rows, 45, 1)->v[CC_TS_population]));
    /* share_a: A over A + B on 1 Feb (day 31) */
    double a = (double)row_of(s, rows, 31, 0)->v[CC_TS_population];
    double b = (double)row_of(s, rows, 31, 1)->v[CC_TS_population];
    assert_near(v[5], a / (a + b), 1e-15);
    assert_true(v[5] > 0.3 && v[5] < 0.9);
    /* over_zero: nobody bribes (no bribe probability), so arrests / 0 is NaN */
    assert_true(metric(&m, "bribes") == 0);
    assert_true(isnan(v[6]));

    /* the accessors */
    assert_string_equal(cc_targets_name(s, 2), "adm_sum");
    assert_true(cc_targets_observed(s, 2) == 300);
    assert_true(cc_targets_scale(s, 2) == 30);
    assert_true(cc_targets_scale_is_sd(s, 2));
    assert_false(cc_targets_scale_is_sd(s, 1));
    assert_true(cc_targets_scale(s, 1) == 0.1);
    assert_true(cc_targets_weight(s, 2) == 2);
    assert_true(cc_targets_weight(s, 0) == 1);
    assert_string_equal(cc_targets_source(s, 2), "a, quoted \"one\"");
    for (int i = 0; i < NT; i++)
        assert_true(cc_targets_in_run(s, i));

    /* rows that stop before a target's day: -1, that target NaN, others kept */
    assert_int_equal(cc_targets_eval(s, rows, 20, &m, v), -1);
    assert_true(isnan(v[1]) && isnan(v[2]) && isnan(v[5]));
    assert_true(v[0] == (double)row_of(s, rows, 19, 0)->v[CC_TS_population]);
    cc_metrics_free(&m);
    cc_sim_free(sim);
    cc_scenario_free(s);
}

/* The targets of the text `list` appended to BASE, with days = `days`. */
static cc_scenario *with_targets(const char *list, int days)
{
    char *text = cc_asprintf("%s", BASE);
    char *p = strstr(text, "days: 60");
    assert_non_null(p);
    char *out = cc_asprintf("%.*sdays: %d%s%s", (int)(p - text), text, days, p + 8, list);
    free(text);
    cc_scenario *s = tu_load(out);
    free(out);
    return s;
}

static void test_last_day(void **state)
{
    (void)state;
    cc_scenario *s = tu_load(BASE);
    assert_int_equal(cc_targets_count(s), 0);
    assert_int_equal(cc_targets_last_day(s), -1);
    cc_scenario_free(s);

    /* dated stocks and columns: the latest day read */
    s = with_targets("targets:\n"
                     "  - {name: a, summary: at.2017-01-10.drug_share, value: 0.5, sd: 0.1, "
                     "source: x}\n"
                     "  - {name: b, column: releases, from: 2017-01-03, until: 2017-01-08, "
                     "value: 1, sd: 1, source: x}\n",
                     60);
    assert_int_equal(cc_targets_last_day(s), 9);
    cc_scenario_free(s);
    /* a ratio reads its later figure */
    s = with_targets("targets:\n"
                     "  - {name: a, ratio: [{column: population, date: 2017-01-02}, "
                     "{summary: at.2017-02-15.prison_population}], value: 1, sd: 1, "
                     "source: x}\n",
                     60);
    assert_int_equal(cc_targets_last_day(s), 45);
    cc_scenario_free(s);
    /* a yearly sum: the year's last day, or the run's last day in its last year */
    s = with_targets("targets:\n"
                     "  - {name: a, summary: arrests_drug.2017, value: 1, sd: 1, source: x}\n",
                     400);
    assert_int_equal(cc_targets_last_day(s), 364);
    cc_scenario_free(s);
    s = with_targets("targets:\n"
                     "  - {name: a, summary: rehab_admissions.2018, value: 1, sd: 1, source: x}\n",
                     400);
    assert_int_equal(cc_targets_last_day(s), 399);
    cc_scenario_free(s);
    /* any other summary key reads the whole run */
    s = with_targets("targets:\n"
                     "  - {name: a, summary: at.2017-01-10.drug_share, value: 1, sd: 1, source: x}\n"
                     "  - {name: b, summary: deaths.other, value: 1, sd: 1, source: x}\n",
                     60);
    assert_int_equal(cc_targets_last_day(s), 59);
    cc_scenario_free(s);
}

/* A run stopped after the last day gives every target the bits of a full run. */
static void test_early_stop_exact(void **state)
{
    (void)state;
    cc_scenario *s = with_targets(
        "targets:\n"
        "  - {name: a, summary: at.2017-01-10.drug_share, value: 0.5, sd: 0.1, source: x}\n"
        "  - {name: b, summary: at.2017-02-15.population.B, value: 1, sd: 1, source: x}\n"
        "  - {name: c, summary: arrests_drug.2017, value: 1, sd: 1, source: x}\n"
        "  - {name: d, summary: deaths_other.2017, value: 1, sd: 1, source: x}\n"
        "  - {name: e, column: occupancy, type: prison, from: 2017-03-01, until: 2017-03-31, "
        "value: 1, sd: 1, source: x}\n"
        "  - {name: f, summary: at.2017-02-15.drug_arrests_since_start, value: 1, sd: 1, "
        "source: x}\n",
        500);
    int32_t last = cc_targets_last_day(s);
    assert_int_equal(last, 364);
    double full[6], early[6];
    cc_sim *sim = tu_sim_run(s, 1);
    cc_metrics m = {0};
    assert_int_equal(cc_sim_metrics(sim, &m), 0);
    assert_int_equal(cc_targets_eval(s, cc_sim_rows(sim), s->days, &m, full), 0);
    cc_metrics_free(&m);
    cc_sim_free(sim);

    sim = tu_sim_start(s, 1);
    cc_diag d;
    cc_diag_init(&d);
    while (cc_sim_day(sim) <= last)
        assert_int_equal(cc_sim_step(sim, &d), 0);
    assert_int_equal(cc_sim_day(sim), 365);
    assert_int_equal(cc_sim_metrics(sim, &m), 0);
    assert_int_equal(cc_targets_eval(s, cc_sim_rows(sim), cc_sim_day(sim), &m, early), 0);
    assert_memory_equal(full, early, sizeof full);
    assert_true(full[2] > 1000); /* a year of drug arrests, ~10 a day */
    cc_metrics_free(&m);
    cc_sim_free(sim);
    cc_diag_clear(&d);
    cc_scenario_free(s);
}

/* A run shortened with --set days keeps the targets past its end, unmeasured. */
static void test_beyond_shortened_run(void **state)
{
    (void)state;
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    const char *sets[] = {"days=20"};
    assert_int_equal(
        cc_scenario_load_text(targets_yaml, strlen(targets_yaml), "t.yaml", sets, 1, &d, &s), 0);
    assert_int_equal(cc_targets_count(s), NT);
    /* pop_a reads day 19 (in), occ_mean until day 24, adm_sum until 30, the
     * report date of 15 Feb and share_a on 1 Feb: beyond; whole-run keys in */
    const bool in[NT] = {true, false, false, true, false, false, true, true};
    for (int i = 0; i < NT; i++)
        assert_int_equal(cc_targets_in_run(s, i), in[i]);
    assert_int_equal(cc_targets_last_day(s), 19);
    cc_sim *sim = tu_sim_run(s, 0);
    cc_metrics m = {0};
    assert_int_equal(cc_sim_metrics(sim, &m), 0);
    double v[NT];
    assert_int_equal(cc_targets_eval(s, cc_sim_rows(sim), s->days, &m, v), 0);
    for (int i = 0; i < NT; i++)
        if (!in[i])
            assert_true(isnan(v[i]));
    assert_true(v[0] == (double)row_of(s, cc_sim_rows(sim), 19, 0)->v[CC_TS_population]);
    assert_true(v[3] == metric(&m, "prison_growth"));
    cc_metrics_free(&m);
    cc_sim_free(sim);
    cc_scenario_free(s);
    cc_diag_clear(&d);
}

static void test_round_trip(void **state)
{
    (void)state;
    cc_scenario *s = tu_load(targets_yaml);
    char *r1 = cc_scenario_resolved_yaml(s);
    assert_non_null(r1);
    assert_non_null(strstr(r1, "\ntargets:\n"));
    assert_non_null(strstr(r1, "stat: sum"));
    assert_non_null(strstr(r1, "type: prison"));
    assert_non_null(strstr(r1, "tolerance: 0.1"));
    cc_scenario *s2 = tu_load(r1);
    char *r2 = cc_scenario_resolved_yaml(s2);
    assert_string_equal(r1, r2);
    assert_int_equal(cc_targets_count(s2), NT);
    assert_string_equal(cc_targets_source(s2, 2), "a, quoted \"one\"");
    /* the defaults are written out: stat mean, facility ALL, weight 1 */
    assert_non_null(strstr(r1, "stat: mean"));
    assert_non_null(strstr(r1, "facility: ALL"));
    assert_non_null(strstr(r1, "weight: 1\n"));
    free(r1);
    free(r2);
    cc_scenario_free(s);
    cc_scenario_free(s2);
}

/* Errors that the bad corpus does not hold, each with its position. */
static void test_errors(void **state)
{
    (void)state;
    const struct {
        const char *entry, *want;
    } cases[] = {
        {"{name: t, column: population, from: 2017-01-05, until: 2017-01-02, value: 1, sd: 1, "
         "source: x}",
         "t.yaml:14:60: targets[0].until: expected `until` on or after `from` (2017-01-05)"},
        {"{name: t, column: population, date: 2017-01-05, stat: sum, value: 1, sd: 1, source: x}",
         "t.yaml:14:59: targets[0].stat: expected `stat` only with `from`/`until`"},
        {"{name: t, column: population, summary: arrests, date: 2017-01-05, value: 1, sd: 1, "
         "source: x}",
         "t.yaml:14:44: targets[0].summary: expected `column` or `summary`, got both"},
        {"{name: t, summary: arrests, facility: A, value: 1, sd: 1, source: x}",
         "t.yaml:14:43: targets[0].facility: expected no `facility` with `summary`"},
        {"{name: t, column: population, facility: A, type: prison, date: 2017-01-05, value: 1, "
         "sd: 1, source: x}",
         "t.yaml:14:45: targets[0].facility: expected `facility` or `type`, got both"},
        {"{name: t, column: population, value: 1, sd: 1, source: x}",
         "t.yaml:14:5: targets[0]: expected the day read"},
        {"{name: t, value: 1, sd: 1, source: x}", "t.yaml:14:5: targets[0]: expected what is "
                                                  "measured"},
        {"{name: t, summary: arrests_drug.2016, value: 1, sd: 1, source: x}",
         "t.yaml:14:24: targets[0].summary: expected a year from the start (2017) on"},
        {"{name: t, summary: at.2017-01-10.population.Z, value: 1, sd: 1, source: x}",
         "t.yaml:14:24: targets[0].summary: expected a facility of the scenario after "
         "at.DATE.population., got 'Z'"},
        {"{name: t, summary: at.2017-01-10.prisoners, value: 1, sd: 1, source: x}",
         "t.yaml:14:24: targets[0].summary: expected at.DATE. followed by"},
        {"{name: t, summary: attack_rate.A.staff, value: 1, sd: 1, source: x}",
         "t.yaml:14:24: targets[0].summary: expected a summary.json key that a run"},
        {"{name: t, summary: occupancy.Z.peak, value: 1, sd: 1, source: x}",
         "t.yaml:14:24: targets[0].summary: expected a summary.json key that a run"},
        {"{name: t, summary: arrests, value: 1, sd: -2, source: x}",
         "t.yaml:14:47: targets[0].sd: expected a number"},
        {"{name: t, summary: arrests, value: 1, sd: 1, weight: -1, source: x}",
         "t.yaml:14:58: targets[0].weight: expected a number"},
        {"{name: t, ratio: [{summary: arrests}, {column: populaton, date: 2017-01-02}], value: 1, "
         "sd: 1, source: x}",
         "t.yaml:14:52: targets[0].ratio[1].column: expected population"},
        {"{name: t, ratio: [{summary: arrests}, {summary: bribes}], summary: arrests, value: 1, "
         "sd: 1, source: x}",
         "t.yaml:14:72: targets[0].summary: expected no `summary` beside `ratio`"},
        {"{name: t, summary: arrests, value: 1, sd: 1, source: x, colour: red}",
         "t.yaml:14:61: targets[0].colour: "},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = cc_asprintf("%stargets:\n  - %s\n", BASE, cases[i].entry);
        char *errs = tu_load_errors(text, "t.yaml");
        if (strncmp(errs, cases[i].want, strlen(cases[i].want)) != 0) {
            print_error("case %zu: expected \"%s\", got \"%s\"\n", i, cases[i].want, errs);
            bad++;
        }
        /* one error each: nothing spurious */
        const char *nl = strchr(errs, '\n');
        if (nl && nl[1]) {
            print_error("case %zu: more than one error: %s\n", i, errs);
            bad++;
        }
        free(errs);
        free(text);
    }
    assert_int_equal(bad, 0);
}

/* Every key a run writes is accepted as a summary target: the default
 * scenario (scenario_text, laid under the targets by `include: default`)
 * over 400 days has a disease, yearly series of two years and report dates
 * of the first year. */
static void accept_every_key(const char *scenario_text, const char *const *sets, int nsets)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    assert_int_equal(cc_scenario_load_text(scenario_text, strlen(scenario_text), "s.yaml", sets,
                                           nsets, &d, &s),
                     0);
    cc_sim *sim = tu_sim_run(s, 0);
    cc_metrics m = {0};
    assert_int_equal(cc_sim_metrics(sim, &m), 0);
    cc_sim_free(sim);
    assert_true(m.n > 40);
    cc_buf b = {0};
    cc_buf_printf(&b, "include: default\ntargets:\n");
    for (size_t i = 0; i < m.n; i++)
        cc_buf_printf(&b, "  - {name: k%zu, summary: \"%s\", value: 0, sd: 1, source: run}\n", i,
                      m.m[i].key);
    cc_scenario *with = NULL;
    int rc = cc_scenario_load_text(b.data, b.len, "<targets>", sets, nsets, &d, &with);
    if (rc != 0)
        fail_msg("%d keys of a run refused, first: %s", d.count,
                 d.kept ? cc_diag_format(&d, 0) : "?");
    assert_int_equal(cc_targets_count(with), (int)m.n);
    cc_scenario_free(with);
    cc_buf_free(&b);
    cc_metrics_free(&m);
    cc_scenario_free(s);
    cc_diag_clear(&d);
}

static void test_every_run_key_accepted(void **state)
{
    (void)state;
    size_t len;
    const char *def = cc_scenario_default_text(&len);
    assert_non_null(def);
    const char *sets[] = {"days=400"};
    accept_every_key(def, sets, 1);
}

/* targets.csv of a run of 5 replicates: its columns, one row per target, and
 * statistics equal to those of the replicates' own values. */
static void test_targets_csv(void **state)
{
    (void)state;
    enum { K = 5 };
    carcer_scenario *sc = tu_load_public(targets_yaml, "t.yaml");
    carcer_diag *diag = carcer_diag_new();
    carcer_run_options opt = carcer_run_options_default();
    opt.replicates = K;
    opt.threads = 2;
    carcer_results *res = NULL;
    assert_int_equal(carcer_run(sc, &opt, diag, &res), CARCER_OK);
    char *dir = tu_tmpdir();
    assert_int_equal(carcer_results_write(res, dir, diag), CARCER_OK);
    char *path = cc_asprintf("%s/targets.csv", dir);
    size_t len;
    char *csv = tu_read_file(path, &len);
    assert_non_null(csv);

    /* the replicates' own values */
    cc_scenario *s = tu_load(targets_yaml);
    double v[K][NT];
    for (int r = 0; r < K; r++) {
        cc_sim *sim = tu_sim_run(s, (uint32_t)r);
        cc_metrics m = {0};
        assert_int_equal(cc_sim_metrics(sim, &m), 0);
        cc_targets_eval(s, cc_sim_rows(sim), s->days, &m, v[r]);
        cc_metrics_free(&m);
        cc_sim_free(sim);
    }

    const char *line = csv;
    const char *header = "target,observed,scale_kind,scale,weight,replicates,mean,sd,q05,q50,"
                         "q95,source\n";
    assert_memory_equal(line, header, strlen(header));
    line += strlen(header);
    int rows = 0;
    for (; *line; rows++) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        char name[64];
        double obs, scale, weight, mean, sd, q05, q50, q95;
        char kind[16];
        int n, used = 0;
        int got = sscanf(line, "%63[^,],%lf,%15[^,],%lf,%lf,%d,%lf,%lf,%lf,%lf,%lf,%n", name, &obs,
                         kind, &scale, &weight, &n, &mean, &sd, &q05, &q50, &q95, &used);
        int i = rows;
        assert_string_equal(name, cc_targets_name(s, i));
        assert_true(obs == cc_targets_observed(s, i));
        if (i == 6) {
            /* over_zero: NaN in every replicate, so no statistics */
            assert_int_equal(got, 6);
            assert_int_equal(n, 0);
            assert_non_null(strstr(line, ",0,,,,,,test\n"));
        } else {
            assert_int_equal(got, 11);
            assert_int_equal(n, K);
            assert_string_equal(kind, cc_targets_scale_is_sd(s, i) ? "sd" : "tolerance");
            assert_true(weight == cc_targets_weight(s, i));
            double x[K], sum = 0;
            for (int r = 0; r < K; r++) {
                x[r] = v[r][i];
                sum += x[r];
            }
            /* written with the shortest text that reads back the same double */
            assert_near(mean, sum / K, 1e-12 * fabs(sum / K));
            gsl_sort(x, 1, K);
            assert_true(q50 == x[2]); /* the median of 5 */
            assert_true(q05 >= x[0] && q95 <= x[K - 1] && q05 <= q50 && q50 <= q95);
            assert_near(sd, gsl_stats_sd(x, 1, K), 1e-9 * (sd + 1e-300));
        }
        line = end + 1;
    }
    assert_int_equal(rows, NT);
    /* a source with a comma and quotes is one quoted field */
    assert_non_null(strstr(csv, ",\"a, quoted \"\"one\"\"\"\n"));
    /* and at least one target moves between replicates (else the check of
     * the statistics above would be empty) */
    assert_true(v[0][0] != v[1][0] || v[0][0] != v[2][0] || v[0][0] != v[3][0]);

    free(csv);
    free(path);
    free(dir);
    cc_scenario_free(s);
    carcer_results_free(res);
    carcer_diag_free(diag);
    carcer_scenario_free(sc);
}

/* No targets: no targets.csv. */
static void test_no_targets_no_file(void **state)
{
    (void)state;
    carcer_scenario *sc = tu_load_public(BASE, "t.yaml");
    carcer_diag *diag = carcer_diag_new();
    carcer_results *res = NULL;
    assert_int_equal(carcer_run(sc, NULL, diag, &res), CARCER_OK);
    char *dir = tu_tmpdir();
    assert_int_equal(carcer_results_write(res, dir, diag), CARCER_OK);
    char *path = cc_asprintf("%s/targets.csv", dir), *sum = cc_asprintf("%s/summary.json", dir);
    FILE *f = fopen(path, "r");
    assert_null(f);
    f = fopen(sum, "r");
    assert_non_null(f);
    fclose(f);
    free(path);
    free(sum);
    free(dir);
    carcer_results_free(res);
    carcer_diag_free(diag);
    carcer_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_by_hand),       cmocka_unit_test(test_last_day),
        cmocka_unit_test(test_early_stop_exact),   cmocka_unit_test(test_beyond_shortened_run),
        cmocka_unit_test(test_round_trip),         cmocka_unit_test(test_errors),
        cmocka_unit_test(test_every_run_key_accepted), cmocka_unit_test(test_targets_csv),
        cmocka_unit_test(test_no_targets_no_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
