/* about.h - what a scenario is, written beside its results for the reports.
 *
 * summary.json (of a run) and each scenario of compare.json carry an object
 * "about": the scenario's `description:` and `currency:`, the pathogen of its
 * disease (its name and the name a reader knows it by), each policy in words
 * (policy_words.h), and its uncertain inputs with their priors (the inputs
 * the report lists as assumptions). The report reads only the output folder,
 * so what it says of the scenario must be written there. */
#ifndef CARCER_ABOUT_H
#define CARCER_ABOUT_H

#include <libfyaml.h>

#include "scenario.h"

/* The "about" object of s in doc, or NULL when out of memory. */
struct fy_node *cc_about_node(struct fy_document *doc, const cc_scenario *s);

/* The name readers know a shipped pathogen by ("covid19" -> "COVID-19");
 * any other name as it is. */
const char *cc_about_pathogen_title(const char *name);

#endif
