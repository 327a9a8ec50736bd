/*
 * test_pdeflate.c - unit tests for util/pdeflate.h.
 *
 * Every stream is inflated back with zlib and compared with its input, at
 * sizes around the block boundaries, on text that compresses and on bytes
 * that do not. The output must not depend on the number of threads or on
 * how the writes are cut; a stream within one block must be exactly what a
 * one-shot zlib deflate at small_level gives; a failing sink must stop the
 * stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/pdeflate.h"

enum { BLOCK = 65536 };

typedef struct {
    unsigned char *data;
    size_t len, cap;
    int fail_after; /* calls before the sink fails; < 0 = never */
} out_buf;

static int sink(void *ctx, const void *data, size_t len)
{
    out_buf *o = ctx;
    if (o->fail_after == 0)
        return -1;
    if (o->fail_after > 0)
        o->fail_after--;
    if (o->len + len > o->cap) {
        o->cap = (o->len + len) * 2;
        o->data = realloc(o->data, o->cap);
        assert_non_null(o->data);
    }
    memcpy(o->data + o->len, data, len);
    o->len += len;
    return 0;
}

/* n bytes of XML-like rows (kind 0) or of xorshift noise (kind 1). */
static unsigned char *make_input(size_t n, int kind)
{
    unsigned char *b = malloc(n + 1);
    assert_non_null(b);
    uint64_t s = 0x9E3779B97F4A7C15u;
    size_t i = 0, row = 1;
    while (i < n) {
        if (kind == 1) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            b[i++] = (unsigned char)s;
            continue;
        }
        char r[96];
        int k = snprintf(r, sizeof r, "<row r=\"%zu\"><c r=\"A%zu\"><v>%zu</v></c></row>", row,
                         row, row * 7919 % 1000);
        row++;
        for (int j = 0; j < k && i < n; j++)
            b[i++] = (unsigned char)r[j];
    }
    return b;
}

/* Compresses in[0..n) in writes of `chunk` bytes (0 = one write). */
static out_buf pcompress(const unsigned char *in, size_t n, int threads, size_t chunk,
                        int level, int small_level)
{
    out_buf o = {NULL, 0, 0, -1};
    sr_pdeflate *z = sr_pdeflate_new(level, small_level, BLOCK, threads, sink, &o);
    assert_non_null(z);
    if (!chunk)
        chunk = n ? n : 1;
    for (size_t i = 0; i < n; i += chunk)
        assert_int_equal(sr_pdeflate_write(z, in + i, n - i < chunk ? n - i : chunk), SR_OK);
    uint64_t total = 0;
    uint32_t crc = 0;
    assert_int_equal(sr_pdeflate_finish(z, &total, &crc), SR_OK);
    assert_int_equal(total, n);
    assert_int_equal(crc, (uint32_t)crc32(0L, in, (uInt)n));
    uint64_t blocks = sr_pdeflate_blocks(z);
    assert_int_equal(blocks, n ? (n + BLOCK - 1) / BLOCK : 1);
    sr_pdeflate_free(z);
    return o;
}

static void assert_inflates_to(const out_buf *o, const unsigned char *in, size_t n)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(inflateInit2(&s, -15), Z_OK);
    unsigned char *back = malloc(n + 16);
    assert_non_null(back);
    s.next_in = o->data;
    s.avail_in = (uInt)o->len;
    s.next_out = back;
    s.avail_out = (uInt)(n + 16);
    assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
    assert_int_equal(s.total_out, n);
    assert_int_equal(s.avail_in, 0); /* nothing after the end of the stream */
    assert_memory_equal(back, in, n);
    inflateEnd(&s);
    free(back);
}

static void test_round_trip(void **state)
{
    (void)state;
    const size_t sizes[] = {0,         1,         1000,          BLOCK - 1,   BLOCK,
                            BLOCK + 1, 2 * BLOCK, 3 * BLOCK + 17, 7 * BLOCK + 5};
    for (int kind = 0; kind < 2; kind++)
        for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
            size_t n = sizes[i];
            unsigned char *in = make_input(n, kind);
            for (int threads = 1; threads <= 3; threads++) {
                out_buf o = pcompress(in, n, threads, 0, 1, -1);
                assert_inflates_to(&o, in, n);
                free(o.data);
            }
            free(in);
        }
}

/* The bytes depend on the input only. */
static void test_same_bytes(void **state)
{
    (void)state;
    size_t n = 5 * BLOCK + 321;
    unsigned char *in = make_input(n, 0);
    out_buf ref = pcompress(in, n, 1, 0, 1, -1);
    const int threads[] = {2, 3, 4, 8};
    const size_t chunks[] = {1000, 4096, BLOCK, 3 * BLOCK + 1};
    for (size_t t = 0; t < 4; t++)
        for (size_t c = 0; c < 4; c++) {
            out_buf o = pcompress(in, n, threads[t], chunks[c], 1, -1);
            assert_int_equal(o.len, ref.len);
            assert_memory_equal(o.data, ref.data, ref.len);
            free(o.data);
        }
    /* The dictionary carries over block boundaries: repetitive text
     * compresses about as well as in one piece. */
    uLong one = compressBound((uLong)n);
    unsigned char *whole = malloc(one);
    assert_non_null(whole);
    assert_int_equal(compress2(whole, &one, in, (uLong)n, 1), Z_OK);
    assert_true(ref.len < one + one / 20);
    free(whole);
    free(ref.data);
    free(in);
}

/* Within one block: exactly zlib's one-shot raw deflate at small_level. */
static void test_small_stream_level(void **state)
{
    (void)state;
    size_t n = BLOCK - 10;
    unsigned char *in = make_input(n, 0);
    for (int level = -1; level <= 9; level += 5) {
        out_buf o = pcompress(in, n, 2, 777, 1, level);
        z_stream s;
        memset(&s, 0, sizeof s);
        assert_int_equal(deflateInit2(&s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
        uLong cap = deflateBound(&s, (uLong)n);
        unsigned char *ref = malloc(cap);
        assert_non_null(ref);
        s.next_in = in;
        s.avail_in = (uInt)n;
        s.next_out = ref;
        s.avail_out = (uInt)cap;
        assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
        assert_int_equal(o.len, s.total_out);
        assert_memory_equal(o.data, ref, o.len);
        deflateEnd(&s);
        free(ref);
        free(o.data);
    }
    free(in);
}

static void test_errors(void **state)
{
    (void)state;
    out_buf o = {NULL, 0, 0, -1};
    assert_null(sr_pdeflate_new(10, -1, BLOCK, 2, sink, &o));
    assert_null(sr_pdeflate_new(1, -2, BLOCK, 2, sink, &o));
    assert_null(sr_pdeflate_new(1, -1, 1000, 2, sink, &o));
    assert_null(sr_pdeflate_new(1, -1, BLOCK, 0, sink, &o));
    assert_null(sr_pdeflate_new(1, -1, BLOCK, 2, NULL, &o));

    /* A sink that fails on its second call stops the stream for good. */
    size_t n = 6 * BLOCK;
    unsigned char *in = make_input(n, 0);
    o.fail_after = 1;
    sr_pdeflate *z = sr_pdeflate_new(1, -1, BLOCK, 1, sink, &o);
    assert_non_null(z);
    sr_status st = SR_OK;
    for (size_t i = 0; i < n && st == SR_OK; i += BLOCK)
        st = sr_pdeflate_write(z, in + i, BLOCK);
    if (st == SR_OK)
        st = sr_pdeflate_finish(z, NULL, NULL);
    assert_int_equal(st, SR_EIO);
    assert_int_equal(sr_pdeflate_write(z, in, 10), SR_EIO);
    assert_int_equal(sr_pdeflate_finish(z, NULL, NULL), SR_EIO);
    sr_pdeflate_free(z);
    free(o.data);

    /* Nothing can be written after the end. */
    out_buf o2 = {NULL, 0, 0, -1};
    z = sr_pdeflate_new(1, -1, BLOCK, 2, sink, &o2);
    assert_non_null(z);
    assert_int_equal(sr_pdeflate_finish(z, NULL, NULL), SR_OK);
    assert_int_equal(sr_pdeflate_write(z, in, 10), SR_EUSAGE);
    sr_pdeflate_free(z);
    free(o2.data);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_small_stream_level),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
