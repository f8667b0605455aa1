/* disease_spec.h - the scenario's `disease:` block, parsed and resolved.
 *
 *   disease:
 *     pathogen: covid19            # shipped name, or a file relative to the scenario
 *     r0_at_capacity: 3.0          # or beta_cell (default: the pathogen's)
 *     beta_facility: 0.05          # default: the pathogen's
 *     beta_staff: 0.02             # default: the pathogen's
 *     crowding_exponent: 0         # g; default: the pathogen's
 *     community_prevalence: [{from: 2021-02-20, value: 0.001}, ...]
 *     staff_community_prevalence: 0.002   # default: community_prevalence
 *     initial_states: {active: 0.04, latent_late: 0.5}  # shares at day 0
 *     intake_states: {latent_late: 0.3}                  # shares of arrivals
 *     introductions: [{at: 2021-05-01, facility: CC1, count: 2, staff: false}]
 *     care_lacking_fatality_factor: 1.5
 *     measures:
 *       quarantine:  {from, until, days: 14, tests: 0, capacity}   (days, tests:
 *                    a number or [{from: DATE, value: X}, ...])
 *       testing:     {from, until, at_intake: true, every_days: 0,
 *                     sensitivity: 0.8, delay_days: 1}
 *       isolation:   {from, until, symptomatic: true, capacity}
 *       vaccination: {from, until, doses_per_day (number or dated list),
 *                     priority: [staff, risk, age_over_50, all],
 *                     efficacy_infection, efficacy_severe, waning}
 *       masks:       {from, until, factor}
 *       ventilation: {from, until, factor}
 *
 * Parsed by cc_disease_spec_parse through the schema's CC_T_CUSTOM hook
 * (the scenario's context gives positions and key paths); a loaded spec is
 * immutable and shared by every replicate.
 */
#ifndef CARCER_DISEASE_SPEC_H
#define CARCER_DISEASE_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "pathogen.h"
#include "scenario.h"
#include "util.h"

#define CC_DIS_MAX_INTRO 4096
#define CC_DIS_MAX_SHARES CC_PATH_MAX_STATES

/* Vaccination priority groups, in the order a scenario lists them. */
typedef enum cc_vgroup { CC_VG_STAFF, CC_VG_RISK, CC_VG_AGE_OVER_50, CC_VG_ALL, CC_VG_COUNT } cc_vgroup;

typedef struct cc_introduction {
    int32_t day;
    int facility;
    int32_t count;
    bool staff;
} cc_introduction;

/* A measure is active on days [from, until). */
typedef struct cc_measure_window {
    bool on;
    int32_t from, until;
} cc_measure_window;

/* A factor on transmission while active (masks, ventilation). */
typedef struct cc_measure_factor {
    cc_measure_window w;
    double factor;
} cc_measure_factor;

/* The measures, in the order of their keys (`measures:` of the block and
 * `health:` of a policy). */
typedef enum cc_measure {
    CC_M_QUARANTINE,
    CC_M_TESTING,
    CC_M_ISOLATION,
    CC_M_VACCINATION,
    CC_M_MASKS,
    CC_M_VENTILATION,
    CC_M_COUNT
} cc_measure;

/* The `health:` lever of a policy: the measures it sets while in force.
 * Each measure named (bit 1u << cc_measure of `set`) replaces the disease
 * block's measure of the same name from the policy's first day to its
 * end, whatever the block's own dates. Fields the policy does not give
 * were resolved at load to the block's values (its defaults when the
 * block lacks the measure); only the schedules of the block (quarantine
 * days and tests, doses a day) stay the block's when not given, read by
 * day as the block's are. The vaccine (efficacies, waning) is the one of
 * the scenario: the block's, or the same for every policy that gives it.
 * Plain values only: copying the struct copies the lever. */
typedef struct cc_health_lever {
    unsigned set;
    struct {
        bool days_given, tests_given; /* else the block's schedules */
        double days;
        int32_t tests;
        double capacity; /* places per facility; 0 = one cell of the facility */
    } quarantine;
    struct {
        bool at_intake;
        int32_t every_days;
        double sensitivity;
        int32_t delay_days;
    } testing;
    struct {
        bool symptomatic;
        double capacity;
    } isolation;
    struct {
        bool doses_given; /* else the block's schedule */
        double doses_per_day;
        int npriority;
        cc_vgroup priority[CC_VG_COUNT];
        double efficacy_infection, efficacy_severe;
    } vaccination;
    double masks, ventilation; /* factors on beta */
} cc_health_lever;

typedef struct cc_state_shares {
    int n;
    int state[CC_DIS_MAX_SHARES];
    double share[CC_DIS_MAX_SHARES];
} cc_state_shares;

typedef struct cc_disease_spec {
    char pathogen_ref[4096]; /* as written: a shipped name or a path */
    cc_pathogen *pathogen;

    /* transmission, resolved (the pathogen's defaults unless given) */
    bool r0_given;           /* beta_cell is derived from r0_at_capacity */
    double beta_cell, r0_at_capacity;
    double beta_facility, beta_staff, crowding_exponent;

    cc_schedule community_prevalence;       /* share infected, by date */
    bool staff_prevalence_given;
    cc_schedule staff_community_prevalence; /* n = 0: community_prevalence */
    cc_state_shares initial_states, intake_states;
    int nintro;
    cc_introduction *intro;
    double care_lacking_fatality_factor; /* on the probability of dying, in custody */

    struct {
        cc_measure_window w;
        cc_schedule days;  /* length by date of arrival (a number or a dated list) */
        cc_schedule tests; /* tests during it, evenly spaced, the last on its last day */
        double capacity;   /* places per facility; 0 = one cell of the facility */
    } quarantine;
    struct {
        cc_measure_window w;
        bool at_intake;
        int32_t every_days; /* 0 = no periodic testing */
        double sensitivity;
        int32_t delay_days;
    } testing;
    struct {
        cc_measure_window w;
        bool symptomatic;
        double capacity; /* places per facility; 0 = one cell of the facility */
    } isolation;
    struct {
        cc_measure_window w;
        cc_schedule doses_per_day; /* a number or a dated list */
        int npriority;
        cc_vgroup priority[CC_VG_COUNT];
        double efficacy_infection, efficacy_severe;
        bool has_waning;
        cc_dist waning;
    } vaccination;
    cc_measure_factor masks, ventilation;
} cc_disease_spec;

struct cc_yctx;
struct fy_node;
struct fy_document;

/* The CC_T_CUSTOM hook of `disease:` (schema.h). `node` NULL = no disease:
 * s->disease stays NULL. Pathogen files are found relative to the folder of
 * s->file. Returns 0 or -1 with errors reported through the context. */
int cc_disease_spec_parse(struct cc_yctx *ctx, struct fy_node *node, cc_scenario *s);
/* The resolved block (every default explicit) as a node of doc, or NULL
 * when the scenario has no disease. */
struct fy_node *cc_disease_spec_print(struct fy_document *doc, const cc_scenario *s);
/* Reference documentation of the block (markdown). */
void cc_disease_spec_markdown(cc_buf *out, const char *path);
/* Free s->disease and set it NULL. */
void cc_disease_spec_free(cc_scenario *s);
/* Keys of the block (NULL-terminated), for the docs test. */
extern const char *const cc_disease_spec_keys[];

/* Fill a zeroed spec with the defaults (for code that builds a spec
 * without YAML, e.g. tests): transmission from the pathogen, no
 * prevalence, no measures, care-lacking factor 1. Takes ownership of p. */
void cc_disease_spec_defaults(cc_disease_spec *d, cc_pathogen *p);
void cc_disease_spec_destroy(cc_disease_spec *d);
/* Make *sc the constant v (one entry from day 0), freeing what it held.
 * Returns 0 or -1 when out of memory (sc is then empty). */
int cc_disease_schedule_constant(cc_schedule *sc, double v);

/* Parse the `health:` lever of a policy into *h (key path of n pushed on
 * ctx), with the names, bounds and checks of the block's `measures:`, the
 * fields not given resolved against s->disease. `vaccine`: an earlier
 * policy's lever that gave the vaccine when the block has none (NULL if
 * none did). A scenario without `disease:` is an error at n. Returns 0 or
 * -1 (errors reported through ctx). */
int cc_health_lever_parse(struct cc_yctx *ctx, struct fy_node *n, const cc_scenario *s,
                          const cc_health_lever *vaccine, cc_health_lever *h);
/* The lever as a YAML flow mapping appended to b (every resolved field
 * explicit, so that it loads back to the same lever). */
void cc_health_lever_print(cc_buf *b, const cc_health_lever *h);
/* Reference rows of the lever (markdown table rows, keys `path.*`). */
void cc_health_lever_markdown(cc_buf *out, const char *path);

/* beta_cell as run: given, or derived from r0_at_capacity for a cell of
 * design capacity `cell_capacity` (see disease.c for the derivation). */
double cc_disease_beta_cell(const cc_disease_spec *d, double cell_capacity);

#endif
