/* scenario.h - the loaded scenario: an immutable description of one run.
 *
 * A scenario is read from YAML by scenario.c, driven by the schema table in
 * schema.c, validated as a whole (every error of the file is reported), and
 * then never written again: every replicate and every thread reads the same
 * struct. All dates are stored as day offsets from `start` (day 0 = start).
 * Every per-offense parameter is stored resolved, one value per offense class,
 * after the scenario's `default:` and overrides have been applied.
 *
 * Sizes that the input controls are bounded by the CC_MAX_* limits below,
 * checked before anything is allocated.
 */
#ifndef CARCER_SCENARIO_H
#define CARCER_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define CC_MAX_OFFENSES 16       /* offense classes in a scenario */
#define CC_MAX_FACILITIES 4096   /* facilities in a scenario */
#define CC_MAX_SCHEDULE 4096     /* entries of one dated schedule */
#define CC_MAX_EMPIRICAL 1024    /* bins of an empirical distribution */
#define CC_MAX_NAME 128          /* bytes of a name, terminator included */
#define CC_MAX_DAYS 36600        /* 100 years */
#define CC_MAX_CELLS 10000000    /* cells in one facility */
#define CC_MAX_POPULATION 50000000 /* initial population of one facility */
#define CC_MAX_POLICIES 1024
#define CC_MAX_REPORT_DATES 64   /* dates of stock snapshots in summary.json */
#define CC_MAX_PEOPLE 1000000000 /* initial populations + expected arrivals of a run */
#define CC_MAX_TOTAL_CELLS 100000000 /* cells of all facilities */
#define CC_MAX_FILE_BYTES (4 << 20) /* bytes of one scenario or pathogen file */
#define CC_MAX_YAML_DEPTH 64     /* nesting of collections (libfyaml's own limit too) */

/* ---- distributions ---------------------------------------------------- */

/* How analysts write a duration. Parameters are stored in the form the
 * sampler needs; `spec_*` keep what the user wrote so that the resolved
 * scenario prints it back the same way. */
typedef enum cc_dist_kind {
    CC_DIST_FIXED,       /* value */
    CC_DIST_UNIFORM,     /* min, max */
    CC_DIST_EXPONENTIAL, /* mean */
    CC_DIST_LOGNORMAL,   /* median + p90, or mean + sd */
    CC_DIST_GAMMA,       /* mean + sd, or shape + scale */
    CC_DIST_EMPIRICAL    /* bins: [[lo, hi, weight], ...], uniform within a bin */
} cc_dist_kind;

typedef struct cc_dist {
    cc_dist_kind kind;
    /* sampler parameters:
     *   fixed: a = value
     *   uniform: a = min, b = max
     *   exponential: a = mean
     *   lognormal: a = mu, b = sigma (of log X)
     *   gamma: a = shape k, b = scale theta
     *   empirical: nbins, lo[], hi[], w[] (weights normalised to sum 1) */
    double a, b;
    int nbins;
    double *lo, *hi, *w;
    double mean; /* the distribution's mean, computed at load */
    /* what the user wrote (for printing back): a mask of given fields */
    unsigned spec_mask;
    double spec[4];
    double *weight; /* empirical: the weights as written (w[] is normalised) */
} cc_dist;

/* spec_mask of a loaded cc_dist: the form written (low byte) and the unit
 * it was written in (next byte); spec[0], spec[1] hold the two parameters
 * of the form as written, in that unit. */
enum cc_dist_form {
    CC_DFORM_FIXED = 1,          /* value */
    CC_DFORM_UNIFORM,            /* min, max */
    CC_DFORM_EXPONENTIAL,        /* mean */
    CC_DFORM_LOGNORMAL_MEDIAN_P90, /* median, p90 */
    CC_DFORM_LOGNORMAL_MEAN_SD,  /* mean, sd */
    CC_DFORM_GAMMA_MEAN_SD,      /* mean, sd */
    CC_DFORM_GAMMA_SHAPE_SCALE,  /* shape, scale */
    CC_DFORM_EMPIRICAL           /* bins */
};
enum cc_dist_unit { CC_DUNIT_DEFAULT = 0, CC_DUNIT_DAYS, CC_DUNIT_MONTHS, CC_DUNIT_YEARS };
#define CC_DIST_FORM(d) ((d)->spec_mask & 0xffu)
#define CC_DIST_UNIT(d) (((d)->spec_mask >> 8) & 0xffu)

/* ---- schedules -------------------------------------------------------- */

/* A piecewise-constant dated series: value[i] holds from day from[i] until
 * the next entry. Days before the first entry take value[0]. A scalar in the
 * file is a one-entry schedule from day 0. */
typedef struct cc_schedule {
    int n;
    int32_t *from; /* day offsets, strictly increasing */
    double *value;
} cc_schedule;

/* ---- offenses and people --------------------------------------------- */

typedef struct cc_offense {
    char name[CC_MAX_NAME];
    bool drug, violent, felony;
} cc_offense;

/* A per-offense value: the resolved value of each class. */
typedef struct cc_per_offense {
    double v[CC_MAX_OFFENSES];
    bool has_default; /* the file gave `default:` (or a single value) */
    double def;       /* that default, printed back in the resolved scenario */
} cc_per_offense;

typedef struct cc_per_offense_dist {
    cc_dist d[CC_MAX_OFFENSES];
    bool has_default;
    cc_dist def;
} cc_per_offense_dist;

typedef struct cc_people {
    double female, poor, risk, with_child;
    cc_dist age;              /* years, truncated to [min_age, max_age] */
    double min_age, max_age;
    double child_age_max;     /* years: children up to this age come along */
} cc_people;

/* ---- facilities ------------------------------------------------------- */

typedef enum cc_facility_type { CC_FAC_POLICE, CC_FAC_PRISON, CC_FAC_REHAB } cc_facility_type;
typedef enum cc_sex_rule { CC_SEX_MALE, CC_SEX_FEMALE, CC_SEX_ANY } cc_sex_rule;
typedef enum cc_cell_fill { CC_FILL_LEAST_CROWDED, CC_FILL_RANDOM } cc_cell_fill;

/* Justice states. The order is the order of the timeseries columns. */
typedef enum cc_state {
    CC_ST_POLICE,
    CC_ST_PRETRIAL,
    CC_ST_BAIL,
    CC_ST_APPEAL,
    CC_ST_SENTENCED,
    CC_ST_REHAB,
    CC_ST_RELEASED,
    CC_ST_DEAD,
    CC_ST_COUNT
} cc_state;

/* Composition of a facility's initial population: shares by justice status
 * (pretrial, appeal, sentenced for prisons; rehab for rehab centres; police
 * for police custody) and an offense mix. */
typedef struct cc_composition {
    double status[CC_ST_COUNT]; /* shares, sum 1 over the detained states */
    double offense[CC_MAX_OFFENSES];
    double female;              /* share of women (used where sex is any) */
} cc_composition;

typedef struct cc_facility {
    char name[CC_MAX_NAME];
    cc_facility_type type;
    cc_sex_rule sex;
    cc_schedule capacity;  /* official capacity, may change on dates */
    int32_t cells;
    int64_t population;    /* initial population */
    cc_composition composition;
    cc_schedule intake_share; /* weight among eligible facilities of its type */
    bool children;         /* children may live here with their mothers */
    int32_t opens;         /* day it starts taking admissions (0 = from start) */
    int32_t staff;         /* staff agents (disease model only) */
    int convicted_to;      /* facility index where people go once convicted, -1 = stay */
    double excess_death_per_year; /* facility-type excess mortality hazard */
} cc_facility;

/* ---- policies (filled by policy.c; opaque here) ----------------------- */
struct cc_policy;

/* ---- the scenario ----------------------------------------------------- */

typedef struct cc_scenario {
    char name[256];
    char country[CC_MAX_NAME]; /* the country described; the defaults' is Cambodia */
    /* what the scenario is, in a sentence or two, and the currency of its
     * costs (`description:`, `currency:`); "" when not given */
    char description[1024];
    char currency[64];
    char file[4096];     /* where it was read from ("<default>" when embedded) */
    int32_t start_date;  /* days since 1970-01-01 */
    int32_t days;
    uint64_t seed;
    int32_t replicates;
    /* days (offsets from start) at whose end summary.json records the
     * stocks: prison population, drug, pretrial and unconvicted shares,
     * each facility's population, drug arrests so far (`at.<date>.*`) */
    int nreport_dates;
    int32_t report_dates[CC_MAX_REPORT_DATES];

    int noffenses;
    cc_offense offense[CC_MAX_OFFENSES];

    cc_people people;

    /* arrests */
    cc_schedule arrests_per_day; /* first arrests, people per day */
    double arrest_mix[CC_MAX_OFFENSES];
    double rearrest_per_year;    /* hazard just after release */
    double rearrest_halving_years;
    double priors_mean;          /* mean prior arrests of a first arrestee */

    /* direct admissions without charge (round-ups), per facility type */
    cc_schedule direct_rehab_per_day;

    /* routing at arrest */
    cc_per_offense route_release, route_rehab, route_prosecute;
    cc_per_offense bribe;         /* chance of buying a diversion to rehab, if not poor */

    /* police custody */
    cc_per_offense_dist police_days;

    /* pretrial */
    cc_per_offense bail;          /* chance of bail, if not poor */
    cc_per_offense_dist pretrial_days;
    double limit_misdemeanour_days, limit_felony_days;
    bool enforce_legal_limit;
    double legal_aid;             /* coverage probability */
    double legal_aid_duration_factor;
    double legal_aid_conviction_factor;

    /* trial */
    cc_per_offense convict;
    cc_per_offense_dist sentence_days;
    cc_per_offense appeal;        /* chance a convicted person appeals (stays in `appeal`) */
    cc_per_offense_dist appeal_days;

    /* rehab */
    cc_dist rehab_days;
    double rehab_excess_death_per_year;

    /* mortality in custody (hazards per person-year):
     * background(age) = at_30 * 2^((age - 30) / doubling_years) (Gompertz),
     * plus crowding * max(0, occupancy - 1), plus the facility's excess. */
    double mort_at_30_per_year;
    double mort_doubling_years;
    double mort_crowding_per_year; /* per unit of occupancy above 1 */

    /* facilities */
    int nfacilities;
    cc_facility *facility;
    cc_cell_fill cell_fill;
    cc_composition initial; /* default composition of initial populations */

    /* transfers when a facility is above an occupancy level */
    double transfer_occupancy_above; /* 0 = off */
    int32_t transfer_max_per_day;

    /* costs per person-day by state, and community treatment per day */
    double cost_per_day[CC_ST_COUNT];
    double cost_community_per_day;

    /* uncertain inputs (prior.c): NULL when every input is a value */
    struct cc_inputs *inputs;
    /* `posterior:` (draws.c): the sample replicates draw their inputs from,
     * the file as written and its text; NULL = draw from the priors */
    struct cc_posterior *posterior;
    char *posterior_ref, *posterior_text;
    size_t posterior_len;

    /* disease and policies are attached by their modules */
    struct cc_disease_spec *disease; /* NULL = no disease */
    int npolicies;
    struct cc_policy *policies;
    struct cc_targets *targets; /* observed figures (targets.h); NULL = none */
} cc_scenario;

/* Load a scenario from a file (path) or from memory (text, name used in
 * messages). `sets` are "key.path=value" overrides applied before
 * validation. On error returns nonzero with every problem recorded in `diag`
 * and *out left NULL. */
int cc_scenario_load_file(const char *path, const char *const *sets, int nsets,
                          cc_diag *diag, cc_scenario **out);
int cc_scenario_load_text(const char *text, size_t len, const char *name,
                          const char *const *sets, int nsets, cc_diag *diag,
                          cc_scenario **out);
void cc_scenario_free(cc_scenario *s);

/* Load the kept merged document `doc` of a scenario again through ctx (a
 * context kept from its first load), with its uncertain inputs set to
 * `values` (prior.c): the same parse and checks as the first load. */
struct cc_yctx;
struct fy_document;
struct cc_inputs;
int cc_scenario_reload(struct cc_yctx *ctx, const char *file, struct fy_document *doc,
                       const struct cc_inputs *inputs, const double *values, cc_diag *diag,
                       cc_scenario **out);

/* The scenario with every default filled in, as YAML that loads back to the
 * same scenario. Returns a malloc'd string. */
char *cc_scenario_resolved_yaml(const cc_scenario *s);
/* The same with the seed and number of replicates a run used (the command
 * line may override the scenario's), so that it runs that run again. */
char *cc_scenario_resolved_yaml_as_run(const cc_scenario *s, uint64_t seed, int replicates);

/* 1 when a and b agree in everything that drives a run except their
 * policies (their resolved texts agree but for name, seed, replicates and
 * policies, and a pathogen is read from the same file), 0 when not, -1 out
 * of memory. */
int cc_scenario_same_but_policies(const cc_scenario *a, const cc_scenario *b);

/* The embedded default scenario (scenarios/cambodia-2017.yaml). */
const char *cc_scenario_default_text(size_t *len);

/* Helpers for the engine. */
double cc_schedule_at(const cc_schedule *s, int32_t day);
int cc_offense_index(const cc_scenario *s, const char *name);
int cc_facility_index(const cc_scenario *s, const char *name);

#endif
