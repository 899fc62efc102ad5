/* SPIFFE ID syntax check (spiffe/spiffe standards/SPIFFE-ID.md, HEAD 665a28f). */
#ifndef CREDENCE_CORE_SPIFFE_H
#define CREDENCE_CORE_SPIFFE_H

#include <stdbool.h>
#include <stddef.h>

#define SPIFFE_MAX_LEN          2048
#define SPIFFE_MAX_TRUST_DOMAIN 255

/* Checks s[0..len) is a valid SPIFFE ID. On failure returns false and sets *why to a static
 * explanation and *at to the byte offset of the problem. */
bool spiffe_id_valid(const char *s, size_t len, const char **why, size_t *at);

#endif
