/* yaml.c - the parsing context of a scenario load and typed reads of
 * libfyaml nodes (see schema.h).
 *
 * Positions: a scalar's position is its token's start mark (0-based in
 * libfyaml, reported 1-based). A mapping or sequence has no token in
 * libfyaml 0.7.12 (fy_node_get_start_token came later), so its position is
 * read back from a report into a private collecting fy_diag (`scratch`),
 * which libfyaml fills with the node's 1-based start. Nodes that came from a
 * `--set` value carry positions within that value; they are reported as
 * "--set:K:COL".
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include.h"
#include "prior.h"
#include "schema.h"

#define PATH_MAX_LEN 1024
#define MAX_DEPTH 64

typedef struct set_node {
    struct fy_node *node; /* NULL: freed by a later --set */
    struct fy_node *into; /* the mapping or list it was put in (NULL: the root) */
    int index, col;
    int end;              /* the column just past the value; 0: made in memory
                           * (a key or block the path made: no position) */
} set_node;

typedef struct deferred {
    const cc_schema_row *row;
    struct fy_node *node;
    void *base;
    char *path;
} deferred;

struct cc_yctx {
    cc_diag *diag;
    const char *file;
    struct fy_document *doc;
    struct fy_diag *scratch;
    cc_scenario *s;
    int errors;
    char path[PATH_MAX_LEN];
    size_t pathlen;
    size_t stack[MAX_DEPTH * 2];
    int depth;
    set_node *sets;
    size_t nsets, capsets;
    deferred *defer;
    size_t ndefer, capdefer;
    const cc_incl *incl; /* where merged nodes came from (NULL: one file) */
    cc_inputs *inputs;      /* uncertain inputs met so far (prior.c) */
    const cc_inputs *replay; /* a replicate's load: the scenario's inputs ... */
    const double *values;    /* ... and their values (NULL: the first load) */
};

cc_yctx *cc_yctx_create(cc_diag *diag, const char *file, struct fy_document *doc,
                        struct fy_diag *scratch, cc_scenario *s)
{
    cc_yctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->diag = diag;
    c->file = file;
    c->doc = doc;
    c->scratch = scratch;
    c->s = s;
    return c;
}

int cc_yctx_errors(const cc_yctx *ctx) { return ctx->errors; }

cc_inputs **cc_yctx_inputs(cc_yctx *ctx) { return &ctx->inputs; }
const double *cc_yctx_input_values(const cc_yctx *ctx, const cc_inputs **replay)
{
    *replay = ctx->replay;
    return ctx->values;
}
const char *cc_yaml_path(const cc_yctx *ctx) { return ctx->path; }

cc_diag *cc_yctx_diag(cc_yctx *ctx) { return ctx->diag; }
void cc_yctx_count_error(cc_yctx *ctx) { ctx->errors++; }

const char *cc_yaml_node_file(cc_yctx *ctx, struct fy_node *n)
{
    struct fy_node *orig = NULL;
    const char *file = ctx->file;
    if (cc_include_origin(ctx->incl, n, &orig, &file))
        return file;
    return ctx->file;
}

void cc_yctx_rebind(cc_yctx *ctx, cc_diag *diag, const char *file, cc_scenario *s,
                    const cc_inputs *replay, const double *values)
{
    ctx->replay = replay;
    for (size_t i = 0; i < ctx->ndefer; i++)
        free(ctx->defer[i].path);
    ctx->ndefer = 0;
    ctx->diag = diag;
    ctx->file = file;
    ctx->s = s;
    ctx->values = values;
    ctx->errors = 0;
    ctx->pathlen = 0;
    ctx->path[0] = '\0';
    ctx->depth = 0;
}

void cc_yctx_set_includes(cc_yctx *ctx, const cc_incl *incl, struct fy_document *merged)
{
    ctx->incl = incl;
    ctx->doc = merged;
}
cc_scenario *cc_yaml_scenario(cc_yctx *ctx) { return ctx->s; }
struct fy_document *cc_yaml_document(cc_yctx *ctx) { return ctx->doc; }

int cc_yctx_add_set_node(cc_yctx *ctx, struct fy_node *n, struct fy_node *into, int index,
                         int col, int end)
{
    if (cc_grow((void **)&ctx->sets, &ctx->capsets, ctx->nsets + 1, sizeof *ctx->sets))
        return -1;
    ctx->sets[ctx->nsets++] = (set_node){n, into, index, col, end};
    return 0;
}

/* The node holding n: its parent, or for a --set node (libfyaml 0.7.12 sets
 * no parent on a value given by fy_node_pair_set_value, nor on a key) the
 * block it was put in. */
static struct fy_node *up(const cc_yctx *c, struct fy_node *n)
{
    struct fy_node *p = fy_node_get_parent(n);
    if (p)
        return p;
    for (size_t i = c->nsets; i-- > 0;)
        if (c->sets[i].node == n)
            return c->sets[i].into;
    return NULL;
}

void cc_yctx_forget_set_nodes(cc_yctx *ctx, struct fy_node *n)
{
    /* walk up from each recorded node (bounded by the nesting depth) rather
     * than down the subtree, which may be a whole file's list */
    for (size_t i = 0; n && i < ctx->nsets; i++)
        for (struct fy_node *p = ctx->sets[i].node; p; p = up(ctx, p))
            if (p == n) {
                ctx->sets[i].node = NULL;
                break;
            }
}

void cc_yctx_free(cc_yctx *ctx)
{
    if (!ctx)
        return;
    for (size_t i = 0; i < ctx->ndefer; i++)
        free(ctx->defer[i].path);
    free(ctx->defer);
    cc_inputs_free(ctx->inputs);
    free(ctx->sets);
    free(ctx);
}

/* ---- key path ---------------------------------------------------------- */

static void push_text(cc_yctx *c, const char *text)
{
    if (c->depth < (int)(sizeof c->stack / sizeof c->stack[0]))
        c->stack[c->depth] = c->pathlen;
    c->depth++;
    size_t n = strlen(text);
    if (c->pathlen + n + 1 > sizeof c->path)
        n = sizeof c->path - 1 - c->pathlen;
    memcpy(c->path + c->pathlen, text, n);
    c->pathlen += n;
    c->path[c->pathlen] = '\0';
}

void cc_yaml_push_key(cc_yctx *ctx, const char *key)
{
    char buf[CC_MAX_NAME + 64];
    snprintf(buf, sizeof buf, "%s%s", ctx->pathlen ? "." : "", key);
    push_text(ctx, buf);
}

void cc_yaml_push_index(cc_yctx *ctx, int i)
{
    char buf[32];
    snprintf(buf, sizeof buf, "[%d]", i);
    push_text(ctx, buf);
}

void cc_yaml_pop(cc_yctx *ctx)
{
    if (ctx->depth <= 0)
        return;
    ctx->depth--;
    if (ctx->depth < (int)(sizeof ctx->stack / sizeof ctx->stack[0]))
        ctx->pathlen = ctx->stack[ctx->depth];
    ctx->path[ctx->pathlen] = '\0';
}

/* ---- positions and errors ---------------------------------------------- */

/* Whether n is a recorded --set node. */
static bool recorded(const cc_yctx *c, const struct fy_node *n)
{
    for (size_t i = 0; i < c->nsets; i++)
        if (c->sets[i].node == n)
            return true;
    return false;
}

/* Whether a --set put a node somewhere below block n. Cost: the recorded
 * nodes times the nesting depth. */
static bool edited(const cc_yctx *c, struct fy_node *n)
{
    for (size_t i = 0; i < c->nsets; i++) {
        struct fy_node *p = c->sets[i].node;
        for (p = p ? up(c, p) : NULL; p; p = up(c, p))
            if (p == n)
                return true;
    }
    return false;
}

/* The first key of a mapping or the first item of a list, or NULL. */
static struct fy_node *first_child(struct fy_node *n)
{
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p ? fy_node_pair_key(p) : NULL;
    }
    return fy_node_is_sequence(n) ? fy_node_sequence_iterate(n, &it) : NULL;
}

/* 1-based position of a node as libfyaml sees it (within its source), or
 * 0:0 when it has none. Only nodes that came from parsed text are given:
 * nodes made in memory are positioned by their callers (libfyaml 0.7.12
 * crashes reporting a made scalar, and reports nothing for a made block). */
static void node_position(cc_yctx *c, struct fy_node *n, int *line, int *col)
{
    *line = 0;
    *col = 0;
    if (!n)
        return;
    if (fy_node_is_scalar(n) || fy_node_is_alias(n)) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        if (m) {
            *line = m->line + 1;
            *col = m->column + 1;
        }
        return; /* never a report: see above */
    }
    if (edited(c, n)) {
        /* libfyaml's report of a block spans its first to last token, which
         * now lie in two inputs (it crashed): use its first key or item */
        struct fy_node *first = first_child(n);
        if (first && !recorded(c, first))
            node_position(c, first, line, col);
        return;
    }
    if (!c->scratch)
        return;
    void *it = NULL;
    struct fy_diag_error *e, *before = NULL, *last = NULL;
    while ((e = fy_diag_errors_iterate(c->scratch, &it)))
        before = e;
    fy_diag_node_report(c->scratch, n, FYET_ERROR, "position");
    it = NULL;
    while ((e = fy_diag_errors_iterate(c->scratch, &it)))
        last = e;
    /* no new report: no position (not the previous node's) */
    if (last && last != before) {
        *line = last->line;
        *col = last->column;
    }
}

/* The --set that made node `at` or holds it: the newest recorded node on
 * the way from `at` up to the root, or NULL. */
static const set_node *set_of(const cc_yctx *c, struct fy_node *at)
{
    for (struct fy_node *p = at; p; p = up(c, p))
        for (size_t i = c->nsets; i-- > 0;)
            if (c->sets[i].node == p)
                return &c->sets[i];
    return NULL;
}

/* A message at node `at` (NULL: the current block's position) with the
 * current key path: an error, or a warning when `warning`. */
static void record(cc_yctx *ctx, int warning, struct fy_node *at, const char *hint,
                   const char *fmt, va_list ap)
{
    int line = 0, col = 0;
    /* the sink keeps CC_DIAG_MAX entries: past that only the count matters, and
     * skipping the position keeps a file of many errors linear (each scratch
     * report is read back by iterating over all earlier ones) */
    if (ctx->diag && ctx->diag->kept >= CC_DIAG_MAX) {
        if (warning)
            ctx->diag->warnings++;
        else
            ctx->diag->count++;
        return;
    }
    const char *file = ctx->file;
    /* a node inside a --set value: report against the --set argument */
    const set_node *sn = set_of(ctx, at);
    struct fy_node *orig = NULL;
    if (sn) {
        if (sn->end)
            node_position(ctx, at, &line, &col);
        file = "--set";
        /* a made node, or one whose position is unknown: the --set's column */
        col = sn->col + (line > 1 || col < 1 ? 0 : col - 1);
        /* libfyaml puts an empty block scalar ('>') past the text (found by
         * fuzzing): keep the column inside the argument */
        if (sn->end && col > sn->end)
            col = sn->end;
        line = sn->index;
    } else if (cc_include_origin(ctx->incl, at, &orig, &file)) {
        /* a node of a merged scenario: its position in the file it came from */
        node_position(ctx, orig, &line, &col);
    } else {
        node_position(ctx, at, &line, &col);
    }
    char *msg = cc_vasprintf(fmt, ap);
    const char *path = ctx->pathlen ? ctx->path : NULL;
    if (warning)
        cc_diag_warn(ctx->diag, file, line, col, path, hint, "%s", msg ? msg : "(out of memory)");
    else
        cc_diag_add(ctx->diag, file, line, col, path, hint, "%s", msg ? msg : "(out of memory)");
    free(msg);
}

void cc_yaml_error(cc_yctx *ctx, struct fy_node *at, const char *hint, const char *fmt, ...)
{
    ctx->errors++;
    va_list ap;
    va_start(ap, fmt);
    record(ctx, 0, at, hint, fmt, ap);
    va_end(ap);
}

void cc_yaml_warn(cc_yctx *ctx, struct fy_node *at, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(ctx, 1, at, hint, fmt, ap);
    va_end(ap);
}

/* ---- node inspection --------------------------------------------------- */

void cc_yaml_tag_text(struct fy_node *n, char *out, size_t cap)
{
    struct fy_token *t = fy_node_get_tag_token(n);
    size_t len = 0;
    const char *s = t ? fy_token_get_text(t, &len) : NULL;
    if (!s)
        s = fy_node_get_tag(n, &len);
    if (!s)
        len = 0;
    static const char std[] = "tag:yaml.org,2002:"; /* written '!!' */
    size_t k = 0;
    if (len > sizeof std - 1 && memcmp(s, std, sizeof std - 1) == 0 && cap > 3) {
        out[k++] = '!';
        out[k++] = '!';
        s += sizeof std - 1;
        len -= sizeof std - 1;
        cap -= 2;
    }
    if (len >= cap)
        len = cap - 1;
    /* a tag may hold any byte: keep it printable */
    for (size_t i = 0; i < len; i++)
        out[k++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    out[k] = '\0';
}

static const char *kind_name(struct fy_node *n)
{
    if (!n || fy_node_is_null(n))
        return "nothing";
    switch (fy_node_get_type(n)) {
    case FYNT_MAPPING:
        return "a mapping";
    case FYNT_SEQUENCE:
        return "a list";
    default:
        return "a scalar";
    }
}

/* "got ..." text for messages: the scalar (shortened) or its kind. */
static void got_text(struct fy_node *n, char *out, size_t cap)
{
    if (n && fy_node_is_scalar(n) && !fy_node_is_null(n)) {
        size_t len;
        const char *t = fy_node_get_scalar(n, &len);
        if (len > 40)
            snprintf(out, cap, "'%.37s...'", t);
        else
            snprintf(out, cap, "'%.*s'", (int)len, t);
        return;
    }
    snprintf(out, cap, "%s", kind_name(n));
}

struct fy_node *cc_yaml_get(struct fy_node *n, const char *key)
{
    if (!n || !fy_node_is_mapping(n))
        return NULL;
    return fy_node_mapping_lookup_value_by_simple_key(n, key, strlen(key));
}

const char *cc_yaml_text(cc_yctx *ctx, struct fy_node *n, const char *what, size_t *len)
{
    if (n && fy_node_is_alias(n))
        return NULL; /* refused with its own message */
    if (!n || !fy_node_is_scalar(n) || fy_node_is_null(n)) {
        cc_yaml_error(ctx, n, NULL, "expected %s, got %s", what, kind_name(n));
        return NULL;
    }
    const char *t = fy_node_get_scalar(n, len);
    /* an escaped "\0" would cut the name short wherever it is used as C text */
    if (t && memchr(t, '\0', *len)) {
        cc_yaml_error(ctx, n, NULL, "expected %s without a NUL character ('\\0'), got one",
                      what);
        return NULL;
    }
    return t;
}

/* A plain scalar holding a decimal number. */
static int number_of(struct fy_node *n, double *out)
{
    if (fy_node_get_style(n) != FYNS_PLAIN)
        return -1;
    size_t len;
    const char *t = fy_node_get_scalar(n, &len);
    char small[64];
    if (!t || len == 0)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (!t[i] || !strchr("0123456789+-.eE", t[i]))
            return -1; /* no hex, inf or nan */
    /* a valid number may be long (many zeros): copy it to the heap then */
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf)
        return -1;
    memcpy(buf, t, len);
    buf[len] = '\0';
    char *end;
    double v = strtod(buf, &end);
    int bad = *end || !isfinite(v);
    if (buf != small)
        free(buf);
    if (bad)
        return -1;
    *out = v;
    return 0;
}

static void bounds_text(char *out, size_t cap, double min, double max)
{
    char a[40], b[40];
    cc_yaml_format_real(a, min, 1);
    cc_yaml_format_real(b, max, 1);
    if (max >= HUGE_VAL)
        snprintf(out, cap, ">= %s", a);
    else
        snprintf(out, cap, "in [%s, %s]", a, b);
}

int cc_yaml_real(cc_yctx *ctx, struct fy_node *n, double min, double max, double *out)
{
    char got[64];
    if (n && fy_node_is_alias(n))
        return -1;
    if (cc_prior_node(n))
        return cc_prior_read(ctx, n, min, max, false, out);
    double v;
    if (!n || !fy_node_is_scalar(n) || number_of(n, &v)) {
        got_text(n, got, sizeof got);
        cc_yaml_error(ctx, n, NULL, "expected a number, got %s", got);
        return -1;
    }
    if (v < min || v > max) {
        char b[100];
        bounds_text(b, sizeof b, min, max);
        got_text(n, got, sizeof got);
        cc_yaml_error(ctx, n, NULL, "expected a %s %s, got %s",
                      min == 0 && max == 1 ? "probability" : "number", b, got);
        return -1;
    }
    *out = v;
    return 0;
}

int cc_yaml_int(cc_yctx *ctx, struct fy_node *n, double min, double max, int64_t *out)
{
    char got[64];
    if (n && fy_node_is_alias(n))
        return -1;
    if (cc_prior_node(n)) {
        double x;
        if (cc_prior_read(ctx, n, min, max, true, &x))
            return -1;
        *out = (int64_t)x;
        return 0;
    }
    double v;
    if (!n || !fy_node_is_scalar(n) || number_of(n, &v) || v != floor(v)) {
        got_text(n, got, sizeof got);
        cc_yaml_error(ctx, n, NULL, "expected an integer, got %s", got);
        return -1;
    }
    if (v < min || v > max) {
        char b[100];
        bounds_text(b, sizeof b, min, max);
        got_text(n, got, sizeof got);
        cc_yaml_error(ctx, n, NULL, "expected an integer %s, got %s", b, got);
        return -1;
    }
    *out = (int64_t)v;
    return 0;
}

int cc_yaml_bool(cc_yctx *ctx, struct fy_node *n, bool *out)
{
    char got[64];
    if (n && fy_node_is_alias(n))
        return -1;
    if (n && fy_node_is_scalar(n) && fy_node_get_style(n) == FYNS_PLAIN) {
        size_t len;
        const char *t = fy_node_get_scalar(n, &len);
        static const char *const yes[] = {"true", "True", "TRUE"};
        static const char *const no[] = {"false", "False", "FALSE"};
        for (int i = 0; i < 3; i++) {
            if (len == strlen(yes[i]) && memcmp(t, yes[i], len) == 0) {
                *out = true;
                return 0;
            }
            if (len == strlen(no[i]) && memcmp(t, no[i], len) == 0) {
                *out = false;
                return 0;
            }
        }
    }
    got_text(n, got, sizeof got);
    cc_yaml_error(ctx, n, NULL, "expected true or false, got %s", got);
    return -1;
}

int cc_yaml_date(cc_yctx *ctx, struct fy_node *n, int32_t *days)
{
    char got[64];
    if (n && fy_node_is_alias(n))
        return -1;
    if (n && fy_node_is_scalar(n) && !fy_node_is_null(n)) {
        size_t len;
        const char *t = fy_node_get_scalar(n, &len);
        if (cc_date_parse(t, len, days) == 0)
            return 0;
    }
    got_text(n, got, sizeof got);
    cc_yaml_error(ctx, n, "dates are YYYY-MM-DD, years 1900 to 2200",
                  "expected a date, got %s", got);
    return -1;
}

/* Index of `text` in a NULL-terminated list, or -1 with an error and the
 * nearest name as a hint. */
int cc_yaml_enum(cc_yctx *ctx, struct fy_node *n, const char *const *names, int first)
{
    size_t len;
    const char *t = cc_yaml_text(ctx, n, "a name", &len);
    if (!t)
        return -1;
    char buf[CC_MAX_NAME];
    snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), t);
    int best = 1000, near = -1;
    for (int i = first; names[i]; i++) {
        if (strcmp(names[i], buf) == 0)
            return i;
        int dd = cc_edit_distance(buf, names[i]);
        if (dd < best) {
            best = dd;
            near = i;
        }
    }
    char list[256] = "";
    for (int i = first; names[i]; i++) {
        strncat(list, names[i], sizeof list - strlen(list) - 1);
        if (names[i + 1])
            strncat(list, names[i + 2] ? ", " : " or ", sizeof list - strlen(list) - 1);
    }
    char hint[CC_MAX_NAME + 32];
    if (near >= 0 && best <= 3)
        snprintf(hint, sizeof hint, "did you mean '%s'?", names[near]);
    cc_yaml_error(ctx, n, near >= 0 && best <= 3 ? hint : NULL, "expected %s, got '%s'", list,
                  buf);
    return -1;
}

/* ---- unknown keys ------------------------------------------------------ */

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions, so 'sede' is one edit from 'seed'), case-insensitive. */
int cc_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 1000;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int v = d[i - 1][j - 1] + (ca != cb);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

int cc_yaml_check_keys(cc_yctx *ctx, struct fy_node *n, const char *const *keys)
{
    return cc_yaml_check_names(ctx, n, keys, "key");
}

int cc_yaml_check_names(cc_yctx *ctx, struct fy_node *n, const char *const *keys,
                        const char *what)
{
    if (n && fy_node_is_alias(n))
        return -1;
    if (!n || !fy_node_is_mapping(n)) {
        char got[64];
        got_text(n, got, sizeof got);
        cc_yaml_error(ctx, n, NULL, "expected a mapping, got %s", got);
        return -1;
    }
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it))) {
        struct fy_node *k = fy_node_pair_key(p);
        size_t len;
        const char *t = k && fy_node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
        char key[CC_MAX_NAME];
        if (!t || len >= sizeof key) {
            cc_yaml_error(ctx, k, NULL, "expected a key name, got %s", kind_name(k));
            continue;
        }
        memcpy(key, t, len);
        key[len] = '\0';
        int found = 0, best = 1000;
        const char *near = NULL;
        for (int i = 0; keys[i]; i++) {
            if (strcmp(keys[i], key) == 0) {
                found = 1;
                break;
            }
            int dist = cc_edit_distance(key, keys[i]);
            if (dist < best) {
                best = dist;
                near = keys[i];
            }
        }
        if (found)
            continue;
        char hint[512];
        size_t klen = strlen(key);
        int close = near && best <= (klen <= 4 ? 1 : klen <= 8 ? 2 : 3);
        if (close) {
            snprintf(hint, sizeof hint, "did you mean '%s'?", near);
        } else {
            /* no near name: list the few known ones */
            snprintf(hint, sizeof hint, "known: ");
            int nk = 0;
            while (keys[nk])
                nk++;
            for (int i = 0; i < nk && nk <= 20; i++) {
                strncat(hint, keys[i], sizeof hint - strlen(hint) - 1);
                if (i + 1 < nk)
                    strncat(hint, ", ", sizeof hint - strlen(hint) - 1);
            }
            close = nk > 0 && nk <= 20;
        }
        cc_yaml_push_key(ctx, key);
        cc_yaml_error(ctx, k, close ? hint : NULL, "unknown %s '%s'", what, key);
        cc_yaml_pop(ctx);
    }
    return 0;
}

/* ---- deferred references ----------------------------------------------- */

int cc_yaml_defer(cc_yctx *ctx, const cc_schema_row *row, struct fy_node *n, void *base)
{
    if (cc_grow((void **)&ctx->defer, &ctx->capdefer, ctx->ndefer + 1, sizeof *ctx->defer))
        return -1;
    char *p = cc_strdup(ctx->path);
    if (!p)
        return -1;
    ctx->defer[ctx->ndefer++] = (deferred){row, n, base, p};
    return 0;
}

void cc_yctx_finish(cc_yctx *ctx)
{
    for (size_t i = 0; i < ctx->ndefer; i++) {
        deferred *d = &ctx->defer[i];
        int *out = (int *)((char *)d->base + d->row->offset);
        size_t saved = ctx->pathlen;
        size_t n = strlen(d->path);
        if (n >= sizeof ctx->path)
            n = sizeof ctx->path - 1;
        memcpy(ctx->path, d->path, n);
        ctx->path[n] = '\0';
        ctx->pathlen = n;
        size_t len;
        const char *t = cc_yaml_text(ctx, d->node, "a facility name", &len);
        if (t) {
            char name[CC_MAX_NAME];
            snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), t);
            int k = cc_facility_index(ctx->s, name);
            if (k < 0) {
                char hint[CC_MAX_NAME + 32] = "";
                int best = 1000;
                for (int j = 0; j < ctx->s->nfacilities; j++) {
                    int dist = cc_edit_distance(name, ctx->s->facility[j].name);
                    if (dist < best && dist <= 3) {
                        best = dist;
                        snprintf(hint, sizeof hint, "did you mean '%s'?",
                                 ctx->s->facility[j].name);
                    }
                }
                cc_yaml_error(ctx, d->node, hint[0] ? hint : NULL, "unknown facility '%s'", name);
            } else {
                *out = k;
            }
        }
        ctx->pathlen = saved;
        ctx->path[saved] = '\0';
    }
}

/* ---- numbers as text ---------------------------------------------------- */

/* `load` maps written text to the stored double; find the shortest text
 * that maps back to exactly `stored`. */
static int loads_to(const char *text, double stored, double f, int multiply)
{
    double w = strtod(text, NULL);
    return (multiply ? w * f : w / f) == stored;
}

static void format_rt(char out[40], double stored, double f, int multiply)
{
    if (f == 0)
        f = 1;
    if (isinf(stored)) {
        snprintf(out, 40, "%s", stored > 0 ? "inf" : "-inf");
        return;
    }
    double written = multiply ? stored / f : stored * f;
    /* integers as integers (30, not 3e+01) */
    if (fabs(written) < 1e15 && written == floor(written)) {
        snprintf(out, 40, "%.0f", written);
        if (loads_to(out, stored, f, multiply))
            return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 40, "%.*g", prec, written);
        if (loads_to(out, stored, f, multiply))
            return;
    }
    /* the conversion may be one ulp off the written value: try neighbours */
    double lo = written, hi = written;
    for (int k = 0; k < 4; k++) {
        lo = nextafter(lo, -HUGE_VAL);
        hi = nextafter(hi, HUGE_VAL);
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(out, 40, "%.*g", prec, lo);
            if (loads_to(out, stored, f, multiply))
                return;
            snprintf(out, 40, "%.*g", prec, hi);
            if (loads_to(out, stored, f, multiply))
                return;
        }
    }
    snprintf(out, 40, "%.17g", written);
}

void cc_yaml_format_real(char out[40], double stored, double divisor)
{
    format_rt(out, stored, divisor, 0);
}

void cc_yaml_format_scaled(char out[40], double stored, double factor)
{
    format_rt(out, stored, factor, 1);
}

struct fy_node *cc_yaml_print_real(struct fy_document *doc, double stored, double divisor)
{
    char buf[40];
    cc_yaml_format_real(buf, stored, divisor);
    return fy_node_create_scalar_copy(doc, buf, strlen(buf));
}

/* ---- a cheap pass before libfyaml ----------------------------------------- */

/* The length of the valid UTF-8 sequence at t (n bytes left), or 0. Refuses
 * overlong forms, surrogates and code points above U+10FFFF (RFC 3629). */
static size_t utf8_len(const unsigned char *t, size_t n)
{
    unsigned c = t[0];
    size_t k;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        k = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        k = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        k = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < k)
        return 0;
    unsigned cp = c & (0x7fu >> k);
    for (size_t i = 1; i < k; i++) {
        if ((t[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (t[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return k;
}

int cc_yaml_precheck(const char *text, size_t len, int *line, int *col, char *msg, size_t cap)
{
    const unsigned char *t = (const unsigned char *)text;
    int ln = 1, cl = 1;
    int depth = 0;           /* open flow collections: [ and { */
    char quote = 0;          /* inside '...' or "..." */
    bool comment = false;
    bool line_start = true;  /* only spaces so far on this line */
    if (len > CC_MAX_FILE_BYTES) {
        *line = 0;
        *col = 0;
        snprintf(msg, cap, "the file has %zu bytes, more than the limit of %d (docs/limits.md)",
                 len, CC_MAX_FILE_BYTES);
        return -1;
    }
    for (size_t i = 0; i < len;) {
        size_t k = utf8_len(t + i, len - i);
        *line = ln;
        *col = cl;
        if (!k) {
            snprintf(msg, cap, "the file is not valid UTF-8 (byte 0x%02x)", t[i]);
            return -1;
        }
        unsigned char c = t[i];
        if (c == 0) {
            snprintf(msg, cap, "the file contains a NUL byte");
            return -1;
        }
        if (c == '\n' || c == '\r') {
            /* YAML breaks lines at \n, \r\n and a lone \r (found by fuzzing:
             * a directive after a lone \r reached libfyaml) */
            if (c == '\r' && i + 1 < len && t[i + 1] == '\n')
                i++;
            ln++;
            cl = 1;
            comment = false;
            line_start = true;
            /* a quoted scalar may span lines; a flow collection too */
            i++;
            continue;
        }
        if (!comment) {
            if (quote) {
                if (c == '\\' && quote == '"' && i + 1 < len && t[i + 1] != '\n' &&
                    t[i + 1] != '\r') {
                    /* an escaped character never closes the string; it must
                     * be valid UTF-8 like any other (found by fuzzing) */
                    size_t k2 = utf8_len(t + i + 1, len - i - 1);
                    if (!k2) {
                        *col = cl + 1;
                        snprintf(msg, cap, "the file is not valid UTF-8 (byte 0x%02x)",
                                 t[i + 1]);
                        return -1;
                    }
                    i += 1 + k2;
                    cl += 2;
                    continue;
                }
                if (c == (unsigned char)quote)
                    quote = 0;
            } else if (c == '#' && (i == 0 || t[i - 1] == ' ' || t[i - 1] == '\t' ||
                                    t[i - 1] == '\n')) {
                comment = true;
            } else if (c == '%' && cl == 1) {
                /* libfyaml 0.7.12 can loop forever on a malformed directive;
                 * scenario and pathogen files need none */
                snprintf(msg, cap, "YAML directives ('%%...') are not supported");
                return -1;
            } else if ((c == '\'' || c == '"') &&
                       (line_start || depth > 0 || (i > 0 && strchr(" \t[{,:-", t[i - 1])))) {
                quote = (char)c;
            } else if (c == '[' || c == '{') {
                if (++depth > CC_MAX_YAML_DEPTH) {
                    snprintf(msg, cap, "more than %d nested '[' or '{' (docs/limits.md)",
                             CC_MAX_YAML_DEPTH);
                    return -1;
                }
            } else if ((c == ']' || c == '}') && depth > 0) {
                depth--;
            }
        }
        if (c != ' ' && c != '\t')
            line_start = false;
        i += k;
        cl++;
    }
    return 0;
}
