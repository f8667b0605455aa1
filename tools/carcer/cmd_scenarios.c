/* cmd_scenarios.c - `carcer scenarios` (the shipped scenarios) and
 * `carcer scenarios new COUNTRY` (the template of a new country's
 * scenario, on stdout). */
#include <carcer/carcer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "options.h"

int carcer_cmd_scenarios(int argc, char **argv)
{
    const carcer_cmd_spec *spec = carcer_cmd_find("scenarios");
    carcer_cmd_parser p;
    carcer_cmd_begin(&p, spec, argc, argv);
    int ch;
    const char *arg;
    while ((ch = carcer_cmd_next(&p, &arg)) != -1) {
        if (ch != 'h')
            return 2;
        carcer_cmd_help(spec, stdout);
        return 0;
    }
    char *text = NULL;
    if (optind == argc) {
        text = carcer_scenarios_list();
    } else if (strcmp(argv[optind], "new") == 0) {
        if (optind + 2 != argc)
            return carcer_cmd_usage(spec, "scenarios new takes one COUNTRY%s",
                                    optind + 2 < argc ? " (quote a name of several words)" : "");
        carcer_diag *diag = carcer_diag_new();
        if (!diag)
            return 1;
        text = carcer_scenario_template(argv[optind + 1], diag);
        if (!text)
            carcer_cmd_print_diag(diag);
        carcer_diag_free(diag);
        if (!text)
            return 1;
    } else {
        return carcer_cmd_usage(spec, "expected nothing or 'new COUNTRY', got '%s'",
                                argv[optind]);
    }
    if (!text) {
        fputs("carcer: out of memory\n", stderr);
        return 1;
    }
    fputs(text, stdout);
    free(text);
    return 0;
}
