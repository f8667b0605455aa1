/* test_outdir.c - an output folder as one unit: staged files appear only on
 * commit, the previous run's files do not survive, a second writer is
 * refused, bad targets fail at open, stale staging folders of dead writers
 * are removed, the ordered file's bytes do not depend on the order parts
 * arrive, and verify catches a folder that mixes two runs. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "outdir.h"
#include "testutil.h"
#include "util.h"

/* Entries of dir (hidden ones included, . and .. not). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static int exists(const char *dir, const char *name)
{
    char *p = cc_asprintf("%s/%s", dir, name);
    int r = access(p, F_OK) == 0;
    free(p);
    return r;
}

static void stage_commit(const char *out, const char *name, const char *text, const char *id)
{
    cc_diag d = {0};
    cc_outdir *o = NULL;
    assert_int_equal(cc_outdir_open(out, &d, &o), 0);
    assert_int_equal(cc_outdir_stage(o, name, text, strlen(text), &d), 0);
    cc_outdir_set_run(o, id, "run");
    assert_int_equal(cc_outdir_commit(o, &d), 0);
    cc_outdir_free(o);
    assert_int_equal(d.count, 0);
}

static void files_appear_only_on_commit_and_replace_the_previous_run(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *out = cc_asprintf("%s/out", dir);
    cc_diag d = {0};
    cc_outdir *o = NULL;
    assert_int_equal(cc_outdir_open(out, &d, &o), 0);
    assert_int_equal(cc_outdir_stage(o, "a.csv", "hello\n", 6, &d), 0);
    /* staged: the target does not exist yet; abandoned: nothing left but the lock */
    assert_int_not_equal(access(out, F_OK), 0);
    cc_outdir_free(o);
    assert_int_not_equal(access(out, F_OK), 0);
    assert_int_equal(count_entries(dir), 0); /* the lock file goes with its holder */

    stage_commit(out, "a.csv", "hello\n", "0000000000000001");
    assert_true(exists(out, "a.csv"));
    assert_true(exists(out, "run.json"));
    assert_int_equal(count_entries(dir), 1); /* out: no staging, no lock left */
    /* a second run that writes only b.csv: nothing of the first survives */
    stage_commit(out, "b.csv", "world\n", "0000000000000002");
    assert_false(exists(out, "a.csv"));
    assert_true(exists(out, "b.csv"));
    assert_int_equal(count_entries(out), 2);
    assert_int_equal(count_entries(dir), 1);
    assert_int_equal(cc_outdir_verify(out, &d), 0);
    size_t len;
    char *p = cc_asprintf("%s/run.json", out);
    char *text = tu_read_file(p, &len);
    assert_non_null(strstr(text, "\"run_id\": \"0000000000000002\""));
    assert_non_null(strstr(text, "\"b.csv\": {\"bytes\": 6,"));
    free(text);
    free(p);
    free(out);
    free(dir);
}

static void a_second_writer_is_refused_until_the_first_ends(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *out = cc_asprintf("%s/out", dir);
    cc_diag d = {0};
    cc_outdir *o = NULL;
    assert_int_equal(cc_outdir_open(out, &d, &o), 0);
    /* flock locks belong to the open file: a child opening anew contends */
    pid_t pid = fork();
    if (pid == 0) {
        cc_diag d2 = {0};
        cc_outdir *o2 = NULL;
        int rc = cc_outdir_open(out, &d2, &o2);
        char *m = d2.kept ? cc_diag_format(&d2, 0) : NULL;
        _exit(rc == -1 && m && strstr(m, "another carcer (process") ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cc_outdir_free(o);
    /* released: a new writer gets in */
    assert_int_equal(cc_outdir_open(out, &d, &o), 0);
    cc_outdir_free(o);
    free(out);
    free(dir);
}

static void expect_open_error(const char *target, const char *part)
{
    cc_diag d = {0};
    cc_outdir *o = NULL;
    assert_int_equal(cc_outdir_open(target, &d, &o), -1);
    assert_null(o);
    assert_true(d.kept >= 1);
    char *m = cc_diag_format(&d, 0);
    if (!strstr(m, part))
        fail_msg("open %s: '%s' lacks '%s'", target, m, part);
    free(m);
    cc_diag_clear(&d);
}

static void bad_targets_fail_at_open(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *missing = cc_asprintf("%s/no/such/out", dir);
    expect_open_error(missing, "parent folder");
    char *file = cc_asprintf("%s/file", dir);
    FILE *f = fopen(file, "w");
    fputs("x\n", f);
    fclose(f);
    expect_open_error(file, "is not a folder");
    char *under_file = cc_asprintf("%s/file/out", dir);
    expect_open_error(under_file, "not a folder");
    char *foreign = cc_asprintf("%s/mine", dir);
    mkdir(foreign, 0755);
    char *notes = cc_asprintf("%s/notes.txt", foreign);
    f = fopen(notes, "w");
    fputs("mine\n", f);
    fclose(f);
    expect_open_error(foreign, "'notes.txt', which carcer did not write");
    assert_int_equal(access(notes, F_OK), 0);
    expect_open_error(".", "name of an output folder");
    if (geteuid() != 0) { /* root writes anywhere */
        char *ro = cc_asprintf("%s/ro", dir);
        mkdir(ro, 0555);
        char *inside = cc_asprintf("%s/out", ro);
        expect_open_error(inside, "no permission");
        chmod(ro, 0755);
        free(inside);
        free(ro);
    }
    free(notes);
    free(foreign);
    free(under_file);
    free(file);
    free(missing);
    free(dir);
}

static void stale_staging_of_dead_writers_is_removed(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *out = cc_asprintf("%s/out", dir);
    /* a writer killed while staging: a child that exits without cleaning */
    pid_t pid = fork();
    if (pid == 0) {
        cc_diag d = {0};
        cc_outdir *o = NULL;
        if (cc_outdir_open(out, &d, &o) != 0 || cc_outdir_stage(o, "a.csv", "x\n", 2, &d) != 0)
            _exit(1);
        _exit(0); /* no free: as after SIGKILL */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(count_entries(dir), 2); /* the lock and the dead writer's staging */
    /* a live writer's staging (this process) is kept */
    char *live = cc_asprintf("%s/.out.carcer-stage.%ld.keep", dir, (long)getpid());
    mkdir(live, 0755);
    cc_diag d = {0};
    cc_outdir *o = NULL;
    assert_int_equal(cc_outdir_open(out, &d, &o), 0);
    cc_outdir_free(o);
    assert_int_equal(count_entries(dir), 1); /* the live one */
    assert_int_equal(access(live, F_OK), 0);
    rmdir(live);
    free(live);
    free(out);
    free(dir);
}

static void ordered_parts_give_the_same_bytes_in_any_order(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    const int order[2][4] = {{0, 1, 2, 3}, {3, 1, 0, 2}};
    char *text[2];
    for (int t = 0; t < 2; t++) {
        char *out = cc_asprintf("%s/out%d", dir, t);
        cc_diag d = {0};
        cc_outdir *o = NULL;
        assert_int_equal(cc_outdir_open(out, &d, &o), 0);
        assert_int_equal(cc_outdir_ordered_begin(o, "ts.csv", "h\n", 4, &d), 0);
        for (int i = 0; i < 4; i++)
            assert_int_equal(
                cc_outdir_ordered_put(o, order[t][i], cc_asprintf("r%d\n", order[t][i]), &d), 0);
        assert_int_equal(cc_outdir_ordered_end(o, &d), 0);
        cc_outdir_set_run(o, "00000000000000aa", "run");
        assert_int_equal(cc_outdir_commit(o, &d), 0);
        cc_outdir_free(o);
        char *p = cc_asprintf("%s/ts.csv", out);
        size_t len;
        text[t] = tu_read_file(p, &len);
        free(p);
        free(out);
    }
    assert_string_equal(text[0], "h\nr0\nr1\nr2\nr3\n");
    assert_string_equal(text[1], text[0]);
    free(text[0]);
    free(text[1]);
    /* a missing part: end refuses, and commit with the file open too */
    char *out = cc_asprintf("%s/out2", dir);
    cc_diag d = {0};
    cc_outdir *o = NULL;
    assert_int_equal(cc_outdir_open(out, &d, &o), 0);
    assert_int_equal(cc_outdir_ordered_begin(o, "ts.csv", "h\n", 3, &d), 0);
    assert_int_equal(cc_outdir_ordered_put(o, 2, cc_asprintf("r2\n"), &d), 0);
    assert_int_equal(cc_outdir_ordered_put(o, 0, cc_asprintf("r0\n"), &d), 0);
    cc_outdir_set_run(o, "00000000000000aa", "run");
    assert_int_equal(cc_outdir_commit(o, &d), -1);
    assert_int_equal(cc_outdir_ordered_end(o, &d), -1);
    cc_outdir_free(o);
    cc_diag_clear(&d);
    assert_int_not_equal(access(out, F_OK), 0);
    free(out);
    free(dir);
}

static void verify_catches_files_of_different_runs(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *out = cc_asprintf("%s/out", dir);
    stage_commit(out, "summary.json", "{\n  \"run_id\": \"00000000000000aa\"\n}\n",
                 "00000000000000aa");
    cc_diag d = {0};
    assert_int_equal(cc_outdir_verify(out, &d), 0);
    /* a file changed after the run */
    char *p = cc_asprintf("%s/summary.json", out);
    FILE *f = fopen(p, "w");
    fputs("{\n  \"run_id\": \"00000000000000bb\"\n}\n", f);
    fclose(f);
    assert_int_equal(cc_outdir_verify(out, &d), -1);
    char *m = cc_diag_format(&d, 0);
    assert_non_null(strstr(m, "mixes the files of different runs"));
    free(m);
    cc_diag_clear(&d);
    /* a carcer file the run did not write */
    stage_commit(out, "summary.json", "{\n  \"run_id\": \"00000000000000aa\"\n}\n",
                 "00000000000000aa");
    char *q = cc_asprintf("%s/replicates.csv", out);
    f = fopen(q, "w");
    fputs("replicate\n0\n", f);
    fclose(f);
    assert_int_equal(cc_outdir_verify(out, &d), -1);
    m = cc_diag_format(&d, 0);
    assert_non_null(strstr(m, "replicates.csv is not one of the files of run 00000000000000aa"));
    free(m);
    cc_diag_clear(&d);
    /* a FIFO in place of a listed file: refused, without blocking */
    stage_commit(out, "timeseries.csv", "day\n0\n", "00000000000000aa");
    char *ts = cc_asprintf("%s/timeseries.csv", out);
    unlink(ts);
    assert_int_equal(mkfifo(ts, 0644), 0);
    assert_int_equal(cc_outdir_verify(out, &d), -1);
    m = cc_diag_format(&d, 0);
    assert_non_null(strstr(m, "timeseries.csv of run 00000000000000aa is missing or not a regular file"));
    free(m);
    cc_diag_clear(&d);
    unlink(ts);
    free(ts);
    stage_commit(out, "summary.json", "{\n  \"run_id\": \"00000000000000aa\"\n}\n",
                 "00000000000000aa");
    /* no run.json but a summary naming a run */
    unlink(q);
    char *r = cc_asprintf("%s/run.json", out);
    unlink(r);
    assert_int_equal(cc_outdir_verify(out, &d), -1);
    cc_diag_clear(&d);
    free(r);
    free(q);
    free(p);
    free(out);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_appear_only_on_commit_and_replace_the_previous_run),
        cmocka_unit_test(a_second_writer_is_refused_until_the_first_ends),
        cmocka_unit_test(bad_targets_fail_at_open),
        cmocka_unit_test(stale_staging_of_dead_writers_is_removed),
        cmocka_unit_test(ordered_parts_give_the_same_bytes_in_any_order),
        cmocka_unit_test(verify_catches_files_of_different_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
