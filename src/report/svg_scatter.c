/*
 * svg_scatter.c - the scatter plot of the svg module (svg.h): points on two
 * nice-tick axes, coloured by group, with a deterministic thinning rule for
 * inputs above max_points (svg_scatter_write; the dashboard's cluster
 * scatter). The axes and legend come from svg_core.c.
 */
#include "report/svg_internal.h"

#include <math.h>
#include <stdint.h>

#include "util/fmt.h"

/* splitmix64's output function (Steele, Lea & Flood 2014): a fixed
 * integer hash, used to pick points deterministically. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* First index of point kept from the block starting at `start` (see below). */
static size_t block_pick(size_t start, size_t stride, size_t n)
{
    if (stride <= 1)
        return start;
    size_t len = n - start < stride ? n - start : stride;
    return start + (size_t)(mix64((uint64_t)(start / stride)) % len);
}

/*
 * Scatter plot. With more than max points the input is cut into blocks of
 * s = ceil(n / max) consecutive points and one point per block is kept, at
 * the offset hash(block) mod (block length) -- so ceil(n / s) <= max points
 * remain, spread evenly over the input, identical on every run, and a
 * periodic input order (e.g. groups interleaved as 0,1,2,3,0,1,...) cannot
 * alias the way "every s-th point" would. The description says so. Points
 * are drawn group by group (one <g fill> each), in input order within one.
 */
sr_status svg_scatter_write(sr_buf *b, const svg_scatter *c)
{
    if (!svgi_meta_ok(b, c, c ? &c->meta : NULL) || (c->n && (!c->x || !c->y)))
        return SR_EUSAGE;
    size_t groups = c->n_groups ? c->n_groups : 1;
    if (c->group)
        for (size_t i = 0; i < c->n; i++)
            if (c->group[i] >= groups)
                return SR_EUSAGE;
    size_t maxp = c->max_points ? c->max_points : SVG_SCATTER_MAX_POINTS;
    size_t stride = c->n > maxp ? (c->n + maxp - 1) / maxp : 1;
    double xlo = 0, xhi = 0, ylo = 0, yhi = 0;
    size_t shown = 0;
    for (size_t blk = 0; blk < c->n; blk += stride) {
        size_t i = block_pick(blk, stride, c->n);
        if (!isfinite(c->x[i]) || !isfinite(c->y[i]))
            continue;
        if (!shown || c->x[i] < xlo)
            xlo = c->x[i];
        if (!shown || c->x[i] > xhi)
            xhi = c->x[i];
        if (!shown || c->y[i] < ylo)
            ylo = c->y[i];
        if (!shown || c->y[i] > yhi)
            yhi = c->y[i];
        shown++;
    }
    if (shown == 0)
        return svgi_empty_write(b, "scatter", &c->meta, WIDTH);
    svg_ticks tx = svgi_axis_ticks(xlo, xhi, 6, &c->x_fmt);
    svg_ticks ty = svgi_axis_ticks(ylo, yhi, 5, &c->y_fmt);
    bool legend = c->group_names != NULL;
    svgi_plot_box p;
    double h = svgi_xy_layout(&p, legend, 300, &ty, &c->y_fmt, c->x_title, c->y_title);

    sr_buf d = SR_BUF_INIT, note = SR_BUF_INIT;
    sr_buf_printf(&d, "Scatter plot of %zu point%s", c->n, c->n == 1 ? "" : "s");
    if (c->x_title && c->y_title)
        sr_buf_printf(&d, ", %s against %s", c->y_title, c->x_title);
    sr_buf_putc(&d, '.');
    if (stride > 1) {
        char a[32], t[32];
        sr_buf_printf(&note,
                      "Showing %s of %s points (one from each run of %zu consecutive points, "
                      "chosen by a fixed rule).",
                      sr_fmt_count(a, sizeof a, (long long)((c->n + stride - 1) / stride)),
                      sr_fmt_count(t, sizeof t, (long long)c->n), stride);
    }
    svgi_open(b, "scatter", &c->meta, WIDTH, h, sr_buf_str(&d),
              stride > 1 ? sr_buf_str(&note) : NULL);
    bool nomem = sr_buf_failed(&d) || sr_buf_failed(&note);
    sr_buf_free(&d);
    sr_buf_free(&note);

    svgi_y_axis(b, &p, &ty, &c->y_fmt);
    svgi_x_axis(b, &p, &tx, &c->x_fmt);
    svgi_axis_titles(b, &p, c->x_title, h - 8, c->y_title);
    if (legend)
        svgi_legend_row(b, p.left, 14, c->group_names, c->n_groups, false, WIDTH - 8);
    for (size_t g = 0; g < groups; g++) {
        sr_buf_printf(b, "<g fill=\"%s\" fill-opacity=\"0.75\">", svg_palette_color(g));
        if (legend && g < c->n_groups)
            svgi_tooltip(b, svgi_lab(c->group_names, g));
        for (size_t blk = 0; blk < c->n; blk += stride) {
            size_t i = block_pick(blk, stride, c->n);
            if ((c->group ? c->group[i] : 0) != g || !isfinite(c->x[i]) || !isfinite(c->y[i]))
                continue;
            sr_buf_puts(b, "<circle");
            svgi_attr(b, "cx", svgi_plot_x(&p, &tx, c->x[i]));
            svgi_attr(b, "cy", svgi_plot_y(&p, &ty, c->y[i]));
            sr_buf_puts(b, " r=\"2.5\"/>");
        }
        sr_buf_puts(b, "</g>");
    }
    sr_status st = svgi_close(b);
    return nomem ? SR_ENOMEM : st;
}
