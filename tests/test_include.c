/* test_include.c - `include:` (src/include.c): merging rules, `KEY+`
 * appends, errors positioned in the file where the value is written, cycles,
 * depth, and the path rules (no absolute paths, nothing outside the
 * top-level scenario's folder, no device files).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "include.h"
#include "scenario.h"
#include "testutil.h"
#include "util.h"

static void put(const char *dir, const char *name, const char *text)
{
    char *p = cc_asprintf("%s/%s", dir, name);
    assert_int_equal(cc_write_file_atomic(p, text, strlen(text)), 0);
    free(p);
}

/* Load dir/name; returns the scenario or NULL and the errors in *errs. */
static cc_scenario *load(const char *dir, const char *name, char **errs)
{
    char *p = cc_asprintf("%s/%s", dir, name);
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    cc_scenario_load_file(p, NULL, 0, &d, &s);
    cc_buf b = {0};
    for (int i = 0; i < d.kept; i++) {
        char *m = cc_diag_format(&d, i);
        cc_buf_printf(&b, "%s\n", m);
        free(m);
    }
    cc_diag_clear(&d);
    free(p);
    *errs = b.data ? b.data : cc_strdup("");
    return s;
}

static void expect_error(const char *dir, const char *name, const char *want)
{
    char *errs;
    cc_scenario *s = load(dir, name, &errs);
    if (s || !strstr(errs, want))
        fail_msg("%s: expected an error containing\n  %s\ngot:\n%s", name, want, errs);
    cc_scenario_free(s);
    free(errs);
}

static const char *BASE =
    "name: base\nstart: 2017-01-01\ndays: 100\n"
    "offenses: {drug_use: {drug: true}, other: {}}\n"
    "pretrial: {bail: {default: 0.1}, enforce_legal_limit: true}\n"
    "facilities:\n"
    "  - {name: P1, type: prison, sex: any, capacity: 100, cells: 4, population: 50}\n"
    "policies:\n"
    "  - {at: 2017-02-01, arrest_factor: 0.5}\n";

static void test_merge_rules(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    put(dir, "base.yaml", BASE);
    put(dir, "reform.yaml",
        "include: base.yaml\nname: reform\n"
        "pretrial: {bail: {default: 0.4}}\n"                 /* mapping: merged */
        "facilities:\n"                                        /* list: replaced */
        "  - {name: P2, type: prison, sex: any, capacity: 10, cells: 1, population: 5}\n"
        "policies+:\n"                                         /* KEY+: appended */
        "  - {at: 2017-03-01, arrest_factor: 2}\n");
    char *errs;
    cc_scenario *s = load(dir, "reform.yaml", &errs);
    if (!s)
        fail_msg("%s", errs);
    assert_string_equal(s->name, "reform");
    assert_int_equal(s->days, 100);                     /* from the base */
    assert_true(s->bail.def == 0.4);                    /* overridden */
    assert_true(s->enforce_legal_limit);                /* kept beside it */
    assert_int_equal(s->nfacilities, 1);
    assert_string_equal(s->facility[0].name, "P2");
    assert_int_equal(s->npolicies, 2);
    /* the resolved scenario is whole and loads alone */
    char *r = cc_scenario_resolved_yaml(s);
    assert_null(strstr(r, "include"));
    cc_scenario *s2 = tu_load(r);
    char *r2 = cc_scenario_resolved_yaml(s2);
    assert_string_equal(r, r2);
    free(r);
    free(r2);
    cc_scenario_free(s2);
    cc_scenario_free(s);
    free(errs);

    /* facilities+ appends; a duplicate name is then an error in the overlay */
    put(dir, "more.yaml", "include: base.yaml\nfacilities+:\n"
                          "  - {name: P1, type: prison, sex: any, capacity: 1, cells: 1}\n");
    expect_error(dir, "more.yaml", "duplicate name 'P1'");
    put(dir, "both.yaml", "include: base.yaml\npolicies: []\npolicies+: []\n");
    expect_error(dir, "both.yaml", "both.yaml:3:1: policies: both 'policies' (replaces)");
    put(dir, "notlist.yaml", "include: base.yaml\npolicies+: {at: 2017-01-01}\n");
    expect_error(dir, "notlist.yaml", "notlist.yaml:2:12: policies: 'policies+' appends a list");
    free(dir);
}

static void test_include_default(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    put(dir, "r.yaml", "include: default\nname: reform of the default\ndays: 30\n");
    char *errs;
    cc_scenario *s = load(dir, "r.yaml", &errs);
    if (!s)
        fail_msg("%s", errs);
    assert_int_equal(s->days, 30);
    assert_true(s->nfacilities > 1);
    cc_scenario_free(s);
    free(errs);
    /* text with no folder may include the default only */
    cc_scenario *t = tu_load("include: default\ndays: 10\n");
    assert_int_equal(t->days, 10);
    cc_scenario_free(t);
    char *e = tu_load_errors("include: base.yaml\n", "<text>");
    assert_non_null(strstr(e, "<text>:1:10: include: cannot include 'base.yaml': a scenario "
                              "that is not a file can include only 'default'"));
    free(e);
    free(dir);
}

static void test_errors_name_their_file(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *sub = cc_asprintf("%s/sub", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    put(dir, "sub/base.yaml", "include: default\npeople: {female: 2}\n");
    put(dir, "top.yaml", "include: sub/base.yaml\ndays: -5\n");
    char *errs;
    cc_scenario *s = load(dir, "top.yaml", &errs);
    assert_null(s);
    char *want1 = cc_asprintf("%s/sub/base.yaml:2:18: people.female: expected a probability", dir);
    char *want2 = cc_asprintf("%s/top.yaml:2:7: days: expected an integer", dir);
    if (!strstr(errs, want1) || !strstr(errs, want2))
        fail_msg("got:\n%s", errs);
    free(want1);
    free(want2);
    free(errs);
    /* a syntax error and an unknown key inside the included file */
    put(dir, "sub/syntax.yaml", "name: [unclosed\n");
    put(dir, "top2.yaml", "include: sub/syntax.yaml\n");
    expect_error(dir, "top2.yaml", "sub/syntax.yaml:");
    put(dir, "sub/unknown.yaml", "include: default\ncapacityy: 3\n");
    put(dir, "top3.yaml", "include: sub/unknown.yaml\n");
    expect_error(dir, "top3.yaml", "sub/unknown.yaml:2:1: capacityy: unknown key");
    /* an alias in an included file */
    put(dir, "sub/alias.yaml", "include: default\nname: &a x\nseed: 2\n");
    put(dir, "top4.yaml", "include: sub/alias.yaml\n");
    expect_error(dir, "top4.yaml", "sub/alias.yaml:2:10: name: anchors are not supported");
    free(sub);
    free(dir);
}

static void test_cycles_and_depth(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    put(dir, "a.yaml", "include: b.yaml\n");
    put(dir, "b.yaml", "include: a.yaml\n");
    char *want = cc_asprintf("%s/b.yaml:1:10: include: include cycle %s/a.yaml -> %s/b.yaml -> "
                             "%s/a.yaml", dir, dir, dir, dir);
    expect_error(dir, "a.yaml", want);
    free(want);
    put(dir, "self.yaml", "include: self.yaml\n");
    expect_error(dir, "self.yaml", "include cycle");
    /* a chain of CC_MAX_INCLUDE_DEPTH includes loads; one more is refused */
    for (int i = 0; i <= CC_MAX_INCLUDE_DEPTH + 1; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "d%d.yaml", i);
        if (i == CC_MAX_INCLUDE_DEPTH + 1)
            snprintf(text, sizeof text, "include: default\n");
        else
            snprintf(text, sizeof text, "include: d%d.yaml\n", i + 1);
        put(dir, name, text);
    }
    char *errs;
    cc_scenario *s = load(dir, "d2.yaml", &errs); /* d2 -> ... -> d9 -> default: 8 includes */
    if (!s)
        fail_msg("%s", errs);
    cc_scenario_free(s);
    free(errs);
    expect_error(dir, "d1.yaml", "d9.yaml:1:10: include: more than 8 nested includes");
    free(dir);
}

static void test_safe_paths(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *sub = cc_asprintf("%s/sub", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    put(dir, "common.yaml", BASE);
    put(dir, "abs.yaml", "include: /etc/passwd\n");
    expect_error(dir, "abs.yaml", "abs.yaml:1:10: include: cannot include '/etc/passwd': an "
                                  "absolute path");
    put(dir, "up.yaml", "include: ../../../../etc/passwd\n");
    expect_error(dir, "up.yaml", "outside the folder of the top-level scenario");
    /* `..` inside the top-level folder is fine */
    put(dir, "sub/mid.yaml", "include: ../common.yaml\n");
    put(dir, "top.yaml", "include: sub/mid.yaml\n");
    char *errs;
    cc_scenario *s = load(dir, "top.yaml", &errs);
    if (!s)
        fail_msg("%s", errs);
    cc_scenario_free(s);
    free(errs);
    /* but the top-level folder is sub/: common.yaml is outside it */
    expect_error(sub, "mid.yaml", "outside the folder of the top-level scenario");
    /* a symbolic link out of the folder */
    char *link = cc_asprintf("%s/passwd.yaml", dir);
    assert_int_equal(symlink("/etc/passwd", link), 0);
    put(dir, "link.yaml", "include: passwd.yaml\n");
    expect_error(dir, "link.yaml", "outside the folder of the top-level scenario");
    free(link);
    /* device files and folders are not read */
    char *dev = cc_asprintf("%s/zero.yaml", dir);
    assert_int_equal(symlink("/dev/zero", dev), 0);
    free(dev);
    put(dir, "dir.yaml", "include: sub\n");
    expect_error(dir, "dir.yaml", "not a regular file");
    put(dir, "missing.yaml", "include: nothere.yaml\n");
    expect_error(dir, "missing.yaml", "cannot include 'nothere.yaml': No such file");
    put(dir, "num.yaml", "include: [a, b]\n");
    expect_error(dir, "num.yaml", "num.yaml:1:10: include: expected a scenario file or "
                                  "'default', got a list");
    free(sub);
    free(dir);
}

static void test_set_cannot_include(void **state)
{
    (void)state;
    const char *sets[] = {"include=x.yaml"};
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    size_t len;
    const char *text = cc_scenario_default_text(&len);
    assert_int_not_equal(cc_scenario_load_text(text, len, "<default>", sets, 1, &d, &s), 0);
    char *m = cc_diag_format(&d, 0);
    assert_non_null(strstr(m, "'include' cannot be set with --set"));
    free(m);
    cc_diag_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_rules),      cmocka_unit_test(test_include_default),
        cmocka_unit_test(test_errors_name_their_file), cmocka_unit_test(test_cycles_and_depth),
        cmocka_unit_test(test_safe_paths),       cmocka_unit_test(test_set_cannot_include),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
