/* draws.c - input values of a run's replicates and the variance split (see
 * draws.h). Cost: one pass over the draws per input, made once per run. */
#include "draws.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "include.h"
#include "embedded.h"
#include "posterior.h"
#include "prior.h"

int cc_draws_make(const cc_scenario *s, uint64_t seed, int k, double **out, int *n,
                  cc_diag *diag)
{
    *out = NULL;
    *n = cc_inputs_count(s);
    if (*n == 0 || k < 1)
        return 0;
    int kd = (k + 1) / 2; /* pairs share a draw */
    size_t nn = (size_t)*n;
    double *d = malloc((size_t)kd * nn * sizeof *d);
    double *v = malloc((size_t)k * nn * sizeof *v);
    int rc = d && v ? 0 : -1;
    if (rc == 0 && s->posterior)
        for (int m = 0; m < kd; m++)
            cc_posterior_draw(s->posterior, seed, (uint32_t)m, d + (size_t)m * nn);
    else if (rc == 0)
        rc = cc_inputs_lhs(s, seed, kd, d);
    if (rc != 0) {
        cc_diag_add(diag, s->file, 0, 0, NULL, NULL, "out of memory");
        free(d);
        free(v);
        return -1;
    }
    for (int r = 0; r < k; r++)
        memcpy(v + (size_t)r * nn, d + (size_t)(r / 2) * nn, nn * sizeof *v);
    free(d);
    *out = v;
    return 0;
}

int cc_draws_check_same(const cc_scenario *a, const cc_scenario *b, cc_diag *diag)
{
    int na = cc_inputs_count(a), nb = cc_inputs_count(b);
    for (int i = 0; i < na || i < nb; i++) {
        const cc_input *x = cc_inputs_get(a, i), *y = cc_inputs_get(b, i);
        if (x && y && strcmp(x->path, y->path) == 0)
            continue;
        cc_diag_add(diag, b->file, 0, 0, NULL,
                    "paired replicates share their input values: give every scenario the "
                    "baseline's uncertain inputs (e.g. by `include:` of the baseline)",
                    "uncertain inputs differ from the baseline's (%s): %s here, %s there",
                    a->file, y ? y->path : "none", x ? x->path : "none");
        return -1;
    }
    if ((a->posterior != NULL) != (b->posterior != NULL) ||
        (a->posterior && (a->posterior_len != b->posterior_len ||
                          memcmp(a->posterior_text, b->posterior_text, a->posterior_len) != 0))) {
        cc_diag_add(diag, b->file, 0, 0, NULL,
                    "paired replicates share their input values: give every scenario the "
                    "baseline's `posterior:`",
                    "expected the same posterior as the baseline (%s)", a->file);
        return -1;
    }
    return 0;
}

void cc_variance_split(const double *y, int k, double *sd_inputs, double *sd_chance)
{
    double sw = 0, sum = 0, sum2 = 0;
    int m = 0;
    for (int i = 0; i + 1 < k; i += 2) {
        if (!isfinite(y[i]) || !isfinite(y[i + 1]))
            continue;
        double d = y[i] - y[i + 1], mean = 0.5 * (y[i] + y[i + 1]);
        sw += d * d;
        sum += mean;
        sum2 += mean * mean;
        m++;
    }
    if (m < 2) {
        *sd_inputs = *sd_chance = NAN;
        return;
    }
    double msw = sw / (2.0 * m);
    double grand = sum / m;
    double msb = 2.0 * (sum2 - m * grand * grand) / (m - 1);
    double vi = (msb - msw) / 2.0;
    *sd_chance = sqrt(msw);
    *sd_inputs = vi > 0 ? sqrt(vi) : 0.0;
}

/* ---- the `posterior:` key ---------------------------------------------- */

int cc_posterior_ref_is_name(const char *ref)
{
    size_t n = strlen(ref);
    return !strchr(ref, '/') && !(n >= 4 && strcmp(ref + n - 4, ".csv") == 0);
}

/* The folder of a file ("." when it has none). */
static char *folder_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    return slash ? cc_asprintf("%.*s", (int)(slash - file), file) : cc_strdup(".");
}

static int parse_posterior(cc_yctx *ctx, struct fy_node *node, cc_scenario *s)
{
    const struct cc_inputs *replay;
    /* absent, or a replicate's load (its values are given) */
    if (!node || fy_node_is_null(node) || cc_yctx_input_values(ctx, &replay))
        return 0;
    size_t len;
    const char *t = cc_yaml_text(ctx, node, "the file name of a posterior.csv", &len);
    if (!t)
        return -1;
    char *ref = cc_asprintf("%.*s", (int)len, t);
    if (!ref || !ref[0]) {
        free(ref);
        cc_yaml_error(ctx, node, NULL, "expected the file name of a posterior.csv, got ''");
        return -1;
    }
    /* the inputs are recorded in the context until the load ends */
    const cc_inputs *in = *cc_yctx_inputs(ctx);
    int n = cc_inputs_count_of(in);
    if (n == 0) {
        cc_yaml_error(ctx, node, "give the inputs the posterior was calibrated for their priors",
                      "a posterior needs uncertain inputs, and the scenario has none");
        free(ref);
        return -1;
    }
    const char *where = cc_yaml_node_file(ctx, node);
    char *text = NULL;
    size_t tlen = 0;
    const char *why = NULL, *hint = NULL;
    char *file = NULL;
    if (cc_posterior_ref_is_name(ref)) {
        file = cc_asprintf("scenarios/%s.posterior.csv", ref);
        const struct cc_embedded *e = file ? cc_embedded_find(file) : NULL;
        if (e && (text = malloc(e->len + 1))) {
            memcpy(text, e->data, e->len);
            text[e->len] = '\0';
            tlen = e->len;
        } else {
            why = "no shipped posterior of that name (a file's name ends in .csv)";
        }
    } else {
        char *dir = folder_of(where);
        text = dir ? cc_read_confined(ref, dir, NULL, &tlen, &why, &hint) : NULL;
        file = dir && strcmp(dir, ".") ? cc_asprintf("%s/%s", dir, ref) : cc_strdup(ref);
        free(dir);
    }
    if (!text) {
        cc_yaml_error(ctx, node, hint, "cannot read the posterior '%s': %s", ref,
                      why ? why : "out of memory");
        free(ref);
        free(file);
        return -1;
    }
    const char **names = malloc((size_t)n * sizeof *names);
    cc_posterior *p = NULL;
    int rc = -1;
    if (names) {
        for (int i = 0; i < n; i++)
            names[i] = cc_inputs_path_of(in, i);
        cc_diag *d = cc_yctx_diag(ctx);
        int before = d ? d->count : 0;
        rc = cc_posterior_read(text, tlen, file ? file : ref, names, n, d, &p);
        if (rc != 0) {
            /* counted as errors of the load */
            for (int e = d ? d->count - before : 1; e > 0; e--)
                cc_yctx_count_error(ctx);
        }
    }
    free(names);
    free(file);
    if (rc != 0) {
        free(ref);
        free(text);
        return -1;
    }
    s->posterior = p;
    s->posterior_ref = ref;
    s->posterior_text = text;
    s->posterior_len = tlen;
    return 0;
}

static struct fy_node *print_posterior(struct fy_document *doc, const cc_scenario *s)
{
    return s->posterior_ref ? fy_node_create_scalar_copy(doc, s->posterior_ref, FY_NT) : NULL;
}

static void free_posterior(cc_scenario *s)
{
    cc_posterior_free(s->posterior);
    free(s->posterior_ref);
    free(s->posterior_text);
    s->posterior = NULL;
    s->posterior_ref = s->posterior_text = NULL;
}

static void markdown_posterior(cc_buf *out, const char *path)
{
    cc_buf_printf(out,
                  "\n### `%s`\n\n"
                  "The file name of a `posterior.csv` written by `carcer calibrate` (header "
                  "`weight` and one column per uncertain input, named by its key path; one row "
                  "per particle). It is read relative to the folder of the file that names it "
                  "and must lie within it, as included files do. A name without `/` and "
                  "without `.csv` names a shipped posterior: the default scenario's is "
                  "`cambodia-2017` (scenarios/cambodia-2017.posterior.csv, embedded in the "
                  "library). A run's `scenario.resolved.yaml` names a posterior file as "
                  "`posterior.csv`, written beside it. Its columns must be exactly the scenario's uncertain "
                  "inputs. Replicate pair m of a run (replicates 2m and 2m + 1) then takes the "
                  "parameter set of row k with probability weight_k (weighted resampling from "
                  "the stream of (seed, m)), instead of a Latin-hypercube draw from the priors; "
                  "the priors still name the inputs and bound their values. "
                  "`scenario.calibrated.yaml` of a calibration names its posterior this way.\n",
                  path);
}

const cc_schema_custom cc_posterior_custom = {parse_posterior, print_posterior,
                                              markdown_posterior, free_posterior, NULL};
