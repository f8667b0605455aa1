/* schema_json.c - a JSON Schema (draft 2020-12) of a scenario file, made
 * from the schema table (schema.c), for editors and validators
 * (`carcer schema --json`).
 *
 * Each row becomes a property with its type, bounds, allowed names,
 * default and a description (meaning, unit, source); blocks become objects
 * that refuse unknown keys, lists arrays of records. Wherever the loader
 * takes a number it also takes a prior ({prior: uniform, min, max}, ...),
 * so every such number is "a number in bounds, or a prior" ($defs/prior).
 * What the table cannot express is left to `carcer check`: shares summing
 * to 1, facility names that exist, which parameters each distribution
 * needs, the cross-field checks. Blocks with their own parsers (routing,
 * disease, policies, targets) are described to the depth their keys are
 * listed. The keys required of a file (name, start, ...) are required only
 * when it includes no other scenario, which may give them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "schema_json.h"

/* A JSON string literal of s (UTF-8 passes through). */
static void jstr(cc_buf *b, const char *s)
{
    cc_buf_append(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            cc_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            cc_buf_append(b, "\\n", 2);
        else if (c < 0x20)
            cc_buf_printf(b, "\\u%04x", c);
        else
            cc_buf_append(b, s, 1);
    }
    cc_buf_append(b, "\"", 1);
}

static void jnum(cc_buf *b, double x)
{
    if (x == floor(x) && fabs(x) < 1e15)
        cc_buf_printf(b, "%.0f", x);
    else
        cc_buf_printf(b, "%.17g", x);
}

/* {"type": "number"|"integer", "minimum": lo, "maximum": hi} */
static void bounded(cc_buf *b, int integer, double lo, double hi)
{
    cc_buf_printf(b, "{\"type\":\"%s\"", integer ? "integer" : "number");
    if (isfinite(lo)) {
        cc_buf_printf(b, ",\"minimum\":");
        jnum(b, lo);
    }
    if (isfinite(hi)) {
        cc_buf_printf(b, ",\"maximum\":");
        jnum(b, hi);
    }
    cc_buf_append(b, "}", 1);
}

/* A number in [lo, hi], or a prior (where the loader reads numbers
 * through cc_prior_read). */
static void number_or_prior(cc_buf *b, int integer, double lo, double hi)
{
    cc_buf_printf(b, "{\"anyOf\":[");
    bounded(b, integer, lo, hi);
    cc_buf_printf(b, ",{\"$ref\":\"#/$defs/prior\"}]}");
}

/* The row's description: meaning, unit, default and source. */
static void description(cc_buf *b, const cc_schema_row *r)
{
    cc_buf d = {0};
    cc_buf_printf(&d, "%s", r->doc ? r->doc : r->key);
    if (r->unit)
        cc_buf_printf(&d, " [%s]", r->unit);
    if (r->def)
        cc_buf_printf(&d, "; default %s", r->def);
    if (r->source)
        cc_buf_printf(&d, "; source: %s", r->source);
    cc_buf_printf(b, ",\"description\":");
    jstr(b, d.data ? d.data : "");
    cc_buf_free(&d);
}

/* The JSON value of a default written as a plain YAML scalar (a number,
 * true/false, a name), or nothing for a flow collection. */
static void default_value(cc_buf *b, const cc_schema_row *r)
{
    if (!r->def || r->def[0] == '{' || r->def[0] == '[')
        return;
    char *end;
    double x = strtod(r->def, &end);
    if (*end == '\0' && end != r->def &&
        (r->type == CC_T_INT || r->type == CC_T_INT64 || r->type == CC_T_UINT64 ||
         r->type == CC_T_REAL || r->type == CC_T_PROB)) {
        cc_buf_printf(b, ",\"default\":");
        jnum(b, x);
    } else if (r->type == CC_T_BOOL) {
        cc_buf_printf(b, ",\"default\":%s", strcmp(r->def, "true") == 0 ? "true" : "false");
    } else if (r->type == CC_T_STRING || r->type == CC_T_ENUM) {
        cc_buf_printf(b, ",\"default\":");
        jstr(b, r->def);
    }
}

static void block_schema(cc_buf *b, const cc_schema_block *blk, int top);

/* Keys listed by a custom block (its docs' list), each of any value. */
static void custom_keys(cc_buf *b, const cc_schema_custom *c)
{
    cc_buf_printf(b, "{\"type\":\"object\"");
    if (c->keys) {
        cc_buf_printf(b, ",\"properties\":{");
        for (int k = 0; c->keys[k]; k++) {
            if (k)
                cc_buf_append(b, ",", 1);
            jstr(b, c->keys[k]);
            cc_buf_printf(b, ":{}");
        }
        cc_buf_printf(b, "},\"additionalProperties\":false");
    }
    cc_buf_append(b, "}", 1);
}

/* The blocks parsed by their own modules, by key. */
static void custom_schema(cc_buf *b, const cc_schema_row *r)
{
    if (strcmp(r->key, "include") == 0)
        cc_buf_printf(b, "{\"anyOf\":[{\"type\":\"string\",\"minLength\":1},"
                         "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":1}}]");
    else if (strcmp(r->key, "report_dates") == 0)
        cc_buf_printf(b, "{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/date\"},"
                         "\"maxItems\":%d", CC_MAX_REPORT_DATES);
    else if (strcmp(r->key, "routing") == 0)
        cc_buf_printf(b, "{\"type\":\"object\",\"properties\":{"
                         "\"default\":{\"$ref\":\"#/$defs/route\"},"
                         "\"bribe\":{\"$ref\":\"#/$defs/per_offense_probability\"}},"
                         "\"propertyNames\":{\"$ref\":\"#/$defs/name\"},"
                         "\"additionalProperties\":{\"$ref\":\"#/$defs/route\"}");
    else if (strcmp(r->key, "policies") == 0 || strcmp(r->key, "targets") == 0)
        cc_buf_printf(b, "{\"type\":\"array\",\"items\":{\"type\":\"object\","
                         "\"required\":[\"name\"],\"properties\":{\"name\":{\"type\":"
                         "\"string\",\"minLength\":1}}}");
    else if (strcmp(r->key, "posterior") == 0)
        cc_buf_printf(b, "{\"type\":\"string\",\"minLength\":1");
    else {
        /* a block whose own parser lists its keys (disease) */
        custom_keys(b, r->custom);
        b->len--; /* reopen the object for the description */
    }
    description(b, r);
    cc_buf_append(b, "}", 1);
}

static void row_schema(cc_buf *b, const cc_schema_row *r)
{
    switch (r->type) {
    case CC_T_STRING:
        cc_buf_printf(b, "{\"type\":\"string\",\"minLength\":1,\"maxLength\":%zu",
                      r->size - 1);
        break;
    case CC_T_INT:
    case CC_T_INT64:
        cc_buf_printf(b, "{\"anyOf\":[");
        bounded(b, 1, r->min, r->max);
        cc_buf_printf(b, ",{\"$ref\":\"#/$defs/prior\"}]");
        break;
    case CC_T_UINT64:
        bounded(b, 1, r->min, r->max);
        b->len--;
        break;
    case CC_T_REAL:
        cc_buf_printf(b, "{\"anyOf\":[");
        bounded(b, 0, r->min, r->max);
        cc_buf_printf(b, ",{\"$ref\":\"#/$defs/prior\"}]");
        break;
    case CC_T_PROB:
        cc_buf_printf(b, "{\"$ref\":\"#/$defs/probability\"");
        break;
    case CC_T_BOOL:
        cc_buf_printf(b, "{\"type\":\"boolean\"");
        break;
    case CC_T_DATE:
    case CC_T_DAY:
        cc_buf_printf(b, "{\"$ref\":\"#/$defs/date\"");
        break;
    case CC_T_ENUM:
        cc_buf_printf(b, "{\"enum\":[");
        for (int i = 0; r->names[i]; i++) {
            if (i)
                cc_buf_append(b, ",", 1);
            jstr(b, r->names[i]);
        }
        cc_buf_append(b, "]", 1);
        break;
    case CC_T_DIST:
        cc_buf_printf(b, "{\"$ref\":\"#/$defs/dist\"");
        break;
    case CC_T_SCHEDULE:
        cc_buf_printf(b, "{\"anyOf\":[");
        number_or_prior(b, 0, r->min, r->max);
        cc_buf_printf(b, ",{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":\"object\","
                         "\"required\":[\"from\",\"value\"],\"additionalProperties\":false,"
                         "\"properties\":{\"from\":{\"$ref\":\"#/$defs/date\"},\"value\":");
        number_or_prior(b, 0, r->min, r->max);
        cc_buf_printf(b, "}}}]");
        break;
    case CC_T_PER_OFFENSE:
        cc_buf_printf(b, "{\"anyOf\":[");
        number_or_prior(b, 0, r->min, r->max);
        cc_buf_printf(b, ",{\"type\":\"object\",\"propertyNames\":{\"$ref\":\"#/$defs/name\"},"
                         "\"additionalProperties\":");
        number_or_prior(b, 0, r->min, r->max);
        cc_buf_printf(b, "}]");
        break;
    case CC_T_PER_OFFENSE_DIST:
        cc_buf_printf(b, "{\"anyOf\":[{\"$ref\":\"#/$defs/dist\"},{\"type\":\"object\","
                         "\"not\":{\"required\":[\"dist\"]},"
                         "\"propertyNames\":{\"$ref\":\"#/$defs/name\"},"
                         "\"additionalProperties\":{\"$ref\":\"#/$defs/dist\"}}]");
        break;
    case CC_T_SHARES:
        cc_buf_printf(b, "{\"type\":\"object\",\"propertyNames\":{\"$ref\":\"#/$defs/name\"},"
                         "\"additionalProperties\":{\"$ref\":\"#/$defs/probability\"}");
        break;
    case CC_T_OFFENSES:
        cc_buf_printf(b, "{\"type\":\"object\",\"minProperties\":1,\"maxProperties\":%d,"
                         "\"propertyNames\":{\"$ref\":\"#/$defs/name\"},"
                         "\"additionalProperties\":",
                      CC_MAX_OFFENSES);
        block_schema(b, r->sub, 0);
        break;
    case CC_T_FACILITY_REF:
        cc_buf_printf(b, "{\"type\":\"string\",\"minLength\":1");
        break;
    case CC_T_BLOCK:
        block_schema(b, r->sub, 0);
        b->len--; /* reopen it for the description */
        break;
    case CC_T_LIST:
        cc_buf_printf(b, "{\"type\":\"array\",\"minItems\":%.0f,\"maxItems\":%.0f,\"items\":",
                      r->min, r->max);
        block_schema(b, r->sub, 0);
        break;
    case CC_T_CUSTOM:
        custom_schema(b, r);
        return;
    }
    default_value(b, r);
    description(b, r);
    cc_buf_append(b, "}", 1);
}

/* An object of the block's rows, unknown keys refused; at the top, the
 * required keys required unless the file includes another. */
static void block_schema(cc_buf *b, const cc_schema_block *blk, int top)
{
    cc_buf_printf(b, "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{");
    for (int i = 0; i < blk->nrows; i++) {
        if (i)
            cc_buf_append(b, ",", 1);
        jstr(b, blk->rows[i].key);
        cc_buf_append(b, ":", 1);
        row_schema(b, &blk->rows[i]);
    }
    cc_buf_append(b, "}", 1);
    int nreq = 0;
    for (int i = 0; i < blk->nrows; i++)
        nreq += (blk->rows[i].flags & CC_F_REQUIRED) != 0;
    if (nreq) {
        cc_buf_printf(b, top ? ",\"if\":{\"not\":{\"required\":[\"include\"]}},\"then\":{"
                               "\"required\":["
                             : ",\"required\":[");
        for (int i = 0, k = 0; i < blk->nrows; i++)
            if (blk->rows[i].flags & CC_F_REQUIRED) {
                if (k++)
                    cc_buf_append(b, ",", 1);
                jstr(b, blk->rows[i].key);
            }
        cc_buf_printf(b, top ? "]}" : "]");
    }
    cc_buf_append(b, "}", 1);
}

/* The shared definitions: priors, distributions, dates, names. */
static void defs(cc_buf *b)
{
    cc_buf_printf(
        b,
        "\"$defs\":{"
        "\"prior\":{\"description\":\"an uncertain input: each replicate draws its own value "
        "(docs/uncertainty.md)\",\"type\":\"object\",\"required\":[\"prior\"],"
        "\"additionalProperties\":false,\"properties\":{"
        "\"prior\":{\"enum\":[\"uniform\",\"loguniform\",\"normal\",\"lognormal\",\"beta\"]},"
        "\"min\":{\"type\":\"number\"},\"max\":{\"type\":\"number\"},"
        "\"mean\":{\"type\":\"number\"},\"sd\":{\"type\":\"number\",\"exclusiveMinimum\":0},"
        "\"median\":{\"type\":\"number\"},\"p90\":{\"type\":\"number\"},"
        "\"alpha\":{\"type\":\"number\",\"exclusiveMinimum\":0},"
        "\"beta\":{\"type\":\"number\",\"exclusiveMinimum\":0}}},"
        "\"probability\":{\"anyOf\":[{\"type\":\"number\",\"minimum\":0,\"maximum\":1},"
        "{\"$ref\":\"#/$defs/prior\"}]},"
        "\"per_offense_probability\":{\"anyOf\":[{\"$ref\":\"#/$defs/probability\"},"
        "{\"type\":\"object\",\"propertyNames\":{\"$ref\":\"#/$defs/name\"},"
        "\"additionalProperties\":{\"$ref\":\"#/$defs/probability\"}}]},"
        "\"parameter\":{\"anyOf\":[{\"type\":\"number\"},{\"$ref\":\"#/$defs/prior\"}]},"
        "\"dist\":{\"description\":\"a distribution: {dist: lognormal, median: 30, p90: 60} "
        "and the like\",\"type\":\"object\",\"required\":[\"dist\"],"
        "\"additionalProperties\":false,\"properties\":{"
        "\"dist\":{\"enum\":[\"fixed\",\"uniform\",\"exponential\",\"lognormal\",\"gamma\","
        "\"empirical\"]},"
        "\"value\":{\"$ref\":\"#/$defs/parameter\"},\"min\":{\"$ref\":\"#/$defs/parameter\"},"
        "\"max\":{\"$ref\":\"#/$defs/parameter\"},\"mean\":{\"$ref\":\"#/$defs/parameter\"},"
        "\"median\":{\"$ref\":\"#/$defs/parameter\"},\"p90\":{\"$ref\":\"#/$defs/parameter\"},"
        "\"sd\":{\"$ref\":\"#/$defs/parameter\"},\"shape\":{\"$ref\":\"#/$defs/parameter\"},"
        "\"scale\":{\"$ref\":\"#/$defs/parameter\"},"
        "\"bins\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":\"array\","
        "\"minItems\":3,\"maxItems\":3,\"items\":{\"type\":\"number\"}}},"
        "\"unit\":{\"enum\":[\"days\",\"months\",\"years\"]}}},"
        "\"route\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
        "\"release\":{\"$ref\":\"#/$defs/probability\"},"
        "\"rehab\":{\"$ref\":\"#/$defs/probability\"},"
        "\"prosecute\":{\"$ref\":\"#/$defs/probability\"}}},"
        /* YAML reads an unquoted date as a string here: editors' YAML
         * servers and the loader keep it as text */
        "\"date\":{\"type\":\"string\",\"format\":\"date\","
        "\"pattern\":\"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\"},"
        "\"name\":{\"type\":\"string\",\"pattern\":\"^[A-Za-z0-9_-]+$\"}}");
}

char *cc_schema_json(void)
{
    cc_buf b = {0};
    cc_buf_printf(&b, "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                      "\"title\":\"carcer scenario\","
                      "\"description\":\"A scenario of carcer (docs/scenario-reference.md), "
                      "generated from its schema table by carcer schema --json\",");
    defs(&b);
    cc_buf_append(&b, ",", 1);
    /* the top block's object, its braces merged into this one */
    size_t at = b.len;
    block_schema(&b, cc_schema_top(), 1);
    if (!b.failed) {
        memmove(b.data + at, b.data + at + 1, b.len - at - 1); /* drop its '{' */
        b.len--;
        b.data[b.len] = '\0';
    }
    cc_buf_append(&b, "\n", 1);
    if (b.failed) {
        cc_buf_free(&b);
        return NULL;
    }
    return b.data;
}
