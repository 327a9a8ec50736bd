/*
 * xlsxzip.c - minizip entry points that compress workbook parts with
 * util/pdeflate; see xlsxzip.h for why and how.
 *
 * Each call forwards to the real minizip function, found with
 * dlsym(RTLD_NEXT). An open part is remembered by its zipFile handle (one
 * open part per handle, as in minizip) in a short list under a mutex, so
 * several workbooks may be written at once.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "report/xlsxzip.h"

#include <dlfcn.h>
#include <limits.h>
#include <minizip/zip.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/pdeflate.h"

typedef int (*open_fn)(zipFile, const char *, const zip_fileinfo *, const void *, uInt,
                       const void *, uInt, const char *, int, int, int, int, int, int,
                       const char *, uLong, uLong, uLong, int);
typedef int (*write_fn)(zipFile, const void *, unsigned);
typedef int (*close_fn)(zipFile);
typedef int (*close_raw_fn)(zipFile, ZPOS64_T, uLong);
typedef int (*zclose_fn)(zipFile, const char *);

static struct {
    open_fn open;
    write_fn write;
    close_fn close;
    close_raw_fn close_raw;
    zclose_fn zclose;
} real;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static void *next_symbol(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

static void find_real(void)
{
    void *p;
    /* memcpy: ISO C has no cast from an object to a function pointer. */
    p = next_symbol("zipOpenNewFileInZip4_64");
    memcpy(&real.open, &p, sizeof p);
    p = next_symbol("zipWriteInFileInZip");
    memcpy(&real.write, &p, sizeof p);
    p = next_symbol("zipCloseFileInZip");
    memcpy(&real.close, &p, sizeof p);
    p = next_symbol("zipCloseFileInZipRaw64");
    memcpy(&real.close_raw, &p, sizeof p);
    p = next_symbol("zipClose");
    memcpy(&real.zclose, &p, sizeof p);
}

static bool have_real(void)
{
    pthread_once(&real_once, find_real);
    return real.open && real.write && real.close && real.close_raw && real.zclose;
}

typedef struct filler {
    char *part, *dimension;
    xlsxzip_fill_fn fill;
    void *ctx;
    bool used, refused;
    struct filler *next;
} filler;

typedef struct part {
    zipFile zf;
    sr_pdeflate *z;
    filler *f;    /* not NULL: hold libxlsxwriter's bytes, splice at close */
    char *held;   /* libxlsxwriter's bytes of a filled part */
    size_t held_len, held_cap;
    struct part *next;
} part;

enum { MAX_HELD = 64 << 20 }; /* a filled part's frame is a few KB */

/* parts_lock guards parts and fillers. */
static pthread_mutex_t parts_lock = PTHREAD_MUTEX_INITIALIZER;
static part *parts;
static filler *fillers;
static atomic_bool disabled;
static atomic_uint_fast64_t n_parts, n_large, n_blocks;

xlsxzip_stats xlsxzip_get_stats(void)
{
    xlsxzip_stats s = {atomic_load(&n_parts), atomic_load(&n_large), atomic_load(&n_blocks)};
    return s;
}

void xlsxzip_enable(bool on) { atomic_store(&disabled, !on); }

bool xlsxzip_add_filler(const char *part_name, const char *dimension, xlsxzip_fill_fn fill,
                        void *ctx)
{
    if (atomic_load(&disabled) || !have_real())
        return false;
    filler *f = calloc(1, sizeof *f);
    if (!f || !(f->part = strdup(part_name)) || !(f->dimension = strdup(dimension))) {
        if (f)
            free(f->part);
        free(f);
        return false;
    }
    f->fill = fill, f->ctx = ctx;
    pthread_mutex_lock(&parts_lock);
    f->next = fillers;
    fillers = f;
    pthread_mutex_unlock(&parts_lock);
    return true;
}

size_t xlsxzip_clear_fillers(size_t *refused)
{
    pthread_mutex_lock(&parts_lock);
    filler *f = fillers;
    fillers = NULL;
    pthread_mutex_unlock(&parts_lock);
    size_t used = 0;
    if (refused)
        *refused = 0;
    while (f) {
        filler *next = f->next;
        used += f->used;
        if (refused)
            *refused += f->refused;
        free(f->part);
        free(f->dimension);
        free(f);
        f = next;
    }
    return used;
}

static filler *find_filler(const char *name)
{
    filler *f = fillers;
    while (f && strcmp(f->part, name) != 0)
        f = f->next;
    return f;
}

/* Removes and returns the open part of zf, or NULL when zf has none. */
static part *take_part(zipFile zf)
{
    pthread_mutex_lock(&parts_lock);
    part **pp = &parts;
    while (*pp && (*pp)->zf != zf)
        pp = &(*pp)->next;
    part *p = *pp;
    if (p)
        *pp = p->next;
    pthread_mutex_unlock(&parts_lock);
    return p;
}

static part *find_part(zipFile zf)
{
    pthread_mutex_lock(&parts_lock);
    part *p = parts;
    while (p && p->zf != zf)
        p = p->next;
    pthread_mutex_unlock(&parts_lock);
    return p;
}

static void free_part(part *p)
{
    sr_pdeflate_free(p->z);
    free(p->held);
    free(p);
}

static bool hold(part *p, const void *buf, size_t len)
{
    if (p->held_len + len > MAX_HELD)
        return false;
    if (p->held_len + len > p->held_cap) {
        size_t cap = p->held_cap ? p->held_cap : 65536;
        while (cap < p->held_len + len)
            cap *= 2;
        char *h = realloc(p->held, cap);
        if (!h)
            return false;
        p->held = h, p->held_cap = cap;
    }
    memcpy(p->held + p->held_len, buf, len);
    p->held_len += len;
    return true;
}

static int emit(void *z, const void *data, size_t len)
{
    return sr_pdeflate_write(z, data, len) == SR_OK ? 0 : -1;
}

/* Sends the held frame on with the dimension replaced and the filler's rows
 * before "</sheetData>"; false when the frame lacks either. */
static bool splice(part *p)
{
    const char *h = p->held, *end = h + p->held_len;
    static const char dim_tag[] = "<dimension ref=\"", close_tag[] = "</sheetData>";
    const char *data_end = p->held_len ? memmem(h, p->held_len, close_tag, sizeof close_tag - 1) : NULL;
    const char *dim = data_end ? memmem(h, (size_t)(data_end - h), dim_tag, sizeof dim_tag - 1) : NULL;
    const char *ref = dim ? dim + sizeof dim_tag - 1 : NULL;
    const char *quote = ref ? memchr(ref, '"', (size_t)(data_end - ref)) : NULL;
    if (!quote) {
        p->f->refused = true;
        return false;
    }
    p->f->used = true;
    return emit(p->z, h, (size_t)(ref - h)) == 0 &&
           emit(p->z, p->f->dimension, strlen(p->f->dimension)) == 0 &&
           emit(p->z, quote, (size_t)(data_end - quote)) == 0 &&
           p->f->fill(p->f->ctx, emit, p->z) == 0 &&
           emit(p->z, data_end, (size_t)(end - data_end)) == 0;
}

static int sink(void *ctx, const void *data, size_t len)
{
    const char *d = data;
    while (len > 0) {
        unsigned k = len > UINT_MAX / 2 ? UINT_MAX / 2 : (unsigned)len;
        int e = real.write((zipFile)ctx, d, k);
        if (e != ZIP_OK)
            return e;
        d += k, len -= k;
    }
    return 0;
}

static int threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* Ends the part's deflate stream and closes it in minizip's raw mode. */
static int finish_part(part *p)
{
    uint64_t total = 0;
    uint32_t crc = 0;
    bool spliced = !p->f || splice(p);
    sr_status st = sr_pdeflate_finish(p->z, &total, &crc);
    uint64_t blocks = sr_pdeflate_blocks(p->z);
    zipFile zf = p->zf;
    free_part(p);
    if (st == SR_OK && !spliced)
        st = SR_EINPUT;
    if (st != SR_OK) {
        real.close_raw(zf, 0, 0); /* leaves the container consistent; the caller fails */
        return st == SR_EIO ? ZIP_ERRNO : ZIP_INTERNALERROR;
    }
    atomic_fetch_add(&n_parts, 1);
    atomic_fetch_add(&n_blocks, blocks);
    if (blocks > 1)
        atomic_fetch_add(&n_large, 1);
    return real.close_raw(zf, total, crc);
}

int zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
                            const void *extrafield_local, uInt size_extrafield_local,
                            const void *extrafield_global, uInt size_extrafield_global,
                            const char *comment, int method, int level, int raw, int windowBits,
                            int memLevel, int strategy, const char *password, uLong crcForCrypting,
                            uLong versionMadeBy, uLong flagBase, int zip64)
{
    if (!have_real())
        return ZIP_INTERNALERROR;
    /* minizip would close a part still open; do the same with ours. */
    part *old = take_part(file);
    if (old) {
        int e = finish_part(old);
        if (e != ZIP_OK)
            return e;
    }
    bool ours = !atomic_load(&disabled) && method == Z_DEFLATED && !raw && !password &&
                (windowBits == -MAX_WBITS || windowBits == MAX_WBITS);
    part *p = NULL;
    if (ours) {
        p = calloc(1, sizeof *p);
        if (!p || !(p->z = sr_pdeflate_new(XLSXZIP_LEVEL, level, XLSXZIP_BLOCK, threads(), sink,
                                           file))) {
            if (p)
                free_part(p);
            return ZIP_INTERNALERROR;
        }
        p->zf = file;
        pthread_mutex_lock(&parts_lock);
        p->f = filename ? find_filler(filename) : NULL;
        pthread_mutex_unlock(&parts_lock);
    }
    int e = real.open(file, filename, zipfi, extrafield_local, size_extrafield_local,
                      extrafield_global, size_extrafield_global, comment, method, level,
                      ours ? 1 : raw, windowBits, memLevel, strategy, password, crcForCrypting,
                      versionMadeBy, flagBase, zip64);
    if (!p)
        return e;
    if (e != ZIP_OK) {
        free_part(p);
        return e;
    }
    pthread_mutex_lock(&parts_lock);
    p->next = parts;
    parts = p;
    pthread_mutex_unlock(&parts_lock);
    return ZIP_OK;
}

int zipWriteInFileInZip(zipFile file, const void *buf, unsigned len)
{
    if (!have_real())
        return ZIP_INTERNALERROR;
    part *p = find_part(file);
    if (!p)
        return real.write(file, buf, len);
    if (p->f)
        return hold(p, buf, len) ? ZIP_OK : ZIP_INTERNALERROR;
    sr_status st = sr_pdeflate_write(p->z, buf, len);
    return st == SR_OK ? ZIP_OK : st == SR_EIO ? ZIP_ERRNO : ZIP_INTERNALERROR;
}

int zipCloseFileInZip(zipFile file)
{
    if (!have_real())
        return ZIP_INTERNALERROR;
    part *p = take_part(file);
    return p ? finish_part(p) : real.close(file);
}

int zipClose(zipFile file, const char *global_comment)
{
    if (!have_real())
        return ZIP_INTERNALERROR;
    part *p = take_part(file);
    int e = p ? finish_part(p) : ZIP_OK;
    int e2 = real.zclose(file, global_comment);
    return e != ZIP_OK ? e : e2;
}
