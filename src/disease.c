/* disease.c - infection in cells: transmission, progression, health measures
 * and outcomes (the interface is disease.h; the model and its user
 * documentation are docs/disease.md).
 *
 * Agents. Every detainee (and accompanying child) the engine tells us about
 * and every staff member is an agent with a pathogen state, a
 * susceptibility class (0 unvaccinated, 1 vaccinated) and a place: a cell
 * of a facility. Agent index = staff first (nstaff of them), then
 * nstaff + the engine's dense person id, each a 64-byte record (dagent).
 *
 * Cells. Facility f owns cells base..base+ncells-1 (the engine's cells) and
 * three virtual ones: quarantine, isolation and the staff room. Each cell
 * keeps the number present, the number present in each infectious state,
 * and the list of its susceptibles by class with O(1) swap-remove (each
 * agent remembers its position). The facility keeps, for the facility-wide
 * term, the number of susceptibles of each class in its general cells (the
 * engine's) and a Fenwick tree of them over those cells, which picks one
 * uniformly in O(log cells): a cell with the probability of its share, then
 * a member of its list. (A facility-wide list would cost a second
 * swap-remove, and a second agent record touched at random, at every entry
 * and exit, for draws made only while an epidemic runs.)
 *
 * Transmission on day t, from the state at the start of the day (the forces
 * are computed for every cell and facility before anyone is infected):
 *   cell term      beta_cell * I_c / (C_c^(1-g) * N_c^g)
 *   facility term  (beta_facility * I_f + beta_staff * I_staff_f) / N_f
 * Because P(escape) = exp(-s F_fac) * exp(-s F_cell), the two terms are
 * drawn as independent stages: first k ~ Binomial(S_f,class, 1-exp(-s F_fac))
 * victims chosen uniformly from the facility's susceptibles of the class,
 * then, in every cell with infectious people, k ~ Binomial(S_c,class,
 * 1-exp(-s F_cell)) among those left. Work follows the cells with
 * infectious people (the `active` list) and the infections, not the
 * susceptibles. Staff are infected by detainees (beta_staff * I_f / N_f)
 * and by the community at a daily hazard prevalence / infected_days (the
 * incidence of a community in which infections last infected_days).
 * Symptomatic staff stay at home and do not transmit.
 *
 * Progression: each infected agent has one pending progression event in a
 * day-bucket calendar; stale events are recognised by a sequence number.
 * Durations are rounded stochastically (floor(x) + Bernoulli(frac x)) so the
 * mean time in a state is the distribution's mean.
 *
 * Random streams (rng.h): per-person draws use the person's (w0, w1) with
 * purpose CC_RP_DISEASE and the person's transition count as sequence, or
 * CC_RP_INFECTION / CC_RP_HEALTH with the day; cell draws are keyed by
 * (CC_RK_CELL, facility, cell, day); facility draws by (CC_RK_FACILITY,
 * facility, day). So common random numbers hold for everything a policy
 * does not touch.
 *
 * Measures. The measure in force is the one a policy set
 * (cc_disease_set_health: plain values in the struct), else the block's
 * within its dates; small lookups (quarantine_days, testing_on,
 * masks_factor, ...) say which, so the day's code does not care. Periodic
 * tests are chains of events, one per person (the agent's tnext names the
 * live one); when the interval in force changes, health_sync gives everyone
 * held a new chain, staggered by a draw of their own stream keyed by the
 * day, so no other draw moves.
 *
 * Dormant mode. Until the first day an infection can exist in custody
 * (wake_day: the first day with community or staff-community prevalence
 * > 0, or of an introduction; day 0 when initial or intake states are
 * given), every agent is susceptible, so the susceptible lists, Fenwick
 * trees, infectious counts and the facilities' general-cell counts would
 * serve no draw: nothing reads them before the first infection. While
 * dormant, contrib() keeps only what is read in the meantime: each
 * agent's place (and flags: vaccination class, quarantine), the head count
 * of the virtual rooms (quarantine and isolation capacity checks) and the
 * detainees by facility and state (the prevalence denominators); the
 * measures keep working (quarantine moves places, tests read states,
 * vaccination flips the class), and introduction and transmission, which
 * could find no one infectious, are skipped. wake() then builds all the
 * rest in one pass over the agents, on the first entry or step of a day
 * >= wake_day (before that day's entries can be infected and before its
 * transmission), or at once when any agent leaves the susceptible state (a
 * safety net: cc_disease_infect, or a source not foreseen). It is exact:
 * every count equals what incremental upkeep would give, and the draws are
 * the same except where they pick from a list whose order the rebuild
 * changed (agent order instead of arrival order). In the default scenario
 * this skips the upkeep of 2017 to 20 Feb 2021.
 *
 * Tracking from a day. Before track_day (the wake day, or the first day of
 * a quarantine, testing or vaccination measure if earlier: the measures
 * that act on susceptible people and keep state about them) nobody can be
 * infected and no measure touches anyone, so a detainee's record would
 * only say where they are. Until then (`untracked`) entries and exits only
 * count: the entries for the attack rates, the detainees by facility for
 * the prevalence denominators; no agent record is touched. On track_day
 * the engine hands over everyone in custody (cc_disease_track_begin, then
 * cc_disease_catch_up for each, in person order) as if they had entered
 * that day without intake. Nothing of a record depends on the day it was
 * made (ages are kept as on day 0, vaccination queues are built when the
 * campaign starts), so the run is the same as one that followed
 * everyone from day 0: tests/test_disease_e2e.c checks this row for row.
 * When track_day is 0 (an infection possible from the start, or no source
 * at all, so that only cc_disease_infect can seed one) everything is
 * followed from the start.
 */
#include "disease.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disease_spec.h"
#include "dist.h"
#include "pathogen.h"
#include "util.h"

#define NCLASS 2
#define NVIRTUAL 3 /* quarantine, isolation, staff room */
#define MAX_INF CC_PATH_MAX_STATES

enum { CK_GENERAL, CK_QUARANTINE, CK_ISOLATION, CK_STAFF };

/* agent flags */
enum {
    AF_SEEN = 1u << 0,
    AF_PRESENT = 1u << 1,
    AF_VACC = 1u << 2,
    AF_QUAR = 1u << 3,
    AF_ISO = 1u << 4,
    AF_CHILD = 1u << 5,
    AF_RISK = 1u << 6,
    AF_STAFF = 1u << 7,
    AF_QUEUED = 1u << 9, /* in a vaccination queue (vq_build) */
    AF_FRESH = 1u << 8 /* arrived from the community into police custody: the
                        * next facility is the intake (quarantine, test) */
};

/* calendar event kinds (top 4 bits of the tag) */
enum { EV_PROG, EV_QEND, EV_TEST, EV_RESULT, EV_VWANE };
#define EV_SEQ_MASK 0x0FFFFFFFu

typedef struct event {
    int32_t agent;
    uint32_t tag;
} event;

typedef struct bucket {
    event *e;
    size_t n, cap;
} bucket;

typedef struct dcell {
    int32_t n;        /* present */
    int32_t ninf;     /* present in infectious states */
    int32_t active;   /* index in the active list, -1 if not there */
    int32_t fac;
    int32_t nsus[NCLASS];
    size_t capsus[NCLASS];
    int32_t *sus[NCLASS];
    double cap;       /* design capacity */
    uint8_t kind;
} dcell;

typedef struct dfac {
    int32_t base, ncells;
    int32_t n;        /* present in general cells */
    int32_t nsus[NCLASS];  /* susceptibles in general cells */
    int32_t *fen[NCLASS];  /* Fenwick trees of the cells' nsus (1-based, ncells) */
    int32_t staff0, nstaff;
    /* detainee counts (children included, staff not) */
    int64_t active_infections, hospitalised, new_today, deaths_today;
    /* for the attack rates: infections acquired here and people who came
     * in, adults and children apart; staff infections (over nstaff) */
    int64_t infections, entries, child_infections, child_entries, staff_infections;
} dfac;

/* An agent's fields, together: entering, leaving, infection and
 * progression each read and write most of them for one agent picked at
 * random among up to millions, so one record (one cache line: the array is
 * aligned to 64 bytes and the record padded to 64) costs one cache miss
 * where an array per field cost one per field. */
typedef struct dagent {
    int32_t fac_of; /* facility */
    int32_t home;   /* the engine's cell within the facility */
    int32_t place;  /* the cell (general or virtual) the agent counts in, -1 when none */
    int32_t pos;    /* position in the place's susceptible list of its class */
    int32_t qend;   /* the day the quarantine ends */
    int32_t tnext;  /* the day of the next periodic test: a periodic test
                     * event of another day is stale (a chain superseded
                     * by a transfer or by a change of the testing) */
    float age;      /* on day 0 of the run (staff: a fixed age) */
    uint32_t w0, w1; /* identity of the agent's streams */
    uint32_t pseq;   /* sequence of the pending progression event */
    uint32_t nsteps; /* transitions drawn (sequence of CC_RP_DISEASE draws) */
    uint16_t flags;  /* AF_* */
    uint8_t state;   /* pathogen state */
    uint8_t pad_[64 - 11 * 4 - 3];
} dagent;
#define AGENT_ALIGN 64
_Static_assert(sizeof(dagent) == AGENT_ALIGN, "an agent record is one cache line");

/* age bands of the death tables in the metrics */
static const double death_band_lo[] = {0, 18, 30, 50, 65};
static const char *const death_band_name[] = {"0-17", "18-29", "30-49", "50-64", "65+"};
#define NDEATH_BANDS 5

struct cc_disease {
    const cc_scenario *s;
    const cc_disease_spec *spec;
    const cc_pathogen *pg;
    uint64_t seed;
    uint32_t replicate;
    gsl_rng *r;
    double beta_cell;
    int ninf_states;
    int inf_index[CC_PATH_MAX_STATES]; /* state -> infectious index or -1 */
    double inf_weight[MAX_INF];        /* infectiousness of infectious index k */
    bool inf_symptomatic[MAX_INF];

    /* cells and facilities */
    int nfac;
    dfac *fac;
    int32_t ncells;
    dcell *cell;
    int32_t *cell_ninf; /* ncells x ninf_states */
    int32_t *active;
    int32_t nactive;

    /* agents */
    int32_t nstaff;
    size_t nagents, capagents;
    dagent *ag;    /* the records, AGENT_ALIGN-aligned inside ag_raw */
    char *ag_raw;  /* the allocation */
    size_t ag_off; /* ag - ag_raw */

    /* calendar */
    int32_t ndays;
    bucket *cal;

    /* vaccination queues by group (see vq_build; lazy: stale entries
     * skipped): each
     * agent in the queue of the first group of vq_prio it belongs to;
     * kept while vq_on (a vaccination in the block, or one set by a
     * policy since) */
    int32_t *vq[CC_VG_COUNT];
    size_t vqn[CC_VG_COUNT], vqcap[CC_VG_COUNT], vqhead[CC_VG_COUNT];
    bool vq_built; /* see vq_build */
    double dose_carry;
    bool vq_on;
    int vq_nprio;
    cc_vgroup vq_prio[CC_VG_COUNT];
    double vacc_eff_infection, vacc_eff_severe; /* the vaccine of the scenario */

    /* health measures set by policies (cc_disease_set_health): hl.set
     * says which measures replace the block's. What the measures in force
     * imply for the agents (periodic test chains, vaccination queues,
     * room capacities) is brought in line by health_sync() at the next
     * entry or step, against the values it last applied (*_applied), so
     * that resetting and re-setting the same measures changes nothing.
     * Plain values: a copy of the struct is a copy of this state. */
    cc_health_lever hl;
    bool hl_dirty;
    bool test_src_applied;      /* periodic testing from a policy */
    int32_t test_every_applied; /* its interval, 0 = none */
    double qcap_applied, icap_applied;

    /* scratch for the day's forces */
    int32_t *snap_cell;
    double *snap_force;
    size_t snapcap;
    double *fac_I, *fac_Fs, *fac_Ff; /* per facility: I_f, staff force, facility force */

    /* the measures an entry on day entry_day meets (schedules looked up once
     * a day, not at each of the day's entries) */
    int32_t entry_day;
    double entry_qdays;  /* intake quarantine days, 0 outside its window */
    int entry_qtests;    /* tests during it */
    double entry_prev;   /* community prevalence */

    int oom;
    bool dormant;     /* see "Dormant mode" above */
    int32_t wake_day; /* first day an infection can exist in custody */
    bool untracked;    /* see "Tracking from a day" above */
    int32_t track_day; /* first day detainees are followed one by one */
    bool counted;      /* an entry was counted while untracked */
    int64_t reserve_persons; /* cc_disease_reserve while untracked, made at track_day */
    int32_t today;
    int64_t **deaths;
    size_t *ndeaths, *capdeaths;

    /* outcomes */
    int64_t inf_detainees, inf_staff, inf_children, imported;
    int64_t deaths_total, deaths_staff, deaths_by_band[NDEATH_BANDS], deaths_by_risk[2];
    int64_t spillover_released, hosp_days;
    /* detainees present by facility and pathogen state (nfac x nstates),
     * and their sums over the prisons' days, for the prevalence metrics */
    int32_t *fac_state;
    double *prison_state_days;
    double prison_days;
    int64_t quarantine_overflow, isolation_overflow, tests, positives, doses;
};

/* ---- small helpers -------------------------------------------------------- */

/* value of a schedule on `day` (the same rule as cc_schedule_at in
 * scenario.h: entries before the first date take the first value) */
static double sched(const cc_schedule *sc, int32_t day)
{
    return sc ? cc_schedule_at(sc, day) : 0; /* binary search; 0 when empty */
}

static bool window_on(const cc_measure_window *w, int32_t day)
{
    return w->on && day >= w->from && day < w->until;
}

static bool is_staff(const cc_disease *d, int32_t a) { return a < d->nstaff; }

/* ---- the measures in force: a policy's (cc_disease_set_health), else the
 * block's within its dates ----------------------------------------------- */

static bool by_policy(const cc_disease *d, cc_measure m) { return (d->hl.set >> m) & 1u; }

/* intake quarantine days and tests for an arrival on `day` (0 days: none) */
static double quarantine_days(const cc_disease *d, int32_t day)
{
    const cc_disease_spec *sp = d->spec;
    if (by_policy(d, CC_M_QUARANTINE))
        return d->hl.quarantine.days_given ? d->hl.quarantine.days
                                           : sched(&sp->quarantine.days, day);
    return window_on(&sp->quarantine.w, day) ? sched(&sp->quarantine.days, day) : 0;
}

static int quarantine_tests(const cc_disease *d, int32_t day)
{
    if (by_policy(d, CC_M_QUARANTINE) && d->hl.quarantine.tests_given)
        return (int)d->hl.quarantine.tests;
    return (int)sched(&d->spec->quarantine.tests, day);
}

static double quarantine_capacity(const cc_disease *d)
{
    return by_policy(d, CC_M_QUARANTINE) ? d->hl.quarantine.capacity
                                         : d->spec->quarantine.capacity;
}

/* testing: whether tests are done today, and how */
static bool testing_on(const cc_disease *d, int32_t day)
{
    return by_policy(d, CC_M_TESTING) || window_on(&d->spec->testing.w, day);
}

static bool testing_at_intake(const cc_disease *d)
{
    return by_policy(d, CC_M_TESTING) ? d->hl.testing.at_intake : d->spec->testing.at_intake;
}

/* the periodic interval of the testing that could run (0: none) */
static int32_t testing_every(const cc_disease *d)
{
    if (by_policy(d, CC_M_TESTING))
        return d->hl.testing.every_days;
    return d->spec->testing.w.on ? d->spec->testing.every_days : 0;
}

static double testing_sensitivity(const cc_disease *d)
{
    return by_policy(d, CC_M_TESTING) ? d->hl.testing.sensitivity : d->spec->testing.sensitivity;
}

static int32_t testing_delay(const cc_disease *d)
{
    return by_policy(d, CC_M_TESTING) ? d->hl.testing.delay_days : d->spec->testing.delay_days;
}

static bool isolating_symptomatic(const cc_disease *d, int32_t day)
{
    if (by_policy(d, CC_M_ISOLATION))
        return d->hl.isolation.symptomatic;
    return d->spec->isolation.symptomatic && window_on(&d->spec->isolation.w, day);
}

static double isolation_capacity(const cc_disease *d)
{
    return by_policy(d, CC_M_ISOLATION) ? d->hl.isolation.capacity : d->spec->isolation.capacity;
}

static bool vaccinating(const cc_disease *d, int32_t day)
{
    return by_policy(d, CC_M_VACCINATION) || window_on(&d->spec->vaccination.w, day);
}

static double doses_per_day(const cc_disease *d, int32_t day)
{
    if (by_policy(d, CC_M_VACCINATION) && d->hl.vaccination.doses_given)
        return d->hl.vaccination.doses_per_day;
    return sched(&d->spec->vaccination.doses_per_day, day);
}

/* the priority in force: a policy's, else the block's */
static void vaccination_priority(const cc_disease *d, int *n, const cc_vgroup **prio)
{
    bool pol = by_policy(d, CC_M_VACCINATION);
    *n = pol ? d->hl.vaccination.npriority : d->spec->vaccination.npriority;
    *prio = pol ? d->hl.vaccination.priority : d->spec->vaccination.priority;
}

static double masks_factor(const cc_disease *d, int32_t day)
{
    if (by_policy(d, CC_M_MASKS))
        return d->hl.masks;
    return window_on(&d->spec->masks.w, day) ? d->spec->masks.factor : 1;
}

static double ventilation_factor(const cc_disease *d, int32_t day)
{
    if (by_policy(d, CC_M_VENTILATION))
        return d->hl.ventilation;
    return window_on(&d->spec->ventilation.w, day) ? d->spec->ventilation.factor : 1;
}

static void seek_agent(cc_disease *d, int32_t a, uint32_t purpose, uint32_t seq)
{
    cc_stream_id id = {d->ag[a].w0, d->ag[a].w1, (purpose << 24) | (seq & 0xFFFFFFu)};
    cc_rng_seek(d->r, d->seed, d->replicate, id);
}

static int grow_list(int32_t **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    return cc_grow((void **)p, cap, need, sizeof **p);
}

/* ---- calendar ------------------------------------------------------------- */

static void schedule(cc_disease *d, int32_t a, int32_t day, unsigned kind, uint32_t seq)
{
    if (day < 0 || day >= d->ndays)
        return; /* beyond the horizon: never happens within the run */
    bucket *b = &d->cal[day];
    if (b->n == b->cap && cc_grow((void **)&b->e, &b->cap, b->n + 1, sizeof *b->e)) {
        d->oom = 1;
        return;
    }
    b->e[b->n++] = (event){a, ((uint32_t)kind << 28) | (seq & EV_SEQ_MASK)};
}

/* ---- membership ----------------------------------------------------------- */

static int32_t cls(const cc_disease *d, int32_t a) { return (d->ag[a].flags & AF_VACC) ? 1 : 0; }

static void active_set(cc_disease *d, int32_t g, bool on)
{
    dcell *c = &d->cell[g];
    if (on && c->active < 0) {
        c->active = d->nactive;
        d->active[d->nactive++] = g;
    } else if (!on && c->active >= 0) {
        int32_t last = d->active[--d->nactive];
        d->active[c->active] = last;
        d->cell[last].active = c->active;
        c->active = -1;
    }
}

/* Fenwick tree t[1..n] of counts: add v to the count of item i (0-based). */
static void fen_add(int32_t *t, int32_t n, int32_t i, int32_t v)
{
    for (uint32_t x = (uint32_t)i + 1; x <= (uint32_t)n; x += x & (0u - x))
        t[x] += v;
}

/* The item (0-based) holding the j-th unit (0-based) of the counts in t, and
 * *j set to the unit's rank within the item: a descent from the largest
 * power of two not above n (Fenwick, "A new data structure for cumulative
 * frequency tables", 1994). Requires j < the total. */
static int32_t fen_find(const int32_t *t, int32_t n, int32_t *j)
{
    uint32_t pos = 0, step = 1;
    while (step * 2 <= (uint32_t)n)
        step *= 2;
    for (; step > 0; step /= 2)
        if (pos + step <= (uint32_t)n && t[pos + step] <= *j) {
            pos += step;
            *j -= t[pos];
        }
    return (int32_t)pos;
}

/* The j-th (0-based) susceptible of class k in facility f's general cells. */
static int32_t facility_susceptible(const cc_disease *d, const dfac *f, int k, int32_t j)
{
    int32_t c = fen_find(f->fen[k], f->ncells, &j);
    return d->cell[f->base + c].sus[k][j];
}

/* Add (sign +1) or remove (-1) agent a's contribution to its place: counts,
 * susceptible lists, infectious counts, the facility's detainee counters. */
static void contrib(cc_disease *d, int32_t a, int sign)
{
    int32_t g = d->ag[a].place;
    if (g < 0)
        return;
    if (d->dormant) {
        /* all susceptible: only the rooms' head counts and the detainees
         * by facility and state are read before wake() */
        int32_t fa = d->ag[a].fac_of;
        if (g >= d->fac[fa].base + d->fac[fa].ncells)
            d->cell[g].n += sign;
        if (!is_staff(d, a))
            d->fac_state[(size_t)fa * (size_t)d->pg->nstates + d->ag[a].state] += sign;
        return;
    }
    dcell *c = &d->cell[g];
    dfac *f = &d->fac[c->fac];
    bool general = c->kind == CK_GENERAL;
    const cc_pstate *st = &d->pg->state[d->ag[a].state];
    c->n += sign;
    if (general)
        f->n += sign;
    if (st->kind == CC_PS_SUSCEPTIBLE) {
        int32_t k = cls(d, a);
        if (sign > 0) {
            if (grow_list(&c->sus[k], &c->capsus[k], (size_t)c->nsus[k] + 1)) {
                d->oom = 1;
                c->n -= sign;
                if (general)
                    f->n -= sign;
                d->ag[a].place = -1;
                return;
            }
            d->ag[a].pos = c->nsus[k];
            c->sus[k][c->nsus[k]++] = a;
        } else {
            int32_t last = c->sus[k][--c->nsus[k]];
            c->sus[k][d->ag[a].pos] = last;
            d->ag[last].pos = d->ag[a].pos;
        }
        if (general) {
            f->nsus[k] += sign;
            fen_add(f->fen[k], f->ncells, g - f->base, sign);
        }
    }
    int k = d->inf_index[d->ag[a].state];
    if (k >= 0) {
        d->cell_ninf[(size_t)g * (size_t)d->ninf_states + (size_t)k] += sign;
        c->ninf += sign;
        active_set(d, g, c->ninf > 0);
    }
    if (!is_staff(d, a)) {
        d->fac_state[(size_t)c->fac * (size_t)d->pg->nstates + d->ag[a].state] += sign;
        if (st->kind == CC_PS_INFECTED)
            f->active_infections += sign;
        if (st->hospital)
            f->hospitalised += sign;
    }
}

/* Leave the dormant mode: the per-cell and per-facility upkeep of every
 * present agent, built in one pass from the places (the lists in agent
 * order). The counts kept while dormant are rebuilt with the rest. */
static void wake(cc_disease *d)
{
    if (!d->dormant)
        return;
    d->dormant = false;
    for (int32_t g = 0; g < d->ncells; g++)
        d->cell[g].n = 0;
    memset(d->fac_state, 0, (size_t)d->nfac * (size_t)d->pg->nstates * sizeof *d->fac_state);
    for (size_t a = 0; a < d->nagents; a++)
        if ((d->ag[a].flags & AF_PRESENT) && d->ag[a].place >= 0)
            contrib(d, (int32_t)a, +1);
}

static void move_to(cc_disease *d, int32_t a, int32_t g)
{
    contrib(d, a, -1);
    d->ag[a].place = g;
    contrib(d, a, +1);
}

static void set_state(cc_disease *d, int32_t a, int st)
{
    if (d->dormant && st != d->pg->susceptible)
        wake(d); /* an infection: the dormant mode's premise ends */
    contrib(d, a, -1);
    d->ag[a].state = (uint8_t)st;
    contrib(d, a, +1);
}

static int32_t home_cell(const cc_disease *d, int32_t a)
{
    return d->fac[d->ag[a].fac_of].base + d->ag[a].home;
}

static int32_t virtual_cell(const cc_disease *d, int f, int kind)
{
    return d->fac[f].base + d->fac[f].ncells + (kind - CK_QUARANTINE);
}

/* ---- agents --------------------------------------------------------------- */

static int grow_agents(cc_disease *d, size_t need);

/* Room for `need` agents; the test is inline, the growth rare. */
static inline int ensure_agents(cc_disease *d, size_t need)
{
    return need <= d->capagents ? 0 : grow_agents(d, need);
}

static int grow_agents(cc_disease *d, size_t need)
{
    size_t cap = d->capagents ? d->capagents : 1024;
    while (cap < need)
        cap *= 2;
    /* realloc (which can move pages instead of copying them) of a block
     * with room to align the records; if the block's alignment changed,
     * the records move to the new aligned start */
    size_t bytes = cap * sizeof(dagent) + AGENT_ALIGN;
    char *raw = realloc(d->ag_raw, bytes);
    if (!raw)
        return -1;
    size_t off = (AGENT_ALIGN - (size_t)((uintptr_t)raw % AGENT_ALIGN)) % AGENT_ALIGN;
    if (d->capagents && off != d->ag_off)
        memmove(raw + off, raw + d->ag_off, d->capagents * sizeof(dagent));
    d->ag_raw = raw;
    d->ag_off = off;
    d->ag = (dagent *)(void *)(raw + off);
    memset(d->ag + d->capagents, 0, (cap - d->capagents) * sizeof(dagent));
    d->capagents = cap;
    return 0;
}

int cc_disease_reserve(cc_disease *d, int64_t persons)
{
    if (!d || persons <= 0 || persons > (int64_t)INT32_MAX - d->nstaff)
        return 0;
    if (d->untracked) { /* no record is made before track_day */
        d->reserve_persons = persons;
        return 0;
    }
    size_t cap = (size_t)persons + (size_t)d->nstaff;
    if (cap <= d->capagents)
        return 0;
    /* calloc: a block this large is fresh zero pages from the kernel,
     * touched only as agents arrive, where growing by doubling zeroes (and
     * touches) about twice the final size */
    char *raw = calloc(cap * sizeof(dagent) + AGENT_ALIGN, 1);
    if (!raw)
        return -1;
    size_t off = (AGENT_ALIGN - (size_t)((uintptr_t)raw % AGENT_ALIGN)) % AGENT_ALIGN;
    dagent *ag = (dagent *)(void *)(raw + off);
    if (d->capagents)
        memcpy(ag, d->ag, d->capagents * sizeof(dagent));
    free(d->ag_raw);
    d->ag_raw = raw;
    d->ag_off = off;
    d->ag = ag;
    d->capagents = cap;
    return 0;
}

/* The agent's age on the day of the last step (staff: a fixed age). */
static double agent_age(const cc_disease *d, int32_t a)
{
    return d->ag[a].age + (is_staff(d, a) ? 0.0 : d->today / 365.25);
}

/* Vaccination queues. They are built on the first day of a vaccination
 * (or after its priority changes) from the people present then, in agent
 * order; later arrivals join at the end. So the queues do not depend on the
 * day the module began to follow detainees one by one ("Tracking from a
 * day"), and hold no one who left before the campaign. An agent is queued
 * at most once (AF_QUEUED); those who left, died or were vaccinated
 * meanwhile are skipped when they come up. */
static void vqueue_push(cc_disease *d, int32_t a);

static void vq_build(cc_disease *d)
{
    for (int g = 0; g < CC_VG_COUNT; g++)
        d->vqn[g] = d->vqhead[g] = 0;
    d->vq_built = true;
    for (size_t a = 0; a < d->nagents; a++) {
        d->ag[a].flags = (uint16_t)(d->ag[a].flags & ~AF_QUEUED);
        if ((d->ag[a].flags & AF_PRESENT) && !(d->ag[a].flags & AF_VACC) &&
            d->pg->state[d->ag[a].state].kind != CC_PS_DEAD)
            vqueue_push(d, (int32_t)a);
    }
}

static void vqueue_push(cc_disease *d, int32_t a)
{
    if (!d->vq_on || !d->vq_built || (d->ag[a].flags & AF_QUEUED))
        return;
    for (int i = 0; i < d->vq_nprio; i++) {
        cc_vgroup g = d->vq_prio[i];
        bool in = g == CC_VG_ALL || (g == CC_VG_STAFF && is_staff(d, a)) ||
                  (g == CC_VG_RISK && (d->ag[a].flags & AF_RISK)) ||
                  (g == CC_VG_AGE_OVER_50 && !is_staff(d, a) && agent_age(d, a) >= 50);
        if (!in)
            continue;
        if (grow_list(&d->vq[g], &d->vqcap[g], d->vqn[g] + 1)) {
            d->oom = 1;
            return;
        }
        d->vq[g][d->vqn[g]++] = a;
        d->ag[a].flags |= AF_QUEUED;
        return;
    }
}

/* Draw how long agent a stays in its current state and schedule the end;
 * `drawing`: d->r already points into the agent's CC_RP_DISEASE stream of
 * this transition (progress), whose draws continue. */
static void schedule_progression(cc_disease *d, int32_t a, int32_t day, bool drawing);

static void enter_state(cc_disease *d, int32_t a, int st, int32_t day)
{
    set_state(d, a, st);
    schedule_progression(d, a, day, false);
}

static void count_infection(cc_disease *d, int32_t a)
{
    dfac *f = &d->fac[d->ag[a].fac_of];
    if (is_staff(d, a)) {
        d->inf_staff++;
        f->staff_infections++;
        return;
    }
    if (d->ag[a].flags & AF_CHILD) {
        d->inf_children++;
        f->child_infections++;
    } else {
        d->inf_detainees++;
        f->infections++;
    }
    f->new_today++;
}

static void infect(cc_disease *d, int32_t a, int32_t day)
{
    count_infection(d, a);
    enter_state(d, a, d->pg->entry, day);
}

/* ---- isolation and quarantine ---------------------------------------------- */

static double room_capacity(const cc_disease *d, int f, double given)
{
    if (given > 0)
        return given;
    double c = d->cell[d->fac[f].base].cap; /* one cell of the facility */
    return c < 1 ? 1 : ceil(c);
}

static void isolate(cc_disease *d, int32_t a)
{
    if (is_staff(d, a) || !(d->ag[a].flags & AF_PRESENT) || (d->ag[a].flags & AF_ISO))
        return;
    int f = d->ag[a].fac_of;
    int32_t g = virtual_cell(d, f, CK_ISOLATION);
    if (d->cell[g].n >= room_capacity(d, f, isolation_capacity(d))) {
        d->isolation_overflow++;
        return;
    }
    d->ag[a].flags = (uint16_t)((d->ag[a].flags | AF_ISO) & ~AF_QUAR);
    move_to(d, a, g);
}

/* Leave isolation once neither infectious nor symptomatic. */
static void maybe_release_isolation(cc_disease *d, int32_t a)
{
    if (!(d->ag[a].flags & AF_ISO))
        return;
    const cc_pstate *st = &d->pg->state[d->ag[a].state];
    if (st->infectiousness > 0 || st->symptomatic)
        return;
    d->ag[a].flags = (uint16_t)(d->ag[a].flags & ~AF_ISO);
    move_to(d, a, home_cell(d, a));
}

/* ---- progression ---------------------------------------------------------- */

static int pick_next(cc_disease *d, int32_t a, const cc_pstate *st, double u)
{
    double p[CC_PATH_MAX_NEXT], sum = 0;
    int rest = -1;
    bool risk = (d->ag[a].flags & AF_RISK) != 0;
    bool custody = !is_staff(d, a);
    double severe_factor = 1;
    if (d->ag[a].flags & AF_VACC) {
        double vi = d->vacc_eff_infection;
        double vs = d->vacc_eff_severe;
        /* overall protection against severe disease vs = 1 - (1 - vi) x
         * (conditional protection of the infected), so the infected keep
         * (1 - vs) / (1 - vi) of their risk */
        severe_factor = vi < 1 ? (1 - vs) / (1 - vi) : 1;
    }
    for (int k = 0; k < st->nnext; k++) {
        if (st->p[k].rest) {
            rest = k;
            p[k] = 0;
            continue;
        }
        double q = cc_prob_eval(&st->p[k], agent_age(d, a), risk);
        const cc_pstate *to = &d->pg->state[st->to[k]];
        if (to->kind == CC_PS_DEAD || to->hospital)
            q *= severe_factor;
        if (to->kind == CC_PS_DEAD && custody)
            q *= d->spec->care_lacking_fatality_factor;
        p[k] = q > 1 ? 1 : q;
        sum += p[k];
    }
    double scale = 1;
    if (sum > 1 || (rest < 0 && sum > 0))
        scale = 1 / sum; /* renormalise (risk factors, care factor) */
    if (rest >= 0 && sum < 1)
        p[rest] = 1 - sum;
    double acc = 0;
    for (int k = 0; k < st->nnext; k++) {
        acc += p[k] * (k == rest ? 1 : scale);
        if (u < acc)
            return st->to[k];
    }
    return st->to[st->nnext - 1];
}

static void die(cc_disease *d, int32_t a)
{
    if (is_staff(d, a)) {
        /* a staff member who dies is replaced by a susceptible hire */
        d->deaths_staff++;
        set_state(d, a, d->pg->susceptible);
        return;
    }
    d->deaths_total++;
    d->fac[d->ag[a].fac_of].deaths_today++;
    int band = 0;
    double age = agent_age(d, a);
    for (int i = 0; i < NDEATH_BANDS; i++)
        if (age >= death_band_lo[i])
            band = i;
    d->deaths_by_band[band]++;
    d->deaths_by_risk[(d->ag[a].flags & AF_RISK) ? 1 : 0]++;
    if (d->deaths) {
        if (cc_grow((void **)d->deaths, d->capdeaths, *d->ndeaths + 1, sizeof **d->deaths)) {
            d->oom = 1;
            return;
        }
        (*d->deaths)[(*d->ndeaths)++] = (int64_t)a - d->nstaff;
    }
}

static void schedule_progression(cc_disease *d, int32_t a, int32_t day, bool drawing)
{
    /* a chain of zero-day stays is walked at once, drawing on from one
     * stream (one seek per transition: a Philox block holds the choice of
     * the next state, a duration and its rounding); the guard bounds it */
    for (int guard = 0; guard < 64; guard++) {
        const cc_pstate *st = &d->pg->state[d->ag[a].state];
        if (!st->has_duration)
            return; /* susceptible, dead, or recovered for good */
        if (!drawing)
            seek_agent(d, a, CC_RP_DISEASE, d->ag[a].nsteps++);
        drawing = true;
        double x = cc_dist_sample(d->r, &st->duration);
        double fl = floor(x);
        double u = cc_rng_uniform(d->r);
        int64_t days = (int64_t)fl + (u < x - fl ? 1 : 0);
        if (days > 0) {
            d->ag[a].pseq = (d->ag[a].pseq + 1) & EV_SEQ_MASK;
            int64_t when = (int64_t)day + days;
            if (when < d->ndays)
                schedule(d, a, (int32_t)when, EV_PROG, d->ag[a].pseq);
            return;
        }
        /* zero days: leave the state now */
        if (st->kind == CC_PS_RECOVERED) {
            set_state(d, a, d->pg->susceptible);
            return;
        }
        int nx = pick_next(d, a, st, cc_rng_uniform(d->r));
        if (d->pg->state[nx].kind == CC_PS_DEAD) {
            set_state(d, a, nx);
            die(d, a);
            return;
        }
        set_state(d, a, nx);
    }
}

static void progress(cc_disease *d, int32_t a, int32_t day)
{
    const cc_pstate *st = &d->pg->state[d->ag[a].state];
    if (st->kind == CC_PS_RECOVERED) { /* waning */
        set_state(d, a, d->pg->susceptible);
        return;
    }
    if (st->kind != CC_PS_INFECTED)
        return;
    seek_agent(d, a, CC_RP_DISEASE, d->ag[a].nsteps++);
    int nx = pick_next(d, a, st, cc_rng_uniform(d->r));
    const cc_pstate *to = &d->pg->state[nx];
    if (to->kind == CC_PS_DEAD) {
        set_state(d, a, nx);
        die(d, a);
        return;
    }
    set_state(d, a, nx);
    schedule_progression(d, a, day, true);
    to = &d->pg->state[d->ag[a].state];
    if (to->symptomatic && isolating_symptomatic(d, day))
        isolate(d, a);
    maybe_release_isolation(d, a);
}

/* ---- creation -------------------------------------------------------------- */

/* The first day a schedule is > 0 (NaN counts as > 0), INT32_MAX if never. */
static int32_t first_positive(const cc_schedule *sc)
{
    for (int i = 0; i < sc->n; i++)
        if (!(sc->value[i] <= 0))
            return i == 0 ? 0 : sc->from[i]; /* days before the first take value[0] */
    return INT32_MAX;
}

/* The first day an infection can exist in custody (the dormant mode's
 * end): community prevalence (arrivals, and staff unless their own
 * prevalence is given: both are taken), an introduction, or shares of
 * infected states at the start or at intake (day 0). */
static int32_t compute_wake_day(const cc_disease_spec *sp)
{
    if (sp->initial_states.n > 0 || sp->intake_states.n > 0)
        return 0;
    int32_t w = first_positive(&sp->community_prevalence);
    int32_t ws = first_positive(&sp->staff_community_prevalence);
    if (ws < w)
        w = ws;
    for (int i = 0; i < sp->nintro; i++)
        if (sp->intro[i].day < w)
            w = sp->intro[i].day;
    return w < 0 ? 0 : w;
}

static int32_t compute_track_day(const cc_disease_spec *sp, int32_t wake)
{
    if (wake == INT32_MAX)
        return 0; /* no source: infections only seeded by cc_disease_infect */
    int32_t t = wake;
    const cc_measure_window *w[] = {&sp->quarantine.w, &sp->testing.w, &sp->vaccination.w};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        if (w[i]->on && w[i]->from < t)
            t = w[i]->from;
    return t > 0 ? t : 0;
}

int cc_disease_create(const cc_scenario *s, uint64_t seed, uint32_t replicate, cc_diag *diag,
                      cc_disease **out)
{
    *out = NULL;
    if (!s || !s->disease)
        return 0;
    cc_disease *d = calloc(1, sizeof *d);
    if (!d)
        goto oom;
    d->s = s;
    d->spec = s->disease;
    d->pg = s->disease->pathogen;
    d->seed = seed;
    d->replicate = replicate;
    d->entry_day = INT32_MIN;
    /* the block's measures; policies change them (cc_disease_set_health) */
    d->vq_on = s->disease->vaccination.w.on;
    d->vq_nprio = s->disease->vaccination.npriority;
    memcpy(d->vq_prio, s->disease->vaccination.priority, sizeof d->vq_prio);
    if (s->disease->vaccination.w.on) {
        d->vacc_eff_infection = s->disease->vaccination.efficacy_infection;
        d->vacc_eff_severe = s->disease->vaccination.efficacy_severe;
    }
    d->test_every_applied = testing_every(d);
    d->qcap_applied = s->disease->quarantine.capacity;
    d->icap_applied = s->disease->isolation.capacity;
    d->r = cc_rng_alloc();
    if (!d->r)
        goto oom;
    for (int i = 0; i < d->pg->nstates; i++) {
        d->inf_index[i] = -1;
        if (d->pg->state[i].infectiousness > 0) {
            d->inf_index[i] = d->ninf_states;
            d->inf_weight[d->ninf_states] = d->pg->state[i].infectiousness;
            d->inf_symptomatic[d->ninf_states] = d->pg->state[i].symptomatic;
            d->ninf_states++;
        }
    }
    int nstates_inf = d->ninf_states ? d->ninf_states : 1;

    d->nfac = s->nfacilities;
    size_t nf = (size_t)(d->nfac ? d->nfac : 1);
    d->fac = calloc(nf, sizeof *d->fac);
    d->fac_I = calloc(nf, sizeof *d->fac_I);
    d->fac_Fs = calloc(nf, sizeof *d->fac_Fs);
    d->fac_Ff = calloc(nf, sizeof *d->fac_Ff);
    d->fac_state = calloc(nf * (size_t)d->pg->nstates, sizeof *d->fac_state);
    d->prison_state_days = calloc((size_t)d->pg->nstates, sizeof *d->prison_state_days);
    if (!d->fac || !d->fac_I || !d->fac_Fs || !d->fac_Ff || !d->fac_state ||
        !d->prison_state_days)
        goto oom;
    int64_t ncells = 0, nstaff = 0;
    double total_cap = 0, total_cells = 0;
    for (int f = 0; f < d->nfac; f++) {
        const cc_facility *fa = &s->facility[f];
        d->fac[f].base = (int32_t)ncells;
        d->fac[f].ncells = fa->cells > 0 ? fa->cells : 1;
        d->fac[f].staff0 = (int32_t)nstaff;
        d->fac[f].nstaff = fa->staff > 0 ? fa->staff : 0;
        ncells += d->fac[f].ncells + NVIRTUAL;
        nstaff += d->fac[f].nstaff;
        total_cap += sched(&fa->capacity, 0);
        total_cells += d->fac[f].ncells;
    }
    if (ncells > INT32_MAX / 2 || nstaff > INT32_MAX / 4) {
        cc_diag_add(diag, s->file, 0, 0, "disease", NULL,
                    "expected fewer cells and staff, got %lld cells and %lld staff",
                    (long long)ncells, (long long)nstaff);
        cc_disease_free(d);
        return -1;
    }
    d->ncells = (int32_t)ncells;
    d->nstaff = (int32_t)nstaff;
    d->cell = calloc((size_t)ncells, sizeof *d->cell);
    d->cell_ninf = calloc((size_t)ncells * (size_t)nstates_inf, sizeof *d->cell_ninf);
    d->active = malloc((size_t)ncells * sizeof *d->active);
    if (!d->cell || !d->cell_ninf || !d->active)
        goto oom;
    for (int f = 0; f < d->nfac; f++) {
        dfac *fa = &d->fac[f];
        for (int k = 0; k < NCLASS; k++)
            if (!(fa->fen[k] = calloc((size_t)fa->ncells + 1, sizeof *fa->fen[k])))
                goto oom;
        double cap = sched(&s->facility[f].capacity, 0) / fa->ncells;
        for (int32_t c = 0; c < fa->ncells + NVIRTUAL; c++) {
            dcell *ce = &d->cell[fa->base + c];
            ce->fac = f;
            ce->active = -1;
            ce->cap = cap > 0 ? cap : 1;
            ce->kind = (uint8_t)(c < fa->ncells ? CK_GENERAL : CK_QUARANTINE + (c - fa->ncells));
        }
        d->cell[virtual_cell(d, f, CK_QUARANTINE)].cap =
            room_capacity(d, f, d->spec->quarantine.capacity);
        d->cell[virtual_cell(d, f, CK_ISOLATION)].cap =
            room_capacity(d, f, d->spec->isolation.capacity);
    }
    /* r0_at_capacity is converted for the mean design capacity of a cell */
    d->beta_cell = cc_disease_beta_cell(d->spec, total_cells > 0 ? total_cap / total_cells : 1);

    d->ndays = s->days + 1;
    d->wake_day = compute_wake_day(d->spec);
    d->dormant = d->wake_day > 0;
    d->track_day = compute_track_day(d->spec, d->wake_day);
    d->untracked = d->track_day > 0;
    d->cal = calloc((size_t)d->ndays, sizeof *d->cal);
    if (!d->cal || ensure_agents(d, (size_t)nstaff + 1))
        goto oom;
    d->nagents = (size_t)nstaff;
    for (int f = 0; f < d->nfac; f++) {
        dfac *fa = &d->fac[f];
        for (int32_t i = 0; i < fa->nstaff; i++) {
            int32_t a = fa->staff0 + i;
            cc_stream_id id = cc_stream(CC_RK_STAFF, (uint32_t)f, (uint32_t)i, 0, 0);
            d->ag[a].w0 = id.w0;
            d->ag[a].w1 = id.w1;
            d->ag[a].flags = AF_SEEN | AF_PRESENT | AF_STAFF;
            d->ag[a].state = (uint8_t)d->pg->susceptible;
            d->ag[a].fac_of = f;
            d->ag[a].age = 40; /* [assumption] staff age; only severity uses it */
            d->ag[a].place = -1;
            move_to(d, a, virtual_cell(d, f, CK_STAFF));
            vqueue_push(d, a);
        }
    }
    if (d->oom)
        goto oom;
    *out = d;
    return 0;
oom:
    cc_diag_add(diag, s->file, 0, 0, "disease", NULL, "out of memory creating the disease state");
    cc_disease_free(d);
    return -1;
}

void cc_disease_free(cc_disease *d)
{
    if (!d)
        return;
    cc_rng_free(d->r);
    for (int f = 0; d->fac && f < d->nfac; f++)
        for (int k = 0; k < NCLASS; k++)
            free(d->fac[f].fen[k]);
    for (int32_t g = 0; d->cell && g < d->ncells; g++)
        for (int k = 0; k < NCLASS; k++)
            free(d->cell[g].sus[k]);
    free(d->fac);
    free(d->cell);
    free(d->cell_ninf);
    free(d->active);
    for (int32_t t = 0; d->cal && t < d->ndays; t++)
        free(d->cal[t].e);
    free(d->cal);
    for (int g = 0; g < CC_VG_COUNT; g++)
        free(d->vq[g]);
    free(d->ag_raw);
    free(d->snap_cell);
    free(d->snap_force);
    free(d->fac_I);
    free(d->fac_Fs);
    free(d->fac_Ff);
    free(d->fac_state);
    free(d->prison_state_days);
    free(d);
}

int cc_disease_clone(const cc_disease *src, const cc_scenario *s, cc_disease **out)
{
    *out = NULL;
    cc_disease *d = malloc(sizeof *d);
    if (!d)
        return -1;
    *d = *src;
    d->s = s;
    d->spec = s->disease;
    d->pg = s->disease->pathogen;
    /* pointers of the copy start empty so that a failure half way frees
     * only what the copy owns */
    d->r = NULL;
    d->fac = NULL;
    d->cell = NULL;
    d->cell_ninf = NULL;
    d->active = NULL;
    d->ag = NULL;
    d->ag_raw = NULL;
    d->cal = NULL;
    for (int g = 0; g < CC_VG_COUNT; g++)
        d->vq[g] = NULL;
    d->snap_cell = NULL;
    d->snap_force = NULL;
    d->snapcap = 0;
    d->fac_I = d->fac_Fs = d->fac_Ff = NULL;
    d->fac_state = NULL;
    d->prison_state_days = NULL;
    d->deaths = NULL;
    d->ndeaths = d->capdeaths = NULL;
    d->nfac = 0; /* counts of the owned arrays, set as they are copied */
    d->ncells = 0;
    d->ndays = 0;
    d->capagents = 0;

    size_t nf = (size_t)(src->nfac ? src->nfac : 1);
    size_t nstates_inf = (size_t)(src->ninf_states ? src->ninf_states : 1);
    if (!(d->r = cc_rng_alloc()) || cc_dup((void **)&d->fac, src->fac, nf, sizeof *d->fac))
        goto oom;
    for (int f = 0; f < src->nfac; f++)
        for (int k = 0; k < NCLASS; k++)
            d->fac[f].fen[k] = NULL;
    d->nfac = src->nfac;
    for (int f = 0; f < src->nfac; f++)
        for (int k = 0; k < NCLASS; k++)
            if (cc_dup((void **)&d->fac[f].fen[k], src->fac[f].fen[k],
                       (size_t)src->fac[f].ncells + 1, sizeof *d->fac[f].fen[k]))
                goto oom;
    if (cc_dup((void **)&d->cell, src->cell, (size_t)src->ncells, sizeof *d->cell))
        goto oom;
    for (int32_t c = 0; c < src->ncells; c++)
        for (int k = 0; k < NCLASS; k++) {
            d->cell[c].sus[k] = NULL;
            d->cell[c].capsus[k] = 0;
        }
    d->ncells = src->ncells;
    for (int32_t c = 0; c < src->ncells; c++)
        for (int k = 0; k < NCLASS; k++) {
            size_t n = (size_t)src->cell[c].nsus[k];
            if (n && cc_dup((void **)&d->cell[c].sus[k], src->cell[c].sus[k], n,
                            sizeof *d->cell[c].sus[k]))
                goto oom;
            d->cell[c].capsus[k] = n;
        }
    if (cc_dup((void **)&d->cell_ninf, src->cell_ninf, (size_t)src->ncells * nstates_inf,
               sizeof *d->cell_ninf) ||
        cc_dup((void **)&d->active, src->active, (size_t)src->ncells, sizeof *d->active))
        goto oom;
    /* agents: zero beyond those in use, as cc_disease_reserve (untracked:
     * the staff only, the reservation is made at track_day) */
    size_t cap = src->untracked ? src->nagents + 1 : src->capagents;
    d->ag_raw = calloc(cap * sizeof(dagent) + AGENT_ALIGN, 1);
    if (!d->ag_raw)
        goto oom;
    d->ag_off = (AGENT_ALIGN - (size_t)((uintptr_t)d->ag_raw % AGENT_ALIGN)) % AGENT_ALIGN;
    d->ag = (dagent *)(void *)(d->ag_raw + d->ag_off);
    d->capagents = cap;
    memcpy(d->ag, src->ag, src->nagents * sizeof(dagent));
    if (!(d->cal = calloc((size_t)src->ndays, sizeof *d->cal)))
        goto oom;
    d->ndays = src->ndays;
    for (int32_t t = 0; t < src->ndays; t++) {
        size_t n = src->cal[t].n;
        if (n && cc_dup((void **)&d->cal[t].e, src->cal[t].e, n, sizeof *d->cal[t].e))
            goto oom;
        d->cal[t].n = d->cal[t].cap = n;
    }
    for (int g = 0; g < CC_VG_COUNT; g++) {
        d->vqcap[g] = 0;
        if (src->vqn[g] && cc_dup((void **)&d->vq[g], src->vq[g], src->vqn[g], sizeof *d->vq[g]))
            goto oom;
        d->vqcap[g] = src->vqn[g];
    }
    size_t nst = (size_t)src->pg->nstates;
    if (cc_dup((void **)&d->fac_I, src->fac_I, nf, sizeof *d->fac_I) ||
        cc_dup((void **)&d->fac_Fs, src->fac_Fs, nf, sizeof *d->fac_Fs) ||
        cc_dup((void **)&d->fac_Ff, src->fac_Ff, nf, sizeof *d->fac_Ff) ||
        cc_dup((void **)&d->fac_state, src->fac_state, nf * nst, sizeof *d->fac_state) ||
        cc_dup((void **)&d->prison_state_days, src->prison_state_days, nst,
               sizeof *d->prison_state_days))
        goto oom;
    *out = d;
    return 0;
oom:
    cc_disease_free(d);
    return -1;
}

/* ---- health measures set by policies ---------------------------------------- */

/* Start agent a's periodic tests, superseding any chain it had: the first
 * after a stagger of 1..every days drawn from its own stream (sequence
 * `seq` of CC_RP_HEALTH), then every `every` days (handle_event); a chain
 * of the block's testing started before the block's dates waits for them. */
static void start_test_chain(cc_disease *d, int32_t a, int32_t day, uint32_t seq)
{
    int32_t every = testing_every(d);
    seek_agent(d, a, CC_RP_HEALTH, seq);
    int32_t off = 1 + (int32_t)gsl_rng_uniform_int(d->r, (unsigned long)every);
    int32_t first = day + off;
    const cc_measure_window *w = &d->spec->testing.w;
    if (!by_policy(d, CC_M_TESTING) && first < w->from)
        first = w->from + (off - 1) % every;
    d->ag[a].tnext = first;
    schedule(d, a, first, EV_TEST, 1);
}

/* Sequence of the CC_RP_HEALTH draw that staggers the periodic tests of
 * everyone held on `day` when the testing in force changes: apart from
 * the draws of arrivals (the day itself) and of test results (bit 23);
 * days stay below 2^22 (CC_MAX_DAYS). */
#define RESTAGGER_BIT 0x400000u
_Static_assert(CC_MAX_DAYS < (int)RESTAGGER_BIT, "days fit below the restagger bit");

/* Bring what the measures in force imply for the agents in line with
 * them, on `day` (before its entries and events): room capacities,
 * periodic test chains, vaccination queues, the arrivals' cached
 * quarantine. Each is redone only if what it follows changed since it was
 * last applied, so re-setting the same measures draws nothing. */
static void health_sync(cc_disease *d, int32_t day)
{
    d->hl_dirty = false;
    d->entry_day = INT32_MIN; /* the arrivals' measures are looked up again */

    double qc = quarantine_capacity(d), ic = isolation_capacity(d);
    for (int f = 0; f < d->nfac; f++) {
        if (qc != d->qcap_applied)
            d->cell[virtual_cell(d, f, CK_QUARANTINE)].cap = room_capacity(d, f, qc);
        if (ic != d->icap_applied)
            d->cell[virtual_cell(d, f, CK_ISOLATION)].cap = room_capacity(d, f, ic);
    }
    d->qcap_applied = qc;
    d->icap_applied = ic;

    /* periodic tests: everyone held gets a new chain at the new interval;
     * with none (or the block's dates past) the chains end at their next
     * test day */
    bool src = by_policy(d, CC_M_TESTING);
    int32_t every = testing_every(d);
    if (src != d->test_src_applied || every != d->test_every_applied) {
        d->test_src_applied = src;
        d->test_every_applied = every;
        if (every > 0 && (src || day < d->spec->testing.w.until))
            for (size_t a = (size_t)d->nstaff; a < d->nagents; a++)
                if (d->ag[a].flags & AF_PRESENT)
                    start_test_chain(d, (int32_t)a, day, (uint32_t)day | RESTAGGER_BIT);
    }

    /* vaccination queues: rebuilt when a vaccination is in force whose
     * priority they do not follow */
    if (by_policy(d, CC_M_VACCINATION) || d->spec->vaccination.w.on) {
        int n;
        const cc_vgroup *prio;
        vaccination_priority(d, &n, &prio);
        if (!d->vq_on || n != d->vq_nprio ||
            memcmp(prio, d->vq_prio, (size_t)n * sizeof *prio) != 0) {
            d->vq_on = true;
            d->vq_nprio = n;
            memcpy(d->vq_prio, prio, (size_t)n * sizeof *prio);
            d->vq_built = false; /* rebuilt on the next day of vaccination */
        }
    }
}

void cc_disease_set_health(cc_disease *d, const cc_health_lever *h, bool on)
{
    if (!d || !h)
        return;
    for (int m = 0; m < CC_M_COUNT; m++) {
        unsigned bit = 1u << m;
        if (!(h->set & bit))
            continue;
        if (!on) {
            d->hl.set &= ~bit;
            continue;
        }
        d->hl.set |= bit;
        switch ((cc_measure)m) {
        case CC_M_QUARANTINE:
            d->hl.quarantine = h->quarantine;
            break;
        case CC_M_TESTING:
            d->hl.testing = h->testing;
            break;
        case CC_M_ISOLATION:
            d->hl.isolation = h->isolation;
            break;
        case CC_M_VACCINATION:
            d->hl.vaccination = h->vaccination;
            /* the vaccine stays once given: those vaccinated keep their
             * protection when the campaign ends */
            d->vacc_eff_infection = h->vaccination.efficacy_infection;
            d->vacc_eff_severe = h->vaccination.efficacy_severe;
            break;
        case CC_M_MASKS:
            d->hl.masks = h->masks;
            break;
        case CC_M_VENTILATION:
            d->hl.ventilation = h->ventilation;
            break;
        default:
            break;
        }
    }
    d->hl_dirty = true;
}

void cc_disease_clear_health(cc_disease *d)
{
    if (!d || d->hl.set == 0)
        return;
    d->hl.set = 0;
    d->hl_dirty = true;
}

/* ---- entering and leaving --------------------------------------------------- */

/* Start agent a in a state drawn from shares (u uniform); false if none. */
static bool start_from_shares(cc_disease *d, int32_t a, const cc_state_shares *sh, double u,
                              int32_t day)
{
    double acc = 0;
    for (int i = 0; i < sh->n; i++) {
        acc += sh->share[i];
        if (u < acc) {
            enter_state(d, a, sh->state[i], day);
            return true;
        }
    }
    return false;
}

/* cc_disease_enter and cc_disease_catch_up (catch_up: present already,
 * not an entry: no intake, not counted, police custody marked fresh) */
static void enter_agent(cc_disease *d, int64_t person, cc_stream_id who, int facility, int cell,
                        int32_t day, bool from_community, bool initial, double age, bool risk,
                        bool child, bool catch_up)
{
    int32_t a = (int32_t)(person + d->nstaff);
    if (d->dormant && day >= d->wake_day)
        wake(d); /* before anyone of the day can be infected */
    if (d->hl_dirty)
        health_sync(d, day);
    if (ensure_agents(d, (size_t)a + 1)) {
        d->oom = 1;
        return;
    }
    if ((size_t)a >= d->nagents)
        d->nagents = (size_t)a + 1;
    dfac *f = &d->fac[facility];
    bool first = !(d->ag[a].flags & AF_SEEN);
    if (first) {
        d->ag[a].flags = AF_SEEN;
        d->ag[a].state = (uint8_t)d->pg->susceptible;
    } else if (from_community && d->pg->state[d->ag[a].state].kind == CC_PS_INFECTED) {
        /* back from the community, where the infection was not followed:
         * it is over by now [approximation] */
        d->ag[a].state = (uint8_t)d->pg->recovered;
    }
    if (d->pg->state[d->ag[a].state].kind == CC_PS_DEAD)
        return;
    /* intake into detention: from the community, or on from police
     * custody; police lock-ups themselves quarantine and test no one */
    bool police = d->s->facility[facility].type == CC_FAC_POLICE;
    bool intake = !catch_up && !police && (from_community || (d->ag[a].flags & AF_FRESH));
    d->ag[a].flags = (uint16_t)((d->ag[a].flags | AF_PRESENT) &
                             ~(AF_QUAR | AF_ISO | AF_RISK | AF_CHILD | AF_FRESH));
    if (police && (from_community || catch_up))
        d->ag[a].flags |= AF_FRESH;
    if (risk)
        d->ag[a].flags |= AF_RISK;
    if (child)
        d->ag[a].flags |= AF_CHILD;
    d->ag[a].w0 = who.w0;
    d->ag[a].w1 = who.w1;
    d->ag[a].age = (float)age;
    d->ag[a].fac_of = facility;
    d->ag[a].home = cell >= 0 && cell < f->ncells ? cell : 0;
    d->ag[a].place = -1;
    const cc_disease_spec *sp = d->spec;

    /* where the person stays: intake quarantine, or the assigned cell */
    int32_t g = home_cell(d, a);
    if (d->entry_day != day) {
        d->entry_day = day;
        d->entry_qdays = quarantine_days(d, day);
        d->entry_qtests = quarantine_tests(d, day);
        d->entry_prev = sched(&sp->community_prevalence, day);
    }
    double qdays = intake ? d->entry_qdays : 0;
    if (qdays > 0) {
        int32_t q = virtual_cell(d, facility, CK_QUARANTINE);
        if (d->cell[q].n < d->cell[q].cap) {
            g = q;
            d->ag[a].flags |= AF_QUAR;
            int32_t len = (int32_t)ceil(qdays);
            d->ag[a].qend = day + len;
            schedule(d, a, d->ag[a].qend, EV_QEND, 0);
            /* tests spread evenly over the stay, the last on its last day
             * (before the release of that day: same-day events keep their
             * order in the bucket, and EV_QEND was scheduled first, so the
             * last test falls on the day before) */
            int ntests = d->entry_qtests;
            for (int k = 1; k <= ntests; k++)
                schedule(d, a, day + (int32_t)floor((double)len * k / ntests) - (k == ntests),
                         EV_TEST, 2);
        } else {
            d->quarantine_overflow++;
        }
    }
    d->ag[a].place = g;
    contrib(d, a, +1);

    /* infection brought in */
    /* (no draw when neither the community nor the shares can infect: the
     * stream is the agent's own for the day, so skipping it changes no
     * other number, and most admissions come before any epidemic) */
    const cc_state_shares *shares = initial ? &sp->initial_states : &sp->intake_states;
    double prev = from_community ? d->entry_prev : 0;
    if (d->pg->state[d->ag[a].state].kind == CC_PS_SUSCEPTIBLE && (from_community || initial) &&
        (prev > 0 || shares->n > 0)) {
        seek_agent(d, a, CC_RP_INFECTION, (uint32_t)day);
        double u = cc_rng_uniform(d->r);
        if (u < prev) {
            d->imported++;
            enter_state(d, a, d->pg->entry, day);
        } else {
            u = (u - prev) / (1 - prev); /* uniform again on the rest */
            start_from_shares(d, a, shares, u, day);
        }
    }
    if (d->pg->state[d->ag[a].state].symptomatic && isolating_symptomatic(d, day))
        isolate(d, a);

    /* testing: at intake today, periodic from a staggered day (a new chain:
     * one moved keeps one chain) */
    if (sp->testing.w.on || by_policy(d, CC_M_TESTING)) {
        if (intake && testing_at_intake(d) && testing_on(d, day))
            schedule(d, a, day, EV_TEST, 0);
        if (testing_every(d) > 0)
            start_test_chain(d, a, day, (uint32_t)day);
    }
    if (!(d->ag[a].flags & AF_VACC))
        vqueue_push(d, a);
}

static bool valid_entry(const cc_disease *d, int64_t person, int facility)
{
    return d && person >= 0 && facility >= 0 && facility < d->nfac &&
           person <= (int64_t)INT32_MAX - d->nstaff - 1;
}

void cc_disease_enter(cc_disease *d, int64_t person, cc_stream_id who, int facility, int cell,
                      int32_t day, bool from_community, bool initial, double age, bool risk,
                      bool child)
{
    if (!valid_entry(d, person, facility))
        return;
    /* people who came in, for the attack rates */
    if (child)
        d->fac[facility].child_entries++;
    else
        d->fac[facility].entries++;
    if (d->untracked) { /* counted only (see "Tracking from a day") */
        d->counted = true;
        d->fac_state[(size_t)facility * (size_t)d->pg->nstates + (size_t)d->pg->susceptible]++;
        return;
    }
    enter_agent(d, person, who, facility, cell, day, from_community, initial, age, risk, child,
                false);
}

int32_t cc_disease_track_day(const cc_disease *d)
{
    return d && d->untracked ? d->track_day : -1;
}

void cc_disease_track_by(cc_disease *d, int32_t day)
{
    if (!d || !d->untracked)
        return;
    if (day < d->track_day)
        d->track_day = day > 0 ? day : 0;
    if (d->track_day == 0 && !d->counted) {
        d->untracked = false; /* nobody to hand over: followed from the start */
        if (cc_disease_reserve(d, d->reserve_persons))
            d->oom = 1;
    }
}

void cc_disease_track_begin(cc_disease *d)
{
    if (!d || !d->untracked)
        return;
    d->untracked = false;
    if (cc_disease_reserve(d, d->reserve_persons))
        d->oom = 1;
    /* the counts by facility are rebuilt as the detainees are handed over */
    memset(d->fac_state, 0, (size_t)d->nfac * (size_t)d->pg->nstates * sizeof *d->fac_state);
}

void cc_disease_catch_up(cc_disease *d, int64_t person, cc_stream_id who, int facility, int cell,
                         int32_t day, double age, bool risk, bool child)
{
    if (valid_entry(d, person, facility) && !d->untracked)
        enter_agent(d, person, who, facility, cell, day, false, false, age, risk, child, true);
}

void cc_disease_prefetch(const cc_disease *d, int64_t person)
{
#if defined(__GNUC__)
    if (d && !d->untracked && person >= 0 && (size_t)(person + d->nstaff) < d->capagents)
        __builtin_prefetch(&d->ag[person + d->nstaff]);
#else
    (void)d;
    (void)person;
#endif
}

void cc_disease_leave(cc_disease *d, int64_t person, int facility, int32_t day,
                      cc_leave_reason why)
{
    (void)day;
    if (d && d->untracked) {
        if (facility >= 0 && facility < d->nfac)
            d->fac_state[(size_t)facility * (size_t)d->pg->nstates + (size_t)d->pg->susceptible]--;
        return;
    }
    if (!d || person < 0 || (size_t)(person + d->nstaff) >= d->nagents)
        return;
    int32_t a = (int32_t)(person + d->nstaff);
    if (!(d->ag[a].flags & AF_PRESENT))
        return;
    if (why == CC_LEAVE_RELEASED && d->pg->state[d->ag[a].state].infectiousness > 0)
        d->spillover_released++;
    contrib(d, a, -1);
    d->ag[a].place = -1;
    d->ag[a].flags = (uint16_t)(d->ag[a].flags & ~(AF_PRESENT | AF_QUAR | AF_ISO));
    if (why != CC_LEAVE_MOVING)
        d->ag[a].flags = (uint16_t)(d->ag[a].flags & ~AF_FRESH);
    if (why != CC_LEAVE_MOVING)
        d->ag[a].pseq = (d->ag[a].pseq + 1) & EV_SEQ_MASK; /* not followed outside */
}

int cc_disease_infect(cc_disease *d, int64_t person, int32_t day)
{
    if (!d || person < 0 || (size_t)(person + d->nstaff) >= d->nagents)
        return -1;
    int32_t a = (int32_t)(person + d->nstaff);
    if (!(d->ag[a].flags & AF_PRESENT) || d->pg->state[d->ag[a].state].kind != CC_PS_SUSCEPTIBLE)
        return -1;
    d->imported++; /* seeded from outside, not acquired in custody */
    enter_state(d, a, d->pg->entry, day);
    return d->oom ? -1 : 0;
}

double cc_disease_beta_cell_used(const cc_disease *d) { return d ? d->beta_cell : 0; }

/* ---- the day ------------------------------------------------------------------ */

/* Infect k agents chosen uniformly from a susceptible list (the list
 * shrinks as they leave it). */
static void infect_from(cc_disease *d, int32_t **list, int32_t *n, unsigned int k, int32_t day)
{
    for (unsigned int i = 0; i < k && *n > 0; i++) {
        int32_t j = (int32_t)gsl_rng_uniform_int(d->r, (unsigned long)*n);
        infect(d, (*list)[j], day);
    }
}

static double cell_infectious(const cc_disease *d, int32_t g, bool staff_room)
{
    const int32_t *n = &d->cell_ninf[(size_t)g * (size_t)d->ninf_states];
    double I = 0;
    for (int k = 0; k < d->ninf_states; k++)
        if (!(staff_room && d->inf_symptomatic[k])) /* symptomatic staff stay home */
            I += n[k] * d->inf_weight[k];
    return I;
}

static void vaccinate(cc_disease *d, int32_t day)
{
    const cc_disease_spec *sp = d->spec;
    if (!vaccinating(d, day))
        return;
    if (!d->vq_built)
        vq_build(d);
    double doses = doses_per_day(d, day) + d->dose_carry;
    int64_t n = (int64_t)floor(doses);
    d->dose_carry = doses - (double)n;
    /* the queues follow the priority in force (health_sync) */
    for (int i = 0; i < d->vq_nprio && n > 0; i++) {
        cc_vgroup g = d->vq_prio[i];
        while (n > 0 && d->vqhead[g] < d->vqn[g]) {
            int32_t a = d->vq[g][d->vqhead[g]++];
            d->ag[a].flags = (uint16_t)(d->ag[a].flags & ~AF_QUEUED);
            if (!(d->ag[a].flags & AF_PRESENT) || (d->ag[a].flags & AF_VACC) ||
                d->pg->state[d->ag[a].state].kind == CC_PS_DEAD)
                continue;
            contrib(d, a, -1);
            d->ag[a].flags |= AF_VACC;
            contrib(d, a, +1);
            d->doses++;
            n--;
            if (sp->vaccination.has_waning) {
                seek_agent(d, a, CC_RP_VACCINE, (uint32_t)day);
                double t = cc_dist_sample(d->r, &sp->vaccination.waning);
                schedule(d, a, day + 1 + (int32_t)fmin(t, 1e6), EV_VWANE, 0);
            }
        }
    }
}

static void introduce(cc_disease *d, int32_t day)
{
    const cc_disease_spec *sp = d->spec;
    for (int i = 0; i < sp->nintro; i++) {
        const cc_introduction *in = &sp->intro[i];
        if (in->day != day)
            continue;
        dfac *f = &d->fac[in->facility];
        cc_rng_seek(d->r, d->seed, d->replicate,
                    cc_stream(CC_RK_FACILITY, (uint32_t)in->facility, (uint32_t)day,
                              CC_RP_INFECTION, (uint32_t)(1 + i)));
        for (int32_t j = 0; j < in->count; j++) {
            const dcell *c = &d->cell[virtual_cell(d, in->facility, CK_STAFF)];
            const int32_t *n = in->staff ? c->nsus : f->nsus;
            int32_t tot = n[0] + n[1];
            if (tot == 0)
                break;
            int32_t k = (int32_t)gsl_rng_uniform_int(d->r, (unsigned long)tot);
            int cl = k < n[0] ? 0 : 1;
            int32_t rank = cl ? k - n[0] : k;
            int32_t a = in->staff ? c->sus[cl][rank] : facility_susceptible(d, f, cl, rank);
            d->imported++;
            enter_state(d, a, d->pg->entry, day);
        }
    }
}

static void transmit(cc_disease *d, int32_t day)
{
    const cc_disease_spec *sp = d->spec;
    double masks = masks_factor(d, day);
    double vent = ventilation_factor(d, day);
    double bc = d->beta_cell * masks * vent, bf = sp->beta_facility * masks,
           bs = sp->beta_staff * masks, g = sp->crowding_exponent;
    double susc[NCLASS] = {1, 1 - d->vacc_eff_infection};

    /* snapshot of the cell forces (start of the day) */
    if ((size_t)d->nactive > d->snapcap) {
        size_t cap = d->snapcap;
        if (cc_grow((void **)&d->snap_cell, &cap, (size_t)d->nactive, sizeof *d->snap_cell) ||
            cc_grow((void **)&d->snap_force, &d->snapcap, (size_t)d->nactive,
                    sizeof *d->snap_force)) {
            d->oom = 1;
            return;
        }
    }
    int32_t nsnap = 0;
    for (int32_t i = 0; i < d->nactive; i++) {
        int32_t c = d->active[i];
        const dcell *ce = &d->cell[c];
        if (ce->kind == CK_STAFF || ce->nsus[0] + ce->nsus[1] == 0 || bc <= 0)
            continue;
        double I = cell_infectious(d, c, false);
        double denom = pow(ce->cap, 1 - g) * pow((double)ce->n, g);
        d->snap_cell[nsnap] = c;
        d->snap_force[nsnap] = bc * I / denom;
        nsnap++;
    }
    /* facility-wide and staff forces; I_f over the general cells */
    double hazard_comm = 0;
    if (d->pg->infected_days > 0) {
        double prev = sched(sp->staff_prevalence_given ? &sp->staff_community_prevalence
                                                       : &sp->community_prevalence, day);
        hazard_comm = prev / d->pg->infected_days;
    }
    /* I_f from the active general cells (the work follows infections) */
    double *If = d->fac_I, *Fs = d->fac_Fs, *Ff = d->fac_Ff;
    memset(If, 0, (size_t)d->nfac * sizeof *If);
    memset(Fs, 0, (size_t)d->nfac * sizeof *Fs);
    memset(Ff, 0, (size_t)d->nfac * sizeof *Ff);
    for (int32_t i = 0; i < d->nactive; i++) {
        int32_t c = d->active[i];
        if (d->cell[c].kind == CK_GENERAL)
            If[d->cell[c].fac] += cell_infectious(d, c, false);
    }
    for (int fi = 0; fi < d->nfac; fi++) {
        dfac *f = &d->fac[fi];
        double Istaff = f->nstaff ? cell_infectious(d, virtual_cell(d, fi, CK_STAFF), true) : 0;
        if (f->n > 0) {
            Ff[fi] = (bf * If[fi] + bs * Istaff) / f->n;
            Fs[fi] = bs * If[fi] / f->n;
        }
        Fs[fi] += hazard_comm;
    }
    /* (a) facility-wide stage */
    for (int fi = 0; fi < d->nfac; fi++) {
        dfac *f = &d->fac[fi];
        if (Ff[fi] <= 0)
            continue;
        cc_rng_seek(d->r, d->seed, d->replicate,
                    cc_stream(CC_RK_FACILITY, (uint32_t)fi, (uint32_t)day, CC_RP_INFECTION, 0));
        for (int k = 0; k < NCLASS; k++) {
            if (f->nsus[k] == 0 || susc[k] <= 0)
                continue;
            double p = -expm1(-susc[k] * Ff[fi]);
            unsigned int n = gsl_ran_binomial(d->r, p, (unsigned int)f->nsus[k]);
            for (unsigned int i = 0; i < n && f->nsus[k] > 0; i++) {
                int32_t j = (int32_t)gsl_rng_uniform_int(d->r, (unsigned long)f->nsus[k]);
                infect(d, facility_susceptible(d, f, k, j), day);
            }
        }
    }
    /* (b) cells with infectious people */
    for (int32_t i = 0; i < nsnap; i++) {
        int32_t c = d->snap_cell[i];
        dcell *ce = &d->cell[c];
        cc_rng_seek(d->r, d->seed, d->replicate,
                    cc_stream(CC_RK_CELL, (uint32_t)ce->fac, (uint32_t)(c - d->fac[ce->fac].base),
                              CC_RP_INFECTION, (uint32_t)day));
        for (int k = 0; k < NCLASS; k++) {
            if (ce->nsus[k] == 0 || susc[k] <= 0)
                continue;
            double p = -expm1(-susc[k] * d->snap_force[i]);
            unsigned int n = gsl_ran_binomial(d->r, p, (unsigned int)ce->nsus[k]);
            infect_from(d, &ce->sus[k], &ce->nsus[k], n, day);
        }
    }
    /* (c) staff */
    for (int fi = 0; fi < d->nfac; fi++) {
        if (Fs[fi] <= 0 || d->fac[fi].nstaff == 0)
            continue;
        int32_t c = virtual_cell(d, fi, CK_STAFF);
        dcell *ce = &d->cell[c];
        cc_rng_seek(d->r, d->seed, d->replicate,
                    cc_stream(CC_RK_CELL, (uint32_t)fi, (uint32_t)(c - d->fac[fi].base),
                              CC_RP_INFECTION, (uint32_t)day));
        for (int k = 0; k < NCLASS; k++) {
            if (ce->nsus[k] == 0 || susc[k] <= 0)
                continue;
            double p = -expm1(-susc[k] * Fs[fi]);
            unsigned int n = gsl_ran_binomial(d->r, p, (unsigned int)ce->nsus[k]);
            infect_from(d, &ce->sus[k], &ce->nsus[k], n, day);
        }
    }
}

static void handle_event(cc_disease *d, event e, int32_t day)
{
    int32_t a = e.agent;
    unsigned kind = e.tag >> 28;
    uint32_t seq = e.tag & EV_SEQ_MASK;
    const cc_disease_spec *sp = d->spec;
    bool present = (d->ag[a].flags & AF_PRESENT) != 0;
    switch (kind) {
    case EV_PROG:
        if (seq == d->ag[a].pseq)
            progress(d, a, day);
        break;
    case EV_QEND:
        if (present && (d->ag[a].flags & AF_QUAR) && d->ag[a].qend == day) {
            d->ag[a].flags = (uint16_t)(d->ag[a].flags & ~AF_QUAR);
            move_to(d, a, home_cell(d, a));
        }
        break;
    case EV_TEST: {
        if (!present || is_staff(d, a) || (seq == 1 && d->ag[a].tnext != day))
            break; /* gone, or a superseded periodic chain */
        /* seq 0: at intake; 1: periodic; 2: a test of the intake
         * quarantine, done while it lasts */
        int32_t every = testing_every(d);
        if (seq == 2 ? (d->ag[a].flags & AF_QUAR) != 0
                     : testing_on(d, day) && (seq == 0 || every > 0)) {
            d->tests++;
            const cc_pstate *st = &d->pg->state[d->ag[a].state];
            if (st->detectable) {
                seek_agent(d, a, CC_RP_HEALTH, (uint32_t)day | 0x800000u);
                if (cc_rng_uniform(d->r) < testing_sensitivity(d)) {
                    d->positives++;
                    schedule(d, a, day + testing_delay(d), EV_RESULT, 0);
                }
            }
        }
        if (seq == 1) {
            /* the next one, while a periodic testing is in force or to come */
            bool go = every > 0 && (by_policy(d, CC_M_TESTING) || day < sp->testing.w.until);
            d->ag[a].tnext = go ? day + every : -1;
            if (go)
                schedule(d, a, day + every, EV_TEST, 1);
        }
        break;
    }
    case EV_RESULT:
        if (present && d->pg->state[d->ag[a].state].kind == CC_PS_INFECTED) {
            isolate(d, a);
            maybe_release_isolation(d, a); /* already past it: stays home */
        }
        break;
    case EV_VWANE:
        if (d->ag[a].flags & AF_VACC) {
            contrib(d, a, -1);
            d->ag[a].flags = (uint16_t)(d->ag[a].flags & ~AF_VACC);
            contrib(d, a, +1);
        }
        break;
    default:
        break;
    }
}

int cc_disease_step(cc_disease *d, int32_t day, int64_t **deaths, size_t *ndeaths, size_t *cap)
{
    if (!d)
        return 0;
    if (day < 0 || day >= d->ndays)
        return -1;
    if (d->dormant && day >= d->wake_day)
        wake(d); /* before the day's introductions and transmission */
    if (d->hl_dirty)
        health_sync(d, day);
    d->today = day;
    d->deaths = deaths;
    d->ndeaths = ndeaths;
    d->capdeaths = cap;
    for (int f = 0; f < d->nfac; f++) {
        d->fac[f].new_today = 0;
        d->fac[f].deaths_today = 0;
        /* capacity changes on dates move every cell's design capacity */
        const cc_schedule *cs = &d->s->facility[f].capacity;
        for (int i = 1; i < cs->n; i++)
            if (cs->from[i] == day) {
                double c = sched(cs, day) / d->fac[f].ncells;
                for (int32_t k = 0; k < d->fac[f].ncells; k++)
                    d->cell[d->fac[f].base + k].cap = c > 0 ? c : 1;
            }
    }
    vaccinate(d, day);
    if (!d->dormant) { /* dormant: nobody infectious, no introduction due */
        introduce(d, day);
        transmit(d, day);
    }
    /* progression: today's events (new ones may be appended while we go) */
    bucket *b = &d->cal[day];
    enum { AHEAD = 8 }; /* events whose agent record is fetched in advance */
    for (size_t i = 0; i < b->n; i++) {
#if defined(__GNUC__)
        if (i + AHEAD < b->n)
            __builtin_prefetch(&d->ag[b->e[i + AHEAD].agent]);
#endif
        handle_event(d, b->e[i], day);
    }
    free(b->e);
    b->e = NULL;
    b->n = b->cap = 0;
    int ns = d->pg->nstates;
    for (int f = 0; f < d->nfac; f++) {
        d->hosp_days += d->fac[f].hospitalised;
        if (d->s->facility[f].type != CC_FAC_PRISON)
            continue;
        const int32_t *n = &d->fac_state[(size_t)f * (size_t)ns];
        for (int st = 0; st < ns; st++) {
            d->prison_state_days[st] += n[st];
            d->prison_days += n[st];
        }
    }
    d->deaths = NULL;
    return d->oom ? -1 : 0;
}

void cc_disease_counts_get(const cc_disease *d, int facility, cc_disease_counts *out)
{
    memset(out, 0, sizeof *out);
    if (!d)
        return;
    for (int f = 0; f < d->nfac; f++) {
        if (facility >= 0 && f != facility)
            continue;
        const dfac *fa = &d->fac[f];
        out->new_infections += fa->new_today;
        out->active_infections += fa->active_infections;
        out->hospitalised += fa->hospitalised;
        out->deaths_disease += fa->deaths_today;
    }
}

int cc_disease_metrics(const cc_disease *d, cc_metrics *m)
{
    if (!d)
        return 0;
    cc_metrics_add(m, (double)d->inf_detainees, "infections.detainees");
    cc_metrics_add(m, (double)d->inf_staff, "infections.staff");
    cc_metrics_add(m, (double)d->inf_children, "infections.children");
    cc_metrics_add(m, (double)d->imported, "infections.imported");
    /* deaths.disease is added by the engine, which removes the dead */
    cc_metrics_add(m, (double)d->deaths_staff, "deaths_disease.staff");
    for (int i = 0; i < NDEATH_BANDS; i++)
        cc_metrics_add(m, (double)d->deaths_by_band[i], "deaths_disease.by_age.%s",
                       death_band_name[i]);
    cc_metrics_add(m, (double)d->deaths_by_risk[1], "deaths_disease.by_risk.yes");
    cc_metrics_add(m, (double)d->deaths_by_risk[0], "deaths_disease.by_risk.no");
    cc_metrics_add(m, (double)(d->spillover_released + d->inf_staff), "spillover");
    cc_metrics_add(m, (double)d->hosp_days, "hospitalised_days");
    /* attack rates per facility: infections acquired there over the people
     * who came in during the run (detainees, children) or over the staff
     * posts (staff who fall ill are replaced, so this can exceed 1) */
    for (int f = 0; f < d->nfac; f++) {
        const dfac *fa = &d->fac[f];
        const char *name = d->s->facility[f].name;
        cc_metrics_add(m, fa->entries ? (double)fa->infections / (double)fa->entries : 0,
                       "attack_rate.%s.detainees", name);
        cc_metrics_add(m, fa->nstaff ? (double)fa->staff_infections / (double)fa->nstaff : 0,
                       "attack_rate.%s.staff", name);
        cc_metrics_add(m,
                       fa->child_entries ? (double)fa->child_infections / (double)fa->child_entries
                                         : 0,
                       "attack_rate.%s.children", name);
    }
    /* share of prisoners (children included) in each state, over the
     * prisoner-days of the run: e.g. the active TB prevalence */
    for (int st = 0; st < d->pg->nstates; st++) {
        const cc_pstate *ps = &d->pg->state[st];
        if (ps->kind == CC_PS_INFECTED || ps->kind == CC_PS_RECOVERED)
            cc_metrics_add(m, d->prison_days > 0 ? d->prison_state_days[st] / d->prison_days : 0,
                           "disease.prison_prevalence.%s", ps->name);
    }
    cc_metrics_add(m, d->beta_cell, "disease.beta_cell_used");
    cc_metrics_add(m, (double)d->quarantine_overflow, "disease.quarantine_overflow");
    cc_metrics_add(m, (double)d->isolation_overflow, "disease.isolation_overflow");
    cc_metrics_add(m, (double)d->tests, "disease.tests");
    cc_metrics_add(m, (double)d->positives, "disease.tests_positive");
    cc_metrics_add(m, (double)d->doses, "disease.vaccinations");
    return m->failed ? -1 : 0;
}
