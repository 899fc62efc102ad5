/* Text helpers: UTF-8 checks, terminal-safe sanitising of untrusted text, small string utils. */
#ifndef CREDENCE_CORE_TEXT_H
#define CREDENCE_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF). */
bool utf8_valid(const char *s, size_t len);
/* Appends s[0..len) to out with every control character (C0, DEL, C1) and every byte of an
 * invalid UTF-8 sequence replaced by '?': imported text never reaches a terminal raw. */
void text_sanitize(struct strbuf *out, const char *s, size_t len);
/* Returns a sanitised copy of s (NULL gives ""); caller frees. */
char *text_sanitized_dup(const char *s);
/* Display columns of sanitised UTF-8 text s (wcwidth per character; unknown widths count 1). */
int text_display_width(const char *s);
/* Appends s sanitised and fitted to `width` display columns: cut with an ellipsis ("…" in a
 * UTF-8 locale, "~" otherwise) when longer; padded with spaces when pad is true. */
void text_fit(struct strbuf *out, const char *s, int width, bool pad);
/* Changes the ASCII letters of s to lower (upper) case in place; other bytes are untouched, so
 * UTF-8 stays valid. Returns s. */
char *text_ascii_lower(char *s);
char *text_ascii_upper(char *s);
/* Case-insensitive ASCII equality of a NUL-terminated string with s[0..len). */
bool text_ieq(const char *lit, const char *s, size_t len);
/* Trims ASCII spaces and tabs in place on a (pointer, length) view. */
void text_trim(const char **s, size_t *len);
/* Glob match with '*' and '?' (no classes), case-sensitive; used for scope entries. */
bool text_glob_match(const char *pattern, const char *s);
/* Cursor over a `sep`-separated list: fills item/len with the next trimmed item and advances;
 * returns false at the end. Empty items are returned as len 0. */
bool text_next_item(const char **cursor, const char *end, char sep, const char **item, size_t *len);

#endif
