/* test_report_compare.c - the report of a comparison folder.
 *
 * A small comparison (a baseline and two alternatives, one with `<&>` and a
 * quote in its name, 4 replicates) is written with carcer_comparison_write
 * and turned into a page by carcer_report_write. The page must name every
 * scenario, escaped; show a paired difference exactly as formatted from
 * the figures in compare.json; hold one SVG per headline chart that has
 * something to show; and load nothing (no script, no address but the SVG
 * namespace). A malformed compare.json, not JSON or of the wrong shape, is
 * refused with CARCER_INPUT and a message naming the file (and the key
 * path), and leaves the previous page untouched; a folder with neither
 * summary.json nor compare.json is refused naming both.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <carcer/carcer.h>
#include <cmocka.h>
#include <libfyaml.h>

#include "testutil.h"
#include "util.h"

#define REPLICATES 4

static const char *const SCENARIO =
    "name: '%s'\n"
    "start: 2017-01-01\n"
    "days: 240\n"
    "seed: 3\n"
    "offenses: {drug_use: {drug: true, violent: false, felony: false}, other: {drug: false, "
    "violent: false, felony: true}}\n"
    "people: {female: 0.1, poor: 0.5, risk: 0.05, with_child: 0.05}\n"
    "arrests: {per_day: 20, mix: {drug_use: 0.6, other: 0.4}}\n"
    "routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.15, "
    "rehab: 0.35, prosecute: 0.50}}\n"
    "pretrial: {bail: 0, duration: {default: {dist: lognormal, median: 150, p90: 330}}}\n"
    "trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 6, max: 12, unit: "
    "months}}, appeal: 0.3}\n"
    "facilities:\n"
    "  - {name: CC1, type: prison, sex: male, capacity: 800, cells: 20, population: 1500}\n"
    "  - {name: CC2, type: prison, sex: female, capacity: 200, cells: 5, population: 200}\n"
    "  - {name: Rehab, type: rehab, sex: any, capacity: 200, cells: 5, population: 300}\n"
    "costs: {per_day: {pretrial: 3, appeal: 3, sentenced: 3, rehab: 2}}\n"
    "%s";

/* the alternative whose name must come out escaped */
#define ODD_NAME "bail <&> \"quoted\""
#define ODD_NAME_HTML "bail &lt;&amp;&gt; &quot;quoted&quot;"

static carcer_scenario *load(const char *name, const char *policies)
{
    char *y = cc_asprintf(SCENARIO, name, policies);
    carcer_scenario *sc = tu_load_public(y, "test.yaml");
    free(y);
    return sc;
}

/* A folder holding compare.json and compare.csv of the three scenarios. */
static char *write_comparison(void)
{
    carcer_scenario *s[3] = {
        load("base", ""),
        load(ODD_NAME, "policies:\n  - {at: 2017-02-01, bail: {default: 0.6}}\n"),
        load("legal aid", "policies:\n  - {at: 2017-02-01, legal_aid: 0.8}\n"),
    };
    carcer_run_options opt = carcer_run_options_default();
    opt.replicates = REPLICATES;
    carcer_diag *d = carcer_diag_new();
    carcer_comparison *c = NULL;
    assert_int_equal(carcer_compare((const carcer_scenario *const *)s, 3, &opt, d, &c),
                     CARCER_OK);
    char *dir = tu_tmpdir();
    assert_int_equal(carcer_comparison_write(c, dir, d), CARCER_OK);
    carcer_comparison_free(c);
    carcer_diag_free(d);
    for (int i = 0; i < 3; i++)
        carcer_scenario_free(s[i]);
    return dir;
}

static void remove_folder(char *dir)
{
    const char *names[] = {"compare.json", "compare.csv", "report.html", "summary.json",
                           "run.json"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *p = cc_asprintf("%s/%s", dir, names[i]);
        unlink(p);
        free(p);
    }
    assert_int_equal(rmdir(dir), 0); /* nothing else left, no temporary */
    free(dir);
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

/* The statistic `stat` of the paired difference of `key` in scenario i of
 * compare.json. */
static double difference(struct fy_document *doc, int i, const char *key, const char *stat)
{
    struct fy_node *sc = fy_node_sequence_get_by_index(
        fy_node_mapping_lookup_by_string(fy_document_root(doc), "scenarios", FY_NT), i);
    struct fy_node *m = fy_node_mapping_lookup_by_string(
        fy_node_mapping_lookup_by_string(sc, "metrics", FY_NT), key, FY_NT);
    struct fy_node *v = fy_node_mapping_lookup_by_string(
        fy_node_mapping_lookup_by_string(m, "difference", FY_NT), stat, FY_NT);
    assert_non_null(v);
    return strtod(fy_node_get_scalar0(v), NULL);
}

/* Whether the baseline of compare.json has metric key. */
static bool level_present(struct fy_document *doc, const char *key)
{
    struct fy_node *sc = fy_node_sequence_get_by_index(
        fy_node_mapping_lookup_by_string(fy_document_root(doc), "scenarios", FY_NT), 0);
    return fy_node_mapping_lookup_by_string(
               fy_node_mapping_lookup_by_string(sc, "metrics", FY_NT), key, FY_NT) != NULL;
}

/* A difference as the page writes it: a sign (U+2212 for minus), thousands
 * separated by commas, `decimals` digits after the point. */
static void signed_number(char *out, size_t size, double v, int decimals)
{
    char digits[64];
    snprintf(digits, sizeof digits, "%.*f", decimals, fabs(v));
    size_t whole = strcspn(digits, ".");
    bool zero = strspn(digits, "0.") == strlen(digits);
    size_t k = (size_t)snprintf(out, size, "%s", zero ? "" : v < 0 ? "\xe2\x88\x92" : "+");
    for (size_t i = 0; digits[i]; i++) {
        if (i > 0 && i < whole && (whole - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
}

static void test_comparison_page(void **state)
{
    (void)state;
    char *dir = write_comparison();
    carcer_diag *d = carcer_diag_new();
    assert_int_equal(carcer_report_write(dir, NULL, d), CARCER_OK);
    assert_int_equal(carcer_diag_count(d), 0);
    carcer_diag_free(d);
    char *path = cc_asprintf("%s/report.html", dir);
    size_t len;
    char *html = tu_read_file(path, &len);
    assert_non_null(html);

    /* every scenario named, the odd one escaped and never raw */
    assert_non_null(strstr(html, "base"));
    assert_non_null(strstr(html, "legal aid"));
    assert_non_null(strstr(html, ODD_NAME_HTML));
    assert_null(strstr(html, "<&>"));
    assert_non_null(strstr(html, "same random numbers"));

    /* the paired difference of person-years detained of the odd-named
     * alternative, as a table cell: mean over its 5-95% interval. The
     * levels are in the hundreds (no decimals); a difference smaller than
     * 100 keeps one or two. */
    char *cpath = cc_asprintf("%s/compare.json", dir);
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET};
    struct fy_document *doc = fy_document_build_from_file(&cfg, cpath);
    assert_non_null(doc);
    double mean = difference(doc, 1, "person_years.detained", "mean");
    double lo = difference(doc, 1, "person_years.detained", "q05");
    double hi = difference(doc, 1, "person_years.detained", "q95");
    assert_true(mean != 0); /* bail for the not poor shortens detention */
    double most = fmax(fabs(mean), fmax(fabs(lo), fabs(hi)));
    bool whole = mean == floor(mean) && lo == floor(lo) && hi == floor(hi);
    int decimals = whole || most >= 100 ? 0 : most >= 10 ? 1 : 2;
    char m[64], l[64], h[64];
    signed_number(m, sizeof m, mean, decimals);
    signed_number(l, sizeof l, lo, decimals);
    signed_number(h, sizeof h, hi, decimals);
    char *cell = cc_asprintf("<td>%s<br><span class=\"iv\">%s to %s</span></td>", m, l, h);
    if (!strstr(html, cell))
        fail_msg("the page lacks the difference %s", cell);

    /* one chart per headline metric that some alternative changes; the
     * others get a sentence instead */
    const char *headlines[] = {"person_years.detained", "person_days_over_capacity",
                               "infections.detainees", "deaths.disease", "deaths.other",
                               "cost"};
    size_t charts = 0, present = 0;
    for (size_t k = 0; k < 6; k++) {
        if (!level_present(doc, headlines[k]))
            continue;
        present++;
        bool moved = false;
        for (int i = 1; i <= 2; i++)
            moved |= difference(doc, i, headlines[k], "mean") != 0 ||
                     difference(doc, i, headlines[k], "q05") != 0 ||
                     difference(doc, i, headlines[k], "q95") != 0;
        charts += moved;
    }
    assert_true(charts >= 2);
    assert_int_equal(count(html, "<svg"), charts);
    assert_int_equal(count(html, "<figure"), charts);
    assert_int_equal(count(html, "</svg></figure>"), charts);
    assert_int_equal(count(html, "the paired difference is 0"), present - charts);
    fy_document_destroy(doc);

    /* self-contained: no script, no style sheet, nothing fetched; the only
     * address is the SVG namespace, which is a name, not a reference */
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "url("));
    assert_int_equal(count(html, "http"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(html, "</html>\n"));

    free(cell);
    free(cpath);
    free(html);
    free(path);
    remove_folder(dir);
}

/* compare.json replaced by `text`: the report is refused with a message
 * holding `expect`, and the page written before stays as it was. */
static void refused(const char *text, const char *expect)
{
    char *dir = tu_tmpdir();
    char *cpath = cc_asprintf("%s/compare.json", dir);
    char *page = cc_asprintf("%s/report.html", dir);
    FILE *f = fopen(cpath, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    f = fopen(page, "w");
    assert_non_null(f);
    fputs("before", f);
    fclose(f);
    carcer_diag *d = carcer_diag_new();
    assert_int_equal(carcer_report_write(dir, page, d), CARCER_INPUT);
    assert_true(carcer_diag_count(d) >= 1);
    bool found = false;
    for (int i = 0; i < carcer_diag_count(d); i++) {
        const char *msg = carcer_diag_message(d, i);
        assert_non_null(strstr(msg, "compare.json"));
        found |= strstr(msg, expect) != NULL;
    }
    if (!found)
        fail_msg("no message holds %s; the first is %s", expect, carcer_diag_message(d, 0));
    carcer_diag_free(d);
    size_t len;
    char *kept = tu_read_file(page, &len);
    assert_string_equal(kept, "before");
    free(kept);
    free(cpath);
    free(page);
    remove_folder(dir);
}

static void test_malformed(void **state)
{
    (void)state;
    refused("{\"replicates\": 3, \"seed\": 1, \"scenarios\": [", "not valid JSON");
    refused("replicates: 3\n", "not valid JSON");
    refused("[1, 2]", "expected an object");
    refused("{\"replicates\": 3, \"seed\": 1, \"scenarios\": []}", "scenarios: expected a list");
    refused("{\"replicates\": 3, \"seed\": 1, \"scenarios\": [{\"scenario\": \"a\", "
            "\"baseline\": true, \"metrics\": {\"cost\": {\"level\": {\"mean\": \"many\", "
            "\"sd\": 0, \"q05\": 1, \"q50\": 1, \"q95\": 1}}}}]}",
            "scenarios[0].metrics[\"cost\"].level.mean: expected a number, got \"many\"");
    refused("{\"replicates\": 3, \"seed\": 1, \"scenarios\": [{\"scenario\": \"a\", "
            "\"baseline\": false, \"metrics\": {}}]}",
            "expected exactly one scenario with \"baseline\": true, got 0");
}

static void test_neither(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    carcer_diag *d = carcer_diag_new();
    assert_int_equal(carcer_report_write(dir, NULL, d), CARCER_INPUT);
    assert_int_equal(carcer_diag_count(d), 1);
    const char *msg = carcer_diag_message(d, 0);
    assert_non_null(strstr(msg, "summary.json"));
    assert_non_null(strstr(msg, "compare.json"));
    carcer_diag_free(d);
    char *page = cc_asprintf("%s/report.html", dir);
    assert_int_not_equal(access(page, F_OK), 0);
    free(page);
    remove_folder(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comparison_page),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_neither),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
