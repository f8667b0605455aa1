/* commands.c - the table of every command of the tool: synopsis, what it
 * does, its options and real examples. Parsing, `--help` and the man page
 * are made from these rows (options.h); an option is added here and in
 * its command's switch.
 *
 * The examples are run as written by tests/test_cli_help.c's checks of
 * their options; paths are relative to the source tree.
 */
#include <stddef.h>

#include "options.h"

/* Rows that several commands share, each with one meaning everywhere. */
#define OPT_SEED {"seed", 's', 0, "N", "the seed of the random streams (0 to 4294967295; default: the scenario's seed:)"}
#define OPT_THREADS {"threads", 't', 0, "T", "threads (1 to 1024; default: every core); results are the same bytes whatever T"}
#define OPT_SET {"set", 'S', 0, "KEY.PATH=VALUE", "override one scenario key, as YAML (e.g. --set days=365 or --set 'people.female=0.1'); repeat for more"}
#define OPT_QUIET {"quiet", 'q', 'q', NULL, "print nothing but errors and warnings"}
#define OPT_HELP {"help", 'h', 'h', NULL, "print this help"}
#define OPT_STRICT {"strict", 'W', 0, NULL, "treat warnings about the scenario as errors: exit status 1, nothing written"}
#define OPT_MEMORY {"max-memory", 'M', 0, "BYTES", "refuse a run needing more memory than BYTES (a number, or with K, M or G; default: the memory available)"}
#define OPT_NO_REPORT {"no-report", 'N', 0, NULL, "write no report.html (the report is written into DIR by default)"}
#define OPT_END {NULL, 0, 0, NULL, NULL}
#define EX_END {NULL, NULL}

static const carcer_cmd_option run_options[] = {
    {"out", 'o', 'o', "DIR", "the results folder (default: out), replaced whole when the run is done"},
    OPT_SEED,
    {"replicates", 'r', 0, "K", "replicates (1 to 100000; default: the scenario's replicates:, else 1)"},
    OPT_THREADS,
    OPT_SET,
    OPT_MEMORY,
    OPT_STRICT,
    OPT_NO_REPORT,
    OPT_QUIET,
    OPT_HELP,
    OPT_END,
};
static const carcer_cmd_example run_examples[] = {
    {"carcer run", "the embedded default (Cambodia 2017-2021) into out/"},
    {"carcer run scenarios/cambodia-tb.yaml -o tb --replicates 20 --seed 7",
     "tuberculosis in place of COVID-19, 20 replicates, into tb/"},
    {"carcer run --set days=365 --set people.female=0.1 -o year1",
     "the default's first year with 10% women among arrests"},
    EX_END,
};
static const carcer_cmd_spec run_spec = {
    "run", "run [SCENARIO] [options]",
    "Simulate SCENARIO (the embedded Cambodia 2017-2021 default when omitted).",
    "Writes timeseries.csv, summary.json, scenario.resolved.yaml, run.json and report.html into the "
    "folder DIR, which holds either the previous results or the new ones, never a mix. "
    "Warnings about the scenario are printed as file:line:col: warning: and do not stop "
    "the run unless --strict is given. A table of the main results is printed at the end.",
    run_options, run_examples};

static const carcer_cmd_option compare_options[] = {
    {"out", 'o', 'o', "DIR", "the results folder (default: out), replaced whole when done"},
    OPT_SEED,
    {"replicates", 'r', 0, "K", "replicates of every scenario (1 to 100000; default: the baseline's replicates:)"},
    OPT_THREADS,
    OPT_SET,
    OPT_MEMORY,
    OPT_STRICT,
    OPT_NO_REPORT,
    OPT_QUIET,
    OPT_HELP,
    OPT_END,
};
static const carcer_cmd_example compare_examples[] = {
    {"carcer compare scenarios/cambodia-2017.yaml scenarios/reform-decriminalise-2018.yaml -o cmp",
     "the default against decriminalised personal use, paired replicates, into cmp/"},
    {"carcer compare scenarios/cambodia-2017.yaml scenarios/reform-*.yaml -o reforms --replicates 20",
     "every shipped reform against the default, 20 paired replicates each"},
    EX_END,
};
static const carcer_cmd_spec compare_spec = {
    "compare", "compare BASELINE ALTERNATIVE... [options]",
    "Run every scenario with the same seed and replicates and compare each alternative with "
    "the baseline.",
    "Replicate r of every scenario draws the same random numbers (common random numbers), "
    "so the paired differences show the effect of the reform and little of chance. Writes "
    "compare.csv and compare.json into DIR.",
    compare_options, compare_examples};

static const carcer_cmd_option check_options[] = {
    OPT_SET,
    {"replicates", 'r', 0, "K", "replicates, for the memory estimate"},
    OPT_THREADS,
    OPT_MEMORY,
    {"verbose", 'v', 'v', NULL, "also print the resolved scenario (every default filled in), its uncertain inputs and the memory a run needs"},
    OPT_STRICT,
    OPT_HELP,
    OPT_END,
};
static const carcer_cmd_example check_examples[] = {
    {"carcer check scenarios/cambodia-2017.yaml", "no output and exit status 0: the scenario is valid"},
    {"carcer check my-country.yaml --strict",
     "errors and warnings with file:line:col; exit status 1 if there is any"},
    {"carcer check scenarios/reform-legal-aid-bail.yaml --verbose > resolved.yaml",
     "the scenario with every default spelled out, the memory estimate on stderr"},
    EX_END,
};
static const carcer_cmd_spec check_spec = {
    "check", "check SCENARIO [options]",
    "Validate SCENARIO: print its errors and warnings, nothing when it is fine.",
    "Errors and warnings give file:line:col, the key and what was expected. Exit status 0 "
    "when the scenario is valid (warnings included, unless --strict), 1 otherwise.",
    check_options, check_examples};

static const carcer_cmd_option report_options[] = {
    {"out", 'o', 'o', "FILE.html", "where to write the page (default: DIR/report.html)"},
    OPT_QUIET,
    OPT_HELP,
    OPT_END,
};
static const carcer_cmd_example report_examples[] = {
    {"carcer report out", "out/report.html from the results of carcer run -o out"},
    {"carcer report cmp -o reforms.html", "the comparison in cmp/ as reforms.html"},
    EX_END,
};
static const carcer_cmd_spec report_spec = {
    "report", "report DIR [options]",
    "Make one self-contained HTML page from the results folder of run, compare, calibrate or "
    "sensitivity.",
    "The page has no external reference: it can be mailed or opened offline, and printed.",
    report_options, report_examples};

static const carcer_cmd_option calibrate_options[] = {
    {"out", 'o', 'o', "DIR", "the calibration folder (default: calibration), checkpointed as it goes"},
    {"particles", 'n', 0, "N", "particles (2 to 1000000; default 1000)"},
    {"generations", 'g', 0, "G", "at most G generations, the first from the priors (default 5)"},
    {"budget", 'b', 0, "SIMS", "at most SIMS simulations in all (default: no limit)"},
    {"replicates-per-particle", 'R', 0, "R", "targets averaged over R replicates (default 1)"},
    {"quantile", 'Q', 0, "Q", "the next tolerance is the Q-quantile of the distances (0.01 to 0.99; default 0.5)"},
    {"tolerance", 'e', 0, "EPS", "stop once the tolerance reaches EPS (default: none)"},
    {"min-acceptance", 'a', 0, "A", "stop when a generation accepts less than A of its proposals (default 0.01)"},
    {"predictive", 'p', 0, "P", "posterior predictive simulations (default 200; 0: none)"},
    OPT_THREADS,
    OPT_SEED,
    OPT_SET,
    {"resume", 'r', 0, "DIR", "continue the calibration checkpointed in DIR, with the options it started with"},
    OPT_STRICT,
    OPT_QUIET,
    OPT_HELP,
    OPT_END,
};
static const carcer_cmd_example calibrate_examples[] = {
    {"carcer calibrate scenarios/cambodia-2017.yaml -o cal --particles 500",
     "fit the default's priors to its targets into cal/"},
    {"carcer calibrate --resume cal", "continue it after an interruption"},
    EX_END,
};
static const carcer_cmd_spec calibrate_spec = {
    "calibrate", "calibrate SCENARIO [options]\ncalibrate --resume DIR [options]",
    "Fit the scenario's uncertain inputs (priors) to its targets by approximate Bayesian "
    "computation, sequential Monte Carlo.",
    "Writes posterior.csv, generations.csv, calibration.json and scenario.calibrated.yaml "
    "into DIR (docs/calibration.md).",
    calibrate_options, calibrate_examples};

static const carcer_cmd_option sensitivity_options[] = {
    {"out", 'o', 'o', "DIR", "the analysis folder (default: sensitivity), checkpointed as it goes"},
    {"method", 'm', 0, "M", "morris (screening, default), sobol (first and total indices) or prcc (partial rank correlation)"},
    {"trajectories", 'R', 0, "R", "Morris trajectories (default 20): R (k + 1) simulations"},
    {"samples", 'N', 0, "N", "Sobol base samples, N (k + 2) simulations; PRCC rows (default 256)"},
    {"bootstrap", 'B', 0, "B", "resamples of the 90% intervals (default 500)"},
    {"output", 'O', 0, "KEY", "a summary.json key, or COLUMN:FACILITY (a timeseries.csv column of a facility or ALL); repeat for more (default: the headline outputs)"},
    {"over-time", 'T', 0, "WHEN", "read columns monthly or at DATE,DATE,... (default: the last day)"},
    OPT_THREADS,
    OPT_SEED,
    OPT_SET,
    {"resume", 'r', 0, "DIR", "continue the analysis checkpointed in DIR, with the options it started with"},
    OPT_STRICT,
    OPT_QUIET,
    OPT_HELP,
    OPT_END,
};
static const carcer_cmd_example sensitivity_examples[] = {
    {"carcer sensitivity scenarios/cambodia-2017.yaml -o sens --method morris --trajectories 20",
     "screen the default's uncertain inputs for the headline outputs"},
    {"carcer sensitivity -o sens-t --method morris --output population:ALL --over-time monthly",
     "which inputs decide the number held, month by month"},
    EX_END,
};
static const carcer_cmd_spec sensitivity_spec = {
    "sensitivity",
    "sensitivity [SCENARIO] [options]\nsensitivity --resume DIR [options]",
    "Find which of the scenario's uncertain inputs (priors) decide its outputs (the embedded "
    "default when SCENARIO is omitted).",
    "Writes sensitivity.csv, sensitivity.json and samples.csv into DIR (docs/sensitivity.md).",
    sensitivity_options, sensitivity_examples};

static const carcer_cmd_option schema_options[] = {
    {"json", 'j', 0, NULL, "a JSON Schema (draft 2020-12) of a scenario file, for editors and validators"},
    OPT_HELP,
    OPT_END,
};
static const carcer_cmd_example schema_examples[] = {
    {"carcer schema > scenario-reference.md", "the reference of every key, with defaults and sources"},
    {"carcer schema --json > carcer.schema.json",
     "the JSON Schema; an editor with a YAML language server then checks scenarios as they are typed"},
    EX_END,
};
static const carcer_cmd_spec schema_spec = {
    "schema", "schema [--json]",
    "Print the scenario reference (Markdown), or with --json a JSON Schema of scenarios.",
    "Both are made from the table the loader itself uses, so they list exactly the keys it "
    "accepts. A number may everywhere be given as a prior ({prior: uniform, min: 1, max: "
    "2}), which the JSON Schema allows. The JSON Schema checks types, bounds and names; "
    "what it cannot express (shares that sum to 1, facility names that exist, the "
    "parameters each distribution needs) is left to carcer check.",
    schema_options, schema_examples};

static const carcer_cmd_option scenarios_options[] = {
    OPT_HELP,
    OPT_END,
};
static const carcer_cmd_example scenarios_examples[] = {
    {"carcer scenarios", "the shipped scenarios and what each one is"},
    {"carcer scenarios new Kenya > kenya.yaml",
     "a template for Kenya; then edit every line marked REPLACE and run carcer check kenya.yaml"},
    EX_END,
};
static const carcer_cmd_spec scenarios_spec = {
    "scenarios", "scenarios\nscenarios new COUNTRY",
    "List the shipped scenarios, or print a template scenario for a new country.",
    "The template spells out every default of the model, most of them Cambodian (its "
    "law, its prisons, its campaign), each marked REPLACE with its source, so that none "
    "applies to another country unnoticed. It sets country: COUNTRY, and it passes carcer "
    "check as it is.",
    scenarios_options, scenarios_examples};

static const carcer_cmd_option help_options[] = {
    {"man", 'm', 0, NULL, "the man page carcer(1) in roff (what make install installs)"},
    OPT_HELP,
    OPT_END,
};
static const carcer_cmd_example help_examples[] = {
    {"carcer help run", "the same as carcer run --help"},
    {"carcer help --man > carcer.1 && man -l carcer.1", "the man page, read without installing it"},
    EX_END,
};
static const carcer_cmd_spec help_spec = {
    "help", "help [COMMAND]\nhelp --man",
    "Print the list of commands, the help of COMMAND, or the man page.", "",
    help_options, help_examples};

static const carcer_cmd_option version_options[] = {
    OPT_HELP,
    OPT_END,
};
static const carcer_cmd_example version_examples[] = {
    {"carcer version", "e.g. carcer 0.1.0"},
    EX_END,
};
static const carcer_cmd_spec version_spec = {
    "version", "version", "Print the version of carcer.", "", version_options,
    version_examples};

const carcer_cmd_spec *const carcer_cmd_specs[] = {
    &run_spec,       &compare_spec,   &check_spec,     &report_spec, &calibrate_spec,
    &sensitivity_spec, &schema_spec, &scenarios_spec, &help_spec,   &version_spec,
    NULL,
};
