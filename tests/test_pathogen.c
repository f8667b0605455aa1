/* test_pathogen.c - pathogen files: the shipped ones load and say what their
 * sources say; every bad file of tests/bad_pathogens/ fails with the
 * position and message its `# expect: LINE:COL: key: substring` line gives. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pathogen.h"
#include "testutil.h"
#include "util.h"

static cc_pathogen *load(const char *ref)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_pathogen *p = NULL;
    int rc = cc_pathogen_load(ref, NULL, &d, &p);
    for (int i = 0; i < d.kept; i++) {
        char *m = cc_diag_format(&d, i);
        print_error("%s\n", m);
        free(m);
    }
    cc_diag_clear(&d);
    assert_int_equal(rc, 0);
    assert_non_null(p);
    return p;
}

static void shipped_load(void **state)
{
    (void)state;
    const char *names[] = {"covid19", "influenza", "tuberculosis"};
    for (int i = 0; i < 3; i++) {
        cc_pathogen *p = load(names[i]);
        assert_string_equal(p->name, names[i]);
        assert_true(p->infectious_days > 0);
        cc_pathogen_free(p);
    }
}

/* P(death | infection) at age a along the covid19 chain. */
static double covid_ifr(const cc_pathogen *p, double age)
{
    const cc_pstate *ex = &p->state[cc_pathogen_state(p, "exposed")];
    const cc_pstate *sy = &p->state[cc_pathogen_state(p, "symptomatic")];
    const cc_pstate *se = &p->state[cc_pathogen_state(p, "severe")];
    double ps = cc_prob_eval(&ex->p[0], age, false);
    double pv = cc_prob_eval(&sy->p[0], age, false);
    double pd = cc_prob_eval(&se->p[0], age, false);
    return ps * pv * pd;
}

static void covid_matches_sources(void **state)
{
    (void)state;
    cc_pathogen *p = load("covid19");
    /* Levin et al. 2020: log10 IFR(%) = -3.27 + 0.0524 age, at the middle of
     * each band (their table: 0.002% @10 ... 15% @85) */
    const double ages[] = {10, 25, 35, 45, 55, 65, 75, 85};
    for (int i = 0; i < 8; i++) {
        double levin = pow(10, -3.27 + 0.0524 * ages[i]) / 100;
        double got = covid_ifr(p, ages[i]);
        assert_true(fabs(got / levin - 1) < 0.01);
    }
    /* D = 0.69 (2 x 1 + 7 x 1) + 0.31 x 8 x 0.35 days */
    assert_true(fabs(p->infectious_days - (0.69 * 9 + 0.31 * 8 * 0.35)) < 1e-9);
    /* 31% never symptomatic */
    const cc_pstate *ex = &p->state[cc_pathogen_state(p, "exposed")];
    assert_true(fabs(cc_prob_eval(&ex->p[0], 30, false) - 0.69) < 1e-12);
    cc_pathogen_free(p);
}

static void tb_years(void **state)
{
    (void)state;
    cc_pathogen *p = load("tuberculosis");
    const cc_pstate *a = &p->state[cc_pathogen_state(p, "active")];
    assert_true(fabs(a->duration.mean - 2.2 * 365.25) < 1e-6);
    const cc_pstate *le = &p->state[cc_pathogen_state(p, "latent_early")];
    /* 5%/yr over a mean of 1/0.55 years */
    assert_true(fabs(cc_prob_eval(&le->p[0], 30, false) - 0.0909) < 1e-9);
    cc_pathogen_free(p);
}

/* Each file in tests/bad_pathogens: its first line is
 * "# expect: LINE:COL: KEYPATH: SUBSTRING"; some message must be at that
 * position with that key path and contain the substring. */
static void bad_corpus(void **state)
{
    (void)state;
    const char *dir = CARCER_SOURCE_DIR "/tests/bad_pathogens";
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    struct dirent *de;
    int files = 0, bad = 0;
    while ((de = readdir(dh))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
            continue;
        char *path = cc_asprintf("%s/%s", dir, de->d_name);
        size_t len;
        char *text = tu_read_file(path, &len);
        assert_non_null(text);
        int line, col;
        char rest[512] = "";
        assert_int_equal(sscanf(text, "# expect: %d:%d: %511[^\n]", &line, &col, rest), 3);
        char *want_pos = cc_asprintf("%s:%d:%d: %s", de->d_name, line, col, rest);
        cc_diag d;
        cc_diag_init(&d);
        cc_pathogen *p = NULL;
        int rc = cc_pathogen_load_text(text, len, de->d_name, &d, &p);
        assert_int_not_equal(rc, 0);
        assert_null(p);
        /* split the expectation into "file:line:col: key:" and substring */
        char *sep = strstr(want_pos + strlen(de->d_name) + 1, ": ");
        sep = sep ? strstr(sep + 2, ": ") : NULL;
        assert_non_null(sep);
        *sep = 0;
        const char *sub = sep + 2;
        int found = 0;
        for (int i = 0; i < d.kept; i++) {
            char *m = cc_diag_format(&d, i);
            if (strncmp(m, want_pos, strlen(want_pos)) == 0 && strstr(m, sub))
                found = 1;
            if (!found)
                print_message("%s: got %s\n", de->d_name, m);
            free(m);
        }
        if (!found) {
            print_error("%s: expected '%s' ... '%s'\n", de->d_name, want_pos, sub);
            bad++;
        }
        cc_diag_clear(&d);
        free(want_pos);
        free(text);
        free(path);
        files++;
    }
    closedir(dh);
    assert_int_equal(bad, 0);
    assert_true(files >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_load),
        cmocka_unit_test(covid_matches_sources),
        cmocka_unit_test(tb_years),
        cmocka_unit_test(bad_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
