/* One usage import run: the database sink importers write to. It attributes each record to a
 * pool by the register's bindings (api_key > workload > tag > project/workspace/subaccount),
 * rolls records up per (pool or none, provider, account, api key, workload, model, service, day,
 * category, currency, unit) in memory bounded by the number of distinct keys, and at the end
 * replaces what earlier imports said about the same scopes, in one transaction. */
#ifndef CREDENCE_CORE_USAGE_IMPORT_H
#define CREDENCE_CORE_USAGE_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/report.h"
#include "core/store.h"
#include "core/usage.h"

struct usage_import_opts {
    const char *file_name; /* for messages and the import record */
    const char *sha256;    /* identifies the file; read by usage_import_finish only */
    const char *format;    /* "focus", ... */
    const char *actor;
    bool skip_bad_rows;       /* import the rest; write rejects to rejects_path */
    const char *rejects_path; /* FILE.rejects.csv */
    /* Optional: called once, before the run's first effect outside the transaction (creating
     * the rejects file); a status other than ST_OK stops the import with it. The CLI uses it to
     * learn whether the file was imported before while its hash is computed alongside. */
    enum status (*gate)(void *arg);
    /* Optional: true once calling gate would not wait; the run then calls it early (every 64 Ki
     * rows it asks), so a file seen before stops soon instead of at its end. */
    bool (*gate_ready)(void *arg);
    void *gate_arg;
};

struct usage_import_summary {
    int64_t rows_read, rows_imported, rows_rejected;
    int64_t rollups;      /* distinct rollup keys written */
    int64_t unattributed; /* records that matched no pool */
    int64_t cost_micros;  /* sum of the cost column read (all categories, all currencies) */
    int64_t superseded;   /* rollups of earlier imports replaced */
};

struct usage_import;

/* Whether a file with this SHA-256 was imported already; fills when (ISO timestamp) if so. */
enum status usage_import_seen(struct store *s, const char *sha256, bool *seen, char *when,
                              size_t cap, struct strbuf *err);
/* Starts a run inside a new write transaction; *out is new (free with usage_import_free). */
enum status usage_import_begin(struct store *s, const struct usage_import_opts *opts,
                               struct usage_import **out, struct strbuf *err);
/* The sink importers write into (borrowed for the life of the run). */
struct usage_sink usage_import_sink(struct usage_import *ui);
/* Writes rollups, supersedes earlier imports of the same scopes, records the import and its
 * audit event, and commits. */
enum status usage_import_finish(struct usage_import *ui, struct usage_import_summary *sum,
                                struct strbuf *err);
/* Rolls back when not finished, closes the rejects file; NULL-safe. */
void usage_import_free(struct usage_import **pp);

#endif
