/* facility.h - facilities, their cells and who is where.
 *
 * Each facility keeps the adults present in a member array (O(1) add and
 * swap-remove, each person remembering their position), counts by justice
 * state, the children present, and its cells. A cell's design capacity is the
 * facility's capacity of the day divided evenly by its number of cells.
 *
 * Cells are kept ordered by occupancy in "count buckets": order[] lists the
 * cells by increasing number of occupants and bound[k] is the number of cells
 * with fewer than k occupants, so the least crowded cell is order[0] and a
 * person entering or leaving a cell moves it between adjacent buckets with
 * one swap: O(1) per placement (cells of one facility share one design
 * capacity, so fewest occupants = least crowded).
 *
 * Intake: a new detainee of a facility type and sex goes to one of the
 * eligible facilities (type, sex rule, open, not closed by a policy) with
 * probability proportional to its intake share of the day; if every eligible
 * share is zero, uniformly among them.
 *
 * Invariants (checked by cc_facilities_check in debug builds): the state
 * counts of a facility add up to its member count; its cells' member counts
 * add up to it; every member's recorded facility, cell and positions point
 * back at it.
 */
#ifndef CARCER_FACILITY_H
#define CARCER_FACILITY_H

#include <stdbool.h>
#include <stdint.h>

#include "people.h"
#include "scenario.h"

typedef struct cc_cell {
    int32_t *m; /* adults in the cell */
    int32_t n, cap;
} cc_cell;

typedef struct cc_fac_state {
    int32_t *members; /* adults present */
    int32_t n, cap;
    int64_t state_n[CC_ST_COUNT];
    int64_t children;
    int32_t ncells;
    cc_cell *cells;
    int32_t *order, *opos; /* cells by increasing occupancy and their positions */
    int32_t *bound;        /* bound[k] = cells with fewer than k occupants */
    int32_t nbound;
    double capacity;       /* today's capacity: schedule + capacity_extra */
    double capacity_extra; /* added (or removed, < 0) by policies */
    bool closed;           /* closed by a policy: takes no admissions */
    /* today's flows (reset at the start of each day) */
    int64_t admissions, releases, deaths_other, deaths_disease;
} cc_fac_state;

/* Intake groups: facility type x sex of the person. */
#define CC_INTAKE_GROUPS 6
typedef struct cc_intake {
    int n;
    int *fac;     /* candidate facilities (type and sex rule match) */
    double *cum;  /* cumulative weights of the day, 0 for ineligible */
} cc_intake;

typedef struct cc_facilities {
    int n;
    cc_fac_state *f;
    cc_intake intake[CC_INTAKE_GROUPS];
} cc_facilities;

int cc_facilities_init(cc_facilities *F, const cc_scenario *s);
void cc_facilities_free(cc_facilities *F);

/* dst = a copy of src. Returns 0 or -1 (out of memory; then free dst with
 * cc_facilities_free). */
int cc_facilities_clone(cc_facilities *dst, const cc_facilities *src);

/* Reset the flows of the day (admissions, releases, deaths). */
void cc_facilities_reset_flows(cc_facilities *F);
/* Capacities and intake weights of the day (after policies; a policy that
 * changes capacity or closes a facility may call it again). */
void cc_facilities_begin_day(cc_facilities *F, const cc_scenario *s, int32_t day);

/* An eligible facility of the type for a person of the sex, chosen with the
 * uniform u in [0,1); -1 when none is eligible. */
int cc_facilities_pick(const cc_facilities *F, cc_facility_type type, bool female, double u);

/* Does facility f take a person of this sex (rule only)? */
bool cc_facility_admits_sex(const cc_scenario *s, int f, bool female);

/* The cell a newcomer goes to (u: a uniform for random fill). */
int32_t cc_facility_pick_cell(const cc_fac_state *fs, cc_cell_fill fill, double u);

/* Put adult p into cell `cell` of facility f / take them out (state counts
 * and positions updated; the person's facility field is set/cleared).
 * Return 0 or -1 when out of memory (then nothing changed). */
int cc_facility_add(cc_facilities *F, cc_people_store *P, int f, int32_t cell, int32_t p);
void cc_facility_remove(cc_facilities *F, cc_people_store *P, int32_t p);

/* Occupancy of facility f today (population / capacity; 0 when the capacity
 * is 0 and nobody is there, +inf-like large value when people are held
 * without capacity). */
double cc_facility_occupancy(const cc_fac_state *fs);

/* Debug-build consistency check; returns 0 when every invariant holds. */
int cc_facilities_check(const cc_facilities *F, const cc_people_store *P);

#endif
