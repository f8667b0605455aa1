/* distspec.c - distributions as analysts write them: parsing, validation,
 * conversion to sampler parameters, printing back, mean, copy and free.
 *
 * Forms (see scenario.h for the stored parameters):
 *   {dist: fixed, value}            a = value
 *   {dist: uniform, min, max}       a = min, b = max
 *   {dist: exponential, mean}       a = mean
 *   {dist: lognormal, median, p90}  mu = ln median, sigma = (ln p90 - ln median) / z0.9
 *                                   where z0.9 = Phi^-1(0.9) = 1.2815515655446004
 *   {dist: lognormal, mean, sd}     sigma^2 = ln(1 + sd^2 / mean^2), mu = ln mean - sigma^2 / 2
 *                                   (matching the first two moments)
 *   {dist: gamma, mean, sd}         k = mean^2 / sd^2, theta = sd^2 / mean (moments)
 *   {dist: gamma, shape, scale}     k = shape, theta = scale
 *   {dist: empirical, bins: [[lo, hi, weight], ...]}   uniform within a bin
 * with an optional `unit: days|months|years` (a month is 30.4375 days, the
 * mean Gregorian month; a year 365.25 days). Values are converted to the
 * row's storage unit; what was written is kept in spec_mask / spec[] (and
 * `weight` for empirical bins) so the resolved scenario prints it back.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "schema.h"

static const char *const kind_names[] = {"fixed",     "uniform", "exponential",
                                         "lognormal", "gamma",   "empirical", NULL};
static const char *const unit_names[] = {"", "days", "months", "years", NULL};
static const double unit_days[] = {1, 1, 30.4375, 365.25};

static double unit_factor(int written, const char *store_unit)
{
    int store = store_unit && strcmp(store_unit, "years") == 0 ? CC_DUNIT_YEARS : CC_DUNIT_DAYS;
    if (written == CC_DUNIT_DEFAULT)
        return 1;
    return unit_days[written] / unit_days[store];
}

void cc_dist_compute_mean(cc_dist *d)
{
    switch (d->kind) {
    case CC_DIST_FIXED:
    case CC_DIST_EXPONENTIAL:
        d->mean = d->a;
        break;
    case CC_DIST_UNIFORM:
        d->mean = 0.5 * (d->a + d->b);
        break;
    case CC_DIST_LOGNORMAL:
        d->mean = exp(d->a + 0.5 * d->b * d->b);
        break;
    case CC_DIST_GAMMA:
        d->mean = d->a * d->b;
        break;
    case CC_DIST_EMPIRICAL: {
        double m = 0;
        for (int i = 0; i < d->nbins; i++)
            m += d->w[i] * 0.5 * (d->lo[i] + d->hi[i]);
        d->mean = m;
        break;
    }
    }
}

void cc_dist_free(cc_dist *d)
{
    if (!d)
        return;
    free(d->lo);
    free(d->hi);
    free(d->w);
    free(d->weight);
    d->lo = d->hi = d->w = d->weight = NULL;
    d->nbins = 0;
}

int cc_dist_copy(cc_dist *dst, const cc_dist *src)
{
    *dst = *src;
    dst->lo = dst->hi = dst->w = dst->weight = NULL;
    if (src->nbins <= 0)
        return 0;
    size_t n = (size_t)src->nbins * sizeof(double);
    dst->lo = malloc(n);
    dst->hi = malloc(n);
    dst->w = malloc(n);
    dst->weight = malloc(n);
    if (!dst->lo || !dst->hi || !dst->w || !dst->weight) {
        cc_dist_free(dst);
        return -1;
    }
    memcpy(dst->lo, src->lo, n);
    memcpy(dst->hi, src->hi, n);
    memcpy(dst->w, src->w, n);
    memcpy(dst->weight, src->weight, n);
    return 0;
}

/* Read the parameter `key` of the distribution (> 0 when positive). */
static int param(cc_yctx *ctx, struct fy_node *map, const char *key, bool positive, double *out)
{
    struct fy_node *v = cc_yaml_get(map, key);
    cc_yaml_push_key(ctx, key);
    int rc;
    if (!v) {
        cc_yaml_error(ctx, map, NULL, "missing parameter '%s'", key);
        rc = -1;
    } else {
        rc = cc_yaml_real(ctx, v, 0, HUGE_VAL, out);
        if (rc == 0 && positive && *out <= 0) {
            cc_yaml_error(ctx, v, NULL, "expected a number > 0, got %g", *out);
            rc = -1;
        }
    }
    cc_yaml_pop(ctx);
    return rc;
}

static int parse_bins(cc_yctx *ctx, struct fy_node *map, double f, cc_dist *d)
{
    struct fy_node *bins = cc_yaml_get(map, "bins");
    cc_yaml_push_key(ctx, "bins");
    int rc = -1;
    if (!bins) {
        cc_yaml_error(ctx, map, NULL, "missing parameter 'bins'");
        goto out;
    }
    if (!fy_node_is_sequence(bins) || fy_node_is_alias(bins)) {
        if (!fy_node_is_alias(bins))
            cc_yaml_error(ctx, bins, NULL, "expected a list of [lo, hi, weight], got %s",
                          fy_node_is_mapping(bins) ? "a mapping" : "a scalar");
        goto out;
    }
    int n = fy_node_sequence_item_count(bins);
    if (n < 1 || n > CC_MAX_EMPIRICAL) {
        cc_yaml_error(ctx, bins, NULL, "expected 1 to %d bins, got %d", CC_MAX_EMPIRICAL, n);
        goto out;
    }
    size_t sz = (size_t)n * sizeof(double);
    d->lo = malloc(sz);
    d->hi = malloc(sz);
    d->w = malloc(sz);
    d->weight = malloc(sz);
    if (!d->lo || !d->hi || !d->w || !d->weight) {
        cc_yaml_error(ctx, bins, NULL, "out of memory");
        goto out;
    }
    d->nbins = n;
    int bad = 0;
    double total = 0;
    void *bit = NULL;
    for (int i = 0; i < n; i++) {
        struct fy_node *b = fy_node_sequence_iterate(bins, &bit);
        cc_yaml_push_index(ctx, i);
        double v[3] = {0, 0, 0};
        if (!fy_node_is_sequence(b) || fy_node_sequence_item_count(b) != 3) {
            if (!fy_node_is_alias(b))
                cc_yaml_error(ctx, b, NULL, "expected a bin [lo, hi, weight]");
            bad = 1;
        } else {
            for (int k = 0; k < 3; k++)
                if (cc_yaml_real(ctx, fy_node_sequence_get_by_index(b, k), 0, HUGE_VAL, &v[k]))
                    bad = 1;
            if (!bad && v[1] <= v[0]) {
                cc_yaml_error(ctx, b, NULL, "expected hi > lo, got [%g, %g]", v[0], v[1]);
                bad = 1;
            }
            if (!bad && v[2] <= 0) {
                cc_yaml_error(ctx, b, NULL, "expected a weight > 0, got %g", v[2]);
                bad = 1;
            }
            if (!bad && i > 0 && v[0] * f < d->hi[i - 1]) {
                cc_yaml_error(ctx, b, "bins must be in increasing order without overlap",
                              "bin starts at %g, before the previous bin ends", v[0]);
                bad = 1;
            }
        }
        d->lo[i] = v[0] * f;
        d->hi[i] = v[1] * f;
        d->weight[i] = v[2];
        total += v[2];
        cc_yaml_pop(ctx);
    }
    if (!bad) {
        for (int i = 0; i < n; i++)
            d->w[i] = d->weight[i] / total;
        rc = 0;
    }
out:
    cc_yaml_pop(ctx);
    return rc;
}

int cc_yaml_parse_dist(cc_yctx *ctx, struct fy_node *n, const char *unit, cc_dist *d)
{
    static const char *const keys[] = {"dist", "value", "min", "max", "mean", "median", "p90",
                                       "sd", "shape", "scale", "bins", "unit", NULL};
    memset(d, 0, sizeof *d);
    if (n && fy_node_is_alias(n))
        return -1;
    if (!n || !fy_node_is_mapping(n)) {
        cc_yaml_error(ctx, n, "write e.g. {dist: lognormal, median: 30, p90: 60}",
                      "expected a distribution (a mapping with 'dist:'), got %s",
                      n && fy_node_is_sequence(n) ? "a list" : "a scalar");
        return -1;
    }
    int errs = cc_yctx_errors(ctx);
    cc_yaml_check_keys(ctx, n, keys);
    struct fy_node *kn = cc_yaml_get(n, "dist");
    if (!kn) {
        cc_yaml_error(ctx, n, "one of fixed, uniform, exponential, lognormal, gamma, empirical",
                      "missing key 'dist'");
        return -1;
    }
    cc_yaml_push_key(ctx, "dist");
    int kind = cc_yaml_enum(ctx, kn, kind_names, 0);
    cc_yaml_pop(ctx);
    if (kind < 0)
        return -1;
    int u = CC_DUNIT_DEFAULT;
    struct fy_node *un = cc_yaml_get(n, "unit");
    if (un) {
        cc_yaml_push_key(ctx, "unit");
        u = cc_yaml_enum(ctx, un, unit_names, 1);
        cc_yaml_pop(ctx);
        if (u < 0)
            return -1;
    }
    double f = unit_factor(u, unit);
    d->kind = (cc_dist_kind)kind;
    double p = 0, q = 0;
    int form = 0, rc = 0;
    switch (d->kind) {
    case CC_DIST_FIXED:
        form = CC_DFORM_FIXED;
        rc = param(ctx, n, "value", false, &p);
        d->a = p * f;
        break;
    case CC_DIST_UNIFORM:
        form = CC_DFORM_UNIFORM;
        rc = param(ctx, n, "min", false, &p) | param(ctx, n, "max", false, &q);
        if (!rc && q < p) {
            cc_yaml_push_key(ctx, "max");
            cc_yaml_error(ctx, cc_yaml_get(n, "max"), NULL, "expected max >= min (%g), got %g", p,
                          q);
            cc_yaml_pop(ctx);
            rc = -1;
        }
        d->a = p * f;
        d->b = q * f;
        break;
    case CC_DIST_EXPONENTIAL:
        form = CC_DFORM_EXPONENTIAL;
        rc = param(ctx, n, "mean", true, &p);
        d->a = p * f;
        break;
    case CC_DIST_LOGNORMAL:
        if (cc_yaml_get(n, "mean") || cc_yaml_get(n, "sd")) {
            form = CC_DFORM_LOGNORMAL_MEAN_SD;
            rc = param(ctx, n, "mean", true, &p) | param(ctx, n, "sd", true, &q);
            if (!rc) {
                double s2 = log1p((q * q) / (p * p));
                d->b = sqrt(s2);
                d->a = log(p * f) - 0.5 * s2;
            }
        } else {
            form = CC_DFORM_LOGNORMAL_MEDIAN_P90;
            rc = param(ctx, n, "median", true, &p) | param(ctx, n, "p90", true, &q);
            if (!rc && q <= p) {
                cc_yaml_push_key(ctx, "p90");
                cc_yaml_error(ctx, cc_yaml_get(n, "p90"), NULL,
                              "expected p90 > median (%g), got %g", p, q);
                cc_yaml_pop(ctx);
                rc = -1;
            }
            if (!rc) {
                d->a = log(p * f);
                d->b = (log(q) - log(p)) / gsl_cdf_ugaussian_Pinv(0.9);
            }
        }
        break;
    case CC_DIST_GAMMA:
        if (cc_yaml_get(n, "shape") || cc_yaml_get(n, "scale")) {
            form = CC_DFORM_GAMMA_SHAPE_SCALE;
            rc = param(ctx, n, "shape", true, &p) | param(ctx, n, "scale", true, &q);
            d->a = p;
            d->b = q * f;
        } else {
            form = CC_DFORM_GAMMA_MEAN_SD;
            rc = param(ctx, n, "mean", true, &p) | param(ctx, n, "sd", true, &q);
            if (!rc) {
                d->a = (p * p) / (q * q);
                d->b = (q * q) / p * f;
            }
        }
        break;
    case CC_DIST_EMPIRICAL:
        form = CC_DFORM_EMPIRICAL;
        rc = parse_bins(ctx, n, f, d);
        break;
    }
    d->spec_mask = (unsigned)form | ((unsigned)u << 8);
    d->spec[0] = p;
    d->spec[1] = q;
    if (rc || cc_yctx_errors(ctx) != errs) {
        cc_dist_free(d);
        return -1;
    }
    cc_dist_compute_mean(d);
    return 0;
}

static void add_pair(struct fy_document *doc, struct fy_node *map, const char *key,
                     struct fy_node *v)
{
    fy_node_mapping_append(map, fy_node_create_scalar_copy(doc, key, strlen(key)), v);
}

static void add_text(struct fy_document *doc, struct fy_node *map, const char *key,
                     const char *text)
{
    add_pair(doc, map, key, fy_node_create_scalar_copy(doc, text, strlen(text)));
}

struct fy_node *cc_yaml_print_dist(struct fy_document *doc, const cc_dist *d, const char *unit)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    int form = (int)CC_DIST_FORM(d);
    int u = (int)CC_DIST_UNIT(d);
    add_text(doc, m, "dist", kind_names[d->kind]);
    static const char *const pnames[][2] = {
        [CC_DFORM_FIXED] = {"value", NULL},
        [CC_DFORM_UNIFORM] = {"min", "max"},
        [CC_DFORM_EXPONENTIAL] = {"mean", NULL},
        [CC_DFORM_LOGNORMAL_MEDIAN_P90] = {"median", "p90"},
        [CC_DFORM_LOGNORMAL_MEAN_SD] = {"mean", "sd"},
        [CC_DFORM_GAMMA_MEAN_SD] = {"mean", "sd"},
        [CC_DFORM_GAMMA_SHAPE_SCALE] = {"shape", "scale"},
        [CC_DFORM_EMPIRICAL] = {NULL, NULL},
    };
    if (form >= CC_DFORM_FIXED && form < CC_DFORM_EMPIRICAL) {
        for (int k = 0; k < 2; k++)
            if (pnames[form][k])
                add_pair(doc, m, pnames[form][k], cc_yaml_print_real(doc, d->spec[k], 1));
    } else if (form == CC_DFORM_EMPIRICAL) {
        struct fy_node *bins = fy_node_create_sequence(doc);
        double f = unit_factor(u, unit); /* what the loader multiplied by */
        for (int i = 0; i < d->nbins; i++) {
            struct fy_node *b = fy_node_create_sequence(doc);
            char buf[40];
            cc_yaml_format_scaled(buf, d->lo[i], f);
            fy_node_sequence_append(b, fy_node_create_scalar_copy(doc, buf, strlen(buf)));
            cc_yaml_format_scaled(buf, d->hi[i], f);
            fy_node_sequence_append(b, fy_node_create_scalar_copy(doc, buf, strlen(buf)));
            fy_node_sequence_append(b, cc_yaml_print_real(doc, d->weight[i], 1));
            fy_node_sequence_append(bins, b);
        }
        add_pair(doc, m, "bins", bins);
    }
    if (u != CC_DUNIT_DEFAULT)
        add_text(doc, m, "unit", unit_names[u]);
    return m;
}
