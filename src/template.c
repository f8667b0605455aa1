/* template.c - what `carcer scenarios` prints: the shipped scenarios, and
 * the template of a scenario for a new country.
 *
 * The template is the resolved form of a small skeleton (a few offenses and
 * facilities given as examples, `country:` set) loaded through the schema,
 * so every key appears with the value the model would use, and nothing is
 * listed by hand that the table already says. Each key's line is then
 * annotated from its schema row: a comment with its meaning and unit
 * before it, and its source after it, `REPLACE` where the default comes
 * from Cambodia (its law, its prisons, its campaign) or must be given. The
 * text loads back (tests/cli_scenarios.sh checks it with --strict).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "schema.h"
#include "template.h"
#include "util.h"

/* ---- the shipped scenarios -------------------------------------------- */

/* The value of the top-level `name:` of a scenario text (into out). */
static void title_of(const char *text, char *out, size_t cap)
{
    out[0] = '\0';
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        if (strncmp(l, "name:", 5) == 0) {
            const char *v = l + 5;
            while (*v == ' ')
                v++;
            size_t n = strcspn(v, "#\n");
            while (n > 0 && v[n - 1] == ' ')
                n--;
            snprintf(out, cap, "%.*s", (int)n, v);
            return;
        }
}

char *cc_scenarios_list(void)
{
    cc_buf b = {0};
    for (const struct cc_embedded *e = cc_embedded_files; e->name; e++) {
        size_t n = strlen(e->name);
        if (strncmp(e->name, "scenarios/", 10) != 0 || n < 5 || strcmp(e->name + n - 5, ".yaml"))
            continue;
        char title[256];
        title_of(e->data, title, sizeof title);
        cc_buf_printf(&b, "%-40s %s%s\n", e->name, title,
                      strcmp(e->name, "scenarios/cambodia-2017.yaml") == 0
                          ? " (the default, embedded: `include: default`)"
                          : "");
    }
    if (b.failed) {
        cc_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ---- the template of a new country ------------------------------------ */

/* Examples of what every scenario must give: each line of them is marked
 * REPLACE by the annotation below (their rows have no default). */
static const char skeleton[] =
    "name: %s\n"
    "country: %s\n"
    "start: 2017-01-01\n"
    "days: 1826\n"
    "offenses:\n"
    "  drug_use: {drug: true}\n"
    "  drug_trafficking: {drug: true, felony: true}\n"
    "  other: {felony: true}\n"
    "  violent: {violent: true, felony: true}\n"
    "arrests: {per_day: 100, mix: {drug_use: 0.3, drug_trafficking: 0.4, other: 0.2, "
    "violent: 0.1}}\n"
    "initial: {offense: {drug_use: 0.1, drug_trafficking: 0.3, other: 0.45, violent: 0.15}}\n"
    "facilities:\n"
    "  - {name: Police custody, type: police, capacity: 1000, cells: 100, population: 200}\n"
    "  - {name: Central prison, type: prison, sex: male, capacity: 5000, cells: 100, "
    "population: 6000}\n"
    "  - {name: Women's prison, type: prison, sex: female, capacity: 500, cells: 10, "
    "population: 500, children: true}\n"
    "  - {name: Rehab centre, type: rehab, capacity: 500, cells: 10, population: 400}\n";

static int cambodian(const char *source)
{
    return source && strstr(source, "Cambodia") != NULL;
}

/* The row at `path` ("people.female", "facilities[].cells",
 * "offenses.NAME.drug" written "offenses.drug_use.drug"), or NULL when the
 * path goes inside a row (a per-offense entry, a distribution's
 * parameter) or outside the table. */
static const cc_schema_row *row_at(const char *path)
{
    const cc_schema_block *b = cc_schema_top();
    const cc_schema_row *row = NULL;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    int skip = 0;     /* the next component is an offense's name */
    int on_row = 0;   /* the last component was a row's key */
    for (char *c = strtok_r(buf, ".", &save); c; c = strtok_r(NULL, ".", &save)) {
        if (skip) {
            skip = 0;
            on_row = 0;
            continue;
        }
        size_t n = strlen(c);
        int item = n > 2 && strcmp(c + n - 2, "[]") == 0;
        if (item)
            c[n - 2] = '\0';
        if (!b)
            return NULL;
        row = NULL;
        for (int i = 0; i < b->nrows; i++)
            if (strcmp(b->rows[i].key, c) == 0)
                row = &b->rows[i];
        if (!row)
            return NULL;
        b = (row->type == CC_T_BLOCK || row->type == CC_T_LIST || row->type == CC_T_OFFENSES)
                ? row->sub
                : NULL;
        skip = row->type == CC_T_OFFENSES;
        on_row = 1;
    }
    return on_row ? row : NULL;
}

/* A key's line with its comments: the meaning before, the source after. */
static void annotate(cc_buf *out, const char *line, int indent, const cc_schema_row *r)
{
    if (r && r->doc)
        cc_buf_printf(out, "%*s# %s%s%s%s\n", indent, "", r->doc, r->unit ? " [" : "",
                      r->unit ? r->unit : "", r->unit ? "]" : "");
    const char *src = r ? r->source : NULL;
    int must = r && ((r->flags & CC_F_REQUIRED) || cambodian(src) ||
                     (src && strncmp(src, "give it", 7) == 0));
    cc_buf_printf(out, "%s", line);
    if (must && src)
        cc_buf_printf(out, "   # REPLACE: %s", src);
    else if (must)
        cc_buf_printf(out, "   # REPLACE: an example");
    else if (src)
        cc_buf_printf(out, "   # %s", src);
    cc_buf_append(out, "\n", 1);
}

/* Walk the resolved text line by line, keeping the key path by
 * indentation (block style, two spaces a level, "- " for list items). */
static void annotate_resolved(cc_buf *out, const char *text)
{
    struct {
        int indent;
        char key[128];
    } stack[32];
    int depth = 0;
    for (const char *l = text; *l;) {
        size_t len = strcspn(l, "\n");
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)len, l);
        l += len + (l[len] == '\n');
        if (line[0] == '#' || line[0] == '\0')
            continue;
        int indent = (int)strspn(line, " ");
        const char *k = line + indent;
        if (k[0] == '-' && k[1] == ' ') {
            /* an item sits at its list's key's indentation */
            while (depth > 0 && (stack[depth - 1].indent > indent ||
                                 (stack[depth - 1].indent == indent &&
                                  strcmp(stack[depth - 1].key, "[]") == 0)))
                depth--;
            if (depth < 32) {
                stack[depth].indent = indent;
                snprintf(stack[depth].key, sizeof stack[depth].key, "[]");
                depth++;
            }
            indent += 2;
            k += 2;
        }
        size_t kl = strcspn(k, ":");
        while (depth > 0 && stack[depth - 1].indent >= indent)
            depth--;
        if (depth < 32) {
            stack[depth].indent = indent;
            snprintf(stack[depth].key, sizeof stack[depth].key, "%.*s", (int)kl, k);
            depth++;
        }
        char path[512] = "";
        size_t pl = 0;
        for (int i = 0; i < depth && pl < sizeof path; i++)
            pl += (size_t)snprintf(path + pl, sizeof path - pl, "%s%s",
                                   i && strcmp(stack[i].key, "[]") ? "." : "", stack[i].key);
        const cc_schema_row *r = row_at(path);
        /* a list item's comment goes above its "- " */
        int at = (int)strspn(line, " ");
        annotate(out, line, at, r);
    }
}

char *cc_scenario_template(const char *country, cc_diag *diag)
{
    if (!country || !*country || strlen(country) >= CC_MAX_NAME) {
        cc_diag_add(diag, "<template>", 0, 0, NULL, NULL,
                    "expected a country name of 1 to %d characters", CC_MAX_NAME - 1);
        return NULL;
    }
    for (const char *c = country; *c; c++)
        if (iscntrl((unsigned char)*c)) {
            cc_diag_add(diag, "<template>", 0, 0, NULL, NULL,
                        "expected a country name without control characters");
            return NULL;
        }
    /* the names as double-quoted YAML scalars */
    cc_buf q = {0}, title = {0};
    cc_buf_append(&q, "\"", 1);
    for (const char *c = country; *c; c++) {
        if (*c == '"' || *c == '\\')
            cc_buf_append(&q, "\\", 1);
        cc_buf_append(&q, c, 1);
    }
    cc_buf_append(&q, "\"", 1);
    cc_buf_printf(&title, "\"%.*s, from the carcer template\"", (int)q.len - 2, q.data + 1);
    char *text = q.failed || title.failed ? NULL
                                          : cc_asprintf(skeleton, title.data, q.data);
    cc_buf_free(&q);
    cc_buf_free(&title);
    cc_scenario *s = NULL;
    char *resolved = NULL;
    if (text && cc_scenario_load_text(text, strlen(text), "<template>", NULL, 0, diag, &s) == 0)
        resolved = cc_scenario_resolved_yaml(s);
    free(text);
    cc_scenario_free(s);
    if (!resolved)
        return NULL;
    cc_buf out = {0};
    cc_buf_printf(&out,
                  "# A scenario of %s for carcer, from `carcer scenarios new`.\n"
                  "#\n"
                  "# Every key of the model is spelled out with the value carcer would use.\n"
                  "# Lines marked REPLACE hold a default taken from Cambodia (its law, its\n"
                  "# prisons, its anti-drug campaign) or an example: give the figure of the\n"
                  "# country with its source in a comment. The other values are assumptions\n"
                  "# of the model (docs/scenario-reference.md says where each comes from).\n"
                  "# Then: carcer check --strict FILE, carcer run FILE -o out,\n"
                  "# carcer report out (docs/tutorial.md).\n"
                  "#\n"
                  "# Not spelled out: a disease in the cells (disease:, docs/disease.md),\n"
                  "# reforms (policies:, docs/policies.md), observed figures to compare with\n"
                  "# and calibrate on (targets: and report_dates:, docs/calibration.md).\n",
                  country);
    annotate_resolved(&out, resolved);
    free(resolved);
    if (out.failed) {
        cc_buf_free(&out);
        return NULL;
    }
    return out.data;
}
