/* test_fuzz_regressions.c - replays every input that once broke a reader
 * (tests/fuzz_regressions/) and the fuzzers' seed corpus (the shipped
 * scenarios and pathogens, tests/bad/, tests/bad_pathogens/, fuzz/seeds/)
 * through both loaders and the calibration readers (posterior.csv and the
 * checkpoint, fuzz/readers_fixture.h), the inputs of the --set fuzzer (set-*)
 * as --set arguments on the default scenario, and the report reader's inputs
 * (report-*), as the harnesses in fuzz/ do: each input loads or fails with at
 * least one diagnostic, a loaded scenario's resolved YAML loads again and
 * resolves to the same text, and no input takes more than a few seconds.
 * Under ASan and UBSan (make test-asan) this also catches the memory errors
 * and leaks the fuzzers found.
 *
 * Files named report-* (and fuzz/report_seeds/) are inputs of the report
 * reader's harness (fuzz/fuzz_report.c): summary.json, timeseries.csv,
 * compare.json, sensitivity.csv, targets.csv, replicates.csv, run.json and
 * timeseries_quantiles.csv separated by the byte 0x1e, written into a folder that
 * carcer_report_write reads; each writes a page or fails with a diagnostic.
 */
#define _POSIX_C_SOURCE 200809L
#include <carcer/carcer.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../fuzz/set_input.h"
#include "pathogen.h"
#include "scenario.h"
#include "testutil.h"
#include "util.h"

#include "../fuzz/readers_fixture.h"

#define SLOW_SECONDS 5.0

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static char *scratch_ckpt; /* the fixture's resumed checkpoint */

#define REPORT_PARTS 8
static const char *const report_part[REPORT_PARTS] = {
    "summary.json", "timeseries.csv", "compare.json", "sensitivity.csv",
    "targets.csv",  "replicates.csv", "run.json",     "timeseries_quantiles.csv"};

/* A folder of the parts of a report input (see the file's opening), as the
 * harness writes it, and carcer_report_write on it; 0 or 1 failure. */
static int replay_report(const char *path, const char *text, size_t len)
{
    char dir[] = "/tmp/carcer-report-replay-XXXXXX";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "%s: cannot make a folder\n", path);
        return 1;
    }
    const char *start = text, *end = text + len;
    for (int i = 0; i < REPORT_PARTS; i++) {
        const char *sep = start < end ? memchr(start, 0x1e, (size_t)(end - start)) : NULL;
        const char *stop = sep && i < REPORT_PARTS - 1 ? sep : end;
        if (stop > start) {
            char *file = cc_asprintf("%s/%s", dir, report_part[i]);
            FILE *fp = fopen(file, "wb");
            assert_non_null(fp);
            assert_int_equal(fwrite(start, 1, (size_t)(stop - start), fp), stop - start);
            fclose(fp);
            free(file);
        }
        start = stop < end ? stop + 1 : end;
    }
    char *out = cc_asprintf("%s/report.html", dir);
    carcer_diag *diag = carcer_diag_new();
    /* the library prints nothing (libfyaml does, when handed a facility
     * name as a path expression): stderr goes to a file meanwhile */
    char *errpath = cc_asprintf("%s/stderr", dir);
    fflush(stderr);
    int saved = dup(2);
    FILE *errf = fopen(errpath, "w+");
    assert_non_null(errf);
    dup2(fileno(errf), 2);
    carcer_status st = carcer_report_write(dir, out, diag);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fseek(errf, 0, SEEK_END);
    long printed = ftell(errf);
    fclose(errf);
    unlink(errpath);
    free(errpath);
    int bad = 0;
    if (st != CARCER_OK && carcer_diag_count(diag) == 0) {
        fprintf(stderr, "%s: the report failed without a diagnostic (%s)\n", path,
                carcer_status_text(st));
        bad = 1;
    }
    if (strstr(path, "/report_seeds/") && st != CARCER_OK) {
        fprintf(stderr, "%s: an output folder of carcer gives no report (%s)\n", path,
                carcer_status_text(st));
        bad = 1;
    }
    if (printed > 0) {
        fprintf(stderr, "%s: the report reader printed %ld bytes on stderr\n", path, printed);
        bad = 1;
    }
    for (int i = 0; i < carcer_diag_count(diag); i++)
        assert_non_null(carcer_diag_message(diag, i));
    carcer_diag_free(diag);
    unlink(out);
    free(out);
    for (int i = 0; i < REPORT_PARTS; i++) {
        char *file = cc_asprintf("%s/%s", dir, report_part[i]);
        unlink(file);
        free(file);
    }
    rmdir(dir);
    return bad;
}

/* One input through every reader (or, for report-*, the report reader);
 * returns the number of failures. */
static int replay(const char *path)
{
    size_t len = 0;
    char *text = tu_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 1;
    }
    int bad = 0;
    double t0 = now();
    const char *base = strrchr(path, '/');
    if (strncmp(base ? base + 1 : path, "report-", 7) == 0 || strstr(path, "/report_seeds/")) {
        bad = replay_report(path, text, len);
        double dt = now() - t0;
        if (dt > SLOW_SECONDS) {
            fprintf(stderr, "%s: took %.1f s\n", path, dt);
            bad++;
        }
        free(text);
        return bad;
    }
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    base = base ? base + 1 : path;
    if (strncmp(base, "set-", 4) == 0) {
        /* --set arguments (fuzz_set.c): a failure is positioned inside them */
        char *sets[FUZZ_SET_MAX];
        int nsets = 0;
        if (fuzz_set_load(text, len, sets, &nsets, &d, &s) != 0 &&
            (d.count == 0 || s || fuzz_set_positions_ok(&d, sets, nsets) != 0)) {
            fprintf(stderr, "%s: --set load failed without a positioned diagnostic\n", path);
            bad++;
        }
        fuzz_set_free(sets, nsets);
        cc_scenario_free(s);
        s = NULL;
        cc_diag_clear(&d);
        cc_diag_init(&d);
    }
    /* no folder: like the fuzzer, the input can include only the default */
    if (cc_scenario_load_text(text, len, "<fuzz>", NULL, 0, &d, &s) != 0) {
        if (d.count == 0 || s) {
            fprintf(stderr, "%s: scenario load failed without a diagnostic\n", path);
            bad++;
        }
    } else {
        char *r1 = cc_scenario_resolved_yaml(s);
        cc_scenario *s2 = NULL;
        cc_diag d2;
        cc_diag_init(&d2);
        if (!r1 || cc_scenario_load_text(r1, strlen(r1), "<resolved>", NULL, 0, &d2, &s2) != 0) {
            fprintf(stderr, "%s: the resolved scenario does not load\n", path);
            bad++;
        } else {
            char *r2 = cc_scenario_resolved_yaml(s2);
            if (!r2 || strcmp(r1, r2) != 0) {
                fprintf(stderr, "%s: the resolved scenario changes on a round trip\n", path);
                bad++;
            }
            free(r2);
        }
        cc_diag_clear(&d2);
        cc_scenario_free(s2);
        free(r1);
    }
    cc_scenario_free(s);
    cc_diag_clear(&d);
    cc_pathogen *p = NULL;
    if (cc_pathogen_load_text(text, len, "fuzz.yaml", &d, &p) != 0 && (d.count == 0 || p)) {
        fprintf(stderr, "%s: pathogen load failed without a diagnostic\n", path);
        bad++;
    }
    cc_pathogen_free(p);
    cc_diag_clear(&d);
    if (fx_readers(text, len, scratch_ckpt) != 0) {
        fprintf(stderr, "%s: a calibration reader broke its promise\n", path);
        bad++;
    }
    double dt = now() - t0;
    if (dt > SLOW_SECONDS) {
        fprintf(stderr, "%s: took %.1f s\n", path, dt);
        bad++;
    }
    free(text);
    return bad;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay every file of a folder; returns the number of files replayed. */
static int replay_dir(const char *rel, int *bad)
{
    char *dir = cc_asprintf("%s/%s", CARCER_SOURCE_DIR, rel);
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    char *names[4096];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp)) && n < 4096)
        if (e->d_name[0] != '.')
            names[n++] = cc_strdup(e->d_name);
    closedir(dp);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    for (int i = 0; i < n; i++) {
        char *path = cc_asprintf("%s/%s", dir, names[i]);
        *bad += replay(path);
        free(path);
        free(names[i]);
    }
    free(dir);
    return n;
}

static void test_regressions(void **state)
{
    (void)state;
    int bad = 0;
    int n = replay_dir("tests/fuzz_regressions", &bad);
    assert_true(n >= 4);
    assert_int_equal(bad, 0);
}

static void test_seed_corpus(void **state)
{
    (void)state;
    int bad = 0;
    int n = replay_dir("scenarios", &bad) + replay_dir("pathogens", &bad) +
            replay_dir("tests/bad", &bad) + replay_dir("tests/bad_pathogens", &bad) +
            replay_dir("fuzz/seeds", &bad);
    assert_true(n >= 43);
    /* the report reader's seeds are real output folders: each writes a page */
    assert_true(replay_dir("fuzz/report_seeds", &bad) >= 5);
    assert_int_equal(bad, 0);
}

int main(void)
{
    char *dir = tu_tmpdir();
    scratch_ckpt = cc_asprintf("%s/checkpoint", dir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regressions),
        cmocka_unit_test(test_seed_corpus),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(scratch_ckpt);
    free(dir);
    return rc;
}
