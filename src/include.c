/* include.c - `include:` in scenarios: a scenario built on top of another.
 *
 * A scenario whose top-level mapping has `include: FILE` (a path relative to
 * the including file's folder) or `include: default` (the embedded
 * scenarios/cambodia-2017.yaml) is the included scenario with the including
 * file laid over it:
 *   - a mapping merges key by key, recursively;
 *   - a scalar or a list replaces the included value;
 *   - `KEY+: [...]` appends to the included list KEY (policies+, facilities+).
 * The included file may include another, up to CC_MAX_INCLUDE_DEPTH files
 * deep; a cycle is an error that shows the chain.
 *
 * Only files explicitly named are read, and only regular files of at most
 * CC_MAX_FILE_BYTES: absolute paths are refused, and the real path (symbolic
 * links and `..` resolved) must lie inside the folder of the top-level
 * scenario. A scenario with no folder (loaded from memory, or the embedded
 * default) may include only `default`.
 *
 * The merged tree lives in a document of its own; every node of it is
 * recorded with the node it was copied from and that node's file, so that
 * an error about any value names the file, line and column where the value
 * was written (libfyaml 0.7.12 keeps no position on a copied mapping or
 * list, so positions are always read from the original node).
 * Cost: linear in the total number of nodes of the files.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "include.h"
#include "readfile.h"

#define DEFAULT_NAME "<default>"
#define DEFAULT_FILE "scenarios/cambodia-2017.yaml"

typedef struct origin {
    struct fy_node *copy; /* NULL = empty slot */
    struct fy_node *orig;
    int file;
} origin;

typedef struct layer {
    char *name;                /* as shown in messages */
    char *real;                /* real path, or DEFAULT_NAME */
    struct fy_document *doc;   /* owned, except the top-level one */
    char *text;                /* owned: libfyaml's tokens point into it */
    cc_yctx *ctx;              /* for errors about this file's nodes */
    int include_from;          /* layer that included it, -1 for the top */
} layer;

struct cc_incl {
    cc_diag *diag;
    struct fy_diag *scratch;
    cc_scenario *s;
    struct fy_document *out;
    char *root_dir;            /* real path of the top-level folder, or NULL */
    layer files[CC_MAX_INCLUDE_DEPTH + 1];
    int nfiles;
    origin *map;
    size_t cap, used;
};

/* ---- the origin map: copied node -> (original node, file) --------------- */

static size_t slot_of(const cc_incl *I, const struct fy_node *n)
{
    uintptr_t h = (uintptr_t)n;
    h ^= h >> 17;
    h *= (uintptr_t)0x9e3779b97f4a7c15ull;
    return (size_t)(h ^ (h >> 29)) & (I->cap - 1);
}

static int remember(cc_incl *I, struct fy_node *copy, struct fy_node *orig, int file)
{
    if ((I->used + 1) * 2 > I->cap) {
        size_t ncap = I->cap ? I->cap * 2 : 1024;
        origin *old = I->map;
        size_t ocap = I->cap;
        I->map = calloc(ncap, sizeof *I->map);
        if (!I->map) {
            I->map = old;
            return -1;
        }
        I->cap = ncap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].copy) {
                size_t k = slot_of(I, old[i].copy);
                while (I->map[k].copy)
                    k = (k + 1) & (I->cap - 1);
                I->map[k] = old[i];
            }
        free(old);
    }
    size_t k = slot_of(I, copy);
    while (I->map[k].copy && I->map[k].copy != copy)
        k = (k + 1) & (I->cap - 1);
    if (!I->map[k].copy)
        I->used++;
    I->map[k] = (origin){copy, orig, file};
    return 0;
}

/* Mark the nodes of a subtree about to be freed as gone (their addresses
 * may be reused by nodes that come from no file). */
static void forget_tree(cc_incl *I, struct fy_node *n)
{
    if (!n || !I->cap)
        return;
    size_t k = slot_of(I, n);
    while (I->map[k].copy && I->map[k].copy != n)
        k = (k + 1) & (I->cap - 1);
    if (I->map[k].copy)
        I->map[k].orig = NULL;
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p;
        while ((p = fy_node_mapping_iterate(n, &it))) {
            forget_tree(I, fy_node_pair_key(p));
            forget_tree(I, fy_node_pair_value(p));
        }
    } else if (fy_node_is_sequence(n)) {
        struct fy_node *e;
        while ((e = fy_node_sequence_iterate(n, &it)))
            forget_tree(I, e);
    }
}

int cc_include_origin(const cc_incl *I, struct fy_node *n, struct fy_node **orig,
                      const char **file)
{
    if (!I || !I->cap || !n)
        return 0;
    size_t k = slot_of(I, n);
    while (I->map[k].copy) {
        if (I->map[k].copy == n) {
            if (!I->map[k].orig)
                return 0;
            *orig = I->map[k].orig;
            *file = I->files[I->map[k].file].name;
            return 1;
        }
        k = (k + 1) & (I->cap - 1);
    }
    return 0;
}

/* ---- copying and merging --------------------------------------------------- */

/* A deep copy of n (from layer `file`) into the output document. */
static struct fy_node *copy_tree(cc_incl *I, struct fy_node *n, int file)
{
    struct fy_node *c = NULL;
    if (fy_node_is_mapping(n)) {
        c = fy_node_create_mapping(I->out);
        void *it = NULL;
        struct fy_node_pair *p;
        while (c && (p = fy_node_mapping_iterate(n, &it))) {
            struct fy_node *k = copy_tree(I, fy_node_pair_key(p), file);
            struct fy_node *v = copy_tree(I, fy_node_pair_value(p), file);
            if (!k || !v || fy_node_mapping_append(c, k, v) != 0) {
                fy_node_free(k);
                fy_node_free(v);
                fy_node_free(c);
                return NULL;
            }
        }
    } else if (fy_node_is_sequence(n)) {
        c = fy_node_create_sequence(I->out);
        void *it = NULL;
        struct fy_node *e;
        while (c && (e = fy_node_sequence_iterate(n, &it))) {
            struct fy_node *v = copy_tree(I, e, file);
            if (!v || fy_node_sequence_append(c, v) != 0) {
                fy_node_free(v);
                fy_node_free(c);
                return NULL;
            }
        }
    } else if (n) {
        c = fy_node_copy(I->out, n); /* a scalar keeps its token, style and position */
    } else {
        c = fy_node_create_scalar(I->out, "", 0);
    }
    if (c && remember(I, c, n, file) != 0) {
        fy_node_free(c);
        return NULL;
    }
    return c;
}

static void oom(cc_incl *I, int file)
{
    cc_yaml_error(I->files[file].ctx, NULL, NULL, "out of memory");
}

/* The text of a scalar key, or NULL. */
static const char *key_text(struct fy_node *k, size_t *len)
{
    if (!k || !fy_node_is_scalar(k) || fy_node_is_alias(k))
        return NULL;
    return fy_node_get_scalar(k, len);
}

/* Lay mapping `ov` (of layer `file`) over mapping `base` (in the output
 * document), in place. `top`: skip the `include` key. */
static int merge_into(cc_incl *I, struct fy_node *base, struct fy_node *ov, int file, bool top)
{
    cc_yctx *ctx = I->files[file].ctx;
    void *it = NULL;
    struct fy_node_pair *p;
    int rc = 0;
    while ((p = fy_node_mapping_iterate(ov, &it))) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t len = 0;
        const char *t = key_text(k, &len);
        if (!t) {
            cc_yaml_error(ctx, k, NULL, "expected a plain key");
            rc = -1;
            continue;
        }
        if (top && len == 7 && memcmp(t, "include", 7) == 0)
            continue;
        bool append = len > 1 && t[len - 1] == '+';
        size_t klen = append ? len - 1 : len;
        char key[CC_MAX_NAME];
        snprintf(key, sizeof key, "%.*s", (int)(klen < sizeof key ? klen : sizeof key - 1), t);
        struct fy_node_pair *bp = fy_node_mapping_lookup_pair_by_simple_key(base, t, klen);
        struct fy_node *bv = bp ? fy_node_pair_value(bp) : NULL;
        cc_yaml_push_key(ctx, key);
        if (append) {
            if (fy_node_mapping_lookup_pair_by_simple_key(ov, t, klen)) {
                cc_yaml_error(ctx, k, "keep one of the two",
                              "both '%s' (replaces) and '%s+' (appends) are given", key, key);
                rc = -1;
            } else if (!fy_node_is_sequence(v)) {
                char hint[2 * CC_MAX_NAME + 64];
                snprintf(hint, sizeof hint, "write '%s+: [...]' or '%s+:' followed by '- ' items",
                         key, key);
                cc_yaml_error(ctx, v, hint, "'%s+' appends a list, got %s", key,
                              fy_node_is_mapping(v) ? "a mapping" : "a scalar");
                rc = -1;
            } else if (bv && !fy_node_is_null(bv) && !fy_node_is_sequence(bv)) {
                char hint[CC_MAX_NAME + 48];
                snprintf(hint, sizeof hint, "write '%s:' to replace the value instead", key);
                cc_yaml_error(ctx, k, hint,
                              "'%s+' appends to a list, but the included '%s' is not a list",
                              key, key);
                rc = -1;
            } else {
                struct fy_node *seq = bv && fy_node_is_sequence(bv) ? bv : NULL;
                if (!seq) {
                    seq = fy_node_create_sequence(I->out);
                    struct fy_node *nk =
                        bp ? NULL : fy_node_create_scalar_copy(I->out, key, strlen(key));
                    if (bv)
                        forget_tree(I, bv);
                    if (!seq || (!bp && !nk) || remember(I, seq, v, file) ||
                        (nk && remember(I, nk, k, file)) ||
                        (bp ? fy_node_pair_set_value(bp, seq)
                            : fy_node_mapping_append(base, nk, seq)) != 0) {
                        oom(I, file);
                        cc_yaml_pop(ctx);
                        return -1;
                    }
                }
                void *sit = NULL;
                struct fy_node *e;
                while ((e = fy_node_sequence_iterate(v, &sit))) {
                    struct fy_node *c = copy_tree(I, e, file);
                    if (!c || fy_node_sequence_append(seq, c) != 0) {
                        fy_node_free(c);
                        oom(I, file);
                        cc_yaml_pop(ctx);
                        return -1;
                    }
                }
            }
        } else if (bv && fy_node_is_mapping(bv) && fy_node_is_mapping(v)) {
            if (merge_into(I, bv, v, file, false) != 0)
                rc = -1;
        } else {
            struct fy_node *c = copy_tree(I, v, file);
            if (!c) {
                oom(I, file);
                cc_yaml_pop(ctx);
                return -1;
            }
            if (bp) {
                forget_tree(I, bv); /* freed by the replacement */
                fy_node_pair_set_value(bp, c);
            } else {
                struct fy_node *ck = copy_tree(I, k, file);
                if (!ck || fy_node_mapping_append(base, ck, c) != 0) {
                    fy_node_free(ck);
                    fy_node_free(c);
                    oom(I, file);
                    cc_yaml_pop(ctx);
                    return -1;
                }
            }
        }
        cc_yaml_pop(ctx);
    }
    return rc;
}

/* ---- reading an included file ------------------------------------------- */

/* The folder part of a file name ("." when none). */
static char *folder_of(const char *name)
{
    const char *slash = strrchr(name, '/');
    if (!slash)
        return cc_strdup(".");
    if (slash == name)
        return cc_strdup("/");
    return cc_asprintf("%.*s", (int)(slash - name), name);
}

/* Whether real path `p` lies inside folder `dir` (both real paths). */
static bool inside(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return p[0] == '/';
    return strncmp(p, dir, n) == 0 && p[n] == '/';
}

char *cc_read_confined(const char *ref, const char *base_dir, char **real_out, size_t *len,
                       const char **why, const char **hint)
{
    *why = NULL;
    *hint = NULL;
    if (real_out)
        *real_out = NULL;
    if (ref[0] == '/') {
        *why = "an absolute path";
        *hint = "write the path relative to the scenario's folder";
        return NULL;
    }
    char *root = realpath(base_dir && *base_dir ? base_dir : ".", NULL);
    char *name = cc_asprintf("%s/%s", base_dir && *base_dir ? base_dir : ".", ref);
    char *real = name ? realpath(name, NULL) : NULL;
    char *text = NULL;
    if (!root || !real) {
        *why = strerror(errno);
    } else if (!inside(real, root)) {
        *why = "outside the scenario's folder";
        *hint = "keep the files a scenario names in its folder or below it";
    } else {
        text = cc_read_file(real, CC_MAX_FILE_BYTES, len, why);
    }
    free(root);
    free(name);
    if (text && real_out)
        *real_out = real;
    else
        free(real);
    return text;
}

/* Parse a file's text into layer `fi` (its name and real path are set).
 * Returns 0, or -1 with its errors recorded under its own name. */
static int parse_layer(cc_incl *I, int fi, const char *text, size_t len)
{
    layer *L = &I->files[fi];
    struct fy_document *doc = cc_scenario_parse_text(text, len, L->name, I->diag);
    if (!doc)
        return -1;
    L->doc = doc;
    L->ctx = cc_yctx_create(I->diag, L->name, doc, I->scratch, I->s);
    if (!L->ctx) {
        cc_diag_add(I->diag, L->name, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    return cc_scenario_check_root(L->ctx, I->diag, L->name, fy_document_root(doc));
}

/* The chain "a.yaml -> b.yaml -> a.yaml" ending at layer fi, then `last`. */
static char *chain(const cc_incl *I, int fi, const char *last)
{
    cc_buf b = {0};
    int order[CC_MAX_INCLUDE_DEPTH + 1], n = 0;
    for (int i = fi; i >= 0 && n <= CC_MAX_INCLUDE_DEPTH; i = I->files[i].include_from)
        order[n++] = i;
    while (n-- > 0)
        cc_buf_printf(&b, "%s -> ", I->files[order[n]].name);
    cc_buf_printf(&b, "%s", last);
    return b.data;
}

/* The tree of layer fi with its includes resolved, in the output document,
 * or NULL (errors recorded). */
static struct fy_node *resolve(cc_incl *I, int fi)
{
    layer *L = &I->files[fi];
    struct fy_node *root = fy_document_root(L->doc);
    struct fy_node *inc = cc_yaml_get(root, "include");
    struct fy_node *base = NULL;
    if (inc) {
        cc_yaml_push_key(L->ctx, "include");
        size_t len = 0;
        const char *t = cc_yaml_text(L->ctx, inc, "a scenario file or 'default'", &len);
        char ref[4096];
        if (t && (len == 0 || len >= sizeof ref || memchr(t, '\0', len))) {
            cc_yaml_error(L->ctx, inc, NULL, "expected a scenario file or 'default'");
            t = NULL;
        }
        if (!t) {
            cc_yaml_pop(L->ctx);
            return NULL;
        }
        memcpy(ref, t, len);
        ref[len] = '\0';
        bool is_default = strcmp(ref, "default") == 0;
        char *name = NULL, *real = NULL, *text = NULL;
        size_t tlen = 0;
        const char *why = NULL, *hint = NULL;
        if (is_default) {
            const struct cc_embedded *e = cc_embedded_find(DEFAULT_FILE);
            name = cc_strdup(DEFAULT_NAME);
            real = cc_strdup(DEFAULT_NAME);
            if (e) {
                text = malloc(e->len + 1);
                if (text) {
                    memcpy(text, e->data, e->len);
                    text[e->len] = '\0';
                    tlen = e->len;
                }
            }
            if (!text)
                why = "the embedded default scenario is missing";
        } else if (!I->root_dir || L->name[0] == '<') {
            why = "a scenario that is not a file can include only 'default'";
        } else if (ref[0] == '/') {
            why = "an absolute path";
            hint = "write the path relative to the including file's folder";
        } else {
            char *dir = folder_of(L->name);
            name = dir && strcmp(dir, ".") != 0 ? cc_asprintf("%s/%s", dir, ref) : cc_strdup(ref);
            free(dir);
            real = name ? realpath(name, NULL) : NULL;
            if (!real) {
                why = strerror(errno);
            } else if (!inside(real, I->root_dir)) {
                why = "outside the folder of the top-level scenario";
                hint = "keep included files in the top-level scenario's folder or below it";
            } else {
                text = cc_read_file(real, CC_MAX_FILE_BYTES, &tlen, &why);
            }
        }
        int cyc = -1;
        for (int i = fi; real && i >= 0; i = I->files[i].include_from)
            if (strcmp(I->files[i].real, real) == 0)
                cyc = i;
        if (!why && cyc >= 0) {
            char *c = chain(I, fi, I->files[cyc].name);
            cc_yaml_error(L->ctx, inc, "remove one of the includes", "include cycle %s",
                          c ? c : "");
            free(c);
        } else if (!why && I->nfiles > CC_MAX_INCLUDE_DEPTH) {
            cc_yaml_error(L->ctx, inc, NULL, "more than %d nested includes (docs/limits.md)",
                          CC_MAX_INCLUDE_DEPTH);
        } else if (why) {
            cc_yaml_error(L->ctx, inc, hint, "cannot include '%s': %s", ref, why);
        } else {
            int ni = I->nfiles++;
            I->files[ni] = (layer){name, real, NULL, text, NULL, fi};
            name = real = text = NULL;
            if (parse_layer(I, ni, I->files[ni].text, tlen) == 0)
                base = resolve(I, ni);
        }
        free(name);
        free(real);
        free(text);
        cc_yaml_pop(L->ctx);
        if (!base)
            return NULL;
    }
    if (!base) {
        base = fy_node_create_mapping(I->out);
        if (!base || remember(I, base, root, fi) != 0) {
            fy_node_free(base);
            oom(I, fi);
            return NULL;
        }
    }
    if (merge_into(I, base, root, fi, true) != 0) {
        forget_tree(I, base);
        fy_node_free(base);
        return NULL;
    }
    return base;
}

int cc_include_resolve(cc_incl **out, cc_diag *diag, struct fy_diag *scratch, cc_scenario *s,
                       const char *name, struct fy_document *top, cc_yctx *top_ctx,
                       struct fy_document **merged)
{
    *out = NULL;
    *merged = NULL;
    cc_incl *I = calloc(1, sizeof *I);
    if (!I) {
        cc_diag_add(diag, name, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    *out = I;
    I->diag = diag;
    I->scratch = scratch;
    I->s = s;
    I->out = fy_document_create(NULL);
    if (name[0] != '<') {
        char *dir = folder_of(name);
        I->root_dir = dir ? realpath(dir, NULL) : NULL;
        free(dir);
    }
    /* the top-level file's own real path, for cycles back to it */
    char *real = name[0] == '<' ? NULL : realpath(name, NULL);
    I->files[0] = (layer){cc_strdup(name), real ? real : cc_strdup(name), top, NULL, top_ctx, -1};
    I->nfiles = 1;
    if (!I->out || !I->files[0].name || !I->files[0].real) {
        cc_diag_add(diag, name, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    struct fy_node *root = resolve(I, 0);
    if (!root)
        return -1;
    fy_document_set_root(I->out, root);
    *merged = I->out;
    return 0;
}

void cc_include_free(cc_incl *I)
{
    if (!I)
        return;
    /* the merged document first: its scalars share tokens with the files' */
    if (I->out)
        fy_document_destroy(I->out);
    for (int i = 0; i < I->nfiles; i++) {
        free(I->files[i].name);
        free(I->files[i].real);
        if (i > 0) { /* the top-level document and context belong to the caller */
            cc_yctx_free(I->files[i].ctx);
            if (I->files[i].doc)
                fy_document_destroy(I->files[i].doc);
            free(I->files[i].text);
        }
    }
    free(I->root_dir);
    free(I->map);
    free(I);
}

/* ---- the `include` row of the schema (documentation) -------------------- */

static int include_parse(cc_yctx *ctx, struct fy_node *node, cc_scenario *s)
{
    (void)s;
    if (node) /* only a --set can bring it here: files have theirs resolved */
        cc_yaml_error(ctx, node, "write the include in the scenario file",
                      "'include' cannot be set with --set");
    return node ? -1 : 0;
}

static struct fy_node *include_print(struct fy_document *doc, const cc_scenario *s)
{
    (void)doc;
    (void)s;
    return NULL; /* the resolved scenario is whole: it includes nothing */
}

static void include_markdown(cc_buf *out, const char *path)
{
    cc_buf_printf(
        out,
        "## `%s`\n\n"
        "`include: FILE` builds this scenario on top of another one; `include: default` on "
        "the embedded default scenario (`scenarios/cambodia-2017.yaml`). The including file is "
        "laid over the included one:\n\n"
        "- a **mapping** merges key by key, recursively: `pretrial: {bail: {default: 0.3}}` "
        "changes only the bail probability and keeps every other `pretrial` key;\n"
        "- a **scalar** or a **list** replaces the included value: `facilities: [...]` is the "
        "whole list of facilities, `policies: [...]` the whole list of policies;\n"
        "- **`KEY+: [...]` appends** to the included list `KEY` (or starts it when the "
        "included scenario has none): a reform is usually `include: base.yaml` plus "
        "`policies+: [...]`; `facilities+: [...]` adds facilities. Giving both `KEY` and "
        "`KEY+` in one file is an error. To change one value of a listed record, use "
        "`--set facilities.NAME.capacity=...` or repeat the list.\n\n"
        "An included file may include another (at most %d files deep); a cycle is an error "
        "that shows the chain (`a.yaml:1:10: include: include cycle a.yaml -> b.yaml -> "
        "a.yaml`). Every error names the file where the bad value is written, with its "
        "line and column. `carcer check --verbose` prints the merged scenario; it includes nothing.\n\n"
        "Which files can be included: FILE is a path relative to the folder of the file "
        "that includes it (`..` allowed); absolute paths are refused, and the real path "
        "(symbolic links resolved) must lie inside the folder of the top-level scenario "
        "(the file given to `carcer`), so a scenario received from someone else reads no "
        "file outside its own folder. Only regular files of at most %d bytes are read. A "
        "scenario that is not a file (the embedded default, text given to the library) may "
        "include only `default`. A pathogen file named in `disease.pathogen` is read "
        "relative to the top-level scenario's folder, wherever the `disease` block is "
        "written.\n\n",
        path, CC_MAX_INCLUDE_DEPTH, CC_MAX_FILE_BYTES);
}

const cc_schema_custom cc_include_custom = {include_parse, include_print, include_markdown,
                                            NULL, NULL};
