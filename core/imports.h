/* Imports as a whole: running one usage file through detect -> database sink -> read -> commit
 * (the one pipeline the CLI and the console share), and the history of every import run. */
#ifndef CREDENCE_CORE_IMPORTS_H
#define CREDENCE_CORE_IMPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/hash.h"
#include "core/report.h"
#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "core/usage_import.h"

/* How core reaches the file readers without depending on importers/ (DESIGN.md section 7): the
 * caller (cli/) fills this from importers.h. Formats travel by name ("focus", "openai", ...). */
struct imports_reader {
    /* Names the format of path (*format static storage) and the export it recognised (*what,
     * static, may be NULL); a located error when unknown. */
    enum status (*detect)(const char *path, const char **format, const char **what,
                          struct strbuf *err);
    /* Reads path as format into sink, progress to rep; a located error on failure. */
    enum status (*read)(const char *format, const char *path, const struct usage_sink *sink,
                        const struct reporter *rep, struct strbuf *err);
};

struct imports_request {
    const char *path;         /* the file; recorded as its name */
    const char *format;       /* NULL or "auto": detected from the content */
    const char *actor;        /* login recorded on the import */
    bool skip_bad_rows;       /* import the readable rows, rejects to rejects_path */
    const char *rejects_path; /* used when skip_bad_rows (and rows are rejected) */
};

struct imports_result {
    bool already;                    /* the same SHA-256 was imported before: nothing done */
    char already_when[64];           /* that import's timestamp (ISO) */
    bool detected;                   /* the format came from detection */
    char format[32];                 /* the format read */
    char sha256[SHA256_HEX_BUF];     /* of the file */
    struct usage_import_summary sum; /* valid when the status is ST_OK and !already */
};

/* Imports one usage file in one transaction: hashes it, skips a file already imported (OK with
 * out->already), detects the format unless given (reported through rep's info), reads it into
 * the database sink and commits. On failure the database is unchanged and err holds the located
 * message ("nov.csv:7:3: ..."). rep may be NULL. */
enum status imports_run_file(struct store *s, const struct imports_reader *rd,
                             const struct imports_request *req, const struct reporter *rep,
                             struct imports_result *out, struct strbuf *err);

/* One row of the import table. */
struct import_entry {
    int64_t id;
    char *kind;        /* "usage", "people" or "register"; owned */
    char *format;      /* "" for people and register; owned */
    char *file_name;   /* as recorded (a path); owned */
    char *sha256;      /* owned */
    char *source;      /* provider + billing account, may be ""; owned */
    char *actor;       /* owned */
    char *started_at;  /* ISO timestamp; owned */
    char *finished_at; /* "" while unfinished; owned */
    char *status;      /* "done" or "superseded"; owned */
    int64_t rows_read, rows_imported, rows_rejected;
    int64_t cost_micros; /* sum of the file's cost column */
    int64_t rollups;     /* usage rollups still from this import (imports_get only, else -1) */
};

/* Every import, newest first. *out is a new array of *n; caller frees with imports_free. */
enum status imports_list(struct store *s, struct import_entry **out, size_t *n, struct strbuf *err);
/* One import by id, with its rollup count; ST_NOT_FOUND when unknown. The caller frees the
 * strings with import_entry_done. */
enum status imports_get(struct store *s, int64_t id, struct import_entry *out, struct strbuf *err);
/* Frees the strings of one entry (not the entry); NULL-safe. */
void import_entry_done(struct import_entry *e);
/* Frees an array from imports_list; NULL-safe. */
void imports_free(struct import_entry *arr, size_t n);

/* The last component of a path ("a/b/nov.csv" -> "nov.csv"); borrowed from path. */
const char *imports_basename(const char *path);

#endif
