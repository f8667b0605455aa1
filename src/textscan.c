/* textscan.c - positioned reading of line-based text (see textscan.h). */
#include "textscan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cc_scan_init(cc_scan *s, const char *text, size_t len, const char *file, cc_diag *diag)
{
    s->text = s->p = text;
    s->end = text + len;
    s->file = file;
    s->line = 0;
    s->ls = s->le = text;
    s->diag = diag;
}

int cc_scan_no_nul(cc_scan *s)
{
    const char *z = memchr(s->text, '\0', (size_t)(s->end - s->text));
    if (!z)
        return 0;
    int line = 1;
    const char *ls = s->text;
    for (const char *q = s->text; q < z; q++)
        if (*q == '\n') {
            line++;
            ls = q + 1;
        }
    cc_diag_add(s->diag, s->file, line, (int)(z - ls) + 1, NULL, NULL,
                "expected text, got a NUL byte");
    return -1;
}

int cc_scan_line(cc_scan *s)
{
    if (s->p >= s->end)
        return 0;
    s->ls = s->p;
    const char *nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
    s->le = nl ? nl : s->end;
    s->p = nl ? nl + 1 : s->end;
    if (s->le > s->ls && s->le[-1] == '\r')
        s->le--;
    s->line++;
    return 1;
}

int cc_scan_rest_blank(const cc_scan *s)
{
    for (const char *q = s->p; q < s->end; q++)
        if (*q != '\n' && *q != '\r' && *q != ' ')
            return 0;
    return 1;
}

void cc_scan_error(cc_scan *s, const char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = cc_vasprintf(fmt, ap);
    va_end(ap);
    if (!at || at < s->ls || at > s->le)
        at = s->ls;
    long col = (long)(at - s->ls) + 1;
    cc_diag_add(s->diag, s->file, s->line > 0 ? s->line : 1, col > 1000000000L ? 1000000000 : (int)col,
                NULL, NULL, "%s", msg ? msg : "out of memory");
    free(msg);
}

int cc_parse_double(const char *a, size_t n, double *v)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return -1;
    /* strtod would skip leading spaces and read hexadecimal; neither is ours */
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' ||
              c == '-' || c == 'i' || c == 'n' || c == 'f' || c == 'a'))
            return -1;
    }
    memcpy(buf, a, n);
    buf[n] = '\0';
    char *e = NULL;
    errno = 0;
    double x = strtod(buf, &e);
    if (e != buf + n)
        return -1;
    if (errno == ERANGE && (x > 1 || x < -1))
        return -1; /* overflow; underflow to a subnormal or 0 is fine */
    *v = x;
    return 0;
}

int cc_parse_uint(const char *a, size_t n, unsigned long long max, unsigned long long *v)
{
    if (n == 0 || n > 20)
        return -1;
    unsigned long long x = 0;
    for (size_t i = 0; i < n; i++) {
        if (a[i] < '0' || a[i] > '9')
            return -1;
        unsigned d = (unsigned)(a[i] - '0');
        if (d > max)
            return -1;
        if (x > (max - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *v = x;
    return 0;
}

void cc_scan_show(const char *a, size_t n, char out[200])
{
    size_t o = 0, shown = n > 40 ? 40 : n;
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)a[i];
        if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, 200 - o, "\\x%02x", c);
    }
    if (shown < n) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}
