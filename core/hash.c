/* SHA-256 through the EVP interface of libcrypto. */
#include "core/hash.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sha256_ctx {
    EVP_MD_CTX *md;
};

static void hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

struct sha256_ctx *sha256_new(void)
{
    struct sha256_ctx *c = malloc(sizeof *c);
    if (!c || !(c->md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1)
        abort(); /* libcrypto fails here only when out of memory */
    return c;
}

void sha256_add(struct sha256_ctx *c, const void *data, size_t len)
{
    EVP_DigestUpdate(c->md, data, len);
}

void sha256_finish(struct sha256_ctx *c, char *hex)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(c->md, md, &n);
    hex_encode(md, n, hex);
    EVP_MD_CTX_free(c->md);
    free(c);
}

void sha256_hex(const void *data, size_t len, char *hex)
{
    struct sha256_ctx *c = sha256_new();
    sha256_add(c, data, len);
    sha256_finish(c, hex);
}

enum status sha256_file(const char *path, char *hex, struct strbuf *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sb_setf(err, "%s: cannot open: %s", path, strerror(errno));
        return ST_NO_INPUT;
    }
    struct sha256_ctx *c = sha256_new();
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_add(c, buf, n);
    int bad = ferror(f);
    fclose(f);
    sha256_finish(c, hex);
    if (bad) {
        sb_setf(err, "%s: read error", path);
        return ST_NO_INPUT;
    }
    return ST_OK;
}
