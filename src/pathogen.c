/* pathogen.c - loading and validating a pathogen state machine (see
 * pathogen.h), and the small positioned YAML reader it shares with
 * disease_spec.c.
 *
 * Loading is done once per scenario; nothing here is on a hot path. Every
 * problem of a file is reported, not only the first: readers record an error
 * and carry on with the next key.
 */
#include "pathogen.h"
#include "include.h"

#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "embedded.h"
#include "schema.h"
#include "util.h"

/* ---- the YAML reader ---------------------------------------------------- */

static int has_alias(struct fy_node *n, struct fy_node **where)
{
    if (!n)
        return 0;
    if (fy_node_is_alias(n) || fy_node_get_anchor(n) || fy_node_get_tag(n, NULL)) {
        *where = n;
        return 1;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *pr;
        while ((pr = fy_node_mapping_iterate(n, &it)))
            if (has_alias(fy_node_pair_key(pr), where) || has_alias(fy_node_pair_value(pr), where))
                return 1;
    } else if (fy_node_is_sequence(n)) {
        struct fy_node *c;
        while ((c = fy_node_sequence_iterate(n, &it)))
            if (has_alias(c, where))
                return 1;
    }
    return 0;
}

struct fy_document *cc_yr_parse(cc_yr *r, const char *text, size_t len)
{
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    struct fy_diag *fd = fy_diag_create(&dcfg);
    if (!fd) {
        cc_diag_add(r->diag, r->file, 0, 0, NULL, NULL, "out of memory");
        r->errors++;
        return NULL;
    }
    fy_diag_set_collect_errors(fd, true);
    int pline, pcol;
    char pmsg[160];
    if (cc_yaml_precheck(text, len, &pline, &pcol, pmsg, sizeof pmsg) != 0) {
        /* found by fuzzing: libfyaml can hang on a malformed directive */
        cc_diag_add(r->diag, r->file, pline, pcol, NULL, NULL, "%s", pmsg);
        r->errors++;
        fy_diag_destroy(fd);
        return NULL;
    }
    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
    cfg.diag = fd;
    struct fy_document *doc = fy_document_build_from_string(&cfg, text, len);
    int syntax = 0;
    void *it = NULL;
    struct fy_diag_error *e;
    while ((e = fy_diag_errors_iterate(fd, &it))) {
        /* collected errors count lines and columns from 1 (see
         * notes/libfyaml-0.7.md; tested in test_pathogen.c) */
        cc_diag_add(r->diag, r->file, e->line, e->column, NULL, NULL, "%s", e->msg);
        r->errors++;
        syntax++;
    }
    if (!doc && !syntax) {
        cc_diag_add(r->diag, r->file, 0, 0, NULL, NULL, "not a YAML document");
        r->errors++;
    }
    fy_diag_destroy(fd);
    if (doc && syntax) {
        fy_document_destroy(doc);
        return NULL;
    }
    if (!doc)
        return NULL;
    struct fy_node *where = NULL;
    if (has_alias(fy_document_root(doc), &where)) {
        if (fy_node_get_tag(where, NULL) && !fy_node_is_alias(where) &&
            !fy_node_get_anchor(where)) {
            char tag[48];
            cc_yaml_tag_text(where, tag, sizeof tag);
            cc_yr_error(r, where, NULL, "remove the tag",
                        "expected plain YAML, got a tag '%s'", tag);
        } else {
            cc_yr_error(r, where, NULL, "write the value out in full",
                        "expected plain YAML, got an anchor or alias");
        }
        fy_document_destroy(doc);
        return NULL;
    }
    return doc;
}

void cc_yr_pos(struct fy_node *n, int *line, int *col)
{
    *line = *col = 0;
    while (n) {
        if (fy_node_is_scalar(n) || fy_node_is_alias(n)) {
            struct fy_token *t = fy_node_get_scalar_token(n);
            const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
            if (m) {
                *line = m->line + 1; /* marks count from 0 */
                *col = m->column + 1;
            }
            return;
        }
        void *it = NULL;
        if (fy_node_is_mapping(n)) {
            struct fy_node_pair *pr = fy_node_mapping_iterate(n, &it);
            n = pr ? fy_node_pair_key(pr) : NULL;
        } else if (fy_node_is_sequence(n)) {
            n = fy_node_sequence_iterate(n, &it);
        } else {
            return;
        }
    }
}

void cc_yr_error(cc_yr *r, struct fy_node *n, const char *path, const char *hint,
                 const char *fmt, ...)
{
    int line, col;
    cc_yr_pos(n, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    char *msg = cc_vasprintf(fmt, ap);
    va_end(ap);
    cc_diag_add(r->diag, r->file, line, col, path, hint, "%s", msg ? msg : "(out of memory)");
    free(msg);
    r->errors++;
}

/* What a node is, for "got ..." in messages. */
static const char *node_kind(struct fy_node *n)
{
    if (!n || fy_node_is_null(n))
        return "nothing";
    if (fy_node_is_mapping(n))
        return "a mapping";
    if (fy_node_is_sequence(n))
        return "a list";
    return NULL; /* a scalar: quote it */
}

static char *got(struct fy_node *n)
{
    const char *k = node_kind(n);
    if (k)
        return cc_strdup(k);
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len);
    if (len > 60)
        return cc_asprintf("'%.57s...'", s);
    return cc_asprintf("'%.*s'", (int)len, s ? s : "");
}

const char *cc_yr_nearest(const char *word, const char *const *known)
{
    const char *best = NULL;
    /* the schema's distance (transpositions count one), so hints agree
     * between scenario and pathogen files */
    size_t bestd = 2 + strlen(word) / 4 + 1;
    for (int i = 0; known[i]; i++) {
        size_t d = (size_t)cc_edit_distance(word, known[i]);
        if (d < bestd) {
            bestd = d;
            best = known[i];
        }
    }
    return best;
}

struct fy_node *cc_yr_get(struct fy_node *m, const char *key)
{
    if (!m || !fy_node_is_mapping(m))
        return NULL;
    return fy_node_mapping_lookup_by_string(m, key, FY_NT);
}

int cc_yr_keys(cc_yr *r, struct fy_node *m, const char *path, const char *const *known)
{
    if (!m || !fy_node_is_mapping(m)) {
        char *g = got(m);
        cc_yr_error(r, m, path, NULL, "expected a mapping, got %s", g);
        free(g);
        return -1;
    }
    int bad = 0;
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(m, &it))) {
        struct fy_node *k = fy_node_pair_key(pr);
        const char *name = k && fy_node_is_scalar(k) ? fy_node_get_scalar0(k) : NULL;
        int ok = 0;
        for (int i = 0; name && known[i]; i++)
            if (strcmp(name, known[i]) == 0)
                ok = 1;
        if (ok)
            continue;
        bad++;
        const char *near = name ? cc_yr_nearest(name, known) : NULL;
        char *hint = near ? cc_asprintf("did you mean '%s'?", near) : NULL;
        cc_buf list = {0};
        for (int i = 0; known[i]; i++)
            cc_buf_printf(&list, "%s%s", i ? ", " : "", known[i]);
        char *kp = cc_asprintf("%s%s%s", path ? path : "", path && *path ? "." : "",
                               name ? name : "?");
        cc_yr_error(r, k, kp, hint, "expected one of %s, got unknown key '%s'",
                    list.data ? list.data : "", name ? name : "?");
        free(kp);
        free(hint);
        cc_buf_free(&list);
    }
    return bad;
}

static int scalar_text(struct fy_node *n, const char **s, size_t *len)
{
    if (!n || !fy_node_is_scalar(n) || fy_node_is_null(n))
        return -1;
    *s = fy_node_get_scalar(n, len);
    /* an escaped "\0" would cut a name short: no scalar may hold one */
    return *s && !memchr(*s, '\0', *len) ? 0 : -1;
}

int cc_yr_number(cc_yr *r, struct fy_node *n, const char *path, double lo, double hi,
                 double *out)
{
    const char *s;
    size_t len;
    char small[64];
    if (scalar_text(n, &s, &len) == 0 && len > 0) {
        /* a valid number may be long (many zeros): copy it to the heap then */
        char *buf = len < sizeof small ? small : malloc(len + 1);
        if (buf) {
            memcpy(buf, s, len);
            buf[len] = 0;
            char *end;
            errno = 0;
            double v = strtod(buf, &end);
            int ok = *end == 0 && errno == 0 && isfinite(v);
            if (buf != small)
                free(buf);
            if (ok && (v < lo || v > hi)) {
                cc_yr_error(r, n, path, NULL, "expected a number in [%g, %g], got %.*s%s", lo,
                            hi, (int)(len > 40 ? 40 : len), s, len > 40 ? "..." : "");
                return -1;
            }
            if (ok) {
                *out = v;
                return 0;
            }
        }
    }
    char *g = got(n);
    cc_yr_error(r, n, path, NULL, "expected a number, got %s", g);
    free(g);
    return -1;
}

int cc_yr_bool(cc_yr *r, struct fy_node *n, const char *path, bool *out)
{
    const char *s;
    size_t len;
    if (scalar_text(n, &s, &len) == 0) {
        if ((len == 4 && memcmp(s, "true", 4) == 0) || (len == 3 && memcmp(s, "yes", 3) == 0)) {
            *out = true;
            return 0;
        }
        if ((len == 5 && memcmp(s, "false", 5) == 0) || (len == 2 && memcmp(s, "no", 2) == 0)) {
            *out = false;
            return 0;
        }
    }
    char *g = got(n);
    cc_yr_error(r, n, path, NULL, "expected true or false, got %s", g);
    free(g);
    return -1;
}

int cc_yr_string(cc_yr *r, struct fy_node *n, const char *path, char *out, size_t size)
{
    const char *s;
    size_t len;
    if (scalar_text(n, &s, &len) == 0 && len > 0 && len < size) {
        memcpy(out, s, len);
        out[len] = 0;
        return 0;
    }
    char *g = got(n);
    if (scalar_text(n, &s, &len) == 0 && len >= size)
        cc_yr_error(r, n, path, NULL, "expected a name of at most %zu bytes, got %zu bytes",
                    size - 1, len);
    else
        cc_yr_error(r, n, path, NULL, "expected a name, got %s", g);
    free(g);
    return -1;
}

int cc_yr_dist(cc_yr *r, struct fy_node *n, const char *path, cc_dist *out)
{
    /* one parser for every duration of the project: the scenario's
     * (distspec.c), so a pathogen file reads exactly like a scenario */
    memset(out, 0, sizeof *out);
    cc_yctx *ctx = cc_yctx_create(r->diag, r->file, NULL, NULL, NULL);
    if (!ctx) {
        cc_yr_error(r, n, path, NULL, "out of memory");
        return -1;
    }
    cc_yaml_push_key(ctx, path);
    int rc = cc_yaml_parse_dist(ctx, n, "days", out);
    r->errors += cc_yctx_errors(ctx);
    cc_yctx_free(ctx);
    if (rc == 0 && out->kind == CC_DIST_EMPIRICAL) {
        cc_dist_free(out);
        cc_yr_error(r, n, path, "use fixed, uniform, exponential, lognormal or gamma",
                    "expected a parametric distribution, got empirical");
        return -1;
    }
    if (rc == 0)
        cc_dist_compute_mean(out);
    return rc;
}

/* ---- pathogens ----------------------------------------------------------- */

static const char *const reserved[] = {"susceptible", "recovered", "dead", NULL};

int cc_pathogen_state(const cc_pathogen *p, const char *name)
{
    for (int i = 0; i < p->nstates; i++)
        if (strcmp(p->state[i].name, name) == 0)
            return i;
    return -1;
}

double cc_prob_eval(const cc_prob *p, double age, bool risk)
{
    double v = p->p;
    for (int i = 0; i < p->nbands; i++)
        if (age >= p->lo[i] && age < p->hi[i]) {
            v = p->bp[i];
            break;
        }
    if (risk)
        v *= p->risk_factor;
    return v > 1 ? 1 : v;
}

/* "lo-hi" (whole years, both included) or "lo+" into [lo, hi). */
static int parse_band(const char *s, double *lo, double *hi)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || a < 0 || a > 200)
        return -1;
    if (strcmp(end, "+") == 0) {
        *lo = (double)a;
        *hi = INFINITY;
        return 0;
    }
    if (*end != '-')
        return -1;
    const char *b0 = end + 1;
    long b = strtol(b0, &end, 10);
    if (end == b0 || *end || b < a || b > 200)
        return -1;
    *lo = (double)a;
    *hi = (double)b + 1;
    return 0;
}

static void read_prob(cc_yr *r, struct fy_node *n, const char *path, cc_prob *p)
{
    memset(p, 0, sizeof *p);
    p->risk_factor = 1.0;
    if (n && fy_node_is_scalar(n)) {
        const char *s = fy_node_get_scalar0(n);
        if (s && strcmp(s, "rest") == 0) {
            p->rest = true;
            return;
        }
        p->has_default = true;
        cc_yr_number(r, n, path, 0, 1, &p->p);
        return;
    }
    static const char *const keys[] = {"default", "age", "risk_factor", NULL};
    if (cc_yr_keys(r, n, path, keys) < 0)
        return;
    struct fy_node *dn = cc_yr_get(n, "default"), *an = cc_yr_get(n, "age"),
                   *rn = cc_yr_get(n, "risk_factor");
    char *kp;
    if (dn) {
        kp = cc_asprintf("%s.default", path);
        p->has_default = cc_yr_number(r, dn, kp, 0, 1, &p->p) == 0;
        free(kp);
    }
    if (rn) {
        kp = cc_asprintf("%s.risk_factor", path);
        cc_yr_number(r, rn, kp, 0, 1e6, &p->risk_factor);
        free(kp);
    }
    if (!an) {
        if (!dn)
            cc_yr_error(r, n, path, NULL, "expected 'default' or 'age' bands, got neither");
        return;
    }
    kp = cc_asprintf("%s.age", path);
    if (!fy_node_is_mapping(an) || fy_node_mapping_item_count(an) == 0) {
        cc_yr_error(r, an, kp, NULL,
                    "expected age bands such as {\"0-49\": 0.01, \"50+\": 0.1}, got %s",
                    fy_node_is_mapping(an) ? "an empty mapping" : "something else");
        free(kp);
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(an, &it))) {
        struct fy_node *k = fy_node_pair_key(pr);
        const char *ks = fy_node_is_scalar(k) ? fy_node_get_scalar0(k) : NULL;
        char *bp = cc_asprintf("%s.%s", kp, ks ? ks : "?");
        double lo, hi, v;
        if (!ks || parse_band(ks, &lo, &hi) != 0) {
            cc_yr_error(r, k, bp, NULL,
                        "expected an age band \"LO-HI\" or \"LO+\" in whole years, got '%s'",
                        ks ? ks : "?");
        } else if (p->nbands >= CC_PATH_MAX_BANDS) {
            cc_yr_error(r, k, bp, NULL, "expected at most %d age bands", CC_PATH_MAX_BANDS);
        } else if (cc_yr_number(r, fy_node_pair_value(pr), bp, 0, 1, &v) == 0) {
            for (int i = 0; i < p->nbands; i++)
                if (lo < p->hi[i] && p->lo[i] < hi) {
                    cc_yr_error(r, k, bp, NULL, "expected age bands that do not overlap, got "
                                                "'%s' overlapping an earlier band", ks);
                    break;
                }
            p->lo[p->nbands] = lo;
            p->hi[p->nbands] = hi;
            p->bp[p->nbands] = v;
            p->nbands++;
        }
        free(bp);
    }
    if (!dn) {
        /* without a default the bands must cover every age */
        double at = 0;
        for (int guard = 0; guard <= p->nbands && isfinite(at); guard++)
            for (int i = 0; i < p->nbands; i++)
                if (p->lo[i] <= at && at < p->hi[i]) {
                    at = p->hi[i];
                    break;
                }
        if (isfinite(at))
            cc_yr_error(r, an, kp, "add a 'default'",
                        "expected age bands covering every age, got none from age %g", at);
    }
    free(kp);
}

static void read_state(cc_yr *r, struct fy_node *key, struct fy_node *n, const char *name,
                       cc_pathogen *pg, int idx, struct fy_node **next_nodes)
{
    cc_pstate *st = &pg->state[idx];
    char *path = cc_asprintf("states.%s", name);
    if (st->kind == CC_PS_SUSCEPTIBLE || st->kind == CC_PS_DEAD) {
        static const char *const none[] = {NULL};
        if (n && !fy_node_is_null(n))
            cc_yr_keys(r, n, path, none);
        free(path);
        return;
    }
    if (st->kind == CC_PS_RECOVERED) {
        static const char *const rk[] = {"waning", NULL};
        if (n && !fy_node_is_null(n) && cc_yr_keys(r, n, path, rk) >= 0) {
            struct fy_node *w = cc_yr_get(n, "waning");
            if (w) {
                char *wp = cc_asprintf("%s.waning", path);
                st->has_duration = cc_yr_dist(r, w, wp, &st->duration) == 0;
                free(wp);
            }
        }
        free(path);
        return;
    }
    static const char *const keys[] = {"infectiousness", "symptomatic", "hospital",
                                       "detectable",     "duration",    "next",
                                       "description",    NULL};
    if (!n || fy_node_is_null(n)) {
        cc_yr_error(r, key, path, NULL,
                    "expected a state {infectiousness, duration, next, ...}, got nothing");
        free(path);
        return;
    }
    if (cc_yr_keys(r, n, path, keys) < 0) {
        free(path);
        return;
    }
    char *kp;
    struct fy_node *v;
    if ((v = cc_yr_get(n, "infectiousness"))) {
        kp = cc_asprintf("%s.infectiousness", path);
        cc_yr_number(r, v, kp, 0, 1e6, &st->infectiousness);
        free(kp);
    }
    st->detectable = st->infectiousness > 0;
    static const char *const flags[] = {"symptomatic", "hospital", "detectable"};
    bool *fdst[] = {&st->symptomatic, &st->hospital, &st->detectable};
    for (int i = 0; i < 3; i++)
        if ((v = cc_yr_get(n, flags[i]))) {
            kp = cc_asprintf("%s.%s", path, flags[i]);
            cc_yr_bool(r, v, kp, fdst[i]);
            free(kp);
        }
    kp = cc_asprintf("%s.duration", path);
    if (!(v = cc_yr_get(n, "duration")))
        cc_yr_error(r, n, kp, NULL, "expected a duration distribution, got nothing");
    else
        st->has_duration = cc_yr_dist(r, v, kp, &st->duration) == 0;
    free(kp);
    kp = cc_asprintf("%s.next", path);
    v = cc_yr_get(n, "next");
    if (!v || !fy_node_is_sequence(v) || fy_node_sequence_item_count(v) == 0) {
        cc_yr_error(r, v ? v : n, kp, NULL,
                    "expected a list of transitions [{to: STATE, p: P}, ...], got %s",
                    v ? (fy_node_is_sequence(v) ? "an empty list" : "something else")
                      : "nothing");
    } else if (fy_node_sequence_item_count(v) > CC_PATH_MAX_NEXT) {
        cc_yr_error(r, v, kp, NULL, "expected at most %d transitions, got %d", CC_PATH_MAX_NEXT,
                    fy_node_sequence_item_count(v));
    } else {
        next_nodes[idx] = v; /* targets resolved once every state is known */
    }
    free(kp);
    free(path);
}

/* Resolve the `next` lists once every state name is known. */
static void read_next(cc_yr *r, cc_pathogen *pg, int idx, struct fy_node *v)
{
    cc_pstate *st = &pg->state[idx];
    const char *names[CC_PATH_MAX_STATES + 1];
    for (int i = 0; i < pg->nstates; i++)
        names[i] = pg->state[i].name;
    names[pg->nstates] = NULL;
    static const char *const keys[] = {"to", "p", NULL};
    void *it = NULL;
    struct fy_node *e;
    int i = 0, rests = 0;
    while ((e = fy_node_sequence_iterate(v, &it))) {
        char *ep = cc_asprintf("states.%s.next[%d]", st->name, i++);
        if (cc_yr_keys(r, e, ep, keys) < 0) {
            free(ep);
            continue;
        }
        char *tp = cc_asprintf("%s.to", ep), *pp = cc_asprintf("%s.p", ep);
        struct fy_node *tn = cc_yr_get(e, "to"), *pn = cc_yr_get(e, "p");
        char to[CC_MAX_NAME] = "";
        int t = -1;
        if (!tn) {
            cc_yr_error(r, e, tp, NULL, "expected a state name, got nothing");
        } else if (cc_yr_string(r, tn, tp, to, sizeof to) == 0) {
            t = cc_pathogen_state(pg, to);
            if (t < 0) {
                const char *near = cc_yr_nearest(to, names);
                char *hint = near ? cc_asprintf("did you mean '%s'?", near) : NULL;
                cc_yr_error(r, tn, tp, hint, "expected a state of this pathogen, got '%s'", to);
                free(hint);
            } else if (t == pg->susceptible) {
                cc_yr_error(r, tn, tp, "give 'recovered' a 'waning' duration instead",
                            "expected an infected state, recovered or dead, got 'susceptible'");
                t = -1;
            }
        }
        cc_prob pr;
        memset(&pr, 0, sizeof pr);
        if (!pn)
            cc_yr_error(r, e, pp, NULL, "expected a probability or 'rest', got nothing");
        else
            read_prob(r, pn, pp, &pr);
        if (pr.rest && ++rests > 1)
            cc_yr_error(r, pn, pp, NULL, "expected at most one 'rest' per state, got a second");
        if (t >= 0) {
            st->to[st->nnext] = t;
            st->p[st->nnext] = pr;
            st->nnext++;
        }
        free(tp);
        free(pp);
        free(ep);
    }
    if (st->nnext == 0 || r->errors)
        return;
    /* without `rest` the probabilities must sum to 1 at every age; with it,
     * to at most 1 (risk factors are applied at run time and renormalised) */
    for (int age = 0; age <= 120; age++) {
        double sum = 0;
        for (int k = 0; k < st->nnext; k++)
            if (!st->p[k].rest)
                sum += cc_prob_eval(&st->p[k], age, false);
        if ((rests && sum > 1 + 1e-9) || (!rests && fabs(sum - 1) > 1e-6)) {
            char *np = cc_asprintf("states.%s.next", st->name);
            cc_yr_error(r, v, np, rests ? NULL : "or add {to: STATE, p: rest}",
                        "expected probabilities summing to %s, got %g at age %d",
                        rests ? "at most 1" : "1", sum, age);
            free(np);
            return;
        }
    }
}

/* The probability of each transition out of infected state st for a
 * person of this age and risk, as the run draws it (disease.c: each
 * probability times the risk factor, capped at 1; renormalised when they
 * sum above 1, or when there is no `rest` and they sum above 0; `rest` takes
 * what is left; with neither, the last transition). Vaccination and the
 * care factor only scale the transitions to death or hospital care. */
static void transition_probs(const cc_pstate *st, double age, bool risk, double *q)
{
    double sum = 0;
    int rest = -1;
    for (int k = 0; k < st->nnext; k++) {
        q[k] = 0;
        if (st->p[k].rest) {
            rest = k;
            continue;
        }
        q[k] = cc_prob_eval(&st->p[k], age, risk);
        sum += q[k];
    }
    if (sum > 1 || (rest < 0 && sum > 0))
        for (int k = 0; k < st->nnext; k++)
            q[k] /= sum;
    else if (rest >= 0)
        q[rest] = 1 - sum;
    else if (st->nnext > 0)
        q[st->nnext - 1] = 1;
}

/* Expected visits to each state per infection, for a person of this age and
 * risk: v = e + P^T v, i.e. (I - P^T) v = e over the infected states, solved
 * by Gaussian elimination with partial pivoting (at most CC_PATH_MAX_STATES
 * unknowns). A singular system, or a negative or huge solution, means a loop
 * of infected states that an infection never leaves: -1. (Iterating the
 * mass instead took a million steps on `a -> a` with p 1, found by fuzzing.)
 * Visits are stored in the states when `store` (the reference person). */
static int derive_at(cc_pathogen *pg, double age, bool risk, bool store)
{
    enum { N = CC_PATH_MAX_STATES };
    double A[N][N + 1];
    int n = pg->nstates;
    memset(A, 0, sizeof A);
    for (int i = 0; i < n; i++) {
        A[i][i] = 1;
        A[i][n] = i == pg->entry ? 1 : 0;
    }
    for (int i = 0; i < n; i++) {
        const cc_pstate *st = &pg->state[i];
        if (st->kind != CC_PS_INFECTED)
            continue;
        double q[CC_PATH_MAX_NEXT];
        transition_probs(st, age, risk, q);
        for (int k = 0; k < st->nnext; k++)
            if (pg->state[st->to[k]].kind == CC_PS_INFECTED)
                A[st->to[k]][i] -= q[k]; /* visits of to[k] gain q per visit of i */
    }
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(A[r][c]) > fabs(A[piv][c]))
                piv = r;
        if (fabs(A[piv][c]) < 1e-12)
            return -1;
        if (piv != c)
            for (int k = 0; k <= n; k++) {
                double t = A[c][k];
                A[c][k] = A[piv][k];
                A[piv][k] = t;
            }
        for (int r = 0; r < n; r++) {
            if (r == c || A[r][c] == 0)
                continue;
            double f = A[r][c] / A[c][c];
            for (int k = c; k <= n; k++)
                A[r][k] -= f * A[c][k];
        }
    }
    if (store)
        pg->infectious_days = pg->infected_days = 0;
    for (int i = 0; i < n; i++) {
        cc_pstate *st = &pg->state[i];
        if (st->kind != CC_PS_INFECTED)
            continue;
        double v = A[i][n] / A[i][i];
        if (!isfinite(v) || v < -1e-9 || v > 1e9)
            return -1;
        if (!store)
            continue;
        st->visits = v > 0 ? v : 0;
        pg->infectious_days += st->infectiousness * st->duration.mean * st->visits;
        pg->infected_days += st->duration.mean * st->visits;
    }
    return 0;
}

/* Every infection must end, whatever the person's age and risk: the
 * transition probabilities are constant between the bounds of the age
 * bands, so solving at 0 and at every bound, with and without risk, covers
 * every person (an infection looping for ever only at some ages was
 * accepted when only the reference person was checked). Returns 0, or -1
 * with the first age and risk where a loop never ends. Then the reference
 * person's visits are stored. */
static int derive(cc_pathogen *pg, double *bad_age, bool *bad_risk)
{
    /* band bounds are whole years in [0, 201] (parse_band) */
    enum { MAX_BOUND = 201 };
    bool bound[MAX_BOUND + 1] = {true};
    for (int i = 0; i < pg->nstates; i++) {
        const cc_pstate *st = &pg->state[i];
        if (st->kind != CC_PS_INFECTED)
            continue;
        for (int k = 0; k < st->nnext; k++)
            for (int b = 0; b < st->p[k].nbands; b++) {
                double lo = st->p[k].lo[b], hi = st->p[k].hi[b];
                if (lo >= 0 && lo <= MAX_BOUND)
                    bound[(int)lo] = true;
                if (hi >= 0 && hi <= MAX_BOUND)
                    bound[(int)hi] = true;
            }
    }
    for (int age = 0; age <= MAX_BOUND; age++)
        for (int r = 0; bound[age] && r < 2; r++)
            if (derive_at(pg, age, r == 1, false) != 0) {
                *bad_age = age;
                *bad_risk = r == 1;
                return -1;
            }
    *bad_age = CC_PATH_REF_AGE;
    *bad_risk = false;
    return derive_at(pg, CC_PATH_REF_AGE, false, true);
}

int cc_pathogen_load_text(const char *text, size_t len, const char *file, cc_diag *diag,
                          cc_pathogen **out)
{
    *out = NULL;
    cc_yr r = {file, diag, 0};
    struct fy_document *doc = cc_yr_parse(&r, text, len);
    if (!doc)
        return -1;
    int rc = cc_pathogen_load_node(fy_document_root(doc), file, diag, out);
    fy_document_destroy(doc);
    return rc;
}

int cc_pathogen_load_node(struct fy_node *root, const char *file, cc_diag *diag,
                          cc_pathogen **out)
{
    *out = NULL;
    cc_yr r = {file, diag, 0};
    cc_pathogen *pg = calloc(1, sizeof *pg);
    if (!pg) {
        cc_diag_add(diag, file, 0, 0, NULL, NULL, "out of memory");
        return -1;
    }
    snprintf(pg->file, sizeof pg->file, "%s", file);
    pg->r0_at_capacity = -1;
    static const char *const keys[] = {"name",   "description", "entry", "transmission",
                                       "states", "sources",     NULL};
    struct fy_node *next_nodes[CC_PATH_MAX_STATES] = {0};
    if (cc_yr_keys(&r, root, "", keys) < 0)
        goto done;
    struct fy_node *v;
    if (!(v = cc_yr_get(root, "name")))
        cc_yr_error(&r, root, "name", NULL, "expected the pathogen's name, got nothing");
    else
        cc_yr_string(&r, v, "name", pg->name, sizeof pg->name);

    /* the reserved states come first: 0 susceptible, 1 recovered, 2 dead */
    for (int i = 0; reserved[i]; i++) {
        snprintf(pg->state[i].name, CC_MAX_NAME, "%s", reserved[i]);
        pg->state[i].kind = i == 0 ? CC_PS_SUSCEPTIBLE : i == 1 ? CC_PS_RECOVERED : CC_PS_DEAD;
    }
    pg->susceptible = 0;
    pg->recovered = 1;
    pg->dead = 2;
    pg->nstates = 3;
    struct fy_node *states = cc_yr_get(root, "states");
    if (!states || !fy_node_is_mapping(states) || fy_node_mapping_item_count(states) == 0) {
        cc_yr_error(&r, states ? states : root, "states", NULL,
                    "expected a mapping of states, got %s", states ? "something else" : "nothing");
        goto done;
    }
    struct fy_node *key_of[CC_PATH_MAX_STATES] = {0}, *val_of[CC_PATH_MAX_STATES] = {0};
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(states, &it))) {
        struct fy_node *k = fy_node_pair_key(pr);
        char name[CC_MAX_NAME];
        char *kp = cc_asprintf("states.%s", fy_node_is_scalar(k) ? fy_node_get_scalar0(k) : "?");
        if (cc_yr_string(&r, k, kp, name, sizeof name) != 0) {
            free(kp);
            continue;
        }
        free(kp);
        int idx = cc_pathogen_state(pg, name);
        if (idx < 0) {
            if (pg->nstates >= CC_PATH_MAX_STATES) {
                cc_yr_error(&r, k, "states", NULL, "expected at most %d states",
                            CC_PATH_MAX_STATES);
                continue;
            }
            idx = pg->nstates++;
            snprintf(pg->state[idx].name, CC_MAX_NAME, "%s", name);
            pg->state[idx].kind = CC_PS_INFECTED;
        }
        key_of[idx] = k;
        val_of[idx] = fy_node_pair_value(pr);
    }
    for (int i = 0; i < pg->nstates; i++)
        if (key_of[i] || i >= 3)
            read_state(&r, key_of[i], val_of[i], pg->state[i].name, pg, i, next_nodes);
    for (int i = 0; i < pg->nstates; i++)
        if (next_nodes[i])
            read_next(&r, pg, i, next_nodes[i]);

    /* the entry state */
    pg->entry = -1;
    if (!(v = cc_yr_get(root, "entry"))) {
        cc_yr_error(&r, root, "entry", NULL,
                    "expected the state entered on infection, got nothing");
    } else {
        char name[CC_MAX_NAME];
        if (cc_yr_string(&r, v, "entry", name, sizeof name) == 0) {
            pg->entry = cc_pathogen_state(pg, name);
            const char *names[CC_PATH_MAX_STATES + 1];
            for (int i = 0; i < pg->nstates; i++)
                names[i] = pg->state[i].name;
            names[pg->nstates] = NULL;
            if (pg->entry < 0) {
                const char *near = cc_yr_nearest(name, names);
                char *hint = near ? cc_asprintf("did you mean '%s'?", near) : NULL;
                cc_yr_error(&r, v, "entry", hint, "expected a state of this pathogen, got '%s'",
                            name);
                free(hint);
            } else if (pg->state[pg->entry].kind != CC_PS_INFECTED) {
                cc_yr_error(&r, v, "entry", NULL, "expected an infected state, got '%s'", name);
                pg->entry = -1;
            }
        }
    }

    /* default transmission */
    pg->crowding_exponent = 0;
    struct fy_node *tr = cc_yr_get(root, "transmission");
    if (!tr) {
        cc_yr_error(&r, root, "transmission", NULL,
                    "expected {beta_cell or r0_at_capacity, beta_facility, beta_staff}, got "
                    "nothing");
    } else {
        static const char *const tk[] = {"beta_cell",  "r0_at_capacity",    "beta_facility",
                                         "beta_staff", "crowding_exponent", NULL};
        if (cc_yr_keys(&r, tr, "transmission", tk) >= 0) {
            struct fy_node *b = cc_yr_get(tr, "beta_cell"), *r0 = cc_yr_get(tr, "r0_at_capacity");
            if (b && r0)
                cc_yr_error(&r, r0, "transmission.r0_at_capacity", "remove one of the two",
                            "expected beta_cell or r0_at_capacity, got both");
            else if (!b && !r0)
                cc_yr_error(&r, tr, "transmission.beta_cell", NULL,
                            "expected beta_cell or r0_at_capacity, got neither");
            else if (b)
                cc_yr_number(&r, b, "transmission.beta_cell", 0, 1e6, &pg->beta_cell);
            else
                cc_yr_number(&r, r0, "transmission.r0_at_capacity", 0, 1e6, &pg->r0_at_capacity);
            if ((v = cc_yr_get(tr, "beta_facility")))
                cc_yr_number(&r, v, "transmission.beta_facility", 0, 1e6, &pg->beta_facility);
            if ((v = cc_yr_get(tr, "beta_staff")))
                cc_yr_number(&r, v, "transmission.beta_staff", 0, 1e6, &pg->beta_staff);
            if ((v = cc_yr_get(tr, "crowding_exponent")))
                cc_yr_number(&r, v, "transmission.crowding_exponent", 0, 1,
                             &pg->crowding_exponent);
        }
    }
    if (r.errors)
        goto done;

    /* every infected state must be reachable from the entry */
    bool seen[CC_PATH_MAX_STATES] = {0};
    int stack[CC_PATH_MAX_STATES], top = 0;
    seen[pg->entry] = true;
    stack[top++] = pg->entry;
    while (top) {
        cc_pstate *st = &pg->state[stack[--top]];
        for (int k = 0; k < st->nnext; k++)
            if (!seen[st->to[k]]) {
                seen[st->to[k]] = true;
                stack[top++] = st->to[k];
            }
    }
    for (int i = 0; i < pg->nstates; i++)
        if (pg->state[i].kind == CC_PS_INFECTED && !seen[i]) {
            char *sp = cc_asprintf("states.%s", pg->state[i].name);
            cc_yr_error(&r, key_of[i], sp, "remove it or add a transition to it",
                        "expected a state reachable from entry '%s', got one never reached",
                        pg->state[pg->entry].name);
            free(sp);
        }
    double bad_age;
    bool bad_risk;
    if (!r.errors && derive(pg, &bad_age, &bad_risk) != 0)
        cc_yr_error(&r, states, "states", NULL,
                    "expected every infection to end in recovered or dead, got a loop of "
                    "infected states that never ends (at age %g%s)",
                    bad_age, bad_risk ? " with risk" : "");
done:
    if (r.errors) {
        cc_pathogen_free(pg);
        return -1;
    }
    *out = pg;
    return 0;
}

int cc_pathogen_load(const char *ref, const char *base_dir, cc_diag *diag, cc_pathogen **out)
{
    *out = NULL;
    /* a bare name (no '/' and no ".yaml") is a shipped pathogen */
    size_t rl = strlen(ref);
    bool is_name = !strchr(ref, '/') && !(rl > 5 && strcmp(ref + rl - 5, ".yaml") == 0) &&
                   !(rl > 4 && strcmp(ref + rl - 4, ".yml") == 0);
    if (is_name) {
        char *emb = cc_asprintf("pathogens/%s.yaml", ref);
        const struct cc_embedded *e = emb ? cc_embedded_find(emb) : NULL;
        int rc = -1;
        if (e)
            rc = cc_pathogen_load_text(e->data, e->len, emb, diag, out);
        else
            cc_diag_add(diag, NULL, 0, 0, "disease.pathogen", "use covid19, influenza, "
                        "tuberculosis or a path to a .yaml file",
                        "expected a shipped pathogen or a file, got '%s'", ref);
        free(emb);
        return rc;
    }
    /* a file: read as included files are, relative to the scenario's
     * folder and confined to it (include.c) */
    size_t len = 0;
    const char *why = NULL, *hint = NULL;
    char *path = NULL;
    char *text = cc_read_confined(ref, base_dir, &path, &len, &why, &hint);
    if (!text) {
        cc_diag_add(diag, NULL, 0, 0, "disease.pathogen", hint,
                    "expected a readable pathogen file, got '%s': %s", ref, why);
        return -1;
    }
    int rc = cc_pathogen_load_text(text, len, ref, diag, out);
    free(text);
    free(path);
    return rc;
}

void cc_pathogen_free(cc_pathogen *p)
{
    free(p); /* durations are parametric: nothing else is allocated */
}

/* ---- printing a pathogen back ------------------------------------------- */

bool cc_pathogen_ref_is_name(const char *ref)
{
    /* the rule of cc_pathogen_load: no '/' and no ".yaml" or ".yml" */
    size_t rl = strlen(ref);
    return !strchr(ref, '/') && !(rl > 5 && strcmp(ref + rl - 5, ".yaml") == 0) &&
           !(rl > 4 && strcmp(ref + rl - 4, ".yml") == 0);
}

static void put_pair(struct fy_document *doc, struct fy_node *map, const char *key,
                     struct fy_node *v)
{
    fy_node_mapping_append(map, fy_node_create_scalar_copy(doc, key, strlen(key)), v);
}

static struct fy_node *text_node(struct fy_document *doc, const char *text)
{
    return fy_node_create_scalar_copy(doc, text, strlen(text));
}

static struct fy_node *real_node(struct fy_document *doc, double v)
{
    return cc_yaml_print_real(doc, v, 1);
}

/* A probability as read_prob reads it: `rest`, a number, or {default, age,
 * risk_factor} with bands "LO-HI" (whole years, both included) or "LO+". */
static struct fy_node *print_prob(struct fy_document *doc, const cc_prob *p)
{
    if (p->rest)
        return text_node(doc, "rest");
    if (p->nbands == 0 && p->risk_factor == 1.0)
        return real_node(doc, p->p);
    struct fy_node *m = fy_node_create_mapping(doc);
    if (p->has_default)
        put_pair(doc, m, "default", real_node(doc, p->p));
    if (p->nbands) {
        struct fy_node *age = fy_node_create_mapping(doc);
        for (int i = 0; i < p->nbands; i++) {
            char band[48];
            if (isinf(p->hi[i]))
                snprintf(band, sizeof band, "%.0f+", p->lo[i]);
            else
                snprintf(band, sizeof band, "%.0f-%.0f", p->lo[i], p->hi[i] - 1);
            put_pair(doc, age, band, real_node(doc, p->bp[i]));
        }
        put_pair(doc, m, "age", age);
    }
    put_pair(doc, m, "risk_factor", real_node(doc, p->risk_factor));
    return m;
}

struct fy_node *cc_pathogen_print(struct fy_document *doc, const cc_pathogen *p)
{
    struct fy_node *m = fy_node_create_mapping(doc);
    if (!m)
        return NULL;
    put_pair(doc, m, "name", text_node(doc, p->name));
    put_pair(doc, m, "entry", text_node(doc, p->state[p->entry].name));
    struct fy_node *tr = fy_node_create_mapping(doc);
    if (p->r0_at_capacity >= 0)
        put_pair(doc, tr, "r0_at_capacity", real_node(doc, p->r0_at_capacity));
    else
        put_pair(doc, tr, "beta_cell", real_node(doc, p->beta_cell));
    put_pair(doc, tr, "beta_facility", real_node(doc, p->beta_facility));
    put_pair(doc, tr, "beta_staff", real_node(doc, p->beta_staff));
    put_pair(doc, tr, "crowding_exponent", real_node(doc, p->crowding_exponent));
    put_pair(doc, m, "transmission", tr);
    /* the infected states in the order they were read (their indexes do
     * not change on reading back: the reserved states always come first),
     * then `recovered` when it wanes */
    struct fy_node *states = fy_node_create_mapping(doc);
    for (int i = 0; i < p->nstates; i++) {
        const cc_pstate *st = &p->state[i];
        if (st->kind != CC_PS_INFECTED)
            continue;
        struct fy_node *sm = fy_node_create_mapping(doc);
        put_pair(doc, sm, "infectiousness", real_node(doc, st->infectiousness));
        put_pair(doc, sm, "symptomatic", text_node(doc, st->symptomatic ? "true" : "false"));
        put_pair(doc, sm, "hospital", text_node(doc, st->hospital ? "true" : "false"));
        put_pair(doc, sm, "detectable", text_node(doc, st->detectable ? "true" : "false"));
        put_pair(doc, sm, "duration", cc_yaml_print_dist(doc, &st->duration, "days"));
        struct fy_node *next = fy_node_create_sequence(doc);
        for (int k = 0; k < st->nnext; k++) {
            struct fy_node *e = fy_node_create_mapping(doc);
            put_pair(doc, e, "to", text_node(doc, p->state[st->to[k]].name));
            put_pair(doc, e, "p", print_prob(doc, &st->p[k]));
            fy_node_sequence_append(next, e);
        }
        put_pair(doc, sm, "next", next);
        put_pair(doc, states, st->name, sm);
    }
    const cc_pstate *rec = &p->state[p->recovered];
    if (rec->has_duration) {
        struct fy_node *rm = fy_node_create_mapping(doc);
        put_pair(doc, rm, "waning", cc_yaml_print_dist(doc, &rec->duration, "days"));
        put_pair(doc, states, rec->name, rm);
    }
    put_pair(doc, m, "states", states);
    return m;
}
