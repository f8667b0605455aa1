/* include.h - `include:` in scenarios (include.c): the merged tree of a
 * scenario and the files it includes, and where each of its nodes came from.
 * The rules (merge, `KEY+` append, safe paths, limits) are documented in
 * include.c and in docs/scenario-reference.md (the `include` row).
 */
#ifndef CARCER_INCLUDE_H
#define CARCER_INCLUDE_H

#include <libfyaml.h>

#include "schema.h"

#define CC_MAX_INCLUDE_DEPTH 8 /* files included one inside another */

typedef struct cc_incl cc_incl;

/* Resolve the includes of `top` (the parsed top-level file `name`, whose
 * context is `top_ctx`). On success *merged is the merged document, owned
 * by *out (freed with cc_include_free). On failure returns -1 with every
 * error recorded in diag under the name of the file where it lies. *out is
 * set in both cases. */
int cc_include_resolve(cc_incl **out, cc_diag *diag, struct fy_diag *scratch, cc_scenario *s,
                       const char *name, struct fy_document *top, cc_yctx *top_ctx,
                       struct fy_document **merged);
/* The original node and file of a node of the merged document: 1, or 0 when
 * the node was not copied from a file (a default, a --set value). */
int cc_include_origin(const cc_incl *inc, struct fy_node *n, struct fy_node **orig,
                      const char **file);
void cc_include_free(cc_incl *inc);

/* Shared with scenario.c: parse one file's text (precheck, syntax errors
 * with positions) into a document, or NULL with the errors recorded; check
 * its root (not empty, no anchors or aliases, a mapping): 0 or -1. */
struct fy_document *cc_scenario_parse_text(const char *text, size_t len, const char *name,
                                           cc_diag *diag);
int cc_scenario_check_root(cc_yctx *ctx, cc_diag *diag, const char *name, struct fy_node *root);

/* Read the file `ref` names relative to `base_dir` ("." when NULL or empty),
 * as scenarios may: refused when `ref` is absolute, when its real path
 * (links and `..` resolved) leaves base_dir, when it is not a regular file
 * or is larger than CC_MAX_FILE_BYTES. Returns the NUL-terminated text
 * (malloc'd; *len its length; *real_out, if not NULL, its real path), or
 * NULL with *why (and maybe *hint) saying why. */
char *cc_read_confined(const char *ref, const char *base_dir, char **real_out, size_t *len,
                       const char **why, const char **hint);

/* The `include` row of the schema table (documentation; the key itself is
 * consumed by include.c before the schema sees the tree). */
extern const cc_schema_custom cc_include_custom;

#endif
