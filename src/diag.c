/* diag.c - the diagnostics sink (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void cc_diag_init(cc_diag *d) { memset(d, 0, sizeof *d); }

void cc_diag_clear(cc_diag *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->kept; i++) {
        free(d->entry[i].file);
        free(d->entry[i].path);
        free(d->entry[i].message);
        free(d->entry[i].hint);
    }
    cc_diag_init(d);
}

static void add(cc_diag *d, int warning, const char *file, int line, int col, const char *path,
                const char *hint, const char *fmt, va_list ap)
{
    if (warning)
        d->warnings++;
    else
        d->count++;
    if (d->kept >= CC_DIAG_MAX)
        return;
    cc_diag_entry *e = &d->entry[d->kept++];
    e->message = cc_vasprintf(fmt, ap);
    e->file = cc_strdup(file ? file : "");
    e->path = path ? cc_strdup(path) : NULL;
    e->hint = hint ? cc_strdup(hint) : NULL;
    e->line = line;
    e->col = col;
    e->warning = warning;
}

void cc_diag_add(cc_diag *d, const char *file, int line, int col, const char *path,
                 const char *hint, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    add(d, 0, file, line, col, path, hint, fmt, ap);
    va_end(ap);
}

void cc_diag_warn(cc_diag *d, const char *file, int line, int col, const char *path,
                  const char *hint, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    add(d, 1, file, line, col, path, hint, fmt, ap);
    va_end(ap);
}

char *cc_diag_format(const cc_diag *d, int i)
{
    const cc_diag_entry *e = &d->entry[i];
    char pos[64] = "";
    if (e->line > 0)
        snprintf(pos, sizeof pos, ":%d:%d", e->line, e->col);
    return cc_asprintf("%s%s: %s%s%s%s%s%s%s", e->file, pos, e->warning ? "warning: " : "",
                       e->path ? e->path : "",
                       e->path ? ": " : "", e->message, e->hint ? " (" : "",
                       e->hint ? e->hint : "", e->hint ? ")" : "");
}

static int entry_cmp(const void *pa, const void *pb)
{
    const cc_diag_entry *a = pa, *b = pb;
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return 0;
}

void cc_diag_sort(cc_diag *d)
{
    /* qsort is not stable; equal positions keep a defined but arbitrary order,
     * so compare the message too to keep output deterministic */
    qsort(d->entry, (size_t)d->kept, sizeof d->entry[0], entry_cmp);
}
