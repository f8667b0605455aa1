/* yaml_rows.c - the generic machinery behind the schema table: parse a row
 * of any type from a libfyaml node into the scenario, print it back as a
 * node of the resolved document, and free what it allocated.
 *
 * Every parser reports its own errors (cc_yaml_error) and carries on, so
 * that one load reports every problem of the file. Sizes given by the file
 * (list lengths, schedule entries) are checked against their CC_MAX_*
 * limits before anything is allocated from them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "prior.h"
#include "schema.h"

#define SHARE_TOL 1e-6 /* tolerance of shares that must sum to 1 */

static void *at(void *base, size_t off) { return (char *)base + off; }
static const void *cat(const void *base, size_t off) { return (const char *)base + off; }

static int is_alias(struct fy_node *n) { return n && fy_node_is_alias(n); }

static const char *kind_of(struct fy_node *n)
{
    if (!n || fy_node_is_null(n))
        return "nothing";
    return fy_node_is_mapping(n) ? "a mapping" : fy_node_is_sequence(n) ? "a list" : "a scalar";
}

/* ---- per-offense values ------------------------------------------------- */

/* Check the keys of a per-offense map; returns the bit set of offenses
 * given, and the `default` node through *def. */
static unsigned per_offense_keys(cc_yctx *ctx, struct fy_node *n, struct fy_node **def)
{
    cc_scenario *s = cc_yaml_scenario(ctx);
    const char *keys[CC_MAX_OFFENSES + 2];
    int nk = 0;
    keys[nk++] = "default";
    for (int i = 0; i < s->noffenses; i++)
        keys[nk++] = s->offense[i].name;
    keys[nk] = NULL;
    if (s->noffenses > 0)
        cc_yaml_check_names(ctx, n, keys, "offense");
    *def = cc_yaml_get(n, "default");
    unsigned given = 0;
    for (int i = 0; i < s->noffenses; i++)
        if (cc_yaml_get(n, s->offense[i].name))
            given |= 1u << i;
    return given;
}

static void missing_default(cc_yctx *ctx, struct fy_node *n, unsigned given)
{
    cc_scenario *s = cc_yaml_scenario(ctx);
    char list[512] = "";
    for (int i = 0; i < s->noffenses; i++)
        if (!(given & (1u << i))) {
            if (list[0])
                strncat(list, ", ", sizeof list - strlen(list) - 1);
            strncat(list, s->offense[i].name, sizeof list - strlen(list) - 1);
        }
    cc_yaml_error(ctx, n, "add 'default:' or a value for each of them",
                  "missing 'default': no value for %s", list);
}

int cc_yaml_parse_per_offense(cc_yctx *ctx, struct fy_node *n, double min, double max,
                              cc_per_offense *po)
{
    cc_scenario *s = cc_yaml_scenario(ctx);
    memset(po, 0, sizeof *po);
    if (is_alias(n))
        return -1;
    if (n && (fy_node_is_scalar(n) || cc_prior_node(n))) {
        double v;
        if (cc_yaml_real(ctx, n, min, max, &v))
            return -1;
        po->has_default = true;
        po->def = v;
        for (int i = 0; i < s->noffenses; i++)
            po->v[i] = v;
        return 0;
    }
    if (!n || !fy_node_is_mapping(n)) {
        cc_yaml_error(ctx, n, "write a number, or {default: x, OFFENSE: y}",
                      "expected a number or a per-offense mapping, got %s", kind_of(n));
        return -1;
    }
    int errs = cc_yctx_errors(ctx);
    struct fy_node *dn;
    unsigned given = per_offense_keys(ctx, n, &dn);
    if (dn) {
        cc_yaml_push_key(ctx, "default");
        if (cc_yaml_real(ctx, dn, min, max, &po->def) == 0)
            po->has_default = true;
        cc_yaml_pop(ctx);
        cc_prior_inherit(ctx, "default", ~given & ((1u << s->noffenses) - 1u));
    }
    for (int i = 0; i < s->noffenses; i++) {
        struct fy_node *v = cc_yaml_get(n, s->offense[i].name);
        if (v) {
            cc_yaml_push_key(ctx, s->offense[i].name);
            cc_yaml_real(ctx, v, min, max, &po->v[i]);
            cc_yaml_pop(ctx);
        } else {
            po->v[i] = po->def;
        }
    }
    if (!dn && s->noffenses > 0 && given != (1u << s->noffenses) - 1u)
        missing_default(ctx, n, given);
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

struct fy_node *cc_yaml_print_per_offense(struct fy_document *doc, const cc_scenario *s,
                                          const cc_per_offense *po)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    if (po->has_default)
        fy_node_mapping_append(m, fy_node_create_scalar(doc, "default", FY_NT),
                               cc_yaml_print_real(doc, po->def, 1));
    for (int i = 0; i < s->noffenses; i++)
        fy_node_mapping_append(m, fy_node_create_scalar_copy(doc, s->offense[i].name, FY_NT),
                               cc_yaml_print_real(doc, po->v[i], 1));
    return m;
}

static int parse_per_offense_dist(cc_yctx *ctx, struct fy_node *n, const char *unit,
                                  cc_per_offense_dist *po)
{
    cc_scenario *s = cc_yaml_scenario(ctx);
    if (is_alias(n))
        return -1;
    if (n && fy_node_is_mapping(n) && cc_yaml_get(n, "dist")) {
        /* one distribution for every offense */
        if (cc_yaml_parse_dist(ctx, n, unit, &po->def))
            return -1;
        cc_prior_inherit(ctx, NULL, (1u << s->noffenses) - 1u);
        po->has_default = true;
        for (int i = 0; i < s->noffenses; i++)
            if (cc_dist_copy(&po->d[i], &po->def)) {
                cc_yaml_error(ctx, n, NULL, "out of memory");
                return -1;
            }
        return 0;
    }
    if (!n || !fy_node_is_mapping(n)) {
        cc_yaml_error(ctx, n, "write {dist: ...}, or {default: {dist: ...}, OFFENSE: {dist: ...}}",
                      "expected a distribution or a per-offense mapping, got %s", kind_of(n));
        return -1;
    }
    int errs = cc_yctx_errors(ctx);
    struct fy_node *dn;
    unsigned given = per_offense_keys(ctx, n, &dn);
    if (dn) {
        cc_yaml_push_key(ctx, "default");
        if (cc_yaml_parse_dist(ctx, dn, unit, &po->def) == 0)
            po->has_default = true;
        cc_yaml_pop(ctx);
        cc_prior_inherit(ctx, "default", ~given & ((1u << s->noffenses) - 1u));
    }
    for (int i = 0; i < s->noffenses; i++) {
        struct fy_node *v = cc_yaml_get(n, s->offense[i].name);
        if (v) {
            cc_yaml_push_key(ctx, s->offense[i].name);
            cc_yaml_parse_dist(ctx, v, unit, &po->d[i]);
            cc_yaml_pop(ctx);
        } else if (po->has_default && cc_dist_copy(&po->d[i], &po->def)) {
            cc_yaml_error(ctx, n, NULL, "out of memory");
        }
    }
    if (!dn && s->noffenses > 0 && given != (1u << s->noffenses) - 1u)
        missing_default(ctx, n, given);
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

static struct fy_node *print_per_offense_dist(struct fy_document *doc, const cc_scenario *s,
                                              const cc_per_offense_dist *po, const char *unit)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    if (po->has_default)
        fy_node_mapping_append(m, fy_node_create_scalar(doc, "default", FY_NT),
                               cc_yaml_print_dist(doc, &po->def, unit));
    for (int i = 0; i < s->noffenses; i++)
        fy_node_mapping_append(m, fy_node_create_scalar_copy(doc, s->offense[i].name, FY_NT),
                               cc_yaml_print_dist(doc, &po->d[i], unit));
    return m;
}

/* ---- offense shares ------------------------------------------------------ */

static int parse_shares(cc_yctx *ctx, struct fy_node *n, double *share)
{
    cc_scenario *s = cc_yaml_scenario(ctx);
    for (int i = 0; i < CC_MAX_OFFENSES; i++)
        share[i] = 0;
    if (!n) {
        for (int i = 0; i < s->noffenses; i++)
            share[i] = 1.0 / s->noffenses;
        return 0;
    }
    if (is_alias(n))
        return -1;
    if (!fy_node_is_mapping(n)) {
        cc_yaml_error(ctx, n, "write {OFFENSE: share, ...}",
                      "expected a mapping of offense shares, got %s", kind_of(n));
        return -1;
    }
    if (s->noffenses == 0)
        return -1; /* the offenses block failed; reported there */
    int errs = cc_yctx_errors(ctx);
    const char *keys[CC_MAX_OFFENSES + 1];
    for (int i = 0; i < s->noffenses; i++)
        keys[i] = s->offense[i].name;
    keys[s->noffenses] = NULL;
    cc_yaml_check_names(ctx, n, keys, "offense");
    double sum = 0;
    for (int i = 0; i < s->noffenses; i++) {
        struct fy_node *v = cc_yaml_get(n, s->offense[i].name);
        if (!v)
            continue;
        cc_yaml_push_key(ctx, s->offense[i].name);
        if (cc_yaml_real(ctx, v, 0, 1, &share[i]) == 0)
            sum += share[i];
        cc_yaml_pop(ctx);
    }
    if (cc_yctx_errors(ctx) == errs && fabs(sum - 1) > SHARE_TOL)
        cc_yaml_error(ctx, n, NULL, "shares must sum to 1, got %.10g", sum);
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

static struct fy_node *print_shares(struct fy_document *doc, const cc_scenario *s,
                                    const double *share)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    for (int i = 0; i < s->noffenses; i++)
        fy_node_mapping_append(m, fy_node_create_scalar_copy(doc, s->offense[i].name, FY_NT),
                               cc_yaml_print_real(doc, share[i], 1));
    return m;
}

/* ---- the offense classes ----------------------------------------------- */

static int valid_offense_name(const char *t, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int parse_offenses(cc_yctx *ctx, const cc_schema_row *row, struct fy_node *n)
{
    /* names that per-offense maps and routing use as keys of their own */
    static const char *const reserved[] = {"default", "bribe", "dist", NULL};
    cc_scenario *s = cc_yaml_scenario(ctx);
    if (is_alias(n))
        return -1;
    if (!fy_node_is_mapping(n)) {
        cc_yaml_error(ctx, n, "write {drug_use: {drug: true}, other: {}}",
                      "expected a mapping of offense classes, got %s", kind_of(n));
        return -1;
    }
    int count = fy_node_mapping_item_count(n);
    if (count < 1 || count > CC_MAX_OFFENSES) {
        cc_yaml_error(ctx, n, NULL, "expected 1 to %d offense classes, got %d", CC_MAX_OFFENSES,
                      count);
        return -1;
    }
    int errs = cc_yctx_errors(ctx);
    void *it = NULL;
    struct fy_node_pair *p;
    int k = 0;
    while ((p = fy_node_mapping_iterate(n, &it))) {
        struct fy_node *key = fy_node_pair_key(p);
        struct fy_node *val = fy_node_pair_value(p);
        size_t len = 0;
        const char *t = key && fy_node_is_scalar(key) ? fy_node_get_scalar(key, &len) : NULL;
        if (!t || !valid_offense_name(t, len) || len >= CC_MAX_NAME) {
            cc_yaml_error(ctx, key, NULL,
                          "expected an offense name of letters, digits, '_' and '-' "
                          "(at most %d bytes), got %s%.*s%s",
                          CC_MAX_NAME - 1, t ? "'" : "", t ? (int)(len > 40 ? 40 : len) : 0,
                          t ? t : "", t ? "'" : "a collection");
            continue;
        }
        cc_offense *o = &s->offense[k];
        memcpy(o->name, t, len);
        o->name[len] = '\0';
        cc_yaml_push_key(ctx, o->name);
        for (int r = 0; reserved[r]; r++)
            if (strcmp(o->name, reserved[r]) == 0)
                cc_yaml_error(ctx, key, NULL, "'%s' is reserved and cannot name an offense",
                              o->name);
        if (val && fy_node_is_null(val))
            val = NULL;
        cc_yaml_parse_block(ctx, row->sub, val, o);
        cc_yaml_pop(ctx);
        k++;
    }
    s->noffenses = k;
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

static struct fy_node *print_offenses(struct fy_document *doc, const cc_scenario *s,
                                      const cc_schema_row *row)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    for (int i = 0; i < s->noffenses; i++)
        fy_node_mapping_append(m, fy_node_create_scalar_copy(doc, s->offense[i].name, FY_NT),
                               cc_yaml_print_block(doc, s, row->sub, &s->offense[i]));
    return m;
}

/* ---- schedules -------------------------------------------------------- */

static int parse_schedule(cc_yctx *ctx, const cc_schema_row *row, struct fy_node *n,
                          cc_schedule *sc)
{
    static const char *const keys[] = {"from", "value", NULL};
    cc_scenario *s = cc_yaml_scenario(ctx);
    memset(sc, 0, sizeof *sc);
    if (is_alias(n))
        return -1;
    if (n && ((fy_node_is_scalar(n) && !fy_node_is_null(n)) || cc_prior_node(n))) {
        double v;
        if (cc_yaml_real(ctx, n, row->min, row->max, &v))
            return -1;
        sc->from = malloc(sizeof *sc->from);
        sc->value = malloc(sizeof *sc->value);
        if (!sc->from || !sc->value) {
            cc_yaml_error(ctx, n, NULL, "out of memory");
            return -1;
        }
        sc->n = 1;
        sc->from[0] = 0;
        sc->value[0] = v;
        return 0;
    }
    if (!n || !fy_node_is_sequence(n)) {
        cc_yaml_error(ctx, n, "write a number, or a list of {from: DATE, value: X}",
                      "expected a number or a schedule, got %s", kind_of(n));
        return -1;
    }
    int count = fy_node_sequence_item_count(n);
    if (count < 1 || count > CC_MAX_SCHEDULE) {
        cc_yaml_error(ctx, n, NULL, "expected 1 to %d schedule entries, got %d", CC_MAX_SCHEDULE,
                      count);
        return -1;
    }
    sc->from = calloc((size_t)count, sizeof *sc->from);
    sc->value = calloc((size_t)count, sizeof *sc->value);
    if (!sc->from || !sc->value) {
        cc_yaml_error(ctx, n, NULL, "out of memory");
        return -1;
    }
    sc->n = count;
    int errs = cc_yctx_errors(ctx);
    bool prev_ok = false;
    void *eit = NULL; /* iterate: get_by_index walks the list, quadratic over a list */
    for (int i = 0; i < count; i++) {
        struct fy_node *e = fy_node_sequence_iterate(n, &eit);
        cc_yaml_push_index(ctx, i);
        if (is_alias(e)) {
            cc_yaml_pop(ctx);
            prev_ok = false;
            continue;
        }
        if (!fy_node_is_mapping(e)) {
            cc_yaml_error(ctx, e, NULL, "expected {from: DATE, value: X}, got %s", kind_of(e));
            cc_yaml_pop(ctx);
            prev_ok = false;
            continue;
        }
        cc_yaml_check_keys(ctx, e, keys);
        struct fy_node *fn = cc_yaml_get(e, "from"), *vn = cc_yaml_get(e, "value");
        int32_t date = 0;
        bool date_ok = false;
        cc_yaml_push_key(ctx, "from");
        if (!fn)
            cc_yaml_error(ctx, e, NULL, "missing key 'from'");
        else if (cc_yaml_date(ctx, fn, &date) == 0)
            date_ok = true;
        if (date_ok) {
            sc->from[i] = date - s->start_date;
            char d1[11], d0[11];
            cc_date_format(date, d1);
            if (i > 0 && prev_ok && sc->from[i] <= sc->from[i - 1]) {
                cc_date_format(s->start_date + sc->from[i - 1], d0);
                cc_yaml_error(ctx, fn, "schedule dates must be strictly increasing",
                              "expected a date after %s, got %s", d0, d1);
            } else if (i > 0 && sc->from[i] < 0) {
                cc_date_format(s->start_date, d0);
                cc_yaml_error(ctx, fn, "only the first entry may start before the scenario",
                              "expected a date on or after the start %s, got %s", d0, d1);
            }
        }
        prev_ok = date_ok;
        cc_yaml_pop(ctx);
        cc_yaml_push_key(ctx, "value");
        if (!vn)
            cc_yaml_error(ctx, e, NULL, "missing key 'value'");
        else
            cc_yaml_real(ctx, vn, row->min, row->max, &sc->value[i]);
        cc_yaml_pop(ctx);
        cc_yaml_pop(ctx);
    }
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

static struct fy_node *print_schedule(struct fy_document *doc, const cc_scenario *s,
                                      const cc_schedule *sc)
{
    if (sc->n == 1 && sc->from[0] == 0)
        return cc_yaml_print_real(doc, sc->value[0], 1);
    struct fy_node *l = fy_node_create_sequence(doc);
    for (int i = 0; i < sc->n; i++) {
        struct fy_node *m = fy_node_create_mapping(doc);
        char d[11];
        cc_date_format(s->start_date + sc->from[i], d);
        fy_node_mapping_append(m, fy_node_create_scalar(doc, "from", FY_NT),
                               fy_node_create_scalar_copy(doc, d, FY_NT));
        fy_node_mapping_append(m, fy_node_create_scalar(doc, "value", FY_NT),
                               cc_yaml_print_real(doc, sc->value[i], 1));
        fy_node_sequence_append(l, m);
    }
    return l;
}

void cc_schedule_free(cc_schedule *sc)
{
    free(sc->from);
    free(sc->value);
    memset(sc, 0, sizeof *sc);
}

/* ---- lists of records ---------------------------------------------------- */

static int parse_list(cc_yctx *ctx, const cc_schema_row *row, struct fy_node *n, void *base)
{
    if (is_alias(n))
        return -1;
    if (!fy_node_is_sequence(n)) {
        cc_yaml_error(ctx, n, "write a list: '- {name: ..., ...}'", "expected a list, got %s",
                      kind_of(n));
        return -1;
    }
    int count = fy_node_sequence_item_count(n);
    if (count < row->min || count > row->max) {
        cc_yaml_error(ctx, n, NULL, "expected %g to %g entries, got %d", row->min, row->max,
                      count);
        return -1;
    }
    void *records = calloc((size_t)count, row->size);
    if (!records) {
        cc_yaml_error(ctx, n, NULL, "out of memory");
        return -1;
    }
    memcpy(at(base, row->offset), &records, sizeof records);
    memcpy(at(base, row->count_offset), &count, sizeof count);
    int errs = cc_yctx_errors(ctx);
    void *eit = NULL; /* iterate: get_by_index walks the list, quadratic over a list */
    for (int i = 0; i < count; i++) {
        void *rec = (char *)records + (size_t)i * row->size;
        cc_yaml_push_index(ctx, i);
        cc_yaml_parse_block(ctx, row->sub, fy_node_sequence_iterate(n, &eit), rec);
        cc_yaml_pop(ctx);
    }
    /* unique keys (facility names) */
    for (int r = 0; r < row->sub->nrows; r++) {
        const cc_schema_row *k = &row->sub->rows[r];
        if (!(k->flags & CC_F_UNIQUE))
            continue;
        for (int i = 1; i < count; i++) {
            const char *a = (const char *)records + (size_t)i * row->size + k->offset;
            if (!a[0])
                continue;
            for (int j = 0; j < i; j++) {
                const char *b = (const char *)records + (size_t)j * row->size + k->offset;
                if (strcmp(a, b) == 0) {
                    cc_yaml_push_index(ctx, i);
                    cc_yaml_push_key(ctx, k->key);
                    cc_yaml_error(ctx,
                                  cc_yaml_get(fy_node_sequence_get_by_index(n, i), k->key),
                                  NULL, "duplicate %s '%s' (also entry %d)", k->key, a, j);
                    cc_yaml_pop(ctx);
                    cc_yaml_pop(ctx);
                    break;
                }
            }
        }
    }
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

/* ---- one row ------------------------------------------------------------ */

static int parse_row(cc_yctx *ctx, const cc_schema_row *row, struct fy_node *v,
                     struct fy_node *parent, void *base);
static int parse_block_ex(cc_yctx *ctx, const cc_schema_block *b, struct fy_node *n, void *base,
                          bool inherit);

/* The row is absent from the file. */
static int parse_absent(cc_yctx *ctx, const cc_schema_row *row, struct fy_node *parent,
                        void *base)
{
    cc_scenario *s = cc_yaml_scenario(ctx);
    void *p = at(base, row->offset);
    if (row->flags & CC_F_REQUIRED) {
        cc_yaml_error(ctx, parent, NULL, "missing required key '%s'", row->key);
        return -1;
    }
    if (row->def) {
        struct fy_node *d = fy_node_build_from_string(cc_yaml_document(ctx), row->def, FY_NT);
        if (!d) {
            cc_yaml_error(ctx, parent, NULL, "internal error: bad default '%s'", row->def);
            return -1;
        }
        int rc = parse_row(ctx, row, d, parent, base);
        fy_node_free(d);
        return rc;
    }
    switch (row->type) {
    case CC_T_STRING: /* an optional text: empty, and left out of the resolved scenario */
        ((char *)p)[0] = '\0';
        return 0;
    case CC_T_DAY: {
        int32_t zero = 0;
        memcpy(p, &zero, sizeof zero);
        return 0;
    }
    case CC_T_FACILITY_REF: {
        int none = -1;
        memcpy(p, &none, sizeof none);
        return 0;
    }
    case CC_T_SHARES:
        return parse_shares(ctx, NULL, p);
    case CC_T_BLOCK:
        if (row->flags & CC_F_INHERIT) {
            memcpy(p, &s->initial, sizeof s->initial);
            return 0;
        }
        return cc_yaml_parse_block(ctx, row->sub, NULL, p);
    case CC_T_CUSTOM:
        return row->custom->parse(ctx, NULL, s);
    default:
        cc_yaml_error(ctx, parent, NULL, "internal error: '%s' has no default", row->key);
        return -1;
    }
}

static int parse_row(cc_yctx *ctx, const cc_schema_row *row, struct fy_node *v,
                     struct fy_node *parent, void *base)
{
    cc_scenario *s = cc_yaml_scenario(ctx);
    void *p = at(base, row->offset);
    if (!v)
        return parse_absent(ctx, row, parent, base);
    if (is_alias(v))
        return -1;
    switch (row->type) {
    case CC_T_STRING: {
        size_t len;
        const char *t = cc_yaml_text(ctx, v, "a string", &len);
        if (!t)
            return -1;
        if (len == 0 || len >= row->size) {
            cc_yaml_error(ctx, v, NULL, "expected a string of 1 to %zu bytes, got %zu bytes",
                          row->size - 1, len);
            return -1;
        }
        memcpy(p, t, len);
        ((char *)p)[len] = '\0';
        return 0;
    }
    case CC_T_INT: {
        int64_t x;
        if (cc_yaml_int(ctx, v, row->min, row->max, &x))
            return -1;
        int32_t y = (int32_t)x;
        memcpy(p, &y, sizeof y);
        return 0;
    }
    case CC_T_INT64: {
        int64_t x;
        if (cc_yaml_int(ctx, v, row->min, row->max, &x))
            return -1;
        memcpy(p, &x, sizeof x);
        return 0;
    }
    case CC_T_UINT64: {
        int64_t x;
        if (cc_yaml_int(ctx, v, row->min, row->max, &x))
            return -1;
        uint64_t y = (uint64_t)x;
        memcpy(p, &y, sizeof y);
        return 0;
    }
    case CC_T_REAL:
    case CC_T_PROB: {
        double x;
        double lo = row->type == CC_T_PROB ? 0 : row->min;
        double hi = row->type == CC_T_PROB ? 1 : row->max;
        if (cc_yaml_real(ctx, v, lo, hi, &x))
            return -1;
        if (row->divisor != 0)
            x /= row->divisor;
        memcpy(p, &x, sizeof x);
        return 0;
    }
    case CC_T_BOOL:
        return cc_yaml_bool(ctx, v, p);
    case CC_T_DATE:
    case CC_T_DAY: {
        int32_t d;
        if (cc_yaml_date(ctx, v, &d))
            return -1;
        if (row->type == CC_T_DAY)
            d -= s->start_date;
        memcpy(p, &d, sizeof d);
        return 0;
    }
    case CC_T_ENUM: {
        int k = cc_yaml_enum(ctx, v, row->names, 0);
        if (k < 0)
            return -1;
        memcpy(p, &k, sizeof k);
        return 0;
    }
    case CC_T_DIST:
        return cc_yaml_parse_dist(ctx, v, row->unit, p);
    case CC_T_SCHEDULE:
        return parse_schedule(ctx, row, v, p);
    case CC_T_PER_OFFENSE:
        return cc_yaml_parse_per_offense(ctx, v, row->min, row->max, p);
    case CC_T_PER_OFFENSE_DIST:
        return parse_per_offense_dist(ctx, v, row->unit, p);
    case CC_T_SHARES:
        return parse_shares(ctx, v, p);
    case CC_T_OFFENSES:
        return parse_offenses(ctx, row, v);
    case CC_T_FACILITY_REF: {
        int none = -1;
        memcpy(p, &none, sizeof none);
        return cc_yaml_defer(ctx, row, v, base);
    }
    case CC_T_BLOCK:
        if (row->flags & CC_F_INHERIT) {
            /* keys not given keep the scenario's `initial` values */
            memcpy(p, &s->initial, sizeof s->initial);
            return parse_block_ex(ctx, row->sub, v, p, true);
        }
        return cc_yaml_parse_block(ctx, row->sub, v, p);
    case CC_T_LIST:
        return parse_list(ctx, row, v, base);
    case CC_T_CUSTOM:
        return row->custom->parse(ctx, v, s);
    }
    return -1;
}

/* Parse block b from mapping n (NULL = absent: every default) into base.
 * Rows are parsed in table order, so a row may rely on earlier rows (dates
 * after `start`, per-offense maps after `offenses`). */
static int parse_block_ex(cc_yctx *ctx, const cc_schema_block *b, struct fy_node *n, void *base,
                          bool inherit)
{
    if (is_alias(n))
        return -1;
    int errs = cc_yctx_errors(ctx);
    if (n) {
        const char *keys[64];
        int nk = 0;
        for (int i = 0; i < b->nrows && nk < 63; i++)
            keys[nk++] = b->rows[i].key;
        keys[nk] = NULL;
        if (cc_yaml_check_keys(ctx, n, keys))
            return -1;
    }
    for (int i = 0; i < b->nrows; i++) {
        const cc_schema_row *row = &b->rows[i];
        struct fy_node *v = cc_yaml_get(n, row->key);
        if (v && fy_node_is_null(v))
            v = NULL; /* `key:` with no value is the same as no key */
        if (!v && inherit && !(row->flags & CC_F_REQUIRED))
            continue;
        cc_yaml_push_key(ctx, row->key);
        parse_row(ctx, row, v, n, base);
        cc_yaml_pop(ctx);
    }
    if ((b->flags & CC_F_SUM1) && cc_yctx_errors(ctx) == errs) {
        double sum = 0;
        for (int i = 0; i < b->nrows; i++)
            if (b->rows[i].type == CC_T_PROB)
                sum += *(const double *)at(base, b->rows[i].offset);
        if (fabs(sum - 1) > SHARE_TOL)
            cc_yaml_error(ctx, n, NULL, "shares must sum to 1, got %.10g", sum);
    }
    if (b->check && cc_yctx_errors(ctx) == errs)
        b->check(ctx, n, base);
    return cc_yctx_errors(ctx) == errs ? 0 : -1;
}

int cc_yaml_parse_block(cc_yctx *ctx, const cc_schema_block *b, struct fy_node *n, void *base)
{
    return parse_block_ex(ctx, b, n, base, false);
}

/* ---- printing ----------------------------------------------------------- */

static struct fy_node *print_row(struct fy_document *doc, const cc_scenario *s,
                                 const cc_schema_row *row, const void *base)
{
    const void *p = cat(base, row->offset);
    char buf[64];
    switch (row->type) {
    case CC_T_STRING:
        return *(const char *)p ? fy_node_create_scalar_copy(doc, p, strlen(p)) : NULL;
    case CC_T_INT: {
        int32_t x;
        memcpy(&x, p, sizeof x);
        snprintf(buf, sizeof buf, "%d", (int)x);
        break;
    }
    case CC_T_INT64: {
        int64_t x;
        memcpy(&x, p, sizeof x);
        snprintf(buf, sizeof buf, "%lld", (long long)x);
        break;
    }
    case CC_T_UINT64: {
        uint64_t x;
        memcpy(&x, p, sizeof x);
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)x);
        break;
    }
    case CC_T_REAL:
    case CC_T_PROB: {
        double x;
        memcpy(&x, p, sizeof x);
        return cc_yaml_print_real(doc, x, row->divisor != 0 ? row->divisor : 1);
    }
    case CC_T_BOOL: {
        bool x;
        memcpy(&x, p, sizeof x);
        snprintf(buf, sizeof buf, "%s", x ? "true" : "false");
        break;
    }
    case CC_T_DATE:
    case CC_T_DAY: {
        int32_t d;
        memcpy(&d, p, sizeof d);
        if (row->type == CC_T_DAY)
            d += s->start_date;
        cc_date_format(d, buf);
        break;
    }
    case CC_T_ENUM: {
        int k;
        memcpy(&k, p, sizeof k);
        snprintf(buf, sizeof buf, "%s", row->names[k]);
        break;
    }
    case CC_T_DIST:
        return cc_yaml_print_dist(doc, p, row->unit);
    case CC_T_SCHEDULE:
        return print_schedule(doc, s, p);
    case CC_T_PER_OFFENSE:
        return cc_yaml_print_per_offense(doc, s, p);
    case CC_T_PER_OFFENSE_DIST:
        return print_per_offense_dist(doc, s, p, row->unit);
    case CC_T_SHARES:
        return print_shares(doc, s, p);
    case CC_T_OFFENSES:
        return print_offenses(doc, s, row);
    case CC_T_FACILITY_REF: {
        int k;
        memcpy(&k, p, sizeof k);
        if (k < 0 || k >= s->nfacilities)
            return NULL;
        return fy_node_create_scalar_copy(doc, s->facility[k].name, FY_NT);
    }
    case CC_T_BLOCK:
        return cc_yaml_print_block(doc, s, row->sub, p);
    case CC_T_LIST: {
        struct fy_node *l = fy_node_create_sequence(doc);
        const char *records;
        int count;
        memcpy(&records, p, sizeof records);
        memcpy(&count, cat(base, row->count_offset), sizeof count);
        for (int i = 0; i < count; i++)
            fy_node_sequence_append(
                l, cc_yaml_print_block(doc, s, row->sub, records + (size_t)i * row->size));
        return l;
    }
    case CC_T_CUSTOM:
        return row->custom->print(doc, s);
    }
    return fy_node_create_scalar_copy(doc, buf, strlen(buf));
}

struct fy_node *cc_yaml_print_block(struct fy_document *doc, const cc_scenario *s,
                                    const cc_schema_block *b, const void *base)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    for (int i = 0; i < b->nrows; i++) {
        struct fy_node *v = print_row(doc, s, &b->rows[i], base);
        if (v)
            fy_node_mapping_append(m, fy_node_create_scalar_copy(doc, b->rows[i].key, FY_NT),
                                   v);
    }
    return m;
}

/* ---- freeing ------------------------------------------------------------ */

static void free_block(cc_scenario *s, const cc_schema_block *b, void *base)
{
    for (int i = 0; i < b->nrows; i++) {
        const cc_schema_row *row = &b->rows[i];
        void *p = at(base, row->offset);
        switch (row->type) {
        case CC_T_DIST:
            cc_dist_free(p);
            break;
        case CC_T_SCHEDULE:
            cc_schedule_free(p);
            break;
        case CC_T_PER_OFFENSE_DIST: {
            cc_per_offense_dist *po = p;
            for (int k = 0; k < CC_MAX_OFFENSES; k++)
                cc_dist_free(&po->d[k]);
            cc_dist_free(&po->def);
            break;
        }
        case CC_T_BLOCK:
            free_block(s, row->sub, p);
            break;
        case CC_T_LIST: {
            char *records;
            int count;
            memcpy(&records, p, sizeof records);
            memcpy(&count, at(base, row->count_offset), sizeof count);
            for (int k = 0; records && k < count; k++)
                free_block(s, row->sub, records + (size_t)k * row->size);
            free(records);
            records = NULL;
            memcpy(p, &records, sizeof records);
            break;
        }
        case CC_T_CUSTOM:
            if (row->custom->free)
                row->custom->free(s);
            break;
        default:
            break;
        }
    }
}

void cc_schema_free_scenario(cc_scenario *s)
{
    if (s)
        free_block(s, cc_schema_top(), s);
}
