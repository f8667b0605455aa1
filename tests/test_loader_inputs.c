/* test_loader_inputs.c - hostile input to the loaders: files that are not
 * regular files or are too large, --set arguments that made the loader
 * crash, hang or misreport, and the smaller defects of names, numbers, tags
 * and dates. Each test fails on the loader before its fix (a crash, a hang
 * caught by the alarm below, or a wrong message). */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pathogen.h"
#include "readfile.h"
#include "scenario.h"
#include "testutil.h"
#include "util.h"

/* a hang is a failure: the whole program gets this many seconds */
#define ALARM_SECONDS 120

/* The diagnostics of a load of the default scenario with these sets, one a
 * line (malloc'd); fails the test when it loads. */
static char *set_errors(const char *const *sets, int nsets)
{
    size_t len = 0;
    const char *text = cc_scenario_default_text(&len);
    assert_non_null(text);
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    int rc = cc_scenario_load_text(text, len, "<default>", sets, nsets, &d, &s);
    assert_int_not_equal(rc, 0);
    assert_null(s);
    assert_true(d.count > 0);
    cc_buf b = {0};
    for (int i = 0; i < d.kept; i++) {
        char *m = cc_diag_format(&d, i);
        cc_buf_printf(&b, "%s\n", m ? m : "?");
        free(m);
    }
    cc_diag_clear(&d);
    return b.data;
}

static void expect_in(const char *got, const char *want)
{
    if (!strstr(got, want)) {
        print_error("expected \"%s\" in:\n%s", want, got);
        fail();
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- files ---------------------------------------------------------------- */

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* A FIFO with no writer blocked open() for ever; /dev/zero was read
 * without end. Both are refused before reading. */
static void test_fifo_and_devices(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *fifo = cc_asprintf("%s/fifo.yaml", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    size_t len;
    const char *why = NULL;
    double t0 = now();
    assert_null(cc_read_file(fifo, CC_MAX_FILE_BYTES, &len, &why));
    assert_string_equal(why, "not a regular file");
    assert_null(cc_read_file("/dev/zero", CC_MAX_FILE_BYTES, &len, &why));
    assert_string_equal(why, "not a regular file");
    assert_null(cc_read_file(dir, CC_MAX_FILE_BYTES, &len, &why));
    assert_string_equal(why, "not a regular file (a folder)");

    /* the same through the loaders: the top-level file, an include, a pathogen */
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    assert_int_not_equal(cc_scenario_load_file("/dev/zero", NULL, 0, &d, &s), 0);
    assert_int_equal(d.kept, 1);
    assert_string_equal(d.entry[0].message, "cannot read the scenario file: not a regular file");
    cc_diag_clear(&d);

    char *top = cc_asprintf("%s/top.yaml", dir);
    write_text(top, "include: fifo.yaml\n");
    cc_diag_init(&d);
    assert_int_not_equal(cc_scenario_load_file(top, NULL, 0, &d, &s), 0);
    assert_int_equal(d.kept, 1);
    expect_in(d.entry[0].message, "not a regular file");
    cc_diag_clear(&d);

    write_text(top, "include: default\ndisease: {pathogen: fifo.yaml}\n");
    cc_diag_init(&d);
    assert_int_not_equal(cc_scenario_load_file(top, NULL, 0, &d, &s), 0);
    char *m = d.kept ? cc_diag_format(&d, 0) : NULL;
    assert_non_null(m);
    expect_in(m, "expected a readable pathogen file, got 'fifo.yaml': not a regular file");
    free(m);
    cc_diag_clear(&d);
    cc_pathogen *p = NULL;
    cc_diag_init(&d);
    assert_int_not_equal(cc_pathogen_load("fifo.yaml", dir, &d, &p), 0);
    assert_null(p);
    cc_diag_clear(&d);
    /* nothing waited: all of the above is a few file-system calls */
    assert_true(now() - t0 < 10);
    unlink(fifo);
    unlink(top);
    rmdir(dir);
    free(fifo);
    free(top);
    free(dir);
}

/* A file larger than the limit is refused by its size before it is read
 * (a sparse 1 GiB file takes no disk), and a file is read for at most the
 * limit plus one byte. */
static void test_size_limits(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *big = cc_asprintf("%s/big.yaml", dir);
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)1 << 30), 0);
    close(fd);
    size_t len;
    const char *why = NULL;
    double t0 = now();
    assert_null(cc_read_file(big, CC_MAX_FILE_BYTES, &len, &why));
    assert_string_equal(why, "larger than the file size limit (docs/limits.md)");
    assert_true(now() - t0 < 1); /* refused by fstat, not after reading 1 GiB */

    /* at the limit: read; one byte more: refused */
    write_text(big, "0123456789");
    char *t = cc_read_file(big, 10, &len, &why);
    assert_non_null(t);
    assert_int_equal(len, 10);
    assert_string_equal(t, "0123456789");
    free(t);
    assert_null(cc_read_file(big, 9, &len, &why));
    assert_string_equal(why, "larger than the file size limit (docs/limits.md)");
    write_text(big, "");
    t = cc_read_file(big, 10, &len, &why);
    assert_non_null(t);
    assert_int_equal(len, 0);
    free(t);
    unlink(big);
    rmdir(dir);
    free(big);
    free(dir);
}

/* ---- --set ---------------------------------------------------------------- */

/* A --set that makes a block which then holds an error crashed (the error
 * asked libfyaml for the position of a node made in memory). */
static void test_set_made_blocks(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"routing.drug_use.release=0.5", "routing.drug_use: shares must sum to 1, got 1.35"},
        {"arrests.mix.drug_use=0.3", "arrests.mix: shares must sum to 1, got 0.99"},
        {"initial.status.pretrial=0.5", "initial.status: shares must sum to 1"},
        /* `masks` is a block the path made: the error sits at its key */
        {"disease.measures.masks.from=2021-01-01",
         "--set:1:18: disease.measures.masks: expected 'factor' on beta, got nothing"},
        {"routing.nosuch.release=0.5", "--set:1:9: routing.nosuch: unknown key or offense"},
        /* a key inside a value given whole */
        {"routing.drug_use={relase: 0.5}", "--set:1:19: routing.drug_use.relase: unknown key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *sets[] = {cases[i][0]};
        char *e = set_errors(sets, 1);
        expect_in(e, cases[i][1]);
        free(e);
    }
    /* a block made by one --set and edited by the next */
    const char *two[] = {"disease.measures.masks={factor: 0.5, from: 2019-01-01}",
                         "disease.measures.masks.until=x"};
    char *e = set_errors(two, 2);
    expect_in(e, "--set:2:30: disease.measures.masks.until: expected a date, got 'x'");
    free(e);
    /* an error about the block the first gave, after the second edited it
     * (libfyaml's report of it spans two inputs): at its first key */
    const char *edit[] = {"disease.measures.masks={from: 2019-01-01}",
                          "disease.measures.masks.until=2020-01-01"};
    e = set_errors(edit, 2);
    expect_in(e, "--set:1:25: disease.measures.masks: expected 'factor' on beta, got nothing");
    free(e);
}

/* libfyaml loops for ever on a directive with invalid UTF-8: --set values
 * pass the precheck that protects files. */
static void test_set_precheck(void **state)
{
    (void)state;
    const char *sets[] = {"name=%A\377"};
    char *e = set_errors(sets, 1);
    expect_in(e, "--set:1:6: name: the value is not accepted: ");
    free(e);
    const char *sets2[] = {"name=\"a\\\377\""};
    e = set_errors(sets2, 1);
    expect_in(e, "--set:1:9: name: the value is not accepted: it is not valid UTF-8 (byte 0xff)");
    free(e);
}

static void test_set_quirks(void **state)
{
    (void)state;
    /* an alias became 0; an anchor and a tag were taken silently */
    const char *alias[] = {"days=*a"};
    char *e = set_errors(alias, 1);
    expect_in(e, "--set:1:6: days: anchors, aliases and tags are not supported, got an alias '*a'");
    free(e);
    const char *anchor[] = {"facilities.0.capacity=&c 10"};
    e = set_errors(anchor, 1);
    expect_in(e, "got an anchor '&c'");
    free(e);
    const char *tag[] = {"days=!!str 30"};
    e = set_errors(tag, 1);
    expect_in(e, "got a tag '!!str'");
    free(e);
    /* a path of invalid UTF-8 became a key and the text of a message */
    const char *badkey[] = {"\264seed=1"};
    e = set_errors(badkey, 1);
    expect_in(e, "--set:1:1: the path is not accepted: it is not valid UTF-8 (byte 0xb4)");
    free(e);
    /* an empty block scalar: libfyaml puts it past the text (found by
     * fuzzing); the column stays inside the argument */
    const char *block[] = {"seed=>"};
    e = set_errors(block, 1);
    expect_in(e, "--set:1:7: seed: expected an integer, got ''");
    free(e);
    /* two documents: the first was kept */
    const char *docs[] = {"days=30\n---\n40"};
    e = set_errors(docs, 1);
    expect_in(e, "--set:1:6: days: expected one YAML value, got a document marker");
    free(e);

    /* 60,000 keys: quadratic, then a stack overflow; now refused at once */
    size_t n = 60000;
    char *deep = malloc(2 * n + 4);
    assert_non_null(deep);
    for (size_t i = 0; i < n; i++)
        memcpy(deep + 2 * i, "a.", 2);
    memcpy(deep + 2 * n, "b=1", 4);
    const char *dsets[] = {deep};
    double t0 = now();
    e = set_errors(dsets, 1);
    assert_true(now() - t0 < 5);
    expect_in(e, "--set:1:1: a path of 60001 keys is deeper than the limit of 64");
    free(e);
    free(deep);
    /* at the limit the path is followed (and fails on its first unknown key) */
    char at_limit[200] = "";
    for (int i = 0; i < CC_MAX_YAML_DEPTH - 1; i++)
        strcat(at_limit, "a.");
    strcat(at_limit, "b=1");
    const char *lsets[] = {at_limit};
    e = set_errors(lsets, 1);
    expect_in(e, "--set:1:1: a: unknown key 'a'");
    free(e);
}

/* Errors of the ninth --set were reported against the seventh: the node
 * the ninth made reused the address of the seventh's, freed by the eighth. */
static void test_set_positions_after_free(void **state)
{
    (void)state;
    const char *sets[] = {"seed=1", "seed=2", "seed=3", "seed=4", "seed=5",
                          "seed=6", "days=5", "days=6", "days=-1"};
    char *e = set_errors(sets, 9);
    expect_in(e, "--set:9:6: days: expected an integer");
    if (strstr(e, "--set:7:")) {
        print_error("an error attributed to --set 7:\n%s", e);
        fail();
    }
    free(e);
    /* many --set arguments (the table of their nodes used to be full at 256) */
    enum { MANY = 200 };
    char *many[MANY];
    for (int i = 0; i < MANY; i++)
        many[i] = cc_asprintf("disease.measures.masks.factor=%s", i == MANY - 1 ? "x" : "0.5");
    e = set_errors((const char *const *)many, MANY);
    expect_in(e, "--set:200:31: disease.measures.masks.factor: expected a number, got 'x'");
    free(e);
    for (int i = 0; i < MANY; i++)
        free(many[i]);
}

/* ---- smaller defects ------------------------------------------------------ */

static void test_names_and_numbers(void **state)
{
    (void)state;
    const char *all[] = {"facilities.0.name=ALL"};
    char *e = set_errors(all, 1);
    expect_in(e, "facilities[0].name: 'ALL' names the totals of the whole system");
    free(e);
    /* text after an escaped NUL was dropped: "prison\0junk" read as prison */
    const char *nul[] = {"facilities.0.type=\"prison\\0junk\""};
    e = set_errors(nul, 1);
    expect_in(e, "facilities[0].type: expected a name without a NUL character");
    free(e);
    const char *nul2[] = {"name=\"a\\0b\""};
    e = set_errors(nul2, 1);
    expect_in(e, "name: expected a string without a NUL character");
    free(e);

    /* a valid number of more than 63 characters */
    char num[200] = "days=";
    for (int i = 0; i < 100; i++)
        strcat(num, "0");
    strcat(num, "30");
    const char *ln[] = {num};
    size_t len = 0;
    const char *text = cc_scenario_default_text(&len);
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    assert_int_equal(cc_scenario_load_text(text, len, "<default>", ln, 1, &d, &s), 0);
    assert_int_equal(s->days, 30);
    cc_scenario_free(s);
    cc_diag_clear(&d);
}

static void test_tags_in_files(void **state)
{
    (void)state;
    char *e = tu_load_errors("include: default\ndays: !!str 30\nname: !mine x\n", "t.yaml");
    expect_in(e, "t.yaml:2:13: days: YAML tags are not supported, got '!!str'");
    expect_in(e, "t.yaml:3:13: name: YAML tags are not supported, got '!mine'");
    free(e);
}

static void test_hint_formatted(void **state)
{
    (void)state;
    char *e = tu_load_errors("include: default\npolicies+: {a: 1}\n", "h.yaml");
    expect_in(e, "(write 'policies+: [...]' or 'policies+:' followed by '- ' items)");
    assert_null(strstr(e, "%s"));
    free(e);
}

/* A date before the start means "in force from the first day" (the first
 * entry of a schedule, a lever that holds); it is refused where it could
 * not take effect. */
static void test_dates_before_start(void **state)
{
    (void)state;
    char *e = tu_load_errors("include: default\n"
                             "policies:\n"
                             "  - {at: 2016-01-01, release: {fraction: 0.1}}\n"
                             "  - {at: 2016-01-01, until: 2017-01-01, arrest_factor: 2}\n",
                             "d.yaml");
    expect_in(e, "d.yaml:3:10: policies[0].at: expected a release on or after the start "
                 "2017-01-01");
    expect_in(e, "d.yaml:4:29: policies[1].until: expected `until` after the start 2017-01-01");
    free(e);
    e = tu_load_errors("include: default\n"
                       "arrests:\n"
                       "  per_day: [{from: 2016-01-01, value: 10},\n"
                       "            {from: 2016-06-01, value: 20}]\n",
                       "s.yaml");
    expect_in(e, "expected a date on or after the start 2017-01-01, got 2016-06-01");
    free(e);
    /* accepted: a lever that holds, dated before the start */
    cc_scenario *s = tu_load("include: default\n"
                             "policies: [{at: 2016-01-01, arrest_factor: 2}]\n");
    assert_non_null(s);
    cc_scenario_free(s);
}

int main(void)
{
    alarm(ALARM_SECONDS);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_and_devices),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_set_made_blocks),
        cmocka_unit_test(test_set_precheck),
        cmocka_unit_test(test_set_quirks),
        cmocka_unit_test(test_set_positions_after_free),
        cmocka_unit_test(test_names_and_numbers),
        cmocka_unit_test(test_tags_in_files),
        cmocka_unit_test(test_hint_formatted),
        cmocka_unit_test(test_dates_before_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
