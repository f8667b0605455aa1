/* targets.c - the `targets:` list of a scenario: parse, check, print back,
 * document; evaluate a target on one replicate; write targets.csv.
 *
 * Invariants after load: every column target reads days inside the run and
 * a facility (or type) of the scenario; every summary target names a key of
 * a family that cc_sim_metrics (sim.c, policy.c, disease.c) writes for this
 * scenario (the families are listed in summary_key below, and
 * tests/test_targets.c checks that every key a run writes is accepted, so
 * the two cannot drift apart silently); names are unique; exactly one of sd
 * and tolerance is given and it is > 0.
 *
 * Cost: parsing is linear in the targets (a summary key is matched against
 * the facilities and report dates); evaluation reads the days a target
 * spans, once per replicate.
 */
#include "targets.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disease_spec.h"
#include "output.h"
#include "pathogen.h"

/* ---- names ----------------------------------------------------------------- */

/* timeseries.csv columns that a target can read: the recorded ones in their
 * order (sim.h's table), then occupancy */
static const char *const column_names[] = {
#define CC_TGT_NAME(name) #name,
    CC_TS_COLUMNS(CC_TGT_NAME)
#undef CC_TGT_NAME
    "occupancy", NULL};

static const char *const type_names[] = {"police", "prison", "rehab", NULL};
static const char *const entry_keys[] = {"name",  "column",    "facility", "type",   "date",
                                         "from",  "until",     "stat",     "summary", "ratio",
                                         "value", "sd",        "tolerance", "weight", "source",
                                         NULL};
static const char *const measure_keys[] = {"column", "facility", "type", "date", "from",
                                           "until",  "stat",     "summary", NULL};
static const char *const stat_names[] = {"mean", "sum", NULL};

/* Keys of summary.json that every run writes (sim.c, policy.c, api.c). */
static const char *const fixed_keys[] = {
    "arrests", "rearrests", "bribes", "direct_admissions", "unplaced", "population_start",
    "population_end", "population_peak", "prison_growth", "drug_share_end",
    "pretrial_share_end", "unconvicted_share_end", "pretrial_limit_violations",
    "pretrial_days_beyond_limit", "person_years.detained", "person_years.by_poor.poor",
    "person_years.by_poor.not_poor", "child_days", "deaths.other", "deaths.disease",
    "releases", "cost", "costs.bail", "costs.community", "costs.total",
    "person_days_over_capacity", "person_days_over_200pct", "community_referrals",
    "community_days", "policy_releases", "policy_dropped_cases", "infections.detainees",
    "infections.staff", "infections.children", "spillover", NULL};
/* ... and those a run with a disease writes (disease.c) */
static const char *const disease_keys[] = {
    "infections.imported", "deaths_disease.staff", "deaths_disease.by_risk.yes",
    "deaths_disease.by_risk.no", "hospitalised_days", "disease.beta_cell_used",
    "disease.quarantine_overflow", "disease.isolation_overflow", "disease.tests",
    "disease.tests_positive", "disease.vaccinations", NULL};
/* disease.c's age bands of disease deaths (deaths_disease.by_age.BAND) */
static const char *const death_bands[] = {"0-17", "18-29", "30-49", "50-64", "65+", NULL};
/* person_years.by_state.STATE and costs.by_state.STATE */
static const char *const shown_states[] = {"police",    "pretrial", "bail", "appeal",
                                           "sentenced", "rehab",    NULL};
static const char *const at_stocks[] = {"prison_population", "drug_share", "pretrial_share",
                                        "unconvicted_share", "drug_arrests_since_start", NULL};
static const char *const yearly[] = {"arrests_drug", "rehab_admissions", "deaths_other", NULL};
static const char *const occupancy_stats[] = {"peak", "mean", "days_over_capacity", NULL};
static const char *const attack_groups[] = {"detainees", "staff", "children", NULL};

static int index_in(const char *const *names, const char *s, size_t len)
{
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
            return i;
    return -1;
}

static int year_of(int32_t date)
{
    char buf[11];
    cc_date_format(date, buf);
    return atoi(buf);
}

/* ---- summary keys ------------------------------------------------------------ */

/* When `key` starts with `prefix` followed by one of `names` and then the
 * end of the key (or `rest`): 1, else 0. */
static int prefix_then(const char *key, const char *prefix, const char *name, const char *rest)
{
    size_t p = strlen(prefix), n = strlen(name);
    return strncmp(key, prefix, p) == 0 && strncmp(key + p, name, n) == 0 &&
           strcmp(key + p + n, rest) == 0;
}

static int in_family(const char *key, const char *prefix, const char *const *names,
                     const char *rest)
{
    for (int i = 0; names[i]; i++)
        if (prefix_then(key, prefix, names[i], rest))
            return 1;
    return 0;
}

/* A facility name after `prefix`, then `.` and one of stats: 1, else 0. */
static int facility_family(const cc_scenario *s, const char *key, const char *prefix,
                           const char *const *stats)
{
    size_t p = strlen(prefix);
    if (strncmp(key, prefix, p) != 0)
        return 0;
    for (int f = 0; f < s->nfacilities; f++) {
        size_t n = strlen(s->facility[f].name);
        if (strncmp(key + p, s->facility[f].name, n) == 0 && key[p + n] == '.' &&
            index_in(stats, key + p + n + 1, strlen(key + p + n + 1)) >= 0)
            return 1;
    }
    return 0;
}

/* Whether a run of s as long as it is written writes summary key `key`,
 * and the last day it reads (*last; after the run's last day when the key
 * is one of a report date or a year beyond a shortened run). 1 known, 0
 * unknown; on 0, `why` may hold a specific reason. */
static int summary_key(const cc_scenario *s, const char *key, int32_t *last, char *why,
                       size_t cap)
{
    int32_t end = s->days - 1;
    *last = end;
    why[0] = '\0';
    if (index_in(fixed_keys, key, strlen(key)) >= 0 ||
        in_family(key, "person_years.by_state.", shown_states, "") ||
        in_family(key, "costs.by_state.", shown_states, "") ||
        in_family(key, "admissions.", type_names, "") ||
        in_family(key, "costs.by_facility_type.", type_names, "") ||
        facility_family(s, key, "occupancy.", occupancy_stats))
        return 1;
    for (int o = 0; o < s->noffenses; o++)
        if (prefix_then(key, "person_years.by_offense.", s->offense[o].name, ""))
            return 1;
    if (s->disease) {
        const cc_pathogen *pg = s->disease->pathogen;
        if (index_in(disease_keys, key, strlen(key)) >= 0 ||
            in_family(key, "deaths_disease.by_age.", death_bands, "") ||
            facility_family(s, key, "attack_rate.", attack_groups))
            return 1;
        for (int st = 0; pg && st < pg->nstates; st++)
            if ((pg->state[st].kind == CC_PS_INFECTED || pg->state[st].kind == CC_PS_RECOVERED) &&
                prefix_then(key, "disease.prison_prevalence.", pg->state[st].name, ""))
                return 1;
    }
    /* FAMILY.YEAR: the sum over a year of the run (sim.c); its value is
     * final once the year is over */
    for (int i = 0; yearly[i]; i++) {
        size_t n = strlen(yearly[i]);
        if (strncmp(key, yearly[i], n) != 0 || key[n] != '.')
            continue;
        const char *y = key + n + 1;
        if (strlen(y) != 4 || strspn(y, "0123456789") != 4)
            break;
        int year = atoi(y), y0 = year_of(s->start_date);
        if (year < y0) {
            snprintf(why, cap, "expected a year from the start (%d) on in '%s'", y0, key);
            return 0;
        }
        char iso[16];
        snprintf(iso, sizeof iso, "%04d-12-31", year);
        int32_t dec31;
        if (cc_date_parse(iso, 10, &dec31) != 0)
            break;
        /* a year after the run's last year is beyond the run; the last year
         * of the run is summed up to its last day */
        int32_t dec31_day = dec31 - s->start_date;
        if (year > year_of(s->start_date + end))
            *last = dec31_day;
        else
            *last = dec31_day < end ? dec31_day : end;
        return 1;
    }
    /* at.DATE.STOCK: the stocks at the end of a report date */
    if (strncmp(key, "at.", 3) == 0) {
        int32_t date;
        if (strlen(key) < 14 || key[13] != '.' || cc_date_parse(key + 3, 10, &date) != 0) {
            snprintf(why, cap, "expected at.DATE.STOCK with DATE as YYYY-MM-DD, got '%s'", key);
            return 0;
        }
        int32_t d = date - s->start_date;
        int found = 0;
        for (int i = 0; i < s->nreport_dates; i++)
            found |= s->report_dates[i] == d;
        if (!found) {
            snprintf(why, cap, "expected a date of report_dates, got %.10s (add it to report_dates)",
                     key + 3);
            return 0;
        }
        const char *stock = key + 14;
        if (index_in(at_stocks, stock, strlen(stock)) >= 0 ||
            (strncmp(stock, "population.", 11) == 0 && cc_facility_index(s, stock + 11) >= 0)) {
            *last = d;
            return 1;
        }
        if (strncmp(stock, "population.", 11) == 0) {
            snprintf(why, cap,
                     "expected a facility of the scenario after at.DATE.population., got '%s'",
                     stock + 11);
            return 0;
        }
        snprintf(why, cap,
                 "expected at.DATE. followed by prison_population, drug_share, "
                 "pretrial_share, unconvicted_share, drug_arrests_since_start or "
                 "population.FACILITY, got '%s'",
                 key);
        return 0;
    }
    return 0;
}

/* ---- parsing --------------------------------------------------------------------- */

static struct fy_node *child(cc_yctx *ctx, struct fy_node *map, const char *key)
{
    struct fy_node *n = cc_yaml_get(map, key);
    cc_yaml_push_key(ctx, key);
    return n;
}

/* A copy of a scalar's text (malloc'd), or NULL with an error. */
static char *text_copy(cc_yctx *ctx, struct fy_node *n, const char *what)
{
    size_t len;
    const char *t = cc_yaml_text(ctx, n, what, &len);
    if (!t)
        return NULL;
    if (len == 0) {
        cc_yaml_error(ctx, n, NULL, "expected %s, got an empty text", what);
        return NULL;
    }
    char *c = malloc(len + 1);
    if (!c) {
        cc_yaml_error(ctx, n, NULL, "out of memory");
        return NULL;
    }
    memcpy(c, t, len);
    c[len] = '\0';
    return c;
}

/* A date of a column measure: its day from the start. A date before the
 * start is an error; one after the last day makes the target beyond the
 * run (cc_targets_in_run). */
static int day_of(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n, int32_t *day)
{
    int32_t date;
    if (cc_yaml_date(ctx, n, &date) != 0)
        return -1;
    if (date < s->start_date || date - s->start_date >= CC_MAX_DAYS) {
        char a[11], got[11];
        cc_date_format(s->start_date, a);
        cc_date_format(date, got);
        cc_yaml_error(ctx, n, NULL, "expected a date of the run, from %s (the start) on, got %s",
                      a, got);
        return -1;
    }
    *day = date - s->start_date;
    return 0;
}

/* A measure: the keys of `map` (an entry or an item of `ratio`). `whole` is
 * true for an entry, whose other keys (name, value, ...) are checked by the
 * caller. Returns 0 or -1. */
static int parse_measure(cc_yctx *ctx, const cc_scenario *s, struct fy_node *map, bool whole,
                         cc_tgt_measure *m)
{
    int errs = cc_yctx_errors(ctx);
    memset(m, 0, sizeof *m);
    m->facility = -1;
    m->type = -1;
    if (!whole && cc_yaml_check_keys(ctx, map, measure_keys) != 0)
        return -1;
    struct fy_node *col = cc_yaml_get(map, "column"), *sum = cc_yaml_get(map, "summary");
    if (col && sum) {
        cc_yaml_push_key(ctx, "summary");
        cc_yaml_error(ctx, sum, "a target reads one figure; use `ratio: [A, B]` for two",
                      "expected `column` or `summary`, got both");
        cc_yaml_pop(ctx);
        return -1;
    }
    if (!col && !sum) {
        cc_yaml_error(ctx, map, "e.g. {column: population, facility: CC1, date: 2020-01-15}",
                      "expected what is measured: `column`, `summary`%s",
                      whole ? " or `ratio`" : "");
        return -1;
    }
    if (sum) {
        static const char *const column_only[] = {"facility", "type", "date", "from", "until",
                                                  "stat", NULL};
        for (int i = 0; column_only[i]; i++) {
            struct fy_node *x = cc_yaml_get(map, column_only[i]);
            if (x) {
                cc_yaml_push_key(ctx, column_only[i]);
                cc_yaml_error(ctx, x, "a summary key names its own facility and date",
                              "expected no `%s` with `summary`", column_only[i]);
                cc_yaml_pop(ctx);
            }
        }
        cc_yaml_push_key(ctx, "summary");
        m->kind = CC_TGT_SUMMARY;
        m->key = text_copy(ctx, sum, "a summary.json key");
        char why[256];
        if (m->key && !summary_key(s, m->key, &m->last, why, sizeof why)) {
            if (why[0]) {
                cc_yaml_error(ctx, sum, NULL, "%s", why);
            } else {
                /* the nearest key every run writes, as a hint */
                const char *near = NULL;
                int best = 1000;
                for (int i = 0; fixed_keys[i]; i++) {
                    int dist = cc_edit_distance(m->key, fixed_keys[i]);
                    if (dist < best) {
                        best = dist;
                        near = fixed_keys[i];
                    }
                }
                char hint[160];
                snprintf(hint, sizeof hint, "did you mean '%s'?", near);
                cc_yaml_error(ctx, sum, best <= 3 ? hint : NULL,
                              "expected a summary.json key that a run of this scenario writes "
                              "(docs/outputs.md), got '%s'",
                              m->key);
            }
        }
        cc_yaml_pop(ctx);
        return cc_yctx_errors(ctx) == errs ? 0 : -1;
    }

    m->kind = CC_TGT_COLUMN;
    cc_yaml_push_key(ctx, "column");
    int c = cc_yaml_enum(ctx, col, column_names, 0);
    if (c >= 0)
        m->column = c;
    cc_yaml_pop(ctx);

    struct fy_node *fac = child(ctx, map, "facility");
    struct fy_node *type = cc_yaml_get(map, "type");
    if (fac && type) {
        cc_yaml_error(ctx, fac, "`type: prison` sums every prison", "expected `facility` or "
                      "`type`, got both");
    } else if (fac) {
        char *name = text_copy(ctx, fac, "a facility name or ALL");
        if (name && strcmp(name, "ALL") != 0) {
            m->facility = cc_facility_index(s, name);
            if (m->facility < 0) {
                const char *near = NULL;
                int best = 1000;
                for (int f = 0; f < s->nfacilities; f++) {
                    int dist = cc_edit_distance(name, s->facility[f].name);
                    if (dist < best) {
                        best = dist;
                        near = s->facility[f].name;
                    }
                }
                char hint[CC_MAX_NAME + 32];
                snprintf(hint, sizeof hint, "did you mean '%s'?", near ? near : "");
                cc_yaml_error(ctx, fac, near && best <= 3 ? hint : NULL,
                              "expected a facility of the scenario or ALL, got '%s'", name);
            }
        }
        free(name);
    }
    cc_yaml_pop(ctx);
    if (type) {
        cc_yaml_push_key(ctx, "type");
        m->type = cc_yaml_enum(ctx, type, type_names, 0);
        cc_yaml_pop(ctx);
    }

    struct fy_node *date = cc_yaml_get(map, "date"), *from = cc_yaml_get(map, "from"),
                   *until = cc_yaml_get(map, "until");
    if (date && (from || until)) {
        cc_yaml_push_key(ctx, "date");
        cc_yaml_error(ctx, date, NULL, "expected `date` or `from`/`until`, got both");
        cc_yaml_pop(ctx);
    } else if (date) {
        cc_yaml_push_key(ctx, "date");
        if (day_of(ctx, s, date, &m->from) == 0)
            m->until = m->from;
        cc_yaml_pop(ctx);
    } else if (from && until) {
        m->range = true;
        cc_yaml_push_key(ctx, "from");
        int ok = day_of(ctx, s, from, &m->from) == 0;
        cc_yaml_pop(ctx);
        cc_yaml_push_key(ctx, "until");
        if (day_of(ctx, s, until, &m->until) == 0 && ok && m->until < m->from) {
            char a[11];
            cc_date_format(s->start_date + m->from, a);
            cc_yaml_error(ctx, until, NULL, "expected `until` on or after `from` (%s)", a);
        }
        cc_yaml_pop(ctx);
    } else {
        cc_yaml_error(ctx, from ? from : until ? until : map, "the mean over a range includes both days",
                      "expected the day read: `date: YYYY-MM-DD`, or `from:` and `until:`");
    }
    struct fy_node *stat = child(ctx, map, "stat");
    if (stat) {
        if (!m->range)
            cc_yaml_error(ctx, stat, NULL, "expected `stat` only with `from`/`until`");
        else
            m->sum = cc_yaml_enum(ctx, stat, stat_names, 0) == 1;
    }
    cc_yaml_pop(ctx);
    m->last = m->until;
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

static void free_target(cc_target *t)
{
    free(t->a.key);
    free(t->b.key);
    free(t->source);
}

/* Target `n`, an item of the list `list` (whose position stands for an
 * empty item's). */
static void parse_entry(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n,
                        struct fy_node *list, cc_target *t)
{
    memset(t, 0, sizeof *t);
    t->weight = 1;
    if (!n || !fy_node_is_mapping(n)) {
        bool empty = !n || fy_node_is_null(n);
        cc_yaml_error(ctx, empty ? list : n, NULL,
                      "expected a target {name, column|summary|ratio, value, sd or tolerance, "
                      "source}, got %s",
                      empty ? "an empty item" : fy_node_is_sequence(n) ? "a list" : "a scalar");
        return;
    }
    if (cc_yaml_check_keys(ctx, n, entry_keys) != 0)
        return;

    struct fy_node *x = child(ctx, n, "name");
    if (!x) {
        cc_yaml_error(ctx, n, NULL, "expected a `name` (the row of targets.csv)");
    } else {
        char *name = text_copy(ctx, x, "a name");
        if (name && strlen(name) >= sizeof t->name)
            cc_yaml_error(ctx, x, NULL, "expected a name of at most %zu bytes, got %zu",
                          sizeof t->name - 1, strlen(name));
        else if (name)
            memcpy(t->name, name, strlen(name) + 1);
        free(name);
    }
    cc_yaml_pop(ctx);

    struct fy_node *ratio = cc_yaml_get(n, "ratio");
    if (ratio) {
        static const char *const single[] = {"column", "summary", "facility", "type", "date",
                                             "from", "until", "stat", NULL};
        for (int i = 0; single[i]; i++)
            if ((x = cc_yaml_get(n, single[i])) != NULL) {
                cc_yaml_push_key(ctx, single[i]);
                cc_yaml_error(ctx, x, "write both figures inside `ratio: [A, B]`",
                              "expected no `%s` beside `ratio`", single[i]);
                cc_yaml_pop(ctx);
            }
        cc_yaml_push_key(ctx, "ratio");
        t->ratio = true;
        if (!fy_node_is_sequence(ratio) || fy_node_sequence_item_count(ratio) != 2) {
            cc_yaml_error(ctx, ratio, "e.g. ratio: [{summary: deaths.other}, {summary: arrests}]",
                          "expected a list of two figures [numerator, denominator]");
        } else {
            for (int i = 0; i < 2; i++) {
                struct fy_node *item = fy_node_sequence_get_by_index(ratio, i);
                cc_yaml_push_index(ctx, i);
                if (!fy_node_is_mapping(item))
                    cc_yaml_error(ctx, item, NULL,
                                  "expected a figure {column: ...} or {summary: ...}, got %s",
                                  fy_node_is_sequence(item) ? "a list" : "a scalar");
                else
                    parse_measure(ctx, s, item, false, i ? &t->b : &t->a);
                cc_yaml_pop(ctx);
            }
        }
        cc_yaml_pop(ctx);
    } else {
        parse_measure(ctx, s, n, true, &t->a);
    }
    int32_t last = t->ratio && t->b.last > t->a.last ? t->b.last : t->a.last;
    t->beyond = last > s->days - 1;

    x = child(ctx, n, "value");
    if (!x)
        cc_yaml_error(ctx, n, NULL, "expected the observed `value`");
    else
        cc_yaml_real(ctx, x, -1e300, 1e300, &t->value);
    cc_yaml_pop(ctx);

    struct fy_node *sd = cc_yaml_get(n, "sd"), *tol = cc_yaml_get(n, "tolerance");
    if (sd && tol) {
        cc_yaml_push_key(ctx, "tolerance");
        cc_yaml_error(ctx, tol, "an sd for a figure with a known error, a tolerance for a band",
                      "expected `sd` or `tolerance`, got both");
        cc_yaml_pop(ctx);
    } else if (!sd && !tol) {
        cc_yaml_error(ctx, n, "distances are divided by it (docs/calibration.md)",
                      "expected `sd` or `tolerance` (> 0)");
    } else {
        t->is_sd = sd != NULL;
        cc_yaml_push_key(ctx, sd ? "sd" : "tolerance");
        if (cc_yaml_real(ctx, sd ? sd : tol, 0, 1e300, &t->scale) == 0 && !(t->scale > 0))
            cc_yaml_error(ctx, sd ? sd : tol, NULL, "expected a number > 0, got %g", t->scale);
        cc_yaml_pop(ctx);
    }

    x = child(ctx, n, "weight");
    if (x)
        cc_yaml_real(ctx, x, 0, 1e12, &t->weight);
    cc_yaml_pop(ctx);

    x = child(ctx, n, "source");
    if (!x)
        cc_yaml_error(ctx, n, "say where the observed figure comes from",
                      "expected a `source`");
    else
        t->source = text_copy(ctx, x, "a source text");
    cc_yaml_pop(ctx);
}

static void targets_free(cc_scenario *s)
{
    cc_targets *ts = s->targets;
    if (!ts)
        return;
    for (int i = 0; i < ts->n; i++)
        free_target(&ts->t[i]);
    free(ts->t);
    free(ts);
    s->targets = NULL;
}

static int targets_parse(cc_yctx *ctx, struct fy_node *n, cc_scenario *s)
{
    s->targets = NULL;
    if (!n || fy_node_is_null(n))
        return 0;
    if (fy_node_is_alias(n))
        return -1;
    int errs = cc_yctx_errors(ctx);
    if (!fy_node_is_sequence(n)) {
        cc_yaml_error(ctx, n, "each target is an item `- {name: ..., value: ..., ...}`",
                      "expected a list of targets, got %s",
                      fy_node_is_mapping(n) ? "a mapping" : "a scalar");
        return -1;
    }
    int count = fy_node_sequence_item_count(n);
    if (count > CC_MAX_TARGETS) {
        cc_yaml_error(ctx, n, NULL, "expected at most %d targets, got %d", CC_MAX_TARGETS, count);
        return -1;
    }
    if (count == 0)
        return 0;
    cc_targets *ts = calloc(1, sizeof *ts);
    if (ts)
        ts->t = calloc((size_t)count, sizeof *ts->t);
    if (!ts || !ts->t) {
        free(ts);
        cc_yaml_error(ctx, n, NULL, "out of memory");
        return -1;
    }
    s->targets = ts;
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(n, &it)) && ts->n < count) {
        cc_yaml_push_index(ctx, ts->n);
        cc_target *t = &ts->t[ts->n++];
        parse_entry(ctx, s, item, n, t);
        for (int j = 0; t->name[0] && j < ts->n - 1; j++)
            if (strcmp(ts->t[j].name, t->name) == 0) {
                cc_yaml_push_key(ctx, "name");
                cc_yaml_error(ctx, cc_yaml_get(item, "name"), "it is the row key of targets.csv",
                              "expected a unique name, got '%s' (also targets[%d])", t->name, j);
                cc_yaml_pop(ctx);
                break;
            }
        cc_yaml_pop(ctx);
    }
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

/* ---- printing back ----------------------------------------------------------------- */

static struct fy_node *str_node(struct fy_document *doc, const char *t)
{
    return fy_node_create_scalar_copy(doc, t, strlen(t));
}

static void put(struct fy_node *map, struct fy_document *doc, const char *key,
                struct fy_node *value)
{
    fy_node_mapping_append(map, fy_node_create_scalar(doc, key, FY_NT), value);
}

static void put_date(struct fy_node *map, struct fy_document *doc, const cc_scenario *s,
                     const char *key, int32_t day)
{
    char iso[11];
    cc_date_format(s->start_date + day, iso);
    put(map, doc, key, str_node(doc, iso));
}

static void print_measure(struct fy_node *map, struct fy_document *doc, const cc_scenario *s,
                          const cc_tgt_measure *m)
{
    if (m->kind == CC_TGT_SUMMARY) {
        put(map, doc, "summary", str_node(doc, m->key));
        return;
    }
    put(map, doc, "column", str_node(doc, column_names[m->column]));
    if (m->type >= 0)
        put(map, doc, "type", str_node(doc, type_names[m->type]));
    else
        put(map, doc, "facility",
            str_node(doc, m->facility >= 0 ? s->facility[m->facility].name : "ALL"));
    if (m->range) {
        put_date(map, doc, s, "from", m->from);
        put_date(map, doc, s, "until", m->until);
        put(map, doc, "stat", str_node(doc, stat_names[m->sum]));
    } else {
        put_date(map, doc, s, "date", m->from);
    }
}

static struct fy_node *targets_print(struct fy_document *doc, const cc_scenario *s)
{
    const cc_targets *ts = s->targets;
    if (!ts || ts->n == 0)
        return NULL;
    struct fy_node *seq = fy_node_create_sequence(doc);
    for (int i = 0; i < ts->n; i++) {
        const cc_target *t = &ts->t[i];
        struct fy_node *map = fy_node_create_mapping(doc);
        put(map, doc, "name", str_node(doc, t->name));
        if (t->ratio) {
            struct fy_node *pair = fy_node_create_sequence(doc);
            for (int k = 0; k < 2; k++) {
                struct fy_node *item = fy_node_create_mapping(doc);
                print_measure(item, doc, s, k ? &t->b : &t->a);
                fy_node_sequence_append(pair, item);
            }
            put(map, doc, "ratio", pair);
        } else {
            print_measure(map, doc, s, &t->a);
        }
        put(map, doc, "value", cc_yaml_print_real(doc, t->value, 1));
        put(map, doc, t->is_sd ? "sd" : "tolerance", cc_yaml_print_real(doc, t->scale, 1));
        put(map, doc, "weight", cc_yaml_print_real(doc, t->weight, 1));
        put(map, doc, "source", str_node(doc, t->source));
        fy_node_sequence_append(seq, map);
    }
    return seq;
}

/* ---- documentation -------------------------------------------------------------------- */

static void targets_markdown(cc_buf *o, const char *path)
{
    cc_buf_printf(
        o,
        "## `%s`\n\n"
        "A list of observed figures that a run is compared with (at most %d; default none). "
        "Every run of a scenario with targets writes `targets.csv` (docs/outputs.md); "
        "calibration divides each target's distance by its `sd` or `tolerance` "
        "(docs/calibration.md). Each entry measures one figure (`column` or `summary`) or "
        "the ratio of two (`ratio: [A, B]`, each a mapping with the figure keys below; NaN "
        "when B is 0).\n\n"
        "| key | type | default | bounds | unit | meaning | source |\n"
        "|---|---|---|---|---|---|---|\n"
        "| `name` | text | **required** | unique | | row key of targets.csv | |\n"
        "| `column` | timeseries.csv column | | population, police, pretrial, appeal, "
        "sentenced, rehab, children, admissions, releases, new_infections, "
        "active_infections, hospitalised, deaths_disease, deaths_other, occupancy | | a "
        "daily figure | |\n"
        "| `facility` | facility name or `ALL` | `ALL` | a facility of the scenario | | "
        "where the column is read | |\n"
        "| `type` | police, prison, rehab | | instead of `facility` | | the column summed "
        "over the facilities of a type (occupancy: their population over their capacity) | "
        "|\n"
        "| `date` | date | | a day of the run | | the value at the end of that day | |\n"
        "| `from` | date | | a day of the run | | first day of a range (included) | |\n"
        "| `until` | date | | from <= until | | last day of a range (included) | |\n"
        "| `stat` | mean, sum | `mean` | with from/until | | the mean of the daily values, "
        "or their sum | |\n"
        "| `summary` | summary.json key | | a key a run of this scenario writes | | e.g. "
        "`prison_growth`, `at.2017-12-31.prison_population`, `occupancy.CC1.peak`, "
        "`arrests_drug.2018` | |\n"
        "| `ratio` | list of two figures | | | | numerator, denominator | |\n"
        "| `value` | number | **required** | | | the observed value | |\n"
        "| `sd` | number | `sd` or `tolerance` **required** | > 0 | the unit of the value | "
        "standard deviation of the observed figure: the scale of the distance | |\n"
        "| `tolerance` | number | `sd` or `tolerance` **required** | > 0 | the unit of the "
        "value | half-width of an acceptable band: the scale of the distance | |\n"
        "| `weight` | number | `1` | >= 0 | | weight in the calibration distance | |\n"
        "| `source` | text | **required** | | | where the observed value comes from | |\n\n"
        "A `summary` key is checked against the keys a run of the scenario writes: the "
        "fixed keys of docs/outputs.md; `occupancy.FACILITY.*`, "
        "`person_years.by_offense.OFFENSE`, `at.DATE.*` with DATE one of `report_dates` "
        "inside the run, `arrests_drug.YEAR` (and `rehab_admissions`, `deaths_other`) with "
        "YEAR a year from the start on; the disease keys only when the scenario has a "
        "disease. Figures of a column are read with full precision (timeseries.csv rounds "
        "occupancy to four decimals).\n\n"
        "A date before the start is an error. A target that reads past the last day (a run "
        "shortened with `--set days=N`: a later date, report date or year) is kept, but the "
        "run does not measure it: targets.csv shows it with 0 replicates and no simulated "
        "value.\n\n",
        path, CC_MAX_TARGETS);
}

static const char *const targets_doc_keys[] = {
    "name",  "column", "facility",  "type",   "date",   "from", "until", "stat", "summary",
    "ratio", "value",  "sd",        "tolerance", "weight", "source", NULL};

const cc_schema_custom cc_targets_custom = {targets_parse, targets_print, targets_markdown,
                                            targets_free, targets_doc_keys};

/* ---- accessors ---------------------------------------------------------------------------- */

int cc_targets_count(const cc_scenario *s) { return s && s->targets ? s->targets->n : 0; }
const char *cc_targets_name(const cc_scenario *s, int i) { return s->targets->t[i].name; }
double cc_targets_observed(const cc_scenario *s, int i) { return s->targets->t[i].value; }
double cc_targets_scale(const cc_scenario *s, int i) { return s->targets->t[i].scale; }
bool cc_targets_scale_is_sd(const cc_scenario *s, int i) { return s->targets->t[i].is_sd; }
double cc_targets_weight(const cc_scenario *s, int i) { return s->targets->t[i].weight; }
const char *cc_targets_source(const cc_scenario *s, int i) { return s->targets->t[i].source; }

bool cc_targets_in_run(const cc_scenario *s, int i) { return !s->targets->t[i].beyond; }

int32_t cc_targets_last_day(const cc_scenario *s)
{
    int32_t last = -1;
    for (int i = 0; i < cc_targets_count(s); i++) {
        const cc_target *t = &s->targets->t[i];
        if (t->beyond)
            continue;
        if (t->a.last > last)
            last = t->a.last;
        if (t->ratio && t->b.last > last)
            last = t->b.last;
    }
    return last;
}

/* ---- evaluation ------------------------------------------------------------------------------ */

/* The column on one day, over the measure's facility, type or ALL. */
static double column_on(const cc_scenario *s, const cc_tgt_measure *m, const cc_ts_row *day)
{
    int nf = s->nfacilities;
    double v = 0, pop = 0, cap = 0;
    for (int f = 0; f <= nf; f++) {
        bool in = m->type >= 0   ? f < nf && (int)s->facility[f].type == m->type
                  : m->facility >= 0 ? f == m->facility
                                     : f == nf;
        if (!in)
            continue;
        const cc_ts_row *r = &day[f];
        pop += (double)r->v[CC_TS_population];
        cap += r->capacity;
        if (m->column != CC_TGT_OCCUPANCY)
            v += (double)r->v[m->column];
    }
    if (m->column == CC_TGT_OCCUPANCY) /* as timeseries.csv: 0 without capacity */
        return cap > 0 ? pop / cap : 0.0;
    return v;
}

static int measure(const cc_scenario *s, const cc_tgt_measure *m, const cc_ts_row *rows,
                   int32_t days_run, const cc_metrics *ms, double *out)
{
    *out = NAN;
    if (m->kind == CC_TGT_SUMMARY) {
        long j = cc_metrics_find(ms, m->key);
        if (j < 0)
            return -1;
        *out = ms->m[j].value;
        return 0;
    }
    if (m->until >= days_run)
        return -1;
    size_t stride = (size_t)s->nfacilities + 1;
    double sum = 0;
    for (int32_t d = m->from; d <= m->until; d++)
        sum += column_on(s, m, &rows[(size_t)d * stride]);
    *out = m->sum ? sum : sum / (double)(m->until - m->from + 1);
    return 0;
}

int cc_targets_eval(const cc_scenario *s, const cc_ts_row *rows, int32_t days_run,
                    const cc_metrics *m, double *out)
{
    int rc = 0;
    for (int i = 0; i < cc_targets_count(s); i++) {
        const cc_target *t = &s->targets->t[i];
        double a, b = 1;
        out[i] = NAN;
        if (t->beyond)
            continue;
        rc |= measure(s, &t->a, rows, days_run, m, &a);
        if (t->ratio)
            rc |= measure(s, &t->b, rows, days_run, m, &b);
        out[i] = !t->ratio ? a : b != 0 ? a / b : NAN;
    }
    return rc ? -1 : 0;
}

/* ---- targets.csv ----------------------------------------------------------------------------- */

static void put_number(cc_buf *b, double v)
{
    char t[32];
    if (isfinite(v)) {
        cc_format_number(v, t);
        cc_buf_printf(b, ",%s", t);
    } else {
        cc_buf_printf(b, ",");
    }
}

char *cc_targets_csv(const cc_scenario *s, const double *values, int k)
{
    int n = cc_targets_count(s);
    cc_buf b = {0};
    double *x = malloc(((size_t)k + 1) * sizeof *x);
    if (!x)
        return NULL;
    cc_buf_printf(&b, "target,observed,scale_kind,scale,weight,replicates,mean,sd,q05,q50,q95,"
                      "source\n");
    for (int i = 0; i < n; i++) {
        const cc_target *t = &s->targets->t[i];
        size_t nx = 0;
        for (int r = 0; r < k; r++) {
            double v = values[(size_t)r * (size_t)n + (size_t)i];
            if (isfinite(v))
                x[nx++] = v;
        }
        gsl_sort(x, 1, nx);
        /* the estimators of summary.json (output.c): the sample mean, the sd
         * with n - 1, and GSL's quantiles of the sorted values */
        double st[5] = {NAN, NAN, NAN, NAN, NAN};
        if (nx > 0) {
            st[0] = gsl_stats_mean(x, 1, nx);
            st[1] = nx > 1 ? gsl_stats_sd(x, 1, nx) : NAN;
            st[2] = gsl_stats_quantile_from_sorted_data(x, 1, nx, 0.05);
            st[3] = gsl_stats_quantile_from_sorted_data(x, 1, nx, 0.50);
            st[4] = gsl_stats_quantile_from_sorted_data(x, 1, nx, 0.95);
        }
        cc_output_csv_field(&b, t->name);
        put_number(&b, t->value);
        cc_buf_printf(&b, ",%s", t->is_sd ? "sd" : "tolerance");
        put_number(&b, t->scale);
        put_number(&b, t->weight);
        cc_buf_printf(&b, ",%zu", nx);
        for (int j = 0; j < 5; j++)
            put_number(&b, st[j]);
        cc_buf_printf(&b, ",");
        cc_output_csv_field(&b, t->source);
        cc_buf_printf(&b, "\n");
    }
    free(x);
    if (b.failed) {
        cc_buf_free(&b);
        return NULL;
    }
    return b.data ? b.data : cc_strdup("");
}
