/* test_disease.c - the disease module against theory and at extreme
 * parameters, driven only through disease.h on hand-built scenarios: one
 * facility, people put into cells with cc_disease_enter, an infection
 * seeded with cc_disease_infect, days stepped until extinction.
 *
 * Tolerances come from the replicates' own spread (k standard errors).
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

#include "disease.h"
#include "disease_spec.h"
#include "metrics.h"
#include "pathogen.h"
#include "rng.h"

/* A one-facility scenario of capacity `cap` in `cells` cells. */
typedef struct world {
    cc_scenario s;
    cc_facility fac;
    int32_t from0;
    double cap0;
} world;

static cc_pathogen *pathogen_text(const char *text)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_pathogen *p = NULL;
    int rc = cc_pathogen_load_text(text, strlen(text), "test-pathogen", &d, &p);
    for (int i = 0; i < d.kept; i++) {
        char *m = cc_diag_format(&d, i);
        print_error("%s\n", m);
        free(m);
    }
    cc_diag_clear(&d);
    assert_int_equal(rc, 0);
    return p;
}

static cc_pathogen *pathogen_ref(const char *ref)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_pathogen *p = NULL;
    assert_int_equal(cc_pathogen_load(ref, NULL, &d, &p), 0);
    cc_diag_clear(&d);
    return p;
}

static world *world_new(double cap, int32_t cells, int32_t days, cc_pathogen *p)
{
    world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    snprintf(w->fac.name, sizeof w->fac.name, "F");
    w->fac.type = CC_FAC_PRISON;
    w->fac.sex = CC_SEX_ANY;
    w->cap0 = cap;
    w->fac.capacity = (cc_schedule){1, &w->from0, &w->cap0};
    w->fac.cells = cells;
    snprintf(w->s.name, sizeof w->s.name, "test");
    snprintf(w->s.file, sizeof w->s.file, "<test>");
    w->s.days = days;
    w->s.nfacilities = 1;
    w->s.facility = &w->fac;
    cc_disease_spec *sp = calloc(1, sizeof *sp);
    assert_non_null(sp);
    cc_disease_spec_defaults(sp, p);
    w->s.disease = sp;
    return w;
}

static void world_free(world *w)
{
    cc_disease_spec_destroy(w->s.disease);
    free(w);
}

static cc_stream_id who_of(int64_t i)
{
    return cc_stream(CC_RK_PERSON_INITIAL, 0, (uint32_t)i, 0, 0);
}

/* Fill cell 0.. with n people of age `age` (spread over the cells). */
static cc_disease *start(world *w, uint32_t rep, int64_t n, double age)
{
    cc_disease *d = NULL;
    cc_diag dg;
    cc_diag_init(&dg);
    assert_int_equal(cc_disease_create(&w->s, 7, rep, &dg, &d), 0);
    cc_diag_clear(&dg);
    assert_non_null(d);
    for (int64_t i = 0; i < n; i++)
        cc_disease_enter(d, i, who_of(i), 0, (int)(i % w->fac.cells), 0, false, true, age, false,
                         false);
    return d;
}

static double metric(cc_disease *d, const char *key)
{
    cc_metrics m = {0};
    assert_int_equal(cc_disease_metrics(d, &m), 0);
    long i = cc_metrics_find(&m, key);
    assert_true(i >= 0);
    double v = m.m[i].value;
    cc_metrics_free(&m);
    return v;
}

/* Step until no one is infected (or the horizon); returns days run. */
static int32_t run(cc_disease *d, int32_t from, int32_t days, int64_t *deaths_out)
{
    int64_t *dead = NULL;
    size_t nd = 0, cap = 0;
    int32_t t;
    for (t = from; t < days; t++) {
        nd = 0;
        assert_int_equal(cc_disease_step(d, t, &dead, &nd, &cap), 0);
        for (size_t i = 0; i < nd; i++)
            cc_disease_leave(d, dead[i], 0, t, CC_LEAVE_DIED);
        if (deaths_out)
            *deaths_out += (int64_t)nd;
        cc_disease_counts c;
        cc_disease_counts_get(d, -1, &c);
        if (c.active_infections == 0 && t > from)
            break;
    }
    free(dead);
    return t;
}

static const char *SIR =
    "name: sir\nentry: infectious\ntransmission: {r0_at_capacity: 2.0}\n"
    "states:\n  infectious: {infectiousness: 1, duration: {dist: gamma, mean: 5, sd: 2},\n"
    "               next: [{to: recovered, p: 1}]}\n";

/* Final size of a closed well-mixed cell at design capacity: the attack
 * rate z of a major outbreak solves z = 1 - exp(-R0 z). */
static void final_size(void **state)
{
    (void)state;
    const int N = 1000, REPS = 40;
    const double R0 = 2.0;
    double z = 0.5;
    for (int i = 0; i < 200; i++)
        z = 1 - exp(-R0 * z);
    double sum = 0, sum2 = 0;
    int major = 0;
    for (int rep = 0; rep < REPS; rep++) {
        world *w = world_new(N, 1, 2000, pathogen_text(SIR));
        cc_disease *d = start(w, (uint32_t)rep, N, 30);
        assert_int_equal(cc_disease_infect(d, 0, 0), 0);
        run(d, 0, 2000, NULL);
        double a = metric(d, "infections.detainees") / (N - 1);
        if (a > 0.2) {
            major++;
            sum += a;
            sum2 += a * a;
        }
        cc_disease_free(d);
        world_free(w);
    }
    assert_true(major >= REPS / 3);
    double mean = sum / major, sd = sqrt(fmax(sum2 / major - mean * mean, 0));
    print_message("final size: mean %.4f (sd %.4f, %d major) vs theory %.4f\n", mean, sd, major,
                  z);
    assert_true(fabs(mean - z) < 4 * sd / sqrt(major) + 0.01);
}

/* Crowding: with the same prevalence, g = 0 multiplies the per-susceptible
 * force by occupancy (5x); g = 1 leaves it unchanged. */
static double day0_rate(double g, int n, int seeds)
{
    const int C = 100, REPS = 300;
    double inf = 0, sus = 0;
    for (int rep = 0; rep < REPS; rep++) {
        world *w = world_new(C, 1, 5, pathogen_text(SIR));
        w->s.disease->r0_given = false;
        w->s.disease->beta_cell = 0.5;
        w->s.disease->crowding_exponent = g;
        cc_disease *d = start(w, (uint32_t)rep, n, 30);
        for (int i = 0; i < seeds; i++)
            cc_disease_infect(d, i, 0);
        int64_t *dead = NULL;
        size_t nd = 0, cap = 0;
        cc_disease_step(d, 0, &dead, &nd, &cap);
        free(dead);
        cc_disease_counts c;
        cc_disease_counts_get(d, 0, &c);
        inf += (double)c.new_infections;
        sus += n - seeds;
        cc_disease_free(d);
        world_free(w);
    }
    return inf / sus;
}

static void crowding(void **state)
{
    (void)state;
    /* expected per-susceptible daily probabilities: 1 - exp(-0.5 I / (C^(1-g) N^g)) */
    double g0_low = day0_rate(0, 100, 1), g0_high = day0_rate(0, 500, 5);
    double g1_low = day0_rate(1, 100, 1), g1_high = day0_rate(1, 500, 5);
    print_message("g=0: %.5f -> %.5f (x%.2f); g=1: %.5f -> %.5f (x%.2f)\n", g0_low, g0_high,
                  g0_high / g0_low, g1_low, g1_high, g1_high / g1_low);
    double e_low = -expm1(-0.5 / 100), e_high = -expm1(-0.5 * 5 / 100);
    assert_true(fabs(g0_high / e_high - 1) < 0.05);
    assert_true(fabs(g0_low / e_low - 1) < 0.15);
    assert_true(g0_high / g0_low > 4.0 && g0_high / g0_low < 6.0);
    assert_true(g1_high / g1_low > 0.75 && g1_high / g1_low < 1.3);
}

/* r0_at_capacity gives back R0 from the first generation: the index case
 * is infectious for 5 days; its contacts are latent for 10, so every
 * infection of days 0-4 is the index case's. */
static void r0_conversion(void **state)
{
    (void)state;
    const char *seir =
        "name: seir\nentry: latent\ntransmission: {r0_at_capacity: 3.0}\n"
        "states:\n"
        "  latent: {duration: {dist: fixed, value: 10}, next: [{to: infectious, p: 1}]}\n"
        "  infectious: {infectiousness: 1, duration: {dist: fixed, value: 5},\n"
        "               next: [{to: recovered, p: 1}]}\n";
    const int C = 200, REPS = 300;
    double sum = 0, sum2 = 0, used = 0;
    for (int rep = 0; rep < REPS; rep++) {
        world *w = world_new(C, 1, 30, pathogen_text(seir));
        cc_disease *d = start(w, (uint32_t)rep, C, 30);
        assert_int_equal(cc_disease_infect(d, 0, 0), 0);
        int64_t *dead = NULL;
        size_t nd = 0, cap = 0;
        for (int32_t t = 0; t < 10; t++)
            cc_disease_step(d, t, &dead, &nd, &cap);
        double before = metric(d, "infections.detainees");
        assert_true(before == 0); /* the index case is still latent */
        /* infectious from the progression of day 10: transmits on days 11-15 */
        for (int32_t t = 10; t < 16; t++)
            cc_disease_step(d, t, &dead, &nd, &cap);
        free(dead);
        double k = metric(d, "infections.detainees");
        used = cc_disease_beta_cell_used(d);
        sum += k;
        sum2 += k * k;
        cc_disease_free(d);
        world_free(w);
    }
    double mean = sum / REPS, sd = sqrt(sum2 / REPS - mean * mean);
    /* beta = R0 C / (D (C - 1)), D = 5 */
    assert_true(fabs(used - 3.0 * C / (5.0 * (C - 1))) < 1e-12);
    /* exact expectation (C - 1)(1 - exp(-beta D / C)) is 1% below the linear R0 */
    double expect = (C - 1) * -expm1(-used * 5 / C);
    print_message("R0 measured %.3f (sd %.3f) vs %.3f (linear 3.0)\n", mean, sd, expect);
    assert_true(fabs(mean - expect) < 4 * sd / sqrt(REPS));
    assert_true(fabs(mean - 3.0) < 0.1 * 3.0);
}

static void beta_zero(void **state)
{
    (void)state;
    world *w = world_new(50, 1, 200, pathogen_ref("covid19"));
    w->s.disease->r0_given = false;
    w->s.disease->beta_cell = 0;
    w->s.disease->beta_facility = 0;
    w->s.disease->beta_staff = 0;
    cc_disease *d = start(w, 1, 200, 30);
    assert_int_equal(cc_disease_infect(d, 0, 0), 0);
    run(d, 0, 200, NULL);
    assert_true(metric(d, "infections.detainees") == 0);
    assert_true(metric(d, "infections.imported") == 1);
    cc_disease_free(d);
    world_free(w);
}

/* fatality 0 -> no deaths (care factor 0); with the factor 1 old people die */
static void fatality_zero(void **state)
{
    (void)state;
    for (int f = 0; f < 2; f++) {
        world *w = world_new(100, 1, 365, pathogen_ref("covid19"));
        w->s.disease->care_lacking_fatality_factor = f;
        cc_disease *d = start(w, 3, 300, 85);
        assert_int_equal(cc_disease_infect(d, 0, 0), 0);
        int64_t deaths = 0;
        run(d, 0, 365, &deaths);
        double inf = metric(d, "infections.detainees");
        assert_true(inf > 100);
        if (f == 0)
            assert_true(deaths == 0);
        else
            assert_true(deaths > 0);
        assert_true(metric(d, "deaths_disease.by_age.65+") == (double)deaths);
        cc_disease_free(d);
        world_free(w);
    }
}

/* a vaccine with efficacy 1 given to everyone stops all transmission */
static void perfect_vaccine(void **state)
{
    (void)state;
    world *w = world_new(100, 1, 200, pathogen_ref("covid19"));
    cc_disease_spec *sp = w->s.disease;
    sp->vaccination.w = (cc_measure_window){true, 0, INT32_MAX};
    assert_int_equal(cc_disease_schedule_constant(&sp->vaccination.doses_per_day, 1e6), 0);
    sp->vaccination.efficacy_infection = 1;
    sp->vaccination.efficacy_severe = 1;
    cc_disease *d = start(w, 1, 300, 30);
    assert_int_equal(cc_disease_infect(d, 0, 0), 0);
    run(d, 0, 200, NULL);
    assert_true(metric(d, "infections.detainees") == 0);
    assert_true(metric(d, "disease.vaccinations") == 300);
    cc_disease_free(d);
    world_free(w);
}

/* Intake quarantine longer than incubation plus infection keeps the
 * infection out of the general cells when admissions are the only source
 * (held apart: a room of very large design capacity). */
static double admissions_outbreak(bool quarantine)
{
    world *w = world_new(100, 1, 120, pathogen_ref("covid19"));
    cc_disease_spec *sp = w->s.disease;
    sp->beta_facility = 0;
    sp->beta_staff = 0;
    static int32_t from0 = 0;
    static double prev = 0.3;
    sp->community_prevalence = (cc_schedule){1, NULL, NULL};
    sp->community_prevalence.from = malloc(sizeof(int32_t));
    sp->community_prevalence.value = malloc(sizeof(double));
    sp->community_prevalence.from[0] = from0;
    sp->community_prevalence.value[0] = prev;
    if (quarantine) {
        sp->quarantine.w = (cc_measure_window){true, 0, INT32_MAX};
        assert_int_equal(cc_disease_schedule_constant(&sp->quarantine.days, 40), 0);
        sp->quarantine.capacity = 1e9;
    }
    cc_disease *d = start(w, 5, 100, 30);
    int64_t next = 100, *dead = NULL;
    size_t nd = 0, cap = 0;
    for (int32_t t = 0; t < 60; t++) {
        for (int i = 0; i < 2; i++, next++)
            cc_disease_enter(d, next, who_of(next), 0, 0, t, true, false, 30, false, false);
        cc_disease_step(d, t, &dead, &nd, &cap);
    }
    free(dead);
    double imported = metric(d, "infections.imported");
    assert_true(imported > 10);
    double in_custody = metric(d, "infections.detainees");
    cc_disease_free(d);
    world_free(w);
    return in_custody;
}

static void quarantine_keeps_out(void **state)
{
    (void)state;
    double with = admissions_outbreak(true), without = admissions_outbreak(false);
    print_message("infections in custody: %g with quarantine, %g without\n", with, without);
    assert_true(with == 0);
    assert_true(without > 10);
}

/* Same seed, same numbers; a leave/enter round trip keeps the counts. */
static void deterministic(void **state)
{
    (void)state;
    double a[2];
    for (int k = 0; k < 2; k++) {
        world *w = world_new(50, 2, 100, pathogen_ref("influenza"));
        cc_disease *d = start(w, 9, 150, 40);
        cc_disease_infect(d, 3, 0);
        run(d, 0, 100, NULL);
        a[k] = metric(d, "infections.detainees");
        cc_disease_free(d);
        world_free(w);
    }
    assert_true(a[0] == a[1]);
    assert_true(a[0] > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(final_size),         cmocka_unit_test(crowding),
        cmocka_unit_test(r0_conversion),      cmocka_unit_test(beta_zero),
        cmocka_unit_test(fatality_zero),      cmocka_unit_test(perfect_vaccine),
        cmocka_unit_test(quarantine_keeps_out), cmocka_unit_test(deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
