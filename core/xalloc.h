/* Allocation wrappers that abort on exhaustion or size overflow, so callers never test for NULL. */
#ifndef CREDENCE_CORE_XALLOC_H
#define CREDENCE_CORE_XALLOC_H

#include <stddef.h>

#if defined(__GNUC__)
#define XALLOC_ATTR __attribute__((malloc, returns_nonnull, warn_unused_result))
#else
#define XALLOC_ATTR
#endif

/* Each returns fresh memory the caller frees with free(); n == 0 is treated as 1. */
void *xmalloc(size_t n) XALLOC_ATTR;
void *xcalloc(size_t count, size_t size) XALLOC_ATTR;
/* Resizes p to count*size bytes, aborting on overflow; p may be NULL. */
void *xreallocarray(void *p, size_t count, size_t size);
/* Returns a copy of s (NULL gives NULL); caller frees. */
char *xstrdup(const char *s);
/* Returns a NUL-terminated copy of the first n bytes of s; caller frees. */
char *xstrndup(const char *s, size_t n) XALLOC_ATTR;

#endif
