/*
 * pipeline.c - runs the stages in order into one results document and
 * writes the outputs. The stage table below is the whole pipeline; each
 * entry is one DESIGN.md stage. A stage that cannot run on the data (no
 * ratings, no dates) records why in the document instead of numbers.
 */
#include "report/pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/affinity.h"
#include "analysis/behavior.h"
#include "analysis/loyalty.h"
#include "analysis/personas.h"
#include "analysis/recommend.h"
#include "analysis/clusters.h"
#include "analysis/kpis.h"
#include "analysis/quality.h"
#include "analysis/rfm.h"
#include "analysis/sentiment.h"
#include "ingest/values.h"
#include "report/csvout.h"
#include "report/html.h"
#include "report/personas_pdf.h"
#include "report/xlsx.h"
#include "report/summary.h"
#include "report/templates.h"
#include "util/json.h"

sr_status sr_outputs_parse(const char *list, unsigned *out)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        {"html", SR_OUT_HTML}, {"xlsx", SR_OUT_XLSX}, {"pdf", SR_OUT_PDF},
        {"json", SR_OUT_JSON}, {"csv", SR_OUT_CSV},   {"txt", SR_OUT_TXT},
    };
    unsigned bits = 0;
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        bool found = false;
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (strlen(names[i].name) == n && strncmp(names[i].name, p, n) == 0) {
                bits |= names[i].bit;
                found = true;
            }
        if (!found)
            return SR_EUSAGE;
        p += n + (comma ? 1 : 0);
    }
    if (!bits)
        return SR_EUSAGE;
    *out = bits;
    return SR_OK;
}

static double elapsed(struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
    *t0 = t1;
    return s;
}

/* ---------- meta ---------- */

static sr_status stage_meta(sr_run *run, sr_error *err)
{
    const sr_dataset *ds = run->ds;
    cJSON *m = sr_json_obj(run->root, "meta");
    bool ok = m != NULL;
    ok &= sr_json_str(m, "program", "shopper-report");
    ok &= sr_json_str(m, "version", SR_VERSION);
    if (run->as_of != INT64_MIN) {
        char d[16];
        ok &= sr_json_str(m, "as_of", sr_fmt_date(d, sizeof d, run->as_of));
    } else {
        ok &= cJSON_AddNullToObject(m, "as_of") != NULL;
    }
    ok &= sr_json_int(m, "seed", run->cfg->seed);
    ok &= sr_json_str(m, "shape", sr_shape_name(ds->schema.shape));
    ok &= sr_json_str(m, "currency", run->cfg->currency);
    cJSON *inputs = sr_json_arr(m, "inputs");
    ok &= inputs != NULL;
    for (size_t i = 0; ok && i < ds->nfiles; i++) {
        cJSON *o = sr_json_push_obj(inputs);
        const char *base = strrchr(ds->files[i].path, '/');
        ok &= o && sr_json_str(o, "path", ds->files[i].path) &&
              sr_json_str(o, "name", base ? base + 1 : ds->files[i].path) &&
              sr_json_str(o, "sha256", ds->files[i].sha256) &&
              sr_json_int(o, "rows", (long long)ds->files[i].rows) &&
              sr_json_int(o, "rows_accepted", (long long)ds->files[i].accepted);
    }
    cJSON *settings = sr_config_to_json(run->cfg);
    ok &= settings && cJSON_AddItemToObject(m, "settings", settings);
    return ok ? SR_OK : sr_error_set(err, SR_ENOMEM, "meta: out of memory");
}

/* ---------- RFM and named segments ---------- */

/* Days a "Frequency of Purchases" label stands for (DESIGN.md), or NaN. */
static double frequency_label_days(const char *s)
{
    static const struct { const char *label; double days; } table[] = {
        {"weekly", 7},          {"fortnightly", 14}, {"biweekly", 14}, {"monthly", 30},
        {"quarterly", 90},      {"every3months", 90}, {"annually", 365}, {"yearly", 365},
    };
    char key[64];
    sr_header_key(s, strlen(s), key, sizeof key);
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strcmp(key, table[i].label) == 0)
            return table[i].days;
    return NAN;
}

/* Fills run->recency/frequency/monetary. Returns SR_EDATA with a reason
 * when the data allows no RFM. */
static sr_status rfm_values(sr_run *run, sr_error *err)
{
    const sr_dataset *ds = run->ds;
    const sr_customers *cs = run->cs;
    uint32_t n = cs->n;
    run->recency = malloc((n ? n : 1) * sizeof(double));
    run->frequency = malloc((n ? n : 1) * sizeof(double));
    run->monetary = malloc((n ? n : 1) * sizeof(double));
    if (!run->recency || !run->frequency || !run->monetary)
        return sr_error_set(err, SR_ENOMEM, "rfm: out of memory");
    if (ds->ts) {
        if (run->as_of == INT64_MIN)
            return sr_error_set(err, SR_EDATA, "no as-of date");
        int64_t as_of_day = run->as_of / 86400;
        int64_t first_day = INT64_MAX;
        for (size_t i = 0; i < ds->n; i++)
            if (ds->ts[i] / 86400 < first_day)
                first_day = ds->ts[i] / 86400;
        for (uint32_t c = 0; c < n; c++) {
            const sr_customer *cu = &cs->c[c];
            /* Customers with returns only have no purchase date: as old as the data. */
            int64_t last_day = cu->last_ts != INT64_MIN ? cu->last_ts / 86400 : first_day;
            run->recency[c] = (double)(as_of_day - last_day);
            run->frequency[c] = cu->orders;
            run->monetary[c] = cu->monetary;
        }
        run->rfm_estimated = 0;
        return SR_OK;
    }
    int fcol = ds->schema.col[SR_F_FREQUENCY];
    if (fcol < 0 || ds->cols[fcol].kind != SR_COL_TEXT)
        return sr_error_set(err, SR_EDATA,
                            "the data has neither purchase dates nor a purchase-frequency column");
    for (uint32_t c = 0; c < n; c++) {
        const sr_customer *cu = &cs->c[c];
        double days = frequency_label_days(sr_dataset_str(ds, sr_customers_mode(cs, fcol, c)));
        if (isnan(days))
            return sr_error_set(err, SR_EDATA, "customer %s: unknown purchase frequency '%s'",
                                sr_dataset_customer_id(ds, c),
                                sr_dataset_str(ds, sr_customers_mode(cs, fcol, c)));
        run->recency[c] = days;
        run->frequency[c] = isnan(cu->previous) ? cu->orders : cu->previous + 1;
        run->monetary[c] = cu->monetary;
    }
    run->rfm_estimated = 1;
    return SR_OK;
}

static sr_status stage_rfm(sr_run *run, sr_error *err)
{
    const sr_customers *cs = run->cs;
    const char *cur = run->cfg->currency;
    cJSON *rfm = sr_json_obj(run->root, "rfm");
    if (!rfm)
        return sr_error_set(err, SR_ENOMEM, "rfm: out of memory");
    sr_error why;
    sr_status st = rfm_values(run, &why);
    if (st == SR_EDATA) {
        free(run->recency);
        free(run->frequency);
        free(run->monetary);
        run->recency = run->frequency = run->monetary = NULL;
        run->log("rfm: skipped: %s", why.msg);
        bool ok = sr_json_str(rfm, "status", "skipped") && sr_json_str(rfm, "reason", why.msg);
        return ok ? SR_OK : sr_error_set(err, SR_ENOMEM, "rfm: out of memory");
    }
    if (st != SR_OK) {
        *err = why;
        return st;
    }
    rfm_result *res = NULL;
    st = rfm_compute(cs->n, run->recency, run->frequency, run->monetary, &res, err);
    if (st != SR_OK)
        return st;
    run->n = cs->n;
    run->r_score = res->r;
    run->f_score = res->f;
    run->m_score = res->m;
    run->segment = res->seg;
    res->r = res->f = res->m = res->seg = NULL; /* now owned by the run */

    bool ok = sr_json_str(rfm, "status", "ran");
    ok &= sr_json_str(rfm, "method", run->rfm_estimated ? "estimated" : "dates");
    ok &= sr_json_str(rfm, "note",
                      run->rfm_estimated
                          ? "The data has no dates: recency is estimated from the purchase "
                            "frequency (Weekly 7, Fortnightly 14, Monthly 30, Quarterly 90, "
                            "Annually 365 days) and frequency is Previous Purchases + 1."
                          : "Recency in days from the as-of date, frequency in orders, "
                            "monetary value net of returns.");
    cJSON *grid = sr_json_arr(rfm, "grid");
    ok &= grid != NULL;
    for (int r = 0; ok && r < 5; r++) {
        cJSON *row = cJSON_CreateArray();
        ok &= row && cJSON_AddItemToArray(grid, row);
        for (int f = 0; ok && f < 5; f++)
            ok &= sr_json_push_num(row, (double)res->grid[r][f], -1);
    }
    cJSON *sc = sr_json_obj(rfm, "score_counts");
    ok &= sc != NULL;
    const size_t *counts[3] = {res->r_counts, res->f_counts, res->m_counts};
    const char *names[3] = {"r", "f", "m"};
    for (int k = 0; ok && k < 3; k++) {
        cJSON *a = sr_json_arr(sc, names[k]);
        ok &= a != NULL;
        for (int s = 0; ok && s < 5; s++)
            ok &= sr_json_push_num(a, (double)counts[k][s], -1);
    }

    /* Segments: only those with customers, in report order. AOV = revenue / orders. */
    double orders[RFM_SEG_COUNT] = {0};
    for (uint32_t c = 0; c < cs->n; c++)
        orders[run->segment[c]] += cs->c[c].orders;
    cJSON *segs = sr_json_arr(run->root, "segments");
    ok &= segs != NULL;
    for (int s = 0; ok && s < RFM_SEG_COUNT; s++) {
        const rfm_segment_stats *g = &res->segments[s];
        if (!g->customers)
            continue;
        const rfm_segment_info *info = rfm_segment_describe((rfm_seg)s);
        cJSON *o = sr_json_push_obj(segs);
        double aov = orders[s] > 0 ? g->revenue / orders[s] : 0;
        ok &= o && sr_json_str(o, "segment_id", info->id) &&
              sr_json_str(o, "segment_name", info->name) &&
              sr_json_int(o, "customer_count", (long long)g->customers) &&
              sr_json_count_fmt(o, "customer_count", (long long)g->customers) &&
              sr_json_num(o, "share", g->share, 6) && sr_json_pct_fmt(o, "share", g->share, 1) &&
              sr_json_num(o, "total_revenue", g->revenue, 2) &&
              sr_json_money_fmt(o, "total_revenue", cur, g->revenue, 0) &&
              sr_json_num(o, "revenue_share", g->revenue_share, 6) &&
              sr_json_pct_fmt(o, "revenue_share", g->revenue_share, 1) &&
              sr_json_num(o, "avg_order_value", aov, 2) &&
              sr_json_money_fmt(o, "avg_order_value", cur, aov, 2);
        cJSON *ch = ok ? sr_json_obj(o, "characteristics") : NULL;
        ok &= ch && sr_json_num(ch, "avg_recency", g->avg_recency, 2) &&
              sr_json_num(ch, "avg_frequency", g->avg_frequency, 2) &&
              sr_json_num(ch, "avg_monetary", g->avg_monetary, 2);
        ok &= ok && sr_json_str(o, "description", info->description) &&
              sr_json_str(o, "action", info->action);
    }
    rfm_result_free(res);
    return ok ? SR_OK : sr_error_set(err, SR_ENOMEM, "rfm: out of memory");
}

/* ---------- sentiment ---------- */

/* Dense group index per line for a text column: value id -> 0..k-1 in
 * first-appearance order; names[] gets the value ids. */
static size_t *group_index(const sr_dataset *ds, const sr_column *col, uint32_t **names, size_t *k)
{
    uint32_t nstr = sr_pool_count(ds->pool);
    uint32_t *dense = malloc((nstr ? nstr : 1) * sizeof *dense);
    size_t *g = malloc((ds->n ? ds->n : 1) * sizeof *g);
    *names = malloc((nstr ? nstr : 1) * sizeof **names);
    if (!dense || !g || !*names) {
        free(dense);
        free(g);
        free(*names);
        *names = NULL;
        return NULL;
    }
    memset(dense, 0xff, (nstr ? nstr : 1) * sizeof *dense);
    *k = 0;
    for (size_t i = 0; i < ds->n; i++) {
        uint32_t id = col->ids[i];
        if (id == SR_NONE) {
            g[i] = SENTIMENT_NO_GROUP;
            continue;
        }
        if (dense[id] == SR_NONE) {
            dense[id] = (uint32_t)*k;
            (*names)[(*k)++] = id;
        }
        g[i] = dense[id];
    }
    free(dense);
    return g;
}

static bool add_sentiment_stats(cJSON *o, const sentiment_stats *s)
{
    bool ok = sr_json_num(o, "score", s->score, 2) &&
              sr_json_num(o, "average_rating", s->average_rating, 4) &&
              sr_json_int(o, "reviews", (long long)s->reviews);
    for (int l = 0; ok && l < SENTIMENT_LABEL_COUNT; l++)
        ok &= sr_json_int(o, sentiment_label_key((sentiment_label)l), (long long)s->counts[l]);
    ok &= ok && sr_json_str(o, "dominant", s->dominant < SENTIMENT_LABEL_COUNT
                                               ? sentiment_label_key(s->dominant)
                                               : "");
    return ok;
}

static int cmp_group_score(const void *a, const void *b)
{
    const sentiment_group *x = a, *y = b;
    if (x->stats.score != y->stats.score)
        return x->stats.score > y->stats.score ? -1 : 1;
    return x->group < y->group ? -1 : x->group > y->group;
}

static sr_status stage_sentiment(sr_run *run, sr_error *err)
{
    const sr_dataset *ds = run->ds;
    const sr_column *rating = sr_dataset_col(ds, SR_F_RATING);
    cJSON *o = sr_json_obj(run->root, "sentiment");
    if (!o)
        return sr_error_set(err, SR_ENOMEM, "sentiment: out of memory");
    if (!rating) {
        bool ok = sr_json_str(o, "status", "skipped") &&
                  sr_json_str(o, "reason", "the data has no rating column");
        return ok ? SR_OK : sr_error_set(err, SR_ENOMEM, "sentiment: out of memory");
    }
    const sr_column *cat = sr_dataset_col(ds, SR_F_CATEGORY);
    const sr_column *prod = sr_dataset_col(ds, SR_F_PRODUCT);
    uint32_t *cat_names = NULL, *prod_names = NULL;
    size_t ncat = 0, nprod = 0;
    size_t *cat_idx = cat && cat->kind == SR_COL_TEXT ? group_index(ds, cat, &cat_names, &ncat) : NULL;
    size_t *prod_idx = prod && prod->kind == SR_COL_TEXT ? group_index(ds, prod, &prod_names, &nprod) : NULL;
    sentiment_input in = {ds->n, rating->num, cat_idx, ncat, prod_idx, nprod};
    sentiment_result *res = NULL;
    size_t *order = NULL;
    sr_status st = sentiment_analyze(&in, &res, err);
    bool ok = st == SR_OK;
    if (ok) {
        const sentiment_stats *s = &res->overall;
        ok &= sr_json_str(o, "status", "ran");
        ok &= sr_json_num(o, "overall_score", s->score, 2);
        ok &= sr_json_num(o, "average_rating", s->average_rating, 2);
        ok &= sr_json_int(o, "total_reviews", (long long)s->reviews);
        ok &= sr_json_int(o, "without_rating", (long long)s->missing);
        cJSON *dist = sr_json_obj(o, "distribution");
        cJSON *pct = sr_json_obj(o, "percentages");
        ok &= dist && pct;
        for (int l = 0; ok && l < SENTIMENT_LABEL_COUNT; l++) {
            const char *key = sentiment_label_key((sentiment_label)l);
            ok &= sr_json_int(dist, key, (long long)s->counts[l]);
            ok &= sr_json_num(pct, key, s->percentages[l], 2);
        }
        ok &= ok && sr_json_str(o, "label", s->dominant < SENTIMENT_LABEL_COUNT
                                                ? sentiment_label_name(s->dominant) : "");
        if (ok && res->n_categories) {
            /* by_category: sorted by score, best first (ties by first appearance). */
            sentiment_group *g = malloc(res->n_categories * sizeof *g);
            ok &= g != NULL;
            if (g) {
                memcpy(g, res->by_category, res->n_categories * sizeof *g);
                qsort(g, res->n_categories, sizeof *g, cmp_group_score);
                cJSON *arr = sr_json_arr(o, "by_category");
                ok &= arr != NULL;
                for (size_t i = 0; ok && i < res->n_categories; i++) {
                    if (!g[i].stats.reviews)
                        continue;
                    cJSON *e = sr_json_push_obj(arr);
                    ok &= e && sr_json_str(e, "name", sr_dataset_str(ds, cat_names[g[i].group])) &&
                          add_sentiment_stats(e, &g[i].stats);
                }
                free(g);
            }
        }
        if (ok && res->n_products) {
            order = malloc(res->n_products * sizeof *order);
            size_t count = 0;
            ok &= order && sentiment_groups_top(res->by_product, res->n_products, 20, order,
                                                &count) == SR_OK;
            cJSON *arr = ok ? sr_json_arr(o, "by_product") : NULL;
            ok &= arr != NULL;
            for (size_t i = 0; ok && i < count; i++) {
                const sentiment_group *g = &res->by_product[order[i]];
                cJSON *e = sr_json_push_obj(arr);
                ok &= e && sr_json_str(e, "name", sr_dataset_str(ds, prod_names[g->group])) &&
                      add_sentiment_stats(e, &g->stats);
            }
        }
        if (!ok)
            st = sr_error_set(err, SR_ENOMEM, "sentiment: out of memory");
    }
    free(order);
    sentiment_result_free(res);
    free(cat_idx);
    free(prod_idx);
    free(cat_names);
    free(prod_names);
    return st;
}

/* ---------- the stage table ---------- */

static sr_status stage_quality(sr_run *run, sr_error *err) { return quality_run(run->ds, run->root, err); }

static sr_status stage_kpis(sr_run *run, sr_error *err)
{
    return kpis_run(run->ds, run->cs, run->cfg, run->root, err);
}

static sr_status stage_affinity(sr_run *run, sr_error *err)
{
    return affinity_run(run->ds, run->cfg, run->root, run->warn, err);
}

static const struct {
    const char *name;
    sr_status (*fn)(sr_run *, sr_error *);
} stages[] = {
    {"meta", stage_meta},   {"quality", stage_quality},     {"kpis", stage_kpis},
    {"rfm", stage_rfm},     {"clusters", clusters_run},     {"sentiment", stage_sentiment},
    {"affinity", stage_affinity}, {"loyalty", loyalty_run},       {"behavior", behavior_run},
    {"personas", personas_run},   {"recommendations", recommend_run},
};

sr_status sr_run_analyze(sr_run *run, sr_error *err)
{
    run->root = cJSON_CreateObject();
    if (!run->root)
        return sr_error_set(err, SR_ENOMEM, "out of memory");
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < sizeof stages / sizeof *stages; i++) {
        sr_status st = stages[i].fn(run, err);
        if (st != SR_OK)
            return st;
        if (i > 0)
            run->log("%s: done (%.3f s)", stages[i].name, elapsed(&t0));
    }
    return SR_OK;
}

/* Writes report.json of root into od. */
static sr_status write_json(const cJSON *root, const sr_outdir *od, sr_error *err)
{
    char *text = sr_json_print(root);
    char *path = sr_outdir_path(od, "report.json");
    sr_status st = text && path ? sr_write_file(path, text, strlen(text), err)
                                : sr_error_set(err, SR_ENOMEM, "out of memory");
    free(text);
    free(path);
    return st;
}

sr_status sr_render_documents(const cJSON *root, const char *customers_csv, const char *templates_dir,
                              unsigned outputs, const sr_outdir *od, sr_log_fn log, sr_log_fn warn,
                              sr_error *err)
{
    sr_status st = SR_OK;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sr_templates *tpl = sr_templates_new(templates_dir);
    if (!tpl)
        return sr_error_set(err, SR_ENOMEM, "out of memory");
    static const struct {
        unsigned bit;
        const char *name;
        sr_status (*render)(const cJSON *, sr_templates *, sr_buf *, sr_error *);
    } text_outputs[] = {{SR_OUT_HTML, "report.html", html_render},
                        {SR_OUT_TXT, "summary.txt", summary_render}};
    for (size_t i = 0; i < 2 && st == SR_OK; i++) {
        if (!(outputs & text_outputs[i].bit))
            continue;
        sr_buf text = SR_BUF_INIT;
        char *path = sr_outdir_path(od, text_outputs[i].name);
        st = path ? text_outputs[i].render(root, tpl, &text, err)
                  : sr_error_set(err, SR_ENOMEM, "out of memory");
        if (st == SR_OK)
            st = sr_write_file(path, sr_buf_str(&text), text.len, err);
        sr_buf_free(&text);
        free(path);
        if (st == SR_OK)
            log("%s: written (%.3f s)", text_outputs[i].name, elapsed(&t0));
    }
    if (st == SR_OK && (outputs & SR_OUT_XLSX)) {
        char *path = sr_outdir_path(od, "segments.xlsx");
        xlsx_stats xs;
        st = path ? xlsx_write_opt(root, customers_csv, path, NULL, &xs, err)
                  : sr_error_set(err, SR_ENOMEM, "out of memory");
        free(path);
        if (st == SR_OK) {
            log("segments.xlsx: written, %zu customers on %zu sheet(s)%s (%.3f s)", xs.customers,
                xs.customer_sheets, xs.streamed_sheets ? ", rows streamed into the zip" : "",
                elapsed(&t0));
            if (xs.truncated_cells)
                warn("segments.xlsx: %zu cells longer than 32,767 characters were cut",
                     xs.truncated_cells);
            if (xs.cell_rows_retry)
                log("segments.xlsx: customer rows written cell by cell (slower): the "
                    "libxlsxwriter in use does not zip through report/xlsxzip.c");
        }
    }
    if (st == SR_OK && (outputs & SR_OUT_PDF)) {
        char *all = sr_outdir_path(od, "personas.pdf"), *dir = sr_outdir_path(od, "personas");
        personas_pdf_stats ps;
        st = all && dir ? personas_pdf_write_opt(root, tpl, all, dir, NULL, &ps, err)
                        : sr_error_set(err, SR_ENOMEM, "out of memory");
        free(all);
        free(dir);
        if (st == SR_OK) {
            log("personas.pdf: %zu persona cards, %zu files (%.3f s)", ps.personas, ps.files,
                elapsed(&t0));
            if (ps.dropped_blocks)
                warn("persona cards: %zu blocks did not fit and were left out", ps.dropped_blocks);
            if (ps.cut_blocks)
                log("persona cards: %zu texts shortened to fit", ps.cut_blocks);
        }
    }
    sr_templates_free(tpl);
    return st;
}

sr_status sr_run_render(sr_run *run, const sr_outdir *od, sr_error *err)
{
    sr_status st = SR_OK;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (run->outputs & SR_OUT_JSON) {
        st = write_json(run->root, od, err);
        if (st != SR_OK)
            return st;
        run->log("report.json: written (%.3f s)", elapsed(&t0));
    }
    /* customers.csv also feeds the workbook's Customers sheet. */
    char *csv = sr_outdir_path(od, "customers.csv");
    if (!csv)
        return sr_error_set(err, SR_ENOMEM, "out of memory");
    if (run->outputs & (SR_OUT_CSV | SR_OUT_XLSX)) {
        st = sr_customers_csv_write(run, csv, err);
        if (st == SR_OK)
            run->log("customers.csv: written (%.3f s)", elapsed(&t0));
    }
    if (st == SR_OK)
        st = sr_render_documents(run->root, csv, run->templates_dir, run->outputs, od, run->log,
                                 run->warn, err);
    if (st == SR_OK && (run->outputs & SR_OUT_XLSX) && !(run->outputs & SR_OUT_CSV))
        remove(csv); /* written only for the workbook */
    free(csv);
    return st;
}

void sr_run_free(sr_run *run)
{
    cJSON_Delete(run->root);
    run->root = NULL;
    free(run->recency);
    free(run->frequency);
    free(run->monetary);
    free(run->r_score);
    free(run->f_score);
    free(run->m_score);
    free(run->segment);
    run->recency = run->frequency = run->monetary = NULL;
    run->r_score = run->f_score = run->m_score = run->segment = NULL;
    for (int i = 0; i < run->k; i++) {
        if (run->cluster_names)
            free(run->cluster_names[i]);
        if (run->cluster_tiers)
            free(run->cluster_tiers[i]);
    }
    free(run->cluster_names);
    free(run->cluster_tiers);
    free(run->cluster);
    free(run->loyalty_prob);
    free(run->churn_prob);
    free(run->risk);
    free(run->segment_score);
    free(run->behavior_score);
    run->cluster_names = run->cluster_tiers = NULL;
    run->cluster = NULL;
    run->loyalty_prob = run->churn_prob = run->segment_score = run->behavior_score = NULL;
    run->risk = NULL;
    run->k = 0;
}
