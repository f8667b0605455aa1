/* justice.c - the justice pipeline (docs/model.md), person by person.
 *
 * All per-person work happens at events: an arrest, the end of police
 * custody, a trial, the end of an appeal, a release, a discharge, a
 * re-arrest. Each event draws what it needs from the person's own streams
 * (keyed by the person's identity, the case number and the purpose), so two
 * scenarios that treat a person alike draw the same numbers for them.
 * Durations are drawn in days and rounded stochastically (floor(x + U)), so
 * the mean whole number of days equals the mean of the distribution, which
 * keeps Little's law exact in expectation.
 *
 * Draws per event. Computing a Philox block (four 32-bit words) is the
 * largest single cost of an event, so each event seeks one stream and takes
 * all it needs from it in a fixed order (the same whatever branch is taken,
 * so streams stay aligned across scenarios), and decisions compared with a
 * probability, the choice of a facility and the rounding of a duration take
 * 16 bits each, two to a word (cc_rng_uniform2: an error below 2^-16 in a
 * probability or below 2^-16 day in a mean). An arrest then usually costs
 * one block for the offense, the routing, the placement and the police
 * custody; the end of police custody one, a trial one or two.
 *
 * The stages of a case (arrest on day a):
 *   routing: release | rehab | prosecute (a non-poor person facing
 *            prosecution buys a diversion to rehab with probability bribe)
 *   police custody (in a police facility if the scenario has one)
 *   bail (not poor, probability bail) -> in the community until the trial
 *   or pretrial detention in a prison for duration x legal-aid factor x court
 *            speed; above the legal limit: released on bail at the limit
 *            when enforced, else a counted violation
 *   trial: convicted with probability conviction (x legal-aid factor);
 *            sentence credited with the days detained; appeal (detained) with
 *            probability appeal, then sentenced for the rest
 *   released -> re-arrest hazard h(t) = a 2^(-t/T) per day since release.
 * Re-arrest time, by inverting the cumulative hazard
 *   H(t) = a T / ln 2 (1 - 2^(-t/T)),  H(inf) = a T / ln 2:
 * draw E ~ Exp(1); never re-arrested when E >= H(inf); else
 *   t = -T log2(1 - E ln 2 / (a T)).
 *
 * Deaths in custody are drawn per facility and day without visiting every
 * detainee: with the largest hazard h_max any member can have today,
 * K ~ Binomial(N, p_max) candidates are picked uniformly from the member
 * array and each dies with probability p(person) / p_max (thinning; exact
 * for distinct candidates, and candidates repeat with probability ~K^2/N).
 */
#include "justice.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "dist.h"

#define DAYS_PER_YEAR 365.25
#define LN2 0.69314718055994530942
#define MAX_DURATION_DAYS 3650000 /* 10,000 years: "never" for int32 day arithmetic */

/* ---- small helpers ---------------------------------------------------- */

static void seek_person(cc_sim *sim, int32_t p, uint32_t purpose, uint32_t sub)
{
    cc_rng_seek(sim->r, sim->seed, sim->replicate, cc_people_stream(&sim->P, p, purpose, sub));
}

/* whole days from a continuous duration, rounded stochastically with the
 * uniform u */
static int32_t round_days(double x, double u)
{
    if (!(x > 0))
        return 0;
    double d = floor(x + u);
    return d > MAX_DURATION_DAYS ? MAX_DURATION_DAYS : (int32_t)d;
}

static int32_t whole_days(gsl_rng *r, double x) { return round_days(x, cc_rng_uniform(r)); }

static int32_t draw_days(gsl_rng *r, const cc_dist *d, double factor)
{
    return whole_days(r, cc_dist_sample(r, d) * factor);
}

/* a duration drawn from r, rounded with a uniform drawn before */
static int32_t draw_days_u(gsl_rng *r, const cc_dist *d, double factor, double u_round)
{
    return round_days(cc_dist_sample(r, d) * factor, u_round);
}

/* index i with probability w[i] / sum(w) (negative weights count as 0), by
 * the uniform u */
static int categorical_u(double u, const double *w, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += w[i] > 0 ? w[i] : 0;
    u *= total;
    int last = 0;
    for (int i = 0; i < n; i++) {
        if (!(w[i] > 0))
            continue;
        last = i;
        u -= w[i];
        if (u < 0)
            return i;
    }
    return last;
}

static int categorical(gsl_rng *r, const double *w, int n)
{
    return categorical_u(cc_rng_uniform(r), w, n);
}

/* Poisson(mean) by inversion of one uniform: one word instead of GSL's
 * product of mean + 1 uniforms. With a 16-bit uniform the tail beyond
 * probability 2^-16 is cut, which for the small means of prior arrests is
 * invisible; large means (where e^-mean would underflow the start of the
 * recursion, and inversion would be slow) go to GSL. */
#define POISSON_INVERSION_MAX 30.0
static unsigned poisson_u(gsl_rng *r, double mean, double u)
{
    if (!(mean > 0))
        return 0;
    if (mean > POISSON_INVERSION_MAX)
        return gsl_ran_poisson(r, mean);
    unsigned k = 0;
    double pk = exp(-mean), cdf = pk; /* P(K = k), P(K <= k) */
    while (u >= cdf && k < 10 * (unsigned)POISSON_INVERSION_MAX) {
        k++;
        pk *= mean / k;
        cdf += pk;
    }
    return k;
}

static bool detained_state(int st)
{
    return st == CC_ST_POLICE || st == CC_ST_PRETRIAL || st == CC_ST_APPEAL ||
           st == CC_ST_SENTENCED || st == CC_ST_REHAB;
}

static double legal_limit(const cc_sim *sim, int off)
{
    return sim->s->offense[off].felony ? sim->s->limit_felony_days
                                       : sim->s->limit_misdemeanour_days;
}

static bool is_female(const cc_sim *sim, int32_t p) { return sim->P.rec[p].flags & CC_PF_FEMALE; }

/* ---- person operations (sim_internal.h) -------------------------------- */

int32_t cc_sim_time_served(const cc_sim *sim, int32_t p, int32_t day)
{
    const cc_people_store *P = &sim->P;
    return P->rec[p].served + (P->rec[p].loc.facility != CC_NO_FACILITY ? day - P->rec[p].seg_start : 0);
}

void cc_sim_cancel(cc_sim *sim, int32_t p)
{
    sim->P.rec[p].gen++;
    sim->P.rec[p].due = -1;
}

void cc_sim_schedule(cc_sim *sim, int32_t p, int32_t day, unsigned type)
{
    cc_people_store *P = &sim->P;
    P->rec[p].gen++;
    P->rec[p].due = day;
    if (cc_calendar_add(&sim->cal, day, p, type, P->rec[p].gen))
        sim->oom = 1;
}

void cc_sim_set_state(cc_sim *sim, int32_t p, cc_state st, int32_t day)
{
    cc_people_store *P = &sim->P;
    int old = P->rec[p].state;
    int f = P->rec[p].loc.facility;
    if (f != CC_NO_FACILITY) {
        sim->fac.f[f].state_n[old]--;
        sim->fac.f[f].state_n[st]++;
        P->rec[p].served += day - P->rec[p].seg_start;
    }
    P->rec[p].seg_start = day;
    sim->n_state[old]--;
    sim->n_state[st]++;
    P->rec[p].state = (uint8_t)st;
}

static bool child_joins(const cc_sim *sim, int32_t mother, int f, int32_t day)
{
    int32_t c = sim->P.rec[mother].link;
    return c != CC_NO_PERSON && sim->s->facility[f].children && sim->P.rec[c].state != CC_ST_DEAD &&
           sim->P.rec[c].loc.facility == CC_NO_FACILITY &&
           cc_people_age(&sim->P, c, day) <= sim->s->people.child_age_max;
}

static void child_enter(cc_sim *sim, int32_t mother, int f, int32_t day, bool from_community,
                        bool initial)
{
    cc_people_store *P = &sim->P;
    int32_t c = P->rec[mother].link;
    P->rec[c].loc.facility = (int16_t)f;
    P->rec[c].loc.cell = P->rec[mother].loc.cell;
    sim->fac.f[f].children++;
    if (sim->disease) {
        cc_stream_id who = {P->rec[c].w0, P->rec[c].w1, 0};
        cc_disease_enter(sim->disease, c, who, f, P->rec[c].loc.cell, day, from_community, initial,
                         P->rec[c].age0, P->rec[c].flags & CC_PF_RISK, true);
    }
}

static void child_leave(cc_sim *sim, int32_t c, int32_t day, cc_leave_reason why)
{
    cc_people_store *P = &sim->P;
    int f = P->rec[c].loc.facility;
    if (f == CC_NO_FACILITY)
        return;
    sim->fac.f[f].children--;
    P->rec[c].loc.facility = CC_NO_FACILITY;
    P->rec[c].loc.cell = -1;
    if (sim->disease)
        cc_disease_leave(sim->disease, c, f, day, why);
}

/* place p (not in custody) in facility f; `initial`: present on day 0 */
static int place(cc_sim *sim, int32_t p, int f, cc_state st, int32_t day, bool from_community,
                 bool initial, bool bring_child)
{
    cc_people_store *P = &sim->P;
    cc_fac_state *fs = &sim->fac.f[f];
    double u = 0;
    if (sim->s->cell_fill == CC_FILL_RANDOM) {
        /* the facility's k-th admission of the day draws from the k-th
         * stream of (facility, day): cells are the facility's business */
        cc_rng_seek(sim->r, sim->seed, sim->replicate,
                    cc_stream(CC_RK_FACILITY, (uint32_t)f, (uint32_t)day, CC_RP_PLACEMENT,
                              (uint32_t)fs->admissions));
        u = cc_rng_uniform(sim->r);
    }
    int32_t cell = cc_facility_pick_cell(fs, sim->s->cell_fill, u);
    int old = P->rec[p].state;
    P->rec[p].state = (uint8_t)st;
    if (cc_facility_add(&sim->fac, P, f, cell, p)) {
        P->rec[p].state = (uint8_t)old;
        sim->oom = 1;
        return -1;
    }
    sim->n_state[old]--;
    sim->n_state[st]++;
    P->rec[p].seg_start = day;
    sim->custody_offense[P->rec[p].offense]++;
    sim->custody_poor[(P->rec[p].flags & CC_PF_POOR) ? 1 : 0]++;
    fs->admissions++;
    sim->admissions_by_type[sim->s->facility[f].type]++;
    if (from_community)
        sim->today_admissions++;
    if (sim->disease) {
        cc_stream_id who = {P->rec[p].w0, P->rec[p].w1, 0};
        cc_disease_enter(sim->disease, p, who, f, cell, day, from_community, initial,
                         P->rec[p].age0, P->rec[p].flags & CC_PF_RISK, false);
    }
    if (bring_child && child_joins(sim, p, f, day)) /* the child comes from home */
        child_enter(sim, p, f, day, !initial, initial);
    return 0;
}

int cc_sim_admit_to(cc_sim *sim, int32_t p, int f, cc_state st, int32_t day, bool from_community)
{
    return place(sim, p, f, st, day, from_community, false, true);
}

/* cc_sim_admit with the facility chosen by the uniform u */
static int admit_u(cc_sim *sim, int32_t p, cc_facility_type type, cc_state st, int32_t day,
                   double u)
{
    int f = cc_facilities_pick(&sim->fac, type, is_female(sim, p), u);
    if (f < 0)
        return -1;
    if (place(sim, p, f, st, day, sim->P.rec[p].loc.facility == CC_NO_FACILITY, false, true))
        return -1;
    return f;
}

int cc_sim_admit(cc_sim *sim, int32_t p, cc_facility_type type, cc_state st, int32_t day,
                 uint32_t placement_seq)
{
    seek_person(sim, p, CC_RP_PLACEMENT, placement_seq);
    return admit_u(sim, p, type, st, day, cc_rng_uniform(sim->r));
}

void cc_sim_leave_custody(cc_sim *sim, int32_t p, int32_t day, cc_leave_reason why)
{
    cc_people_store *P = &sim->P;
    int f = P->rec[p].loc.facility;
    if (f == CC_NO_FACILITY)
        return;
    P->rec[p].served += day - P->rec[p].seg_start;
    P->rec[p].seg_start = day;
    sim->custody_offense[P->rec[p].offense]--;
    sim->custody_poor[(P->rec[p].flags & CC_PF_POOR) ? 1 : 0]--;
    if (why == CC_LEAVE_RELEASED) {
        sim->fac.f[f].releases++;
        sim->today_releases++;
        sim->releases_total++;
    }
    int32_t c = P->rec[p].link;
    if (c != CC_NO_PERSON && P->rec[c].loc.facility == f)
        child_leave(sim, c, day, CC_LEAVE_RELEASED); /* the child goes home */
    cc_facility_remove(&sim->fac, P, p);
    if (sim->disease)
        cc_disease_leave(sim->disease, p, f, day, why);
}

static void schedule_rearrest(cc_sim *sim, int32_t p, int32_t day)
{
    const cc_scenario *s = sim->s;
    double a = s->rearrest_per_year / DAYS_PER_YEAR; /* hazard per day just after release */
    seek_person(sim, p, CC_RP_REARREST, 0);
    double e = -log1p(-cc_rng_uniform(sim->r)); /* Exp(1): gsl_ran_exponential's formula, inline */
    if (!(a > 0))
        return;
    double t;
    if (s->rearrest_halving_years > 0) {
        double T = s->rearrest_halving_years * DAYS_PER_YEAR;
        double total = a * T / LN2;
        if (e >= total)
            return; /* never re-arrested */
        t = -T * log2(1.0 - e / total);
    } else {
        t = e / a; /* constant hazard */
    }
    if (t >= (double)(s->days - day))
        return; /* beyond the horizon */
    cc_sim_schedule(sim, p, day + 1 + (int32_t)t, CC_EV_REARREST);
}

void cc_sim_release_person(cc_sim *sim, int32_t p, int32_t day)
{
    cc_sim_cancel(sim, p);
    cc_sim_leave_custody(sim, p, day, CC_LEAVE_RELEASED);
    cc_sim_set_state(sim, p, CC_ST_RELEASED, day);
    schedule_rearrest(sim, p, day);
}

int cc_sim_move_person(cc_sim *sim, int32_t p, int f, int32_t day)
{
    cc_people_store *P = &sim->P;
    int from = P->rec[p].loc.facility;
    if (from == f)
        return 0;
    int32_t c = P->rec[p].link;
    bool child_here = c != CC_NO_PERSON && from != CC_NO_FACILITY && P->rec[c].loc.facility == from;
    bool child_goes = child_here && sim->s->facility[f].children;
    cc_state st = (cc_state)P->rec[p].state;
    int32_t served = P->rec[p].served, seg = P->rec[p].seg_start;
    /* the move is not a release: no release counted, detention continues */
    if (from != CC_NO_FACILITY) {
        if (child_here && !child_goes)
            child_leave(sim, c, day, CC_LEAVE_RELEASED);
        if (child_goes) { /* the child moves with the mother: leave now, enter below */
            sim->fac.f[from].children--;
            P->rec[c].loc.facility = CC_NO_FACILITY;
            if (sim->disease)
                cc_disease_leave(sim->disease, c, from, day, CC_LEAVE_MOVING);
        }
        sim->custody_offense[P->rec[p].offense]--;
        sim->custody_poor[(P->rec[p].flags & CC_PF_POOR) ? 1 : 0]--;
        cc_facility_remove(&sim->fac, P, p);
        if (sim->disease)
            cc_disease_leave(sim->disease, p, from, day, CC_LEAVE_MOVING);
    }
    int rc = place(sim, p, f, st, day, from == CC_NO_FACILITY, false, !child_goes);
    P->rec[p].served = served;
    P->rec[p].seg_start = from == CC_NO_FACILITY ? day : seg;
    if (child_goes && rc == 0)
        child_enter(sim, p, f, day, false, false);
    /* (rc != 0 is out of memory: the replicate stops with an error) */
    return rc;
}

void cc_sim_kill(cc_sim *sim, int32_t p, int32_t day, bool disease)
{
    cc_people_store *P = &sim->P;
    int f = P->rec[p].loc.facility;
    if (P->rec[p].flags & CC_PF_CHILD) {
        if (f == CC_NO_FACILITY || P->rec[p].state == CC_ST_DEAD)
            return;
        child_leave(sim, p, day, CC_LEAVE_DIED);
        P->rec[p].state = CC_ST_DEAD;
    } else {
        if (f == CC_NO_FACILITY || P->rec[p].state == CC_ST_DEAD)
            return;
        cc_sim_cancel(sim, p);
        cc_sim_leave_custody(sim, p, day, CC_LEAVE_DIED);
        cc_sim_set_state(sim, p, CC_ST_DEAD, day);
    }
    if (disease) {
        sim->deaths_disease++;
        sim->fac.f[f].deaths_disease++;
    } else {
        sim->deaths_other++;
        sim->fac.f[f].deaths_other++;
    }
}

/* ---- people entering the system --------------------------------------- */

/* Attributes of a new person, all drawn in a fixed order whatever the
 * scenario uses, so that streams stay aligned across scenarios. */
static int32_t new_person(cc_sim *sim, uint32_t w0, uint32_t w1, int32_t day, int sex_rule)
{
    const cc_people *pp = &sim->s->people;
    cc_people_store *P = &sim->P;
    int32_t p = cc_people_add(P, w0, w1);
    if (p < 0) {
        sim->oom = 1;
        return -1;
    }
    sim->n_state[CC_ST_RELEASED]++;
    seek_person(sim, p, CC_RP_ATTRIBUTES, 0);
    gsl_rng *r = sim->r;
    /* three words of 16-bit uniforms, then the age (one word for a
     * lognormal unless the ziggurat rejects): one block for most people */
    double u_female, u_poor, u_risk, u_child, u_child_age, u_priors;
    cc_rng_uniform2(r, &u_female, &u_poor);
    cc_rng_uniform2(r, &u_risk, &u_child);
    cc_rng_uniform2(r, &u_child_age, &u_priors);
    double age = cc_dist_sample(r, &pp->age);
    for (int k = 0; k < 20 && (age < pp->min_age || (pp->max_age > 0 && age > pp->max_age)); k++)
        age = cc_dist_sample(r, &pp->age);
    if (age < pp->min_age)
        age = pp->min_age;
    if (pp->max_age > 0 && age > pp->max_age)
        age = pp->max_age;
    unsigned priors = poisson_u(r, sim->s->priors_mean, u_priors);
    bool female = sex_rule == CC_SEX_FEMALE ? true : sex_rule == CC_SEX_MALE ? false : u_female < pp->female;
    uint8_t fl = 0;
    if (female)
        fl |= CC_PF_FEMALE;
    if (u_poor < pp->poor)
        fl |= CC_PF_POOR;
    if (u_risk < pp->risk)
        fl |= CC_PF_RISK;
    if (female && u_child < pp->with_child && pp->child_age_max > 0)
        fl |= CC_PF_HAS_CHILD;
    P->rec[p].flags = fl;
    P->rec[p].age0 = (float)(age - day / DAYS_PER_YEAR);
    P->rec[p].priors = (uint16_t)(priors > 65535 ? 65535 : priors);
    if (age - day / DAYS_PER_YEAR > sim->age0_max)
        sim->age0_max = age - day / DAYS_PER_YEAR;
    if (fl & CC_PF_HAS_CHILD) {
        int32_t c = cc_people_add(P, w0, w1 ^ 0x80000000u);
        if (c < 0) {
            sim->oom = 1;
            return p;
        }
        P->rec[c].flags = CC_PF_CHILD;
        P->rec[c].age0 = (float)(u_child_age * pp->child_age_max - day / DAYS_PER_YEAR);
        P->rec[c].link = p;
        P->rec[p].link = c;
    }
    return p;
}

static void begin_case(cc_sim *sim, int32_t p, int32_t day)
{
    cc_people_store *P = &sim->P;
    if (P->rec[p].ncase < 65535)
        P->rec[p].ncase++;
    P->rec[p].case_start = day;
    P->rec[p].served = 0;
    P->rec[p].aux = 0;
    P->rec[p].flags = (uint8_t)(P->rec[p].flags & ~CC_PF_LEGAL_AID);
}

static void to_community(cc_sim *sim, int32_t p, int32_t day)
{
    cc_sim_release_person(sim, p, day);
}

/* To rehab: the centre chosen by u_place, the stay drawn from the stream
 * sim->r points at (the person's arrest stream), before the admission
 * (which may seek the facility's stream). */
static void start_rehab(cc_sim *sim, int32_t p, int32_t day, double u_place)
{
    if (sim->rehab_to_community) { /* rehab closed by a policy: community treatment instead */
        sim->community_referrals++;
        sim->community_days += sim->community_treatment_days;
        to_community(sim, p, day);
        return;
    }
    int32_t stay = draw_days(sim->r, &sim->s->rehab_days, 1.0);
    if (admit_u(sim, p, CC_FAC_REHAB, CC_ST_REHAB, day, u_place) < 0) {
        sim->no_place++;
        to_community(sim, p, day);
        return;
    }
    cc_sim_schedule(sim, p, day + stay, CC_EV_REHAB_END);
}

/* End of police custody (or straight after arrest without a police
 * facility): bail or pretrial detention. */
static void after_police(cc_sim *sim, int32_t p, int32_t day)
{
    const cc_scenario *s = sim->s;
    cc_people_store *P = &sim->P;
    int off = P->rec[p].offense;
    seek_person(sim, p, CC_RP_PRETRIAL, 0);
    gsl_rng *r = sim->r;
    double u_aid, u_bail, u_place, u_round;
    cc_rng_uniform2(r, &u_aid, &u_bail);
    cc_rng_uniform2(r, &u_place, &u_round);
    bool aid = u_aid < sim->legal_aid;
    if (aid)
        P->rec[p].flags |= CC_PF_LEGAL_AID;
    double factor = (aid ? s->legal_aid_duration_factor : 1.0) * sim->court_speed;
    int32_t d = draw_days_u(r, &s->pretrial_days.d[off], factor, u_round);
    bool poor = P->rec[p].flags & CC_PF_POOR;
    bool bail = !poor && u_bail < sim->bail[off];
    int f = -1;
    if (!bail) {
        f = cc_facilities_pick(&sim->fac, CC_FAC_PRISON, is_female(sim, p), u_place);
        if (f < 0)
            sim->no_place++;
    }
    if (f < 0) { /* bail (or nowhere to hold them): awaits trial in the community */
        cc_sim_leave_custody(sim, p, day, CC_LEAVE_RELEASED);
        cc_sim_set_state(sim, p, CC_ST_BAIL, day);
        cc_sim_schedule(sim, p, day + d, CC_EV_TRIAL);
        return;
    }
    if (P->rec[p].loc.facility != CC_NO_FACILITY) {
        cc_sim_set_state(sim, p, CC_ST_PRETRIAL, day);
        if (cc_sim_move_person(sim, p, f, day))
            return;
    } else if (place(sim, p, f, CC_ST_PRETRIAL, day, true, false, true)) {
        return;
    }
    P->rec[p].seg_start = day;
    double limit = legal_limit(sim, off);
    if (sim->enforce_limit && d > limit) {
        P->rec[p].aux = day + d;
        cc_sim_schedule(sim, p, day + (int32_t)limit, CC_EV_LIMIT);
    } else {
        cc_sim_schedule(sim, p, day + d, CC_EV_TRIAL);
    }
}

/* To police custody: the lock-up chosen by u_place, the stay drawn from
 * the arrest stream before the admission (see start_rehab). */
static void start_police(cc_sim *sim, int32_t p, int32_t day, double u_place)
{
    int off = sim->P.rec[p].offense;
    int32_t stay = draw_days(sim->r, &sim->s->police_days.d[off], 1.0);
    if (admit_u(sim, p, CC_FAC_POLICE, CC_ST_POLICE, day, u_place) < 0) {
        after_police(sim, p, day);
        return;
    }
    cc_sim_schedule(sim, p, day + stay, CC_EV_POLICE_END);
}

/* An arrest (first or repeated) of p, who is in the community. */
static void arrest(cc_sim *sim, int32_t p, int32_t day, bool first)
{
    const cc_scenario *s = sim->s;
    cc_people_store *P = &sim->P;
    begin_case(sim, p, day);
    if (!first) {
        sim->rearrests++;
        if (P->rec[p].priors < 65535)
            P->rec[p].priors++;
    }
    /* one stream for the whole arrest: offense, routing, bribe, placement,
     * then the stay in police custody or rehab (start_police, start_rehab) */
    seek_person(sim, p, CC_RP_OFFENSE, 0);
    double u_offense, u_route, u_bribe, u_place;
    cc_rng_uniform2(sim->r, &u_offense, &u_route);
    cc_rng_uniform2(sim->r, &u_bribe, &u_place);
    int off = categorical_u(u_offense, s->arrest_mix, s->noffenses);
    P->rec[p].offense = (uint8_t)off;
    sim->arrests++;
    if (s->offense[off].drug)
        sim->drug_arrests_day[day]++;
    if (sim->decriminalised[off]) {
        sim->community_referrals++;
        sim->community_days += sim->community_treatment_days;
        to_community(sim, p, day);
        return;
    }
    double rel = s->route_release.v[off], reh = s->route_rehab.v[off];
    double total = rel + reh + s->route_prosecute.v[off];
    if (total > 0)
        u_route *= total;
    if (u_route < rel) {
        to_community(sim, p, day);
    } else if (u_route < rel + reh) {
        start_rehab(sim, p, day, u_place);
    } else if (!(P->rec[p].flags & CC_PF_POOR) && u_bribe < s->bribe.v[off]) {
        sim->bribes++;
        start_rehab(sim, p, day, u_place);
    } else {
        start_police(sim, p, day, u_place);
    }
}

void cc_justice_arrests(cc_sim *sim, int32_t day)
{
    const cc_scenario *s = sim->s;
    double rate = cc_schedule_at(&s->arrests_per_day, day) * sim->arrest_factor;
    cc_rng_seek(sim->r, sim->seed, sim->replicate,
                cc_stream(CC_RK_PROCESS, (uint32_t)day, CC_PROC_ARRESTS, CC_RP_ARRIVALS, 0));
    unsigned n = rate > 0 ? gsl_ran_poisson(sim->r, rate) : 0;
    uint32_t w0 = ((uint32_t)CC_RK_PERSON_ARREST << 24) | ((uint32_t)day & 0xFFFFFFu);
    for (unsigned i = 0; i < n && !sim->oom; i++) {
        int32_t p = new_person(sim, w0, i, day, CC_SEX_ANY);
        if (p >= 0)
            arrest(sim, p, day, true);
    }

    /* direct admissions to rehab (round-ups without charge) */
    double drate = s->direct_rehab_per_day.n > 0
                       ? cc_schedule_at(&s->direct_rehab_per_day, day) * sim->direct_factor
                       : 0;
    cc_rng_seek(sim->r, sim->seed, sim->replicate,
                cc_stream(CC_RK_PROCESS, (uint32_t)day, CC_PROC_DIRECT, CC_RP_ARRIVALS, 0));
    unsigned nd = drate > 0 ? gsl_ran_poisson(sim->r, drate) : 0;
    w0 = ((uint32_t)CC_RK_PERSON_DIRECT << 24) | ((uint32_t)day & 0xFFFFFFu);
    for (unsigned i = 0; i < nd && !sim->oom; i++) {
        int32_t p = new_person(sim, w0, i, day, CC_SEX_ANY);
        if (p < 0)
            break;
        begin_case(sim, p, day);
        sim->P.rec[p].offense = (uint8_t)sim->direct_offense;
        sim->direct_admissions++;
        seek_person(sim, p, CC_RP_REHAB, 0);
        double u_place, u_unused;
        cc_rng_uniform2(sim->r, &u_place, &u_unused);
        start_rehab(sim, p, day, u_place);
    }
}

/* The prison a convicted person serves in: `convicted_to` of where they are
 * (or would be admitted), if it takes their sex. */
static int convicted_facility(cc_sim *sim, int32_t p, int f)
{
    if (f < 0)
        return f;
    int to = sim->s->facility[f].convicted_to;
    if (to >= 0 && to < sim->s->nfacilities && to != f && cc_facility_admits_sex(sim->s, to, is_female(sim, p)))
        return to;
    return f;
}

/* p is convicted: detain them in `st` (appeal or sentenced) */
static bool detain_convicted(cc_sim *sim, int32_t p, cc_state st, int32_t day, double u_place)
{
    cc_people_store *P = &sim->P;
    int f = P->rec[p].loc.facility;
    if (f != CC_NO_FACILITY) {
        cc_sim_set_state(sim, p, st, day);
        int to = convicted_facility(sim, p, f);
        if (to != f && cc_sim_move_person(sim, p, to, day))
            return false;
        return true;
    }
    /* on bail: back into a prison, chosen by u_place */
    f = cc_facilities_pick(&sim->fac, CC_FAC_PRISON, is_female(sim, p), u_place);
    f = convicted_facility(sim, p, f);
    if (f < 0) {
        sim->no_place++;
        return false;
    }
    return place(sim, p, f, st, day, true, false, true) == 0;
}

static void trial(cc_sim *sim, int32_t p, int32_t day)
{
    const cc_scenario *s = sim->s;
    cc_people_store *P = &sim->P;
    int off = P->rec[p].offense;
    if (P->rec[p].state == CC_ST_PRETRIAL) {
        int32_t pre = day - P->rec[p].seg_start;
        double limit = legal_limit(sim, off);
        if (pre > limit) {
            sim->limit_violations++;
            sim->days_beyond_limit += pre - limit;
        }
    }
    int32_t served = cc_sim_time_served(sim, p, day);
    /* one stream: verdict, appeal, placement, sentence, appeal's length */
    seek_person(sim, p, CC_RP_TRIAL, 0);
    gsl_rng *r = sim->r;
    double u_convict, u_appeal, u_place, u_round;
    cc_rng_uniform2(r, &u_convict, &u_appeal);
    cc_rng_uniform2(r, &u_place, &u_round);
    int32_t sentence = draw_days_u(r, &s->sentence_days.d[off], 1.0, u_round);
    double pc = s->convict.v[off] *
                ((P->rec[p].flags & CC_PF_LEGAL_AID) ? s->legal_aid_conviction_factor : 1.0);
    if (!(u_convict < pc)) {
        to_community(sim, p, day); /* acquitted */
        return;
    }
    P->rec[p].aux = sentence;
    if (u_appeal < s->appeal.v[off]) {
        int32_t a = draw_days(r, &s->appeal_days.d[off], sim->court_speed);
        if (!detain_convicted(sim, p, CC_ST_APPEAL, day, u_place)) {
            to_community(sim, p, day);
            return;
        }
        cc_sim_schedule(sim, p, day + a, CC_EV_APPEAL_END);
        return;
    }
    int32_t rest = sentence - served;
    if (rest <= 0 || !detain_convicted(sim, p, CC_ST_SENTENCED, day, u_place)) {
        to_community(sim, p, day); /* time served */
        return;
    }
    cc_sim_schedule(sim, p, day + rest, CC_EV_RELEASE);
}

void cc_justice_event(cc_sim *sim, cc_event e, int32_t day)
{
    cc_people_store *P = &sim->P;
    int32_t p = e.person;
    if (!cc_event_live(e, P->rec[p].gen))
        return; /* stale: plans changed since it was scheduled */
    P->rec[p].due = -1;
    sim->events++;
    int st = P->rec[p].state;
    bool held = P->rec[p].loc.facility != CC_NO_FACILITY;
    switch (cc_event_type(e)) {
    case CC_EV_POLICE_END:
        if (st == CC_ST_POLICE)
            after_police(sim, p, day);
        break;
    case CC_EV_LIMIT:
        if (st == CC_ST_PRETRIAL && held) {
            cc_sim_leave_custody(sim, p, day, CC_LEAVE_RELEASED);
            cc_sim_set_state(sim, p, CC_ST_BAIL, day);
            cc_sim_schedule(sim, p, P->rec[p].aux > day ? P->rec[p].aux : day, CC_EV_TRIAL);
        }
        break;
    case CC_EV_TRIAL:
        if (st == CC_ST_PRETRIAL || st == CC_ST_BAIL)
            trial(sim, p, day);
        break;
    case CC_EV_APPEAL_END:
        if (st == CC_ST_APPEAL) {
            int32_t rest = P->rec[p].aux - cc_sim_time_served(sim, p, day);
            if (rest <= 0) {
                to_community(sim, p, day);
            } else {
                cc_sim_set_state(sim, p, CC_ST_SENTENCED, day);
                cc_sim_schedule(sim, p, day + rest, CC_EV_RELEASE);
            }
        }
        break;
    case CC_EV_RELEASE:
    case CC_EV_REHAB_END:
        if (detained_state(st))
            to_community(sim, p, day);
        break;
    case CC_EV_REARREST:
        if (st == CC_ST_RELEASED && !held)
            arrest(sim, p, day, false);
        break;
    default:
        break;
    }
}

/* ---- the population present on day 0 ----------------------------------- */

/* Stay already spent and left for someone found in a stage: a length-biased
 * stay split at a uniform point (dist.h); returns the whole days left and
 * sets *spent. */
static int32_t found_in_stage(gsl_rng *r, const cc_dist *d, double factor, int32_t *spent)
{
    double l = cc_dist_sample_length_biased(r, d) * factor;
    double u = cc_rng_uniform(r);
    int32_t total = whole_days(r, l);
    /* uniform on {0, ..., total - 1}: someone counted on `total` days, found
     * at the end of one of them, is counted on `left` days from today */
    int32_t left = (int32_t)floor((1.0 - u) * total);
    if (left >= total)
        left = total > 0 ? total - 1 : 0;
    *spent = total - left;
    return left;
}

static double sum_of(const double *w, int n)
{
    double t = 0;
    for (int i = 0; i < n; i++)
        t += w[i] > 0 ? w[i] : 0;
    return t;
}

int cc_justice_initial(cc_sim *sim, cc_diag *diag)
{
    const cc_scenario *s = sim->s;
    cc_people_store *P = &sim->P;
    for (int f = 0; f < s->nfacilities; f++) {
        const cc_facility *fc = &s->facility[f];
        const cc_composition *comp = &fc->composition;
        const double *st_w = comp->status;
        if (sum_of(st_w, CC_ST_COUNT) <= 0)
            st_w = s->initial.status;
        const double *off_w = comp->offense;
        if (sum_of(off_w, s->noffenses) <= 0)
            off_w = s->initial.offense;
        if (sum_of(off_w, s->noffenses) <= 0)
            off_w = s->arrest_mix;
        /* the states a facility of this type can hold */
        double w[CC_ST_COUNT] = {0};
        if (fc->type == CC_FAC_POLICE) {
            w[CC_ST_POLICE] = 1;
        } else if (fc->type == CC_FAC_REHAB) {
            w[CC_ST_REHAB] = 1;
        } else {
            w[CC_ST_PRETRIAL] = st_w[CC_ST_PRETRIAL];
            w[CC_ST_APPEAL] = st_w[CC_ST_APPEAL];
            w[CC_ST_SENTENCED] = st_w[CC_ST_SENTENCED];
            if (sum_of(w, CC_ST_COUNT) <= 0)
                w[CC_ST_SENTENCED] = 1;
        }
        /* women where the facility takes both sexes */
        double female = sum_of(comp->status, CC_ST_COUNT) > 0 ? comp->female : s->people.female;
        uint32_t w0 = ((uint32_t)CC_RK_PERSON_INITIAL << 24) | ((uint32_t)f & 0xFFFFFFu);
        for (int64_t i = 0; i < fc->population; i++) {
            int rule = fc->sex;
            if (rule == CC_SEX_ANY) {
                cc_rng_seek(sim->r, sim->seed, sim->replicate,
                            cc_stream(CC_RK_PERSON_INITIAL, (uint32_t)f, (uint32_t)i, CC_RP_PLACEMENT, 0xFFFFFF));
                rule = cc_rng_uniform(sim->r) < female ? CC_SEX_FEMALE : CC_SEX_MALE;
            }
            int32_t p = new_person(sim, w0, (uint32_t)i, 0, rule);
            if (p < 0)
                break;
            begin_case(sim, p, 0);
            seek_person(sim, p, CC_RP_OFFENSE, 0);
            gsl_rng *r = sim->r;
            int off = categorical(r, off_w, s->noffenses);
            cc_state st = (cc_state)categorical(r, w, CC_ST_COUNT);
            double u_aid = cc_rng_uniform(r);
            P->rec[p].offense = (uint8_t)off;
            bool aid = st == CC_ST_PRETRIAL && u_aid < sim->legal_aid;
            if (aid)
                P->rec[p].flags |= CC_PF_LEGAL_AID;
            seek_person(sim, p, CC_RP_PRETRIAL, 0);
            int32_t spent = 0, left = 0, before = 0;
            unsigned ev = CC_EV_RELEASE;
            switch (st) {
            case CC_ST_POLICE:
                left = found_in_stage(r, &s->police_days.d[off], 1.0, &spent);
                ev = CC_EV_POLICE_END;
                break;
            case CC_ST_PRETRIAL:
                before = draw_days(r, &s->police_days.d[off], 1.0);
                left = found_in_stage(r, &s->pretrial_days.d[off],
                                      aid ? s->legal_aid_duration_factor : 1.0, &spent);
                ev = CC_EV_TRIAL;
                break;
            case CC_ST_APPEAL:
                before = draw_days(r, &s->police_days.d[off], 1.0) +
                         draw_days(r, &s->pretrial_days.d[off], 1.0);
                P->rec[p].aux = draw_days(r, &s->sentence_days.d[off], 1.0);
                left = found_in_stage(r, &s->appeal_days.d[off], 1.0, &spent);
                ev = CC_EV_APPEAL_END;
                break;
            case CC_ST_SENTENCED:
                /* the remaining sentence is the residual of the whole
                 * sentence: pretrial credit is not subtracted for the
                 * stock (an approximation: the stock's sentences are
                 * length-biased, which dominates) */
                left = found_in_stage(r, &s->sentence_days.d[off], 1.0, &spent);
                P->rec[p].aux = left + spent;
                ev = CC_EV_RELEASE;
                break;
            case CC_ST_REHAB:
            default:
                left = found_in_stage(r, &s->rehab_days, 1.0, &spent);
                ev = CC_EV_REHAB_END;
                break;
            }
            if (place(sim, p, f, st, 0, false, true, true)) {
                cc_diag_add(diag, s->file, 0, 0, "facilities", NULL, "out of memory placing %s",
                            fc->name);
                return -1;
            }
            P->rec[p].seg_start = -spent;
            P->rec[p].served = before;
            P->rec[p].case_start = -spent - before;
            if (st == CC_ST_PRETRIAL) {
                double limit = legal_limit(sim, off);
                if (sim->enforce_limit && spent + left > limit) {
                    P->rec[p].aux = left;
                    int32_t at = (int32_t)limit - spent;
                    cc_sim_schedule(sim, p, at > 0 ? at : 0, CC_EV_LIMIT);
                    continue;
                }
            }
            cc_sim_schedule(sim, p, left, ev);
        }
        if (sim->oom)
            break;
    }
    if (sim->oom) {
        cc_diag_add(diag, s->file, 0, 0, "facilities", NULL, "out of memory placing the initial population");
        return -1;
    }
    return 0;
}

/* ---- deaths and transfers ----------------------------------------------- */

static double hazard_year(const cc_sim *sim, int32_t p, int32_t day, double extra)
{
    const cc_scenario *s = sim->s;
    double age = cc_people_age(&sim->P, p, day);
    double bg = s->mort_doubling_years > 0
                    ? s->mort_at_30_per_year * exp2((age - 30.0) / s->mort_doubling_years)
                    : s->mort_at_30_per_year;
    return bg + extra;
}

void cc_justice_deaths(cc_sim *sim, int32_t day)
{
    const cc_scenario *s = sim->s;
    double age_max = sim->age0_max + day / DAYS_PER_YEAR;
    for (int f = 0; f < sim->fac.n; f++) {
        cc_fac_state *fs = &sim->fac.f[f];
        if (fs->n == 0)
            continue;
        double occ = cc_facility_occupancy(fs);
        double extra = s->mort_crowding_per_year * (occ > 1 ? occ - 1 : 0) +
                       s->facility[f].excess_death_per_year +
                       (s->facility[f].type == CC_FAC_REHAB ? s->rehab_excess_death_per_year : 0);
        double bgmax = s->mort_doubling_years > 0
                           ? s->mort_at_30_per_year * exp2((age_max - 30.0) / s->mort_doubling_years)
                           : s->mort_at_30_per_year;
        double hmax = bgmax + extra;
        if (!(hmax > 0))
            continue;
        double pmax = -expm1(-hmax / DAYS_PER_YEAR);
        cc_rng_seek(sim->r, sim->seed, sim->replicate,
                    cc_stream(CC_RK_FACILITY, (uint32_t)f, (uint32_t)day, CC_RP_DEATH, 0));
        unsigned k = gsl_ran_binomial(sim->r, pmax, (unsigned)fs->n);
        for (unsigned j = 0; j < k && fs->n > 0; j++) {
            int32_t p = fs->members[(int32_t)(cc_rng_uniform(sim->r) * fs->n)];
            double ph = -expm1(-hazard_year(sim, p, day, extra) / DAYS_PER_YEAR);
            if (cc_rng_uniform(sim->r) * pmax < ph)
                cc_sim_kill(sim, p, day, false);
        }
    }
}

void cc_justice_transfers(cc_sim *sim, int32_t day)
{
    const cc_scenario *s = sim->s;
    double above = s->transfer_occupancy_above;
    if (!(above > 0) || s->transfer_max_per_day <= 0)
        return;
    for (int f = 0; f < sim->fac.n; f++) {
        cc_fac_state *fs = &sim->fac.f[f];
        if (cc_facility_occupancy(fs) <= above || fs->n == 0)
            continue;
        cc_rng_seek(sim->r, sim->seed, sim->replicate,
                    cc_stream(CC_RK_FACILITY, (uint32_t)f, (uint32_t)day, CC_RP_TRANSFER, 0));
        for (int32_t k = 0; k < s->transfer_max_per_day && fs->n > 0; k++) {
            double occ = cc_facility_occupancy(fs);
            if (occ <= above)
                break;
            int32_t p = fs->members[(int32_t)(cc_rng_uniform(sim->r) * fs->n)];
            bool female = is_female(sim, p);
            int best = -1;
            double best_occ = 0;
            for (int g = 0; g < sim->fac.n; g++) {
                const cc_fac_state *gs = &sim->fac.f[g];
                if (g == f || s->facility[g].type != s->facility[f].type || gs->closed ||
                    s->facility[g].opens > day || !cc_facility_admits_sex(s, g, female) ||
                    !(gs->capacity > 0))
                    continue;
                double o = (gs->n + 1.0) / gs->capacity;
                if (best < 0 || o < best_occ) {
                    best = g;
                    best_occ = o;
                }
            }
            /* move only where it is no more crowded after the move than
             * here (no ping-pong: the move back would make it worse) */
            if (best < 0 || best_occ > (fs->n - 1.0) / fs->capacity)
                continue;
            cc_sim_move_person(sim, p, best, day);
        }
    }
}
