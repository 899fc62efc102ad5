/* The demo organisation's designed usage, written as the providers' own exports (cli/demo_usage.c)
 * so the demo imports every supported format through the real importers. */
#ifndef CREDENCE_CLI_DEMO_USAGE_H
#define CREDENCE_CLI_DEMO_USAGE_H

#include "core/core.h"

/* One export the demo wrote. */
struct demo_export {
    char *path;         /* owned */
    const char *format; /* the format the importer should detect: "focus", "openai", ... */
    const char *what;   /* what it imitates, for the summary ("OpenAI Admin API costs pages") */
};

/* Writes the usage of every pool in s, from its start to today, into dir (created when missing):
 * OpenAI pools as Admin API costs pages (JSON) and Usage page CSVs, Anthropic pools as
 * usage_report pages (JSON) and a Console cost CSV, LiteLLM pools as /spend/logs pages (JSON)
 * and, for the last 30 days, the proxy UI's CSV, every other pool as a FOCUS export. *out is a
 * new array of *n exports in import order; free with demo_exports_free. Deterministic. */
enum status demo_usage_write(struct store *s, int32_t today, const char *dir,
                             struct demo_export **out, size_t *n, struct strbuf *err);
/* Frees an array from demo_usage_write; NULL-safe. */
void demo_exports_free(struct demo_export *e, size_t n);

#endif
