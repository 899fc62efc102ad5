/* SHA-256 (OpenSSL libcrypto) as lowercase hex, for files, audit chains and stable ids. */
#ifndef CREDENCE_CORE_HASH_H
#define CREDENCE_CORE_HASH_H

#include <stddef.h>

#include "core/status.h"
#include "core/strbuf.h"

#define SHA256_HEX_BUF 65

struct sha256_ctx; /* opaque incremental hasher */

/* Writes the hex SHA-256 of data[0..len) into hex (SHA256_HEX_BUF bytes). */
void sha256_hex(const void *data, size_t len, char *hex);
/* Incremental: new, add any number of times, then finish (which frees the context). */
struct sha256_ctx *sha256_new(void);
void sha256_add(struct sha256_ctx *c, const void *data, size_t len);
void sha256_finish(struct sha256_ctx *c, char *hex);
/* Hashes a whole file; ST_NO_INPUT with a message when it cannot be read. */
enum status sha256_file(const char *path, char *hex, struct strbuf *err);

#endif
