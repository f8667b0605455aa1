/* main.c - the carcer command-line tool: arguments in, library calls, exit
 * status out. The commands and their options are the table of commands.c
 * (`carcer help`, `carcer COMMAND --help`, `man carcer`); run, compare,
 * check and report are here, the others in cmd_NAME.c.
 *
 * Exit status: 0 success, 1 input or model error (or a warning under
 * --strict), 2 usage error, 129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM
 * (128 + the signal, as shells report it).
 */
#define _POSIX_C_SOURCE 200809L
#include <carcer/carcer.h>

#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "options.h"
#include "keep_memory.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig) { stop_signal = sig; }

/* The signals that stop a run: an interrupt, a termination, and the
 * hang-up of a closed terminal or ssh session. */
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define NSTOP (sizeof stop_signals / sizeof stop_signals[0])

/* The stop signals wait (until the mask `old` is restored) while files are
 * staged and swapped into place, so that an output folder holds either the
 * previous results or the new ones, and the staging folder is removed. */
static void hold_signals(sigset_t *old)
{
    sigset_t block;
    sigemptyset(&block);
    for (size_t i = 0; i < NSTOP; i++)
        sigaddset(&block, stop_signals[i]);
    sigprocmask(SIG_BLOCK, &block, old);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NSTOP; i++)
        sigaction(stop_signals[i], &sa, NULL);
}

/* A usage error of the command whose table is spec: exit status 2. */
static int usage_error(const carcer_cmd_spec *spec, const char *fmt, const char *arg)
{
    return carcer_cmd_usage(spec, fmt, arg);
}

static void print_diag(carcer_diag *diag)
{
    for (int i = 0; i < carcer_diag_count(diag); i++)
        fprintf(stderr, carcer_diag_is_warning(diag, i) ? "%s\n" : "%s: error\n",
                carcer_diag_message(diag, i));
}

void carcer_cmd_print_diag(carcer_diag *diag) { print_diag(diag); }

/* Parse a whole decimal integer in [lo, hi]. */
static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

typedef struct cli {
    const char *scenario;
    const char *out;
    long long seed, replicates, threads;
    const char **sets;
    int nsets;
    int quiet, verbose, strict;
    int no_report; /* --no-report: run and compare write no report.html */
    double max_memory; /* bytes; 0 = what the machine has available */
} cli;

/* --max-memory: BYTES, or a number with K, M or G (powers of 1024). */
static int parse_bytes(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v > 0))
        return -1;
    double unit = 1;
    if (*end == 'K' || *end == 'k')
        unit = 1024.0;
    else if (*end == 'M' || *end == 'm')
        unit = 1024.0 * 1024;
    else if (*end == 'G' || *end == 'g')
        unit = 1024.0 * 1024 * 1024;
    if (unit > 1)
        end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end)
        return -1;
    *out = v * unit;
    return 0;
}

/* Memory this machine can give a run now: MemAvailable of /proc/meminfo,
 * else the free physical pages; 0 when unknown. */
static double memory_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            unsigned long long kb;
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
                fclose(f);
                return (double)kb * 1024.0;
            }
        }
        fclose(f);
    }
    long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 0;
}

/* The memory a run of sc[0..n) with opt needs (carcer_run_memory_estimate:
 * the replicates running at once, the results kept per replicate, the time
 * series and the output files), printed on stderr when `show`; refuses
 * with a message (returns EXIT_INPUT) when it exceeds --max-memory or,
 * without it, the memory available. */
static int memory_check_set(carcer_scenario *const *sc, int n, const cli *c,
                            const carcer_run_options *opt, int show)
{
    double need = carcer_run_memory_estimate((const carcer_scenario *const *)sc, n, opt);
    double limit = c->max_memory > 0 ? c->max_memory : memory_available();
    const double mib = 1024.0 * 1024.0;
    if (show)
        fprintf(stderr, "carcer: a run needs about %.0f MiB\n", need / mib);
    if (limit > 0 && need > limit) {
        fprintf(stderr, "carcer: the run needs about %.0f MiB but %s %.0f MiB; use fewer "
                        "people, days, cells, replicates or threads, or --max-memory to allow "
                        "more\n",
                need / mib, c->max_memory > 0 ? "--max-memory allows" : "this machine has",
                limit / mib);
        return EXIT_INPUT;
    }
    return 0;
}

/* The options of a command by its table (commands.c); positional
 * arguments collected. Returns 0, -1 when --help was shown, or the exit
 * status of a usage error. */
static int parse_options(const char *name, int argc, char **argv, cli *c, const char **pos,
                         int *npos, int maxpos)
{
    const carcer_cmd_spec *spec = carcer_cmd_find(name);
    c->seed = -1;
    c->sets = calloc((size_t)argc, sizeof *c->sets);
    if (!c->sets)
        return EXIT_INPUT;
    carcer_cmd_parser p;
    carcer_cmd_begin(&p, spec, argc, argv);
    int ch;
    const char *arg;
    while ((ch = carcer_cmd_next(&p, &arg)) != -1) {
        switch (ch) {
        case 'o':
            c->out = arg;
            break;
        case 's':
            if (parse_int(arg, 0, 4294967295LL, &c->seed))
                return usage_error(spec, "--seed expects an integer from 0 to 4294967295, got '%s'",
                                   arg);
            break;
        case 'r':
            if (parse_int(arg, 1, 100000, &c->replicates))
                return usage_error(spec, "--replicates expects an integer from 1 to 100000, got '%s'",
                                   arg);
            break;
        case 't':
            if (parse_int(arg, 1, 1024, &c->threads))
                return usage_error(spec, "--threads expects an integer from 1 to 1024, got '%s'",
                                   arg);
            break;
        case 'S':
            if (!strchr(arg, '='))
                return usage_error(spec, "--set expects key.path=value, got '%s'", arg);
            c->sets[c->nsets++] = arg;
            break;
        case 'q':
            c->quiet = 1;
            break;
        case 'v':
            c->verbose = 1;
            break;
        case 'W':
            c->strict = 1;
            break;
        case 'N':
            c->no_report = 1;
            break;
        case 'M':
            if (parse_bytes(arg, &c->max_memory))
                return usage_error(spec, "--max-memory expects BYTES, NNNM or NNG, got '%s'", arg);
            break;
        case 'h':
            carcer_cmd_help(spec, stdout);
            return -1;
        default:
            return EXIT_USAGE; /* carcer_cmd_next said why */
        }
    }
    /* GNU getopt moves the positional arguments after the options */
    while (optind < argc) {
        if (*npos >= maxpos)
            return usage_error(spec, "unexpected argument '%s'", argv[optind]);
        pos[(*npos)++] = argv[optind++];
    }
    return 0;
}

typedef struct progress_state {
    int shown;
    int last;
} progress_state;

static void progress(void *ctx, double fraction)
{
    progress_state *p = ctx;
    int pct = (int)(fraction * 100.0);
    if (pct == p->last)
        return;
    p->last = pct;
    p->shown = 1;
    fprintf(stderr, "\rcarcer: simulating... %3d%%", pct);
    fflush(stderr);
}

/* One line of the summary table: the value, or mean [q05, q95] over
 * replicates. */
static void table_row(const carcer_results *res, const char *label, const char *key,
                      const char *fmt, double scale)
{
    int k = carcer_results_replicates(res);
    double *x = malloc(sizeof *x * (size_t)k);
    if (!x)
        return;
    double sum = 0;
    int n = 0;
    for (int r = 0; r < k; r++) {
        double v = carcer_results_metric(res, key, r);
        if (!isnan(v))
            x[n++] = v * scale, sum += v * scale;
    }
    if (n == 0) {
        free(x);
        return;
    }
    char a[64];
    snprintf(a, sizeof a, fmt, sum / n);
    if (n > 1) {
        /* sort for the 5% and 95% points */
        for (int i = 1; i < n; i++)
            for (int j = i; j > 0 && x[j - 1] > x[j]; j--) {
                double t = x[j];
                x[j] = x[j - 1];
                x[j - 1] = t;
            }
        char lo[32], hi[32];
        snprintf(lo, sizeof lo, fmt, x[(int)(0.05 * (n - 1))]);
        snprintf(hi, sizeof hi, fmt, x[(int)(0.95 * (n - 1) + 0.5)]);
        printf("  %-44s %12s   [%s, %s]\n", label, a, lo, hi);
    } else {
        printf("  %-44s %12s\n", label, a);
    }
    free(x);
}

static void print_table(const carcer_results *res, const char *dir)
{
    printf("\nResults in %s/ (timeseries.csv, summary.json, scenario.resolved.yaml)\n", dir);
    if (carcer_results_replicates(res) > 1)
        printf("  mean over %d replicates [5%%, 95%%]\n", carcer_results_replicates(res));
    table_row(res, "people in custody, start", "population_start", "%.0f", 1);
    table_row(res, "people in custody, end", "population_end", "%.0f", 1);
    table_row(res, "people in custody, peak", "population_peak", "%.0f", 1);
    table_row(res, "prison population growth (%)", "prison_growth", "%.1f", 100);
    table_row(res, "drug share of prisoners at end (%)", "drug_share_end", "%.1f", 100);
    table_row(res, "pretrial share of prisoners at end (%)", "pretrial_share_end", "%.1f", 100);
    table_row(res, "arrests", "arrests", "%.0f", 1);
    table_row(res, "re-arrests", "rearrests", "%.0f", 1);
    table_row(res, "bribes paid to avoid trial", "bribes", "%.0f", 1);
    table_row(res, "pretrial detentions beyond the legal limit", "pretrial_limit_violations",
              "%.0f", 1);
    table_row(res, "person-years detained", "person_years.detained", "%.0f", 1);
    table_row(res, "child-days in custody", "child_days", "%.0f", 1);
    table_row(res, "infections among detainees", "infections.detainees", "%.0f", 1);
    table_row(res, "deaths from disease", "deaths.disease", "%.0f", 1);
    table_row(res, "other deaths in custody", "deaths.other", "%.0f", 1);
    table_row(res, "cost", "cost", "%.0f", 1);
}

/* People the scenario sends to a prison or rehab centre of which it has
 * none that takes their sex are counted (summary.json `unplaced`), not
 * detained: say so, since the scenario is then probably not what was
 * meant. */
static void warn_unplaced(const carcer_results *res)
{
    double sum = 0;
    int k = carcer_results_replicates(res);
    for (int r = 0; r < k; r++) {
        double v = carcer_results_metric(res, "unplaced", r);
        sum += isnan(v) ? 0 : v;
    }
    if (sum > 0)
        fprintf(stderr,
                "carcer: warning: %.0f detention%s found no prison or rehab centre that takes "
                "the person's sex%s; they were not detained (summary.json: unplaced)\n",
                sum / k, sum / k == 1 ? "" : "s", k > 1 ? " (mean over replicates)" : "");
}

/* Run options from the command line: seed, replicates, threads, the stop
 * flag of the signal handlers, and progress when stderr is a terminal. */
static carcer_run_options run_options(const cli *c, progress_state *ps)
{
    carcer_run_options opt = carcer_run_options_default();
    opt.seed = c->seed;
    opt.replicates = (int)c->replicates;
    opt.threads = (int)c->threads;
    opt.stop = &stop_signal;
    if (!c->quiet && isatty(STDERR_FILENO)) {
        opt.progress = progress;
        opt.progress_ctx = ps;
    }
    install_signals();
    return opt;
}

static carcer_status stage_results(const void *what, carcer_output *o, carcer_diag *diag)
{
    return carcer_results_stage(what, o, diag);
}

static carcer_status stage_comparison(const void *what, carcer_output *o, carcer_diag *diag)
{
    return carcer_comparison_stage(what, o, diag);
}

/* Before a simulation: check and lock the output folder and create its
 * staging folder, so that a bad -o fails before the work; 0 or EXIT_INPUT
 * with the message printed. */
static int open_output(const char *dir, carcer_diag *diag, carcer_output **o)
{
    if (carcer_output_open(dir, diag, o) != CARCER_OK) {
        print_diag(diag);
        return EXIT_INPUT;
    }
    return 0;
}

/* After a simulation that returned `st`: stage its files into the open
 * output o and swap them into dir (the signals wait meanwhile) and turn the
 * outcome into an exit status, printing what went wrong; 0 when all is
 * written. */
static int finish(carcer_status st, const char *dir, carcer_diag *diag, progress_state *ps,
                  carcer_status (*stage)(const void *, carcer_output *, carcer_diag *),
                  const void *what, carcer_output *o)
{
    if (ps->shown)
        fputs("\r\033[K", stderr);
    if (st == CARCER_OK && !stop_signal) {
        sigset_t old;
        hold_signals(&old);
        st = stage(what, o, diag);
        if (st == CARCER_OK)
            st = carcer_output_commit(o, diag);
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (st == CARCER_OK && stop_signal) {
            fprintf(stderr, "carcer: interrupted after the results were written to %s\n", dir);
            return 128 + (int)stop_signal;
        }
    }
    if (stop_signal) {
        fprintf(stderr, "carcer: interrupted; nothing was written to %s\n", dir);
        return 128 + (int)stop_signal;
    }
    if (st != CARCER_OK) {
        print_diag(diag);
        fprintf(stderr, "carcer: %s\n", carcer_status_text(st));
        return EXIT_INPUT;
    }
    return 0;
}

/* After run or compare: the report of the folder, DIR/report.html (the
 * results stay when it fails: they are written; the status says it). */
static int write_report(const cli *c, const char *dir, carcer_diag *diag)
{
    if (c->no_report)
        return 0;
    if (carcer_report_write(dir, NULL, diag) != CARCER_OK) {
        print_diag(diag);
        fprintf(stderr, "carcer: the results are in %s, but its report could not be written\n",
                dir);
        return EXIT_INPUT;
    }
    if (!c->quiet)
        printf("Report written to %s/report.html\n", dir);
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    cli c = {0};
    const char *pos[1];
    int npos = 0;
    int rc = parse_options("run", argc, argv, &c, pos, &npos, 1);
    if (rc) {
        free(c.sets);
        return rc < 0 ? 0 : rc; /* -1: --help was shown */
    }
    c.scenario = npos ? pos[0] : NULL;
    const char *dir = c.out ? c.out : "out";

    carcer_diag *diag = carcer_diag_new();
    carcer_scenario *sc = NULL;
    carcer_results *res = NULL;
    carcer_output *out = NULL;
    int status = 0;
    if (!diag) {
        fputs("carcer: out of memory\n", stderr);
        free(c.sets);
        return EXIT_INPUT;
    }
    if (carcer_scenario_load(c.scenario, c.sets, c.nsets, diag, &sc) != CARCER_OK) {
        print_diag(diag);
        status = EXIT_INPUT;
        goto done;
    }
    if ((status = carcer_cmd_warnings(diag, c.strict)) != 0)
        goto done;
    progress_state ps = {0, -1};
    carcer_run_options opt = run_options(&c, &ps);
    if ((status = open_output(dir, diag, &out)) != 0)
        goto done;
    opt.output = out; /* the time series streams there */
    if ((status = memory_check_set(&sc, 1, &c, &opt, 0)) != 0)
        goto done;
    carcer_status st = carcer_run(sc, &opt, diag, &res);
    status = finish(st, dir, diag, &ps, stage_results, res, out);
    if (status)
        goto done;
    warn_unplaced(res);
    if (!c.quiet)
        print_table(res, dir);
    status = write_report(&c, dir, diag);
done:
    carcer_output_free(out); /* removes what was staged unless committed */
    carcer_results_free(res);
    carcer_scenario_free(sc);
    carcer_diag_free(diag);
    free(c.sets);
    return status;
}

static int cmd_compare(int argc, char **argv)
{
    cli c = {0};
    const char **pos = calloc((size_t)argc, sizeof *pos);
    if (!pos)
        return EXIT_INPUT;
    int npos = 0;
    int rc = parse_options("compare", argc, argv, &c, pos, &npos, argc);
    if (rc) {
        free(pos);
        free(c.sets);
        return rc < 0 ? 0 : rc; /* -1: --help was shown */
    }
    if (npos < 2) {
        free(pos);
        free(c.sets);
        return usage_error(carcer_cmd_find("compare"),
                           "compare needs a baseline and at least one alternative%s", "");
    }
    const char *dir = c.out ? c.out : "out";
    carcer_diag *diag = carcer_diag_new();
    carcer_scenario **sc = calloc((size_t)npos, sizeof *sc);
    carcer_comparison *cmp = NULL;
    carcer_output *out = NULL;
    int status = 0;
    for (int i = 0; i < npos; i++)
        if (carcer_scenario_load(pos[i], c.sets, c.nsets, diag, &sc[i]) != CARCER_OK)
            status = EXIT_INPUT;
    if (status) {
        print_diag(diag);
        goto done;
    }
    if ((status = carcer_cmd_warnings(diag, c.strict)) != 0)
        goto done;
    progress_state ps = {0, -1};
    carcer_run_options opt = run_options(&c, &ps);
    if ((status = open_output(dir, diag, &out)) != 0)
        goto done;
    if ((status = memory_check_set(sc, npos, &c, &opt, 0)) != 0)
        goto done;
    carcer_status st =
        carcer_compare((const carcer_scenario *const *)sc, npos, &opt, diag, &cmp);
    status = finish(st, dir, diag, &ps, stage_comparison, cmp, out);
    if (status == 0 && !c.quiet)
        printf("Comparison of %d scenarios written to %s/compare.csv and compare.json\n", npos,
               dir);
    if (status == 0)
        status = write_report(&c, dir, diag);
done:
    carcer_output_free(out);
    carcer_comparison_free(cmp);
    for (int i = 0; i < npos; i++)
        carcer_scenario_free(sc[i]);
    free(sc);
    carcer_diag_free(diag);
    free(pos);
    free(c.sets);
    return status;
}

/* The uncertain inputs of a scenario, on stderr (stdout holds the YAML). */
static void print_inputs(const carcer_scenario *sc)
{
    int n = carcer_scenario_input_count(sc);
    if (n == 0)
        return;
    fprintf(stderr, "carcer: %d uncertain input%s (each replicate draws its own values):\n", n,
            n == 1 ? "" : "s");
    for (int i = 0; i < n; i++) {
        char *prior = carcer_scenario_input_prior(sc, i);
        fprintf(stderr, "  %-48s %s\n", carcer_scenario_input_key(sc, i), prior ? prior : "?");
        free(prior);
    }
}

static int cmd_check(int argc, char **argv)
{
    cli c = {0};
    const char *pos[1];
    int npos = 0;
    int rc = parse_options("check", argc, argv, &c, pos, &npos, 1);
    if (rc) {
        free(c.sets);
        return rc < 0 ? 0 : rc; /* -1: --help was shown */
    }
    if (npos != 1) {
        free(c.sets);
        return usage_error(carcer_cmd_find("check"), "check needs a scenario file%s", "");
    }
    carcer_diag *diag = carcer_diag_new();
    carcer_scenario *sc = NULL;
    int status = 0;
    if (carcer_scenario_load(pos[0], c.sets, c.nsets, diag, &sc) != CARCER_OK) {
        print_diag(diag);
        status = EXIT_INPUT;
    } else if ((status = carcer_cmd_warnings(diag, c.strict)) == 0) {
        /* as `run` would: the time series streamed to the output */
        carcer_run_options opt = carcer_run_options_default();
        opt.replicates = (int)c.replicates;
        opt.threads = (int)c.threads;
        opt.keep_timeseries = 0;
        status = memory_check_set(&sc, 1, &c, &opt, c.verbose);
    }
    /* quiet when all is well, unless asked */
    if (status == 0 && sc && c.verbose) {
        char *text = carcer_scenario_resolved(sc);
        if (text)
            fputs(text, stdout);
        else
            status = EXIT_INPUT;
        free(text);
        print_inputs(sc);
    }
    carcer_scenario_free(sc);
    carcer_diag_free(diag);
    free(c.sets);
    return status;
}

static int cmd_report(int argc, char **argv)
{
    cli c = {0};
    const char *pos[1];
    int npos = 0;
    int rc = parse_options("report", argc, argv, &c, pos, &npos, 1);
    free(c.sets);
    if (rc)
        return rc < 0 ? 0 : rc; /* -1: --help was shown */
    if (npos != 1)
        return usage_error(carcer_cmd_find("report"),
                           "report needs the output folder of a run or a comparison%s", "");
    size_t n = strlen(pos[0]) + 16;
    char *def = malloc(n);
    if (!def)
        return EXIT_INPUT;
    snprintf(def, n, "%s/report.html", pos[0]);
    const char *out = c.out ? c.out : def;
    carcer_diag *diag = carcer_diag_new();
    int status = 0;
    if (carcer_report_write(pos[0], out, diag) != CARCER_OK) {
        print_diag(diag);
        status = EXIT_INPUT;
    } else if (!c.quiet) {
        printf("Report written to %s\n", out);
    }
    carcer_diag_free(diag);
    free(def);
    return status;
}

static int command(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(NULL, "no command given%s", "");
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "calibrate") == 0)
        return carcer_cmd_calibrate(argc - 1, argv + 1);
    if (strcmp(cmd, "sensitivity") == 0)
        return carcer_cmd_sensitivity(argc - 1, argv + 1);
    if (strcmp(cmd, "schema") == 0)
        return carcer_cmd_schema(argc - 1, argv + 1);
    if (strcmp(cmd, "scenarios") == 0)
        return carcer_cmd_scenarios(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
        return carcer_cmd_version(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return carcer_cmd_helpcmd(argc - 1, argv + 1);
    return usage_error(NULL, "unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
    /* GSL's error handler is process-wide; the library checks return codes */
    gsl_set_error_handler_off();
    cc_keep_freed_memory();
    int status = command(argc, argv);
    /* what went to stdout (check's scenario, the schema, the table) must
     * have arrived: a full disk or a closed pipe is an error, not a success */
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "carcer: cannot write the standard output%s%s\n", errno ? ": " : "",
                errno ? strerror(errno) : "");
        if (status == 0)
            status = EXIT_INPUT;
    }
    return status;
}
