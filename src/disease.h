/* disease.h - infection in cells: the interface the simulation calls.
 *
 * The disease module keeps its own view of who is in which cell (by disease
 * state and susceptibility class) so that the justice engine only has to
 * tell it when a person enters or leaves a cell. It owns the staff agents,
 * the health measures (quarantine and isolation cells, testing, vaccination)
 * and the per-facility disease counts. A scenario without `disease:` creates
 * no cc_disease; every call below accepts NULL and then does nothing.
 *
 * Transmission (docs/disease.md), for a susceptible in cell c of
 * facility f:
 *   force = beta_cell * I_c / (C_c^(1-g) * N_c^g) + beta_facility * I_f / N_f
 *         + beta_staff * I_staff_f / N_f
 *   p(infection today) = 1 - exp(-susceptibility * force)
 * computed from the infectious present at the start of the day.
 */
#ifndef CARCER_DISEASE_H
#define CARCER_DISEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "metrics.h"
#include "rng.h"
#include "scenario.h"

typedef struct cc_disease cc_disease;
struct cc_health_lever; /* disease_spec.h */

/* Disease columns of one facility on one day (timeseries.csv). */
typedef struct cc_disease_counts {
    int64_t new_infections, active_infections, hospitalised, deaths_disease;
} cc_disease_counts;

/* Create the disease state of one replicate; *out = NULL when the scenario
 * has no disease. Returns 0 or nonzero (diag filled). */
int cc_disease_create(const cc_scenario *s, uint64_t seed, uint32_t replicate, cc_diag *diag,
                      cc_disease **out);
void cc_disease_free(cc_disease *d);

/* A copy of the state, reading the scenario `s` from now on (whose disease
 * block must equal the one src was created with). Returns 0, or -1 when out
 * of memory. */
int cc_disease_clone(const cc_disease *src, const cc_scenario *s, cc_disease **out);

/* Person `person` (a dense id) enters cell `cell` of facility `facility` on
 * `day`. `who` names the person's random streams (w0, w1 of its stream id)
 * so draws are common across scenarios. `from_community`: the person arrives
 * from outside and is infected with the community prevalence of the day
 * (and goes through intake quarantine and testing, if active, where it is
 * detained: in the first facility that is not police custody, so a person
 * moved on from a police lock-up is quarantined in the prison). `initial`: part of
 * the population present on day 0. `age`: the person's age on day 0 of the
 * run (years; severity and priority use the age of the day). */
void cc_disease_enter(cc_disease *d, int64_t person, cc_stream_id who, int facility, int cell,
                      int32_t day, bool from_community, bool initial, double age, bool risk,
                      bool child);

/* Person leaves their cell: released to the community (spillover counted if
 * infectious), dead, or moving (a transfer: cc_disease_enter follows, and
 * the infection goes with them). */
typedef enum cc_leave_reason { CC_LEAVE_RELEASED, CC_LEAVE_DIED, CC_LEAVE_MOVING } cc_leave_reason;
void cc_disease_leave(cc_disease *d, int64_t person, int facility, int32_t day,
                      cc_leave_reason why);

/* The day from which the module will follow detainees one by one, or -1
 * when it does already (disease.c, "Tracking from a day"). Until then
 * entries and exits are only counted. At the start of the first step on
 * or after that day (before anything else of the day) the engine calls
 * cc_disease_track_begin, then cc_disease_catch_up for every person in
 * custody, children included, in increasing person order. */
int32_t cc_disease_track_day(const cc_disease *d);
/* Follow detainees one by one from `day` at the latest (a policy may set a
 * measure then). Before anyone entered, day 0 means from the start. */
void cc_disease_track_by(cc_disease *d, int32_t day);
void cc_disease_track_begin(cc_disease *d);
void cc_disease_catch_up(cc_disease *d, int64_t person, cc_stream_id who, int facility, int cell,
                         int32_t day, double age, bool risk, bool child);

/* Room for persons 0 .. persons-1 (the engine's reservation), so that
 * records need not be regrown as people arrive. Returns 0 or -1 (out of
 * memory); NULL d does nothing. */
int cc_disease_reserve(cc_disease *d, int64_t persons);

/* Ask the memory system for the person's record ahead of an event that may
 * enter or leave them (the engine knows a day's people in advance). No
 * effect on the state; NULL d does nothing. */
void cc_disease_prefetch(const cc_disease *d, int64_t person);

/* Transmission (from the state at the start of the day) then progression.
 * Persons who die of the disease today are appended to *deaths (a growable
 * array the caller owns; *ndeaths and *cap updated); the caller removes them
 * from custody and calls cc_disease_leave(..., CC_LEAVE_DIED). */
int cc_disease_step(cc_disease *d, int32_t day, int64_t **deaths, size_t *ndeaths, size_t *cap);

/* Today's disease counts of a facility (or the system when facility = -1). */
void cc_disease_counts_get(const cc_disease *d, int facility, cc_disease_counts *out);

/* Infect a present susceptible person now (entering the pathogen's entry
 * state), as a seeding from outside: counted in infections.imported, not as
 * an infection in custody. For tests and embedding code; returns 0, or -1
 * if the person is absent or not susceptible. */
int cc_disease_infect(cc_disease *d, int64_t person, int32_t day);

/* Health measures set by policies (disease_spec.h, cc_health_lever). With
 * on = true, every measure that h gives replaces the disease block's
 * measure of the same name from now on, whatever the block's dates (a
 * later call wins on the same measure); with on = false, those measures
 * return to the block's. What people are already in (a quarantine stay,
 * an isolation, a vaccination) runs its course. The change takes effect
 * from the next entry or step; periodic tests are staggered afresh and the
 * vaccination queues reordered only when the testing interval or the
 * vaccination priority in force changes, with draws from each person's
 * own streams. NULL d does nothing. */
void cc_disease_set_health(cc_disease *d, const struct cc_health_lever *h, bool on);
/* Every measure back to the disease block's (no policy in force). */
void cc_disease_clear_health(cc_disease *d);

/* The beta_cell in use (given, or converted from r0_at_capacity). */
double cc_disease_beta_cell_used(const cc_disease *d);

/* infections, deaths, spillover, attack rates ... appended to m. */
int cc_disease_metrics(const cc_disease *d, cc_metrics *m);

#endif
