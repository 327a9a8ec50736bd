/*
 * svg_core.c - the primitives every chart of the svg module is drawn with
 * (see svg.h for the module, svg_internal.h for these helpers): the palette
 * and ramp, locale-free numbers and the public value/tick formatting and
 * nice-tick functions, XML-safe text with its width estimate, the <svg>
 * frame with its accessible title and description, the empty state, and
 * the shapes, legends and axes that several chart families share. The
 * charts themselves live in one file per family (svg_bars.c, svg_parts.c,
 * svg_heatmap.c, svg_line.c, svg_scatter.c, svg_gauge.c, svg_network.c);
 * every chart is laid out in its own coordinate system (a viewBox 640 units
 * wide for most charts) and scales with the page.
 *
 * Layout without font metrics: the SVG is laid out before any browser sees
 * it, so text widths are estimated as 0.6 em per code point (a little above
 * the average advance of common sans-serif faces, so estimates err on the
 * wide side). Margins, label truncation and the decision to rotate column
 * labels all use that estimate.
 *
 * Determinism: numbers are written by integer arithmetic (svgi_num) or
 * through util/fmt.h, never with a locale-dependent %f; loops run in input
 * order; the network layout is a fixed number of Fruchterman-Reingold
 * iterations from a fixed circle, with no random jitter.
 */
#include "report/svg_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/fmt.h"
#include "util/utf8.h"

/* Okabe & Ito (2008) colour-blind-safe palette; blue first, yellow late
 * because yellow marks are hard to see on white. */
static const char *const palette[8] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                       "#56B4E9", "#D55E00", "#F0E442", "#999999"};

/* Sequential light-to-dark blue ramp (9 steps, roughly even in lightness). */
const char *const svgi_ramp[9] = {"#EFF6FC", "#D4E6F5", "#B3D3EE", "#8ABDE3", "#5FA2D5",
                                  "#3A85C4", "#2068AB", "#114D8A", "#083468"};

const char *svg_palette_color(size_t i) { return palette[i % 8]; }

const char *svg_sequential_color(double t)
{
    if (isnan(t))
        return "#999999";
    if (t < 0)
        t = 0;
    if (t > 1)
        t = 1;
    int idx = (int)floor(t * 9.0);
    return svgi_ramp[idx > 8 ? 8 : idx];
}

/* WCAG 2 relative luminance of an sRGB channel value 0..255. */
static double channel_lum(unsigned v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* Picks near-black or white text for a "#RRGGBB" fill: the one with the
 * larger WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05). */
const char *svg_text_color_on(const char *hex)
{
    unsigned r = 0, g = 0, bl = 0;
    if (!hex || sscanf(hex, "#%2x%2x%2x", &r, &g, &bl) != 3)
        return "#111111";
    double lum = 0.2126 * channel_lum(r) + 0.7152 * channel_lum(g) + 0.0722 * channel_lum(bl);
    double dark = channel_lum(0x11); /* #111111: equal channels, so L = channel value */
    double on_dark = (lum + 0.05) / (dark + 0.05);
    double on_white = 1.05 / (lum + 0.05);
    return on_dark >= on_white ? "#111111" : "#ffffff";
}

/* ---- numbers ----------------------------------------------------------- */

void svgi_num(sr_buf *b, double v)
{
    if (!isfinite(v) || fabs(v) > 1e15)
        v = 0;
    long long t = llround(v * 10.0);
    if (t < 0) {
        sr_buf_putc(b, '-');
        t = -t;
    }
    sr_buf_printf(b, "%lld.%lld", t / 10, t % 10);
}

void svgi_attr(sr_buf *b, const char *name, double v)
{
    sr_buf_putc(b, ' ');
    sr_buf_puts(b, name);
    sr_buf_puts(b, "=\"");
    svgi_num(b, v);
    sr_buf_putc(b, '"');
}

int svgi_clamp_decimals(int d) { return d < 0 ? 0 : d > 9 ? 9 : d; }

/*
 * The start both formatters share: a NULL format means plain; an unusable
 * buffer is left alone, a non-finite v is written as "n/a". True when that
 * finished the job and the caller should return buf.
 */
static bool format_done(char *buf, size_t size, const svg_format **f, double v)
{
    static const svg_format plain = {SVG_VALUE_PLAIN, 0, NULL};
    if (!buf || size == 0)
        return true;
    if (!*f)
        *f = &plain;
    if (!isfinite(v)) {
        snprintf(buf, size, "n/a");
        return true;
    }
    return false;
}

char *svg_value_format(char *buf, size_t size, const svg_format *f, double v)
{
    if (format_done(buf, size, &f, v))
        return buf;
    int d = svgi_clamp_decimals(f->decimals);
    switch (f->kind) {
    case SVG_VALUE_COUNT: return sr_fmt_num(buf, size, v, 0);
    case SVG_VALUE_MONEY: return sr_fmt_money(buf, size, f->symbol ? f->symbol : "$", v, d);
    case SVG_VALUE_PERCENT: return sr_fmt_pct(buf, size, v, d);
    case SVG_VALUE_PLAIN:
    default: return sr_fmt_num(buf, size, v, d);
    }
}

/* Fewest decimals (0..6) that show a multiple of step exactly. */
static int step_decimals(double step)
{
    double s = fabs(step);
    double p = 1;
    for (int d = 0; d < 6; d++, p *= 10) {
        double x = s * p;
        if (fabs(x - round(x)) < 1e-6 * (x > 1 ? x : 1))
            return d;
    }
    return 6;
}

char *svg_tick_format(char *buf, size_t size, const svg_format *f, double v, double step,
                      double axis_max)
{
    if (format_done(buf, size, &f, v))
        return buf;
    if (f->kind == SVG_VALUE_PERCENT)
        return sr_fmt_pct(buf, size, v, step_decimals(step * 100.0));
    double div = 1;
    const char *suffix = "";
    double am = fabs(axis_max);
    if (am >= 1e9) {
        div = 1e9;
        suffix = "B";
    } else if (am >= 1e6) {
        div = 1e6;
        suffix = "M";
    } else if (am >= 1e4) {
        div = 1e3;
        suffix = "k";
    }
    int d = step_decimals(step / div);
    char tmp[96];
    if (f->kind == SVG_VALUE_MONEY)
        sr_fmt_money(tmp, sizeof tmp, f->symbol ? f->symbol : "$", v / div, d);
    else
        sr_fmt_num(tmp, sizeof tmp, v / div, d);
    /* "0", not "0k"; the suffix is at most one character */
    size_t len = strlen(tmp);
    if (v != 0 && *suffix && len + 1 < sizeof tmp) {
        tmp[len] = *suffix;
        tmp[len + 1] = '\0';
    }
    snprintf(buf, size, "%s", tmp);
    return buf;
}

/*
 * Nice ticks (after Heckbert, "Nice numbers for graph labels", Graphics
 * Gems, 1990): the raw step (hi - lo) / target is rounded up to 1, 2, 5 or 10
 * times its power of ten; the range is widened outwards to multiples of the
 * step. The 1e-9 slack keeps 0.3 / 0.1 = 2.9999999999999996 from widening
 * the range by a whole step.
 */
svg_ticks svg_ticks_nice(double lo, double hi, size_t target)
{
    svg_ticks t;
    if (target == 0)
        target = 5;
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (lo > hi) {
        double s = lo;
        lo = hi;
        hi = s;
    }
    if (hi - lo <= 1e-12 * fmax(1.0, fabs(hi))) {
        if (hi > 0)
            lo = 0;
        else if (lo < 0)
            hi = 0;
        else
            hi = 1;
    }
    double raw = (hi - lo) / (double)target;
    double mag = pow(10.0, floor(log10(raw)));
    double norm = raw / mag;
    double nice = norm <= 1.0 + 1e-9 ? 1 : norm <= 2.0 + 1e-9 ? 2 : norm <= 5.0 + 1e-9 ? 5 : 10;
    t.step = nice * mag;
    t.min = floor(lo / t.step + 1e-9) * t.step;
    t.max = ceil(hi / t.step - 1e-9) * t.step;
    t.count = (size_t)llround((t.max - t.min) / t.step) + 1;
    return t;
}

double svg_tick_value(const svg_ticks *t, size_t i)
{
    double v = t->min + (double)i * t->step;
    return fabs(v) < t->step * 1e-9 ? 0.0 : v;
}

svg_ticks svgi_axis_ticks(double lo, double hi, size_t target, const svg_format *f)
{
    svg_ticks t = svg_ticks_nice(lo, hi, target);
    if (f->kind == SVG_VALUE_COUNT && t.step < 1) {
        t.step = 1;
        t.min = floor(t.min);
        t.max = ceil(t.max);
        if (t.max <= t.min)
            t.max = t.min + 1;
        t.count = (size_t)llround(t.max - t.min) + 1;
    }
    return t;
}

size_t svgi_ticks_width_cp(const svg_ticks *t, const svg_format *f)
{
    size_t w = 1;
    double am = fmax(fabs(t->min), fabs(t->max));
    for (size_t i = 0; i < t->count; i++) {
        char s[96];
        svg_tick_format(s, sizeof s, f, svg_tick_value(t, i), t->step, am);
        if (strlen(s) > w)
            w = strlen(s);
    }
    return w;
}

/* ---- text -------------------------------------------------------------- */

/*
 * Length of the UTF-8 sequence at s (1..4 bytes, at most len) and whether it
 * is a valid character that XML 1.0 allows. Rejects overlong forms,
 * surrogates, code points above U+10FFFF, U+FFFE/U+FFFF and C0 controls
 * other than tab, LF and CR (the caller writes every C0 control as a space).
 */
static size_t utf8_seq(const unsigned char *s, size_t len, int *ok)
{
    uint32_t cp;
    size_t k = sr_utf8_decode(s, len, &cp);
    if (!k) { /* an invalid byte: one replacement character */
        *ok = 0;
        return 1;
    }
    *ok = cp >= 0x20 ? cp != 0xFFFE && cp != 0xFFFF : cp == '\t' || cp == '\n' || cp == '\r';
    return k;
}

size_t svgi_text_cp(const char *s)
{
    if (!s)
        return 0;
    size_t n = 0, len = strlen(s);
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len; n++) {
        int ok;
        i += utf8_seq(u + i, len - i, &ok);
    }
    return n;
}

bool svgi_put_text(sr_buf *b, const char *s, size_t max_cp)
{
    if (!s)
        return false;
    size_t len = strlen(s);
    size_t total = max_cp ? svgi_text_cp(s) : 0;
    bool cut = max_cp > 0 && total > max_cp;
    size_t keep = cut ? max_cp - 1 : SIZE_MAX;
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0, i = 0, n = 0;
    while (i < len && n < keep) {
        int ok;
        size_t k = utf8_seq(u + i, len - i, &ok);
        if (!ok || u[i] < 0x20) {
            sr_buf_put_escaped(b, s + run, i - run);
            sr_buf_puts(b, u[i] < 0x20 ? " " : "\xEF\xBF\xBD");
            run = i + k;
        }
        i += k;
        n++;
    }
    sr_buf_put_escaped(b, s + run, i - run);
    if (cut)
        sr_buf_puts(b, ELLIPSIS);
    return cut;
}

double svgi_text_w(size_t n, double fs) { return (double)n * fs * CHAR_EM; }

size_t svgi_fit_cp(double w, double fs)
{
    double n = floor(w / (fs * CHAR_EM));
    return n < 1 ? 1 : (size_t)n;
}

void svgi_text_el(sr_buf *b, double x, double y, const char *anchor, double fs, const char *extra,
                  const char *s, size_t max_cp)
{
    sr_buf_puts(b, "<text");
    svgi_attr(b, "x", x);
    svgi_attr(b, "y", y);
    if (strcmp(anchor, "start") != 0) {
        sr_buf_puts(b, " text-anchor=\"");
        sr_buf_puts(b, anchor);
        sr_buf_putc(b, '"');
    }
    if (fs != FONT_SIZE)
        svgi_attr(b, "font-size", fs);
    if (extra)
        sr_buf_puts(b, extra);
    sr_buf_putc(b, '>');
    svgi_put_text(b, s, max_cp);
    sr_buf_puts(b, "</text>");
}

void svgi_text_rot(sr_buf *b, double x, double y, double deg, const char *anchor, double fs,
                   const char *extra, const char *s, size_t max_cp)
{
    sr_buf_puts(b, "<g transform=\"rotate(");
    svgi_num(b, deg);
    sr_buf_putc(b, ' ');
    svgi_num(b, x);
    sr_buf_putc(b, ' ');
    svgi_num(b, y);
    sr_buf_puts(b, ")\">");
    svgi_text_el(b, x, y, anchor, fs, extra, s, max_cp);
    sr_buf_puts(b, "</g>");
}

void svgi_tooltip(sr_buf *b, const char *s)
{
    sr_buf_puts(b, "<title>");
    svgi_put_text(b, s, 0);
    sr_buf_puts(b, "</title>");
}

bool svgi_group_open(sr_buf *b, sr_buf *tip)
{
    sr_buf_puts(b, "<g>");
    svgi_tooltip(b, sr_buf_str(tip));
    bool failed = sr_buf_failed(tip);
    sr_buf_free(tip);
    return failed;
}

void svgi_put_label_value(sr_buf *d, const char *label, const svg_format *f, double v)
{
    char s[128];
    sr_buf_puts(d, label ? label : "");
    sr_buf_puts(d, ": ");
    sr_buf_puts(d, svg_value_format(s, sizeof s, f, v));
}

const char *svgi_lab(const char *const *labels, size_t i)
{
    return labels && labels[i] ? labels[i] : "";
}

void svgi_desc_list(sr_buf *d, const char *const *labels, const double *v, size_t n,
                    const svg_format *f, double total, size_t limit)
{
    for (size_t i = 0; i < n && i < limit; i++) {
        if (i)
            sr_buf_puts(d, "; ");
        svgi_put_label_value(d, svgi_lab(labels, i), f, v[i]);
        if (total > 0) {
            char p[32];
            double x = isfinite(v[i]) && v[i] > 0 ? v[i] / total : 0;
            sr_buf_printf(d, " (%s)", sr_fmt_pct(p, sizeof p, x, 1));
        }
    }
    if (n > limit)
        sr_buf_printf(d, "; and %zu more", n - limit);
    sr_buf_putc(d, '.');
}

/* ---- svg frame ---------------------------------------------------------- */

/* An id prefix must be a valid, short XML name that needs no escaping. */
static bool id_ok(const char *id)
{
    if (!id || !((id[0] >= 'A' && id[0] <= 'Z') || (id[0] >= 'a' && id[0] <= 'z')))
        return false;
    size_t n = 0;
    for (const char *p = id; *p; p++, n++) {
        char c = *p;
        bool good = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
        if (!good || n >= 64)
            return false;
    }
    return true;
}

void svgi_open(sr_buf *b, const char *kind, const svg_meta *m, double w, double h, const char *gen,
               const char *note)
{
    sr_buf_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sr-chart sr-chart-");
    sr_buf_puts(b, kind);
    sr_buf_puts(b, "\" viewBox=\"0 0 ");
    svgi_num(b, w);
    sr_buf_putc(b, ' ');
    svgi_num(b, h);
    sr_buf_printf(b,
                  "\" width=\"100%%\" style=\"height:auto\" role=\"img\" "
                  "aria-labelledby=\"%s-title %s-desc\" "
                  "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\" "
                  "font-size=\"12\" fill=\"currentColor\">",
                  m->id, m->id);
    sr_buf_printf(b, "<title id=\"%s-title\">", m->id);
    svgi_put_text(b, m->title ? m->title : "", 0);
    sr_buf_printf(b, "</title><desc id=\"%s-desc\">", m->id);
    const char *d = m->desc ? m->desc : gen;
    svgi_put_text(b, d ? d : "", 0);
    if (note) {
        if (d && *d)
            sr_buf_putc(b, ' ');
        svgi_put_text(b, note, 0);
    }
    sr_buf_puts(b, "</desc>");
}

sr_status svgi_close(sr_buf *b)
{
    sr_buf_puts(b, "</svg>\n");
    return sr_buf_failed(b) ? SR_ENOMEM : SR_OK;
}

sr_status svgi_empty_write(sr_buf *b, const char *kind, const svg_meta *m, double w)
{
    const char *msg = m->empty_text ? m->empty_text : "No data to show";
    const double h = 120;
    svgi_open(b, kind, m, w, h, msg, NULL);
    sr_buf_puts(b, "<rect x=\"0.5\" y=\"0.5\"");
    svgi_attr(b, "width", w - 1);
    svgi_attr(b, "height", h - 1);
    sr_buf_puts(b, " rx=\"6\" fill=\"none\" style=\"" GRID_STYLE "\" stroke-dasharray=\"6 4\"/>");
    svgi_text_el(b, w / 2, h / 2, "middle", 14, " dy=\"0.35em\" fill-opacity=\"0.75\"", msg,
                 svgi_fit_cp(w - 24, 14));
    return svgi_close(b);
}

bool svgi_meta_ok(const sr_buf *b, const void *spec, const svg_meta *m)
{
    return b && spec && id_ok(m->id);
}

bool svgi_finite_range(const double *v, size_t n, double *lo, double *hi)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        if (!any || v[i] < *lo)
            *lo = v[i];
        if (!any || v[i] > *hi)
            *hi = v[i];
        any = true;
    }
    return any;
}

void svgi_rect(sr_buf *b, double x, double y, double w, double h, const char *fill)
{
    sr_buf_puts(b, "<rect");
    svgi_attr(b, "x", x);
    svgi_attr(b, "y", y);
    svgi_attr(b, "width", w < 0 ? 0 : w);
    svgi_attr(b, "height", h < 0 ? 0 : h);
    sr_buf_printf(b, " fill=\"%s\"/>", fill);
}

void svgi_line(sr_buf *b, double xa, double ya, double xb, double yb, const char *style)
{
    sr_buf_puts(b, "<line");
    svgi_attr(b, "x1", xa);
    svgi_attr(b, "y1", ya);
    svgi_attr(b, "x2", xb);
    svgi_attr(b, "y2", yb);
    sr_buf_puts(b, style);
    sr_buf_puts(b, "/>");
}

void svgi_pt(sr_buf *b, double cx, double cy, double r, double a)
{
    svgi_num(b, cx + r * cos(a));
    sr_buf_putc(b, ' ');
    svgi_num(b, cy + r * sin(a));
}

void svgi_arc_to(sr_buf *b, double cx, double cy, double r, double a, int large, int sweep)
{
    sr_buf_puts(b, "A");
    svgi_num(b, r);
    sr_buf_putc(b, ' ');
    svgi_num(b, r);
    sr_buf_printf(b, " 0 %d %d ", large, sweep);
    svgi_pt(b, cx, cy, r, a);
}

void svgi_ring_segment(sr_buf *b, double cx, double cy, double r_out, double r_in, double a0,
                       double a1, const char *fill)
{
    int large = a1 - a0 > PI ? 1 : 0;
    sr_buf_puts(b, "<path d=\"M");
    svgi_pt(b, cx, cy, r_out, a0);
    svgi_arc_to(b, cx, cy, r_out, a1, large, 1);
    sr_buf_puts(b, "L");
    svgi_pt(b, cx, cy, r_in, a1);
    svgi_arc_to(b, cx, cy, r_in, a0, large, 0);
    sr_buf_printf(b, "Z\" fill=\"%s\"/>", fill);
}

void svgi_marker(sr_buf *b, size_t s, double x, double y, const char *color)
{
    if (s % 3 == 0) {
        sr_buf_puts(b, "<circle");
        svgi_attr(b, "cx", x);
        svgi_attr(b, "cy", y);
        sr_buf_printf(b, " r=\"4.0\" fill=\"%s\"/>", color);
    } else if (s % 3 == 1) {
        svgi_rect(b, x - 3.5, y - 3.5, 7, 7, color);
    } else {
        sr_buf_puts(b, "<path d=\"M");
        svgi_num(b, x);
        sr_buf_putc(b, ' ');
        svgi_num(b, y - 5);
        sr_buf_puts(b, "L");
        svgi_num(b, x + 5);
        sr_buf_putc(b, ' ');
        svgi_num(b, y);
        sr_buf_puts(b, "L");
        svgi_num(b, x);
        sr_buf_putc(b, ' ');
        svgi_num(b, y + 5);
        sr_buf_puts(b, "L");
        svgi_num(b, x - 5);
        sr_buf_putc(b, ' ');
        svgi_num(b, y);
        sr_buf_printf(b, "Z\" fill=\"%s\"/>", color);
    }
}

void svgi_legend_row(sr_buf *b, double x, double y, const char *const *names, size_t n,
                     bool markers, double max_x)
{
    for (size_t i = 0; i < n; i++) {
        const char *name = names[i] ? names[i] : "";
        size_t k = svgi_text_cp(name);
        size_t cut = k > 24 ? 24 : k;
        double w = 18 + svgi_text_w(cut, FONT_SIZE) + 18;
        if (x + w - 18 > max_x)
            break;
        if (markers)
            svgi_marker(b, i, x + 5, y, svg_palette_color(i));
        else
            svgi_rect(b, x, y - 5, 10, 10, svg_palette_color(i));
        svgi_text_el(b, x + 16, y, "start", FONT_SIZE, " dy=\"0.35em\"", name, 24);
        x += w;
    }
}

/* ---- axes ---------------------------------------------------------------- */

double svgi_plot_x(const svgi_plot_box *p, const svg_ticks *t, double v)
{
    return p->left + (v - t->min) / (t->max - t->min) * p->w;
}

double svgi_plot_y(const svgi_plot_box *p, const svg_ticks *t, double v)
{
    return p->top + p->h - (v - t->min) / (t->max - t->min) * p->h;
}

double svgi_xy_layout(svgi_plot_box *p, bool legend, double plot_h, const svg_ticks *ty,
                      const svg_format *y_fmt, const char *x_title, const char *y_title)
{
    p->top = legend ? 34 : 12;
    p->h = plot_h;
    p->left = 8 + (y_title ? 18 : 0) + svgi_text_w(svgi_ticks_width_cp(ty, y_fmt), TICK_SIZE) + 6;
    p->w = WIDTH - p->left - 20;
    return p->top + p->h + 24 + (x_title ? 22 : 0) + 4;
}

void svgi_y_axis(sr_buf *b, const svgi_plot_box *p, const svg_ticks *t, const svg_format *f)
{
    double am = fmax(fabs(t->min), fabs(t->max));
    for (size_t i = 0; i < t->count; i++) {
        double v = svg_tick_value(t, i);
        double y = svgi_plot_y(p, t, v);
        svgi_line(b, p->left, y, p->left + p->w, y, " style=\"" GRID_STYLE "\"");
        char s[96];
        svgi_text_el(b, p->left - 6, y, "end", TICK_SIZE, " dy=\"0.35em\"",
                     svg_tick_format(s, sizeof s, f, v, t->step, am), 0);
    }
}

void svgi_x_axis(sr_buf *b, const svgi_plot_box *p, const svg_ticks *t, const svg_format *f)
{
    double am = fmax(fabs(t->min), fabs(t->max));
    double yb = p->top + p->h;
    svgi_line(b, p->left, yb, p->left + p->w, yb, " stroke=\"currentColor\"");
    for (size_t i = 0; i < t->count; i++) {
        double v = svg_tick_value(t, i);
        double x = svgi_plot_x(p, t, v);
        svgi_line(b, x, yb, x, yb + 4, " stroke=\"currentColor\"");
        char s[96];
        svgi_text_el(b, x, yb + 16, "middle", TICK_SIZE, NULL,
                     svg_tick_format(s, sizeof s, f, v, t->step, am), 0);
    }
}

void svgi_axis_titles(sr_buf *b, const svgi_plot_box *p, const char *xt, double xy, const char *yt)
{
    if (xt)
        svgi_text_el(b, p->left + p->w / 2, xy, "middle", FONT_SIZE, " fill-opacity=\"0.8\"", xt,
                     svgi_fit_cp(p->w + p->left - 8, FONT_SIZE));
    if (yt)
        svgi_text_rot(b, 14, p->top + p->h / 2, -90, "middle", FONT_SIZE,
                      " dy=\"0.35em\" fill-opacity=\"0.8\"", yt,
                      svgi_fit_cp(p->h + p->top, FONT_SIZE));
}
