/*
 * svg_network.c - the network diagram of the svg module (svg.h): a
 * deterministic force-directed layout (svg_network_layout) and its drawing
 * with weighted links, sized nodes, a group legend and labels placed on the
 * less crowded side of each node (svg_network_write; the dashboard's
 * product and attribute affinity networks). Text, shapes and the frame come
 * from svg_core.c.
 */
#include "report/svg_internal.h"

#include <math.h>
#include <stdlib.h>

#define NET_W 1.5 /* layout frame, same aspect as the drawing area */
#define NET_H 1.0
#define NET_GRAVITY 1.5 /* pull towards the centre, per unit of distance */

/* Largest finite link weight, or 0 when none is positive. */
static double link_weight_max(const svg_network *c)
{
    double wmax = 0;
    for (size_t e = 0; e < c->n_links; e++)
        if (isfinite(c->links[e].weight) && c->links[e].weight > wmax)
            wmax = c->links[e].weight;
    return wmax;
}

static sr_status network_check(const svg_network *c)
{
    if (c->n_nodes && !c->nodes)
        return SR_EUSAGE;
    if (c->n_links && !c->links)
        return SR_EUSAGE;
    if (c->n_nodes > SVG_NETWORK_MAX_NODES)
        return SR_ELIMIT;
    for (size_t i = 0; i < c->n_links; i++)
        if (c->links[i].source >= c->n_nodes || c->links[i].target >= c->n_nodes)
            return SR_EUSAGE;
    if (c->group_names)
        for (size_t i = 0; i < c->n_nodes; i++)
            if (c->nodes[i].group >= c->n_groups)
                return SR_EUSAGE;
    return SR_OK;
}

/*
 * Fruchterman & Reingold (1991), "Graph drawing by force-directed
 * placement": with ideal distance k = 0.8 sqrt(area / n), every pair repels
 * with k^2 / d, every link attracts with d^2 / k (times 0.5 + w / w_max, so
 * strong links pull harder), and a pull towards the centre (1.5 d) keeps
 * separate components and isolated nodes near the rest: all n nodes pushing
 * one node at distance D balance the pull at D ~ k sqrt(n / 1.5), about
 * 0.65 sqrt(area), so the drawing stays compact without walls. The pull is
 * (W/H)^2 times stronger vertically, so that the equilibrium ellipse has the
 * frame's aspect W/H and the fitted drawing uses the whole frame. Each
 * iteration moves a node along its net force by at most the temperature,
 * which falls linearly from a tenth of the frame width. Start: nodes in
 * input order on an ellipse. The result is fitted into the frame with one
 * scale for both axes. Coincident nodes are separated by a fixed offset derived
 * from their indexes, so nothing is random. O(iterations * n^2).
 */
sr_status svg_network_layout(const svg_network *c, double *xy)
{
    if (!c || (!xy && c->n_nodes))
        return SR_EUSAGE;
    sr_status st = network_check(c);
    if (st != SR_OK)
        return st;
    size_t n = c->n_nodes;
    if (n == 0)
        return SR_OK;
    if (n == 1) {
        xy[0] = xy[1] = 0.5;
        return SR_OK;
    }
    double *px = malloc(4 * n * sizeof *px);
    if (!px)
        return SR_ENOMEM;
    double *py = px + n, *dx = py + n, *dy = dx + n;
    double k = 0.8 * sqrt(NET_W * NET_H / (double)n);
    double wmax = link_weight_max(c);
    for (size_t i = 0; i < n; i++) {
        double a = 2 * PI * (double)i / (double)n - PI / 2;
        px[i] = NET_W / 2 + 0.4 * NET_W * cos(a);
        py[i] = NET_H / 2 + 0.4 * NET_H * sin(a);
    }
    unsigned iters = c->iterations ? c->iterations : 300;
    double t0 = NET_W / 10;
    for (unsigned it = 0; it < iters; it++) {
        double temp = t0 * (1.0 - (double)it / (double)iters) + 1e-4;
        for (size_t i = 0; i < n; i++) {
            dx[i] = -(px[i] - NET_W / 2) * NET_GRAVITY;
            dy[i] = -(py[i] - NET_H / 2) * NET_GRAVITY * (NET_W * NET_W) / (NET_H * NET_H);
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                double ex = px[i] - px[j], ey = py[i] - py[j];
                double d2 = ex * ex + ey * ey;
                if (d2 < 1e-12) {
                    ex = 1e-3 * (double)(1 + i % 7);
                    ey = 1e-3 * (double)(1 + j % 5);
                    d2 = ex * ex + ey * ey;
                }
                double f = k * k / d2; /* (k^2 / d) / d: scales the unit vector */
                dx[i] += ex * f;
                dy[i] += ey * f;
                dx[j] -= ex * f;
                dy[j] -= ey * f;
            }
        for (size_t e = 0; e < c->n_links; e++) {
            size_t s = c->links[e].source, t = c->links[e].target;
            if (s == t)
                continue;
            double w = c->links[e].weight;
            double wf = 0.5 + (wmax > 0 && isfinite(w) && w > 0 ? w / wmax : 0);
            double ex = px[s] - px[t], ey = py[s] - py[t];
            double d = sqrt(ex * ex + ey * ey);
            double f = d / k * wf; /* (d^2 / k) / d */
            dx[s] -= ex * f;
            dy[s] -= ey * f;
            dx[t] += ex * f;
            dy[t] += ey * f;
        }
        for (size_t i = 0; i < n; i++) {
            double len = sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
            if (len > 0) {
                double step = fmin(len, temp);
                px[i] += dx[i] / len * step;
                py[i] += dy[i] / len * step;
            }
        }
    }
    /* Fit the bounding box into the frame with one scale for both axes (no
     * distortion), centred, then express positions as fractions of it. */
    double xa = px[0], xb = px[0], ya = py[0], yb = py[0];
    for (size_t i = 1; i < n; i++) {
        xa = fmin(xa, px[i]);
        xb = fmax(xb, px[i]);
        ya = fmin(ya, py[i]);
        yb = fmax(yb, py[i]);
    }
    double sc = fmin(xb - xa > 1e-9 ? NET_W / (xb - xa) : HUGE_VAL,
                     yb - ya > 1e-9 ? NET_H / (yb - ya) : HUGE_VAL);
    if (!isfinite(sc))
        sc = 0;
    for (size_t i = 0; i < n; i++) {
        double fx = (NET_W / 2 + (px[i] - (xa + xb) / 2) * sc) / NET_W;
        double fy = (NET_H / 2 + (py[i] - (ya + yb) / 2) * sc) / NET_H;
        xy[2 * i] = fmin(1, fmax(0, fx)); /* clamp rounding at the edges */
        xy[2 * i + 1] = fmin(1, fmax(0, fy));
    }
    free(px);
    return SR_OK;
}

/* What the drawing helpers share: the spec, where the layout's unit square
 * lands in the viewBox, and the node radii and label extents as they are
 * placed. */
typedef struct {
    const svg_network *c;
    const double *xy;      /* svg_network_layout positions in [0,1] x [0,1] */
    double lab_room;       /* margin left and right of the nodes, for labels */
    double pw, ph, top, w; /* node area size, its top, viewBox width */
    double rmax;           /* largest node radius */
    double *rad;           /* n_nodes radii, set by network_nodes */
    double *la, *lb;       /* x extent of each placed label, set by network_labels */
} net_draw;

static double node_x(const net_draw *g, size_t i) { return g->lab_room + g->xy[2 * i] * g->pw; }

static double node_y(const net_draw *g, size_t i) { return g->top + g->xy[2 * i + 1] * g->ph; }

/* "Network of 3 nodes and 2 links: A – B (5); A – C (2)." for the first 10
 * links that are not self links. */
static void network_describe(sr_buf *d, const svg_network *c)
{
    sr_buf_printf(d, "Network of %zu node%s and %zu link%s", c->n_nodes, c->n_nodes == 1 ? "" : "s",
                  c->n_links, c->n_links == 1 ? "" : "s");
    size_t shown = 0;
    for (size_t e = 0; e < c->n_links && shown < 10; e++) {
        const svg_link *L = &c->links[e];
        if (L->source == L->target)
            continue;
        char ws[96];
        sr_buf_printf(d, "%s %s \xE2\x80\x93 %s (%s)", shown ? ";" : ":",
                      c->nodes[L->source].label ? c->nodes[L->source].label : "",
                      c->nodes[L->target].label ? c->nodes[L->target].label : "",
                      svg_value_format(ws, sizeof ws, &c->weight_fmt, L->weight));
        shown++;
    }
    if (c->n_links > shown)
        sr_buf_puts(d, "; ...");
    sr_buf_putc(d, '.');
}

/* The links as one group, each with a "A – B: weight" tooltip. Returns true
 * when a tooltip buffer ran out of memory. */
static bool network_links(sr_buf *b, const net_draw *g)
{
    const svg_network *c = g->c;
    double wmax = link_weight_max(c);
    bool nomem = false;
    sr_buf_puts(b, "<g stroke=\"currentColor\" stroke-opacity=\"0.35\" stroke-linecap=\"round\">");
    for (size_t e = 0; e < c->n_links; e++) {
        const svg_link *L = &c->links[e];
        if (L->source == L->target)
            continue;
        double lw =
            0.75 + (wmax > 0 && isfinite(L->weight) && L->weight > 0 ? 4.25 * L->weight / wmax : 0);
        char ws[96];
        sr_buf d2 = SR_BUF_INIT;
        sr_buf_printf(&d2, "%s \xE2\x80\x93 %s: %s",
                      c->nodes[L->source].label ? c->nodes[L->source].label : "",
                      c->nodes[L->target].label ? c->nodes[L->target].label : "",
                      svg_value_format(ws, sizeof ws, &c->weight_fmt, L->weight));
        sr_buf_puts(b, "<line");
        svgi_attr(b, "x1", node_x(g, L->source));
        svgi_attr(b, "y1", node_y(g, L->source));
        svgi_attr(b, "x2", node_x(g, L->target));
        svgi_attr(b, "y2", node_y(g, L->target));
        svgi_attr(b, "stroke-width", lw);
        sr_buf_putc(b, '>');
        svgi_tooltip(b, sr_buf_str(&d2));
        sr_buf_puts(b, "</line>");
        nomem |= sr_buf_failed(&d2);
        sr_buf_free(&d2);
    }
    sr_buf_puts(b, "</g>");
    return nomem;
}

/* The nodes, each with a "label: size (group)" tooltip; sets g->rad.
 * Returns true when a tooltip buffer ran out of memory. */
static bool network_nodes(sr_buf *b, const net_draw *g)
{
    const svg_network *c = g->c;
    double smax = 0;
    for (size_t i = 0; i < c->n_nodes; i++)
        if (isfinite(c->nodes[i].size) && c->nodes[i].size > smax)
            smax = c->nodes[i].size;
    bool nomem = false;
    for (size_t i = 0; i < c->n_nodes; i++) {
        const svg_node *nd = &c->nodes[i];
        double s = isfinite(nd->size) && nd->size > 0 && smax > 0 ? nd->size / smax : 0;
        g->rad[i] = 4 + (g->rmax - 4) * sqrt(s);
        char ss[96];
        sr_buf d2 = SR_BUF_INIT;
        sr_buf_printf(&d2, "%s: %s", nd->label ? nd->label : "",
                      svg_value_format(ss, sizeof ss, &c->size_fmt, nd->size));
        if (c->group_names)
            sr_buf_printf(&d2, " (%s)", svgi_lab(c->group_names, nd->group));
        sr_buf_puts(b, "<circle");
        svgi_attr(b, "cx", node_x(g, i));
        svgi_attr(b, "cy", node_y(g, i));
        svgi_attr(b, "r", g->rad[i]);
        sr_buf_printf(b, " fill=\"%s\">", svg_palette_color(nd->group));
        svgi_tooltip(b, sr_buf_str(&d2));
        sr_buf_puts(b, "</circle>");
        nomem |= sr_buf_failed(&d2);
        sr_buf_free(&d2);
    }
    return nomem;
}

/* Crowding of node i's label box [xa, xb] (14 units high, centred on the
 * node): 100 if it leaves the drawing, plus 1 per other node it touches,
 * plus 2 per label placed before it that it overlaps. */
static int label_score(const net_draw *g, size_t i, double xa, double xb)
{
    double ya = node_y(g, i) - 7, yb = node_y(g, i) + 7;
    int score = xa < 2 || xb > g->w - 2 ? 100 : 0;
    for (size_t j = 0; j < g->c->n_nodes; j++) {
        if (j == i)
            continue;
        double qx = fmin(fmax(node_x(g, j), xa), xb), qy = fmin(fmax(node_y(g, j), ya), yb);
        if (hypot(node_x(g, j) - qx, node_y(g, j) - qy) < g->rad[j])
            score++;
        if (j < i && g->la[j] < xb && g->lb[j] > xa && fabs(node_y(g, j) - node_y(g, i)) < 14)
            score += 2;
    }
    return score;
}

/* Labels, greedily in input order: each goes left or right of its node,
 * whichever box overlaps fewer other nodes and already placed labels
 * (labels count double, see label_score); ties face outwards. Sets g->la
 * and g->lb. */
static void network_labels(sr_buf *b, const net_draw *g)
{
    const svg_network *c = g->c;
    size_t lab_fit = svgi_fit_cp(g->lab_room - g->rmax - 12, TICK_SIZE);
    sr_buf_puts(b, "<g font-size=\"11\">");
    for (size_t i = 0; i < c->n_nodes; i++) {
        size_t k = svgi_text_cp(c->nodes[i].label);
        double tw = svgi_text_w(k > lab_fit ? lab_fit : k, TICK_SIZE);
        double best_a = 0, best_b = 0;
        int best = -1;
        bool outward_left = g->xy[2 * i] < 0.5;
        for (int side = 0; side < 2; side++) {
            bool left = side == 0 ? outward_left : !outward_left;
            double xa = left ? node_x(g, i) - g->rad[i] - 3 - tw : node_x(g, i) + g->rad[i] + 3;
            int score = label_score(g, i, xa, xa + tw);
            if (best < 0 || score < best) {
                best = score;
                best_a = xa;
                best_b = xa + tw;
            }
        }
        g->la[i] = best_a;
        g->lb[i] = best_b;
        bool left = best_b <= node_x(g, i);
        svgi_text_el(b, left ? best_b : best_a, node_y(g, i), left ? "end" : "start", FONT_SIZE,
                     " dy=\"0.35em\" style=\"" HALO_STYLE "\"", c->nodes[i].label, lab_fit);
    }
    sr_buf_puts(b, "</g>");
}

/*
 * Network drawing: links first (width 0.75..5 by weight, currentColor at
 * 35 % opacity so they suit either theme), then nodes (radius 4..rmax by
 * sqrt(size / max size), so area tracks size), then labels beside the nodes
 * on the less crowded side (see network_labels).
 */
sr_status svg_network_write(sr_buf *b, const svg_network *c)
{
    if (!svgi_meta_ok(b, c, c ? &c->meta : NULL))
        return SR_EUSAGE;
    sr_status st = network_check(c);
    if (st != SR_OK)
        return st;
    /* The drawing grows with sqrt(n) (about 75 units per node spacing) and
     * the largest radius shrinks, so that labels keep room as n rises; the
     * page scales the whole svg down to its column width. */
    net_draw g = {.c = c, .lab_room = 130};
    double n_d = c->n_nodes ? (double)c->n_nodes : 1;
    g.pw = fmax(500, 75 * sqrt(n_d));
    g.ph = g.pw / NET_W * NET_H;
    g.w = g.pw + 2 * g.lab_room;
    g.rmax = fmin(16, fmax(8, 16 * sqrt(25 / n_d)));
    if (c->n_nodes == 0)
        return svgi_empty_write(b, "network", &c->meta, g.w);
    double *xy = malloc(2 * c->n_nodes * sizeof *xy);
    if (!xy)
        return SR_ENOMEM;
    st = svg_network_layout(c, xy);
    if (st != SR_OK) {
        free(xy);
        return st;
    }
    g.xy = xy;
    bool legend = c->group_names != NULL;
    g.top = (legend ? 30 : 0) + g.rmax + 6;
    double h = g.top + g.ph + g.rmax + 10;

    sr_buf d = SR_BUF_INIT;
    network_describe(&d, c);
    svgi_open(b, "network", &c->meta, g.w, h, sr_buf_str(&d), NULL);
    bool nomem = sr_buf_failed(&d);
    sr_buf_free(&d);
    if (legend)
        svgi_legend_row(b, 8, 14, c->group_names, c->n_groups, false, g.w - 8);
    nomem |= network_links(b, &g);
    double *rad = malloc(3 * c->n_nodes * sizeof *rad);
    if (!rad) {
        free(xy);
        return SR_ENOMEM;
    }
    g.rad = rad;
    g.la = rad + c->n_nodes;
    g.lb = g.la + c->n_nodes;
    nomem |= network_nodes(b, &g);
    network_labels(b, &g);
    free(rad);
    free(xy);
    st = svgi_close(b);
    return nomem ? SR_ENOMEM : st;
}
