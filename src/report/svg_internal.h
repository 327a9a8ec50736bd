/*
 * svg_internal.h - what the chart files of the svg module share; not for
 * callers outside src/report/svg_*.c (they use svg.h).
 *
 * The module is split by chart family: svg_core.c holds the shared
 * primitives declared here (numbers, escaped and measured text, the <svg>
 * frame and empty state, shapes, axes, legends, palette ramp), and each of
 * svg_bars.c, svg_parts.c, svg_heatmap.c, svg_line.c, svg_scatter.c,
 * svg_gauge.c and svg_network.c implements the public svg_*_write functions
 * of one family on top of them. Internal symbols carry the svgi_ prefix so
 * they cannot clash with the public svg_ names (svg_line is a type) or with
 * other modules in the library.
 *
 * Conventions for every function here: b is the buffer being appended to
 * and is never NULL; all coordinates are in viewBox units and are written
 * with one decimal (svgi_num); string arguments named `extra` or `style` are
 * constant attribute text written verbatim, everything else is escaped.
 * Nothing allocates except the sr_buf appends, whose failure the caller
 * learns from sr_buf_failed(b) (svgi_close turns it into SR_ENOMEM).
 */
#ifndef SR_SVG_INTERNAL_H
#define SR_SVG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "report/svg.h"
#include "util/status.h"
#include "util/strbuf.h"

#define PI 3.14159265358979323846
#define CHAR_EM 0.6    /* estimated advance of one code point, in em */
#define FONT_SIZE 12.0 /* labels, legends */
#define TICK_SIZE 11.0 /* tick labels, small print */
#define WIDTH 640.0    /* viewBox width of most charts */
#define GRID_STYLE "stroke:var(--grid,#ccc)"
/* A halo in the page background colour behind labels drawn over lines. */
#define HALO_STYLE                                                                                 \
    "paint-order:stroke;stroke:var(--bg,transparent);stroke-width:3px;stroke-linejoin:round"
#define ELLIPSIS "\xE2\x80\xA6"

/* The sequential ramp behind svg_sequential_color, lightest first. */
extern const char *const svgi_ramp[9];

/* ---- numbers ------------------------------------------------------------ */

/* Writes v with exactly one decimal ("12.3", "-0.5", "0.0") using integer
 * arithmetic, so the output never depends on the locale. Non-finite -> 0. */
void svgi_num(sr_buf *b, double v);
/* Appends ` name="v"` with one decimal. */
void svgi_attr(sr_buf *b, const char *name, double v);
/* d limited to 0..9 (digits after the point). */
int svgi_clamp_decimals(int d);
/* Ticks for a value axis in format f: counts never get fractional steps. */
svg_ticks svgi_axis_ticks(double lo, double hi, size_t target, const svg_format *f);
/* Widest tick label of t, in code points (all ASCII). */
size_t svgi_ticks_width_cp(const svg_ticks *t, const svg_format *f);
/* Minimum and maximum of the finite values of v (false if there are none;
 * *lo and *hi are then untouched). */
bool svgi_finite_range(const double *v, size_t n, double *lo, double *hi);

/* ---- text --------------------------------------------------------------- */

/* Number of characters svgi_put_text would write for s (invalid bytes count
 * one each); 0 for NULL. */
size_t svgi_text_cp(const char *s);
/*
 * Appends s as XML text: valid runs through sr_buf_put_escaped, invalid
 * bytes as U+FFFD, control characters as spaces. With max_cp > 0 and a
 * longer text, writes max_cp - 1 characters and an ellipsis and returns true.
 */
bool svgi_put_text(sr_buf *b, const char *s, size_t max_cp);
/* Estimated width of n code points at font size fs. */
double svgi_text_w(size_t n, double fs);
/* Code points of text that fit in width w at font size fs (at least 1). */
size_t svgi_fit_cp(double w, double fs);
/*
 * Appends <text> at (x, y) with the given anchor ("start", "middle", "end"),
 * font size and extra attributes (a constant string: " dy=..." etc.), the
 * text truncated to max_cp characters (0 = no limit).
 */
void svgi_text_el(sr_buf *b, double x, double y, const char *anchor, double fs, const char *extra,
                  const char *s, size_t max_cp);
/* A text element rotated by deg around its anchor point. */
void svgi_text_rot(sr_buf *b, double x, double y, double deg, const char *anchor, double fs,
                   const char *extra, const char *s, size_t max_cp);
/* <title>s</title> (tooltip of the parent element). */
void svgi_tooltip(sr_buf *b, const char *s);
/* Opens a <g> whose tooltip is the text of *tip, then frees *tip. Returns
 * true when *tip had run out of memory (the tooltip is then incomplete). */
bool svgi_group_open(sr_buf *b, sr_buf *tip);
/* Appends "label: value" to d (raw text, escaped later). */
void svgi_put_label_value(sr_buf *d, const char *label, const svg_format *f, double v);
/* labels[i], or "" when labels or labels[i] is NULL. */
const char *svgi_lab(const char *const *labels, size_t i);
/* Appends "A: 1; B: 2 (and 3 more)." for the first `limit` items. With
 * total > 0 each value gets its share " (42.1%)". */
void svgi_desc_list(sr_buf *d, const char *const *labels, const double *v, size_t n,
                    const svg_format *f, double total, size_t limit);

/* ---- svg frame ---------------------------------------------------------- */

/* Checks the common preconditions (buffer, spec, id prefix); true when the
 * spec may be drawn. */
bool svgi_meta_ok(const sr_buf *b, const void *spec, const svg_meta *m);
/*
 * Opens the <svg> element of a w x h chart of kind `kind` with <title> and
 * <desc>. The description is the caller's meta->desc or, if NULL, gen; `note`
 * (may be NULL) is appended to either (e.g. a thinning notice).
 */
void svgi_open(sr_buf *b, const char *kind, const svg_meta *m, double w, double h, const char *gen,
               const char *note);
/* Closes the <svg>; SR_ENOMEM if the buffer failed anywhere, else SR_OK. */
sr_status svgi_close(sr_buf *b);
/* The empty state: a w x 120 svg with the message centred in a dashed frame. */
sr_status svgi_empty_write(sr_buf *b, const char *kind, const svg_meta *m, double w);

/* ---- shapes ------------------------------------------------------------- */

/* A rectangle with one-decimal geometry and a constant fill. */
void svgi_rect(sr_buf *b, double x, double y, double w, double h, const char *fill);
/* A straight line; `style` is a constant attribute string. */
void svgi_line(sr_buf *b, double xa, double ya, double xb, double yb, const char *style);
/* Point at angle a (radians, clockwise from the x axis on screen) on a circle. */
void svgi_pt(sr_buf *b, double cx, double cy, double r, double a);
/* Path command "A r r 0 large sweep x y": an arc of the circle of radius r
 * around (cx, cy) to its point at angle a (sweep 1 = clockwise on screen). */
void svgi_arc_to(sr_buf *b, double cx, double cy, double r, double a, int large, int sweep);
/*
 * A ring segment between radii r_in < r_out from angle a0 to a1 (a1 > a0,
 * less than a full turn): outer arc clockwise, inner arc back.
 */
void svgi_ring_segment(sr_buf *b, double cx, double cy, double r_out, double r_in, double a0,
                       double a1, const char *fill);
/* Marker shape per series (circle, square, diamond), so series differ in
 * print and for readers who cannot tell the colours apart. */
void svgi_marker(sr_buf *b, size_t s, double x, double y, const char *color);
/* A one-line legend of (marker or swatch, name) entries starting at (x, y);
 * entries that would pass max_x are left out. */
void svgi_legend_row(sr_buf *b, double x, double y, const char *const *names, size_t n,
                     bool markers, double max_x);

/* ---- axes shared by columns, line and scatter --------------------------- */

typedef struct {
    double left, top, w, h; /* plot rectangle */
} svgi_plot_box;

/* x of value v on an axis with ticks t along the width of p. */
double svgi_plot_x(const svgi_plot_box *p, const svg_ticks *t, double v);
/* y of value v on an axis with ticks t up the height of p (min at the bottom). */
double svgi_plot_y(const svgi_plot_box *p, const svg_ticks *t, double v);
/*
 * Lays out an x/y chart (line, scatter) WIDTH units wide: sets *p to a plot
 * plot_h high under an optional legend row, with room on the left for the
 * y title and the widest tick label of ty (in y_fmt), and returns the
 * chart's height, which leaves room below for x tick labels and x_title.
 */
double svgi_xy_layout(svgi_plot_box *p, bool legend, double plot_h, const svg_ticks *ty,
                      const svg_format *y_fmt, const char *x_title, const char *y_title);
/* Horizontal gridlines and tick labels of a y axis. */
void svgi_y_axis(sr_buf *b, const svgi_plot_box *p, const svg_ticks *t, const svg_format *f);
/* Tick marks and labels of a numeric x axis along the bottom of p. */
void svgi_x_axis(sr_buf *b, const svgi_plot_box *p, const svg_ticks *t, const svg_format *f);
/* Axis titles (either may be NULL): x centred under the plot at y = xy, y
 * rotated at x = 14. */
void svgi_axis_titles(sr_buf *b, const svgi_plot_box *p, const char *xt, double xy, const char *yt);

#endif
