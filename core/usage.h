/* The contract between importers and core: the basic types importers may use, the source row
 * with positions for located errors, and (with the usage-import work) the normalized usage
 * record and the sink importers write to. Importers include this header and nothing else of core
 * (DESIGN.md section 7). */
#ifndef CREDENCE_CORE_USAGE_H
#define CREDENCE_CORE_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/amount.h"
#include "core/date.h"
#include "core/report.h"
#include "core/status.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/xalloc.h"

/* One record of a tabular source (a CSV row), as the reader hands it over. Everything is
 * borrowed for the duration of the callback that receives it. */
struct src_row {
    size_t n;                 /* number of fields */
    const char *const *field; /* n NUL-terminated fields (may contain NULs; use len) */
    const size_t *len;        /* byte length of each field */
    long line;                /* physical line (1-based) where the record starts */
    /* Where field k starts (line and 1-based byte column); k >= n gives the record's end.
     * Computed on demand, so it costs nothing unless an error is reported. */
    void (*locate)(const void *src, size_t k, long *line, long *col);
    const void *src; /* the reader, passed back to locate */
};

/* Fills line/col for field k of row (falls back to the record's line, column 1). */
static inline void src_row_locate(const struct src_row *row, size_t k, long *line, long *col)
{
    if (row->locate) {
        row->locate(row->src, k, line, col);
    } else {
        *line = row->line;
        *col = 1;
    }
}

/* TO ADD A CHARGE CATEGORY: a row here and in usage_rollup's CHECK (schema.sql). Only "usage"
 * is consumption; credits, purchases, adjustments and taxes are kept apart. */
#define USAGE_CATEGORIES(_)                                                                        \
    _(USAGE, "usage", "Usage")                                                                     \
    _(CREDIT, "credit", "Credit")                                                                  \
    _(PURCHASE, "purchase", "Purchase")                                                            \
    _(ADJUSTMENT, "adjustment", "Adjustment")                                                      \
    _(TAX, "tax", "Tax")

enum usage_category {
#define UC_ENUM_(e, name, focus) UC_##e,
    USAGE_CATEGORIES(UC_ENUM_)
#undef UC_ENUM_
        UC__COUNT
};

#define USAGE_MAX_TAGS 32

/* One normalized usage row as an importer produces it. Strings are borrowed for the duration of
 * the emit call; empty strings (never NULL) mean "not given". */
struct usage_record {
    const char *provider; /* openai, anthropic, litellm, focus */
    const char *account;  /* project / workspace / team / sub-account / billing account */
    const char *api_key;
    const char *workload; /* SPIFFE ID or workload name from tags or metadata */
    const char *model;
    const char *service;
    const char *tag_keys[USAGE_MAX_TAGS], *tag_values[USAGE_MAX_TAGS]; /* for tag bindings */
    int ntags;
    int32_t day; /* the charge day */
    enum usage_category category;
    int64_t quantity_micros;
    const char *quantity_unit;
    int64_t tokens;      /* input + output tokens */
    int64_t cost_micros; /* in currency */
    const char *currency;
    int64_t credits_micros; /* virtual currency amount */
    const char *credits_unit;
    int64_t requests;
    const char *scope_key; /* what a later import of the same scope supersedes */
    long line;             /* where it came from, for messages */
};

/* Where importers write. emit may fail (then the import stops); reject records a bad row and
 * returns ST_OK to go on (--skip-bad-rows) or the status that stops the import. A reject with
 * line 0 has no line (JSON): its message names the JSON path; row may be NULL. */
struct usage_sink {
    enum status (*emit)(void *ctx, const struct usage_record *r, struct strbuf *err);
    enum status (*reject)(void *ctx, const struct src_row *row, long line, long col,
                          const char *message, struct strbuf *err);
    void *ctx;
    /* Optional (NULL when the sink takes records from one thread only), for importers that read
     * a file in two parts at once. fork returns a new ctx, for emit and reject, that takes the
     * records of a later part of the file and may be used from one other thread while ctx goes
     * on with the earlier part. join (ctx's thread, after the other thread is done) adds the
     * part after everything ctx has received, exactly as if its records had come to ctx in
     * order, and frees it; drop frees a part unused. */
    void *(*fork)(void *ctx);
    enum status (*join)(void *ctx, void *part, struct strbuf *err);
    void (*drop)(void *ctx, void *part);
};

/* Category names: "usage" (storage) and "Usage" (FOCUS ChargeCategory). */
const char *usage_category_name(enum usage_category c);
bool usage_category_from_focus(const char *s, size_t len, enum usage_category *out);

#endif
