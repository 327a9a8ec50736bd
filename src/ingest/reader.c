/*
 * reader.c - streaming CSV ingest with libcsv; see reader.h for the contract.
 *
 * Flow per file:
 *   1. read the first chunk; skip a UTF-8 BOM; detect the delimiter from the
 *      header line (the most frequent of , ; TAB outside quotes);
 *   2. pre-scan the chunk with a throw-away parser: the header gives the
 *      schema, the first 1,000 values of the date column give the day/month
 *      order of slash dates;
 *   3. parse the whole file in a two-stage pipeline:
 *      - the tokenizer (a worker thread) reads 4 MiB chunks and runs
 *        libcsv one physical line per csv_parse() call.
 *        When libcsv is between records as a line starts (pstate 0, libcsv's
 *        ROW_NOT_BEGUN) that line starts a record, which gives the first line
 *        number and the raw bytes [rec_start, line end) of every record. It
 *        writes what libcsv reports into a batch: the bytes of every field
 *        (copied, NUL-terminated) and one event per record (line, raw text
 *        without its line break, the 64-bit duplicate hash of that text, how
 *        many of the fields before it belong to it) or per strict-mode
 *        quoting error;
 *      - the converter (the calling thread) replays each batch in order: the
 *        field logic (trim, value cache, number/date parsing, interning) into
 *        a staging row, then the record logic (field count, required values,
 *        commit or reject). It is the only side that touches the dataset, the
 *        rejects file and the callbacks, so results do not depend on the
 *        threads: the converter sees exactly the callback sequence that one
 *        thread running libcsv directly would see.
 *      NBATCH batches circulate between the two (a ring; a mutex and two
 *      condition variables), so memory in flight is bounded by NBATCH x about
 *      BATCH_TEXT bytes (a single record larger than that makes its batch
 *      grow to hold it). An error on either side becomes a status: the
 *      converter stops the tokenizer through `abort`, the tokenizer ends its
 *      last batch; its status is reported after the converter has converted
 *      the records before it (as a single thread would). When no thread can
 *      be started, or opt->threads == 1, the tokenizer hands each full batch
 *      to the converter directly on the calling thread.
 *      The SHA-256 of the file is computed from the bytes the tokenizer read
 *      (pipes too, no second read), by whichever thread has time (see the
 *      pipeline struct below).
 *   4. duplicate rows: the converter appends the hash of every accepted row
 *      to ds->dup; at the end of the file the new hashes are sorted (in-place
 *      MSD radix sort), deduplicated and merged into the sorted distinct
 *      hashes of the earlier files. Duplicates = rows whose hash was already
 *      present = the count of hashes dropped. This is the same count a hash
 *      set probed row by row gives, without a cache miss per row, and the
 *      array (8 bytes per distinct row) is smaller than the set was.
 *   5. the raw text of a record still open at the end of the input is taken
 *      from the current buffer (the old code could point into a buffer that
 *      a refill had moved or freed, and wrote an empty raw text).
 * libcsv runs with CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL. A strict
 * parse error rejects the record and restarts the parser at the next line.
 */
#include "ingest/reader.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "ingest/values.h"
#include "util/sha256.h"
#include "util/utf8.h"

#define CHUNK (4u << 20)
#define PRESCAN_ROWS 1000
#define CACHE_MAX 48
#define CSV_OPTS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)
#define NBATCH 3                 /* batches in flight between the two stages */
#define BATCH_TEXT (1u << 20)    /* a batch is handed over once its text reaches this */
#define BATCH_EVENTS 16384       /* ... or it holds this many events */
#define HASH_JOB (256u << 10) /* bytes per checksum job */
#define NHASH 4                 /* checksum jobs in flight (a short tail to finish) */
#define DUP_SEED 0x5eed

/* ---------- input source: a FILE or a memory buffer ---------- */

typedef struct {
    FILE *fp;
    const char *mem;
    size_t mem_len, mem_pos;
    uint64_t total; /* size when known, for progress */
} source;

static size_t source_read(source *src, char *dst, size_t n)
{
    if (src->fp)
        return fread(dst, 1, n, src->fp);
    size_t left = src->mem_len - src->mem_pos;
    if (n > left)
        n = left;
    memcpy(dst, src->mem + src->mem_pos, n);
    src->mem_pos += n;
    return n;
}

/* ---------- rejects ---------- */

/* Writes one CSV field quoted when needed (RFC 4180). */
static void put_csv_field(FILE *fp, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, n, fp);
        return;
    }
    fputc('"', fp);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', fp);
        fputc(s[i], fp);
    }
    fputc('"', fp);
}

sr_status sr_rejects_close(sr_rejects *rej, sr_error *err)
{
    if (!rej || !rej->fp)
        return rej ? rej->status : SR_OK;
    bool bad = fflush(rej->fp) != 0 || ferror(rej->fp);
    bad |= fclose(rej->fp) != 0;
    rej->fp = NULL;
    if (bad || rej->status != SR_OK)
        return sr_error_set(err, SR_EIO, "%s: cannot write: %s", rej->path, strerror(errno));
    return SR_OK;
}

/* ---------- batches: what the tokenizer hands to the converter ---------- */

typedef struct {
    size_t off, len; /* bytes in batch.text */
} span;

typedef enum {
    EV_RECORD,       /* libcsv's record callback */
    EV_QUOTING,      /* strict-mode error inside the file: reject, parser restarted */
    EV_QUOTING_EOF,  /* csv_fini failed: a quoted field still open at the end */
    EV_FIELDS        /* only the fields before it (nothing followed them) */
} ev_kind;

typedef struct {
    ev_kind kind;
    size_t nfields;  /* fields (in order, after the previous event's) delivered before it */
    uint64_t line;   /* first physical line of the record */
    uint64_t hash;   /* EV_RECORD: duplicate hash of the raw text */
    span raw;        /* raw record text without its final line break */
} event;

typedef struct {
    char *text;      /* field bytes (each followed by a NUL) and raw record text */
    size_t text_len, text_cap;
    span *fields;
    size_t nfields, fields_cap;
    event *ev;
    size_t nev, ev_cap;
    bool last;       /* the tokenizer's final batch */
    bool progress;   /* report progress `done` once converted */
    uint64_t done;
} batch;

static void batch_clear(batch *b)
{
    b->text_len = b->nfields = b->nev = 0;
    b->last = b->progress = false;
    b->done = 0;
}

static void batch_free(batch *b)
{
    free(b->text);
    free(b->fields);
    free(b->ev);
}

/* Makes room for `text` more bytes, `fields` more fields and `events` more
 * events (growth by 1.5x from a first size that fits a normal batch). */
static bool batch_reserve(batch *b, size_t text, size_t fields, size_t events)
{
    if (text > b->text_cap - b->text_len) {
        if (text > SIZE_MAX / 2 - b->text_len)
            return false;
        size_t need = b->text_len + text;
        size_t cap = b->text_cap ? b->text_cap + b->text_cap / 2 : BATCH_TEXT + (BATCH_TEXT >> 2);
        if (cap < need)
            cap = need;
        char *p = realloc(b->text, cap);
        if (!p)
            return false;
        b->text = p;
        b->text_cap = cap;
    }
    if (fields > b->fields_cap - b->nfields) {
        size_t need = b->nfields + fields;
        size_t cap = b->fields_cap ? b->fields_cap + b->fields_cap / 2 : 8 * BATCH_EVENTS;
        if (cap < need)
            cap = need;
        if (cap > SIZE_MAX / sizeof *b->fields)
            return false;
        span *p = realloc(b->fields, cap * sizeof *p);
        if (!p)
            return false;
        b->fields = p;
        b->fields_cap = cap;
    }
    if (events > b->ev_cap - b->nev) {
        size_t cap = b->ev_cap ? b->ev_cap + b->ev_cap / 2 : BATCH_EVENTS + 1;
        event *p = realloc(b->ev, cap * sizeof *p);
        if (!p)
            return false;
        b->ev = p;
        b->ev_cap = cap;
    }
    return true;
}

/* ---------- converter: fields -> staging row -> dataset ---------- */

typedef struct {
    sr_dataset *ds;
    const sr_ingest_options *opt;
    sr_error *err;
    sr_status status;       /* first fatal error */
    const char *path;
    uint64_t total;         /* input size when known, for progress */
    sr_input_file *file;
    size_t fcols;           /* columns in this file */
    int map[256];           /* file column -> dataset column */
    sr_date_order order;
    unsigned warnings;
    bool header_seen;

    /* the event being converted */
    uint64_t rec_line;      /* first line of the current record */
    const char *raw;        /* its raw text, without the final line break */
    size_t raw_len;

    /* staging row */
    size_t nfields;
    double *num;
    uint32_t *id;
    unsigned char *empty;
    int64_t ts;
    int bad_col;
    sr_reject_reason bad_reason;
    char bad_value[64];

    /* Last good value per column: consecutive lines of an export repeat
     * invoice, date, customer and country, so most fields skip parsing
     * and hashing. cache_len[c] = 0xff means empty. */
    char (*cache_text)[CACHE_MAX];
    unsigned char *cache_len;
    double *cache_num;
    uint32_t *cache_id;
    int64_t cache_ts;
    uint64_t transcoded;    /* this file's values read as Windows-1252 */
} reader;

static bool is_truthy(const char *s)
{
    return strcmp(s, "Yes") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "YES") == 0 ||
           strcmp(s, "Y") == 0 || strcmp(s, "y") == 0 || strcmp(s, "True") == 0 ||
           strcmp(s, "true") == 0 || strcmp(s, "TRUE") == 0 || strcmp(s, "1") == 0;
}

static void fail(reader *r, sr_status st)
{
    if (r->status == SR_OK) {
        r->status = st;
        sr_error_set(r->err, st, "%s:%llu: %s", r->path, (unsigned long long)r->rec_line,
                     sr_strerror(st));
    }
}

static void stage_reset(reader *r)
{
    r->nfields = 0;
    r->bad_col = -1;
    r->ts = INT64_MIN;
}

static void mark_bad(reader *r, int col, sr_reject_reason why, const char *s, size_t n)
{
    if (r->bad_col >= 0)
        return;
    r->bad_col = col;
    r->bad_reason = why;
    if (n > sizeof r->bad_value - 4) {
        memcpy(r->bad_value, s, sizeof r->bad_value - 4);
        memcpy(r->bad_value + sizeof r->bad_value - 4, "...", 4);
    } else {
        memcpy(r->bad_value, s, n);
        r->bad_value[n] = '\0';
    }
}

/* Interns a text value; one that is not valid UTF-8 is read as
 * Windows-1252 and converted first (counted in ds->transcoded). */
static sr_status intern_text(reader *r, const char *s, size_t n, uint32_t *id)
{
    if (sr_utf8_valid(s, n))
        return sr_pool_intern(r->ds->pool, s, n, id);
    char small[768];
    char *buf = n * 3 <= sizeof small ? small : malloc(n * 3);
    if (!buf)
        return SR_ENOMEM;
    size_t len = sr_cp1252_to_utf8(s, n, buf);
    sr_status st = sr_pool_intern(r->ds->pool, buf, len, id);
    if (buf != small)
        free(buf);
    r->ds->transcoded++;
    r->transcoded++;
    return st;
}

/* Converts one field value (libcsv's field callback, replayed) into the
 * staging row. s holds n bytes followed by a NUL. */
static void conv_field(reader *r, const char *s, size_t n)
{
    size_t fc = r->nfields++;
    if (r->status != SR_OK || !r->header_seen || fc >= r->fcols)
        return;
    int c = r->map[fc];
    sr_column *col = &r->ds->cols[c];
    sr_trim(&s, &n);
    r->empty[c] = n == 0;
    r->num[c] = NAN;
    r->id[c] = SR_NONE;
    if (n == 0)
        return;
    unsigned char cl = r->cache_len[c];
    if (cl <= CACHE_MAX && cl == n && memcmp(r->cache_text[c], s, n) == 0) {
        r->num[c] = r->cache_num[c];
        r->id[c] = r->cache_id[c];
        if (col->role == SR_F_DATE)
            r->ts = r->cache_ts;
        return;
    }
    sr_status st = SR_OK;
    bool good = true;
    switch (col->role) {
    case SR_F_CUSTOMER:
        st = intern_text(r, s, sr_normalize_id(s, n), &r->id[c]);
        break;
    case SR_F_DATE:
        if (!sr_parse_date(s, n, r->order, &r->ts)) {
            mark_bad(r, c, SR_REJECT_DATE, s, n);
            good = false;
        }
        break;
    default:
        if (sr_field_is_numeric(col->role)) {
            if (!sr_parse_number(s, n, &r->num[c])) {
                mark_bad(r, c, SR_REJECT_NUMBER, s, n);
                good = false;
            }
        } else {
            st = intern_text(r, s, n, &r->id[c]);
        }
        break;
    }
    if (st != SR_OK) {
        fail(r, st);
        return;
    }
    if (good && n <= CACHE_MAX) {
        memcpy(r->cache_text[c], s, n);
        r->cache_len[c] = (unsigned char)n;
        r->cache_num[c] = r->num[c];
        r->cache_id[c] = r->id[c];
        if (col->role == SR_F_DATE)
            r->cache_ts = r->ts;
    }
}

/* Appends one reject line and, for the first few, a warning message. */
static void reject(reader *r, sr_reject_reason why, const char *colname, const char *value,
                   const char *detail)
{
    sr_dataset *ds = r->ds;
    ds->rows_rejected++;
    ds->reject_counts[why]++;
    const char *raw = r->raw;
    size_t rawlen = r->raw_len;
    unsigned maxw = r->opt->max_warnings ? r->opt->max_warnings : 20;
    if (r->opt->warn && r->warnings < maxw) {
        char msg[512];
        if (colname)
            snprintf(msg, sizeof msg, "%s:%llu: column '%s': %s '%s'%s", r->path,
                     (unsigned long long)r->rec_line, colname, sr_reject_reason_name(why),
                     value ? value : "", detail ? detail : "");
        else
            snprintf(msg, sizeof msg, "%s:%llu: %s%s", r->path, (unsigned long long)r->rec_line,
                     sr_reject_reason_name(why), detail ? detail : "");
        r->opt->warn(r->opt->user, msg);
        r->warnings++;
    }
    sr_rejects *rej = r->opt->rejects;
    if (!rej || !rej->path || rej->status != SR_OK)
        return;
    if (!rej->fp) {
        rej->fp = fopen(rej->path, "w");
        if (!rej->fp) {
            rej->status = SR_EIO;
            return;
        }
        fputs("file,line,column,reason,value,raw\n", rej->fp);
    }
    rej->count++;
    put_csv_field(rej->fp, r->path, strlen(r->path));
    fprintf(rej->fp, ",%llu,", (unsigned long long)r->rec_line);
    if (colname)
        put_csv_field(rej->fp, colname, strlen(colname));
    fputc(',', rej->fp);
    char reason[160];
    snprintf(reason, sizeof reason, "%s%s", sr_reject_reason_name(why), detail ? detail : "");
    put_csv_field(rej->fp, reason, strlen(reason));
    fputc(',', rej->fp);
    if (value)
        put_csv_field(rej->fp, value, strlen(value));
    fputc(',', rej->fp);
    put_csv_field(rej->fp, raw, rawlen);
    fputc('\n', rej->fp);
}

/* Grows every per-line array of ds (doubling: large blocks are mremap()ed
 * by glibc, so the untouched tail costs address space, not RSS). */
static sr_status grow_lines(sr_dataset *ds)
{
    size_t cap = ds->cap ? ds->cap * 2 : 4096;
#define GROW(ptr)                                              \
    do {                                                       \
        void *p_ = realloc((ptr), cap * sizeof *(ptr));        \
        if (!p_)                                               \
            return SR_ENOMEM;                                  \
        (ptr) = p_;                                            \
    } while (0)
    GROW(ds->customer);
    GROW(ds->order);
    GROW(ds->amount);
    GROW(ds->flags);
    if (ds->schema.col[SR_F_DATE] >= 0)
        GROW(ds->ts);
    for (size_t c = 0; c < ds->ncols; c++) {
        if (ds->cols[c].kind == SR_COL_TEXT)
            GROW(ds->cols[c].ids);
        else if (ds->cols[c].kind == SR_COL_NUMBER)
            GROW(ds->cols[c].num);
    }
#undef GROW
    ds->cap = cap;
    return SR_OK;
}

/* Index lookup pool-id -> dense index, growing the map array as the pool grows. */
static sr_status index_of(uint32_t **map, size_t *mapcap, uint32_t key, uint32_t *count,
                          bool *is_new, uint32_t *out)
{
    if (key >= *mapcap) {
        size_t cap = *mapcap ? *mapcap : 1024;
        while (cap <= key)
            cap *= 2;
        uint32_t *m = realloc(*map, cap * sizeof *m);
        if (!m)
            return SR_ENOMEM;
        memset(m + *mapcap, 0xff, (cap - *mapcap) * sizeof *m);
        *map = m;
        *mapcap = cap;
    }
    *is_new = (*map)[key] == SR_NONE;
    if (*is_new)
        (*map)[key] = (*count)++;
    *out = (*map)[key];
    return SR_OK;
}

/* Appends the duplicate hash of an accepted row to ds->dup (grown by 1.5x);
 * dup_settle() counts the duplicates at the end of the file. */
static sr_status dup_push(sr_dataset *ds, uint64_t h)
{
    if (ds->dup_n == ds->dup_cap) {
        size_t cap = ds->dup_cap ? ds->dup_cap + ds->dup_cap / 2 : 8192;
        uint64_t *p = realloc(ds->dup, cap * sizeof *p);
        if (!p)
            return SR_ENOMEM;
        ds->dup = p;
        ds->dup_cap = cap;
    }
    ds->dup[ds->dup_n++] = h;
    return SR_OK;
}

static sr_status commit(reader *r)
{
    sr_dataset *ds = r->ds;
    const sr_schema *sc = &ds->schema;
    if (ds->n == ds->cap) {
        sr_status st = grow_lines(ds);
        if (st != SR_OK)
            return st;
    }
    size_t i = ds->n;
    /* Amount: the amount column, else quantity x unit price. */
    double qty = sc->col[SR_F_QUANTITY] >= 0 ? r->num[sc->col[SR_F_QUANTITY]] : NAN;
    double amount = sc->col[SR_F_AMOUNT] >= 0 ? r->num[sc->col[SR_F_AMOUNT]]
                                              : qty * r->num[sc->col[SR_F_PRICE]];
    uint8_t flags = 0;
    uint32_t order_key = sc->col[SR_F_ORDER] >= 0 ? r->id[sc->col[SR_F_ORDER]] : SR_NONE;
    bool cancelled = false;
    if (order_key != SR_NONE) {
        const char *inv = sr_pool_str(ds->pool, order_key);
        cancelled = inv[0] == 'C' || inv[0] == 'c';
    }
    if (cancelled || (!isnan(qty) && qty < 0) || amount < 0) {
        flags |= SR_LINE_RETURN;
        amount = -fabs(amount);
        ds->returns++;
    }
    if (sc->col[SR_F_DISCOUNT] >= 0 && r->id[sc->col[SR_F_DISCOUNT]] != SR_NONE &&
        is_truthy(sr_pool_str(ds->pool, r->id[sc->col[SR_F_DISCOUNT]])))
        flags |= SR_LINE_DISCOUNT;
    if (sc->col[SR_F_PROMO] >= 0 && r->id[sc->col[SR_F_PROMO]] != SR_NONE &&
        is_truthy(sr_pool_str(ds->pool, r->id[sc->col[SR_F_PROMO]])))
        flags |= SR_LINE_PROMO;

    /* Customer, in first-appearance order. */
    uint32_t cid = r->id[sc->col[SR_F_CUSTOMER]];
    uint32_t cust = SR_NONE;
    bool is_new;
    sr_status st;
    if (cid != SR_NONE) {
        st = index_of(&ds->cust_of_str, &ds->cust_of_str_cap, cid, &ds->ncustomers, &is_new, &cust);
        if (st != SR_OK)
            return st;
        if (is_new) {
            if (ds->ncustomers > ds->customers_cap) {
                uint32_t cap = ds->customers_cap ? ds->customers_cap * 2 : 1024;
                sr_customer_ref *p = realloc(ds->customers, (size_t)cap * sizeof *p);
                if (!p)
                    return SR_ENOMEM;
                ds->customers = p;
                ds->customers_cap = cap;
            }
            ds->customers[cust] = (sr_customer_ref){cid, (uint32_t)i};
        }
    } else {
        ds->lines_without_customer++;
    }

    /* Order: the invoice number, or each row its own order when there is none. */
    uint32_t ord = SR_NONE;
    if (order_key != SR_NONE || sc->col[SR_F_ORDER] < 0) {
        if (order_key != SR_NONE) {
            st = index_of(&ds->order_of_str, &ds->order_of_str_cap, order_key, &ds->norders,
                          &is_new, &ord);
            if (st != SR_OK)
                return st;
        } else {
            ord = ds->norders++;
            is_new = true;
        }
        if (is_new) {
            if (ds->norders > ds->orders_cap) {
                uint32_t cap = ds->orders_cap ? ds->orders_cap * 2 : 1024;
                sr_order *p = realloc(ds->orders, (size_t)cap * sizeof *p);
                if (!p)
                    return SR_ENOMEM;
                ds->orders = p;
                ds->orders_cap = cap;
            }
            ds->orders[ord] = (sr_order){order_key, cust, r->ts, 0, 0.0, cancelled};
        }
        ds->orders[ord].lines++;
        ds->orders[ord].amount += amount;
    }

    ds->customer[i] = cust;
    ds->order[i] = ord;
    ds->amount[i] = amount;
    ds->flags[i] = flags;
    if (ds->ts)
        ds->ts[i] = r->ts;
    for (size_t c = 0; c < ds->ncols; c++) {
        sr_column *col = &ds->cols[c];
        if (r->empty[c])
            col->missing++;
        if (col->kind == SR_COL_TEXT)
            col->ids[i] = r->id[c];
        else if (col->kind == SR_COL_NUMBER)
            col->num[i] = r->num[c];
    }
    ds->n++;
    r->file->accepted++;
    return SR_OK;
}

/* libcsv's record callback, replayed: the header, or a data row to commit
 * (its duplicate hash is `hash`) or reject. */
static void conv_record(reader *r, uint64_t hash)
{
    if (r->status != SR_OK)
        return;
    if (!r->header_seen) {
        r->header_seen = true; /* mapped by the pre-scan */
        stage_reset(r);
        return;
    }
    sr_dataset *ds = r->ds;
    ds->rows_read++;
    r->file->rows++;
    const sr_schema *sc = &ds->schema;
    if (r->nfields != r->fcols) {
        char detail[64];
        snprintf(detail, sizeof detail, ": %zu fields, expected %zu", r->nfields, r->fcols);
        reject(r, SR_REJECT_FIELD_COUNT, NULL, NULL, detail);
    } else if (r->bad_col >= 0) {
        reject(r, r->bad_reason, ds->cols[r->bad_col].name, r->bad_value, NULL);
    } else {
        /* Required values: an amount (or quantity and price), a date for transactions. */
        int need[3] = {-1, -1, -1};
        if (sc->col[SR_F_AMOUNT] >= 0) {
            need[0] = sc->col[SR_F_AMOUNT];
        } else {
            need[0] = sc->col[SR_F_QUANTITY];
            need[1] = sc->col[SR_F_PRICE];
        }
        if (sc->shape == SR_SHAPE_TRANSACTIONS)
            need[2] = sc->col[SR_F_DATE];
        for (int k = 0; k < 3; k++)
            if (need[k] >= 0 && r->empty[need[k]]) {
                reject(r, SR_REJECT_MISSING, ds->cols[need[k]].name, "", NULL);
                stage_reset(r);
                return;
            }
        sr_status st = dup_push(ds, hash);
        if (st == SR_OK)
            st = commit(r);
        if (st != SR_OK)
            fail(r, st);
    }
    stage_reset(r);
}

/* Replays one batch, in order, until the first fatal error. */
static void convert_batch(reader *r, const batch *b)
{
    const span *f = b->fields;
    sr_dataset *ds = r->ds;
    for (size_t e = 0; e < b->nev && r->status == SR_OK; e++) {
        const event *ev = &b->ev[e];
        r->rec_line = ev->line;
        r->raw = b->text + ev->raw.off;
        r->raw_len = ev->raw.len;
        for (size_t k = 0; k < ev->nfields; k++, f++)
            conv_field(r, b->text + f->off, f->len);
        if (r->status != SR_OK)
            break;
        switch (ev->kind) {
        case EV_RECORD:
            conv_record(r, ev->hash);
            break;
        case EV_QUOTING:
            ds->rows_read++;
            r->file->rows++;
            reject(r, SR_REJECT_QUOTING, NULL, NULL, NULL);
            stage_reset(r);
            break;
        case EV_QUOTING_EOF:
            ds->rows_read++;
            r->file->rows++;
            reject(r, SR_REJECT_QUOTING, NULL, NULL, ": quoted field not closed at end of file");
            break;
        case EV_FIELDS:
            break;
        }
    }
}

/* ---------- duplicate rows: sort the hashes ---------- */

/* Sorts a[0..n) ascending by the byte at `shift` and, recursively, the lower
 * ones: an in-place MSD radix sort ("American flag sort": count the 256
 * buckets, then cycle every value into its bucket), insertion sort below 32
 * values. Hashes are uniform, so every level splits by 256. */
static void sort_u64(uint64_t *a, size_t n, int shift)
{
    if (n < 32) {
        for (size_t i = 1; i < n; i++) {
            uint64_t v = a[i];
            size_t j = i;
            for (; j > 0 && a[j - 1] > v; j--)
                a[j] = a[j - 1];
            a[j] = v;
        }
        return;
    }
    size_t count[256] = {0}, next[256], end[256];
    for (size_t i = 0; i < n; i++)
        count[(a[i] >> shift) & 0xff]++;
    size_t s = 0;
    for (int b = 0; b < 256; b++) {
        next[b] = s;
        s += count[b];
        end[b] = s;
    }
    for (int b = 0; b < 256; b++) {
        while (next[b] < end[b]) {
            uint64_t v = a[next[b]];
            unsigned d = (unsigned)(v >> shift) & 0xff;
            while (d != (unsigned)b) {
                uint64_t t = a[next[d]];
                a[next[d]++] = v;
                v = t;
                d = (unsigned)(v >> shift) & 0xff;
            }
            a[next[b]++] = v;
        }
    }
    if (shift == 0)
        return;
    for (size_t b = 0, start = 0; b < 256; start += count[b], b++)
        if (count[b] > 1)
            sort_u64(a + start, count[b], shift - 8);
}

/* ds->dup[0, first) holds the sorted distinct hashes of the rows accepted
 * from earlier files, ds->dup[first, dup_n) those of this file in row order.
 * Sorts and deduplicates the new ones, merges them into the old ones and
 * adds to ds->duplicates the hashes dropped (rows equal to an earlier row).
 * SR_ENOMEM when the merge buffer (the size of the new run) cannot be had;
 * the counts are then unchanged. */
static sr_status dup_settle(sr_dataset *ds, size_t first)
{
    uint64_t *a = ds->dup + first;
    size_t k = ds->dup_n - first;
    if (k == 0)
        return SR_OK;
    sort_u64(a, k, 56);
    size_t w = 1;
    for (size_t i = 1; i < k; i++)
        if (a[i] != a[w - 1])
            a[w++] = a[i];
    uint64_t dups = k - w;
    k = w;
    if (first > 0) {
        uint64_t *tmp = malloc(k * sizeof *tmp);
        if (!tmp)
            return SR_ENOMEM;
        memcpy(tmp, a, k * sizeof *tmp);
        /* Backward merge into ds->dup; equal values keep the old copy. The
         * write index never falls below the old read index, so nothing unread
         * is overwritten. Afterwards the result may start above index 0. */
        uint64_t *d = ds->dup;
        size_t i = first, j = k, o = first + k;
        while (j > 0) {
            if (i > 0 && d[i - 1] > tmp[j - 1]) {
                d[--o] = d[--i];
            } else if (i > 0 && d[i - 1] == tmp[j - 1]) {
                j--;
                dups++;
            } else {
                d[--o] = tmp[--j];
            }
        }
        free(tmp);
        /* d[0, i) is untouched and in place; d[o, first + k) is the merged rest. */
        size_t rest = first + k - o;
        if (o > i)
            memmove(d + i, d + o, rest * sizeof *d);
        ds->dup_n = i + rest;
    } else {
        ds->dup_n = k;
    }
    ds->duplicates += dups;
    return SR_OK;
}

/* ---------- header pre-scan ---------- */

typedef struct {
    size_t nfields, records;
    char *names[256];
    size_t lens[256];
    size_t ncols;
    int date_col;
    int mdy_evidence, dmy_evidence;
    bool overflow, oom;
} prescan;

static void pre_field(void *data, size_t n, void *user)
{
    prescan *p = user;
    size_t fc = p->nfields++;
    if (p->records == 0) {
        if (fc >= 256) {
            p->overflow = true;
            return;
        }
        p->names[fc] = malloc(n + 1);
        if (!p->names[fc]) {
            p->oom = true;
            return;
        }
        memcpy(p->names[fc], data ? data : "", n);
        p->names[fc][n] = '\0';
        p->lens[fc] = n;
        p->ncols = fc + 1;
    } else if ((int)fc == p->date_col && p->records <= PRESCAN_ROWS && data) {
        int a, b;
        sr_date_slash_parts(data, n, &a, &b);
        p->dmy_evidence += a > 12;
        p->mdy_evidence += b > 12;
    }
}

static void pre_record(int term, void *user)
{
    (void)term;
    prescan *p = user;
    p->records++;
    p->nfields = 0;
}

/* The most frequent of , ; TAB outside quotes on the first line. */
static char detect_delimiter(const char *s, size_t n)
{
    size_t counts[3] = {0, 0, 0};
    bool inq = false;
    for (size_t i = 0; i < n && (inq || (s[i] != '\n' && s[i] != '\r')); i++) {
        if (s[i] == '"')
            inq = !inq;
        else if (!inq)
            counts[0] += s[i] == ',', counts[1] += s[i] == ';', counts[2] += s[i] == '\t';
    }
    if (counts[1] > counts[0] && counts[1] >= counts[2])
        return ';';
    if (counts[2] > counts[0] && counts[2] > counts[1])
        return '\t';
    return ',';
}

/* Sets up ds->cols from the first file's header, or checks that a later
 * file has the same columns; fills r->map. */
static sr_status setup_columns(reader *r, prescan *p, const sr_schema *schema)
{
    sr_dataset *ds = r->ds;
    r->fcols = p->ncols;
    if (ds->ncols == 0) {
        ds->cols = calloc(p->ncols, sizeof *ds->cols);
        if (!ds->cols)
            return SR_ENOMEM;
        ds->ncols = p->ncols;
        ds->schema = *schema;
        for (size_t c = 0; c < p->ncols; c++) {
            sr_column *col = &ds->cols[c];
            const char *nm = p->names[c];
            size_t nl = p->lens[c];
            if (c == 0 && nl >= 3 && memcmp(nm, "\xEF\xBB\xBF", 3) == 0) {
                nm += 3;
                nl -= 3;
            }
            sr_trim(&nm, &nl);
            col->name = malloc(nl * 3 + 1);
            if (!col->name)
                return SR_ENOMEM;
            if (sr_utf8_valid(nm, nl)) {
                memcpy(col->name, nm, nl);
            } else { /* a Windows-1252 header, like its values */
                nl = sr_cp1252_to_utf8(nm, nl, col->name);
            }
            col->name[nl] = '\0';
            col->role = SR_F_COUNT;
            for (int f = 0; f < SR_F_COUNT; f++)
                if (schema->col[f] == (int)c)
                    col->role = (sr_field)f;
            if (col->role == SR_F_CUSTOMER || col->role == SR_F_ORDER || col->role == SR_F_DATE ||
                col->role == SR_F_AMOUNT)
                col->kind = SR_COL_CONSUMED;
            else
                col->kind = sr_field_is_numeric(col->role) ? SR_COL_NUMBER : SR_COL_TEXT;
            r->map[c] = (int)c;
        }
        /* Existing lines (none yet) would need the new arrays: allocate now. */
        if (ds->cap == 0)
            return grow_lines(ds);
        return SR_OK;
    }
    if (schema->shape != ds->schema.shape)
        return sr_error_set(r->err, SR_EINPUT, "%s: looks like %s data, but the first input is %s",
                            r->path, sr_shape_name(schema->shape), sr_shape_name(ds->schema.shape));
    bool used[256] = {false};
    for (size_t c = 0; c < p->ncols; c++) {
        char k1[64], k2[64];
        sr_header_key(p->names[c], p->lens[c], k1, sizeof k1);
        int found = -1;
        for (size_t d = 0; d < ds->ncols && found < 0; d++)
            if (!used[d] && strcmp(k1, sr_header_key(ds->cols[d].name, strlen(ds->cols[d].name), k2,
                                                      sizeof k2)) == 0)
                found = (int)d;
        if (found < 0)
            return sr_error_set(r->err, SR_EINPUT,
                                "%s:1: column '%s' is not in the first input file; all inputs "
                                "must have the same columns",
                                r->path, p->names[c]);
        used[found] = true;
        r->map[c] = found;
    }
    for (size_t d = 0; d < ds->ncols; d++)
        if (!used[d])
            return sr_error_set(r->err, SR_EINPUT,
                                "%s:1: column '%s' of the first input file is missing; all inputs "
                                "must have the same columns",
                                r->path, ds->cols[d].name);
    return SR_OK;
}

/* ---------- tokenizer: chunks -> libcsv -> batches ---------- */

/* The ring of batches between the stages. The tokenizer fills
 * slot[produced % NBATCH] while produced - consumed < NBATCH; the converter
 * converts slot[consumed % NBATCH] while consumed < produced. Both counters
 * change under mu, so a batch's contents pass from one thread to the other
 * with the lock (happens-before), never concurrently.
 *
 * The checksum: SHA-256 is sequential and costs about as much as libcsv
 * (scalar code, ~280 MB/s here), more than the converter's spare time, so
 * neither thread owns it. The tokenizer queues a copy of every block it reads
 * as jobs of up to HASH_JOB bytes (ring of NHASH); a thread that would
 * otherwise wait (the converter for a batch, the tokenizer for a free batch
 * or job slot) hashes the oldest job instead, one thread at a time (`hashing`),
 * so the jobs enter the hash in file order. This balances the two threads
 * whichever one is the slower. */
typedef struct {
    char *data;             /* HASH_JOB bytes, allocated on first use */
    size_t len;
} hash_job;

typedef struct {
    bool threaded;
    pthread_mutex_t mu;
    pthread_cond_t filled;  /* produced or hash_in went up, or a job ended (converter waits) */
    pthread_cond_t freed;   /* consumed went up, abort, or a job ended (tokenizer waits) */
    uint64_t produced, consumed;
    bool abort;             /* the converter failed: tokenizer, stop */
    batch slot[NBATCH];
    reader *conv;           /* one-thread mode: converts each full batch at once */
    sr_sha256 sha;          /* used by the thread holding `hashing` (or the only thread) */
    hash_job job[NHASH];
    uint64_t hash_in, hash_out; /* jobs queued / jobs done */
    bool hashing;           /* job[hash_out % NHASH] is being hashed */
} pipeline;

/* With mu held: hashes the oldest queued job (unlocking meanwhile) when no
 * other thread is hashing. True when it did, false when there was nothing
 * to do (then the caller waits). */
static bool help_hash(pipeline *pl)
{
    if (pl->hashing || pl->hash_out == pl->hash_in)
        return false;
    pl->hashing = true;
    hash_job *j = &pl->job[pl->hash_out % NHASH];
    pthread_mutex_unlock(&pl->mu);
    sr_sha256_update(&pl->sha, j->data, j->len);
    pthread_mutex_lock(&pl->mu);
    pl->hash_out++;
    pl->hashing = false;
    pthread_cond_broadcast(&pl->freed);
    pthread_cond_broadcast(&pl->filled);
    return true;
}

typedef struct {
    pipeline *pl;
    source *src;
    const char *path;
    struct csv_parser parser;
    bool parser_live;
    unsigned char delim;
    char eol;            /* '\n', or '\r' in a file with CR-only line ends */
    bool libcsv_only;    /* no fast path for simple lines */

    char *buf;              /* read buffer: buf[rec_off, len) is kept across refills */
    size_t cap, len, start;
    bool eof;
    uint64_t line;          /* physical line being fed, 1-based */
    uint64_t rec_line;      /* first line of the current record */
    const char *rec_start;  /* raw bytes of the current record */
    const char *line_end;   /* end of the line being fed */

    batch *cur;             /* being filled */
    size_t pending;         /* fields in cur since its last event */
    bool stop;              /* a callback failed or the converter gave up */
    sr_status status;
    sr_error err;           /* the tokenizer's own message (the caller's err is the converter's) */

    char hex[65];           /* the file's SHA-256, once tokenize() returns */
    uint64_t consumed;      /* bytes dropped from the front of buf */
} tokenizer;

/* Records the tokenizer's first error (SR_EIO: what = strerror text) and
 * stops it; the converter reports it after the records read before it. */
static void tok_fail(tokenizer *t, sr_status st, const char *what)
{
    if (t->status == SR_OK) {
        t->status = st;
        if (st == SR_EIO)
            sr_error_set(&t->err, st, "%s: cannot read: %s", t->path, what);
        else
            sr_error_set(&t->err, st, "%s: %s", t->path, what);
    }
    t->stop = true;
}

/* Converts one batch and reports progress when the tokenizer asked for it. */
static void convert_one(reader *r, const batch *b)
{
    convert_batch(r, b);
    if (r->status == SR_OK && b->progress && r->opt->progress)
        r->opt->progress(r->opt->user, r->path, b->done, r->total);
}

/* Passes the full batch to the converter and takes the next free one.
 * False when the tokenizer must stop (the converter failed). */
static bool hand_over(tokenizer *t)
{
    pipeline *pl = t->pl;
    if (!pl->threaded) {
        convert_one(pl->conv, t->cur);
        batch_clear(t->cur);
        if (pl->conv->status != SR_OK) {
            t->stop = true;
            t->cur = NULL;
            return false;
        }
        return true;
    }
    pthread_mutex_lock(&pl->mu);
    pl->produced++;
    pthread_cond_signal(&pl->filled);
    while (!pl->abort && pl->produced - pl->consumed >= NBATCH)
        if (!help_hash(pl))
            pthread_cond_wait(&pl->freed, &pl->mu);
    bool go = !pl->abort;
    uint64_t next = pl->produced;
    pthread_mutex_unlock(&pl->mu);
    if (!go) {
        t->stop = true;
        t->cur = NULL;
        return false;
    }
    t->cur = &pl->slot[next % NBATCH];
    batch_clear(t->cur);
    return true;
}

/* Closes the fields since the previous event with an event of `kind` for
 * the current record (rec_line, raw text [rec_start, line_end)). */
static void tok_event(tokenizer *t, ev_kind kind)
{
    batch *b = t->cur;
    const char *raw = t->rec_start;
    size_t rawlen = t->line_end > raw ? (size_t)(t->line_end - raw) : 0;
    while (rawlen && (raw[rawlen - 1] == '\n' || raw[rawlen - 1] == '\r'))
        rawlen--;
    if (!batch_reserve(b, rawlen, 0, 1)) {
        tok_fail(t, SR_ENOMEM, "out of memory");
        return;
    }
    event *ev = &b->ev[b->nev++];
    ev->kind = kind;
    ev->nfields = t->pending;
    ev->line = t->rec_line;
    ev->hash = kind == EV_RECORD ? sr_hash_bytes(raw, rawlen, DUP_SEED) | 1 : 0;
    ev->raw = (span){b->text_len, rawlen};
    memcpy(b->text + b->text_len, raw, rawlen);
    b->text_len += rawlen;
    t->pending = 0;
    if (b->text_len >= BATCH_TEXT || b->nev >= BATCH_EVENTS)
        hand_over(t);
}

/* libcsv field callback: copies the value into the batch. */
static void tok_field(void *data, size_t n, void *user)
{
    tokenizer *t = user;
    if (t->stop)
        return;
    batch *b = t->cur;
    if (!batch_reserve(b, n + 1, 1, 0)) {
        tok_fail(t, SR_ENOMEM, "out of memory");
        return;
    }
    if (n)
        memcpy(b->text + b->text_len, data, n);
    b->text[b->text_len + n] = '\0';
    b->fields[b->nfields++] = (span){b->text_len, n};
    b->text_len += n + 1;
    t->pending++;
}

static void tok_record(int term, void *user)
{
    (void)term;
    tokenizer *t = user;
    if (!t->stop)
        tok_event(t, EV_RECORD);
}

/* Feeds n bytes to the checksum: at once with one thread, else as queued
 * jobs (waiting for a free job slot, hashing meanwhile if possible). */
static void tok_hash(tokenizer *t, const char *data, size_t n)
{
    pipeline *pl = t->pl;
    if (!pl->threaded) {
        sr_sha256_update(&pl->sha, data, n);
        return;
    }
    while (n > 0 && !t->stop) {
        pthread_mutex_lock(&pl->mu);
        while (pl->hash_in - pl->hash_out >= NHASH)
            if (!help_hash(pl))
                pthread_cond_wait(&pl->freed, &pl->mu);
        pthread_mutex_unlock(&pl->mu);
        /* job[hash_in % NHASH] is free and only this thread queues jobs */
        hash_job *j = &pl->job[pl->hash_in % NHASH];
        if (!j->data && !(j->data = malloc(HASH_JOB))) {
            tok_fail(t, SR_ENOMEM, "out of memory");
            return;
        }
        j->len = n < HASH_JOB ? n : HASH_JOB;
        memcpy(j->data, data, j->len);
        data += j->len;
        n -= j->len;
        pthread_mutex_lock(&pl->mu);
        pl->hash_in++;
        pthread_cond_signal(&pl->filled);
        pthread_mutex_unlock(&pl->mu);
    }
}

/* Fast path for the common line: one whose record starts and ends on it,
 * with no quote character and no CR before its line end. libcsv's result
 * for such a line is fixed, so it is produced here without the per-byte
 * state machine: fields split at the delimiter, spaces (and tabs, unless
 * tab is the delimiter) trimmed at both ends as libcsv does for unquoted
 * fields, and a blank line gives no record. Returns false (nothing done)
 * for any other line, which then goes through csv_parse. */
static bool tok_simple_line(tokenizer *t, char *p, size_t n)
{
    size_t len = n;
    if (len && p[len - 1] == '\n')
        len--;
    if (len && p[len - 1] == '\r')
        len--;
    if (memchr(p, '"', len) || memchr(p, '\r', len))
        return false;
    char delim = (char)t->delim;
    bool tab_space = delim != '\t';
    size_t i = 0;
    while (i < len && (p[i] == ' ' || (tab_space && p[i] == '\t')))
        i++;
    if (i == len)
        return true; /* blank line: libcsv reports no record */
    size_t start = 0;
    for (;;) {
        char *d = memchr(p + start, delim, len - start);
        size_t stop = d ? (size_t)(d - p) : len;
        size_t a = start, b = stop;
        while (a < b && (p[a] == ' ' || (tab_space && p[a] == '\t')))
            a++;
        while (b > a && (p[b - 1] == ' ' || (tab_space && p[b - 1] == '\t')))
            b--;
        tok_field(p + a, b - a, t);
        if (t->stop || !d)
            break;
        start = stop + 1;
    }
    if (!t->stop)
        tok_record(0, t);
    return true;
}

/* Reads up to n bytes at dst (0 at the end or after an error). */
static size_t tok_read(tokenizer *t, char *dst, size_t n)
{
    size_t got = source_read(t->src, dst, n);
    if (t->src->fp && ferror(t->src->fp)) {
        tok_fail(t, SR_EIO, strerror(errno));
        return 0;
    }
    return got;
}

/* The tokenizer's main loop: from buf[start] (first chunk already read) to
 * the end of the input, then the last batch. The checksum follows the
 * parser in HASH_JOB steps (buf[0, hashed) is queued), so the hashing is
 * spread evenly over the file rather than in bursts of one read. */
static void tokenize(tokenizer *t)
{
    char *buf = t->buf;
    size_t cap = t->cap, len = t->len;
    size_t pos = t->start, rec_off = t->start, hashed = 0;
    uint64_t next_progress = 16u << 20;
    bool eof = t->eof;
    for (;;) {
        char *nl = memchr(buf + pos, t->eol, len - pos);
        if (!nl && !eof) {
            /* Refill: keep the current record's bytes, read more. */
            size_t keep = len - rec_off;
            if (rec_off == 0 && len == cap) {
                char *nb = realloc(buf, cap * 2 + 1);
                if (!nb) {
                    tok_fail(t, SR_ENOMEM, "out of memory");
                    break;
                }
                buf = nb;
                cap *= 2;
            } else {
                if (hashed < rec_off) { /* less than HASH_JOB */
                    tok_hash(t, buf + hashed, rec_off - hashed);
                    if (t->stop)
                        break;
                    hashed = rec_off;
                }
                memmove(buf, buf + rec_off, keep);
                hashed -= rec_off;
                pos -= rec_off;
                t->consumed += rec_off;
                rec_off = 0;
                len = keep;
            }
            size_t got = tok_read(t, buf + len, cap - len);
            if (t->stop)
                break;
            len += got;
            eof = got == 0;
            if (t->consumed + pos >= next_progress) {
                t->cur->progress = true;
                t->cur->done = t->consumed + pos;
                next_progress += 16u << 20;
            }
            continue;
        }
        size_t end = nl ? (size_t)(nl - buf) + 1 : len;
        if (end == pos)
            break; /* end of input */
        if (t->parser.pstate == 0) { /* ROW_NOT_BEGUN: this line starts a record */
            rec_off = pos;
            t->rec_line = t->line;
        }
        t->rec_start = buf + rec_off;
        t->line_end = buf + end;
        size_t fed = end - pos;
        if (t->parser.pstate != 0 || t->libcsv_only || !tok_simple_line(t, buf + pos, end - pos))
            fed = csv_parse(&t->parser, buf + pos, end - pos, tok_field, tok_record, t);
        if (t->stop)
            break;
        if (fed != end - pos) {
            /* Strict-mode quoting error: reject the record, restart at the next line. */
            tok_event(t, EV_QUOTING);
            if (t->stop)
                break;
            csv_free(&t->parser);
            if (csv_init(&t->parser, CSV_OPTS) != 0) {
                t->parser_live = false;
                tok_fail(t, SR_ENOMEM, "out of memory");
                break;
            }
            csv_set_delim(&t->parser, t->delim);
        }
        pos = end;
        t->line++;
        if (t->parser.pstate == 0)
            rec_off = pos;
        if (pos - hashed >= HASH_JOB) {
            size_t n = (pos - hashed) / HASH_JOB * HASH_JOB;
            tok_hash(t, buf + hashed, n);
            if (t->stop)
                break;
            hashed += n;
        }
        if (!nl)
            break;
    }
    if (!t->stop) {
        t->rec_start = buf + rec_off;
        t->line_end = buf + len;
        if (csv_fini(&t->parser, tok_field, tok_record, t) != 0 && !t->stop)
            tok_event(t, EV_QUOTING_EOF);
    }
    if (!t->stop && t->pending)
        tok_event(t, EV_FIELDS);
    if (!t->stop)
        tok_hash(t, buf + hashed, len - hashed);
    if (!t->stop) {
        /* The parser stops at the end of the data; hash anything after it. */
        char rest[65536];
        size_t got;
        while ((got = tok_read(t, rest, sizeof rest)) > 0 && !t->stop)
            tok_hash(t, rest, got);
    }
    t->buf = buf;
    t->cap = cap;
    t->len = len;
    if (t->cur) { /* else the converter gave up: nothing more to send */
        t->cur->last = true;
        t->cur->progress = false; /* the caller reports the end */
        if (!t->pl->threaded) {
            hand_over(t);
        } else {
            pthread_mutex_lock(&t->pl->mu);
            t->pl->produced++;
            pthread_cond_signal(&t->pl->filled);
            pthread_mutex_unlock(&t->pl->mu);
        }
    }
    if (t->stop)
        return; /* an error: the checksum is not needed */
    if (t->pl->threaded) {
        /* Finish the queued checksum jobs (the converter may help). */
        pipeline *pl = t->pl;
        pthread_mutex_lock(&pl->mu);
        while (pl->hashing || pl->hash_out < pl->hash_in)
            if (!help_hash(pl))
                pthread_cond_wait(&pl->freed, &pl->mu);
        pthread_mutex_unlock(&pl->mu);
    }
    sr_sha256_final(&t->pl->sha, t->hex);
}

static void *tokenize_thread(void *arg)
{
    tokenize(arg);
    return NULL;
}

/* The converter's side of the ring: converts batches in order until the last
 * one or the first error; reports progress. */
static void convert_all(pipeline *pl, reader *r)
{
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        while (pl->consumed == pl->produced)
            if (!help_hash(pl))
                pthread_cond_wait(&pl->filled, &pl->mu);
        batch *b = &pl->slot[pl->consumed % NBATCH];
        pthread_mutex_unlock(&pl->mu);
        convert_one(r, b);
        bool last = b->last;
        pthread_mutex_lock(&pl->mu);
        if (r->status != SR_OK)
            pl->abort = true;
        pl->consumed++;
        pthread_cond_signal(&pl->freed);
        pthread_mutex_unlock(&pl->mu);
        if (last || r->status != SR_OK)
            return;
    }
}

/* ---------- one file ---------- */

static sr_status ingest(sr_dataset *ds, const char *path, source *src,
                        const sr_ingest_options *opt, sr_error *err)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.ds = ds;
    r.opt = opt;
    r.err = err;
    r.path = path;
    r.total = src->total;
    stage_reset(&r);
    sr_status st = SR_OK;
    prescan pre;
    memset(&pre, 0, sizeof pre);
    pre.date_col = -1;
    pipeline pl;
    memset(&pl, 0, sizeof pl);
    tokenizer t;
    memset(&t, 0, sizeof t);
    t.pl = &pl;
    t.src = src;
    t.path = path;
    size_t dup_first = ds->dup_n;
    bool sync_live = false;

    t.cap = CHUNK;
    t.buf = malloc(t.cap + 1);
    sr_input_file *files = realloc(ds->files, (ds->nfiles + 1) * sizeof *files);
    if (!t.buf || !files) {
        free(t.buf);
        if (files)
            ds->files = files;
        return sr_error_set(err, SR_ENOMEM, "%s: out of memory", path);
    }
    ds->files = files;
    r.file = &ds->files[ds->nfiles++];
    memset(r.file, 0, sizeof *r.file);
    r.file->path = path;
    if (!sr_sha256_init(&pl.sha)) {
        st = sr_error_set(err, SR_ENOMEM, "%s: out of memory", path);
        goto done;
    }

    char *buf = t.buf;
    size_t len = source_read(src, buf, t.cap);
    if (src->fp && ferror(src->fp)) {
        st = sr_error_set(err, SR_EIO, "%s: cannot read: %s", path, strerror(errno));
        goto done;
    }
    size_t start = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    /* Line ends: LF or CRLF, or CR alone (old Mac files, Excel's "CSV
     * (Macintosh)"): then lines end at CR, so line numbers stay right. */
    char eol = memchr(buf + start, '\n', len - start) || !memchr(buf + start, '\r', len - start)
                   ? '\n'
                   : '\r';
    uint64_t blank_lines = 0;
    while (start < len && (buf[start] == '\n' || buf[start] == '\r'))
        blank_lines += buf[start++] == eol; /* leading blank lines still count */
    if (start >= len) {
        st = sr_error_set(err, SR_EINPUT, "%s: the file is empty (no header row)", path);
        goto done;
    }
    char delim = detect_delimiter(buf + start, len - start);

    /* Pre-scan: header, schema, date order. */
    {
        struct csv_parser pp;
        if (csv_init(&pp, CSV_OPTS) != 0) {
            st = sr_error_set(err, SR_ENOMEM, "%s: out of memory", path);
            goto done;
        }
        csv_set_delim(&pp, (unsigned char)delim);
        /* First the header line alone, to learn the date column. */
        const char *nl = memchr(buf + start, eol, len - start);
        size_t hlen = nl ? (size_t)(nl - (buf + start)) + 1 : len - start;
        csv_parse(&pp, buf + start, hlen, pre_field, pre_record, &pre);
        if (!nl)
            csv_fini(&pp, pre_field, pre_record, &pre);
        if (pre.oom || pre.overflow || pre.ncols == 0) {
            csv_free(&pp);
            st = sr_error_set(err, pre.oom ? SR_ENOMEM : SR_EINPUT,
                              pre.oom ? "%s: out of memory"
                                      : "%s:1: unreadable header (more than 256 columns, or none)",
                              path);
            goto done;
        }
        const char *names[256];
        for (size_t c = 0; c < pre.ncols; c++)
            names[c] = pre.names[c];
        sr_schema schema;
        st = sr_schema_map(names, pre.lens, pre.ncols, opt->overrides, opt->noverrides,
                           ds->ncols ? ds->schema.shape : opt->shape, path, &schema, err);
        if (st != SR_OK) {
            csv_free(&pp);
            goto done;
        }
        pre.date_col = schema.col[SR_F_DATE];
        if (pre.date_col >= 0 && opt->date_format == SR_DATEFMT_AUTO) {
            /* In 64 KiB steps, only until the rows that count have been seen. */
            for (size_t o = start + hlen; o < len && pre.records <= PRESCAN_ROWS;) {
                size_t step = len - o < (64u << 10) ? len - o : (64u << 10);
                if (csv_parse(&pp, buf + o, step, pre_field, pre_record, &pre) != step)
                    break;
                o += step;
            }
        }
        csv_free(&pp);
        r.order = opt->date_format == SR_DATEFMT_DMY ? SR_DATE_DMY : SR_DATE_MDY;
        if (opt->date_format == SR_DATEFMT_AUTO && pre.dmy_evidence && !pre.mdy_evidence)
            r.order = SR_DATE_DMY;
        st = setup_columns(&r, &pre, &schema);
        if (st != SR_OK) {
            if (st == SR_ENOMEM)
                sr_error_set(err, st, "%s: out of memory", path);
            goto done;
        }
    }
    r.num = malloc(ds->ncols * sizeof *r.num);
    r.id = malloc(ds->ncols * sizeof *r.id);
    r.empty = calloc(ds->ncols, 1);
    r.cache_text = malloc(ds->ncols * sizeof *r.cache_text);
    r.cache_len = malloc(ds->ncols);
    r.cache_num = malloc(ds->ncols * sizeof *r.cache_num);
    r.cache_id = malloc(ds->ncols * sizeof *r.cache_id);
    if (r.cache_len)
        memset(r.cache_len, 0xff, ds->ncols);
    if (!r.num || !r.id || !r.empty || !r.cache_text || !r.cache_len || !r.cache_num ||
        !r.cache_id || csv_init(&t.parser, CSV_OPTS) != 0) {
        st = sr_error_set(err, SR_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    t.parser_live = true;
    t.delim = (unsigned char)delim;
    t.eol = eol;
    t.libcsv_only = opt->libcsv_only;
    csv_set_delim(&t.parser, t.delim);
    t.len = len;
    t.start = start;
    t.eof = len < t.cap;
    t.line = 1 + blank_lines;
    t.rec_line = t.line;

    /* The pipeline: the tokenizer on a worker thread, the converter here. */
    pl.conv = &r;
    t.cur = &pl.slot[0];
    bool want_thread = opt->threads != 1;
    if (want_thread && pthread_mutex_init(&pl.mu, NULL) == 0) {
        if (pthread_cond_init(&pl.filled, NULL) == 0) {
            if (pthread_cond_init(&pl.freed, NULL) == 0)
                sync_live = true;
            else
                pthread_cond_destroy(&pl.filled);
        }
        if (!sync_live)
            pthread_mutex_destroy(&pl.mu);
    }
    pl.threaded = sync_live;
    pthread_t thread;
    if (pl.threaded && pthread_create(&thread, NULL, tokenize_thread, &t) == 0) {
        convert_all(&pl, &r);
        pthread_join(thread, NULL);
    } else {
        pl.threaded = false; /* no thread: convert each batch as it fills */
        tokenize(&t);
    }
    buf = t.buf;
    len = t.len;
    if (r.status != SR_OK) {
        st = r.status;
        goto done;
    }
    if (t.status != SR_OK) {
        st = t.status;
        if (err) {
            err->status = t.err.status;
            memcpy(err->msg, t.err.msg, sizeof err->msg);
        }
        goto done;
    }
    if (!r.header_seen)
        st = sr_error_set(err, SR_EINPUT, "%s: no header row", path);
    if (opt->progress)
        opt->progress(opt->user, path, t.consumed + len, src->total);
    if (st == SR_OK)
        memcpy(r.file->sha256, t.hex, sizeof t.hex);
    if (st == SR_OK && r.transcoded && opt->warn) {
        char msg[512];
        snprintf(msg, sizeof msg,
                 "%s: %llu values are not UTF-8; they were read as Windows-1252 and converted",
                 path, (unsigned long long)r.transcoded);
        opt->warn(opt->user, msg);
    }

done:
    /* Count this file's duplicate rows (also after a failure: the rows
     * committed so far stay in the dataset, and so do their hashes). */
    if (ds->dup_n > dup_first && dup_settle(ds, dup_first) != SR_OK && st == SR_OK)
        st = sr_error_set(err, SR_ENOMEM, "%s: out of memory", path);
    if (sync_live) {
        pthread_cond_destroy(&pl.freed);
        pthread_cond_destroy(&pl.filled);
        pthread_mutex_destroy(&pl.mu);
    }
    for (int b = 0; b < NBATCH; b++)
        batch_free(&pl.slot[b]);
    for (int j = 0; j < NHASH; j++)
        free(pl.job[j].data);
    sr_sha256_destroy(&pl.sha); /* after a failure the checksum was not finished */
    if (t.parser_live)
        csv_free(&t.parser);
    for (size_t c = 0; c < pre.ncols; c++)
        free(pre.names[c]);
    free(r.num);
    free(r.id);
    free(r.empty);
    free(r.cache_text);
    free(r.cache_len);
    free(r.cache_num);
    free(r.cache_id);
    free(t.buf);
    return st;
}

sr_status sr_ingest_file(sr_dataset *ds, const char *path, const sr_ingest_options *opt,
                         sr_error *err)
{
    source src = {0};
    src.fp = fopen(path, "rb");
    if (!src.fp)
        return sr_error_set(err, SR_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    if (fseek(src.fp, 0, SEEK_END) == 0) {
        long sz = ftell(src.fp);
        src.total = sz > 0 ? (uint64_t)sz : 0;
        rewind(src.fp);
    }
    sr_status st = ingest(ds, path, &src, opt, err);
    fclose(src.fp);
    return st;
}

sr_status sr_ingest_buffer(sr_dataset *ds, const char *name, const char *data, size_t len,
                           const sr_ingest_options *opt, sr_error *err)
{
    source src = {0};
    src.mem = data;
    src.mem_len = len;
    src.total = len;
    return ingest(ds, name, &src, opt, err);
}
