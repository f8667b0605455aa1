/* abc_checkpoint.c - the calibration's checkpoint: written atomically by the
 * engine after every generation and every few seconds within one, read back
 * by `--resume`.
 *
 * The file is text, one record a line, numbers in "%.17g" (which reads back
 * to the same double, so a resumed run continues from exactly the numbers
 * of the interrupted one):
 *
 *   carcer-abc-checkpoint 1
 *   seed S | particles N | replicates R | quantile A   (one line each)
 *   fingerprint TEXT                                   (when the problem has one)
 *   inputs n, then n lines: input NAME
 *   stats s, then s lines: stat OBSERVED SCALE WEIGHT NAME
 *   simulations TOTAL
 *   per completed generation: generation T TOLERANCE PROPOSALS SIMULATIONS SECONDS
 *     then N lines: particle THETA[n] WEIGHT DISTANCE STATS[s]
 *   for a generation in progress: current T TOLERANCE PROPOSALS SIMULATIONS SECONDS
 *     then N lines in particle order: accepted J ATTEMPT THETA[n] DISTANCE STATS[s]
 *                                  or pending J NEXT_ATTEMPT
 *   end
 *
 * The reader takes text from disk, so it trusts nothing: the header must
 * match the problem and the options before anything is allocated from the
 * file's sizes, every number is checked, and errors are positioned.
 */
#include "abc_internal.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"
#include "textscan.h"

#define CHECKPOINT_MAGIC "carcer-abc-checkpoint 1"

static void put_num(cc_buf *b, double v) { cc_buf_printf(b, " %.17g", v); }

char *cc_abc_checkpoint_text(const cc_abc_problem *pb, const cc_abc_options *opt,
                             const cc_abc_result *res, const cc_abc_current *cur)
{
    cc_buf b = {0};
    int n = pb->ninputs, s = pb->nstats, N = opt->particles;
    cc_buf_printf(&b, "%s\nseed %llu\nparticles %d\nreplicates %d\nquantile %.17g\n",
                  CHECKPOINT_MAGIC, (unsigned long long)opt->seed, N,
                  opt->replicates_per_particle, opt->quantile);
    if (pb->fingerprint)
        cc_buf_printf(&b, "fingerprint %s\n", pb->fingerprint);
    cc_buf_printf(&b, "inputs %d\n", n);
    for (int i = 0; i < n; i++)
        cc_buf_printf(&b, "input %s\n", pb->input_names[i]);
    cc_buf_printf(&b, "stats %d\n", s);
    for (int k = 0; k < s; k++)
        cc_buf_printf(&b, "stat %.17g %.17g %.17g %s\n", pb->observed[k], pb->scale[k],
                      pb->weight[k], pb->stat_names[k]);
    cc_buf_printf(&b, "simulations %ld\n", res->simulations);
    for (int t = 0; t < res->ngenerations; t++) {
        const cc_abc_generation *g = &res->gen[t];
        cc_buf_printf(&b, "generation %d %.17g %ld %ld %.17g\n", t, g->tolerance, g->proposals,
                      g->simulations, g->seconds);
        for (int j = 0; j < N; j++) {
            cc_buf_append(&b, "particle", 8);
            for (int i = 0; i < n; i++)
                put_num(&b, g->theta[(size_t)j * (size_t)n + (size_t)i]);
            put_num(&b, g->weight[j]);
            put_num(&b, g->distance[j]);
            for (int k = 0; k < s; k++)
                put_num(&b, g->stats[(size_t)j * (size_t)s + (size_t)k]);
            cc_buf_append(&b, "\n", 1);
        }
    }
    if (cur->active) {
        cc_buf_printf(&b, "current %d %.17g %ld %ld %.17g\n", res->ngenerations, cur->tolerance,
                      cur->proposals, cur->simulations, cur->seconds);
        for (int j = 0; j < N; j++) {
            if (!cur->done[j]) {
                cc_buf_printf(&b, "pending %d %u\n", j, cur->attempt[j]);
                continue;
            }
            cc_buf_printf(&b, "accepted %d %u", j, cur->attempt[j]);
            for (int i = 0; i < n; i++)
                put_num(&b, cur->theta[(size_t)j * (size_t)n + (size_t)i]);
            put_num(&b, cur->distance[j]);
            for (int k = 0; k < s; k++)
                put_num(&b, cur->stats[(size_t)j * (size_t)s + (size_t)k]);
            cc_buf_append(&b, "\n", 1);
        }
    }
    cc_buf_append(&b, "end\n", 4);
    if (b.failed) {
        cc_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ---- reading ---- */

typedef struct reader {
    cc_scan sc;
    const char *q; /* cursor in the current line */
} reader;

/* The next space-separated field of the line: 0, or -1 at the end of the
 * line (error "expected WHAT"). */
static int field(reader *r, const char **a, size_t *n, const char *what)
{
    const char *q = r->q;
    if (q >= r->sc.le) {
        cc_scan_error(&r->sc, r->sc.le, "expected %s, got the end of the line", what);
        return -1;
    }
    if (q > r->sc.ls) {
        if (*q != ' ') {
            cc_scan_error(&r->sc, q, "expected a space before %s", what);
            return -1;
        }
        q++;
    }
    const char *e = q;
    while (e < r->sc.le && *e != ' ')
        e++;
    *a = q;
    *n = (size_t)(e - q);
    r->q = e;
    if (*n == 0) {
        cc_scan_error(&r->sc, q, "expected %s, got an empty field", what);
        return -1;
    }
    return 0;
}

/* The rest of the line after one space (a name): 0 or -1. */
static int rest(reader *r, const char **a, size_t *n, const char *what)
{
    if (r->q >= r->sc.le || *r->q != ' ' || r->q + 1 >= r->sc.le) {
        cc_scan_error(&r->sc, r->q, "expected %s", what);
        return -1;
    }
    *a = r->q + 1;
    *n = (size_t)(r->sc.le - *a);
    r->q = r->sc.le;
    return 0;
}

static int end_of_line(reader *r)
{
    if (r->q < r->sc.le) {
        char shown[200];
        cc_scan_show(r->q, (size_t)(r->sc.le - r->q), shown);
        cc_scan_error(&r->sc, r->q, "expected the end of the line, got '%s'", shown);
        return -1;
    }
    return 0;
}

/* A line starting with keyword kw: 0 (cursor after it), or -1. */
static int keyword_line(reader *r, const char *kw)
{
    if (!cc_scan_line(&r->sc)) {
        cc_scan_error(&r->sc, r->sc.le, "expected a line '%s ...', got the end of the file", kw);
        return -1;
    }
    size_t k = strlen(kw);
    const char *ls = r->sc.ls;
    if ((size_t)(r->sc.le - ls) < k || memcmp(ls, kw, k) != 0 ||
        (ls + k < r->sc.le && ls[k] != ' ')) {
        char shown[200];
        cc_scan_show(ls, (size_t)(r->sc.le - ls), shown);
        cc_scan_error(&r->sc, ls, "expected a line '%s ...', got '%s'", kw, shown);
        return -1;
    }
    r->q = ls + k;
    return 0;
}

/* A number: finite unless allow_inf (then +inf too); >= 0 when nonneg. */
static int number(reader *r, const char *what, int allow_inf, int nonneg, double *v)
{
    const char *a;
    size_t n;
    if (field(r, &a, &n, what) != 0)
        return -1;
    char shown[200];
    if (cc_parse_double(a, n, v) != 0 || isnan(*v) || (!allow_inf && isinf(*v)) ||
        *v == -INFINITY || (nonneg && *v < 0)) {
        cc_scan_show(a, n, shown);
        cc_scan_error(&r->sc, a, "expected %s, got '%s'", what, shown);
        return -1;
    }
    return 0;
}

static int integer(reader *r, const char *what, unsigned long long max, unsigned long long *v)
{
    const char *a;
    size_t n;
    if (field(r, &a, &n, what) != 0)
        return -1;
    if (cc_parse_uint(a, n, max, v) != 0) {
        char shown[200];
        cc_scan_show(a, n, shown);
        cc_scan_error(&r->sc, a, "expected %s (an integer from 0 to %llu), got '%s'", what, max,
                      shown);
        return -1;
    }
    return 0;
}

/* A header line "kw VALUE" compared with the run's value. */
static int header_uint(reader *r, const char *kw, unsigned long long max, unsigned long long want,
                       int *mismatch)
{
    unsigned long long v;
    if (keyword_line(r, kw) != 0 || integer(r, kw, max, &v) != 0 || end_of_line(r) != 0)
        return -1;
    if (v != want) {
        cc_scan_error(&r->sc, NULL, "the checkpoint was written with %s %llu, this run has %llu",
                      kw, v, want);
        *mismatch = 1;
    }
    return 0;
}

static int name_is(const char *a, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(a, name, n) == 0;
}

/* A generation's header "T TOLERANCE PROPOSALS SIMULATIONS SECONDS". */
static int gen_header(reader *r, int t, double *tol, long *proposals, long *sims,
                      double *seconds)
{
    unsigned long long v, p, s;
    if (integer(r, "the generation's number", CC_ABC_MAX_GENERATIONS, &v) != 0)
        return -1;
    if (v != (unsigned long long)t) {
        cc_scan_error(&r->sc, NULL, "expected generation %d, got %llu", t, v);
        return -1;
    }
    if (number(r, "a tolerance >= 0", 1, 1, tol) != 0)
        return -1;
    if ((t == 0) != isinf(*tol)) {
        cc_scan_error(&r->sc, NULL, "expected %s tolerance for generation %d",
                      t == 0 ? "an infinite" : "a finite", t);
        return -1;
    }
    if (integer(r, "a number of proposals", (unsigned long long)LONG_MAX / 2, &p) != 0 ||
        integer(r, "a number of simulations", (unsigned long long)LONG_MAX / 2, &s) != 0 ||
        number(r, "a number of seconds >= 0", 0, 1, seconds) != 0 || end_of_line(r) != 0)
        return -1;
    *proposals = (long)p;
    *sims = (long)s;
    return 0;
}

static int read_generation(reader *r, int t, int N, int n, int s, cc_abc_generation *g)
{
    memset(g, 0, sizeof *g);
    if (gen_header(r, t, &g->tolerance, &g->proposals, &g->simulations, &g->seconds) != 0)
        return -1;
    if (g->proposals < N) {
        cc_scan_error(&r->sc, NULL, "expected at least %d proposals, got %ld", N, g->proposals);
        return -1;
    }
    g->theta = malloc((size_t)N * (size_t)n * sizeof *g->theta);
    g->weight = malloc((size_t)N * sizeof *g->weight);
    g->distance = malloc((size_t)N * sizeof *g->distance);
    g->stats = malloc((size_t)N * (size_t)s * sizeof *g->stats);
    if (!g->theta || !g->weight || !g->distance || !g->stats) {
        cc_scan_error(&r->sc, NULL, "out of memory");
        return -1;
    }
    double wsum = 0, sq = 0;
    for (int j = 0; j < N; j++) {
        if (keyword_line(r, "particle") != 0)
            return -1;
        for (int i = 0; i < n; i++)
            if (number(r, "a finite input value", 0, 0,
                       &g->theta[(size_t)j * (size_t)n + (size_t)i]) != 0)
                return -1;
        if (number(r, "a weight >= 0", 0, 1, &g->weight[j]) != 0 ||
            number(r, "a distance >= 0", 0, 1, &g->distance[j]) != 0)
            return -1;
        if (g->distance[j] > g->tolerance) {
            cc_scan_error(&r->sc, NULL, "expected a distance within the tolerance %.17g, got %.17g",
                          g->tolerance, g->distance[j]);
            return -1;
        }
        for (int k = 0; k < s; k++)
            if (number(r, "a finite statistic", 0, 0,
                       &g->stats[(size_t)j * (size_t)s + (size_t)k]) != 0)
                return -1;
        if (end_of_line(r) != 0)
            return -1;
        wsum += g->weight[j];
        sq += g->weight[j] * g->weight[j];
    }
    if (!(wsum > 0) || fabs(wsum - 1) > 1e-9) {
        cc_scan_error(&r->sc, NULL, "expected weights summing to 1, got %.17g", wsum);
        return -1;
    }
    g->ess = 1.0 / sq;
    g->acceptance = (double)N / (double)g->proposals;
    return 0;
}

static int read_current(reader *r, int t, int N, int n, int s, cc_abc_current *c)
{
    if (gen_header(r, t, &c->tolerance, &c->proposals, &c->simulations, &c->seconds) != 0)
        return -1;
    c->active = 1;
    for (int j = 0; j < N; j++) {
        if (!cc_scan_line(&r->sc)) {
            cc_scan_error(&r->sc, r->sc.le, "expected particle %d of the current generation, "
                                            "got the end of the file", j);
            return -1;
        }
        r->q = r->sc.ls;
        const char *a;
        size_t len;
        unsigned long long v;
        if (field(r, &a, &len, "'accepted' or 'pending'") != 0)
            return -1;
        int acc = name_is(a, len, "accepted");
        if (!acc && !name_is(a, len, "pending")) {
            char shown[200];
            cc_scan_show(a, len, shown);
            cc_scan_error(&r->sc, a, "expected 'accepted' or 'pending', got '%s'", shown);
            return -1;
        }
        if (integer(r, "the particle's index", CC_ABC_MAX_PARTICLES, &v) != 0)
            return -1;
        if (v != (unsigned long long)j) {
            cc_scan_error(&r->sc, NULL, "expected particle %d, got %llu", j, v);
            return -1;
        }
        if (integer(r, "an attempt", CC_ABC_MAX_ATTEMPTS, &v) != 0)
            return -1;
        c->attempt[j] = (uint32_t)v;
        c->done[j] = (unsigned char)acc;
        if (acc) {
            for (int i = 0; i < n; i++)
                if (number(r, "a finite input value", 0, 0,
                           &c->theta[(size_t)j * (size_t)n + (size_t)i]) != 0)
                    return -1;
            if (number(r, "a distance >= 0", 0, 1, &c->distance[j]) != 0)
                return -1;
            if (c->distance[j] > c->tolerance) {
                cc_scan_error(&r->sc, NULL,
                              "expected a distance within the tolerance %.17g, got %.17g",
                              c->tolerance, c->distance[j]);
                return -1;
            }
            for (int k = 0; k < s; k++)
                if (number(r, "a finite statistic", 0, 0,
                           &c->stats[(size_t)j * (size_t)s + (size_t)k]) != 0)
                    return -1;
        }
        if (end_of_line(r) != 0)
            return -1;
    }
    return 0;
}

/* The header against the problem and options; every difference is
 * reported. 0, or -1. */
static int read_header(reader *r, const cc_abc_problem *pb, const cc_abc_options *opt)
{
    int mismatch = 0;
    if (!cc_scan_line(&r->sc) ||
        !name_is(r->sc.ls, (size_t)(r->sc.le - r->sc.ls), CHECKPOINT_MAGIC)) {
        cc_scan_error(&r->sc, NULL, "expected a calibration checkpoint ('%s')", CHECKPOINT_MAGIC);
        return -1;
    }
    if (header_uint(r, "seed", UINT64_MAX, opt->seed, &mismatch) != 0 ||
        header_uint(r, "particles", CC_ABC_MAX_PARTICLES, (unsigned long long)opt->particles,
                    &mismatch) != 0 ||
        header_uint(r, "replicates", 1000000, (unsigned long long)opt->replicates_per_particle,
                    &mismatch) != 0)
        return -1;
    double q;
    if (keyword_line(r, "quantile") != 0 || number(r, "a quantile", 0, 0, &q) != 0 ||
        end_of_line(r) != 0)
        return -1;
    if (q != opt->quantile) {
        cc_scan_error(&r->sc, NULL,
                      "the checkpoint was written with quantile %.17g, this run has %.17g", q,
                      opt->quantile);
        mismatch = 1;
    }
    if (!cc_scan_line(&r->sc)) {
        cc_scan_error(&r->sc, r->sc.le, "expected a line 'inputs ...', got the end of the file");
        return -1;
    }
    const char *a;
    size_t n;
    int has_fp = (size_t)(r->sc.le - r->sc.ls) >= 12 && memcmp(r->sc.ls, "fingerprint ", 12) == 0;
    if (has_fp) {
        r->q = r->sc.ls + 11;
        if (rest(r, &a, &n, "a fingerprint") != 0)
            return -1;
        if (!pb->fingerprint || !name_is(a, n, pb->fingerprint)) {
            cc_scan_error(&r->sc, NULL, "the checkpoint was written for another model "
                                        "(its fingerprint differs)");
            mismatch = 1;
        }
    } else {
        r->sc.p = r->sc.ls; /* not a fingerprint: read the line again */
        r->sc.line--;
        if (pb->fingerprint) {
            cc_scan_error(&r->sc, NULL,
                          "the checkpoint has no fingerprint, this model has one");
            mismatch = 1;
        }
    }
    if (header_uint(r, "inputs", CC_ABC_MAX_INPUTS, (unsigned long long)pb->ninputs,
                    &mismatch) != 0)
        return -1;
    if (mismatch)
        return -1; /* the lines below are sized by the numbers above */
    for (int i = 0; i < pb->ninputs; i++) {
        if (keyword_line(r, "input") != 0 || rest(r, &a, &n, "an input's name") != 0)
            return -1;
        if (!name_is(a, n, pb->input_names[i])) {
            char shown[200];
            cc_scan_show(a, n, shown);
            cc_scan_error(&r->sc, a, "the checkpoint's input %d is '%s', this run's is '%s'", i,
                          shown, pb->input_names[i]);
            mismatch = 1;
        }
    }
    if (header_uint(r, "stats", CC_ABC_MAX_STATS, (unsigned long long)pb->nstats, &mismatch) != 0)
        return -1;
    if (mismatch)
        return -1;
    for (int k = 0; k < pb->nstats; k++) {
        double o, sc, w;
        if (keyword_line(r, "stat") != 0 || number(r, "an observed value", 0, 0, &o) != 0 ||
            number(r, "a scale", 0, 1, &sc) != 0 || number(r, "a weight", 0, 1, &w) != 0 ||
            rest(r, &a, &n, "a target's name") != 0)
            return -1;
        if (!name_is(a, n, pb->stat_names[k]) || o != pb->observed[k] || sc != pb->scale[k] ||
            w != pb->weight[k]) {
            cc_scan_error(&r->sc, NULL,
                          "the checkpoint's target %d differs from this run's '%s' (name, "
                          "observed value, scale or weight)",
                          k, pb->stat_names[k]);
            mismatch = 1;
        }
    }
    return mismatch ? -1 : 0;
}

void cc_abc_checkpoint_free(cc_abc_checkpoint *ck)
{
    if (!ck)
        return;
    cc_abc_result_free(ck->res);
    cc_abc_current_free(&ck->cur);
    free(ck);
}

int cc_abc_checkpoint_read(const char *text, size_t len, const char *file,
                           const cc_abc_problem *pb, const cc_abc_options *opt, cc_diag *diag,
                           cc_abc_checkpoint **out)
{
    *out = NULL;
    reader r;
    memset(&r, 0, sizeof r);
    cc_scan_init(&r.sc, text, len, file, diag);
    if (cc_scan_no_nul(&r.sc) != 0 || read_header(&r, pb, opt) != 0)
        return -1;
    int N = opt->particles, n = pb->ninputs, s = pb->nstats;
    cc_abc_checkpoint *ck = calloc(1, sizeof *ck);
    if (!ck || !(ck->res = cc_abc_result_new(n, pb->input_names, s, pb->stat_names, N)) ||
        cc_abc_current_alloc(&ck->cur, N, n, s) != 0) {
        cc_abc_checkpoint_free(ck);
        cc_diag_add(diag, file, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    unsigned long long total;
    if (keyword_line(&r, "simulations") != 0 ||
        integer(&r, "a number of simulations", (unsigned long long)LONG_MAX / 2, &total) != 0 ||
        end_of_line(&r) != 0)
        goto fail;
    ck->res->simulations = (long)total;
    long sum = 0;
    for (;;) {
        if (!cc_scan_line(&r.sc)) {
            cc_scan_error(&r.sc, r.sc.le, "expected 'generation', 'current' or 'end', got the "
                                          "end of the file");
            goto fail;
        }
        const char *ls = r.sc.ls;
        size_t ll = (size_t)(r.sc.le - ls);
        int t = ck->res->ngenerations;
        if (ll >= 11 && memcmp(ls, "generation ", 11) == 0) {
            if (t >= CC_ABC_MAX_GENERATIONS) {
                cc_scan_error(&r.sc, NULL, "expected at most %d generations",
                              CC_ABC_MAX_GENERATIONS);
                goto fail;
            }
            cc_abc_generation g;
            r.q = ls + 10;
            if (read_generation(&r, t, N, n, s, &g) != 0 || cc_abc_result_push(ck->res, &g) != 0) {
                cc_abc_generation_clear(&g);
                goto fail;
            }
            sum += g.simulations;
            continue;
        }
        if (ll >= 8 && memcmp(ls, "current ", 8) == 0) {
            r.q = ls + 7;
            if (read_current(&r, t, N, n, s, &ck->cur) != 0)
                goto fail;
            sum += ck->cur.simulations;
            if (!cc_scan_line(&r.sc)) {
                cc_scan_error(&r.sc, r.sc.le, "expected 'end', got the end of the file");
                goto fail;
            }
            ls = r.sc.ls;
            ll = (size_t)(r.sc.le - ls);
        }
        if (!name_is(ls, ll, "end")) {
            char shown[200];
            cc_scan_show(ls, ll, shown);
            cc_scan_error(&r.sc, NULL, "expected 'generation', 'current' or 'end', got '%s'",
                          shown);
            goto fail;
        }
        break;
    }
    if (!cc_scan_rest_blank(&r.sc)) {
        cc_scan_line(&r.sc);
        cc_scan_error(&r.sc, NULL, "expected nothing after 'end'");
        goto fail;
    }
    if (sum > ck->res->simulations) {
        cc_scan_error(&r.sc, NULL, "expected at least %ld simulations in all, got %ld", sum,
                      ck->res->simulations);
        goto fail;
    }
    *out = ck;
    return 0;
fail:
    cc_abc_checkpoint_free(ck);
    return -1;
}

int cc_abc_checkpoint_load(const char *path, const cc_abc_problem *pb,
                           const cc_abc_options *opt, cc_diag *diag, cc_abc_checkpoint **out)
{
    *out = NULL;
    /* the bounded, non-blocking reader of every input file (readfile.h): a
     * FIFO, a device or a file over the limit is refused before reading */
    size_t len = 0;
    const char *why = NULL;
    char *text = cc_read_file(path, (size_t)CC_ABC_MAX_CHECKPOINT_BYTES, &len, &why);
    if (!text) {
        cc_diag_add(diag, path, 0, 0, NULL, NULL, "cannot read the checkpoint: %s", why);
        return -1;
    }
    int rc = cc_abc_checkpoint_read(text, len, path, pb, opt, diag, out);
    free(text);
    return rc;
}
