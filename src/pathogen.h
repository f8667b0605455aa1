/* pathogen.h - a pathogen as data: a small state machine read from YAML.
 *
 * A pathogen file (pathogens/covid19.yaml is the model; docs/disease.md the
 * reference) names an `entry` state entered on infection and lists `states`.
 * Three names are reserved and always exist: `susceptible`, `recovered`
 * (optionally with `waning` back to susceptible) and `dead`. Every other state
 * is an infected state with a relative `infectiousness`, flags
 * (`symptomatic`, `hospital`, `detectable`), a `duration` distribution (days,
 * or another `unit`) and `next` transitions whose probabilities may depend
 * on age band and `risk`:
 *
 *   next: [{to: severe, p: {default: 0.02, age: {"0-49": 0.01, "65+": 0.2},
 *                          risk_factor: 2.0}},
 *          {to: recovered, p: rest}]
 *
 * The file also gives default transmission parameters (beta_cell or
 * r0_at_capacity, beta_facility, beta_staff, crowding_exponent) that a
 * scenario's `disease:` block may override.
 *
 * Loading validates everything and records every problem with file:line:col,
 * key path, what was expected and a hint. A loaded cc_pathogen is immutable.
 *
 * The small YAML reader used here (positions, unknown keys with suggestions,
 * numbers, flags) reads pathogen files; the scenario's `disease:` block is
 * read with the schema's context (schema.h) like the rest of a scenario.
 */
#ifndef CARCER_PATHOGEN_H
#define CARCER_PATHOGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "scenario.h"

#define CC_PATH_MAX_STATES 32 /* states of one pathogen, reserved ones included */
#define CC_PATH_MAX_NEXT 8    /* transitions out of one state */
#define CC_PATH_MAX_BANDS 16  /* age bands of one probability */
#define CC_PATH_REF_AGE 30.0  /* age of the reference person for derived means */

/* A transition probability: a default, optional age bands [lo, hi) in years
 * that override it, and a factor applied when the person has `risk`
 * (the product is capped at 1). `rest` = whatever the others leave. */
typedef struct cc_prob {
    bool rest;
    bool has_default;
    double p;
    int nbands;
    double lo[CC_PATH_MAX_BANDS], hi[CC_PATH_MAX_BANDS], bp[CC_PATH_MAX_BANDS];
    double risk_factor;
} cc_prob;

typedef enum cc_pstate_kind {
    CC_PS_SUSCEPTIBLE,
    CC_PS_INFECTED,
    CC_PS_RECOVERED,
    CC_PS_DEAD
} cc_pstate_kind;

typedef struct cc_pstate {
    char name[CC_MAX_NAME];
    cc_pstate_kind kind;
    double infectiousness; /* relative; 0 = not infectious */
    bool symptomatic, hospital, detectable;
    bool has_duration;     /* infected states; recovered when it wanes */
    cc_dist duration;      /* days */
    int nnext;
    int to[CC_PATH_MAX_NEXT];
    cc_prob p[CC_PATH_MAX_NEXT];
    double visits; /* expected visits per infection (reference person) */
} cc_pstate;

typedef struct cc_pathogen {
    char name[CC_MAX_NAME];
    char file[4096];
    int nstates;
    cc_pstate state[CC_PATH_MAX_STATES];
    int susceptible, recovered, dead, entry;

    /* default transmission; r0_at_capacity < 0 when beta_cell is given */
    double beta_cell, r0_at_capacity, beta_facility, beta_staff, crowding_exponent;

    /* derived at load for the reference person (CC_PATH_REF_AGE, no risk):
     * infectious_days D = sum over states of infectiousness x mean duration x
     * expected visits (the R0 conversion uses it); infected_days = mean time
     * from infection to recovery or death. */
    double infectious_days, infected_days;
} cc_pathogen;

/* Load a pathogen from YAML text; `file` names it in messages. Returns 0, or
 * nonzero with every problem in diag and *out NULL. */
int cc_pathogen_load_text(const char *text, size_t len, const char *file, cc_diag *diag,
                          cc_pathogen **out);

/* `ref` is a shipped name ("covid19": pathogens/covid19.yaml compiled into
 * the library) or a path, relative to `base_dir` unless absolute. */
int cc_pathogen_load(const char *ref, const char *base_dir, cc_diag *diag, cc_pathogen **out);
void cc_pathogen_free(cc_pathogen *p);

struct fy_node;
struct fy_document;

/* What a pathogen given inline is named by (its `file` and the disease
 * block's reference). */
#define CC_PATHOGEN_INLINE "<inline>"

/* Load a pathogen from a mapping of a parsed document (the pathogen given
 * inline in a scenario's `disease:` block); `file` names the document in
 * messages, whose positions are those of its nodes. 0, or nonzero with
 * every problem in diag and *out NULL. */
int cc_pathogen_load_node(struct fy_node *root, const char *file, cc_diag *diag,
                          cc_pathogen **out);

/* Whether `ref` names a shipped pathogen (as cc_pathogen_load reads it)
 * rather than a file. */
bool cc_pathogen_ref_is_name(const char *ref);

/* The pathogen as a mapping of doc that cc_pathogen_load_node reads back to
 * the same pathogen: name, entry, transmission and every state with each
 * field explicit (a file's `description` and `sources` are left out). NULL
 * when out of memory. */
struct fy_node *cc_pathogen_print(struct fy_document *doc, const cc_pathogen *p);

/* Probability of a transition for a person of this age and risk (not
 * meaningful for `rest`). */
double cc_prob_eval(const cc_prob *p, double age, bool risk);

/* Index of a state by name, or -1. */
int cc_pathogen_state(const cc_pathogen *p, const char *name);

/* ---- the reader of pathogen files --------------------------------------- */

typedef struct cc_yr {
    const char *file;
    cc_diag *diag;
    int errors;
} cc_yr;

/* Parse text into a document, recording syntax errors (with positions) and
 * refusing anchors and aliases. NULL on error. */
struct fy_document *cc_yr_parse(cc_yr *r, const char *text, size_t len);

/* 1-based position of a node (for a collection, of its first scalar); 0, 0
 * when unknown. */
void cc_yr_pos(struct fy_node *n, int *line, int *col);

/* Record an error at node n (or at `fallback` when n has no position). */
void cc_yr_error(cc_yr *r, struct fy_node *n, const char *path, const char *hint,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Check that every key of mapping m is in `known` (NULL-terminated); unknown
 * keys are errors with the nearest known key suggested. Returns the number
 * of unknown keys. Reports an error and returns -1 if m is not a mapping. */
int cc_yr_keys(cc_yr *r, struct fy_node *m, const char *path, const char *const *known);

/* The value of key `key` in mapping m, or NULL. */
struct fy_node *cc_yr_get(struct fy_node *m, const char *key);

/* Scalars. Each returns 0, or -1 with an error recorded. */
int cc_yr_number(cc_yr *r, struct fy_node *n, const char *path, double lo, double hi,
                 double *out);
int cc_yr_bool(cc_yr *r, struct fy_node *n, const char *path, bool *out);
/* a scalar string copied into out (size bytes) */
int cc_yr_string(cc_yr *r, struct fy_node *n, const char *path, char *out, size_t size);

/* A duration as the scenario writes it ({dist: gamma, mean, sd, unit}, see
 * distspec.c), stored in days with its mean filled. Empirical is refused. */
int cc_yr_dist(cc_yr *r, struct fy_node *n, const char *path, cc_dist *out);

/* The known word nearest to `word` (edit distance at most 2 + len/4), or NULL. */
const char *cc_yr_nearest(const char *word, const char *const *known);

#endif
