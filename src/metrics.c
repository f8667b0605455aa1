/* metrics.c - named scalar results (see metrics.h). */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

void cc_metrics_add(cc_metrics *ms, double value, const char *fmt, ...)
{
    if (ms->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *key = cc_vasprintf(fmt, ap);
    va_end(ap);
    if (!key || cc_grow((void **)&ms->m, &ms->cap, ms->n + 1, sizeof *ms->m)) {
        free(key);
        ms->failed = 1;
        return;
    }
    ms->m[ms->n].key = key;
    ms->m[ms->n].value = value;
    ms->n++;
}

long cc_metrics_find(const cc_metrics *ms, const char *key)
{
    for (size_t i = 0; i < ms->n; i++)
        if (strcmp(ms->m[i].key, key) == 0)
            return (long)i;
    return -1;
}

void cc_metrics_free(cc_metrics *ms)
{
    for (size_t i = 0; i < ms->n; i++)
        free(ms->m[i].key);
    free(ms->m);
    memset(ms, 0, sizeof *ms);
}
