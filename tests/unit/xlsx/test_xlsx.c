/*
 * test_xlsx.c - unit tests for the workbook writer (report/xlsx.h).
 *
 * Each test writes a real workbook from tests/fixtures/report_full_x.json
 * (every section of the results document) and a small customers.csv made
 * here (ids with leading zeros, dates, an attribute column of zip codes that
 * must stay text, a quoted value, one 40,000-character cell), then reads it
 * back as the zip it is with `unzip -p` and checks the XML: sheet names and
 * order, header rows, row counts, cell values and types (inline strings vs
 * numbers), the frozen pane, the autofilter, conditional formats, charts,
 * the split of customers over several sheets (with the per-sheet limit
 * lowered to 10 rows), the 32,767-character cut, byte-identical rewrites
 * and the error paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "report/xlsx.h"
#include "report/xlsxzip.h"

/* ------------------------------------------------------------ helpers */

static char dir[256];
static char csv_path[300];
static char xlsx_path[300];

/* Runs a shell command, returns its stdout (malloc'd). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0, k;
    char *out = malloc(cap);
    assert_non_null(out);
    while ((k = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (cap - n < 2) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[n] = '\0';
    pclose(p);
    return out;
}

/* The text of one part of the workbook (e.g. "xl/workbook.xml"). */
static char *part(const char *file, const char *name)
{
    char cmd[700], pat[256];
    size_t k = 0;
    for (const char *p = name; *p && k + 4 < sizeof pat; p++) {
        if (*p == '[') { /* unzip reads [...] as a wildcard; "[[]" is a literal [ */
            memcpy(pat + k, "[[]", 3);
            k += 3;
        } else {
            pat[k++] = *p;
        }
    }
    pat[k] = '\0';
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", file, pat);
    return run(cmd);
}

static char *sheet_xml(const char *file, int n)
{
    char name[64];
    snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", n);
    return part(file, name);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The XML of cell REF ("B2") up to its closing </c>, malloc'd; NULL if none. */
static char *cell(const char *xml, const char *ref)
{
    char open[32];
    snprintf(open, sizeof open, "<c r=\"%s\"", ref);
    const char *a = strstr(xml, open);
    if (!a)
        return NULL;
    const char *b = strstr(a, "</c>");
    const char *selfclose = strstr(a, "/>");
    if (!b || (selfclose && selfclose < b && selfclose < strchr(a, '>') + 1))
        b = selfclose;
    return strndup(a, (size_t)(b - a) + 4);
}

static cJSON *load_fixture(void)
{
    FILE *f = fopen(SR_TEST_DIR "/fixtures/report_full_x.json", "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    cJSON *doc = cJSON_Parse(b);
    free(b);
    assert_non_null(doc);
    return doc;
}

static const char *HEADER =
    "customer_id,first_purchase,last_purchase,orders,lines,monetary,returned,return_lines,"
    "distinct_items,avg_rating,recency,frequency,r_score,f_score,m_score,rfm_score,segment,"
    "cluster,tier,loyalty_probability,churn_probability,risk,behavior_score,Gender,Location,"
    "Zip,Visit Day,Notes\n";

/* customers.csv with n customers; customer 4 (row 5) has a 40,000-char note. */
static void write_csv(const char *path, int n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(HEADER, f);
    static const char *segs[] = {"Champions", "At Risk", "New Customers", "Loyal Customers"};
    static const char *locs[] = {"\xC5\x81\xC3\xB3\x64\xC5\xBA", "Montana", "Texas"};
    for (int i = 0; i < n; i++) {
        int r = i % 5 + 1, fq = (i * 3) % 5 + 1, m = (i * 7) % 5 + 1;
        fprintf(f, "%05d,2024-01-%02d,2024-03-%02d,%d,%d,%.2f,0.00,0,%d,", i + 1, i % 28 + 1,
                i % 28 + 1, i % 7 + 1, i % 9 + 2, 53.5 + i * 10, i % 4 + 1);
        if (i % 6)
            fprintf(f, "%.2f", 3 + i % 3 * 0.5);
        fprintf(f, ",%d,%d,%d,%d,%d,%d%d%d,%s,%d,Gold,%.4f,%.4f,Low,%.1f,%s,%s,0%d,2024-02-%02d,",
                i * 3, i % 7 + 1, r, fq, m, r, fq, m, segs[i % 4], i % 3, 0.1 + i % 9 * 0.1,
                0.9 - i % 9 * 0.1, i * 3.5, i % 2 ? "Male" : "Female", locs[i % 3], 2100 + i,
                i % 28 + 1);
        if (i == 1)
            fputs("\"Zo\xC3\xAB \"\"quoted\"\", ok\"", f);
        if (i == 3)
            for (int k = 0; k < 40000; k++)
                fputc('x', f);
        fputc('\n', f);
    }
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_xlsx_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(csv_path, sizeof csv_path, "%s/customers.csv", dir);
    snprintf(xlsx_path, sizeof xlsx_path, "%s/segments.xlsx", dir);
    write_csv(csv_path, 25);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The fixture workbook with the customer rows per sheet lowered to 10. */
static void write_split(const char *path, xlsx_stats *stats)
{
    cJSON *doc = load_fixture();
    xlsx_options o;
    xlsx_options_init(&o);
    o.max_rows = 10;
    sr_error err = {0};
    sr_status st = xlsx_write_opt(doc, csv_path, path, &o, stats, &err);
    if (st != SR_OK)
        fail_msg("xlsx_write_opt: %s", err.msg);
    cJSON_Delete(doc);
}

/* ------------------------------------------------------------ tests */

static void test_sheet_names_and_order(void **state)
{
    (void)state;
    xlsx_stats s;
    write_split(xlsx_path, &s);
    assert_int_equal(s.customers, 25);
    assert_int_equal(s.customer_sheets, 3);
    assert_int_equal(s.sheets, 14);
    assert_int_equal(s.truncated_cells, 1);
    char *wb = part(xlsx_path, "xl/workbook.xml");
    static const char *names[] = {"Summary",        "Customers",   "Customers (2)",
                                  "Customers (3)",  "Segments",    "Clusters",
                                  "Product Rules",  "Attribute Rules", "Bundles",
                                  "Also Bought",    "Recommendations", "Personas",
                                  "Sentiment",      "Data Quality"};
    const char *p = wb;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char want[80];
        snprintf(want, sizeof want, "<sheet name=\"%s\" sheetId=\"%zu\"", names[i], i + 1);
        const char *q = strstr(p, want);
        if (!q)
            fail_msg("missing or out of order: %s", want);
        p = q;
    }
    assert_int_equal(count(wb, "<sheet "), 14);
    free(wb);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "unzip -t '%s' >/dev/null && echo ok", xlsx_path);
    char *t = run(cmd);
    assert_string_equal(t, "ok\n");
    free(t);
}

static void test_customers_cells(void **state)
{
    (void)state;
    write_split(xlsx_path, NULL);
    char *x = sheet_xml(xlsx_path, 2);
    /* header + 10 rows; the last sheet holds customers 21..25 */
    assert_int_equal(count(x, "<row "), 11);
    assert_non_null(strstr(x, "<autoFilter ref=\"A1:AB11\"/>"));
    assert_non_null(strstr(x, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"));
    char *c = cell(x, "A1");
    assert_non_null(strstr(c, "t=\"inlineStr\"><is><t>Customer ID</t>"));
    free(c);
    c = cell(x, "A2"); /* the id keeps its leading zeros: text */
    assert_non_null(strstr(c, "t=\"inlineStr\"><is><t>00001</t>"));
    free(c);
    c = cell(x, "B2"); /* 2024-01-01 as an Excel date: serial 45292 with a style */
    assert_non_null(strstr(c, " s=\""));
    assert_non_null(strstr(c, "<v>45292</v>"));
    assert_null(strstr(c, "t=\""));
    free(c);
    c = cell(x, "F3"); /* monetary 63.50 as a number */
    assert_non_null(strstr(c, "<v>63.5</v>"));
    free(c);
    c = cell(x, "J2"); /* empty avg_rating: no cell at all */
    assert_null(c);
    c = cell(x, "P3"); /* rfm_score 243 */
    assert_non_null(strstr(c, "<v>243</v>"));
    free(c);
    c = cell(x, "Y2"); /* Location, UTF-8 */
    assert_non_null(strstr(c, "<t>\xC5\x81\xC3\xB3\x64\xC5\xBA</t>"));
    free(c);
    c = cell(x, "Z2"); /* zip codes with a leading zero: the column stays text */
    assert_non_null(strstr(c, "<t>02100</t>"));
    free(c);
    c = cell(x, "AA2"); /* an attribute column of dates becomes dates */
    assert_non_null(strstr(c, "<v>45323</v>"));
    free(c);
    c = cell(x, "AB3"); /* quoted CSV field */
    assert_non_null(strstr(c, "<t>Zo\xC3\xAB \"quoted\", ok</t>"));
    free(c);
    /* conditional formats: data bar on monetary, colour scale on the scores */
    assert_non_null(strstr(x, "<conditionalFormatting sqref=\"F2:F11\"><cfRule type=\"dataBar\""));
    assert_non_null(strstr(x, "<conditionalFormatting sqref=\"M2:M11\"><cfRule type=\"colorScale\""));
    assert_int_equal(count(x, "type=\"colorScale\""), 4);
    free(x);

    x = sheet_xml(xlsx_path, 4); /* Customers (3) */
    assert_int_equal(count(x, "<row "), 6);
    c = cell(x, "A1");
    assert_non_null(strstr(c, "<t>Customer ID</t>"));
    free(c);
    c = cell(x, "A2");
    assert_non_null(strstr(c, "<t>00021</t>"));
    free(c);
    c = cell(x, "A6");
    assert_non_null(strstr(c, "<t>00025</t>"));
    free(c);
    assert_non_null(strstr(x, "<autoFilter ref=\"A1:AB6\"/>"));
    free(x);
}

/* UTF-8 characters in s[0..n). */
static size_t utf8_len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static void test_truncated_cell(void **state)
{
    (void)state;
    write_split(xlsx_path, NULL);
    char *x = sheet_xml(xlsx_path, 2);
    char *c = cell(x, "AB5");
    assert_non_null(c);
    const char *t = strstr(c, "<t>") + 3, *e = strstr(t, "</t>");
    size_t n = (size_t)(e - t);
    assert_int_equal(utf8_len(t, n), 32767);
    const char *marker = XLSX_TRUNCATED_MARKER;
    assert_memory_equal(e - strlen(marker), marker, strlen(marker));
    assert_int_equal(t[0], 'x');
    assert_int_equal(*(e - strlen(marker) - 1), 'x');
    free(c);
    free(x);
    char *s = sheet_xml(xlsx_path, 1);
    assert_non_null(strstr(s, "1 cells held more than 32767 characters"));
    free(s);
}

static void test_summary(void **state)
{
    (void)state;
    write_split(xlsx_path, NULL);
    char *s = sheet_xml(xlsx_path, 1);
    assert_non_null(strstr(s, "<t>Customer analytics workbook</t>"));
    assert_non_null(strstr(s, "location=\"'Customers (2)'!A1\""));
    assert_non_null(strstr(s, "location=\"'Segments'!A1\""));
    assert_non_null(strstr(s, "location=\"'Data Quality'!A1\""));
    assert_int_equal(count(s, "<hyperlink "), 14 - 1);
    assert_non_null(strstr(s, "25 customers do not fit on one sheet (at most 10 rows under the header): "
                              "they continue on Customers (2) to Customers (3)."));
    /* key figures: customers 3900 and revenue 233081 as numbers */
    assert_non_null(strstr(s, "<v>3900</v>"));
    assert_non_null(strstr(s, "<v>233081</v>"));
    /* the as-of date as a date: 2026-01-01 = 46023 */
    assert_non_null(strstr(s, "<v>46023</v>"));
    free(s);
    char *core = part(xlsx_path, "docProps/core.xml");
    assert_non_null(strstr(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-01-01T00:00:00Z</dcterms:created>"));
    assert_non_null(strstr(core, "<dc:creator>shopper-report</dc:creator>"));
    free(core);
}

static void test_doc_sheets(void **state)
{
    (void)state;
    write_split(xlsx_path, NULL);
    /* Segments: header, 10 segments, numbers typed */
    char *x = sheet_xml(xlsx_path, 5);
    char *c = cell(x, "A1");
    assert_non_null(strstr(c, "<t>Segment</t>"));
    free(c);
    c = cell(x, "A2");
    assert_non_null(strstr(c, "<t>Champions</t>"));
    free(c);
    c = cell(x, "B2");
    assert_non_null(strstr(c, "<v>332</v>"));
    assert_null(strstr(c, "t=\""));
    free(c);
    c = cell(x, "C2"); /* share stays a fraction, shown as a percentage */
    assert_non_null(strstr(c, "<v>0.085128</v>"));
    free(c);
    assert_non_null(strstr(x, "<autoFilter ref=\"A1:K12\"/>"));
    assert_non_null(strstr(x, "<conditionalFormatting sqref=\"D2:D12\"><cfRule type=\"dataBar\""));
    assert_non_null(strstr(x, "state=\"frozen\""));
    free(x);
    /* Product Rules: conviction "inf" prints as the infinity sign, lift is a number */
    x = sheet_xml(xlsx_path, 7);
    c = cell(x, "H3");
    assert_non_null(strstr(c, "<t>\xE2\x88\x9E</t>"));
    free(c);
    c = cell(x, "F2");
    assert_non_null(strstr(c, "<v>3.25</v>"));
    free(c);
    assert_non_null(strstr(x, "<conditionalFormatting sqref=\"F2:F4\"><cfRule type=\"dataBar\""));
    free(x);
    /* Sentiment: the overall row first, then 4 categories and 5 products */
    x = sheet_xml(xlsx_path, 13);
    /* header, overall, 4 categories, 5 products, then (after an empty row) the note */
    assert_int_equal(count(x, "<row "), 1 + 1 + 4 + 5 + 1);
    c = cell(x, "A2");
    assert_non_null(strstr(c, "<t>Overall</t>"));
    free(c);
    c = cell(x, "E2");
    assert_non_null(strstr(c, "<v>3900</v>"));
    free(c);
    free(x);
    /* Personas: the UTF-8 names */
    x = sheet_xml(xlsx_path, 12);
    assert_non_null(strstr(x, "<t>Zo\xC3\xAB M\xC3\xBCller</t>"));
    assert_non_null(strstr(x, "<t>\xC5\x81\xC3\xB3\x64\xC5\xBA</t>"));
    free(x);
    /* four native charts: segment sizes, revenue, elbow, sentiment */
    char cmd[400];
    snprintf(cmd, sizeof cmd, "unzip -l '%s' | grep -c 'xl/charts/chart[0-9]*.xml'", xlsx_path);
    char *n = run(cmd);
    assert_string_equal(n, "4\n");
    free(n);
    char *ch = part(xlsx_path, "xl/charts/chart3.xml"); /* Clusters: the elbow */
    assert_non_null(strstr(ch, "<c:scatterChart>"));
    assert_non_null(strstr(ch, "<c:f>Clusters!$B$"));
    free(ch);
}

static void test_same_bytes(void **state)
{
    (void)state;
    char other[320];
    snprintf(other, sizeof other, "%s/again.xlsx", dir);
    write_split(xlsx_path, NULL);
    sleep(1); /* a timestamp from the clock would differ */
    write_split(other, NULL);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "cmp '%s' '%s' && echo same", xlsx_path, other);
    char *r = run(cmd);
    assert_string_equal(r, "same\n");
    free(r);
}

/* Compares two XML texts: equal bytes, except that the contents of <v>
 * elements need only be equal numbers ("29" and "29.00" are one value). */
static void assert_same_xml(const char *name, const char *a, const char *b)
{
    const char *p = a, *q = b;
    while (*p || *q) {
        if (strncmp(p, "<v>", 3) == 0 && strncmp(q, "<v>", 3) == 0) {
            char *ep, *eq;
            double u = strtod(p + 3, &ep), v = strtod(q + 3, &eq);
            if (u != v || strncmp(ep, "</v>", 4) != 0 || strncmp(eq, "</v>", 4) != 0)
                fail_msg("%s: values differ at byte %zu: %.40s | %.40s", name, (size_t)(p - a), p,
                         q);
            p = ep, q = eq;
            continue;
        }
        if (*p != *q)
            fail_msg("%s: differ at byte %zu: %.80s | %.80s", name, (size_t)(p - a), p, q);
        p++, q++;
    }
}

/* Every part of two workbooks alike (assert_same_xml). */
static void assert_same_workbooks(const char *f1, const char *f2)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "unzip -Z1 '%s'", f1);
    char *names = run(cmd);
    snprintf(cmd, sizeof cmd, "unzip -Z1 '%s'", f2);
    char *names2 = run(cmd);
    assert_string_equal(names, names2);
    size_t parts = 0;
    for (char *name = strtok(names, "\n"); name; name = strtok(NULL, "\n"), parts++) {
        char *x1 = part(f1, name), *x2 = part(f2, name);
        assert_same_xml(name, x1, x2);
        free(x1);
        free(x2);
    }
    assert_true(parts > 20);
    free(names);
    free(names2);
}

/* The customer rows streamed through report/xlsxzip.h (the default) and the
 * same rows written cell by cell through libxlsxwriter give the same
 * workbook: same parts, same XML, numbers of equal value. */
static void check_streamed_equals_cells(const char *csv, uint32_t max_rows, size_t sheets)
{
    char cells[320];
    snprintf(cells, sizeof cells, "%s/cells.xlsx", dir);
    cJSON *doc = load_fixture();
    xlsx_options o;
    xlsx_options_init(&o);
    o.max_rows = max_rows;
    xlsx_stats s1, s2;
    sr_error err = {0};
    if (xlsx_write_opt(doc, csv, xlsx_path, &o, &s1, &err) != SR_OK)
        fail_msg("streamed: %s", err.msg);
    o.cell_rows = true;
    if (xlsx_write_opt(doc, csv, cells, &o, &s2, &err) != SR_OK)
        fail_msg("cells: %s", err.msg);
    assert_int_equal(s1.streamed_sheets, sheets);
    assert_false(s1.cell_rows_retry);
    assert_int_equal(s2.streamed_sheets, 0);
    assert_int_equal(s1.customers, s2.customers);
    assert_int_equal(s1.truncated_cells, s2.truncated_cells);
    assert_int_equal(s1.invalid_utf8, s2.invalid_utf8);
    assert_true(s1.zip_parts > 20); /* xlsxzip compressed every part */
    assert_same_workbooks(xlsx_path, cells);
    cJSON_Delete(doc);
}

static void test_streamed_rows(void **state)
{
    (void)state;
    check_streamed_equals_cells(csv_path, 0, 1);
    check_streamed_equals_cells(csv_path, 10, 3); /* Customers, (2), (3) */
    check_streamed_equals_cells(csv_path, 25, 1); /* exactly full */
    check_streamed_equals_cells(csv_path, 24, 2); /* one row over */

    /* Values that test the escaping and the number forms. */
    char odd[320];
    snprintf(odd, sizeof odd, "%s/odd.csv", dir);
    FILE *f = fopen(odd, "w");
    assert_non_null(f);
    fputs("customer_id,monetary,avg_rating,recency,last_purchase,Notes\n"
          "1,007,-0.00,1234567890123456789,2024-02-29, lead\n"
          "2,9.3,0.10,1e5,2024-02-30,trail\t\n"
          "3,29.00,12345.678900,-12,1999-12-31,\"a&b<c>d \"\"q\"\" 'r'\"\n"
          "4,,,,,\"\x01ctl\x1f\r\"\n"
          "5,.5,5.,+3,2024-1-01,\xff\xfe bad utf8\n"
          "6,100000000000000,0.0001,0,,_x0041_ literal\n"
          "7,-1.5,3,4,2023-06-15,\"two\nlines\"\n",
          f);
    assert_int_equal(fclose(f), 0);
    check_streamed_equals_cells(odd, 0, 1);
    check_streamed_equals_cells(odd, 3, 3);
}

static int never_called(void *ctx, xlsxzip_emit_fn emit, void *emit_ctx)
{
    (void)ctx, (void)emit, (void)emit_ctx;
    fail_msg("a filler ran for a part without <sheetData>");
    return -1;
}

/* Without xlsxzip (as if libxlsxwriter did not call it), the writer falls
 * back to cells and the workbook is the same. */
static void test_streaming_unavailable(void **state)
{
    (void)state;
    char plain[320];
    snprintf(plain, sizeof plain, "%s/plain.xlsx", dir);
    cJSON *doc = load_fixture();
    xlsx_stats s1, s2;
    sr_error err = {0};
    assert_int_equal(xlsx_write_opt(doc, csv_path, xlsx_path, NULL, &s1, &err), SR_OK);
    xlsxzip_enable(false);
    sr_status st = xlsx_write_opt(doc, csv_path, plain, NULL, &s2, &err);
    xlsxzip_enable(true);
    assert_int_equal(st, SR_OK);
    assert_int_equal(s1.streamed_sheets, 1);
    assert_false(s1.cell_rows_retry);
    assert_int_equal(s2.streamed_sheets, 0);
    assert_true(s2.cell_rows_retry);
    assert_int_equal(s2.zip_parts, 0); /* minizip compressed it all */
    assert_same_workbooks(xlsx_path, plain);

    /* A part without the shape a filler needs (as a sheet from another
     * libxlsxwriter might be) fails its workbook; the writer starts over
     * with cells. styles.xml has no <sheetData>. */
    xlsx_stats s3;
    assert_true(xlsxzip_add_filler("xl/styles.xml", "A1:A1", never_called, NULL));
    assert_int_equal(xlsx_write_opt(doc, csv_path, plain, NULL, &s3, &err), SR_OK);
    assert_true(s3.cell_rows_retry);
    assert_int_equal(s3.streamed_sheets, 0);
    assert_same_workbooks(xlsx_path, plain);
    cJSON_Delete(doc);
}

static void test_skipped_and_minimal(void **state)
{
    (void)state;
    cJSON *doc = load_fixture();
    cJSON *sk = cJSON_CreateObject();
    cJSON_AddStringToObject(sk, "status", "skipped");
    cJSON_AddStringToObject(sk, "reason", "too few customers");
    cJSON_ReplaceItemInObject(doc, "clusters", sk);
    sr_error err = {0};
    assert_int_equal(xlsx_write(doc, csv_path, xlsx_path, &err), SR_OK);
    char *wb = part(xlsx_path, "xl/workbook.xml");
    assert_null(strstr(wb, "\"Clusters\""));
    assert_int_equal(count(wb, "<sheet "), 11);
    free(wb);
    char *s = sheet_xml(xlsx_path, 1);
    assert_non_null(strstr(s, "<t>Clusters</t>"));
    assert_non_null(strstr(s, "<t>skipped: too few customers</t>"));
    free(s);
    cJSON_Delete(doc);

    /* only meta and quality, no customers.csv */
    doc = cJSON_Parse("{\"meta\":{\"version\":\"0.1.0\",\"as_of\":null},\"quality\":{\"rows_read\":0}}");
    assert_int_equal(xlsx_write(doc, NULL, xlsx_path, &err), SR_OK);
    wb = part(xlsx_path, "xl/workbook.xml");
    assert_int_equal(count(wb, "<sheet "), 3);
    assert_non_null(strstr(wb, "<sheet name=\"Summary\" sheetId=\"1\""));
    assert_non_null(strstr(wb, "<sheet name=\"Customers\" sheetId=\"2\""));
    assert_non_null(strstr(wb, "<sheet name=\"Data Quality\" sheetId=\"3\""));
    free(wb);
    char *core = part(xlsx_path, "docProps/core.xml"); /* undated: fixed 1980 date */
    assert_non_null(strstr(core, "1980-01-01T00:00:00Z"));
    free(core);
    cJSON_Delete(doc);
}

static void test_errors(void **state)
{
    (void)state;
    cJSON *doc = load_fixture();
    sr_error err = {0};
    /* the output folder does not exist: workbook_close fails */
    xlsx_options o;
    xlsx_options_init(&o);
    o.tmpdir = dir;
    assert_int_equal(xlsx_write_opt(doc, csv_path, "/nonexistent-dir/x.xlsx", &o, NULL, &err),
                     SR_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.xlsx: cannot write workbook: "));
    assert_non_null(strstr(err.msg, "Error creating output xlsx file"));
    assert_int_equal(access("/nonexistent-dir/x.xlsx", F_OK), -1);

    /* a malformed customers.csv: no workbook, the record named */
    char bad[320], out[320];
    snprintf(bad, sizeof bad, "%s/bad.csv", dir);
    snprintf(out, sizeof out, "%s/bad.xlsx", dir);
    FILE *f = fopen(bad, "w");
    fputs("customer_id,orders\n1,2\n2,3,4\n", f);
    fclose(f);
    assert_int_equal(xlsx_write(doc, bad, out, &err), SR_EINPUT);
    assert_non_null(strstr(err.msg, "bad.csv: record 3: 3 fields, expected 2"));
    assert_int_equal(access(out, F_OK), -1);
    f = fopen(bad, "w");
    fputs("customer_id,orders\n1,\"2\n", f); /* unclosed quote */
    fclose(f);
    assert_int_equal(xlsx_write(doc, bad, out, &err), SR_EINPUT);
    assert_int_equal(access(out, F_OK), -1);
    /* missing customers.csv */
    snprintf(bad, sizeof bad, "%s/none.csv", dir);
    assert_int_equal(xlsx_write(doc, bad, out, &err), SR_EIO);
    assert_non_null(strstr(err.msg, "none.csv: cannot open"));
    assert_int_equal(xlsx_write(NULL, csv_path, out, &err), SR_EUSAGE);
    cJSON_Delete(doc);
}

static void test_normal_mode(void **state)
{
    (void)state;
    cJSON *doc = load_fixture();
    xlsx_options o;
    xlsx_options_init(&o);
    o.constant_memory = false;
    sr_error err = {0};
    assert_int_equal(xlsx_write_opt(doc, csv_path, xlsx_path, &o, NULL, &err), SR_OK);
    char *x = sheet_xml(xlsx_path, 2);
    assert_int_equal(count(x, "<row "), 26);
    char *c = cell(x, "A2"); /* shared string */
    assert_non_null(strstr(c, "t=\"s\""));
    free(c);
    free(x);
    char *sst = part(xlsx_path, "xl/sharedStrings.xml");
    assert_non_null(strstr(sst, "<t>00001</t>"));
    free(sst);
    char *ch = part(xlsx_path, "xl/charts/chart1.xml"); /* cached values in normal mode */
    assert_non_null(strstr(ch, "<c:numCache>"));
    free(ch);
    cJSON_Delete(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sheet_names_and_order), cmocka_unit_test(test_customers_cells),
        cmocka_unit_test(test_truncated_cell),        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_doc_sheets),            cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_skipped_and_minimal),   cmocka_unit_test(test_errors),
        cmocka_unit_test(test_normal_mode),           cmocka_unit_test(test_streamed_rows),
        cmocka_unit_test(test_streaming_unavailable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
