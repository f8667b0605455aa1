/* disease_spec.c - parse, print and free the scenario's `disease:` block
 * (see disease_spec.h for its shape).
 *
 * The block is read through the schema's context (schema.h) so that its
 * errors carry the scenario file's positions and key paths like every other
 * key. Transmission parameters left out take the pathogen file's defaults;
 * measures left out are off.
 */
#include "disease_spec.h"
#include "prior.h"

#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "schema.h"

const char *const cc_disease_spec_keys[] = {
    "pathogen",       "beta_cell",      "r0_at_capacity",       "beta_facility",
    "beta_staff",     "crowding_exponent", "community_prevalence", "staff_community_prevalence",
    "initial_states", "intake_states",  "introductions",        "care_lacking_fatality_factor",
    "measures",       NULL};

/* The measures (in cc_measure order) and the keys of each: `from` and
 * `until` first, which a policy's `health:` does not take (a policy has
 * its own dates), nor `waning` (the vaccine is the scenario's). */
static const char *const measure_keys[CC_M_COUNT + 1] = {
    "quarantine", "testing", "isolation", "vaccination", "masks", "ventilation", NULL};
static const char *const quarantine_keys[] = {"from", "until", "days", "tests", "capacity", NULL};
static const char *const testing_keys[] = {"from",        "until",      "at_intake", "every_days",
                                           "sensitivity", "delay_days", NULL};
static const char *const isolation_keys[] = {"from", "until", "symptomatic", "capacity", NULL};
static const char *const vaccination_keys[] = {"from",     "until",
                                               "doses_per_day", "priority",
                                               "efficacy_infection", "efficacy_severe",
                                               "waning",   NULL};
static const char *const factor_keys[] = {"from", "until", "factor", NULL};
static const char *const *const keys_of_measure[CC_M_COUNT] = {
    quarantine_keys, testing_keys, isolation_keys, vaccination_keys, factor_keys, factor_keys};
static const char *const vgroup_names[] = {"staff", "risk", "age_over_50", "all", NULL};

/* Bounds of the measures' numbers, the same for the block and the lever. */
#define QUARANTINE_DAYS_MAX 365.0
#define QUARANTINE_TESTS_MAX 10.0
#define ROOM_MAX 1e7
#define TEST_EVERY_MAX 3650.0
#define TEST_DELAY_MAX 60.0
#define DOSES_MAX 1e8

void cc_disease_spec_defaults(cc_disease_spec *d, cc_pathogen *p)
{
    d->pathogen = p;
    snprintf(d->pathogen_ref, sizeof d->pathogen_ref, "%s", p->name);
    d->r0_given = p->r0_at_capacity >= 0;
    d->beta_cell = d->r0_given ? 0 : p->beta_cell;
    d->r0_at_capacity = p->r0_at_capacity;
    d->beta_facility = p->beta_facility;
    d->beta_staff = p->beta_staff;
    d->crowding_exponent = p->crowding_exponent;
    d->care_lacking_fatality_factor = 1;
    d->testing.sensitivity = 1;
    cc_disease_schedule_constant(&d->quarantine.days, 14); /* out of memory: 0 days */
    cc_disease_schedule_constant(&d->quarantine.tests, 0);
    cc_disease_schedule_constant(&d->vaccination.doses_per_day, 0);
    d->isolation.symptomatic = true;
    d->vaccination.npriority = 1;
    d->vaccination.priority[0] = CC_VG_ALL;
    d->masks.factor = d->ventilation.factor = 1;
}

void cc_disease_spec_destroy(cc_disease_spec *d)
{
    if (!d)
        return;
    cc_pathogen_free(d->pathogen);
    free(d->community_prevalence.from);
    free(d->community_prevalence.value);
    free(d->staff_community_prevalence.from);
    free(d->staff_community_prevalence.value);
    free(d->intro);
    cc_schedule *own[] = {&d->quarantine.days, &d->quarantine.tests,
                          &d->vaccination.doses_per_day};
    for (size_t i = 0; i < sizeof own / sizeof *own; i++) {
        free(own[i]->from);
        free(own[i]->value);
    }
    if (d->vaccination.has_waning)
        cc_dist_free(&d->vaccination.waning);
    free(d);
}

int cc_disease_schedule_constant(cc_schedule *sc, double v)
{
    free(sc->from);
    free(sc->value);
    sc->n = 0;
    sc->from = calloc(1, sizeof *sc->from);
    sc->value = malloc(sizeof *sc->value);
    if (!sc->from || !sc->value) {
        free(sc->from);
        free(sc->value);
        sc->from = NULL;
        sc->value = NULL;
        return -1;
    }
    sc->n = 1;
    sc->value[0] = v;
    return 0;
}

void cc_disease_spec_free(cc_scenario *s)
{
    if (!s)
        return;
    cc_disease_spec_destroy(s->disease);
    s->disease = NULL;
}

/* beta_cell from r0_at_capacity. In a cell of design capacity C holding
 * N = C people at crowding exponent g = 0, one infectious person exposes
 * each of the N - 1 others to a force beta_cell * i(t) / C for the course of
 * the infection, i.e. to a total of beta_cell * D / C in expectation, where
 * D = sum over states of infectiousness x mean duration x expected visits
 * (pathogen.c). With small daily probabilities,
 *     R0 = beta_cell * D * (N - 1) / C = beta_cell * D * (C - 1) / C,
 * so beta_cell = R0 * C / (D * (C - 1)); a one-person cell uses C = 2. */
double cc_disease_beta_cell(const cc_disease_spec *d, double cell_capacity)
{
    if (!d->r0_given)
        return d->beta_cell;
    double D = d->pathogen->infectious_days;
    if (D <= 0)
        return 0;
    double C = cell_capacity < 2 ? 2 : cell_capacity;
    return d->r0_at_capacity * C / (D * (C - 1));
}

/* ---- reading ------------------------------------------------------------- */

/* The value of `key` in mapping `map`, or NULL when absent or null: a key
 * written `key: null` (or `key:`) is as if absent, so a scenario laid over
 * another with `include:` can drop a key of the included block (e.g.
 * `r0_at_capacity: null` to use the pathogen's beta, `measures: null`). */
static struct fy_node *value_of(struct fy_node *map, const char *key)
{
    struct fy_node *n = cc_yaml_get(map, key);
    if (!n || fy_node_is_null(n))
        return NULL;
    /* a plain null scalar copied between documents (include:) may no
     * longer be flagged null: read its text */
    if (fy_node_is_scalar(n) && fy_node_get_style(n) == FYNS_PLAIN) {
        size_t len = 0;
        const char *t = fy_node_get_scalar(n, &len);
        if (!t || len == 0 || (len == 1 && t[0] == '~') ||
            (len == 4 && (memcmp(t, "null", 4) == 0 || memcmp(t, "Null", 4) == 0 ||
                          memcmp(t, "NULL", 4) == 0)))
            return NULL;
    }
    return n;
}

static int read_real(cc_yctx *ctx, struct fy_node *map, const char *key, double lo, double hi,
                     double *out)
{
    struct fy_node *n = value_of(map, key);
    if (!n)
        return 0;
    cc_yaml_push_key(ctx, key);
    int rc = cc_yaml_real(ctx, n, lo, hi, out);
    cc_yaml_pop(ctx);
    return rc == 0 ? 1 : -1;
}

static int read_day(cc_yctx *ctx, struct fy_node *map, const char *key, const cc_scenario *s,
                    int32_t *out)
{
    struct fy_node *n = value_of(map, key);
    if (!n)
        return 0;
    cc_yaml_push_key(ctx, key);
    int32_t d;
    int rc = cc_yaml_date(ctx, n, &d);
    cc_yaml_pop(ctx);
    if (rc == 0)
        *out = d - s->start_date;
    return rc == 0 ? 1 : -1;
}

static int read_bool(cc_yctx *ctx, struct fy_node *map, const char *key, bool *out)
{
    struct fy_node *n = value_of(map, key);
    if (!n)
        return 0;
    cc_yaml_push_key(ctx, key);
    int rc = cc_yaml_bool(ctx, n, out);
    cc_yaml_pop(ctx);
    return rc == 0 ? 1 : -1;
}

/* A number, or [{from: DATE, value: X}, ...] with increasing dates. */
static void read_schedule(cc_yctx *ctx, struct fy_node *n, const cc_scenario *s, double lo,
                          double hi, cc_schedule *out)
{
    free(out->from);
    free(out->value);
    memset(out, 0, sizeof *out);
    int cnt = 1;
    bool one = fy_node_is_scalar(n) || cc_prior_node(n);
    if (!one) {
        if (!fy_node_is_sequence(n) || fy_node_sequence_item_count(n) < 1) {
            cc_yaml_error(ctx, n, "write a number or [{from: 2021-01-01, value: 0.001}, ...]",
                          "expected a number or a list of dated values, got %s",
                          fy_node_is_mapping(n) ? "a mapping" : "an empty list");
            return;
        }
        cnt = fy_node_sequence_item_count(n);
        if (cnt > CC_MAX_SCHEDULE) {
            cc_yaml_error(ctx, n, NULL, "expected at most %d entries, got %d", CC_MAX_SCHEDULE,
                          cnt);
            return;
        }
    }
    out->from = calloc((size_t)cnt, sizeof *out->from);
    out->value = calloc((size_t)cnt, sizeof *out->value);
    if (!out->from || !out->value) {
        cc_yaml_error(ctx, n, NULL, "out of memory");
        return;
    }
    out->n = cnt;
    if (one) {
        cc_yaml_real(ctx, n, lo, hi, &out->value[0]);
        return;
    }
    static const char *const keys[] = {"from", "value", NULL};
    void *it = NULL;
    struct fy_node *e;
    for (int i = 0; (e = fy_node_sequence_iterate(n, &it)); i++) {
        cc_yaml_push_index(ctx, i);
        if (cc_yaml_check_keys(ctx, e, keys) == 0) {
            if (read_day(ctx, e, "from", s, &out->from[i]) == 0)
                cc_yaml_error(ctx, e, NULL, "expected 'from: DATE', got nothing");
            else if (i > 0 && out->from[i] <= out->from[i - 1])
                cc_yaml_error(ctx, value_of(e, "from"), NULL,
                              "expected dates in increasing order");
            if (read_real(ctx, e, "value", lo, hi, &out->value[i]) == 0)
                cc_yaml_error(ctx, e, NULL, "expected 'value: X', got nothing");
        }
        cc_yaml_pop(ctx);
    }
}

/* An optional schedule-valued key of mapping `map`; 1 read, 0 absent. */
static int read_schedule_key(cc_yctx *ctx, struct fy_node *map, const char *key,
                             const cc_scenario *s, double lo, double hi, cc_schedule *out)
{
    struct fy_node *n = value_of(map, key);
    if (!n)
        return 0;
    cc_yaml_push_key(ctx, key);
    read_schedule(ctx, n, s, lo, hi, out);
    cc_yaml_pop(ctx);
    return 1;
}

static void read_shares(cc_yctx *ctx, struct fy_node *n, const cc_pathogen *p,
                        cc_state_shares *out)
{
    if (!fy_node_is_mapping(n)) {
        cc_yaml_error(ctx, n, "write e.g. {latent_late: 0.3, active: 0.04}",
                      "expected a mapping of pathogen states to shares");
        return;
    }
    const char *names[CC_PATH_MAX_STATES + 1];
    int nn = 0;
    for (int i = 0; i < p->nstates; i++)
        if (p->state[i].kind == CC_PS_INFECTED || p->state[i].kind == CC_PS_RECOVERED)
            names[nn++] = p->state[i].name;
    names[nn] = NULL;
    double sum = 0;
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(n, &it))) {
        struct fy_node *k = fy_node_pair_key(pr);
        const char *name = fy_node_is_scalar(k) ? fy_node_get_scalar0(k) : NULL;
        cc_yaml_push_key(ctx, name ? name : "?");
        int st = -1;
        for (int i = 0; name && names[i]; i++)
            if (strcmp(name, names[i]) == 0)
                st = cc_pathogen_state(p, name);
        double v;
        if (st < 0) {
            const char *near = name ? cc_yr_nearest(name, names) : NULL;
            char *hint = near ? cc_asprintf("did you mean '%s'?", near) : NULL;
            cc_yaml_error(ctx, k, hint, "expected an infected or recovered state of %s, got '%s'",
                          p->name, name ? name : "?");
            free(hint);
        } else if (cc_yaml_real(ctx, fy_node_pair_value(pr), 0, 1, &v) == 0 &&
                   out->n < CC_DIS_MAX_SHARES) {
            out->state[out->n] = st;
            out->share[out->n++] = v;
            sum += v;
        }
        cc_yaml_pop(ctx);
    }
    if (sum > 1 + 1e-9)
        cc_yaml_error(ctx, n, NULL, "expected shares summing to at most 1, got %g", sum);
}

/* ---- fields shared by the block's measures and a policy's health lever -- */

static void read_testing_fields(cc_yctx *ctx, struct fy_node *m, bool *at_intake,
                                int32_t *every_days, double *sensitivity, int32_t *delay_days)
{
    read_bool(ctx, m, "at_intake", at_intake);
    double v = 0;
    if (read_real(ctx, m, "every_days", 0, TEST_EVERY_MAX, &v) > 0)
        *every_days = (int32_t)v;
    read_real(ctx, m, "sensitivity", 0, 1, sensitivity);
    v = 0;
    if (read_real(ctx, m, "delay_days", 0, TEST_DELAY_MAX, &v) > 0)
        *delay_days = (int32_t)v;
}

/* efficacy_infection and efficacy_severe (absent: the protection against
 * infection, the least it can be) */
static void read_efficacy(cc_yctx *ctx, struct fy_node *m, double *infection, double *severe)
{
    read_real(ctx, m, "efficacy_infection", 0, 1, infection);
    if (read_real(ctx, m, "efficacy_severe", 0, 1, severe) == 0)
        *severe = *infection;
    if (*severe < *infection) {
        cc_yaml_push_key(ctx, "efficacy_severe");
        cc_yaml_error(ctx, value_of(m, "efficacy_severe"),
                      "protection against severe disease includes protection against "
                      "infection",
                      "expected efficacy_severe >= efficacy_infection (%g), got %g", *infection,
                      *severe);
        cc_yaml_pop(ctx);
    }
}

static void read_priority(cc_yctx *ctx, struct fy_node *m, int *npriority, cc_vgroup *priority)
{
    struct fy_node *pn = value_of(m, "priority");
    if (!pn)
        return;
    cc_yaml_push_key(ctx, "priority");
    if (!fy_node_is_sequence(pn) || fy_node_sequence_item_count(pn) == 0) {
        cc_yaml_error(ctx, pn, "write e.g. [staff, risk, age_over_50, all]",
                      "expected a list of groups");
    } else {
        *npriority = 0;
        void *it = NULL;
        struct fy_node *e;
        for (int i = 0; (e = fy_node_sequence_iterate(pn, &it)); i++) {
            cc_yaml_push_index(ctx, i);
            int g = cc_yaml_enum(ctx, e, vgroup_names, 0);
            if (g >= 0) {
                for (int j = 0; j < *npriority; j++)
                    if (priority[j] == (cc_vgroup)g) {
                        cc_yaml_error(ctx, e, NULL, "expected each group once");
                        g = -1;
                        break;
                    }
            }
            if (g >= 0 && *npriority < CC_VG_COUNT)
                priority[(*npriority)++] = (cc_vgroup)g;
            cc_yaml_pop(ctx);
        }
    }
    cc_yaml_pop(ctx);
}

/* masks, ventilation: `factor` on beta, required */
static void read_factor(cc_yctx *ctx, struct fy_node *m, double *factor)
{
    if (read_real(ctx, m, "factor", 0, 1, factor) == 0)
        cc_yaml_error(ctx, m, "e.g. 0.7 for a 30% reduction",
                      "expected 'factor' on beta, got nothing");
}

static void read_window(cc_yctx *ctx, struct fy_node *m, const cc_scenario *s,
                        cc_measure_window *w)
{
    w->on = true;
    w->from = 0;
    w->until = INT32_MAX;
    read_day(ctx, m, "from", s, &w->from);
    read_day(ctx, m, "until", s, &w->until);
    if (w->until <= w->from)
        cc_yaml_error(ctx, value_of(m, "until"), NULL, "expected 'until' after 'from'");
}

static void read_measures(cc_yctx *ctx, struct fy_node *n, const cc_scenario *s,
                          cc_disease_spec *d)
{
    if (cc_yaml_check_keys(ctx, n, measure_keys) != 0 && !fy_node_is_mapping(n))
        return;
    struct fy_node *m;
    if ((m = value_of(n, "quarantine"))) {
        cc_yaml_push_key(ctx, "quarantine");
        if (cc_yaml_check_keys(ctx, m, quarantine_keys) >= 0 || fy_node_is_mapping(m)) {
            read_window(ctx, m, s, &d->quarantine.w);
            read_schedule_key(ctx, m, "days", s, 0, QUARANTINE_DAYS_MAX, &d->quarantine.days);
            read_schedule_key(ctx, m, "tests", s, 0, QUARANTINE_TESTS_MAX, &d->quarantine.tests);
            read_real(ctx, m, "capacity", 0, ROOM_MAX, &d->quarantine.capacity);
        }
        cc_yaml_pop(ctx);
    }
    if ((m = value_of(n, "testing"))) {
        cc_yaml_push_key(ctx, "testing");
        if (fy_node_is_mapping(m)) {
            cc_yaml_check_keys(ctx, m, testing_keys);
            read_window(ctx, m, s, &d->testing.w);
            read_testing_fields(ctx, m, &d->testing.at_intake, &d->testing.every_days,
                                &d->testing.sensitivity, &d->testing.delay_days);
        } else {
            cc_yaml_check_keys(ctx, m, testing_keys);
        }
        cc_yaml_pop(ctx);
    }
    if ((m = value_of(n, "isolation"))) {
        cc_yaml_push_key(ctx, "isolation");
        if (fy_node_is_mapping(m)) {
            cc_yaml_check_keys(ctx, m, isolation_keys);
            read_window(ctx, m, s, &d->isolation.w);
            read_bool(ctx, m, "symptomatic", &d->isolation.symptomatic);
            read_real(ctx, m, "capacity", 0, ROOM_MAX, &d->isolation.capacity);
        } else {
            cc_yaml_check_keys(ctx, m, isolation_keys);
        }
        cc_yaml_pop(ctx);
    }
    if ((m = value_of(n, "vaccination"))) {
        cc_yaml_push_key(ctx, "vaccination");
        if (fy_node_is_mapping(m)) {
            cc_yaml_check_keys(ctx, m, vaccination_keys);
            read_window(ctx, m, s, &d->vaccination.w);
            if (read_schedule_key(ctx, m, "doses_per_day", s, 0, DOSES_MAX,
                                  &d->vaccination.doses_per_day) == 0)
                cc_yaml_error(ctx, m, NULL, "expected 'doses_per_day', got nothing");
            read_efficacy(ctx, m, &d->vaccination.efficacy_infection,
                          &d->vaccination.efficacy_severe);
            read_priority(ctx, m, &d->vaccination.npriority, d->vaccination.priority);
            struct fy_node *wn = value_of(m, "waning");
            if (wn) {
                cc_yaml_push_key(ctx, "waning");
                d->vaccination.has_waning =
                    cc_yaml_parse_dist(ctx, wn, "days", &d->vaccination.waning) == 0;
                if (d->vaccination.has_waning)
                    cc_dist_compute_mean(&d->vaccination.waning);
                cc_yaml_pop(ctx);
            }
        } else {
            cc_yaml_check_keys(ctx, m, vaccination_keys);
        }
        cc_yaml_pop(ctx);
    }
    const char *fk[] = {"masks", "ventilation"};
    for (int i = 0; i < 2; i++) {
        if (!(m = value_of(n, fk[i])))
            continue;
        cc_yaml_push_key(ctx, fk[i]);
        if (fy_node_is_mapping(m)) {
            cc_yaml_check_keys(ctx, m, factor_keys);
            cc_measure_factor *dst = i ? &d->ventilation : &d->masks;
            read_window(ctx, m, s, &dst->w);
            read_factor(ctx, m, &dst->factor);
        } else {
            cc_yaml_check_keys(ctx, m, factor_keys);
        }
        cc_yaml_pop(ctx);
    }
}

static void read_introductions(cc_yctx *ctx, struct fy_node *n, const cc_scenario *s,
                               cc_disease_spec *d)
{
    if (!fy_node_is_sequence(n)) {
        cc_yaml_error(ctx, n, "write [{at: 2021-05-01, facility: CC1, count: 1}]",
                      "expected a list of introductions");
        return;
    }
    int cnt = fy_node_sequence_item_count(n);
    if (cnt > CC_DIS_MAX_INTRO) {
        cc_yaml_error(ctx, n, NULL, "expected at most %d introductions, got %d",
                      CC_DIS_MAX_INTRO, cnt);
        return;
    }
    d->intro = calloc((size_t)cnt + 1, sizeof *d->intro);
    if (!d->intro) {
        cc_yaml_error(ctx, n, NULL, "out of memory");
        return;
    }
    static const char *const keys[] = {"at", "facility", "count", "staff", NULL};
    const char *fnames[CC_MAX_FACILITIES + 1];
    int nf = s->nfacilities < CC_MAX_FACILITIES ? s->nfacilities : CC_MAX_FACILITIES;
    for (int i = 0; i < nf; i++)
        fnames[i] = s->facility[i].name;
    fnames[nf] = NULL;
    void *it = NULL;
    struct fy_node *e;
    for (int i = 0; (e = fy_node_sequence_iterate(n, &it)); i++) {
        cc_yaml_push_index(ctx, i);
        cc_introduction *in = &d->intro[d->nintro];
        in->count = 1;
        in->facility = -1;
        if (cc_yaml_check_keys(ctx, e, keys) == 0) {
            if (read_day(ctx, e, "at", s, &in->day) == 0)
                cc_yaml_error(ctx, e, NULL, "expected 'at: DATE', got nothing");
            double c = 1;
            if (read_real(ctx, e, "count", 1, 1e6, &c) > 0)
                in->count = (int32_t)c;
            read_bool(ctx, e, "staff", &in->staff);
            struct fy_node *fn = value_of(e, "facility");
            if (!fn) {
                cc_yaml_error(ctx, e, NULL, "expected 'facility: NAME', got nothing");
            } else {
                cc_yaml_push_key(ctx, "facility");
                size_t len;
                const char *t = cc_yaml_text(ctx, fn, "a facility name", &len);
                for (int f = 0; t && f < nf; f++)
                    if (strlen(fnames[f]) == len && memcmp(fnames[f], t, len) == 0)
                        in->facility = f;
                if (t && in->facility < 0) {
                    char name[CC_MAX_NAME];
                    snprintf(name, sizeof name, "%.*s", (int)len, t);
                    const char *near = cc_yr_nearest(name, fnames);
                    char *hint = near ? cc_asprintf("did you mean '%s'?", near) : NULL;
                    cc_yaml_error(ctx, fn, hint, "expected a facility of the scenario, got '%s'",
                                  name);
                    free(hint);
                }
                cc_yaml_pop(ctx);
            }
            if (in->facility >= 0)
                d->nintro++;
        }
        cc_yaml_pop(ctx);
    }
}

/* The folder of the scenario file, for pathogen paths ("" when embedded). */
static char *scenario_dir(const cc_scenario *s)
{
    const char *slash = strrchr(s->file, '/');
    if (!slash || s->file[0] == '<')
        return cc_strdup(".");
    return cc_asprintf("%.*s", (int)(slash - s->file), s->file);
}

int cc_disease_spec_parse(cc_yctx *ctx, struct fy_node *node, cc_scenario *s)
{
    s->disease = NULL;
    if (!node || fy_node_is_null(node))
        return 0;
    int before = cc_yctx_errors(ctx);
    if (cc_yaml_check_keys(ctx, node, cc_disease_spec_keys) < 0)
        return -1;
    struct fy_node *pn = value_of(node, "pathogen");
    if (!pn) {
        cc_yaml_error(ctx, node, "covid19, influenza, tuberculosis or a file",
                      "expected 'pathogen', got nothing");
        return -1;
    }
    cc_yaml_push_key(ctx, "pathogen");
    size_t len = 0;
    /* a mapping: the pathogen itself, as a pathogen file writes it (the
     * resolved scenario inlines a pathogen read from a file, so that it
     * runs again from the output folder alone) */
    bool inline_map = fy_node_is_mapping(pn);
    const char *t = inline_map ? CC_PATHOGEN_INLINE
                               : cc_yaml_text(ctx, pn, "a pathogen name, file or mapping", &len);
    if (inline_map)
        len = strlen(t);
    cc_pathogen *p = NULL;
    char ref[4096] = "";
    if (t && len < sizeof ref) {
        memcpy(ref, t, len);
        ref[len] = 0;
        /* the pathogen file's own errors go to the same sink with the
         * pathogen file's positions; one more error here says where it
         * was asked for */
        cc_diag *diag = NULL;
        cc_diag tmp;
        cc_diag_init(&tmp);
        diag = &tmp;
        char *dir = scenario_dir(s);
        int rc = inline_map ? cc_pathogen_load_node(pn, s->file, diag, &p)
                            : cc_pathogen_load(ref, dir, diag, &p);
        free(dir);
        if (rc == 0 && inline_map) /* compared by cc_scenario_same_but_policies */
            snprintf(p->file, sizeof p->file, "%s", CC_PATHOGEN_INLINE);
        if (rc != 0) {
            for (int i = 0; i < tmp.kept; i++) {
                const cc_diag_entry *e = &tmp.entry[i];
                if (!e->file || e->line == 0) {
                    /* about the reference itself (no such shipped name,
                     * unreadable file): said at the scenario's position */
                    cc_yaml_error(ctx, pn, e->hint, "%s", e->message);
                    continue;
                }
                char *m = cc_diag_format(&tmp, i);
                cc_yaml_error(ctx, pn, NULL, "in the pathogen%s: %s", inline_map ? "" : " file",
                              m ? m : "?");
                free(m);
            }
            if (tmp.kept == 0)
                cc_yaml_error(ctx, pn, NULL, "expected a loadable pathogen, got '%s'", ref);
        }
        cc_diag_clear(&tmp);
    }
    cc_yaml_pop(ctx);
    if (!p)
        return -1;
    cc_disease_spec *d = calloc(1, sizeof *d);
    if (!d) {
        cc_pathogen_free(p);
        cc_yaml_error(ctx, node, NULL, "out of memory");
        return -1;
    }
    cc_disease_spec_defaults(d, p);
    snprintf(d->pathogen_ref, sizeof d->pathogen_ref, "%s", ref);
    s->disease = d;

    struct fy_node *bn = value_of(node, "beta_cell"), *rn = value_of(node, "r0_at_capacity");
    if (bn && rn) {
        cc_yaml_push_key(ctx, "r0_at_capacity");
        cc_yaml_error(ctx, rn, "remove one of the two",
                      "expected beta_cell or r0_at_capacity, got both");
        cc_yaml_pop(ctx);
    } else if (bn) {
        if (read_real(ctx, node, "beta_cell", 0, 1e6, &d->beta_cell) > 0) {
            d->r0_given = false;
            d->r0_at_capacity = -1;
        }
    } else if (rn) {
        if (read_real(ctx, node, "r0_at_capacity", 0, 1e6, &d->r0_at_capacity) > 0)
            d->r0_given = true;
    }
    read_real(ctx, node, "beta_facility", 0, 1e6, &d->beta_facility);
    read_real(ctx, node, "beta_staff", 0, 1e6, &d->beta_staff);
    read_real(ctx, node, "crowding_exponent", 0, 1, &d->crowding_exponent);
    read_real(ctx, node, "care_lacking_fatality_factor", 0, 1000,
              &d->care_lacking_fatality_factor);
    struct fy_node *v;
    const char *sk[] = {"community_prevalence", "staff_community_prevalence"};
    cc_schedule *sd[] = {&d->community_prevalence, &d->staff_community_prevalence};
    for (int i = 0; i < 2; i++)
        if ((v = value_of(node, sk[i]))) {
            cc_yaml_push_key(ctx, sk[i]);
            read_schedule(ctx, v, s, 0, 1, sd[i]);
            cc_yaml_pop(ctx);
            if (i == 1)
                d->staff_prevalence_given = true;
        }
    const char *shk[] = {"initial_states", "intake_states"};
    cc_state_shares *shd[] = {&d->initial_states, &d->intake_states};
    for (int i = 0; i < 2; i++)
        if ((v = value_of(node, shk[i]))) {
            cc_yaml_push_key(ctx, shk[i]);
            read_shares(ctx, v, p, shd[i]);
            cc_yaml_pop(ctx);
        }
    if ((v = value_of(node, "introductions"))) {
        cc_yaml_push_key(ctx, "introductions");
        read_introductions(ctx, v, s, d);
        cc_yaml_pop(ctx);
    }
    if ((v = value_of(node, "measures"))) {
        cc_yaml_push_key(ctx, "measures");
        read_measures(ctx, v, s, d);
        cc_yaml_pop(ctx);
    }
    return cc_yctx_errors(ctx) == before ? 0 : -1;
}

/* ---- a policy's `health:` lever --------------------------------------------- */

/* A key of the block's measure that a policy's measure does not take. */
static void refuse_key(cc_yctx *ctx, struct fy_node *m, const char *key, const char *hint,
                       const char *why)
{
    struct fy_node *v = cc_yaml_get(m, key);
    if (!v)
        return;
    cc_yaml_push_key(ctx, key);
    cc_yaml_error(ctx, v, hint, "expected no '%s' in a policy's measure: %s", key, why);
    cc_yaml_pop(ctx);
}

/* A number where the block also takes a dated list: 1 read, 0 absent. */
static int read_number_of_schedule(cc_yctx *ctx, struct fy_node *m, const char *key, double hi,
                                   double *out)
{
    struct fy_node *v = value_of(m, key);
    if (!v)
        return 0;
    if (!fy_node_is_scalar(v)) {
        cc_yaml_push_key(ctx, key);
        cc_yaml_error(ctx, v, "a policy has its own dates: write one policy per value",
                      "expected a number, got %s", fy_node_is_sequence(v) ? "a list" : "a mapping");
        cc_yaml_pop(ctx);
        return -1;
    }
    return read_real(ctx, m, key, 0, hi, out);
}

/* The vaccine of a vaccination lever: the scenario's one vaccine if there
 * is one already (the block's, or an earlier policy's), which the lever
 * may restate but not change; else the lever must give it. */
static void read_vaccine(cc_yctx *ctx, struct fy_node *m, const cc_disease_spec *d,
                         const cc_health_lever *vaccine, cc_health_lever *h)
{
    bool block = d->vaccination.w.on;
    if (!block && !vaccine) {
        if (!value_of(m, "efficacy_infection"))
            cc_yaml_error(ctx, m,
                          "the disease block has no vaccination: the first policy that "
                          "vaccinates gives the vaccine",
                          "expected 'efficacy_infection', got nothing");
        read_efficacy(ctx, m, &h->vaccination.efficacy_infection,
                      &h->vaccination.efficacy_severe);
        return;
    }
    const char *whose = block ? "the disease block's measures.vaccination" : "an earlier policy";
    double want[2] = {block ? d->vaccination.efficacy_infection
                            : vaccine->vaccination.efficacy_infection,
                      block ? d->vaccination.efficacy_severe
                            : vaccine->vaccination.efficacy_severe};
    const char *key[2] = {"efficacy_infection", "efficacy_severe"};
    for (int i = 0; i < 2; i++) {
        double got = want[i];
        if (read_real(ctx, m, key[i], 0, 1, &got) > 0 && got != want[i]) {
            cc_yaml_push_key(ctx, key[i]);
            cc_yaml_error(ctx, value_of(m, key[i]),
                          "leave it out: a scenario has one vaccine, whose efficacy does not "
                          "change with the campaign",
                          "expected %s %g, that of the vaccine of %s, got %g", key[i], want[i],
                          whose, got);
            cc_yaml_pop(ctx);
        }
    }
    h->vaccination.efficacy_infection = want[0];
    h->vaccination.efficacy_severe = want[1];
}

/* One measure of the lever; m is its mapping (key path pushed). */
static void read_lever_measure(cc_yctx *ctx, struct fy_node *m, cc_measure k,
                               const cc_disease_spec *d, const cc_health_lever *vaccine,
                               cc_health_lever *h)
{
    static const char *const dates_hint = "date the policy instead: `at`/`when` and `until`";
    static const char *const dates_why = "it is in force while the policy is";
    if (cc_yaml_check_keys(ctx, m, keys_of_measure[k]) < 0)
        return;
    refuse_key(ctx, m, "from", dates_hint, dates_why);
    refuse_key(ctx, m, "until", dates_hint, dates_why);
    double v;
    switch (k) {
    case CC_M_QUARANTINE:
        h->quarantine.capacity = d->quarantine.capacity;
        if (read_number_of_schedule(ctx, m, "days", QUARANTINE_DAYS_MAX, &v) > 0) {
            h->quarantine.days_given = true;
            h->quarantine.days = v;
        }
        if (read_number_of_schedule(ctx, m, "tests", QUARANTINE_TESTS_MAX, &v) > 0) {
            h->quarantine.tests_given = true;
            h->quarantine.tests = (int32_t)v;
        }
        read_real(ctx, m, "capacity", 0, ROOM_MAX, &h->quarantine.capacity);
        break;
    case CC_M_TESTING:
        h->testing.at_intake = d->testing.at_intake;
        h->testing.every_days = d->testing.every_days;
        h->testing.sensitivity = d->testing.sensitivity;
        h->testing.delay_days = d->testing.delay_days;
        read_testing_fields(ctx, m, &h->testing.at_intake, &h->testing.every_days,
                            &h->testing.sensitivity, &h->testing.delay_days);
        break;
    case CC_M_ISOLATION:
        h->isolation.symptomatic = d->isolation.symptomatic;
        h->isolation.capacity = d->isolation.capacity;
        read_bool(ctx, m, "symptomatic", &h->isolation.symptomatic);
        read_real(ctx, m, "capacity", 0, ROOM_MAX, &h->isolation.capacity);
        break;
    case CC_M_VACCINATION: {
        refuse_key(ctx, m, "waning", "give it in the disease block's measures.vaccination",
                   "the vaccine, and how its protection wanes, is the scenario's");
        int r = read_number_of_schedule(ctx, m, "doses_per_day", DOSES_MAX, &v);
        if (r > 0) {
            h->vaccination.doses_given = true;
            h->vaccination.doses_per_day = v;
        } else if (r == 0 && !d->vaccination.w.on) {
            cc_yaml_error(ctx, m, NULL, "expected 'doses_per_day', got nothing");
        }
        h->vaccination.npriority = d->vaccination.npriority;
        memcpy(h->vaccination.priority, d->vaccination.priority, sizeof h->vaccination.priority);
        read_priority(ctx, m, &h->vaccination.npriority, h->vaccination.priority);
        read_vaccine(ctx, m, d, vaccine, h);
        break;
    }
    case CC_M_MASKS:
    case CC_M_VENTILATION: {
        const cc_measure_factor *block = k == CC_M_MASKS ? &d->masks : &d->ventilation;
        double *f = k == CC_M_MASKS ? &h->masks : &h->ventilation;
        *f = block->factor;
        if (block->w.on)
            read_real(ctx, m, "factor", 0, 1, f); /* absent: the block's */
        else
            read_factor(ctx, m, f);
        break;
    }
    default:
        break;
    }
}

int cc_health_lever_parse(cc_yctx *ctx, struct fy_node *n, const cc_scenario *s,
                          const cc_health_lever *vaccine, cc_health_lever *h)
{
    memset(h, 0, sizeof *h);
    h->masks = h->ventilation = 1;
    const cc_disease_spec *d = s->disease;
    if (!d) {
        struct fy_node *root = fy_document_root(cc_yaml_document(ctx));
        if (value_of(root, "disease"))
            return -1; /* the block did not load: its own errors say why */
        cc_yaml_error(ctx, n, "add e.g. `disease: {pathogen: covid19}`, or remove the policy",
                      "expected a `disease:` block in the scenario for health measures to act "
                      "on, got none");
        return -1;
    }
    int before = cc_yctx_errors(ctx);
    if (cc_yaml_check_names(ctx, n, measure_keys, "measure") < 0)
        return -1;
    for (int k = 0; k < CC_M_COUNT; k++) {
        struct fy_node *m = value_of(n, measure_keys[k]);
        if (!m)
            continue;
        cc_yaml_push_key(ctx, measure_keys[k]);
        read_lever_measure(ctx, m, (cc_measure)k, d, vaccine, h);
        cc_yaml_pop(ctx);
        h->set |= 1u << k;
    }
    if (h->set == 0 && cc_yctx_errors(ctx) == before)
        cc_yaml_error(ctx, n, "e.g. health: {masks: {factor: 0.8}}",
                      "expected at least one measure (quarantine, testing, isolation, "
                      "vaccination, masks, ventilation), got none");
    return cc_yctx_errors(ctx) == before ? 0 : -1;
}

static void put_real(cc_buf *b, const char *key, double v)
{
    char t[40];
    cc_yaml_format_real(t, v, 1);
    cc_buf_printf(b, "%s: %s", key, t);
}

void cc_health_lever_print(cc_buf *b, const cc_health_lever *h)
{
    const char *sep = "";
    cc_buf_printf(b, "{");
    if (h->set & (1u << CC_M_QUARANTINE)) {
        cc_buf_printf(b, "quarantine: {");
        if (h->quarantine.days_given) {
            put_real(b, "days", h->quarantine.days);
            cc_buf_printf(b, ", ");
        }
        if (h->quarantine.tests_given)
            cc_buf_printf(b, "tests: %d, ", (int)h->quarantine.tests);
        put_real(b, "capacity", h->quarantine.capacity);
        cc_buf_printf(b, "}");
        sep = ", ";
    }
    if (h->set & (1u << CC_M_TESTING)) {
        cc_buf_printf(b, "%stesting: {at_intake: %s, every_days: %d, ", sep,
                      h->testing.at_intake ? "true" : "false", (int)h->testing.every_days);
        put_real(b, "sensitivity", h->testing.sensitivity);
        cc_buf_printf(b, ", delay_days: %d}", (int)h->testing.delay_days);
        sep = ", ";
    }
    if (h->set & (1u << CC_M_ISOLATION)) {
        cc_buf_printf(b, "%sisolation: {symptomatic: %s, ", sep,
                      h->isolation.symptomatic ? "true" : "false");
        put_real(b, "capacity", h->isolation.capacity);
        cc_buf_printf(b, "}");
        sep = ", ";
    }
    if (h->set & (1u << CC_M_VACCINATION)) {
        cc_buf_printf(b, "%svaccination: {", sep);
        if (h->vaccination.doses_given) {
            put_real(b, "doses_per_day", h->vaccination.doses_per_day);
            cc_buf_printf(b, ", ");
        }
        cc_buf_printf(b, "priority: [");
        for (int i = 0; i < h->vaccination.npriority; i++)
            cc_buf_printf(b, "%s%s", i ? ", " : "", vgroup_names[h->vaccination.priority[i]]);
        cc_buf_printf(b, "], ");
        put_real(b, "efficacy_infection", h->vaccination.efficacy_infection);
        cc_buf_printf(b, ", ");
        put_real(b, "efficacy_severe", h->vaccination.efficacy_severe);
        cc_buf_printf(b, "}");
        sep = ", ";
    }
    const cc_measure fk[] = {CC_M_MASKS, CC_M_VENTILATION};
    const double fv[] = {h->masks, h->ventilation};
    for (int i = 0; i < 2; i++)
        if (h->set & (1u << fk[i])) {
            cc_buf_printf(b, "%s%s: {", sep, measure_keys[fk[i]]);
            put_real(b, "factor", fv[i]);
            cc_buf_printf(b, "}");
            sep = ", ";
        }
    cc_buf_printf(b, "}");
}

/* "[0, hi]" for a reference row */
static void bounds_0_to(char out[48], double hi)
{
    char t[40];
    cc_yaml_format_real(t, hi, 1);
    snprintf(out, 48, "[0, %s]", t);
}

void cc_health_lever_markdown(cc_buf *o, const char *path)
{
    char qd[48], qt[48], room[48], every[48], delay[48], doses[48];
    bounds_0_to(qd, QUARANTINE_DAYS_MAX);
    bounds_0_to(qt, QUARANTINE_TESTS_MAX);
    bounds_0_to(room, ROOM_MAX);
    bounds_0_to(every, TEST_EVERY_MAX);
    bounds_0_to(delay, TEST_DELAY_MAX);
    bounds_0_to(doses, DOSES_MAX);
    static const char *const block = "the block's";
    static const char *const needed = "the block's; required without one";
    static const char *const vaccine = "the scenario's vaccine";
    /* key (after path), type, default, bounds, unit, meaning */
    const struct {
        const char *key, *type, *def, *bounds, *unit, *meaning;
    } rows[] = {
        {"", "mapping of measures", "", "", "",
         "measures of the scenario's `disease:` block (required) replaced while the policy is "
         "in force: quarantine, testing, isolation, vaccination, masks, ventilation; fields not "
         "given keep the block's values, or its defaults"},
        {".quarantine.days", "number", block, qd, "days",
         "intake quarantine of those arriving while in force (0: none)"},
        {".quarantine.tests", "integer", block, qt, "", "tests during it"},
        {".quarantine.capacity", "number", block, room, "places", "per facility; 0: one cell"},
        {".testing.at_intake", "bool", block, "", "", "test on arrival"},
        {".testing.every_days", "integer", block, every, "days",
         "periodic tests of everyone held (0: none), staggered afresh when the policy starts "
         "and ends"},
        {".testing.sensitivity", "probability", block, "[0, 1]", "", ""},
        {".testing.delay_days", "integer", block, delay, "days",
         "from a test to the isolation of a positive"},
        {".isolation.symptomatic", "bool", block, "", "", "isolate people with symptoms"},
        {".isolation.capacity", "number", block, room, "places", "per facility; 0: one cell"},
        {".vaccination.doses_per_day", "number", needed, doses, "doses", ""},
        {".vaccination.priority", "list of staff, risk, age_over_50, all", block, "", "",
         "groups in the order served"},
        {".vaccination.efficacy_infection", "probability", vaccine, "[0, 1]", "",
         "required when neither the block nor an earlier policy gives the vaccine, else equal "
         "to it"},
        {".vaccination.efficacy_severe", "probability", vaccine, "[0, 1]", "",
         "the same; default: efficacy_infection"},
        {".masks.factor", "number", needed, "[0, 1]", "", "on every beta"},
        {".ventilation.factor", "number", needed, "[0, 1]", "", "on beta_cell"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *cell[] = {rows[i].type, rows[i].def, rows[i].bounds, rows[i].unit,
                              rows[i].meaning, ""};
        cc_buf_printf(o, "| `%s%s` ", path, rows[i].key);
        for (size_t c = 0; c < sizeof cell / sizeof cell[0]; c++)
            cc_buf_printf(o, cell[c][0] ? "| %s " : "|%s ", cell[c]);
        cc_buf_printf(o, "|\n");
    }
}

/* ---- printing ------------------------------------------------------------ */

static void put_day(cc_buf *b, const cc_scenario *s, int32_t day)
{
    char date[11];
    cc_date_format(s->start_date + day, date);
    cc_buf_printf(b, "%s", date);
}

static void put_window(cc_buf *b, const cc_scenario *s, const cc_measure_window *w)
{
    cc_buf_printf(b, "from: ");
    put_day(b, s, w->from);
    if (w->until != INT32_MAX) {
        cc_buf_printf(b, ", until: ");
        put_day(b, s, w->until);
    }
}

static void put_schedule(cc_buf *b, const cc_scenario *s, const cc_schedule *sc)
{
    if (sc->n == 1 && sc->from[0] == 0) {
        cc_buf_printf(b, "%.17g", sc->value[0]);
        return;
    }
    cc_buf_printf(b, "[");
    for (int i = 0; i < sc->n; i++) {
        cc_buf_printf(b, "%s{from: ", i ? ", " : "");
        put_day(b, s, sc->from[i]);
        cc_buf_printf(b, ", value: %.17g}", sc->value[i]);
    }
    cc_buf_printf(b, "]");
}

static void put_shares(cc_buf *b, const cc_pathogen *p, const cc_state_shares *sh)
{
    cc_buf_printf(b, "{");
    for (int i = 0; i < sh->n; i++)
        cc_buf_printf(b, "%s%s: %.17g", i ? ", " : "", p->state[sh->state[i]].name,
                      sh->share[i]);
    cc_buf_printf(b, "}");
}

struct fy_node *cc_disease_spec_print(struct fy_document *doc, const cc_scenario *s)
{
    const cc_disease_spec *d = s->disease;
    if (!d)
        return NULL;
    cc_buf b = {0};
    if (cc_pathogen_ref_is_name(d->pathogen_ref) &&
        strcmp(d->pathogen_ref, CC_PATHOGEN_INLINE) != 0) {
        cc_buf_printf(&b, "{pathogen: \"%s\", ", d->pathogen_ref);
    } else {
        /* a file (or a mapping) inline: the scenario as run does not depend
         * on a file beside it */
        struct fy_node *pn = cc_pathogen_print(doc, d->pathogen);
        char *pt = pn ? fy_emit_node_to_string(pn, FYECF_MODE_FLOW_ONELINE) : NULL;
        if (!pt)
            b.failed = 1;
        else
            cc_buf_printf(&b, "{pathogen: %s, ", pt);
        free(pt);
        fy_node_free(pn);
    }
    if (d->r0_given)
        cc_buf_printf(&b, "r0_at_capacity: %.17g, ", d->r0_at_capacity);
    else
        cc_buf_printf(&b, "beta_cell: %.17g, ", d->beta_cell);
    cc_buf_printf(&b, "beta_facility: %.17g, beta_staff: %.17g, crowding_exponent: %.17g, ",
                  d->beta_facility, d->beta_staff, d->crowding_exponent);
    if (d->community_prevalence.n) {
        cc_buf_printf(&b, "community_prevalence: ");
        put_schedule(&b, s, &d->community_prevalence);
        cc_buf_printf(&b, ", ");
    }
    if (d->staff_prevalence_given && d->staff_community_prevalence.n) {
        cc_buf_printf(&b, "staff_community_prevalence: ");
        put_schedule(&b, s, &d->staff_community_prevalence);
        cc_buf_printf(&b, ", ");
    }
    if (d->initial_states.n) {
        cc_buf_printf(&b, "initial_states: ");
        put_shares(&b, d->pathogen, &d->initial_states);
        cc_buf_printf(&b, ", ");
    }
    if (d->intake_states.n) {
        cc_buf_printf(&b, "intake_states: ");
        put_shares(&b, d->pathogen, &d->intake_states);
        cc_buf_printf(&b, ", ");
    }
    if (d->nintro) {
        cc_buf_printf(&b, "introductions: [");
        for (int i = 0; i < d->nintro; i++) {
            cc_buf_printf(&b, "%s{at: ", i ? ", " : "");
            put_day(&b, s, d->intro[i].day);
            cc_buf_printf(&b, ", facility: \"%s\", count: %d, staff: %s}",
                          s->facility[d->intro[i].facility].name, d->intro[i].count,
                          d->intro[i].staff ? "true" : "false");
        }
        cc_buf_printf(&b, "], ");
    }
    cc_buf_printf(&b, "care_lacking_fatality_factor: %.17g, measures: {",
                  d->care_lacking_fatality_factor);
    const char *sep = "";
    if (d->quarantine.w.on) {
        cc_buf_printf(&b, "%squarantine: {", sep);
        put_window(&b, s, &d->quarantine.w);
        cc_buf_printf(&b, ", days: ");
        put_schedule(&b, s, &d->quarantine.days);
        cc_buf_printf(&b, ", tests: ");
        put_schedule(&b, s, &d->quarantine.tests);
        cc_buf_printf(&b, ", capacity: %.17g}", d->quarantine.capacity);
        sep = ", ";
    }
    if (d->testing.w.on) {
        cc_buf_printf(&b, "%stesting: {", sep);
        put_window(&b, s, &d->testing.w);
        cc_buf_printf(&b, ", at_intake: %s, every_days: %d, sensitivity: %.17g, delay_days: %d}",
                      d->testing.at_intake ? "true" : "false", d->testing.every_days,
                      d->testing.sensitivity, d->testing.delay_days);
        sep = ", ";
    }
    if (d->isolation.w.on) {
        cc_buf_printf(&b, "%sisolation: {", sep);
        put_window(&b, s, &d->isolation.w);
        cc_buf_printf(&b, ", symptomatic: %s, capacity: %.17g}",
                      d->isolation.symptomatic ? "true" : "false", d->isolation.capacity);
        sep = ", ";
    }
    if (d->vaccination.w.on) {
        cc_buf_printf(&b, "%svaccination: {", sep);
        put_window(&b, s, &d->vaccination.w);
        cc_buf_printf(&b, ", doses_per_day: ");
        put_schedule(&b, s, &d->vaccination.doses_per_day);
        cc_buf_printf(&b, ", priority: [");
        for (int i = 0; i < d->vaccination.npriority; i++)
            cc_buf_printf(&b, "%s%s", i ? ", " : "", vgroup_names[d->vaccination.priority[i]]);
        cc_buf_printf(&b, "], efficacy_infection: %.17g, efficacy_severe: %.17g",
                      d->vaccination.efficacy_infection, d->vaccination.efficacy_severe);
        if (d->vaccination.has_waning) {
            struct fy_node *wn = cc_yaml_print_dist(doc, &d->vaccination.waning, "days");
            char *wt = wn ? fy_emit_node_to_string(wn, FYECF_MODE_FLOW_ONELINE) : NULL;
            if (wt)
                cc_buf_printf(&b, ", waning: %s", wt);
            free(wt);
            fy_node_free(wn);
        }
        cc_buf_printf(&b, "}");
        sep = ", ";
    }
    const char *fk[] = {"masks", "ventilation"};
    const cc_measure_window *fw[] = {&d->masks.w, &d->ventilation.w};
    const double ff[] = {d->masks.factor, d->ventilation.factor};
    for (int i = 0; i < 2; i++)
        if (fw[i]->on) {
            cc_buf_printf(&b, "%s%s: {", sep, fk[i]);
            put_window(&b, s, fw[i]);
            cc_buf_printf(&b, ", factor: %.17g}", ff[i]);
            sep = ", ";
        }
    cc_buf_printf(&b, "}}");
    /* fy_node_build_from_string keeps pointing into the text it parsed, so
     * the text must live as long as the document: hand it over (libfyaml
     * frees it with the document) */
    struct fy_node *n = NULL;
    if (!b.failed && b.data) {
        n = fy_node_build_from_malloc_string(doc, b.data, b.len);
        if (n)
            b.data = NULL; /* owned by doc now */
    }
    cc_buf_free(&b);
    return n;
}

void cc_disease_spec_markdown(cc_buf *out, const char *path)
{
    cc_buf_printf(out,
        "### `%s`\n\n"
        "The infection that spreads through the cells (see docs/disease.md). Absent: no "
        "disease is simulated.\n\n"
        "| key | meaning | default |\n|---|---|---|\n"
        "| `pathogen` | `covid19`, `influenza`, `tuberculosis`, a pathogen file relative to "
        "the scenario, or the pathogen itself as a mapping (as a pathogen file writes it; the "
        "resolved scenario inlines a pathogen read from a file) | required |\n"
        "| `beta_cell` | transmission rate in a cell, per day | the pathogen's |\n"
        "| `r0_at_capacity` | instead of `beta_cell`: R0 of one case in a cell at design "
        "capacity | the pathogen's |\n"
        "| `beta_facility` | facility-wide transmission, per day | the pathogen's |\n"
        "| `beta_staff` | staff-detainee transmission, per day | the pathogen's |\n"
        "| `crowding_exponent` | g in [0, 1]: 0 force follows occupancy, 1 does not | the "
        "pathogen's |\n"
        "| `community_prevalence` | share infected in the community, a dated schedule | 0 |\n"
        "| `staff_community_prevalence` | the same for staff | `community_prevalence` |\n"
        "| `initial_states` | shares of the first day's population in pathogen states | none |\n"
        "| `intake_states` | shares of arrivals in pathogen states | none |\n"
        "| `introductions` | `[{at, facility, count, staff}]` infections seeded | none |\n"
        "| `care_lacking_fatality_factor` | factor on the chance of dying, in custody | 1 |\n"
        "| `measures.quarantine` | `{from, until, days, tests, capacity}` intake quarantine; `days` "
        "and `tests` a number or a dated list | off |\n"
        "| `measures.testing` | `{from, until, at_intake, every_days, sensitivity, "
        "delay_days}` | off |\n"
        "| `measures.isolation` | `{from, until, symptomatic, capacity}` | off |\n"
        "| `measures.vaccination` | `{from, until, doses_per_day, priority, "
        "efficacy_infection, efficacy_severe, waning}` | off |\n"
        "| `measures.masks` | `{from, until, factor}` on every beta | off |\n"
        "| `measures.ventilation` | `{from, until, factor}` on beta_cell | off |\n\n",
        path);
}
