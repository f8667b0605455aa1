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
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char help[] =
    "usage: carcer sensitivity [SCENARIO] -o DIR --method morris|sobol|prcc [options]\n"
    "       carcer sensitivity --resume DIR [options]\n"
    "\n"
    "Which of the scenario's uncertain inputs (priors) decide its outputs (the\n"
    "embedded default when SCENARIO is omitted)\n"
    "(docs/sensitivity.md). Writes sensitivity.csv, sensitivity.json and samples.csv\n"
    "into DIR (default: sensitivity); the state is checkpointed in DIR as it goes.\n"
    "\n"
    "  --method M          morris (screening, default), sobol (first and total\n"
    "                      indices) or prcc (partial rank correlation)\n"
    "  --trajectories R    Morris trajectories (20): R (k + 1) simulations\n"
    "  --samples N         Sobol base samples, N (k + 2) simulations; PRCC rows (256)\n"
    "  --bootstrap B       resamples of the 90% intervals (500)\n"
    "  --output KEY        a summary.json key, or COLUMN:FACILITY (a timeseries.csv\n"
    "                      column of a facility or ALL); repeat for more (default:\n"
    "                      peak occupancy of the largest prison, person-years,\n"
    "                      infections, disease deaths, cost)\n"
    "  --over-time WHEN    read columns monthly or at DATE,DATE,... (default: the last day)\n"
    "  --threads T, --seed S, --set key.path=value, --quiet\n"
    "  --resume DIR        continue the analysis checkpointed in DIR\n"
    "\n"
    "example: carcer sensitivity scenarios/cambodia-2017.yaml -o sens --method morris \\\n"
    "           --trajectories 20 --output population:ALL --over-time monthly\n";

static int bad(const char *what, const char *arg)
{
    fprintf(stderr, "carcer: sensitivity: %s, got '%s'\n", what, arg);
    fputs(help, stderr);
    return 2;
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
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},
        {"method", required_argument, NULL, 'm'},
        {"trajectories", required_argument, NULL, 'R'},
        {"samples", required_argument, NULL, 'N'},
        {"bootstrap", required_argument, NULL, 'B'},
        {"output", required_argument, NULL, 'O'},
        {"over-time", required_argument, NULL, 'T'},
        {"threads", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},
        {"set", required_argument, NULL, 'S'},
        {"resume", required_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    carcer_sensitivity_options o = carcer_sensitivity_options_default();
    const char *dir = NULL, *resume = NULL, *scenario = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    const char **outs = calloc((size_t)argc + 1, sizeof *outs);
    int nsets = 0, nouts = 0, quiet = 0;
    if (!sets || !outs) {
        free(sets);
        free(outs);
        return 1;
    }
    optind = 1;
    opterr = 0;
    int ch, status = 0;
    long v;
    while (status == 0 && (ch = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            dir = optarg;
            break;
        case 'm':
            if (strcmp(optarg, "morris") && strcmp(optarg, "sobol") && strcmp(optarg, "prcc"))
                status = bad("--method expects morris, sobol or prcc", optarg);
            else
                o.method = optarg;
            break;
        case 'R':
            status = carcer_cmd_long(optarg, 1, 1000000, &v) ? bad("--trajectories expects 1 to 1000000", optarg)
                                                     : (o.trajectories = (int)v, 0);
            break;
        case 'N':
            status = carcer_cmd_long(optarg, 1, 10000000, &v) ? bad("--samples expects 1 to 10000000", optarg)
                                                      : (o.samples = (int)v, 0);
            break;
        case 'B':
            status = carcer_cmd_long(optarg, 0, 100000, &v) ? bad("--bootstrap expects 0 to 100000", optarg)
                                                    : (o.bootstrap = (int)v, 0);
            break;
        case 'O':
            if (!*optarg)
                status = bad("--output expects a summary key or COLUMN:FACILITY", optarg);
            else
                outs[nouts++] = optarg;
            break;
        case 'T':
            o.over_time = optarg;
            break;
        case 't':
            status = carcer_cmd_long(optarg, 1, 1024, &v) ? bad("--threads expects 1 to 1024", optarg)
                                                  : (o.threads = (int)v, 0);
            break;
        case 's':
            status = carcer_cmd_long(optarg, 0, 4294967295L, &v)
                         ? bad("--seed expects 0 to 4294967295", optarg)
                         : (o.seed = v, 0);
            break;
        case 'S':
            if (!strchr(optarg, '='))
                status = bad("--set expects key.path=value", optarg);
            else
                sets[nsets++] = optarg;
            break;
        case 'r':
            resume = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(help, stdout);
            free(sets);
            free(outs);
            return 0;
        default:
            status = bad("unknown or incomplete option", argv[optind - 1]);
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
