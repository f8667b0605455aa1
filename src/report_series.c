/* report_series.c - the daily series of a run's folder reduced to what
 * the report draws (report_series.h).
 *
 * The CSV is read in two passes: the first finds facilities, days and
 * replicates, the second fills a table of every value (one double per
 * field: about twice the text). The table is then reduced, day by day, to
 * the mean and the 5% and 95% points over the replicates (GSL's quantile of
 * sorted data, as summary.json's quantiles), and freed. A folder of many
 * replicates should hold timeseries_quantiles.csv instead, whose size does
 * not grow with them. */
#define _POSIX_C_SOURCE 200809L
#include "report_series.h"

#include <errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_internal.h"
#include "report_page.h"
#include "util.h"

/* columns of a series: timeseries.csv writes 19, its quantiles four times as many */
#define MAX_SERIES_COLS 160

typedef struct ts_table {
    int ncols;
    char *col[MAX_SERIES_COLS];
    int c_rep, c_day, c_date, c_fac; /* column indexes, -1 if absent */
    int nfac;
    char **fac; /* facility names in order of appearance ("ALL" included) */
    int days, reps;
    char **date; /* [days] */
    double *v;   /* [reps][days][nfac][ncols] */
} ts_table;

static void ts_free(ts_table *t)
{
    for (int i = 0; i < t->ncols; i++)
        free(t->col[i]);
    for (int i = 0; t->fac && i < t->nfac; i++)
        free(t->fac[i]);
    for (int i = 0; t->date && i < t->days; i++)
        free(t->date[i]);
    free(t->fac);
    free(t->date);
    free(t->v);
}

/* Split one CSV line into fields (quotes handled); returns the count. */
int cc_report_split_csv(char *line, char **field, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        if (*p == '"') {
            char *w = ++p;
            field[n++] = w;
            while (*p) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            *w = '\0';
            if (*p == ',')
                p++;
            else
                break;
        } else {
            field[n++] = p;
            char *comma = strchr(p, ',');
            if (!comma)
                break;
            *comma = '\0';
            p = comma + 1;
        }
    }
    return n;
}

static int fac_index(ts_table *t, const char *name, int add)
{
    for (int i = 0; i < t->nfac; i++)
        if (strcmp(t->fac[i], name) == 0)
            return i;
    if (!add)
        return -1;
    char **f = realloc(t->fac, sizeof *f * (size_t)(t->nfac + 1));
    if (!f)
        return -1;
    t->fac = f;
    t->fac[t->nfac] = cc_strdup(name);
    return t->fac[t->nfac] ? t->nfac++ : -1;
}

static int col_index(const ts_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->col[i], name) == 0)
            return i;
    return -1;
}

/* Two passes: the first finds facilities, days and replicates, the second
 * fills the values. A table has one row per replicate, day and facility,
 * as carcer writes it: one whose replicates, days and facilities span more
 * cells than it has rows is refused (a hostile file of two rows, day
 * 1000000 and replicate 1000000, would otherwise ask for terabytes).
 * Returns 0, or -1 with *why saying what is wrong (NULL: out of memory). */
static int ts_read(const char *text, ts_table *t, const char **why)
{
    *why = "expected a header line naming the columns day, date and facility";
    memset(t, 0, sizeof *t);
    char *copy = cc_strdup(text);
    if (!copy)
        return -1;
    char *field[MAX_SERIES_COLS + 1];
    char *save = NULL;
    char *line = strtok_r(copy, "\n", &save);
    if (!line) {
        free(copy);
        return -1;
    }
    t->ncols = cc_report_split_csv(line, field, MAX_SERIES_COLS);
    for (int i = 0; i < t->ncols; i++)
        if (!(t->col[i] = cc_strdup(field[i]))) {
            *why = NULL;
            free(copy);
            return -1;
        }
    t->c_rep = col_index(t, "replicate");
    t->c_day = col_index(t, "day");
    t->c_date = col_index(t, "date");
    t->c_fac = col_index(t, "facility");
    if (t->c_day < 0 || t->c_fac < 0 || t->c_date < 0) {
        free(copy);
        return -1;
    }
    long nrows = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        int n = cc_report_split_csv(line, field, MAX_SERIES_COLS);
        if (n != t->ncols)
            continue;
        int day = atoi(field[t->c_day]);
        int rep = t->c_rep >= 0 ? atoi(field[t->c_rep]) : 0;
        if (day < 0 || rep < 0 || day > 1000000 || rep > 1000000)
            continue;
        if (day + 1 > t->days)
            t->days = day + 1;
        if (rep + 1 > t->reps)
            t->reps = rep + 1;
        fac_index(t, field[t->c_fac], 1);
        nrows++;
    }
    free(copy);
    if (!nrows || !t->nfac) {
        *why = "expected rows of day, date and facility under the header, got none";
        return -1;
    }
    if ((double)t->reps * (double)t->days * (double)t->nfac > (double)nrows) {
        *why = "expected one row per replicate, day and facility, got rows missing";
        return -1;
    }
    *why = NULL;
    size_t total = (size_t)t->reps * (size_t)t->days * (size_t)t->nfac * (size_t)t->ncols;
    t->v = calloc(total, sizeof *t->v);
    t->date = calloc((size_t)t->days, sizeof *t->date);
    copy = cc_strdup(text);
    if (!t->v || !t->date || !copy) {
        free(copy);
        return -1;
    }
    save = NULL;
    strtok_r(copy, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        int n = cc_report_split_csv(line, field, MAX_SERIES_COLS);
        if (n != t->ncols)
            continue;
        int day = atoi(field[t->c_day]);
        int rep = t->c_rep >= 0 ? atoi(field[t->c_rep]) : 0;
        int f = fac_index(t, field[t->c_fac], 0);
        if (day < 0 || day >= t->days || rep < 0 || rep >= t->reps || f < 0)
            continue;
        if (!t->date[day])
            t->date[day] = cc_strdup(field[t->c_date]);
        double *row =
            &t->v[(((size_t)rep * (size_t)t->days + (size_t)day) * (size_t)t->nfac + (size_t)f) *
                  (size_t)t->ncols];
        for (int c = 0; c < t->ncols; c++)
            row[c] = field[c][0] ? strtod(field[c], NULL) : NAN; /* empty: undefined */
    }
    free(copy);
    return 0;
}

static double ts_at(const ts_table *t, int rep, int day, int f, int c)
{
    return t->v[(((size_t)rep * (size_t)t->days + (size_t)day) * (size_t)t->nfac + (size_t)f) *
                    (size_t)t->ncols +
                (size_t)c];
}

void cc_series_free(cc_series *s)
{
    for (int i = 0; s->date && i < s->days; i++)
        free(s->date[i]);
    for (int i = 0; s->fac && i < s->nfac; i++)
        free(s->fac[i]);
    for (int i = 0; s->col && i < s->ncols; i++)
        free(s->col[i]);
    free(s->date), free(s->fac), free(s->col);
    free(s->mean), free(s->lo), free(s->hi);
    memset(s, 0, sizeof *s);
}

int cc_series_fac(const cc_series *s, const char *name)
{
    for (int i = 0; i < s->nfac; i++)
        if (strcmp(s->fac[i], name) == 0)
            return i;
    return -1;
}

int cc_series_col(const cc_series *s, const char *name)
{
    for (int i = 0; i < s->ncols; i++)
        if (strcmp(s->col[i], name) == 0)
            return i;
    return -1;
}

static size_t at(const cc_series *s, int f, int c)
{
    return ((size_t)f * (size_t)s->ncols + (size_t)c) * (size_t)s->days;
}

const double *cc_series_mean(const cc_series *s, int f, int c)
{
    return f >= 0 && c >= 0 ? s->mean + at(s, f, c) : NULL;
}
const double *cc_series_lo(const cc_series *s, int f, int c)
{
    return f >= 0 && c >= 0 ? s->lo + at(s, f, c) : NULL;
}
const double *cc_series_hi(const cc_series *s, int f, int c)
{
    return f >= 0 && c >= 0 ? s->hi + at(s, f, c) : NULL;
}

/* the names of the table moved into s (the table keeps none) */
static int take_names(ts_table *t, cc_series *s, int ncols)
{
    s->days = t->days, s->nfac = t->nfac, s->ncols = ncols;
    s->date = t->date, s->fac = t->fac;
    t->date = NULL, t->fac = NULL; /* t->nfac still indexes its values */
    for (int d = 0; d < s->days; d++)
        if (!s->date[d] && !(s->date[d] = cc_strdup("")))
            return -1;
    size_t n = (size_t)s->nfac * (size_t)ncols * (size_t)s->days;
    s->col = calloc((size_t)ncols, sizeof *s->col);
    s->mean = malloc(sizeof *s->mean * (n ? n : 1));
    s->lo = malloc(sizeof *s->lo * (n ? n : 1));
    s->hi = malloc(sizeof *s->hi * (n ? n : 1));
    return s->col && s->mean && s->lo && s->hi ? 0 : -1;
}

/* timeseries.csv: every replicate's rows reduced here */
static int reduce(ts_table *t, cc_series *s)
{
    int skip[4] = {t->c_rep, t->c_day, t->c_date, t->c_fac};
    int keep[MAX_SERIES_COLS], nk = 0;
    for (int c = 0; c < t->ncols; c++) {
        int k = 0;
        for (int i = 0; i < 4; i++)
            k |= skip[i] == c;
        if (!k)
            keep[nk++] = c;
    }
    int reps = t->reps;
    if (take_names(t, s, nk) != 0)
        return -1;
    s->reps = reps;
    for (int k = 0; k < nk; k++)
        if (!(s->col[k] = cc_strdup(t->col[keep[k]])))
            return -1;
    double *x = malloc(sizeof *x * (size_t)reps);
    if (!x)
        return -1;
    for (int f = 0; f < s->nfac; f++)
        for (int k = 0; k < nk; k++) {
            size_t o = at(s, f, k);
            for (int d = 0; d < s->days; d++) {
                int n = 0;
                double sum = 0;
                for (int r = 0; r < reps; r++) {
                    double v = ts_at(t, r, d, f, keep[k]);
                    if (isfinite(v))
                        x[n++] = v, sum += v;
                }
                s->mean[o + (size_t)d] = n ? sum / n : NAN;
                if (n > 1) {
                    gsl_sort(x, 1, (size_t)n);
                    s->lo[o + (size_t)d] =
                        gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, 0.05);
                    s->hi[o + (size_t)d] =
                        gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, 0.95);
                } else {
                    s->lo[o + (size_t)d] = s->hi[o + (size_t)d] = NAN;
                }
            }
        }
    free(x);
    return 0;
}

/* timeseries_quantiles.csv: COL_mean, COL_q05, COL_q95 (COL_q50 and others
 * read but not drawn) */
static int quantiles(ts_table *t, cc_series *s)
{
    int base[MAX_SERIES_COLS], nb = 0;
    size_t lm = strlen("_mean");
    for (int c = 0; c < t->ncols; c++) {
        size_t len = strlen(t->col[c]);
        if (len > lm && strcmp(t->col[c] + len - lm, "_mean") == 0)
            base[nb++] = c;
    }
    if (take_names(t, s, nb) != 0)
        return -1;
    s->reps = 0;
    for (int k = 0; k < nb; k++) {
        const char *m = t->col[base[k]];
        size_t len = strlen(m) - lm;
        s->col[k] = cc_asprintf("%.*s", (int)len, m);
        char *q05 = cc_asprintf("%.*s_q05", (int)len, m),
             *q95 = cc_asprintf("%.*s_q95", (int)len, m);
        int c05 = q05 ? col_index(t, q05) : -1, c95 = q95 ? col_index(t, q95) : -1;
        free(q05), free(q95);
        if (!s->col[k])
            return -1;
        for (int f = 0; f < s->nfac; f++)
            for (int d = 0; d < s->days; d++) {
                size_t o = at(s, f, k) + (size_t)d;
                s->mean[o] = ts_at(t, 0, d, f, base[k]);
                s->lo[o] = c05 >= 0 ? ts_at(t, 0, d, f, c05) : NAN;
                s->hi[o] = c95 >= 0 ? ts_at(t, 0, d, f, c95) : NAN;
            }
    }
    return 0;
}

carcer_status cc_series_read(const char *dir, cc_series *s, carcer_diag *diag)
{
    memset(s, 0, sizeof *s);
    char *qpath = cc_asprintf("%s/timeseries_quantiles.csv", dir);
    char *tpath = cc_asprintf("%s/timeseries.csv", dir);
    carcer_status st = CARCER_OK;
    ts_table t;
    memset(&t, 0, sizeof t);
    char *csv = NULL;
    if (!qpath || !tpath) {
        st = CARCER_NOMEM;
        goto out;
    }
    int reduced = access(qpath, F_OK) == 0;
    const char *path = reduced ? qpath : tpath;
    size_t csv_len = 0;
    errno = 0;
    csv = cc_report_read_text(path, SIZE_MAX, &csv_len);
    if (!csv) {
        cc_diag_add(&diag->d, path, 0, 0, NULL, NULL, "cannot read the daily series: %s",
                    strerror(errno ? errno : ENOMEM));
        st = CARCER_IO;
        goto out;
    }
    const char *why = NULL;
    if (memchr(csv, '\0', csv_len)) {
        why = "expected text, got a NUL byte";
    } else if (ts_read(csv, &t, &why) != 0) {
        if (!why) {
            st = CARCER_NOMEM;
            goto out;
        }
    } else if (fac_index(&t, "ALL", 0) < 0) {
        why = "expected the rows of facility ALL (the whole system, one a day), got none";
    } else if (reduced && t.reps > 1) {
        why = "expected one row per day and facility (statistics over the replicates), got a "
              "replicate column";
    }
    if (why) {
        cc_diag_add(&diag->d, path, 0, 0, NULL, NULL, "not a daily series of `carcer run`: %s",
                    why);
        st = CARCER_INPUT;
        goto out;
    }
    if ((reduced ? quantiles(&t, s) : reduce(&t, s)) != 0)
        st = CARCER_NOMEM;
out:
    if (st != CARCER_OK)
        cc_series_free(s);
    ts_free(&t);
    free(csv);
    free(qpath);
    free(tpath);
    return st;
}
