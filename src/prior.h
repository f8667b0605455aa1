/* prior.h - uncertain inputs: a prior where a number of the scenario stands.
 *
 * Wherever the schema reads a number (a key, one value of a per-offense
 * block or of a schedule, a parameter of a distribution, a number of the
 * disease block or of a policy) the file may write a prior instead:
 *
 *     bail: {default: {prior: beta, mean: 0.1, sd: 0.05}}
 *     per_day: [{from: 2017-01-01, value: {prior: uniform, min: 60, max: 80}}]
 *
 * Loading records each uncertain input once, in the order the loader meets
 * it, as (key path, prior); the loaded scenario holds the prior's median in
 * the input's place (its nominal value) and keeps the merged document, so a
 * replicate's scenario is the same document read again with a vector of
 * values in those places (cc_inputs_instantiate): the code that checks a
 * file and derives its quantities at load (shares that sum to 1, rates,
 * distribution parameters, r0_at_capacity) checks and derives a drawn set
 * too, with the same messages. The document is read, never written.
 *
 * The draw of replicate i's inputs has its own streams (rng kind
 * CC_RK_INPUTS), so adding an input moves no other draw.
 */
#ifndef CARCER_PRIOR_H
#define CARCER_PRIOR_H

#include <libfyaml.h>
#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "schema.h"

#define CC_MAX_INPUTS 256 /* uncertain inputs of a scenario */

typedef enum cc_prior_kind {
    CC_PRIOR_UNIFORM,    /* min, max */
    CC_PRIOR_LOGUNIFORM, /* min, max (0 < min) */
    CC_PRIOR_NORMAL,     /* mean, sd, truncated to [min, max] when given */
    CC_PRIOR_LOGNORMAL,  /* median, p90 */
    CC_PRIOR_BETA        /* mean, sd, or alpha, beta */
} cc_prior_kind;

typedef struct cc_prior {
    cc_prior_kind kind;
    /* the sampler's parameters: uniform/loguniform: a = min, b = max;
     * normal: a = mean, b = sd; lognormal: a = mu, b = sigma of log X;
     * beta: a = alpha, b = beta */
    double a, b;
    double lo, hi;       /* the support (normal: the truncation) */
    double plo, phi;     /* normal, lognormal: the untruncated CDF at lo and hi */
    bool integer;        /* the key holds an integer: values are rounded */
    /* as written, to print it back: the keys and their values */
    int nspec;
    const char *spec_key[4];
    double spec[4];
} cc_prior;

/* The quantile of u in (0, 1); the log density at x (-INFINITY outside the
 * support); the median. */
double cc_prior_quantile(const cc_prior *p, double u);
double cc_prior_logpdf(const cc_prior *p, double x);
double cc_prior_median(const cc_prior *p);
/* "beta(mean 0.1, sd 0.05)" into out. */
void cc_prior_describe(const cc_prior *p, char *out, size_t cap);

/* One uncertain input of a scenario. */
typedef struct cc_input {
    /* the input's name: its key path in the resolved scenario, e.g.
     * "pretrial.bail.default" (what check, replicates.csv and posterior.csv
     * call it, and what names its random streams) */
    char *path;
    /* the key path where the loader met it (differs from path when a
     * distribution for every offense class is printed back under `default`) */
    char *key;
    cc_prior prior;
    /* a per-offense default: the per-offense block and the classes that
     * take it (the resolved scenario prints them without a value) */
    char *block;
    unsigned inherit;
} cc_input;

typedef struct cc_inputs cc_inputs;

/* 1 when n is a mapping with a `prior` key (where a number stands). */
bool cc_prior_node(struct fy_node *n);

/* Read the prior of node n (where a number in [min, max] stands; integer:
 * an integer key) for the load of ctx: the first load records the input
 * and gives its nominal value (the prior's median), a load of a replicate's
 * scenario gives the replicate's value. 0, or -1 with positioned errors
 * (unknown prior, missing or extra parameters, support outside [min, max]). */
int cc_prior_read(cc_yctx *ctx, struct fy_node *n, double min, double max, bool integer,
                  double *out);

/* At the current key path stands a per-offense block whose classes of mask
 * `classes` take its default: the inputs under its key `sub` ("default"),
 * or under the block itself when its one value is for every class (sub
 * NULL; the resolved scenario prints that value under `default`), are
 * printed back under `default` and those classes are printed without a
 * value of their own, so they follow the default's prior. */
void cc_prior_inherit(cc_yctx *ctx, const char *sub, unsigned classes);

/* The inputs of a scenario (NULL when it has none). */
int cc_inputs_count(const cc_scenario *s);
const cc_input *cc_inputs_get(const cc_scenario *s, int i);
/* The same of a list of inputs (NULL: none): during a load, the inputs
 * recorded so far are *cc_yctx_inputs(ctx). */
int cc_inputs_count_of(const cc_inputs *in);
/* Input i of in, i in [0, cc_inputs_count_of(in)). */
const cc_input *cc_inputs_at(const cc_inputs *in, int i);
const char *cc_inputs_path_of(const cc_inputs *in, int i);
/* Index of the input at key path `path`, or -1. */
int cc_inputs_find(const cc_scenario *s, const char *path);

/* Replicate i's scenario: base with its inputs set to values[ninputs]
 * (integers rounded). The result has no inputs of its own; free it with
 * cc_scenario_free. 0, or -1 with the messages of the load in diag (a drawn
 * set that breaks a rule of the schema). Safe from several threads. */
int cc_inputs_instantiate(const cc_scenario *base, const double *values, cc_diag *diag,
                          cc_scenario **out);

/* The input values of draws 0..k-1 (a Latin hypercube over the k draws,
 * keyed by the seed: the strata of an input are a permutation drawn from the
 * stream (seed, input), the position of draw m within its stratum from
 * (seed, input, m), where an input is named by a hash of its key path). */
int cc_inputs_lhs(const cc_scenario *s, uint64_t seed, int k, double *values /* [k][n] */);

/* Replace, in the resolved document `doc` of s, each input's value by its
 * prior (and drop the per-offense classes that inherit it). */
void cc_inputs_print(const cc_scenario *s, struct fy_document *doc);

/* ---- used by the loader (scenario.c) -------------------------------- */

/* Keep what a replicate's load needs: the merged document `work` and the
 * context of the load (positions of includes and --set values). When s has
 * inputs, takes ctx, the top file's document `top`, scratch and incl (which
 * owns `work` when it is not `top`) and returns 1: the caller must not free
 * them. 0 when s has none. */
struct cc_incl;
/* The texts a load reads (its own copies of the scenario and the --set
 * arguments, which libfyaml's nodes point into). */
typedef struct cc_texts {
    char *text;
    int nsets;
    char **sets;
} cc_texts;
cc_texts *cc_texts_copy(const char *text, size_t len, const char *const *sets, int nsets);
void cc_texts_free(cc_texts *t);
int cc_inputs_keep(cc_scenario *s, cc_yctx *ctx, struct fy_document *top,
                   struct fy_document *work, struct fy_diag *scratch, struct cc_incl *incl,
                   cc_texts *texts);
void cc_inputs_free(cc_inputs *in);

#endif
