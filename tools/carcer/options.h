/* options.h - the command line of each command as one table, and what is
 * made from it: the parsing of the options, `carcer COMMAND --help` and
 * the man page carcer(1).
 *
 * A command is a carcer_cmd_spec (commands.c): its synopsis, what it does,
 * one row per option (long name, the key the parser returns, the short
 * letter, the argument's placeholder, the help text) and real examples.
 * The parser, the help and the man page read the same rows, so they cannot
 * disagree; tests/test_cli_help.c checks the help of every command against
 * the table.
 *
 * Long options are matched exactly: getopt_long would take `--replicate`
 * for `--replicates` (any unambiguous prefix), which silently changes what
 * a scenario's author meant; the parser refuses it and names the nearest
 * option.
 */
#ifndef CARCER_TOOL_OPTIONS_H
#define CARCER_TOOL_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

typedef struct carcer_cmd_option {
    const char *name; /* --name, matched exactly */
    int key;          /* what carcer_cmd_next returns for it */
    char letter;      /* the short form -x, or 0 */
    const char *arg;  /* the argument's placeholder ("DIR"); NULL: a flag */
    const char *help; /* one sentence or two */
} carcer_cmd_option;

typedef struct carcer_cmd_example {
    const char *command; /* a command line that works as written */
    const char *what;    /* what it does */
} carcer_cmd_example;

typedef struct carcer_cmd_spec {
    const char *name;        /* "run" */
    const char *synopsis;    /* usage lines after "carcer ", '\n'-separated */
    const char *summary;     /* one line, for the list of commands */
    const char *description; /* paragraphs separated by "\n\n" */
    const carcer_cmd_option *options;   /* ends with a row whose name is NULL */
    const carcer_cmd_example *examples; /* ends with a row whose command is NULL */
} carcer_cmd_spec;

/* The commands in the order `carcer help` lists them, NULL-terminated
 * (commands.c). */
extern const carcer_cmd_spec *const carcer_cmd_specs[];
/* The spec of command `name`, or NULL. */
const carcer_cmd_spec *carcer_cmd_find(const char *name);

#define CARCER_CMD_MAX_OPTIONS 40

/* The state of one pass over a command's arguments. */
typedef struct carcer_cmd_parser {
    const carcer_cmd_spec *spec;
    int argc;
    char **argv;
    struct option longs[CARCER_CMD_MAX_OPTIONS + 1];
    char shorts[2 * CARCER_CMD_MAX_OPTIONS + 2];
} carcer_cmd_parser;

/* Start parsing argv[1..argc) (argv[0] is the command's name) by spec. */
void carcer_cmd_begin(carcer_cmd_parser *p, const carcer_cmd_spec *spec, int argc, char **argv);
/* The key of the next option, its argument in *arg (NULL for a flag); -1
 * when the options are done (positional arguments are then
 * argv[optind..argc)); '?' after printing on stderr what was wrong (an
 * unknown or abbreviated option, a missing argument): a usage error. */
int carcer_cmd_next(carcer_cmd_parser *p, const char **arg);

/* `carcer NAME --help` on out. */
void carcer_cmd_help(const carcer_cmd_spec *spec, FILE *out);
/* The list of commands (`carcer help`, `carcer --help`). */
void carcer_cmd_help_all(FILE *out);
/* The man page carcer(1), in roff, from every spec. */
void carcer_cmd_man(FILE *out, const char *version);
/* A usage error of command spec (NULL: of carcer itself): "carcer: NAME:
 * message" and where to find the help, on stderr; returns 2. */
int carcer_cmd_usage(const carcer_cmd_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
