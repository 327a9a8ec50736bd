/*
 * xlsx.c - the marketing workbook (segments.xlsx); see xlsx.h for the
 * contract.
 *
 * How it is built:
 *   1. plan: read customers.csv once (libcsv, streaming) to count the rows,
 *      type the columns and measure their widths; look at the document to
 *      decide which sheets exist. Sheets are then created in tab order,
 *      because libxlsxwriter orders tabs by creation.
 *   2. fill: the doc-driven sheets come from small column tables (colspec:
 *      header, dotted JSON path, value kind, flags). The Customers sheets
 *      get their header row and settings here; their data rows come from a
 *      second streaming pass over customers.csv, run by a report/xlsxzip.h
 *      filler while libxlsxwriter zips each sheet (PASS_XML: each field
 *      becomes the cell XML libxlsxwriter would write), or, when xlsxzip is
 *      not in use, here through worksheet_write_* (PASS_CELLS). Either way
 *      memory does not grow with the number of customers. The Summary,
 *      first tab, is filled last so it can report what the other sheets did
 *      (split customers, cut cells: counted in pass 1). In constant_memory
 *      mode each sheet must be written row by row, which is the only way we
 *      write.
 *   3. close: workbook_close() builds the zip; its status decides. If the
 *      streamed rows could not be written for want of xlsxzip, the workbook
 *      is built again with PASS_CELLS.
 *
 * Errors are sticky: the first failing libxlsxwriter call records an SR_EIO
 * with the sheet, cell and lxw_strerror() text in x->err, and every later
 * cell writer returns at once; the caller checks x->st after each sheet.
 * A workbook that failed is freed without being written (lxw_workbook_free)
 * and any file at the path is removed.
 */
#include "report/xlsx.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "report/xlsxzip.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#define MAXC 64             /* columns of a doc-driven table */
#define WIDTH_CAP 60.0      /* widest column, in characters */
#define WRAP_WIDTH 50.0     /* width of wrapped long-text columns */
#define CHART_W_PX 480      /* libxlsxwriter's default chart size */
#define MAX_WRAP_LINES 8    /* tallest row for wrapped text */

/* ------------------------------------------------------------ context */

typedef struct {
    lxw_worksheet *ws;
    const char *name;
    lxw_row_t row; /* next row to write */
    double width[MAXC];
} sheet;

typedef struct {
    lxw_workbook *wb;
    const cJSON *doc;
    const char *path;
    sr_error *err;
    sr_status st; /* first failure; SR_OK while all went well */
    xlsx_stats stats;
    lxw_format *f_hdr, *f_title, *f_sub, *f_section, *f_money, *f_pct1, *f_pct2, *f_dec2,
        *f_dec4, *f_int, *f_date, *f_wrap, *f_note, *f_text;
    size_t money_extra; /* display characters the currency adds */
    const char *tmpdir;  /* libxlsxwriter's temporary files */
    bool precounted;     /* cell_text: cut and invalid cells were counted in pass 1 */
    const char *cust_csv; /* customers.csv or NULL */
} xw;

/* Records the first libxlsxwriter failure; true when e is LXW_NO_ERROR. */
static bool lxw_ok(xw *x, const sheet *s, lxw_row_t r, lxw_col_t c, lxw_error e)
{
    if (e == LXW_NO_ERROR)
        return true;
    if (x->st == SR_OK) {
        char cell[32];
        lxw_rowcol_to_cell(cell, r, c);
        x->st = sr_error_set(x->err, SR_EIO, "%s: sheet '%s' cell %s: %s", x->path,
                             s ? s->name : "?", cell, lxw_strerror(e));
    }
    return false;
}

static void fail_nomem(xw *x)
{
    if (x->st == SR_OK)
        x->st = sr_error_set(x->err, SR_ENOMEM, "out of memory");
}

/* ------------------------------------------------------------ JSON access */

/* Member at a dotted path ("behavior.total_revenue"), or NULL. */
static const cJSON *jget(const cJSON *o, const char *path)
{
    char key[64];
    while (o && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        o = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
        path += n + (dot ? 1 : 0);
    }
    return o;
}

static const char *jstr(const cJSON *o, const char *path)
{
    const cJSON *v = jget(o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool jnum(const cJSON *o, const char *path, double *out)
{
    const cJSON *v = jget(o, path);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return false;
    *out = v->valuedouble;
    return true;
}

static int jarr_size(const cJSON *o, const char *path)
{
    const cJSON *v = jget(o, path);
    return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
}

/* A section {"status": "skipped", "reason": ...}: true, *reason set. */
static bool jskipped(const cJSON *sec, const char **reason)
{
    const char *st = jstr(sec, "status");
    if (!st || strcmp(st, "skipped") != 0)
        return false;
    *reason = jstr(sec, "reason");
    if (!*reason)
        *reason = "no reason given";
    return true;
}

/* ------------------------------------------------------------ text cells */

/* Length of the valid UTF-8 sequence starting at s (n bytes left), 0 if
 * invalid (util/utf8.h). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    uint32_t cp;
    return sr_utf8_decode(s, n, &cp);
}

/* UTF-16 units of a valid sequence of len bytes. */
static size_t utf16_units(size_t len)
{
    return len == 4 ? 2 : 1;
}

/*
 * The text to put in a cell: s itself when it is valid UTF-8 of at most
 * XLSX_MAX_CELL_CHARS UTF-16 units (Excel's measure), otherwise a malloc'd
 * copy in *tmp (caller frees) with each invalid byte replaced by U+FFFD and,
 * when too long, cut at a character boundary to leave room for
 * XLSX_TRUNCATED_MARKER. NULL when out of memory.
 */
static const char *cell_text(xw *x, const char *s, char **tmp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), units = 0;
    bool valid = true;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(u + i, n - i);
        if (k == 0) {
            valid = false;
            k = 1;
            units++;
        } else {
            units += utf16_units(k);
        }
        i += k;
    }
    *tmp = NULL;
    if (valid && units <= XLSX_MAX_CELL_CHARS)
        return s;
    bool cut = units > XLSX_MAX_CELL_CHARS;
    size_t room = cut ? XLSX_MAX_CELL_CHARS - 12 : (size_t)-1; /* marker: 12 units */
    sr_buf b = SR_BUF_INIT;
    units = 0;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(u + i, n - i);
        size_t w = k ? utf16_units(k) : 1;
        if (units + w > room)
            break;
        if (k)
            sr_buf_append(&b, s + i, k);
        else
            sr_buf_append(&b, "\xEF\xBF\xBD", 3);
        units += w;
        i += k ? k : 1;
    }
    if (cut)
        sr_buf_puts(&b, XLSX_TRUNCATED_MARKER);
    if (sr_buf_failed(&b)) {
        sr_buf_free(&b);
        return NULL;
    }
    if (!x->precounted) {
        x->stats.truncated_cells += cut;
        x->stats.invalid_utf8 += !valid;
    }
    *tmp = sr_buf_take(&b);
    return *tmp;
}

/* Display width of s in characters (code points), counted up to cap. */
static double text_width(const char *s, double cap)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && w < cap; p++)
        w += (*p & 0xC0) != 0x80;
    return w;
}

static void widen(sheet *s, lxw_col_t c, double w)
{
    if (c < MAXC && w > s->width[c])
        s->width[c] = w;
}

/* ------------------------------------------------------------ cell writers */

static void put_str(xw *x, sheet *s, lxw_row_t r, lxw_col_t c, const char *text, lxw_format *f)
{
    if (x->st != SR_OK || !text)
        return;
    char *tmp;
    const char *t = cell_text(x, text, &tmp);
    if (!t) {
        fail_nomem(x);
        return;
    }
    lxw_ok(x, s, r, c, worksheet_write_string(s->ws, r, c, t, f));
    if (f != x->f_wrap)
        widen(s, c, text_width(t, WIDTH_CAP));
    free(tmp);
}

/* Characters a number shows with format f (an estimate for column widths). */
static double num_width(xw *x, double v, lxw_format *f)
{
    char b[64];
    int dec = f == x->f_dec4 ? 4 : (f == x->f_money || f == x->f_dec2 || f == x->f_pct2) ? 2
              : f == x->f_pct1                                               ? 1
                                                                             : 0;
    double a = fabs(f == x->f_pct1 || f == x->f_pct2 ? v * 100 : v);
    if (f == x->f_text)
        f = NULL;
    int n = snprintf(b, sizeof b, "%.*f", f ? dec : 0, a);
    if (!f && v != floor(v))
        n = snprintf(b, sizeof b, "%.10g", a);
    double w = n + (v < 0) + (f == x->f_pct1 || f == x->f_pct2);
    if (f == x->f_money || f == x->f_int || f == x->f_dec2)
        w += (a >= 1000) + (a >= 1e6) + (a >= 1e9); /* thousands separators */
    if (f == x->f_money)
        w += (double)x->money_extra;
    if (f == x->f_date)
        w = 10;
    return w;
}

static void put_num(xw *x, sheet *s, lxw_row_t r, lxw_col_t c, double v, lxw_format *f)
{
    if (x->st != SR_OK || !isfinite(v))
        return;
    lxw_ok(x, s, r, c, worksheet_write_number(s->ws, r, c, v, f));
    widen(s, c, num_width(x, v, f));
}

static void put_blank(xw *x, sheet *s, lxw_row_t r, lxw_col_t c, lxw_format *f)
{
    if (x->st == SR_OK)
        lxw_ok(x, s, r, c, worksheet_write_blank(s->ws, r, c, f));
}

/* Internal link to cell A1 of sheet `target`, showing the sheet's name. */
static void put_link(xw *x, sheet *s, lxw_row_t r, lxw_col_t c, const char *target)
{
    if (x->st != SR_OK)
        return;
    char url[128];
    snprintf(url, sizeof url, "internal:'%s'!A1", target);
    lxw_ok(x, s, r, c, worksheet_write_url_opt(s->ws, r, c, url, NULL, target, NULL));
    widen(s, c, text_width(target, WIDTH_CAP));
}

/* ------------------------------------------------------------ dates */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Parses exactly "YYYY-MM-DD" (a real calendar day, years 1900..9999) into
 * days since 1970-01-01. */
static bool parse_date(const char *s, long *days)
{
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return false;
        } else if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    if (s[10] != '\0')
        return false;
    long y = strtol(s, NULL, 10), m = (s[5] - '0') * 10 + (s[6] - '0'),
         d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return false;
    *days = days_from_civil(y, m, d);
    return true;
}

/* Excel's serial day number: days since 1899-12-30 (the 1900 system; every
 * date from 1900-03-01 on is right, Excel's phantom 1900-02-29 included). */
static double excel_serial(long days)
{
    return (double)(days + 25569);
}

static void put_date(xw *x, sheet *s, lxw_row_t r, lxw_col_t c, const char *iso)
{
    long days;
    if (iso && parse_date(iso, &days))
        put_num(x, s, r, c, excel_serial(days), x->f_date);
    else
        put_str(x, s, r, c, iso, NULL);
}

/* ------------------------------------------------------------ numbers in text */

/* A decimal -?[0-9]+(\.[0-9]+)? that strtod converts exactly as written.
 * strict (for columns typed from their values): at most 15 digits, so it
 * converts to a double and back unchanged, and no leading zero ("007" is an
 * id, not 7). Never a '+', exponent, hex, inf or nan. */
static bool plain_number(const char *s, bool strict)
{
    const char *p = s + (*s == '-');
    int digits = 0;
    if (strict && *p == '0' && p[1] >= '0' && p[1] <= '9')
        return false;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    return *p == '\0' && (!strict || digits <= 15);
}

/* ------------------------------------------------------------ tables from the document */

enum { F_DATABAR = 1, F_SCALE3 = 2, F_WRAP = 4 };

typedef enum {
    V_TEXT,   /* string; a number prints as a number */
    V_NUM,    /* General */
    V_INT,    /* #,##0 */
    V_DEC2,   /* #,##0.00 */
    V_DEC4,   /* 0.0000 */
    V_MONEY,  /* currency */
    V_PCT1,   /* fraction 0..1 as 0.0% */
    V_PCT2,   /* fraction 0..1 as 0.00% */
    V_PCT100, /* percentage 0..100, shown as 0.0% */
    V_DATE,   /* "YYYY-MM-DD" */
    V_JOIN,   /* array of strings, joined with ", " */
    V_BOOL,   /* true -> "yes" */
    V_FN      /* text made by fn */
} vkind;

typedef void (*text_fn)(const cJSON *item, sr_buf *out);

typedef struct {
    const char *header;
    const char *path; /* dotted path inside the row object */
    vkind kind;
    unsigned flags;
    text_fn fn;
} colspec;

typedef struct {
    lxw_row_t header, first, last; /* header row, data rows first..last */
    size_t rows;                   /* data rows (0: first > last) */
} table_pos;

static lxw_format *kind_format(xw *x, vkind k)
{
    switch (k) {
    case V_INT: return x->f_int;
    case V_DEC2: return x->f_dec2;
    case V_DEC4: return x->f_dec4;
    case V_MONEY: return x->f_money;
    case V_PCT1:
    case V_PCT100: return x->f_pct1;
    case V_PCT2: return x->f_pct2;
    default: return NULL;
    }
}

/* One value of a row object into cell (r, c) according to its column spec. */
static void put_value(xw *x, sheet *s, lxw_row_t r, lxw_col_t c, const colspec *cs,
                      const cJSON *item)
{
    lxw_format *wrap = cs->flags & F_WRAP ? x->f_wrap : x->f_text;
    if (cs->kind == V_FN || cs->kind == V_JOIN) {
        sr_buf b = SR_BUF_INIT;
        if (cs->kind == V_FN) {
            cs->fn(item, &b);
        } else {
            const cJSON *e, *arr = jget(item, cs->path);
            cJSON_ArrayForEach(e, arr)
            {
                if (cJSON_IsString(e)) {
                    if (b.len)
                        sr_buf_puts(&b, ", ");
                    sr_buf_puts(&b, e->valuestring);
                }
            }
        }
        if (sr_buf_failed(&b))
            fail_nomem(x);
        else if (b.len)
            put_str(x, s, r, c, sr_buf_str(&b), wrap);
        sr_buf_free(&b);
        return;
    }
    const cJSON *v = jget(item, cs->path);
    if (!v || cJSON_IsNull(v))
        return;
    if (cs->kind == V_BOOL) {
        if (cJSON_IsTrue(v))
            put_str(x, s, r, c, "yes", x->f_text);
        return;
    }
    if (cJSON_IsString(v)) {
        if (cs->kind == V_DATE)
            put_date(x, s, r, c, v->valuestring);
        else if (cs->kind != V_TEXT && strcmp(v->valuestring, "inf") == 0)
            put_str(x, s, r, c, "\xE2\x88\x9E", x->f_text); /* conviction = infinity */
        else
            put_str(x, s, r, c, v->valuestring, wrap);
        return;
    }
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (cs->kind == V_PCT100)
            d /= 100;
        lxw_format *f = kind_format(x, cs->kind);
        put_num(x, s, r, c, d, f && cs->kind != V_TEXT ? f : x->f_text);
    }
}

static void put_header(xw *x, sheet *s, lxw_row_t r, const colspec *cols, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        put_str(x, s, r, (lxw_col_t)c, cols[c].header, x->f_hdr);
        if (cols[c].flags & F_WRAP)
            widen(s, (lxw_col_t)c, WRAP_WIDTH);
    }
}

static void add_databar(xw *x, sheet *s, lxw_row_t r1, lxw_row_t r2, lxw_col_t c,
                        lxw_color_t colour)
{
    lxw_conditional_format cf;
    memset(&cf, 0, sizeof cf);
    cf.type = LXW_CONDITIONAL_DATA_BAR;
    cf.bar_color = colour;
    if (x->st == SR_OK)
        lxw_ok(x, s, r1, c, worksheet_conditional_format_range(s->ws, r1, c, r2, c, &cf));
}

static void add_scale3(xw *x, sheet *s, lxw_row_t r1, lxw_row_t r2, lxw_col_t c)
{
    lxw_conditional_format cf;
    memset(&cf, 0, sizeof cf);
    cf.type = LXW_CONDITIONAL_3_COLOR_SCALE;
    cf.min_color = 0xF8696B; /* red: low score */
    cf.mid_color = 0xFFEB84;
    cf.max_color = 0x63BE7B; /* green: high score */
    if (x->st == SR_OK)
        lxw_ok(x, s, r1, c, worksheet_conditional_format_range(s->ws, r1, c, r2, c, &cf));
}

/* Lines that text needs in a wrapped column `width` characters wide: each
 * paragraph takes ceil(chars / (width - 2)) lines (a rough measure: the
 * font is proportional, so it errs on the generous side). */
static int wrapped_lines(const char *t, double width)
{
    int lines = 0;
    while (*t) {
        const char *nl = strchr(t, '\n');
        size_t n = nl ? (size_t)(nl - t) : strlen(t);
        double chars = 0;
        for (size_t i = 0; i < n; i++)
            chars += ((unsigned char)t[i] & 0xC0) != 0x80;
        lines += chars > 0 ? (int)ceil(chars / (width - 2)) : 1;
        t += n + (nl ? 1 : 0);
    }
    return lines;
}

/* Neither Excel nor LibreOffice grows a row for wrapped text written by
 * libxlsxwriter, so a row with wrapped long text gets an explicit height:
 * 15 pt per line, at most MAX_WRAP_LINES lines (a 5,000-character
 * description would otherwise fill the screen; the whole text stays in the
 * cell). In constant_memory mode this must happen before the row's first
 * cell, which is why it is its own step. */
static void row_height(xw *x, sheet *s, const colspec *cols, size_t n, const cJSON *item)
{
    int lines = 1;
    for (size_t c = 0; c < n; c++) {
        if (!(cols[c].flags & F_WRAP))
            continue;
        sr_buf b = SR_BUF_INIT;
        if (cols[c].kind == V_FN)
            cols[c].fn(item, &b);
        else if (jstr(item, cols[c].path))
            sr_buf_puts(&b, jstr(item, cols[c].path));
        int l = wrapped_lines(sr_buf_str(&b), WRAP_WIDTH);
        lines = l > lines ? l : lines;
        sr_buf_free(&b);
    }
    if (lines > MAX_WRAP_LINES)
        lines = MAX_WRAP_LINES;
    if (lines > 1 && x->st == SR_OK)
        lxw_ok(x, s, s->row, 0, worksheet_set_row(s->ws, s->row, lines * 15.0, NULL));
}

/*
 * Writes a table at s->row: a bold header, then one row per element of
 * `rows` (objects). main = the sheet's main table: its header row is frozen
 * (when it is the first row) and gets the autofilter. Conditional formats
 * follow the column flags. Leaves s->row after the last row.
 */
static table_pos put_table(xw *x, sheet *s, const colspec *cols, size_t n, const cJSON *rows,
                           bool main)
{
    table_pos p;
    p.header = s->row;
    put_header(x, s, s->row++, cols, n);
    p.first = s->row;
    const cJSON *item;
    cJSON_ArrayForEach(item, rows)
    {
        row_height(x, s, cols, n, item);
        for (size_t c = 0; c < n; c++)
            put_value(x, s, s->row, (lxw_col_t)c, &cols[c], item);
        s->row++;
    }
    p.last = s->row - 1;
    p.rows = s->row - p.first;
    if (main) {
        if (p.header == 0) {
            worksheet_freeze_panes(s->ws, 1, 0);
            if (x->st == SR_OK)
                lxw_ok(x, s, 0, 0, worksheet_repeat_rows(s->ws, 0, 0));
        }
        if (x->st == SR_OK)
            lxw_ok(x, s, p.header, 0,
                   worksheet_autofilter(s->ws, p.header, 0, p.rows ? p.last : p.header,
                                        (lxw_col_t)(n - 1)));
    }
    for (size_t c = 0; c < n && p.rows; c++) {
        if (cols[c].flags & F_DATABAR)
            add_databar(x, s, p.first, p.last, (lxw_col_t)c,
                        cols[c].kind == V_MONEY ? 0x63BE7B : 0x638EC6);
        if (cols[c].flags & F_SCALE3)
            add_scale3(x, s, p.first, p.last, (lxw_col_t)c);
    }
    return p;
}

/* A one-line note in italics at s->row (then a row further). */
static void put_note(xw *x, sheet *s, const char *text)
{
    double w = s->width[0]; /* the note overflows to the right: no widening */
    put_str(x, s, s->row++, 0, text, x->f_note);
    s->width[0] = w;
}

/* Column widths from the content, capped; wrapped columns fixed. */
static void set_widths(xw *x, sheet *s, size_t ncols)
{
    for (size_t c = 0; c < ncols && c < MAXC && x->st == SR_OK; c++) {
        double w = s->width[c] + 2;
        if (w < 8)
            w = 8;
        if (w > WIDTH_CAP)
            w = WIDTH_CAP;
        lxw_ok(x, s, 0, (lxw_col_t)c,
               worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL));
    }
}

/* First column at or after col 0 whose left edge is past `px` pixels
 * (a column of w characters is about 7w + 5 px wide in Calibri 11). */
static lxw_col_t col_after_px(const sheet *s, double px)
{
    double x0 = 0;
    lxw_col_t c = 0;
    while (x0 < px && c < MAXC) {
        double w = s->width[c] + 2;
        w = w < 8 ? 8 : w > WIDTH_CAP ? WIDTH_CAP : w;
        x0 += 7 * w + 5;
        c++;
    }
    return c;
}

/* ------------------------------------------------------------ charts */

static lxw_chart *new_chart(xw *x, uint8_t type, const char *title)
{
    if (x->st != SR_OK)
        return NULL;
    lxw_chart *ch = workbook_add_chart(x->wb, type);
    if (!ch) {
        fail_nomem(x);
        return NULL;
    }
    chart_title_set_name(ch, title);
    return ch;
}

/* A series over rows first..last: categories in column cat_col, values in
 * val_col of sheet s. */
static lxw_chart_series *add_series(xw *x, lxw_chart *ch, const sheet *s, table_pos p,
                                    lxw_col_t cat_col, lxw_col_t val_col, lxw_color_t colour)
{
    if (!ch || x->st != SR_OK)
        return NULL;
    lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
    if (!se) {
        fail_nomem(x);
        return NULL;
    }
    chart_series_set_categories(se, s->name, p.first, cat_col, p.last, cat_col);
    chart_series_set_values(se, s->name, p.first, val_col, p.last, val_col);
    chart_series_set_name_range(se, s->name, p.header, val_col);
    lxw_chart_fill fill = {colour, 0, 0};
    chart_series_set_fill(se, &fill);
    return se;
}

static void insert_chart(xw *x, sheet *s, lxw_row_t r, lxw_col_t c, lxw_chart *ch)
{
    if (ch && x->st == SR_OK)
        lxw_ok(x, s, r, c, worksheet_insert_chart(s->ws, r, c, ch));
}

/* ------------------------------------------------------------ text helpers for V_FN */

/* "Male 68.0%, Female 32.0%" from demographics.gender_split. */
static void fn_gender(const cJSON *p, sr_buf *b)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, jget(p, "demographics.gender_split"))
    {
        const char *l = jstr(e, "label"), *f = jstr(e, "pct_fmt");
        if (!l)
            continue;
        sr_buf_printf(b, "%s%s%s%s", b->len ? ", " : "", l, f ? " " : "", f ? f : "");
    }
}

/* "Clothing 45.0%, Shoes 20.1%" from top_categories. */
static void fn_categories(const cJSON *p, sr_buf *b)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, jget(p, "top_categories"))
    {
        const char *n = jstr(e, "name"), *f = jstr(e, "share_fmt");
        if (n)
            sr_buf_printf(b, "%s%s%s%s", b->len ? ", " : "", n, f ? " " : "", f ? f : "");
    }
}

/* "frequency +1.20, monetary -0.85" (z-scores of the centroid). */
static void fn_distinctive(const cJSON *c, sr_buf *b)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, jget(c, "distinctive"))
    {
        const char *f = jstr(e, "feature");
        double z;
        if (f && jnum(e, "z", &z))
            sr_buf_printf(b, "%s%s %+.2f", b->len ? ", " : "", f, z);
    }
}

/* Implementation steps, one numbered line each. */
static void fn_steps(const cJSON *r, sr_buf *b)
{
    const cJSON *e;
    int i = 0;
    cJSON_ArrayForEach(e, jget(r, "implementation_steps"))
    {
        if (cJSON_IsString(e))
            sr_buf_printf(b, "%s%d. %s", i ? "\n" : "", i + 1, e->valuestring), i++;
    }
}

/* ------------------------------------------------------------ the sheets */

typedef enum {
    SH_SEGMENTS,
    SH_CLUSTERS,
    SH_PRODUCT_RULES,
    SH_ATTRIBUTE_RULES,
    SH_BUNDLES,
    SH_ALSO_BOUGHT,
    SH_RECOMMENDATIONS,
    SH_PERSONAS,
    SH_SENTIMENT,
    SH_COUNT
} sheet_id;

static const char *const SHEET_NAMES[SH_COUNT] = {
    "Segments",      "Clusters",    "Product Rules",   "Attribute Rules", "Bundles",
    "Also Bought",   "Recommendations", "Personas",    "Sentiment"};

/* What the plan found for one optional sheet. */
typedef struct {
    bool present;
    const char *skipped; /* reason, when the stage was skipped */
    char about[200];     /* index description */
} sheet_plan;

static void fill_segments(xw *x, sheet *s)
{
    static const colspec cols[] = {
        {"Segment", "segment_name", V_TEXT, 0, NULL},
        {"Customers", "customer_count", V_INT, 0, NULL},
        {"Share", "share", V_PCT1, 0, NULL},
        {"Revenue", "total_revenue", V_MONEY, F_DATABAR, NULL},
        {"Revenue share", "revenue_share", V_PCT1, 0, NULL},
        {"Avg order value", "avg_order_value", V_MONEY, 0, NULL},
        {"Avg recency (days)", "characteristics.avg_recency", V_DEC2, 0, NULL},
        {"Avg frequency", "characteristics.avg_frequency", V_DEC2, 0, NULL},
        {"Avg monetary", "characteristics.avg_monetary", V_MONEY, 0, NULL},
        {"Description", "description", V_TEXT, F_WRAP, NULL},
        {"Recommended action", "action", V_TEXT, F_WRAP, NULL},
    };
    size_t n = sizeof cols / sizeof *cols;
    table_pos p = put_table(x, s, cols, n, jget(x->doc, "segments"), true);
    const char *method = jstr(x->doc, "rfm.method");
    if (method && strcmp(method, "estimated") == 0) {
        s->row++;
        put_note(x, s, jstr(x->doc, "rfm.note") ? jstr(x->doc, "rfm.note")
                                                 : "Recency and frequency are estimated.");
    }
    set_widths(x, s, n);
    if (!p.rows)
        return;
    lxw_row_t at = s->row + 1;
    lxw_chart *c1 = new_chart(x, LXW_CHART_BAR, "Customers by segment");
    add_series(x, c1, s, p, 0, 1, 0x4472C4);
    if (c1) {
        chart_legend_set_position(c1, LXW_CHART_LEGEND_NONE);
        /* bars run bottom-up: reverse so the first segment is on top */
        chart_axis_set_reverse(chart_axis_get(c1, LXW_CHART_AXIS_TYPE_Y));
    }
    insert_chart(x, s, at, 0, c1);
    lxw_chart *c2 = new_chart(x, LXW_CHART_COLUMN, "Revenue by segment");
    add_series(x, c2, s, p, 0, 3, 0x63BE7B);
    if (c2)
        chart_legend_set_position(c2, LXW_CHART_LEGEND_NONE);
    insert_chart(x, s, at, col_after_px(s, CHART_W_PX + 16), c2);
}

static void fill_clusters(xw *x, sheet *s)
{
    static const colspec cols[] = {
        {"Cluster", "cluster_id", V_NUM, 0, NULL},
        {"Name", "name", V_TEXT, 0, NULL},
        {"Tier", "tier", V_TEXT, 0, NULL},
        {"Customers", "size", V_INT, 0, NULL},
        {"Share", "share", V_PCT1, 0, NULL},
        {"Revenue", "revenue", V_MONEY, F_DATABAR, NULL},
        {"Avg order value", "avg_order_value", V_MONEY, 0, NULL},
        {"Recency (centroid)", "centroid.recency", V_DEC2, 0, NULL},
        {"Frequency (centroid)", "centroid.frequency", V_DEC2, 0, NULL},
        {"Monetary (centroid)", "centroid.monetary", V_MONEY, 0, NULL},
        {"Distinctive (z-score)", "", V_FN, 0, fn_distinctive},
    };
    static const colspec sel[] = {
        {"k", "k", V_NUM, 0, NULL},
        {"Inertia", "inertia", V_DEC2, 0, NULL},
        {"Silhouette", "silhouette", V_DEC4, 0, NULL},
        {"Davies-Bouldin", "davies_bouldin", V_DEC4, 0, NULL},
        {"Chosen", "chosen", V_BOOL, 0, NULL},
    };
    const cJSON *cl = jget(x->doc, "clusters");
    size_t n = sizeof cols / sizeof *cols;
    put_table(x, s, cols, n, jget(cl, "items"), true);
    s->row++;
    char note[160];
    double k = 0;
    jnum(cl, "k", &k);
    snprintf(note, sizeof note, "Choosing k: k-means on %s features, k = %.0f chosen by silhouette.",
             jstr(cl, "transform") && strcmp(jstr(cl, "transform"), "none") == 0
                 ? "standardized"
                 : "log1p-transformed, standardized",
             k);
    put_note(x, s, note);
    table_pos p = {0, 0, 0, 0};
    if (jarr_size(cl, "selection") > 0)
        p = put_table(x, s, sel, sizeof sel / sizeof *sel, jget(cl, "selection"), false);
    set_widths(x, s, n);
    if (!p.rows)
        return;
    lxw_chart *ch = new_chart(x, LXW_CHART_SCATTER_STRAIGHT_WITH_MARKERS, "Elbow curve: inertia by k");
    lxw_chart_series *se = add_series(x, ch, s, p, 0, 1, 0x4472C4);
    if (!se)
        return;
    lxw_chart_line line = {0x4472C4, 0, 2.0f, 0, 0};
    chart_series_set_line(se, &line);
    chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    lxw_chart_axis *xa = chart_axis_get(ch, LXW_CHART_AXIS_TYPE_X);
    double k0, k1;
    if (jnum(cJSON_GetArrayItem(jget(cl, "selection"), 0), "k", &k0) &&
        jnum(cJSON_GetArrayItem(jget(cl, "selection"), (int)p.rows - 1), "k", &k1) && k1 > k0) {
        chart_axis_set_min(xa, k0);
        chart_axis_set_max(xa, k1);
    }
    chart_axis_set_major_unit(xa, 1);
    chart_axis_set_name(xa, "k (clusters)");
    chart_axis_set_name(chart_axis_get(ch, LXW_CHART_AXIS_TYPE_Y), "Inertia");
    insert_chart(x, s, p.header, 6, ch);
}

static const colspec RULE_COLS[] = {
    {"Rule", "text", V_TEXT, 0, NULL},
    {"If bought", "antecedents", V_JOIN, 0, NULL},
    {"Then also", "consequents", V_JOIN, 0, NULL},
    {"Support", "support", V_PCT2, 0, NULL},
    {"Confidence", "confidence", V_PCT1, 0, NULL},
    {"Lift", "lift", V_DEC2, F_DATABAR, NULL},
    {"Leverage", "leverage", V_DEC4, 0, NULL},
    {"Conviction", "conviction", V_DEC2, 0, NULL},
    {"Baskets", "count", V_INT, 0, NULL},
};

static void fill_rules(xw *x, sheet *s, const char *level)
{
    const cJSON *a = jget(jget(x->doc, "affinity"), level);
    size_t n = sizeof RULE_COLS / sizeof *RULE_COLS;
    put_table(x, s, RULE_COLS, n, jget(a, "rules"), true);
    double baskets = 0, total = 0, ms = 0;
    jnum(a, "baskets", &baskets);
    jnum(a, "rules_count", &total);
    jnum(a, "min_support", &ms);
    char note[200];
    snprintf(note, sizeof note,
             "Top %d of %.0f rules by lift, mined from %.0f baskets (minimum support %.2f%%).",
             jarr_size(a, "rules"), total, baskets, ms * 100);
    s->row++;
    put_note(x, s, note);
    set_widths(x, s, n);
}

/* Builds rows {level, ...bundle} from both affinity levels (owned by caller). */
static cJSON *bundle_rows(const cJSON *doc)
{
    static const char *const levels[][2] = {{"affinity.product.bundles", "Product"},
                                            {"affinity.attributes.bundles", "Attribute"}};
    cJSON *rows = cJSON_CreateArray();
    for (size_t l = 0; rows && l < 2; l++) {
        const cJSON *b;
        cJSON_ArrayForEach(b, jget(doc, levels[l][0]))
        {
            cJSON *r = cJSON_Duplicate(b, 1);
            if (!r || !cJSON_AddStringToObject(r, "level", levels[l][1])) {
                cJSON_Delete(r);
                cJSON_Delete(rows);
                return NULL;
            }
            cJSON_AddItemToArray(rows, r);
        }
    }
    return rows;
}

static void fill_bundles(xw *x, sheet *s)
{
    static const colspec cols[] = {
        {"Level", "level", V_TEXT, 0, NULL},
        {"Bundle", "text", V_TEXT, 0, NULL},
        {"Items", "items", V_JOIN, 0, NULL},
        {"Support", "support", V_PCT2, 0, NULL},
        {"Confidence", "confidence", V_PCT1, 0, NULL},
        {"Lift", "lift", V_DEC2, F_DATABAR, NULL},
        {"Uplift", "uplift", V_DEC2, 0, NULL},
    };
    cJSON *rows = bundle_rows(x->doc);
    if (!rows) {
        fail_nomem(x);
        return;
    }
    put_table(x, s, cols, sizeof cols / sizeof *cols, rows, true);
    cJSON_Delete(rows);
    set_widths(x, s, sizeof cols / sizeof *cols);
}

/* Rows {product, rank, item, count, lift} from affinity.product.also_bought. */
static cJSON *also_rows(const cJSON *doc)
{
    cJSON *rows = cJSON_CreateArray();
    const cJSON *prod;
    cJSON_ArrayForEach(prod, jget(doc, "affinity.product.also_bought"))
    {
        int rank = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, prod)
        {
            cJSON *r = rows ? cJSON_Duplicate(e, 1) : NULL;
            if (!r || !cJSON_AddStringToObject(r, "product", prod->string ? prod->string : "") ||
                !cJSON_AddNumberToObject(r, "rank", ++rank)) {
                cJSON_Delete(r);
                cJSON_Delete(rows);
                return NULL;
            }
            cJSON_AddItemToArray(rows, r);
        }
    }
    return rows;
}

static void fill_also_bought(xw *x, sheet *s)
{
    static const colspec cols[] = {
        {"Product", "product", V_TEXT, 0, NULL},
        {"Rank", "rank", V_NUM, 0, NULL},
        {"Also bought", "item", V_TEXT, 0, NULL},
        {"Baskets together", "count", V_INT, 0, NULL},
        {"Lift", "lift", V_DEC2, F_DATABAR, NULL},
    };
    cJSON *rows = also_rows(x->doc);
    if (!rows) {
        fail_nomem(x);
        return;
    }
    put_table(x, s, cols, sizeof cols / sizeof *cols, rows, true);
    cJSON_Delete(rows);
    set_widths(x, s, sizeof cols / sizeof *cols);
}

static void fill_recommendations(xw *x, sheet *s)
{
    static const colspec cols[] = {
        {"ID", "id", V_TEXT, 0, NULL},
        {"Category", "category", V_TEXT, 0, NULL},
        {"Priority", "priority", V_TEXT, 0, NULL},
        {"Title", "title", V_TEXT, 0, NULL},
        {"Description", "description", V_TEXT, F_WRAP, NULL},
        {"Expected impact", "expected_impact", V_TEXT, F_WRAP, NULL},
        {"Timeline", "timeline", V_TEXT, 0, NULL},
        {"Steps", "", V_FN, F_WRAP, fn_steps},
        {"Revenue at stake", "revenue_at_stake", V_MONEY, F_DATABAR, NULL},
        {"Customers", "customers", V_INT, 0, NULL},
    };
    put_table(x, s, cols, sizeof cols / sizeof *cols, jget(x->doc, "recommendations"), true);
    set_widths(x, s, sizeof cols / sizeof *cols);
}

static void fill_personas(xw *x, sheet *s)
{
    static const colspec cols[] = {
        {"Persona", "name", V_TEXT, 0, NULL},
        {"Role", "role", V_TEXT, 0, NULL},
        {"Based on", "grouping", V_TEXT, 0, NULL},
        {"Customers", "behavior.total_customers", V_INT, 0, NULL},
        {"Revenue", "behavior.total_revenue", V_MONEY, F_DATABAR, NULL},
        {"Avg order value", "behavior.avg_order_value", V_MONEY, 0, NULL},
        {"Purchase frequency", "behavior.purchase_frequency", V_DEC2, 0, NULL},
        {"Age range", "demographics.age_range", V_TEXT, 0, NULL},
        {"Gender split", "", V_FN, 0, fn_gender},
        {"Top locations", "demographics.top_locations", V_JOIN, 0, NULL},
        {"Preferred payment", "preferences.preferred_payment", V_TEXT, 0, NULL},
        {"Preferred shipping", "preferences.preferred_shipping", V_TEXT, 0, NULL},
        {"Discount sensitivity", "preferences.discount_sensitivity", V_PCT1, 0, NULL},
        {"Top categories", "", V_FN, 0, fn_categories},
        {"Top items", "top_items", V_JOIN, 0, NULL},
        {"Favourite season", "favourite_season", V_TEXT, 0, NULL},
        {"Favourite colours", "favourite_colors", V_JOIN, 0, NULL},
        {"Colour", "color", V_TEXT, 0, NULL},
        {"Description", "description", V_TEXT, F_WRAP, NULL},
    };
    put_table(x, s, cols, sizeof cols / sizeof *cols, jget(x->doc, "personas"), true);
    set_widths(x, s, sizeof cols / sizeof *cols);
}

/* Adds one sentiment row {level, name, ...} built from src (borrowed). */
static bool add_sent_row(cJSON *rows, const char *level, const cJSON *src)
{
    cJSON *r = cJSON_Duplicate(src, 1);
    if (!r || !cJSON_AddStringToObject(r, "level", level)) {
        cJSON_Delete(r);
        return false;
    }
    cJSON_AddItemToArray(rows, r);
    return true;
}

/* The overall row: the document's names mapped onto the by_category ones. */
static cJSON *sent_overall(const cJSON *se)
{
    cJSON *o = cJSON_CreateObject();
    double v;
    bool ok = o && cJSON_AddStringToObject(o, "name", "All reviews");
    static const char *const map[][2] = {
        {"overall_score", "score"},       {"average_rating", "average_rating"},
        {"total_reviews", "reviews"},     {"distribution.positive", "positive"},
        {"distribution.neutral", "neutral"}, {"distribution.negative", "negative"}};
    for (size_t i = 0; ok && i < sizeof map / sizeof *map; i++)
        if (jnum(se, map[i][0], &v))
            ok = cJSON_AddNumberToObject(o, map[i][1], v) != NULL;
    if (ok && jstr(se, "label"))
        ok = cJSON_AddStringToObject(o, "dominant", jstr(se, "label")) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static void fill_sentiment(xw *x, sheet *s)
{
    static const colspec cols[] = {
        {"Level", "level", V_TEXT, 0, NULL},
        {"Name", "name", V_TEXT, 0, NULL},
        {"Score (0-100)", "score", V_DEC2, 0, NULL},
        {"Average rating", "average_rating", V_DEC2, 0, NULL},
        {"Reviews", "reviews", V_INT, 0, NULL},
        {"Positive", "positive", V_INT, 0, NULL},
        {"Neutral", "neutral", V_INT, 0, NULL},
        {"Negative", "negative", V_INT, 0, NULL},
        {"Dominant", "dominant", V_TEXT, 0, NULL},
    };
    const cJSON *se = jget(x->doc, "sentiment");
    cJSON *rows = cJSON_CreateArray(), *overall = sent_overall(se);
    bool ok = rows && overall && add_sent_row(rows, "Overall", overall);
    cJSON_Delete(overall);
    int ncat = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, jget(se, "by_category"))
    {
        ok = ok && add_sent_row(rows, "Category", e);
        ncat++;
    }
    cJSON_ArrayForEach(e, jget(se, "by_product"))
    {
        ok = ok && add_sent_row(rows, "Product", e);
    }
    if (!ok) {
        cJSON_Delete(rows);
        fail_nomem(x);
        return;
    }
    size_t n = sizeof cols / sizeof *cols;
    table_pos p = put_table(x, s, cols, n, rows, true);
    cJSON_Delete(rows);
    double without = 0;
    if (jnum(se, "without_rating", &without) && without > 0) {
        char note[120];
        snprintf(note, sizeof note, "%.0f purchase lines have no rating and are not counted.",
                 without);
        s->row++;
        put_note(x, s, note);
    }
    set_widths(x, s, n);
    if (ncat == 0)
        return;
    table_pos cat = {p.header, p.first + 1, p.first + (lxw_row_t)ncat, (size_t)ncat};
    lxw_chart *ch = new_chart(x, LXW_CHART_COLUMN_STACKED, "Sentiment by category");
    add_series(x, ch, s, cat, 1, 5, 0x63BE7B);
    add_series(x, ch, s, cat, 1, 6, 0xBFBFBF);
    add_series(x, ch, s, cat, 1, 7, 0xF8696B);
    if (ch)
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    insert_chart(x, s, s->row + 1, 0, ch);
}

static void fill_quality(xw *x, sheet *s)
{
    static const colspec cols[] = {
        {"Column", "name", V_TEXT, 0, NULL},
        {"Field", "field", V_TEXT, 0, NULL},
        {"Type", "type", V_TEXT, 0, NULL},
        {"Missing", "missing", V_INT, 0, NULL},
        {"Missing share", "missing_share", V_PCT1, 0, NULL},
    };
    static const struct {
        const char *label, *path;
        vkind kind;
    } kv[] = {
        {"Rows read", "rows_read", V_INT},
        {"Rows accepted", "rows_accepted", V_INT},
        {"Rows rejected", "rows_rejected", V_INT},
        {"Reject rate", "reject_rate", V_PCT2},
        {"Duplicate rows", "duplicates", V_INT},
        {"Lines without customer", "lines_without_customer", V_INT},
        {"Returns", "returns", V_INT},
        {"Cancelled orders", "cancelled_orders", V_INT},
        {"Input shape", "shape", V_TEXT},
    };
    const cJSON *q = jget(x->doc, "quality");
    static const colspec head[] = {{"Measure", "", V_TEXT, 0, NULL}, {"Value", "", V_TEXT, 0, NULL}};
    put_header(x, s, s->row++, head, 2);
    worksheet_freeze_panes(s->ws, 1, 0);
    for (size_t i = 0; i < sizeof kv / sizeof *kv; i++) {
        const cJSON *v = jget(q, kv[i].path);
        if (!v)
            continue;
        colspec cs = {"", kv[i].path, kv[i].kind, 0, NULL};
        put_str(x, s, s->row, 0, kv[i].label, NULL);
        put_value(x, s, s->row++, 1, &cs, q);
    }
    const cJSON *rej = jget(q, "rejects_by_reason");
    if (cJSON_GetArraySize(rej) > 0) {
        s->row++;
        static const colspec rh[] = {{"Rejected because", "", V_TEXT, 0, NULL},
                                     {"Rows", "", V_TEXT, 0, NULL}};
        put_header(x, s, s->row++, rh, 2);
        const cJSON *e;
        cJSON_ArrayForEach(e, rej)
        {
            put_str(x, s, s->row, 0, e->string, NULL);
            if (cJSON_IsNumber(e))
                put_num(x, s, s->row, 1, e->valuedouble, x->f_int);
            s->row++;
        }
    }
    if (jarr_size(q, "columns") > 0) {
        s->row++;
        table_pos p = put_table(x, s, cols, sizeof cols / sizeof *cols, jget(q, "columns"), false);
        if (x->st == SR_OK)
            lxw_ok(x, s, p.header, 0,
                   worksheet_autofilter(s->ws, p.header, 0, p.rows ? p.last : p.header, 4));
    }
    set_widths(x, s, sizeof cols / sizeof *cols);
}

/* ------------------------------------------------------------ customers.csv */

typedef enum { CT_ID, CT_TEXT, CT_NUM, CT_NUM2, CT_MONEY, CT_PCT, CT_DATE, CT_AUTO } ctype;

/* The columns the pipeline writes (pipeline.h / csvout.c), typed by name. */
static const struct {
    const char *name, *label;
    ctype type;
    unsigned flags;
} KNOWN_COLS[] = {
    {"customer_id", "Customer ID", CT_ID, 0},
    {"first_purchase", "First purchase", CT_DATE, 0},
    {"last_purchase", "Last purchase", CT_DATE, 0},
    {"orders", "Orders", CT_NUM, 0},
    {"lines", "Lines", CT_NUM, 0},
    {"monetary", "Monetary", CT_MONEY, F_DATABAR},
    {"returned", "Returned", CT_MONEY, 0},
    {"return_lines", "Return lines", CT_NUM, 0},
    {"distinct_items", "Distinct items", CT_NUM, 0},
    {"avg_rating", "Avg rating", CT_NUM2, 0},
    {"recency", "Recency (days)", CT_NUM, 0},
    {"frequency", "Frequency", CT_NUM, 0},
    {"r_score", "R score", CT_NUM, F_SCALE3},
    {"f_score", "F score", CT_NUM, F_SCALE3},
    {"m_score", "M score", CT_NUM, F_SCALE3},
    {"rfm_score", "RFM score", CT_NUM, F_SCALE3},
    {"segment", "Segment", CT_TEXT, 0},
    {"cluster", "Cluster", CT_NUM, 0},
    {"tier", "Tier", CT_TEXT, 0},
    {"loyalty_probability", "Loyalty probability", CT_PCT, 0},
    {"churn_probability", "Churn probability", CT_PCT, 0},
    {"risk", "Risk", CT_TEXT, 0},
    {"behavior_score", "Behavior score", CT_NUM2, 0},
};

typedef struct {
    char *name;
    const char *label;
    ctype type;
    unsigned flags;
    bool any, all_num, all_date; /* CT_AUTO: what the values looked like */
    double width;
    lxw_format *fmt;
    char style[24]; /* PASS_XML: ` s="N"` for fmt's style, or "" */
    char ref[4];    /* PASS_XML: column letters */
} ccol;

typedef enum {
    PASS_SCAN,  /* 1: count, type, measure */
    PASS_CELLS, /* 2: rows through libxlsxwriter's cell calls */
    PASS_XML    /* 2: rows of one sheet as XML, for report/xlsxzip.h */
} cpass;

typedef struct {
    xw *x;
    const char *csv;
    ccol *cols;
    size_t ncols, cap;
    size_t rec;   /* records completed (header included) */
    size_t field; /* fields of the current record */
    cpass pass;
    bool typed;
    uint32_t max_rows;
    sheet *sheets;
    size_t nsheets;
    size_t cut_cells, bad_utf8; /* pass 1: text cells cell_text will cut or repair */
    /* PASS_XML */
    size_t from, upto; /* data rows [from, upto) */
    bool stop;
    char rownum[16];   /* Excel row number of the current record */
    bool row_open;
    sr_buf xml;
    xlsxzip_emit_fn emit;
    void *emit_ctx;
    char date_style[24];
} cread;

static void cread_fail(cread *c, sr_status st, const char *what)
{
    if (c->x->st == SR_OK)
        c->x->st = sr_error_set(c->x->err, st, "%s: record %zu: %s", c->csv, c->rec + 1, what);
}

static void header_field(cread *c, const char *s, size_t len)
{
    if (c->ncols >= LXW_COL_MAX) {
        cread_fail(c, SR_EINPUT, "more columns than a sheet holds (16,384)");
        return;
    }
    if (c->ncols == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        ccol *n = realloc(c->cols, cap * sizeof *n);
        if (!n) {
            fail_nomem(c->x);
            return;
        }
        c->cols = n, c->cap = cap;
    }
    if (c->ncols == 0 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3, len -= 3; /* UTF-8 BOM */
    ccol *col = &c->cols[c->ncols];
    memset(col, 0, sizeof *col);
    if (!(col->name = strndup(s, len))) {
        fail_nomem(c->x);
        return;
    }
    c->ncols++;
    col->label = col->name;
    col->type = c->ncols == 1 ? CT_ID : CT_AUTO; /* the first column is the id */
    col->all_num = col->all_date = true;
    for (size_t k = 0; k < sizeof KNOWN_COLS / sizeof *KNOWN_COLS; k++)
        if (strcmp(col->name, KNOWN_COLS[k].name) == 0) {
            col->label = KNOWN_COLS[k].label;
            col->type = KNOWN_COLS[k].type;
            col->flags = KNOWN_COLS[k].flags;
        }
    col->width = text_width(col->label, WIDTH_CAP);
}

/* Whether cell_text will repair (*bad) or cut (*cut) the text s. */
static void text_checks(const char *s, bool *bad, bool *cut)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0;
    bool ascii = true;
    for (; u[n]; n++)
        ascii &= u[n] < 0x80;
    *bad = *cut = false;
    if (ascii) {
        *cut = n > XLSX_MAX_CELL_CHARS;
        return;
    }
    size_t units = 0;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(u + i, n - i);
        *bad |= k == 0;
        units += k ? utf16_units(k) : 1;
        i += k ? k : 1;
    }
    *cut = units > XLSX_MAX_CELL_CHARS;
}

/* Pass 1, one value: widths, the evidence for typing CT_AUTO columns, and
 * the count of texts to cut or repair (a number or a date never is one, so
 * the count is exact whatever the column's type turns out to be). */
static void scan_field(cread *c, const char *s)
{
    ccol *col = &c->cols[c->field];
    if (!*s)
        return;
    bool bad, cut;
    text_checks(s, &bad, &cut);
    c->bad_utf8 += bad;
    c->cut_cells += cut;
    if (col->type == CT_AUTO) {
        col->any = true;
        if (col->all_num && !plain_number(s, true))
            col->all_num = false;
        long d;
        if (col->all_date && !parse_date(s, &d))
            col->all_date = false;
    }
    if (col->width < 40)
        col->width = fmax(col->width, text_width(s, 40));
}

typedef enum { K_TEXT, K_NUMBER, K_DATE } cell_kind;

/* What the non-empty value s becomes in column col: a number (*v), a date
 * (*v = Excel serial day) or text. Both ways of writing rows ask here. */
static cell_kind kind_of(const ccol *col, const char *s, double *v)
{
    switch (col->type) {
    case CT_NUM:
    case CT_NUM2:
    case CT_MONEY:
    case CT_PCT:
        if (plain_number(s, false)) {
            *v = strtod(s, NULL);
            if (isfinite(*v))
                return K_NUMBER;
        }
        break;
    case CT_DATE: {
        long d;
        if (parse_date(s, &d)) {
            *v = excel_serial(d);
            return K_DATE;
        }
        break;
    }
    default: break;
    }
    return K_TEXT;
}

/* PASS_CELLS, one value: the cell. */
static void write_field(cread *c, const char *s)
{
    xw *x = c->x;
    ccol *col = &c->cols[c->field];
    size_t i = c->rec - 1; /* data row */
    sheet *sh = &c->sheets[i / c->max_rows];
    lxw_row_t r = (lxw_row_t)(1 + i % c->max_rows);
    lxw_col_t k = (lxw_col_t)c->field;
    if (!*s)
        return;
    double v;
    cell_kind kind = kind_of(col, s, &v);
    if (kind != K_TEXT) {
        lxw_format *f = kind == K_DATE ? x->f_date : col->fmt;
        lxw_ok(x, sh, r, k, worksheet_write_number(sh->ws, r, k, v, f));
        return;
    }
    char *tmp;
    const char *t = cell_text(x, s, &tmp);
    if (!t) {
        fail_nomem(x);
        return;
    }
    lxw_ok(x, sh, r, k, worksheet_write_string(sh->ws, r, k, t, NULL));
    free(tmp);
}

/* PASS_XML: the shortest decimal that reads back as the double strtod
 * makes of s, a plain_number(s, false): s without its leading zeros and
 * trailing fraction zeros. Longer than 15 digits: as libxlsxwriter prints. */
static void xml_number(sr_buf *b, const char *s)
{
    const char *p = s + (*s == '-'), *dot = strchr(p, '.');
    size_t digits = strlen(p) - (dot != NULL);
    if (digits > 15) {
        sr_buf_printf(b, "%.16G", strtod(s, NULL));
        return;
    }
    const char *end = p + strlen(p);
    if (dot) {
        while (end > dot + 1 && end[-1] == '0')
            end--;
        if (end == dot + 1)
            end = dot;
    }
    while (*p == '0' && p + 1 < end && p[1] != '.')
        p++;
    if (*s == '-')
        sr_buf_putc(b, '-');
    sr_buf_append(b, p, (size_t)(end - p));
}

/* PASS_XML: text as libxlsxwriter 1.1.4 writes an inline string: control
 * characters other than tab and newline as _xHHHH_, then &, <, > escaped;
 * xml:space="preserve" when it starts or ends with white space. */
static void xml_text(sr_buf *b, const char *t)
{
    /* White space that survives the _xHHHH_ escaping (which \v \f \r do not). */
#define KEPT_SPACE(ch) ((ch) == ' ' || (ch) == '\t' || (ch) == '\n')
    size_t n = strlen(t);
    bool preserve = KEPT_SPACE(t[0]) || KEPT_SPACE(t[n - 1]);
#undef KEPT_SPACE
    sr_buf_puts(b, preserve ? " t=\"inlineStr\"><is><t xml:space=\"preserve\">"
                            : " t=\"inlineStr\"><is><t>");
    const char *run = t;
    for (const char *p = t;; p++) {
        unsigned char ch = (unsigned char)*p;
        bool plain = ch && ch != '&' && ch != '<' && ch != '>' &&
                     (ch >= 0x20 || ch == '\t' || ch == '\n');
        if (plain)
            continue;
        sr_buf_append(b, run, (size_t)(p - run));
        if (!ch)
            break;
        if (ch == '&')
            sr_buf_puts(b, "&amp;");
        else if (ch == '<')
            sr_buf_puts(b, "&lt;");
        else if (ch == '>')
            sr_buf_puts(b, "&gt;");
        else
            sr_buf_printf(b, "_x%04X_", ch);
        run = p + 1;
    }
    sr_buf_puts(b, "</t></is></c>");
}

/* PASS_XML: the start of a cell, <c r="B7" s="3" (s only with a style). */
static void xml_cell(cread *c, const ccol *col, const char *style)
{
    if (!c->row_open) {
        sr_buf_puts(&c->xml, "<row r=\"");
        sr_buf_puts(&c->xml, c->rownum);
        sr_buf_puts(&c->xml, "\">");
        c->row_open = true;
    }
    sr_buf_puts(&c->xml, "<c r=\"");
    sr_buf_puts(&c->xml, col->ref);
    sr_buf_puts(&c->xml, c->rownum);
    sr_buf_putc(&c->xml, '"');
    sr_buf_puts(&c->xml, style);
}

/* PASS_XML, one value: the cell write_field() would make, as XML. */
static void xml_field(cread *c, const char *s)
{
    ccol *col = &c->cols[c->field];
    if (!*s)
        return;
    double v;
    cell_kind kind = kind_of(col, s, &v);
    if (kind == K_NUMBER) {
        xml_cell(c, col, col->style);
        sr_buf_puts(&c->xml, "><v>");
        xml_number(&c->xml, s);
        sr_buf_puts(&c->xml, "</v></c>");
        return;
    }
    if (kind == K_DATE) {
        xml_cell(c, col, c->date_style);
        sr_buf_printf(&c->xml, "><v>%ld</v></c>", (long)v);
        return;
    }
    char *tmp;
    const char *t = cell_text(c->x, s, &tmp);
    if (!t) {
        fail_nomem(c->x);
        return;
    }
    xml_cell(c, col, "");
    xml_text(&c->xml, t);
    free(tmp);
}

static void on_field(void *s, size_t len, void *data)
{
    cread *c = data;
    if (c->x->st != SR_OK || c->stop)
        return;
    const char *text = s ? s : "";
    if (c->rec == 0) {
        if (c->pass == PASS_SCAN)
            header_field(c, text, len);
    } else if (c->field < c->ncols) {
        if (c->pass == PASS_CELLS)
            write_field(c, text);
        else if (c->pass == PASS_SCAN)
            scan_field(c, text);
        else if (c->rec - 1 >= c->from)
            xml_field(c, text);
    }
    c->field++;
}

/* PASS_XML, after each record: ends its row, numbers the next one, sends
 * the XML on every 1 MiB and at the end of the sheet. */
static void xml_record(cread *c)
{
    if (c->row_open)
        sr_buf_puts(&c->xml, "</row>");
    c->row_open = false;
    size_t next = c->rec - 1; /* data row of the next record */
    if (next >= c->upto)
        c->stop = true;
    else if (next >= c->from)
        snprintf(c->rownum, sizeof c->rownum, "%zu", next - c->from + 2);
    if (sr_buf_failed(&c->xml)) {
        fail_nomem(c->x);
        return;
    }
    if (c->xml.len >= (1u << 20) || c->stop) {
        if (c->emit(c->emit_ctx, c->xml.data, c->xml.len) != 0 && c->x->st == SR_OK)
            c->x->st = sr_error_set(c->x->err, SR_EIO, "%s: cannot write workbook rows",
                                    c->x->path);
        c->xml.len = 0;
    }
}

static void on_record(int term, void *data)
{
    (void)term;
    cread *c = data;
    if (c->x->st != SR_OK || c->stop)
        return;
    if (c->rec > 0 && c->field != c->ncols) {
        char what[96];
        snprintf(what, sizeof what, "%zu fields, expected %zu as in the header", c->field,
                 c->ncols);
        cread_fail(c, SR_EINPUT, what);
    }
    c->rec++;
    c->field = 0;
    if (c->pass == PASS_XML)
        xml_record(c);
}

/* One streaming pass over the CSV file with libcsv (strict quoting). */
static void csv_pass(cread *c)
{
    xw *x = c->x;
    FILE *fp = fopen(c->csv, "rb");
    if (!fp) {
        x->st = sr_error_set(x->err, SR_EIO, "%s: cannot open: %s", c->csv, strerror(errno));
        return;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(fp);
        fail_nomem(x);
        return;
    }
    c->rec = c->field = 0;
    c->stop = false;
    char buf[1 << 16];
    size_t n;
    while (x->st == SR_OK && !c->stop && (n = fread(buf, 1, sizeof buf, fp)) > 0) {
        if (csv_parse(&p, buf, n, on_field, on_record, c) != n)
            cread_fail(c, SR_EINPUT, csv_strerror(csv_error(&p)));
    }
    if (x->st == SR_OK && ferror(fp))
        x->st = sr_error_set(x->err, SR_EIO, "%s: cannot read: %s", c->csv, strerror(errno));
    if (x->st == SR_OK && !c->stop && csv_fini(&p, on_field, on_record, c) != 0)
        cread_fail(c, SR_EINPUT, csv_strerror(csv_error(&p)));
    csv_free(&p);
    fclose(fp);
    if (x->st == SR_OK && c->rec == 0 && c->pass == PASS_SCAN)
        cread_fail(c, SR_EINPUT, "no header line");
}

/* After pass 1: decide CT_AUTO columns, once. */
static void type_columns(cread *c)
{
    if (c->typed)
        return;
    c->typed = true;
    for (size_t i = 0; i < c->ncols; i++) {
        ccol *col = &c->cols[i];
        if (col->type == CT_AUTO)
            col->type = !col->any ? CT_TEXT : col->all_num ? CT_NUM
                                          : col->all_date  ? CT_DATE
                                                           : CT_TEXT;
        if (col->type == CT_DATE)
            col->width = fmax(col->width, 10);
        if (col->type == CT_MONEY)
            col->width += (double)c->x->money_extra + 1;
        lxw_col_to_name(col->ref, (lxw_col_t)i, LXW_FALSE);
    }
}

/* For each workbook: the columns' formats. */
static void column_formats(cread *c)
{
    xw *x = c->x;
    for (size_t i = 0; i < c->ncols; i++) {
        ccol *col = &c->cols[i];
        col->fmt = col->type == CT_MONEY  ? x->f_money
                   : col->type == CT_NUM2 ? x->f_dec2
                   : col->type == CT_PCT  ? x->f_pct1
                   : col->type == CT_DATE ? x->f_date
                                          : NULL;
    }
}

/* Style indexes of the header and row formats, taken in column order before
 * any row is written, so both ways of writing rows number the styles alike
 * (libxlsxwriter numbers a style when it first writes a cell with it). */
static void style_attr(char *out, size_t n, lxw_format *f)
{
    int32_t xf = f ? lxw_format_get_xf_index(f) : 0;
    if (xf > 0) /* libxlsxwriter writes s only for a style other than 0 */
        snprintf(out, n, " s=\"%d\"", (int)xf);
    else
        out[0] = '\0';
}

static void column_styles(cread *c)
{
    lxw_format_get_xf_index(c->x->f_hdr); /* the header row, written first */
    for (size_t i = 0; i < c->ncols; i++)
        style_attr(c->cols[i].style, sizeof c->cols[i].style, c->cols[i].fmt);
    style_attr(c->date_style, sizeof c->date_style, c->x->f_date);
}

typedef struct {
    cread *c;
    size_t from, rows;
} fill_job;

/* xlsxzip_fill_fn: the data rows of one Customers sheet. */
static int fill_rows(void *ctx, xlsxzip_emit_fn emit, void *emit_ctx)
{
    fill_job *j = ctx;
    cread *c = j->c;
    c->pass = PASS_XML;
    c->from = j->from, c->upto = j->from + j->rows;
    c->emit = emit, c->emit_ctx = emit_ctx;
    c->row_open = false;
    c->xml.len = 0;
    c->x->precounted = true; /* pass 1 counted cut and repaired cells */
    csv_pass(c);
    c->x->precounted = false;
    if (c->x->st == SR_OK && c->rec - 1 < c->upto)
        c->x->st = sr_error_set(c->x->err, SR_EINPUT, "%s: changed while the workbook was written",
                                c->csv);
    return c->x->st == SR_OK ? 0 : -1;
}

/* Header row, freeze, widths, autofilter and conditional formats of one
 * Customers sheet holding `rows` data rows. */
static void customers_frame(xw *x, cread *c, sheet *s, size_t rows)
{
    for (size_t i = 0; i < c->ncols && x->st == SR_OK; i++) {
        lxw_col_t k = (lxw_col_t)i;
        ccol *col = &c->cols[i];
        put_str(x, s, 0, k, col->label, x->f_hdr);
        double w = fmin(fmax(col->width + 2, 8), WIDTH_CAP);
        lxw_ok(x, s, 0, k, worksheet_set_column(s->ws, k, k, w, NULL));
        if (rows && (col->flags & F_DATABAR))
            add_databar(x, s, 1, (lxw_row_t)rows, k, 0x63BE7B);
        if (rows && (col->flags & F_SCALE3))
            add_scale3(x, s, 1, (lxw_row_t)rows, k);
    }
    worksheet_freeze_panes(s->ws, 1, 0);
    if (x->st == SR_OK)
        lxw_ok(x, s, 0, 0, worksheet_repeat_rows(s->ws, 0, 0));
    if (x->st == SR_OK && c->ncols)
        lxw_ok(x, s, 0, 0,
               worksheet_autofilter(s->ws, 0, 0, (lxw_row_t)rows, (lxw_col_t)(c->ncols - 1)));
}

static void cread_free(cread *c)
{
    sr_buf_free(&c->xml);
    for (size_t i = 0; i < c->ncols; i++)
        free(c->cols[i].name);
    free(c->cols);
    free(c->sheets);
}

/* ------------------------------------------------------------ summary */

static void section(xw *x, sheet *s, const char *title)
{
    s->row++; /* a blank row before */
    put_str(x, s, s->row, 0, title, x->f_section);
    for (lxw_col_t c = 1; c < 4; c++)
        put_blank(x, s, s->row, c, x->f_section);
    s->row++;
}

/* Label in A, value from doc[path] in B with the given kind. */
static void kv_row(xw *x, sheet *s, const char *label, const cJSON *obj, const char *path,
                   vkind kind)
{
    const cJSON *v = jget(obj, path);
    if (!v || cJSON_IsNull(v))
        return;
    colspec cs = {label, path, kind, 0, NULL};
    put_str(x, s, s->row, 0, label, NULL);
    put_value(x, s, s->row++, 1, &cs, obj);
}

typedef struct {
    const char *name;
    const char *about;
    const char *skipped;
    bool link;
} index_entry;

static void fill_summary(xw *x, sheet *s, const index_entry *idx, size_t nidx,
                         const sr_buf *notes)
{
    const cJSON *doc = x->doc, *meta = jget(doc, "meta"), *k = jget(doc, "kpis");
    const char *ver = jstr(meta, "version"), *asof = jstr(meta, "as_of");
    put_str(x, s, s->row++, 0, "Customer analytics workbook", x->f_title);
    char sub[200];
    snprintf(sub, sizeof sub, "%s %s, as of %s", jstr(meta, "program") ? jstr(meta, "program") : "shopper-report",
             ver ? ver : "", asof ? asof : "(undated)");
    put_str(x, s, s->row++, 0, sub, x->f_sub);
    s->width[0] = 26; /* title and subtitle overflow into B */

    section(x, s, "Key figures");
    kv_row(x, s, "Customers", k, "customers", V_INT);
    kv_row(x, s, "Orders", k, "orders", V_INT);
    kv_row(x, s, "Purchase lines", k, "lines", V_INT);
    kv_row(x, s, "Revenue", k, "revenue", V_MONEY);
    kv_row(x, s, "Average purchase", k, "avg_purchase", V_MONEY);
    kv_row(x, s, "Revenue per customer", k, "revenue_per_customer", V_MONEY);
    kv_row(x, s, "Average rating", k, "avg_rating", V_DEC2);
    kv_row(x, s, "Subscription share", k, "subscription_share", V_PCT1);
    kv_row(x, s, "First purchase", k, "first_date", V_DATE);
    kv_row(x, s, "Last purchase", k, "last_date", V_DATE);

    section(x, s, "Run");
    if (asof)
        kv_row(x, s, "As-of date", meta, "as_of", V_DATE);
    else {
        put_str(x, s, s->row, 0, "As-of date", NULL);
        put_str(x, s, s->row++, 1, "undated", NULL);
    }
    kv_row(x, s, "Program", meta, "program", V_TEXT);
    kv_row(x, s, "Version", meta, "version", V_TEXT);
    kv_row(x, s, "Seed", meta, "seed", V_NUM);
    kv_row(x, s, "Input shape", meta, "shape", V_TEXT);
    kv_row(x, s, "Currency", meta, "currency", V_TEXT);
    kv_row(x, s, "RFM method", doc, "rfm.method", V_TEXT);

    if (jarr_size(meta, "inputs") > 0) {
        section(x, s, "Inputs");
        static const colspec in[] = {
            {"File", "name", V_TEXT, 0, NULL},
            {"Rows", "rows", V_INT, 0, NULL},
            {"Accepted", "rows_accepted", V_INT, 0, NULL},
            {"SHA-256", "sha256", V_TEXT, 0, NULL},
        };
        put_table(x, s, in, 4, jget(meta, "inputs"), false);
    }

    section(x, s, "Sheets");
    for (size_t i = 0; i < nidx; i++) {
        if (idx[i].link)
            put_link(x, s, s->row, 0, idx[i].name);
        else
            put_str(x, s, s->row, 0, idx[i].name, NULL);
        if (idx[i].skipped) {
            char t[300];
            snprintf(t, sizeof t, "skipped: %s", idx[i].skipped);
            put_str(x, s, s->row, 1, t, NULL);
        } else {
            put_str(x, s, s->row, 1, idx[i].about, NULL);
        }
        s->row++;
    }

    if (notes->len) {
        section(x, s, "Notes");
        const char *p = sr_buf_str(notes);
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            char *line = strndup(p, n);
            if (!line) {
                fail_nomem(x);
                break;
            }
            put_str(x, s, s->row++, 0, line, NULL);
            free(line);
            p += n + (nl ? 1 : 0);
        }
    }

    const cJSON *settings = jget(meta, "settings");
    if (cJSON_GetArraySize(settings) > 0) {
        section(x, s, "Settings");
        const cJSON *sec, *kv;
        cJSON_ArrayForEach(sec, settings)
        {
            cJSON_ArrayForEach(kv, sec)
            {
                char key[160];
                snprintf(key, sizeof key, "%s.%s", sec->string, kv->string);
                put_str(x, s, s->row, 0, key, NULL);
                if (cJSON_IsNumber(kv))
                    put_num(x, s, s->row, 1, kv->valuedouble, NULL);
                else if (cJSON_IsString(kv))
                    put_str(x, s, s->row, 1, kv->valuestring, NULL);
                else if (cJSON_IsBool(kv))
                    put_str(x, s, s->row, 1, cJSON_IsTrue(kv) ? "true" : "false", NULL);
                s->row++;
            }
        }
    }
    /* Column B holds long sentences (notes, descriptions): cap it so the
     * inputs table stays readable. */
    if (s->width[1] > 48)
        s->width[1] = 48;
    set_widths(x, s, 4);
    worksheet_activate(s->ws);
}

/* ------------------------------------------------------------ plan */

/* Decides which optional sheets exist and what the index says about them. */
static void plan_sheets(const cJSON *doc, sheet_plan *pl)
{
    memset(pl, 0, SH_COUNT * sizeof *pl);
    const char *why;
    int n;
    if ((n = jarr_size(doc, "segments")) > 0) {
        pl[SH_SEGMENTS].present = true;
        snprintf(pl[SH_SEGMENTS].about, sizeof pl->about, "%d RFM segments, with charts", n);
    } else if (jskipped(jget(doc, "rfm"), &why)) {
        pl[SH_SEGMENTS].skipped = why;
    }
    const cJSON *cl = jget(doc, "clusters");
    if (jskipped(cl, &why))
        pl[SH_CLUSTERS].skipped = why;
    else if ((n = jarr_size(cl, "items")) > 0) {
        pl[SH_CLUSTERS].present = true;
        snprintf(pl[SH_CLUSTERS].about, sizeof pl->about,
                 "%d k-means clusters, k selection and elbow curve", n);
    }
    static const char *const lv[2] = {"product", "attributes"};
    for (int l = 0; l < 2; l++) {
        const cJSON *a = jget(jget(doc, "affinity"), lv[l]);
        sheet_plan *p = &pl[SH_PRODUCT_RULES + l];
        if (jskipped(a, &why))
            p->skipped = why;
        else if ((n = jarr_size(a, "rules")) > 0) {
            p->present = true;
            snprintf(p->about, sizeof p->about, "%s association rules (top %d by lift)",
                     l ? "Attribute" : "Product", n);
        }
    }
    int nb = jarr_size(jget(doc, "affinity.product"), "bundles") +
             jarr_size(jget(doc, "affinity.attributes"), "bundles");
    if (nb > 0) {
        pl[SH_BUNDLES].present = true;
        snprintf(pl[SH_BUNDLES].about, sizeof pl->about, "%d bundles", nb);
    }
    if ((n = cJSON_GetArraySize(jget(doc, "affinity.product.also_bought"))) > 0) {
        pl[SH_ALSO_BOUGHT].present = true;
        snprintf(pl[SH_ALSO_BOUGHT].about, sizeof pl->about, "\"Also bought\" lists for %d products", n);
    }
    if ((n = jarr_size(doc, "recommendations")) > 0) {
        pl[SH_RECOMMENDATIONS].present = true;
        snprintf(pl[SH_RECOMMENDATIONS].about, sizeof pl->about, "%d recommendations", n);
    }
    if ((n = jarr_size(doc, "personas")) > 0) {
        pl[SH_PERSONAS].present = true;
        snprintf(pl[SH_PERSONAS].about, sizeof pl->about, "%d personas", n);
    }
    const cJSON *se = jget(doc, "sentiment");
    if (jskipped(se, &why))
        pl[SH_SENTIMENT].skipped = why;
    else if (cJSON_IsObject(se)) {
        pl[SH_SENTIMENT].present = true;
        snprintf(pl[SH_SENTIMENT].about, sizeof pl->about,
                 "Review sentiment: overall, %d categories, %d products, with chart",
                 jarr_size(se, "by_category"), jarr_size(se, "by_product"));
    }
}

/* ------------------------------------------------------------ formats */

static lxw_format *fmt_new(xw *x, const char *num)
{
    lxw_format *f = x->st == SR_OK ? workbook_add_format(x->wb) : NULL;
    if (!f) {
        fail_nomem(x);
        return NULL;
    }
    if (num)
        format_set_num_format(f, num);
    /* top-aligned, so a row made taller by wrapped text reads as one line */
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

static void make_formats(xw *x)
{
    /* Currency: the symbol as a quoted literal before the number. Quotes
     * and backslashes cannot appear inside an Excel literal: dropped. */
    const char *cur = jstr(x->doc, "meta.currency");
    if (!cur)
        cur = jstr(x->doc, "meta.settings.report.currency");
    if (!cur)
        cur = "$";
    char lit[32] = "", money[64];
    size_t n = 0;
    for (const char *p = cur; *p && n + 1 < sizeof lit; p++)
        if (*p != '"' && *p != '\\')
            lit[n++] = *p;
    lit[n] = '\0';
    x->money_extra = (size_t)text_width(lit, 16);
    if (n)
        snprintf(money, sizeof money, "\"%s\"#,##0.00", lit);
    else
        snprintf(money, sizeof money, "#,##0.00");
    x->f_money = fmt_new(x, money);
    x->f_pct1 = fmt_new(x, "0.0%");
    x->f_pct2 = fmt_new(x, "0.00%");
    x->f_dec2 = fmt_new(x, "#,##0.00");
    x->f_dec4 = fmt_new(x, "0.0000");
    x->f_int = fmt_new(x, "#,##0");
    x->f_date = fmt_new(x, "yyyy-mm-dd");
    x->f_text = fmt_new(x, NULL);
    if ((x->f_hdr = fmt_new(x, NULL))) {
        format_set_bold(x->f_hdr);
        format_set_bg_color(x->f_hdr, 0xE5E7EB);
        format_set_bottom(x->f_hdr, LXW_BORDER_THIN);
    }
    if ((x->f_title = fmt_new(x, NULL))) {
        format_set_bold(x->f_title);
        format_set_font_size(x->f_title, 16);
    }
    if ((x->f_sub = fmt_new(x, NULL)))
        format_set_font_color(x->f_sub, 0x6B7280);
    if ((x->f_section = fmt_new(x, NULL))) {
        format_set_bold(x->f_section);
        format_set_font_color(x->f_section, 0xFFFFFF);
        format_set_bg_color(x->f_section, 0x475569);
    }
    if ((x->f_wrap = fmt_new(x, NULL))) {
        format_set_text_wrap(x->f_wrap);
        format_set_align(x->f_wrap, LXW_ALIGN_VERTICAL_TOP);
    }
    if ((x->f_note = fmt_new(x, NULL))) {
        format_set_italic(x->f_note);
        format_set_font_color(x->f_note, 0x6B7280);
    }
}

/* meta.as_of at 00:00 UTC as time_t; undated: 1980-01-01, the zip entries' date. */
static time_t created_time(const cJSON *doc)
{
    const char *a = jstr(doc, "meta.as_of");
    long days;
    if (!a || !parse_date(a, &days))
        days = days_from_civil(1980, 1, 1);
    return (time_t)days * 86400;
}

/* Removes what a failed write left at path, if it is a regular file (never
 * a device such as /dev/full given as the output). */
static void remove_partial(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        unlink(path);
}

/* ------------------------------------------------------------ entry points */

void xlsx_options_init(xlsx_options *o)
{
    memset(o, 0, sizeof *o);
    o->constant_memory = true;
}

sr_status xlsx_write(const cJSON *doc, const char *customers_csv, const char *path,
                     sr_error *err)
{
    return xlsx_write_opt(doc, customers_csv, path, NULL, NULL, err);
}

static lxw_worksheet *add_sheet(xw *x, const char *name)
{
    if (x->st != SR_OK)
        return NULL;
    lxw_error e = workbook_validate_sheet_name(x->wb, name);
    if (e != LXW_NO_ERROR) {
        x->st = sr_error_set(x->err, SR_EIO, "%s: sheet name '%s': %s", x->path, name,
                             lxw_strerror(e));
        return NULL;
    }
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (ws) {
        /* Printing: landscape, one page wide (except the long Customers
         * tables, which would shrink to nothing), header repeated. */
        worksheet_set_landscape(ws);
        worksheet_set_paper(ws, 9); /* A4 */
        if (strncmp(name, "Customers", 9) != 0)
            worksheet_fit_to_pages(ws, 1, 0);
    }
    if (!ws)
        x->st = sr_error_set(x->err, SR_EIO,
                             "%s: cannot add sheet '%s' (out of memory, or no temporary file "
                             "in %s)",
                             x->path, name, x->tmpdir ? x->tmpdir : "the temporary folder");
    else
        x->stats.sheets++;
    return ws;
}

/* One attempt at the whole workbook, after pass 1 (cr typed and counted).
 * fast: the customer rows go through report/xlsxzip.h fillers. Sets *retry
 * when the fast way failed for want of xlsxzip (not for bad input), so the
 * caller can write the workbook again with the rows as cells. */
static sr_status build(xw *x, cread *cr, size_t ncust, const xlsx_options *opt, bool fast,
                       bool *retry)
{
    const cJSON *doc = x->doc;
    const char *path = x->path;
    sr_error *err = x->err;
    *retry = false;
    sheet_plan pl[SH_COUNT];
    plan_sheets(doc, pl);

    char *tmpdir = NULL;
    if (!opt->tmpdir) {
        const char *slash = strrchr(path, '/');
        tmpdir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
        if (!tmpdir)
            return sr_error_set(err, SR_ENOMEM, "out of memory");
    }
    x->tmpdir = opt->tmpdir ? opt->tmpdir : tmpdir;
    lxw_workbook_options wo = {opt->constant_memory ? LXW_TRUE : LXW_FALSE, (char *)x->tmpdir,
                               LXW_TRUE};
    x->wb = workbook_new_opt(path, &wo);
    free(cr->sheets);
    cr->sheets = calloc(cr->nsheets, sizeof *cr->sheets);
    sheet summary = {0}, quality = {0}, opt_sheets[SH_COUNT];
    memset(opt_sheets, 0, sizeof opt_sheets);
    index_entry *idx = calloc(cr->nsheets + SH_COUNT + 2, sizeof *idx);
    char (*cnames)[48] = calloc(cr->nsheets, sizeof *cnames);
    fill_job *jobs = calloc(cr->nsheets, sizeof *jobs);
    sr_buf notes = SR_BUF_INIT;
    if (!x->wb || !cr->sheets || !idx || !cnames || !jobs)
        fail_nomem(x);
    if (x->st == SR_OK) {
        lxw_doc_properties props;
        memset(&props, 0, sizeof props);
        props.title = "Customer analytics workbook";
        props.author = "shopper-report";
        props.comments = "Written by shopper-report from report.json and customers.csv";
        props.created = created_time(doc);
        lxw_error e = workbook_set_properties(x->wb, &props);
        if (e != LXW_NO_ERROR)
            x->st = sr_error_set(err, SR_EIO, "%s: document properties: %s", path, lxw_strerror(e));
        make_formats(x);
    }

    /* Sheets in tab order. */
    size_t nidx = 0;
    summary.name = "Summary";
    summary.ws = add_sheet(x, summary.name);
    for (size_t i = 0; i < cr->nsheets && x->st == SR_OK; i++) {
        if (i == 0)
            snprintf(cnames[i], sizeof cnames[i], "Customers");
        else
            snprintf(cnames[i], sizeof cnames[i], "Customers (%zu)", i + 1);
        cr->sheets[i].name = cnames[i];
        cr->sheets[i].ws = add_sheet(x, cnames[i]);
        idx[nidx].name = cnames[i];
        idx[nidx++].link = true; /* .about is filled with the rows below */
    }
    for (int i = 0; i < SH_COUNT && x->st == SR_OK; i++) {
        if (pl[i].present) {
            opt_sheets[i].name = SHEET_NAMES[i];
            opt_sheets[i].ws = add_sheet(x, SHEET_NAMES[i]);
        }
        if (pl[i].present || pl[i].skipped) {
            idx[nidx].name = SHEET_NAMES[i];
            idx[nidx].link = pl[i].present;
            idx[nidx].skipped = pl[i].skipped;
            idx[nidx++].about = pl[i].about;
        }
    }
    quality.name = "Data Quality";
    quality.ws = add_sheet(x, quality.name);
    idx[nidx].name = quality.name;
    idx[nidx].link = true;
    idx[nidx++].about = "Rows read and rejected, missing values, column types";

    /* 2. fill */
    char (*cabout)[96] = x->st == SR_OK ? calloc(cr->nsheets, sizeof *cabout) : NULL;
    if (x->st == SR_OK && !cabout)
        fail_nomem(x);
    if (x->st == SR_OK) {
        type_columns(cr);
        column_formats(cr);
        for (size_t i = 0; i < cr->nsheets; i++) {
            size_t from = i * cr->max_rows,
                   rows = ncust - from < cr->max_rows ? ncust - from : cr->max_rows;
            if (!ncust)
                rows = 0;
            customers_frame(x, cr, &cr->sheets[i], rows);
            if (rows)
                snprintf(cabout[i], sizeof cabout[i], "Customers %zu to %zu: scores, segment, attributes",
                         from + 1, from + rows);
            else
                snprintf(cabout[i], sizeof cabout[i], "No customers");
            idx[i].about = cabout[i];
            jobs[i].c = cr, jobs[i].from = from, jobs[i].rows = rows;
        }
        column_styles(cr);
        if (x->cust_csv && ncust && fast) {
            /* The rows are written when libxlsxwriter zips each sheet. */
            for (size_t i = 0; i < cr->nsheets && x->st == SR_OK; i++) {
                char part[64], dim[48], last[16];
                lxw_rowcol_to_cell(last, (lxw_row_t)jobs[i].rows, (lxw_col_t)(cr->ncols - 1));
                snprintf(part, sizeof part, "xl/worksheets/sheet%u.xml",
                         (unsigned)cr->sheets[i].ws->index + 1);
                snprintf(dim, sizeof dim, "A1:%s", last);
                if (!xlsxzip_add_filler(part, dim, fill_rows, &jobs[i]))
                    *retry = true, x->st = SR_EIO;
            }
            x->stats.truncated_cells = cr->cut_cells;
            x->stats.invalid_utf8 = cr->bad_utf8;
        } else if (x->cust_csv && ncust) {
            cr->pass = PASS_CELLS;
            csv_pass(cr);
            if (x->st == SR_OK && cr->rec - 1 != ncust)
                x->st = sr_error_set(err, SR_EINPUT, "%s: changed while the workbook was written",
                                     x->cust_csv);
        }
        if (!x->cust_csv) {
            sheet *s = &cr->sheets[0];
            put_str(x, s, 0, 0, "Customer ID", x->f_hdr);
            s->row = 1;
            put_note(x, s, "customers.csv was not available: no customer rows.");
        }
    }
    typedef void (*fill_fn)(xw *, sheet *);
    static const fill_fn FILL[SH_COUNT] = {fill_segments,      fill_clusters,  NULL, NULL,
                                           fill_bundles,       fill_also_bought,
                                           fill_recommendations, fill_personas, fill_sentiment};
    for (int i = 0; i < SH_COUNT && x->st == SR_OK; i++) {
        if (!pl[i].present)
            continue;
        if (i == SH_PRODUCT_RULES || i == SH_ATTRIBUTE_RULES)
            fill_rules(x, &opt_sheets[i], i == SH_PRODUCT_RULES ? "product" : "attributes");
        else
            FILL[i](x, &opt_sheets[i]);
    }
    if (x->st == SR_OK)
        fill_quality(x, &quality);
    x->stats.customers = ncust;
    x->stats.customer_sheets = cr->nsheets;
    if (cr->nsheets > 1)
        sr_buf_printf(&notes,
                      "%zu customers do not fit on one sheet (at most %lu rows under the header): "
                      "they continue on %s to %s.\n",
                      ncust, (unsigned long)cr->max_rows, cnames[1], cnames[cr->nsheets - 1]);
    if (x->stats.truncated_cells)
        sr_buf_printf(&notes,
                      "%zu cells held more than %u characters (Excel's limit) and were cut; "
                      "they end with \"%s\".\n",
                      x->stats.truncated_cells, XLSX_MAX_CELL_CHARS, XLSX_TRUNCATED_MARKER);
    if (x->stats.invalid_utf8)
        sr_buf_printf(&notes, "%zu cells held invalid UTF-8, replaced by \xEF\xBF\xBD.\n",
                      x->stats.invalid_utf8);
    if (sr_buf_failed(&notes))
        fail_nomem(x);
    if (x->st == SR_OK)
        fill_summary(x, &summary, idx, nidx, &notes);

    /* 3. close */
    sr_status st = x->st;
    if (st == SR_OK) {
        xlsxzip_stats z0 = xlsxzip_get_stats();
        lxw_error e = workbook_close(x->wb);
        xlsxzip_stats z1 = xlsxzip_get_stats();
        size_t refused;
        size_t filled = xlsxzip_clear_fillers(&refused);
        x->stats.zip_parts = (size_t)(z1.parts - z0.parts);
        x->stats.zip_large_parts = (size_t)(z1.large_parts - z0.large_parts);
        st = x->st; /* a filler's own failure (bad customers.csv) comes first */
        if (st == SR_OK && e != LXW_NO_ERROR)
            st = sr_error_set(err, SR_EIO, "%s: cannot write workbook: %s", path, lxw_strerror(e));
        /* Retry with cells when xlsxzip was bypassed (closed fine, rows
         * missing) or refused a sheet; not for a plain write failure. */
        if (fast && x->st == SR_OK &&
            ((e == LXW_NO_ERROR && filled != (ncust ? cr->nsheets : 0)) || refused))
            *retry = true;
        x->stats.streamed_sheets = filled;
        if (*retry && st == SR_OK)
            st = SR_EIO;
    } else {
        xlsxzip_clear_fillers(NULL);
        if (x->wb)
            lxw_workbook_free(x->wb);
    }
    if (st != SR_OK)
        remove_partial(path);
    sr_buf_free(&notes);
    free(cabout);
    free(jobs);
    free(cnames);
    free(idx);
    free(tmpdir);
    return st;
}

sr_status xlsx_write_opt(const cJSON *doc, const char *customers_csv, const char *path,
                         const xlsx_options *opt, xlsx_stats *stats, sr_error *err)
{
    if (!doc || !path)
        return sr_error_set(err, SR_EUSAGE, "xlsx_write: no document or path");
    xlsx_options defaults;
    if (!opt) {
        xlsx_options_init(&defaults);
        opt = &defaults;
    }
    xw xs;
    memset(&xs, 0, sizeof xs);
    xs.doc = doc, xs.path = path, xs.err = err, xs.cust_csv = customers_csv;
    cread cr;
    memset(&cr, 0, sizeof cr);
    cr.x = &xs;
    cr.csv = customers_csv;
    cr.max_rows = opt->max_rows ? opt->max_rows : XLSX_MAX_DATA_ROWS;
    if (cr.max_rows > XLSX_MAX_DATA_ROWS)
        cr.max_rows = XLSX_MAX_DATA_ROWS;

    /* 1. plan */
    size_t ncust = 0;
    if (customers_csv) {
        cr.pass = PASS_SCAN;
        csv_pass(&cr);
        if (xs.st != SR_OK) {
            cread_free(&cr);
            return xs.st;
        }
        ncust = cr.rec - 1;
    }
    cr.nsheets = ncust ? (ncust + cr.max_rows - 1) / cr.max_rows : 1;

    bool retry;
    /* Fillers write inline strings, as constant_memory mode does; normal
     * mode (benchmarks only) keeps its shared strings. */
    sr_status st = build(&xs, &cr, ncust, opt, !opt->cell_rows && opt->constant_memory, &retry);
    if (retry) { /* xlsxzip could not take the rows: write them as cells */
        memset(&xs, 0, sizeof xs);
        xs.doc = doc, xs.path = path, xs.err = err, xs.cust_csv = customers_csv;
        xs.stats.cell_rows_retry = true;
        st = build(&xs, &cr, ncust, opt, false, &retry);
    }
    if (st == SR_OK && stats)
        *stats = xs.stats;
    cread_free(&cr);
    return st;
}
