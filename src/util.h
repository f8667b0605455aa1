/* util.h - small helpers shared by the modules: checked allocation, string
 * formatting, growable arrays, atomic file output and ISO dates.
 *
 * Allocation failure is reported to the caller (NULL / nonzero), never by
 * exiting: the library does not exit.
 */
#ifndef CARCER_UTIL_H
#define CARCER_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#define CC_INTERNAL __attribute__((visibility("hidden")))
#define CC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CC_INTERNAL
#define CC_PRINTF(f, a)
#endif

char *cc_strdup(const char *s);
char *cc_asprintf(const char *fmt, ...) CC_PRINTF(1, 2);
char *cc_vasprintf(const char *fmt, va_list ap);

/* Grow *p (element size `size`) so it holds at least `need` elements;
 * doubles the capacity. Returns 0 on success, -1 when out of memory (then *p
 * is unchanged). */
int cc_grow(void **p, size_t *cap, size_t need, size_t size);

/* *dst = a copy of the `count` elements of `size` bytes at src (NULL when
 * src is NULL). Returns 0, or -1 when out of memory (then *dst is NULL). */
int cc_dup(void **dst, const void *src, size_t count, size_t size);

/* A growable byte buffer for building text. */
typedef struct cc_buf {
    char *data;
    size_t len, cap;
    int failed; /* an allocation failed: the content is incomplete */
} cc_buf;
void cc_buf_printf(cc_buf *b, const char *fmt, ...) CC_PRINTF(2, 3);
void cc_buf_append(cc_buf *b, const char *s, size_t n);
void cc_buf_free(cc_buf *b);

/* Write `len` bytes to `path` atomically: a temporary file in the same
 * folder, fsync'd, then renamed over `path`. On failure the temporary is
 * removed and `path` is untouched. Returns 0 or -1 (errno set). */
int cc_write_file_atomic(const char *path, const char *data, size_t len);

/* ISO date "YYYY-MM-DD" <-> days since 1970-01-01 (proleptic Gregorian).
 * Returns 0 on success, -1 if the text is not a valid date. */
int cc_date_parse(const char *s, size_t len, int32_t *days);
void cc_date_format(int32_t days, char out[11]);

#endif
