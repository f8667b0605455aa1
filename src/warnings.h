/* warnings.h - the warnings of a scenario that loaded without an error
 * (warnings.c lists them). */
#ifndef CARCER_WARNINGS_H
#define CARCER_WARNINGS_H

#include <libfyaml.h>

#include "scenario.h"
#include "schema.h"

/* Record through ctx the warnings about s, loaded from the (merged)
 * document whose root is root. */
void cc_warnings_check(cc_yctx *ctx, struct fy_node *root, const cc_scenario *s);

#endif
