/*
 * test_reader.c - unit tests of src/ingest/reader.c (CSV -> dataset) and of
 * src/model/customers.c (per-customer aggregation).
 *
 * Every input is an in-memory CSV fed through sr_ingest_buffer. Rejected
 * rows are written to a rejects.csv inside a fresh mkdtemp() folder, which
 * the tests read back with a small RFC 4180 parser of their own to check the
 * line numbers, reasons and raw text. The line number of a reject on a line
 * after a multi-line quoted field, after blank lines, and after a 4 MiB
 * chunk boundary shows that the reader counts physical lines correctly.
 *
 * Expected values are written out by hand from the literal CSV text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/reader.h"
#include "util/rng.h"
#include "model/customers.h"
#include "model/dataset.h"
#include "util/sha256.h"

/* ---------- fixture ---------- */

typedef struct {
    char dir[64];
    char rej_path[128];
    sr_rejects rej;
    sr_ingest_options opt;
    sr_dataset *ds;
    sr_error err;
    int nwarn;
    char warn[8][512];
    int nprogress;
    uint64_t last_done, last_total;
} fixture;

static void on_warn(void *user, const char *msg)
{
    fixture *f = user;
    if (f->nwarn < 8)
        snprintf(f->warn[f->nwarn], sizeof f->warn[0], "%s", msg);
    f->nwarn++;
}

static void on_progress(void *user, const char *path, uint64_t done, uint64_t total)
{
    (void)path;
    fixture *f = user;
    f->nprogress++;
    f->last_done = done;
    f->last_total = total;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/sr_reader_XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->rej_path, sizeof f->rej_path, "%s/rejects.csv", f->dir);
    f->rej.path = f->rej_path;
    f->opt.rejects = &f->rej;
    f->opt.warn = on_warn;
    f->opt.progress = on_progress;
    f->opt.user = f;
    f->ds = sr_dataset_new();
    if (!f->ds) {
        rmdir(f->dir);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sr_rejects_close(&f->rej, NULL);
    unlink(f->rej_path);
    rmdir(f->dir);
    sr_dataset_free(f->ds);
    free(f);
    return 0;
}

static sr_status feed_n(fixture *f, const char *name, const char *csv, size_t n)
{
    memset(&f->err, 0, sizeof f->err);
    return sr_ingest_buffer(f->ds, name, csv, n, &f->opt, &f->err);
}

static sr_status feed(fixture *f, const char *csv)
{
    return feed_n(f, "in.csv", csv, strlen(csv));
}

/* Feeds csv and requires success. */
static void feed_ok(fixture *f, const char *csv)
{
    sr_status st = feed(f, csv);
    if (st != SR_OK)
        fail_msg("ingest failed: %d %s", st, f->err.msg);
}

/* ---------- rejects.csv reader ---------- */

typedef struct {
    size_t nrows;
    char *cell[64][6]; /* file,line,column,reason,value,raw */
    size_t ncell[64];
} rejects_table;

static void rejects_free(rejects_table *t)
{
    for (size_t r = 0; r < t->nrows && r < 64; r++)
        for (size_t c = 0; c < t->ncell[r] && c < 6; c++)
            free(t->cell[r][c]);
    free(t);
}

/* Reads the whole rejects file (closing it first) into a table, header row
 * excluded; checks the header. NULL when there is no file. */
static rejects_table *rejects_read(fixture *f)
{
    assert_int_equal(sr_rejects_close(&f->rej, NULL), SR_OK);
    FILE *fp = fopen(f->rej_path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(fp);
    rejects_table *t = calloc(1, sizeof *t);
    assert_non_null(t);
    size_t i = 0;
    long row = -1; /* -1: the header */
    while (i < len) {
        size_t col = 0;
        for (;;) {
            char *cell = malloc(len - i + 1);
            assert_non_null(cell);
            size_t o = 0;
            if (buf[i] == '"') {
                i++;
                for (;;) {
                    assert_true(i < len);
                    if (buf[i] == '"') {
                        if (i + 1 < len && buf[i + 1] == '"') {
                            cell[o++] = '"';
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    cell[o++] = buf[i++];
                }
            } else {
                while (i < len && buf[i] != ',' && buf[i] != '\n')
                    cell[o++] = buf[i++];
            }
            cell[o] = '\0';
            if (row >= 0 && row < 64 && col < 6) {
                t->cell[row][col] = cell;
                t->ncell[row] = col + 1;
            } else {
                if (row < 0) {
                    static const char *const hdr[] = {"file", "line", "column", "reason", "value", "raw"};
                    assert_true(col < 6);
                    assert_string_equal(cell, hdr[col]);
                }
                free(cell);
            }
            col++;
            if (i < len && buf[i] == ',') {
                i++;
                continue;
            }
            assert_true(i < len && buf[i] == '\n'); /* every record ends with \n */
            i++;
            break;
        }
        if (row >= 0)
            assert_int_equal(col, 6);
        row++;
    }
    t->nrows = row < 0 ? 0 : (size_t)row;
    free(buf);
    return t;
}

static const char *rj(const rejects_table *t, size_t row, int col)
{
    assert_true(row < t->nrows);
    return t->cell[row][col];
}

enum { RJ_FILE, RJ_LINE, RJ_COLUMN, RJ_REASON, RJ_VALUE, RJ_RAW };

/* ---------- dataset access ---------- */

static int col_of(const sr_dataset *ds, const char *name)
{
    for (size_t c = 0; c < ds->ncols; c++)
        if (strcmp(ds->cols[c].name, name) == 0)
            return (int)c;
    fail_msg("no column '%s'", name);
    return -1;
}

static const char *text(const sr_dataset *ds, const char *colname, size_t line)
{
    const sr_column *c = &ds->cols[col_of(ds, colname)];
    assert_int_equal(c->kind, SR_COL_TEXT);
    assert_true(line < ds->n);
    return sr_dataset_str(ds, c->ids[line]);
}

static double number(const sr_dataset *ds, const char *colname, size_t line)
{
    const sr_column *c = &ds->cols[col_of(ds, colname)];
    assert_int_equal(c->kind, SR_COL_NUMBER);
    assert_true(line < ds->n);
    return c->num[line];
}

static const char *cust(const sr_dataset *ds, size_t line)
{
    assert_true(line < ds->n);
    if (ds->customer[line] == SR_NONE)
        return NULL;
    return sr_dataset_customer_id(ds, ds->customer[line]);
}

#define assert_dbl(a, b) check_dbl((a), (b), #a, __LINE__)
static void check_dbl(double got, double want, const char *expr, int line)
{
    if (!(got == want))
        fail_msg("line %d: %s = %.17g, want %.17g", line, expr, got, want);
}

static const char *const SHOP_HDR = "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n";

/* ---------- basic reading ---------- */

static void test_basic(void **state)
{
    fixture *f = *state;
    const char *csv = "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
                      "1,Blouse,53,Yes,55\n"
                      "2,Sweater,64.5,No,19\n"
                      "3,Jeans,73,yes,50\n";
    feed_ok(f, csv);
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->ncols, 5);
    assert_int_equal(ds->n, 3);
    assert_int_equal(ds->rows_read, 3);
    assert_int_equal(ds->rows_rejected, 0);
    assert_int_equal(ds->ncustomers, 3);
    assert_int_equal(ds->norders, 3); /* one order per row without an order column */
    assert_int_equal(ds->schema.shape, SR_SHAPE_CUSTOMERS);
    assert_null(ds->ts);
    assert_string_equal(ds->cols[0].name, "Customer ID");
    assert_int_equal(ds->cols[0].role, SR_F_CUSTOMER);
    assert_int_equal(ds->cols[0].kind, SR_COL_CONSUMED);
    assert_int_equal(ds->cols[1].role, SR_F_PRODUCT);
    assert_int_equal(ds->cols[2].role, SR_F_AMOUNT);
    assert_int_equal(ds->cols[2].kind, SR_COL_CONSUMED);
    assert_int_equal(ds->cols[3].role, SR_F_DISCOUNT);
    assert_int_equal(ds->cols[4].role, SR_F_AGE);
    assert_int_equal(ds->cols[4].kind, SR_COL_NUMBER);
    assert_string_equal(cust(ds, 0), "1");
    assert_string_equal(cust(ds, 2), "3");
    assert_string_equal(text(ds, "Item Purchased", 1), "Sweater");
    assert_string_equal(text(ds, "Discount Applied", 1), "No");
    assert_dbl(ds->amount[0], 53.0);
    assert_dbl(ds->amount[1], 64.5);
    assert_dbl(ds->amount[2], 73.0);
    assert_dbl(number(ds, "Age", 0), 55.0);
    assert_dbl(number(ds, "Age", 1), 19.0);
    assert_int_equal(ds->flags[0], SR_LINE_DISCOUNT);
    assert_int_equal(ds->flags[1], 0);
    assert_int_equal(ds->flags[2], SR_LINE_DISCOUNT);
    assert_int_equal(ds->nfiles, 1);
    assert_string_equal(ds->files[0].path, "in.csv");
    assert_int_equal(ds->files[0].rows, 3);
    assert_int_equal(ds->files[0].accepted, 3);
    /* The checksum is that of the input bytes. */
    sr_sha256 sha;
    char hex[65];
    sr_sha256_init(&sha);
    sr_sha256_update(&sha, csv, strlen(csv));
    sr_sha256_final(&sha, hex);
    assert_string_equal(ds->files[0].sha256, hex);
    /* No rejects: no file. */
    assert_null(rejects_read(f));
    assert_int_equal(f->nwarn, 0);
    /* The final progress report covers the whole input. */
    assert_true(f->nprogress >= 1);
    assert_int_equal(f->last_done, strlen(csv));
    assert_int_equal(f->last_total, strlen(csv));
}

/* Quotes, delimiters and newlines inside quoted fields; the line numbers of
 * later records stay physical line numbers. */
static void test_quoted_fields(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n" /* 1 */
               "1,\"a \"\"b\"\" c\",10,No,30\n"                  /* 2 */
               "2,\"Sweater, wool\",20,No,31\n"                  /* 3 */
               "3,\"two\nlines, and \"\"more\"\"\n\",30,No,32\n" /* 4-6 */
               "4,\"\",40,No,33\n"                                /* 7 */
               "\"5\",Hat,\"50\",\"No\",\"34\"\n"                 /* 8 */
               "6,Scarf,oops,No,35\n"                             /* 9: bad amount */
               "7,Belt,70,No,36\n");                              /* 10 */
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 6);
    assert_int_equal(ds->rows_read, 7);
    assert_int_equal(ds->rows_rejected, 1);
    assert_int_equal(ds->reject_counts[SR_REJECT_NUMBER], 1);
    assert_string_equal(text(ds, "Item Purchased", 0), "a \"b\" c");
    assert_string_equal(text(ds, "Item Purchased", 1), "Sweater, wool");
    assert_string_equal(text(ds, "Item Purchased", 2), "two\nlines, and \"more\"\n");
    assert_string_equal(text(ds, "Item Purchased", 3), "");
    assert_int_equal(ds->cols[col_of(ds, "Item Purchased")].ids[3], SR_NONE);
    assert_string_equal(cust(ds, 4), "5");
    assert_string_equal(text(ds, "Item Purchased", 4), "Hat");
    assert_dbl(ds->amount[4], 50.0);
    assert_dbl(number(ds, "Age", 4), 34.0);
    assert_string_equal(text(ds, "Item Purchased", 5), "Belt");
    assert_int_equal(ds->cols[col_of(ds, "Item Purchased")].missing, 1);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 1);
    assert_string_equal(rj(t, 0, RJ_FILE), "in.csv");
    assert_string_equal(rj(t, 0, RJ_LINE), "9");
    assert_string_equal(rj(t, 0, RJ_COLUMN), "Purchase Amount (USD)");
    assert_string_equal(rj(t, 0, RJ_REASON), "invalid number");
    assert_string_equal(rj(t, 0, RJ_VALUE), "oops");
    assert_string_equal(rj(t, 0, RJ_RAW), "6,Scarf,oops,No,35");
    rejects_free(t);
    assert_int_equal(f->nwarn, 1);
    assert_string_equal(f->warn[0], "in.csv:9: column 'Purchase Amount (USD)': invalid number 'oops'");
}

/* A rejected multi-line record: its first line is reported and the raw text
 * holds every line of it. */
static void test_reject_multiline_record(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
               "1,\"x\ny\",bad,No,30\n"   /* 2-3 */
               "2,\"p\r\nq\",12,No,31\n"  /* 4-5 */
               "3,z,-,No,32\n");          /* 6 */
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 1);
    assert_string_equal(text(ds, "Item Purchased", 0), "p\r\nq");
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 2);
    assert_string_equal(rj(t, 0, RJ_LINE), "2");
    assert_string_equal(rj(t, 0, RJ_RAW), "1,\"x\ny\",bad,No,30");
    assert_string_equal(rj(t, 1, RJ_LINE), "6");
    assert_string_equal(rj(t, 1, RJ_VALUE), "-");
    rejects_free(t);
}

static void test_empty_fields_missing(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
               "1,,10,,\n"
               "2,Hat,20,No,\n"
               ",Cap,30,,40\n"
               "4,  ,40,Yes,  \n");
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 4);
    assert_int_equal(ds->cols[col_of(ds, "Customer ID")].missing, 1);
    assert_int_equal(ds->cols[col_of(ds, "Item Purchased")].missing, 2);
    assert_int_equal(ds->cols[col_of(ds, "Purchase Amount (USD)")].missing, 0);
    assert_int_equal(ds->cols[col_of(ds, "Discount Applied")].missing, 2);
    assert_int_equal(ds->cols[col_of(ds, "Age")].missing, 3);
    assert_true(isnan(number(ds, "Age", 0)));
    assert_dbl(number(ds, "Age", 2), 40.0);
    assert_int_equal(ds->cols[col_of(ds, "Item Purchased")].ids[3], SR_NONE);
    assert_int_equal(ds->lines_without_customer, 1);
    assert_null(cust(ds, 2));
    assert_int_equal(ds->ncustomers, 3);
}

static void test_long_field(void **state)
{
    fixture *f = *state;
    size_t big = 1u << 20;
    size_t cap = big * 2 + 1024;
    char *csv = malloc(cap);
    assert_non_null(csv);
    size_t o = (size_t)snprintf(csv, cap, "%s1,", SHOP_HDR);
    for (size_t i = 0; i < big; i++)
        csv[o++] = (char)('a' + i % 26);
    o += (size_t)snprintf(csv + o, cap - o, ",10,No,30\n2,\"");
    for (size_t i = 0; i < big; i++)
        csv[o++] = i % 1000 == 999 ? '\n' : (char)('A' + i % 26);
    o += (size_t)snprintf(csv + o, cap - o, "\",20,No,31\n3,Hat,x,No,32\n");
    assert_int_equal(feed_n(f, "big.csv", csv, o), SR_OK);
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 2);
    const char *v = text(ds, "Item Purchased", 0);
    assert_int_equal(strlen(v), big);
    for (size_t i = 0; i < big; i++)
        if (v[i] != (char)('a' + i % 26))
            fail_msg("byte %zu differs", i);
    v = text(ds, "Item Purchased", 1);
    assert_int_equal(strlen(v), big);
    assert_int_equal(v[999], '\n');
    assert_int_equal(v[1000], 'A' + 1000 % 26);
    /* The second record spans 1 + 1048 lines (1048 embedded newlines). */
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 1);
    char want[32];
    snprintf(want, sizeof want, "%d", 2 + 1 + (int)(big / 1000) + 1);
    assert_string_equal(rj(t, 0, RJ_LINE), want);
    rejects_free(t);
    free(csv);
}

/* A bad value longer than the message buffer is cut with "...". */
static void test_long_bad_value(void **state)
{
    fixture *f = *state;
    size_t n = 100000;
    char *csv = malloc(n + 256);
    assert_non_null(csv);
    size_t o = (size_t)snprintf(csv, 256, "%s1,Hat,", SHOP_HDR);
    memset(csv + o, '9', n);
    o += n;
    csv[o++] = 'x';
    o += (size_t)snprintf(csv + o, 256, ",No,30\n");
    assert_int_equal(feed_n(f, "in.csv", csv, o), SR_OK);
    assert_int_equal(f->ds->rows_rejected, 1);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    const char *v = rj(t, 0, RJ_VALUE);
    assert_true(strlen(v) < 100);
    assert_int_equal(strncmp(v, "9999999999", 10), 0);
    assert_string_equal(v + strlen(v) - 3, "...");
    rejects_free(t);
    free(csv);
}

static void test_crlf_bom_no_final_newline(void **state)
{
    fixture *f = *state;
    const char *csv = "\xEF\xBB\xBF" "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\r\n"
                      "1,Blouse,53,Yes,55\r\n"
                      "2,\"multi\r\nline\",64,No,19\r\n"
                      "3,Bad,zz,No,1\r\n"
                      "4,Jeans,73,No,50";
    feed_ok(f, csv);
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 3);
    assert_string_equal(ds->cols[0].name, "Customer ID");
    assert_int_equal(ds->cols[0].role, SR_F_CUSTOMER);
    assert_string_equal(cust(ds, 0), "1");
    assert_string_equal(text(ds, "Item Purchased", 0), "Blouse");
    assert_string_equal(text(ds, "Discount Applied", 0), "Yes"); /* no \r left */
    assert_string_equal(text(ds, "Item Purchased", 1), "multi\r\nline");
    assert_string_equal(cust(ds, 2), "4");
    assert_dbl(number(ds, "Age", 2), 50.0);
    assert_dbl(ds->amount[2], 73.0);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 1);
    assert_string_equal(rj(t, 0, RJ_LINE), "5");
    assert_string_equal(rj(t, 0, RJ_RAW), "3,Bad,zz,No,1");
    rejects_free(t);
    /* The checksum covers the BOM too. */
    sr_sha256 sha;
    char hex[65];
    sr_sha256_init(&sha);
    sr_sha256_update(&sha, csv, strlen(csv));
    sr_sha256_final(&sha, hex);
    assert_string_equal(ds->files[0].sha256, hex);
}

/* CR-only line ends (old Mac files, Excel's "CSV (Macintosh)"): the same
 * rows, and line numbers count CRs. */
static void test_cr_only(void **state)
{
    fixture *f = *state;
    const char *csv = "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\r"
                      "\r"
                      "1,Blouse,53,Yes,55\r"
                      "2,\"multi\rline\",64,No,19\r"
                      "3,Bad,zz,No,1\r"
                      "4,Jeans,73,No,50\r";
    feed_ok(f, csv);
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 3);
    assert_string_equal(text(ds, "Discount Applied", 0), "Yes");
    assert_string_equal(text(ds, "Item Purchased", 1), "multi\rline");
    assert_string_equal(cust(ds, 2), "4");
    assert_dbl(number(ds, "Age", 2), 50.0);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 1);
    assert_string_equal(rj(t, 0, RJ_LINE), "6");
    assert_string_equal(rj(t, 0, RJ_RAW), "3,Bad,zz,No,1");
    rejects_free(t);
}

static void test_semicolon_and_tab(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID;Item Purchased;Purchase Amount (USD);Discount Applied;Age\n"
               "1;Blouse, silk;53.5;Yes;55\n"
               "2;\"Hat; wide\";12;No;40\n"
               "3;Belt;1,25;No;40\n");
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->ncols, 5);
    assert_int_equal(ds->n, 2);
    assert_string_equal(text(ds, "Item Purchased", 0), "Blouse, silk");
    assert_string_equal(text(ds, "Item Purchased", 1), "Hat; wide");
    assert_dbl(ds->amount[0], 53.5);
    assert_int_equal(ds->reject_counts[SR_REJECT_NUMBER], 1); /* no decimal comma */

    sr_dataset_free(f->ds);
    f->ds = sr_dataset_new();
    assert_non_null(f->ds);
    feed_ok(f, "Customer ID\tItem Purchased\tPurchase Amount (USD)\tDiscount Applied\tAge\n"
               "1\tBlouse, silk\t53.5\tYes\t55\n"
               "2\tHat; wide\t12\tNo\t\n"
               "3\t\t7\tNo\t41\n");
    ds = f->ds;
    assert_int_equal(ds->ncols, 5);
    assert_int_equal(ds->n, 3);
    assert_string_equal(text(ds, "Item Purchased", 0), "Blouse, silk");
    assert_string_equal(text(ds, "Item Purchased", 1), "Hat; wide");
    assert_true(isnan(number(ds, "Age", 1)));
    assert_int_equal(ds->cols[col_of(ds, "Item Purchased")].ids[2], SR_NONE);
    assert_dbl(number(ds, "Age", 2), 41.0);
    assert_dbl(ds->amount[2], 7.0);
}

static void test_field_count(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
               "1,Blouse,53\n"                   /* 2: short */
               "2,Hat,12,No,40,extra\n"          /* 3: long */
               "3,Cap,5,No,41\n"                 /* 4 */
               "4,Cap,5,No,41,\n");              /* 5: trailing delimiter = 6 fields */
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 1);
    assert_string_equal(cust(ds, 0), "3");
    assert_int_equal(ds->rows_read, 4);
    assert_int_equal(ds->rows_rejected, 3);
    assert_int_equal(ds->reject_counts[SR_REJECT_FIELD_COUNT], 3);
    assert_int_equal(ds->files[0].rows, 4);
    assert_int_equal(ds->files[0].accepted, 1);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 3);
    assert_string_equal(rj(t, 0, RJ_LINE), "2");
    assert_string_equal(rj(t, 0, RJ_COLUMN), "");
    assert_string_equal(rj(t, 0, RJ_REASON), "wrong field count: 3 fields, expected 5");
    assert_string_equal(rj(t, 0, RJ_RAW), "1,Blouse,53");
    assert_string_equal(rj(t, 1, RJ_LINE), "3");
    assert_string_equal(rj(t, 1, RJ_REASON), "wrong field count: 6 fields, expected 5");
    assert_string_equal(rj(t, 2, RJ_LINE), "5");
    rejects_free(t);
    assert_int_equal(f->nwarn, 3);
    assert_string_equal(f->warn[0], "in.csv:2: wrong field count: 3 fields, expected 5");
}

/* UCI-style transactions: bad number, bad date, missing amount/date. */
static void test_bad_values(void **state)
{
    fixture *f = *state;
    feed_ok(f, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
               "536365,85123A,LANTERN,6,12/1/2010 8:26,2.55,17850,United Kingdom\n" /* 2 ok */
               "536365,71053,LANTERN,six,12/1/2010 8:26,3.39,17850,United Kingdom\n" /* 3 number */
               "536366,22633,HAND WARMER,6,12/1/2010 25:26,1.85,17850,United Kingdom\n" /* 4 date */
               "536366,22632,HAND WARMER,6,2/30/2010 8:28,1.85,17850,United Kingdom\n" /* 5 date */
               "536367,84879,BIRD,32,12/1/2010 8:34,,13047,United Kingdom\n" /* 6 missing price */
               "536367,22745,POPPY,,12/1/2010 8:34,2.10,13047,United Kingdom\n" /* 7 missing qty */
               "536368,22960,JAR,6,,4.25,13047,United Kingdom\n" /* 8 missing date */
               "536369,21756,BATH,3,12/1/2010 8:35,5.95,13047,United Kingdom\n"); /* 9 ok */
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->schema.shape, SR_SHAPE_TRANSACTIONS);
    assert_int_equal(ds->n, 2);
    assert_int_equal(ds->rows_read, 8);
    assert_int_equal(ds->rows_rejected, 6);
    assert_int_equal(ds->reject_counts[SR_REJECT_NUMBER], 1);
    assert_int_equal(ds->reject_counts[SR_REJECT_DATE], 2);
    assert_int_equal(ds->reject_counts[SR_REJECT_MISSING], 3);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 6);
    static const char *const want[6][4] = {
        {"3", "Quantity", "invalid number", "six"},
        {"4", "InvoiceDate", "invalid date", "12/1/2010 25:26"},
        {"5", "InvoiceDate", "invalid date", "2/30/2010 8:28"},
        {"6", "UnitPrice", "missing required value", ""},
        {"7", "Quantity", "missing required value", ""},
        {"8", "InvoiceDate", "missing required value", ""},
    };
    for (size_t r = 0; r < 6; r++) {
        assert_string_equal(rj(t, r, RJ_LINE), want[r][0]);
        assert_string_equal(rj(t, r, RJ_COLUMN), want[r][1]);
        assert_string_equal(rj(t, r, RJ_REASON), want[r][2]);
        assert_string_equal(rj(t, r, RJ_VALUE), want[r][3]);
    }
    rejects_free(t);
}

static void test_missing_amount(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
               "1,Blouse,,Yes,55\n"
               "2,Hat,  ,No,40\n"
               "3,Cap,0,No,41\n");
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 1);
    assert_dbl(ds->amount[0], 0.0);
    assert_int_equal(ds->reject_counts[SR_REJECT_MISSING], 2);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 2);
    assert_string_equal(rj(t, 0, RJ_LINE), "2");
    assert_string_equal(rj(t, 0, RJ_COLUMN), "Purchase Amount (USD)");
    assert_string_equal(rj(t, 0, RJ_REASON), "missing required value");
    assert_string_equal(rj(t, 1, RJ_LINE), "3");
    rejects_free(t);
}

static void test_unterminated_quote_at_eof(void **state)
{
    fixture *f = *state;
    sr_status st = feed(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
                           "1,Blouse,53,Yes,55\n"
                           "2,\"Hat,12,No,40\n"
                           "3,Cap,5,No,41\n");
    assert_int_equal(st, SR_OK);
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 1);
    assert_int_equal(ds->rows_read, 2);
    assert_int_equal(ds->rows_rejected, 1);
    assert_int_equal(ds->reject_counts[SR_REJECT_QUOTING], 1);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 1);
    assert_string_equal(rj(t, 0, RJ_LINE), "3");
    assert_non_null(strstr(rj(t, 0, RJ_REASON), "malformed quoting"));
    assert_non_null(strstr(rj(t, 0, RJ_REASON), "not closed"));
    assert_string_equal(rj(t, 0, RJ_RAW), "2,\"Hat,12,No,40\n3,Cap,5,No,41");
    rejects_free(t);
}

/* Same, without a final newline. */
static void test_unterminated_quote_no_newline(void **state)
{
    fixture *f = *state;
    assert_int_equal(feed(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
                             "1,Blouse,53,Yes,55\n"
                             "2,Hat,12,No,\"40"),
                     SR_OK);
    assert_int_equal(f->ds->n, 1);
    assert_int_equal(f->ds->reject_counts[SR_REJECT_QUOTING], 1);
}

static void test_stray_quote(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
               "1,Blouse,53,Yes,55\n"             /* 2 */
               "2,12\" Ruler,12,No,40\n"          /* 3: stray quote */
               "3,\"Cap\"s,5,No,41\n"             /* 4: text after closing quote */
               "4,Scarf,6,No,42\n"                /* 5 */
               "5,\"Belt\nx\",7,No,43\n");        /* 6-7 */
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 3);
    assert_string_equal(cust(ds, 0), "1");
    assert_string_equal(cust(ds, 1), "4");
    assert_string_equal(cust(ds, 2), "5");
    assert_string_equal(text(ds, "Item Purchased", 1), "Scarf");
    assert_string_equal(text(ds, "Item Purchased", 2), "Belt\nx");
    assert_int_equal(ds->rows_read, 5);
    assert_int_equal(ds->reject_counts[SR_REJECT_QUOTING], 2);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 2);
    assert_string_equal(rj(t, 0, RJ_LINE), "3");
    assert_string_equal(rj(t, 0, RJ_REASON), "malformed quoting");
    assert_string_equal(rj(t, 0, RJ_RAW), "2,12\" Ruler,12,No,40");
    assert_string_equal(rj(t, 1, RJ_LINE), "4");
    rejects_free(t);
}

static void test_blank_lines(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n" /* 1 */
               "1,Blouse,53,Yes,55\n"  /* 2 */
               "\n"                     /* 3 */
               "\r\n"                   /* 4 */
               "2,Hat,12,No,40\n"       /* 5 */
               "\n\n"                   /* 6, 7 */
               "3,Cap,bad,No,41\n"      /* 8 */
               "\n");                   /* 9 */
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 2);
    assert_int_equal(ds->rows_read, 3);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 1);
    assert_string_equal(rj(t, 0, RJ_LINE), "8");
    rejects_free(t);
}

/* Blank lines before the header still count as lines. */
static void test_leading_blank_lines(void **state)
{
    fixture *f = *state;
    feed_ok(f, "\n\n"                                                                     /* 1, 2 */
               "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n" /* 3 */
               "1,Blouse,bad,Yes,55\n");                                                  /* 4 */
    assert_int_equal(f->ds->n, 0);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 1);
    char got[32];
    snprintf(got, sizeof got, "%s", rj(t, 0, RJ_LINE));
    rejects_free(t); /* before the check, so a failure leaks nothing */
    assert_string_equal(got, "4");
}

static void test_header_only_and_empty(void **state)
{
    fixture *f = *state;
    assert_int_equal(feed(f, "Customer ID,Item Purchased,Purchase Amount (USD)\n"), SR_OK);
    assert_int_equal(f->ds->n, 0);
    assert_int_equal(f->ds->rows_read, 0);
    assert_int_equal(f->ds->ncols, 3);

    sr_dataset_free(f->ds);
    f->ds = sr_dataset_new();
    assert_int_equal(feed(f, "Customer ID,Item Purchased,Purchase Amount (USD)"), SR_OK);
    assert_int_equal(f->ds->n, 0);
    assert_int_equal(f->ds->ncols, 3);

    static const char *const empties[] = {"", "\n", "\r\n\r\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\n"};
    for (size_t i = 0; i < sizeof empties / sizeof *empties; i++) {
        sr_dataset_free(f->ds);
        f->ds = sr_dataset_new();
        assert_int_equal(feed(f, empties[i]), SR_EINPUT);
        assert_int_equal(f->err.status, SR_EINPUT);
        assert_non_null(strstr(f->err.msg, "in.csv"));
        assert_int_equal(f->ds->n, 0);
    }
    /* A header without the required columns. */
    sr_dataset_free(f->ds);
    f->ds = sr_dataset_new();
    assert_int_equal(feed(f, "Name,Colour\nBob,Red\n"), SR_EINPUT);
    assert_non_null(strstr(f->err.msg, "customer_id"));
    assert_non_null(strstr(f->err.msg, "Name, Colour"));
}

static void test_duplicates(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
               "1,Blouse,53,Yes,55\n"
               "2,Hat,12,No,40\n"
               "1,Blouse,53,Yes,55\n"
               "1,Blouse,53,Yes,56\n"
               "1,Blouse,53,Yes,55\r\n"
               "1,Blouse,53,Yes,55\n");
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 6);          /* duplicates are kept ... */
    assert_int_equal(ds->duplicates, 3); /* ... and counted */
    assert_int_equal(ds->ncustomers, 2);
}

static void test_float_ids(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
               "17850.0,Blouse,53,Yes,55\n"
               "17850,Hat,12,No,40\n"
               "17850.00,Cap,1,No,40\n"
               "13047,Cap,2,No,40\n"
               "13047.5,Cap,3,No,40\n"
               "A17850.0,Cap,4,No,40\n");
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 6);
    assert_int_equal(ds->ncustomers, 4);
    assert_int_equal(ds->customer[0], ds->customer[1]);
    assert_int_equal(ds->customer[0], ds->customer[2]);
    assert_string_equal(cust(ds, 0), "17850");
    assert_string_equal(cust(ds, 3), "13047");
    assert_string_equal(cust(ds, 4), "13047.5");
    assert_string_equal(cust(ds, 5), "A17850.0");
    assert_int_equal(ds->customers[0].first_line, 0);
    assert_int_equal(ds->customers[1].first_line, 3);
    assert_int_equal(ds->customers[3].first_line, 5);
}

static void test_transactions(void **state)
{
    fixture *f = *state;
    feed_ok(f, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
               "536365,85123A,LANTERN,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n"
               "536365,71053,METAL LANTERN,6,12/1/2010 8:26,3.39,17850.0,United Kingdom\n"
               "C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527.0,United Kingdom\n"
               "536380,22961,JAM,-2,12/1/2010 9:45,1.45,14527.0,United Kingdom\n"
               "536414,22139,,56,12/1/2010 11:52,0.00,,United Kingdom\n"
               "536415,22141,JAR,3,12/1/2010 11:57,1.25,,United Kingdom\n"
               "536366,22633,HAND WARMER,6,12/1/2010 8:28,1.85,17850.0,United Kingdom\n");
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->schema.shape, SR_SHAPE_TRANSACTIONS);
    assert_int_equal(ds->n, 7);
    assert_non_null(ds->ts);
    /* amount = quantity x unit price */
    assert_dbl(ds->amount[0], 6 * 2.55);
    assert_dbl(ds->amount[1], 6 * 3.39);
    assert_dbl(ds->amount[2], -27.5);
    assert_dbl(ds->amount[3], -2.9);
    assert_dbl(ds->amount[4], 0.0);
    assert_dbl(ds->amount[5], 3.75);
    assert_int_equal(ds->flags[0] & SR_LINE_RETURN, 0);
    assert_int_equal(ds->flags[2] & SR_LINE_RETURN, SR_LINE_RETURN);
    assert_int_equal(ds->flags[3] & SR_LINE_RETURN, SR_LINE_RETURN);
    assert_int_equal(ds->returns, 2);
    assert_int_equal(ds->ts[0], 1291191960);
    assert_int_equal(ds->ts[6], 1291191960 + 120);
    /* Customers and lines without one. */
    assert_int_equal(ds->ncustomers, 2);
    assert_int_equal(ds->lines_without_customer, 2);
    assert_int_equal(ds->customer[4], SR_NONE);
    assert_int_equal(ds->customer[5], SR_NONE);
    assert_string_equal(cust(ds, 2), "14527");
    /* Orders: per invoice number, in first-appearance order. */
    assert_int_equal(ds->norders, 6);
    assert_int_equal(ds->order[0], ds->order[1]);
    assert_int_equal(ds->order[6], 5);
    const sr_order *o = &ds->orders[ds->order[0]];
    assert_string_equal(sr_dataset_str(ds, o->key), "536365");
    assert_int_equal(o->lines, 2);
    assert_dbl(o->amount, 6 * 2.55 + 6 * 3.39);
    assert_false(o->cancelled);
    assert_int_equal(o->ts, 1291191960);
    assert_int_equal(o->customer, ds->customer[0]);
    assert_true(ds->orders[ds->order[2]].cancelled);
    assert_false(ds->orders[ds->order[3]].cancelled); /* negative quantity, normal invoice */
    assert_int_equal(ds->orders[ds->order[4]].customer, SR_NONE);
    /* The consumed columns are not stored as attributes; the others are. */
    assert_int_equal(ds->cols[col_of(ds, "InvoiceNo")].kind, SR_COL_CONSUMED);
    assert_int_equal(ds->cols[col_of(ds, "InvoiceDate")].kind, SR_COL_CONSUMED);
    assert_int_equal(ds->cols[col_of(ds, "CustomerID")].kind, SR_COL_CONSUMED);
    assert_dbl(number(ds, "Quantity", 3), -2.0);
    assert_dbl(number(ds, "UnitPrice", 3), 1.45);
    assert_string_equal(text(ds, "StockCode", 0), "85123A");
    assert_string_equal(text(ds, "Country", 6), "United Kingdom");
    assert_int_equal(ds->cols[col_of(ds, "Description")].missing, 1);
    assert_int_equal(ds->cols[col_of(ds, "CustomerID")].missing, 2);
}

/* Day-first files are detected from a day above 12 in the first component. */
static void test_dmy_detection(void **state)
{
    fixture *f = *state;
    feed_ok(f, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
               "1,A,X,1,1/12/2010 8:26,1,1,UK\n"
               "2,A,X,1,25/12/2010 17:05:30,1,1,UK\n"
               "3,A,X,1,3/4/2011,1,1,UK\n");
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 3);
    assert_int_equal(ds->ts[0], 1291191960);      /* 1 December 2010 */
    assert_int_equal(ds->ts[1], 1293296730);      /* 25 December 2010 */
    assert_int_equal(ds->ts[2], 1301788800);      /* 3 April 2011 */
}

static void test_mdy_default_and_forced(void **state)
{
    fixture *f = *state;
    const char *csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
                      "1,A,X,1,1/12/2010 8:26,1,1,UK\n"
                      "2,A,X,1,3/4/2011,1,1,UK\n";
    feed_ok(f, csv);
    assert_int_equal(f->ds->ts[0], 1263284760); /* 12 January 2010 08:26 */
    assert_int_equal(f->ds->ts[1], 1299196800); /* 4 March 2011 */
    sr_dataset_free(f->ds);
    f->ds = sr_dataset_new();
    f->opt.date_format = SR_DATEFMT_DMY;
    feed_ok(f, csv);
    assert_int_equal(f->ds->ts[0], 1291191960);
    assert_int_equal(f->ds->ts[1], 1301788800);
    /* Evidence both ways: month-first stays, the day-first row is rejected. */
    sr_dataset_free(f->ds);
    f->ds = sr_dataset_new();
    f->opt.date_format = SR_DATEFMT_AUTO;
    feed_ok(f, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
               "1,A,X,1,1/13/2011,1,1,UK\n"
               "2,A,X,1,13/1/2011,1,1,UK\n");
    assert_int_equal(f->ds->n, 1);
    assert_int_equal(f->ds->ts[0], 1294876800); /* 13 January 2011 */
    assert_int_equal(f->ds->reject_counts[SR_REJECT_DATE], 1);
    /* Forced month-first on day-first data: rows with day > 12 rejected. */
    sr_dataset_free(f->ds);
    f->ds = sr_dataset_new();
    f->opt.date_format = SR_DATEFMT_MDY;
    feed_ok(f, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
               "1,A,X,1,25/12/2010,1,1,UK\n"
               "2,A,X,1,1/12/2010,1,1,UK\n");
    assert_int_equal(f->ds->n, 1);
    assert_int_equal(f->ds->ts[0], 1263254400); /* 12 January 2010 */
}

/* Two inputs into one dataset: same columns in another order map by name;
 * other columns are refused. */
static void test_two_buffers(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Age\n"
               "1,Blouse,53,Yes,55\n"
               "2,Hat,12,No,40\n");
    const char *second = "age,purchase_amount_usd,customer_id,discount_applied,item_purchased\n"
                         "30,7.5,3,No,Scarf\n"
                         "41,8,1,Yes,Belt\n"
                         "41,x,1,Yes,Belt\n";
    assert_int_equal(feed_n(f, "second.csv", second, strlen(second)), SR_OK);
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->nfiles, 2);
    assert_string_equal(ds->files[1].path, "second.csv");
    assert_int_equal(ds->files[0].rows, 2);
    assert_int_equal(ds->files[1].rows, 3);
    assert_int_equal(ds->files[1].accepted, 2);
    assert_int_equal(ds->n, 4);
    assert_int_equal(ds->ncols, 5);
    assert_string_equal(ds->cols[0].name, "Customer ID"); /* names from the first file */
    assert_string_equal(cust(ds, 2), "3");
    assert_string_equal(text(ds, "Item Purchased", 2), "Scarf");
    assert_string_equal(text(ds, "Discount Applied", 3), "Yes");
    assert_dbl(ds->amount[2], 7.5);
    assert_dbl(ds->amount[3], 8.0);
    assert_dbl(number(ds, "Age", 2), 30.0);
    assert_dbl(number(ds, "Age", 3), 41.0);
    assert_int_equal(ds->customer[3], ds->customer[0]); /* same customer across files */
    assert_int_equal(ds->ncustomers, 3);
    assert_int_equal(ds->flags[3], SR_LINE_DISCOUNT);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 1);
    assert_string_equal(rj(t, 0, RJ_FILE), "second.csv");
    assert_string_equal(rj(t, 0, RJ_LINE), "4");
    assert_string_equal(rj(t, 0, RJ_COLUMN), "Purchase Amount (USD)");
    rejects_free(t);
    /* A third input with a different column set. */
    size_t n_before = ds->n;
    assert_int_equal(feed(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied,Color\n"
                             "9,Hat,1,No,Red\n"),
                     SR_EINPUT);
    assert_non_null(strstr(f->err.msg, "Color"));
    assert_int_equal(ds->n, n_before);
    /* Missing a column. */
    assert_int_equal(feed(f, "Customer ID,Item Purchased,Purchase Amount (USD),Discount Applied\n"
                             "9,Hat,1,No\n"),
                     SR_EINPUT);
    assert_non_null(strstr(f->err.msg, "Age"));
    assert_int_equal(ds->n, n_before);
}

/* Builds a CSV larger than the reader's 4 MiB chunk in which a quoted
 * multi-line field straddles the chunk boundary, followed by a record larger
 * than a chunk; checks every row and the line number of a late reject. */
static void test_chunk_boundary(void **state)
{
    fixture *f = *state;
    const size_t chunk = 4u << 20;
    size_t cap = 24u << 20;
    char *csv = malloc(cap);
    assert_non_null(csv);
    size_t o = (size_t)snprintf(csv, cap, "Customer ID,Item Purchased,Purchase Amount\n");
    uint64_t line = 2;
    long rows = 0;
    /* Fixed-size rows up to a little before the boundary. */
    while (o < chunk - 200) {
        o += (size_t)snprintf(csv + o, cap - o, "%06ld,Item%06ld,%ld.50\n", rows % 1000, rows, rows % 97);
        rows++;
        line++;
    }
    /* A quoted field with 50 embedded newlines, crossing the boundary. */
    size_t straddle_start = o;
    o += (size_t)snprintf(csv + o, cap - o, "X777,\"");
    for (int k = 0; k < 50; k++)
        o += (size_t)snprintf(csv + o, cap - o, "part %02d, \"\"quoted\"\"\n", k);
    o += (size_t)snprintf(csv + o, cap - o, "end\",1.25\n");
    assert_true(straddle_start < chunk && o > chunk);
    uint64_t straddle_line = line;
    line += 51;
    rows++;
    for (int k = 0; k < 1000; k++, line++, rows++)
        o += (size_t)snprintf(csv + o, cap - o, "%d,After%d,2\n", k, k);
    /* A bad row. */
    uint64_t bad1 = line++;
    o += (size_t)snprintf(csv + o, cap - o, "5,Bad,notanumber\n");
    /* A record of 9 MiB (more than two chunks: the reader must grow its
     * buffer twice) spanning two lines. Its bulk is blanks before a quoted
     * field, which libcsv skips without buffering: libcsv grows a field's
     * buffer 128 bytes at a time, so a 9 MiB field value would make this
     * test quadratic under ASan (see test_long_field for long values). */
    uint64_t huge_line = line;
    o += (size_t)snprintf(csv + o, cap - o, "X888,");
    size_t huge = 9u << 20;
    memset(csv + o, ' ', huge);
    o += huge;
    o += (size_t)snprintf(csv + o, cap - o, "\"big\nfield\",3\n");
    line += 2;
    rows++;
    uint64_t bad2 = line++;
    o += (size_t)snprintf(csv + o, cap - o, "6,Bad2,\n");
    o += (size_t)snprintf(csv + o, cap - o, "X7,Last,4");
    rows++;
    assert_true(o < cap);
    assert_int_equal(feed_n(f, "big.csv", csv, o), SR_OK);
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, (size_t)rows);
    assert_int_equal(ds->rows_read, (uint64_t)rows + 2);
    assert_int_equal(ds->rows_rejected, 2);
    /* Find the straddling row and check its text. */
    int pc = col_of(ds, "Item Purchased");
    size_t found = 0;
    for (size_t i = 0; i < ds->n; i++)
        if (strcmp(cust(ds, i), "X777") == 0) {
            const char *v = sr_dataset_str(ds, ds->cols[pc].ids[i]);
            assert_int_equal(strncmp(v, "part 00, \"quoted\"\npart 01", 25), 0);
            assert_int_equal(strlen(v), 50 * 18 + 3); /* "part NN, \"quoted\"\n" x 50 + "end" */
            assert_string_equal(v + strlen(v) - 4, "\nend");
            assert_dbl(ds->amount[i], 1.25);
            found++;
        }
    assert_int_equal(found, 1);
    /* The 9 MiB record. */
    size_t i888 = 0;
    for (size_t i = 0; i < ds->n; i++)
        if (strcmp(cust(ds, i), "X888") == 0)
            i888 = i;
    assert_string_equal(sr_dataset_str(ds, ds->cols[pc].ids[i888]), "big\nfield");
    assert_dbl(ds->amount[i888], 3.0);
    assert_string_equal(cust(ds, ds->n - 1), "X7");
    assert_string_equal(sr_dataset_str(ds, ds->cols[pc].ids[ds->n - 1]), "Last");
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 2);
    char want[32];
    snprintf(want, sizeof want, "%llu", (unsigned long long)bad1);
    assert_string_equal(rj(t, 0, RJ_LINE), want);
    assert_string_equal(rj(t, 0, RJ_RAW), "5,Bad,notanumber");
    snprintf(want, sizeof want, "%llu", (unsigned long long)bad2);
    assert_string_equal(rj(t, 1, RJ_LINE), want);
    assert_string_equal(rj(t, 1, RJ_REASON), "missing required value");
    rejects_free(t);
    (void)straddle_line;
    assert_true(bad2 == huge_line + 2);
    /* The checksum covers every byte read across refills. */
    sr_sha256 sha;
    char hex[65];
    sr_sha256_init(&sha);
    sr_sha256_update(&sha, csv, o);
    sr_sha256_final(&sha, hex);
    assert_string_equal(ds->files[0].sha256, hex);
    assert_int_equal(f->last_done, o);
    assert_int_equal(f->last_total, o);
    free(csv);
}

/* A multi-line record straddling the boundary is itself rejected: its first
 * line is the reported one. */
static void test_chunk_boundary_reject(void **state)
{
    fixture *f = *state;
    const size_t chunk = 4u << 20;
    size_t cap = 6u << 20;
    char *csv = malloc(cap);
    assert_non_null(csv);
    size_t o = (size_t)snprintf(csv, cap, "Customer ID,Item Purchased,Purchase Amount\n");
    uint64_t line = 2;
    while (o < chunk - 30) {
        o += (size_t)snprintf(csv + o, cap - o, "1,x,1\n");
        line++;
    }
    uint64_t first = line;
    o += (size_t)snprintf(csv + o, cap - o, "2,\"");
    for (int k = 0; k < 20; k++, line++)
        o += (size_t)snprintf(csv + o, cap - o, "abc\n");
    o += (size_t)snprintf(csv + o, cap - o, "\",bad\n");
    line++;
    assert_true(o > chunk);
    uint64_t next = line;
    o += (size_t)snprintf(csv + o, cap - o, "3,y,zz\n");
    assert_int_equal(feed_n(f, "b.csv", csv, o), SR_OK);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 2);
    char want[32];
    snprintf(want, sizeof want, "%llu", (unsigned long long)first);
    assert_string_equal(rj(t, 0, RJ_LINE), want);
    assert_int_equal(strncmp(rj(t, 0, RJ_RAW), "2,\"abc\nabc\n", 11), 0);
    assert_int_equal(strlen(rj(t, 0, RJ_RAW)), 3 + 20 * 4 + 5);
    snprintf(want, sizeof want, "%llu", (unsigned long long)next);
    assert_string_equal(rj(t, 1, RJ_LINE), want);
    rejects_free(t);
    free(csv);
}

static void test_warning_limit(void **state)
{
    fixture *f = *state;
    f->opt.max_warnings = 2;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD)\n"
               "1,a,x\n2,b,y\n3,c,z\n4,d,5\n");
    assert_int_equal(f->ds->rows_rejected, 3);
    assert_int_equal(f->nwarn, 2);
    assert_string_equal(f->warn[1], "in.csv:3: column 'Purchase Amount (USD)': invalid number 'y'");
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 3); /* the file has them all */
    assert_int_equal(f->rej.count, 3);
    rejects_free(t);
}

/* Without a rejects file the reader still counts rejects. */
static void test_no_rejects_file(void **state)
{
    fixture *f = *state;
    f->opt.rejects = NULL;
    f->opt.warn = NULL;
    feed_ok(f, "Customer ID,Item Purchased,Purchase Amount (USD)\n1,a,x\n2,b,3\n");
    assert_int_equal(f->ds->rows_rejected, 1);
    assert_int_equal(f->ds->n, 1);
    assert_null(rejects_read(f));
}

/* --map overrides and a forced shape reach the schema. */
static void test_overrides(void **state)
{
    fixture *f = *state;
    sr_mapping_override ov[] = {{SR_F_CUSTOMER, "Client"}, {SR_F_AMOUNT, "Spend"}};
    f->opt.overrides = ov;
    f->opt.noverrides = 2;
    feed_ok(f, "Client,Spend,Colour\nA,1.5,Red\nB,2.5,Blue\n");
    assert_int_equal(f->ds->n, 2);
    assert_string_equal(cust(f->ds, 1), "B");
    assert_dbl(f->ds->amount[1], 2.5);
    assert_string_equal(text(f->ds, "Colour", 0), "Red");
    assert_int_equal(f->ds->cols[2].role, SR_F_COUNT);
    sr_dataset_free(f->ds);
    f->ds = sr_dataset_new();
    sr_mapping_override bad[] = {{SR_F_AMOUNT, "Nope"}};
    f->opt.overrides = bad;
    f->opt.noverrides = 1;
    assert_int_equal(feed(f, "Client,Spend,Colour\nA,1.5,Red\n"), SR_EINPUT);
    assert_non_null(strstr(f->err.msg, "Nope"));
}

/* Values repeated on consecutive lines (the reader caches the last good
 * value per column): lengths around the cache size, a 255-byte value in the
 * first row, repeated dates and ids, a bad value between good ones. */
static void test_repeated_values(void **state)
{
    fixture *f = *state;
    char v48[49], v49[50], v255[256];
    memset(v48, 'm', 48);
    v48[48] = '\0';
    memset(v49, 'm', 49);
    v49[49] = '\0';
    memset(v255, 'L', 255);
    v255[255] = '\0';
    char csv[4096];
    snprintf(csv, sizeof csv,
             "InvoiceNo,InvoiceDate,CustomerID,Quantity,UnitPrice,Description\n"
             "1,12/1/2010 8:26,17850.0,2,1.5,%s\n"  /* 2: 255 bytes, nothing cached yet */
             "1,12/1/2010 8:26,17850.0,2,1.5,%s\n"  /* 3 */
             "1,12/1/2010 8:26,17850,2,1.5,%s\n"    /* 4: 48 bytes */
             "1,12/1/2010 8:26,17850,2,1.5,%s\n"    /* 5: 49 bytes, same 48-byte prefix */
             "2,12/1/2010 8:26,17850,x,1.5,%s\n"    /* 6: bad quantity */
             "2,12/2/2010 8:26,13047,2,1.5,%s\n"    /* 7 */
             "2,12/2/2010 8:26,13047,2,2.5,%s\n"    /* 8 */
             "3,12/2/2010 9:26,13047,2,2.5,%s\n",   /* 9 */
             v255, v255, v48, v49, v48, v48, v49, v255);
    feed_ok(f, csv);
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 7);
    assert_string_equal(text(ds, "Description", 0), v255);
    assert_string_equal(text(ds, "Description", 1), v255);
    assert_string_equal(text(ds, "Description", 2), v48);
    assert_string_equal(text(ds, "Description", 3), v49);
    assert_string_equal(text(ds, "Description", 4), v48);
    assert_string_equal(text(ds, "Description", 5), v49);
    assert_string_equal(text(ds, "Description", 6), v255);
    assert_int_equal(ds->customer[0], ds->customer[3]);
    assert_int_equal(ds->ncustomers, 2);
    assert_string_equal(cust(ds, 4), "13047");
    assert_int_equal(ds->ts[0], 1291191960);
    assert_int_equal(ds->ts[3], 1291191960);
    assert_int_equal(ds->ts[4], 1291191960 + 86400);
    assert_int_equal(ds->ts[6], 1291191960 + 86400 + 3600);
    assert_dbl(ds->amount[3], 3.0);
    assert_dbl(ds->amount[5], 5.0);
    assert_int_equal(ds->reject_counts[SR_REJECT_NUMBER], 1);
    assert_int_equal(ds->norders, 3);
}

/* The same date text means another day in a day-first and in a month-first
 * file read into one dataset. */
static void test_date_order_per_file(void **state)
{
    fixture *f = *state;
    feed_ok(f, "InvoiceNo,InvoiceDate,CustomerID,Quantity,UnitPrice\n"
               "1,25/12/2010 10:00,1,1,1\n"
               "2,1/12/2010 8:26,1,1,1\n");
    const char *second = "InvoiceNo,InvoiceDate,CustomerID,Quantity,UnitPrice\n"
                         "3,1/13/2011 10:00,1,1,1\n"
                         "4,1/12/2010 8:26,1,1,1\n";
    assert_int_equal(feed_n(f, "second.csv", second, strlen(second)), SR_OK);
    assert_int_equal(f->ds->n, 4);
    assert_int_equal(f->ds->ts[1], 1291191960); /* 1 December 2010 */
    assert_int_equal(f->ds->ts[3], 1263284760); /* 12 January 2010 */
}

/* ---------- a named pipe (also what <(zcat x.csv.gz) gives) ---------- */

typedef struct {
    const char *path;
    const char *data;
    size_t len;
} fifo_writer;

static void *fifo_write(void *arg)
{
    fifo_writer *w = arg;
    FILE *fp = fopen(w->path, "wb");
    if (fp) {
        fwrite(w->data, 1, w->len, fp);
        fclose(fp);
    }
    return NULL;
}

/* Every byte of a pipe must reach the parser, and the checksum must be that
 * of those bytes: a pipe cannot be read twice. (alarm: a reader that blocks
 * forever on the pipe kills the test instead of hanging it.) */
static void test_fifo_input(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/pipe.csv", f->dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    enum { ROWS = 100000 };
    size_t cap = (size_t)ROWS * 32 + 64, o = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    o += (size_t)snprintf(csv, cap, "Customer ID,Item Purchased,Purchase Amount\n");
    for (int i = 0; i < ROWS; i++)
        o += (size_t)snprintf(csv + o, cap - o, "%d,item%d,%d\n", i, i % 50, i % 90 + 1);
    fifo_writer w = {path, csv, o};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, fifo_write, &w), 0);
    alarm(60);
    sr_status st = sr_ingest_file(f->ds, path, &f->opt, &f->err);
    alarm(0);
    pthread_join(t, NULL);
    unlink(path);
    sr_sha256 sha;
    char hex[65];
    sr_sha256_init(&sha);
    sr_sha256_update(&sha, csv, o);
    sr_sha256_final(&sha, hex);
    free(csv);
    if (st != SR_OK)
        fail_msg("%s", f->err.msg);
    if (f->ds->n != ROWS || f->ds->rows_rejected != 0)
        fail_msg("read %zu of %d rows (%llu rejected) from a named pipe", f->ds->n, ROWS,
                 (unsigned long long)f->ds->rows_rejected);
    assert_string_equal(f->ds->files[0].sha256, hex);
}

/* The real file through sr_ingest_file. */
static void test_shopping_trends_file(void **state)
{
    fixture *f = *state;
    FILE *probe = fopen(SR_SHARED_DATA "/shopping_trends.csv", "rb");
    if (!probe) {
        skip();
        return;
    }
    fclose(probe);
    sr_status st = sr_ingest_file(f->ds, SR_SHARED_DATA "/shopping_trends.csv", &f->opt, &f->err);
    if (st != SR_OK)
        fail_msg("%s", f->err.msg);
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 3900);
    assert_int_equal(ds->rows_rejected, 0);
    assert_int_equal(ds->ncustomers, 3900);
    assert_int_equal(ds->ncols, 19);
    assert_int_equal(ds->schema.shape, SR_SHAPE_CUSTOMERS);
    assert_string_equal(cust(ds, 0), "1");
    assert_dbl(ds->amount[0], 53.0);
    assert_string_equal(text(ds, "Item Purchased", 0), "Blouse");
    assert_dbl(number(ds, "Review Rating", 0), 3.1);
    assert_string_equal(text(ds, "Frequency of Purchases", 0), "Fortnightly");
    assert_int_equal(ds->cols[col_of(ds, "Payment Method")].role, SR_F_PAYMENT);
    assert_int_equal(ds->cols[col_of(ds, "Preferred Payment Method")].role, SR_F_COUNT);
    double total = 0;
    for (size_t i = 0; i < ds->n; i++)
        total += ds->amount[i];
    assert_dbl(total, 233081.0);
    /* A missing file. */
    assert_int_equal(sr_ingest_file(f->ds, "/nonexistent/x.csv", &f->opt, &f->err), SR_EINPUT);
    assert_non_null(strstr(f->err.msg, "/nonexistent/x.csv"));
}

/* ---------- customers ---------- */

static void test_customers(void **state)
{
    fixture *f = *state;
    feed_ok(f, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
               "536365,A,Lamp,2,12/1/2010 8:26,2.50,17850.0,United Kingdom\n"  /* 0: c0 5.00 */
               "536365,B,Mug,6,12/1/2010 8:26,1.25,17850,United Kingdom\n"      /* 1: c0 7.50 */
               "536366,A,Lamp,1,12/2/2010 9:00,2.50,17850,France\n"             /* 2: c0 2.50 */
               "C536367,A,Lamp,-1,12/3/2010 10:00,2.50,17850,France\n"          /* 3: c0 return */
               "536368,C,Bag,3,12/1/2010 7:00,4.00,13047,Germany\n"             /* 4: c1 12.00 */
               "536369,C,Bag,1,12/5/2010 7:00,4.00,,Germany\n"                  /* 5: none */
               "536370,D,Pen,10,12/6/2010 11:00,0.50,13047,Spain\n"             /* 6: c1 5.00 */
               "536371,C,Bag,2,12/7/2010 12:00,4.00,13047,Spain\n"              /* 7: c1 8.00 */
               "536372,D,Pen,4,12/8/2010 12:00,0.50,13047,Germany\n"            /* 8: c1 2.00 */
               "536373,E,Cup,-2,12/9/2010 12:00,1.00,13047,Germany\n");         /* 9: c1 return */
    sr_dataset *ds = f->ds;
    assert_int_equal(ds->n, 10);
    assert_int_equal(ds->ncustomers, 2);
    sr_customers *cs = NULL;
    sr_error err;
    assert_int_equal(sr_customers_build(ds, &cs, &err), SR_OK);
    assert_non_null(cs);
    assert_int_equal(cs->n, 2);
    const sr_customer *a = &cs->c[0], *b = &cs->c[1];
    assert_string_equal(sr_dataset_customer_id(ds, 0), "17850");
    assert_int_equal(a->first_line, 0);
    assert_int_equal(a->lines, 4);
    assert_int_equal(a->return_lines, 1);
    assert_int_equal(a->orders, 2);
    assert_dbl(a->monetary, 12.5);
    assert_dbl(a->returned, 2.5);
    assert_int_equal(a->distinct_items, 2);
    assert_int_equal(a->first_ts, 1291191960);
    assert_int_equal(a->last_ts, 1291280400); /* 2010-12-02 09:00 (the return is later) */
    assert_true(isnan(a->age));
    assert_int_equal(a->rating_n, 0);

    assert_int_equal(b->first_line, 4);
    assert_int_equal(b->lines, 5);
    assert_int_equal(b->return_lines, 1);
    assert_int_equal(b->orders, 4);
    assert_dbl(b->monetary, 12.0 + 5.0 + 8.0 + 2.0 - 2.0);
    assert_dbl(b->returned, 2.0);
    assert_int_equal(b->distinct_items, 2); /* Bag, Pen; Cup was returned */
    assert_int_equal(b->first_ts, 1291186800); /* 2010-12-01 07:00 */
    assert_int_equal(b->last_ts, 1291809600);  /* 2010-12-08 12:00 */

    /* Modes: Country is an attribute column; Description and StockCode are not. */
    int country = col_of(ds, "Country");
    assert_int_equal(sr_customers_mode(cs, col_of(ds, "Description"), 0), SR_NONE);
    assert_int_equal(sr_customers_mode(cs, col_of(ds, "StockCode"), 0), SR_NONE);
    /* 17850: UK, UK, France, France -> tie, UK seen first. */
    assert_string_equal(sr_dataset_str(ds, sr_customers_mode(cs, country, 0)), "United Kingdom");
    /* 13047: Germany, Spain, Spain, Germany, Germany -> Germany (3). */
    assert_string_equal(sr_dataset_str(ds, sr_customers_mode(cs, country, 1)), "Germany");
    sr_customers_free(cs);
    sr_customers_free(NULL);
}

/* Ties in the mode go to the value seen first in the data (customers.h),
 * even when another value reaches the tied count earlier. */
static void test_customers_mode_tie_first_seen(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Purchase Amount,Country\n"
               "1,1,Germany\n"
               "1,1,Spain\n"
               "1,1,Spain\n"
               "1,1,Germany\n"
               "2,1,Italy\n"
               "2,1,Peru\n");
    sr_customers *cs = NULL;
    sr_error err;
    assert_int_equal(sr_customers_build(f->ds, &cs, &err), SR_OK);
    int country = col_of(f->ds, "Country");
    uint32_t m1 = sr_customers_mode(cs, country, 1), m0 = sr_customers_mode(cs, country, 0);
    sr_customers_free(cs); /* before the checks, so a failure leaks nothing */
    assert_string_equal(sr_dataset_str(f->ds, m1), "Italy");
    assert_string_equal(sr_dataset_str(f->ds, m0), "Germany");
}

/* Customer rows (shopping_trends shape): rating, age, previous purchases,
 * discount lines, one order per row. */
static void test_customers_rows(void **state)
{
    fixture *f = *state;
    feed_ok(f, "Customer ID,Age,Item Purchased,Purchase Amount (USD),Review Rating,Discount Applied,"
               "Promo Code Used,Previous Purchases\n"
               "1,55,Blouse,53,3.1,Yes,No,14\n"
               "2,19,Sweater,64,,No,Yes,2\n"
               "1,56,Jeans,20,4.5,No,No,15\n"
               "3,,Hat,10,5,No,No,\n");
    sr_customers *cs = NULL;
    sr_error err;
    assert_int_equal(sr_customers_build(f->ds, &cs, &err), SR_OK);
    assert_int_equal(cs->n, 3);
    assert_int_equal(cs->c[0].orders, 2);
    assert_dbl(cs->c[0].monetary, 73.0);
    assert_int_equal(cs->c[0].rating_n, 2);
    assert_dbl(cs->c[0].rating_sum, 3.1 + 4.5);
    assert_dbl(cs->c[0].age, 56.0);
    assert_dbl(cs->c[0].previous, 15.0);
    assert_int_equal(cs->c[0].discount_lines, 1);
    assert_int_equal(cs->c[0].distinct_items, 2);
    assert_int_equal(cs->c[0].first_ts, INT64_MIN);
    assert_int_equal(cs->c[1].rating_n, 0);
    assert_int_equal(cs->c[1].discount_lines, 1); /* promo code */
    assert_true(isnan(cs->c[2].age));
    assert_true(isnan(cs->c[2].previous));
    assert_int_equal(cs->c[2].rating_n, 1);
    sr_customers_free(cs);
}

/* ---------- the two-thread pipeline ---------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(fp);
    *len = n;
    return buf;
}

typedef struct {
    size_t rows, bad_number, short_rows, quoting, dups;
} gen_counts;

/* A customer-shape CSV of about `target` bytes: plain rows, quoted fields
 * holding a delimiter, doubled quotes and a newline (CRLF ends), a bad
 * number every 997 rows, a short row every 1009, a stray quote (strict-mode
 * error) every 1499, and every 101st row a copy of the row before it (when
 * that one was good). Counts what it wrote. */
static char *gen_mixed(size_t target, gen_counts *gc, size_t *len)
{
    size_t cap = target + 4096, o = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    memset(gc, 0, sizeof *gc);
    o += (size_t)snprintf(csv, cap, "%s", SHOP_HDR);
    size_t prev = 0, prev_len = 0; /* the previous good row */
    for (size_t i = 0; o < target; i++) {
        size_t start = o;
        bool good = true;
        if (i % 101 == 3 && prev_len) {
            memmove(csv + o, csv + prev, prev_len);
            o += prev_len;
            gc->dups++;
        } else if (i % 997 == 5) {
            o += (size_t)snprintf(csv + o, cap - o, "C%zu,Item%zu,abc,No,30\n", i % 500, i);
            gc->bad_number++;
            good = false;
        } else if (i % 1009 == 7) {
            o += (size_t)snprintf(csv + o, cap - o, "C%zu,Item%zu,5\n", i % 500, i);
            gc->short_rows++;
            good = false;
        } else if (i % 1499 == 11) {
            o += (size_t)snprintf(csv + o, cap - o, "C%zu,It\"em%zu,5,No,30\n", i % 500, i);
            gc->quoting++;
            good = false;
        } else if (i % 13 == 0) {
            o += (size_t)snprintf(csv + o, cap - o, "C%zu,\"Item \"\"%zu\"\", red\nsecond line\",%zu.25,Yes,%zu\r\n",
                                  i % 500, i, i % 90, 18 + i % 60);
        } else {
            o += (size_t)snprintf(csv + o, cap - o, "C%zu,Item%zu,%zu.5,No,%zu\n", i % 500, i, i % 70,
                                  18 + i % 60);
        }
        gc->rows++;
        if (good) {
            prev = start;
            prev_len = o - start;
        } else {
            prev_len = 0;
        }
    }
    *len = o;
    return csv;
}

/* Two datasets must hold the same lines, values, strings and counts. */
static void assert_same_dataset(const sr_dataset *a, const sr_dataset *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->rows_read, b->rows_read);
    assert_int_equal(a->rows_rejected, b->rows_rejected);
    for (int k = 0; k < SR_REJECT_REASONS; k++)
        assert_int_equal(a->reject_counts[k], b->reject_counts[k]);
    assert_int_equal(a->duplicates, b->duplicates);
    assert_int_equal(a->returns, b->returns);
    assert_int_equal(a->lines_without_customer, b->lines_without_customer);
    assert_int_equal(a->ncustomers, b->ncustomers);
    assert_int_equal(a->norders, b->norders);
    assert_int_equal(sr_pool_count(a->pool), sr_pool_count(b->pool));
    for (uint32_t i = 0; i < sr_pool_count(a->pool); i++)
        assert_string_equal(sr_pool_str(a->pool, i), sr_pool_str(b->pool, i));
    assert_memory_equal(a->customer, b->customer, a->n * sizeof *a->customer);
    assert_memory_equal(a->order, b->order, a->n * sizeof *a->order);
    assert_memory_equal(a->amount, b->amount, a->n * sizeof *a->amount);
    assert_memory_equal(a->flags, b->flags, a->n * sizeof *a->flags);
    assert_int_equal(a->ncols, b->ncols);
    for (size_t c = 0; c < a->ncols; c++) {
        assert_int_equal(a->cols[c].missing, b->cols[c].missing);
        if (a->cols[c].kind == SR_COL_TEXT)
            assert_memory_equal(a->cols[c].ids, b->cols[c].ids, a->n * sizeof(uint32_t));
        else if (a->cols[c].kind == SR_COL_NUMBER)
            for (size_t i = 0; i < a->n; i++)
                assert_true(a->cols[c].num[i] == b->cols[c].num[i] ||
                            (isnan(a->cols[c].num[i]) && isnan(b->cols[c].num[i])));
    }
    assert_int_equal(a->nfiles, b->nfiles);
    for (size_t k = 0; k < a->nfiles; k++)
        assert_string_equal(a->files[k].sha256, b->files[k].sha256);
}

/* A 6 MiB input (two 4 MiB reads, a dozen batches) read with the pipeline
 * and on one thread: the same dataset, rejects file, warnings and checksum,
 * and the counts the generator wrote. */
static void test_pipeline_matches_one_thread(void **state)
{
    fixture *f = *state;
    void *st2 = NULL;
    assert_int_equal(setup(&st2), 0);
    fixture *g = st2;
    gen_counts gc;
    size_t len;
    char *csv = gen_mixed(6u << 20, &gc, &len);
    assert_true(gc.dups > 100 && gc.quoting > 10 && gc.short_rows > 10 && gc.bad_number > 10);
    f->opt.threads = 1;
    g->opt.threads = 0; /* default: two threads */
    assert_int_equal(feed_n(f, "mixed.csv", csv, len), SR_OK);
    assert_int_equal(feed_n(g, "mixed.csv", csv, len), SR_OK);
    sr_dataset *ds = g->ds;
    assert_int_equal(ds->rows_read, gc.rows);
    assert_int_equal(ds->reject_counts[SR_REJECT_NUMBER], gc.bad_number);
    assert_int_equal(ds->reject_counts[SR_REJECT_FIELD_COUNT], gc.short_rows);
    assert_int_equal(ds->reject_counts[SR_REJECT_QUOTING], gc.quoting);
    assert_int_equal(ds->rows_rejected, gc.bad_number + gc.short_rows + gc.quoting);
    assert_int_equal(ds->n, gc.rows - ds->rows_rejected);
    assert_int_equal(ds->duplicates, gc.dups);
    assert_int_equal(ds->ncustomers, 500);
    assert_same_dataset(f->ds, g->ds);
    /* The checksum of the bytes, computed here. */
    sr_sha256 sha;
    char hex[65];
    sr_sha256_init(&sha);
    sr_sha256_update(&sha, csv, len);
    sr_sha256_final(&sha, hex);
    assert_string_equal(ds->files[0].sha256, hex);
    /* Same warnings (the first 20), same rejects file, same final progress. */
    assert_int_equal(f->nwarn, g->nwarn);
    for (int k = 0; k < 8; k++)
        assert_string_equal(f->warn[k], g->warn[k]);
    assert_true(g->nprogress >= 1);
    assert_int_equal(g->last_done, len);
    assert_int_equal(f->last_done, len);
    assert_int_equal(sr_rejects_close(&f->rej, NULL), SR_OK);
    assert_int_equal(sr_rejects_close(&g->rej, NULL), SR_OK);
    size_t la, lb;
    char *ra = slurp(f->rej_path, &la), *rb = slurp(g->rej_path, &lb);
    assert_non_null(ra);
    assert_non_null(rb);
    assert_int_equal(la, lb);
    assert_memory_equal(ra, rb, la);
    free(ra);
    free(rb);
    rejects_table *t = rejects_read(g);
    assert_non_null(t);
    assert_int_equal(t->nrows, g->rej.count);
    assert_string_equal(rj(t, 0, RJ_LINE), "8"); /* row 5; row 0 spans lines 2-3 */
    rejects_free(t);
    free(csv);
    teardown(&st2);
}

/* Duplicate rows are counted across files: the hashes of earlier files are
 * merged with each new file's. */
static void test_duplicates_across_files(void **state)
{
    fixture *f = *state;
    sr_dataset *ds = f->ds;
    feed_ok(f, "Customer ID,Purchase Amount (USD)\n1,5\n2,6\n1,5\n");
    assert_int_equal(ds->duplicates, 1);
    assert_int_equal(feed_n(f, "b.csv", "Customer ID,Purchase Amount (USD)\n2,6\n3,7\n3,7\n4,8\n4,x\n",
                            strlen("Customer ID,Purchase Amount (USD)\n2,6\n3,7\n3,7\n4,8\n4,x\n")),
                     SR_OK);
    assert_int_equal(ds->duplicates, 3); /* 2,6 from the first file; 3,7 again; 4,x rejected */
    /* Large files: 0..9999, then 5000..14999 (5000 seen), then 0..19999 (15000 seen). */
    const char *hdr = "Customer ID,Purchase Amount (USD)\n";
    size_t cap = 64 + 20000 * 16, o;
    char *csv = malloc(cap);
    assert_non_null(csv);
    struct {
        int from, to;
        uint64_t want;
    } runs[] = {{0, 10000, 3}, {5000, 15000, 3 + 5000}, {0, 20000, 3 + 5000 + 15000}};
    for (int r = 0; r < 3; r++) {
        o = (size_t)snprintf(csv, cap, "%s", hdr);
        for (int i = runs[r].from; i < runs[r].to; i++)
            o += (size_t)snprintf(csv + o, cap - o, "c%d,%d\n", i, i % 100);
        assert_int_equal(feed_n(f, "big.csv", csv, o), SR_OK);
        assert_int_equal(ds->duplicates, runs[r].want);
    }
    assert_int_equal(ds->n, 3 + 4 + 10000 + 10000 + 20000);
    free(csv);
}

/* An unclosed quote whose last line ends exactly where a 4 MiB read ends:
 * the reject keeps the record's raw text (the parser buffer has moved). */
static void test_unclosed_quote_at_read_end(void **state)
{
    fixture *f = *state;
    const size_t chunk = 4u << 20;
    char *csv = malloc(chunk + 1);
    assert_non_null(csv);
    size_t o = (size_t)snprintf(csv, chunk, "Customer ID,Item Purchased,Purchase Amount\n");
    uint64_t line = 2;
    while (chunk - o >= 6 + 5) {
        memcpy(csv + o, "1,x,1\n", 6);
        o += 6;
        line++;
    }
    size_t rec = o, r = chunk - o;
    memcpy(csv + o, "2,\"", 3);
    memset(csv + o + 3, 'a', r - 4);
    csv[chunk - 1] = '\n';
    assert_int_equal(feed_n(f, "q.csv", csv, chunk), SR_OK);
    assert_int_equal(f->ds->reject_counts[SR_REJECT_QUOTING], 1);
    assert_int_equal(f->ds->n, line - 2);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 1);
    char want[32];
    snprintf(want, sizeof want, "%llu", (unsigned long long)line);
    assert_string_equal(rj(t, 0, RJ_LINE), want);
    assert_int_equal(strlen(rj(t, 0, RJ_RAW)), r - 1);
    assert_memory_equal(rj(t, 0, RJ_RAW), csv + rec, r - 1);
    rejects_free(t);
    free(csv);
}

/* The same with a record of a whole read (the parser buffer is reallocated):
 * many short quoted fields holding a newline, the last one left open. */
static void test_unclosed_quote_whole_read(void **state)
{
    fixture *f = *state;
    const size_t chunk = 4u << 20;
    const char *hdr = "Customer ID,Item Purchased,Purchase Amount\n";
    size_t hl = strlen(hdr), total = hl + chunk;
    char *csv = malloc(total);
    assert_non_null(csv);
    memcpy(csv, hdr, hl);
    size_t o = hl;
    memcpy(csv + o, "2,", 2);
    o += 2;
    while (total - o >= 8 + 3) {
        memcpy(csv + o, "\"bb\nbb\",", 8);
        o += 8;
    }
    csv[o] = '"';
    memset(csv + o + 1, 'b', total - o - 2);
    csv[total - 1] = '\n';
    assert_int_equal(feed_n(f, "w.csv", csv, total), SR_OK);
    assert_int_equal(f->ds->reject_counts[SR_REJECT_QUOTING], 1);
    assert_int_equal(f->ds->n, 0);
    rejects_table *t = rejects_read(f);
    assert_non_null(t);
    assert_int_equal(t->nrows, 1);
    assert_string_equal(rj(t, 0, RJ_LINE), "2");
    assert_int_equal(strlen(rj(t, 0, RJ_RAW)), chunk - 1);
    assert_memory_equal(rj(t, 0, RJ_RAW), csv + hl, chunk - 1);
    rejects_free(t);
    free(csv);
}

/* The fast path for quote-free lines must give exactly libcsv's result.
 * Random inputs built from the characters that matter (spaces, tabs, CR,
 * delimiters, quotes, empty fields, blank and whitespace-only lines, rows
 * of the wrong width) for each delimiter, read with and without the fast
 * path: same dataset, same rejects file, same warnings. */
static void test_fast_path_matches_libcsv(void **state)
{
    (void)state;
    static const char *const atoms[] = {"a", "b7", "12", "3.5", " ", "\t", "x y", "", "\"q\"",
                                        "\"c,d\"", "\r", "z\"z", "  9  "};
    sr_rng rng;
    sr_rng_seed(&rng, 2026);
    for (int round = 0; round < 120; round++) {
        char delim = round % 3 == 0 ? ',' : round % 3 == 1 ? ';' : '\t';
        size_t cap = 1 << 16, o = 0;
        char *csv = malloc(cap);
        assert_non_null(csv);
        o += (size_t)snprintf(csv, cap, "Customer ID%cPurchase Amount (USD)%cGender\n", delim, delim);
        int rows = 1 + (int)sr_rng_below(&rng, 60);
        for (int r = 0; r < rows && o + 512 < cap; r++) {
            uint64_t kind = sr_rng_below(&rng, 10);
            if (kind == 0) {
                o += (size_t)snprintf(csv + o, cap - o, "%s", sr_rng_below(&rng, 2) ? "\n" : " \t \n");
                continue;
            }
            int fields = kind == 1 ? 1 + (int)sr_rng_below(&rng, 5) : 3;
            for (int fi = 0; fi < fields; fi++) {
                if (fi)
                    csv[o++] = delim;
                if (fi == 1 && kind > 3) { /* mostly a valid amount */
                    o += (size_t)snprintf(csv + o, cap - o, "%s%d%s", sr_rng_below(&rng, 3) ? "" : " ",
                                          (int)sr_rng_below(&rng, 100), sr_rng_below(&rng, 3) ? "" : "\t");
                    continue;
                }
                int atoms_n = (int)sr_rng_below(&rng, 3);
                for (int a = 0; a < atoms_n; a++) {
                    const char *at = atoms[sr_rng_below(&rng, sizeof atoms / sizeof *atoms)];
                    if (fi == 0 && a == 0 && kind > 3)
                        at = "c1";
                    o += (size_t)snprintf(csv + o, cap - o, "%s", at);
                }
            }
            o += (size_t)snprintf(csv + o, cap - o, "%s", sr_rng_below(&rng, 4) ? "\n" : "\r\n");
        }
        if (sr_rng_below(&rng, 4) == 0 && o > 0 && csv[o - 1] == '\n')
            o--; /* no final newline */
        void *sa = NULL, *sb = NULL;
        assert_int_equal(setup(&sa), 0);
        assert_int_equal(setup(&sb), 0);
        fixture *f = sa, *g = sb;
        f->opt.libcsv_only = true;
        sr_status st1 = feed_n(f, "r.csv", csv, o), st2 = feed_n(g, "r.csv", csv, o);
        assert_int_equal(st1, st2);
        if (st1 == SR_OK) {
            assert_same_dataset(f->ds, g->ds);
            assert_int_equal(f->nwarn, g->nwarn);
            assert_int_equal(sr_rejects_close(&f->rej, NULL), SR_OK);
            assert_int_equal(sr_rejects_close(&g->rej, NULL), SR_OK);
            size_t la = 0, lb = 0;
            char *ra = slurp(f->rej_path, &la), *rb = slurp(g->rej_path, &lb);
            assert_true((ra == NULL) == (rb == NULL));
            if (ra) {
                assert_int_equal(la, lb);
                assert_memory_equal(ra, rb, la);
            }
            free(ra);
            free(rb);
        }
        teardown(&sa);
        teardown(&sb);
        free(csv);
    }
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_basic),
        T(test_quoted_fields),
        T(test_reject_multiline_record),
        T(test_empty_fields_missing),
        T(test_long_field),
        T(test_long_bad_value),
        T(test_crlf_bom_no_final_newline),
        T(test_cr_only),
        T(test_semicolon_and_tab),
        T(test_field_count),
        T(test_bad_values),
        T(test_missing_amount),
        T(test_unterminated_quote_at_eof),
        T(test_unterminated_quote_no_newline),
        T(test_stray_quote),
        T(test_blank_lines),
        T(test_leading_blank_lines),
        T(test_header_only_and_empty),
        T(test_duplicates),
        T(test_float_ids),
        T(test_transactions),
        T(test_dmy_detection),
        T(test_mdy_default_and_forced),
        T(test_two_buffers),
        T(test_chunk_boundary),
        T(test_chunk_boundary_reject),
        T(test_warning_limit),
        T(test_no_rejects_file),
        T(test_overrides),
        T(test_repeated_values),
        T(test_date_order_per_file),
        T(test_fifo_input),
        T(test_shopping_trends_file),
        T(test_customers),
        T(test_customers_mode_tie_first_seen),
        T(test_customers_rows),
        T(test_pipeline_matches_one_thread),
        T(test_duplicates_across_files),
        T(test_unclosed_quote_at_read_end),
        T(test_unclosed_quote_whole_read),
        T(test_fast_path_matches_libcsv),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
