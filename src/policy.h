/* policy.h - the `policies:` list of a scenario and what it does to a run.
 *
 * A policy is dated (`at:`) or triggered (`when:` an occupancy or infection
 * threshold, checked on yesterday's recorded state, with a minimum gap and a
 * re-arm level so that it does not flap), may end (`until:`, `for_days:`),
 * and moves exactly one lever: campaign intensity, decriminalisation, bail,
 * legal aid, enforced pretrial limits, a release of a selected group, closing
 * a facility or a type, capacity, court speed, recurring pardons, or the
 * health measures of the scenario's disease (quarantine, testing, isolation,
 * vaccination, masks, ventilation).
 *
 * Loading (cc_policies_custom, one CC_T_CUSTOM row of the schema table):
 * every problem is reported with its position and key path. Running
 * (cc_policy_apply, step (1) of each day): levers that hold while a policy is
 * in force are recomputed whenever a policy starts or ends, from the
 * scenario's values and then every policy in force in list order (a later
 * policy wins on the same lever; decriminalised offenses, closures and added
 * capacity accumulate); actions (releases, transfers, pardons) happen on the
 * days they are due. Randomness comes from per-person streams keyed by the
 * person and the policy index, so a release of half a group picks the same
 * people in replicate i of two scenarios (common random numbers).
 *
 * docs/policies.md is the guide; the reference is generated from
 * cc_policies_custom.markdown.
 */
#ifndef CARCER_POLICY_H
#define CARCER_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "disease_spec.h"
#include "metrics.h"
#include "schema.h"
#include "sim_internal.h"

typedef enum cc_lever {
    CC_LV_ARREST_FACTOR,
    CC_LV_DECRIMINALISE,
    CC_LV_BAIL,
    CC_LV_LEGAL_AID,
    CC_LV_ENFORCE_LIMITS,
    CC_LV_RELEASE,
    CC_LV_CLOSE,
    CC_LV_CAPACITY,
    CC_LV_COURT_SPEED,
    CC_LV_PARDON,
    CC_LV_HEALTH,
    CC_LV_COUNT
} cc_lever;

typedef enum cc_trigger { CC_TRIG_DATE, CC_TRIG_OCCUPANCY, CC_TRIG_INFECTIONS } cc_trigger;
typedef enum cc_release_order {
    CC_ORDER_LONGEST_SERVED,
    CC_ORDER_OLDEST,
    CC_ORDER_RANDOM
} cc_release_order;

#define CC_MAX_PARDON_DAYS 12

/* Who a release (or a pardon) may pick, and how many. */
typedef struct cc_selection {
    unsigned status;                /* bits (1u << cc_state) */
    bool offense[CC_MAX_OFFENSES];  /* offense classes eligible */
    int8_t drug, violent, risk;     /* -1 either, 0 no, 1 yes */
    double min_age;                 /* years */
    int32_t min_days_served;
    int32_t max_days_remaining;     /* days to the next justice event; -1 = no bound */
    int facility;                   /* -1 = every facility */
    bool by_fraction;               /* fraction, else number */
    double fraction;
    int64_t number;
    int32_t over_days;              /* >= 1 */
    cc_release_order order;
} cc_selection;

struct cc_policy {
    char name[CC_MAX_NAME];
    cc_trigger trigger;
    int32_t at;               /* DATE: first day in force (may be < 0: before the start) */
    int32_t until;            /* first day no longer in force; INT32_MAX = never */
    int32_t for_days;         /* triggered: days in force after each firing; 0 = until `until` */
    int when_facility;        /* triggered: facility, -1 = the whole system */
    double above, rearm_below;
    int32_t min_gap_days;
    cc_lever lever;
    double value;             /* arrest_factor, legal_aid, court_speed */
    bool flag;                /* enforce_pretrial_limits; decriminalise.release_current;
                               * close.release */
    bool bail_set[CC_MAX_OFFENSES];
    double bail[CC_MAX_OFFENSES];
    bool has_bail_default;    /* bail given as a scalar or with `default:` */
    double bail_default;
    double treatment_days;    /* decriminalise, close rehab: community days per referral */
    cc_selection sel;         /* release, pardon, decriminalise (offenses, over_days) */
    int close_type;           /* cc_facility_type, -1 = one facility */
    int facility;             /* close / capacity: facility index, -1 = none */
    double add;               /* capacity.add */
    int npardon_days;
    int16_t pardon_month[CC_MAX_PARDON_DAYS], pardon_day[CC_MAX_PARDON_DAYS];
    double min_share_served;
    cc_health_lever health;   /* health: the disease measures set while in force */
};

/* The schema hook of the `policies:` key (parse, print, markdown, free). */
extern const cc_schema_custom cc_policies_custom;

/* Step (1) of day `day`: policies that start, end or fire, and the actions
 * due today. Returns 0, or nonzero with a message in diag (out of memory). */
int cc_policy_apply(cc_sim *sim, int32_t day, cc_diag *diag);

/* Costs and equity metrics of a replicate that the engine does not add
 * itself (cost.*, person_days_over_capacity, person_days_over_200pct,
 * policy_releases, community_days), appended to m. */
int cc_policy_metrics(const cc_sim *sim, cc_metrics *m);

/* Would a policy of scenario s start or fire on `day`, in the state of sim
 * (which has run days 0 .. day-1, and in which no policy has acted yet)?
 * Two scenarios that differ only in their policies run alike until the
 * first day this is true of either. */
bool cc_policy_acts_on(const cc_sim *sim, const cc_scenario *s, int32_t day);

/* The first day a `health:` policy of s may set a measure (0 for a
 * triggered one), INT32_MAX when s has none. */
int32_t cc_policy_first_health_day(const cc_scenario *s);

#endif
