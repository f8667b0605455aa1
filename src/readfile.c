/* readfile.c - bounded, non-blocking reading of one input file (see
 * readfile.h). Cost: one open, one fstat and reads of at most limit + 1
 * bytes; memory: the file's size plus one byte.
 */
#define _POSIX_C_SOURCE 200809L
#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

static const char too_large[] = "larger than the file size limit (docs/limits.md)";

char *cc_read_file(const char *path, size_t limit, size_t *len, const char **why)
{
    *len = 0;
    /* O_NONBLOCK: open() of a FIFO without a writer returns at once instead
     * of waiting; the type check below then refuses it. O_NOCTTY: a
     * terminal named as input never becomes ours. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        *why = strerror(errno);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *why = strerror(errno);
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = S_ISDIR(st.st_mode) ? "not a regular file (a folder)" : "not a regular file";
        close(fd);
        return NULL;
    }
    if (st.st_size < 0 || (unsigned long long)st.st_size > limit) {
        *why = too_large;
        close(fd);
        return NULL;
    }
    /* the size may change between fstat and read: read at most limit + 1
     * bytes and refuse when the extra byte arrives */
    size_t cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap + 1);
    if (!buf) {
        *why = "out of memory";
        close(fd);
        return NULL;
    }
    size_t got = 0;
    for (;;) {
        if (got == cap) {
            if (cap > limit)
                break;
            size_t ncap = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                close(fd);
                *why = "out of memory";
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *why = strerror(errno);
            free(buf);
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got > limit) {
        free(buf);
        *why = too_large;
        return NULL;
    }
    buf[got] = '\0';
    *len = got;
    return buf;
}
