/* Helpers for loading tabular files (people, register): header mapping by name and a bounded
 * list of located errors "FILE:LINE:COLUMN: what is wrong". */
#ifndef CREDENCE_CORE_TABULAR_H
#define CREDENCE_CORE_TABULAR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/store.h"
#include "core/strbuf.h"
#include "core/usage.h"

#define TAB_MAX_ERRORS 50

/* One expected column. */
struct tab_col {
    const char *name; /* header name, matched case-insensitively after trimming */
    bool required;    /* the header must have it */
};

struct tab_errors {
    struct strbuf text; /* one located message per line */
    int count;          /* errors seen (may exceed the ones kept) */
    const char *file;   /* borrowed name used in messages */
};

void tab_errors_init(struct tab_errors *e, const char *file);
void tab_errors_done(struct tab_errors *e);
/* Records an error at field k of row (k >= row->n: the end of the record). */
void tab_error(struct tab_errors *e, const struct src_row *row, size_t k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records an error at an explicit place. */
void tab_error_at(struct tab_errors *e, long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Maps a header row onto cols: map[i] receives the field index of cols[i] or -1. Missing
 * required columns, duplicate and non-UTF-8 names are recorded in e. Returns false on error. */
bool tab_map_header(const struct tab_col *cols, size_t ncols, const struct src_row *hdr, int *map,
                    struct tab_errors *e);
/* Records an error when row does not have exactly `width` fields; returns false then. */
bool tab_check_width(const struct src_row *row, size_t width, struct tab_errors *e);
/* The trimmed value of mapped column c in row (empty when unmapped); sets *k to its field index
 * (or row->n). Also records an error and returns false when it is not valid UTF-8. */
bool tab_value(const struct src_row *row, const int *map, size_t c, const char **s, size_t *len,
               size_t *k, struct tab_errors *e);

/* Records a finished people/register load in the import history (inside the caller's
 * transaction): kind, file name, SHA-256, actor, rows read = rows imported. */
enum status tab_record_import(struct store *s, const char *kind, const char *file,
                              const char *sha256, const char *actor, int rows, struct strbuf *err);

#endif
