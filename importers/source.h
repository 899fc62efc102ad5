/* Byte sources for importers: a file read in large blocks, transparently gunzipped when it
 * starts with the gzip magic, with progress measured in bytes of the file on disk. */
#ifndef CREDENCE_IMPORTERS_SOURCE_H
#define CREDENCE_IMPORTERS_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/usage.h"

struct source;

/* Opens path ("-" is standard input). ST_NO_INPUT with a message when it cannot be opened.
 * On success *out is a new source the caller frees with source_free. */
enum status source_open(const char *path, struct source **out, struct strbuf *err);
void source_free(struct source **pp);
/* Reads up to cap bytes of decompressed data into buf; returns the count, 0 at the end, or -1
 * with a message in err (read error, truncated or corrupt gzip). */
ssize_t source_read(struct source *s, char *buf, size_t cap, struct strbuf *err);
/* Bytes of the underlying file consumed so far and its size (0 when unknown, e.g. a pipe). */
uint64_t source_offset(const struct source *s);
uint64_t source_size(const struct source *s);
/* True when the file was gzip-compressed. */
int source_is_gzip(const struct source *s);
/* The name used in messages; borrowed for the life of the source. */
const char *source_name(const struct source *s);

#endif
