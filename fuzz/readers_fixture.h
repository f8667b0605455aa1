/* readers_fixture.h - the posterior.csv and checkpoint readers run on one
 * input as fuzz/fuzz_posterior.c and tests/test_fuzz_regressions.c both do.
 *
 * The checkpoint reader is given a fixed small problem (inputs a and b,
 * targets x and y, 3 particles, seed 1, quantile 0.5, one replicate):
 * fuzz/seeds/ holds checkpoints written for it. A checkpoint that reads is
 * then resumed by the engine (simulations are cheap arithmetic, a budget
 * bounds the work), so hostile numbers inside a well-formed file are driven
 * through the engine too. Returns the number of broken promises (an error
 * without a message, a result beside an error, an inconsistent result),
 * each described on stderr.
 */
#ifndef CARCER_READERS_FIXTURE_H
#define CARCER_READERS_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abc.h"
#include "abc_internal.h"
#include "posterior.h"
#include "util.h"

static const char *const fx_inputs[] = {"a", "b"};
static const char *const fx_stats[] = {"x", "y"};
static const double fx_observed[] = {1, 2}, fx_scale[] = {1, 1}, fx_weight[] = {1, 1};

static double fx_log_prior(void *ctx, const double *th)
{
    (void)ctx;
    return fabs(th[0]) <= 10 && fabs(th[1]) <= 10 ? 0 : -INFINITY;
}

static void fx_from_uniforms(void *ctx, const double *u, double *th)
{
    (void)ctx;
    th[0] = -10 + 20 * u[0];
    th[1] = -10 + 20 * u[1];
}

static int fx_simulate(void *ctx, const double *th, uint64_t sim_seed, uint32_t rep, double *st,
                       cc_diag *diag)
{
    (void)ctx;
    (void)diag;
    double noise = (double)((sim_seed ^ rep) % 1000) / 1000.0 - 0.5;
    st[0] = th[0] + noise;
    st[1] = th[0] + th[1] - noise;
    return 0;
}

static cc_abc_problem fx_problem(void)
{
    cc_abc_problem pb;
    memset(&pb, 0, sizeof pb);
    pb.ninputs = 2;
    pb.input_names = fx_inputs;
    pb.log_prior = fx_log_prior;
    pb.from_uniforms = fx_from_uniforms;
    pb.nstats = 2;
    pb.stat_names = fx_stats;
    pb.observed = fx_observed;
    pb.scale = fx_scale;
    pb.weight = fx_weight;
    pb.simulate = fx_simulate;
    return pb;
}

static cc_abc_options fx_options(const char *ckpt)
{
    cc_abc_options opt;
    cc_abc_options_init(&opt);
    opt.particles = 3;
    opt.generations = 4;
    opt.seed = 1;
    opt.threads = 1;
    opt.budget = 20000;
    opt.min_acceptance = 0.01;
    opt.checkpoint = ckpt;
    opt.checkpoint_seconds = 1e9;
    return opt;
}

/* ckpt_path: a scratch file for the resumed run (NULL: no resume). */
static int fx_readers(const char *data, size_t size, const char *ckpt_path)
{
    int broken = 0;
    cc_diag d;
    cc_diag_init(&d);
    cc_posterior *p = NULL;
    int rc = cc_posterior_read(data, size, "fuzz.csv", fx_inputs, 2, &d, &p);
    if (rc != 0 && (d.count == 0 || p)) {
        fprintf(stderr, "posterior: an error without a message\n");
        broken++;
    }
    if (rc == 0) {
        if (!p || p->rows < 1 || p->cum[p->rows - 1] != 1.0) {
            fprintf(stderr, "posterior: an inconsistent result\n");
            broken++;
        } else {
            double th[2];
            for (uint32_t i = 0; i < 4; i++) {
                cc_posterior_draw(p, 7, i, th);
                if (!isfinite(th[0]) || !isfinite(th[1])) {
                    fprintf(stderr, "posterior: a draw that is not finite\n");
                    broken++;
                }
            }
        }
    }
    for (int i = 0; i < d.kept; i++)
        free(cc_diag_format(&d, i));
    cc_posterior_free(p);
    cc_diag_clear(&d);

    cc_abc_problem pb = fx_problem();
    cc_abc_options opt = fx_options(ckpt_path);
    cc_abc_checkpoint *ck = NULL;
    rc = cc_abc_checkpoint_read(data, size, "fuzz.ckpt", &pb, &opt, &d, &ck);
    if (rc != 0 && (d.count == 0 || ck)) {
        fprintf(stderr, "checkpoint: an error without a message\n");
        broken++;
    }
    for (int i = 0; i < d.kept; i++)
        free(cc_diag_format(&d, i));
    cc_diag_clear(&d);
    if (rc == 0 && !ck) {
        fprintf(stderr, "checkpoint: success without a result\n");
        broken++;
    }
    cc_abc_checkpoint_free(ck);
    if (rc == 0 && ckpt_path && cc_write_file_atomic(ckpt_path, data, size) == 0) {
        cc_abc_result *res = NULL;
        rc = cc_abc_run(&pb, &opt, true, &res, &d);
        if (rc == 0) {
            char *a = cc_abc_posterior_csv(res), *b = cc_abc_generations_csv(res);
            char *c = cc_abc_calibration_json(res, NULL, fx_observed, NULL, NULL, NULL);
            if (!a || !b || !c) {
                fprintf(stderr, "resumed: no output text\n");
                broken++;
            }
            free(a);
            free(b);
            free(c);
        } else if (d.count == 0 || res) {
            fprintf(stderr, "resumed: an error without a message\n");
            broken++;
        }
        cc_abc_result_free(res);
        for (int i = 0; i < d.kept; i++)
            free(cc_diag_format(&d, i));
        cc_diag_clear(&d);
    }
    return broken;
}

#endif
