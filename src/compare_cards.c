/* compare_cards.c - the card of a reform (compare_cards.h). */
#include "compare_cards.h"

#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"
#include "report_page.h"

typedef struct row {
    const char *key, *plus; /* a metric, or the sum of two (no interval) */
    const char *label;      /* %s: the pathogen's name */
    int money;
} row;

/* What every reform of detention is meant to lower. */
static const row rows[] = {
    {"person_years.detained", NULL, "Person-years detained", 0},
    {"population_peak", NULL, "People held on the most crowded day", 0},
    {"person_days_over_capacity", NULL, "Person-days above capacity", 0},
    {"infections.detainees", NULL, "Detainees infected with %s", 0},
    {"deaths.disease", NULL, "Deaths in custody from %s", 0},
    {"deaths.other", NULL, "Deaths in custody from other causes", 0},
    {"spillover", NULL, "Infections carried to the community", 0},
    {"arrests", NULL, "Arrests", 0},
    {"cost", NULL, "Cost", 1},
};

/* The metrics that account for a rise of each row's metric, and in what
 * words. */
typedef struct why {
    const char *key;     /* the metric that rose */
    const char *because; /* the metric that explains it */
    const char *words;   /* what the explaining metric is */
} why;

static const why whys[] = {
    {"arrests", "rearrests",
     "re-arrests: people the reform releases or no longer detains are back in the community, "
     "where they can be arrested again"},
    {"person_years.detained", "admissions.prison", "admissions to prison"},
    {"population_peak", "admissions.prison", "admissions to prison"},
    {"person_days_over_capacity", "admissions.prison", "admissions to prison"},
    {"infections.detainees", "admissions.prison",
     "admissions to prison, which bring infections in from the community"},
    {"infections.detainees", "releases",
     "releases, after which people released and infected elsewhere may come back"},
    {"spillover", "releases", "releases: each infectious person released counts as spillover"},
    {"deaths.other", "person_years.detained", "person-years detained (the time at risk)"},
    {"deaths.disease", "infections.detainees", "infections among detainees"},
    {"cost", "costs.community", "the cost of treatment in the community"},
    {"cost", "person_years.detained", "person-years detained"},
};

static cc_stat3 get(const cc_card *c, const row *r, int alt)
{
    cc_stat3 s = c->get(c->ctx, r->key, alt);
    if (r->plus) {
        s.mean += c->get(c->ctx, r->plus, alt).mean;
        s.lo = s.hi = NAN;
    }
    return s;
}

static void number(cc_buf *b, double v, int money, unsigned flags)
{
    char t[128];
    if (money)
        cc_numfmt_money(t, sizeof t, v, NULL, flags);
    else if (fabs(v) < 100 && v != floor(v))
        cc_numfmt_fixed(t, sizeof t, v, 1, flags);
    else
        cc_numfmt_fixed(t, sizeof t, v, 0, flags);
    cc_buf_printf(b, "%s", t);
}

static void label(cc_buf *b, const cc_card *c, const char *fmt)
{
    if (strstr(fmt, "%s")) {
        char t[256];
        snprintf(t, sizeof t, fmt, c->pathogen ? c->pathogen : "the disease");
        cc_report_html_text(b, t);
    } else {
        cc_report_html_text(b, fmt);
    }
}

/* "+410 (0.4%)": a difference and its share of the baseline */
static void change(cc_buf *b, const cc_card *c, const char *key)
{
    cc_stat3 d = c->get(c->ctx, key, 1), base = c->get(c->ctx, key, 0);
    number(b, d.mean, 0, CC_NF_SIGN);
    if (isfinite(base.mean) && base.mean != 0) {
        char t[64];
        cc_numfmt_percent(t, sizeof t, d.mean / base.mean, 1, CC_NF_SIGN);
        cc_buf_printf(b, " (%s)", t);
    }
}

static void what_it_does(cc_buf *b, const cc_card *c)
{
    struct fy_node *l = cc_report_lookup(c->about, "policies");
    if (l && fy_node_is_sequence(l) && fy_node_sequence_item_count(l) > 0) {
        cc_buf_printf(b, "<ul class=\"does\">");
        void *it = NULL;
        struct fy_node *p;
        while ((p = fy_node_sequence_iterate(l, &it)) != NULL) {
            const char *w = cc_report_text(cc_report_lookup(p, "words"));
            cc_buf_printf(b, "<li>");
            cc_report_html_text(b, w ? w : "");
            cc_buf_printf(b, "</li>");
        }
        cc_buf_printf(b, "</ul>\n");
    } else {
        cc_buf_printf(b, "<p>It has no policy of its own: it differs from the baseline in its "
                         "inputs.</p>\n");
    }
    /* how many it released or diverted (its own levels: the baseline has none) */
    static const char *const keys[] = {"policy_releases", "community_referrals",
                                       "policy_dropped_cases"};
    static const char *const words[] = {"people released by its policies",
                                        "people sent to treatment in the community instead of "
                                        "detention",
                                        "cases dropped"};
    int any = 0;
    for (int i = 0; i < 3; i++) {
        cc_stat3 d = c->get(c->ctx, keys[i], 1), base = c->get(c->ctx, keys[i], 0);
        double v = d.mean + (isfinite(base.mean) ? base.mean : 0);
        if (!isfinite(d.mean) || fabs(d.mean) < 0.5)
            continue;
        cc_buf_printf(b, "%s", any ? "; " : "<p class=\"many\">Over the run: ");
        number(b, v, 0, 0);
        cc_buf_printf(b, " %s", words[i]);
        any = 1;
    }
    if (any)
        cc_buf_printf(b, "%s.</p>\n", c->replicates > 1 ? " (means over the replicates)" : "");
}

void cc_compare_card(cc_buf *b, const cc_card *c)
{
    cc_buf_printf(b, "<section class=\"card\"><h3>");
    cc_report_html_text(b, c->name);
    cc_buf_printf(b, "</h3>\n");
    what_it_does(b, c);
    cc_buf_printf(b,
                  "<table class=\"card\"><thead><tr><th>against the baseline</th>"
                  "<th>baseline</th><th>paired difference</th>%s<th>change</th></tr>"
                  "</thead><tbody>\n",
                  c->replicates > 1 ? "<th>90% interval</th>" : "");
    cc_buf notes = {0};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        cc_stat3 base = get(c, r, 0), d = get(c, r, 1);
        if (!isfinite(base.mean) || !isfinite(d.mean))
            continue;
        cc_buf_printf(b, "<tr><th>");
        label(b, c, r->label);
        if (r->money && c->currency) {
            cc_buf_printf(b, " (");
            cc_report_html_text(b, c->currency);
            cc_buf_printf(b, ")");
        }
        cc_buf_printf(b, "</th><td>");
        number(b, base.mean, r->money, 0);
        cc_buf_printf(b, "</td><td>");
        number(b, d.mean, r->money, CC_NF_SIGN);
        cc_buf_printf(b, "</td>");
        if (c->replicates > 1) {
            cc_buf_printf(b, "<td class=\"iv\">");
            if (isfinite(d.lo) && isfinite(d.hi)) {
                number(b, d.lo, r->money, CC_NF_SIGN);
                cc_buf_printf(b, " to ");
                number(b, d.hi, r->money, CC_NF_SIGN);
            }
            cc_buf_printf(b, "</td>");
        }
        char t[64] = "";
        if (base.mean != 0)
            cc_numfmt_percent(t, sizeof t, d.mean / base.mean, 1, CC_NF_SIGN);
        cc_buf_printf(b, "<td>%s</td></tr>\n", t);
        /* against the aim: a rise that is not within chance (its interval
         * above 0, or a rise of one replicate) */
        int rose = d.mean > 0 && (c->replicates == 1 || !isfinite(d.lo) || d.lo > 0);
        if (!rose)
            continue;
        int said = 0;
        for (size_t k = 0; k < sizeof whys / sizeof whys[0]; k++) {
            if (strcmp(whys[k].key, r->key) != 0)
                continue;
            cc_stat3 e = c->get(c->ctx, whys[k].because, 1);
            if (!isfinite(e.mean) || e.mean <= 0)
                continue;
            if (!said) {
                cc_buf_printf(&notes, "<li><b>");
                label(&notes, c, r->label);
                cc_buf_printf(&notes, "</b> change by ");
                change(&notes, c, r->key);
                cc_buf_printf(&notes, ", against the reform's aim. ");
            }
            cc_buf_printf(&notes, "%s", said ? " Also " : "What explains it: ");
            cc_report_html_text(&notes, whys[k].words);
            cc_buf_printf(&notes, " change by ");
            change(&notes, c, whys[k].because);
            cc_buf_printf(&notes, ".");
            said = 1;
        }
        if (said)
            cc_buf_printf(&notes, "</li>\n");
    }
    cc_buf_printf(b, "</tbody></table>\n");
    if (notes.len) {
        cc_buf_printf(b, "<ul class=\"why\">");
        cc_buf_append(b, notes.data, notes.len);
        cc_buf_printf(b, "</ul>\n");
    }
    b->failed |= notes.failed;
    cc_buf_free(&notes);
    cc_buf_printf(b, "</section>\n");
}
