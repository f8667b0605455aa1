/* policy_words.h - what a policy does, in a sentence for a reader.
 *
 * The report of a comparison describes each reform by its policies; the
 * sentence is generated from the parsed policy (its lever, dates, who it
 * selects and how many), never from its name, so it says what the run
 * did. */
#ifndef CARCER_POLICY_WORDS_H
#define CARCER_POLICY_WORDS_H

#include "scenario.h"
#include "util.h"

/* Append to b the sentence (plain UTF-8 text, ending with a full stop) of
 * policy p of scenario s, e.g. "From 1 January 2018, drug_use is no longer
 * prosecuted; the people held for it are released over 30 days and
 * referred to 90 days of treatment in the community." */
void cc_policy_words(cc_buf *b, const cc_scenario *s, const struct cc_policy *p);

/* "14 March 2020" for day `day` of scenario s (days from its start). */
void cc_words_date(char *out, size_t size, const cc_scenario *s, int32_t day);

#endif
