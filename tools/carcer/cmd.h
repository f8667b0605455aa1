/* cmd.h - commands of the carcer tool that live in files of their own. */
#ifndef CARCER_TOOL_CMD_H
#define CARCER_TOOL_CMD_H

#include <carcer/carcer.h>

#include <signal.h>

/* Print every message of diag on stderr, gcc-style (main.c). */
void carcer_cmd_print_diag(carcer_diag *diag);

/* Catch SIGINT, SIGTERM and SIGHUP into a flag (the signal's number), for
 * the stop field of the library's options (cmd_common.c). */
volatile sig_atomic_t *carcer_cmd_catch_stop(void);
/* A whole number in [lo, hi] / a real in [lo, hi], the whole of s: 0, or -1. */
int carcer_cmd_long(const char *s, long lo, long hi, long *out);
int carcer_cmd_double(const char *s, double lo, double hi, double *out);

/* Print the warnings of a scenario just loaded (diag holds no error) and
 * clear diag; 1 when there is any and `strict` (--strict: a warning is an
 * error), else 0 (cmd_common.c). */
int carcer_cmd_warnings(carcer_diag *diag, int strict);

/* carcer calibrate ... (cmd_calibrate.c): argv[0] is "calibrate". */
int carcer_cmd_calibrate(int argc, char **argv);

/* carcer sensitivity ... (cmd_sensitivity.c): argv[0] is "sensitivity". */
int carcer_cmd_sensitivity(int argc, char **argv);

/* carcer schema ... (cmd_schema.c), carcer scenarios ... (cmd_scenarios.c),
 * carcer help ... and carcer version (cmd_help.c): argv[0] is the command. */
int carcer_cmd_schema(int argc, char **argv);
int carcer_cmd_scenarios(int argc, char **argv);
int carcer_cmd_helpcmd(int argc, char **argv);
int carcer_cmd_version(int argc, char **argv);

#endif
