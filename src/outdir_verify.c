/* outdir_verify.c - do the files of an output folder belong to one run?
 * (cc_outdir_verify, see outdir.h). Reads run.json as carcer writes it, line
 * by line (no general JSON parser for a file that may be hostile), and
 * checks each listed file's size and FNV-1a checksum, streaming it. Every
 * file is opened without blocking and must be a regular file, so a FIFO or
 * a device in the folder cannot hang the report. */
#define _POSIX_C_SOURCE 200809L
#include "outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Read at most max bytes of dir/name (a regular file; a FIFO or device is
 * refused without blocking). NULL when missing (errno ENOENT) or bad. */
static char *read_small(const char *dir, const char *name, size_t max, size_t *len)
{
    char *path = cc_asprintf("%s/%s", dir, name);
    int fd = path ? open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
    free(path);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *text = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (text = malloc(max + 1)) != NULL) {
        ssize_t r = read(fd, text, max);
        if (r < 0) {
            free(text);
            text = NULL;
        } else {
            text[r] = '\0';
            *len = (size_t)r;
        }
    }
    close(fd);
    return text;
}

/* Size and checksum of dir/name: 0, or -1 when it cannot be read. */
static int checksum(const char *dir, const char *name, uint64_t *bytes, uint64_t *hash)
{
    char *path = cc_asprintf("%s/%s", dir, name);
    int fd = path ? open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
    free(path);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    char buf[65536];
    *bytes = 0;
    *hash = CC_FNV_OFFSET;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        *bytes += (uint64_t)r;
        *hash = cc_fnv1a64(*hash, buf, (size_t)r);
    }
    close(fd);
    return 0;
}

/* The 16 hex digits after `"run_id": "` in text, or "" when absent. */
static void find_run_id(const char *text, char out[17])
{
    out[0] = '\0';
    const char *p = text ? strstr(text, "\"run_id\": \"") : NULL;
    if (!p)
        return;
    p += 11;
    size_t n = strspn(p, "0123456789abcdef");
    if (n == 16 && p[16] == '"') {
        memcpy(out, p, 16);
        out[16] = '\0';
    }
}

int cc_outdir_verify(const char *dir, cc_diag *diag)
{
    size_t len = 0;
    errno = 0;
    char *manifest = read_small(dir, "run.json", 1 << 16, &len);
    int bad = 0;
    /* files that name their run id: the JSON summaries */
    static const char *const keyed[] = {"summary.json", "compare.json"};
    if (!manifest) {
        if (errno != ENOENT) {
            cc_diag_add(diag, dir, 0, 0, NULL, NULL, "run.json cannot be read");
            return -1;
        }
        /* an older carcer wrote no run.json; a newer summary without it is
         * a folder assembled from pieces */
        for (size_t i = 0; i < sizeof keyed / sizeof keyed[0]; i++) {
            char *t = read_small(dir, keyed[i], 1 << 12, &len);
            char id[17];
            find_run_id(t, id);
            free(t);
            if (*id) {
                cc_diag_add(diag, dir, 0, 0, NULL, NULL,
                            "%s names run %s but the folder has no run.json: it does not hold "
                            "one run's files",
                            keyed[i], id);
                bad = 1;
            }
        }
        return bad ? -1 : 0;
    }
    char run_id[17];
    find_run_id(manifest, run_id);
    if (!*run_id) {
        cc_diag_add(diag, dir, 0, 0, NULL, NULL, "run.json: expected a \"run_id\" of 16 hex "
                    "digits, as carcer writes it");
        free(manifest);
        return -1;
    }
    int nfiles = 0;
    char listed[CC_OUTDIR_MAX_FILES][64];
    for (char *line = strtok(manifest, "\n"); line; line = strtok(NULL, "\n")) {
        char name[64], hex[17];
        unsigned long long bytes;
        if (sscanf(line, " \"%63[A-Za-z0-9_.-]\": {\"bytes\": %llu, \"fnv1a64\": \"%16[0-9a-f]\"}",
                   name, &bytes, hex) != 3)
            continue;
        if (nfiles < CC_OUTDIR_MAX_FILES)
            memcpy(listed[nfiles], name, sizeof name);
        nfiles++;
        if (name[0] == '.') {
            cc_diag_add(diag, dir, 0, 0, NULL, NULL, "run.json lists '%s', not a file name", name);
            bad = 1;
            continue;
        }
        uint64_t got_bytes, got_hash;
        char got[17];
        if (checksum(dir, name, &got_bytes, &got_hash) != 0) {
            cc_diag_add(diag, dir, 0, 0, NULL, NULL,
                        "%s of run %s is missing or not a regular file", name, run_id);
            bad = 1;
            continue;
        }
        cc_run_id_format(got_hash, got);
        if (got_bytes != bytes || strcmp(got, hex) != 0) {
            cc_diag_add(diag, dir, 0, 0, NULL, NULL,
                        "%s is not the file run %s wrote (%llu bytes, checksum %s; run.json "
                        "says %llu bytes, %s): the folder mixes the files of different runs",
                        name, run_id, (unsigned long long)got_bytes, got, bytes, hex);
            bad = 1;
        }
    }
    if (nfiles == 0) {
        cc_diag_add(diag, dir, 0, 0, NULL, NULL, "run.json lists no file");
        bad = 1;
    }
    /* a file carcer writes, present but not of this run */
    for (size_t i = 0; cc_outdir_names[i]; i++) {
        const char *n = cc_outdir_names[i];
        if (strcmp(n, "run.json") == 0 || strcmp(n, "report.html") == 0)
            continue;
        int found = 0;
        for (int j = 0; j < nfiles && j < CC_OUTDIR_MAX_FILES && !found; j++)
            found = strcmp(listed[j], n) == 0;
        char *path = found ? NULL : cc_asprintf("%s/%s", dir, n);
        if (path && access(path, F_OK) == 0) {
            cc_diag_add(diag, dir, 0, 0, NULL, NULL,
                        "%s is not one of the files of run %s (run.json does not list it): "
                        "the folder mixes the files of different runs",
                        n, run_id);
            bad = 1;
        }
        free(path);
    }
    for (size_t i = 0; i < sizeof keyed / sizeof keyed[0]; i++) {
        char *t = read_small(dir, keyed[i], 1 << 12, &len);
        if (!t)
            continue;
        char id[17];
        find_run_id(t, id);
        free(t);
        if (strcmp(id, run_id) != 0) {
            cc_diag_add(diag, dir, 0, 0, NULL, NULL, "%s names run '%s' but run.json names %s",
                        keyed[i], id, run_id);
            bad = 1;
        }
    }
    free(manifest);
    return bad ? -1 : 0;
}

