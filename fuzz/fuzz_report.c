/* fuzz_report.c - libFuzzer harness of the report reader
 * (carcer_report_write): the files of an output folder as `carcer report`
 * reads them. Every input writes a page or fails with a diagnostic, never
 * crashes, leaks or hangs.
 *
 * The library prints nothing: stderr goes to a file of the folder while
 * the report is made, and anything written there is a finding.
 *
 * An input is up to eight files separated by the byte 0x1e (the ASCII
 * record separator, which no file carcer writes contains):
 *
 *   summary.json 0x1e timeseries.csv 0x1e compare.json 0x1e sensitivity.csv
 *   0x1e targets.csv 0x1e replicates.csv 0x1e run.json
 *   0x1e timeseries_quantiles.csv
 *
 * A part that is missing or empty is not written, so an input that starts
 * with 0x1e 0x1e is a comparison's folder (compare.json alone), one that
 * starts with three a sensitivity analysis's (sensitivity.csv alone), and one
 * without a separator is a summary.json without its daily series. The
 * folder lives in /dev/shm when there is one (the report is written through
 * a temporary that is synced, which costs little there).
 */
#define _POSIX_C_SOURCE 200809L
#include <carcer/carcer.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NPARTS 8
static const char *const part_name[NPARTS] = {
    "summary.json", "timeseries.csv", "compare.json", "sensitivity.csv",
    "targets.csv",  "replicates.csv", "run.json",     "timeseries_quantiles.csv"};

/* The one folder the process writes into, made at the first input and
 * removed at exit (a harness, not library code: it may keep this state). */
static char dir[256];

static void remove_folder(void)
{
    char path[512];
    for (int i = 0; i < NPARTS; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, part_name[i]);
        unlink(path);
    }
    rmdir(dir);
}

static int folder(void)
{
    if (dir[0])
        return 0;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/carcer-fuzz-report-XXXXXX", base);
    if (!mkdtemp(dir))
        return -1;
    atexit(remove_folder);
    return 0;
}

static void put_file(const char *name, const uint8_t *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
    if (len == 0)
        return;
    FILE *fp = fopen(path, "wb");
    if (!fp)
        abort();
    if (fwrite(data, 1, len, fp) != len)
        abort();
    fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (folder() != 0)
        abort();
    const uint8_t *start = data, *end = data + size;
    for (int i = 0; i < NPARTS; i++) {
        const uint8_t *sep = start < end ? memchr(start, 0x1e, (size_t)(end - start)) : NULL;
        const uint8_t *stop = sep && i < NPARTS - 1 ? sep : end;
        put_file(part_name[i], start, start < end ? (size_t)(stop - start) : 0);
        start = stop < end ? stop + 1 : end;
    }
    char out[512];
    snprintf(out, sizeof out, "%s/report.html", dir);
    carcer_diag *diag = carcer_diag_new();
    if (!diag)
        return 0;
    char errpath[512];
    snprintf(errpath, sizeof errpath, "%s/stderr", dir);
    fflush(stderr);
    int saved = dup(2);
    int errfd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (saved < 0 || errfd < 0 || dup2(errfd, 2) < 0)
        abort();
    carcer_status st = carcer_report_write(dir, out, diag);
    fflush(stderr);
    off_t printed = lseek(errfd, 0, SEEK_END);
    dup2(saved, 2);
    close(saved);
    close(errfd);
    unlink(errpath);
    if (printed > 0) {
        fprintf(stderr, "the report reader printed %lld bytes on stderr\n", (long long)printed);
        abort();
    }
    if (st != CARCER_OK && st != CARCER_NOMEM && carcer_diag_count(diag) == 0) {
        fprintf(stderr, "report failed without a diagnostic: %s\n", carcer_status_text(st));
        abort();
    }
    for (int i = 0; i < carcer_diag_count(diag); i++)
        (void)carcer_diag_message(diag, i);
    carcer_diag_free(diag);
    unlink(out);
    return 0;
}
