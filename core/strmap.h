/* A small open-addressing hash map from strings to longs (ids to line numbers, sets of ids),
 * for O(1) duplicate and membership checks in loaders. */
#ifndef CREDENCE_CORE_STRMAP_H
#define CREDENCE_CORE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap {
    char **keys; /* owned copies; NULL marks an empty slot */
    long *values;
    size_t *lens;     /* key lengths */
    uint64_t *hashes; /* key hashes, to skip most comparisons */
    size_t cap;       /* power of two */
    size_t count;
};

void strmap_init(struct strmap *m);
void strmap_done(struct strmap *m);
/* Inserts key -> value unless present; returns true when inserted, false when the key was
 * already there (then *old, if non-NULL, receives its value). */
bool strmap_put(struct strmap *m, const char *key, size_t len, long value, long *old);
/* True when key is present; *value (may be NULL) receives its value. */
bool strmap_get(const struct strmap *m, const char *key, size_t len, long *value);

#endif
