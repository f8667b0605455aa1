/* numfmt.c - numbers for readers (numfmt.h): separators, significant
 * digits, shares, money and the short labels of charts.
 *
 * Rounding is printf's (to nearest, ties to even on the binary value), done
 * once: a value is rounded by "%.*e" or "%.*f" and the digits printed are
 * those of the rounded value, so 9.96 to 2 significant digits is "10", not
 * "10.0". */
#include "numfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy the sign and digits (with a point, no sign) into out, commas between
 * the thousands of the whole part. */
static char *with_separators(char *out, size_t size, const char *digits, int negative,
                             unsigned flags)
{
    if (size == 0)
        return out;
    int zero = strspn(digits, "0.") == strlen(digits); /* no sign on a rounded 0 */
    const char *pre = zero ? "" : negative ? CC_NUMFMT_MINUS : (flags & CC_NF_SIGN) ? "+" : "";
    size_t k = strlen(pre) < size ? strlen(pre) : 0;
    memcpy(out, pre, k);
    size_t whole = strcspn(digits, ".");
    for (size_t i = 0; digits[i] && k + 1 < size; i++) {
        if (i > 0 && i < whole && (whole - i) % 3 == 0) {
            if (k + 2 >= size)
                break;
            out[k++] = ',';
        }
        out[k++] = digits[i];
    }
    out[k] = '\0';
    return out;
}

static char *not_finite(char *out, size_t size)
{
    snprintf(out, size, "%s", CC_NUMFMT_DASH);
    return out;
}

char *cc_numfmt_fixed(char *out, size_t size, double v, int decimals, unsigned flags)
{
    if (!isfinite(v))
        return not_finite(out, size);
    if (decimals < 0)
        decimals = 0;
    if (decimals > 15)
        decimals = 15;
    char digits[400]; /* %.15f of DBL_MAX has 325 characters */
    double a = fabs(v);
    if (a >= 1e21) /* beyond any count or budget: scientific, no separators */
        snprintf(digits, sizeof digits, "%.3g", a);
    else
        snprintf(digits, sizeof digits, "%.*f", decimals, a);
    if (strchr(digits, 'e')) {
        snprintf(out, size, "%s%s",
                 v < 0                  ? CC_NUMFMT_MINUS
                 : (flags & CC_NF_SIGN) ? "+"
                                        : "",
                 digits);
        return out;
    }
    return with_separators(out, size, digits, v < 0, flags);
}

char *cc_numfmt_sig(char *out, size_t size, double v, int sig, unsigned flags)
{
    if (!isfinite(v))
        return not_finite(out, size);
    if (sig < 1)
        sig = 1;
    if (sig > 15)
        sig = 15;
    if (v == 0)
        return cc_numfmt_fixed(out, size, 0, 0, flags);
    char e[64];
    snprintf(e, sizeof e, "%.*e", sig - 1, v); /* rounded once, here */
    const char *x = strchr(e, 'e');
    int exp10 = x ? atoi(x + 1) : 0;
    int decimals = sig - 1 - exp10;
    return cc_numfmt_fixed(out, size, strtod(e, NULL), decimals > 0 ? decimals : 0, flags);
}

char *cc_numfmt_count(char *out, size_t size, double v, unsigned flags)
{
    if (isfinite(v) && fabs(v) < 999.5)
        return cc_numfmt_fixed(out, size, v, 0, flags);
    return cc_numfmt_sig(out, size, v, 2, flags);
}

char *cc_numfmt_percent(char *out, size_t size, double share, int decimals, unsigned flags)
{
    if (!isfinite(share))
        return not_finite(out, size);
    char num[420];
    cc_numfmt_fixed(num, sizeof num, share * 100, decimals, flags);
    snprintf(out, size, "%s%%", num);
    return out;
}

char *cc_numfmt_money(char *out, size_t size, double v, const char *currency, unsigned flags)
{
    if (!isfinite(v))
        return not_finite(out, size);
    char num[420];
    /* the word follows the rounded value: 999,600,000 is 1 billion */
    double a = fabs(v);
    const char *word = "";
    double x = v;
    if (a >= 999.5e6) {
        x = v / 1e9, word = " billion";
    } else if (a >= 999.5e3) {
        x = v / 1e6, word = " million";
    }
    cc_numfmt_sig(num, sizeof num, x, 3, flags);
    snprintf(out, size, "%s%s%s%s", num, word, currency && *currency ? " " : "",
             currency ? currency : "");
    return out;
}

int cc_numfmt_decimals_for(double size)
{
    size = fabs(size);
    return size >= 100 ? 0 : size >= 10 ? 1 : 2;
}

char *cc_numfmt_compact(char *out, size_t size, double v, unsigned flags)
{
    if (!isfinite(v))
        return not_finite(out, size);
    const double unit[] = {1e9, 1e6, 1e3};
    const char *const suffix[] = {"bn", "M", "k"};
    double a = fabs(v), x = a;
    const char *s = "";
    for (size_t i = 0; i < sizeof unit / sizeof unit[0]; i++)
        if (a >= unit[i] * 0.9995) { /* 999,600 is 1M, not 1000k */
            x = a / unit[i];
            s = suffix[i];
            break;
        }
    char num[400];
    snprintf(num, sizeof num, "%.*f", cc_numfmt_decimals_for(x), x);
    if (strchr(num, '.')) {
        size_t len = strlen(num);
        while (num[len - 1] == '0')
            num[--len] = '\0';
        if (num[len - 1] == '.')
            num[--len] = '\0';
    }
    int zero = strcmp(num, "0") == 0;
    snprintf(out, size, "%s%s%s",
             zero                   ? ""
             : v < 0                ? CC_NUMFMT_MINUS
             : (flags & CC_NF_SIGN) ? "+"
                                    : "",
             num, s);
    return out;
}
