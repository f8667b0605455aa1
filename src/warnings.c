/* warnings.c - what a valid scenario probably did not mean: warnings,
 * positioned like errors, recorded after a load that found no error.
 *
 *  1. a policy dated outside the run (it never acts, or acts from the
 *     first day rather than on its date);
 *  2. a facility that no admission, transfer or `convicted_to` reaches (its
 *     population can only fall);
 *  3. a share given for arrivals but not for the first day's population, or
 *     the reverse (`people.female` / `initial.female`, `arrests.mix` /
 *     `initial.offense`): the other keeps its default;
 *  4. report dates and targets after the last simulated day (skipped);
 *  5. a prior whose central 90% spans more than a factor of 100;
 *  6. in a scenario whose `country:` is not Cambodia, every default that
 *     the schema table sources to Cambodian law or data and that the
 *     scenario does not give (given by `include: default` counts as not
 *     given: the included default is Cambodia's).
 *
 * The load of each replicate's scenario (prior.c) does not come here: the
 * first load warns once. Cost: one pass over the facilities, policies,
 * targets, inputs and the schema table.
 */
#include "warnings.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "policy.h"
#include "prior.h"
#include "targets.h"

/* A prior whose 95th percentile is more than this many times its 5th spans
 * over two orders of magnitude: more than any key of the model is unknown
 * within once a country's figures have been looked for (docs/uncertainty.md). */
#define PRIOR_SPAN_MAX 100.0

static struct fy_node *item(struct fy_node *seq, int i)
{
    return seq && fy_node_is_sequence(seq) ? fy_node_sequence_get_by_index(seq, i) : NULL;
}

/* The node of key `key` of mapping n, else n itself (a position for the
 * message either way). */
static struct fy_node *at_key(struct fy_node *n, const char *key)
{
    struct fy_node *k = n && fy_node_is_mapping(n) ? cc_yaml_get(n, key) : NULL;
    return k ? k : n;
}

static void date_text(const cc_scenario *s, int32_t day, char out[11])
{
    cc_date_format(s->start_date + day, out);
}

/* ---- 1. policies dated outside the run -------------------------------- */

static void warn_policies(cc_yctx *ctx, struct fy_node *root, const cc_scenario *s)
{
    struct fy_node *list = cc_yaml_get(root, "policies");
    char first[11], last[11];
    date_text(s, 0, first);
    date_text(s, s->days - 1, last);
    for (int i = 0; i < s->npolicies; i++) {
        const struct cc_policy *p = &s->policies[i];
        struct fy_node *n = item(list, i);
        if (!n)
            continue;
        cc_yaml_push_key(ctx, "policies");
        cc_yaml_push_index(ctx, i);
        if (p->trigger == CC_TRIG_DATE && p->at >= s->days) {
            cc_yaml_push_key(ctx, "at");
            cc_yaml_warn(ctx, at_key(n, "at"), "move it into the run or lengthen days",
                         "the policy '%s' starts after the last simulated day (%s): it never "
                         "acts", p->name, last);
            cc_yaml_pop(ctx);
        } else if (p->trigger == CC_TRIG_DATE && p->at < 0) {
            cc_yaml_push_key(ctx, "at");
            cc_yaml_warn(ctx, at_key(n, "at"), NULL,
                         "the policy '%s' is dated before the start (%s): it is in force from "
                         "the first day, and what it does on its date (releases) does not "
                         "happen", p->name, first);
            cc_yaml_pop(ctx);
        } else if (p->until != INT32_MAX && p->until <= 0) {
            cc_yaml_push_key(ctx, "until");
            cc_yaml_warn(ctx, at_key(n, "until"), NULL,
                         "the policy '%s' ends on or before the start (%s): it never acts",
                         p->name, first);
            cc_yaml_pop(ctx);
        }
        cc_yaml_pop(ctx);
        cc_yaml_pop(ctx);
    }
}

/* ---- 2. facilities nothing reaches ------------------------------------ */

static int share_ever_positive(const cc_schedule *sc)
{
    if (sc->n == 0)
        return 1; /* no share given: equal weights */
    for (int k = 0; k < sc->n; k++)
        if (sc->value[k] > 0)
            return 1;
    return 0;
}

static const char *const type_names[] = {"police station", "prison", "rehab centre"};

static void warn_unreachable(cc_yctx *ctx, struct fy_node *root, const cc_scenario *s)
{
    struct fy_node *list = cc_yaml_get(root, "facilities");
    int transfers = s->transfer_occupancy_above > 0 && s->transfer_max_per_day > 0;
    for (int f = 0; f < s->nfacilities; f++) {
        const cc_facility *fa = &s->facility[f];
        int sent = 0, others = 0;
        for (int g = 0; g < s->nfacilities; g++) {
            if (g == f)
                continue;
            sent |= s->facility[g].convicted_to == f;
            /* another facility of the type with a share: admissions go
             * there (when none has one, they are spread equally) */
            others |= s->facility[g].type == fa->type &&
                      share_ever_positive(&s->facility[g].intake_share);
        }
        int opens_late = fa->opens >= s->days;
        int no_share = !share_ever_positive(&fa->intake_share) && others;
        if (sent || !(opens_late || (no_share && !transfers)))
            continue;
        struct fy_node *n = item(list, f);
        cc_yaml_push_key(ctx, "facilities");
        cc_yaml_push_index(ctx, f);
        cc_yaml_push_key(ctx, opens_late ? "opens" : "intake_share");
        if (opens_late)
            cc_yaml_warn(ctx, at_key(n, "opens"), "open it within the run",
                         "the %s '%s' opens after the last simulated day: no admission "
                         "reaches it", type_names[fa->type], fa->name);
        else
            cc_yaml_warn(ctx, at_key(n, "intake_share"),
                         "give it an intake_share above 0, name it in another facility's "
                         "convicted_to, or turn on placement.transfer_above_occupancy",
                         "no admission, transfer or convicted_to reaches the %s '%s' (its "
                         "intake_share is 0 throughout, transfers are off and no facility "
                         "sends its convicted there): its population can only fall",
                         type_names[fa->type], fa->name);
        cc_yaml_pop(ctx);
        cc_yaml_pop(ctx);
        cc_yaml_pop(ctx);
    }
}

/* ---- 3. shares of arrivals and of the first day ------------------------ */

/* The node at path a.b in the document, or NULL. */
static struct fy_node *get2(struct fy_node *root, const char *a, const char *b)
{
    struct fy_node *n = cc_yaml_get(root, a);
    return n && fy_node_is_mapping(n) ? cc_yaml_get(n, b) : NULL;
}

/* Whether every facility that holds people on the first day gives its own
 * composition key `key` (then `initial`'s does not matter); for `female`
 * only the facilities that take both sexes count. */
static int every_facility_gives(struct fy_node *root, const cc_scenario *s, const char *key)
{
    struct fy_node *list = cc_yaml_get(root, "facilities");
    for (int f = 0; f < s->nfacilities; f++) {
        const cc_facility *fa = &s->facility[f];
        if (fa->population == 0 || (strcmp(key, "female") == 0 && fa->sex != CC_SEX_ANY))
            continue;
        if (!get2(item(list, f), "composition", key))
            return 0;
    }
    return 1;
}

static void warn_pair(cc_yctx *ctx, struct fy_node *root, const cc_scenario *s,
                      const char *arrive_block, const char *arrive_key, const char *initial_key,
                      const char *what)
{
    struct fy_node *arrive = get2(root, arrive_block, arrive_key);
    struct fy_node *initial = get2(root, "initial", initial_key);
    if (arrive && !initial && !every_facility_gives(root, s, initial_key)) {
        cc_yaml_push_key(ctx, arrive_block);
        cc_yaml_push_key(ctx, arrive_key);
        char hint[160];
        snprintf(hint, sizeof hint, "give initial.%s too", initial_key);
        cc_yaml_warn(ctx, arrive, hint,
                     "%s is given for arrivals but not for the first day's population, "
                     "whose initial.%s keeps its default", what, initial_key);
        cc_yaml_pop(ctx);
        cc_yaml_pop(ctx);
    } else if (initial && !arrive) {
        cc_yaml_push_key(ctx, "initial");
        cc_yaml_push_key(ctx, initial_key);
        char hint[160];
        snprintf(hint, sizeof hint, "give %s.%s too", arrive_block, arrive_key);
        cc_yaml_warn(ctx, initial, hint,
                     "%s is given for the first day's population but not for arrivals, "
                     "whose %s.%s keeps its default", what, arrive_block, arrive_key);
        cc_yaml_pop(ctx);
        cc_yaml_pop(ctx);
    }
}

/* ---- 4. dates after the run -------------------------------------------- */

/* One warning for the report dates, one for the targets, at the first
 * that lies after the run (a run shortened with --set days= has many). */
static void warn_dates(cc_yctx *ctx, struct fy_node *root, const cc_scenario *s)
{
    char last[11];
    date_text(s, s->days - 1, last);
    int first = -1, more = 0;
    for (int i = 0; i < s->nreport_dates; i++)
        if (s->report_dates[i] >= s->days)
            first < 0 ? (void)(first = i) : (void)more++;
    if (first >= 0) {
        cc_yaml_push_key(ctx, "report_dates");
        cc_yaml_push_index(ctx, first);
        cc_yaml_warn(ctx, item(cc_yaml_get(root, "report_dates"), first), NULL,
                     "this report date%s after the last simulated day (%s): skipped",
                     more ? " and the later ones are" : " is", last);
        cc_yaml_pop(ctx);
        cc_yaml_pop(ctx);
    }
    first = -1, more = 0;
    for (int i = 0; i < cc_targets_count(s); i++)
        if (!cc_targets_in_run(s, i))
            first < 0 ? (void)(first = i) : (void)more++;
    if (first >= 0) {
        cc_yaml_push_key(ctx, "targets");
        cc_yaml_push_index(ctx, first);
        char others[64] = "";
        if (more)
            snprintf(others, sizeof others, " and %d other%s", more, more == 1 ? "" : "s");
        cc_yaml_warn(ctx, item(cc_yaml_get(root, "targets"), first), NULL,
                     "the target '%s'%s read%s a day after the last simulated day (%s): not "
                     "measured", cc_targets_name(s, first), others, more ? "" : "s", last);
        cc_yaml_pop(ctx);
        cc_yaml_pop(ctx);
    }
}

/* ---- 5. priors far wider than a key is known within ------------------- */

/* The node at key path `path` ("a.b[2].c") from root, or NULL. */
static struct fy_node *node_at(struct fy_node *root, const char *path)
{
    struct fy_node *n = root;
    const char *p = path;
    while (n && *p) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            int i = atoi(p + 1);
            n = item(n, i);
            p = strchr(p, ']');
            if (!p)
                return NULL;
            p++;
            continue;
        }
        size_t len = strcspn(p, ".[");
        char key[128];
        if (len >= sizeof key || !fy_node_is_mapping(n))
            return NULL;
        memcpy(key, p, len);
        key[len] = '\0';
        n = cc_yaml_get(n, key);
        p += len;
    }
    return n;
}

static void warn_priors(cc_yctx *ctx, struct fy_node *root)
{
    const cc_inputs *in = *cc_yctx_inputs(ctx);
    for (int i = 0; in && i < cc_inputs_count_of(in); i++) {
        const cc_input *v = cc_inputs_at(in, i);
        double lo = cc_prior_quantile(&v->prior, 0.05), hi = cc_prior_quantile(&v->prior, 0.95);
        if (!(lo > 0 && hi > PRIOR_SPAN_MAX * lo))
            continue;
        char desc[160];
        cc_prior_describe(&v->prior, desc, sizeof desc);
        cc_yaml_push_key(ctx, v->key);
        cc_yaml_warn(ctx, node_at(root, v->key),
                     "look for a figure that narrows it, or a range of the same order of "
                     "magnitude",
                     "the prior %s puts 90%% of its mass between %.3g and %.3g, a factor of "
                     "%.0f: far wider than what a key of the model is usually known within "
                     "(a factor of %.0f)",
                     desc, lo, hi, hi / lo, PRIOR_SPAN_MAX);
        cc_yaml_pop(ctx);
    }
}

/* ---- 6. Cambodian defaults in another country's scenario -------------- */

static int cambodian(const char *source)
{
    return source && (strstr(source, "Cambodia") || strstr(source, "Cambodian"));
}

/* A node that the scenario itself gives (not absent, not from the
 * included default). */
static int given(cc_yctx *ctx, struct fy_node *n)
{
    return n && strcmp(cc_yaml_node_file(ctx, n), "<default>") != 0;
}

static void warn_block_defaults(cc_yctx *ctx, const cc_schema_block *b, struct fy_node *map,
                                const char *path, struct fy_node *country, const char *name)
{
    for (int i = 0; i < b->nrows; i++) {
        const cc_schema_row *r = &b->rows[i];
        char sub[256];
        snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", r->key);
        struct fy_node *n = map && fy_node_is_mapping(map) ? cc_yaml_get(map, r->key) : NULL;
        /* a block sourced as a whole (initial.status) warns as one key */
        if (r->type == CC_T_BLOCK && !(r->flags & CC_F_INHERIT) && !cambodian(r->source)) {
            warn_block_defaults(ctx, r->sub, n, sub, country, name);
            continue;
        }
        if (!cambodian(r->source) || !r->def || given(ctx, n))
            continue;
        cc_yaml_push_key(ctx, sub);
        if (n)
            cc_yaml_warn(ctx, country, "give it for the scenario's country",
                         "the value comes from the included default scenario, which is "
                         "Cambodia's (%s), not %s's", r->source, name);
        else
            cc_yaml_warn(ctx, country, "give it for the scenario's country",
                         "the default %s comes from Cambodia (%s), not from %s", r->def,
                         r->source, name);
        cc_yaml_pop(ctx);
    }
}

static void warn_country(cc_yctx *ctx, struct fy_node *root, const cc_scenario *s)
{
    if (strcasecmp(s->country, "Cambodia") == 0)
        return;
    struct fy_node *country = cc_yaml_get(root, "country");
    warn_block_defaults(ctx, cc_schema_top(), root, "", country ? country : root, s->country);
}

void cc_warnings_check(cc_yctx *ctx, struct fy_node *root, const cc_scenario *s)
{
    if (!root || !fy_node_is_mapping(root))
        return;
    warn_policies(ctx, root, s);
    warn_unreachable(ctx, root, s);
    warn_pair(ctx, root, s, "people", "female", "female", "the share of women");
    warn_pair(ctx, root, s, "arrests", "mix", "offense", "the offense mix");
    warn_dates(ctx, root, s);
    warn_priors(ctx, root);
    warn_country(ctx, root, s);
}
