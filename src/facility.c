/* facility.c - facilities, cells and member arrays (see facility.h). */
#include "facility.h"

#include <stdlib.h>
#include <string.h>

static int intake_group(cc_facility_type type, bool female)
{
    return (int)type * 2 + (female ? 1 : 0);
}

bool cc_facility_admits_sex(const cc_scenario *s, int f, bool female)
{
    cc_sex_rule r = s->facility[f].sex;
    return r == CC_SEX_ANY || (r == CC_SEX_FEMALE) == female;
}

static int grow_i32(int32_t **a, int32_t *cap, int32_t need)
{
    if (need <= *cap)
        return 0;
    int32_t c = *cap ? *cap : 4;
    while (c < need)
        c = c > INT32_MAX / 2 ? INT32_MAX : c * 2;
    int32_t *q = realloc(*a, (size_t)c * sizeof *q);
    if (!q)
        return -1;
    *a = q;
    *cap = c;
    return 0;
}

int cc_facilities_init(cc_facilities *F, const cc_scenario *s)
{
    memset(F, 0, sizeof *F);
    F->n = s->nfacilities;
    F->f = calloc((size_t)(F->n > 0 ? F->n : 1), sizeof *F->f);
    if (!F->f)
        return -1;
    for (int i = 0; i < F->n; i++) {
        cc_fac_state *fs = &F->f[i];
        int32_t nc = s->facility[i].cells > 0 ? s->facility[i].cells : 1;
        fs->ncells = nc;
        fs->cells = calloc((size_t)nc, sizeof *fs->cells);
        fs->order = malloc((size_t)nc * sizeof *fs->order);
        fs->opos = malloc((size_t)nc * sizeof *fs->opos);
        fs->nbound = 8;
        fs->bound = malloc((size_t)fs->nbound * sizeof *fs->bound);
        if (!fs->cells || !fs->order || !fs->opos || !fs->bound)
            return -1;
        for (int32_t c = 0; c < nc; c++)
            fs->order[c] = fs->opos[c] = c;
        fs->bound[0] = 0;
        for (int32_t k = 1; k < fs->nbound; k++)
            fs->bound[k] = nc; /* every cell has 0 < k occupants */
        int64_t want = s->facility[i].population;
        if (want > 0 && want < INT32_MAX / 2 && grow_i32(&fs->members, &fs->cap, (int32_t)want + 16))
            return -1;
    }
    for (int g = 0; g < CC_INTAKE_GROUPS; g++) {
        cc_intake *in = &F->intake[g];
        in->fac = malloc((size_t)(F->n > 0 ? F->n : 1) * sizeof *in->fac);
        in->cum = malloc((size_t)(F->n > 0 ? F->n : 1) * sizeof *in->cum);
        if (!in->fac || !in->cum)
            return -1;
        for (int i = 0; i < F->n; i++)
            if (intake_group(s->facility[i].type, false) == g ||
                intake_group(s->facility[i].type, true) == g) {
                bool female = g & 1;
                if (cc_facility_admits_sex(s, i, female))
                    in->fac[in->n++] = i;
            }
    }
    return 0;
}

/* *dst = n of the elements at src in a block of cap (>= n); 0 or -1 */
static int dup_i32(int32_t **dst, const int32_t *src, int32_t n, int32_t cap)
{
    *dst = NULL;
    if (cap <= 0)
        return 0;
    if (!(*dst = malloc((size_t)cap * sizeof **dst)))
        return -1;
    if (n > 0)
        memcpy(*dst, src, (size_t)n * sizeof **dst);
    return 0;
}

int cc_facilities_clone(cc_facilities *dst, const cc_facilities *src)
{
    memset(dst, 0, sizeof *dst);
    size_t nf = (size_t)(src->n > 0 ? src->n : 1);
    if (!(dst->f = calloc(nf, sizeof *dst->f)))
        return -1;
    dst->n = src->n;
    for (int i = 0; i < src->n; i++) {
        const cc_fac_state *a = &src->f[i];
        cc_fac_state *b = &dst->f[i];
        *b = *a;
        b->members = NULL;
        b->order = b->opos = b->bound = NULL;
        if (!(b->cells = calloc((size_t)a->ncells, sizeof *b->cells)))
            return -1;
        for (int32_t c = 0; c < a->ncells; c++) {
            b->cells[c].n = a->cells[c].n;
            b->cells[c].cap = a->cells[c].cap;
            if (dup_i32(&b->cells[c].m, a->cells[c].m, a->cells[c].n, a->cells[c].cap))
                return -1;
        }
        if (dup_i32(&b->members, a->members, a->n, a->cap) ||
            dup_i32(&b->order, a->order, a->ncells, a->ncells) ||
            dup_i32(&b->opos, a->opos, a->ncells, a->ncells) ||
            dup_i32(&b->bound, a->bound, a->nbound, a->nbound))
            return -1;
    }
    for (int g = 0; g < CC_INTAKE_GROUPS; g++) {
        const cc_intake *a = &src->intake[g];
        cc_intake *b = &dst->intake[g];
        b->n = a->n;
        if (!(b->fac = malloc(nf * sizeof *b->fac)) || !(b->cum = malloc(nf * sizeof *b->cum)))
            return -1;
        memcpy(b->fac, a->fac, nf * sizeof *b->fac);
        memcpy(b->cum, a->cum, nf * sizeof *b->cum);
    }
    return 0;
}

void cc_facilities_free(cc_facilities *F)
{
    if (!F || !F->f)
        return;
    for (int i = 0; i < F->n; i++) {
        cc_fac_state *fs = &F->f[i];
        if (fs->cells)
            for (int32_t c = 0; c < fs->ncells; c++)
                free(fs->cells[c].m);
        free(fs->cells);
        free(fs->order);
        free(fs->opos);
        free(fs->bound);
        free(fs->members);
    }
    free(F->f);
    for (int g = 0; g < CC_INTAKE_GROUPS; g++) {
        free(F->intake[g].fac);
        free(F->intake[g].cum);
    }
    memset(F, 0, sizeof *F);
}

void cc_facilities_reset_flows(cc_facilities *F)
{
    for (int i = 0; i < F->n; i++) {
        cc_fac_state *fs = &F->f[i];
        fs->admissions = fs->releases = fs->deaths_other = fs->deaths_disease = 0;
    }
}

void cc_facilities_begin_day(cc_facilities *F, const cc_scenario *s, int32_t day)
{
    for (int i = 0; i < F->n; i++) {
        cc_fac_state *fs = &F->f[i];
        double c = cc_schedule_at(&s->facility[i].capacity, day) + fs->capacity_extra;
        fs->capacity = c > 0 ? c : 0;
    }
    for (int g = 0; g < CC_INTAKE_GROUPS; g++) {
        cc_intake *in = &F->intake[g];
        double total = 0;
        int open = 0;
        for (int k = 0; k < in->n; k++) {
            int i = in->fac[k];
            bool ok = !F->f[i].closed && s->facility[i].opens <= day;
            double w = ok ? cc_schedule_at(&s->facility[i].intake_share, day) : 0;
            if (s->facility[i].intake_share.n == 0)
                w = ok ? 1.0 : 0; /* no share given: equal weights */
            open += ok;
            total += w > 0 ? w : 0;
            in->cum[k] = total;
        }
        if (total <= 0 && open > 0) { /* every share zero: uniform among the open */
            total = 0;
            for (int k = 0; k < in->n; k++) {
                int i = in->fac[k];
                total += (!F->f[i].closed && s->facility[i].opens <= day) ? 1.0 : 0.0;
                in->cum[k] = total;
            }
        }
    }
}

int cc_facilities_pick(const cc_facilities *F, cc_facility_type type, bool female, double u)
{
    const cc_intake *in = &F->intake[intake_group(type, female)];
    if (in->n == 0 || !(in->cum[in->n - 1] > 0))
        return -1;
    double x = u * in->cum[in->n - 1];
    int lo = 0, hi = in->n - 1; /* first k with cum[k] > x */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (in->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return in->fac[lo];
}

int32_t cc_facility_pick_cell(const cc_fac_state *fs, cc_cell_fill fill, double u)
{
    if (fill == CC_FILL_RANDOM) {
        int32_t c = (int32_t)(u * fs->ncells);
        return c < fs->ncells ? c : fs->ncells - 1;
    }
    return fs->order[0];
}

static void swap_order(cc_fac_state *fs, int32_t i, int32_t j)
{
    int32_t a = fs->order[i], b = fs->order[j];
    fs->order[i] = b;
    fs->order[j] = a;
    fs->opos[b] = i;
    fs->opos[a] = j;
}

int cc_facility_add(cc_facilities *F, cc_people_store *P, int f, int32_t cell, int32_t p)
{
    cc_fac_state *fs = &F->f[f];
    cc_cell *c = &fs->cells[cell];
    int32_t k = c->n;
    if (k + 2 >= fs->nbound) {
        int32_t nb = fs->nbound * 2;
        int32_t *q = realloc(fs->bound, (size_t)nb * sizeof *q);
        if (!q)
            return -1;
        for (int32_t i = fs->nbound; i < nb; i++)
            q[i] = fs->ncells;
        fs->bound = q;
        fs->nbound = nb;
    }
    if (grow_i32(&fs->members, &fs->cap, fs->n + 1) || grow_i32(&c->m, &c->cap, c->n + 1))
        return -1;
    /* move the cell from bucket k to bucket k + 1 */
    swap_order(fs, fs->opos[cell], fs->bound[k + 1] - 1);
    fs->bound[k + 1]--;
    P->rec[p].loc.cpos = c->n;
    c->m[c->n++] = p;
    P->rec[p].loc.fpos = fs->n;
    fs->members[fs->n++] = p;
    P->rec[p].loc.facility = (int16_t)f;
    P->rec[p].loc.cell = cell;
    fs->state_n[P->rec[p].state]++;
    return 0;
}

void cc_facility_remove(cc_facilities *F, cc_people_store *P, int32_t p)
{
    int f = P->rec[p].loc.facility;
    cc_fac_state *fs = &F->f[f];
    int32_t cell = P->rec[p].loc.cell;
    cc_cell *c = &fs->cells[cell];
    int32_t k = c->n;
    /* move the cell from bucket k to bucket k - 1 */
    swap_order(fs, fs->opos[cell], fs->bound[k]);
    fs->bound[k]++;
    int32_t last = c->m[--c->n];
    c->m[P->rec[p].loc.cpos] = last;
    P->rec[last].loc.cpos = P->rec[p].loc.cpos;
    last = fs->members[--fs->n];
    fs->members[P->rec[p].loc.fpos] = last;
    P->rec[last].loc.fpos = P->rec[p].loc.fpos;
    fs->state_n[P->rec[p].state]--;
    P->rec[p].loc.facility = CC_NO_FACILITY;
    P->rec[p].loc.cell = -1;
    P->rec[p].loc.fpos = P->rec[p].loc.cpos = -1;
}

double cc_facility_occupancy(const cc_fac_state *fs)
{
    if (fs->capacity > 0)
        return (double)fs->n / fs->capacity;
    return fs->n > 0 ? (double)fs->n : 0.0;
}

int cc_facilities_check(const cc_facilities *F, const cc_people_store *P)
{
    for (int f = 0; f < F->n; f++) {
        const cc_fac_state *fs = &F->f[f];
        int64_t sum = 0;
        for (int st = 0; st < CC_ST_COUNT; st++)
            sum += fs->state_n[st];
        if (sum != fs->n)
            return -1;
        int64_t cells = 0;
        for (int32_t c = 0; c < fs->ncells; c++) {
            cells += fs->cells[c].n;
            for (int32_t i = 0; i < fs->cells[c].n; i++) {
                int32_t p = fs->cells[c].m[i];
                if (P->rec[p].loc.facility != f || P->rec[p].loc.cell != c || P->rec[p].loc.cpos != i)
                    return -2;
            }
        }
        if (cells != fs->n)
            return -3;
        for (int32_t i = 0; i < fs->n; i++) {
            int32_t p = fs->members[i];
            if (P->rec[p].loc.facility != f || P->rec[p].loc.fpos != i)
                return -4;
        }
        /* order/bound agree with the cell counts */
        for (int32_t i = 0; i < fs->ncells; i++) {
            int32_t c = fs->order[i];
            int32_t k = fs->cells[c].n;
            if (fs->opos[c] != i || k + 1 >= fs->nbound || i < fs->bound[k] || i >= fs->bound[k + 1])
                return -5;
        }
    }
    return 0;
}
