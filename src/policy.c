/* policy.c - the `policies:` list: parsing, printing back, reference docs,
 * and the daily application of policies to a replicate (see policy.h).
 *
 * Load: every entry is checked as a whole (unknown keys with the nearest
 * known one, exactly one lever, `at` or `when`, `until` after `at`, names of
 * offenses and facilities, bounds), every error positioned. Print: every
 * field with its default explicit, so the resolved scenario loads back to
 * the same policies.
 *
 * Run: work per day is O(policies) except on days a policy starts, fires,
 * releases or pardons, when it scans the members of the facilities it
 * concerns (O(people held)). Decriminalising with release_current also drops
 * the pending cases of people on bail for those offenses, a single scan of
 * the person store on the first day.
 */
#define _POSIX_C_SOURCE 200809L
#include "policy.h"
#include "prior.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* Assumption (no Cambodian figure found): a three-month outpatient course of
 * voluntary community-based drug treatment. Analysts should replace it. */
#define TREATMENT_DAYS_DEFAULT 90.0
/* Assumption: a triggered policy fires at most once a month. */
#define MIN_GAP_DEFAULT 30
/* Royal pardon occasions: Khmer New Year (mid-April), Visak Bochea (May),
 * Water Festival (November); AKP via Cambodian News Gazette, 2021
 * (facts/cambodia.md section 7). Visak Bochea and the Water Festival follow
 * the lunar calendar: these are typical dates. */
#define PARDON_DAYS_DEFAULT "[\"04-14\", \"05-10\", \"11-09\"]"
/* Remission needs at least two thirds of the sentence served (AKP 2021,
 * facts/cambodia.md section 7). */
#define MIN_SHARE_DEFAULT 0.67

static const char *const lever_names[CC_LV_COUNT] = {
    "arrest_factor", "decriminalise", "bail",       "legal_aid",  "enforce_pretrial_limits",
    "release",       "close",         "capacity",   "court_speed", "pardon",
    "health"};
static const char *const entry_keys[] = {
    "name",    "at",    "when",     "until",       "for_days", "arrest_factor",
    "decriminalise", "bail", "legal_aid", "enforce_pretrial_limits", "release", "close",
    "capacity", "court_speed", "pardon", "health", NULL};
static const char *const when_keys[] = {"facility", "occupancy_above", "infections_above",
                                        "min_gap_days", "rearm_below", NULL};
static const char *const decrim_keys[] = {"offenses", "release_current", "over_days",
                                          "treatment_days", NULL};
static const char *const release_keys[] = {
    "status", "offenses", "drug", "violent", "min_age", "risk", "min_days_served",
    "max_days_remaining", "facility", "fraction", "number", "over_days", "order", NULL};
static const char *const close_keys[] = {"type", "facility", "release", "treatment_days", NULL};
static const char *const capacity_keys[] = {"facility", "add", NULL};
static const char *const pardon_keys[] = {"days_of_year", "min_share_served", "number",
                                          "fraction", "order", NULL};
static const char *const order_names[] = {"longest_served", "oldest", "random", NULL};
static const char *const type_names[] = {"police", "prison", "rehab", NULL};
/* states a release may select, by cc_state value */
static const char *const state_names[CC_ST_COUNT] = {"police", "pretrial", "bail", "appeal",
                                                     "sentenced", "rehab", "released", "dead"};
#define RELEASABLE                                                                            \
    ((1u << CC_ST_POLICE) | (1u << CC_ST_PRETRIAL) | (1u << CC_ST_APPEAL) |                  \
     (1u << CC_ST_SENTENCED) | (1u << CC_ST_REHAB))
#define STATUS_DEFAULT ((1u << CC_ST_PRETRIAL) | (1u << CC_ST_APPEAL) | (1u << CC_ST_SENTENCED))

/* ---- parsing helpers ---------------------------------------------------- */

/* A scalar's text copied into out (NUL-terminated); -1 with an error. */
static int text_of(cc_yctx *ctx, struct fy_node *n, const char *what, char *out, size_t cap)
{
    size_t len;
    const char *t = cc_yaml_text(ctx, n, what, &len);
    if (!t)
        return -1;
    if (len >= cap) {
        cc_yaml_error(ctx, n, NULL, "expected %s of at most %zu bytes, got %zu", what, cap - 1,
                      len);
        return -1;
    }
    memcpy(out, t, len);
    out[len] = '\0';
    return 0;
}

/* "did you mean" among n names */
static void nearest_hint(const char *name, const char *const *names, int n, char *hint,
                         size_t cap)
{
    int best = 1000;
    const char *near = NULL;
    for (int i = 0; i < n; i++) {
        int d = cc_edit_distance(name, names[i]);
        if (d < best) {
            best = d;
            near = names[i];
        }
    }
    hint[0] = '\0';
    if (near && best <= (strlen(name) < 6 ? 2 : 3))
        snprintf(hint, cap, "did you mean '%s'?", near);
}

/* Index of a name in a NULL-terminated list, or -1 with an error. */
static int enum_of(cc_yctx *ctx, struct fy_node *n, const char *const *names, const char *what)
{
    char buf[CC_MAX_NAME];
    if (text_of(ctx, n, what, buf, sizeof buf))
        return -1;
    int k = 0;
    for (; names[k]; k++)
        if (strcmp(names[k], buf) == 0)
            return k;
    char hint[CC_MAX_NAME + 32], list[256] = "";
    nearest_hint(buf, names, k, hint, sizeof hint);
    for (int i = 0; names[i]; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", names[i]);
    }
    cc_yaml_error(ctx, n, hint[0] ? hint : NULL, "expected %s (one of %s), got '%s'", what, list,
                  buf);
    return -1;
}

static int offense_of(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n)
{
    char buf[CC_MAX_NAME];
    if (text_of(ctx, n, "an offense class", buf, sizeof buf))
        return -1;
    const char *names[CC_MAX_OFFENSES];
    for (int i = 0; i < s->noffenses; i++) {
        if (strcmp(s->offense[i].name, buf) == 0)
            return i;
        names[i] = s->offense[i].name;
    }
    char hint[CC_MAX_NAME + 32];
    nearest_hint(buf, names, s->noffenses, hint, sizeof hint);
    cc_yaml_error(ctx, n, hint[0] ? hint : NULL, "unknown offense class '%s'", buf);
    return -1;
}

/* A facility by name; `system_ok`: "system" gives -1. Returns -2 on error. */
static int facility_of(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n, bool system_ok)
{
    char buf[CC_MAX_NAME];
    if (text_of(ctx, n, "a facility name", buf, sizeof buf))
        return -2;
    if (system_ok && strcmp(buf, "system") == 0)
        return -1;
    int nf = s->nfacilities < CC_MAX_FACILITIES ? s->nfacilities : CC_MAX_FACILITIES;
    for (int i = 0; i < nf; i++)
        if (strcmp(s->facility[i].name, buf) == 0)
            return i;
    /* nearest name, without building an array of every name */
    int best = 1000;
    const char *near = NULL;
    for (int i = 0; i < nf; i++) {
        int d = cc_edit_distance(buf, s->facility[i].name);
        if (d < best) {
            best = d;
            near = s->facility[i].name;
        }
    }
    char hint[CC_MAX_NAME + 32] = "";
    if (near && best <= (strlen(buf) < 6 ? 2 : 3))
        snprintf(hint, sizeof hint, "did you mean '%s'?", near);
    cc_yaml_error(ctx, n, hint[0] ? hint : NULL, "unknown facility '%s'%s", buf,
                  system_ok ? " (or 'system')" : "");
    return -2;
}

/* Push key, read the child if present; the caller pops. */
static struct fy_node *child(cc_yctx *ctx, struct fy_node *map, const char *key)
{
    struct fy_node *n = cc_yaml_get(map, key);
    cc_yaml_push_key(ctx, key);
    return n;
}

static void opt_real(cc_yctx *ctx, struct fy_node *map, const char *key, double min, double max,
                     double *out)
{
    struct fy_node *n = child(ctx, map, key);
    if (n)
        cc_yaml_real(ctx, n, min, max, out);
    cc_yaml_pop(ctx);
}

static void opt_int32(cc_yctx *ctx, struct fy_node *map, const char *key, double min,
                      double max, int32_t *out)
{
    struct fy_node *n = child(ctx, map, key);
    int64_t v;
    if (n && cc_yaml_int(ctx, n, min, max, &v) == 0)
        *out = (int32_t)v;
    cc_yaml_pop(ctx);
}

static void opt_bool(cc_yctx *ctx, struct fy_node *map, const char *key, bool *out)
{
    struct fy_node *n = child(ctx, map, key);
    if (n)
        cc_yaml_bool(ctx, n, out);
    cc_yaml_pop(ctx);
}

/* true | false | any */
static void opt_tristate(cc_yctx *ctx, struct fy_node *map, const char *key, int8_t *out)
{
    struct fy_node *n = child(ctx, map, key);
    if (n) {
        static const char *const names[] = {"false", "true", "any", NULL};
        int k = enum_of(ctx, n, names, "true, false or any");
        if (k >= 0)
            *out = (int8_t)(k == 2 ? -1 : k);
    }
    cc_yaml_pop(ctx);
}

/* A list of offense names into set[]; returns the number read, -1 on error. */
static int offense_list(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n, bool *set)
{
    if (!fy_node_is_sequence(n)) {
        cc_yaml_error(ctx, n, "write a list such as [drug_use]",
                      "expected a list of offense classes, got %s",
                      fy_node_is_mapping(n) ? "a mapping" : "a scalar");
        return -1;
    }
    int count = 0, bad = 0, i = 0;
    void *it = NULL;
    struct fy_node *item;
    memset(set, 0, sizeof(bool) * CC_MAX_OFFENSES);
    while ((item = fy_node_sequence_iterate(n, &it))) {
        cc_yaml_push_index(ctx, i++);
        int k = offense_of(ctx, s, item);
        cc_yaml_pop(ctx);
        if (k < 0)
            bad = 1;
        else if (!set[k]) {
            set[k] = true;
            count++;
        }
    }
    if (!bad && count == 0) {
        cc_yaml_error(ctx, n, NULL, "expected at least one offense class, got an empty list");
        return -1;
    }
    return bad ? -1 : count;
}

/* `fraction: f` or `number: n`, exactly one */
static void how_many(cc_yctx *ctx, struct fy_node *map, cc_selection *sel)
{
    struct fy_node *fr = cc_yaml_get(map, "fraction"), *nb = cc_yaml_get(map, "number");
    if (fr && nb) {
        cc_yaml_push_key(ctx, "number");
        cc_yaml_error(ctx, nb, "give `fraction` or `number`, not both",
                      "expected one of fraction or number, got both");
        cc_yaml_pop(ctx);
    } else if (!fr && !nb) {
        cc_yaml_error(ctx, map, "add `fraction: 0.5` (a share of the group) or `number: 100`",
                      "expected how many to release: fraction or number");
    } else if (fr) {
        sel->by_fraction = true;
        opt_real(ctx, map, "fraction", 0, 1, &sel->fraction);
    } else {
        cc_yaml_push_key(ctx, "number");
        int64_t v;
        if (cc_yaml_int(ctx, nb, 0, 1e12, &v) == 0)
            sel->number = v;
        cc_yaml_pop(ctx);
    }
}

static void order_of(cc_yctx *ctx, struct fy_node *map, cc_selection *sel)
{
    struct fy_node *n = child(ctx, map, "order");
    if (n) {
        int k = enum_of(ctx, n, order_names, "an order");
        if (k >= 0)
            sel->order = (cc_release_order)k;
    }
    cc_yaml_pop(ctx);
}

static void selection_defaults(const cc_scenario *s, cc_selection *sel)
{
    memset(sel, 0, sizeof *sel);
    sel->status = STATUS_DEFAULT;
    for (int i = 0; i < s->noffenses; i++)
        sel->offense[i] = true;
    sel->drug = sel->violent = sel->risk = -1;
    sel->max_days_remaining = -1;
    sel->facility = -1;
    sel->over_days = 1;
    sel->order = CC_ORDER_LONGEST_SERVED;
}

/* ---- one lever ------------------------------------------------------------ */

static void parse_bail(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n, struct cc_policy *p)
{
    if (fy_node_is_scalar(n) || cc_prior_node(n)) {
        if (cc_yaml_real(ctx, n, 0, 1, &p->bail_default) == 0) {
            p->has_bail_default = true;
            for (int i = 0; i < s->noffenses; i++) {
                p->bail_set[i] = true;
                p->bail[i] = p->bail_default;
            }
        }
        return;
    }
    const char *keys[CC_MAX_OFFENSES + 2];
    int nk = 0;
    keys[nk++] = "default";
    for (int i = 0; i < s->noffenses; i++)
        keys[nk++] = s->offense[i].name;
    keys[nk] = NULL;
    if (cc_yaml_check_keys(ctx, n, keys))
        return;
    struct fy_node *d = child(ctx, n, "default");
    if (d && cc_yaml_real(ctx, d, 0, 1, &p->bail_default) == 0)
        p->has_bail_default = true;
    cc_yaml_pop(ctx);
    for (int i = 0; i < s->noffenses; i++) {
        struct fy_node *o = child(ctx, n, s->offense[i].name);
        if (o) {
            if (cc_yaml_real(ctx, o, 0, 1, &p->bail[i]) == 0)
                p->bail_set[i] = true;
        } else if (p->has_bail_default) {
            p->bail_set[i] = true;
            p->bail[i] = p->bail_default;
        }
        cc_yaml_pop(ctx);
    }
    if (fy_node_mapping_item_count(n) == 0)
        cc_yaml_error(ctx, n, "e.g. {drug_use: 0.3} or {default: 0.2}",
                      "expected bail probabilities, got an empty mapping");
}

static void parse_decriminalise(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n,
                                struct cc_policy *p)
{
    if (cc_yaml_check_keys(ctx, n, decrim_keys))
        return;
    struct fy_node *o = child(ctx, n, "offenses");
    if (!o)
        cc_yaml_error(ctx, n, "e.g. offenses: [drug_use]",
                      "expected `offenses:`, the classes decriminalised");
    else
        offense_list(ctx, s, o, p->sel.offense);
    cc_yaml_pop(ctx);
    opt_bool(ctx, n, "release_current", &p->flag);
    opt_int32(ctx, n, "over_days", 1, CC_MAX_DAYS, &p->sel.over_days);
    opt_real(ctx, n, "treatment_days", 0, CC_MAX_DAYS, &p->treatment_days);
}

static void parse_release(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n,
                          struct cc_policy *p)
{
    cc_selection *sel = &p->sel;
    if (cc_yaml_check_keys(ctx, n, release_keys))
        return;
    struct fy_node *st = child(ctx, n, "status");
    if (st) {
        if (!fy_node_is_sequence(st)) {
            cc_yaml_error(ctx, st, "e.g. status: [pretrial, sentenced]",
                          "expected a list of justice states");
        } else {
            static const char *const names[] = {"police", "pretrial", "appeal", "sentenced",
                                                "rehab", NULL};
            static const cc_state states[] = {CC_ST_POLICE, CC_ST_PRETRIAL, CC_ST_APPEAL,
                                              CC_ST_SENTENCED, CC_ST_REHAB};
            sel->status = 0;
            void *it = NULL;
            struct fy_node *item;
            int i = 0;
            while ((item = fy_node_sequence_iterate(st, &it))) {
                cc_yaml_push_index(ctx, i++);
                int k = enum_of(ctx, item, names, "a detained state");
                if (k >= 0)
                    sel->status |= 1u << states[k];
                cc_yaml_pop(ctx);
            }
            if (i == 0)
                cc_yaml_error(ctx, st, NULL, "expected at least one state, got an empty list");
        }
    }
    cc_yaml_pop(ctx);
    struct fy_node *o = child(ctx, n, "offenses");
    if (o)
        offense_list(ctx, s, o, sel->offense);
    cc_yaml_pop(ctx);
    opt_tristate(ctx, n, "drug", &sel->drug);
    opt_tristate(ctx, n, "violent", &sel->violent);
    opt_tristate(ctx, n, "risk", &sel->risk);
    opt_real(ctx, n, "min_age", 0, 120, &sel->min_age);
    opt_int32(ctx, n, "min_days_served", 0, CC_MAX_DAYS * 10.0, &sel->min_days_served);
    opt_int32(ctx, n, "max_days_remaining", 0, CC_MAX_DAYS * 10.0, &sel->max_days_remaining);
    struct fy_node *f = child(ctx, n, "facility");
    if (f) {
        int k = facility_of(ctx, s, f, false);
        if (k >= 0)
            sel->facility = k;
    }
    cc_yaml_pop(ctx);
    how_many(ctx, n, sel);
    opt_int32(ctx, n, "over_days", 1, CC_MAX_DAYS, &sel->over_days);
    order_of(ctx, n, sel);
}

static void parse_close(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n,
                        struct cc_policy *p)
{
    if (cc_yaml_check_keys(ctx, n, close_keys))
        return;
    struct fy_node *t = cc_yaml_get(n, "type"), *f = cc_yaml_get(n, "facility");
    if (t && f) {
        cc_yaml_push_key(ctx, "facility");
        cc_yaml_error(ctx, f, "close one facility or a whole type, in two policies if need be",
                      "expected one of type or facility, got both");
        cc_yaml_pop(ctx);
        return;
    }
    if (!t && !f) {
        cc_yaml_error(ctx, n, "e.g. close: {type: rehab}",
                      "expected what to close: `type: rehab|prison|police` or `facility: NAME`");
        return;
    }
    if (t) {
        cc_yaml_push_key(ctx, "type");
        p->close_type = enum_of(ctx, t, type_names, "a facility type");
        cc_yaml_pop(ctx);
        p->flag = true; /* nowhere to transfer to: release is the default */
    } else {
        cc_yaml_push_key(ctx, "facility");
        int k = facility_of(ctx, s, f, false);
        if (k >= 0)
            p->facility = k;
        cc_yaml_pop(ctx);
        p->flag = false;
    }
    struct fy_node *r = child(ctx, n, "release");
    if (r && cc_yaml_bool(ctx, r, &p->flag) == 0 && t && !p->flag)
        cc_yaml_error(ctx, r, "close one facility (`facility:`) to transfer its people",
                      "expected release: true: closing every facility of a type leaves "
                      "nowhere to transfer to");
    cc_yaml_pop(ctx);
    opt_real(ctx, n, "treatment_days", 0, CC_MAX_DAYS, &p->treatment_days);
}

static void parse_capacity(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n,
                           struct cc_policy *p)
{
    if (cc_yaml_check_keys(ctx, n, capacity_keys))
        return;
    struct fy_node *f = child(ctx, n, "facility");
    if (!f)
        cc_yaml_error(ctx, n, NULL, "expected `facility:`, the facility whose capacity changes");
    else {
        int k = facility_of(ctx, s, f, false);
        if (k >= 0)
            p->facility = k;
    }
    cc_yaml_pop(ctx);
    struct fy_node *a = child(ctx, n, "add");
    if (!a)
        cc_yaml_error(ctx, n, "a negative number removes places",
                      "expected `add:`, places added to the official capacity");
    else
        cc_yaml_real(ctx, a, -1e9, 1e9, &p->add);
    cc_yaml_pop(ctx);
}

/* "MM-DD" */
static int month_day(cc_yctx *ctx, struct fy_node *n, int16_t *month, int16_t *day)
{
    char buf[16];
    if (text_of(ctx, n, "a day of the year MM-DD", buf, sizeof buf))
        return -1;
    int m, d;
    char extra;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(buf) != 5 || sscanf(buf, "%2d-%2d%c", &m, &d, &extra) != 2 || m < 1 || m > 12 ||
        d < 1 || d > mdays[m - 1]) {
        cc_yaml_error(ctx, n, NULL, "expected a day of the year MM-DD, got '%s'",
                      buf);
        return -1;
    }
    *month = (int16_t)m;
    *day = (int16_t)d;
    return 0;
}

static void parse_pardon_days(cc_yctx *ctx, struct fy_node *n, struct cc_policy *p)
{
    if (!fy_node_is_sequence(n) || fy_node_sequence_item_count(n) < 1 ||
        fy_node_sequence_item_count(n) > CC_MAX_PARDON_DAYS) {
        cc_yaml_error(ctx, n, "e.g. [\"04-14\", \"11-09\"]",
                      "expected a list of 1 to %d days of the year", CC_MAX_PARDON_DAYS);
        return;
    }
    p->npardon_days = 0;
    void *it = NULL;
    struct fy_node *item;
    int i = 0;
    while ((item = fy_node_sequence_iterate(n, &it))) {
        cc_yaml_push_index(ctx, i++);
        if (month_day(ctx, item, &p->pardon_month[p->npardon_days],
                      &p->pardon_day[p->npardon_days]) == 0)
            p->npardon_days++;
        cc_yaml_pop(ctx);
    }
}

static void parse_pardon(cc_yctx *ctx, struct fy_node *n, struct cc_policy *p)
{
    if (cc_yaml_check_keys(ctx, n, pardon_keys))
        return;
    struct fy_node *d = child(ctx, n, "days_of_year");
    if (d)
        parse_pardon_days(ctx, d, p);
    cc_yaml_pop(ctx);
    opt_real(ctx, n, "min_share_served", 0, 1, &p->min_share_served);
    how_many(ctx, n, &p->sel);
    order_of(ctx, n, &p->sel);
}

/* ---- one entry ------------------------------------------------------------ */

static void parse_when(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n,
                       struct cc_policy *p)
{
    if (cc_yaml_check_keys(ctx, n, when_keys))
        return;
    struct fy_node *f = child(ctx, n, "facility");
    if (f) {
        int k = facility_of(ctx, s, f, true);
        if (k >= -1)
            p->when_facility = k;
    }
    cc_yaml_pop(ctx);
    struct fy_node *occ = cc_yaml_get(n, "occupancy_above");
    struct fy_node *inf = cc_yaml_get(n, "infections_above");
    if (occ && inf) {
        cc_yaml_push_key(ctx, "infections_above");
        cc_yaml_error(ctx, inf, "write one policy per trigger",
                      "expected one threshold, got occupancy_above and infections_above");
        cc_yaml_pop(ctx);
    } else if (!occ && !inf) {
        cc_yaml_error(ctx, n, "e.g. when: {facility: system, occupancy_above: 3}",
                      "expected a threshold: occupancy_above or infections_above");
    } else if (occ) {
        p->trigger = CC_TRIG_OCCUPANCY;
        opt_real(ctx, n, "occupancy_above", 0, 1e6, &p->above);
    } else {
        p->trigger = CC_TRIG_INFECTIONS;
        opt_real(ctx, n, "infections_above", 0, 1e12, &p->above);
    }
    p->rearm_below = p->above;
    opt_int32(ctx, n, "min_gap_days", 0, CC_MAX_DAYS, &p->min_gap_days);
    struct fy_node *r = child(ctx, n, "rearm_below");
    if (r && cc_yaml_real(ctx, r, 0, 1e12, &p->rearm_below) == 0 && p->rearm_below > p->above)
        cc_yaml_error(ctx, r, "the trigger re-arms once the measure falls below this level",
                      "expected rearm_below <= the threshold (%g), got %g", p->above,
                      p->rearm_below);
    cc_yaml_pop(ctx);
}

static void parse_entry(cc_yctx *ctx, const cc_scenario *s, struct fy_node *n, int index,
                        struct cc_policy *p)
{
    memset(p, 0, sizeof *p);
    selection_defaults(s, &p->sel);
    p->until = INT32_MAX;
    p->when_facility = -1;
    p->close_type = -1;
    p->facility = -1;
    p->min_gap_days = MIN_GAP_DEFAULT;
    p->treatment_days = TREATMENT_DAYS_DEFAULT;
    p->min_share_served = MIN_SHARE_DEFAULT;
    p->lever = CC_LV_COUNT;
    if (cc_yaml_check_keys(ctx, n, entry_keys))
        return;

    /* exactly one lever */
    struct fy_node *lever = NULL;
    for (int k = 0; k < CC_LV_COUNT; k++) {
        struct fy_node *v = cc_yaml_get(n, lever_names[k]);
        if (!v)
            continue;
        if (p->lever != CC_LV_COUNT) {
            cc_yaml_push_key(ctx, lever_names[k]);
            cc_yaml_error(ctx, v, "write one policy per lever",
                          "expected one lever, got '%s' and '%s'", lever_names[p->lever],
                          lever_names[k]);
            cc_yaml_pop(ctx);
            continue;
        }
        p->lever = (cc_lever)k;
        lever = v;
    }
    if (p->lever == CC_LV_COUNT)
        cc_yaml_error(ctx, n, NULL,
                      "expected a lever: arrest_factor, decriminalise, bail, legal_aid, "
                      "enforce_pretrial_limits, release, close, capacity, court_speed, pardon "
                      "or health");

    struct fy_node *nm = child(ctx, n, "name");
    if (nm)
        text_of(ctx, nm, "a name", p->name, sizeof p->name);
    else
        snprintf(p->name, sizeof p->name, "%s-%d",
                 p->lever < CC_LV_COUNT ? lever_names[p->lever] : "policy", index + 1);
    cc_yaml_pop(ctx);

    struct fy_node *at = cc_yaml_get(n, "at"), *when = cc_yaml_get(n, "when");
    int32_t d;
    if (at && when) {
        cc_yaml_push_key(ctx, "when");
        cc_yaml_error(ctx, when, "a policy is dated or triggered",
                      "expected `at` or `when`, got both");
        cc_yaml_pop(ctx);
    } else if (!at && !when) {
        cc_yaml_error(ctx, n, "e.g. at: 2018-01-01, or when: {occupancy_above: 3}",
                      "expected when the policy takes effect: `at: DATE` or `when: {...}`");
    } else if (at) {
        p->trigger = CC_TRIG_DATE;
        cc_yaml_push_key(ctx, "at");
        /* a date before the start means "in force from the first day", as
         * the first entry of a schedule dated before the start; a one-off
         * release dated before the start would be moved to the first day,
         * so it is refused (docs/policies.md) */
        if (cc_yaml_date(ctx, at, &d) == 0) {
            p->at = d - s->start_date;
            if (p->at < 0 && p->lever == CC_LV_RELEASE) {
                char a[11];
                cc_date_format(s->start_date, a);
                cc_yaml_error(ctx, at, "the initial populations already reflect it",
                              "expected a release on or after the start %s, got an earlier "
                              "date", a);
            }
        }
        cc_yaml_pop(ctx);
    } else {
        cc_yaml_push_key(ctx, "when");
        parse_when(ctx, s, when, p);
        cc_yaml_pop(ctx);
    }
    struct fy_node *un = child(ctx, n, "until");
    if (un && cc_yaml_date(ctx, un, &d) == 0) {
        p->until = d - s->start_date;
        if (at && p->until <= p->at) {
            char a[11];
            cc_date_format(s->start_date + p->at, a);
            cc_yaml_error(ctx, un, NULL, "expected `until` after `at` (%s)", a);
        } else if (p->until <= 0) {
            /* never in force: refused like a schedule entry that never holds */
            char a[11];
            cc_date_format(s->start_date, a);
            cc_yaml_error(ctx, un, NULL, "expected `until` after the start %s", a);
        }
    }
    cc_yaml_pop(ctx);
    opt_int32(ctx, n, "for_days", 1, CC_MAX_DAYS, &p->for_days);
    if (cc_yaml_get(n, "for_days") && at) {
        cc_yaml_push_key(ctx, "for_days");
        cc_yaml_error(ctx, cc_yaml_get(n, "for_days"), "use `until:` with `at:`",
                      "for_days applies to triggered policies only");
        cc_yaml_pop(ctx);
    }

    if (!lever)
        return;
    cc_yaml_push_key(ctx, lever_names[p->lever]);
    switch (p->lever) {
    case CC_LV_ARREST_FACTOR:
        cc_yaml_real(ctx, lever, 0, 1000, &p->value);
        break;
    case CC_LV_COURT_SPEED:
        cc_yaml_real(ctx, lever, 0.001, 1000, &p->value);
        break;
    case CC_LV_LEGAL_AID:
        cc_yaml_real(ctx, lever, 0, 1, &p->value);
        break;
    case CC_LV_ENFORCE_LIMITS:
        cc_yaml_bool(ctx, lever, &p->flag);
        break;
    case CC_LV_BAIL:
        parse_bail(ctx, s, lever, p);
        break;
    case CC_LV_DECRIMINALISE:
        parse_decriminalise(ctx, s, lever, p);
        break;
    case CC_LV_RELEASE:
        parse_release(ctx, s, lever, p);
        break;
    case CC_LV_CLOSE:
        parse_close(ctx, s, lever, p);
        break;
    case CC_LV_CAPACITY:
        parse_capacity(ctx, s, lever, p);
        break;
    case CC_LV_PARDON:
        p->sel.status = 1u << CC_ST_SENTENCED;
        p->sel.order = CC_ORDER_RANDOM;
        {
            struct fy_node *built = fy_node_build_from_string(cc_yaml_document(ctx),
                                                              PARDON_DAYS_DEFAULT, FY_NT);
            if (built) {
                parse_pardon_days(ctx, built, p);
                fy_node_free(built);
            }
        }
        parse_pardon(ctx, lever, p);
        break;
    case CC_LV_HEALTH: {
        /* the vaccine an earlier policy gave, when the disease block has none */
        const cc_health_lever *vaccine = NULL;
        for (int j = 0; j < index && !vaccine; j++)
            if (s->policies[j].lever == CC_LV_HEALTH &&
                (s->policies[j].health.set & (1u << CC_M_VACCINATION)))
                vaccine = &s->policies[j].health;
        cc_health_lever_parse(ctx, lever, s, vaccine, &p->health);
        break;
    }
    default:
        break;
    }
    cc_yaml_pop(ctx);
}

static int policies_parse(cc_yctx *ctx, struct fy_node *n, cc_scenario *s)
{
    s->npolicies = 0;
    s->policies = NULL;
    if (!n || fy_node_is_null(n))
        return 0;
    int errs = cc_yctx_errors(ctx);
    if (fy_node_is_alias(n))
        return -1;
    if (!fy_node_is_sequence(n)) {
        cc_yaml_error(ctx, n, "each policy is an item `- at: DATE` with one lever",
                      "expected a list of policies, got %s",
                      fy_node_is_mapping(n) ? "a mapping" : "a scalar");
        return -1;
    }
    int count = fy_node_sequence_item_count(n);
    if (count > CC_MAX_POLICIES) {
        cc_yaml_error(ctx, n, NULL, "expected at most %d policies, got %d", CC_MAX_POLICIES,
                      count);
        return -1;
    }
    if (count == 0)
        return 0;
    s->policies = calloc((size_t)count, sizeof *s->policies);
    if (!s->policies) {
        cc_yaml_error(ctx, n, NULL, "out of memory");
        return -1;
    }
    void *it = NULL;
    struct fy_node *item;
    int i = 0;
    while ((item = fy_node_sequence_iterate(n, &it)) && i < count) {
        cc_yaml_push_index(ctx, i);
        parse_entry(ctx, s, item, i, &s->policies[i]);
        cc_yaml_pop(ctx);
        i++;
    }
    s->npolicies = i;
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

static void policies_free(cc_scenario *s)
{
    free(s->policies);
    s->policies = NULL;
    s->npolicies = 0;
}

/* ---- printing back ---------------------------------------------------------- */

static void put_real(cc_buf *b, const char *key, double v)
{
    char t[40];
    cc_yaml_format_real(t, v, 1);
    cc_buf_printf(b, "%s: %s, ", key, t);
}

static void put_date(cc_buf *b, const cc_scenario *s, const char *key, int32_t day)
{
    char t[11];
    cc_date_format(s->start_date + day, t);
    cc_buf_printf(b, "%s: %s, ", key, t);
}

/* a double-quoted YAML string */
static void put_quoted(cc_buf *b, const char *t)
{
    cc_buf_printf(b, "\"");
    for (const unsigned char *c = (const unsigned char *)t; *c; c++) {
        if (*c == '"' || *c == '\\')
            cc_buf_printf(b, "\\%c", *c);
        else if (*c < 0x20)
            cc_buf_printf(b, "\\x%02x", *c);
        else
            cc_buf_printf(b, "%c", *c);
    }
    cc_buf_printf(b, "\"");
}

static void put_offenses(cc_buf *b, const cc_scenario *s, const bool *set)
{
    cc_buf_printf(b, "offenses: [");
    int k = 0;
    for (int i = 0; i < s->noffenses; i++)
        if (set[i])
            cc_buf_printf(b, "%s%s", k++ ? ", " : "", s->offense[i].name);
    cc_buf_printf(b, "], ");
}

static const char *tristate(int8_t v) { return v < 0 ? "any" : v ? "true" : "false"; }

static void put_how_many(cc_buf *b, const cc_selection *sel)
{
    if (sel->by_fraction)
        put_real(b, "fraction", sel->fraction);
    else
        cc_buf_printf(b, "number: %lld, ", (long long)sel->number);
}

/* drop the trailing ", " of the last pair and close the mapping */
static void close_map(cc_buf *b)
{
    if (b->len >= 2 && b->data[b->len - 2] == ',')
        b->len -= 2;
    cc_buf_printf(b, "}");
}

static void print_lever(cc_buf *b, const cc_scenario *s, const struct cc_policy *p)
{
    const cc_selection *sel = &p->sel;
    cc_buf_printf(b, "%s: ", lever_names[p->lever]);
    switch (p->lever) {
    case CC_LV_ARREST_FACTOR:
    case CC_LV_COURT_SPEED:
    case CC_LV_LEGAL_AID: {
        char t[40];
        cc_yaml_format_real(t, p->value, 1);
        cc_buf_printf(b, "%s", t);
        break;
    }
    case CC_LV_ENFORCE_LIMITS:
        cc_buf_printf(b, "%s", p->flag ? "true" : "false");
        break;
    case CC_LV_BAIL:
        cc_buf_printf(b, "{");
        if (p->has_bail_default)
            put_real(b, "default", p->bail_default);
        for (int i = 0; i < s->noffenses; i++)
            if (p->bail_set[i] && !(p->has_bail_default && p->bail[i] == p->bail_default))
                put_real(b, s->offense[i].name, p->bail[i]);
        close_map(b);
        break;
    case CC_LV_DECRIMINALISE:
        cc_buf_printf(b, "{");
        put_offenses(b, s, sel->offense);
        cc_buf_printf(b, "release_current: %s, over_days: %d, ", p->flag ? "true" : "false",
                      (int)sel->over_days);
        put_real(b, "treatment_days", p->treatment_days);
        close_map(b);
        break;
    case CC_LV_RELEASE: {
        cc_buf_printf(b, "{status: [");
        int k = 0;
        for (int st = 0; st < CC_ST_COUNT; st++)
            if (sel->status & (1u << st))
                cc_buf_printf(b, "%s%s", k++ ? ", " : "", state_names[st]);
        cc_buf_printf(b, "], ");
        put_offenses(b, s, sel->offense);
        cc_buf_printf(b, "drug: %s, violent: %s, risk: %s, ", tristate(sel->drug),
                      tristate(sel->violent), tristate(sel->risk));
        put_real(b, "min_age", sel->min_age);
        cc_buf_printf(b, "min_days_served: %d, ", (int)sel->min_days_served);
        if (sel->max_days_remaining >= 0)
            cc_buf_printf(b, "max_days_remaining: %d, ", (int)sel->max_days_remaining);
        if (sel->facility >= 0) {
            cc_buf_printf(b, "facility: ");
            put_quoted(b, s->facility[sel->facility].name);
            cc_buf_printf(b, ", ");
        }
        put_how_many(b, sel);
        cc_buf_printf(b, "over_days: %d, order: %s", (int)sel->over_days,
                      order_names[sel->order]);
        cc_buf_printf(b, "}");
        break;
    }
    case CC_LV_CLOSE:
        cc_buf_printf(b, "{");
        if (p->close_type >= 0) {
            cc_buf_printf(b, "type: %s, ", type_names[p->close_type]);
        } else {
            cc_buf_printf(b, "facility: ");
            put_quoted(b, s->facility[p->facility].name);
            cc_buf_printf(b, ", ");
        }
        cc_buf_printf(b, "release: %s, ", p->flag ? "true" : "false");
        put_real(b, "treatment_days", p->treatment_days);
        close_map(b);
        break;
    case CC_LV_CAPACITY:
        cc_buf_printf(b, "{facility: ");
        put_quoted(b, s->facility[p->facility].name);
        cc_buf_printf(b, ", ");
        put_real(b, "add", p->add);
        close_map(b);
        break;
    case CC_LV_PARDON:
        cc_buf_printf(b, "{days_of_year: [");
        for (int i = 0; i < p->npardon_days; i++)
            cc_buf_printf(b, "%s\"%02d-%02d\"", i ? ", " : "", p->pardon_month[i],
                          p->pardon_day[i]);
        cc_buf_printf(b, "], ");
        put_real(b, "min_share_served", p->min_share_served);
        put_how_many(b, sel);
        cc_buf_printf(b, "order: %s}", order_names[sel->order]);
        break;
    case CC_LV_HEALTH:
        cc_health_lever_print(b, &p->health);
        break;
    default:
        cc_buf_printf(b, "null");
        break;
    }
}

static void print_entry(cc_buf *b, const cc_scenario *s, const struct cc_policy *p)
{
    cc_buf_printf(b, "{name: ");
    put_quoted(b, p->name);
    cc_buf_printf(b, ", ");
    if (p->trigger == CC_TRIG_DATE) {
        put_date(b, s, "at", p->at);
    } else {
        cc_buf_printf(b, "when: {facility: ");
        if (p->when_facility >= 0)
            put_quoted(b, s->facility[p->when_facility].name);
        else
            cc_buf_printf(b, "system");
        cc_buf_printf(b, ", ");
        put_real(b, p->trigger == CC_TRIG_OCCUPANCY ? "occupancy_above" : "infections_above",
                 p->above);
        cc_buf_printf(b, "min_gap_days: %d, ", (int)p->min_gap_days);
        put_real(b, "rearm_below", p->rearm_below);
        close_map(b);
        cc_buf_printf(b, ", ");
        if (p->for_days > 0)
            cc_buf_printf(b, "for_days: %d, ", (int)p->for_days);
    }
    if (p->until != INT32_MAX)
        put_date(b, s, "until", p->until);
    print_lever(b, s, p);
    cc_buf_printf(b, "}");
}

static struct fy_node *policies_print(struct fy_document *doc, const cc_scenario *s)
{
    cc_buf b = {0};
    cc_buf_printf(&b, "[");
    for (int i = 0; i < s->npolicies; i++) {
        cc_buf_printf(&b, "%s", i ? ",\n " : "");
        print_entry(&b, s, &s->policies[i]);
    }
    cc_buf_printf(&b, "]");
    if (b.failed) {
        cc_buf_free(&b);
        return NULL;
    }
    /* the document takes the text over: its scalars point into it */
    return fy_node_build_from_malloc_string(doc, b.data, b.len);
}

/* ---- reference documentation ------------------------------------------------ */

static void policies_markdown(cc_buf *o, const char *path)
{
    cc_buf_printf(
        o,
        "## `%s`\n\n"
        "A list of policies. Each entry is dated (`at`) or triggered (`when`), may end "
        "(`until`; `for_days` after each firing of a triggered policy) and moves exactly one "
        "lever. Levers that hold (arrest_factor, decriminalise, bail, legal_aid, "
        "enforce_pretrial_limits, close, capacity, court_speed, health) are recomputed whenever "
        "a policy starts or ends: scenario value, then every policy in force in list order "
        "(a later one wins on the same lever, or on the same health measure; decriminalised "
        "offenses, closures and added capacity accumulate). Actions (release, pardon, the "
        "releases of decriminalise and close) happen on their days. See docs/policies.md.\n\n"
        "| key | type | default | bounds | unit | meaning | source |\n"
        "|---|---|---|---|---|---|---|\n"
        "| `name` | text | `LEVER-INDEX` | | | label in outputs | |\n"
        "| `at` | date | | | | first day in force (dated policy) | |\n"
        "| `when` | mapping | | | | trigger, checked on yesterday's recorded state "
        "(never on day 0) | |\n"
        "| `when.facility` | facility name or `system` | `system` | | | where the measure is "
        "read | |\n"
        "| `when.occupancy_above` | number | | >= 0 | population / capacity | fires when "
        "yesterday's occupancy is above | |\n"
        "| `when.infections_above` | number | | >= 0 | people | fires when yesterday's "
        "active infections are above | |\n"
        "| `when.min_gap_days` | integer | `%d` | >= 0 | days | least days between two "
        "firings | assumption |\n"
        "| `when.rearm_below` | number | the threshold | <= threshold | | re-arms once the "
        "measure falls below (hysteresis) | |\n"
        , path, MIN_GAP_DEFAULT);
    cc_buf_printf(o,
        "| `until` | date | none | after `at` | | first day no longer in force | |\n"
        "| `for_days` | integer | until `until` | >= 1 | days | triggered: days in force "
        "after each firing | |\n"
        "| `arrest_factor` | number | | [0, 1000] | | factor on first arrests per day "
        "(campaign intensity) | |\n"
        "| `decriminalise.offenses` | list of offense classes | | | | new arrests go to "
        "voluntary community services (counted, costed), not custody | |\n"
        "| `decriminalise.release_current` | bool | `false` | | | also release those held "
        "for them (and drop bailed cases) | |\n"
        "| `decriminalise.over_days` | integer | `1` | >= 1 | days | spread of those "
        "releases | |\n"
        "| `decriminalise.treatment_days` | number | `%g` | >= 0 | days | community "
        "treatment days per referral | assumption: three-month outpatient course |\n"
        "| `bail` | per-offense probability | | [0, 1] | | bail probability (offenses not "
        "listed and no `default`: unchanged) | |\n"
        "| `legal_aid` | probability | | [0, 1] | | legal-aid coverage | |\n"
        "| `enforce_pretrial_limits` | bool | | | | enforce the legal pretrial limits; "
        "those held beyond them are bailed at once | |\n"
        , TREATMENT_DAYS_DEFAULT);
    cc_buf_printf(o, "%s",
        "| `release.status` | list of states | `[pretrial, appeal, sentenced]` | police, "
        "pretrial, appeal, sentenced, rehab | | who may be picked | |\n"
        "| `release.offenses` | list of offense classes | every class | | | | |\n"
        "| `release.drug`, `.violent`, `.risk` | true, false or any | `any` | | | filters "
        "on the offense flags and the comorbidity | |\n"
        "| `release.min_age` | number | `0` | [0, 120] | years | | |\n"
        "| `release.min_days_served` | integer | `0` | >= 0 | days | in the current case | "
        "|\n"
        "| `release.max_days_remaining` | integer | no bound | >= 0 | days | until the next "
        "justice event (the end of the sentence when sentenced) | |\n"
        "| `release.facility` | facility name | every facility | | | | |\n"
        "| `release.fraction` / `.number` | probability / integer | one required | | | "
        "share of the group on the first day, or a count | |\n"
        "| `release.over_days` | integer | `1` | >= 1 | days | releases spread evenly | |\n"
        "| `release.order` | longest_served, oldest, random | `longest_served` | | | who goes "
        "first (ties and `random`: a per-person draw) | |\n"
        );
    cc_buf_printf(o,
        "| `close.type` / `.facility` | facility type / name | one required | | | no "
        "admissions while in force | |\n"
        "| `close.release` | bool | `true` for a type, `false` for a facility | | | release "
        "those held, else transfer them to the least crowded open facility of the type | "
        "|\n"
        "| `close.treatment_days` | number | `%g` | >= 0 | days | closing rehab: people "
        "routed to rehab go to community treatment for this long | assumption |\n"
        "| `capacity.facility` | facility name | | | | | |\n"
        "| `capacity.add` | number | | | places | added to the official capacity (negative: "
        "removed) | |\n"
        "| `court_speed` | number | | [0.001, 1000] | | factor on pretrial and appeal "
        "durations of cases scheduled from then | |\n"
        "| `pardon.days_of_year` | list of \"MM-DD\" | `%s` | | | each year while in force "
        "| Khmer New Year, Visak Bochea, Water Festival (AKP 2021) |\n"
        "| `pardon.min_share_served` | probability | `%g` | [0, 1] | | share of the sentence "
        "served to be eligible (sentenced people) | AKP 2021: two thirds for remission |\n"
        "| `pardon.number` / `.fraction` | integer / probability | one required | | | per "
        "occasion | |\n"
        "| `pardon.order` | longest_served, oldest, random | `random` | | | | |\n",
        TREATMENT_DAYS_DEFAULT, PARDON_DAYS_DEFAULT, MIN_SHARE_DEFAULT);
    cc_health_lever_markdown(o, "health");
    cc_buf_printf(o, "\n");
}

static const char *const policies_doc_keys[] = {
    "name", "at", "when", "until", "for_days", "arrest_factor", "decriminalise", "bail",
    "legal_aid", "enforce_pretrial_limits", "release", "close", "capacity", "court_speed",
    "pardon", "occupancy_above", "infections_above", "min_gap_days", "rearm_below",
    "release_current", "over_days", "treatment_days", "status", "offenses", "min_age",
    "min_days_served", "max_days_remaining", "fraction", "number", "order", "days_of_year",
    "min_share_served", "add", "health", "quarantine", "testing", "isolation", "vaccination",
    "masks", "ventilation", "days", "tests", "capacity", "at_intake", "every_days", "sensitivity",
    "delay_days", "symptomatic", "doses_per_day", "priority", "efficacy_infection",
    "efficacy_severe", "factor", NULL};

const cc_schema_custom cc_policies_custom = {policies_parse, policies_print, policies_markdown,
                                             policies_free, policies_doc_keys};

/* ---- running ------------------------------------------------------------------ */

/* The state of one policy in one replicate. */
typedef struct pol_run {
    bool active;     /* in force today */
    bool started;    /* a dated policy has started (it starts once) */
    bool armed;      /* a triggered policy may fire */
    int32_t fired;   /* last firing day, INT32_MIN = never */
    int32_t ends;    /* first day no longer in force */
    /* a release spread over days: the group as counted on its first day,
     * in the order asked (group[next..] not yet released) */
    int32_t spread_from, spread_days;
    int64_t target, done;
    cc_selection sel; /* what the spread picks */
    int32_t *group;
    size_t ngroup, next;
} pol_run;

typedef struct pol_state {
    int n;
    pol_run *run;
    int64_t releases;       /* people released from custody by policies */
    int64_t dropped_cases;  /* bailed cases dropped by decriminalisation */
    /* scratch for selections */
    struct cand {
        int32_t p;
        double key, u;
    } *cand;
    size_t ncand, capcand;
} pol_state;

static void pol_state_free(void *ptr)
{
    pol_state *ps = ptr;
    if (!ps)
        return;
    for (int i = 0; ps->run && i < ps->n; i++)
        free(ps->run[i].group);
    free(ps->run);
    free(ps->cand);
    free(ps);
}

/* A uniform of person p for policy i: the person's own stream with the
 * release purpose and a sequence no case number reaches (cases use
 * ncase << 4 | sub < 2^20), so it is the same in every scenario where p
 * exists, whatever else differs. */
static double person_uniform(cc_sim *sim, int32_t p, int i)
{
    cc_stream_id id = {sim->P.rec[p].w0, sim->P.rec[p].w1,
                       ((uint32_t)CC_RP_RELEASE << 24) | (0xFFFFFFu - (uint32_t)i)};
    cc_rng_seek(sim->r, sim->seed, sim->replicate, id);
    return gsl_rng_uniform(sim->r);
}

static bool selected(const cc_sim *sim, const cc_selection *sel, int32_t p, int32_t day)
{
    const cc_people_store *P = &sim->P;
    const cc_offense *o = &sim->s->offense[P->rec[p].offense];
    if (!(sel->status & (1u << P->rec[p].state)) || !sel->offense[P->rec[p].offense])
        return false;
    if ((sel->drug >= 0 && o->drug != (sel->drug == 1)) ||
        (sel->violent >= 0 && o->violent != (sel->violent == 1)) ||
        (sel->risk >= 0 && ((P->rec[p].flags & CC_PF_RISK) != 0) != (sel->risk == 1)))
        return false;
    if (sel->min_age > 0 && cc_people_age(P, p, day) < sel->min_age)
        return false;
    if (sel->min_days_served > 0 && cc_sim_time_served(sim, p, day) < sel->min_days_served)
        return false;
    if (sel->max_days_remaining >= 0 &&
        (P->rec[p].due < 0 || P->rec[p].due - day > sel->max_days_remaining))
        return false;
    return true;
}

static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    return (x->p > y->p) - (x->p < y->p);
}

/* The people held who match sel (extra: a pardon's share served), in the
 * order asked, into ps->cand. Returns the count or -1 (out of memory). */
static long collect(cc_sim *sim, pol_state *ps, int i, const cc_selection *sel, int32_t day,
                    double min_share)
{
    const cc_people_store *P = &sim->P;
    ps->ncand = 0;
    for (int f = 0; f < sim->fac.n; f++) {
        if (sel->facility >= 0 && f != sel->facility)
            continue;
        const cc_fac_state *fs = &sim->fac.f[f];
        for (int32_t k = 0; k < fs->n; k++) {
            int32_t p = fs->members[k];
            if (!selected(sim, sel, p, day))
                continue;
            int32_t served = cc_sim_time_served(sim, p, day);
            if (min_share > 0 && !(P->rec[p].aux > 0 && served >= min_share * P->rec[p].aux))
                continue;
            if (cc_grow((void **)&ps->cand, &ps->capcand, ps->ncand + 1, sizeof *ps->cand))
                return -1;
            struct cand *c = &ps->cand[ps->ncand++];
            c->p = p;
            c->u = person_uniform(sim, p, i);
            c->key = sel->order == CC_ORDER_LONGEST_SERVED ? -(double)served
                     : sel->order == CC_ORDER_OLDEST      ? -cc_people_age(P, p, day)
                                                          : 0.0;
        }
    }
    if (ps->ncand > 1)
        qsort(ps->cand, ps->ncand, sizeof *ps->cand, cand_cmp);
    return (long)ps->ncand;
}

/* Release the first k candidates. */
static void release_first(cc_sim *sim, pol_state *ps, int64_t k, int32_t day)
{
    for (size_t j = 0; j < ps->ncand && (int64_t)j < k; j++) {
        cc_sim_release_person(sim, ps->cand[j].p, day);
        ps->releases++;
    }
}

/* Start a release spread: the group and the target are fixed on its first
 * day ("fraction of the group as counted on the first day"), sorted once in
 * the order asked. Later days release the next people of that list who are
 * still held and still match: the order of those left cannot change (time
 * served and age grow alike for everyone held; the random order is a fixed
 * draw per person), so this is the order a fresh selection would give,
 * without collecting and sorting the whole custody every day. */
static int start_spread(cc_sim *sim, pol_state *ps, int i, const cc_selection *sel, int32_t day)
{
    pol_run *r = &ps->run[i];
    long n = collect(sim, ps, i, sel, day, 0);
    if (n < 0)
        return -1;
    free(r->group);
    r->group = malloc(sizeof *r->group * (size_t)(n > 0 ? n : 1));
    if (!r->group)
        return -1;
    for (long j = 0; j < n; j++)
        r->group[j] = ps->cand[j].p;
    r->ngroup = (size_t)n;
    r->next = 0;
    r->sel = *sel;
    r->spread_from = day;
    r->spread_days = sel->over_days > 0 ? sel->over_days : 1;
    r->target = sel->by_fraction ? (int64_t)floor(sel->fraction * (double)n + 0.5)
                                 : (sel->number < n ? sel->number : (int64_t)n);
    r->done = 0;
    return 0;
}

/* Today's share of a spread: evenly, cumulative target * (j + 1) / days. */
static int run_spread(cc_sim *sim, pol_state *ps, int i, int32_t day)
{
    pol_run *r = &ps->run[i];
    int32_t j = day - r->spread_from;
    if (r->spread_days <= 0 || j < 0 || j >= r->spread_days)
        return 0;
    int64_t due = r->target * (j + 1) / r->spread_days - r->done;
    while (due > 0 && r->next < r->ngroup) {
        int32_t p = r->group[r->next++];
        /* still held, where the selection looks, and still matching */
        const cc_person_loc *loc = &sim->P.rec[p].loc;
        if (loc->facility == CC_NO_FACILITY ||
            (r->sel.facility >= 0 && loc->facility != r->sel.facility) ||
            !selected(sim, &r->sel, p, day))
            continue;
        cc_sim_release_person(sim, p, day);
        ps->releases++;
        r->done++;
        due--;
    }
    if (j + 1 >= r->spread_days) {
        r->spread_days = 0;
        free(r->group);
        r->group = NULL;
        r->ngroup = r->next = 0;
    }
    return 0;
}

/* Decriminalisation: cases of people on bail for those offenses are dropped. */
static void drop_bailed(cc_sim *sim, pol_state *ps, const bool *offense, int32_t day)
{
    cc_people_store *P = &sim->P;
    for (int32_t p = 0; p < P->n; p++)
        if (P->rec[p].state == CC_ST_BAIL && offense[P->rec[p].offense] && !(P->rec[p].flags & CC_PF_CHILD)) {
            cc_sim_release_person(sim, p, day);
            ps->dropped_cases++;
        }
}

/* Enforcing pretrial limits: those held beyond the limit are bailed today
 * (the engine's CC_EV_LIMIT, due today), the others at their limit. */
static void enforce_limits(cc_sim *sim, pol_state *ps, int32_t day)
{
    const cc_scenario *s = sim->s;
    cc_people_store *P = &sim->P;
    for (int f = 0; f < sim->fac.n; f++) {
        const cc_fac_state *fs = &sim->fac.f[f];
        for (int32_t k = 0; k < fs->n; k++) {
            int32_t p = fs->members[k];
            if (P->rec[p].state != CC_ST_PRETRIAL || P->rec[p].due < 0)
                continue;
            double limit = s->offense[P->rec[p].offense].felony ? s->limit_felony_days
                                                            : s->limit_misdemeanour_days;
            int32_t at = P->rec[p].seg_start + (int32_t)limit;
            if (P->rec[p].due <= at)
                continue;
            P->rec[p].aux = P->rec[p].due; /* the trial day, kept for after the bail */
            if (at <= day) {
                at = day;
                ps->releases++;
            }
            cc_sim_schedule(sim, p, at, CC_EV_LIMIT);
        }
    }
}

/* The least crowded open facility of f's type that takes p, or -1. */
static int transfer_target(const cc_sim *sim, int f, int32_t p)
{
    const cc_scenario *s = sim->s;
    bool female = sim->P.rec[p].flags & CC_PF_FEMALE;
    int best = -1;
    double best_occ = 0;
    for (int g = 0; g < sim->fac.n; g++) {
        const cc_fac_state *gs = &sim->fac.f[g];
        if (g == f || gs->closed || s->facility[g].type != s->facility[f].type ||
            s->facility[g].opens > sim->day || !cc_facility_admits_sex(s, g, female))
            continue;
        double occ = gs->capacity > 0 ? (double)gs->n / gs->capacity : HUGE_VAL;
        if (best < 0 || occ < best_occ) {
            best = g;
            best_occ = occ;
        }
    }
    return best;
}

/* Empty the facilities closed by policy i: release or transfer. */
static int empty_closed(cc_sim *sim, pol_state *ps, const struct cc_policy *pol, int32_t day)
{
    for (int f = 0; f < sim->fac.n; f++) {
        bool hit = pol->close_type >= 0 ? (int)sim->s->facility[f].type == pol->close_type
                                        : f == pol->facility;
        if (!hit)
            continue;
        cc_fac_state *fs = &sim->fac.f[f];
        for (int32_t k = fs->n - 1; k >= 0; k--) { /* removal swaps the last member in */
            if (k >= fs->n)
                continue;
            int32_t p = fs->members[k];
            int g = pol->flag ? -1 : transfer_target(sim, f, p);
            if (g >= 0) {
                if (cc_sim_move_person(sim, p, g, day))
                    return -1;
            } else {
                cc_sim_release_person(sim, p, day);
                ps->releases++;
            }
        }
    }
    return 0;
}

/* Levers that hold: the scenario's values, then every policy in force. */
static void recompute_levers(cc_sim *sim, const pol_state *ps)
{
    const cc_scenario *s = sim->s;
    sim->arrest_factor = 1.0;
    sim->court_speed = 1.0;
    sim->legal_aid = s->legal_aid;
    sim->enforce_limit = s->enforce_legal_limit;
    for (int o = 0; o < s->noffenses; o++) {
        sim->bail[o] = s->bail.v[o];
        sim->decriminalised[o] = false;
    }
    for (int f = 0; f < sim->fac.n; f++) {
        sim->fac.f[f].capacity_extra = 0;
        sim->fac.f[f].closed = false;
    }
    sim->rehab_to_community = false;
    sim->community_treatment_days = TREATMENT_DAYS_DEFAULT;
    cc_disease_clear_health(sim->disease); /* the disease block's measures */
    for (int i = 0; i < ps->n; i++) {
        if (!ps->run[i].active)
            continue;
        const struct cc_policy *p = &s->policies[i];
        switch (p->lever) {
        case CC_LV_ARREST_FACTOR:
            sim->arrest_factor = p->value;
            break;
        case CC_LV_COURT_SPEED:
            sim->court_speed = p->value;
            break;
        case CC_LV_LEGAL_AID:
            sim->legal_aid = p->value;
            break;
        case CC_LV_ENFORCE_LIMITS:
            sim->enforce_limit = p->flag;
            break;
        case CC_LV_BAIL:
            for (int o = 0; o < s->noffenses; o++)
                if (p->bail_set[o])
                    sim->bail[o] = p->bail[o];
            break;
        case CC_LV_DECRIMINALISE:
            for (int o = 0; o < s->noffenses; o++)
                sim->decriminalised[o] |= p->sel.offense[o];
            sim->community_treatment_days = p->treatment_days;
            break;
        case CC_LV_CLOSE:
            for (int f = 0; f < sim->fac.n; f++)
                if (p->close_type >= 0 ? (int)s->facility[f].type == p->close_type
                                       : f == p->facility)
                    sim->fac.f[f].closed = true;
            if (p->close_type == CC_FAC_REHAB) {
                sim->rehab_to_community = true;
                sim->community_treatment_days = p->treatment_days;
            }
            break;
        case CC_LV_CAPACITY:
            sim->fac.f[p->facility].capacity_extra += p->add;
            break;
        case CC_LV_HEALTH:
            cc_disease_set_health(sim->disease, &p->health, true);
            break;
        default:
            break;
        }
    }
}

/* What a policy does on the day it starts (or fires). */
static int on_start(cc_sim *sim, pol_state *ps, int i, int32_t day)
{
    const struct cc_policy *p = &sim->s->policies[i];
    switch (p->lever) {
    case CC_LV_DECRIMINALISE:
        if (p->flag) {
            cc_selection sel = p->sel;
            sel.status = RELEASABLE;
            sel.by_fraction = true;
            sel.fraction = 1.0;
            sel.order = CC_ORDER_LONGEST_SERVED;
            drop_bailed(sim, ps, p->sel.offense, day);
            return start_spread(sim, ps, i, &sel, day);
        }
        return 0;
    case CC_LV_ENFORCE_LIMITS:
        if (p->flag)
            enforce_limits(sim, ps, day);
        return 0;
    case CC_LV_RELEASE:
        return start_spread(sim, ps, i, &p->sel, day);
    case CC_LV_CLOSE:
        return empty_closed(sim, ps, p, day);
    default:
        return 0;
    }
}

/* Yesterday's recorded measure of a trigger. */
static double measure(const cc_sim *sim, const struct cc_policy *p, int32_t day)
{
    int nf = sim->fac.n;
    const cc_ts_row *row = &sim->rows[(size_t)(day - 1) * (size_t)(nf + 1)];
    const cc_ts_row *r = &row[p->when_facility >= 0 ? p->when_facility : nf];
    if (p->trigger == CC_TRIG_INFECTIONS)
        return (double)r->v[CC_TS_active_infections];
    double pop = (double)r->v[CC_TS_population];
    return r->capacity > 0 ? pop / r->capacity : pop > 0 ? HUGE_VAL : 0.0;
}

/* The first day a dated policy is in force (day 0 when its `at` lies
 * before the start). */
static int32_t first_day(const struct cc_policy *p) { return p->at > 0 ? p->at : 0; }

/* A dated policy is in force on `day` (whether it has started is the
 * run's state). */
static bool dated_in_force(const struct cc_policy *p, int32_t day)
{
    return day >= first_day(p) && day < p->until;
}

/* Yesterday's measure of a trigger checked on `day`, or NaN when it is
 * not checked that day (day 0 has no yesterday; from `until` on it is out
 * of force). */
static double trigger_measure(const cc_sim *sim, const struct cc_policy *p, int32_t day)
{
    return day == 0 || day >= p->until ? NAN : measure(sim, p, day);
}

static bool pardon_day(const cc_scenario *s, const struct cc_policy *p, int32_t day)
{
    char iso[11];
    cc_date_format(s->start_date + day, iso);
    int m = (iso[5] - '0') * 10 + (iso[6] - '0'), d = (iso[8] - '0') * 10 + (iso[9] - '0');
    for (int k = 0; k < p->npardon_days; k++)
        if (p->pardon_month[k] == m && p->pardon_day[k] == d)
            return true;
    return false;
}

static int pardon(cc_sim *sim, pol_state *ps, int i, int32_t day)
{
    const struct cc_policy *p = &sim->s->policies[i];
    long n = collect(sim, ps, i, &p->sel, day, p->min_share_served);
    if (n < 0)
        return -1;
    int64_t k = p->sel.by_fraction ? (int64_t)floor(p->sel.fraction * (double)n + 0.5)
                                   : p->sel.number;
    release_first(sim, ps, k < n ? k : n, day);
    return 0;
}

int cc_policy_apply(cc_sim *sim, int32_t day, cc_diag *diag)
{
    const cc_scenario *s = sim->s;
    if (s->npolicies <= 0)
        return 0;
    pol_state *ps = sim->policy;
    if (!ps) {
        ps = calloc(1, sizeof *ps);
        if (!ps || !(ps->run = calloc((size_t)s->npolicies, sizeof *ps->run))) {
            free(ps);
            cc_diag_add(diag, s->file, 0, 0, "policies", NULL, "out of memory");
            return -1;
        }
        ps->n = s->npolicies;
        for (int i = 0; i < ps->n; i++) {
            ps->run[i].armed = true;
            ps->run[i].fired = INT32_MIN;
        }
        sim->policy = ps;
        sim->policy_free = pol_state_free;
    }

    /* which policies start, fire or end today */
    bool changed = false;
    bool starts[CC_MAX_POLICIES];
    for (int i = 0; i < ps->n; i++) {
        const struct cc_policy *p = &s->policies[i];
        pol_run *r = &ps->run[i];
        starts[i] = false;
        if (r->active && day >= r->ends) {
            r->active = false;
            changed = true;
        }
        if (p->trigger == CC_TRIG_DATE) {
            if (!r->started && dated_in_force(p, day)) {
                r->started = r->active = starts[i] = changed = true;
                r->ends = p->until;
            }
            continue;
        }
        double v = trigger_measure(sim, p, day);
        if (isnan(v))
            continue;
        if (!r->armed && v < p->rearm_below)
            r->armed = true;
        if (r->armed && v > p->above &&
            (r->fired == INT32_MIN || day - r->fired >= p->min_gap_days)) {
            r->armed = false;
            r->fired = day;
            r->active = starts[i] = changed = true;
            int32_t end = p->for_days > 0 ? day + p->for_days : p->until;
            r->ends = end < p->until ? end : p->until;
        }
    }
    if (changed) {
        recompute_levers(sim, ps);
        cc_facilities_begin_day(&sim->fac, s, day);
    }
    int rc = 0;
    for (int i = 0; i < ps->n && rc == 0; i++) {
        if (starts[i])
            rc = on_start(sim, ps, i, day);
        if (rc == 0)
            rc = run_spread(sim, ps, i, day);
        if (rc == 0 && ps->run[i].active && s->policies[i].lever == CC_LV_PARDON &&
            pardon_day(s, &s->policies[i], day))
            rc = pardon(sim, ps, i, day);
    }
    if (rc || sim->oom) {
        cc_diag_add(diag, s->file, 0, 0, "policies", NULL, "out of memory applying policies");
        return -1;
    }
    return 0;
}

/* ---- costs and equity metrics ------------------------------------------------ */

int cc_policy_metrics(const cc_sim *sim, cc_metrics *m)
{
    static const char *const type_name[] = {"police", "prison", "rehab"};
    static const int costed[] = {CC_ST_POLICE,    CC_ST_PRETRIAL, CC_ST_BAIL,
                                 CC_ST_APPEAL,    CC_ST_SENTENCED, CC_ST_REHAB};
    static const int column[CC_ST_COUNT] = {
        [CC_ST_POLICE] = CC_TS_police,       [CC_ST_PRETRIAL] = CC_TS_pretrial,
        [CC_ST_APPEAL] = CC_TS_appeal,       [CC_ST_SENTENCED] = CC_TS_sentenced,
        [CC_ST_REHAB] = CC_TS_rehab,         [CC_ST_BAIL] = -1,
        [CC_ST_RELEASED] = -1,               [CC_ST_DEAD] = -1};
    const cc_scenario *s = sim->s;
    const pol_state *ps = sim->policy;
    int nf = sim->fac.n;
    int32_t ran = sim->day;

    double total = sim->community_days * s->cost_community_per_day;
    for (size_t i = 0; i < sizeof costed / sizeof costed[0]; i++) {
        double c = sim->person_days_state[costed[i]] * s->cost_per_day[costed[i]];
        cc_metrics_add(m, c, "costs.by_state.%s", state_names[costed[i]]);
        total += c;
    }
    /* by facility type: the recorded daily counts by state and facility */
    double by_type[3] = {0, 0, 0}, over100 = 0, over200 = 0;
    for (int32_t d = 0; d < ran; d++) {
        const cc_ts_row *row = &sim->rows[(size_t)d * (size_t)(nf + 1)];
        for (int f = 0; f < nf; f++) {
            const cc_ts_row *r = &row[f];
            for (int st = 0; st < CC_ST_COUNT; st++)
                if (column[st] >= 0)
                    by_type[s->facility[f].type] += (double)r->v[column[st]] * s->cost_per_day[st];
            double pop = (double)r->v[CC_TS_population];
            if (pop > r->capacity)
                over100 += pop;
            if (pop > 2.0 * r->capacity)
                over200 += pop;
        }
    }
    for (int t = 0; t < 3; t++)
        cc_metrics_add(m, by_type[t], "costs.by_facility_type.%s", type_name[t]);
    cc_metrics_add(m, sim->person_days_state[CC_ST_BAIL] * s->cost_per_day[CC_ST_BAIL],
                   "costs.bail");
    cc_metrics_add(m, sim->community_days * s->cost_community_per_day, "costs.community");
    cc_metrics_add(m, total, "costs.total");
    cc_metrics_add(m, over100, "person_days_over_capacity");
    cc_metrics_add(m, over200, "person_days_over_200pct");
    cc_metrics_add(m, (double)sim->community_referrals, "community_referrals");
    cc_metrics_add(m, sim->community_days, "community_days");
    cc_metrics_add(m, ps ? (double)ps->releases : 0.0, "policy_releases");
    cc_metrics_add(m, ps ? (double)ps->dropped_cases : 0.0, "policy_dropped_cases");
    return m->failed ? -1 : 0;
}

/* ---- where scenarios part ------------------------------------------------------ */

int32_t cc_policy_first_health_day(const cc_scenario *s)
{
    int32_t first = INT32_MAX;
    for (int i = 0; i < s->npolicies; i++) {
        const struct cc_policy *p = &s->policies[i];
        if (p->lever != CC_LV_HEALTH)
            continue;
        int32_t day = p->trigger == CC_TRIG_DATE ? first_day(p) : 0;
        if (day < first)
            first = day;
    }
    return first;
}

bool cc_policy_acts_on(const cc_sim *sim, const cc_scenario *s, int32_t day)
{
    /* the rules of cc_policy_apply for a state in which no policy has acted:
     * every trigger armed, none fired */
    for (int i = 0; i < s->npolicies; i++) {
        const struct cc_policy *p = &s->policies[i];
        if (p->trigger == CC_TRIG_DATE ? dated_in_force(p, day)
                                       : trigger_measure(sim, p, day) > p->above)
            return true;
    }
    return false;
}
