/*
 * svg_line.c - the line chart of the svg module (svg.h): up to three series
 * over a numeric x axis, each a line with a distinct marker shape per point
 * (svg_line_write; the dashboard's k-means elbow and silhouette curves). The
 * axes, markers and legend come from svg_core.c.
 */
#include "report/svg_internal.h"

#include <math.h>

/* Range of the points with finite x and y over all series; false when
 * there is none (the outputs are then untouched). */
static bool line_range(const svg_line *c, double *xlo, double *xhi, double *ylo, double *yhi)
{
    bool any = false;
    for (size_t s = 0; s < c->n_series; s++)
        for (size_t i = 0; i < c->n; i++) {
            double v = c->series[s].y[i];
            if (!isfinite(v) || !isfinite(c->x[i]))
                continue;
            if (!any || v < *ylo)
                *ylo = v;
            if (!any || v > *yhi)
                *yhi = v;
            if (!any || c->x[i] < *xlo)
                *xlo = c->x[i];
            if (!any || c->x[i] > *xhi)
                *xhi = c->x[i];
            any = true;
        }
    return any;
}

/* "Line chart with 9 points. SSE: 2 1,234, 3 987, ...; Silhouette: ...":
 * the first 20 points of each series. */
static void line_describe(sr_buf *d, const svg_line *c)
{
    sr_buf_printf(d, "Line chart with %zu point%s", c->n, c->n == 1 ? "" : "s");
    for (size_t s = 0; s < c->n_series; s++) {
        sr_buf_printf(d, "%s %s: ", s ? ";" : ".",
                      c->series[s].name ? c->series[s].name : "series");
        for (size_t i = 0; i < c->n && i < 20; i++) {
            char xs[96], ys[96];
            sr_buf_printf(d, "%s%s %s", i ? ", " : "",
                          svg_value_format(xs, sizeof xs, &c->x_fmt, c->x[i]),
                          svg_value_format(ys, sizeof ys, &c->y_fmt, c->series[s].y[i]));
        }
        if (c->n > 20)
            sr_buf_puts(d, ", ...");
    }
    sr_buf_putc(d, '.');
}

/* Series s: one path through its points (a NaN starts a new subpath), then
 * a marker with a "name: x, y" tooltip per point. Returns true when a
 * tooltip buffer ran out of memory. */
static bool line_series(sr_buf *b, const svg_line *c, size_t s, const svgi_plot_box *p,
                        const svg_ticks *tx, const svg_ticks *ty)
{
    const char *color = svg_palette_color(s);
    const double *y = c->series[s].y;
    bool nomem = false;
    sr_buf_printf(b,
                  "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                  "stroke-linejoin=\"round\" d=\"",
                  color);
    bool pen = false;
    for (size_t i = 0; i < c->n; i++) {
        if (!isfinite(y[i]) || !isfinite(c->x[i])) {
            pen = false;
            continue;
        }
        sr_buf_putc(b, pen ? 'L' : 'M');
        svgi_num(b, svgi_plot_x(p, tx, c->x[i]));
        sr_buf_putc(b, ' ');
        svgi_num(b, svgi_plot_y(p, ty, y[i]));
        pen = true;
    }
    sr_buf_puts(b, "\"/>");
    for (size_t i = 0; i < c->n; i++) {
        if (!isfinite(y[i]) || !isfinite(c->x[i]))
            continue;
        char xs[96], ys[96];
        sr_buf d2 = SR_BUF_INIT;
        sr_buf_printf(&d2, "%s: %s, %s", c->series[s].name ? c->series[s].name : "series",
                      svg_value_format(xs, sizeof xs, &c->x_fmt, c->x[i]),
                      svg_value_format(ys, sizeof ys, &c->y_fmt, y[i]));
        nomem |= svgi_group_open(b, &d2);
        svgi_marker(b, s, svgi_plot_x(p, tx, c->x[i]), svgi_plot_y(p, ty, y[i]), color);
        sr_buf_puts(b, "</g>");
    }
    return nomem;
}

/*
 * Line chart: nice ticks on both axes, y gridlines, each series a 2-unit
 * line with a marker per point (tooltip "name: x, y"). NaN y values break
 * the line; points with NaN x are skipped.
 */
sr_status svg_line_write(sr_buf *b, const svg_line *c)
{
    if (!svgi_meta_ok(b, c, c ? &c->meta : NULL) || c->n_series > SVG_LINE_MAX_SERIES ||
        (c->n && (!c->x || !c->series)))
        return SR_EUSAGE;
    for (size_t s = 0; c->n && s < c->n_series; s++)
        if (!c->series[s].y)
            return SR_EUSAGE;
    double ylo = 0, yhi = 0, xlo = 0, xhi = 0;
    if (c->n == 0 || c->n_series == 0 || !line_range(c, &xlo, &xhi, &ylo, &yhi))
        return svgi_empty_write(b, "line", &c->meta, WIDTH);
    if (c->y_from_zero) {
        ylo = fmin(ylo, 0);
        yhi = fmax(yhi, 0);
    }
    svg_ticks ty = svgi_axis_ticks(ylo, yhi, 5, &c->y_fmt);
    size_t xt = c->n - 1 < 2 ? 2 : c->n - 1 > 10 ? 10 : c->n - 1;
    svg_ticks tx = svgi_axis_ticks(xlo, xhi, xt, &c->x_fmt);
    if (xlo == xhi) { /* one x value: centre it */
        tx.min = xlo - tx.step;
        tx.max = xlo + tx.step;
        tx.count = 3;
    }
    bool legend = false;
    for (size_t s = 0; s < c->n_series; s++)
        legend |= c->series[s].name != NULL;
    svgi_plot_box p;
    double h = svgi_xy_layout(&p, legend, 240, &ty, &c->y_fmt, c->x_title, c->y_title);

    sr_buf d = SR_BUF_INIT;
    line_describe(&d, c);
    svgi_open(b, "line", &c->meta, WIDTH, h, sr_buf_str(&d), NULL);
    bool nomem = sr_buf_failed(&d);
    sr_buf_free(&d);

    svgi_y_axis(b, &p, &ty, &c->y_fmt);
    svgi_x_axis(b, &p, &tx, &c->x_fmt);
    svgi_axis_titles(b, &p, c->x_title, h - 8, c->y_title);
    if (legend) {
        const char *names[SVG_LINE_MAX_SERIES];
        for (size_t s = 0; s < c->n_series; s++)
            names[s] = c->series[s].name ? c->series[s].name : "";
        svgi_legend_row(b, p.left, 14, names, c->n_series, true, WIDTH - 8);
    }
    for (size_t s = 0; s < c->n_series; s++)
        nomem |= line_series(b, c, s, &p, &tx, &ty);
    sr_status st = svgi_close(b);
    return nomem ? SR_ENOMEM : st;
}
