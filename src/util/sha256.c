/*
 * sha256.c - SHA-256 checksums of the input files, through libcrypto's EVP
 * digest interface (see sha256.h for the contract).
 *
 * EVP chooses the block function for the CPU once, inside libcrypto; each
 * stream has its own EVP_MD_CTX, so streams never share state and need no
 * locking here. libcrypto is already in the process (libxlsxwriter links
 * it), so this adds no new library at run time.
 */
#include "util/sha256.h"

#include <openssl/evp.h>

/* Releases c's context after a failure or at the end; c then holds none. */
static void sha_release(sr_sha256 *c)
{
    EVP_MD_CTX_free(c->ctx);
    c->ctx = NULL;
}

bool sr_sha256_init(sr_sha256 *c)
{
    c->ctx = EVP_MD_CTX_new();
    if (c->ctx && EVP_DigestInit_ex(c->ctx, EVP_sha256(), NULL) == 1)
        return true;
    sha_release(c);
    return false;
}

void sr_sha256_update(sr_sha256 *c, const void *data, size_t n)
{
    if (c->ctx && n > 0 && EVP_DigestUpdate(c->ctx, data, n) != 1)
        sha_release(c);
}

bool sr_sha256_final(sr_sha256 *c, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    bool ok = c->ctx && EVP_DigestFinal_ex(c->ctx, md, &len) == 1 && len == 32;
    sha_release(c);
    hex[0] = '\0';
    if (!ok)
        return false;
    for (unsigned int i = 0; i < len; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * len] = '\0';
    return true;
}

void sr_sha256_destroy(sr_sha256 *c)
{
    if (c)
        sha_release(c);
}
