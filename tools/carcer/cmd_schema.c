/* cmd_schema.c - `carcer schema [--json]`: the scenario reference
 * (Markdown) or the JSON Schema of scenarios, both made from the schema
 * table. */
#include <carcer/carcer.h>

#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "options.h"

int carcer_cmd_schema(int argc, char **argv)
{
    const carcer_cmd_spec *spec = carcer_cmd_find("schema");
    carcer_cmd_parser p;
    carcer_cmd_begin(&p, spec, argc, argv);
    int ch, json = 0;
    const char *arg;
    while ((ch = carcer_cmd_next(&p, &arg)) != -1) {
        if (ch == 'j') {
            json = 1;
            continue;
        }
        if (ch != 'h')
            return 2;
        carcer_cmd_help(spec, stdout);
        return 0;
    }
    if (optind < argc)
        return carcer_cmd_usage(spec, "takes no argument, got '%s'", argv[optind]);
    char *text = json ? carcer_schema_json() : carcer_schema_markdown();
    if (!text) {
        fputs("carcer: out of memory\n", stderr);
        return 1;
    }
    fputs(text, stdout);
    free(text);
    return 0;
}
