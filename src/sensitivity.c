/* sensitivity.c - Morris, Sobol and PRCC over a simulator callback (see
 * sensitivity.h for the estimators and their sources).
 *
 * Order of work: the design (every row's point in the unit cube, its base
 * point and chance stream) is built first from the seed alone; the rows are
 * simulated in rounds, in parallel, each into its own slot, and a checkpoint
 * keeps the outputs of the rows done so far (a prefix: rows are done in
 * order within a round); the indices and their bootstrap intervals are
 * computed at the end from the outputs. Nothing depends on the thread count.
 *
 * Cost: the simulations, plus O(B N k) per output for the Sobol and Morris
 * bootstraps and O(B k N k^2) for PRCC's regressions (B resamples).
 */
#define _POSIX_C_SOURCE 200809L
#include "sensitivity.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "rng.h"
#include "util.h"

#define MORRIS_LEVELS 4
#define CKPT_MAGIC "carcer-sensitivity-checkpoint 1"

/* parts of the design, in w0 of the streams (CC_RK_SENSITIVITY) */
enum { PART_SHIFT = 1, PART_MORRIS, PART_LHS, PART_BOOT };

void cc_sens_options_init(cc_sens_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = CC_SENS_SOBOL;
    o->trajectories = 20;
    o->samples = 256;
    o->bootstrap = 500;
    o->chance_points = 4;
    o->chance_repeats = 4;
    o->checkpoint_seconds = 2;
}

const char *cc_sens_method_name(cc_sens_method m)
{
    return m == CC_SENS_MORRIS ? "morris" : m == CC_SENS_SOBOL ? "sobol" : "prcc";
}

int cc_sens_min_samples(cc_sens_method m, int k)
{
    return m == CC_SENS_MORRIS ? 4 : m == CC_SENS_SOBOL ? 16 : k + 10;
}

static long design_rows(const cc_sens_options *o, int k)
{
    long n = o->method == CC_SENS_MORRIS ? (long)o->trajectories * (k + 1)
             : o->method == CC_SENS_SOBOL ? (long)o->samples * (k + 2)
                                          : (long)o->samples;
    return n;
}

static int chance_points(const cc_sens_options *o)
{
    int nb = o->method == CC_SENS_MORRIS ? o->trajectories : o->samples;
    int c = o->chance_repeats > 0 ? o->chance_points : 0;
    return c < nb ? c : nb;
}

long cc_sens_simulations(const cc_sens_options *o, int k)
{
    return design_rows(o, k) + (long)chance_points(o) * (o->chance_repeats > 0 ? o->chance_repeats : 0);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the design ---------------------------------------------------------- */

/* The row index of the first point of base j (Sobol: A_j; Morris: the start
 * of trajectory j; PRCC: row j). */
static long base_row(const cc_sens_result *r, int j)
{
    int k = r->ninputs;
    return r->method == CC_SENS_MORRIS ? (long)j * (k + 1)
           : r->method == CC_SENS_SOBOL ? (long)j * (k + 2)
                                        : (long)j;
}

static int build_design(cc_sens_result *r, const cc_sens_options *o, gsl_rng *g, cc_diag *diag)
{
    int k = r->ninputs;
    long nd = r->ndesign;
    if (r->method == CC_SENS_SOBOL) {
        gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
        if (!q) {
            cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "out of memory");
            return -1;
        }
        double shift[2 * CC_SENS_MAX_INPUTS], p[2 * CC_SENS_MAX_INPUTS];
        cc_rng_seek(g, o->seed, 0, cc_stream(CC_RK_SENSITIVITY, PART_SHIFT, 0, 0, 0));
        for (int d = 0; d < 2 * k; d++)
            shift[d] = cc_rng_uniform(g);
        for (int j = 0; j < r->nbase; j++) {
            gsl_qrng_get(q, p);
            for (int d = 0; d < 2 * k; d++) {
                double v = p[d] + shift[d];
                v -= floor(v);
                /* keep off the cube's faces, where quantiles are infinite */
                if (v <= 0)
                    v = 0x1p-53;
                p[d] = v;
            }
            long b = base_row(r, j);
            for (int m = 0; m < k + 2; m++) {
                double *u = r->u + (size_t)(b + m) * (size_t)k;
                for (int i = 0; i < k; i++) {
                    int fromB = m == 1 || (m >= 2 && i == m - 2);
                    u[i] = fromB ? p[k + i] : p[i];
                }
                r->group[b + m] = j;
                r->replicate[b + m] = (uint32_t)j;
                if (m == 0)
                    snprintf(r->role[b + m], sizeof r->role[0], "A");
                else if (m == 1)
                    snprintf(r->role[b + m], sizeof r->role[0], "B");
                else
                    snprintf(r->role[b + m], sizeof r->role[0], "AB%d", m - 2 + 1);
            }
        }
        gsl_qrng_free(q);
    } else if (r->method == CC_SENS_MORRIS) {
        const int p = MORRIS_LEVELS;
        const double delta = (double)p / (2.0 * (p - 1)); /* Morris 1991, section 3 */
        int lmax = p - 1 - (int)lround(delta * (p - 1)); /* base levels 0..lmax */
        for (int t = 0; t < r->nbase; t++) {
            double x[CC_SENS_MAX_INPUTS];
            int order[CC_SENS_MAX_INPUTS], up[CC_SENS_MAX_INPUTS];
            cc_rng_seek(g, o->seed, (uint32_t)t, cc_stream(CC_RK_SENSITIVITY, PART_MORRIS, 0, 0, 0));
            for (int i = 0; i < k; i++) {
                int l = (int)(((uint64_t)cc_rng_u32(g) * (uint64_t)(lmax + 1)) >> 32);
                up[i] = (cc_rng_u32(g) >> 31) != 0;
                x[i] = (double)l / (p - 1) + (up[i] ? 0 : delta);
                order[i] = i;
            }
            for (int i = k - 1; i > 0; i--) { /* Fisher-Yates */
                int j = (int)(((uint64_t)cc_rng_u32(g) * (uint64_t)(i + 1)) >> 32);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            long b = base_row(r, t);
            for (int m = 0; m <= k; m++) {
                if (m > 0) {
                    int i = order[m - 1];
                    x[i] += up[i] ? delta : -delta;
                }
                double *u = r->u + (size_t)(b + m) * (size_t)k;
                for (int i = 0; i < k; i++)
                    u[i] = (x[i] * (p - 1) + 0.5) / p;
                r->group[b + m] = t;
                r->replicate[b + m] = (uint32_t)t;
                /* role: the input stepped to reach this point */
                if (m == 0)
                    snprintf(r->role[b + m], sizeof r->role[0], "start");
                else
                    snprintf(r->role[b + m], sizeof r->role[0], "step%d", order[m - 1] + 1);
            }
        }
    } else {
        /* Latin hypercube: per input a random permutation of the N strata
         * and a uniform within each (McKay, Beckman & Conover 1979,
         * Technometrics 21:239) */
        int n = r->nbase;
        int *perm = malloc(sizeof *perm * (size_t)n);
        if (!perm) {
            cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "out of memory");
            return -1;
        }
        for (int i = 0; i < k; i++) {
            cc_rng_seek(g, o->seed, (uint32_t)i, cc_stream(CC_RK_SENSITIVITY, PART_LHS, 0, 0, 0));
            for (int j = 0; j < n; j++)
                perm[j] = j;
            for (int j = n - 1; j > 0; j--) {
                int m = (int)(((uint64_t)cc_rng_u32(g) * (uint64_t)(j + 1)) >> 32);
                int tmp = perm[j];
                perm[j] = perm[m];
                perm[m] = tmp;
            }
            for (int j = 0; j < n; j++) {
                double v = ((double)perm[j] + cc_rng_uniform(g)) / n;
                r->u[(size_t)j * (size_t)k + (size_t)i] = v > 0 ? v : 0x1p-53;
            }
        }
        for (int j = 0; j < n; j++) {
            r->group[j] = j;
            r->replicate[j] = (uint32_t)j;
            snprintf(r->role[j], sizeof r->role[0], "lhs");
        }
        free(perm);
    }
    /* chance: base points again with streams of their own */
    long row = nd;
    int cp = chance_points(o);
    for (int j = 0; j < cp; j++)
        for (int q = 0; q < o->chance_repeats; q++, row++) {
            long b = base_row(r, j);
            memcpy(r->u + (size_t)row * (size_t)k, r->u + (size_t)b * (size_t)k,
                   sizeof(double) * (size_t)k);
            r->group[row] = j;
            r->replicate[row] = 0x80000000u | (uint32_t)(j * o->chance_repeats + q);
            snprintf(r->role[row], sizeof r->role[0], "chance");
        }
    return 0;
}

/* ---- the checkpoint ------------------------------------------------------ */

static char *ckpt_header(const cc_sens_problem *pb, const cc_sens_options *o, long nrows)
{
    return cc_asprintf("%s\nfingerprint %s\nmethod %s\ninputs %d\noutputs %d\nsize %d\n"
                       "chance %d %d\nseed %llu\nrows %ld\n",
                       CKPT_MAGIC, pb->fingerprint ? pb->fingerprint : "-",
                       cc_sens_method_name(o->method), pb->ninputs, pb->noutputs,
                       o->method == CC_SENS_MORRIS ? o->trajectories : o->samples,
                       o->chance_points, o->chance_repeats, (unsigned long long)o->seed, nrows);
}

static int ckpt_write(const char *path, const char *head, const cc_sens_result *r, long done)
{
    cc_buf b = {0};
    cc_buf_printf(&b, "%sdone %ld\n", head, done);
    for (long i = 0; i < done && !b.failed; i++) {
        for (int m = 0; m < r->noutputs; m++)
            cc_buf_printf(&b, m ? " %.17g" : "%.17g", r->y[(size_t)i * (size_t)r->noutputs + (size_t)m]);
        cc_buf_append(&b, "\n", 1);
    }
    int rc = b.failed ? -1 : cc_write_file_atomic(path, b.data, b.len);
    cc_buf_free(&b);
    return rc;
}

/* Outputs of the rows done into r->y; the number done, or -1 (message). */
static long ckpt_read(const char *path, const char *head, cc_sens_result *r, cc_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f && errno == ENOENT)
        return 0; /* stopped before its first checkpoint: nothing done yet */
    if (!f) {
        cc_diag_add(diag, path, 0, 0, NULL, "start the analysis again without --resume",
                    "cannot read the checkpoint: %s", strerror(errno));
        return -1;
    }
    cc_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        cc_buf_append(&b, chunk, n);
    fclose(f);
    if (b.failed || !b.data) {
        cc_buf_free(&b);
        cc_diag_add(diag, path, 0, 0, NULL, NULL, "cannot read the checkpoint");
        return -1;
    }
    size_t hl = strlen(head);
    if (b.len < hl || memcmp(b.data, head, hl) != 0) {
        /* the first line that differs */
        int line = 1;
        size_t i = 0;
        while (i < hl && i < b.len && b.data[i] == head[i]) {
            if (head[i] == '\n')
                line++;
            i++;
        }
        cc_buf_free(&b);
        cc_diag_add(diag, path, line, 1, NULL,
                    "resume with the scenario and options the analysis started with",
                    "the checkpoint is of another analysis (line %d differs)", line);
        return -1;
    }
    char *p = b.data + hl, *end;
    long done = -1;
    if (strncmp(p, "done ", 5) == 0) {
        errno = 0;
        done = strtol(p + 5, &end, 10);
        if (errno || *end != '\n' || done < 0 || done > r->nrows)
            done = -1;
        else
            p = end + 1;
    }
    int line = 11;
    for (long i = 0; done >= 0 && i < done; i++, line++)
        for (int m = 0; m < r->noutputs; m++) {
            errno = 0;
            double v = strtod(p, &end);
            char want = m + 1 < r->noutputs ? ' ' : '\n';
            if (end == p || *end != want) {
                cc_diag_add(diag, path, line, 1, NULL, NULL,
                            "expected %d numbers on the line, got a damaged line", r->noutputs);
                cc_buf_free(&b);
                return -1;
            }
            r->y[(size_t)i * (size_t)r->noutputs + (size_t)m] = v;
            p = end + 1;
        }
    int extra = done >= 0 && *p;
    if (done < 0)
        cc_diag_add(diag, path, 10, 1, NULL, NULL, "expected `done N` with N rows done");
    else if (extra)
        cc_diag_add(diag, path, line, 1, NULL, NULL, "expected the end of the file, got more");
    cc_buf_free(&b);
    return done >= 0 && !extra ? done : -1;
}

/* ---- estimators ----------------------------------------------------------- */

static double quantile_of(double *x, int n, double p)
{
    if (n == 0)
        return NAN;
    gsl_sort(x, 1, (size_t)n);
    return gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, p);
}

/* resample b: n indices in [0, n) */
static void resample(gsl_rng *g, uint64_t seed, int b, int n, int *idx)
{
    cc_rng_seek(g, seed, (uint32_t)b, cc_stream(CC_RK_SENSITIVITY, PART_BOOT, 0, 0, 0));
    for (int i = 0; i < n; i++)
        idx[i] = (int)(((uint64_t)cc_rng_u32(g) * (uint64_t)n) >> 32);
}

/* Sobol estimates of (S1, ST) for every input from the base points idx[0..n)
 * of output m; returns the pooled variance. */
static double sobol_est(const cc_sens_result *r, int m, const int *idx, int n, double *s1,
                        double *st)
{
    int k = r->ninputs, no = r->noutputs;
    double mean = 0, var = 0;
    int c = 0;
    for (int t = 0; t < n; t++) {
        long b = base_row(r, idx[t]);
        for (int w = 0; w < 2; w++) {
            double v = r->y[(size_t)(b + w) * (size_t)no + (size_t)m];
            c++;
            double d = v - mean;
            mean += d / c;
            var += d * (v - mean);
        }
    }
    var = c > 1 ? var / (c - 1) : NAN;
    for (int i = 0; i < k; i++) {
        double a1 = 0, a2 = 0;
        for (int t = 0; t < n; t++) {
            long b = base_row(r, idx[t]);
            double fa = r->y[(size_t)b * (size_t)no + (size_t)m];
            double fb = r->y[(size_t)(b + 1) * (size_t)no + (size_t)m];
            double fab = r->y[(size_t)(b + 2 + i) * (size_t)no + (size_t)m];
            a1 += fb * (fab - fa);          /* Saltelli 2010, table 2 (b) */
            a2 += (fa - fab) * (fa - fab);  /* Jansen, table 2 (f) */
        }
        s1[i] = var > 0 ? a1 / n / var : NAN;
        st[i] = var > 0 ? a2 / n / (2 * var) : NAN;
    }
    return var;
}

/* Morris statistics of every input (mu*, mu, sigma) over trajectories
 * idx[0..n) of output m. */
static void morris_est(const cc_sens_result *r, int m, const int *idx, int n, double *mustar,
                       double *mu, double *sigma)
{
    int k = r->ninputs, no = r->noutputs;
    const double delta = (double)MORRIS_LEVELS / (2.0 * (MORRIS_LEVELS - 1));
    double *sa = calloc((size_t)k, sizeof *sa), *s = calloc((size_t)k, sizeof *s);
    double *s2 = calloc((size_t)k, sizeof *s2);
    int *c = calloc((size_t)k, sizeof *c);
    for (int t = 0; sa && s && s2 && c && t < n; t++) {
        long b = base_row(r, idx[t]);
        for (int q = 1; q <= k; q++) {
            const double *u0 = r->u + (size_t)(b + q - 1) * (size_t)k;
            const double *u1 = r->u + (size_t)(b + q) * (size_t)k;
            int i = 0;
            while (i < k - 1 && u0[i] == u1[i])
                i++;
            double y0 = r->y[(size_t)(b + q - 1) * (size_t)no + (size_t)m];
            double y1 = r->y[(size_t)(b + q) * (size_t)no + (size_t)m];
            if (!isfinite(y0) || !isfinite(y1))
                continue;
            double ee = (y1 - y0) / delta * (u1[i] > u0[i] ? 1 : -1);
            sa[i] += fabs(ee);
            s[i] += ee;
            s2[i] += ee * ee;
            c[i]++;
        }
    }
    for (int i = 0; i < k; i++) {
        int ci = c ? c[i] : 0;
        mustar[i] = ci ? sa[i] / ci : NAN;
        mu[i] = ci ? s[i] / ci : NAN;
        sigma[i] = ci > 1 ? sqrt(fmax(0, (s2[i] - s[i] * s[i] / ci) / (ci - 1))) : NAN;
    }
    free(sa);
    free(s);
    free(s2);
    free(c);
}

/* average ranks (ties share their mean rank) of x[0..n) into rk */
static void ranks(const double *x, int n, double *rk, size_t *perm)
{
    gsl_sort_index(perm, x, 1, (size_t)n);
    for (int a = 0; a < n;) {
        int b = a;
        while (b + 1 < n && x[perm[b + 1]] == x[perm[a]])
            b++;
        for (int t = a; t <= b; t++)
            rk[perm[t]] = 0.5 * (a + b) + 1;
        a = b + 1;
    }
}

/* residuals of z regressed (least squares, QR) on [1, X without column
 * skip] (X n x k row-major) into res; -1 when singular */
static int residuals(const double *X, int n, int k, int skip, const double *z, double *res)
{
    int p = skip >= 0 ? k : k + 1; /* intercept + k - 1 (or k) columns */
    gsl_matrix *A = gsl_matrix_alloc((size_t)n, (size_t)p);
    gsl_vector *tau = gsl_vector_alloc((size_t)p), *bz = gsl_vector_alloc((size_t)n);
    gsl_vector *x = gsl_vector_alloc((size_t)p), *rs = gsl_vector_alloc((size_t)n);
    int rc = -1;
    if (A && tau && bz && x && rs) {
        for (int i = 0; i < n; i++) {
            gsl_matrix_set(A, (size_t)i, 0, 1.0);
            for (int j = 0, c = 1; j < k; j++)
                if (j != skip)
                    gsl_matrix_set(A, (size_t)i, (size_t)c++, X[(size_t)i * (size_t)k + (size_t)j]);
            gsl_vector_set(bz, (size_t)i, z[i]);
        }
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        if (gsl_linalg_QR_decomp(A, tau) == 0 && gsl_linalg_QR_lssolve(A, tau, bz, x, rs) == 0) {
            for (int i = 0; i < n; i++)
                res[i] = gsl_vector_get(rs, (size_t)i);
            rc = 0;
        }
        gsl_set_error_handler(old);
    }
    gsl_matrix_free(A);
    gsl_vector_free(tau);
    gsl_vector_free(bz);
    gsl_vector_free(x);
    gsl_vector_free(rs);
    return rc;
}

/* PRCC of every input for output m over rows idx[0..n) (Marino et al. 2008,
 * section 2.4: the Pearson correlation of the residuals of the ranks); *r2
 * the R^2 of the ranks of the output on the ranks of all inputs. */
static void prcc_est(const cc_sens_result *r, int m, const int *idx, int n0, double *prcc,
                     double *r2)
{
    int k = r->ninputs, no = r->noutputs;
    double *X = malloc(sizeof *X * (size_t)n0 * (size_t)k), *col = malloc(sizeof *col * (size_t)n0);
    double *rk = malloc(sizeof *rk * (size_t)n0), *ry = malloc(sizeof *ry * (size_t)n0);
    double *e1 = malloc(sizeof *e1 * (size_t)n0), *e2 = malloc(sizeof *e2 * (size_t)n0);
    size_t *perm = malloc(sizeof *perm * (size_t)n0);
    int *use = malloc(sizeof *use * (size_t)n0);
    for (int i = 0; i < k; i++)
        prcc[i] = NAN;
    *r2 = NAN;
    int n = 0;
    if (X && col && rk && ry && e1 && e2 && perm && use) {
        for (int t = 0; t < n0; t++)
            if (isfinite(r->y[(size_t)idx[t] * (size_t)no + (size_t)m]))
                use[n++] = idx[t];
    }
    if (n > k + 2) {
        for (int i = 0; i < k; i++) {
            for (int t = 0; t < n; t++)
                col[t] = r->u[(size_t)use[t] * (size_t)k + (size_t)i];
            ranks(col, n, rk, perm);
            for (int t = 0; t < n; t++)
                X[(size_t)t * (size_t)k + (size_t)i] = rk[t];
        }
        for (int t = 0; t < n; t++)
            col[t] = r->y[(size_t)use[t] * (size_t)no + (size_t)m];
        ranks(col, n, ry, perm);
        /* an output no row changes has no correlation with anything */
        for (int i = 0; gsl_stats_variance(ry, 1, (size_t)n) > 0 && i < k; i++) {
            for (int t = 0; t < n; t++)
                col[t] = X[(size_t)t * (size_t)k + (size_t)i];
            if (residuals(X, n, k, i, col, e1) != 0 || residuals(X, n, k, i, ry, e2) != 0)
                continue;
            double s1 = gsl_stats_sd(e1, 1, (size_t)n), s2 = gsl_stats_sd(e2, 1, (size_t)n);
            prcc[i] = s1 > 1e-12 && s2 > 1e-12 ? gsl_stats_correlation(e1, 1, e2, 1, (size_t)n)
                                              : NAN;
        }
        double vy = gsl_stats_variance(ry, 1, (size_t)n);
        if (vy > 0 && residuals(X, n, k, -1, ry, e2) == 0) {
            double ss = 0;
            for (int t = 0; t < n; t++)
                ss += e2[t] * e2[t];
            *r2 = 1 - ss / (n - 1) / vy;
        }
    }
    free(X);
    free(col);
    free(rk);
    free(ry);
    free(e1);
    free(e2);
    free(perm);
    free(use);
}

/* Indices per method into est[nkinds][k] for base points idx. */
static int nkinds(cc_sens_method m) { return m == CC_SENS_MORRIS ? 3 : m == CC_SENS_SOBOL ? 2 : 1; }

static const char *kind_name(cc_sens_method m, int q)
{
    static const char *const mo[] = {"mu_star", "mu", "sigma"}, *const so[] = {"S1", "ST"};
    return m == CC_SENS_MORRIS ? mo[q] : m == CC_SENS_SOBOL ? so[q] : "PRCC";
}

static void estimate(const cc_sens_result *r, int m, const int *idx, int n, double *est,
                     double *extra)
{
    int k = r->ninputs;
    *extra = NAN;
    if (r->method == CC_SENS_SOBOL) {
        /* base points whose rows are all defined */
        int *ok = malloc(sizeof *ok * (size_t)(n > 0 ? n : 1));
        int c = 0;
        for (int t = 0; ok && t < n; t++) {
            long b = base_row(r, idx[t]);
            int fine = 1;
            for (int q = 0; q < k + 2; q++)
                fine &= isfinite(r->y[(size_t)(b + q) * (size_t)r->noutputs + (size_t)m]) != 0;
            if (fine)
                ok[c++] = idx[t];
        }
        *extra = c > 1 ? sobol_est(r, m, ok, c, est, est + k) : NAN;
        if (c <= 1)
            for (int i = 0; i < 2 * k; i++)
                est[i] = NAN;
        free(ok);
    } else if (r->method == CC_SENS_MORRIS) {
        morris_est(r, m, idx, n, est, est + k, est + 2 * k);
    } else {
        prcc_est(r, m, idx, n, est, extra);
    }
}

static int compute(cc_sens_result *r, const cc_sens_options *o, cc_diag *diag)
{
    int k = r->ninputs, no = r->noutputs, nb = r->nbase, nq = nkinds(r->method);
    int B = o->bootstrap > 0 ? o->bootstrap : 0;
    r->nidx = no * k * nq;
    r->idx = calloc((size_t)r->nidx, sizeof *r->idx);
    double *boot = malloc(sizeof *boot * (size_t)(B > 0 ? B : 1) * (size_t)(nq * k) * (size_t)no);
    int *all = malloc(sizeof *all * (size_t)nb);
    if (!r->idx || !boot || !all) {
        free(boot);
        free(all);
        cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    for (int j = 0; j < nb; j++)
        all[j] = j;
    int failed = 0;
    int threads = 1;
#ifdef _OPENMP
    threads = o->threads > 0 ? o->threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(| : failed)
#endif
    for (int b = -1; b < B; b++) {
        gsl_rng *g = cc_rng_alloc();
        int *idx = malloc(sizeof *idx * (size_t)nb);
        double *est = malloc(sizeof *est * (size_t)(nq * k));
        if (!g || !idx || !est) {
            failed = 1;
        } else {
            if (b >= 0)
                resample(g, o->seed, b, nb, idx);
            for (int m = 0; m < no; m++) {
                double extra;
                estimate(r, m, b < 0 ? all : idx, nb, est, &extra);
                if (b < 0) {
                    for (int q = 0; q < nq; q++)
                        for (int i = 0; i < k; i++) {
                            cc_sens_index *x = &r->idx[((size_t)m * (size_t)k + (size_t)i) * (size_t)nq + (size_t)q];
                            x->output = m;
                            x->input = i;
                            x->index = kind_name(r->method, q);
                            x->estimate = est[q * k + i];
                        }
                    if (r->method == CC_SENS_SOBOL) {
                        double sum = 0;
                        for (int i = 0; i < k; i++)
                            sum += est[i];
                        r->unexplained[m] = isfinite(extra) && extra > 0 ? 1 - sum : NAN;
                    } else if (r->method == CC_SENS_PRCC) {
                        r->unexplained[m] = isfinite(extra) ? 1 - extra : NAN;
                    }
                } else {
                    memcpy(boot + ((size_t)m * (size_t)B + (size_t)b) * (size_t)(nq * k), est,
                           sizeof(double) * (size_t)(nq * k));
                }
            }
        }
        cc_rng_free(g);
        free(idx);
        free(est);
    }
    (void)threads;
    double *col = malloc(sizeof *col * (size_t)(B > 0 ? B : 1));
    for (int m = 0; col && !failed && m < no; m++)
        for (int q = 0; q < nq; q++)
            for (int i = 0; i < k; i++) {
                int c = 0;
                for (int b = 0; b < B; b++) {
                    double v = boot[((size_t)m * (size_t)B + (size_t)b) * (size_t)(nq * k) + (size_t)(q * k + i)];
                    if (isfinite(v))
                        col[c++] = v;
                }
                cc_sens_index *x = &r->idx[((size_t)m * (size_t)k + (size_t)i) * (size_t)nq + (size_t)q];
                /* fewer than 9 in 10 resamples defined: no interval */
                x->q05 = c * 10 >= B * 9 ? quantile_of(col, c, 0.05) : NAN;
                x->q95 = c * 10 >= B * 9 ? quantile_of(col, c, 0.95) : NAN;
            }
    failed |= !col;
    free(col);
    free(boot);
    free(all);
    if (failed)
        cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "out of memory");
    return failed ? -1 : 0;
}

/* variance of the design's base outputs and the share due to chance */
static void chance_share(cc_sens_result *r, const cc_sens_options *o)
{
    int no = r->noutputs, cp = chance_points(o), rep = o->chance_repeats;
    for (int m = 0; m < no; m++) {
        double mean = 0, var = 0;
        int c = 0;
        for (long i = 0; i < r->ndesign; i++) {
            double v = r->y[(size_t)i * (size_t)no + (size_t)m];
            if (!isfinite(v))
                continue;
            c++;
            double d = v - mean;
            mean += d / c;
            var += d * (v - mean);
        }
        r->variance[m] = c > 1 ? var / (c - 1) : NAN;
        double within = 0;
        int pts = 0;
        for (int j = 0; j < cp; j++) {
            double x[64];
            int n = 0;
            x[n++] = r->y[(size_t)base_row(r, j) * (size_t)no + (size_t)m];
            for (int q = 0; q < rep && n < 64; q++)
                x[n++] = r->y[(size_t)(r->ndesign + (long)j * rep + q) * (size_t)no + (size_t)m];
            int fine = 1;
            for (int t = 0; t < n; t++)
                fine &= isfinite(x[t]) != 0;
            if (!fine || n < 2)
                continue;
            within += gsl_stats_variance(x, 1, (size_t)n);
            pts++;
        }
        r->chance[m] = pts && r->variance[m] > 0 ? within / pts / r->variance[m] : NAN;
    }
}

/* A warning per output whose intervals of its ranking index are too wide
 * to rank inputs: wider than 0.1 (S_T, PRCC) or 0.1 of the largest mu*. The
 * width shrinks as 1 / sqrt(n), so n (w / 0.1)^2 would narrow it enough. */
static void warn(cc_sens_result *r)
{
    int k = r->ninputs, nq = nkinds(r->method);
    int q = r->method == CC_SENS_SOBOL ? 1 : 0;
    for (int m = 0; m < r->noutputs; m++) {
        double w = 0, scale = r->method == CC_SENS_MORRIS ? 0 : 1;
        for (int i = 0; i < k; i++) {
            const cc_sens_index *x = &r->idx[((size_t)m * (size_t)k + (size_t)i) * (size_t)nq + (size_t)q];
            if (isfinite(x->q95) && isfinite(x->q05) && x->q95 - x->q05 > w)
                w = x->q95 - x->q05;
            if (r->method == CC_SENS_MORRIS && isfinite(x->estimate) && x->estimate > scale)
                scale = x->estimate;
        }
        if (!(scale > 0) || w / scale <= 0.1)
            continue;
        double f = w / scale / 0.1;
        double need = ceil(r->nbase * f * f);
        char *msg = cc_asprintf(
            "output '%s'%s%s: the 90%% intervals of %s are up to %.3g wide%s, too wide to rank "
            "inputs whose indices differ by less; about %s %.0f (now %d) would narrow them to %s",
            r->output_names[m], r->output_dates[m][0] ? " at " : "", r->output_dates[m],
            kind_name(r->method, q), r->method == CC_SENS_MORRIS ? w / scale : w,
            r->method == CC_SENS_MORRIS ? " of the largest mu*" : "",
            r->method == CC_SENS_MORRIS ? "--trajectories" : "--samples", need, r->nbase,
            r->method == CC_SENS_MORRIS ? "0.1 of it" : "0.1");
        char **nw = realloc(r->warnings, sizeof *nw * (size_t)(r->nwarnings + 1));
        if (!msg || !nw) {
            free(msg);
            if (nw)
                r->warnings = nw;
            continue;
        }
        r->warnings = nw;
        r->warnings[r->nwarnings++] = msg;
    }
}

/* ---- the run --------------------------------------------------------------- */

void cc_sens_result_free(cc_sens_result *r)
{
    if (!r)
        return;
    for (int i = 0; r->input_names && i < r->ninputs; i++)
        free(r->input_names[i]);
    for (int m = 0; m < r->noutputs; m++) {
        if (r->output_names)
            free(r->output_names[m]);
        if (r->output_dates)
            free(r->output_dates[m]);
    }
    for (int w = 0; w < r->nwarnings; w++)
        free(r->warnings[w]);
    free(r->warnings);
    free(r->input_names);
    free(r->output_names);
    free(r->output_dates);
    free(r->u);
    free(r->theta);
    free(r->y);
    free(r->group);
    free(r->replicate);
    free(r->role);
    free(r->idx);
    free(r->variance);
    free(r->unexplained);
    free(r->chance);
    free(r);
}

static int check(const cc_sens_problem *pb, const cc_sens_options *o, cc_diag *diag)
{
    int k = pb->ninputs;
    const char *bad = NULL;
    if (k < 1 || k > CC_SENS_MAX_INPUTS)
        bad = "expected 1 to 20 uncertain inputs";
    else if (pb->noutputs < 1 || pb->noutputs > CC_SENS_MAX_OUTPUTS)
        bad = "expected 1 to 4096 outputs";
    else if (o->method != CC_SENS_MORRIS && o->method != CC_SENS_SOBOL && o->method != CC_SENS_PRCC)
        bad = "expected a method morris, sobol or prcc";
    else if (o->chance_points < 0 || o->chance_repeats < 0 || o->chance_repeats > 63 ||
             o->bootstrap < 0 || o->bootstrap > 100000)
        bad = "expected chance repeats 0 to 63 and bootstrap 0 to 100000";
    if (bad) {
        cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "%s", bad);
        return -1;
    }
    int n = o->method == CC_SENS_MORRIS ? o->trajectories : o->samples;
    int lo = cc_sens_min_samples(o->method, k);
    if (n < lo || cc_sens_simulations(o, k) > CC_SENS_MAX_ROWS) {
        cc_diag_add(diag, NULL, 0, 0, NULL, NULL,
                    "%s over %d inputs needs %s of at least %d (and at most %d simulations), "
                    "got %d",
                    cc_sens_method_name(o->method), k,
                    o->method == CC_SENS_MORRIS ? "--trajectories" : "--samples", lo,
                    CC_SENS_MAX_ROWS, n);
        return -1;
    }
    return 0;
}

static char *dup_or_empty(const char *s) { return cc_strdup(s ? s : ""); }

int cc_sens_run(const cc_sens_problem *pb, const cc_sens_options *o, bool resume,
                cc_sens_result **out, cc_diag *diag)
{
    *out = NULL;
    if (check(pb, o, diag) != 0)
        return -1;
    int k = pb->ninputs, no = pb->noutputs;
    cc_sens_result *r = calloc(1, sizeof *r);
    if (!r)
        goto nomem;
    r->method = o->method;
    r->ninputs = k;
    r->noutputs = no;
    r->nbase = o->method == CC_SENS_MORRIS ? o->trajectories : o->samples;
    r->ndesign = design_rows(o, k);
    r->nrows = cc_sens_simulations(o, k);
    r->bootstrap = o->bootstrap;
    r->seed = o->seed;
    size_t nr = (size_t)r->nrows;
    r->input_names = calloc((size_t)k, sizeof *r->input_names);
    r->output_names = calloc((size_t)no, sizeof *r->output_names);
    r->output_dates = calloc((size_t)no, sizeof *r->output_dates);
    r->u = malloc(sizeof *r->u * nr * (size_t)k);
    r->theta = malloc(sizeof *r->theta * nr * (size_t)k);
    r->y = malloc(sizeof *r->y * nr * (size_t)no);
    r->group = malloc(sizeof *r->group * nr);
    r->replicate = malloc(sizeof *r->replicate * nr);
    r->role = malloc(sizeof *r->role * nr);
    r->variance = malloc(sizeof *r->variance * (size_t)no);
    r->unexplained = malloc(sizeof *r->unexplained * (size_t)no);
    r->chance = malloc(sizeof *r->chance * (size_t)no);
    if (!r->input_names || !r->output_names || !r->output_dates || !r->u || !r->theta || !r->y ||
        !r->group || !r->replicate || !r->role || !r->variance || !r->unexplained || !r->chance)
        goto nomem;
    for (int i = 0; i < k; i++)
        if (!(r->input_names[i] = dup_or_empty(pb->input_names[i])))
            goto nomem;
    for (int m = 0; m < no; m++) {
        r->output_names[m] = dup_or_empty(pb->output_names[m]);
        r->output_dates[m] = dup_or_empty(pb->output_dates ? pb->output_dates[m] : "");
        if (!r->output_names[m] || !r->output_dates[m])
            goto nomem;
        r->unexplained[m] = NAN;
    }
    gsl_rng *g = cc_rng_alloc();
    if (!g)
        goto nomem;
    int drc = build_design(r, o, g, diag);
    cc_rng_free(g);
    if (drc != 0) {
        cc_sens_result_free(r);
        return -1;
    }
    for (long i = 0; i < r->nrows; i++)
        pb->from_uniforms(pb->ctx, r->u + (size_t)i * (size_t)k, r->theta + (size_t)i * (size_t)k);
    for (size_t i = 0; i < nr * (size_t)no; i++)
        r->y[i] = NAN;

    char *head = ckpt_header(pb, o, r->nrows);
    if (!head)
        goto nomem;
    long done = 0;
    if (resume && o->checkpoint) {
        done = ckpt_read(o->checkpoint, head, r, diag);
        if (done < 0) {
            free(head);
            cc_sens_result_free(r);
            return -1;
        }
    }
    int threads = 1;
#ifdef _OPENMP
    threads = o->threads > 0 ? o->threads : omp_get_max_threads();
#endif
    long round = 8L * threads;
    if (round < 16)
        round = 16;
    double last = now();
    int rc = 0;
    while (done < r->nrows && rc == 0) {
        if (o->stop && *o->stop) {
            rc = 1;
            break;
        }
        long end = done + round < r->nrows ? done + round : r->nrows;
        int failed = 0, stopped = 0;
        cc_diag *dg = calloc((size_t)(end - done), sizeof *dg);
        if (!dg) {
            free(head);
            goto nomem;
        }
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(| : failed, stopped)
#endif
        for (long i = done; i < end; i++) {
            cc_diag_init(&dg[i - done]);
            int s = pb->simulate(pb->ctx, r->theta + (size_t)i * (size_t)k, o->seed, r->replicate[i],
                                 r->y + (size_t)i * (size_t)no, &dg[i - done]);
            failed |= s < 0;
            stopped |= s > 0;
        }
        for (long i = done; i < end; i++) {
            if (failed && diag->kept == 0 && dg[i - done].kept > 0)
                cc_diag_add(diag, dg[i - done].entry[0].file, dg[i - done].entry[0].line,
                            dg[i - done].entry[0].col, NULL, NULL, "%s",
                            dg[i - done].entry[0].message);
            cc_diag_clear(&dg[i - done]);
        }
        free(dg);
        if (failed) {
            if (!diag->kept)
                cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "a simulation failed");
            rc = -1;
            break;
        }
        if (stopped) {
            rc = 1;
            break;
        }
        done = end;
        if (o->progress)
            o->progress(o->progress_ctx, done, r->nrows);
        if (o->checkpoint && (now() - last >= o->checkpoint_seconds || done == r->nrows)) {
            if (ckpt_write(o->checkpoint, head, r, done) != 0) {
                cc_diag_add(diag, o->checkpoint, 0, 0, NULL, NULL, "cannot write the checkpoint: %s",
                            strerror(errno));
                rc = -1;
                break;
            }
            last = now();
        }
    }
    if (rc == 1 && o->checkpoint && done > 0 && ckpt_write(o->checkpoint, head, r, done) != 0) {
        cc_diag_add(diag, o->checkpoint, 0, 0, NULL, NULL, "cannot write the checkpoint: %s",
                    strerror(errno));
        rc = -1;
    }
    free(head);
    if (rc != 0) {
        cc_sens_result_free(r);
        return rc;
    }
    chance_share(r, o);
    if (compute(r, o, diag) != 0) {
        cc_sens_result_free(r);
        return -1;
    }
    warn(r);
    *out = r;
    return 0;
nomem:
    cc_sens_result_free(r);
    cc_diag_add(diag, NULL, 0, 0, NULL, NULL, "out of memory");
    return -1;
}

const cc_sens_index *cc_sens_find(const cc_sens_result *r, int output, int input,
                                  const char *index)
{
    for (int i = 0; i < r->nidx; i++)
        if (r->idx[i].output == output && r->idx[i].input == input &&
            strcmp(r->idx[i].index, index) == 0)
            return &r->idx[i];
    return NULL;
}

/* ---- texts ------------------------------------------------------------------ */

static void num(cc_buf *b, double v)
{
    if (isfinite(v))
        cc_buf_printf(b, "%.17g", v);
}

static void jnum(cc_buf *b, double v)
{
    if (isfinite(v))
        cc_buf_printf(b, "%.17g", v);
    else
        cc_buf_printf(b, "null");
}

/* a CSV field: quoted when it holds a comma, a quote or a line break */
static void field(cc_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        cc_buf_printf(b, "%s", s);
        return;
    }
    cc_buf_append(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            cc_buf_append(b, "\"", 1); /* a quote doubled */
        cc_buf_append(b, p, 1);
    }
    cc_buf_append(b, "\"", 1);
}

static void jstr(cc_buf *b, const char *s)
{
    cc_buf_append(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            cc_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            cc_buf_printf(b, "\\u%04x", *p);
        else
            cc_buf_append(b, (const char *)p, 1);
    }
    cc_buf_append(b, "\"", 1);
}

static char *finish(cc_buf *b)
{
    if (b->failed) {
        cc_buf_free(b);
        return NULL;
    }
    if (!b->data)
        return cc_strdup("");
    return b->data;
}

char *cc_sens_csv(const cc_sens_result *r)
{
    cc_buf b = {0};
    cc_buf_printf(&b, "method,output,date,input,index,estimate,q05,q95\n");
    for (int i = 0; i < r->nidx; i++) {
        const cc_sens_index *x = &r->idx[i];
        cc_buf_printf(&b, "%s,", cc_sens_method_name(r->method));
        field(&b, r->output_names[x->output]);
        cc_buf_append(&b, ",", 1);
        field(&b, r->output_dates[x->output]);
        cc_buf_append(&b, ",", 1);
        field(&b, r->input_names[x->input]);
        cc_buf_printf(&b, ",%s,", x->index);
        num(&b, x->estimate);
        cc_buf_append(&b, ",", 1);
        num(&b, x->q05);
        cc_buf_append(&b, ",", 1);
        num(&b, x->q95);
        cc_buf_append(&b, "\n", 1);
    }
    return finish(&b);
}

char *cc_sens_json(const cc_sens_result *r)
{
    cc_buf b = {0};
    int k = r->ninputs, nq = nkinds(r->method);
    cc_buf_printf(&b, "{\n  \"method\": \"%s\",\n  \"%s\": %d,\n  \"simulations\": %ld,\n",
                  cc_sens_method_name(r->method),
                  r->method == CC_SENS_MORRIS ? "trajectories" : "samples", r->nbase, r->nrows);
    cc_buf_printf(&b, "  \"bootstrap\": %d,\n  \"seed\": %llu,\n  \"chance\": \"%s\",\n",
                  r->bootstrap, (unsigned long long)r->seed,
                  r->method == CC_SENS_PRCC ? "one stream per row"
                                            : "common random numbers per base point");
    cc_buf_printf(&b, "  \"inputs\": [");
    for (int i = 0; i < k; i++) {
        cc_buf_printf(&b, i ? ", " : "");
        jstr(&b, r->input_names[i]);
    }
    cc_buf_printf(&b, "],\n  \"outputs\": [\n");
    for (int m = 0; m < r->noutputs; m++) {
        cc_buf_printf(&b, "    {\"output\": ");
        jstr(&b, r->output_names[m]);
        cc_buf_printf(&b, ", \"date\": ");
        jstr(&b, r->output_dates[m]);
        cc_buf_printf(&b, ", \"variance\": ");
        jnum(&b, r->variance[m]);
        cc_buf_printf(&b, ", \"unexplained\": ");
        jnum(&b, r->unexplained[m]);
        cc_buf_printf(&b, ", \"chance_share\": ");
        jnum(&b, r->chance[m]);
        cc_buf_printf(&b, ",\n     \"indices\": [");
        for (int i = 0; i < k; i++) {
            cc_buf_printf(&b, "%s\n       {\"input\": ", i ? "," : "");
            jstr(&b, r->input_names[i]);
            for (int q = 0; q < nq; q++) {
                const cc_sens_index *x = &r->idx[((size_t)m * (size_t)k + (size_t)i) * (size_t)nq + (size_t)q];
                cc_buf_printf(&b, ", \"%s\": [", x->index);
                jnum(&b, x->estimate);
                cc_buf_printf(&b, ", ");
                jnum(&b, x->q05);
                cc_buf_printf(&b, ", ");
                jnum(&b, x->q95);
                cc_buf_printf(&b, "]");
            }
            cc_buf_printf(&b, "}");
        }
        cc_buf_printf(&b, "]}%s\n", m + 1 < r->noutputs ? "," : "");
    }
    cc_buf_printf(&b, "  ],\n  \"warnings\": [");
    for (int w = 0; w < r->nwarnings; w++) {
        cc_buf_printf(&b, w ? ",\n    " : "\n    ");
        jstr(&b, r->warnings[w]);
    }
    cc_buf_printf(&b, "%s]\n}\n", r->nwarnings ? "\n  " : "");
    return finish(&b);
}

char *cc_sens_samples_csv(const cc_sens_result *r)
{
    cc_buf b = {0};
    int k = r->ninputs, no = r->noutputs;
    cc_buf_printf(&b, "row,group,role,replicate");
    for (int i = 0; i < k; i++) {
        cc_buf_append(&b, ",", 1);
        field(&b, r->input_names[i]);
    }
    for (int m = 0; m < no; m++) {
        cc_buf_append(&b, ",", 1);
        char *name = r->output_dates[m][0] ? cc_asprintf("%s@%s", r->output_names[m], r->output_dates[m])
                                           : cc_strdup(r->output_names[m]);
        if (!name) {
            cc_buf_free(&b);
            return NULL;
        }
        field(&b, name);
        free(name);
    }
    cc_buf_append(&b, "\n", 1);
    for (long i = 0; i < r->nrows && !b.failed; i++) {
        cc_buf_printf(&b, "%ld,%d,%s,%u", i, (int)r->group[i], r->role[i], (unsigned)r->replicate[i]);
        for (int j = 0; j < k; j++) {
            cc_buf_append(&b, ",", 1);
            num(&b, r->theta[(size_t)i * (size_t)k + (size_t)j]);
        }
        for (int m = 0; m < no; m++) {
            cc_buf_append(&b, ",", 1);
            num(&b, r->y[(size_t)i * (size_t)no + (size_t)m]);
        }
        cc_buf_append(&b, "\n", 1);
    }
    return finish(&b);
}
