/* Allocation wrappers: out of memory is not a recoverable condition for credence. */
#include "core/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void xalloc_die(const char *what, size_t n)
{
    fprintf(stderr, "credence: out of memory (%s of %zu bytes)\n", what, n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        xalloc_die("malloc", n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        xalloc_die("calloc", count * size);
    return p;
}

void *xreallocarray(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        xalloc_die("realloc overflow", SIZE_MAX);
    size_t n = count * size;
    void *q = realloc(p, n ? n : 1);
    if (!q)
        xalloc_die("realloc", n);
    return q;
}

char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
