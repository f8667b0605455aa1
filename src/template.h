/* template.h - the shipped scenarios listed and the template of a scenario
 * for a new country (template.c). */
#ifndef CARCER_TEMPLATE_H
#define CARCER_TEMPLATE_H

#include "diag.h"

/* One line per shipped scenario: its path and title (malloc'd), or NULL
 * when out of memory. */
char *cc_scenarios_list(void);

/* The commented template of a scenario of `country` (malloc'd), or NULL
 * with the reason in diag. */
char *cc_scenario_template(const char *country, cc_diag *diag);

#endif
