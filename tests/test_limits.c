/* test_limits.c - every size a scenario controls is checked against its
 * documented limit (docs/limits.md) before memory is allocated: just under
 * a limit loads, just over is refused with a positioned message. Hostile
 * files (an alias bomb, 100,000 nested '[') are refused in well under a
 * second without reading them into a tree.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <cmocka.h>

#include "include.h"
#include "schema.h"
#include "scenario.h"
#include "testutil.h"
#include "util.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static long max_rss_kb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

/* The default scenario with --set overrides: NULL and the first message in
 * *err when it does not load. */
static cc_scenario *with_sets(const char *const *sets, int n, char **err)
{
    size_t len;
    const char *text = cc_scenario_default_text(&len);
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    cc_scenario_load_text(text, len, "<default>", sets, n, &d, &s);
    *err = d.kept ? cc_diag_format(&d, 0) : NULL;
    cc_diag_clear(&d);
    return s;
}

static void expect_set(const char *set, int ok, const char *want)
{
    const char *sets[] = {set};
    char *err = NULL;
    cc_scenario *s = with_sets(sets, 1, &err);
    if (ok && !s)
        fail_msg("--set %s: expected to load, got %s", set, err);
    if (!ok && (s || !err || !strstr(err, want)))
        fail_msg("--set %s: expected '%s', got %s", set, want, err ? err : "(loaded)");
    cc_scenario_free(s);
    free(err);
}

static void test_days_replicates_people(void **state)
{
    (void)state;
    expect_set("days=36600", 1, NULL);
    expect_set("days=36601", 0, "days: expected an integer in [1, 36600]");
    expect_set("replicates=100000", 1, NULL);
    expect_set("replicates=100001", 0, "replicates: expected an integer in [1, 100000]");
    expect_set("facilities.0.cells=10000000", 1, NULL);
    expect_set("facilities.0.cells=10000001", 0, "cells: expected an integer in [1, 10000000]");
    /* people ever present: initial stock plus expected arrivals, at most CC_MAX_PEOPLE */
    const char *under[] = {"days=36600", "arrests.per_day=27000"};
    const char *over[] = {"days=36600", "arrests.per_day=28000"};
    char *err = NULL;
    cc_scenario *s = with_sets(under, 2, &err);
    if (!s)
        fail_msg("%s", err);
    cc_scenario_free(s);
    free(err);
    s = with_sets(over, 2, &err);
    assert_null(s);
    assert_non_null(strstr(err, "people (initial populations plus expected arrivals) is more "
                                "than the limit of 1000000000"));
    free(err);
}

/* A scenario with n facilities (names F0, F1, ...). */
static char *facilities(int n)
{
    cc_buf b = {0};
    cc_buf_printf(&b, "name: many\nstart: 2017-01-01\ndays: 10\noffenses: {other: {}}\n"
                      "facilities:\n");
    for (int i = 0; i < n; i++)
        cc_buf_printf(&b, "  - {name: F%d, type: prison, sex: any, capacity: 10}\n", i);
    return b.data;
}

static void test_facilities_and_schedules(void **state)
{
    (void)state;
    char *t = facilities(CC_MAX_FACILITIES);
    cc_scenario *s = tu_load(t);
    assert_int_equal(s->nfacilities, CC_MAX_FACILITIES);
    cc_scenario_free(s);
    free(t);
    t = facilities(CC_MAX_FACILITIES + 1);
    char *e = tu_load_errors(t, "f.yaml");
    assert_non_null(strstr(e, "f.yaml:6:3: facilities: expected 1 to 4096 entries, got 4097"));
    free(e);
    free(t);
    /* a schedule of CC_MAX_SCHEDULE entries, and one more */
    for (int extra = 0; extra <= 1; extra++) {
        cc_buf b = {0};
        cc_buf_printf(&b, "name: s\nstart: 2000-01-01\ndays: 36600\noffenses: {other: {}}\n"
                          "facilities: [{name: P, type: prison, sex: any, capacity: 10}]\n"
                          "arrests:\n  per_day:\n");
        for (int i = 0; i < CC_MAX_SCHEDULE + extra; i++) {
            char date[11];
            cc_date_format(10957 + i, date); /* daily from 2000-01-01 */
            cc_buf_printf(&b, "    - {from: %s, value: 1}\n", date);
        }
        if (!extra) {
            s = tu_load(b.data);
            assert_int_equal(s->arrests_per_day.n, CC_MAX_SCHEDULE);
            cc_scenario_free(s);
        } else {
            e = tu_load_errors(b.data, "s.yaml");
            if (!strstr(e, "s.yaml:8:5: arrests.per_day: expected 1 to 4096 schedule entries, got 4097"))
                fail_msg("%s", e);
            free(e);
        }
        cc_buf_free(&b);
    }
}

static void test_names(void **state)
{
    (void)state;
    char name[CC_MAX_NAME + 1];
    memset(name, 'x', sizeof name);
    name[CC_MAX_NAME - 1] = '\0'; /* 127 bytes: fits */
    char *set = cc_asprintf("facilities.0.name=%s", name);
    char *err = NULL;
    const char *sets[] = {set, "placement.transfer_occupancy_above=0"};
    cc_scenario *s = with_sets(sets, 1, &err);
    /* other rows may refer to the old name: only the name's own error counts */
    if (!s)
        assert_null(strstr(err, "bytes"));
    cc_scenario_free(s);
    free(err);
    free(set);
    name[CC_MAX_NAME - 1] = 'x';
    name[CC_MAX_NAME] = '\0'; /* 128 bytes: too long */
    set = cc_asprintf("facilities.0.name=%s", name);
    sets[0] = set;
    s = with_sets(sets, 1, &err);
    assert_null(s);
    assert_non_null(strstr(err, "expected a string of 1 to 127 bytes, got 128 bytes"));
    free(err);
    free(set);
}

static void test_precheck_limits(void **state)
{
    (void)state;
    int line, col;
    char msg[160];
    /* nesting: CC_MAX_YAML_DEPTH flow levels pass the precheck, one more does not */
    char deep[2 * CC_MAX_YAML_DEPTH + 8];
    memset(deep, '[', CC_MAX_YAML_DEPTH);
    memset(deep + CC_MAX_YAML_DEPTH, ']', CC_MAX_YAML_DEPTH);
    assert_int_equal(cc_yaml_precheck(deep, 2 * CC_MAX_YAML_DEPTH, &line, &col, msg, sizeof msg),
                     0);
    memset(deep, '[', CC_MAX_YAML_DEPTH + 1);
    assert_int_equal(cc_yaml_precheck(deep, CC_MAX_YAML_DEPTH + 1, &line, &col, msg, sizeof msg),
                     -1);
    assert_int_equal(col, CC_MAX_YAML_DEPTH + 1);
    assert_string_equal(msg, "more than 64 nested '[' or '{' (docs/limits.md)");
    /* brackets inside quotes and comments do not count */
    const char *q = "a: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['\n"
                    "b: 1 # {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\n";
    assert_int_equal(cc_yaml_precheck(q, strlen(q), &line, &col, msg, sizeof msg), 0);
    /* size */
    size_t n = CC_MAX_FILE_BYTES + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    assert_int_equal(cc_yaml_precheck(big, n - 1, &line, &col, msg, sizeof msg), 0);
    assert_int_equal(cc_yaml_precheck(big, n, &line, &col, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "more than the limit of 4194304"));
    free(big);
    /* not UTF-8, NUL, directives */
    assert_int_equal(cc_yaml_precheck("a: \xc3\xa9\n", 6, &line, &col, msg, sizeof msg), 0);
    assert_int_equal(cc_yaml_precheck("a: b\xff\n", 6, &line, &col, msg, sizeof msg), -1);
    assert_int_equal(line * 100 + col, 105);
    assert_int_equal(cc_yaml_precheck("a: \xc0\xaf\n", 6, &line, &col, msg, sizeof msg), -1);
    assert_int_equal(cc_yaml_precheck("a: b\0c\n", 7, &line, &col, msg, sizeof msg), -1);
    assert_int_equal(cc_yaml_precheck("x: 1\n%YAML 1.2\n", 15, &line, &col, msg, sizeof msg), -1);
    assert_int_equal(line, 2);
}

static void refused_fast(const char *text, size_t len, const char *want)
{
    long rss0 = max_rss_kb();
    double t0 = now();
    char *e = tu_load_errors(text, "bomb.yaml");
    double dt = now() - t0;
    long grew = max_rss_kb() - rss0;
    if (!strstr(e, want))
        fail_msg("expected '%s', got:\n%s", want, e);
    if (dt > 1.0)
        fail_msg("took %.2f s", dt);
    if (grew > 64 * 1024)
        fail_msg("max RSS grew by %ld kB", grew);
    free(e);
    (void)len;
}

static void test_hostile_files(void **state)
{
    (void)state;
    /* 100,000 nested '[' */
    size_t n = 100000;
    char *deep = malloc(n + 1);
    assert_non_null(deep);
    memset(deep, '[', n);
    deep[n] = '\0';
    refused_fast(deep, n, "bomb.yaml:1:65: more than 64 nested '[' or '{'");
    free(deep);
    /* an alias bomb ("billion laughs"): ten levels of ten aliases of the level below */
    cc_buf b = {0};
    cc_buf_printf(&b, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
        cc_buf_printf(&b, "a%d: &a%d [", i, i);
        for (int k = 0; k < 10; k++)
            cc_buf_printf(&b, "%s*a%d", k ? ", " : "", i - 1);
        cc_buf_printf(&b, "]\n");
    }
    refused_fast(b.data, b.len, "bomb.yaml:1:9: a0: anchors are not supported, got '&a0'");
    cc_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_replicates_people), cmocka_unit_test(test_facilities_and_schedules),
        cmocka_unit_test(test_names), cmocka_unit_test(test_precheck_limits),
        cmocka_unit_test(test_hostile_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
