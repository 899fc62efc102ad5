/* SQLite store: connection set-up, migrations, transactions and error translation. */
#include "core/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

extern const char store_schema_sql[]; /* generated from core/schema.sql */

/* Migration N -> N+1 is store_migrations[N - 1]. TO ADD A MIGRATION: see core/schema.sql. */
static const char *const store_migrations[] = {
    /* 1 -> 2: index a pool's review items (queues looked them up by scanning) */
    "CREATE INDEX IF NOT EXISTS review_item_pool ON review_item(pool_id, reviewer, state);",
    /* 2 -> 3: the pool/day index covers the ledger's columns (read from the index alone) */
    "DROP INDEX IF EXISTS usage_pool_day; CREATE INDEX usage_pool_day ON usage_rollup(pool_id, "
    "day, category, currency, cost_micros, tokens, credits_micros, credits_unit);",
    NULL};
#define STORE_MIGRATION_COUNT (sizeof store_migrations / sizeof store_migrations[0] - 1)

enum status store_error(struct store *s, int rc, const char *what, struct strbuf *err)
{
    int prim = rc & 0xff;
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
        sb_setf(err, "database is busy: another credence is writing to %s; try again",
                s && s->path ? s->path : "the database");
        return ST_DB_BUSY;
    }
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    sb_setf(err, "%s: %s", what, msg);
    if (prim == SQLITE_CANTOPEN || prim == SQLITE_PERM || prim == SQLITE_READONLY)
        return ST_NO_INPUT;
    if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT)
        return ST_BAD_DATA;
    if (prim == SQLITE_IOERR || prim == SQLITE_FULL)
        return ST_IO;
    return ST_INTERNAL;
}

enum status store_prepare(struct store *s, const char *sql, sqlite3_stmt **stmt, struct strbuf *err)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL);
    if (rc != SQLITE_OK)
        return store_error(s, rc, "prepare", err);
    return ST_OK;
}

enum status store_exec(struct store *s, const char *sql, struct strbuf *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    if (rc != SQLITE_OK)
        return store_error(s, rc, "database", err);
    return ST_OK;
}

enum status store_stmt(struct store *s, const char *sql, sqlite3_stmt **stmt, struct strbuf *err)
{
    for (int i = 0; i < s->ncache; i++) {
        if (s->cache[i].sql == sql) {
            sqlite3_reset(s->cache[i].stmt);
            sqlite3_clear_bindings(s->cache[i].stmt);
            *stmt = s->cache[i].stmt;
            return ST_OK;
        }
    }
    if (s->ncache == STORE_STMT_CACHE) {
        /* The hot statements are a fixed set of literals; running out is a programming error. */
        fprintf(stderr, "credence: statement cache full (raise STORE_STMT_CACHE)\n");
        abort();
    }
    enum status st = store_prepare(s, sql, stmt, err);
    if (st == ST_OK) {
        s->cache[s->ncache].sql = sql;
        s->cache[s->ncache].stmt = *stmt;
        s->ncache++;
    }
    return st;
}

void store_stmt_done(sqlite3_stmt *stmt)
{
    if (stmt)
        sqlite3_reset(stmt);
}

enum status store_exec_args(struct store *s, const char *sql, const char *const *args, int n,
                            struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s, sql, &st, err);
    if (rc != ST_OK)
        return rc;
    for (int i = 0; i < n; i++)
        store_bind_text(st, i + 1, args[i]);
    int step = sqlite3_step(st);
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "database", err);
    sqlite3_finalize(st);
    return rc;
}

void store_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s)
        sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, idx);
}

const char *store_col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

enum status store_begin(struct store *s, struct strbuf *err)
{
    return store_exec(s, "BEGIN IMMEDIATE", err);
}

enum status store_commit(struct store *s, struct strbuf *err)
{
    enum status st = store_exec(s, "COMMIT", err);
    if (st != ST_OK)
        store_rollback(s);
    return st;
}

void store_rollback(struct store *s)
{
    if (s && s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

char *store_default_path(void)
{
    const char *env = getenv("CREDENCE_DB");
    if (env && *env)
        return xstrdup(env);
    struct strbuf sb;
    sb_init(&sb);
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg == '/') {
        sb_addf(&sb, "%s/credence/credence.db", xdg);
    } else {
        const char *home = getenv("HOME");
        sb_addf(&sb, "%s/.local/share/credence/credence.db", home && *home ? home : ".");
    }
    return sb_steal(&sb);
}

enum status store_make_parent_dirs(const char *path, struct strbuf *err)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    enum status st = ST_OK;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; st == ST_OK; p++) {
            if (*p != '/' && *p != '\0')
                continue;
            char saved = *p;
            *p = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
                sb_setf(err, "cannot create directory %s: %s", dir, strerror(errno));
                st = ST_NO_INPUT;
            }
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    free(dir);
    return st;
}

int64_t store_pragma_int(struct store *s, const char *pragma)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s", pragma);
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int store_user_version(struct store *s)
{
    return (int)store_pragma_int(s, "user_version");
}

static int store_busy_timeout_ms(void)
{
    const char *env = getenv("CREDENCE_BUSY_TIMEOUT_MS");
    if (env && *env) {
        long v = strtol(env, NULL, 10);
        if (v >= 0 && v <= 600000)
            return (int)v;
    }
    return 5000;
}

/* Creates or upgrades the schema inside one write transaction. */
static enum status store_migrate(struct store *s, struct strbuf *err)
{
    int v = store_user_version(s);
    if (v < 0)
        return store_error(s, sqlite3_errcode(s->db), "reading the schema version", err);
    s->migrated_from = v;
    if (v == STORE_SCHEMA_VERSION)
        return ST_OK;
    if (v > STORE_SCHEMA_VERSION) {
        sb_setf(err,
                "%s has schema version %d, newer than this credence understands (%d); "
                "use a newer credence",
                s->path, v, STORE_SCHEMA_VERSION);
        return ST_DB_VERSION;
    }
    enum status st = store_begin(s, err);
    if (st != ST_OK)
        return st;
    v = store_user_version(s); /* another process may have migrated while we waited */
    if (v == 0) {
        sqlite3_stmt *chk = NULL;
        int tables = 0;
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &chk, NULL) ==
                SQLITE_OK &&
            sqlite3_step(chk) == SQLITE_ROW)
            tables = sqlite3_column_int(chk, 0);
        sqlite3_finalize(chk);
        if (tables > 0) {
            store_rollback(s);
            sb_setf(err,
                    "%s is a SQLite database but not a credence one (user_version 0 with %d "
                    "objects); refusing to touch it",
                    s->path, tables);
            return ST_BAD_DATA;
        }
        st = store_exec(s, store_schema_sql, err);
        v = STORE_SCHEMA_VERSION;
    } else {
        for (; st == ST_OK && v < STORE_SCHEMA_VERSION; v++) {
            if ((size_t)v > STORE_MIGRATION_COUNT || !store_migrations[v - 1]) {
                sb_setf(err, "no migration from schema version %d", v);
                st = ST_INTERNAL;
                break;
            }
            st = store_exec(s, store_migrations[v - 1], err);
        }
    }
    if (st == ST_OK) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
        st = store_exec(s, pragma, err);
    }
    if (st == ST_OK)
        st = store_commit(s, err);
    else
        store_rollback(s);
    return st;
}

enum status store_open(const char *path, enum store_open_mode mode, struct store **out,
                       struct strbuf *err)
{
    *out = NULL;
    struct stat stb;
    bool exists = stat(path, &stb) == 0;
    if (!exists && mode == STORE_EXISTING) {
        sb_setf(err, "no database at %s: run 'credence init' first (or pass --db)", path);
        return ST_NO_INPUT;
    }
    if (!exists) {
        enum status st = store_make_parent_dirs(path, err);
        if (st != ST_OK)
            return st;
    }
    struct store *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    int flags = SQLITE_OPEN_READWRITE | (mode == STORE_CREATE ? SQLITE_OPEN_CREATE : 0) |
                SQLITE_OPEN_NOMUTEX;
    mode_t old = umask(077); /* a new database file is private: 0600 */
    int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    umask(old);
    enum status st = ST_OK;
    if (rc != SQLITE_OK) {
        st = store_error(s, rc, path, err);
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, store_busy_timeout_ms());
    /* journal_mode needs a lock on a new file; the busy timeout covers it. */
    st = store_exec(s,
                    "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
                    "PRAGMA synchronous = FULL; PRAGMA trusted_schema = OFF;",
                    err);
    if (st != ST_OK)
        goto fail;
    st = store_migrate(s, err);
    if (st != ST_OK)
        goto fail;
    *out = s;
    return ST_OK;
fail:
    store_free(&s);
    return st;
}

void store_free(struct store **pp)
{
    if (!pp || !*pp)
        return;
    struct store *s = *pp;
    for (int i = 0; i < s->ncache; i++)
        sqlite3_finalize(s->cache[i].stmt);
    if (s->db) {
        store_rollback(s);
        sqlite3_close_v2(s->db);
    }
    free(s->path);
    free(s);
    *pp = NULL;
}
