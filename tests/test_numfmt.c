/* test_numfmt.c - numbers for readers (numfmt.h).
 *
 * Thousands separators, the minus sign and the sign of differences, a dash
 * for what is not finite, rounding to significant digits (including a
 * rounding that adds a digit: 9.96 is 10, 999,600 is 1 million), shares in
 * percent, money in millions and billions with the currency's name, and the
 * short labels of charts. Each expected text is written by hand from the
 * rules in numfmt.h. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "numfmt.h"

#define M CC_NUMFMT_MINUS
#define D CC_NUMFMT_DASH

static void test_fixed(void **state)
{
    (void)state;
    char t[64];
    assert_string_equal(cc_numfmt_fixed(t, sizeof t, 123740, 0, 0), "123,740");
    assert_string_equal(cc_numfmt_fixed(t, sizeof t, 111333894, 0, 0), "111,333,894");
    assert_string_equal(cc_numfmt_fixed(t, sizeof t, 999, 0, 0), "999");
    assert_string_equal(cc_numfmt_fixed(t, sizeof t, 1000, 0, 0), "1,000");
    assert_string_equal(cc_numfmt_fixed(t, sizeof t, -107432.4, 0, 0), M "107,432");
    assert_string_equal(cc_numfmt_fixed(t, sizeof t, 1234.5678, 2, 0), "1,234.57");
    assert_string_equal(cc_numfmt_fixed(t, sizeof t, 12, 1, CC_NF_SIGN), "+12.0");
    /* a value that rounds to 0 has no sign */
    assert_string_equal(cc_numfmt_fixed(t, sizeof t, -0.004, 2, CC_NF_SIGN), "0.00");
    assert_string_equal(cc_numfmt_fixed(t, sizeof t, NAN, 0, 0), D);
    assert_string_equal(cc_numfmt_fixed(t, sizeof t, INFINITY, 0, 0), D);
    /* cut short, never overrun: 1,234,567 in 6 bytes */
    char small[6];
    cc_numfmt_fixed(small, sizeof small, 1234567, 0, 0);
    assert_string_equal(small, "1,234");
}

static void test_significant(void **state)
{
    (void)state;
    char t[64];
    assert_string_equal(cc_numfmt_sig(t, sizeof t, 23456, 2, 0), "23,000");
    assert_string_equal(cc_numfmt_sig(t, sizeof t, 22465.15, 2, 0), "22,000");
    assert_string_equal(cc_numfmt_sig(t, sizeof t, 4.87, 2, 0), "4.9");
    assert_string_equal(cc_numfmt_sig(t, sizeof t, 4.934, 2, 0), "4.9");
    assert_string_equal(cc_numfmt_sig(t, sizeof t, 0.01234, 2, 0), "0.012");
    /* rounding up adds a digit and drops a decimal */
    assert_string_equal(cc_numfmt_sig(t, sizeof t, 9.96, 2, 0), "10");
    assert_string_equal(cc_numfmt_sig(t, sizeof t, 99960, 3, 0), "100,000");
    assert_string_equal(cc_numfmt_sig(t, sizeof t, -3367, 2, 0), M "3,400");
    assert_string_equal(cc_numfmt_sig(t, sizeof t, 0, 2, 0), "0");
    assert_string_equal(cc_numfmt_sig(t, sizeof t, 5, 2, 0), "5.0");
    assert_string_equal(cc_numfmt_sig(t, sizeof t, NAN, 2, 0), D);
    /* counts: exact below 1,000, two digits above */
    assert_string_equal(cc_numfmt_count(t, sizeof t, 842.4, 0), "842");
    assert_string_equal(cc_numfmt_count(t, sizeof t, 999.6, 0), "1,000");
    assert_string_equal(cc_numfmt_count(t, sizeof t, 123740, 0), "120,000");
    assert_string_equal(cc_numfmt_count(t, sizeof t, -1625, CC_NF_SIGN), M "1,600");
}

static void test_percent_money(void **state)
{
    (void)state;
    char t[96];
    assert_string_equal(cc_numfmt_percent(t, sizeof t, 0.69, 1, 0), "69.0%");
    assert_string_equal(cc_numfmt_percent(t, sizeof t, -0.14, 0, CC_NF_SIGN), M "14%");
    assert_string_equal(cc_numfmt_percent(t, sizeof t, 0.0004, 0, CC_NF_SIGN), "0%");
    assert_string_equal(cc_numfmt_money(t, sizeof t, 111333894, "US dollars", 0),
                        "111 million US dollars");
    assert_string_equal(cc_numfmt_money(t, sizeof t, 116467512, "US dollars", 0),
                        "116 million US dollars");
    assert_string_equal(cc_numfmt_money(t, sizeof t, 52340, "riel", 0), "52,300 riel");
    assert_string_equal(cc_numfmt_money(t, sizeof t, 2.345e9, "", 0), "2.35 billion");
    /* 999,600 rounds to 1,000,000: said in millions */
    assert_string_equal(cc_numfmt_money(t, sizeof t, 999600, NULL, 0), "1.00 million");
    assert_string_equal(cc_numfmt_money(t, sizeof t, -4.2e6, "US dollars", CC_NF_SIGN),
                        M "4.20 million US dollars");
}

static void test_compact(void **state)
{
    (void)state;
    char t[64];
    assert_string_equal(cc_numfmt_compact(t, sizeof t, 950, 0), "950");
    assert_string_equal(cc_numfmt_compact(t, sizeof t, 1250, 0), "1.25k");
    assert_string_equal(cc_numfmt_compact(t, sizeof t, 35200, 0), "35.2k");
    assert_string_equal(cc_numfmt_compact(t, sizeof t, 999600, 0), "1M");
    assert_string_equal(cc_numfmt_compact(t, sizeof t, 2e9, 0), "2bn");
    assert_string_equal(cc_numfmt_compact(t, sizeof t, -4.1e6, CC_NF_SIGN), M "4.1M");
    assert_string_equal(cc_numfmt_compact(t, sizeof t, 0.5, CC_NF_SIGN), "+0.5");
    assert_int_equal(cc_numfmt_decimals_for(150), 0);
    assert_int_equal(cc_numfmt_decimals_for(-15), 1);
    assert_int_equal(cc_numfmt_decimals_for(1.5), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_significant),
        cmocka_unit_test(test_percent_money),
        cmocka_unit_test(test_compact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
