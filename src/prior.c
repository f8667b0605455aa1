/* prior.c - uncertain inputs (see prior.h): priors read where numbers stand,
 * their quantiles and densities, the Latin hypercube of a run's draws, and a
 * replicate's scenario loaded again from the kept document with its values.
 *
 * Supports are checked against the bounds of the key the prior stands for:
 * a uniform's [min, max], a truncated normal's [min, max] (both needed when
 * the key is bounded on that side), a lognormal's (0, inf) and a beta's
 * [0, 1] must lie within them, so a drawn value is always one the file could
 * have written. Formulas:
 *   lognormal from median m and 90th percentile p: mu = ln m,
 *     sigma = (ln p - ln m) / z_0.9, z_0.9 = 1.2815515655446004;
 *   beta from mean m and sd s: k = m (1 - m) / s^2 - 1 (needs s^2 < m (1 - m)),
 *     alpha = m k, beta = (1 - m) k;
 *   truncated normal quantile: mean + sd * Phi^-1(Phi(lo') + u (Phi(hi') - Phi(lo')))
 *     with lo', hi' the standardised bounds.
 * Cost: reading a prior is a few lookups; a replicate's scenario costs one
 * walk of the document (about a millisecond for the default scenario).
 */
#include "prior.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include.h"
#include "rng.h"

#define Z90 1.2815515655446004 /* the standard normal's 90th percentile */

struct cc_inputs {
    int n;
    cc_input *v;
    /* what a replicate's load reads again: the merged document (owned by
     * incl when the scenario includes others, else it is top) */
    struct fy_document *doc, *top;
    struct fy_diag *scratch;
    struct cc_incl *incl;
    cc_yctx *ctx;
    cc_texts *texts;
    char file[4096];
};

cc_texts *cc_texts_copy(const char *text, size_t len, const char *const *sets, int nsets)
{
    cc_texts *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->text = malloc(len + 1);
    t->sets = calloc((size_t)(nsets > 0 ? nsets : 1), sizeof *t->sets);
    if (!t->text || !t->sets) {
        cc_texts_free(t);
        return NULL;
    }
    if (len)
        memcpy(t->text, text, len);
    t->text[len] = '\0';
    for (; t->nsets < nsets; t->nsets++)
        if (!(t->sets[t->nsets] = cc_strdup(sets[t->nsets]))) {
            cc_texts_free(t);
            return NULL;
        }
    return t;
}

void cc_texts_free(cc_texts *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->nsets; i++)
        free(t->sets[i]);
    free(t->sets);
    free(t->text);
    free(t);
}

/* ---- distributions --------------------------------------------------- */

double cc_prior_quantile(const cc_prior *p, double u)
{
    double x;
    switch (p->kind) {
    case CC_PRIOR_UNIFORM:
        x = p->a + u * (p->b - p->a);
        break;
    case CC_PRIOR_LOGUNIFORM:
        x = exp(log(p->a) + u * (log(p->b) - log(p->a)));
        break;
    case CC_PRIOR_NORMAL:
        x = p->a + p->b * gsl_cdf_ugaussian_Pinv(p->plo + u * (p->phi - p->plo));
        break;
    case CC_PRIOR_LOGNORMAL:
        x = exp(p->a + p->b * gsl_cdf_ugaussian_Pinv(p->plo + u * (p->phi - p->plo)));
        break;
    case CC_PRIOR_BETA:
        x = gsl_cdf_beta_Pinv(u, p->a, p->b);
        break;
    default:
        x = NAN;
    }
    if (x < p->lo)
        x = p->lo;
    if (x > p->hi)
        x = p->hi;
    return x;
}

double cc_prior_logpdf(const cc_prior *p, double x)
{
    if (!(x >= p->lo && x <= p->hi))
        return -INFINITY;
    switch (p->kind) {
    case CC_PRIOR_UNIFORM:
        return -log(p->b - p->a);
    case CC_PRIOR_LOGUNIFORM:
        return -log(x) - log(log(p->b) - log(p->a));
    case CC_PRIOR_NORMAL:
        return log(gsl_ran_gaussian_pdf(x - p->a, p->b)) - log(p->phi - p->plo);
    case CC_PRIOR_LOGNORMAL:
        return x > 0 ? log(gsl_ran_lognormal_pdf(x, p->a, p->b)) - log(p->phi - p->plo)
                     : -INFINITY;
    case CC_PRIOR_BETA:
        return log(gsl_ran_beta_pdf(x, p->a, p->b));
    }
    return -INFINITY;
}

double cc_prior_median(const cc_prior *p) { return cc_prior_quantile(p, 0.5); }

static const char *const prior_names[] = {"uniform", "loguniform", "normal", "lognormal", "beta",
                                          NULL};

void cc_prior_describe(const cc_prior *p, char *out, size_t cap)
{
    size_t len = (size_t)snprintf(out, cap, "%s(", prior_names[p->kind]);
    for (int i = 0; i < p->nspec && len < cap; i++) {
        char v[40];
        cc_yaml_format_real(v, p->spec[i], 1);
        len += (size_t)snprintf(out + len, cap - len, "%s%s %s", i ? ", " : "", p->spec_key[i], v);
    }
    if (len < cap)
        snprintf(out + len, cap - len, ")");
}

/* ---- reading a prior ------------------------------------------------- */

bool cc_prior_node(struct fy_node *n)
{
    return n && fy_node_is_mapping(n) && cc_yaml_get(n, "prior") != NULL;
}

static int param(cc_yctx *ctx, struct fy_node *map, const char *key, cc_prior *p, double *out)
{
    struct fy_node *v = cc_yaml_get(map, key);
    if (!v)
        return 1;
    cc_yaml_push_key(ctx, key);
    int rc = cc_yaml_real(ctx, v, -HUGE_VAL, HUGE_VAL, out);
    cc_yaml_pop(ctx);
    if (rc == 0 && p->nspec < 4) {
        p->spec_key[p->nspec] = key;
        p->spec[p->nspec++] = *out;
    }
    return rc;
}

/* The prior's probability below x (its truncation included). */
static double prior_cdf(const cc_prior *p, double x)
{
    if (x <= p->lo)
        return 0;
    if (x >= p->hi)
        return 1;
    switch (p->kind) {
    case CC_PRIOR_UNIFORM:
        return (x - p->a) / (p->b - p->a);
    case CC_PRIOR_LOGUNIFORM:
        return (log(x) - log(p->a)) / (log(p->b) - log(p->a));
    case CC_PRIOR_NORMAL:
        return (gsl_cdf_ugaussian_P((x - p->a) / p->b) - p->plo) / (p->phi - p->plo);
    case CC_PRIOR_LOGNORMAL:
        return (gsl_cdf_ugaussian_P((log(x) - p->a) / p->b) - p->plo) / (p->phi - p->plo);
    case CC_PRIOR_BETA:
        return gsl_cdf_beta_P(x, p->a, p->b);
    }
    return 0;
}

/* The normal and lognormal priors' mass between lo and hi. */
static void truncate_to(cc_prior *p, double lo, double hi)
{
    p->lo = lo;
    p->hi = hi;
    if (p->kind == CC_PRIOR_NORMAL) {
        p->plo = gsl_cdf_ugaussian_P((lo - p->a) / p->b);
        p->phi = gsl_cdf_ugaussian_P((hi - p->a) / p->b);
    } else {
        p->plo = lo > 0 ? gsl_cdf_ugaussian_P((log(lo) - p->a) / p->b) : 0;
        p->phi = hi < HUGE_VAL ? gsl_cdf_ugaussian_P((log(hi) - p->a) / p->b) : 1;
    }
}

/* The support [lo, hi] against the key's [min, max]. A uniform, loguniform
 * or beta prior must lie within them. A normal or lognormal prior whose
 * tails reach past them is truncated to them when the mass cut off is below
 * CC_PRIOR_TAIL (the truncation then changes no figure that carcer prints),
 * and refused otherwise, naming the share of its mass outside. */
#define CC_PRIOR_TAIL 1e-6
static int check_support(cc_yctx *ctx, struct fy_node *n, cc_prior *p, double min, double max)
{
    if (p->lo >= min && p->hi <= max)
        return 0;
    double outside = prior_cdf(p, min) + (1 - prior_cdf(p, max));
    bool tails = p->kind == CC_PRIOR_NORMAL || p->kind == CC_PRIOR_LOGNORMAL;
    if (tails && outside < CC_PRIOR_TAIL) {
        truncate_to(p, p->lo > min ? p->lo : min, p->hi < max ? p->hi : max);
        return 0;
    }
    char a[40], b[40], kl[40], kh[40];
    cc_yaml_format_real(a, p->lo, 1);
    cc_yaml_format_real(b, p->hi, 1);
    cc_yaml_format_real(kl, min, 1);
    cc_yaml_format_real(kh, max, 1);
    const char *hint = tails ? "give the prior min: and max: within the key's bounds, or narrow it"
                             : "choose a prior whose values the key accepts";
    char share[64] = "";
    if (tails)
        snprintf(share, sizeof share, " with %.3g%% of its mass outside", 100 * outside);
    if (max >= HUGE_VAL)
        cc_yaml_error(ctx, n, hint, "expected a prior with values >= %s (the key's bound), got "
                      "support [%s, %s]%s", kl, a, b, share);
    else
        cc_yaml_error(ctx, n, hint, "expected a prior with values in [%s, %s] (the key's "
                      "bounds), got support [%s, %s]%s", kl, kh, a, b, share);
    return -1;
}

/* Parse the prior mapping n into p: 0 or -1 (errors recorded). */
static int parse_prior(cc_yctx *ctx, struct fy_node *n, double min, double max, cc_prior *p)
{
    static const char *const keys[] = {"prior", "min", "max", "mean", "sd", "median", "p90",
                                       "alpha", "beta", NULL};
    static const char *const allowed[][5] = {
        {"min", "max", NULL},                /* uniform */
        {"min", "max", NULL},                /* loguniform */
        {"mean", "sd", "min", "max", NULL},  /* normal */
        {"median", "p90", NULL},             /* lognormal */
        {"mean", "sd", "alpha", "beta", NULL}};
    memset(p, 0, sizeof *p);
    int errs = cc_yctx_errors(ctx);
    cc_yaml_check_keys(ctx, n, keys);
    cc_yaml_push_key(ctx, "prior");
    int kind = cc_yaml_enum(ctx, cc_yaml_get(n, "prior"), prior_names, 0);
    cc_yaml_pop(ctx);
    if (kind < 0)
        return -1;
    p->kind = (cc_prior_kind)kind;
    /* parameters the prior does not take */
    for (int k = 1; keys[k]; k++) {
        bool ok = false;
        for (int j = 0; allowed[kind][j]; j++)
            ok = ok || strcmp(allowed[kind][j], keys[k]) == 0;
        struct fy_node *v = cc_yaml_get(n, keys[k]);
        if (!ok && v) {
            cc_yaml_push_key(ctx, keys[k]);
            cc_yaml_error(ctx, v, NULL, "a %s prior takes no '%s'", prior_names[kind], keys[k]);
            cc_yaml_pop(ctx);
        }
    }
    if (cc_yctx_errors(ctx) != errs)
        return -1;
    double x1 = 0, x2 = 0, x3 = 0, x4 = 0;
    switch (p->kind) {
    case CC_PRIOR_UNIFORM:
    case CC_PRIOR_LOGUNIFORM: {
        int r1 = param(ctx, n, "min", p, &x1), r2 = param(ctx, n, "max", p, &x2);
        if (r1 || r2) {
            if (r1 > 0 || r2 > 0)
                cc_yaml_error(ctx, n, NULL, "a %s prior needs min and max", prior_names[kind]);
            return -1;
        }
        if (!(x1 < x2)) {
            cc_yaml_error(ctx, n, NULL, "expected min < max, got min %g and max %g", x1, x2);
            return -1;
        }
        if (p->kind == CC_PRIOR_LOGUNIFORM && !(x1 > 0)) {
            cc_yaml_error(ctx, n, NULL, "expected a loguniform prior's min > 0, got %g", x1);
            return -1;
        }
        p->a = p->lo = x1;
        p->b = p->hi = x2;
        break;
    }
    case CC_PRIOR_NORMAL: {
        int r1 = param(ctx, n, "mean", p, &x1), r2 = param(ctx, n, "sd", p, &x2);
        int r3 = param(ctx, n, "min", p, &x3), r4 = param(ctx, n, "max", p, &x4);
        if (r1 || r2 || r3 < 0 || r4 < 0) {
            if (r1 > 0 || r2 > 0)
                cc_yaml_error(ctx, n, NULL, "a normal prior needs mean and sd");
            return -1;
        }
        if (!(x2 > 0)) {
            cc_yaml_error(ctx, n, NULL, "expected a normal prior's sd > 0, got %g", x2);
            return -1;
        }
        p->a = x1;
        p->b = x2;
        p->lo = r3 == 0 ? x3 : -HUGE_VAL;
        p->hi = r4 == 0 ? x4 : HUGE_VAL;
        if (!(p->lo < p->hi)) {
            cc_yaml_error(ctx, n, NULL, "expected min < max, got min %g and max %g", p->lo, p->hi);
            return -1;
        }
        p->plo = gsl_cdf_ugaussian_P((p->lo - x1) / x2);
        p->phi = gsl_cdf_ugaussian_P((p->hi - x1) / x2);
        if (!(p->phi - p->plo > 1e-9)) {
            cc_yaml_error(ctx, n, "move min and max nearer the mean",
                          "expected a truncation [min, max] that holds some of the normal's "
                          "mass, got almost none");
            return -1;
        }
        break;
    }
    case CC_PRIOR_LOGNORMAL: {
        int r1 = param(ctx, n, "median", p, &x1), r2 = param(ctx, n, "p90", p, &x2);
        if (r1 || r2) {
            if (r1 > 0 || r2 > 0)
                cc_yaml_error(ctx, n, NULL, "a lognormal prior needs median and p90");
            return -1;
        }
        if (!(x1 > 0 && x2 > x1)) {
            cc_yaml_error(ctx, n, NULL, "expected 0 < median < p90, got median %g and p90 %g",
                          x1, x2);
            return -1;
        }
        p->a = log(x1);
        p->b = (log(x2) - log(x1)) / Z90;
        truncate_to(p, 0, HUGE_VAL);
        break;
    }
    case CC_PRIOR_BETA: {
        int r1 = param(ctx, n, "mean", p, &x1), r2 = param(ctx, n, "sd", p, &x2);
        int r3 = param(ctx, n, "alpha", p, &x3), r4 = param(ctx, n, "beta", p, &x4);
        if (r1 < 0 || r2 < 0 || r3 < 0 || r4 < 0)
            return -1;
        if (r1 == 0 && r2 == 0 && r3 > 0 && r4 > 0) {
            double v = x2 * x2;
            if (!(x1 > 0 && x1 < 1 && x2 > 0 && v < x1 * (1 - x1))) {
                cc_yaml_error(ctx, n, "a beta prior's sd must be below sqrt(mean (1 - mean))",
                              "expected 0 < mean < 1 and 0 < sd^2 < mean (1 - mean), got mean "
                              "%g and sd %g", x1, x2);
                return -1;
            }
            double k = x1 * (1 - x1) / v - 1;
            p->a = x1 * k;
            p->b = (1 - x1) * k;
        } else if (r3 == 0 && r4 == 0 && r1 > 0 && r2 > 0) {
            if (!(x3 > 0 && x4 > 0)) {
                cc_yaml_error(ctx, n, NULL, "expected alpha > 0 and beta > 0, got %g and %g", x3,
                              x4);
                return -1;
            }
            p->a = x3;
            p->b = x4;
        } else {
            cc_yaml_error(ctx, n, NULL, "a beta prior needs mean and sd, or alpha and beta");
            return -1;
        }
        p->lo = 0;
        p->hi = 1;
        break;
    }
    }
    return check_support(ctx, n, p, min, max);
}

/* ---- the inputs of a load ------------------------------------------ */

int cc_inputs_count(const cc_scenario *s) { return s ? cc_inputs_count_of(s->inputs) : 0; }
int cc_inputs_count_of(const cc_inputs *in) { return in ? in->n : 0; }
const char *cc_inputs_path_of(const cc_inputs *in, int i)
{
    return in && i >= 0 && i < in->n ? in->v[i].path : NULL;
}

const cc_input *cc_inputs_at(const cc_inputs *in, int i) { return &in->v[i]; }

const cc_input *cc_inputs_get(const cc_scenario *s, int i)
{
    return i >= 0 && i < cc_inputs_count(s) ? &s->inputs->v[i] : NULL;
}

/* The input the loader meets at key path `key`, or -1. */
static int find_in(const cc_inputs *in, const char *key)
{
    for (int i = 0; in && i < in->n; i++)
        if (strcmp(in->v[i].key, key) == 0)
            return i;
    return -1;
}

int cc_inputs_find(const cc_scenario *s, const char *path)
{
    for (int i = 0; i < cc_inputs_count(s); i++)
        if (strcmp(s->inputs->v[i].path, path) == 0)
            return i;
    return -1;
}

int cc_prior_read(cc_yctx *ctx, struct fy_node *n, double min, double max, bool integer,
                  double *out)
{
    cc_inputs **slot = cc_yctx_inputs(ctx);
    const cc_inputs *replay;
    const double *values = cc_yctx_input_values(ctx, &replay);
    const char *path = cc_yaml_path(ctx);
    if (values) {
        /* a replicate's load: the value of the input at this path */
        int i = find_in(replay, path);
        if (i < 0) {
            cc_yaml_error(ctx, n, NULL, "internal error: no uncertain input at this key");
            return -1;
        }
        double v = values[i];
        if (replay->v[i].prior.integer)
            v = round(v);
        if (!(v >= min && v <= max)) {
            char b[40];
            cc_yaml_format_real(b, v, 1);
            cc_yaml_error(ctx, n, "the drawn value lies outside the key's bounds",
                          "expected a value in [%g, %g], got %s", min, max, b);
            return -1;
        }
        *out = v;
        return 0;
    }
    cc_prior p;
    if (parse_prior(ctx, n, min, max, &p) != 0)
        return -1;
    p.integer = integer;
    cc_inputs *in = *slot;
    if (!in) {
        in = calloc(1, sizeof *in);
        if (!in) {
            cc_yaml_error(ctx, n, NULL, "out of memory");
            return -1;
        }
        *slot = in;
    }
    if (find_in(in, path) >= 0) {
        cc_yaml_error(ctx, n, NULL, "a second prior at the same key path");
        return -1;
    }
    if (in->n >= CC_MAX_INPUTS) {
        cc_yaml_error(ctx, n, "fix some inputs to values (docs/limits.md)",
                      "expected at most %d uncertain inputs, got more", CC_MAX_INPUTS);
        return -1;
    }
    cc_input *grown = realloc(in->v, (size_t)(in->n + 1) * sizeof *grown);
    char *copy = cc_strdup(path), *key = cc_strdup(path);
    if (!grown || !copy || !key) {
        if (grown)
            in->v = grown;
        free(copy);
        free(key);
        cc_yaml_error(ctx, n, NULL, "out of memory");
        return -1;
    }
    in->v = grown;
    in->v[in->n++] = (cc_input){copy, key, p, NULL, 0};
    double v = cc_prior_median(&p);
    *out = integer ? round(v) : v;
    return 0;
}

void cc_prior_inherit(cc_yctx *ctx, const char *sub, unsigned classes)
{
    const cc_inputs *replay;
    cc_inputs *in = *cc_yctx_inputs(ctx);
    if (!in || cc_yctx_input_values(ctx, &replay))
        return;
    const char *block = cc_yaml_path(ctx);
    char prefix[1200];
    snprintf(prefix, sizeof prefix, "%s%s%s", block, sub ? "." : "", sub ? sub : "");
    size_t np = strlen(prefix);
    for (int i = 0; i < in->n; i++) {
        cc_input *x = &in->v[i];
        const char *rest = x->key + np;
        if (x->block || strncmp(x->key, prefix, np) != 0 || (*rest && *rest != '.' && *rest != '['))
            continue;
        x->block = cc_strdup(block);
        x->inherit = classes;
        char *name = sub ? NULL : cc_asprintf("%s.default%s", block, rest);
        if (name) {
            free(x->path);
            x->path = name;
        }
    }
}

int cc_inputs_keep(cc_scenario *s, cc_yctx *ctx, struct fy_document *top,
                   struct fy_document *work, struct fy_diag *scratch, struct cc_incl *incl,
                   cc_texts *texts)
{
    cc_inputs *in = *cc_yctx_inputs(ctx);
    if (!in || in->n == 0)
        return 0;
    *cc_yctx_inputs(ctx) = NULL;
    in->doc = work;
    in->top = top;
    in->scratch = scratch;
    in->incl = incl;
    in->ctx = ctx;
    in->texts = texts;
    snprintf(in->file, sizeof in->file, "%s", s->file);
    s->inputs = in;
    return 1;
}

void cc_inputs_free(cc_inputs *in)
{
    if (!in)
        return;
    for (int i = 0; i < in->n; i++) {
        free(in->v[i].path);
        free(in->v[i].key);
        free(in->v[i].block);
    }
    free(in->v);
    cc_yctx_free(in->ctx);
    cc_include_free(in->incl);
    if (in->top)
        fy_document_destroy(in->top);
    if (in->scratch)
        fy_diag_destroy(in->scratch);
    cc_texts_free(in->texts);
    free(in);
}

/* ---- a replicate's scenario ---------------------------------------- */

int cc_inputs_instantiate(const cc_scenario *base, const double *values, cc_diag *diag,
                          cc_scenario **out)
{
    *out = NULL;
    cc_inputs *in = base->inputs;
    if (!in)
        return -1;
    int rc;
    /* one load at a time: the kept context and document are shared, and
     * libfyaml's lookups are not documented as safe from several threads */
#pragma omp critical(cc_inputs_load)
    rc = cc_scenario_reload(in->ctx, in->file, in->doc, in, values, diag, out);
    return rc;
}

/* ---- draws ----------------------------------------------------------- */

/* 48 bits of the FNV-1a hash of a key path: an input's streams are named by
 * its key path, so adding or removing an input moves no other input's draws. */
static uint64_t path_hash(const char *path)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h ^ (h >> 48);
}

int cc_inputs_lhs(const cc_scenario *s, uint64_t seed, int k, double *values)
{
    int n = cc_inputs_count(s);
    if (n == 0 || k < 1)
        return 0;
    int *perm = malloc((size_t)k * sizeof *perm);
    gsl_rng *r = cc_rng_alloc();
    if (!perm || !r) {
        free(perm);
        cc_rng_free(r);
        return -1;
    }
    for (int j = 0; j < n; j++) {
        const cc_prior *p = &s->inputs->v[j].prior;
        uint64_t h = path_hash(s->inputs->v[j].path);
        uint32_t w0 = ((uint32_t)CC_RK_INPUTS << 24) | (uint32_t)(h & 0xffffffu);
        uint32_t w2 = (uint32_t)((h >> 24) & 0xffffffu);
        /* the strata: a Fisher-Yates permutation of 0..k-1 */
        cc_rng_seek(r, seed, 0xffffffffu, (cc_stream_id){w0, 0xffffffffu, w2});
        for (int m = 0; m < k; m++)
            perm[m] = m;
        for (int m = k - 1; m > 0; m--) {
            int t = (int)gsl_rng_uniform_int(r, (unsigned long)m + 1);
            int x = perm[m];
            perm[m] = perm[t];
            perm[t] = x;
        }
        /* the position within its stratum */
        for (int m = 0; m < k; m++) {
            cc_rng_seek(r, seed, (uint32_t)m, (cc_stream_id){w0, (uint32_t)m, w2});
            double u = ((double)perm[m] + gsl_rng_uniform_pos(r)) / (double)k;
            double v = cc_prior_quantile(p, u);
            values[(size_t)m * (size_t)n + (size_t)j] = p->integer ? round(v) : v;
        }
    }
    free(perm);
    cc_rng_free(r);
    return 0;
}

/* ---- printing back ----------------------------------------------------- */

/* The node at key path `path` ("a.b[2].c") of doc, with its parent. */
static struct fy_node *node_at(struct fy_document *doc, const char *path, struct fy_node **parent)
{
    struct fy_node *n = fy_document_root(doc);
    *parent = NULL;
    const char *p = path;
    while (n && *p) {
        *parent = n;
        if (*p == '[') {
            char *end;
            long i = strtol(p + 1, &end, 10);
            if (*end != ']' || !fy_node_is_sequence(n))
                return NULL;
            n = fy_node_sequence_get_by_index(n, (int)i);
            p = end + 1;
        } else {
            if (*p == '.')
                p++;
            size_t len = strcspn(p, ".[");
            if (!fy_node_is_mapping(n))
                return NULL;
            n = fy_node_mapping_lookup_by_string(n, p, len);
            p += len;
        }
    }
    return n;
}

static struct fy_node *prior_node(struct fy_document *doc, const cc_prior *p)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    fy_node_mapping_append(m, fy_node_create_scalar(doc, "prior", FY_NT),
                           fy_node_create_scalar(doc, prior_names[p->kind], FY_NT));
    for (int i = 0; i < p->nspec; i++)
        fy_node_mapping_append(m, fy_node_create_scalar(doc, p->spec_key[i], FY_NT),
                               cc_yaml_print_real(doc, p->spec[i], 1));
    return m;
}

/* Replace node n, a value of parent, by pn. */
static void replace_node(struct fy_node *parent, struct fy_node *n, struct fy_node *pn)
{
    if (fy_node_is_mapping(parent)) {
        struct fy_node_pair *pair;
        void *it = NULL;
        while ((pair = fy_node_mapping_iterate(parent, &it)))
            if (fy_node_pair_value(pair) == n) {
                fy_node_pair_set_value(pair, pn);
                return;
            }
    } else if (fy_node_is_sequence(parent)) {
        fy_node_sequence_insert_after(parent, n, pn);
        fy_node_free(fy_node_sequence_remove(parent, n));
        return;
    }
    fy_node_free(pn);
}

void cc_inputs_print(const cc_scenario *s, struct fy_document *doc)
{
    for (int i = 0; i < cc_inputs_count(s); i++) {
        const cc_input *in = &s->inputs->v[i];
        struct fy_node *parent, *n = node_at(doc, in->path, &parent);
        if (n && parent)
            replace_node(parent, n, prior_node(doc, &in->prior));
        struct fy_node *bp, *block = in->block ? node_at(doc, in->block, &bp) : NULL;
        for (int c = 0; block && fy_node_is_mapping(block) && c < s->noffenses; c++) {
            if (!(in->inherit & (1u << c)))
                continue;
            struct fy_node_pair *cp;
            void *it = NULL;
            while ((cp = fy_node_mapping_iterate(block, &it))) {
                struct fy_node *k = fy_node_pair_key(cp);
                const char *kt = fy_node_get_scalar0(k);
                if (kt && strcmp(kt, s->offense[c].name) == 0)
                    break;
            }
            if (cp)
                fy_node_free(fy_node_mapping_remove_by_key(block, fy_node_pair_key(cp)));
        }
    }
}
