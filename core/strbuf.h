/* Growable NUL-terminated byte string used for messages, SQL text and output building. */
#ifndef CREDENCE_CORE_STRBUF_H
#define CREDENCE_CORE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *buf;  /* always NUL-terminated once initialised; owned */
    size_t len; /* bytes before the NUL */
    size_t cap; /* bytes allocated */
};

/* Embedded lifecycle: init makes an empty string; done frees and re-inits. */
void sb_init(struct strbuf *sb);
void sb_done(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Replaces the content with a formatted string (the usual way to fill an error buffer);
 * sb may be NULL, in which case nothing happens. */
void sb_setf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the buffer and re-inits sb; caller frees the result. */
char *sb_steal(struct strbuf *sb);
/* Borrowed view, valid until the next change. */
static inline const char *sb_str(const struct strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

#endif
