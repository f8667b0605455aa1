/* schema_json.h - the JSON Schema (draft 2020-12) of a scenario file, made
 * from the schema table (schema_json.c). */
#ifndef CARCER_SCHEMA_JSON_H
#define CARCER_SCHEMA_JSON_H

/* The schema as one line of JSON (malloc'd), or NULL when out of memory. */
char *cc_schema_json(void);

#endif
