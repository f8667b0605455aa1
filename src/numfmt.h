/* numfmt.h - numbers written for readers rather than for programs.
 *
 * Every function writes a NUL-terminated UTF-8 text into out (at most size
 * bytes, cut short when it does not fit) and returns out. Thousands are
 * separated by commas, negative values take the minus sign U+2212 (as wide
 * as a plus, so columns of differences line up), a value that is not finite
 * is an en dash, and a value that rounds to 0 takes no sign. No function
 * reads the locale: the same number gives the same bytes everywhere.
 */
#ifndef CARCER_NUMFMT_H
#define CARCER_NUMFMT_H

#include <stddef.h>

#define CC_NUMFMT_MINUS "\xe2\x88\x92"
#define CC_NUMFMT_DASH "\xe2\x80\x93"

/* flags */
#define CC_NF_SIGN 1u /* a + before a positive value (differences) */

/* v with `decimals` digits after the point: 123740 -> "123,740". */
char *cc_numfmt_fixed(char *out, size_t size, double v, int decimals, unsigned flags);

/* v rounded to `sig` significant digits (1 to 15), no more decimals than
 * that needs: 23456 -> "23,000", 4.87 -> "4.9", 0.01234 -> "0.012" (sig 2). */
char *cc_numfmt_sig(char *out, size_t size, double v, int sig, unsigned flags);

/* A count for a sentence: exact below 1,000, else to 2 significant digits
 * ("about" is the caller's word): 842 -> "842", 23456 -> "23,000". */
char *cc_numfmt_count(char *out, size_t size, double v, unsigned flags);

/* A share (0.717) in percent with `decimals` digits: "71.7%". */
char *cc_numfmt_percent(char *out, size_t size, double share, int decimals, unsigned flags);

/* An amount of money in `currency` (NULL or "": no unit), to 3 significant
 * digits, millions and billions in words: 116467512 -> "116 million US
 * dollars", 52340 -> "52,300 US dollars". */
char *cc_numfmt_money(char *out, size_t size, double v, const char *currency, unsigned flags);

/* v in a few characters for the ticks and labels of a chart, to 3
 * significant digits: 950, 1.25k, 35.2k, 4.1M, 2bn. */
char *cc_numfmt_compact(char *out, size_t size, double v, unsigned flags);

/* Decimals that show a value of about `size` to 3 significant digits in a
 * table: none from 100 up, one from 10, else two. */
int cc_numfmt_decimals_for(double size);

#endif
