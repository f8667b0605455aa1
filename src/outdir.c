/* outdir.c - an output folder written as one unit (see outdir.h).
 *
 * Invariants: the lock on `.NAME.carcer-lock` is held from open to free, so
 * at most one process stages into or swaps a given target; the staging
 * folder's name carries the pid of its owner, so a later writer (holding
 * the lock) can tell the leftovers of a killed run from a live one and
 * remove them. The target is replaced only when it is missing, empty, or
 * looks like carcer's (it holds run.json, or only names carcer writes), so a
 * mistyped `-o ~` cannot swap away a folder of the user's own files.
 */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE (glibc >= 2.28) */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_internal.h"
#include "util.h"


typedef struct staged_file {
    char *name;
    int fd; /* -1 once ended */
    uint64_t bytes, hash;
} staged_file;

struct carcer_output {
    char *target;  /* as given, without trailing slashes */
    char *parent;  /* the folder that holds target */
    char *base;    /* target's last component */
    char *stage;   /* parent/.BASE.carcer-stage.PID.XXXXXX */
    char *lock;    /* parent/.BASE.carcer-lock */
    int lock_fd;
    int committed;
    int n;
    staged_file file[CC_OUTDIR_MAX_FILES];
    char run_id[17];
    char kind[16];
    /* the ordered file: its index (-1 none), parts expected, next to write,
     * and the parts that arrived early */
    int ord_file, ord_k, ord_next, ord_failed;
    char **ord_pending;
};

/* Files that carcer writes into an output folder; a folder holding only
 * these (or run.json) may be replaced. */
const char *const cc_outdir_names[] = {
    "run.json",     "summary.json", "timeseries.csv", "replicates.csv", "scenario.resolved.yaml",
    "compare.csv",  "compare.json", "report.html",    "targets.csv",
    /* a calibration's (calibrate.c) */
    "posterior.csv", "generations.csv", "calibration.json", "scenario.calibrated.yaml",
    "scenario.calibrating.yaml", "calibration.checkpoint",
    /* a sensitivity analysis's (sensitivity_scenario.c) */
    "sensitivity.csv", "sensitivity.json", "samples.csv", "scenario.sensitivity.yaml",
    "sensitivity.checkpoint", NULL,
};

uint64_t cc_fnv1a64(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL; /* the 64-bit FNV prime */
    }
    return h;
}

void cc_run_id_format(uint64_t h, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

const char *cc_outdir_target(const cc_outdir *o) { return o->target; }

/* ---- removing a folder tree (ours: staged or previous output) ------------ */

/* Remove dirfd's entry `name` and, for a folder, everything in it. Output
 * folders are flat, but an older tree may hold sub-folders: depth is
 * bounded so a hostile tree cannot exhaust the stack. */
static int remove_tree_at(int at, const char *name, int depth)
{
    if (unlinkat(at, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    if (depth > 16)
        return -1;
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    int rc = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (remove_tree_at(dirfd(d), e->d_name, depth + 1) != 0)
            rc = -1;
    }
    closedir(d);
    if (unlinkat(at, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        rc = -1;
    return rc;
}

static int remove_tree(const char *path) { return remove_tree_at(AT_FDCWD, path, 0); }

/* ---- open ------------------------------------------------------------------ */

/* Is the existing folder `dir` one that carcer may replace? 1 yes, 0 no
 * (*what names the first foreign entry), -1 cannot read it. */
static int replaceable(const char *dir, char **what)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int ours = 1, has_manifest = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        const char *n = e->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
            continue;
        if (strcmp(n, "run.json") == 0)
            has_manifest = 1;
        int known = strncmp(n, ".carcer-tmp-", 12) == 0; /* temporaries of older versions */
        for (size_t i = 0; !known && cc_outdir_names[i]; i++)
            known = strcmp(n, cc_outdir_names[i]) == 0;
        if (!known && ours) {
            ours = 0;
            *what = cc_strdup(n);
        }
    }
    closedir(d);
    if (has_manifest) {
        free(*what);
        *what = NULL;
        return 1;
    }
    return ours;
}

/* The pid in a staging name `.BASE.carcer-stage.PID.XXXXXX`, or 0. */
static long stage_owner(const char *name, const char *prefix)
{
    size_t lp = strlen(prefix);
    if (strncmp(name, prefix, lp) != 0)
        return 0;
    char *end;
    long pid = strtol(name + lp, &end, 10);
    return pid > 0 && *end == '.' ? pid : 0;
}

/* Remove the staging folders of `base` left by writers that no longer run
 * (killed, or the machine stopped). Called with the lock held. */
static void remove_stale(const cc_outdir *o)
{
    char *prefix = cc_asprintf(".%s.carcer-stage.", o->base);
    DIR *d = prefix ? opendir(o->parent) : NULL;
    if (!d) {
        free(prefix);
        return;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        long pid = stage_owner(e->d_name, prefix);
        if (pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive, or not ours to ask: leave it */
        remove_tree_at(dirfd(d), e->d_name, 0);
    }
    closedir(d);
    free(prefix);
}

static int fail_open(cc_outdir *o, cc_diag *diag, const char *fmt, const char *a, const char *b)
{
    cc_diag_add(diag, o->target, 0, 0, NULL, NULL, fmt, a, b);
    cc_outdir_free(o);
    return -1;
}

int cc_outdir_open(const char *dir, cc_diag *diag, cc_outdir **out)
{
    *out = NULL;
    cc_outdir *o = calloc(1, sizeof *o);
    if (!o) {
        cc_diag_add(diag, dir, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    o->lock_fd = -1;
    o->ord_file = -1;
    for (int i = 0; i < CC_OUTDIR_MAX_FILES; i++)
        o->file[i].fd = -1;
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    o->target = cc_asprintf("%.*s", (int)len, dir);
    if (!o->target) {
        cc_diag_add(diag, dir, 0, 0, NULL, NULL, "out of memory");
        cc_outdir_free(o);
        return -1;
    }
    const char *slash = strrchr(o->target, '/');
    o->base = cc_strdup(slash ? slash + 1 : o->target);
    o->parent = slash ? cc_asprintf("%.*s", slash == o->target ? 1 : (int)(slash - o->target),
                                    o->target)
                      : cc_strdup(".");
    if (!o->base || !o->parent)
        return fail_open(o, diag, "out of memory%s%s", "", "");
    if (!*o->base || strcmp(o->base, ".") == 0 || strcmp(o->base, "..") == 0 ||
        strcmp(o->target, "/") == 0)
        return fail_open(o, diag,
                         "expected the name of an output folder (carcer replaces the whole "
                         "folder), got '%s'%s",
                         o->target, "");

    struct stat st;
    if (stat(o->parent, &st) != 0)
        return fail_open(o, diag, "cannot write the output: its parent folder %s: %s",
                         o->parent, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return fail_open(o, diag, "cannot write the output: %s is not a folder%s", o->parent,
                         "");
    if (access(o->parent, W_OK | X_OK) != 0)
        return fail_open(o, diag,
                         "cannot write the output: no permission to create files in %s (%s)",
                         o->parent, strerror(errno));
    if (lstat(o->target, &st) == 0) {
        if (S_ISLNK(st.st_mode))
            return fail_open(o, diag,
                             "cannot write the output: %s is a symbolic link; carcer replaces "
                             "the whole folder, so name the folder itself%s",
                             o->target, "");
        if (!S_ISDIR(st.st_mode))
            return fail_open(o, diag, "cannot write the output: %s exists and is not a folder%s",
                             o->target, "");
        if (access(o->target, W_OK | X_OK) != 0)
            return fail_open(o, diag, "cannot write the output: the folder %s is not writable (%s)",
                             o->target, strerror(errno));
    } else if (errno != ENOENT) {
        return fail_open(o, diag, "cannot write the output: %s: %s", o->target, strerror(errno));
    }

    /* the lock: one writer per target at a time; a second fails at once.
     * The holder removes the lock file when it ends, so a writer that got
     * the lock on a file since removed retries on the new one (the usual
     * open-lock-check-inode loop). */
    o->lock = cc_asprintf("%s/.%s.carcer-lock", o->parent, o->base);
    if (!o->lock)
        return fail_open(o, diag, "out of memory%s%s", "", "");
    for (int tries = 0;; tries++) {
        o->lock_fd = open(o->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (o->lock_fd < 0)
            return fail_open(o, diag, "cannot create the lock file %s: %s", o->lock,
                             strerror(errno));
        if (flock(o->lock_fd, LOCK_EX | LOCK_NB) != 0) {
            char holder[32] = "";
            ssize_t r = pread(o->lock_fd, holder, sizeof holder - 1, 0);
            holder[r > 0 ? r : 0] = '\0';
            holder[strcspn(holder, "\n")] = '\0';
            cc_diag_add(diag, o->target, 0, 0, NULL, NULL,
                        "another carcer (process %s) is writing this output folder; wait for "
                        "it to end or choose another folder with -o",
                        *holder ? holder : "unknown");
            close(o->lock_fd);
            o->lock_fd = -1;
            cc_outdir_free(o);
            return -1;
        }
        struct stat a, b;
        if (fstat(o->lock_fd, &a) == 0 && stat(o->lock, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev)
            break;
        close(o->lock_fd); /* removed by the previous holder meanwhile: again */
        o->lock_fd = -1;
        if (tries > 100)
            return fail_open(o, diag, "cannot lock %s%s", o->lock, "");
    }
    char pid[24];
    int np = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(o->lock_fd, 0) != 0 || pwrite(o->lock_fd, pid, (size_t)np, 0) != np) {
        /* the pid only serves the message of a second writer */
    }

    /* checked under the lock: what it holds cannot change now */
    if (lstat(o->target, &st) == 0) {
        char *what = NULL;
        int ok = replaceable(o->target, &what);
        if (ok <= 0) {
            cc_diag_add(diag, o->target, 0, 0, NULL, NULL,
                        ok < 0 ? "cannot read the output folder: %s"
                               : "the output folder holds '%s', which carcer did not write; "
                                 "carcer replaces the whole folder, so name a new or empty one",
                        ok < 0 ? strerror(errno) : what);
            free(what);
            cc_outdir_free(o);
            return -1;
        }
    }
    remove_stale(o);
    o->stage = cc_asprintf("%s/.%s.carcer-stage.%ld.XXXXXX", o->parent, o->base, (long)getpid());
    if (!o->stage)
        return fail_open(o, diag, "out of memory%s%s", "", "");
    if (!mkdtemp(o->stage)) {
        int e = errno;
        free(o->stage);
        o->stage = NULL;
        return fail_open(o, diag, "cannot create a staging folder in %s: %s", o->parent,
                         strerror(e));
    }
    if (chmod(o->stage, 0755) != 0) {
        /* mkdtemp gives 0700: the results are meant to be read by others too */
    }
    *out = o;
    return 0;
}

/* ---- staging ------------------------------------------------------------------ */

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int cc_outdir_begin(cc_outdir *o, const char *name, cc_diag *diag)
{
    if (o->n >= CC_OUTDIR_MAX_FILES || strchr(name, '/') || !*name || name[0] == '.') {
        cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "cannot stage '%s' (too many files or "
                    "not a plain name)", name);
        return -1;
    }
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->file[i].name, name) == 0) {
            cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "%s is staged twice", name);
            return -1;
        }
    char *path = cc_asprintf("%s/%s", o->stage, name);
    staged_file *f = &o->file[o->n];
    f->name = cc_strdup(name);
    f->fd = path && f->name ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
    int e = errno;
    free(path);
    if (f->fd < 0) {
        free(f->name);
        f->name = NULL;
        cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "cannot write %s: %s", name,
                    strerror(e));
        return -1;
    }
    f->bytes = 0;
    f->hash = CC_FNV_OFFSET;
    return o->n++;
}

int cc_outdir_append(cc_outdir *o, int file, const void *data, size_t len, cc_diag *diag)
{
    staged_file *f = &o->file[file];
    if (write_all(f->fd, data, len) != 0) {
        cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "cannot write %s: %s", f->name,
                    strerror(errno));
        return -1;
    }
    f->bytes += len;
    f->hash = cc_fnv1a64(f->hash, data, len);
    return 0;
}

int cc_outdir_end(cc_outdir *o, int file, cc_diag *diag)
{
    staged_file *f = &o->file[file];
    int rc = fsync(f->fd);
    int e = errno;
    if (close(f->fd) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    f->fd = -1;
    if (rc != 0)
        cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "cannot write %s: %s", f->name,
                    strerror(e));
    return rc;
}

int cc_outdir_stage(cc_outdir *o, const char *name, const void *data, size_t len,
                    cc_diag *diag)
{
    int f = cc_outdir_begin(o, name, diag);
    if (f < 0)
        return -1;
    if (cc_outdir_append(o, f, data, len, diag) != 0) {
        close(o->file[f].fd);
        o->file[f].fd = -1;
        return -1;
    }
    return cc_outdir_end(o, f, diag);
}

/* ---- a file in ordered parts --------------------------------------------------- */

int cc_outdir_ordered_begin(cc_outdir *o, const char *name, const char *head, int k,
                            cc_diag *diag)
{
    if (o->ord_file >= 0 || k < 1) {
        cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "cannot stage %s in parts", name);
        return -1;
    }
    o->ord_pending = calloc((size_t)k, sizeof *o->ord_pending);
    if (!o->ord_pending) {
        cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    int f = cc_outdir_begin(o, name, diag);
    if (f < 0 || cc_outdir_append(o, f, head, strlen(head), diag) != 0) {
        free(o->ord_pending);
        o->ord_pending = NULL;
        return -1;
    }
    o->ord_file = f;
    o->ord_k = k;
    o->ord_next = 0;
    o->ord_failed = 0;
    return 0;
}

int cc_outdir_ordered_open(const cc_outdir *o) { return o->ord_file >= 0; }

/* Append the parts that can go now; called inside the critical section. */
static void ordered_flush(cc_outdir *o, cc_diag *diag)
{
    while (o->ord_next < o->ord_k && o->ord_pending[o->ord_next]) {
        char *t = o->ord_pending[o->ord_next];
        if (!o->ord_failed && cc_outdir_append(o, o->ord_file, t, strlen(t), diag) != 0)
            o->ord_failed = 1;
        free(t);
        o->ord_pending[o->ord_next++] = NULL;
    }
}

int cc_outdir_ordered_put(cc_outdir *o, int r, char *text, cc_diag *diag)
{
    int failed;
#ifdef _OPENMP
#pragma omp critical(cc_outdir_ordered)
#endif
    {
        if (!text || r < 0 || r >= o->ord_k || o->ord_pending[r] || r < o->ord_next) {
            if (!text)
                cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "out of memory");
            free(text);
            o->ord_failed = 1;
        } else {
            o->ord_pending[r] = text;
            ordered_flush(o, diag);
        }
        failed = o->ord_failed;
    }
    return failed ? -1 : 0;
}

int cc_outdir_ordered_end(cc_outdir *o, cc_diag *diag)
{
    int f = o->ord_file;
    if (f < 0)
        return -1;
    int bad = o->ord_failed || o->ord_next != o->ord_k;
    o->ord_file = -1;
    for (int r = 0; r < o->ord_k; r++)
        free(o->ord_pending[r]);
    free(o->ord_pending);
    o->ord_pending = NULL;
    if (bad) {
        if (!o->ord_failed)
            cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "%s lacks parts of the run",
                        o->file[f].name);
        close(o->file[f].fd);
        o->file[f].fd = -1;
        return -1;
    }
    return cc_outdir_end(o, f, diag);
}

/* ---- commit ---------------------------------------------------------------------- */

static int sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Swap stage and target. 0, or -1 with errno (target unchanged). */
static int swap_in(cc_outdir *o)
{
    struct stat st;
    if (lstat(o->target, &st) != 0)
        return rename(o->stage, o->target); /* no previous run */
#ifdef RENAME_EXCHANGE
    if (renameat2(AT_FDCWD, o->stage, AT_FDCWD, o->target, RENAME_EXCHANGE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
#endif
    /* no atomic exchange here: previous run aside, then the new one in */
    char *aside = cc_asprintf("%s.old", o->stage);
    if (!aside) {
        errno = ENOMEM;
        return -1;
    }
    if (rename(o->target, aside) != 0) {
        free(aside);
        return -1;
    }
    if (rename(o->stage, o->target) != 0) {
        int e = errno;
        if (rename(aside, o->target) != 0) {
            /* the previous run stays at `aside` (a staging name: removed
             * by the next writer) */
        }
        free(aside);
        errno = e;
        return -1;
    }
    /* the previous folder now lives at the staging name, as after an exchange */
    if (rename(aside, o->stage) != 0)
        remove_tree(aside); /* what commit would have removed at the staging name */
    free(aside);
    return 0;
}

void cc_outdir_set_run(cc_outdir *o, const char *run_id, const char *kind)
{
    snprintf(o->run_id, sizeof o->run_id, "%s", run_id);
    snprintf(o->kind, sizeof o->kind, "%s", kind);
}

int cc_outdir_commit(cc_outdir *o, cc_diag *diag)
{
    const char *run_id = o->run_id, *kind = o->kind;
    if (!*run_id || o->ord_file >= 0) {
        cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "the output is not complete");
        return -1;
    }
    cc_buf b = {0};
    cc_buf_printf(&b, "{\n  \"run_id\": \"%s\",\n  \"kind\": \"%s\",\n  \"carcer_version\": "
                      "\"%s\",\n  \"files\": {\n",
                  run_id, kind, CARCER_VERSION);
    for (int i = 0; i < o->n; i++) {
        if (o->file[i].fd >= 0) {
            cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "%s was not finished",
                        o->file[i].name);
            cc_buf_free(&b);
            return -1;
        }
        char h[17];
        cc_run_id_format(o->file[i].hash, h);
        cc_buf_printf(&b, "    \"%s\": {\"bytes\": %llu, \"fnv1a64\": \"%s\"}%s\n",
                      o->file[i].name, (unsigned long long)o->file[i].bytes, h,
                      i + 1 < o->n ? "," : "");
    }
    cc_buf_printf(&b, "  }\n}\n");
    if (b.failed) {
        cc_buf_free(&b);
        cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    /* run.json is not listed in itself: it is the list */
    char *path = cc_asprintf("%s/run.json", o->stage);
    int fd = path ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
    free(path);
    int rc = fd >= 0 ? write_all(fd, b.data, b.len) : -1;
    if (fd >= 0 && (fsync(fd) != 0 || rc != 0))
        rc = -1;
    if (fd >= 0 && close(fd) != 0)
        rc = -1;
    cc_buf_free(&b);
    if (rc != 0 || sync_dir(o->stage) != 0) {
        cc_diag_add(diag, o->target, 0, 0, NULL, NULL, "cannot write run.json: %s",
                    strerror(errno));
        return -1;
    }
    if (swap_in(o) != 0) {
        cc_diag_add(diag, o->target, 0, 0, NULL, NULL,
                    "cannot move the results into place: %s", strerror(errno));
        return -1;
    }
    o->committed = 1;
    if (sync_dir(o->parent) != 0) {
        /* the swap is done; a failed sync of the parent only risks it on a
         * power loss, and the results are whole either way */
    }
    /* the previous run, now at the staging name */
    remove_tree(o->stage);
    return 0;
}

void cc_outdir_free(cc_outdir *o)
{
    if (!o)
        return;
    for (int i = 0; i < o->n; i++) {
        if (o->file[i].fd >= 0)
            close(o->file[i].fd);
        free(o->file[i].name);
    }
    for (int r = 0; o->ord_pending && r < o->ord_k; r++)
        free(o->ord_pending[r]);
    free(o->ord_pending);
    if (o->stage && !o->committed)
        remove_tree(o->stage);
    if (o->lock_fd >= 0) {
        unlink(o->lock); /* while holding it: see open */
        close(o->lock_fd);
    }
    free(o->lock);
    free(o->stage);
    free(o->target);
    free(o->parent);
    free(o->base);
    free(o);
}

/* ---- the public face (carcer.h) ------------------------------------------------------ */

carcer_status carcer_output_open(const char *dir, carcer_diag *diag, carcer_output **out)
{
    *out = NULL;
    return cc_outdir_open(dir, &diag->d, out) == 0 ? CARCER_OK : CARCER_IO;
}

carcer_status carcer_output_commit(carcer_output *o, carcer_diag *diag)
{
    return cc_outdir_commit(o, &diag->d) == 0 ? CARCER_OK : CARCER_IO;
}

void carcer_output_free(carcer_output *o) { cc_outdir_free(o); }
