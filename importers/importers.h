/* The public face of importers/: format detection and reading a provider export into a usage
 * sink. Importers know nothing of pools, bindings or SQL (DESIGN.md section 7). */
#ifndef CREDENCE_IMPORTERS_IMPORTERS_H
#define CREDENCE_IMPORTERS_IMPORTERS_H

#include "core/usage.h"

/* TO ADD A FORMAT: a row here, its reader in importers.c's format table, a detector rule, and
 * README's mapping table. */
#define IMP_FORMATS(_)                                                                             \
    _(FOCUS, "focus", "FOCUS 1.0-1.2 CSV (plain or .csv.gz)")                                      \
    _(OPENAI, "openai", "OpenAI Admin API usage and costs pages, JSON; Usage page CSV exports")    \
    _(ANTHROPIC, "anthropic",                                                                      \
      "Anthropic Admin API usage_report and cost_report pages, JSON; Console CSV exports")         \
    _(LITELLM, "litellm", "LiteLLM /spend/logs, JSON; the proxy UI's spend logs CSV")

enum imp_format {
#define IMP_ENUM_(e, name, desc) IMP_##e,
    IMP_FORMATS(IMP_ENUM_)
#undef IMP_ENUM_
        IMP__COUNT
};

const char *imp_format_name(enum imp_format f);
bool imp_format_parse(const char *s, enum imp_format *out);
/* "focus (FOCUS 1.0-1.2 CSV ...), ..." for messages. Static storage. */
const char *imp_formats_known(void);
/* Looks at the start of the file (gunzipped) and names its format and, in *what (static storage;
 * what may be NULL), the export it recognized ("OpenAI cost CSV"); ST_BAD_DATA naming the known
 * formats when it is none of them. */
enum status imp_detect(const char *path, enum imp_format *out, const char **what,
                       struct strbuf *err);
/* Reads path as format f into sink (openai, anthropic and litellm: JSON pages when the first
 * non-space byte is '{' or '[', else the dashboard CSV exports); progress to rep (may be NULL). Bad
 * rows go to sink->reject with their location; any other failure (unreadable file, broken quoting,
 * missing required columns) returns an error status with a located message. */
enum status imp_read(enum imp_format f, const char *path, const struct usage_sink *sink,
                     const struct reporter *rep, struct strbuf *err);

/* FOCUS reader (importers/focus.c). */
enum status imp_focus_read(const char *path, const struct usage_sink *sink,
                           const struct reporter *rep, struct strbuf *err);

/* JSON page readers (importers/json_pages.c): format is "openai", "anthropic" or "litellm". */
enum status imp_json_read(const char *path, const char *format, const struct usage_sink *sink,
                          const struct reporter *rep, struct strbuf *err);
/* Names the provider whose pages path holds (*format NULL when none). */
enum status imp_json_kind(const char *path, const char **format, struct strbuf *err);

/* Dashboard CSV readers (importers/dashboard_csv.c): the export is recognized by its header among
 * those of format f (IMP_OPENAI, IMP_ANTHROPIC or IMP_LITELLM). */
enum status imp_dashboard_read(enum imp_format f, const char *path, const struct usage_sink *sink,
                               const struct reporter *rep, struct strbuf *err);
/* Names the dashboard export whose header path starts with: *what (static) and *format, or
 * *what NULL when the header is none of them. Errors only when the file cannot be read. */
enum status imp_dashboard_kind(const char *path, enum imp_format *format, const char **what,
                               struct strbuf *err);

#endif
