/* embedded_find.c - look up shipped data compiled into the library. */
#include <string.h>

#include "embedded.h"

const struct cc_embedded *cc_embedded_find(const char *name)
{
    for (const struct cc_embedded *e = cc_embedded_files; e->name; e++)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}
