/* about.c - the "about" object of summary.json and compare.json (about.h).
 *
 * Keys, each present only when the scenario has it:
 *   description, currency       the scenario's keys of those names
 *   pathogen: {name, title}     the disease's pathogen
 *   policies: [{name, words}]   every policy, and what it does in a sentence
 *   inputs: [{input, prior}]    every input given as a prior: an assumption
 *                               whose value the replicates draw
 *   posterior: true             when those draws come from a calibrated
 *                               posterior rather than from the priors
 * Strings are written through cc_output_string_node (quoted, escaped). */
#include "about.h"

#include <stdlib.h>
#include <string.h>

#include "disease_spec.h"
#include "output.h"
#include "policy.h"
#include "policy_words.h"
#include "prior.h"
#include "util.h"

static const char *const titles[][2] = {
    {"covid19", "COVID-19"}, {"influenza", "influenza"}, {"tuberculosis", "tuberculosis"}};

const char *cc_about_pathogen_title(const char *name)
{
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        if (strcmp(name, titles[i][0]) == 0)
            return titles[i][1];
    return name;
}

static int put(struct fy_document *doc, struct fy_node *m, const char *key, struct fy_node *v)
{
    if (!v)
        return -1;
    return fy_node_mapping_append(m, fy_node_create_scalar_copy(doc, key, strlen(key)), v) ? -1 : 0;
}

struct fy_node *cc_about_node(struct fy_document *doc, const cc_scenario *s)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    int bad = !m;
    if (!bad && s->description[0])
        bad |= put(doc, m, "description", cc_output_string_node(doc, s->description));
    if (!bad && s->currency[0])
        bad |= put(doc, m, "currency", cc_output_string_node(doc, s->currency));
    if (!bad && s->disease && s->disease->pathogen) {
        const char *name = s->disease->pathogen->name;
        struct fy_node *p = fy_node_create_mapping(doc);
        bad |= !p || put(doc, p, "name", cc_output_string_node(doc, name)) ||
               put(doc, p, "title", cc_output_string_node(doc, cc_about_pathogen_title(name))) ||
               put(doc, m, "pathogen", p);
    }
    if (!bad && s->npolicies > 0) {
        struct fy_node *l = fy_node_create_sequence(doc);
        bad |= !l || put(doc, m, "policies", l);
        for (int i = 0; !bad && i < s->npolicies; i++) {
            cc_buf w = {0};
            cc_policy_words(&w, s, &s->policies[i]);
            struct fy_node *p = fy_node_create_mapping(doc);
            bad |= w.failed || !p ||
                   put(doc, p, "name", cc_output_string_node(doc, s->policies[i].name)) ||
                   put(doc, p, "words", cc_output_string_node(doc, w.data ? w.data : "")) ||
                   fy_node_sequence_append(l, p);
            cc_buf_free(&w);
        }
    }
    int n = cc_inputs_count(s);
    if (!bad && n > 0) {
        struct fy_node *l = fy_node_create_sequence(doc);
        bad |= !l || put(doc, m, "inputs", l);
        for (int i = 0; !bad && i < n; i++) {
            const cc_input *in = cc_inputs_get(s, i);
            char prior[256];
            cc_prior_describe(&in->prior, prior, sizeof prior);
            struct fy_node *p = fy_node_create_mapping(doc);
            bad |= !p || put(doc, p, "input", cc_output_string_node(doc, in->path)) ||
                   put(doc, p, "prior", cc_output_string_node(doc, prior)) ||
                   fy_node_sequence_append(l, p);
        }
        if (!bad && s->posterior)
            bad |= put(doc, m, "posterior", fy_node_create_scalar_copy(doc, "true", 4));
    }
    if (bad) {
        if (m)
            fy_node_free(m);
        return NULL;
    }
    return m;
}
