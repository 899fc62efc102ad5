/* The SQLite store: open/create with WAL, foreign keys and a busy timeout, schema migrations by
 * PRAGMA user_version, IMMEDIATE write transactions, and translation of SQLite errors into
 * credence statuses at this boundary. Only core/ modules use the raw sqlite3 handle. */
#ifndef CREDENCE_CORE_STORE_H
#define CREDENCE_CORE_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"
#include "core/strbuf.h"

/* The schema version this build writes and understands. */
#define STORE_SCHEMA_VERSION 3

enum store_open_mode {
    STORE_EXISTING, /* the database must exist (ST_NO_INPUT "run credence init" otherwise) */
    STORE_CREATE,   /* create the file and its parent directories (mode 0700) when missing */
};

#define STORE_STMT_CACHE 64

struct store {
    sqlite3 *db;       /* the connection; owned */
    char *path;        /* owned */
    int migrated_from; /* user_version found at open (0 for a new database) */
    struct {
        const char *sql;       /* the caller's static SQL text (compared by address) */
        sqlite3_stmt *stmt;    /* prepared once, reset between uses */
    } cache[STORE_STMT_CACHE]; /* hot statements (store_stmt) */
    int ncache;
};

/* Opens path, applies pragmas, and creates or migrates the schema. A database whose
 * user_version is newer than STORE_SCHEMA_VERSION is refused (ST_DB_VERSION). On success
 * *out is a new store the caller frees with store_free. */
enum status store_open(const char *path, enum store_open_mode mode, struct store **out,
                       struct strbuf *err);
void store_free(struct store **pp);

/* BEGIN IMMEDIATE: takes the write lock now, waiting up to the busy timeout; ST_DB_BUSY after. */
enum status store_begin(struct store *s, struct strbuf *err);
enum status store_commit(struct store *s, struct strbuf *err);
/* Rolls back if a transaction is open; safe to call after a failed commit. */
void store_rollback(struct store *s);

/* Translates a SQLite result code (with the connection's message) into a status and a message
 * starting with `what`. SQLITE_BUSY/LOCKED become ST_DB_BUSY "database is busy". */
enum status store_error(struct store *s, int rc, const char *what, struct strbuf *err);
/* Prepares sql; on failure returns ST_INTERNAL with the SQLite message. Caller finalizes. */
enum status store_prepare(struct store *s, const char *sql, sqlite3_stmt **stmt,
                          struct strbuf *err);
/* Like store_prepare for hot paths: sql must be a string with static storage (a literal); the
 * statement is prepared once per connection and handed out reset with cleared bindings. The
 * caller must NOT finalize it: it calls store_stmt_done when finished, and must not use the
 * same statement twice at once (no nesting of the same query). */
enum status store_stmt(struct store *s, const char *sql, sqlite3_stmt **stmt, struct strbuf *err);
/* The integer a read-only pragma gives ("user_version", "data_version"); -1 when it fails. */
int64_t store_pragma_int(struct store *s, const char *pragma);
/* Resets a statement from store_stmt (NULL is ignored). */
void store_stmt_done(sqlite3_stmt *stmt);
/* Runs one statement binding args[0..n) as text (NULL binds NULL). */
enum status store_exec_args(struct store *s, const char *sql, const char *const *args, int n,
                            struct strbuf *err);
/* Runs SQL with no results (may hold several statements). */
enum status store_exec(struct store *s, const char *sql, struct strbuf *err);

/* Bind helpers: NULL text binds SQL NULL. */
void store_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Column text or "" for NULL; borrowed until the next step/finalize. */
const char *store_col_text(sqlite3_stmt *st, int col);

/* The default database path: $CREDENCE_DB, else $XDG_DATA_HOME/credence/credence.db, else
 * ~/.local/share/credence/credence.db. Caller frees. */
char *store_default_path(void);
/* Creates every missing parent directory of path with mode 0700. */
enum status store_make_parent_dirs(const char *path, struct strbuf *err);

#endif
