/* bench_abc.c - the cost of the ABC-SMC engine around its simulations.
 *
 * A synthetic model (three inputs, four targets) whose simulation spins for
 * a fixed time stands in for the scenario, so that what is measured is the
 * engine: proposals, the O(N^2) importance weights, the rounds' idle tails,
 * checkpoints. Prints simulations per second and the share of time spent
 * outside the simulations, of the CPU time and of the threads' wall time
 * (target: under 5% when a simulation costs what a default scenario's
 * particle does, tens of milliseconds; the default cost here is 2 ms of CPU,
 * a harder case).
 *
 * Usage: bench_abc [PARTICLES] [GENERATIONS] [SIM_MICROSECONDS] [THREADS]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "abc.h"
#include "bench.h"
#include "util.h"

typedef struct bench_model {
    double sim_us;
    _Atomic long long busy_ns;     /* summed wall time inside simulate */
    _Atomic long long busy_cpu_ns; /* summed thread CPU time inside simulate */
    _Atomic unsigned long long sink; /* keeps the spinning from being optimised away */
} bench_model;

static double thread_cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double log_prior(void *ctx, const double *th)
{
    (void)ctx;
    for (int i = 0; i < 3; i++)
        if (th[i] < 0 || th[i] > 1)
            return -INFINITY;
    return 0;
}

static void from_uniforms(void *ctx, const double *u, double *th)
{
    (void)ctx;
    memcpy(th, u, 3 * sizeof *th);
}

static int simulate(void *ctx, const double *th, uint64_t seed, uint32_t rep, double *st,
                    cc_diag *diag)
{
    (void)diag;
    bench_model *m = ctx;
    double t0 = wall(), c0 = thread_cpu();
    /* spin for sim_us of CPU time (the same work however loaded the machine
     * is), then a noisy function of the inputs */
    uint64_t spin = 0, x = (seed ^ rep) * 6364136223846793005ull + 1442695040888963407ull;
    while ((thread_cpu() - c0) * 1e6 < m->sim_us)
        for (int k = 0; k < 64; k++)
            spin = spin * 6364136223846793005ull + 1442695040888963407ull;
    m->sink += spin;
    double noise = (double)(x >> 11) / 9007199254740992.0 - 0.5;
    st[0] = th[0] + 0.1 * noise;
    st[1] = th[1] * th[2] + 0.05 * noise;
    st[2] = th[0] + th[1] - 0.1 * noise;
    st[3] = th[2];
    atomic_fetch_add(&m->busy_ns, (long long)((wall() - t0) * 1e9));
    atomic_fetch_add(&m->busy_cpu_ns, (long long)((thread_cpu() - c0) * 1e9));
    return 0;
}

int main(int argc, char **argv)
{
    int particles = argc > 1 ? atoi(argv[1]) : 1000;
    int generations = argc > 2 ? atoi(argv[2]) : 5;
    double sim_us = argc > 3 ? atof(argv[3]) : 2000;
    int threads = argc > 4 ? atoi(argv[4]) : 2;
    static const char *const in[] = {"a", "b", "c"};
    static const char *const sn[] = {"w", "x", "y", "z"};
    static const double obs[] = {0.3, 0.2, 0.8, 0.5}, scale[] = {0.1, 0.05, 0.1, 0.2},
                        weight[] = {1, 1, 1, 1};
    bench_model m = {.sim_us = sim_us};
    cc_abc_problem pb = {.ninputs = 3, .input_names = in, .ctx = &m, .log_prior = log_prior,
                         .from_uniforms = from_uniforms, .nstats = 4, .stat_names = sn,
                         .observed = obs, .scale = scale, .weight = weight,
                         .simulate = simulate};
    char ckpt[] = "/tmp/carcer-bench-abc-XXXXXX";
    int fd = mkstemp(ckpt);
    if (fd < 0)
        return 1;
    close(fd);
    cc_abc_options opt;
    cc_abc_options_init(&opt);
    opt.particles = particles;
    opt.generations = generations;
    opt.threads = threads;
    opt.seed = 1;
    opt.checkpoint = ckpt;
    cc_diag d;
    cc_diag_init(&d);
    cc_abc_result *res = NULL;
    double t0 = wall(), c0 = bench_cpu_seconds();
    int rc = cc_abc_run(&pb, &opt, false, &res, &d);
    double dt = wall() - t0, cpu = bench_cpu_seconds() - c0;
    unlink(ckpt);
    if (rc != 0) {
        for (int i = 0; i < d.kept; i++)
            fprintf(stderr, "%s\n", cc_diag_format(&d, i));
        return 1;
    }
    double busy = (double)atomic_load(&m.busy_ns) * 1e-9;
    const cc_abc_generation *g = cc_abc_posterior(res);
    printf("abc: %d particles, %d generations, %d threads, %.0f us a simulation\n", particles,
           res->ngenerations, threads, sim_us);
    printf("  %ld simulations in %.2f s wall (%.2f s CPU): %.0f simulations/s\n",
           res->simulations, dt, cpu, (double)res->simulations / dt);
    printf("  final tolerance %.4g, ESS %.0f, acceptance %.3f\n", g->tolerance, g->ess,
           g->acceptance);
    double busy_cpu = (double)atomic_load(&m.busy_cpu_ns) * 1e-9;
    printf("  share of the CPU time outside the simulations: %.2f%%\n",
           100.0 * (1.0 - busy_cpu / cpu));
    printf("  share of the threads' wall time outside the simulations: %.2f%% (idle tails "
           "included; inflated when other work shares the cores)\n",
           100.0 * (1.0 - busy / (dt * threads)));
    cc_abc_result_free(res);
    return 0;
}
