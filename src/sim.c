/* sim.c - one replicate, day by day (see sim.h).
 *
 * cc_sim_step is the one place that fixes the order of a day:
 *   (1) policies that take effect (cc_policy_apply),
 *   (2) scheduled justice events due today (the day's calendar bucket),
 *   (3) arrests and re-arrests (first arrests and direct admissions drawn
 *       today, re-arrests from the calendar), then transfers of people out
 *       of facilities above the transfer occupancy, then any justice event
 *       that today's arrivals made due today (zero-day stages),
 *   (4)+(5) transmission and disease progression (cc_disease_step), then
 *       background deaths in custody,
 *   (6) recording: one row per facility and one for the system; person-days
 *       are accumulated from the counts of the day, never by visiting
 *       people.
 * Daily work is proportional to the day's events plus the number of
 * facilities and states.
 */
#include "sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "justice.h"
#include "policy.h"
#include "sim_internal.h"
#include "util.h"

static const char *const state_name[CC_ST_COUNT] = {
    "police", "pretrial", "bail", "appeal", "sentenced", "rehab", "released", "dead"};

static const char *const type_name[3] = {"police", "prison", "rehab"};


/* Room for everyone expected to enter: the initial populations and the
 * expected first arrests and direct admissions, with slack; the store grows
 * beyond it if needed. Reserving address space touches no page. */
static int32_t expected_people(const cc_scenario *s)
{
    double n = 1024;
    for (int f = 0; f < s->nfacilities; f++)
        n += (double)s->facility[f].population;
    for (int32_t d = 0; d < s->days; d++) {
        n += cc_schedule_at(&s->arrests_per_day, d);
        if (s->direct_rehab_per_day.n > 0)
            n += cc_schedule_at(&s->direct_rehab_per_day, d);
    }
    n *= 1.05 + s->people.female * s->people.with_child;
    return n > INT32_MAX / 2 ? INT32_MAX / 2 : (int32_t)n;
}

static double prison_population(const cc_sim *sim)
{
    double n = 0;
    for (int f = 0; f < sim->fac.n; f++)
        if (sim->s->facility[f].type == CC_FAC_PRISON)
            n += sim->fac.f[f].n;
    return n;
}

int cc_sim_create(const cc_scenario *s, uint64_t seed, uint32_t replicate, cc_diag *diag,
                  cc_sim **out)
{
    *out = NULL;
    cc_sim *sim = calloc(1, sizeof *sim);
    if (!sim)
        goto oom;
    sim->s = s;
    sim->seed = seed;
    sim->replicate = replicate;
    sim->arrest_factor = 1.0;
    sim->direct_factor = 1.0;
    sim->court_speed = 1.0;
    for (int o = 0; o < CC_MAX_OFFENSES; o++)
        sim->bail[o] = s->bail.v[o];
    sim->legal_aid = s->legal_aid;
    sim->enforce_limit = s->enforce_legal_limit;
    sim->direct_offense = 0;
    for (int o = s->noffenses - 1; o >= 0; o--) /* the first drug class, misdemeanours first */
        if (s->offense[o].drug && !s->offense[o].felony)
            sim->direct_offense = o;
    if (!s->offense[sim->direct_offense].drug)
        for (int o = s->noffenses - 1; o >= 0; o--)
            if (s->offense[o].drug)
                sim->direct_offense = o;
    sim->r = cc_rng_alloc();
    size_t nrows = (size_t)(s->days > 0 ? s->days : 1) * (size_t)(s->nfacilities + 1);
    size_t nf = (size_t)(s->nfacilities > 0 ? s->nfacilities : 1);
    sim->rows = calloc(nrows, sizeof *sim->rows);
    sim->drug_arrests_day = calloc((size_t)(s->days > 0 ? s->days : 1), sizeof(int32_t));
    sim->occ_peak = calloc(nf, sizeof(double));
    sim->occ_sum = calloc(nf, sizeof(double));
    sim->occ_over = calloc(nf, sizeof(int32_t));
    if (!sim->r || !sim->rows || !sim->drug_arrests_day || !sim->occ_peak || !sim->occ_sum ||
        !sim->occ_over || cc_people_init(&sim->P, expected_people(s)) ||
        cc_calendar_init(&sim->cal, s->days) || cc_facilities_init(&sim->fac, s))
        goto oom;
    if (cc_disease_create(s, seed, replicate, diag, &sim->disease))
        goto fail;
    cc_disease_track_by(sim->disease, cc_policy_first_health_day(s));
    if (cc_disease_reserve(sim->disease, sim->P.cap))
        goto oom;
    cc_facilities_begin_day(&sim->fac, s, 0);
    if (cc_justice_initial(sim, diag))
        goto fail;
    for (int f = 0; f < sim->fac.n; f++)
        sim->population_start += sim->fac.f[f].n;
    sim->population_peak = sim->population_start;
    sim->prison_population_start = prison_population(sim);
    *out = sim;
    return 0;
oom:
    cc_diag_add(diag, s->file, 0, 0, "", NULL, "out of memory creating the simulation");
fail:
    cc_sim_free(sim);
    return -1;
}

int cc_sim_clone(const cc_sim *src, const cc_scenario *s, cc_sim **out)
{
    *out = NULL;
    cc_sim *sim = malloc(sizeof *sim);
    if (!sim)
        return -1;
    *sim = *src;
    sim->s = s;
    /* what the copy owns starts empty, so that a failure frees only that */
    sim->r = NULL;
    memset(&sim->P, 0, sizeof sim->P);
    memset(&sim->cal, 0, sizeof sim->cal);
    memset(&sim->fac, 0, sizeof sim->fac);
    sim->disease = NULL;
    sim->policy = NULL; /* no policy has acted yet: the state starts afresh */
    sim->policy_free = NULL;
    sim->drug_arrests_day = NULL;
    sim->occ_peak = sim->occ_sum = NULL;
    sim->occ_over = NULL;
    sim->rows = NULL;
    sim->ddeaths = NULL;
    sim->nddeaths = sim->cddeaths = 0;

    size_t ndays = (size_t)(s->days > 0 ? s->days : 1);
    size_t nf = (size_t)(s->nfacilities > 0 ? s->nfacilities : 1);
    size_t width = (size_t)(s->nfacilities + 1), ran = (size_t)(src->day > 0 ? src->day : 0);
    if (!(sim->r = cc_rng_alloc()) || !(sim->rows = calloc(ndays * width, sizeof *sim->rows)) ||
        cc_dup((void **)&sim->drug_arrests_day, src->drug_arrests_day, ndays,
               sizeof *sim->drug_arrests_day) ||
        cc_dup((void **)&sim->occ_peak, src->occ_peak, nf, sizeof *sim->occ_peak) ||
        cc_dup((void **)&sim->occ_sum, src->occ_sum, nf, sizeof *sim->occ_sum) ||
        cc_dup((void **)&sim->occ_over, src->occ_over, nf, sizeof *sim->occ_over) ||
        cc_people_clone(&sim->P, &src->P) || cc_calendar_clone(&sim->cal, &src->cal) ||
        cc_facilities_clone(&sim->fac, &src->fac) ||
        (src->disease && cc_disease_clone(src->disease, s, &sim->disease))) {
        cc_sim_free(sim);
        return -1;
    }
    memcpy(sim->rows, src->rows, ran * width * sizeof *sim->rows);
    /* a health policy of s may need the detainees followed from an earlier
     * day than src did: as nothing has happened to anyone yet, handing them
     * over at the start of the next day gives the same state */
    cc_disease_track_by(sim->disease, cc_policy_first_health_day(s));
    *out = sim;
    return 0;
}

void cc_sim_free(cc_sim *sim)
{
    if (!sim)
        return;
    if (sim->policy && sim->policy_free)
        sim->policy_free(sim->policy);
    cc_disease_free(sim->disease);
    cc_people_free(&sim->P);
    cc_calendar_free(&sim->cal);
    cc_facilities_free(&sim->fac);
    cc_rng_free(sim->r);
    free(sim->rows);
    free(sim->drug_arrests_day);
    free(sim->occ_peak);
    free(sim->occ_sum);
    free(sim->occ_over);
    free(sim->ddeaths);
    free(sim);
}

int32_t cc_sim_day(const cc_sim *sim) { return sim->day; }

const cc_ts_row *cc_sim_rows(const cc_sim *sim) { return sim->rows; }

/* Process today's calendar entries from index *i on; with `rearrests`
 * false, re-arrests are skipped (they belong to step 3). */
static void run_events(cc_sim *sim, int32_t day, uint32_t from, uint32_t to, int which)
{
    enum { AHEAD = 8 }; /* events prefetched ahead of the one processed */
    for (uint32_t i = from; i < to && i < sim->cal.b[day].n; i++) {
        if (i + AHEAD < sim->cal.b[day].n) {
            int32_t ahead = sim->cal.b[day].e[i + AHEAD].person;
            cc_people_prefetch(&sim->P, ahead);
            cc_disease_prefetch(sim->disease, ahead);
        }
        cc_event e = sim->cal.b[day].e[i]; /* re-read: the bucket may grow */
        bool rearrest = cc_event_type(e) == CC_EV_REARREST;
        if ((which == 0 && !rearrest) || (which == 1 && rearrest) || which == 2)
            cc_justice_event(sim, e, day);
    }
}

static void record(cc_sim *sim, int32_t day)
{
    const cc_scenario *s = sim->s;
    int nf = sim->fac.n;
    cc_ts_row *row = &sim->rows[(size_t)day * (size_t)(nf + 1)];
    cc_ts_row *sys = &row[nf];
    memset(sys, 0, sizeof *sys);
    int64_t total = 0;
    for (int f = 0; f < nf; f++) {
        const cc_fac_state *fs = &sim->fac.f[f];
        cc_ts_row *r = &row[f];
        memset(r, 0, sizeof *r);
        r->v[CC_TS_population] = fs->n;
        r->v[CC_TS_police] = fs->state_n[CC_ST_POLICE];
        r->v[CC_TS_pretrial] = fs->state_n[CC_ST_PRETRIAL];
        r->v[CC_TS_appeal] = fs->state_n[CC_ST_APPEAL];
        r->v[CC_TS_sentenced] = fs->state_n[CC_ST_SENTENCED];
        r->v[CC_TS_rehab] = fs->state_n[CC_ST_REHAB];
        r->v[CC_TS_children] = fs->children;
        r->v[CC_TS_admissions] = fs->admissions;
        r->v[CC_TS_releases] = fs->releases;
        r->v[CC_TS_deaths_disease] = fs->deaths_disease;
        r->v[CC_TS_deaths_other] = fs->deaths_other;
        if (sim->disease) {
            cc_disease_counts dc;
            cc_disease_counts_get(sim->disease, f, &dc);
            r->v[CC_TS_new_infections] = dc.new_infections;
            r->v[CC_TS_active_infections] = dc.active_infections;
            r->v[CC_TS_hospitalised] = dc.hospitalised;
        }
        r->capacity = fs->capacity;
        for (int c = 0; c < CC_TS_NCOL; c++)
            sys->v[c] += r->v[c];
        sys->capacity += r->capacity;
        total += fs->n;
        for (int st = 0; st < CC_ST_COUNT; st++)
            sim->person_days_state[st] += (double)fs->state_n[st];
        sim->child_days += (double)fs->children;
        /* people held where there is no capacity: population / 0 is
         * undefined (NaN, printed null in summary.json and empty in
         * timeseries.csv), and such a day is over capacity; once undefined,
         * the peak and the mean stay undefined (NaN compares false) */
        double occ = fs->capacity <= 0 && fs->n > 0 ? NAN : cc_facility_occupancy(fs);
        if (isnan(occ) || occ > sim->occ_peak[f])
            sim->occ_peak[f] = occ;
        sim->occ_sum[f] += occ;
        sim->occ_over[f] += isnan(occ) || occ > 1.0;
    }
    /* the system row counts flows across the walls only */
    sys->v[CC_TS_admissions] = sim->today_admissions;
    sys->v[CC_TS_releases] = sim->today_releases;
    sim->person_days_state[CC_ST_BAIL] += (double)sim->n_state[CC_ST_BAIL];
    for (int o = 0; o < s->noffenses; o++)
        sim->person_days_offense[o] += (double)sim->custody_offense[o];
    sim->person_days_poor[0] += (double)sim->custody_poor[0];
    sim->person_days_poor[1] += (double)sim->custody_poor[1];
    if (total > sim->population_peak)
        sim->population_peak = total;
    /* a report date: count the people held for drug offenses in prisons */
    if (sim->next_report < s->nreport_dates && s->report_dates[sim->next_report] == day) {
        double drug = 0;
        for (int f = 0; f < nf; f++) {
            const cc_fac_state *fs = &sim->fac.f[f];
            if (s->facility[f].type != CC_FAC_PRISON)
                continue;
            for (int32_t i = 0; i < fs->n; i++)
                drug += s->offense[sim->P.rec[fs->members[i]].offense].drug;
        }
        sim->snap_drug[sim->next_report++] = drug;
    }
}

/* Hand everyone in custody to the disease module on the first day it
 * follows detainees one by one (disease.h, cc_disease_track_day). */
static void disease_track_begin(cc_sim *sim, int32_t day)
{
    const cc_people_store *P = &sim->P;
    cc_disease_track_begin(sim->disease);
    for (int32_t p = 0; p < P->n; p++) {
        int f = P->rec[p].loc.facility;
        if (f == CC_NO_FACILITY)
            continue;
        cc_stream_id who = {P->rec[p].w0, P->rec[p].w1, 0};
        cc_disease_catch_up(sim->disease, p, who, f, P->rec[p].loc.cell, day, P->rec[p].age0,
                            P->rec[p].flags & CC_PF_RISK, P->rec[p].flags & CC_PF_CHILD);
    }
}

int cc_sim_step(cc_sim *sim, cc_diag *diag)
{
    const cc_scenario *s = sim->s;
    int32_t day = sim->day;
    if (day >= s->days)
        return 0;
    int32_t track = cc_disease_track_day(sim->disease);
    if (track >= 0 && day >= track)
        disease_track_begin(sim, day);
    sim->today_admissions = sim->today_releases = 0;
    cc_facilities_reset_flows(&sim->fac);
    cc_facilities_begin_day(&sim->fac, s, day);

    /* (1) policies that take effect today */
    if (cc_policy_apply(sim, day, diag))
        return -1;
    cc_facilities_begin_day(&sim->fac, s, day); /* capacities and closures may have changed */

    /* (2) scheduled justice events due today */
    run_events(sim, day, 0, UINT32_MAX, 0);
    uint32_t done = sim->cal.b[day].n;

    /* (3) arrests and re-arrests, transfers, and stages made due today */
    cc_justice_arrests(sim, day);
    run_events(sim, day, 0, done, 1);
    cc_justice_transfers(sim, day);
    run_events(sim, day, done, UINT32_MAX, 2);

    /* (4) transmission and (5) disease progression and deaths */
    if (sim->disease) {
        sim->nddeaths = 0;
        if (cc_disease_step(sim->disease, day, &sim->ddeaths, &sim->nddeaths, &sim->cddeaths)) {
            cc_diag_add(diag, s->file, 0, 0, "disease", NULL, "disease step failed on day %d",
                        (int)day);
            return -1;
        }
        for (size_t i = 0; i < sim->nddeaths; i++)
            cc_sim_kill(sim, (int32_t)sim->ddeaths[i], day, true);
    }
    cc_justice_deaths(sim, day);

    /* (6) recording */
    record(sim, day);
    cc_calendar_drop(&sim->cal, day);
#ifndef NDEBUG
    if (cc_facilities_check(&sim->fac, &sim->P)) {
        cc_diag_add(diag, s->file, 0, 0, "", NULL, "internal error: custody counts disagree on day %d",
                    (int)day);
        return -1;
    }
#endif
    sim->day++;
    if (sim->oom) {
        cc_diag_add(diag, s->file, 0, 0, "", NULL, "out of memory on day %d", (int)day);
        return -1;
    }
    return 0;
}

int cc_sim_run(cc_sim *sim, cc_diag *diag, void (*progress)(void *ctx, int day, int days),
               void *ctx)
{
    while (sim->day < sim->s->days) {
        if (cc_sim_step(sim, diag))
            return -1;
        if (progress)
            progress(ctx, sim->day, sim->s->days);
    }
    return 0;
}

/* ---- metrics ----------------------------------------------------------- */

static int year_of(int32_t date)
{
    char buf[11];
    cc_date_format(date, buf);
    return atoi(buf);
}

int cc_sim_metrics(const cc_sim *sim, cc_metrics *m)
{
    const cc_scenario *s = sim->s;
    int nf = sim->fac.n;
    int32_t ran = sim->day;
    int64_t pop_end = 0;
    for (int f = 0; f < nf; f++)
        pop_end += sim->fac.f[f].n;

    /* composition of the prisons at the end (one pass over the detainees) */
    double prison = 0, drug = 0, pretrial = 0, appeal = 0;
    int64_t violations = sim->limit_violations;
    double beyond = sim->days_beyond_limit;
    for (int f = 0; f < nf; f++) {
        const cc_fac_state *fs = &sim->fac.f[f];
        for (int32_t i = 0; i < fs->n; i++) {
            int32_t p = fs->members[i];
            int st = sim->P.rec[p].state;
            if (st == CC_ST_PRETRIAL) { /* detentions still running past the limit */
                int off = sim->P.rec[p].offense;
                double limit = s->offense[off].felony ? s->limit_felony_days
                                                      : s->limit_misdemeanour_days;
                double pre = ran - sim->P.rec[p].seg_start;
                if (pre > limit) {
                    violations++;
                    beyond += pre - limit;
                }
            }
            if (s->facility[f].type != CC_FAC_PRISON)
                continue;
            prison++;
            drug += s->offense[sim->P.rec[p].offense].drug;
            pretrial += st == CC_ST_PRETRIAL;
            appeal += st == CC_ST_APPEAL;
        }
    }

    cc_metrics_add(m, (double)sim->arrests, "arrests");
    cc_metrics_add(m, (double)sim->rearrests, "rearrests");
    cc_metrics_add(m, (double)sim->bribes, "bribes");
    cc_metrics_add(m, (double)sim->direct_admissions, "direct_admissions");
    cc_metrics_add(m, (double)sim->no_place, "unplaced");
    cc_metrics_add(m, (double)sim->population_start, "population_start");
    cc_metrics_add(m, (double)pop_end, "population_end");
    cc_metrics_add(m, (double)sim->population_peak, "population_peak");
    cc_metrics_add(m, sim->prison_population_start > 0 ? prison / sim->prison_population_start - 1.0 : 0.0,
                   "prison_growth");
    cc_metrics_add(m, prison > 0 ? drug / prison : 0.0, "drug_share_end");
    cc_metrics_add(m, prison > 0 ? pretrial / prison : 0.0, "pretrial_share_end");
    cc_metrics_add(m, prison > 0 ? (pretrial + appeal) / prison : 0.0, "unconvicted_share_end");
    cc_metrics_add(m, (double)violations, "pretrial_limit_violations");
    cc_metrics_add(m, beyond, "pretrial_days_beyond_limit");
    static const int shown[] = {CC_ST_POLICE, CC_ST_PRETRIAL, CC_ST_BAIL, CC_ST_APPEAL,
                                CC_ST_SENTENCED, CC_ST_REHAB};
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
        cc_metrics_add(m, sim->person_days_state[shown[i]] / 365.25, "person_years.by_state.%s",
                       state_name[shown[i]]);
    for (int o = 0; o < s->noffenses; o++)
        cc_metrics_add(m, sim->person_days_offense[o] / 365.25, "person_years.by_offense.%s",
                       s->offense[o].name);
    double detained_days = 0;
    for (int st = 0; st < CC_ST_COUNT; st++)
        if (st != CC_ST_BAIL && st != CC_ST_RELEASED && st != CC_ST_DEAD)
            detained_days += sim->person_days_state[st];
    cc_metrics_add(m, detained_days / 365.25, "person_years.detained");
    cc_metrics_add(m, sim->person_days_poor[1] / 365.25, "person_years.by_poor.poor");
    cc_metrics_add(m, sim->person_days_poor[0] / 365.25, "person_years.by_poor.not_poor");
    cc_metrics_add(m, sim->child_days, "child_days");
    for (int f = 0; f < nf; f++) {
        cc_metrics_add(m, sim->occ_peak[f], "occupancy.%s.peak", s->facility[f].name);
        cc_metrics_add(m, ran > 0 ? sim->occ_sum[f] / ran : 0.0, "occupancy.%s.mean",
                       s->facility[f].name);
        cc_metrics_add(m, (double)sim->occ_over[f], "occupancy.%s.days_over_capacity",
                       s->facility[f].name);
    }
    cc_metrics_add(m, (double)sim->deaths_other, "deaths.other");
    cc_metrics_add(m, (double)sim->deaths_disease, "deaths.disease");
    cc_metrics_add(m, (double)sim->releases_total, "releases");
    for (int t = 0; t < 3; t++)
        cc_metrics_add(m, (double)sim->admissions_by_type[t], "admissions.%s", type_name[t]);
    double cost = sim->community_days * s->cost_community_per_day;
    for (int st = 0; st < CC_ST_COUNT; st++)
        cost += sim->person_days_state[st] * s->cost_per_day[st];
    cc_metrics_add(m, cost, "cost");

    /* yearly series and dated populations (calibration targets) */
    if (ran > 0) {
        const cc_ts_row *rows = sim->rows;
        int y0 = year_of(s->start_date), y1 = year_of(s->start_date + ran - 1);
        for (int y = y0; y <= y1; y++) {
            double da = 0, ra = 0, dd = 0;
            for (int32_t d = 0; d < ran; d++) {
                if (year_of(s->start_date + d) != y)
                    continue;
                const cc_ts_row *row = &rows[(size_t)d * (size_t)(nf + 1)];
                da += sim->drug_arrests_day[d];
                dd += (double)row[nf].v[CC_TS_deaths_other];
                for (int f = 0; f < nf; f++)
                    if (s->facility[f].type == CC_FAC_REHAB)
                        ra += (double)row[f].v[CC_TS_admissions];
            }
            cc_metrics_add(m, da, "arrests_drug.%d", y);
            cc_metrics_add(m, ra, "rehab_admissions.%d", y);
            cc_metrics_add(m, dd, "deaths_other.%d", y);
        }
        /* stocks at the report dates */
        for (int i = 0; i < s->nreport_dates && s->report_dates[i] < ran; i++) {
            int32_t d = s->report_dates[i];
            char iso[11];
            cc_date_format(s->start_date + d, iso);
            const cc_ts_row *row = &rows[(size_t)d * (size_t)(nf + 1)];
            double pp = 0, pre = 0, app = 0, arrested = 0;
            for (int f = 0; f < nf; f++)
                if (s->facility[f].type == CC_FAC_PRISON) {
                    pp += (double)row[f].v[CC_TS_population];
                    pre += (double)row[f].v[CC_TS_pretrial];
                    app += (double)row[f].v[CC_TS_appeal];
                }
            for (int32_t k = 0; k <= d; k++)
                arrested += sim->drug_arrests_day[k];
            cc_metrics_add(m, pp, "at.%s.prison_population", iso);
            cc_metrics_add(m, pp > 0 ? sim->snap_drug[i] / pp : 0.0, "at.%s.drug_share", iso);
            cc_metrics_add(m, pp > 0 ? pre / pp : 0.0, "at.%s.pretrial_share", iso);
            cc_metrics_add(m, pp > 0 ? (pre + app) / pp : 0.0, "at.%s.unconvicted_share", iso);
            cc_metrics_add(m, arrested, "at.%s.drug_arrests_since_start", iso);
            for (int f = 0; f < nf; f++)
                cc_metrics_add(m, (double)row[f].v[CC_TS_population], "at.%s.population.%s",
                               iso, s->facility[f].name);
        }
    }
    if (cc_policy_metrics(sim, m)) /* costs, crowding, policy counts */
        return -1;
    if (sim->disease && cc_disease_metrics(sim->disease, m))
        return -1;
    return m->failed ? -1 : 0;
}
