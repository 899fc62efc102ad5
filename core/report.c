/* NULL-safe dispatch to a caller's reporter. */
#include "core/report.h"

#include <stdarg.h>

#include "core/strbuf.h"

static void report_v(const struct reporter *r, void (*fn)(void *, const char *), const char *fmt,
                     va_list ap) __attribute__((format(printf, 3, 0)));

static void report_v(const struct reporter *r, void (*fn)(void *, const char *), const char *fmt,
                     va_list ap)
{
    struct strbuf sb;
    sb_init(&sb);
    sb_vaddf(&sb, fmt, ap);
    fn(r->ctx, sb_str(&sb));
    sb_done(&sb);
}

void report_warn(const struct reporter *r, const char *fmt, ...)
{
    if (!r || !r->warn)
        return;
    va_list ap;
    va_start(ap, fmt);
    report_v(r, r->warn, fmt, ap);
    va_end(ap);
}

void report_info(const struct reporter *r, const char *fmt, ...)
{
    if (!r || !r->info)
        return;
    va_list ap;
    va_start(ap, fmt);
    report_v(r, r->info, fmt, ap);
    va_end(ap);
}

void report_progress(const struct reporter *r, uint64_t done, uint64_t total, uint64_t rows)
{
    if (r && r->progress)
        r->progress(r->ctx, done, total, rows);
}
