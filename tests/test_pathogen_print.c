/* test_pathogen_print.c - a pathogen printed back (cc_pathogen_print, the
 * form the resolved scenario inlines) reads back to the same pathogen, field
 * for field, for every shipped pathogen and for one that uses every form of
 * a probability (a number, `rest`, a default with age bands and a risk
 * factor, bands without a default) and a waning recovery; and a scenario
 * whose pathogen is a file resolves to a text that names no file and loads
 * back to the same text. */
#define _POSIX_C_SOURCE 200809L
#include <libfyaml.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "disease_spec.h"
#include "pathogen.h"
#include "scenario.h"
#include "testutil.h"
#include "util.h"

static void fail_with(cc_diag *d, const char *what)
{
    for (int i = 0; i < d->kept; i++) {
        char *m = cc_diag_format(d, i);
        print_error("%s: %s\n", what, m);
        free(m);
    }
    fail_msg("%s does not load", what);
}

/* p printed into a document, emitted and parsed again (as the resolved
 * scenario is), then loaded from that node. */
static cc_pathogen *print_and_read(const cc_pathogen *p)
{
    struct fy_document *doc = fy_document_create(NULL);
    assert_non_null(doc);
    struct fy_node *n = cc_pathogen_print(doc, p);
    assert_non_null(n);
    fy_document_set_root(doc, n);
    char *text = fy_emit_document_to_string(doc, FYECF_MODE_FLOW_ONELINE);
    assert_non_null(text);
    fy_document_destroy(doc);
    cc_diag d;
    cc_diag_init(&d);
    cc_pathogen *q = NULL;
    if (cc_pathogen_load_text(text, strlen(text), "printed", &d, &q) != 0) {
        print_error("%s\n", text);
        fail_with(&d, "the printed pathogen");
    }
    free(text);
    cc_diag_clear(&d);
    return q;
}

/* Every field that loading fills, compared (file names aside). */
static void assert_same_pathogen(const cc_pathogen *a, const cc_pathogen *b)
{
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->nstates, b->nstates);
    assert_int_equal(a->entry, b->entry);
    assert_int_equal(a->susceptible, b->susceptible);
    assert_int_equal(a->recovered, b->recovered);
    assert_int_equal(a->dead, b->dead);
    assert_memory_equal(a->state, b->state, sizeof a->state);
    assert_true(a->beta_cell == b->beta_cell);
    assert_true(a->r0_at_capacity == b->r0_at_capacity);
    assert_true(a->beta_facility == b->beta_facility);
    assert_true(a->beta_staff == b->beta_staff);
    assert_true(a->crowding_exponent == b->crowding_exponent);
    assert_true(a->infectious_days == b->infectious_days);
    assert_true(a->infected_days == b->infected_days);
}

static void shipped_round_trip(void **state)
{
    (void)state;
    const char *names[] = {"covid19", "influenza", "tuberculosis"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cc_diag d;
        cc_diag_init(&d);
        cc_pathogen *p = NULL;
        if (cc_pathogen_load(names[i], NULL, &d, &p) != 0)
            fail_with(&d, names[i]);
        cc_pathogen *q = print_and_read(p);
        assert_same_pathogen(p, q);
        cc_pathogen_free(p);
        cc_pathogen_free(q);
    }
}

static const char every_form[] =
    "name: \"odd: name\"\n"
    "entry: a\n"
    "transmission: {beta_cell: 0.123456789012345678, beta_facility: 0.01, beta_staff: 0}\n"
    "states:\n"
    "  a:\n"
    "    infectiousness: 0.3\n"
    "    duration: {dist: lognormal, median: 0.5, p90: 0.7, unit: months}\n"
    "    next:\n"
    "      - {to: b, p: {default: 0.25, age: {\"0-17\": 0.1, \"65+\": 0.5}, risk_factor: 1.5}}\n"
    "      - {to: dead, p: {age: {\"0-49\": 0.01, \"50+\": 0.02}}}\n"
    "      - {to: recovered, p: rest}\n"
    "  b:\n"
    "    infectiousness: 1\n"
    "    symptomatic: true\n"
    "    hospital: true\n"
    "    detectable: false\n"
    "    duration: {dist: uniform, min: 1, max: 4}\n"
    "    next: [{to: recovered, p: 1}]\n"
    "  recovered: {waning: {dist: exponential, mean: 1, unit: years}}\n";

static void every_form_round_trip(void **state)
{
    (void)state;
    cc_diag d;
    cc_diag_init(&d);
    cc_pathogen *p = NULL;
    if (cc_pathogen_load_text(every_form, strlen(every_form), "every_form", &d, &p) != 0)
        fail_with(&d, "every_form");
    assert_true(p->state[p->recovered].has_duration);
    cc_pathogen *q = print_and_read(p);
    assert_same_pathogen(p, q);
    /* and once more: the printed form is a fixed point */
    cc_pathogen *r = print_and_read(q);
    assert_same_pathogen(q, r);
    cc_pathogen_free(p);
    cc_pathogen_free(q);
    cc_pathogen_free(r);
}

/* A scenario of the default with its pathogen given as a file. */
static void scenario_inlines_a_file(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *pfile = cc_asprintf("%s/odd.yaml", dir);
    FILE *fp = fopen(pfile, "w");
    assert_non_null(fp);
    fputs(every_form, fp);
    fclose(fp);
    size_t len = 0;
    const char *def = cc_scenario_default_text(&len);
    assert_non_null(def);
    char *path = cc_asprintf("%s/s.yaml", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fwrite(def, 1, len, fp);
    fclose(fp);
    const char *sets[] = {"disease.pathogen=odd.yaml", "days=20"};
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    if (cc_scenario_load_file(path, sets, 2, &d, &s) != 0)
        fail_with(&d, "the scenario with a pathogen file");
    assert_non_null(s->disease);
    char *r1 = cc_scenario_resolved_yaml_as_run(s, 12345, 7);
    assert_non_null(r1);
    assert_null(strstr(r1, "odd.yaml"));
    assert_non_null(strstr(r1, "\nseed: 12345\n"));
    assert_non_null(strstr(r1, "\nreplicates: 7\n"));
    /* loaded from text without a folder: nothing beside it is needed */
    cc_scenario *s2 = NULL;
    if (cc_scenario_load_text(r1, strlen(r1), "<resolved>", NULL, 0, &d, &s2) != 0)
        fail_with(&d, "the resolved scenario");
    assert_same_pathogen(s->disease->pathogen, s2->disease->pathogen);
    assert_int_equal((int)s2->seed, 12345);
    assert_int_equal(s2->replicates, 7);
    char *r2 = cc_scenario_resolved_yaml(s2);
    assert_non_null(r2);
    assert_string_equal(r1, r2);
    /* a scenario and its resolved form share a run: same but policies */
    assert_int_equal(cc_scenario_same_but_policies(s2, s2), 1);
    free(r1);
    free(r2);
    cc_scenario_free(s);
    cc_scenario_free(s2);
    cc_diag_clear(&d);
    unlink(pfile);
    unlink(path);
    rmdir(dir);
    free(pfile);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_round_trip),
        cmocka_unit_test(every_form_round_trip),
        cmocka_unit_test(scenario_inlines_a_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
