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

#endif
