/* embedded.h - the shipped scenarios/ and pathogens/ files, compiled into the
 * library by cmake/embed.cmake so that the tool runs with no data folder. */
#ifndef CARCER_EMBEDDED_H
#define CARCER_EMBEDDED_H

#include <stddef.h>

struct cc_embedded {
    const char *name; /* path relative to the source tree, e.g. "pathogens/covid19.yaml" */
    const char *data; /* NUL-terminated */
    size_t len;
};
/* Terminated by an entry with name NULL. */
extern const struct cc_embedded cc_embedded_files[];

/* Find an embedded file by its relative path; NULL if absent. */
const struct cc_embedded *cc_embedded_find(const char *name);

#endif
