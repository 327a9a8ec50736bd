/*
 * svg_bars.c - the bar-chart family of the svg module (svg.h): horizontal
 * bars (svg_hbar_write, for long category names and ranked lists) and
 * vertical columns on a nice-tick value axis (svg_columns_write, for short
 * or ordered categories such as age bands and seasons). Both draw one
 * svg_bars spec, one bar per label, from the zero line in one palette
 * colour, with the shared frame, text and axis primitives of svg_core.c.
 */
#include "report/svg_internal.h"

#include <math.h>
#include <string.h>

/* Widest label and widest formatted value of c, in code points (at least 1). */
static void bars_widths(const svg_bars *c, size_t *lab_cp, size_t *val_cp)
{
    *lab_cp = *val_cp = 1;
    for (size_t i = 0; i < c->n; i++) {
        char s[128];
        size_t k = svgi_text_cp(svgi_lab(c->labels, i));
        *lab_cp = k > *lab_cp ? k : *lab_cp;
        k = strlen(svg_value_format(s, sizeof s, &c->fmt, c->values[i]));
        *val_cp = k > *val_cp ? k : *val_cp;
    }
}

/* Opens the WIDTH x h svg of kind `kind` with the generated description
 * "<what> with 3 <unit>s. A: 1; B: 2; C: 3." (the first 12 bars). Returns
 * true when the description buffer ran out of memory. */
static bool bars_open(sr_buf *b, const svg_bars *c, const char *kind, double h, const char *what,
                      const char *unit)
{
    sr_buf d = SR_BUF_INIT;
    sr_buf_printf(&d, "%s with %zu %s%s. ", what, c->n, unit, c->n == 1 ? "" : "s");
    svgi_desc_list(&d, c->labels, c->values, c->n, &c->fmt, 0, 12);
    svgi_open(b, kind, &c->meta, WIDTH, h, sr_buf_str(&d), NULL);
    bool nomem = sr_buf_failed(&d);
    sr_buf_free(&d);
    return nomem;
}

/*
 * Horizontal bars: labels right-aligned in a left column (at most 40 % of the
 * width, longer labels cut), bars from the zero line, values after the bar
 * end. The value domain is [min(0, min v), max(0, max v)], so the largest
 * bar spans the whole plot width; height grows by 22 units per bar.
 */
sr_status svg_hbar_write(sr_buf *b, const svg_bars *c)
{
    if (!svgi_meta_ok(b, c, c ? &c->meta : NULL) || (c->n && !c->values))
        return SR_EUSAGE;
    if (c->n == 0)
        return svgi_empty_write(b, "hbar", &c->meta, WIDTH);
    const double row = 22, bar = 14, fs = FONT_SIZE;
    size_t lab_cp, val_cp;
    double lo = 0, hi = 0;
    svgi_finite_range(c->values, c->n, &lo, &hi);
    bars_widths(c, &lab_cp, &val_cp);
    double lab_max = WIDTH * 0.4;
    size_t lab_fit = svgi_fit_cp(lab_max, fs);
    if (lab_cp > lab_fit)
        lab_cp = lab_fit;
    double x0 = 8 + svgi_text_w(lab_cp, fs) + 8;
    double x1 = WIDTH - 8 - svgi_text_w(val_cp, fs) - 6;
    double top = 8 + (c->cat_title ? 20 : 0);
    double h = top + (double)c->n * row + (c->value_title ? 30 : 8);
    double dmin = lo < 0 ? lo : 0, dmax = hi > 0 ? hi : 0;
    if (dmax - dmin <= 0)
        dmax = 1;
    double scale = (x1 - x0) / (dmax - dmin);
    double zx = x0 + (0 - dmin) * scale;

    bool nomem = bars_open(b, c, "hbar", h, "Horizontal bar chart", "bar");

    if (c->cat_title)
        svgi_text_el(b, 8, 8 + fs, "start", fs, " font-weight=\"600\"", c->cat_title,
                     svgi_fit_cp(WIDTH - 16, fs));
    if (dmin < 0)
        svgi_line(b, zx, top - 2, zx, top + (double)c->n * row + 2, " stroke=\"currentColor\"");
    const char *color = svg_palette_color(c->color);
    for (size_t i = 0; i < c->n; i++) {
        double v = c->values[i], y = top + (double)i * row;
        sr_buf d2 = SR_BUF_INIT;
        svgi_put_label_value(&d2, svgi_lab(c->labels, i), &c->fmt, v);
        nomem |= svgi_group_open(b, &d2);
        svgi_text_el(b, x0 - 8, y + row / 2, "end", fs, " dy=\"0.35em\"", svgi_lab(c->labels, i),
                     lab_cp);
        double end = zx;
        if (isfinite(v)) {
            double vx = x0 + (v - dmin) * scale;
            svgi_rect(b, v < 0 ? vx : zx, y + (row - bar) / 2, fabs(vx - zx), bar, color);
            end = vx > zx ? vx : zx;
        }
        char s[128];
        svgi_text_el(b, end + 4, y + row / 2, "start", fs, " dy=\"0.35em\"",
                     svg_value_format(s, sizeof s, &c->fmt, v), 0);
        sr_buf_puts(b, "</g>");
    }
    if (c->value_title)
        svgi_text_el(b, (x0 + x1) / 2, top + (double)c->n * row + 20, "middle", fs,
                     " fill-opacity=\"0.8\"", c->value_title, svgi_fit_cp(WIDTH - 16, fs));
    sr_status st = svgi_close(b);
    return nomem ? SR_ENOMEM : st;
}

/*
 * Vertical bars on a nice-tick y axis. Category labels are horizontal when
 * the widest fits its slot; otherwise rotated -45 degrees (slots of at least
 * 20 units) or -90 degrees, cut to 20 characters, with a font that shrinks
 * to the slot width so neighbours do not overlap. Values are printed above
 * the bars when every one fits its slot and none is negative.
 */
sr_status svg_columns_write(sr_buf *b, const svg_bars *c)
{
    if (!svgi_meta_ok(b, c, c ? &c->meta : NULL) || (c->n && !c->values))
        return SR_EUSAGE;
    if (c->n == 0)
        return svgi_empty_write(b, "columns", &c->meta, WIDTH);
    double lo = 0, hi = 0;
    svgi_finite_range(c->values, c->n, &lo, &hi);
    svg_ticks t = svgi_axis_ticks(lo < 0 ? lo : 0, hi > 0 ? hi : 0, 5, &c->fmt);
    svgi_plot_box p;
    p.top = 18;
    p.h = 240;
    p.left = 8 + (c->value_title ? 18 : 0) +
             svgi_text_w(svgi_ticks_width_cp(&t, &c->fmt), TICK_SIZE) + 6;
    p.w = WIDTH - p.left - 12;
    double slot = p.w / (double)c->n;
    double barw = fmin(slot * 0.7, 60);

    size_t lab_cp, val_cp;
    bars_widths(c, &lab_cp, &val_cp);
    bool show_values = lo >= 0 && svgi_text_w(val_cp, TICK_SIZE) <= slot - 2;
    double lfs = FONT_SIZE, angle = 0, extent;
    size_t lab_max = lab_cp;
    if (svgi_text_w(lab_cp, FONT_SIZE) <= slot - 4) {
        extent = FONT_SIZE + 4;
    } else {
        lab_max = lab_cp > 20 ? 20 : lab_cp;
        angle = slot >= 20 ? -45 : -90;
        /* Rotated labels sit slot*sin(angle) apart, perpendicular to the text. */
        double gap = angle == -45 ? slot * 0.7071 : slot;
        lfs = fmin(FONT_SIZE, fmax(6, gap * 0.9));
        extent =
            angle == -45 ? svgi_text_w(lab_max, lfs) * 0.7071 + lfs : svgi_text_w(lab_max, lfs);
        extent += 10;
    }
    double bottom = 6 + extent + (c->cat_title ? 22 : 0) + 4;
    double h = p.top + p.h + bottom;

    bool nomem = bars_open(b, c, "columns", h, "Column chart", "column");

    svgi_y_axis(b, &p, &t, &c->fmt);
    double span = t.max - t.min;
    double zy = p.top + p.h - (0 - t.min) / span * p.h;
    const char *color = svg_palette_color(c->color);
    for (size_t i = 0; i < c->n; i++) {
        double v = c->values[i];
        double cx = p.left + ((double)i + 0.5) * slot;
        sr_buf d2 = SR_BUF_INIT;
        svgi_put_label_value(&d2, svgi_lab(c->labels, i), &c->fmt, v);
        nomem |= svgi_group_open(b, &d2);
        if (isfinite(v)) {
            double vy = p.top + p.h - (v - t.min) / span * p.h;
            svgi_rect(b, cx - barw / 2, v < 0 ? zy : vy, barw, fabs(vy - zy), color);
            if (show_values) {
                char s[128];
                svgi_text_el(b, cx, vy - 4, "middle", TICK_SIZE, NULL,
                             svg_value_format(s, sizeof s, &c->fmt, v), 0);
            }
        }
        double ly = p.top + p.h + 6;
        if (angle == 0)
            svgi_text_el(b, cx, ly + FONT_SIZE, "middle", lfs, NULL, svgi_lab(c->labels, i), 0);
        else if (angle == -45)
            svgi_text_rot(b, cx + lfs * 0.3, ly + lfs * 0.6, angle, "end", lfs, NULL,
                          svgi_lab(c->labels, i), lab_max);
        else
            svgi_text_rot(b, cx, ly, angle, "end", lfs, " dy=\"0.35em\"", svgi_lab(c->labels, i),
                          lab_max);
        sr_buf_puts(b, "</g>");
    }
    svgi_line(b, p.left, zy, p.left + p.w, zy, " stroke=\"currentColor\"");
    svgi_axis_titles(b, &p, c->cat_title, h - 10, c->value_title);
    sr_status st = svgi_close(b);
    return nomem ? SR_ENOMEM : st;
}
