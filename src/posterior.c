/* posterior.c - reading posterior.csv and drawing from it (see posterior.h). */
#include "posterior.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "readfile.h"
#include "textscan.h"
#include "util.h"

/* The stream of replicate draws: entity 0xffffff of kind CC_RK_INPUTS (the
 * uncertain inputs' own draws use the entities below it). */
#define POSTERIOR_ENTITY 0xFFFFFFu
#define POSTERIOR_PURPOSE 1u
/* columns of the header read at most (the inputs are far fewer) */
#define POSTERIOR_MAX_COLUMNS 4096

void cc_posterior_free(cc_posterior *p)
{
    if (!p)
        return;
    free(p->weight);
    free(p->cum);
    free(p->theta);
    free(p);
}

/* One CSV field of [q, le): quoted ("..." with "" for a quote) or not.
 * Sets (*a, *n) to the raw field, *next after it (at the ',' or le); the
 * unquoted text goes into out (when not NULL). -1 on a bad quote. */
static int csv_field(const char *q, const char *le, const char **a, size_t *n, const char **next,
                     cc_buf *out)
{
    *a = q;
    if (q < le && *q == '"') {
        const char *p = q + 1;
        for (;;) {
            if (p >= le)
                return -1;
            if (*p == '"') {
                if (p + 1 < le && p[1] == '"') {
                    if (out)
                        cc_buf_append(out, "\"", 1);
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            if (out)
                cc_buf_append(out, p, 1);
            p++;
        }
        if (p < le && *p != ',')
            return -1;
        *n = (size_t)(p - q);
        *next = p;
        return 0;
    }
    const char *p = q;
    while (p < le && *p != ',')
        p++;
    if (out)
        cc_buf_append(out, q, (size_t)(p - q));
    *n = (size_t)(p - q);
    *next = p;
    return 0;
}

typedef struct header {
    int ncols;   /* fields of the header, weight included */
    int *map;    /* [ncols]: the expected index of column c (column 0: -1) */
} header;

static int read_header(cc_scan *sc, const char *const *expected, int n, header *h)
{
    int bad = 0;
    unsigned char *seen = calloc((size_t)n + 1, 1);
    size_t cap = 0;
    h->ncols = 0;
    h->map = NULL;
    if (!seen) {
        cc_scan_error(sc, NULL, "out of memory");
        return -1;
    }
    const char *q = sc->ls;
    for (;;) {
        const char *a, *next;
        size_t len;
        cc_buf name = {0};
        cc_buf_append(&name, "", 0);
        if (csv_field(q, sc->le, &a, &len, &next, &name) != 0 || name.failed) {
            cc_scan_error(sc, q, "expected a column name, got a badly quoted field");
            cc_buf_free(&name);
            bad = 1;
            break;
        }
        if (h->ncols >= POSTERIOR_MAX_COLUMNS) {
            cc_buf_free(&name);
            cc_scan_error(sc, a, "expected at most %d columns", POSTERIOR_MAX_COLUMNS);
            bad = 1;
            break;
        }
        if (cc_grow((void **)&h->map, &cap, (size_t)h->ncols + 1, sizeof *h->map) != 0) {
            cc_buf_free(&name);
            cc_scan_error(sc, a, "out of memory");
            bad = 1;
            break;
        }
        int col = h->ncols++;
        h->map[col] = -1;
        char shown[200];
        cc_scan_show(name.data, name.len, shown);
        if (col == 0) {
            if (strcmp(name.data, "weight") != 0 || name.len != 6) {
                cc_scan_error(sc, a, "expected the first column 'weight', got '%s'", shown);
                bad = 1;
            }
        } else {
            int k = -1;
            for (int i = 0; i < n; i++)
                if (strlen(expected[i]) == name.len && memcmp(expected[i], name.data, name.len) == 0) {
                    k = i;
                    break;
                }
            if (k < 0) {
                cc_scan_error(sc, a, "unknown column '%s': expected one of the scenario's "
                                     "uncertain inputs", shown);
                bad = 1;
            } else if (seen[k]) {
                cc_scan_error(sc, a, "column '%s' appears twice", shown);
                bad = 1;
            } else {
                seen[k] = 1;
                h->map[col] = k;
            }
        }
        cc_buf_free(&name);
        if (next >= sc->le)
            break;
        q = next + 1;
    }
    if (!bad || h->ncols > 0)
        for (int i = 0; i < n; i++)
            if (!seen[i]) {
                cc_scan_error(sc, sc->le, "missing column '%s' (an uncertain input of the "
                                          "scenario)", expected[i]);
                bad = 1;
            }
    free(seen);
    return bad ? -1 : 0;
}

int cc_posterior_read(const char *text, size_t len, const char *file,
                      const char *const *expected, int n, cc_diag *diag, cc_posterior **out)
{
    *out = NULL;
    cc_scan sc;
    cc_scan_init(&sc, text, len, file, diag);
    if (cc_scan_no_nul(&sc) != 0)
        return -1;
    if (!cc_scan_line(&sc) || sc.le == sc.ls) {
        cc_scan_error(&sc, NULL, "expected a header 'weight,<input names>', got %s",
                      sc.line ? "an empty line" : "an empty file");
        return -1;
    }
    header h;
    if (read_header(&sc, expected, n, &h) != 0) {
        free(h.map);
        return -1;
    }
    cc_posterior *p = calloc(1, sizeof *p);
    size_t cap_w = 0, cap_t = 0;
    int errors = 0;
    if (!p) {
        free(h.map);
        cc_scan_error(&sc, NULL, "out of memory");
        return -1;
    }
    p->ninputs = n;
    double wmax = 0;
    while (cc_scan_line(&sc)) {
        if (sc.le == sc.ls) {
            if (cc_scan_rest_blank(&sc))
                break;
            cc_scan_error(&sc, NULL, "expected a row of %d fields, got an empty line", h.ncols);
            errors++;
            continue;
        }
        if (p->rows >= CC_POSTERIOR_MAX_ROWS) {
            cc_scan_error(&sc, NULL, "expected at most %d rows", CC_POSTERIOR_MAX_ROWS);
            errors++;
            break;
        }
        if (cc_grow((void **)&p->weight, &cap_w, (size_t)p->rows + 1, sizeof *p->weight) != 0 ||
            cc_grow((void **)&p->theta, &cap_t, ((size_t)p->rows + 1) * (size_t)n + 1,
                    sizeof *p->theta) != 0) {
            cc_scan_error(&sc, NULL, "out of memory");
            errors++;
            break;
        }
        double *row = &p->theta[(size_t)p->rows * (size_t)n];
        int fields = 0, row_bad = 0;
        const char *q = sc.ls;
        for (;;) {
            const char *a, *next;
            size_t flen;
            if (csv_field(q, sc.le, &a, &flen, &next, NULL) != 0) {
                cc_scan_error(&sc, q, "expected a number, got a badly quoted field");
                row_bad = 1;
                break;
            }
            if (fields < h.ncols) {
                double v;
                char shown[200];
                if (cc_parse_double(a, flen, &v) != 0 || !isfinite(v)) {
                    cc_scan_show(a, flen, shown);
                    cc_scan_error(&sc, a, "expected a finite number, got '%s'", shown);
                    row_bad = 1;
                } else if (fields == 0) {
                    if (v < 0) {
                        cc_scan_show(a, flen, shown);
                        cc_scan_error(&sc, a, "expected a weight >= 0, got %s", shown);
                        row_bad = 1;
                    }
                    p->weight[p->rows] = v;
                } else {
                    row[h.map[fields]] = v;
                }
            }
            fields++;
            if (next >= sc.le)
                break;
            q = next + 1;
        }
        if (!row_bad && fields != h.ncols) {
            cc_scan_error(&sc, NULL, "expected %d fields, got %d", h.ncols, fields);
            row_bad = 1;
        }
        if (row_bad) {
            errors++;
            continue;
        }
        if (p->weight[p->rows] > wmax)
            wmax = p->weight[p->rows];
        p->rows++;
    }
    free(h.map);
    if (errors) {
        cc_posterior_free(p);
        return -1;
    }
    if (p->rows == 0) {
        cc_scan_error(&sc, NULL, "expected at least one row after the header");
        cc_posterior_free(p);
        return -1;
    }
    if (!(wmax > 0)) {
        cc_diag_add(diag, file, 2, 1, NULL, NULL,
                    "expected at least one weight > 0, got all %d weights 0", p->rows);
        cc_posterior_free(p);
        return -1;
    }
    p->cum = malloc((size_t)p->rows * sizeof *p->cum);
    if (!p->cum) {
        cc_diag_add(diag, file, 0, 0, NULL, NULL, "out of memory");
        cc_posterior_free(p);
        return -1;
    }
    /* divide by the largest first: a sum of huge weights cannot overflow */
    double sum = 0;
    for (int k = 0; k < p->rows; k++)
        sum += p->weight[k] / wmax;
    double c = 0;
    for (int k = 0; k < p->rows; k++) {
        p->weight[k] = p->weight[k] / wmax / sum;
        c += p->weight[k];
        p->cum[k] = c;
    }
    p->cum[p->rows - 1] = 1.0;
    *out = p;
    return 0;
}

int cc_posterior_load(const char *path, const char *const *expected, int n, cc_diag *diag,
                      cc_posterior **out)
{
    *out = NULL;
    /* the bounded, non-blocking reader of every input file (readfile.h): a
     * FIFO, a device or a file over the limit is refused before reading */
    size_t len = 0;
    const char *why = NULL;
    char *text = cc_read_file(path, (size_t)CC_POSTERIOR_MAX_BYTES, &len, &why);
    if (!text) {
        cc_diag_add(diag, path, 0, 0, NULL, NULL, "cannot read the posterior file: %s", why);
        return -1;
    }
    int rc = cc_posterior_read(text, len, path, expected, n, diag, out);
    free(text);
    return rc;
}

int cc_posterior_draw_row(const cc_posterior *p, uint64_t seed, uint32_t i)
{
    /* one Philox block of the stream, without a gsl_rng: the first word
     * cc_rng_u32 would serve */
    cc_rng_state st;
    memset(&st, 0, sizeof st);
    cc_stream_id id = cc_stream(CC_RK_INPUTS, POSTERIOR_ENTITY, i, POSTERIOR_PURPOSE, 0);
    st.ctr[0] = id.w0;
    st.ctr[1] = id.w1;
    st.ctr[2] = id.w2;
    st.key[0] = (uint32_t)(seed ^ (seed >> 32));
    st.key[1] = 0;
    cc_rng_refill(&st);
    double u = st.out[3] / 4294967296.0; /* [0, 1) */
    int lo = 0, hi = p->rows - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (p->cum[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    while (lo > 0 && p->weight[lo] == 0) /* the last cumulative weight is set to 1 */
        lo--;
    return lo;
}

void cc_posterior_draw(const cc_posterior *p, uint64_t seed, uint32_t i, double *theta)
{
    int k = cc_posterior_draw_row(p, seed, i);
    memcpy(theta, &p->theta[(size_t)k * (size_t)p->ninputs], (size_t)p->ninputs * sizeof *theta);
}
