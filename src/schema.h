/* schema.h - the scenario schema: one table of keys that drives parsing,
 * unknown-key detection, defaults, `--set`, the resolved scenario and the
 * reference documentation (docs/scenario-reference.md).
 *
 * A block is a table of rows; a row gives a key, its type, where the value
 * lives (offsetof from the block's base), bounds, default (as YAML text, so
 * the docs show exactly what the loader uses), unit, a one-line meaning and
 * the source of the default. Nested blocks and lists of records are rows
 * whose `sub` points to another block.
 *
 * Modules that parse a block with their own code (the `disease:` block,
 * the `policies:` list) add one CC_T_CUSTOM row to the top-level table in
 * schema.c with a cc_schema_custom giving parse / print / markdown / free.
 * Their parsers report problems through cc_yaml_error() and may reuse the
 * generic helpers below (cc_yaml_real, cc_yaml_parse_block, ...), which keep
 * the key path and positions right.
 *
 * Load flow (scenario.c): text -> libfyaml document (syntax errors collected)
 * -> aliases/anchors refused -> `--set` overrides applied to the tree ->
 * cc_yaml_parse_block(top-level table) -> deferred references resolved ->
 * cross checks. Nothing is allocated from a size the file gives before the
 * size has been checked against its CC_MAX_* limit.
 */
#ifndef CARCER_SCHEMA_H
#define CARCER_SCHEMA_H

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "scenario.h"
#include "util.h"

/* The parsing context of one load: diagnostics, key path, document. */
typedef struct cc_yctx cc_yctx;

typedef enum cc_schema_type {
    CC_T_STRING,       /* char[size]; non-empty */
    CC_T_INT,          /* int32_t in [min, max] */
    CC_T_INT64,        /* int64_t in [min, max] */
    CC_T_UINT64,       /* uint64_t in [min, max] */
    CC_T_REAL,         /* double in [min, max], stored = written / divisor */
    CC_T_PROB,         /* double in [0, 1] */
    CC_T_BOOL,         /* bool: true or false */
    CC_T_DATE,         /* int32_t days since 1970-01-01, written YYYY-MM-DD */
    CC_T_DAY,          /* int32_t days since `start`, written as a date; absent = 0 */
    CC_T_ENUM,         /* int (a C enum), one of `names` (index = value) */
    CC_T_DIST,         /* cc_dist; `unit` is the unit it is stored in */
    CC_T_SCHEDULE,     /* cc_schedule; values in [min, max] */
    CC_T_PER_OFFENSE,  /* cc_per_offense; values in [min, max] */
    CC_T_PER_OFFENSE_DIST, /* cc_per_offense_dist */
    CC_T_SHARES,       /* double[CC_MAX_OFFENSES]: offense -> share, sum 1;
                        * absent = equal shares */
    CC_T_OFFENSES,     /* the offense classes (cc_scenario.offense) */
    CC_T_FACILITY_REF, /* int: index of a facility named by the value; absent = -1 */
    CC_T_BLOCK,        /* a nested mapping described by `sub` */
    CC_T_LIST,         /* a list of records described by `sub` */
    CC_T_CUSTOM        /* parsed by `custom` */
} cc_schema_type;

/* Row flags. */
#define CC_F_REQUIRED 0x1u  /* no default: the key must be given */
#define CC_F_INHERIT 0x2u   /* BLOCK: absent = copy of the scenario's `initial` composition */
#define CC_F_UNIQUE 0x4u    /* STRING in a LIST record: unique among the records */
#define CC_F_SUM1 0x8u      /* BLOCK: its PROB rows are shares that sum to 1 */

struct cc_schema_block;

/* The hook of a block parsed by its own module. */
typedef struct cc_schema_custom {
    /* Parse `node` (NULL when the key is absent: apply defaults) into s.
     * Report every problem with cc_yaml_error(); return 0 or -1. The key
     * path of `node` is already pushed on ctx. */
    int (*parse)(cc_yctx *ctx, struct fy_node *node, cc_scenario *s);
    /* The resolved value as a node of `doc` (every default explicit), or
     * NULL to leave the key out of the resolved scenario. */
    struct fy_node *(*print)(struct fy_document *doc, const cc_scenario *s);
    /* Append the reference documentation of the block (markdown); `path`
     * is the block's key path, e.g. "routing". */
    void (*markdown)(cc_buf *out, const char *path);
    /* Free what parse allocated in s (may be NULL). */
    void (*free)(cc_scenario *s);
    /* Keys the block accepts, for the docs test (NULL-terminated; may be NULL). */
    const char *const *keys;
} cc_schema_custom;

typedef struct cc_schema_row {
    const char *key;
    cc_schema_type type;
    size_t offset;        /* from the block's base; BLOCK: base of the sub-block */
    double min, max;      /* bounds of numbers (and of list lengths for LIST) */
    const char *def;      /* default as YAML text; NULL = required, optional or
                           * type-defined (see the types and flags) */
    const char *unit;     /* unit of the stored value ("days", "years", ...) */
    const char *doc;      /* one-line meaning */
    const char *source;   /* where the default comes from, or why it is assumed */
    unsigned flags;       /* CC_F_* */
    double divisor;       /* REAL: stored = written / divisor (0 = 1) */
    const struct cc_schema_block *sub; /* BLOCK, LIST */
    const char *const *names; /* ENUM: NULL-terminated */
    size_t size;          /* STRING: bytes with the terminator; LIST: record size */
    size_t count_offset;  /* LIST: offset of the int count of records */
    const cc_schema_custom *custom;
} cc_schema_row;

typedef struct cc_schema_block {
    const char *title;    /* heading in the docs */
    const cc_schema_row *rows;
    int nrows;
    unsigned flags;       /* CC_F_SUM1 */
    /* Cross-field checks after the rows are parsed (may be NULL). `map` is
     * the block's node (NULL when the block was absent). */
    void (*check)(cc_yctx *ctx, struct fy_node *map, void *base);
} cc_schema_block;

/* The top-level table of a scenario. */
const cc_schema_block *cc_schema_top(void);

/* The reference documentation of the whole schema, markdown (malloc'd). */
char *cc_schema_markdown(void);

/* Every key path the docs must mention ("facilities.capacity", ...), for
 * tests: calls fn once per key. */
void cc_schema_each_key(void (*fn)(const char *path, void *arg), void *arg);

/* ---- the parsing context and helpers for parsers --------------------- */

/* Record an error at `at` (its position; NULL = the current block's) with
 * the current key path. `hint` may be NULL. Counts as a failed load. */
void cc_yaml_error(cc_yctx *ctx, struct fy_node *at, const char *hint, const char *fmt, ...)
    CC_PRINTF(4, 5);
/* Record a warning the same way: the scenario loads, but probably does not
 * say what its author meant (warnings.c). */
void cc_yaml_warn(cc_yctx *ctx, struct fy_node *at, const char *hint, const char *fmt, ...)
    CC_PRINTF(4, 5);
/* Push a key (".key") or an index ("[i]") on the key path; pop it. */
void cc_yaml_push_key(cc_yctx *ctx, const char *key);
void cc_yaml_push_index(cc_yctx *ctx, int i);
void cc_yaml_pop(cc_yctx *ctx);
/* The scenario being loaded, and the document (to build default nodes). */
cc_scenario *cc_yaml_scenario(cc_yctx *ctx);
struct fy_document *cc_yaml_document(cc_yctx *ctx);

/* Typed reads of a node; each reports its own error and returns -1. */
int cc_yaml_real(cc_yctx *ctx, struct fy_node *n, double min, double max, double *out);
int cc_yaml_int(cc_yctx *ctx, struct fy_node *n, double min, double max, int64_t *out);
int cc_yaml_bool(cc_yctx *ctx, struct fy_node *n, bool *out);
int cc_yaml_date(cc_yctx *ctx, struct fy_node *n, int32_t *days);
/* One of `names` (NULL-terminated, from index `first`): its index, or -1
 * with an error listing the names and the nearest one. */
int cc_yaml_enum(cc_yctx *ctx, struct fy_node *n, const char *const *names, int first);
/* The text of a scalar (not NUL-terminated), or NULL with an error. */
const char *cc_yaml_text(cc_yctx *ctx, struct fy_node *n, const char *what, size_t *len);
/* A mapping's pairs checked against `keys` (NULL-terminated): unknown keys
 * are reported with the nearest known one; returns -1 if n is not a mapping. */
int cc_yaml_check_keys(cc_yctx *ctx, struct fy_node *n, const char *const *keys);
/* The same, naming what the keys are in messages ("unknown offense 'x'"). */
int cc_yaml_check_names(cc_yctx *ctx, struct fy_node *n, const char *const *keys,
                        const char *what);
/* The value of key `key` in mapping n, or NULL. */
struct fy_node *cc_yaml_get(struct fy_node *n, const char *key);

/* Parse / print one row or a whole block with the generic machinery. */
int cc_yaml_parse_block(cc_yctx *ctx, const cc_schema_block *b, struct fy_node *n, void *base);
struct fy_node *cc_yaml_print_block(struct fy_document *doc, const cc_scenario *s,
                                    const cc_schema_block *b, const void *base);
int cc_yaml_parse_dist(cc_yctx *ctx, struct fy_node *n, const char *unit, cc_dist *d);
struct fy_node *cc_yaml_print_dist(struct fy_document *doc, const cc_dist *d, const char *unit);
/* A per-offense number: a scalar for every class, or {default: x, OFFENSE: x}. */
int cc_yaml_parse_per_offense(cc_yctx *ctx, struct fy_node *n, double min, double max,
                              cc_per_offense *po);
struct fy_node *cc_yaml_print_per_offense(struct fy_document *doc, const cc_scenario *s,
                                          const cc_per_offense *po);
/* A number as the shortest text that reads back to the same double after
 * dividing by `divisor` (1 = plain shortest round trip). */
struct fy_node *cc_yaml_print_real(struct fy_document *doc, double stored, double divisor);
void cc_yaml_format_real(char out[40], double stored, double divisor);
/* The same where the loader stored written * factor. */
void cc_yaml_format_scaled(char out[40], double stored, double factor);
/* Deep copy of a distribution (0, or -1 when out of memory). */
int cc_dist_copy(cc_dist *dst, const cc_dist *src);
/* Append the markdown tables of a block and its sub-blocks. */
void cc_schema_markdown_block(cc_buf *out, const cc_schema_block *b, const char *path);

/* Levenshtein distance, for "did you mean" hints. */
int cc_edit_distance(const char *a, const char *b);

/* A linear pass over a file before libfyaml sees it: at most
 * CC_MAX_FILE_BYTES, valid UTF-8 without NUL bytes, no `%` directives
 * (libfyaml 0.7.12 can loop forever on a malformed one), at most
 * CC_MAX_YAML_DEPTH nested flow collections (libfyaml refuses deeper ones
 * only after tokenizing the whole file). Returns 0, or -1 with the 1-based
 * position of the problem (0:0 for the size) and a message in msg. */
int cc_yaml_precheck(const char *text, size_t len, int *line, int *col, char *msg, size_t cap);

/* The tag of node n as written ('!!str', '!mine'), shortened to fit cap
 * bytes, control characters as '?' (for messages refusing tags). */
void cc_yaml_tag_text(struct fy_node *n, char *out, size_t cap);

/* ---- used by scenario.c ---------------------------------------------- */
cc_yctx *cc_yctx_create(cc_diag *diag, const char *file, struct fy_document *doc,
                        struct fy_diag *scratch, cc_scenario *s);
/* Nodes of the merged document of a scenario with includes (include.h):
 * errors about them name the file and position they came from. */
struct cc_incl;
void cc_yctx_set_includes(cc_yctx *ctx, const struct cc_incl *incl, struct fy_document *merged);
/* Errors recorded so far. */
int cc_yctx_errors(const cc_yctx *ctx);
/* The key path being parsed ("pretrial.bail.default"; "" at the top). */
const char *cc_yaml_path(const cc_yctx *ctx);
/* The sink of the load, for parsers of other files (a posterior.csv) that
 * record their own positioned messages; each such message must also be
 * counted as an error of the load. */
cc_diag *cc_yctx_diag(cc_yctx *ctx);
void cc_yctx_count_error(cc_yctx *ctx);
/* The file a node was written in (an included file for merged nodes;
 * "<default>" for the embedded default). */
const char *cc_yaml_node_file(cc_yctx *ctx, struct fy_node *n);
/* The uncertain inputs met by this load (prior.c), and the values a
 * replicate's load gives them (NULL on the first load). */
struct cc_inputs;
struct cc_inputs **cc_yctx_inputs(cc_yctx *ctx);
const double *cc_yctx_input_values(const cc_yctx *ctx, const struct cc_inputs **replay);
/* Ready a kept context for another load of its document into s (prior.c):
 * errors, key path and deferred references start afresh. */
void cc_yctx_rebind(cc_yctx *ctx, cc_diag *diag, const char *file, cc_scenario *s,
                    const struct cc_inputs *replay, const double *values);
/* A node built from `--set` number `index` (1-based) whose value text starts
 * at column `col` (1-based), put in block `into`: errors inside it are
 * reported as --set:index:col. `end`: the column just past the value's
 * text, or 0 when the node was made in memory (a key or block the path
 * created): it has no source position and errors about it sit at `col`.
 * Returns 0 or -1 (out of memory). */
int cc_yctx_add_set_node(cc_yctx *ctx, struct fy_node *n, struct fy_node *into, int index,
                         int col, int end);
/* Forget the recorded --set nodes inside the subtree `n` (about to be freed
 * by a later --set, whose nodes may reuse its addresses). */
void cc_yctx_forget_set_nodes(cc_yctx *ctx, struct fy_node *n);
/* Resolve a facility name once every facility is known (cc_yctx_finish). */
int cc_yaml_defer(cc_yctx *ctx, const cc_schema_row *row, struct fy_node *n, void *base);
/* Resolve what had to wait for the whole file (facility references). */
void cc_yctx_finish(cc_yctx *ctx);
void cc_yctx_free(cc_yctx *ctx);
/* Free what the schema's rows allocated in s (dists, schedules, customs). */
void cc_schema_free_scenario(cc_scenario *s);
/* Free a distribution's and a schedule's arrays. */
void cc_schedule_free(cc_schedule *sc);

#endif
