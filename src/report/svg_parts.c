/*
 * svg_parts.c - the parts-of-a-whole family of the svg module (svg.h): a
 * donut with the total in the hole and a legend (svg_donut_write) and one
 * 100 % stacked bar with a wrapping legend (svg_stack_write). Both draw an
 * svg_parts spec in which only positive finite values count, each part in
 * its palette colour in input order, with the primitives of svg_core.c.
 */
#include "report/svg_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"

/* Sum of the positive finite values of c into *total and their number into
 * *nonzero (negative and NaN count as zero); false when there is nothing to
 * draw: no values, or a total that is not positive and finite. */
static bool parts_total(const svg_parts *c, double *total, size_t *nonzero)
{
    double s = 0;
    *nonzero = 0;
    for (size_t i = 0; i < c->n; i++)
        if (isfinite(c->values[i]) && c->values[i] > 0) {
            s += c->values[i];
            (*nonzero)++;
        }
    *total = s;
    return c->n != 0 && s > 0 && isfinite(s);
}

static double part(const double *v, size_t i) { return isfinite(v[i]) && v[i] > 0 ? v[i] : 0; }

/*
 * Donut: segments clockwise from 12 o'clock in input order with a small gap
 * between them, the total in the hole, and a legend (label, value, share).
 * A single non-zero category is a full ring; a zero total is the empty state.
 * Colours cycle after 8 categories; group the tail into "Other" upstream.
 */
sr_status svg_donut_write(sr_buf *b, const svg_parts *c)
{
    if (!svgi_meta_ok(b, c, c ? &c->meta : NULL) || (c->n && !c->values))
        return SR_EUSAGE;
    size_t nz;
    double total;
    if (!parts_total(c, &total, &nz))
        return svgi_empty_write(b, "donut", &c->meta, WIDTH);
    const double row = 22, R = 100, r = 62;
    double h = fmax(236, 16 + (double)c->n * row);
    double cx = 124, cy = h / 2;

    sr_buf d = SR_BUF_INIT;
    char ts[128];
    svg_value_format(ts, sizeof ts, &c->fmt, total);
    sr_buf_printf(&d, "Donut chart, total %s. ", ts);
    svgi_desc_list(&d, c->labels, c->values, c->n, &c->fmt, total, 12);
    svgi_open(b, "donut", &c->meta, WIDTH, h, sr_buf_str(&d), NULL);
    bool nomem = sr_buf_failed(&d);
    sr_buf_free(&d);

    double a = -PI / 2;
    for (size_t i = 0; i < c->n; i++) {
        double v = part(c->values, i);
        if (v <= 0)
            continue;
        double frac = v / total, a1 = a + frac * 2 * PI;
        char p[32];
        sr_buf d2 = SR_BUF_INIT;
        svgi_put_label_value(&d2, svgi_lab(c->labels, i), &c->fmt, c->values[i]);
        sr_buf_printf(&d2, " (%s)", sr_fmt_pct(p, sizeof p, frac, 1));
        nomem |= svgi_group_open(b, &d2);
        if (nz == 1) {
            sr_buf_puts(b, "<circle");
            svgi_attr(b, "cx", cx);
            svgi_attr(b, "cy", cy);
            svgi_attr(b, "r", (R + r) / 2);
            svgi_attr(b, "stroke-width", R - r);
            sr_buf_printf(b, " fill=\"none\" stroke=\"%s\"/>", svg_palette_color(i));
        } else {
            /* A gap of up to 0.012 rad (about 1.2 units at R) separates
             * neighbours without relying on a background colour. */
            double pad = fmin(0.012, (a1 - a) * 0.25);
            svgi_ring_segment(b, cx, cy, R, r, a + pad / 2, a1 - pad / 2, svg_palette_color(i));
        }
        sr_buf_puts(b, "</g>");
        a = a1;
    }
    /* Total in the hole, shrunk to fit its diameter. */
    double tfs = fmin(20, (2 * r - 12) / (svgi_text_w(strlen(ts), 1)));
    svgi_text_el(b, cx, cy - 2, "middle", tfs, " font-weight=\"700\"", ts, 0);
    const char *cl = c->center_label ? c->center_label : "Total";
    svgi_text_el(b, cx, cy + 16, "middle", TICK_SIZE, " fill-opacity=\"0.75\"", cl,
                 svgi_fit_cp(2 * r - 12, TICK_SIZE));

    /* Legend: swatch, label (cut to fit), "value (share)" right-aligned. */
    size_t val_cp = 1;
    for (size_t i = 0; i < c->n; i++) {
        char s[128], p[32];
        svg_value_format(s, sizeof s, &c->fmt, c->values[i]);
        size_t k = strlen(s) + 3 + strlen(sr_fmt_pct(p, sizeof p, part(c->values, i) / total, 1));
        val_cp = k > val_cp ? k : val_cp;
    }
    double lx = 256, right = WIDTH - 8;
    double lab_w = right - svgi_text_w(val_cp, FONT_SIZE) - 12 - (lx + 18);
    size_t lab_fit = svgi_fit_cp(lab_w, FONT_SIZE);
    double ly = cy - (double)c->n * row / 2 + row / 2;
    for (size_t i = 0; i < c->n; i++) {
        double y = ly + (double)i * row;
        char s[128], p[32], vs[180];
        svg_value_format(s, sizeof s, &c->fmt, c->values[i]);
        snprintf(vs, sizeof vs, "%s (%s)", s,
                 sr_fmt_pct(p, sizeof p, part(c->values, i) / total, 1));
        sr_buf d2 = SR_BUF_INIT;
        sr_buf_printf(&d2, "%s: %s", svgi_lab(c->labels, i), vs);
        nomem |= svgi_group_open(b, &d2);
        svgi_rect(b, lx, y - 6, 12, 12, svg_palette_color(i));
        svgi_text_el(b, lx + 18, y, "start", FONT_SIZE, " dy=\"0.35em\"", svgi_lab(c->labels, i),
                     lab_fit);
        svgi_text_el(b, right, y, "end", FONT_SIZE, " dy=\"0.35em\"", vs, 0);
        sr_buf_puts(b, "</g>");
    }
    sr_status st = svgi_close(b);
    return nomem ? SR_ENOMEM : st;
}

/*
 * One full-width bar split into shares (input order, palette colours), the
 * share printed inside segments wide enough for it in a contrasting colour,
 * and a legend that wraps onto as many lines as needed.
 */
sr_status svg_stack_write(sr_buf *b, const svg_parts *c)
{
    if (!svgi_meta_ok(b, c, c ? &c->meta : NULL) || (c->n && !c->values))
        return SR_EUSAGE;
    size_t nz;
    double total;
    if (!parts_total(c, &total, &nz))
        return svgi_empty_write(b, "stack", &c->meta, WIDTH);
    const double bx = 8, bw = WIDTH - 16, by = 8, bh = 32, row = 20;

    /* Legend layout first: it decides the height. */
    size_t lines = 1;
    double x = bx;
    double *lx = malloc(c->n * 2 * sizeof *lx);
    if (!lx)
        return SR_ENOMEM;
    double *lyv = lx + c->n;
    for (size_t i = 0; i < c->n; i++) {
        char s[128], p[32], vs[200];
        svg_value_format(s, sizeof s, &c->fmt, c->values[i]);
        snprintf(vs, sizeof vs, " %s (%s)", s,
                 sr_fmt_pct(p, sizeof p, part(c->values, i) / total, 1));
        size_t k = svgi_text_cp(svgi_lab(c->labels, i));
        size_t cut = svgi_fit_cp(bw / 2, FONT_SIZE);
        double w = 18 + svgi_text_w((k > cut ? cut : k) + strlen(vs), FONT_SIZE) + 16;
        if (x > bx && x + w > bx + bw) {
            lines++;
            x = bx;
        }
        lx[i] = x;
        lyv[i] = by + bh + 18 + (double)(lines - 1) * row;
        x += w;
    }
    double h = by + bh + 12 + (double)lines * row + 4;

    sr_buf d = SR_BUF_INIT;
    sr_buf_puts(&d, "Stacked bar of shares. ");
    svgi_desc_list(&d, c->labels, c->values, c->n, &c->fmt, total, 12);
    svgi_open(b, "stack", &c->meta, WIDTH, h, sr_buf_str(&d), NULL);
    bool nomem = sr_buf_failed(&d);
    sr_buf_free(&d);

    double sx = bx;
    size_t seen = 0;
    for (size_t i = 0; i < c->n; i++) {
        double v = part(c->values, i);
        if (v <= 0)
            continue;
        seen++;
        double w = v / total * bw;
        char p[32];
        sr_fmt_pct(p, sizeof p, v / total, 1);
        sr_buf d2 = SR_BUF_INIT;
        svgi_put_label_value(&d2, svgi_lab(c->labels, i), &c->fmt, c->values[i]);
        sr_buf_printf(&d2, " (%s)", p);
        nomem |= svgi_group_open(b, &d2);
        const char *col = svg_palette_color(i);
        svgi_rect(b, sx, by, seen < nz ? w - 1 : w, bh, col);
        if (svgi_text_w(strlen(p), FONT_SIZE) + 8 <= w) {
            char extra[64];
            snprintf(extra, sizeof extra, " dy=\"0.35em\" fill=\"%s\"", svg_text_color_on(col));
            svgi_text_el(b, sx + w / 2, by + bh / 2, "middle", FONT_SIZE, extra, p, 0);
        }
        sr_buf_puts(b, "</g>");
        sx += w;
    }
    for (size_t i = 0; i < c->n; i++) {
        char s[128], p[32], vs[200];
        svg_value_format(s, sizeof s, &c->fmt, c->values[i]);
        snprintf(vs, sizeof vs, "%s (%s)", s,
                 sr_fmt_pct(p, sizeof p, part(c->values, i) / total, 1));
        svgi_rect(b, lx[i], lyv[i] - 6, 12, 12, svg_palette_color(i));
        sr_buf_puts(b, "<text");
        svgi_attr(b, "x", lx[i] + 18);
        svgi_attr(b, "y", lyv[i]);
        sr_buf_puts(b, " dy=\"0.35em\">");
        svgi_put_text(b, svgi_lab(c->labels, i), svgi_fit_cp(bw / 2, FONT_SIZE));
        sr_buf_puts(b, " <tspan fill-opacity=\"0.75\">");
        svgi_put_text(b, vs, 0);
        sr_buf_puts(b, "</tspan></text>");
    }
    free(lx);
    sr_status st = svgi_close(b);
    return nomem ? SR_ENOMEM : st;
}
