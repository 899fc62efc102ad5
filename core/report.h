/* The reporter: how core and importers tell the caller about progress and warnings without
 * printing (cli prints to stderr, the console draws a bar and a message line). */
#ifndef CREDENCE_CORE_REPORT_H
#define CREDENCE_CORE_REPORT_H

#include <stdint.h>

struct reporter {
    /* A non-fatal message in plain language ("owner 'zoe' is not an active person"). */
    void (*warn)(void *ctx, const char *msg);
    /* Informational line ("format: focus 1.2 (from the header)"). */
    void (*info)(void *ctx, const char *msg);
    /* Progress of a long task: done of total bytes (total 0 when unknown), rows so far. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total, uint64_t rows);
    void *ctx; /* passed back to every callback; owned by the caller */
};

/* NULL-safe helpers: a NULL reporter or NULL callback drops the message. */
void report_warn(const struct reporter *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void report_info(const struct reporter *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void report_progress(const struct reporter *r, uint64_t done, uint64_t total, uint64_t rows);

#endif
