/* testutil.c - helpers shared by the test programs (see testutil.h). */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carcer/carcer.h>
#include <cmocka.h>

#include "metrics.h"
#include "sim.h"
#include "sim_internal.h"
#include "util.h"

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    cc_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        cc_buf_append(&b, chunk, n);
    fclose(f);
    if (!b.data)
        cc_buf_append(&b, "", 0);
    if (len)
        *len = b.len;
    return b.data;
}

cc_scenario *tu_load(const char *yaml)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    if (cc_scenario_load_text(yaml, strlen(yaml), "test.yaml", NULL, 0, &d, &s) != 0) {
        for (int i = 0; i < d.kept; i++) {
            char *m = cc_diag_format(&d, i);
            print_error("%s\n", m);
            free(m);
        }
        cc_diag_clear(&d);
        fail_msg("scenario did not load");
    }
    cc_diag_clear(&d);
    return s;
}

char *tu_load_errors(const char *yaml, const char *name)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_scenario *s = NULL;
    int rc = cc_scenario_load_text(yaml, strlen(yaml), name, NULL, 0, &d, &s);
    assert_int_not_equal(rc, 0);
    assert_null(s);
    cc_buf b = {0};
    cc_buf_append(&b, "", 0);
    for (int i = 0; i < d.kept; i++) {
        char *m = cc_diag_format(&d, i);
        cc_buf_printf(&b, "%s\n", m);
        free(m);
    }
    cc_diag_clear(&d);
    return b.data;
}

char *tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *p = cc_asprintf("%s/carcer-test-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(p)) {
        free(p);
        fail_msg("mkdtemp failed");
    }
    return p;
}

carcer_scenario *tu_load_public(const char *yaml, const char *name)
{
    carcer_diag *d = carcer_diag_new();
    carcer_scenario *sc = NULL;
    if (carcer_scenario_load_text(yaml, strlen(yaml), name, NULL, 0, d, &sc) != CARCER_OK) {
        for (int i = 0; i < carcer_diag_count(d); i++)
            print_error("%s\n", carcer_diag_message(d, i));
        fail_msg("%s did not load", name);
    }
    carcer_diag_free(d);
    return sc;
}

void tu_assert_same_run(const cc_sim *a, const cc_sim *b, const char *what)
{
    int32_t days = cc_sim_day(a);
    assert_int_equal(days, cc_sim_day(b));
    const cc_scenario *s = a->s;
    size_t nrows = (size_t)days * (size_t)(s->nfacilities + 1);
    if (memcmp(cc_sim_rows(a), cc_sim_rows(b), nrows * sizeof(cc_ts_row)) != 0)
        fail_msg("%s: the recorded rows differ", what);
    cc_metrics ma = {0}, mb = {0};
    assert_int_equal(cc_sim_metrics(a, &ma), 0);
    assert_int_equal(cc_sim_metrics(b, &mb), 0);
    assert_int_equal(ma.n, mb.n);
    for (size_t i = 0; i < ma.n; i++) {
        assert_string_equal(ma.m[i].key, mb.m[i].key);
        double x = ma.m[i].value, y = mb.m[i].value;
        if (!(x == y) && !(isnan(x) && isnan(y)))
            fail_msg("%s: %s is %.17g, not %.17g", what, ma.m[i].key, y, x);
    }
    cc_metrics_free(&ma);
    cc_metrics_free(&mb);
}

cc_sim *tu_sim_start(const cc_scenario *s, uint32_t replicate)
{
    cc_diag d;
    cc_diag_init(&d);
    cc_sim *sim = NULL;
    if (cc_sim_create(s, s->seed, replicate, &d, &sim) != 0)
        fail_msg("cc_sim_create: %s", d.kept ? d.entry[0].message : "?");
    cc_diag_clear(&d);
    return sim;
}

cc_sim *tu_sim_run(const cc_scenario *s, uint32_t replicate)
{
    cc_sim *sim = tu_sim_start(s, replicate);
    cc_diag d;
    cc_diag_init(&d);
    if (cc_sim_run(sim, &d, NULL, NULL) != 0)
        fail_msg("cc_sim_run: %s", d.kept ? d.entry[0].message : "?");
    cc_diag_clear(&d);
    return sim;
}

double tu_metric(const cc_sim *sim, const char *key)
{
    cc_metrics m = {0};
    assert_int_equal(cc_sim_metrics(sim, &m), 0);
    long i = cc_metrics_find(&m, key);
    if (i < 0)
        fail_msg("no metric %s", key);
    double v = m.m[i].value;
    cc_metrics_free(&m);
    return v;
}
