/* cmd_common.c - what the commands share: the stop flag set by SIGINT,
 * SIGTERM and SIGHUP, whole numbers and reals read from option values, and
 * the warnings of a scenario printed (errors under --strict). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static volatile sig_atomic_t stop_flag = 0;

static void on_signal(int sig) { stop_flag = sig; }

volatile sig_atomic_t *carcer_cmd_catch_stop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    return &stop_flag;
}

int carcer_cmd_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int carcer_cmd_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

int carcer_cmd_warnings(carcer_diag *diag, int strict)
{
    int n = carcer_diag_warnings(diag);
    carcer_cmd_print_diag(diag);
    carcer_diag_clear(diag);
    if (n > 0 && strict) {
        fprintf(stderr, "carcer: %d warning%s and --strict: stopped, nothing written\n", n,
                n == 1 ? "" : "s");
        return 1;
    }
    return 0;
}
