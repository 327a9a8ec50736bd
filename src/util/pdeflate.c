/*
 * pdeflate.c - block-parallel raw deflate; see pdeflate.h.
 *
 * Layout of the input buffer: DICT bytes of dictionary (the end of the
 * previous batch), then room for `threads` blocks. When the room is full and
 * more input arrives, the batch is compressed: block 0 on the calling thread,
 * blocks 1.. on their own threads, each block with its own z_stream. The
 * compressed blocks are then handed to the sink in order and their CRC-32s
 * combined. Waiting for the whole batch costs a little when blocks take
 * unequal time; it keeps the code short and the order trivially right.
 */
#include "util/pdeflate.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { DICT = 32768, MIN_BLOCK = 65536 };

typedef struct {
    const unsigned char *in, *dict;
    size_t len, dict_len;
    int level;
    bool last;
    unsigned char *out;
    size_t cap, out_len;
    uLong crc;
    bool ok;
} job;

struct sr_pdeflate {
    int level, small_level, threads;
    size_t block;
    sr_pdeflate_sink sink;
    void *ctx;
    unsigned char *buf; /* DICT + threads * block */
    size_t dict_len, fill;
    job *jobs;
    uint64_t total, blocks;
    uLong crc;
    bool finished;
    sr_status st;
};

static unsigned char *batch(sr_pdeflate *z) { return z->buf + DICT; }

static void *run_job(void *arg)
{
    job *j = arg;
    j->ok = false;
    j->crc = crc32(crc32(0L, Z_NULL, 0), j->in, (uInt)j->len);
    z_stream s;
    memset(&s, 0, sizeof s);
    if (deflateInit2(&s, j->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    if (j->dict_len && deflateSetDictionary(&s, j->dict, (uInt)j->dict_len) != Z_OK) {
        deflateEnd(&s);
        return NULL;
    }
    size_t need = deflateBound(&s, (uLong)j->len) + 64;
    if (j->cap < need) {
        unsigned char *o = realloc(j->out, need);
        if (!o) {
            deflateEnd(&s);
            return NULL;
        }
        j->out = o, j->cap = need;
    }
    s.next_in = (Bytef *)j->in;
    s.avail_in = (uInt)j->len;
    s.next_out = j->out;
    s.avail_out = (uInt)j->cap;
    int flush = j->last ? Z_FINISH : Z_SYNC_FLUSH;
    for (;;) {
        int r = deflate(&s, flush);
        if (j->last ? r == Z_STREAM_END : (r == Z_OK && s.avail_in == 0 && s.avail_out > 0))
            break;
        if (r != Z_OK && r != Z_BUF_ERROR) {
            deflateEnd(&s);
            return NULL;
        }
        /* The bound was not enough (it always is; this is belt and braces). */
        size_t used = j->cap - s.avail_out;
        unsigned char *o = realloc(j->out, 2 * j->cap);
        if (!o) {
            deflateEnd(&s);
            return NULL;
        }
        j->out = o, j->cap *= 2;
        s.next_out = j->out + used;
        s.avail_out = (uInt)(j->cap - used);
    }
    j->out_len = j->cap - s.avail_out;
    deflateEnd(&s);
    j->ok = true;
    return NULL;
}

sr_pdeflate *sr_pdeflate_new(int level, int small_level, size_t block, int threads,
                             sr_pdeflate_sink sink, void *ctx)
{
    if (level < -1 || level > 9 || small_level < -1 || small_level > 9 || threads < 1 ||
        threads > 64 || block < MIN_BLOCK || block > (1u << 30) || !sink)
        return NULL;
    sr_pdeflate *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->level = level, z->small_level = small_level, z->threads = threads;
    z->block = block, z->sink = sink, z->ctx = ctx;
    z->crc = crc32(0L, Z_NULL, 0);
    z->buf = malloc(DICT + (size_t)threads * block);
    z->jobs = calloc((size_t)threads, sizeof *z->jobs);
    if (!z->buf || !z->jobs) {
        sr_pdeflate_free(z);
        return NULL;
    }
    return z;
}

/* Compresses the first n bytes of the batch as ceil(n / block) blocks (one
 * empty block when n = 0) and sends them on. */
static sr_status compress_batch(sr_pdeflate *z, size_t n, bool last)
{
    bool multi = z->blocks > 0 || n > z->block || !last;
    int nj = n ? (int)((n + z->block - 1) / z->block) : 1;
    for (int i = 0; i < nj; i++) {
        job *j = &z->jobs[i];
        size_t off = (size_t)i * z->block;
        j->in = batch(z) + off;
        j->len = n - off < z->block ? n - off : z->block;
        j->dict = i == 0 ? batch(z) - z->dict_len : batch(z) + off - DICT;
        j->dict_len = i == 0 ? z->dict_len : DICT;
        j->level = multi ? z->level : z->small_level;
        j->last = last && i == nj - 1;
    }
    pthread_t tid[64];
    bool started[64] = {false};
    for (int i = 1; i < nj; i++)
        started[i] = pthread_create(&tid[i], NULL, run_job, &z->jobs[i]) == 0;
    run_job(&z->jobs[0]);
    for (int i = 1; i < nj; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else
            run_job(&z->jobs[i]); /* no thread to be had: do it here */
    }
    for (int i = 0; i < nj; i++) {
        job *j = &z->jobs[i];
        if (!j->ok)
            return z->st = SR_ENOMEM;
        if (z->sink(z->ctx, j->out, j->out_len) != 0)
            return z->st = SR_EIO;
        z->crc = crc32_combine(z->crc, j->crc, (z_off_t)j->len);
        z->total += j->len;
        z->blocks++;
    }
    if (!last) { /* keep the end of this batch as the next one's dictionary */
        memcpy(z->buf, batch(z) + n - DICT, DICT);
        z->dict_len = DICT;
        z->fill = 0;
    }
    return SR_OK;
}

sr_status sr_pdeflate_write(sr_pdeflate *z, const void *data, size_t len)
{
    if (z->st != SR_OK)
        return z->st;
    if (z->finished)
        return z->st = SR_EUSAGE;
    const unsigned char *p = data;
    size_t cap = (size_t)z->threads * z->block;
    while (len > 0) {
        if (z->fill == cap && compress_batch(z, cap, false) != SR_OK)
            return z->st;
        size_t k = cap - z->fill < len ? cap - z->fill : len;
        memcpy(batch(z) + z->fill, p, k);
        z->fill += k, p += k, len -= k;
    }
    return SR_OK;
}

sr_status sr_pdeflate_finish(sr_pdeflate *z, uint64_t *total_in, uint32_t *crc)
{
    if (z->st == SR_OK && z->finished)
        z->st = SR_EUSAGE;
    if (z->st == SR_OK)
        compress_batch(z, z->fill, true);
    z->finished = true;
    if (z->st == SR_OK) {
        if (total_in)
            *total_in = z->total;
        if (crc)
            *crc = (uint32_t)z->crc;
    }
    return z->st;
}

uint64_t sr_pdeflate_blocks(const sr_pdeflate *z) { return z->blocks; }

void sr_pdeflate_free(sr_pdeflate *z)
{
    if (!z)
        return;
    if (z->jobs)
        for (int i = 0; i < z->threads; i++)
            free(z->jobs[i].out);
    free(z->jobs);
    free(z->buf);
    free(z);
}
