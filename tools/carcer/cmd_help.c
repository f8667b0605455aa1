/* cmd_help.c - `carcer help [COMMAND]`, `carcer help --man` and
 * `carcer version`: the tables of commands.c printed. */
#include <carcer/carcer.h>

#include <stdio.h>

#include "cmd.h"
#include "options.h"

int carcer_cmd_helpcmd(int argc, char **argv)
{
    const carcer_cmd_spec *spec = carcer_cmd_find("help");
    carcer_cmd_parser p;
    carcer_cmd_begin(&p, spec, argc, argv);
    int ch, man = 0;
    const char *arg;
    while ((ch = carcer_cmd_next(&p, &arg)) != -1) {
        if (ch == 'm')
            man = 1;
        else if (ch == 'h') {
            carcer_cmd_help(spec, stdout);
            return 0;
        } else
            return 2;
    }
    if (man) {
        if (optind < argc)
            return carcer_cmd_usage(spec, "--man takes no command, got '%s'", argv[optind]);
        carcer_cmd_man(stdout, carcer_version());
        return 0;
    }
    if (optind == argc) {
        carcer_cmd_help_all(stdout);
        return 0;
    }
    if (optind + 1 < argc)
        return carcer_cmd_usage(spec, "expected one command, got '%s' too", argv[optind + 1]);
    const carcer_cmd_spec *of = carcer_cmd_find(argv[optind]);
    if (!of)
        return carcer_cmd_usage(spec, "unknown command '%s'", argv[optind]);
    carcer_cmd_help(of, stdout);
    return 0;
}

int carcer_cmd_version(int argc, char **argv)
{
    const carcer_cmd_spec *spec = carcer_cmd_find("version");
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
    if (optind < argc)
        return carcer_cmd_usage(spec, "takes no argument, got '%s'", argv[optind]);
    printf("carcer %s\n", carcer_version());
    return 0;
}
