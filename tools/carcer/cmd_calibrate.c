/* cmd_calibrate.c - `carcer calibrate`: arguments in, carcer_calibrate,
 * exit status out.
 *
 *   carcer calibrate SCENARIO [-o DIR] [--particles N] [--generations G]
 *                    [--budget SIMS] [--replicates-per-particle R] [--quantile Q]
 *                    [--tolerance EPS] [--min-acceptance A] [--predictive P]
 *                    [--threads T] [--seed S] [--set key.path=value ...] [--quiet]
 *   carcer calibrate --resume DIR [same options]
 *
 * `--resume DIR` continues the calibration whose checkpoint is in DIR: the
 * scenario is DIR/scenario.calibrating.yaml (written by the library when the
 * calibration started: the scenario as resolved, which loads back to the
 * same), and the options must be the ones it started with (the checkpoint
 * says which differ).
 */
#define _POSIX_C_SOURCE 200809L
#include <carcer/carcer.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "options.h"

static int bad(const char *what, const char *arg)
{
    return carcer_cmd_usage(carcer_cmd_find("calibrate"), "%s, got '%s'", what, arg);
}

typedef struct shown {
    int on, generation;
} shown;

static void progress(void *ctx, const carcer_calibrate_progress *p)
{
    shown *s = ctx;
    char tol[32];
    if (isinf(p->tolerance))
        snprintf(tol, sizeof tol, "none (prior)");
    else
        snprintf(tol, sizeof tol, "%.4g", p->tolerance);
    char left[32] = "";
    if (p->seconds_left >= 0)
        snprintf(left, sizeof left, ", ~%.0f s left", p->seconds_left);
    fprintf(stderr, "\r\033[Kcarcer: generation %d, tolerance %s: %d/%d accepted of %ld tried%s",
            p->generation, tol, p->accepted, p->particles, p->proposals, left);
    fflush(stderr);
    s->on = 1;
    s->generation = p->generation;
}

int carcer_cmd_calibrate(int argc, char **argv)
{
    carcer_calibrate_options o = carcer_calibrate_options_default();
    const char *dir = NULL, *resume = NULL, *scenario = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    int nsets = 0, quiet = 0, strict = 0;
    if (!sets)
        return 1;
    const carcer_cmd_spec *spec = carcer_cmd_find("calibrate");
    carcer_cmd_parser parser;
    carcer_cmd_begin(&parser, spec, argc, argv);
    const char *optarg_;
    int ch, status = 0;
    long v;
    double x;
    while (status == 0 && (ch = carcer_cmd_next(&parser, &optarg_)) != -1) {
        switch (ch) {
        case 'o':
            dir = optarg_;
            break;
        case 'n':
            status = carcer_cmd_long(optarg_, 2, 1000000, &v) ? bad("--particles expects 2 to 1000000", optarg_)
                                                     : (o.particles = (int)v, 0);
            break;
        case 'g':
            status = carcer_cmd_long(optarg_, 1, 1000, &v) ? bad("--generations expects 1 to 1000", optarg_)
                                                  : (o.generations = (int)v, 0);
            break;
        case 'b':
            status = carcer_cmd_long(optarg_, 1, 1000000000000L, &v)
                         ? bad("--budget expects a number of simulations >= 1", optarg_)
                         : (o.budget = v, 0);
            break;
        case 'R':
            status = carcer_cmd_long(optarg_, 1, 10000, &v)
                         ? bad("--replicates-per-particle expects 1 to 10000", optarg_)
                         : (o.replicates_per_particle = (int)v, 0);
            break;
        case 'Q':
            status = carcer_cmd_double(optarg_, 0.01, 0.99, &x) ? bad("--quantile expects 0.01 to 0.99", optarg_)
                                                       : (o.quantile = x, 0);
            break;
        case 'e':
            status = carcer_cmd_double(optarg_, 0, 1e300, &x) ? bad("--tolerance expects a number >= 0", optarg_)
                                                     : (o.tolerance = x, 0);
            break;
        case 'a':
            status = carcer_cmd_double(optarg_, 0, 1, &x) ? bad("--min-acceptance expects 0 to 1", optarg_)
                                                 : (o.min_acceptance = x, 0);
            break;
        case 'p':
            status = carcer_cmd_long(optarg_, 0, 100000, &v) ? bad("--predictive expects 0 to 100000", optarg_)
                                                    : (o.predictive = (int)v, 0);
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
            return 0;
        default:
            status = 2; /* carcer_cmd_next said why */
        }
    }
    if (status == 0 && optind < argc)
        scenario = argv[optind++];
    if (status == 0 && optind < argc)
        status = bad("unexpected argument", argv[optind]);
    if (status == 0 && !scenario && !resume)
        status = bad("calibrate needs a scenario file, or --resume DIR", "");
    if (status == 0 && scenario && resume)
        status = bad("give a scenario or --resume DIR, not both", scenario);
    if (status == 0 && resume && dir && strcmp(dir, resume) != 0)
        status = bad("--resume continues in its own folder: drop -o", dir);
    if (status) {
        free(sets);
        return status;
    }
    if (resume)
        dir = resume;
    if (!dir)
        dir = "calibration";

    /* the scenario calibrated, kept in DIR so that a resumed calibration
     * reads the same one */
    char *kept = malloc(strlen(dir) + 32);
    carcer_diag *diag = carcer_diag_new();
    carcer_scenario *sc = NULL;
    if (!kept || !diag) {
        fputs("carcer: out of memory\n", stderr);
        free(kept);
        free(sets);
        carcer_diag_free(diag);
        return 1;
    }
    sprintf(kept, "%s/scenario.calibrating.yaml", dir);
    const char *load = resume ? kept : scenario;
    if (carcer_scenario_load(load, sets, nsets, diag, &sc) != CARCER_OK) {
        carcer_cmd_print_diag(diag);
        if (resume)
            fprintf(stderr, "carcer: %s is not the folder of a calibration to resume\n", dir);
        status = 1;
        goto done;
    }
    if ((status = carcer_cmd_warnings(diag, strict)) != 0)
        goto done;
    volatile sig_atomic_t *stop_flag = carcer_cmd_catch_stop();
    o.stop = stop_flag;
    shown sh = {0, -1};
    if (!quiet && isatty(STDERR_FILENO)) {
        o.progress = progress;
        o.progress_ctx = &sh;
    }
    carcer_status st = carcer_calibrate(sc, &o, dir, resume != NULL, diag);
    if (sh.on)
        fputs("\r\033[K", stderr);
    if (st == CARCER_INTERRUPTED) {
        fprintf(stderr, "carcer: interrupted; continue with carcer calibrate --resume %s\n", dir);
        status = 128 + (int)(*stop_flag ? *stop_flag : SIGINT);
    } else if (st != CARCER_OK) {
        carcer_cmd_print_diag(diag);
        fprintf(stderr, "carcer: %s\n", carcer_status_text(st));
        status = 1;
    } else if (!quiet) {
        printf("Calibration written to %s/ (posterior.csv, generations.csv, calibration.json, "
               "scenario.calibrated.yaml)\n",
               dir);
    }
done:
    carcer_scenario_free(sc);
    carcer_diag_free(diag);
    free(kept);
    free(sets);
    return status;
}
