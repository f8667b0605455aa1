/* report_series.h - the daily series of a run's folder, as the report
 * draws them: for every facility (and ALL, the whole system), column and
 * day, the mean over the replicates and the 5% and 95% points.
 *
 * Read from timeseries_quantiles.csv when the folder has it (the statistics
 * already reduced over the replicates: columns COL_mean, COL_q05, COL_q95
 * beside day, date and facility), else from timeseries.csv (one row per
 * replicate, day and facility, reduced here). */
#ifndef CARCER_REPORT_SERIES_H
#define CARCER_REPORT_SERIES_H

#include <carcer/carcer.h>

typedef struct cc_series {
    int days, nfac, ncols;
    int reps;        /* replicates reduced here; 0 when read already reduced */
    char **date;     /* [days], ISO dates */
    char **fac;      /* [nfac] in order of appearance, ALL included */
    char **col;      /* [ncols] the recorded columns (population, occupancy, ...) */
    double *mean, *lo, *hi; /* [(f * ncols + c) * days + d]; lo, hi NaN with one replicate */
} cc_series;

/* Read the series of folder dir. CARCER_OK, or an error with a message in
 * diag naming the file (CARCER_INPUT: not a daily series of carcer run). */
carcer_status cc_series_read(const char *dir, cc_series *s, carcer_diag *diag);
void cc_series_free(cc_series *s);
/* Index of facility `name` / column `name`, or -1. */
int cc_series_fac(const cc_series *s, const char *name);
int cc_series_col(const cc_series *s, const char *name);
/* The days of facility f, column c: its means (NULL when c < 0). */
const double *cc_series_mean(const cc_series *s, int f, int c);
const double *cc_series_lo(const cc_series *s, int f, int c);
const double *cc_series_hi(const cc_series *s, int f, int c);

#endif
