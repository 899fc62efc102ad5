/* Streaming RFC 4180 CSV reader on libcsv: strict quoting, UTF-8 BOM skipped, LF or CRLF, fields
 * of any size up to a record limit, and located errors ("FILE:LINE:COLUMN: what is wrong"). */
#ifndef CREDENCE_IMPORTERS_CSV_READER_H
#define CREDENCE_IMPORTERS_CSV_READER_H

#include "core/usage.h"
#include "importers/source.h"

/* Largest record (all fields, raw bytes) accepted; larger is a located error. */
#define CSVR_MAX_RECORD (64u << 20)
/* Most fields one record may have. */
#define CSVR_MAX_FIELDS 4096u

/* Called once per record, header included. Return ST_OK to go on; any other status stops the
 * read and is returned by csvr_read (put the message in your own error buffer). */
typedef enum status (*csvr_row_fn)(void *ctx, const struct src_row *row);

struct csvr;

/* A reader for messages naming `name`; caller frees with csvr_free. */
struct csvr *csvr_new(const char *name);
void csvr_free(struct csvr **pp);
/* true (the default): well-formed records take the fast scanner and anything unusual goes to
 * libcsv; false: libcsv only (tests compare the two). Call before the first feed. */
void csvr_set_fast(struct csvr *r, bool on);
/* For reading a file in parts: the bytes fed next start line `line` of the file, at a record
 * boundary that is not the file's start (so no BOM is looked for). Call before the first feed. */
void csvr_set_start(struct csvr *r, long line);
/* True when everything fed so far ended exactly at a record boundary on the fast path: nothing
 * is pending, so a reader started at this point (csvr_set_start) reads what this one would. */
bool csvr_at_boundary(const struct csvr *r);
/* The line the next byte fed belongs to. */
long csvr_line(const struct csvr *r);
/* Feeds the next len bytes; rows completed by them are passed to fn. */
enum status csvr_feed(struct csvr *r, const char *buf, size_t len, csvr_row_fn fn, void *ctx,
                      struct strbuf *err);
/* Ends the input: a last record without a newline is delivered; an open quote is an error. */
enum status csvr_finish(struct csvr *r, csvr_row_fn fn, void *ctx, struct strbuf *err);
/* Reads a whole source, reporting progress (bytes, rows) to rep (may be NULL). */
enum status csvr_read(struct csvr *r, struct source *src, csvr_row_fn fn, void *ctx,
                      const struct reporter *rep, struct strbuf *err);
/* Opens path (gzip or plain) and reads it; convenience for small files and tests. */
enum status csvr_read_file(const char *path, csvr_row_fn fn, void *ctx, const struct reporter *rep,
                           struct strbuf *err);
/* Records delivered so far (header included). */
uint64_t csvr_rows(const struct csvr *r);

#endif
