/* The shared usage import pipeline and the import history query. */
#include "core/imports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum status imports_run_file(struct store *s, const struct imports_reader *rd,
                             const struct imports_request *req, const struct reporter *rep,
                             struct imports_result *out, struct strbuf *err)
{
    memset(out, 0, sizeof *out);
    enum status st = sha256_file(req->path, out->sha256, err);
    if (st != ST_OK)
        return st;
    bool seen = false;
    st = usage_import_seen(s, out->sha256, &seen, out->already_when, sizeof out->already_when, err);
    if (st != ST_OK)
        return st;
    if (seen) {
        out->already = true;
        return ST_OK;
    }
    const char *format = req->format;
    if (!format || strcmp(format, "auto") == 0) {
        const char *what = NULL;
        st = rd->detect(req->path, &format, &what, err);
        if (st != ST_OK)
            return st;
        out->detected = true;
        report_info(rep, "%s: format %s (detected from its content): %s", req->path, format,
                    what ? what : format);
    }
    snprintf(out->format, sizeof out->format, "%s", format);
    struct usage_import_opts opts = {.file_name = req->path,
                                     .sha256 = out->sha256,
                                     .format = out->format,
                                     .actor = req->actor,
                                     .skip_bad_rows = req->skip_bad_rows,
                                     .rejects_path = req->rejects_path};
    struct usage_import *ui = NULL;
    st = usage_import_begin(s, &opts, &ui, err);
    if (st == ST_OK) {
        struct usage_sink sink = usage_import_sink(ui);
        st = rd->read(out->format, req->path, &sink, rep, err);
    }
    if (st == ST_OK)
        st = usage_import_finish(ui, &out->sum, err);
    usage_import_free(&ui); /* rolls back when not finished */
    return st;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
    return xstrdup(store_col_text(st, col));
}

/* A usage import is superseded when none of its rollups remain (a later import of the same
 * scopes replaced them); the stored status alone is not trusted for that, because
 * usage_import_finish marks an import before its own rollups are written. */
#define IMPORT_COLS                                                                                \
    "id, kind, format, file_name, sha256, source, actor, started_at, coalesce(finished_at, ''), "  \
    "CASE WHEN kind = 'usage' AND status = 'superseded' AND live.import_id IS NOT NULL THEN "      \
    "'done' ELSE status END, rows_read, rows_imported, rows_rejected, cost_micros"
#define IMPORT_FROM                                                                                \
    " FROM import LEFT JOIN (SELECT DISTINCT import_id FROM usage_rollup) live ON "                \
    "live.import_id = import.id"

static void entry_from_row(sqlite3_stmt *st, struct import_entry *e)
{
    e->id = sqlite3_column_int64(st, 0);
    char **cols[] = {&e->kind,  &e->format,     &e->file_name,   &e->sha256, &e->source,
                     &e->actor, &e->started_at, &e->finished_at, &e->status};
    for (int c = 0; c < 9; c++)
        *cols[c] = dup_col(st, c + 1);
    e->rows_read = sqlite3_column_int64(st, 10);
    e->rows_imported = sqlite3_column_int64(st, 11);
    e->rows_rejected = sqlite3_column_int64(st, 12);
    e->cost_micros = sqlite3_column_int64(st, 13);
    e->rollups = -1;
}

enum status imports_list(struct store *s, struct import_entry **out, size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(
        s, "SELECT " IMPORT_COLS IMPORT_FROM " ORDER BY started_at DESC, id DESC", &st, err);
    if (rc != ST_OK)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        entry_from_row(st, &(*out)[(*n)++]);
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "import history", err);
    sqlite3_finalize(st);
    if (rc != ST_OK) {
        imports_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

enum status imports_get(struct store *s, int64_t id, struct import_entry *out, struct strbuf *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s,
                                   "SELECT " IMPORT_COLS ", (SELECT count(*) FROM usage_rollup u "
                                   "WHERE u.import_id = import.id)" IMPORT_FROM " WHERE id = ?",
                                   &st, err);
    if (rc != ST_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        entry_from_row(st, out);
        out->rollups = sqlite3_column_int64(st, 14);
    } else if (step == SQLITE_DONE) {
        sb_setf(err, "no import %lld", (long long)id);
        rc = ST_NOT_FOUND;
    } else {
        rc = store_error(s, step, "import", err);
    }
    sqlite3_finalize(st);
    return rc;
}

void import_entry_done(struct import_entry *e)
{
    if (!e)
        return;
    char *cols[] = {e->kind,  e->format,     e->file_name,   e->sha256, e->source,
                    e->actor, e->started_at, e->finished_at, e->status};
    for (int c = 0; c < 9; c++)
        free(cols[c]);
    memset(e, 0, sizeof *e);
}

void imports_free(struct import_entry *arr, size_t n)
{
    for (size_t i = 0; arr && i < n; i++)
        import_entry_done(&arr[i]);
    free(arr);
}

const char *imports_basename(const char *path)
{
    if (!path)
        return "";
    const char *end = path + strlen(path);
    while (end > path + 1 && end[-1] == '/') /* "dir/" names dir */
        end--;
    const char *p = end;
    while (p > path && p[-1] != '/')
        p--;
    return p;
}
