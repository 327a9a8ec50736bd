/*
 * bench_xlsx.c - time and peak memory of the workbook writer (report/xlsx.h)
 * for N customers.
 *
 * Build and run (from the repository root):
 *   gcc -std=c11 -O2 -Wall -Wextra -pedantic -D_POSIX_C_SOURCE=200809L \
 *       -D_DEFAULT_SOURCE -Isrc bench/bench_xlsx.c src/report/xlsx.c \
 *       src/report/xlsxzip.c src/util/pdeflate.c src/util/strbuf.c \
 *       src/util/status.c src/util/utf8.c -lxlsxwriter -lcsv -lcjson -lz \
 *       -lpthread -lm -o /tmp/bench_xlsx && /tmp/bench_xlsx
 *   /tmp/bench_xlsx N [constant|cells|minizip|normal] [customers|transactions] [DOC.json]
 *       N customers (default 1000000); "constant" (the default) is how the
 *       program writes: constant_memory mode, customer rows streamed by
 *       report/xlsxzip.c; "cells": rows through libxlsxwriter's cell calls,
 *       compressed by xlsxzip; "minizip": rows as cells and xlsxzip off
 *       (libxlsxwriter alone, as before xlsxzip existed);
 *       "normal" = libxlsxwriter's normal mode instead of constant_memory
 *       (try N = 100000: it needs ~3.5 KB per customer row); DOC = results
 *       document (default tests/fixtures/report_full_x.json).
 *
 * It writes a customers.csv shaped like the pipeline's, untimed, into a
 * temporary folder: for "customers" (the default, the Kaggle-style input:
 * 31 columns: id, counts, money, RFM values and scores, segment, cluster,
 * tier, behavior score and 13 attribute columns with realistic value sets)
 * or "transactions" (a UCI-style log: 24 columns with dates, loyalty, churn,
 * risk and one attribute, Country). Then it times
 * one xlsx_write_opt() and reports the wall time, the peak RSS of the process
 * (getrusage; the CSV generator streams, so the peak is the writer's), the
 * RSS growth during the write and the file size. The temporary folder is
 * removed at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/xlsx.h"
#include "report/xlsxzip.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Current resident set size in KB (from /proc/self/statm). */
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* CPU seconds (user + system) used by the process so far: on a busy
 * machine the wall time overstates the cost. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

static long peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* A small deterministic generator (xorshift64*): the bench needs varied,
 * repeatable values, not the project's seeded RNG. */
static unsigned long long st = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
    st ^= st >> 12;
    st ^= st << 25;
    st ^= st >> 27;
    return (unsigned)((st * 2685821657736338717ULL) >> 33) % n;
}

static int write_csv(const char *path, long n)
{
    static const char *seg[] = {"Champions", "Loyal Customers", "Potential Loyalists",
                                "New Customers", "At Risk", "Hibernating", "Lost"};
    static const char *tier[] = {"Platinum", "Gold", "Silver", "Bronze"};
    static const char *gender[] = {"Male", "Female"};
    static const char *cat[] = {"Clothing", "Accessories", "Footwear", "Outerwear"};
    static const char *loc[] = {"Montana", "California", "Idaho", "Illinois", "Alabama",
                                "Minnesota", "Nevada", "New York", "Texas", "Ohio"};
    static const char *size[] = {"S", "M", "L", "XL"};
    static const char *color[] = {"Gray", "Maroon", "Turquoise", "White", "Charcoal", "Silver"};
    static const char *season[] = {"Winter", "Spring", "Summer", "Fall"};
    static const char *yn[] = {"Yes", "No"};
    static const char *pay[] = {"Credit Card", "Venmo", "Cash", "PayPal", "Debit Card",
                                "Bank Transfer"};
    static const char *ship[] = {"Free Shipping", "Standard", "Store Pickup", "Next Day Air",
                                 "Express", "2-Day Shipping"};
    static const char *freq[] = {"Weekly", "Fortnightly", "Monthly", "Quarterly", "Annually"};
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("customer_id,orders,lines,monetary,returned,return_lines,distinct_items,avg_rating,"
          "recency,frequency,r_score,f_score,m_score,rfm_score,segment,cluster,tier,"
          "behavior_score,Gender,Category,Location,Size,Color,Season,Subscription Status,"
          "Payment Method,Shipping Type,Discount Applied,Promo Code Used,"
          "Preferred Payment Method,Frequency of Purchases\n",
          f);
    for (long i = 0; i < n; i++) {
        unsigned r = rnd(5) + 1, fq = rnd(5) + 1, m = rnd(5) + 1;
        fprintf(f,
                "%ld,1,1,%u.00,0.00,0,1,%u.%u0,%u,%u,%u,%u,%u,%u%u%u,%s,%u,%s,%u.%u,%s,%s,%s,%s,%s,"
                "%s,%s,%s,%s,%s,%s,%s,%s\n",
                i + 1, 20 + rnd(81), 2 + rnd(3), rnd(10), 7 + rnd(358), 1 + rnd(50), r, fq, m, r,
                fq, m, seg[rnd(7)], rnd(4), tier[rnd(4)], rnd(100), rnd(10), gender[rnd(2)],
                cat[rnd(4)], loc[rnd(10)], size[rnd(4)], color[rnd(6)], season[rnd(4)],
                yn[rnd(2)], pay[rnd(6)], ship[rnd(6)], yn[rnd(2)], yn[rnd(2)], pay[rnd(6)],
                freq[rnd(5)]);
    }
    return fclose(f);
}

/* The customers.csv of a transaction log (UCI Online Retail style): dates,
 * loyalty and churn, one attribute column (Country): 24 columns. */
static int write_csv_tx(const char *path, long n)
{
    static const char *seg[] = {"Champions", "Loyal Customers", "Potential Loyalists",
                                "New Customers", "At Risk", "Hibernating", "Lost"};
    static const char *tier[] = {"Platinum", "Gold", "Silver", "Bronze"};
    static const char *risk[] = {"Low", "Medium", "High", "Critical"};
    static const char *country[] = {"United Kingdom", "France", "Germany", "EIRE", "Spain",
                                    "Netherlands", "Belgium", "Switzerland"};
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("customer_id,first_purchase,last_purchase,orders,lines,monetary,returned,return_lines,"
          "distinct_items,avg_rating,recency,frequency,r_score,f_score,m_score,rfm_score,segment,"
          "cluster,tier,loyalty_probability,churn_probability,risk,behavior_score,Country\n",
          f);
    for (long i = 0; i < n; i++) {
        unsigned r = rnd(5) + 1, fq = rnd(5) + 1, m = rnd(5) + 1, d1 = rnd(28) + 1, p = rnd(10000);
        fprintf(f,
                "%ld,2011-0%u-%02u,2011-1%u-%02u,%u,%u,%u.%02u,%u.00,%u,%u,,%u,%u,%u,%u,%u,%u%u%u,%s,"
                "%u,%s,0.%04u,0.%04u,%s,%u.%u,%s\n",
                12346 + i, 1 + rnd(9), d1, rnd(2), d1, 1 + rnd(20), 1 + rnd(200), rnd(5000),
                rnd(100), rnd(50), rnd(3), 1 + rnd(150), 1 + rnd(373), 1 + rnd(20), r, fq, m, r,
                fq, m, seg[rnd(7)], rnd(4), tier[rnd(4)], p, 9999 - p, risk[rnd(4)], rnd(100),
                rnd(10), country[rnd(8)]);
    }
    return fclose(f);
}

static cJSON *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    cJSON *doc = NULL;
    if (b && fread(b, 1, (size_t)n, f) == (size_t)n) {
        b[n] = '\0';
        doc = cJSON_Parse(b);
    }
    free(b);
    fclose(f);
    return doc;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int normal = argc > 2 && strcmp(argv[2], "normal") == 0;
    int minizip = argc > 2 && strcmp(argv[2], "minizip") == 0;
    int cells = minizip || (argc > 2 && strcmp(argv[2], "cells") == 0);
    if (minizip)
        xlsxzip_enable(false);
    int tx = argc > 3 && strcmp(argv[3], "transactions") == 0;
    const char *docpath = argc > 4 ? argv[4] : "tests/fixtures/report_full_x.json";
    cJSON *doc = load(docpath);
    if (!doc) {
        fprintf(stderr, "cannot read %s\n", docpath);
        return 1;
    }
    char dir[] = "/tmp/bench_xlsx_XXXXXX", csv[64], out[64];
    if (!mkdtemp(dir))
        return 1;
    snprintf(csv, sizeof csv, "%s/customers.csv", dir);
    snprintf(out, sizeof out, "%s/segments.xlsx", dir);
    if ((tx ? write_csv_tx(csv, n) : write_csv(csv, n)) != 0) {
        fprintf(stderr, "cannot write %s\n", csv);
        return 1;
    }
    struct stat sb;
    stat(csv, &sb);
    long rss0 = rss_kb();
    xlsx_options o;
    xlsx_options_init(&o);
    o.constant_memory = !normal;
    o.cell_rows = cells;
    if (getenv("BENCH_TMPDIR"))
        o.tmpdir = getenv("BENCH_TMPDIR");
    xlsx_stats s;
    sr_error err = {0};
    double c0 = cpu_s(), t0 = now();
    sr_status stt = xlsx_write_opt(doc, csv, out, &o, &s, &err);
    double t1 = now(), c1 = cpu_s();
    if (stt != SR_OK) {
        fprintf(stderr, "xlsx_write_opt: %s\n", err.msg);
        return 1;
    }
    struct stat xb;
    stat(out, &xb);
    printf("customers %ld (%s shape, %s mode, rows %s, %s): %.2f s wall, %.2f s CPU, "
           "peak RSS %.1f MB (RSS before the write %.1f MB), csv %.1f MB, xlsx %.1f MB, "
           "%zu customer sheet(s), %zu parts compressed by xlsxzip (%zu in parallel blocks)\n",
           n, tx ? "transactions" : "customers", normal ? "normal" : "constant_memory",
           s.streamed_sheets ? "streamed" : "as cells",
           minizip ? "minizip's compression" : "xlsxzip compression", t1 - t0, c1 - c0,
           peak_kb() / 1024.0, rss0 / 1024.0, sb.st_size / 1048576.0, xb.st_size / 1048576.0,
           s.customer_sheets, s.zip_parts, s.zip_large_parts);
    unlink(csv);
    unlink(out);
    rmdir(dir);
    cJSON_Delete(doc);
    return 0;
}
