/* compare_cards.h - a card per reform on the page of a comparison.
 *
 * A card says what the reform does, in words generated from its policies
 * (compare.json's "about"), how many people it released or sent to
 * treatment in the community, and its paired differences from the baseline
 * for person-years, peak population, infections, deaths, spillover and cost:
 * each as a number with its 90% interval and as a share of the baseline.
 * A metric that moves against the reform's aim (all of these are meant to
 * fall) gets a short explanation built from the metrics that account for
 * it (re-arrests for arrests, admissions for infections, releases for
 * spillover, community treatment for cost). */
#ifndef CARCER_COMPARE_CARDS_H
#define CARCER_COMPARE_CARDS_H

#include "util.h"

struct fy_node;

typedef struct cc_stat3 {
    double mean, lo, hi; /* lo, hi: the 5% and 95% points; NaN when absent */
} cc_stat3;

typedef struct cc_card {
    const char *name;      /* the reform */
    struct fy_node *about; /* its "about" object, or NULL */
    int replicates;
    const char *currency;  /* of the costs, or NULL */
    const char *pathogen;  /* the disease's name for readers, or NULL */
    /* the baseline's level (`alt` 0) or the reform's paired difference
     * (`alt` 1) of metric key; NaN means absent */
    cc_stat3 (*get)(const void *ctx, const char *key, int alt);
    const void *ctx;
} cc_card;

/* Append the card of c to b. */
void cc_compare_card(cc_buf *b, const cc_card *c);

#endif
