/* test_bad_corpus.c - every file of tests/bad/ is a scenario with one class
 * of mistake. Its first lines say what the loader must report:
 *
 *   # expect: LINE:COL: key.path: start of the message
 *
 * (one line per expected error). The load must fail, return no scenario,
 * and report each expected "file:LINE:COL: key.path: message" (the message
 * compared as a prefix of the reported one); the number of errors reported
 * must equal the number of expect lines, so nothing spurious slips in.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenario.h"
#include "testutil.h"
#include "util.h"

#define MIN_FILES 25

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Check one file; returns the number of failed expectations. */
static int check_file(const char *dir, const char *name)
{
    char *path = cc_asprintf("%s/%s", dir, name);
    size_t len = 0;
    char *text = tu_read_file(path, &len);
    free(path);
    if (!text) {
        print_error("%s: cannot read\n", name);
        return 1;
    }
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    int rc = cc_scenario_load_text(text, len, name, NULL, 0, &d, &s);
    int bad = 0;
    if (rc == 0 || s) {
        print_error("%s: loaded, expected errors\n", name);
        cc_scenario_free(s);
        bad++;
    }
    char **got = calloc((size_t)d.kept + 1, sizeof *got);
    for (int i = 0; i < d.kept; i++)
        got[i] = cc_diag_format(&d, i);
    int nexpect = 0;
    const char *line = text;
    while (strncmp(line, "# expect: ", 10) == 0) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        /* "file:" + the expected text, matched at the start of a message */
        char *want = cc_asprintf("%s:%.*s", name, (int)(n - 10), line + 10);
        int found = 0;
        for (int i = 0; i < d.kept && !found; i++)
            found = strncmp(got[i], want, strlen(want)) == 0;
        if (!found) {
            print_error("%s: missing \"%s\"\n", name, want);
            bad++;
        }
        free(want);
        nexpect++;
        if (!end)
            break;
        line = end + 1;
    }
    if (nexpect == 0) {
        print_error("%s: no '# expect:' line\n", name);
        bad++;
    }
    if (d.count != nexpect) {
        print_error("%s: %d errors reported, %d expected\n", name, d.count, nexpect);
        bad++;
    }
    if (bad)
        for (int i = 0; i < d.kept; i++)
            print_error("  got: %s\n", got[i]);
    for (int i = 0; i < d.kept; i++)
        free(got[i]);
    free(got);
    cc_diag_clear(&d);
    free(text);
    return bad;
}

static void test_bad_corpus(void **state)
{
    (void)state;
    char *dir = cc_asprintf("%s/tests/bad", CARCER_SOURCE_DIR);
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".yaml") != 0)
            continue;
        assert_int_equal(cc_grow((void **)&names, &cap, n + 1, sizeof *names), 0);
        names[n++] = cc_strdup(e->d_name);
    }
    closedir(dp);
    qsort(names, n, sizeof *names, by_name);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        failed += check_file(dir, names[i]) != 0;
        free(names[i]);
    }
    free(names);
    free(dir);
    if (n < MIN_FILES)
        fail_msg("only %zu bad scenarios, expected at least %d", n, MIN_FILES);
    if (failed)
        fail_msg("%d bad scenario(s) not reported as expected", failed);
}

/* Positions inside --set values and errors in several places at once. */
static void test_errors_sorted(void **state)
{
    (void)state;
    char *e = tu_load_errors("days: x\nname: [1]\nstart: 2017-01-01\nzzz: 1\n"
                             "offenses: {a: {}}\nfacilities: [{name: A, type: prison, "
                             "capacity: 1}]\n",
                             "s.yaml");
    const char *p1 = strstr(e, "s.yaml:1:7: days:");
    const char *p2 = strstr(e, "s.yaml:2:7: name:");
    const char *p3 = strstr(e, "s.yaml:4:1: zzz:");
    assert_non_null(p1);
    assert_non_null(p2);
    assert_non_null(p3);
    assert_true(p1 < p2 && p2 < p3);
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_corpus),
        cmocka_unit_test(test_errors_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
