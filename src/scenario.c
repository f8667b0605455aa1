/* scenario.c - loading a scenario: YAML text -> validated, immutable
 * struct cc_scenario (see scenario.h and schema.h).
 *
 * Steps: libfyaml builds the document (syntax errors, duplicate keys and bad
 * indentation are collected from its diagnostics, with positions); anchors
 * and aliases are refused, never resolved (a file of nested aliases grows
 * exponentially), and so are tags; `--set` overrides edit the tree (their
 * values checked as files are); the schema table parses and validates every
 * key; facility references are resolved once every
 * facility is known. All errors are collected and sorted in file order; the
 * scenario is returned only when there are none.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disease_spec.h"
#include "draws.h"
#include "embedded.h"
#include "include.h"
#include "prior.h"
#include "memest.h"
#include "readfile.h"
#include "schema.h"
#include "warnings.h"

#ifndef CARCER_VERSION
#define CARCER_VERSION "unknown"
#endif

/* libfyaml would print what it does not collect; the library never prints. */
static void quiet_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static struct fy_diag *collecting_diag(void)
{
    struct fy_diag_cfg cfg;
    fy_diag_cfg_default(&cfg);
    cfg.output_fn = quiet_output;
    cfg.fp = NULL;
    cfg.colorize = false;
    struct fy_diag *d = fy_diag_create(&cfg);
    if (d)
        fy_diag_set_collect_errors(d, true);
    return d;
}

/* ---- anchors and aliases ------------------------------------------------ */

static void refuse_aliases(cc_yctx *ctx, struct fy_node *n, int depth)
{
    if (!n || depth > 256)
        return;
    if (fy_node_is_alias(n)) {
        size_t len;
        const char *t = fy_node_get_scalar(n, &len);
        cc_yaml_error(ctx, n, "write the value out in full",
                      "aliases are not supported, got '*%.*s'", (int)(t ? len : 0), t ? t : "");
        return;
    }
    struct fy_anchor *a = fy_node_get_anchor(n);
    if (a) {
        size_t len;
        const char *t = fy_anchor_get_text(a, &len);
        cc_yaml_error(ctx, n, "remove the anchor and write values out in full",
                      "anchors are not supported, got '&%.*s'", (int)(t ? len : 0), t ? t : "");
    }
    if (fy_node_get_tag(n, NULL)) {
        /* a tag would change how a value is read ('!!str 5'); none is needed */
        char tag[48];
        cc_yaml_tag_text(n, tag, sizeof tag);
        cc_yaml_error(ctx, n, "remove the tag", "YAML tags are not supported, got '%s'", tag);
    }
    if (fy_node_is_mapping(n)) {
        void *it = NULL;
        struct fy_node_pair *p;
        while ((p = fy_node_mapping_iterate(n, &it))) {
            struct fy_node *k = fy_node_pair_key(p);
            size_t len = 0;
            const char *t = k && fy_node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
            char key[CC_MAX_NAME];
            snprintf(key, sizeof key, "%.*s", t ? (int)(len < sizeof key ? len : sizeof key - 1) : 1,
                     t ? t : "?");
            refuse_aliases(ctx, k, depth + 1);
            cc_yaml_push_key(ctx, key);
            refuse_aliases(ctx, fy_node_pair_value(p), depth + 1);
            cc_yaml_pop(ctx);
        }
    } else if (fy_node_is_sequence(n)) {
        void *it = NULL;
        struct fy_node *e;
        for (int i = 0; (e = fy_node_sequence_iterate(n, &it)); i++) {
            cc_yaml_push_index(ctx, i);
            refuse_aliases(ctx, e, depth + 1);
            cc_yaml_pop(ctx);
        }
    }
}

/* ---- --set overrides ----------------------------------------------------- */

static void set_error(cc_diag *diag, int index, int col, const char *path, const char *hint,
                      const char *msg)
{
    cc_diag_add(diag, "--set", index, col, path, hint, "%s", msg);
}

/* The element of a list named by an index or by its `name`. */
static struct fy_node *list_element(struct fy_node *seq, const char *seg)
{
    int count = fy_node_sequence_item_count(seq);
    char *end;
    long k = strtol(seg, &end, 10);
    if (seg[0] && !*end)
        return k >= 0 && k < count ? fy_node_sequence_get_by_index(seq, (int)k) : NULL;
    for (int i = 0; i < count; i++) {
        struct fy_node *e = fy_node_sequence_get_by_index(seq, i);
        struct fy_node *nm = cc_yaml_get(e, "name");
        size_t len;
        const char *t = nm && fy_node_is_scalar(nm) ? fy_node_get_scalar(nm, &len) : NULL;
        if (t && len == strlen(seg) && memcmp(t, seg, len) == 0)
            return e;
    }
    return NULL;
}

/* The first anchor, alias or tag in a --set value, as "an anchor '&a'" etc.
 * into out, or 0 when there is none. Depth is bounded by the precheck (flow)
 * and by libfyaml's own limit (block). */
static int not_plain(struct fy_node *n, char *out, size_t cap)
{
    if (!n)
        return 0;
    size_t len = 0;
    const char *t;
    if (fy_node_is_alias(n)) {
        t = fy_node_get_scalar(n, &len);
        snprintf(out, cap, "an alias '*%.*s'", t ? (int)(len > 40 ? 40 : len) : 0, t ? t : "");
        return 1;
    }
    struct fy_anchor *a = fy_node_get_anchor(n);
    if (a) {
        t = fy_anchor_get_text(a, &len);
        snprintf(out, cap, "an anchor '&%.*s'", t ? (int)(len > 40 ? 40 : len) : 0, t ? t : "");
        return 1;
    }
    if (fy_node_get_tag(n, NULL)) {
        char tag[48];
        cc_yaml_tag_text(n, tag, sizeof tag);
        snprintf(out, cap, "a tag '%s'", tag);
        return 1;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p;
        while ((p = fy_node_mapping_iterate(n, &it)))
            if (not_plain(fy_node_pair_key(p), out, cap) ||
                not_plain(fy_node_pair_value(p), out, cap))
                return 1;
    } else if (fy_node_is_sequence(n)) {
        struct fy_node *e;
        while ((e = fy_node_sequence_iterate(n, &it)))
            if (not_plain(e, out, cap))
                return 1;
    }
    return 0;
}

/* A precheck message about a --set argument: "the file is ..." read as
 * "it is ...". */
static const char *precheck_text(char *msg)
{
    if (strncmp(msg, "the file ", 9) == 0) {
        memmove(msg + 3, msg + 9, strlen(msg + 9) + 1);
        memcpy(msg, "it ", 3);
    }
    return msg;
}

/* Whether the text holds a YAML document marker ('---' or '...' at the start
 * of a line, then a blank or the end): a --set value is one value, and
 * libfyaml would silently keep the first of two documents. */
static int has_document_marker(const char *v, size_t len)
{
    for (size_t i = 0; i + 3 <= len; i++) {
        bool line_start = i == 0 || v[i - 1] == '\n' || v[i - 1] == '\r';
        if (line_start && (memcmp(v + i, "---", 3) == 0 || memcmp(v + i, "...", 3) == 0) &&
            (i + 3 == len || strchr(" \t\r\n", v[i + 3])))
            return 1;
    }
    return 0;
}

/* The value of --set number `index` as a node of doc, going into block
 * `into`, or NULL with the error reported at its column. The text passes
 * the precheck that file input passes (libfyaml can hang on a malformed
 * directive) and must be plain YAML: one document, no anchors, aliases or
 * tags (as in files). */
static struct fy_node *set_value(cc_yctx *ctx, cc_diag *diag, struct fy_document *doc,
                                 struct fy_node *into, const char *value, int index,
                                 int value_col, const char *shown)
{
    size_t vlen = strlen(value);
    if (!vlen) {
        set_error(diag, index, value_col, shown, NULL, "missing value");
        return NULL;
    }
    int pline, pcol;
    char pmsg[160];
    if (cc_yaml_precheck(value, vlen, &pline, &pcol, pmsg, sizeof pmsg) != 0) {
        char *m = cc_asprintf("the value is not accepted: %s", precheck_text(pmsg));
        set_error(diag, index, value_col + (pline == 1 && pcol > 0 ? pcol - 1 : 0), shown, NULL,
                  m ? m : pmsg);
        free(m);
        return NULL;
    }
    if (has_document_marker(value, vlen)) {
        set_error(diag, index, value_col, shown, "quote the value if it is text",
                  "expected one YAML value, got a document marker ('---' or '...')");
        return NULL;
    }
    struct fy_node *v = fy_node_build_from_string(doc, value, vlen);
    if (!v) {
        set_error(diag, index, value_col, shown, NULL, "the value is not valid YAML");
        return NULL;
    }
    char what[80];
    if (not_plain(v, what, sizeof what)) {
        char *m = cc_asprintf("anchors, aliases and tags are not supported, got %s", what);
        set_error(diag, index, value_col, shown, "write the value out in full",
                  m ? m : "anchors, aliases and tags are not supported");
        free(m);
        fy_node_free(v);
        return NULL;
    }
    if (cc_yctx_add_set_node(ctx, v, into, index, value_col, value_col + (int)vlen) != 0) {
        set_error(diag, index, value_col, shown, NULL, "out of memory");
        fy_node_free(v);
        return NULL;
    }
    return v;
}

/* Give key `seg` of mapping `map` the value v: replace the pair p's value,
 * or append a new key (positioned at the --set's column) when p is NULL. */
static int put_key(cc_yctx *ctx, struct fy_document *doc, struct fy_node *map,
                   struct fy_node_pair *p, const char *seg, struct fy_node *v, int index,
                   int col)
{
    if (p) {
        /* the old value is freed: forget the --set nodes it held */
        cc_yctx_forget_set_nodes(ctx, fy_node_pair_value(p));
        return fy_node_pair_set_value(p, v);
    }
    struct fy_node *k = fy_node_create_scalar_copy(doc, seg, FY_NT);
    if (!k || cc_yctx_add_set_node(ctx, k, map, index, col, 0) != 0 ||
        fy_node_mapping_append(map, k, v) != 0) {
        cc_yctx_forget_set_nodes(ctx, k);
        fy_node_free(k);
        return -1;
    }
    return 0;
}

/* Apply one "key.path=value" to the document. Returns 0 or -1 (reported). */
static int apply_set(cc_yctx *ctx, cc_diag *diag, struct fy_document *doc, const char *set,
                     int index)
{
    const char *eq = strchr(set, '=');
    if (!eq || eq == set) {
        set_error(diag, index, 1, NULL, "write --set key.path=value", "expected key.path=value");
        return -1;
    }
    size_t plen = (size_t)(eq - set);
    char *path = malloc(plen + 1);
    if (!path)
        return -1;
    memcpy(path, set, plen);
    path[plen] = '\0';
    const char *value = eq + 1;
    int value_col = (int)plen + 2;
    int rc = -1;
    /* the depth limit of files holds for paths too (a path of thousands of
     * keys took quadratic time and then overflowed the stack) */
    int nseg = 1;
    for (size_t i = 0; i < plen; i++)
        nseg += path[i] == '.';
    if (nseg > CC_MAX_YAML_DEPTH) {
        char msg[160];
        snprintf(msg, sizeof msg, "a path of %d keys is deeper than the limit of %d "
                 "(docs/limits.md)", nseg, CC_MAX_YAML_DEPTH);
        set_error(diag, index, 1, NULL, NULL, msg);
        goto out;
    }
    /* the keys of the path become keys of the tree and text of messages:
     * valid UTF-8, as in files */
    int pline, pcol;
    char pmsg[160];
    if (cc_yaml_precheck(path, plen, &pline, &pcol, pmsg, sizeof pmsg) != 0) {
        char *m = cc_asprintf("the path is not accepted: %s", precheck_text(pmsg));
        set_error(diag, index, pcol > 0 ? pcol : 1, NULL, NULL, m ? m : pmsg);
        free(m);
        goto out;
    }
    struct fy_node *node = fy_document_root(doc);
    char *seg = path;
    while (seg) {
        char *dot = strchr(seg, '.');
        if (dot)
            *dot = '\0';
        int col = (int)(seg - path) + 1;
        /* the path so far, for messages */
        char shown[512];
        snprintf(shown, sizeof shown, "%.*s", (int)(seg - path) + (int)strlen(seg), set);
        bool last = dot == NULL;
        if (!seg[0]) {
            set_error(diag, index, col, shown, NULL, "empty key in the path");
            goto out;
        }
        if (fy_node_is_mapping(node)) {
            struct fy_node_pair *p = fy_node_mapping_lookup_pair_by_simple_key(node, seg,
                                                                               strlen(seg));
            if (last) {
                struct fy_node *v = set_value(ctx, diag, doc, node, value, index, value_col, shown);
                if (!v)
                    goto out;
                if (put_key(ctx, doc, node, p, seg, v, index, col) != 0) {
                    cc_yctx_forget_set_nodes(ctx, v);
                    fy_node_free(v);
                    set_error(diag, index, col, shown, NULL, "out of memory");
                    goto out;
                }
                rc = 0;
                goto out;
            }
            struct fy_node *next = p ? fy_node_pair_value(p) : NULL;
            if (!next || fy_node_is_null(next)) {
                next = fy_node_create_mapping(doc);
                if (!next || cc_yctx_add_set_node(ctx, next, node, index, col, 0) != 0 ||
                    put_key(ctx, doc, node, p, seg, next, index, col) != 0) {
                    cc_yctx_forget_set_nodes(ctx, next);
                    fy_node_free(next);
                    set_error(diag, index, col, shown, NULL, "out of memory");
                    goto out;
                }
            }
            node = next;
        } else if (fy_node_is_sequence(node)) {
            struct fy_node *e = list_element(node, seg);
            if (!e) {
                char msg[256];
                snprintf(msg, sizeof msg, "no list entry '%s' (by index from 0, or by name)",
                         seg);
                set_error(diag, index, col, shown, NULL, msg);
                goto out;
            }
            if (last) {
                struct fy_node *v = set_value(ctx, diag, doc, node, value, index, value_col, shown);
                if (!v)
                    goto out;
                cc_yctx_forget_set_nodes(ctx, e);
                fy_node_sequence_insert_before(node, e, v);
                fy_node_free(fy_node_sequence_remove(node, e));
                rc = 0;
                goto out;
            }
            node = e;
        } else {
            char msg[256];
            snprintf(msg, sizeof msg, "cannot set '%s' inside a single value", seg);
            set_error(diag, index, col, shown,
                      "to override one offense of a per-offense value, set the whole value",
                      msg);
            goto out;
        }
        seg = dot ? dot + 1 : NULL;
    }
out:
    free(path);
    return rc;
}

/* ---- sizes of a run ------------------------------------------------------- */

/* People ever present (the initial stock plus the expected arrivals over the
 * run) and cells, against CC_MAX_PEOPLE and CC_MAX_TOTAL_CELLS: a person is
 * an int32 index, and the engine allocates from these before day 0. */
static void check_sizes(cc_yctx *ctx, struct fy_node *root, const cc_scenario *s)
{
    double people = cc_memest_people(s), cells = 0; /* arrest_factor policies included */
    for (int f = 0; f < s->nfacilities; f++)
        cells += s->facility[f].cells;
    cc_yaml_push_key(ctx, "facilities");
    if (people > CC_MAX_PEOPLE)
        cc_yaml_error(ctx, cc_yaml_get(root, "facilities"),
                      "fewer days, smaller populations or fewer arrests",
                      "a run of %.0f people (initial populations plus expected arrivals) is "
                      "more than the limit of %d (docs/limits.md)",
                      people, CC_MAX_PEOPLE);
    if (cells > CC_MAX_TOTAL_CELLS)
        cc_yaml_error(ctx, cc_yaml_get(root, "facilities"), NULL,
                      "%.0f cells in all is more than the limit of %d (docs/limits.md)", cells,
                      CC_MAX_TOTAL_CELLS);
    cc_yaml_pop(ctx);
}

/* ---- loading ------------------------------------------------------------- */

static void copy_name(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

struct fy_document *cc_scenario_parse_text(const char *text, size_t len, const char *name,
                                           cc_diag *diag)
{
    int pline, pcol;
    char pmsg[160];
    if (cc_yaml_precheck(text, len, &pline, &pcol, pmsg, sizeof pmsg) != 0) {
        cc_diag_add(diag, name, pline, pcol, NULL, NULL, "%s", pmsg);
        return NULL;
    }
    struct fy_diag *fyd = collecting_diag();
    if (!fyd) {
        cc_diag_add(diag, name, 0, 0, NULL, NULL, "out of memory");
        return NULL;
    }
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
    cfg.diag = fyd;
    struct fy_document *doc = fy_document_build_from_string(&cfg, text, len);
    /* syntax errors, duplicate keys, bad indentation: libfyaml's line and
     * column of a collected error are 1-based */
    void *it = NULL;
    struct fy_diag_error *e;
    int syntax = 0;
    while ((e = fy_diag_errors_iterate(fyd, &it))) {
        if (e->type < FYET_ERROR)
            continue;
        syntax++;
        cc_diag_add(diag, name, e->line, e->column, NULL, NULL, "%s", e->msg);
    }
    fy_diag_destroy(fyd);
    if (syntax) {
        if (doc)
            fy_document_destroy(doc);
        return NULL;
    }
    /* an empty text has no document: an empty one says "the scenario is empty" */
    if (!doc && !(doc = fy_document_create(NULL)))
        cc_diag_add(diag, name, 0, 0, NULL, NULL, "out of memory");
    return doc;
}

int cc_scenario_check_root(cc_yctx *ctx, cc_diag *diag, const char *name, struct fy_node *root)
{
    if (!root || fy_node_is_null(root)) {
        cc_diag_add(diag, name, 1, 1, NULL,
                    "a scenario needs at least name, start, days, offenses and facilities",
                    "the scenario is empty");
        return -1;
    }
    int before = cc_yctx_errors(ctx);
    refuse_aliases(ctx, root, 0);
    if (!fy_node_is_mapping(root)) {
        cc_yaml_error(ctx, root, "a scenario is a mapping of keys such as 'name: ...'",
                      "expected a mapping at the top level, got %s",
                      fy_node_is_sequence(root) ? "a list" : "a scalar");
        return -1;
    }
    return cc_yctx_errors(ctx) == before ? 0 : -1;
}

/* The schema's walk of a whole (merged) document into s, then the checks
 * that need every key. */
static void parse_tree(cc_yctx *ctx, struct fy_document *doc, cc_scenario *s)
{
    cc_yaml_parse_block(ctx, cc_schema_top(), fy_document_root(doc), s);
    cc_yctx_finish(ctx);
    if (cc_yctx_errors(ctx) == 0)
        check_sizes(ctx, fy_document_root(doc), s);
}

/* The end of a load: sort the messages, hand out s or free it. */
static int finish_load(cc_diag *diag, cc_diag *local, int before, cc_scenario *s,
                       cc_scenario **out)
{
    int failed = diag->count != before || !s;
    if (diag != local)
        cc_diag_sort(diag);
    else
        cc_diag_clear(local);
    if (failed) {
        cc_scenario_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

int cc_scenario_load_text(const char *text, size_t len, const char *name,
                          const char *const *sets, int nsets, cc_diag *diag, cc_scenario **out)
{
    *out = NULL;
    if (!name)
        name = "<scenario>";
    int before = diag ? diag->count : 0;
    cc_diag local;
    if (!diag) {
        cc_diag_init(&local);
        diag = &local;
    }
    cc_scenario *s = calloc(1, sizeof *s);
    struct fy_diag *scratch = collecting_diag();
    struct fy_document *doc = NULL;
    cc_yctx *ctx = NULL;
    cc_incl *incl = NULL;
    /* libfyaml's nodes point into the texts they were built from: the load
     * reads its own copies, which a scenario with uncertain inputs keeps */
    cc_texts *texts = cc_texts_copy(text, len, sets, nsets);
    if (!s || !scratch || !texts) {
        cc_diag_add(diag, name, 0, 0, NULL, NULL, "out of memory");
        goto done;
    }
    copy_name(s->file, sizeof s->file, name);
    doc = cc_scenario_parse_text(texts->text, len, name, diag);
    if (!doc)
        goto done;
    ctx = cc_yctx_create(diag, name, doc, scratch, s);
    if (!ctx) {
        cc_diag_add(diag, name, 0, 0, NULL, NULL, "out of memory");
        goto done;
    }
    struct fy_node *root = fy_document_root(doc);
    if (cc_scenario_check_root(ctx, diag, name, root) != 0)
        goto done;
    struct fy_document *work = doc;
    if (cc_yaml_get(root, "include")) {
        if (cc_include_resolve(&incl, diag, scratch, s, name, doc, ctx, &work) != 0)
            goto done;
        cc_yctx_set_includes(ctx, incl, work);
    }
    for (int i = 0; i < nsets; i++)
        apply_set(ctx, diag, work, texts->sets[i], i + 1);
    parse_tree(ctx, work, s);
    /* warnings once, on the first load (not on the loads of replicates) */
    if (diag->count == before)
        cc_warnings_check(ctx, fy_document_root(work), s);
    /* uncertain inputs: the document and the context are kept for the
     * loads of replicates' scenarios (prior.c) */
    if (diag->count == before && cc_inputs_keep(s, ctx, doc, work, scratch, incl, texts) == 1)
        return finish_load(diag, &local, before, s, out);
done:
    cc_yctx_free(ctx);
    cc_include_free(incl);
    if (doc)
        fy_document_destroy(doc);
    if (scratch)
        fy_diag_destroy(scratch);
    cc_texts_free(texts);
    return finish_load(diag, &local, before, s, out);
}

int cc_scenario_reload(cc_yctx *ctx, const char *file, struct fy_document *doc,
                       const cc_inputs *inputs, const double *values, cc_diag *diag,
                       cc_scenario **out)
{
    *out = NULL;
    int before = diag ? diag->count : 0;
    cc_diag local;
    if (!diag) {
        cc_diag_init(&local);
        diag = &local;
    }
    cc_scenario *s = calloc(1, sizeof *s);
    if (!s) {
        cc_diag_add(diag, file, 0, 0, NULL, NULL, "out of memory");
        return finish_load(diag, &local, before, s, out);
    }
    copy_name(s->file, sizeof s->file, file);
    cc_yctx_rebind(ctx, diag, s->file, s, inputs, values);
    parse_tree(ctx, doc, s);
    return finish_load(diag, &local, before, s, out);
}

int cc_scenario_load_file(const char *path, const char *const *sets, int nsets, cc_diag *diag,
                          cc_scenario **out)
{
    *out = NULL;
    size_t len = 0;
    const char *why = NULL;
    char *text = cc_read_file(path, CC_MAX_FILE_BYTES, &len, &why);
    if (!text) {
        cc_diag_add(diag, path, 0, 0, NULL, NULL, "cannot read the scenario file: %s", why);
        return -1;
    }
    int rc = cc_scenario_load_text(text, len, path, sets, nsets, diag, out);
    free(text);
    return rc;
}

void cc_scenario_free(cc_scenario *s)
{
    if (!s)
        return;
    cc_schema_free_scenario(s);
    cc_inputs_free(s->inputs);
    free(s);
}

/* The value of top-level key `key` of root set to the number v. */
static int set_top_number(struct fy_document *doc, struct fy_node *root, const char *key,
                          double v)
{
    struct fy_node_pair *pr = fy_node_mapping_lookup_pair_by_string(root, key, FY_NT);
    char t[40];
    snprintf(t, sizeof t, "%.0f", v);
    struct fy_node *n = fy_node_create_scalar_copy(doc, t, strlen(t));
    return pr && n ? fy_node_pair_set_value(pr, n) : -1;
}

/* The resolved text of s; as_run: with the seed and replicates a run used
 * and a posterior file named as the posterior.csv beside the run's files. */
static char *resolved_text(const cc_scenario *s, bool as_run, uint64_t seed, int replicates)
{
    struct fy_document *doc = fy_document_create(NULL);
    if (!doc)
        return NULL;
    struct fy_node *root = cc_yaml_print_block(doc, s, cc_schema_top(), s);
    fy_document_set_root(doc, root);
    cc_inputs_print(s, doc);
    int ok = root != NULL;
    if (ok && as_run) {
        /* a posterior read from a file travels with the run's files as
         * posterior.csv (carcer_results_stage) */
        struct fy_node_pair *post = fy_node_mapping_lookup_pair_by_string(root, "posterior", FY_NT);
        if (post && s->posterior_ref && !cc_posterior_ref_is_name(s->posterior_ref))
            fy_node_pair_set_value(post, fy_node_create_scalar(doc, "posterior.csv", FY_NT));
        ok = set_top_number(doc, root, "seed", (double)seed) == 0 &&
             set_top_number(doc, root, "replicates", replicates) == 0;
    }
    char *body = ok ? fy_emit_document_to_string(
                          doc, (enum fy_emitter_cfg_flags)(FYECF_MODE_BLOCK | FYECF_INDENT_2 |
                                                           FYECF_WIDTH_INF |
                                                           FYECF_DOC_START_MARK_OFF))
                    : NULL;
    fy_document_destroy(doc);
    if (!body)
        return NULL;
    char *out = cc_asprintf("# scenario resolved by carcer %s: every default filled in\n%s",
                            CARCER_VERSION, body);
    free(body);
    return out;
}

char *cc_scenario_resolved_yaml(const cc_scenario *s) { return resolved_text(s, false, 0, 0); }

char *cc_scenario_resolved_yaml_as_run(const cc_scenario *s, uint64_t seed, int replicates)
{
    return resolved_text(s, true, seed, replicates);
}

const char *cc_scenario_default_text(size_t *len)
{
    const struct cc_embedded *e = cc_embedded_find("scenarios/cambodia-2017.yaml");
    if (!e)
        return NULL;
    if (len)
        *len = e->len;
    return e->data;
}

double cc_schedule_at(const cc_schedule *s, int32_t day)
{
    if (s->n <= 0)
        return 0;
    /* the last entry with from <= day; days before the first take value[0] */
    int lo = 0, hi = s->n - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (s->from[mid] <= day)
            lo = mid;
        else
            hi = mid - 1;
    }
    return s->value[lo];
}

int cc_offense_index(const cc_scenario *s, const char *name)
{
    for (int i = 0; i < s->noffenses; i++)
        if (strcmp(s->offense[i].name, name) == 0)
            return i;
    return -1;
}

int cc_facility_index(const cc_scenario *s, const char *name)
{
    for (int i = 0; i < s->nfacilities; i++)
        if (strcmp(s->facility[i].name, name) == 0)
            return i;
    return -1;
}

/* ---- scenarios that differ only in their policies ---------------------------- */

/* The resolved text without the top-level entries that do not change the
 * state of a run before a policy acts (name, seed, replicates, policies,
 * and the targets, which only read a run):
 * each is its key line and the lines under it. */
static char *core_text(const cc_scenario *s)
{
    static const char *const skip[] = {"name", "seed", "replicates", "policies", "targets"};
    char *t = cc_scenario_resolved_yaml(s);
    if (!t)
        return NULL;
    char *w = t;
    bool skipping = false;
    for (const char *line = t; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
        if (line[0] != ' ' && line[0] != '-' && line[0] != '#' && line[0] != '\n') {
            skipping = false;
            for (size_t k = 0; k < sizeof skip / sizeof skip[0]; k++) {
                size_t n = strlen(skip[k]);
                if (strncmp(line, skip[k], n) == 0 && line[n] == ':')
                    skipping = true;
            }
        }
        if (!skipping) {
            memmove(w, line, len);
            w += len;
        }
        line += len;
    }
    *w = '\0';
    return t;
}

int cc_scenario_same_but_policies(const cc_scenario *a, const cc_scenario *b)
{
    if (a == b)
        return 1;
    if ((a->disease == NULL) != (b->disease == NULL))
        return 0;
    /* a pathogen file is resolved by name: the same name may be two files */
    if (a->disease &&
        strcmp(a->disease->pathogen->file, b->disease->pathogen->file) != 0)
        return 0;
    char *ta = core_text(a), *tb = core_text(b);
    if (!ta || !tb) {
        free(ta);
        free(tb);
        return -1;
    }
    int same = strcmp(ta, tb) == 0;
    free(ta);
    free(tb);
    return same;
}
