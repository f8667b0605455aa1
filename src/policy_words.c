/* policy_words.c - a policy in words (policy_words.h).
 *
 * One sentence per policy: when it acts (a date, or the threshold that
 * triggers it), what lever it moves and on whom, and for how long. Numbers
 * go through numfmt (separators, percent). Offense classes and facilities
 * are named as the scenario names them. */
#include "policy_words.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"
#include "policy.h"

static const char *const months[12] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

void cc_words_date(char *out, size_t size, const cc_scenario *s, int32_t day)
{
    char iso[11];
    cc_date_format(s->start_date + day, iso);
    int y = 0, m = 0, d = 0;
    if (sscanf(iso, "%d-%d-%d", &y, &m, &d) == 3 && m >= 1 && m <= 12)
        snprintf(out, size, "%d %s %d", d, months[m - 1], y);
    else
        snprintf(out, size, "%s", iso);
}

static const char *const state_words[CC_ST_COUNT] = {
    "in police custody",  "awaiting a first verdict", "on bail",  "awaiting an appeal",
    "serving a sentence", "in a rehab centre",        "released", "dead"};
static const char *const type_words[] = {"police stations", "prisons", "rehab centres"};

/* "drug_use and drug_trafficking" of the classes set; "every offense" when
 * all are */
static void offenses(cc_buf *b, const cc_scenario *s, const bool *set)
{
    int n = 0, all = 1;
    for (int i = 0; i < s->noffenses; i++)
        n += set[i], all &= set[i];
    if (all && s->noffenses > 1) {
        cc_buf_printf(b, "every offense");
        return;
    }
    int k = 0;
    for (int i = 0; i < s->noffenses; i++)
        if (set[i]) {
            k++;
            cc_buf_printf(b, "%s", k == 1 ? "" : k == n ? " and " : ", ");
            for (const char *c = s->offense[i].name; *c; c++) /* drug_use: drug use */
                cc_buf_printf(b, "%c", *c == '_' ? ' ' : *c);
        }
    if (!n)
        cc_buf_printf(b, "no offense");
}

static void how_many(cc_buf *b, const cc_selection *sel)
{
    char t[64];
    if (sel->by_fraction) {
        cc_numfmt_percent(t, sizeof t, sel->fraction,
                          sel->fraction * 100 == (int)(sel->fraction * 100) ? 0 : 1, 0);
        cc_buf_printf(b, "%s of", t);
    } else {
        cc_numfmt_fixed(t, sizeof t, (double)sel->number, 0, 0);
        cc_buf_printf(b, "%s", t);
    }
}

/* who a release selects: "people held for drug_use awaiting a first verdict" */
static void selection(cc_buf *b, const cc_scenario *s, const cc_selection *sel)
{
    cc_buf_printf(b, " people");
    int nst = 0;
    for (int st = 0; st < CC_ST_COUNT; st++)
        nst += (sel->status & (1u << st)) != 0;
    int k = 0;
    for (int st = 0; st < CC_ST_COUNT && nst < CC_ST_COUNT - 2; st++)
        if (sel->status & (1u << st)) {
            k++;
            cc_buf_printf(b, "%s%s", k == 1 ? " " : k == nst ? " or " : ", ", state_words[st]);
        }
    int nof = 0;
    for (int i = 0; i < s->noffenses; i++)
        nof += sel->offense[i];
    if (nof < s->noffenses) {
        cc_buf_printf(b, " held for ");
        offenses(b, s, sel->offense);
        cc_buf_printf(b, " offenses");
    }
    if (sel->drug >= 0)
        cc_buf_printf(b, sel->drug ? " (drug offenses)" : " (no drug offense)");
    if (sel->violent == 0)
        cc_buf_printf(b, " (not violent)");
    else if (sel->violent == 1)
        cc_buf_printf(b, " (violent offenses)");
    if (sel->risk == 1)
        cc_buf_printf(b, " at risk of severe disease");
    if (sel->min_age > 0)
        cc_buf_printf(b, " aged %g or more", sel->min_age);
    if (sel->min_days_served > 0)
        cc_buf_printf(b, " who have served %d days or more", (int)sel->min_days_served);
    if (sel->max_days_remaining >= 0)
        cc_buf_printf(b, " within %d days of their next hearing or release",
                      (int)sel->max_days_remaining);
    if (sel->facility >= 0)
        cc_buf_printf(b, " in %s", s->facility[sel->facility].name);
}

static void when(cc_buf *b, const cc_scenario *s, const struct cc_policy *p)
{
    char d[48];
    if (p->trigger == CC_TRIG_DATE) {
        if (p->at <= 0) {
            cc_buf_printf(b, "From the start");
        } else {
            cc_words_date(d, sizeof d, s, p->at);
            cc_buf_printf(b, "From %s", d);
        }
    } else {
        char t[64];
        const char *where =
            p->when_facility >= 0 ? s->facility[p->when_facility].name : "the whole system";
        if (p->trigger == CC_TRIG_OCCUPANCY) {
            cc_numfmt_percent(t, sizeof t, p->above, 0, 0);
            cc_buf_printf(b, "Whenever %s is above %s of its capacity", where, t);
        } else {
            cc_numfmt_sig(t, sizeof t, p->above, 3, 0);
            cc_buf_printf(b, "Whenever active infections in %s exceed %s", where, t);
        }
        if (p->for_days > 0)
            cc_buf_printf(b, " (for %d days each time)", (int)p->for_days);
    }
    if (p->until != INT32_MAX) {
        cc_words_date(d, sizeof d, s, p->until);
        cc_buf_printf(b, " until %s", d);
    }
    cc_buf_printf(b, ", ");
}

void cc_policy_words(cc_buf *b, const cc_scenario *s, const struct cc_policy *p)
{
    const cc_selection *sel = &p->sel;
    char t[64];
    when(b, s, p);
    switch (p->lever) {
    case CC_LV_ARREST_FACTOR:
        cc_buf_printf(b, "first arrests run at %.3g times their scheduled rate.", p->value);
        break;
    case CC_LV_COURT_SPEED:
        cc_buf_printf(b,
                      "pretrial and appeal cases scheduled from then take %.3g times as "
                      "long.",
                      p->value);
        break;
    case CC_LV_LEGAL_AID:
        cc_numfmt_percent(t, sizeof t, p->value, 0, 0);
        cc_buf_printf(b, "%s of new pretrial cases get legal aid.", t);
        break;
    case CC_LV_ENFORCE_LIMITS:
        cc_buf_printf(b, p->flag ? "the legal pretrial limits are enforced: people held "
                                   "beyond them are released."
                                 : "the legal pretrial limits are no longer enforced.");
        break;
    case CC_LV_BAIL: {
        cc_buf_printf(b, "the bail rate of new pretrial cases is ");
        int k = 0;
        if (p->has_bail_default) {
            cc_numfmt_percent(t, sizeof t, p->bail_default, 0, 0);
            cc_buf_printf(b, "%s", t);
            k++;
        }
        for (int i = 0; i < s->noffenses; i++)
            if (p->bail_set[i] && !(p->has_bail_default && p->bail[i] == p->bail_default)) {
                bool one[CC_MAX_OFFENSES] = {false};
                one[i] = true;
                cc_numfmt_percent(t, sizeof t, p->bail[i], 0, 0);
                cc_buf_printf(b, "%s%s for ", k++ ? ", " : "", t);
                offenses(b, s, one);
                cc_buf_printf(b, " offenses");
            }
        cc_buf_printf(b, ".");
        break;
    }
    case CC_LV_DECRIMINALISE:
        offenses(b, s, sel->offense);
        cc_buf_printf(b, " offenses are no longer prosecuted");
        if (p->flag)
            cc_buf_printf(b, "; the people held for it are released over %d day%s",
                          (int)sel->over_days, sel->over_days == 1 ? "" : "s");
        if (p->treatment_days > 0)
            cc_buf_printf(b, "%s referred to %g days of treatment in the community",
                          p->flag ? " and" : "; people arrested for it are", p->treatment_days);
        cc_buf_printf(b, ".");
        break;
    case CC_LV_RELEASE:
        how_many(b, sel);
        selection(b, s, sel);
        cc_buf_printf(b, " are released over %d day%s, %s first.", (int)sel->over_days,
                      sel->over_days == 1 ? "" : "s",
                      sel->order == CC_ORDER_LONGEST_SERVED ? "those who have served longest"
                      : sel->order == CC_ORDER_OLDEST       ? "the oldest"
                                                            : "chosen at random");
        break;
    case CC_LV_CLOSE:
        if (p->close_type >= 0 && p->close_type <= CC_FAC_REHAB)
            cc_buf_printf(b, "all %s are closed", type_words[p->close_type]);
        else if (p->facility >= 0)
            cc_buf_printf(b, "%s is closed", s->facility[p->facility].name);
        cc_buf_printf(b, p->flag ? "; the people held there are released"
                                 : "; the people held there are moved elsewhere");
        if (p->treatment_days > 0)
            cc_buf_printf(b,
                          " and those who would be sent there are referred to %g days of "
                          "treatment in the community",
                          p->treatment_days);
        cc_buf_printf(b, ".");
        break;
    case CC_LV_CAPACITY:
        cc_numfmt_fixed(t, sizeof t, p->add, 0, CC_NF_SIGN);
        cc_buf_printf(b, "the capacity of %s changes by %s places.",
                      p->facility >= 0 ? s->facility[p->facility].name : "a facility", t);
        break;
    case CC_LV_PARDON:
        cc_buf_printf(b, "on %d day%s of each year, ", p->npardon_days,
                      p->npardon_days == 1 ? "" : "s");
        how_many(b, sel);
        cc_numfmt_percent(t, sizeof t, p->min_share_served, 0, 0);
        cc_buf_printf(b,
                      " the people serving a sentence who have served %s of it are "
                      "pardoned.",
                      t);
        break;
    case CC_LV_HEALTH:
        cc_buf_printf(b, "health measures against the disease are in force (quarantine, "
                         "testing, isolation, vaccination, masks or ventilation as the "
                         "scenario sets them).");
        break;
    default:
        cc_buf_printf(b, "a policy acts.");
        break;
    }
}
