/* justice.h - the justice pipeline: arrests, routing, police custody,
 * pretrial detention or bail, trial, appeal, sentence, rehab, release,
 * re-arrest, deaths in custody and transfers. Its functions operate on a
 * struct cc_sim and are declared in sim_internal.h (the person operations
 * that policies use too) so that one header describes the replicate's
 * inside; this header only names the module.
 */
#ifndef CARCER_JUSTICE_H
#define CARCER_JUSTICE_H

#include "sim_internal.h"

#endif
