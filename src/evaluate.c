/* evaluate.c - one simulation of an input set (see evaluate.h).
 *
 * Cost: one load of the kept document (about a millisecond for the default
 * scenario) and the days up to days_run.
 */
#define _POSIX_C_SOURCE 200809L
#include "evaluate.h"
#include "outdir.h"
#include "util.h"

#include <sys/stat.h>

#include <stdlib.h>

#include <errno.h>

#include <string.h>
#include <time.h>

#include "prior.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int cc_evaluate(const cc_scenario *base, const double *theta, int32_t days_run, uint64_t seed,
                uint32_t replicate, volatile sig_atomic_t *stop, cc_evaluate_read read,
                void *ctx, double *out, cc_diag *diag, double *load_seconds)
{
    double t0 = seconds_now();
    cc_diag local;
    cc_diag_init(&local);
    cc_scenario *inst = NULL;
    int loaded = cc_inputs_instantiate(base, theta, &local, &inst);
    if (load_seconds)
        *load_seconds = seconds_now() - t0;
    if (loaded != 0) {
        /* values the schema refuses: undefined figures */
        int nomem = local.kept > 0 && strstr(local.entry[0].message, "out of memory") != NULL;
        if (nomem)
            cc_diag_add(diag, base->file, 0, 0, NULL, NULL, "out of memory");
        cc_diag_clear(&local);
        return nomem ? -1 : 0;
    }
    cc_diag_clear(&local);
    inst->days = days_run;
    cc_sim *sim = NULL;
    int rc = cc_sim_create(inst, seed, replicate, diag, &sim);
    while (rc == 0 && cc_sim_day(sim) < inst->days) {
        if (stop && *stop) {
            rc = 1;
            break;
        }
        rc = cc_sim_step(sim, diag) != 0 ? -1 : 0;
    }
    if (rc == 0) {
        cc_metrics m = {0};
        if (cc_sim_metrics(sim, &m) != 0 || m.failed)
            rc = -1;
        else
            read(ctx, inst, cc_sim_rows(sim), inst->days, &m, out);
        cc_metrics_free(&m);
    }
    cc_sim_free(sim);
    cc_scenario_free(inst);
    return rc;
}

int cc_evaluate_open_folder(const cc_scenario *s, const char *dir, const char *kept, bool resume,
                            cc_diag *diag, cc_outdir **out)
{
    if (cc_outdir_open(dir, diag, out) != 0)
        return -1;
    int bad = mkdir(dir, 0755) != 0 && errno != EEXIST;
    if (bad)
        cc_diag_add(diag, dir, 0, 0, NULL, NULL, "cannot create the output folder: %s",
                    strerror(errno));
    if (!bad && !resume) {
        char *scen = cc_scenario_resolved_yaml(s);
        char *path = cc_asprintf("%s/%s", dir, kept);
        bad = !scen || !path || cc_write_file_atomic(path, scen, strlen(scen)) != 0;
        if (bad)
            cc_diag_add(diag, dir, 0, 0, NULL, NULL, "cannot write %s: %s", kept,
                        strerror(errno));
        free(scen);
        free(path);
    }
    if (bad) {
        cc_outdir_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}
