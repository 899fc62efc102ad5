/* RFC 4180 CSV writing for evidence packs, with spreadsheet formula injection neutralised: a text
 * field that starts with '=', '+', '-', '@', tab or CR is quoted and prefixed with "'". */
#ifndef CREDENCE_CORE_CSVW_H
#define CREDENCE_CORE_CSVW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* Appends a text field (NULL is empty), quoting when needed; first marks the row's first field. */
void csvw_text(struct strbuf *out, const char *s, bool first);
/* Appends a field that is a number or an ISO date written by credence itself: never prefixed. */
void csvw_raw(struct strbuf *out, const char *s, bool first);
/* Ends the row with CRLF (RFC 4180). */
void csvw_end(struct strbuf *out);

#endif
