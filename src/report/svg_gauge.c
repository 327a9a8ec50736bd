/*
 * svg_gauge.c - the gauge of the svg module (svg.h): a 0..100 semicircle
 * with three coloured bands, a progress arc and a needle
 * (svg_gauge_write; the dashboard's sentiment score). The arcs are drawn
 * with the ring and point helpers of svg_core.c.
 */
#include "report/svg_internal.h"

#include <math.h>
#include <stdio.h>

#include "util/fmt.h"

/* Starts a path along the track of radius r around (cx, cy), clockwise from
 * the left end (angle pi) to angle a1; the caller closes the d attribute
 * and adds the paint. */
static void track_arc(sr_buf *b, double cx, double cy, double r, double a1)
{
    sr_buf_puts(b, "<path d=\"M");
    svgi_pt(b, cx, cy, r, PI);
    svgi_arc_to(b, cx, cy, r, a1, 0, 1);
}

/*
 * Semicircular gauge 0..100: a thin outer ring in three bands (vermillion,
 * orange, bluish green from the Okabe-Ito set, standing for red, amber,
 * green), an inner track with a progress arc in the colour of the value's
 * band, a needle to the value, and the value printed large in the middle.
 */
sr_status svg_gauge_write(sr_buf *b, const svg_gauge *c)
{
    if (!svgi_meta_ok(b, c, c ? &c->meta : NULL))
        return SR_EUSAGE;
    double amber = c->amber_from, green = c->green_from;
    if (amber == 0 && green == 0) {
        amber = 50;
        green = 75;
    }
    if (!(amber > 0 && amber < green && green < 100))
        return SR_EUSAGE;
    const double w = 320, h = 184, cx = 160, cy = 150, R = 128;
    static const char *const band_col[3] = {"#D55E00", "#E69F00", "#009E73"};
    static const char *const band_name[3] = {"low", "medium", "high"};
    double v = c->value;
    bool ok = isfinite(v);
    if (ok)
        v = fmin(100, fmax(0, v));
    char vs[64];
    if (ok)
        sr_fmt_num(vs, sizeof vs, v, svgi_clamp_decimals(c->decimals));
    else
        snprintf(vs, sizeof vs, "n/a");
    int band = !ok ? -1 : v >= green ? 2 : v >= amber ? 1 : 0;

    sr_buf d = SR_BUF_INIT;
    char sa[32], sg[32];
    sr_fmt_num(sa, sizeof sa, amber, 0);
    sr_fmt_num(sg, sizeof sg, green, 0);
    sr_buf_printf(&d,
                  "Gauge: %s out of 100%s%s. Bands: low below %s, medium %s to %s, high from %s.",
                  vs, band >= 0 ? ", " : "", band >= 0 ? band_name[band] : "", sa, sa, sg, sg);
    svgi_open(b, "gauge", &c->meta, w, h, sr_buf_str(&d), NULL);
    bool nomem = sr_buf_failed(&d);
    sr_buf_free(&d);

    double lim[4] = {0, amber, green, 100};
    for (int k = 0; k < 3; k++)
        svgi_ring_segment(b, cx, cy, R, R - 10, PI + lim[k] / 100 * PI + (k ? 0.006 : 0),
                          PI + lim[k + 1] / 100 * PI - (k < 2 ? 0.006 : 0), band_col[k]);
    /* Track (theme grid colour), then the progress arc. */
    track_arc(b, cx, cy, R - 32, 2 * PI);
    sr_buf_puts(b, "\" fill=\"none\" style=\"" GRID_STYLE "\" stroke-width=\"20\"/>");
    if (ok && v > 0) {
        track_arc(b, cx, cy, R - 32, PI + v / 100 * PI);
        sr_buf_printf(b, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"20\"/>", band_col[band]);
    }
    if (ok) {
        double a = PI + v / 100 * PI;
        sr_buf_puts(b, "<path d=\"M");
        svgi_pt(b, cx, cy, R - 4, a);
        sr_buf_puts(b, "L");
        svgi_pt(b, cx, cy, R - 20, a - 0.05);
        sr_buf_puts(b, "L");
        svgi_pt(b, cx, cy, R - 20, a + 0.05);
        sr_buf_puts(b, "Z\" fill=\"currentColor\"/>");
    }
    svgi_text_el(b, cx, cy - 18, "middle", 34, " font-weight=\"700\"", vs, 0);
    svgi_text_el(b, cx, cy + 2, "middle", TICK_SIZE, " fill-opacity=\"0.75\"",
                 c->caption ? c->caption : "out of 100", 28);
    svgi_text_el(b, cx - R + 5, cy + 18, "middle", TICK_SIZE, " fill-opacity=\"0.75\"", "0", 0);
    svgi_text_el(b, cx + R - 5, cy + 18, "middle", TICK_SIZE, " fill-opacity=\"0.75\"", "100", 0);
    sr_status st = svgi_close(b);
    return nomem ? SR_ENOMEM : st;
}
