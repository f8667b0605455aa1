/* schema.c - THE table of scenario keys, and the generic machinery that
 * parses, prints and documents any row of it (see schema.h).
 *
 * To add a parameter: add a field to struct cc_scenario (scenario.h), a row
 * below, and a test. Parsing, defaults, unknown-key hints, `--set`, the
 * resolved scenario and docs/scenario-reference.md follow from the row.
 *
 * Defaults are written as YAML text and parsed by the same code as the
 * user's file, so the documented default is the one used. Numbers marked
 * "assumption" are placeholders an analyst is expected to replace; the
 * shipped Cambodian scenario (scenarios/cambodia-2017.yaml) gives sourced
 * values for everything that matters.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "disease_spec.h"
#include "dist.h"
#include "policy.h"
#include "schema.h"
#include "include.h"
#include "targets.h"
#include "draws.h"

#define INF HUGE_VAL
#define NROWS(rows) ((int)(sizeof rows / sizeof rows[0]))

static const char *const facility_types[] = {"police", "prison", "rehab", NULL};
static const char *const sex_rules[] = {"male", "female", "any", NULL};
static const char *const cell_fills[] = {"least_crowded", "random", NULL};

/* ---- offense flags ----------------------------------------------------- */

static const cc_schema_row offense_rows[] = {
    {.key = "drug", .type = CC_T_BOOL, .offset = offsetof(cc_offense, drug), .def = "false",
     .doc = "a drug offense (targets of decriminalisation policies)"},
    {.key = "violent", .type = CC_T_BOOL, .offset = offsetof(cc_offense, violent),
     .def = "false", .doc = "a violent offense (release policies may exclude it)"},
    {.key = "felony", .type = CC_T_BOOL, .offset = offsetof(cc_offense, felony), .def = "false",
     .doc = "a felony: the felony pretrial limit applies, else the misdemeanour one"},
};
static const cc_schema_block offense_block = {"offenses.NAME", offense_rows, NROWS(offense_rows), 0, NULL};

/* ---- people ----------------------------------------------------------- */

static void people_check(cc_yctx *ctx, struct fy_node *map, void *base)
{
    const cc_people *p = base;
    if (p->min_age >= p->max_age) {
        cc_yaml_push_key(ctx, "max_age");
        cc_yaml_error(ctx, cc_yaml_get(map, "max_age") ? cc_yaml_get(map, "max_age") : map,
                      NULL, "expected max_age > min_age (%g), got %g", p->min_age, p->max_age);
        cc_yaml_pop(ctx);
    }
}

static const cc_schema_row people_rows[] = {
    {.key = "female", .type = CC_T_PROB, .offset = offsetof(cc_people, female), .def = "0.08",
     .doc = "share of women among people arrested",
     .source = "assumption: women are about 8% of Cambodia's prisoners (World Prison Brief)"},
    {.key = "poor", .type = CC_T_PROB, .offset = offsetof(cc_people, poor), .def = "0.8",
     .doc = "share who cannot pay a bribe or bail", .source = "assumption"},
    {.key = "risk", .type = CC_T_PROB, .offset = offsetof(cc_people, risk), .def = "0.05",
     .doc = "share with a comorbidity that raises disease severity", .source = "assumption"},
    {.key = "with_child", .type = CC_T_PROB, .offset = offsetof(cc_people, with_child),
     .def = "0.07", .doc = "share of women arrested with a young child who comes along",
     .source = "assumption"},
    {.key = "age", .type = CC_T_DIST, .offset = offsetof(cc_people, age),
     .def = "{dist: lognormal, median: 30, p90: 48}", .unit = "years",
     .doc = "age at arrest (truncated to [min_age, max_age])", .source = "assumption"},
    {.key = "min_age", .type = CC_T_REAL, .offset = offsetof(cc_people, min_age), .min = 0,
     .max = 120, .def = "14", .unit = "years", .doc = "youngest age held",
     .source = "Cambodian criminal law: criminal responsibility from 14"},
    {.key = "max_age", .type = CC_T_REAL, .offset = offsetof(cc_people, max_age), .min = 0,
     .max = 120, .def = "90", .unit = "years", .doc = "oldest age drawn", .source = "assumption"},
    {.key = "child_age_max", .type = CC_T_REAL, .offset = offsetof(cc_people, child_age_max),
     .min = 0, .max = 18, .def = "3", .unit = "years",
     .doc = "children up to this age may live with their mother",
     .source = "Cambodian prison regulations allow children up to 3 with their mothers"},
};
static const cc_schema_block people_block = {"people", people_rows, NROWS(people_rows), 0, people_check};

/* ---- arrests ------------------------------------------------------------ */

static const cc_schema_row rearrest_rows[] = {
    {.key = "per_year", .type = CC_T_REAL, .offset = offsetof(cc_scenario, rearrest_per_year),
     .min = 0, .max = 365, .def = "0", .unit = "per person-year",
     .doc = "re-arrest hazard just after release", .source = "assumption (off by default)"},
    {.key = "halving_years", .type = CC_T_REAL,
     .offset = offsetof(cc_scenario, rearrest_halving_years), .min = 1e-3, .max = 100,
     .def = "2", .unit = "years", .doc = "the re-arrest hazard halves every so many years",
     .source = "assumption"},
};
static const cc_schema_block rearrest_block = {"arrests.rearrest", rearrest_rows, NROWS(rearrest_rows), 0, NULL};

static const cc_schema_row arrests_rows[] = {
    {.key = "per_day", .type = CC_T_SCHEDULE, .offset = offsetof(cc_scenario, arrests_per_day),
     .min = 0, .max = 1e7, .def = "0", .unit = "people per day",
     .doc = "first arrests per day (a number or a dated schedule)",
     .source = "give it: e.g. NACD annual arrest counts / 365"},
    {.key = "mix", .type = CC_T_SHARES, .offset = offsetof(cc_scenario, arrest_mix),
     .doc = "offense of a first arrest: offense -> share, summing to 1",
     .source = "equal shares unless given"},
    {.key = "rearrest", .type = CC_T_BLOCK, .offset = 0, .sub = &rearrest_block,
     .doc = "re-arrest of released people"},
    {.key = "priors_mean", .type = CC_T_REAL, .offset = offsetof(cc_scenario, priors_mean),
     .min = 0, .max = 1000, .def = "0", .unit = "arrests",
     .doc = "mean number of prior arrests of a first arrestee", .source = "assumption"},
};
static const cc_schema_block arrests_block = {"arrests", arrests_rows, NROWS(arrests_rows), 0, NULL};

static const cc_schema_row direct_rows[] = {
    {.key = "rehab_per_day", .type = CC_T_SCHEDULE,
     .offset = offsetof(cc_scenario, direct_rehab_per_day), .min = 0, .max = 1e7, .def = "0",
     .unit = "people per day", .doc = "people sent to rehab centres without any charge",
     .source = "give it: centre admissions exceed drug-use arrests in Cambodia (NACD 2017)"},
};
static const cc_schema_block direct_block = {"direct_admissions", direct_rows, NROWS(direct_rows), 0, NULL};

/* ---- routing (its own parser: offense names are keys) ------------------- */

typedef struct route_row {
    double p[3]; /* release, rehab, prosecute */
} route_row;

static const cc_schema_row route_rows[] = {
    {.key = "release", .type = CC_T_PROB, .offset = offsetof(route_row, p[0]), .def = "0",
     .doc = "released without charge"},
    {.key = "rehab", .type = CC_T_PROB, .offset = offsetof(route_row, p[1]), .def = "0",
     .doc = "sent to a rehab centre"},
    {.key = "prosecute", .type = CC_T_PROB, .offset = offsetof(route_row, p[2]), .def = "0",
     .doc = "prosecuted (police custody, then pretrial)"},
};
static const cc_schema_block route_block = {"routing.OFFENSE", route_rows, NROWS(route_rows), CC_F_SUM1, NULL};

#define ROUTE_DEFAULT "{release: 0.05, rehab: 0, prosecute: 0.95}"
#define BRIBE_DEFAULT "0"

static int parse_route_node(cc_yctx *ctx, struct fy_node *n, route_row *r)
{
    memset(r, 0, sizeof *r);
    return cc_yaml_parse_block(ctx, &route_block, n, r);
}

static int routing_parse(cc_yctx *ctx, struct fy_node *n, cc_scenario *s)
{
    struct fy_document *doc = cc_yaml_document(ctx);
    int errs = cc_yctx_errors(ctx);
    if (n && !fy_node_is_mapping(n)) {
        if (!fy_node_is_alias(n))
            cc_yaml_error(ctx, n, NULL, "expected a mapping of routing rows, got %s",
                          fy_node_is_sequence(n) ? "a list" : "a scalar");
        return -1;
    }
    /* keys: default, bribe, and the offense names */
    const char *keys[CC_MAX_OFFENSES + 3];
    int nk = 0;
    keys[nk++] = "default";
    keys[nk++] = "bribe";
    for (int i = 0; i < s->noffenses; i++)
        keys[nk++] = s->offense[i].name;
    keys[nk] = NULL;
    if (n)
        cc_yaml_check_names(ctx, n, keys, "key or offense");

    route_row def;
    struct fy_node *dn = cc_yaml_get(n, "default");
    cc_yaml_push_key(ctx, "default");
    if (dn) {
        parse_route_node(ctx, dn, &def);
    } else {
        struct fy_node *built = fy_node_build_from_string(doc, ROUTE_DEFAULT, FY_NT);
        parse_route_node(ctx, built, &def);
        fy_node_free(built);
    }
    cc_yaml_pop(ctx);
    cc_per_offense *po[3] = {&s->route_release, &s->route_rehab, &s->route_prosecute};
    for (int k = 0; k < 3; k++) {
        po[k]->has_default = true;
        po[k]->def = def.p[k];
    }
    for (int i = 0; i < s->noffenses; i++) {
        route_row r = def;
        struct fy_node *on = cc_yaml_get(n, s->offense[i].name);
        if (on) {
            cc_yaml_push_key(ctx, s->offense[i].name);
            parse_route_node(ctx, on, &r);
            cc_yaml_pop(ctx);
        }
        for (int k = 0; k < 3; k++)
            po[k]->v[i] = r.p[k];
    }
    struct fy_node *bn = cc_yaml_get(n, "bribe");
    cc_yaml_push_key(ctx, "bribe");
    if (bn) {
        cc_yaml_parse_per_offense(ctx, bn, 0, 1, &s->bribe);
    } else {
        struct fy_node *built = fy_node_build_from_string(doc, BRIBE_DEFAULT, FY_NT);
        cc_yaml_parse_per_offense(ctx, built, 0, 1, &s->bribe);
        fy_node_free(built);
    }
    cc_yaml_pop(ctx);
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

static struct fy_node *scalar(struct fy_document *doc, const char *t)
{
    return fy_node_create_scalar_copy(doc, t, strlen(t));
}

static struct fy_node *route_print(struct fy_document *doc, const route_row *r)
{
    return cc_yaml_print_block(doc, NULL, &route_block, r);
}

static struct fy_node *routing_print(struct fy_document *doc, const cc_scenario *s)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    route_row r = {{s->route_release.def, s->route_rehab.def, s->route_prosecute.def}};
    fy_node_mapping_append(m, scalar(doc, "default"), route_print(doc, &r));
    for (int i = 0; i < s->noffenses; i++) {
        r = (route_row){{s->route_release.v[i], s->route_rehab.v[i], s->route_prosecute.v[i]}};
        fy_node_mapping_append(m, scalar(doc, s->offense[i].name), route_print(doc, &r));
    }
    fy_node_mapping_append(m, scalar(doc, "bribe"), cc_yaml_print_per_offense(doc, s, &s->bribe));
    return m;
}

static void routing_markdown(cc_buf *out, const char *path)
{
    cc_buf_printf(out,
                  "## `%s`\n\nWhat happens at arrest, per offense. `default` is the row of "
                  "every offense not listed; each row's shares sum to 1. A person facing "
                  "prosecution who is not `poor` may buy a diversion to rehab "
                  "(`bribe`, per offense).\n\n",
                  path);
    cc_buf_printf(out, "| key | type | default | bounds | unit | meaning | source |\n"
                       "|---|---|---|---|---|---|---|\n");
    cc_buf_printf(out, "| `default` | routing row | `%s` | shares sum to 1 | | "
                       "routing of offenses without their own row | assumption |\n",
                  ROUTE_DEFAULT);
    cc_buf_printf(out, "| `OFFENSE` | routing row | `default` | shares sum to 1 | | "
                       "routing of one offense class (key = its name) | |\n");
    cc_buf_printf(out, "| `bribe` | per-offense probability | `%s` | [0, 1] | | "
                       "chance of buying a diversion to rehab, if not poor | assumption |\n\n",
                  BRIBE_DEFAULT);
    char sub[128];
    snprintf(sub, sizeof sub, "%s.OFFENSE", path);
    cc_schema_markdown_block(out, &route_block, sub);
}

static const char *const routing_keys[] = {"default", "bribe", "release", "rehab", "prosecute",
                                           NULL};
static const cc_schema_custom routing_custom = {routing_parse, routing_print, routing_markdown,
                                                NULL, routing_keys};

/* ---- police, pretrial, trial, rehab, mortality -------------------------- */

static const cc_schema_row police_rows[] = {
    {.key = "days", .type = CC_T_PER_OFFENSE_DIST, .offset = offsetof(cc_scenario, police_days),
     .def = "{dist: uniform, min: 1, max: 3}", .unit = "days",
     .doc = "time in police custody before pretrial detention or bail",
     .source = "Cambodian Code of Criminal Procedure art. 96: 48 h, extendable by 24 h"},
};
static const cc_schema_block police_block = {"police", police_rows, NROWS(police_rows), 0, NULL};

static const cc_schema_row limit_rows[] = {
    {.key = "misdemeanour", .type = CC_T_REAL,
     .offset = offsetof(cc_scenario, limit_misdemeanour_days), .min = 0, .max = CC_MAX_DAYS,
     .def = "180", .unit = "days", .doc = "legal limit of pretrial detention for a misdemeanour",
     .source = "Cambodian CCP art. 209: 4 months, extendable by 2"},
    {.key = "felony", .type = CC_T_REAL, .offset = offsetof(cc_scenario, limit_felony_days),
     .min = 0, .max = CC_MAX_DAYS, .def = "540", .unit = "days",
     .doc = "legal limit of pretrial detention for a felony",
     .source = "Cambodian CCP art. 208: 6 months, extendable twice"},
};
static const cc_schema_block limit_block = {"pretrial.legal_limit_days", limit_rows, NROWS(limit_rows), 0, NULL};

static const cc_schema_row legal_aid_rows[] = {
    {.key = "coverage", .type = CC_T_PROB, .offset = offsetof(cc_scenario, legal_aid),
     .def = "0.1", .doc = "chance a prosecuted person has a lawyer",
     .source = "assumption: few detainees have counsel before trial"},
    {.key = "duration_factor", .type = CC_T_REAL,
     .offset = offsetof(cc_scenario, legal_aid_duration_factor), .min = 0, .max = 10,
     .def = "1", .doc = "factor on pretrial duration with a lawyer", .source = "assumption"},
    {.key = "conviction_factor", .type = CC_T_REAL,
     .offset = offsetof(cc_scenario, legal_aid_conviction_factor), .min = 0, .max = 10,
     .def = "1", .doc = "factor on the conviction probability with a lawyer",
     .source = "assumption"},
};
static const cc_schema_block legal_aid_block = {"pretrial.legal_aid", legal_aid_rows, NROWS(legal_aid_rows), 0, NULL};

static const cc_schema_row pretrial_rows[] = {
    {.key = "bail", .type = CC_T_PER_OFFENSE, .offset = offsetof(cc_scenario, bail), .min = 0,
     .max = 1, .def = "0.05", .doc = "chance of bail, if not poor",
     .source = "assumption: bail is rare in Cambodia"},
    {.key = "duration", .type = CC_T_PER_OFFENSE_DIST,
     .offset = offsetof(cc_scenario, pretrial_days),
     .def = "{dist: lognormal, median: 150, p90: 330}", .unit = "days",
     .doc = "time from arrest to first verdict", .source = "assumption"},
    {.key = "legal_limit_days", .type = CC_T_BLOCK, .offset = 0, .sub = &limit_block,
     .doc = "legal limits of pretrial detention"},
    {.key = "enforce_legal_limit", .type = CC_T_BOOL,
     .offset = offsetof(cc_scenario, enforce_legal_limit), .def = "false",
     .doc = "release at the limit (else violations happen and are counted)",
     .source = "limits are often exceeded in practice"},
    {.key = "legal_aid", .type = CC_T_BLOCK, .offset = 0, .sub = &legal_aid_block,
     .doc = "legal aid"},
};
static const cc_schema_block pretrial_block = {"pretrial", pretrial_rows, NROWS(pretrial_rows), 0, NULL};

static const cc_schema_row trial_rows[] = {
    {.key = "conviction", .type = CC_T_PER_OFFENSE, .offset = offsetof(cc_scenario, convict),
     .min = 0, .max = 1, .def = "0.9", .doc = "chance of conviction at trial",
     .source = "assumption"},
    {.key = "sentence", .type = CC_T_PER_OFFENSE_DIST,
     .offset = offsetof(cc_scenario, sentence_days),
     .def = "{dist: lognormal, median: 24, p90: 72, unit: months}", .unit = "days",
     .doc = "sentence length (pretrial time is credited)", .source = "assumption"},
    {.key = "appeal", .type = CC_T_PER_OFFENSE, .offset = offsetof(cc_scenario, appeal),
     .min = 0, .max = 1, .def = "0.3", .doc = "chance a convicted person appeals",
     .source = "assumption"},
    {.key = "appeal_duration", .type = CC_T_PER_OFFENSE_DIST,
     .offset = offsetof(cc_scenario, appeal_days),
     .def = "{dist: lognormal, median: 180, p90: 450}", .unit = "days",
     .doc = "time until the verdict is final", .source = "assumption"},
};
static const cc_schema_block trial_block = {"trial", trial_rows, NROWS(trial_rows), 0, NULL};

static const cc_schema_row rehab_rows[] = {
    {.key = "duration", .type = CC_T_DIST, .offset = offsetof(cc_scenario, rehab_days),
     .def = "{dist: lognormal, median: 6, p90: 12, unit: months}", .unit = "days",
     .doc = "stay in a compulsory rehab centre",
     .source = "assumption: stays of months are reported (HRW 2010)"},
    {.key = "excess_deaths_per_1000_per_year", .type = CC_T_REAL,
     .offset = offsetof(cc_scenario, rehab_excess_death_per_year), .min = 0, .max = 1000,
     .def = "0", .divisor = 1000, .unit = "per 1000 person-years",
     .doc = "excess mortality (abuse, neglect) in rehab centres; stored per person-year",
     .source = "assumption"},
};
static const cc_schema_block rehab_block = {"rehab", rehab_rows, NROWS(rehab_rows), 0, NULL};

static const cc_schema_row mortality_rows[] = {
    {.key = "per_1000_per_year_at_30", .type = CC_T_REAL,
     .offset = offsetof(cc_scenario, mort_at_30_per_year), .min = 0, .max = 1000, .def = "1.5",
     .divisor = 1000, .unit = "per 1000 person-years",
     .doc = "background mortality at age 30 (Gompertz); stored per person-year",
     .source = "assumption close to WHO life tables for Cambodian men"},
    {.key = "doubling_years", .type = CC_T_REAL,
     .offset = offsetof(cc_scenario, mort_doubling_years), .min = 0.1, .max = 100, .def = "8",
     .unit = "years", .doc = "background mortality doubles every so many years of age",
     .source = "Gompertz law: adult mortality doubles about every 8 years"},
    {.key = "crowding_per_1000_per_year", .type = CC_T_REAL,
     .offset = offsetof(cc_scenario, mort_crowding_per_year), .min = 0, .max = 1000, .def = "0",
     .divisor = 1000, .unit = "per 1000 person-years per unit of occupancy above 1",
     .doc = "extra mortality from crowding; stored per person-year", .source = "assumption"},
};
static const cc_schema_block mortality_block = {"mortality", mortality_rows, NROWS(mortality_rows), 0, NULL};

/* ---- composition ------------------------------------------------------ */

#define STATUS_ROW(name, st, what)                                                              \
    {.key = name, .type = CC_T_PROB, .offset = offsetof(cc_composition, status) +              \
                                               (st) * sizeof(double),                          \
     .def = "0", .doc = what}
static const cc_schema_row status_rows[] = {
    STATUS_ROW("police", CC_ST_POLICE, "share in police custody"),
    STATUS_ROW("pretrial", CC_ST_PRETRIAL, "share awaiting a first verdict"),
    STATUS_ROW("appeal", CC_ST_APPEAL, "share convicted, verdict not final"),
    STATUS_ROW("sentenced", CC_ST_SENTENCED, "share with a final verdict"),
    STATUS_ROW("rehab", CC_ST_REHAB, "share held in rehab"),
};
static const cc_schema_block status_block = {"status", status_rows, NROWS(status_rows), CC_F_SUM1, NULL};

#define STATUS_DEFAULT "{pretrial: 0.35, appeal: 0.35, sentenced: 0.3}"
static const cc_schema_row composition_rows[] = {
    {.key = "status", .type = CC_T_BLOCK, .offset = 0, .sub = &status_block,
     .def = STATUS_DEFAULT, .doc = "shares by justice status (sum 1)",
     .source = "about a third of Cambodia's prisoners await a first verdict and more than "
               "two thirds have no final one (LICADHO 2020)"},
    {.key = "offense", .type = CC_T_SHARES, .offset = offsetof(cc_composition, offense),
     .doc = "shares by offense (sum 1)", .source = "equal shares unless given"},
    {.key = "female", .type = CC_T_PROB, .offset = offsetof(cc_composition, female),
     .def = "0.08", .doc = "share of women (where the facility takes both sexes)",
     .source = "assumption, as people.female"},
};
static const cc_schema_block composition_block = {"composition", composition_rows, NROWS(composition_rows), 0, NULL};

/* ---- placement, facilities, costs --------------------------------------- */

static const cc_schema_row placement_rows[] = {
    {.key = "cell_fill", .type = CC_T_ENUM, .offset = offsetof(cc_scenario, cell_fill),
     .names = cell_fills, .def = "least_crowded", .doc = "how a cell is chosen for a newcomer"},
    {.key = "transfer_above_occupancy", .type = CC_T_REAL,
     .offset = offsetof(cc_scenario, transfer_occupancy_above), .min = 0, .max = 1000,
     .def = "0", .doc = "transfer to the least crowded facility above this occupancy (0 = off)"},
    {.key = "transfer_max_per_day", .type = CC_T_INT,
     .offset = offsetof(cc_scenario, transfer_max_per_day), .min = 0, .max = 1e7, .def = "100",
     .unit = "people per day", .doc = "most transfers ordered per day",
     .source = "assumption: transport capacity"},
};
static const cc_schema_block placement_block = {"placement", placement_rows, NROWS(placement_rows), 0, NULL};

static void facility_check(cc_yctx *ctx, struct fy_node *map, void *base)
{
    cc_facility *f = base;
    /* the outputs' rows of the whole system are named ALL */
    if (strcmp(f->name, "ALL") == 0) {
        cc_yaml_push_key(ctx, "name");
        cc_yaml_error(ctx, cc_yaml_get(map, "name"), "choose another name",
                      "'ALL' names the totals of the whole system in the outputs, got a "
                      "facility named 'ALL'");
        cc_yaml_pop(ctx);
    }
    /* a police station holds police custody, a centre holds rehab */
    if (f->type != CC_FAC_PRISON) {
        for (int k = 0; k < CC_ST_COUNT; k++)
            f->composition.status[k] = 0;
        f->composition.status[f->type == CC_FAC_POLICE ? CC_ST_POLICE : CC_ST_REHAB] = 1;
    }
}

static const cc_schema_row facility_rows[] = {
    {.key = "name", .type = CC_T_STRING, .offset = offsetof(cc_facility, name),
     .size = CC_MAX_NAME, .flags = CC_F_REQUIRED | CC_F_UNIQUE,
     .doc = "unique name (used by convicted_to, --set facilities.NAME.key and outputs)"},
    {.key = "type", .type = CC_T_ENUM, .offset = offsetof(cc_facility, type),
     .names = facility_types, .flags = CC_F_REQUIRED, .doc = "police, prison or rehab"},
    {.key = "sex", .type = CC_T_ENUM, .offset = offsetof(cc_facility, sex), .names = sex_rules,
     .def = "any", .doc = "who it holds"},
    {.key = "capacity", .type = CC_T_SCHEDULE, .offset = offsetof(cc_facility, capacity),
     .min = 0, .max = 1e8, .flags = CC_F_REQUIRED, .unit = "people",
     .doc = "official capacity (a number or a dated schedule)"},
    {.key = "cells", .type = CC_T_INT, .offset = offsetof(cc_facility, cells), .min = 1,
     .max = CC_MAX_CELLS, .def = "1", .doc = "number of cells; capacity is spread evenly"},
    {.key = "population", .type = CC_T_INT64, .offset = offsetof(cc_facility, population),
     .min = 0, .max = CC_MAX_POPULATION, .def = "0", .unit = "people",
     .doc = "people held on the first day"},
    {.key = "composition", .type = CC_T_BLOCK, .offset = offsetof(cc_facility, composition),
     .sub = &composition_block, .flags = CC_F_INHERIT,
     .doc = "composition of the first day's population; keys not given come from `initial` "
            "(status is police for police, rehab for rehab centres)"},
    {.key = "intake_share", .type = CC_T_SCHEDULE, .offset = offsetof(cc_facility, intake_share),
     .min = 0, .max = 1e6, .def = "1",
     .doc = "weight among eligible facilities of its type for new detainees"},
    {.key = "children", .type = CC_T_BOOL, .offset = offsetof(cc_facility, children),
     .def = "false", .doc = "young children may live here with their mothers"},
    {.key = "opens", .type = CC_T_DAY, .offset = offsetof(cc_facility, opens),
     .doc = "date it starts taking admissions (absent: from the start)"},
    {.key = "staff", .type = CC_T_INT, .offset = offsetof(cc_facility, staff), .min = 0,
     .max = 1e6, .def = "0", .unit = "people", .doc = "staff (disease model only)"},
    {.key = "convicted_to", .type = CC_T_FACILITY_REF,
     .offset = offsetof(cc_facility, convicted_to),
     .doc = "facility where people go once convicted (absent: they stay)"},
    {.key = "excess_deaths_per_1000_per_year", .type = CC_T_REAL,
     .offset = offsetof(cc_facility, excess_death_per_year), .min = 0, .max = 1000, .def = "0",
     .divisor = 1000, .unit = "per 1000 person-years",
     .doc = "excess mortality of this facility; stored per person-year"},
};
static const cc_schema_block facility_block = {"facilities[]", facility_rows, NROWS(facility_rows), 0,
                                               facility_check};

#define COST_ROW(name, st)                                                                      \
    {.key = name, .type = CC_T_REAL,                                                            \
     .offset = offsetof(cc_scenario, cost_per_day) + (st) * sizeof(double), .min = 0,          \
     .max = 1e9, .def = "0", .unit = "currency per person-day",                                 \
     .doc = "cost of a person-day in state " name}
static const cc_schema_row cost_day_rows[] = {
    COST_ROW("police", CC_ST_POLICE),       COST_ROW("pretrial", CC_ST_PRETRIAL),
    COST_ROW("bail", CC_ST_BAIL),           COST_ROW("appeal", CC_ST_APPEAL),
    COST_ROW("sentenced", CC_ST_SENTENCED), COST_ROW("rehab", CC_ST_REHAB),
};
static const cc_schema_block cost_day_block = {"costs.per_day", cost_day_rows, NROWS(cost_day_rows), 0, NULL};

static const cc_schema_row costs_rows[] = {
    {.key = "per_day", .type = CC_T_BLOCK, .offset = 0, .sub = &cost_day_block,
     .doc = "cost per person-day by state"},
    {.key = "community_per_day", .type = CC_T_REAL,
     .offset = offsetof(cc_scenario, cost_community_per_day), .min = 0, .max = 1e9, .def = "0",
     .unit = "currency per person-day", .doc = "cost of a day of community treatment"},
};
static const cc_schema_block costs_block = {"costs", costs_rows, NROWS(costs_rows), 0, NULL};

/* ---- the top level ---------------------------------------------------- */

/* ---- report dates ------------------------------------------------------ */

static int report_dates_parse(cc_yctx *ctx, struct fy_node *n, cc_scenario *s)
{
    s->nreport_dates = 0;
    if (!n)
        return 0;
    if (!fy_node_is_sequence(n)) {
        cc_yaml_error(ctx, n, NULL, "expected a list of dates (YYYY-MM-DD), got %s",
                      fy_node_is_mapping(n) ? "a mapping" : "a scalar");
        return -1;
    }
    int count = fy_node_sequence_item_count(n), rc = 0;
    if (count > CC_MAX_REPORT_DATES) {
        cc_yaml_error(ctx, n, NULL, "expected at most %d dates, got %d", CC_MAX_REPORT_DATES,
                      count);
        return -1;
    }
    void *it = NULL;
    struct fy_node *item;
    for (int i = 0; (item = fy_node_sequence_iterate(n, &it)) != NULL; i++) {
        cc_yaml_push_index(ctx, i);
        int32_t date;
        if (cc_yaml_date(ctx, item, &date) != 0) {
            rc = -1;
        } else if (date < s->start_date) {
            char a[11];
            cc_date_format(s->start_date, a);
            cc_yaml_error(ctx, item, NULL, "expected a date from %s (the start) on", a);
            rc = -1;
        } else if (s->nreport_dates > 0 &&
                   date - s->start_date <= s->report_dates[s->nreport_dates - 1]) {
            cc_yaml_error(ctx, item, NULL, "expected dates in increasing order");
            rc = -1;
        } else {
            s->report_dates[s->nreport_dates++] = date - s->start_date;
        }
        cc_yaml_pop(ctx);
    }
    return rc;
}

static struct fy_node *report_dates_print(struct fy_document *doc, const cc_scenario *s)
{
    struct fy_node *seq = fy_node_create_sequence(doc);
    for (int i = 0; i < s->nreport_dates; i++) {
        char iso[11];
        cc_date_format(s->start_date + s->report_dates[i], iso);
        fy_node_sequence_append(seq, scalar(doc, iso));
    }
    return seq;
}

static void report_dates_markdown(cc_buf *out, const char *path)
{
    cc_buf_printf(out,
                  "## `%s`\n\nA list of dates (YYYY-MM-DD, increasing, from the start on; at "
                  "most %d; default none; dates after the last simulated day are skipped, so "
                  "that a shorter run of the same scenario works). At the end of each, `summary.json` records "
                  "under `at.<date>` the prison population, the drug, pretrial and unconvicted "
                  "shares of prisoners, every facility's population and the drug arrests since "
                  "the start: the stocks that observed figures are compared with.\n\n",
                  path, CC_MAX_REPORT_DATES);
}

static const cc_schema_custom report_dates_custom = {
    report_dates_parse, report_dates_print, report_dates_markdown, NULL, NULL};

static const cc_schema_custom disease_custom = {
    cc_disease_spec_parse, cc_disease_spec_print, cc_disease_spec_markdown, cc_disease_spec_free,
    cc_disease_spec_keys};

static const cc_schema_row top_rows[] = {
    {.key = "include", .type = CC_T_CUSTOM, .custom = &cc_include_custom,
     .doc = "a scenario this one is laid over: a file or `default` (see below)"},
    {.key = "name", .type = CC_T_STRING, .offset = offsetof(cc_scenario, name),
     .size = sizeof(((cc_scenario *)0)->name), .flags = CC_F_REQUIRED,
     .doc = "title of the scenario (shown in reports)"},
    {.key = "country", .type = CC_T_STRING, .offset = offsetof(cc_scenario, country),
     .size = sizeof(((cc_scenario *)0)->country), .def = "Cambodia",
     .doc = "the country the scenario describes; for another than Cambodia, carcer warns "
            "about every default from Cambodian law or data that the scenario does not give"},
    {.key = "description", .type = CC_T_STRING, .offset = offsetof(cc_scenario, description),
     .size = sizeof(((cc_scenario *)0)->description),
     .doc = "what the scenario is, in a sentence or two (shown at the top of reports)"},
    {.key = "currency", .type = CC_T_STRING, .offset = offsetof(cc_scenario, currency),
     .size = sizeof(((cc_scenario *)0)->currency),
     .doc = "the currency of `costs:`, as reports name it (e.g. `US dollars`); costs are "
            "shown without a unit when it is not given"},
    {.key = "start", .type = CC_T_DATE, .offset = offsetof(cc_scenario, start_date),
     .flags = CC_F_REQUIRED, .doc = "first simulated day (YYYY-MM-DD)"},
    {.key = "days", .type = CC_T_INT, .offset = offsetof(cc_scenario, days), .min = 1,
     .max = CC_MAX_DAYS, .flags = CC_F_REQUIRED, .unit = "days", .doc = "days simulated"},
    {.key = "seed", .type = CC_T_UINT64, .offset = offsetof(cc_scenario, seed), .min = 0,
     .max = 4294967295.0, .def = "1", .doc = "random seed (same seed, same results)"},
    {.key = "replicates", .type = CC_T_INT, .offset = offsetof(cc_scenario, replicates),
     .min = 1, .max = 100000, .def = "1", .doc = "independent replicates"},
    {.key = "report_dates", .type = CC_T_CUSTOM, .custom = &report_dates_custom,
     .doc = "dates at which summary.json records the stocks"},
    {.key = "offenses", .type = CC_T_OFFENSES, .offset = 0, .sub = &offense_block,
     .flags = CC_F_REQUIRED,
     .doc = "offense classes: name -> flags; names are letters, digits, _ and -"},
    {.key = "people", .type = CC_T_BLOCK, .offset = offsetof(cc_scenario, people),
     .sub = &people_block, .doc = "who is arrested"},
    {.key = "arrests", .type = CC_T_BLOCK, .offset = 0, .sub = &arrests_block,
     .doc = "arrests"},
    {.key = "direct_admissions", .type = CC_T_BLOCK, .offset = 0, .sub = &direct_block,
     .doc = "admissions without charge (round-ups)"},
    {.key = "routing", .type = CC_T_CUSTOM, .custom = &routing_custom,
     .doc = "release, rehab or prosecution at arrest"},
    {.key = "police", .type = CC_T_BLOCK, .offset = 0, .sub = &police_block,
     .doc = "police custody"},
    {.key = "pretrial", .type = CC_T_BLOCK, .offset = 0, .sub = &pretrial_block,
     .doc = "pretrial detention and bail"},
    {.key = "trial", .type = CC_T_BLOCK, .offset = 0, .sub = &trial_block, .doc = "trial"},
    {.key = "rehab", .type = CC_T_BLOCK, .offset = 0, .sub = &rehab_block,
     .doc = "compulsory drug detention centres"},
    {.key = "mortality", .type = CC_T_BLOCK, .offset = 0, .sub = &mortality_block,
     .doc = "deaths in custody other than from the disease"},
    {.key = "initial", .type = CC_T_BLOCK, .offset = offsetof(cc_scenario, initial),
     .sub = &composition_block, .doc = "default composition of the first day's population"},
    {.key = "placement", .type = CC_T_BLOCK, .offset = 0, .sub = &placement_block,
     .doc = "cells and transfers"},
    {.key = "facilities", .type = CC_T_LIST, .offset = offsetof(cc_scenario, facility),
     .count_offset = offsetof(cc_scenario, nfacilities), .size = sizeof(cc_facility),
     .min = 1, .max = CC_MAX_FACILITIES, .sub = &facility_block, .flags = CC_F_REQUIRED,
     .doc = "police stations, prisons and rehab centres"},
    {.key = "costs", .type = CC_T_BLOCK, .offset = 0, .sub = &costs_block,
     .doc = "costs per person-day"},
    /* after start and facilities: the disease block refers to both */
    {.key = "disease", .type = CC_T_CUSTOM, .custom = &disease_custom,
     .doc = "an infection spreading in the cells (docs/disease.md)"},
    {.key = "policies", .type = CC_T_CUSTOM, .custom = &cc_policies_custom,
     .doc = "dated and triggered policies (docs/policies.md)"},
    /* after facilities, report_dates and disease: targets name them */
    {.key = "targets", .type = CC_T_CUSTOM, .custom = &cc_targets_custom,
     .doc = "observed figures a run is compared with (docs/calibration.md)"},
    /* last: it names every uncertain input met before it */
    {.key = "posterior", .type = CC_T_CUSTOM, .custom = &cc_posterior_custom,
     .doc = "a calibrated posterior (posterior.csv of carcer calibrate) the replicates draw "
            "their uncertain inputs from (docs/uncertainty.md)"},
};
static const cc_schema_block top_block = {"scenario", top_rows, NROWS(top_rows), 0, NULL};

const cc_schema_block *cc_schema_top(void) { return &top_block; }

/* ---- reference documentation ------------------------------------------- */

static const char *type_name(const cc_schema_row *row, char *buf, size_t cap)
{
    switch (row->type) {
    case CC_T_STRING:
        return "string";
    case CC_T_INT:
    case CC_T_INT64:
    case CC_T_UINT64:
        return "integer";
    case CC_T_REAL:
        return "number";
    case CC_T_PROB:
        return "probability";
    case CC_T_BOOL:
        return "true/false";
    case CC_T_DATE:
    case CC_T_DAY:
        return "date";
    case CC_T_ENUM: {
        size_t len = 0;
        buf[0] = '\0';
        for (int i = 0; row->names[i]; i++)
            len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "%s`%s`",
                                    i ? " \\| " : "", row->names[i]);
        return buf;
    }
    case CC_T_DIST:
        return "distribution";
    case CC_T_SCHEDULE:
        return "number or schedule";
    case CC_T_PER_OFFENSE:
        return "per-offense number";
    case CC_T_PER_OFFENSE_DIST:
        return "per-offense distribution";
    case CC_T_SHARES:
        return "offense shares";
    case CC_T_OFFENSES:
        return "offense classes";
    case CC_T_FACILITY_REF:
        return "facility name";
    case CC_T_BLOCK:
        return "block";
    case CC_T_LIST:
        return "list of records";
    case CC_T_CUSTOM:
        return "block";
    }
    return "?";
}

static void bounds_of(const cc_schema_row *row, char *buf, size_t cap)
{
    char a[40], b[40];
    buf[0] = '\0';
    switch (row->type) {
    case CC_T_PROB:
        snprintf(buf, cap, "[0, 1]");
        break;
    case CC_T_INT:
    case CC_T_INT64:
    case CC_T_UINT64:
    case CC_T_REAL:
    case CC_T_SCHEDULE:
    case CC_T_PER_OFFENSE:
    case CC_T_LIST:
        cc_yaml_format_real(a, row->min, 1);
        cc_yaml_format_real(b, row->max, 1);
        if (row->max >= INF)
            snprintf(buf, cap, ">= %s", a);
        else
            snprintf(buf, cap, "[%s, %s]%s", a, b, row->type == CC_T_LIST ? " entries" : "");
        break;
    case CC_T_SHARES:
        snprintf(buf, cap, "sum 1");
        break;
    case CC_T_OFFENSES:
        snprintf(buf, cap, "[1, %d] classes", CC_MAX_OFFENSES);
        break;
    case CC_T_BLOCK:
        if (row->sub->flags & CC_F_SUM1)
            snprintf(buf, cap, "sum 1");
        break;
    default:
        break;
    }
}

static void default_of(const cc_schema_row *row, char *buf, size_t cap)
{
    if (row->flags & CC_F_REQUIRED)
        snprintf(buf, cap, "**required**");
    else if (row->def)
        snprintf(buf, cap, "`%s`", row->def);
    else if (row->type == CC_T_SHARES)
        snprintf(buf, cap, "equal shares");
    else if (row->flags & CC_F_INHERIT)
        snprintf(buf, cap, "`initial`");
    else if (row->type == CC_T_DAY)
        snprintf(buf, cap, "`start`");
    else if (row->type == CC_T_BLOCK || row->type == CC_T_CUSTOM)
        snprintf(buf, cap, "see below");
    else
        snprintf(buf, cap, "none");
}

void cc_schema_markdown_block(cc_buf *out, const cc_schema_block *b, const char *path)
{
    if (path[0])
        cc_buf_printf(out, "## `%s`\n\n", path);
    else
        cc_buf_printf(out, "## Top level\n\n");
    if (b->flags & CC_F_SUM1)
        cc_buf_printf(out, "The shares of this block sum to 1 (within 1e-6).\n\n");
    cc_buf_printf(out, "| key | type | default | bounds | unit | meaning | source |\n"
                       "|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < b->nrows; i++) {
        const cc_schema_row *r = &b->rows[i];
        char tbuf[256], bbuf[96], dbuf[256];
        bounds_of(r, bbuf, sizeof bbuf);
        default_of(r, dbuf, sizeof dbuf);
        cc_buf_printf(out, "| `%s` | %s | %s | %s | %s | %s | %s |\n", r->key,
                      type_name(r, tbuf, sizeof tbuf), dbuf, bbuf, r->unit ? r->unit : "",
                      r->doc ? r->doc : "", r->source ? r->source : "");
    }
    cc_buf_printf(out, "\n");
    for (int i = 0; i < b->nrows; i++) {
        const cc_schema_row *r = &b->rows[i];
        char sub[256];
        snprintf(sub, sizeof sub, "%s%s%s%s", path[0] ? path : "", path[0] ? "." : "", r->key,
                 r->type == CC_T_LIST ? "[]" : r->type == CC_T_OFFENSES ? ".NAME" : "");
        if (r->type == CC_T_BLOCK || r->type == CC_T_LIST || r->type == CC_T_OFFENSES) {
            /* a block shared by several rows (composition) is documented where it first
             * appears */
            bool seen = false;
            for (int j = 0; j < i; j++)
                seen |= b->rows[j].sub == r->sub;
            if (!seen && !(r->flags & CC_F_INHERIT))
                cc_schema_markdown_block(out, r->sub, sub);
            else if (r->flags & CC_F_INHERIT)
                cc_buf_printf(out, "`%s` has the keys of `initial` (see there).\n\n", sub);
        } else if (r->type == CC_T_CUSTOM && r->custom->markdown) {
            r->custom->markdown(out, sub);
        }
    }
}

char *cc_schema_markdown(void)
{
    cc_buf out = {0};
    cc_buf_printf(
        &out,
        "# Scenario reference\n\n"
        "<!-- generated from the schema table in src/schema.c by cc_schema_markdown(); "
        "do not edit: run `CARCER_REGEN_DOCS=1 tests/test_scenario` -->\n\n"
        "A scenario is one YAML file. Keys not listed here are errors (with the nearest known "
        "key suggested). `carcer check FILE` reports its errors and warnings (nothing when it is fine); `carcer check --verbose FILE` prints the scenario with every default filled in. "
        "Any scalar can be overridden on the command line with `--set key.path=value`; list "
        "entries are named by index (`facilities.0.capacity`) or by name "
        "(`facilities.CC1.capacity`). A `--set` value is read as one plain YAML value, "
        "checked as files are (no anchors, aliases, tags, directives or document markers), "
        "and a path has at most 64 keys; errors in it are reported as `--set:N:COL` (the Nth "
        "`--set`, the column within it).\n\n"
        "Value forms:\n\n"
        "- **distribution**: `{dist: fixed, value}`, `{dist: uniform, min, max}`, "
        "`{dist: exponential, mean}`, `{dist: lognormal, median, p90}`, "
        "`{dist: lognormal, mean, sd}`, `{dist: gamma, mean, sd}`, "
        "`{dist: gamma, shape, scale}`, `{dist: empirical, bins: [[lo, hi, weight], ...]}` "
        "(uniform within a bin), with an optional `unit: days|months|years` (a month is "
        "30.4375 days, a year 365.25 days; durations default to days, `people.age` to years). "
        "Lognormal from median and p90: mu = ln median, sigma = (ln p90 - ln median) / "
        "1.2815515655446004 (the standard normal quantile of 0.9).\n"
        "- **schedule**: a number, or a list of `{from: DATE, value: X}` with strictly "
        "increasing dates; the first value also holds before its date.\n"
        "- **per-offense**: a single value for every offense class, or "
        "`{default: X, OFFENSE: X, ...}`; `default` is required unless every class is given.\n"
        "- **offense shares**: `{OFFENSE: share, ...}` over declared classes, summing to 1 "
        "(within 1e-6); classes not listed get 0.\n"
        "- **date**: `YYYY-MM-DD`.\n"
        "- **prior** (an uncertain input, docs/uncertainty.md): wherever a number stands (a key, "
        "one value of a per-offense block or of a schedule, a parameter of a distribution, a "
        "number of the disease block or of a policy) a prior may stand instead: "
        "`{prior: uniform, min, max}`, `{prior: loguniform, min, max}`, "
        "`{prior: normal, mean, sd, min?, max?}` (truncated), `{prior: lognormal, median, p90}`, "
        "`{prior: beta, mean, sd}` or `{prior: beta, alpha, beta}`. Its values must lie within "
        "the key's bounds (a normal or lognormal tail past them is cut off when it holds under "
        "one in a million of the mass); an integer key takes the drawn value rounded. Each "
        "replicate of a run draws its own values (a Latin hypercube over the replicates, "
        "pairs of replicates sharing one draw).\n\n");
    cc_schema_markdown_block(&out, &top_block, "");
    if (out.failed) {
        cc_buf_free(&out);
        return NULL;
    }
    return out.data;
}

static void each_key(const cc_schema_block *b, const char *path,
                     void (*fn)(const char *path, void *arg), void *arg)
{
    for (int i = 0; i < b->nrows; i++) {
        const cc_schema_row *r = &b->rows[i];
        char sub[256];
        snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", r->key);
        fn(sub, arg);
        if (r->sub && !(r->flags & CC_F_INHERIT))
            each_key(r->sub, sub, fn, arg);
        if (r->type == CC_T_CUSTOM && r->custom->keys)
            for (int k = 0; r->custom->keys[k]; k++) {
                char ck[300];
                snprintf(ck, sizeof ck, "%s.%s", sub, r->custom->keys[k]);
                fn(ck, arg);
            }
    }
}

void cc_schema_each_key(void (*fn)(const char *path, void *arg), void *arg)
{
    each_key(&top_block, "", fn, arg);
}
