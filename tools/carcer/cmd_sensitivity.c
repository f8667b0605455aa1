/* cmd_sensitivity.c - `carcer sensitivity`: arguments in,
 * carcer_sensitivity, exit status out.
 *
 *   carcer sensitivity SCENARIO -o DIR --method morris|sobol|prcc
 *                      [--trajectories R] [--samples N] [--bootstrap B]
 *                      [--output KEY ...] [--over-time monthly|DATE,...]
 *                      [--threads T] [--seed S] [--set key.path=value ...] [--quiet]
 *   carcer sensitivity --resume DIR [same options]
 *
 * `--resume DIR` continues the analysis whose checkpoint is in DIR, with the
 * scenario DIR/scenario.sensitivity.yaml (the scenario as resolved when the
 * analysis started) and the options it started with.
 */
#define _POSIX_C_SOURCE 200809L
#include <carcer/carcer.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "options.h"

static int bad(const char *what, const char *arg)
{
    return carcer_cmd_usage(carcer_cmd_find("sensitivity"), "%s, got '%s'", what, arg);
}

typedef struct shown {
    int on;
} shown;

static void progress(void *ctx, long done, long total)
{
    shown *s = ctx;
    fprintf(stderr, "\r\033[Kcarcer: %ld of %ld simulations", done, total);
    fflush(stderr);
    s->on = 1;
}

int carcer_cmd_sensitivity(int argc, char **argv)
{
    carcer_sensitivity_options o = carcer_sensitivity_options_default();
    const char *dir = NULL, *resume = NULL, *scenario = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    const char **outs = calloc((size_t)argc + 1, sizeof *outs);
    int nsets = 0, nouts = 0, quiet = 0, strict = 0;
    if (!sets || !outs) {
        free(sets);
        free(outs);
        return 1;
    }
    const carcer_cmd_spec *spec = carcer_cmd_find("sensitivity");
    carcer_cmd_parser parser;
    carcer_cmd_begin(&parser, spec, argc, argv);
    const char *optarg_;
    int ch, status = 0;
    long v;
    while (status == 0 && (ch = carcer_cmd_next(&parser, &optarg_)) != -1) {
        switch (ch) {
        case 'o':
            dir = optarg_;
            break;
        case 'm':
            if (strcmp(optarg_, "morris") && strcmp(optarg_, "sobol") && strcmp(optarg_, "prcc"))
                status = bad("--method expects morris, sobol or prcc", optarg_);
            else
                o.method = optarg_;
            break;
        case 'R':
            status = carcer_cmd_long(optarg_, 1, 1000000, &v) ? bad("--trajectories expects 1 to 1000000", optarg_)
                                                     : (o.trajectories = (int)v, 0);
            break;
        case 'N':
            status = carcer_cmd_long(optarg_, 1, 10000000, &v) ? bad("--samples expects 1 to 10000000", optarg_)
                                                      : (o.samples = (int)v, 0);
            break;
        case 'B':
            status = carcer_cmd_long(optarg_, 0, 100000, &v) ? bad("--bootstrap expects 0 to 100000", optarg_)
                                                    : (o.bootstrap = (int)v, 0);
            break;
        case 'O':
            if (!*optarg_)
                status = bad("--output expects a summary key or COLUMN:FACILITY", optarg_);
            else
                outs[nouts++] = optarg_;
            break;
        case 'T':
            o.over_time = optarg_;
            break;
        case 't':
            status = carcer_cmd_long(optarg_, 1, 1024, &v) ? bad("--threads expects 1 to 1024", optarg_)
                                                  : (o.threads = (int)v, 0);
            break;
        case 's':
            status = carcer_cmd_long(optarg_, 0, 4294967295L, &v)
                         ? bad("--seed expects 0 to 4294967295", optarg_)
                         : (o.seed = v, 0);
            break;
        case 'S':
            if (!strchr(optarg_, '='))
                status = bad("--set expects key.path=value", optarg_);
            else
                sets[nsets++] = optarg_;
            break;
        case 'r':
            resume = optarg_;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'W':
            strict = 1;
            break;
        case 'h':
            carcer_cmd_help(spec, stdout);
            free(sets);
            free(outs);
            return 0;
        default:
            status = 2; /* carcer_cmd_next said why */
        }
    }
    if (status == 0 && optind < argc)
        scenario = argv[optind++];
    if (status == 0 && optind < argc)
        status = bad("unexpected argument", argv[optind]);
    if (status == 0 && scenario && resume)
        status = bad("give a scenario or --resume DIR, not both", scenario);
    if (status == 0 && resume && dir && strcmp(dir, resume) != 0)
        status = bad("--resume continues in its own folder: drop -o", dir);
    if (status) {
        free(sets);
        free(outs);
        return status;
    }
    if (resume)
        dir = resume;
    if (!dir)
        dir = "sensitivity";
    o.outputs = outs;
    o.noutputs = nouts;

    char *kept = malloc(strlen(dir) + 32);
    carcer_diag *diag = carcer_diag_new(), *warn = carcer_diag_new();
    carcer_scenario *sc = NULL;
    if (!kept || !diag || !warn) {
        fputs("carcer: out of memory\n", stderr);
        status = 1;
        goto done;
    }
    sprintf(kept, "%s/scenario.sensitivity.yaml", dir);
    if (carcer_scenario_load(resume ? kept : scenario, sets, nsets, diag, &sc) != CARCER_OK) {
        carcer_cmd_print_diag(diag);
        if (resume)
            fprintf(stderr, "carcer: %s is not the folder of a sensitivity analysis to resume\n",
                    dir);
        status = 1;
        goto done;
    }
    if ((status = carcer_cmd_warnings(diag, strict)) != 0)
        goto done;
    volatile sig_atomic_t *stop_flag = carcer_cmd_catch_stop();
    o.stop = stop_flag;
    shown sh = {0};
    if (!quiet && isatty(STDERR_FILENO)) {
        o.progress = progress;
        o.progress_ctx = &sh;
    }
    carcer_status st = carcer_sensitivity(sc, &o, dir, resume != NULL, diag, warn);
    if (sh.on)
        fputs("\r\033[K", stderr);
    if (st == CARCER_INTERRUPTED) {
        fprintf(stderr, "carcer: interrupted; continue with carcer sensitivity --resume %s "
                        "and the same options\n", dir);
        status = 128 + (int)(*stop_flag ? *stop_flag : SIGINT);
    } else if (st != CARCER_OK) {
        carcer_cmd_print_diag(diag);
        fprintf(stderr, "carcer: %s\n", carcer_status_text(st));
        status = 1;
    } else {
        for (int i = 0; i < carcer_diag_count(warn); i++) {
            const char *w = carcer_diag_message(warn, i);
            while (*w == ':' || *w == ' ') /* a warning has no position */
                w++;
            fprintf(stderr, "%s/sensitivity.json: warning: %s\n", dir, w);
        }
        if (!quiet)
            printf("Sensitivity analysis written to %s/ (sensitivity.csv, sensitivity.json, "
                   "samples.csv)\n",
                   dir);
    }
done:
    carcer_scenario_free(sc);
    carcer_diag_free(diag);
    carcer_diag_free(warn);
    free(kept);
    free(sets);
    free(outs);
    return status;
}
