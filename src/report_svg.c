/* report_svg.c - line charts of daily series (report_svg.h).
 *
 * The y axis starts at 0 and ends at a round value above the highest point
 * (band included); its ticks are 1, 2 or 5 times a power of ten, labelled
 * compactly (35k, 1.2M). The x axis marks the first of each year, or of
 * each month when the span is under two years (every second or third month
 * when they would crowd). A line of more than 1,000 days is drawn through
 * at most about 1,000 points, which keeps a page of many charts small. */
#include "report_svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"
#include "report_page.h"

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void cc_svg_line_chart(cc_buf *b, const cc_chart *c)
{
    const double W = c->width, H = c->height;
    const double L = c->small ? 46 : 64, R = c->small ? 10 : 170, T = 14, B = c->small ? 34 : 44;
    int from = c->from, to = c->to, n = to - from;
    if (n < 1)
        return;
    double ymax = c->ref > 0 ? c->ref : 0;
    for (int k = 0; k < c->nline; k++)
        for (int i = from; i < to; i++) {
            double y =
                c->line[k].hi && isfinite(c->line[k].hi[i]) ? c->line[k].hi[i] : c->line[k].y[i];
            if (isfinite(y) && y > ymax)
                ymax = y;
        }
    if (ymax <= 0)
        ymax = 1;
    double step = cc_report_axis_step(ymax);
    if (c->small && ymax / step > 4)
        step *= 2;
    double top = ceil(ymax / step - 1e-9) * step;
#define X(i) (L + (W - L - R) * (n > 1 ? (double)((i)-from) / (n - 1) : 0.5))
#define Y(v) (T + (H - T - B) * (1 - (v) / top))
    cc_report_svg_open(b, c->title, W, H);
    char t[64];
    for (double v = 0; v <= top + step / 2; v += step) {
        cc_numfmt_compact(t, sizeof t, v, 0);
        cc_buf_printf(b,
                      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                      L, W - R, Y(v), Y(v), L - 5, Y(v) + 4, t);
    }
    /* x ticks: years, or months over a shorter span */
    int months = n < 730;
    int every = 1;
    if (months) {
        int nm = n / 30 + 1, most = c->small ? 4 : 12;
        while (nm / every > most)
            every++;
    } else if (c->small && n > 4 * 365) {
        every = 2;
    }
    int count = 0;
    for (int i = from; i < to; i++) {
        const char *d = c->date[i];
        if (!d || strlen(d) != 10)
            continue;
        int y = 0, m = 0, dd = 0;
        if (sscanf(d, "%4d-%2d-%2d", &y, &m, &dd) != 3 || dd != 1 || m < 1 || m > 12)
            continue;
        if (!months && m != 1)
            continue;
        if ((months ? (y * 12 + m - 1) : y) % every)
            continue;
        if (months && (m == 1 || count == 0))
            snprintf(t, sizeof t, "%s %d", month_abbr[m - 1], y);
        else if (months)
            snprintf(t, sizeof t, "%s", month_abbr[m - 1]);
        else
            snprintf(t, sizeof t, "%d", y);
        cc_buf_printf(b,
                      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                      X(i), X(i), T, H - B + 4, X(i), H - B + 16, t);
        count++;
    }
    if (!count) { /* no first of a month inside: the first and last dates */
        cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", L, H - B + 16,
                      c->date[from] ? c->date[from] : "");
        cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>", W - R,
                      H - B + 16, c->date[to - 1] ? c->date[to - 1] : "");
    }
    /* axis titles */
    cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">date</text>",
                  (L + W - R) / 2, H - 4);
    cc_buf_printf(b,
                  "<text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" "
                  "text-anchor=\"middle\">",
                  (T + H - B) / 2, (T + H - B) / 2);
    cc_report_html_text(b, c->ylabel);
    cc_buf_printf(b, "</text>");
    cc_buf_printf(b,
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#666\"/>"
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#666\"/>",
                  L, W - R, H - B, H - B, L, L, T, H - B);
    if (c->ref > 0) {
        cc_buf_printf(b,
                      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
                      "stroke-dasharray=\"5 3\"/>",
                      L, W - R, Y(c->ref), Y(c->ref));
        if (c->reflabel) {
            cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"9\">",
                          W - R - 2, Y(c->ref) - 3);
            cc_report_html_text(b, c->reflabel);
            cc_buf_printf(b, "</text>");
        }
    }
    int stride = n > 1000 ? n / 1000 + 1 : 1;
    for (int k = 0; k < c->nline; k++) {
        const cc_line *l = &c->line[k];
        const char *colour = cc_report_colour(k), *dash = cc_report_dash(k);
        if (l->lo && l->hi) {
            cc_buf_printf(b, "<polygon fill=\"%s\" fill-opacity=\"0.2\" points=\"", colour);
            for (int i = from; i < to; i += stride)
                if (isfinite(l->hi[i]))
                    cc_buf_printf(b, "%.1f,%.1f ", X(i), Y(l->hi[i]));
            for (int i = to - 1; i >= from; i -= stride)
                if (isfinite(l->lo[i]))
                    cc_buf_printf(b, "%.1f,%.1f ", X(i), Y(l->lo[i]));
            cc_buf_printf(b, "\"/>");
        }
        cc_buf_printf(b,
                      "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s%s%s "
                      "points=\"",
                      colour, *dash ? " stroke-dasharray=\"" : "", dash, *dash ? "\"" : "");
        for (int i = from; i < to; i += stride)
            if (isfinite(l->y[i]))
                cc_buf_printf(b, "%.1f,%.1f ", X(i), Y(l->y[i]));
        if (isfinite(l->y[to - 1]))
            cc_buf_printf(b, "%.1f,%.1f", X(to - 1), Y(l->y[to - 1]));
        cc_buf_printf(b, "\"/>");
        if (!c->small) {
            double ly = T + 16.0 * k + 6;
            cc_buf_printf(b,
                          "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                          "stroke-width=\"2.5\"%s%s%s/><text x=\"%.1f\" y=\"%.1f\">",
                          W - R + 10, W - R + 34, ly, ly, colour,
                          *dash ? " stroke-dasharray=\"" : "", dash, *dash ? "\"" : "", W - R + 40,
                          ly + 4);
            cc_report_html_text(b, l->label);
            cc_buf_printf(b, "</text>");
        }
    }
    if (!c->small && c->nline && c->line[0].lo) {
        double ly = T + 16.0 * c->nline + 6;
        cc_buf_printf(b,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"24\" height=\"9\" fill=\"%s\" "
                      "fill-opacity=\"0.2\"/><text x=\"%.1f\" y=\"%.1f\">90%% of "
                      "replicates</text>",
                      W - R + 10, ly - 4, cc_report_colour(0), W - R + 40, ly + 4);
    }
#undef X
#undef Y
    cc_report_svg_close(b);
}
