/* sim_internal.h - the inside of a replicate, for the engine's own modules
 * (justice, policy, disease glue). Not a public API.
 *
 * struct cc_sim holds all mutable state of one replicate: the person store,
 * the calendar, the facilities, the policy levers (mutable copies of
 * scenario values that policies may change), the counters behind the
 * metrics and the recorded rows. The scenario is read, never written.
 *
 * What a policy module can do with it:
 *   - change a lever: sim->arrest_factor, sim->bail[off], sim->legal_aid,
 *     sim->enforce_limit, sim->court_speed, sim->decriminalised[off];
 *     facility capacity (sim->fac.f[f].capacity_extra, taken into account
 *     from the next cc_facilities_begin_day, i.e. the next day, or call
 *     cc_facilities_begin_day again) and closure (sim->fac.f[f].closed);
 *   - select people: the adults held in facility f are
 *     sim->fac.f[f].members[0 .. n-1]; read their record sim->P.rec[p]
 *     (state, offense, flags, cc_people_age, time served with
 *     cc_sim_time_served, sentence length aux once convicted, due the day
 *     of their next justice event, so sentence remaining = due - day);
 *     removing a member swaps the last one into its slot, so iterate
 *     backwards when releasing while scanning;
 *   - act: cc_sim_release_person (to the community; cancels their pending
 *     event; re-arrest is scheduled), cc_sim_move_person (to another
 *     facility, same state), cc_sim_set_state, cc_sim_schedule.
 * Counters of people diverted to community services by a policy:
 * sim->community_referrals and sim->community_days (costed with
 * cost_community_per_day).
 *
 * Time in a case: rec.case_start is the arrest day; rec.seg_start the day the
 * current state began; rec.served the days detained in the case before
 * seg_start, so cc_sim_time_served = served + (day - seg_start) while held.
 * For a person in pretrial detention, day - seg_start is the pretrial time
 * (the legal limit applies to it). rec.aux holds the sentence length (days)
 * once convicted, or the trial day while on bail at the legal limit.
 *
 * Random streams: a decision about person p uses
 * cc_people_stream(&sim->P, p, purpose, sub) (keyed by the person and their
 * case number); a decision about a facility or a process on a day uses
 * cc_stream(CC_RK_FACILITY / CC_RK_POLICY / CC_RK_PROCESS, ...). Seek
 * sim->r before each decision; never carry a stream across decisions.
 *
 * Invariants the operations keep (checked by cc_facilities_check in debug
 * builds): an adult is held in at most one facility and cell and is listed
 * in exactly those member arrays, in a detained state (police, pretrial,
 * appeal, sentenced, rehab); everyone else (bail, released, dead) has
 * facility CC_NO_FACILITY; a facility's state counts add up to its
 * population; a child is with its mother (same facility and cell) or not
 * in custody. A person has at most one live calendar event (gen).
 */
#ifndef CARCER_SIM_INTERNAL_H
#define CARCER_SIM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "calendar.h"
#include "diag.h"
#include "disease.h"
#include "facility.h"
#include "people.h"
#include "scenario.h"
#include "sim.h"

/* Calendar event types. */
enum cc_event_type {
    CC_EV_POLICE_END = 1, /* end of police custody: bail or pretrial detention */
    CC_EV_TRIAL,          /* first verdict (from pretrial detention or bail) */
    CC_EV_LIMIT,          /* enforced pretrial limit reached: released on bail */
    CC_EV_APPEAL_END,     /* verdict final: sentenced for the rest or released */
    CC_EV_RELEASE,        /* sentence served */
    CC_EV_REHAB_END,      /* discharge from rehab */
    CC_EV_REARREST        /* a released person is arrested again */
};

/* Process ids of CC_RK_PROCESS streams (w1). */
enum cc_process { CC_PROC_ARRESTS = 1, CC_PROC_DIRECT = 2, CC_PROC_INITIAL = 3 };

struct cc_sim {
    const cc_scenario *s;
    uint64_t seed;
    uint32_t replicate;
    int32_t day; /* the next day to run */
    gsl_rng *r;  /* seek a stream before every use */

    cc_people_store P;
    cc_calendar cal;
    cc_facilities fac;
    cc_disease *disease; /* NULL without a disease */
    uint32_t bucket_done; /* entries of today's bucket already processed */

    /* policy levers, initialised from the scenario */
    double arrest_factor;                  /* multiplies arrests_per_day */
    double direct_factor;                  /* multiplies direct_rehab_per_day */
    double bail[CC_MAX_OFFENSES];
    double legal_aid;                      /* coverage */
    bool enforce_limit;
    double court_speed;                    /* multiplies pretrial and appeal durations */
    bool decriminalised[CC_MAX_OFFENSES];  /* new arrests go to community services */
    bool rehab_to_community;               /* rehab closed: rehab routing goes to community services */
    double community_treatment_days;       /* community_days added per referral */
    void *policy;                          /* owned by the policy module */
    void (*policy_free)(void *policy);

    /* counters (whole run) */
    int64_t arrests, rearrests, bribes, direct_admissions, releases_total;
    int64_t community_referrals;
    double community_days;
    int64_t limit_violations;
    double days_beyond_limit;
    int64_t deaths_other, deaths_disease;
    int64_t no_place; /* detentions refused for want of an eligible facility */
    int64_t events;   /* live calendar events processed (benchmarks) */
    int64_t admissions_by_type[3];
    double person_days_state[CC_ST_COUNT];
    double person_days_offense[CC_MAX_OFFENSES];
    double person_days_poor[2];
    double child_days;
    int64_t n_state[CC_ST_COUNT];             /* adults by state (custody or not) */
    int64_t custody_offense[CC_MAX_OFFENSES]; /* adults held, by offense */
    int64_t custody_poor[2];                  /* adults held: [0] not poor, [1] poor */

    /* today's system-level flows */
    int64_t today_admissions, today_releases;

    /* per-day series for yearly metrics */
    int32_t *drug_arrests_day;
    /* people held for drug offenses in prisons at the end of each of the
     * scenario's report dates (the rows hold the rest of the snapshot) */
    double snap_drug[CC_MAX_REPORT_DATES];
    int next_report; /* index of the next report date */
    int64_t population_start, population_peak;
    double prison_population_start;

    /* per-facility occupancy summaries */
    double *occ_peak, *occ_sum;
    int32_t *occ_over;

    /* recorded rows: (days) x (nfacilities + 1) */
    cc_ts_row *rows;

    /* scratch for disease deaths */
    int64_t *ddeaths;
    size_t nddeaths, cddeaths;

    double age0_max;    /* largest age on day 0 of anyone: bounds the death hazard */
    int direct_offense; /* offense class given to direct admissions (no charge) */
    int oom; /* an allocation failed inside an event: reported by step */
};

/* The policy hook (step 1 of a day). A no-op in sim.c until the policy
 * module provides it; returns 0 or nonzero on a model error. */
int cc_policy_apply(cc_sim *sim, int32_t day, cc_diag *diag);

/* ---- person operations (justice.c) ------------------------------------ */

/* Days detained in the current case up to `day`. */
int32_t cc_sim_time_served(const cc_sim *sim, int32_t p, int32_t day);

/* Put an event in the calendar for p (replacing any pending one). */
void cc_sim_schedule(cc_sim *sim, int32_t p, int32_t day, unsigned type);
/* Cancel p's pending event. */
void cc_sim_cancel(cc_sim *sim, int32_t p);

/* Change the justice state of p (counts and time served kept). */
void cc_sim_set_state(cc_sim *sim, int32_t p, cc_state st, int32_t day);

/* Admit p (not in custody) to facility f in state st; from_community says
 * whether they arrive from outside (infection at the community prevalence).
 * Their child comes along where the facility allows children. Returns 0 or
 * -1 (out of memory). */
int cc_sim_admit_to(cc_sim *sim, int32_t p, int f, cc_state st, int32_t day, bool from_community);

/* Admit p to a facility of `type` chosen by intake share; returns the
 * facility or -1 when none is eligible (p untouched then). */
int cc_sim_admit(cc_sim *sim, int32_t p, cc_facility_type type, cc_state st, int32_t day,
                 uint32_t placement_seq);

/* Take p out of custody without changing their state (child leaves too). */
void cc_sim_leave_custody(cc_sim *sim, int32_t p, int32_t day, cc_leave_reason why);

/* Release p to the community now: cancels the pending event, state
 * released, re-arrest scheduled. Works for detained and bailed people. */
void cc_sim_release_person(cc_sim *sim, int32_t p, int32_t day);

/* Move p (in custody) to facility f, keeping their state. Returns 0 or -1. */
int cc_sim_move_person(cc_sim *sim, int32_t p, int f, int32_t day);

/* Death of p (in custody); disease: cause is the disease. */
void cc_sim_kill(cc_sim *sim, int32_t p, int32_t day, bool disease);

/* ---- the justice pipeline (justice.c) --------------------------------- */

int cc_justice_initial(cc_sim *sim, cc_diag *diag);
void cc_justice_event(cc_sim *sim, cc_event e, int32_t day);
void cc_justice_arrests(cc_sim *sim, int32_t day);
void cc_justice_transfers(cc_sim *sim, int32_t day);
void cc_justice_deaths(cc_sim *sim, int32_t day);

#endif
