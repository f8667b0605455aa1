/* test_headline.c - the headline sentences of a run's report (headline.h).
 *
 * tests/data/summary-default.json is the summary.json of the default
 * scenario run with its 20 replicates (seed 1), kept fixed here. The
 * sentences computed from it are compared word for word with sentences
 * written by hand from its figures: population_start 23,629 (two
 * significant digits: 24,000) and population_end mean 40,043.8 (q05
 * 37,289, q95 42,471.8); prison_growth 0.6254 (0.514-0.749); the highest
 * mean peak occupancy Orgkas Khnhom's 5.702 (4.645-6.604); 22,465.15
 * infections (3,367-37,664) and 19 deaths (0.95-51.65); 193,976 person-years
 * (183,017-202,694), 155,849 of them of the poor (80.3%); a cost of
 * 111,171,018 US dollars (104.8-116.6 million). With the daily series'
 * context (a facility, its peak date, the epidemic's one year) the sentences
 * say it; a summary of one replicate has no interval; one without a disease
 * or a currency says neither. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfyaml.h>

#include "headline.h"
#include "testutil.h"
#include "util.h"

#define DASH "\xe2\x80\x93"

static struct fy_document *load(const char *path)
{
    size_t len = 0;
    char *text = tu_read_file(path, &len);
    assert_non_null(text);
    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_FORCE;
    struct fy_document *doc = fy_document_build_from_malloc_string(&cfg, text, len);
    assert_non_null(doc);
    return doc;
}

static void test_default(void **state)
{
    (void)state;
    struct fy_document *doc = load(CARCER_SOURCE_DIR "/tests/data/summary-default.json");
    cc_buf html = {0}, text = {0};
    int n = cc_headlines(fy_document_root(doc), NULL, &html, &text);
    assert_int_equal(n, 6);
    const char *expect =
        "The number of people held in police cells, prisons and rehab centres rose from "
        "24,000 on 1 January 2017 to 40,000 on 31 December 2021 (90% interval 37,000" DASH
        "42,000).\n"
        "The prison population grew by 63% between 1 January 2017 and 31 December 2021 (90% "
        "interval 51" DASH "75%).\n"
        "At its peak, Orgkas Khnhom, the most crowded facility, held 5.7 times the people it "
        "was built for (90% interval 4.6" DASH "6.6).\n"
        "COVID-19 infected about 22,000 detainees between 1 January 2017 and 31 December 2021 "
        "(90% interval 3,400" DASH "38,000) and killed 19 of them (90% interval 1" DASH
        "52).\n"
        "Detention added up to 190,000 person-years over the run (90% interval 180,000" DASH
        "200,000); 80% of them were borne by people too poor to pay bail.\n"
        "Holding them cost 111 million US dollars (90% interval 105" DASH
        "117 million) between 1 January 2017 and 31 December 2021.\n";
    assert_string_equal(text.data, expect);
    /* every number of the page says where it comes from */
    assert_non_null(strstr(html.data, "<b class=\"num\" data-key=\"[&quot;occupancy&quot;,"
                                      "&quot;Orgkas Khnhom&quot;,&quot;peak&quot;]\" "
                                      "data-stat=\"mean\" data-factor=\"1\" data-sig=\"2\">"
                                      "5.7</b>"));
    assert_non_null(strstr(html.data, "data-per=\"[&quot;person_years&quot;,&quot;detained"
                                      "&quot;]\""));
    assert_non_null(strstr(html.data, "data-stat=\"q95\" data-factor=\"9.9999999999999995e-07\" "
                                      "data-sig=\"3\">117</b>"));
    cc_buf_free(&html);
    cc_buf_free(&text);

    /* with what the daily series tells */
    cc_headline_ctx ctx = {"CC1", "2020-03-14", 2021};
    n = cc_headlines(fy_document_root(doc), &ctx, NULL, &text);
    assert_int_equal(n, 6);
    assert_non_null(strstr(text.data, "At its peak on 14 March 2020, CC1 held 4.9 times the "
                                      "people it was built for (90% interval 4.2" DASH
                                      "5.5).\n"));
    assert_non_null(strstr(text.data, "COVID-19 infected about 22,000 detainees in 2021 (90% "));
    cc_buf_free(&text);
    fy_document_destroy(doc);
}

static void test_one_replicate(void **state)
{
    (void)state;
    static const char json[] =
        "{\"scenario\": \"x\", \"start\": \"2018-01-01\", \"end\": \"2018-12-31\", "
        "\"replicates\": 1, \"population_start\": 900, \"population_end\": 812, "
        "\"prison_growth\": -0.0978, \"occupancy\": {\"A\": {\"peak\": 1.25}, \"B\": "
        "{\"peak\": 0.5}}, \"infections\": {\"detainees\": 1625}, \"deaths\": {\"disease\": "
        "0}, \"person_years\": {\"detained\": 850.5}, \"cost\": 123456, "
        "\"about\": {}}";
    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_FORCE;
    struct fy_document *doc = fy_document_build_from_string(&cfg, json, FY_NT);
    assert_non_null(doc);
    cc_buf text = {0};
    int n = cc_headlines(fy_document_root(doc), NULL, NULL, &text);
    /* no pathogen named: no disease sentence */
    assert_int_equal(n, 5);
    assert_string_equal(
        text.data,
        "The number of people held in police cells, prisons and rehab centres fell from 900 on "
        "1 January 2018 to 812 on 31 December 2018.\n"
        "The prison population changed by \xe2\x88\x92" "10% between 1 January 2018 and 31 "
        "December 2018.\n"
        "At its peak, A, the most crowded facility, held 1.2 times the people it was built "
        "for.\n"
        "Detention added up to 850 person-years over the run.\n"
        "Holding them cost 123,000 (in the units of the scenario's costs, which name no "
        "currency) between 1 January 2018 and 31 December 2018.\n");
    cc_buf_free(&text);
    fy_document_destroy(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_one_replicate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
