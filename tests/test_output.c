/* test_output.c - the output writers: numbers, summary.json nesting and
 * replicate statistics, replicates.csv (staged folders: test_outdir.c). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "output.h"
#include "testutil.h"

static void numbers_read_back_exactly(void **state)
{
    (void)state;
    const double v[] = {0, 1, -3, 1e15, 0.1, 1.0 / 3.0, 2.5e-7, 123456.789, -0.7071067811865476};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char t[32];
        cc_format_number(v[i], t);
        assert_true(strtod(t, NULL) == v[i]);
    }
    char t[32];
    cc_format_number(42, t);
    assert_string_equal(t, "42");
    cc_format_number(NAN, t);
    assert_string_equal(t, "null");
}

static cc_scenario *tiny_scenario(void)
{
    cc_scenario *s = calloc(1, sizeof *s);
    snprintf(s->name, sizeof s->name, "2017");
    cc_date_parse("2017-01-01", 10, &s->start_date);
    s->days = 10;
    return s;
}

static void summary_nests_keys_and_quotes_names(void **state)
{
    (void)state;
    cc_scenario *s = tiny_scenario();
    cc_metrics m = {0};
    cc_metrics_add(&m, 5, "arrests");
    cc_metrics_add(&m, 0.25, "occupancy.%s.peak", "CC1");
    cc_metrics_add(&m, 3, "occupancy.%s.days_over_capacity", "CC1");
    char *json = cc_output_summary_json(s, 9, &m, 1, NULL);
    assert_non_null(json);
    /* the scenario name "2017" stays a string; nested objects; numbers plain */
    assert_non_null(strstr(json, "\"scenario\": \"2017\""));
    assert_non_null(strstr(json, "\"seed\": 9"));
    assert_non_null(strstr(json, "\"arrests\": 5"));
    assert_non_null(strstr(json, "\"occupancy\": {"));
    assert_non_null(strstr(json, "\"peak\": 0.25"));
    assert_int_equal(json[strlen(json) - 1], '\n');
    free(json);
    cc_metrics_free(&m);
    free(s);
}

static void replicates_become_distributions(void **state)
{
    (void)state;
    cc_scenario *s = tiny_scenario();
    enum { K = 21 };
    cc_metrics reps[K];
    memset(reps, 0, sizeof reps);
    for (int r = 0; r < K; r++) {
        cc_metrics_add(&reps[r], r, "x");      /* 0..20: mean 10, median 10 */
        cc_metrics_add(&reps[r], 7, "y.z");    /* constant: sd 0 */
    }
    char *json = cc_output_summary_json(s, 1, reps, K, NULL);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"mean\": 10"));
    assert_non_null(strstr(json, "\"q50\": 10"));
    /* GSL's quantile interpolates: q05 of 0..20 is 1, q95 is 19 */
    assert_non_null(strstr(json, "\"q05\": 1,"));
    assert_non_null(strstr(json, "\"q95\": 19"));
    assert_non_null(strstr(json, "\"sd\": 0,"));
    free(json);
    char *csv = cc_output_replicates_csv(reps, K);
    assert_non_null(csv);
    assert_true(strncmp(csv, "replicate,x,y.z\n0,0,7\n1,1,7\n", 27) == 0);
    int lines = 0;
    for (char *p = csv; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, K + 1);
    free(csv);
    for (int r = 0; r < K; r++)
        cc_metrics_free(&reps[r]);
    free(s);
}

static void csv_header_matches_the_contract(void **state)
{
    (void)state;
    cc_buf b = {0};
    cc_output_ts_header(&b, 0);
    assert_string_equal(b.data,
                        "day,date,facility,population,police,pretrial,appeal,sentenced,rehab,"
                        "children,occupancy,admissions,releases,new_infections,active_infections,"
                        "hospitalised,deaths_disease,deaths_other\n");
    cc_buf_free(&b);
    cc_output_ts_header(&b, 1);
    assert_true(strncmp(b.data, "replicate,day,", 14) == 0);
    cc_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_read_back_exactly),
        cmocka_unit_test(summary_nests_keys_and_quotes_names),
        cmocka_unit_test(replicates_become_distributions),
        cmocka_unit_test(csv_header_matches_the_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
