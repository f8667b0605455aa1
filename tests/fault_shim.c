/* fault_shim.c - an LD_PRELOAD library that makes the Nth output operation
 * of the carcer tool fail or kills the process there, for
 * tests/faults_output.sh.
 *
 * Counted operations: write() to a descriptor above 2 (the output files;
 * stdout and stderr are not counted), rename() and renameat2(). With
 * CARCER_FAULT_AT=N, the Nth of them fails with EIO (CARCER_FAULT_MODE=fail)
 * or kills the process with SIGKILL before it happens (=kill), and the file
 * named by CARCER_FAULT_HIT is created so the test knows it struck (past
 * the last operation the run ends normally and the loop stops).
 * CARCER_FAULT_NOEXCHANGE=1 makes renameat2 fail with EINVAL, as on a file
 * system without RENAME_EXCHANGE, to exercise the fallback. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the project builds with hidden visibility: these must be seen */
#define SHIM __attribute__((visibility("default")))

static long counter; /* atomic: replicates write from several threads */

/* 1 when this operation is the one to fault. */
static int strike(void)
{
    const char *at = getenv("CARCER_FAULT_AT");
    if (!at)
        return 0;
    long n = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
    if (n != atol(at))
        return 0;
    const char *hit = getenv("CARCER_FAULT_HIT");
    if (hit) {
        int fd = open(hit, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0)
            close(fd);
    }
    const char *mode = getenv("CARCER_FAULT_MODE");
    if (mode && strcmp(mode, "kill") == 0)
        raise(SIGKILL);
    return 1;
}

SHIM ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (fd > 2 && strike()) {
        errno = EIO;
        return -1;
    }
    return real(fd, buf, n);
}

SHIM int rename(const char *a, const char *b)
{
    static int (*real)(const char *, const char *);
    if (!real)
        real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (strike()) {
        errno = EIO;
        return -1;
    }
    return real(a, b);
}

SHIM int renameat2(int da, const char *a, int db, const char *b, unsigned flags)
{
    static int (*real)(int, const char *, int, const char *, unsigned);
    if (!real)
        real = (int (*)(int, const char *, int, const char *, unsigned))dlsym(RTLD_NEXT,
                                                                              "renameat2");
    const char *no = getenv("CARCER_FAULT_NOEXCHANGE");
    if (no && *no == '1') {
        errno = EINVAL;
        return -1;
    }
    if (strike()) {
        errno = EIO;
        return -1;
    }
    return real(da, a, db, b, flags);
}
