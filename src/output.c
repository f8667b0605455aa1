/* output.c - the files a run writes (see output.h). */
#define _POSIX_C_SOURCE 200809L
#include "output.h"

#include "about.h"
#include "draws.h"
#include "prior.h"

#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <libfyaml.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- timeseries.csv ---------------------------------------------------- */

/* The columns after day,date,facility. `col` is a cc_ts_row column, or -1
 * for occupancy (population / capacity of the day). One table: the header
 * and the rows both walk it. */
typedef struct ts_column {
    const char *name;
    int col;
} ts_column;

static const ts_column ts_columns[] = {
    {"population", CC_TS_population},
    {"police", CC_TS_police},
    {"pretrial", CC_TS_pretrial},
    {"appeal", CC_TS_appeal},
    {"sentenced", CC_TS_sentenced},
    {"rehab", CC_TS_rehab},
    {"children", CC_TS_children},
    {"occupancy", -1},
    {"admissions", CC_TS_admissions},
    {"releases", CC_TS_releases},
    {"new_infections", CC_TS_new_infections},
    {"active_infections", CC_TS_active_infections},
    {"hospitalised", CC_TS_hospitalised},
    {"deaths_disease", CC_TS_deaths_disease},
    {"deaths_other", CC_TS_deaths_other},
};
#define NTS (sizeof ts_columns / sizeof ts_columns[0])
/* every recorded column is written exactly once, plus occupancy */
_Static_assert(NTS == CC_TS_NCOL + 1, "timeseries.csv must list every recorded column");

void cc_output_ts_header(cc_buf *b, int with_replicate)
{
    if (with_replicate)
        cc_buf_printf(b, "replicate,");
    cc_buf_printf(b, "day,date,facility");
    for (size_t c = 0; c < NTS; c++)
        cc_buf_printf(b, ",%s", ts_columns[c].name);
    cc_buf_printf(b, "\n");
}

/* CSV field: quote when the name holds a comma, quote or line break. */
void cc_output_csv_field(cc_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        cc_buf_append(b, s, strlen(s));
        return;
    }
    cc_buf_append(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            cc_buf_append(b, "\"", 1);
        cc_buf_append(b, p, 1);
    }
    cc_buf_append(b, "\"", 1);
}

void cc_output_ts_rows(cc_buf *b, const cc_scenario *s, const cc_ts_row *rows, int32_t days,
                       int replicate, int with_replicate)
{
    int nf = s->nfacilities;
    for (int32_t d = 0; d < days; d++) {
        char date[11];
        cc_date_format(s->start_date + d, date);
        for (int f = 0; f <= nf; f++) {
            const cc_ts_row *r = &rows[(size_t)d * (size_t)(nf + 1) + (size_t)f];
            if (with_replicate)
                cc_buf_printf(b, "%d,", replicate);
            cc_buf_printf(b, "%d,%s,", d, date);
            cc_output_csv_field(b, f < nf ? s->facility[f].name : "ALL");
            for (size_t c = 0; c < NTS; c++) {
                if (ts_columns[c].col < 0) {
                    /* people held without capacity: undefined, as in
                     * summary.json (an empty field) */
                    if (r->capacity > 0)
                        cc_buf_printf(b, ",%.4f", (double)r->v[CC_TS_population] / r->capacity);
                    else if (r->v[CC_TS_population] > 0)
                        cc_buf_append(b, ",", 1);
                    else
                        cc_buf_append(b, ",0.0000", 7);
                } else {
                    cc_buf_printf(b, ",%lld", (long long)r->v[ts_columns[c].col]);
                }
            }
            cc_buf_append(b, "\n", 1);
        }
    }
}

/* ---- numbers ----------------------------------------------------------- */

void cc_format_number(double v, char out[32])
{
    if (!isfinite(v)) {
        /* JSON has no NaN or infinity */
        snprintf(out, 32, "null");
        return;
    }
    if (v == floor(v) && fabs(v) < 9e15) {
        snprintf(out, 32, "%.0f", v);
        return;
    }
    /* shortest %g that reads back the same double */
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* ---- summary.json ------------------------------------------------------ */

static struct fy_node *scalar(struct fy_document *doc, const char *text)
{
    return fy_node_create_scalar_copy(doc, text, strlen(text));
}

/* A double-quoted string scalar, so that a name such as "2017" or "yes"
 * stays a string in JSON. The document takes the text it is built from
 * (libfyaml keeps pointing into it), hence the malloc'd variant. */
struct fy_node *cc_output_string_node(struct fy_document *doc, const char *text)
{
    cc_buf b = {0};
    cc_buf_append(&b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            cc_buf_printf(&b, "\\%c", *p);
        else if (*p < 0x20)
            cc_buf_printf(&b, "\\x%02x", *p);
        else
            cc_buf_append(&b, (const char *)p, 1);
    }
    cc_buf_append(&b, "\"", 1);
    if (b.failed) {
        cc_buf_free(&b);
        return NULL;
    }
    struct fy_node *n = fy_node_build_from_malloc_string(doc, b.data, b.len);
    if (!n)
        cc_buf_free(&b);
    return n;
}

static struct fy_node *number(struct fy_document *doc, double v)
{
    char t[32];
    cc_format_number(v, t);
    return scalar(doc, t);
}

/* The mapping under `parent` named by the segment, created if missing. */
static struct fy_node *child_map(struct fy_document *doc, struct fy_node *parent,
                                 const char *seg, size_t len)
{
    struct fy_node *n = fy_node_mapping_lookup_by_string(parent, seg, len);
    if (n)
        return fy_node_is_mapping(n) ? n : NULL;
    n = fy_node_create_mapping(doc);
    if (!n || fy_node_mapping_append(parent, fy_node_create_scalar_copy(doc, seg, len), n))
        return NULL;
    return n;
}

static int put(struct fy_document *doc, struct fy_node *root, const char *key,
               struct fy_node *value)
{
    struct fy_node *m = root;
    const char *seg = key;
    /* occupancy.NAME.stat: a facility name may hold dots ("../x", "St. Mary") */
    if (strncmp(key, "occupancy.", 10) == 0 && strrchr(key, '.') > key + 10) {
        const char *last = strrchr(key, '.');
        m = child_map(doc, m, "occupancy", 9);
        char *name = cc_asprintf("%.*s", (int)(last - (key + 10)), key + 10);
        struct fy_node *f = m && name ? fy_node_mapping_lookup_value_by_simple_key(m, name, strlen(name))
                                      : NULL;
        if (m && name && !f) {
            /* a quoted, escaped key: names may hold quotes and control characters */
            f = fy_node_create_mapping(doc);
            if (!f || fy_node_mapping_append(m, cc_output_string_node(doc, name), f))
                f = NULL;
        }
        free(name);
        if (!f || !value)
            return -1;
        return fy_node_mapping_append(f, scalar(doc, last + 1), value);
    }
    for (const char *dot; (dot = strchr(seg, '.')) != NULL; seg = dot + 1) {
        m = child_map(doc, m, seg, (size_t)(dot - seg));
        if (!m)
            return -1;
    }
    if (!value)
        return -1;
    return fy_node_mapping_append(m, scalar(doc, seg), value);
}

/* {mean, sd, q05, q50, q95} of one metric over the replicates, and with
 * uncertain inputs (paired replicates: draws.h) sd_inputs and sd_chance */
static struct fy_node *distribution(struct fy_document *doc, double *x, int k, bool split)
{
    /* a value undefined in some replicate (an occupancy without capacity)
     * leaves every statistic undefined: null */
    for (int r = 0; r < k; r++)
        if (isnan(x[r])) {
            struct fy_node *m = fy_node_create_mapping(doc);
            const char *names[7] = {"mean", "sd", "q05", "q50", "q95", "sd_inputs", "sd_chance"};
            for (int i = 0; i < 7; i++)
                fy_node_mapping_append(m, scalar(doc, names[i]), scalar(doc, "null"));
            return m;
        }
    double sdi = NAN, sdc = NAN;
    if (split)
        cc_variance_split(x, k, &sdi, &sdc);
    else {
        /* fixed inputs: all of the variance is chance */
        sdi = 0;
        sdc = k > 1 ? gsl_stats_sd(x, 1, (size_t)k) : 0;
    }
    gsl_sort(x, 1, (size_t)k);
    struct fy_node *m = fy_node_create_mapping(doc);
    const char *names[7] = {"mean", "sd", "q05", "q50", "q95", "sd_inputs", "sd_chance"};
    double v[7] = {gsl_stats_mean(x, 1, (size_t)k), gsl_stats_sd(x, 1, (size_t)k),
                   gsl_stats_quantile_from_sorted_data(x, 1, (size_t)k, 0.05),
                   gsl_stats_quantile_from_sorted_data(x, 1, (size_t)k, 0.50),
                   gsl_stats_quantile_from_sorted_data(x, 1, (size_t)k, 0.95), sdi, sdc};
    for (int i = 0; i < 7; i++)
        fy_node_mapping_append(m, scalar(doc, names[i]), number(doc, v[i]));
    return m;
}

char *cc_output_summary_json(const cc_scenario *s, uint64_t seed, const cc_metrics *reps, int k,
                             const char *run_id)
{
    struct fy_document *doc = fy_document_create(NULL);
    if (!doc)
        return NULL;
    struct fy_node *root = fy_node_create_mapping(doc);
    fy_document_set_root(doc, root);
    char start[11], end[11];
    cc_date_format(s->start_date, start);
    cc_date_format(s->start_date + s->days - 1, end);
    int bad = 0;
    bad |= put(doc, root, "scenario", cc_output_string_node(doc, s->name));
    bad |= put(doc, root, "carcer_version", cc_output_string_node(doc, CARCER_VERSION));
    if (run_id)
        bad |= put(doc, root, "run_id", cc_output_string_node(doc, run_id));
    bad |= put(doc, root, "seed", number(doc, (double)seed));
    bad |= put(doc, root, "start", cc_output_string_node(doc, start));
    bad |= put(doc, root, "end", cc_output_string_node(doc, end));
    bad |= put(doc, root, "days", number(doc, s->days));
    bad |= put(doc, root, "replicates", number(doc, k));
    bad |= put(doc, root, "about", cc_about_node(doc, s));
    double *x = malloc(sizeof *x * (size_t)k);
    if (!x)
        bad = 1;
    for (size_t i = 0; !bad && i < reps[0].n; i++) {
        const char *key = reps[0].m[i].key;
        if (k == 1) {
            bad |= put(doc, root, key, number(doc, reps[0].m[i].value));
            continue;
        }
        for (int r = 0; r < k; r++) {
            long j = (i < reps[r].n && strcmp(reps[r].m[i].key, key) == 0)
                         ? (long)i
                         : cc_metrics_find(&reps[r], key);
            x[r] = j >= 0 ? reps[r].m[j].value : NAN;
        }
        bad |= put(doc, root, key, distribution(doc, x, k, cc_inputs_count(s) > 0));
    }
    free(x);
    char *text = bad ? NULL
                     : fy_emit_document_to_string(doc, (enum fy_emitter_cfg_flags)(
                                                           FYECF_MODE_JSON | FYECF_INDENT_2));
    fy_document_destroy(doc);
    if (!text)
        return NULL;
    /* end with a newline, as text files do */
    size_t n = strlen(text);
    if (n == 0 || text[n - 1] != '\n') {
        char *t = realloc(text, n + 2);
        if (!t) {
            free(text);
            return NULL;
        }
        t[n] = '\n';
        t[n + 1] = '\0';
        text = t;
    }
    return text;
}

char *cc_output_replicates_csv(const cc_metrics *reps, int k)
{
    return cc_output_replicates_inputs_csv(reps, k, NULL, NULL);
}

char *cc_output_replicates_inputs_csv(const cc_metrics *reps, int k, const cc_scenario *s,
                                      const double *inputs)
{
    cc_buf b = {0};
    int ni = inputs ? cc_inputs_count(s) : 0;
    cc_buf_printf(&b, "replicate");
    for (int j = 0; j < ni; j++) {
        char *name = cc_asprintf("input:%s", cc_inputs_get(s, j)->path);
        cc_buf_append(&b, ",", 1);
        cc_output_csv_field(&b, name ? name : "input");
        free(name);
    }
    for (size_t i = 0; i < reps[0].n; i++) {
        cc_buf_append(&b, ",", 1);
        cc_output_csv_field(&b, reps[0].m[i].key); /* keys may hold facility names */
    }
    cc_buf_printf(&b, "\n");
    for (int r = 0; r < k; r++) {
        cc_buf_printf(&b, "%d", r);
        for (int j = 0; j < ni; j++) {
            char v[40];
            cc_yaml_format_real(v, inputs[(size_t)r * (size_t)ni + (size_t)j], 1);
            cc_buf_printf(&b, ",%s", v);
        }
        for (size_t i = 0; i < reps[0].n; i++) {
            long j = (i < reps[r].n && strcmp(reps[r].m[i].key, reps[0].m[i].key) == 0)
                         ? (long)i
                         : cc_metrics_find(&reps[r], reps[0].m[i].key);
            char t[32];
            if (j >= 0)
                cc_format_number(reps[r].m[j].value, t);
            else
                t[0] = '\0';
            cc_buf_printf(&b, ",%s", strcmp(t, "null") ? t : "");
        }
        cc_buf_printf(&b, "\n");
    }
    if (b.failed) {
        cc_buf_free(&b);
        return NULL;
    }
    return b.data;
}
