/* cmd.h - commands of the carcer tool that live in files of their own. */
#ifndef CARCER_TOOL_CMD_H
#define CARCER_TOOL_CMD_H

#include <carcer/carcer.h>

/* Print every message of diag on stderr, gcc-style (main.c). */
void carcer_cmd_print_diag(carcer_diag *diag);

/* carcer calibrate ... (cmd_calibrate.c): argv[0] is "calibrate". */
int carcer_cmd_calibrate(int argc, char **argv);

/* carcer sensitivity ... (cmd_sensitivity.c): argv[0] is "sensitivity". */
int carcer_cmd_sensitivity(int argc, char **argv);

#endif
