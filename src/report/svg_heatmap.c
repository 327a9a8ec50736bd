/*
 * svg_heatmap.c - the heatmap of the svg module (svg.h): a grid of cells
 * on the sequential blue ramp with printed values, row and column labels
 * and a stepped legend (svg_heatmap_write; the dashboard's RFM grid). It
 * uses the ramp, text and frame primitives of svg_core.c.
 */
#include "report/svg_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/*
 * Grid of cells coloured by value on the sequential ramp over
 * [min v, max v] (so a nearly even grid still shows its differences; the
 * legend gives the range), each with its value printed in black or white for
 * contrast (omitted when it would not fit), row labels left, column labels
 * below, and a stepped legend on the right.
 */
sr_status svg_heatmap_write(sr_buf *b, const svg_heatmap *c)
{
    if (!svgi_meta_ok(b, c, c ? &c->meta : NULL))
        return SR_EUSAGE;
    size_t n = c->rows * c->cols;
    if (c->cols && n / c->cols != c->rows)
        return SR_EUSAGE;
    if (n && !c->values)
        return SR_EUSAGE;
    double lo = 0, hi = 0;
    if (n == 0 || !svgi_finite_range(c->values, n, &lo, &hi))
        return svgi_empty_write(b, "heatmap", &c->meta, WIDTH);
    if (hi <= lo)
        hi = lo + 1;
    size_t row_cp = 1;
    for (size_t r = 0; r < c->rows; r++) {
        size_t k = svgi_text_cp(svgi_lab(c->row_labels, r));
        row_cp = k > row_cp ? k : row_cp;
    }
    if (row_cp > 20)
        row_cp = 20;
    char smin[96], smax[96];
    svg_value_format(smin, sizeof smin, &c->fmt, lo);
    svg_value_format(smax, sizeof smax, &c->fmt, hi);
    double leg_w = 14 + 6 + svgi_text_w(fmax(strlen(smin), strlen(smax)), TICK_SIZE);
    double left = 8 + (c->row_title ? 22 : 0) + svgi_text_w(row_cp, FONT_SIZE) + 8;
    double right = leg_w + 24;
    double gw = WIDTH - left - right;
    double cw = fmin(96, gw / (double)c->cols);
    double ch = fmax(22, fmin(40, cw * 0.6));
    double top = 8;
    double gh = ch * (double)c->rows;
    const double step_h = 14;
    double h = top + gh + 24 + (c->col_title ? 20 : 0) + 6;
    h = fmax(h, top + 9 * step_h + 16);

    sr_buf d = SR_BUF_INIT;
    sr_buf_printf(&d, "Heatmap with %zu rows and %zu columns", c->rows, c->cols);
    if (c->row_title && c->col_title)
        sr_buf_printf(&d, " (%s by %s)", c->row_title, c->col_title);
    sr_buf_printf(&d, "; values from %s to %s.", smin, smax);
    svgi_open(b, "heatmap", &c->meta, WIDTH, h, sr_buf_str(&d), NULL);
    bool nomem = sr_buf_failed(&d);
    sr_buf_free(&d);

    size_t col_fit = svgi_fit_cp(cw - 4, FONT_SIZE);
    for (size_t r = 0; r < c->rows; r++) {
        double y = top + (double)r * ch;
        svgi_text_el(b, left - 8, y + ch / 2, "end", FONT_SIZE, " dy=\"0.35em\"",
                     svgi_lab(c->row_labels, r), row_cp);
        for (size_t k = 0; k < c->cols; k++) {
            double v = c->values[r * c->cols + k];
            double x = left + (double)k * cw;
            char s[96];
            svg_value_format(s, sizeof s, &c->fmt, v);
            sr_buf d2 = SR_BUF_INIT;
            sr_buf_printf(&d2, "%s, %s: %s", svgi_lab(c->row_labels, r), svgi_lab(c->col_labels, k),
                          s);
            nomem |= svgi_group_open(b, &d2);
            if (isfinite(v)) {
                const char *fill = svg_sequential_color((v - lo) / (hi - lo));
                svgi_rect(b, x + 1, y + 1, cw - 2, ch - 2, fill);
                if (svgi_text_w(strlen(s), FONT_SIZE) <= cw - 6) {
                    char extra[64];
                    snprintf(extra, sizeof extra, " dy=\"0.35em\" fill=\"%s\"",
                             svg_text_color_on(fill));
                    svgi_text_el(b, x + cw / 2, y + ch / 2, "middle", FONT_SIZE, extra, s, 0);
                }
            } else {
                sr_buf_puts(b, "<rect");
                svgi_attr(b, "x", x + 1.5);
                svgi_attr(b, "y", y + 1.5);
                svgi_attr(b, "width", cw - 3);
                svgi_attr(b, "height", ch - 3);
                sr_buf_puts(b, " fill=\"none\" style=\"" GRID_STYLE "\"/>");
                svgi_text_el(b, x + cw / 2, y + ch / 2, "middle", FONT_SIZE,
                             " dy=\"0.35em\" fill-opacity=\"0.6\"", "\xE2\x80\x93", 0);
            }
            sr_buf_puts(b, "</g>");
        }
    }
    for (size_t k = 0; k < c->cols; k++)
        svgi_text_el(b, left + ((double)k + 0.5) * cw, top + gh + 16, "middle", FONT_SIZE, NULL,
                     svgi_lab(c->col_labels, k), col_fit);
    if (c->col_title)
        svgi_text_el(b, left + cw * (double)c->cols / 2, top + gh + 36, "middle", FONT_SIZE,
                     " fill-opacity=\"0.8\"", c->col_title, svgi_fit_cp(gw, FONT_SIZE));
    if (c->row_title)
        svgi_text_rot(b, 16, top + gh / 2, -90, "middle", FONT_SIZE,
                      " dy=\"0.35em\" fill-opacity=\"0.8\"", c->row_title,
                      svgi_fit_cp(gh + 16, FONT_SIZE));
    /* Legend: the nine ramp steps, darkest (max) at the top. */
    double lgx = WIDTH - right + 16;
    for (int s = 0; s < 9; s++)
        svgi_rect(b, lgx, top + (double)s * step_h, 14, step_h, svgi_ramp[8 - s]);
    svgi_text_el(b, lgx + 20, top + 6, "start", TICK_SIZE, " dy=\"0.35em\"", smax, 0);
    svgi_text_el(b, lgx + 20, top + 9 * step_h - 6, "start", TICK_SIZE, " dy=\"0.35em\"", smin, 0);
    sr_status st = svgi_close(b);
    return nomem ? SR_ENOMEM : st;
}
