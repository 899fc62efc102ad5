/* String map with FNV-1a hashing and linear probing; grows at 50% load. */
#include "core/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static uint64_t strmap_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void strmap_init(struct strmap *m)
{
    memset(m, 0, sizeof *m);
}

void strmap_done(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->values);
    free(m->lens);
    free(m->hashes);
    strmap_init(m);
}

static size_t strmap_slot(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1);
    while (m->keys[i] &&
           !(m->hashes[i] == h && m->lens[i] == len && memcmp(m->keys[i], key, len) == 0))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void strmap_grow(struct strmap *m)
{
    struct strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->values = xcalloc(m->cap, sizeof *m->values);
    m->lens = xcalloc(m->cap, sizeof *m->lens);
    m->hashes = xcalloc(m->cap, sizeof *m->hashes);
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.keys[i])
            continue;
        size_t j = strmap_slot(m, old.keys[i], old.lens[i], old.hashes[i]);
        m->keys[j] = old.keys[i];
        m->values[j] = old.values[i];
        m->lens[j] = old.lens[i];
        m->hashes[j] = old.hashes[i];
    }
    free(old.keys);
    free(old.values);
    free(old.lens);
    free(old.hashes);
}

bool strmap_put(struct strmap *m, const char *key, size_t len, long value, long *old)
{
    if ((m->count + 1) * 2 > m->cap)
        strmap_grow(m);
    uint64_t h = strmap_hash(key, len);
    size_t i = strmap_slot(m, key, len, h);
    if (m->keys[i]) {
        if (old)
            *old = m->values[i];
        return false;
    }
    m->keys[i] = xstrndup(key, len);
    m->values[i] = value;
    m->lens[i] = len;
    m->hashes[i] = h;
    m->count++;
    return true;
}

bool strmap_get(const struct strmap *m, const char *key, size_t len, long *value)
{
    if (!m->cap)
        return false;
    size_t i = strmap_slot(m, key, len, strmap_hash(key, len));
    if (!m->keys[i])
        return false;
    if (value)
        *value = m->values[i];
    return true;
}
