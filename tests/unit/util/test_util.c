/*
 * test_util.c - unit tests of the small utilities: src/util/fmt.c (number
 * formatting), strbuf.c (growable buffer, HTML escaping), sha256.c (FIPS
 * 180-4 test vectors, pieces, life cycle, threads), map64.c (uint64 ->
 * uint32 map) and outdir.c (all-or-nothing output folder).
 *
 * Rounding expectation (sr_round / sr_fmt_*): "half away from zero" applied
 * to the decimal number the double stands for, i.e. its shortest
 * round-trip decimal form (what %.17g-then-shortest printing shows and what
 * the input file said): 2.675 -> "2.68", 1.005 -> "1.01", 0.285 -> "0.29",
 * even though the binary doubles are slightly below those ties. Exact
 * binary ties (0.125, 2.5) go away from zero: "0.13", "3". Either this rule
 * or "round the exact binary value" (2.675 -> "2.67", 1.005 -> "1.00") is
 * consistent; rounding x * 10^d in floating point mixes both (it gives
 * "2.68" but "1.00"), which test_fmt_round_decimal_ties pins down.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fmt.h"
#include "util/map64.h"
#include "util/outdir.h"
#include "util/rng.h"
#include "util/sha256.h"
#include "util/sort.h"
#include "util/strbuf.h"

/* ---------- fmt ---------- */

static void test_fmt_count(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(sr_fmt_count(b, sizeof b, 0), "0");
    assert_string_equal(sr_fmt_count(b, sizeof b, 7), "7");
    assert_string_equal(sr_fmt_count(b, sizeof b, 999), "999");
    assert_string_equal(sr_fmt_count(b, sizeof b, 1000), "1,000");
    assert_string_equal(sr_fmt_count(b, sizeof b, 100000), "100,000");
    assert_string_equal(sr_fmt_count(b, sizeof b, 1234567), "1,234,567");
    assert_string_equal(sr_fmt_count(b, sizeof b, -1), "-1");
    assert_string_equal(sr_fmt_count(b, sizeof b, -999), "-999");
    assert_string_equal(sr_fmt_count(b, sizeof b, -1000), "-1,000");
    assert_string_equal(sr_fmt_count(b, sizeof b, -123456), "-123,456");
    assert_string_equal(sr_fmt_count(b, sizeof b, LLONG_MAX), "9,223,372,036,854,775,807");
    assert_string_equal(sr_fmt_count(b, sizeof b, LLONG_MIN), "-9,223,372,036,854,775,808");
    /* A short buffer truncates and stays terminated. */
    char s[5];
    assert_string_equal(sr_fmt_count(s, sizeof s, 1234567), "1,23");
}

static void test_fmt_num(void **state)
{
    (void)state;
    char b[96];
    assert_string_equal(sr_fmt_num(b, sizeof b, 1234.5, 2), "1,234.50");
    assert_string_equal(sr_fmt_num(b, sizeof b, 0, 2), "0.00");
    assert_string_equal(sr_fmt_num(b, sizeof b, 0, 0), "0");
    assert_string_equal(sr_fmt_num(b, sizeof b, 59.764102564, 2), "59.76");
    assert_string_equal(sr_fmt_num(b, sizeof b, 233081, 0), "233,081");
    assert_string_equal(sr_fmt_num(b, sizeof b, -1234567.891, 1), "-1,234,567.9");
    assert_string_equal(sr_fmt_num(b, sizeof b, 999.995, 2), "1,000.00");
    assert_string_equal(sr_fmt_num(b, sizeof b, 999999.5, 0), "1,000,000");
    assert_string_equal(sr_fmt_num(b, sizeof b, 123456789.125, 2), "123,456,789.13");
    assert_string_equal(sr_fmt_num(b, sizeof b, 0.000123, 4), "0.0001");
    assert_string_equal(sr_fmt_num(b, sizeof b, 3.14159265, 9), "3.141592650");
    /* No negative zero. */
    assert_string_equal(sr_fmt_num(b, sizeof b, -0.0, 2), "0.00");
    assert_string_equal(sr_fmt_num(b, sizeof b, -0.001, 2), "0.00");
    assert_string_equal(sr_fmt_num(b, sizeof b, -0.004, 2), "0.00");
    assert_string_equal(sr_fmt_num(b, sizeof b, -0.4, 0), "0");
    assert_string_equal(sr_fmt_num(b, sizeof b, -0.005, 2), "-0.01");
    /* Exact binary ties: half away from zero. */
    assert_string_equal(sr_fmt_num(b, sizeof b, 0.125, 2), "0.13");
    assert_string_equal(sr_fmt_num(b, sizeof b, -0.125, 2), "-0.13");
    assert_string_equal(sr_fmt_num(b, sizeof b, 2.5, 0), "3");
    assert_string_equal(sr_fmt_num(b, sizeof b, -2.5, 0), "-3");
    assert_string_equal(sr_fmt_num(b, sizeof b, 0.5, 0), "1");
    assert_string_equal(sr_fmt_num(b, sizeof b, 1.5, 0), "2");
    assert_string_equal(sr_fmt_num(b, sizeof b, 1234.5, 0), "1,235");
    /* Huge and non-finite values. */
    assert_string_equal(sr_fmt_num(b, sizeof b, 1e18, 0), "1e+18");
    assert_string_equal(sr_fmt_num(b, sizeof b, INFINITY, 2), "inf");
    assert_string_equal(sr_fmt_num(b, sizeof b, -INFINITY, 2), "-inf");
    assert_string_equal(sr_fmt_num(b, sizeof b, NAN, 2), "nan");
    assert_string_equal(sr_fmt_num(b, sizeof b, 999999999999999.0, 0), "999,999,999,999,999");
}

/* Decimal ties that are not exact in binary: see the file comment. */
static void test_fmt_round_decimal_ties(void **state)
{
    (void)state;
    static const struct {
        double x;
        int d;
        const char *want;
    } cases[] = {
        {2.675, 2, "2.68"},   {-2.675, 2, "-2.68"}, {1.005, 2, "1.01"},  {-1.005, 2, "-1.01"},
        {0.285, 2, "0.29"},   {1.255, 2, "1.26"},   {10.075, 2, "10.08"}, {5.015, 2, "5.02"},
        {1.115, 2, "1.12"},   {0.045, 2, "0.05"},   {4.35, 1, "4.4"},     {0.615, 2, "0.62"},
        {8.345, 2, "8.35"},   {1234.565, 2, "1,234.57"}, {0.0005, 3, "0.001"},
    };
    int bad = 0;
    char msg[2048] = "";
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char b[64];
        sr_fmt_num(b, sizeof b, cases[i].x, cases[i].d);
        if (strcmp(b, cases[i].want) != 0) {
            bad++;
            size_t o = strlen(msg);
            snprintf(msg + o, sizeof msg - o, " sr_fmt_num(%.17g, %d) = \"%s\" (want \"%s\");",
                     cases[i].x, cases[i].d, b, cases[i].want);
        }
    }
    if (bad)
        fail_msg("%d mismatches:%s", bad, msg);
}

static void test_round(void **state)
{
    (void)state;
    assert_true(sr_round(2.5, 0) == 3.0);
    assert_true(sr_round(-2.5, 0) == -3.0);
    assert_true(sr_round(0.125, 2) == 0.13);
    assert_true(sr_round(1.23456, 3) == 1.235);
    assert_true(sr_round(1.23456, -1) == 1.0);            /* digits clamped to 0 */
    assert_true(sr_round(1.123456789012, 12) == 1.123456789); /* and to 9 */
    double z = sr_round(-0.0001, 2);
    assert_true(z == 0.0 && !signbit(z));
    assert_true(isnan(sr_round(NAN, 2)));
    assert_true(isinf(sr_round(INFINITY, 2)));
}

static void test_fmt_money_pct(void **state)
{
    (void)state;
    char b[96];
    assert_string_equal(sr_fmt_money(b, sizeof b, "$", 233081, 0), "$233,081");
    assert_string_equal(sr_fmt_money(b, sizeof b, "$", 1234.5, 2), "$1,234.50");
    assert_string_equal(sr_fmt_money(b, sizeof b, "$", -1234.5, 2), "-$1,234.50");
    assert_string_equal(sr_fmt_money(b, sizeof b, "$", -0.004, 2), "$0.00");
    assert_string_equal(sr_fmt_money(b, sizeof b, "$", 0, 2), "$0.00");
    assert_string_equal(sr_fmt_money(b, sizeof b, "\xE2\x82\xAC", 59.764, 2), "\xE2\x82\xAC" "59.76");
    assert_string_equal(sr_fmt_money(b, sizeof b, "EUR ", -5, 0), "-EUR 5");
    assert_string_equal(sr_fmt_money(b, sizeof b, "", 1000, 0), "1,000");
    assert_string_equal(sr_fmt_pct(b, sizeof b, 0.4213, 1), "42.1%");
    assert_string_equal(sr_fmt_pct(b, sizeof b, 1.0, 0), "100%");
    assert_string_equal(sr_fmt_pct(b, sizeof b, 0, 1), "0.0%");
    assert_string_equal(sr_fmt_pct(b, sizeof b, -0.05, 1), "-5.0%");
    assert_string_equal(sr_fmt_pct(b, sizeof b, 0.5, 0), "50%");
    assert_string_equal(sr_fmt_pct(b, sizeof b, 12.3456, 0), "1,235%");
    assert_string_equal(sr_fmt_pct(b, sizeof b, -0.00001, 1), "0.0%");
    assert_string_equal(sr_fmt_pct(b, sizeof b, 0.0025, 1), "0.3%"); /* a tie at 0.25 %: away from 0 */
}

/* ---------- strbuf ---------- */

static void test_strbuf(void **state)
{
    (void)state;
    sr_buf b = SR_BUF_INIT;
    assert_string_equal(sr_buf_str(&b), "");
    assert_false(sr_buf_failed(&b));
    sr_buf_puts(&b, "abc");
    sr_buf_putc(&b, '-');
    sr_buf_append(&b, "xyz123", 3);
    sr_buf_printf(&b, "[%d|%s|%.2f]", 42, "ok", 1.5);
    assert_string_equal(sr_buf_str(&b), "abc-xyz[42|ok|1.50]");
    assert_int_equal(b.len, strlen("abc-xyz[42|ok|1.50]"));
    /* A printf longer than the internal 256-byte scratch. */
    char big[1000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sr_buf_printf(&b, "<%s>", big);
    assert_int_equal(b.len, 19 + 1001);
    assert_int_equal(b.data[19], '<');
    assert_int_equal(b.data[19 + 1000], '>');
    assert_int_equal(b.data[b.len], '\0');
    /* Embedded NUL bytes are kept and counted. */
    sr_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(sr_buf_str(&b), "");
    sr_buf_append(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4);
    sr_buf_append(&b, NULL, 0);
    assert_int_equal(b.len, 3);
    /* Growth over many appends. */
    sr_buf_reset(&b);
    for (int i = 0; i < 100000; i++)
        sr_buf_putc(&b, (char)('a' + i % 26));
    assert_int_equal(b.len, 100000);
    assert_true(b.cap > b.len);
    for (int i = 0; i < 100000; i++)
        if (b.data[i] != (char)('a' + i % 26))
            fail_msg("byte %d", i);
    char *taken = sr_buf_take(&b);
    assert_non_null(taken);
    assert_int_equal(strlen(taken), 100000);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(taken);
    /* Taking an empty buffer gives an allocated "". */
    taken = sr_buf_take(&b);
    assert_non_null(taken);
    assert_string_equal(taken, "");
    free(taken);
    sr_buf_free(&b);
    sr_buf_free(&b); /* twice is fine */
}

static void test_strbuf_escape(void **state)
{
    (void)state;
    sr_buf b = SR_BUF_INIT;
    const char *s = "<a href=\"x\">Tom & Jerry's</a>";
    sr_buf_put_escaped(&b, s, strlen(s));
    assert_string_equal(sr_buf_str(&b),
                        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    sr_buf_reset(&b);
    sr_buf_put_escaped(&b, "&&", 2);
    assert_string_equal(sr_buf_str(&b), "&amp;&amp;");
    sr_buf_reset(&b);
    sr_buf_put_escaped(&b, "plain \xC3\xA9t\xC3\xA9", 11);
    assert_string_equal(sr_buf_str(&b), "plain \xC3\xA9t\xC3\xA9");
    sr_buf_reset(&b);
    sr_buf_put_escaped(&b, "", 0);
    assert_string_equal(sr_buf_str(&b), "");
    sr_buf_put_escaped(&b, "a<b>c", 2); /* only n bytes */
    assert_string_equal(sr_buf_str(&b), "a&lt;");
    sr_buf_reset(&b);
    sr_buf_put_escaped(&b, "&lt;", 4); /* already-escaped text is escaped again */
    assert_string_equal(sr_buf_str(&b), "&amp;lt;");
    sr_buf_free(&b);
}

/* ---------- sha256 ---------- */

static void sha_hex(const void *data, size_t n, char hex[65])
{
    sr_sha256 c;
    assert_true(sr_sha256_init(&c));
    sr_sha256_update(&c, data, n);
    assert_true(sr_sha256_final(&c, hex));
}

static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[65];
    sha_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha_hex(m2, strlen(m2), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m3 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                     "klmnopqrlmnopqrsmnopqrstnopqrstu";
    sha_hex(m3, strlen(m3), hex);
    assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    sha_hex(all, sizeof all, hex);
    assert_string_equal(hex, "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880");
}

/* Lengths around the 55/56/64-byte padding boundaries (values from Python's hashlib). */
static void test_sha256_padding_boundaries(void **state)
{
    (void)state;
    static const struct {
        size_t n;
        const char *hex;
    } v[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
        {128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"},
        {1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"},
    };
    char a[1000];
    memset(a, 'a', sizeof a);
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char hex[65];
        sha_hex(a, v[i].n, hex);
        if (strcmp(hex, v[i].hex) != 0)
            fail_msg("sha256('a' x %zu) = %s", v[i].n, hex);
    }
}

/* One million 'a' (FIPS 180-2 example), in one piece and in random pieces. */
static void test_sha256_million(void **state)
{
    (void)state;
    const char *want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    size_t n = 1000000;
    char *a = malloc(n);
    assert_non_null(a);
    memset(a, 'a', n);
    char hex[65];
    sha_hex(a, n, hex);
    assert_string_equal(hex, want);
    sr_rng rng;
    sr_rng_seed(&rng, 3);
    for (int round = 0; round < 5; round++) {
        sr_sha256 c;
        assert_true(sr_sha256_init(&c));
        size_t done = 0;
        while (done < n) {
            size_t piece = (size_t)sr_rng_below(&rng, round < 2 ? 130 : 70000);
            if (piece > n - done)
                piece = n - done;
            sr_sha256_update(&c, a + done, piece);
            done += piece;
        }
        assert_true(sr_sha256_final(&c, hex));
        assert_string_equal(hex, want);
    }
    free(a);
}

/* Random data of every length 0..300 and some long ones, fed whole and in
 * pieces of odd sizes (1..200 bytes, so updates start and end anywhere in a
 * 64-byte block): the digests must agree. */
static void test_sha256_pieces_agree(void **state)
{
    (void)state;
    enum { MAXN = 20000 };
    unsigned char *buf = malloc(MAXN);
    assert_non_null(buf);
    sr_rng rng;
    sr_rng_seed(&rng, 11);
    for (size_t i = 0; i < MAXN; i++)
        buf[i] = (unsigned char)sr_rng_next(&rng);
    size_t lens[320];
    size_t nl = 0;
    for (size_t n = 0; n <= 300; n++)
        lens[nl++] = n;
    static const size_t big[] = {511, 512, 513, 4095, 4096, 4097, 10007, 16384, 19999, MAXN};
    for (size_t i = 0; i < sizeof big / sizeof *big; i++)
        lens[nl++] = big[i];
    for (size_t k = 0; k < nl; k++) {
        size_t n = lens[k];
        const unsigned char *d = buf + (n < MAXN ? sr_rng_below(&rng, MAXN - n + 1) : 0);
        char whole[65], pieces[65];
        sha_hex(d, n, whole);
        sr_sha256 c;
        assert_true(sr_sha256_init(&c));
        for (size_t done = 0; done < n;) {
            size_t piece = 1 + (size_t)sr_rng_below(&rng, 200);
            if (piece > n - done)
                piece = n - done;
            sr_sha256_update(&c, d + done, piece);
            sr_sha256_update(&c, d + done, 0); /* empty updates change nothing */
            done += piece;
        }
        assert_true(sr_sha256_final(&c, pieces));
        if (strcmp(whole, pieces) != 0)
            fail_msg("length %zu: whole %s, pieces %s", n, whole, pieces);
    }
    /* Fixed anchor so a bug in both ways of feeding still fails: SHA-256 of
     * bytes 0,1,...,255 repeated to 1000 bytes (Python hashlib). */
    unsigned char ramp[1000];
    for (size_t i = 0; i < sizeof ramp; i++)
        ramp[i] = (unsigned char)i;
    char hex[65];
    sha_hex(ramp, sizeof ramp, hex);
    assert_string_equal(hex, "a8af099bf2e878609558dbf69d8f88f4a31040a8cf84b549a0cfa912f12ffc3f");
    free(buf);
}

/* The context's life cycle: final releases it and a second final fails with
 * an empty string; destroy releases an abandoned stream (the ASan build's
 * leak check fails this test otherwise) and is a no-op on a finished,
 * destroyed or all-zero sr_sha256; an update after the end does nothing. */
static void test_sha256_lifecycle(void **state)
{
    (void)state;
    char hex[65];
    sr_sha256 c;
    assert_true(sr_sha256_init(&c));
    sr_sha256_update(&c, "abc", 3);
    assert_true(sr_sha256_final(&c, hex));
    assert_null(c.ctx);
    memset(hex, 'x', sizeof hex);
    assert_false(sr_sha256_final(&c, hex));
    assert_string_equal(hex, "");
    sr_sha256_update(&c, "abc", 3);
    sr_sha256_destroy(&c);

    assert_true(sr_sha256_init(&c));
    sr_sha256_update(&c, "abandoned", 9);
    sr_sha256_destroy(&c);
    assert_null(c.ctx);
    sr_sha256_destroy(&c);
    assert_false(sr_sha256_final(&c, hex));

    sr_sha256 zero;
    memset(&zero, 0, sizeof zero);
    sr_sha256_destroy(&zero);
    sr_sha256_destroy(NULL);

    /* A new stream in a used sr_sha256 starts from scratch. */
    assert_true(sr_sha256_init(&c));
    sr_sha256_update(&c, "abc", 3);
    assert_true(sr_sha256_final(&c, hex));
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* Streams in several threads at once, and one stream continued by a second
 * thread (as the reader's tokenizer and converter share the file's
 * checksum): every digest is the 1,000,000 x 'a' vector. */
enum { SHA_THREADS = 4 };
typedef struct {
    const char *data;
    size_t from, to; /* bytes of data this thread adds */
    sr_sha256 *c;    /* the stream; NULL = a stream of its own, whole data */
    char hex[65];
} sha_job;

static void *sha_thread(void *arg)
{
    sha_job *j = arg;
    if (!j->c) {
        sr_sha256 own;
        if (sr_sha256_init(&own)) {
            for (size_t done = j->from; done < j->to; done += 4099)
                sr_sha256_update(&own, j->data + done, j->to - done < 4099 ? j->to - done : 4099);
            sr_sha256_final(&own, j->hex);
        }
    } else {
        sr_sha256_update(j->c, j->data + j->from, j->to - j->from);
    }
    return NULL;
}

static void test_sha256_threads(void **state)
{
    (void)state;
    const char *want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    size_t n = 1000000;
    char *a = malloc(n);
    assert_non_null(a);
    memset(a, 'a', n);
    pthread_t th[SHA_THREADS];
    sha_job jobs[SHA_THREADS];
    for (int i = 0; i < SHA_THREADS; i++) {
        jobs[i] = (sha_job){a, 0, n, NULL, ""};
        assert_int_equal(pthread_create(&th[i], NULL, sha_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < SHA_THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_string_equal(jobs[i].hex, want);
    }
    /* One stream, three threads one after the other (join orders them). */
    sr_sha256 c;
    assert_true(sr_sha256_init(&c));
    size_t cut[4] = {0, 333331, 700001, n};
    for (int i = 0; i < 3; i++) {
        sha_job j = {a, cut[i], cut[i + 1], &c, ""};
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, sha_thread, &j), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
    }
    char hex[65];
    assert_true(sr_sha256_final(&c, hex));
    assert_string_equal(hex, want);
    free(a);
}

/* ---------- map64 ---------- */

static void test_map64(void **state)
{
    (void)state;
    sr_map64 m = SR_MAP64_INIT;
    assert_int_equal(sr_map64_get(&m, 5, 77), 77);
    uint32_t v = 0;
    assert_int_equal(sr_map64_add(&m, 5, 1, &v), SR_OK);
    assert_int_equal(v, 1);
    assert_int_equal(sr_map64_add(&m, 5, 10, &v), SR_OK);
    assert_int_equal(v, 11);
    assert_int_equal(sr_map64_add(&m, 0, 0, &v), SR_OK);
    assert_int_equal(v, 0);
    assert_int_equal(sr_map64_get(&m, 0, 99), 0); /* present with value 0 */
    assert_int_equal(sr_map64_add(&m, UINT64_MAX - 1, 3, NULL), SR_OK);
    assert_int_equal(sr_map64_get(&m, UINT64_MAX - 1, 0), 3);
    assert_int_equal(sr_map64_get(&m, 6, 99), 99);
    assert_int_equal(m.n, 3);
    sr_map64_free(&m);
    assert_int_equal(m.n, 0);
    assert_int_equal(sr_map64_get(&m, 5, 42), 42);
    sr_map64_free(&m);
}

/* One million keys: customer << 32 | item pairs and scattered keys. */
static void test_map64_million(void **state)
{
    (void)state;
    enum { N = 1000000 };
    sr_map64 m = SR_MAP64_INIT;
    for (uint64_t i = 0; i < N; i++) {
        uint64_t key = (i % 1000) << 32 | (i / 1000); /* dense pair keys */
        uint32_t v;
        assert_int_equal(sr_map64_add(&m, key, (uint32_t)(i % 7 + 1), &v), SR_OK);
        if (v != i % 7 + 1)
            fail_msg("key %llu: new value %u", (unsigned long long)key, v);
    }
    assert_int_equal(m.n, N);
    assert_true(m.n * 10 <= m.cap * 7); /* at most 70 % full */
    /* Add again to every other key. */
    for (uint64_t i = 0; i < N; i += 2) {
        uint64_t key = (i % 1000) << 32 | (i / 1000);
        assert_int_equal(sr_map64_add(&m, key, 100, NULL), SR_OK);
    }
    assert_int_equal(m.n, N);
    for (uint64_t i = 0; i < N; i++) {
        uint64_t key = (i % 1000) << 32 | (i / 1000);
        uint32_t want = (uint32_t)(i % 7 + 1) + (i % 2 == 0 ? 100 : 0);
        uint32_t got = sr_map64_get(&m, key, 0);
        if (got != want)
            fail_msg("key %llu: %u, want %u", (unsigned long long)key, got, want);
    }
    /* Absent keys. */
    for (uint64_t i = 0; i < 1000; i++)
        assert_int_equal(sr_map64_get(&m, (UINT64_C(5000) + i) << 32, 12345), 12345);
    sr_map64_free(&m);
    /* Scattered random keys. */
    sr_rng rng;
    sr_rng_seed(&rng, 11);
    uint64_t *keys = malloc(200000 * sizeof *keys);
    assert_non_null(keys);
    for (int i = 0; i < 200000; i++) {
        keys[i] = sr_rng_next(&rng);
        if (keys[i] == UINT64_MAX)
            keys[i] = 1;
        assert_int_equal(sr_map64_add(&m, keys[i], (uint32_t)i, NULL), SR_OK);
    }
    assert_int_equal(m.n, 200000);
    for (int i = 0; i < 200000; i++)
        assert_int_equal(sr_map64_get(&m, keys[i], UINT32_MAX), (uint32_t)i);
    free(keys);
    sr_map64_free(&m);
}

/* ---------- outdir ---------- */

static void write_str(const char *path, const char *text)
{
    sr_error err;
    sr_status st = sr_write_file(path, text, strlen(text), &err);
    if (st != SR_OK)
        fail_msg("%s", err.msg);
}

/* The whole content of path ("" when missing: returns false). */
static bool read_str(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    size_t n = fread(buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return true;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Names in dir, sorted, joined with '|'. */
static void list_dir(const char *dir, char *out, size_t size)
{
    char names[64][260];
    int n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            snprintf(names[n++], sizeof names[0], "%s", e->d_name);
    closedir(d);
    for (int i = 1; i < n; i++) /* insertion sort */
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char t[260];
            memcpy(t, names[j], sizeof t);
            memcpy(names[j], names[j - 1], sizeof t);
            memcpy(names[j - 1], t, sizeof t);
        }
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t o = strlen(out);
        snprintf(out + o, size - o, "%s%s", i ? "|" : "", names[i]);
    }
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char p[512];
                snprintf(p, sizeof p, "%s/%s", path, e->d_name);
                rm_rf(p);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

typedef struct {
    char root[64];
    char out[128];
} outdir_fixture;

static int od_setup(void **state)
{
    outdir_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->root, sizeof f->root, "/tmp/sr_outdir_XXXXXX");
    if (!mkdtemp(f->root)) {
        free(f);
        return -1;
    }
    snprintf(f->out, sizeof f->out, "%s/out", f->root);
    *state = f;
    return 0;
}

static int od_teardown(void **state)
{
    outdir_fixture *f = *state;
    rm_rf(f->root);
    free(f);
    return 0;
}

static char *P(char *buf, size_t size, const char *a, const char *b)
{
    snprintf(buf, size, "%s/%s", a, b);
    return buf;
}

/* Previous reports: report.json, rejects.csv, personas/{old,keep}.pdf and a
 * file of the user's. */
static void make_previous(const outdir_fixture *f)
{
    char p[256];
    assert_int_equal(mkdir(f->out, 0777), 0);
    write_str(P(p, sizeof p, f->out, "report.json"), "{\"old\":true}");
    write_str(P(p, sizeof p, f->out, "rejects.csv"), "old rejects");
    write_str(P(p, sizeof p, f->out, "notes.txt"), "mine");
    assert_int_equal(mkdir(P(p, sizeof p, f->out, "personas"), 0777), 0);
    write_str(P(p, sizeof p, f->out, "personas/old.pdf"), "old card");
    write_str(P(p, sizeof p, f->out, "personas/keep.pdf"), "old keep");
}

static void test_outdir_commit(void **state)
{
    outdir_fixture *f = *state;
    make_previous(f);
    sr_outdir o;
    sr_error err;
    assert_int_equal(sr_outdir_begin(&o, f->out, &err), SR_OK);
    assert_non_null(o.tmp);
    assert_string_equal(o.dir, f->out);
    assert_int_equal(strncmp(o.tmp, f->out, strlen(f->out)), 0);
    assert_non_null(strstr(o.tmp, "/.shopper-report."));
    struct stat st;
    assert_int_equal(stat(o.tmp, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    char *p = sr_outdir_path(&o, "report.json");
    assert_non_null(p);
    char want[256];
    assert_string_equal(p, P(want, sizeof want, o.tmp, "report.json"));
    write_str(p, "{\"new\":true}");
    free(p);
    p = sr_outdir_path(&o, "summary.txt");
    write_str(p, "summary");
    free(p);
    assert_int_equal(sr_outdir_mkdir(&o, "personas", &err), SR_OK);
    assert_int_equal(sr_outdir_mkdir(&o, "personas", &err), SR_OK); /* exists: fine */
    p = sr_outdir_path(&o, "personas/keep.pdf");
    write_str(p, "new keep");
    free(p);
    p = sr_outdir_path(&o, "personas/new.pdf");
    write_str(p, "new card");
    free(p);
    /* Nothing visible changes before the commit. */
    char buf[256];
    assert_true(read_str(P(buf, sizeof buf, f->out, "report.json"), buf, sizeof buf));
    assert_string_equal(buf, "{\"old\":true}");
    char tmpname[256];
    snprintf(tmpname, sizeof tmpname, "%s", o.tmp);

    const char *const ours[] = {"report.json", "report.html", "summary.txt", "rejects.csv",
                                "personas", "personas.pdf"};
    assert_int_equal(sr_outdir_commit(&o, ours, 6, &err), SR_OK);
    assert_null(o.tmp);
    assert_null(o.dir);
    assert_false(exists(tmpname));
    char names[1024];
    list_dir(f->out, names, sizeof names);
    assert_string_equal(names, "notes.txt|personas|report.json|summary.txt");
    assert_true(read_str(P(buf, sizeof buf, f->out, "report.json"), buf, sizeof buf));
    assert_string_equal(buf, "{\"new\":true}");
    assert_true(read_str(P(buf, sizeof buf, f->out, "notes.txt"), buf, sizeof buf));
    assert_string_equal(buf, "mine");
    char pers[256];
    list_dir(P(pers, sizeof pers, f->out, "personas"), names, sizeof names);
    assert_string_equal(names, "keep.pdf|new.pdf"); /* the folder was replaced as a whole */
    assert_true(read_str(P(buf, sizeof buf, f->out, "personas/keep.pdf"), buf, sizeof buf));
    assert_string_equal(buf, "new keep");

    /* A second run that produces only report.json: the other outputs of ours go. */
    assert_int_equal(sr_outdir_begin(&o, f->out, &err), SR_OK);
    p = sr_outdir_path(&o, "report.json");
    write_str(p, "third");
    free(p);
    assert_int_equal(sr_outdir_commit(&o, ours, 6, &err), SR_OK);
    list_dir(f->out, names, sizeof names);
    assert_string_equal(names, "notes.txt|report.json");
}

static void test_outdir_abort(void **state)
{
    outdir_fixture *f = *state;
    make_previous(f);
    char before[1024], after[1024];
    list_dir(f->out, before, sizeof before);
    sr_outdir o;
    sr_error err;
    assert_int_equal(sr_outdir_begin(&o, f->out, &err), SR_OK);
    char *p = sr_outdir_path(&o, "report.json");
    write_str(p, "half-written");
    free(p);
    assert_int_equal(sr_outdir_mkdir(&o, "personas", &err), SR_OK);
    p = sr_outdir_path(&o, "personas/x.pdf");
    write_str(p, "x");
    free(p);
    char tmpname[256];
    snprintf(tmpname, sizeof tmpname, "%s", o.tmp);
    sr_outdir_abort(&o);
    assert_null(o.tmp);
    assert_null(o.dir);
    sr_outdir_abort(&o); /* twice is harmless */
    assert_false(exists(tmpname));
    list_dir(f->out, after, sizeof after);
    assert_string_equal(after, before);
    assert_string_equal(after, "notes.txt|personas|rejects.csv|report.json");
    char buf[256];
    assert_true(read_str(P(buf, sizeof buf, f->out, "report.json"), buf, sizeof buf));
    assert_string_equal(buf, "{\"old\":true}");
    char pers[256];
    list_dir(P(pers, sizeof pers, f->out, "personas"), after, sizeof after);
    assert_string_equal(after, "keep.pdf|old.pdf");
}

static void test_outdir_create_and_errors(void **state)
{
    outdir_fixture *f = *state;
    sr_outdir o;
    sr_error err;
    /* A missing output folder is created. */
    assert_int_equal(sr_outdir_begin(&o, f->out, &err), SR_OK);
    char *p = sr_outdir_path(&o, "a.txt");
    write_str(p, "A");
    free(p);
    assert_int_equal(sr_outdir_commit(&o, NULL, 0, &err), SR_OK);
    char names[256];
    list_dir(f->out, names, sizeof names);
    assert_string_equal(names, "a.txt");
    /* A file where the folder should be. */
    char file[256];
    write_str(P(file, sizeof file, f->root, "plainfile"), "x");
    assert_int_equal(sr_outdir_begin(&o, file, &err), SR_EIO);
    assert_non_null(strstr(err.msg, "plainfile"));
    assert_null(o.tmp);
    /* Two missing levels. */
    char deep[256];
    assert_int_equal(sr_outdir_begin(&o, P(deep, sizeof deep, f->root, "x/y"), &err), SR_EIO);
    assert_null(o.tmp);
    /* sr_write_file: exact bytes, and errors. */
    char bin[256];
    const char data[5] = {'a', '\0', 'b', '\n', '\xff'};
    assert_int_equal(sr_write_file(P(bin, sizeof bin, f->root, "bin"), data, 5, &err), SR_OK);
    FILE *fp = fopen(bin, "rb");
    assert_non_null(fp);
    char back[16];
    assert_int_equal(fread(back, 1, sizeof back, fp), 5);
    fclose(fp);
    assert_memory_equal(back, data, 5);
    assert_int_equal(sr_write_file(P(bin, sizeof bin, f->root, "nodir/file"), "x", 1, &err), SR_EIO);
    assert_non_null(strstr(err.msg, "nodir/file"));
}

/* ---- sort: stable merge sorts ---- */

typedef struct {
    int key;
    int pos; /* original position, to check stability */
} keyed;

static int cmp_keyed(const void *ctx, const void *a, const void *b)
{
    const int *dir = ctx;
    const keyed *x = a, *y = b;
    return *dir * ((x->key > y->key) - (x->key < y->key));
}

static int cmp_idx_keys(const void *ctx, size_t a, size_t b)
{
    const int *k = ctx;
    return (k[a] > k[b]) - (k[a] < k[b]);
}

/* Random arrays with many ties: sorted order, and equal keys keep their
 * input order (checked by the original positions), for both sorts. */
static void test_sort_stable(void **state)
{
    (void)state;
    sr_rng rng;
    sr_rng_seed(&rng, 11);
    keyed a[300];
    int keys[300];
    size_t idx[300];
    for (int round = 0; round < 300; round++) {
        size_t n = sr_rng_below(&rng, 300);
        int range = 1 + (int)sr_rng_below(&rng, 10);
        for (size_t i = 0; i < n; i++) {
            a[i] = (keyed){(int)sr_rng_below(&rng, (uint64_t)range), (int)i};
            keys[i] = a[i].key;
            idx[i] = i;
        }
        int dir = round % 2 ? -1 : 1;
        assert_int_equal(sr_sort_array(a, n, sizeof *a, cmp_keyed, &dir), 0);
        assert_int_equal(sr_sort_idx(idx, n, cmp_idx_keys, keys), 0);
        for (size_t i = 1; i < n; i++) {
            assert_true(dir * (a[i].key - a[i - 1].key) >= 0);
            if (a[i].key == a[i - 1].key)
                assert_true(a[i].pos > a[i - 1].pos);
            assert_true(keys[idx[i]] > keys[idx[i - 1]] ||
                        (keys[idx[i]] == keys[idx[i - 1]] && idx[i] > idx[i - 1]));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_count),
        cmocka_unit_test(test_fmt_num),
        cmocka_unit_test(test_fmt_round_decimal_ties),
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_fmt_money_pct),
        cmocka_unit_test(test_strbuf),
        cmocka_unit_test(test_strbuf_escape),
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_sha256_padding_boundaries),
        cmocka_unit_test(test_sha256_million),
        cmocka_unit_test(test_sha256_pieces_agree),
        cmocka_unit_test(test_sha256_lifecycle),
        cmocka_unit_test(test_sha256_threads),
        cmocka_unit_test(test_map64),
        cmocka_unit_test(test_map64_million),
        cmocka_unit_test(test_sort_stable),
        cmocka_unit_test_setup_teardown(test_outdir_commit, od_setup, od_teardown),
        cmocka_unit_test_setup_teardown(test_outdir_abort, od_setup, od_teardown),
        cmocka_unit_test_setup_teardown(test_outdir_create_and_errors, od_setup, od_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
