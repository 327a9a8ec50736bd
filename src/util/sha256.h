/*
 * sha256.h - SHA-256 (FIPS 180-4), streaming, for the input checksums in
 * report.json's meta.inputs[].sha256.
 *
 * The digest is computed by libcrypto (OpenSSL 3, Debian libssl-dev)
 * through its EVP interface, which picks the fastest code for the CPU
 * (SHA-NI, AVX2, ...) by itself. This header keeps OpenSSL's headers out of
 * its users.
 *
 * Ownership: an sr_sha256 is caller-owned storage (on the stack or inside
 * another struct) holding one libcrypto digest context.
 * sr_sha256_init() allocates the context; sr_sha256_final() releases it;
 * a stream that is abandoned before its final call must be released with
 * sr_sha256_destroy(). destroy is a no-op on a finished, destroyed, failed
 * or all-zero sr_sha256, so cleanup code may call it unconditionally.
 *
 * Failures (out of memory, or libcrypto refusing the digest) are sticky:
 * the context is released at once, later updates do nothing, and final
 * returns false with an empty string.
 *
 * Threads: any thread may use its own sr_sha256 at any time; one stream may
 * be continued by another thread provided the caller orders the calls (as
 * src/ingest/reader.c does under its mutex).
 *
 * Example:
 *     sr_sha256 c;
 *     char hex[65];
 *     if (!sr_sha256_init(&c))
 *         return SR_ENOMEM;
 *     sr_sha256_update(&c, "ab", 2);
 *     sr_sha256_update(&c, "c", 1);
 *     if (!sr_sha256_final(&c, hex))   // hex = "ba7816bf...f20015ad"
 *         return SR_ENOMEM;
 */
#ifndef SR_SHA256_H
#define SR_SHA256_H

#include <stdbool.h>
#include <stddef.h>

/* OpenSSL's EVP_MD_CTX (opaque). */
struct evp_md_ctx_st;

typedef struct {
    struct evp_md_ctx_st *ctx; /* NULL: not started, finished or failed */
} sr_sha256;

/* Starts a new digest in c (whatever c held before is overwritten, not
 * released). Returns false when libcrypto could not start one. */
bool sr_sha256_init(sr_sha256 *c);

/* Adds n bytes at data to the digest (n may be 0). No-op after a failure. */
void sr_sha256_update(sr_sha256 *c, const void *data, size_t n);

/* Writes the 64 lower-case hex digits and a NUL into hex (65 bytes) and
 * releases the context. Returns false, with hex = "", when the stream
 * failed earlier, was never started, or libcrypto fails now. */
bool sr_sha256_final(sr_sha256 *c, char hex[65]);

/* Releases the context of an unfinished stream; no-op otherwise. */
void sr_sha256_destroy(sr_sha256 *c);

#endif
