/* draws.c - input values of a run's replicates and the variance split (see
 * draws.h). Cost: one pass over the draws per input, made once per run. */
#include "draws.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    if (rc == 0)
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
