/* test_calendar.c - day buckets of (person, type, generation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "calendar.h"

static void test_add_and_read(void **state)
{
    (void)state;
    cc_calendar c;
    assert_int_equal(cc_calendar_init(&c, 10), 0);
    for (int32_t i = 0; i < 1000; i++)
        assert_int_equal(cc_calendar_add(&c, i % 10, i, (unsigned)(1 + i % 7), (uint32_t)i), 0);
    assert_int_equal(c.pending, 1000);
    for (int32_t d = 0; d < 10; d++) {
        assert_int_equal(c.b[d].n, 100);
        for (uint32_t k = 0; k < c.b[d].n; k++) {
            cc_event e = c.b[d].e[k];
            assert_int_equal(e.person % 10, d); /* in its day, in insertion order */
            assert_int_equal(e.person, d + 10 * (int32_t)k);
            assert_int_equal(cc_event_type(e), 1 + e.person % 7);
            assert_true(cc_event_live(e, (uint32_t)e.person));
            assert_false(cc_event_live(e, (uint32_t)e.person + 1)); /* stale after a bump */
        }
    }
    cc_calendar_drop(&c, 3);
    assert_int_equal(c.b[3].n, 0);
    assert_null(c.b[3].e);
    assert_int_equal(c.pending, 900);
    cc_calendar_free(&c);
}

static void test_outside_horizon_ignored(void **state)
{
    (void)state;
    cc_calendar c;
    assert_int_equal(cc_calendar_init(&c, 5), 0);
    assert_int_equal(cc_calendar_add(&c, 5, 1, 1, 0), 0);
    assert_int_equal(cc_calendar_add(&c, -1, 1, 1, 0), 0);
    assert_int_equal(cc_calendar_add(&c, 1000000, 1, 1, 0), 0);
    assert_int_equal(c.pending, 0);
    cc_calendar_free(&c);
    cc_calendar_free(NULL);
}

/* generations wrap at 28 bits: live-ness compares the masked value */
static void test_generation_wrap(void **state)
{
    (void)state;
    cc_calendar c;
    assert_int_equal(cc_calendar_init(&c, 2), 0);
    uint32_t g = CC_EV_GEN_MASK + 5u; /* beyond 28 bits */
    assert_int_equal(cc_calendar_add(&c, 0, 9, 3, g), 0);
    assert_true(cc_event_live(c.b[0].e[0], g));
    assert_false(cc_event_live(c.b[0].e[0], g + 1));
    assert_int_equal(cc_event_type(c.b[0].e[0]), 3);
    cc_calendar_free(&c);
}

/* appending while reading a bucket (same-day events) keeps earlier entries */
static void test_append_while_reading(void **state)
{
    (void)state;
    cc_calendar c;
    assert_int_equal(cc_calendar_init(&c, 1), 0);
    assert_int_equal(cc_calendar_add(&c, 0, 0, 1, 0), 0);
    uint32_t seen = 0;
    for (uint32_t i = 0; i < c.b[0].n; i++) {
        cc_event e = c.b[0].e[i];
        seen++;
        if (e.person < 99)
            assert_int_equal(cc_calendar_add(&c, 0, e.person + 1, 1, 0), 0);
    }
    assert_int_equal(seen, 100);
    cc_calendar_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_read),
        cmocka_unit_test(test_outside_horizon_ignored),
        cmocka_unit_test(test_generation_wrap),
        cmocka_unit_test(test_append_while_reading),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
