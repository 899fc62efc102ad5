/* Paged, filtered, sorted register queries for lists (see pool_browse.h). */
#include "core/pool_browse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ledger.h"
#include "core/pool.h"
#include "core/xalloc.h"

static const struct {
    const char *name;
    const char *order; /* ORDER BY expression, ascending; {D} is replaced by the direction */
} sorts[PS__COUNT] = {
    [PS_ID] = {"pool", "p.id {D}"},
    [PS_NAME] = {"name", "p.name COLLATE NOCASE {D}, p.id"},
    [PS_PROVIDER] = {"provider", "p.provider {D}, p.id"},
    [PS_ENV] = {"environment", "p.environment {D}, p.id"},
    [PS_OWNER] = {"owner", "coalesce(p.owner, '') {D}, p.id"},
    [PS_STATUS] = {"status", "p.status {D}, p.id"},
    [PS_RISK] = {"risk", "coalesce(f.sev, 0) {D}, coalesce(f.n, 0) {D}, p.id"},
    [PS_FINDINGS] = {"findings", "coalesce(f.n, 0) {D}, p.id"},
    [PS_UTIL] = {"utilisation", "coalesce(u.util, -1) {D}, p.id"},
};

const char *pool_sort_name(enum pool_sort s)
{
    return (unsigned)s < PS__COUNT ? sorts[s].name : "";
}

/* The pools with their open-findings summary and cached utilisation; ?1 search, ?2 provider,
 * ?3 environment, ?4 status, ?5 minimum severity. */
static const char browse_from[] =
    " FROM pool p"
    " LEFT JOIN temp.pool_findings f ON f.pool_id = p.id"
    " LEFT JOIN temp.pool_util u ON u.pool_id = p.id"
    " WHERE (?1 = '' OR instr(lower(p.id || ' ' || p.name || ' ' || coalesce(p.owner, '') || ' '"
    "   || coalesce(p.custodian, '') || ' ' || p.provider || ' ' || p.account), lower(?1)) > 0)"
    " AND (?2 = '' OR p.provider = ?2) AND (?3 = '' OR p.environment = ?3)"
    " AND (?4 = '' OR p.status = ?4) AND (?5 = 0 OR coalesce(f.sev, 0) >= ?5)";

/* The per-session tables the list joins: utilisation (pool_browse_compute_util) and the
 * open-findings summary (pool_browse_refresh), so each page and count is a keyed join. */
static enum status ensure_util_table(struct store *s, struct strbuf *err)
{
    return store_exec(s,
                      "CREATE TEMP TABLE IF NOT EXISTS pool_util (pool_id TEXT PRIMARY KEY, "
                      "util REAL NOT NULL);"
                      "CREATE TEMP TABLE IF NOT EXISTS pool_findings (pool_id TEXT PRIMARY KEY, "
                      "sev INTEGER NOT NULL, n INTEGER NOT NULL, rules TEXT NOT NULL)",
                      err);
}

enum status pool_browse_refresh(struct store *s, struct strbuf *err)
{
    enum status rc = ensure_util_table(s, err);
    if (rc == ST_OK)
        rc = store_exec(
            s,
            "DELETE FROM temp.pool_findings;"
            "INSERT INTO temp.pool_findings SELECT pool_id, max(CASE severity WHEN 'critical' "
            "THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END), count(*), "
            "group_concat(rule, ',') FROM (SELECT pool_id, severity, rule FROM finding WHERE "
            "state <> 'resolved' AND pool_id IS NOT NULL ORDER BY pool_id, rule) GROUP BY "
            "pool_id",
            err);
    return rc;
}

static void bind_filter(sqlite3_stmt *st, const struct pool_browse_filter *f)
{
    store_bind_text(st, 1, f->search ? f->search : "");
    store_bind_text(st, 2, f->provider ? f->provider : "");
    store_bind_text(st, 3, f->environment ? f->environment : "");
    store_bind_text(st, 4, f->status ? f->status : "");
    sqlite3_bind_int(st, 5, f->min_severity);
}

enum status pool_browse_count(struct store *s, const struct pool_browse_filter *f, size_t *n,
                              struct strbuf *err)
{
    *n = 0;
    enum status rc = ensure_util_table(s, err);
    if (rc != ST_OK)
        return rc;
    struct strbuf sql;
    sb_init(&sql);
    sb_addf(&sql, "SELECT count(*)%s", browse_from);
    sqlite3_stmt *st = NULL;
    rc = store_prepare(s, sb_str(&sql), &st, err);
    sb_done(&sql);
    if (rc != ST_OK)
        return rc;
    bind_filter(st, f);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *n = (size_t)sqlite3_column_int64(st, 0);
    else
        rc = store_error(s, step, "register", err);
    sqlite3_finalize(st);
    return rc;
}

void pool_briefs_free(struct pool_brief *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct pool_brief *r = &rows[i];
        free(r->id);
        free(r->name);
        free(r->provider);
        free(r->account);
        free(r->environment);
        free(r->owner);
        free(r->status);
        free(r->unit);
        free(r->rules);
    }
    free(rows);
}

/* Fills the current ledger of each row: the register fields and one ledger per row on the
 * page. */
static enum status page_ledgers(struct store *s, struct pool_brief *rows, size_t n, int32_t today,
                                struct strbuf *err)
{
    for (size_t i = 0; i < n; i++) {
        struct pool p;
        pool_init(&p);
        struct ledger_row cur;
        enum status rc = pool_get_fields(s, rows[i].id, &p, err);
        if (rc == ST_OK)
            rc = ledger_current(s, &p, today, &cur, err);
        pool_done(&p);
        if (rc != ST_OK)
            return rc;
        rows[i].consumed = cur.consumed;
        rows[i].available = cur.grant + cur.carry_in;
        rows[i].util_pct = ledger_utilization_pct(&cur);
    }
    return ST_OK;
}

enum status pool_browse_page(struct store *s, const struct pool_browse_filter *f,
                             enum pool_sort sort, bool desc, size_t offset, size_t limit,
                             int32_t today, struct pool_brief **out, size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    if ((unsigned)sort >= PS__COUNT)
        sort = PS_ID;
    enum status rc = ensure_util_table(s, err);
    if (rc != ST_OK)
        return rc;
    struct strbuf sql;
    sb_init(&sql);
    sb_addf(&sql,
            "SELECT p.id, p.name, p.provider, p.account, p.environment, coalesce(p.owner, ''), "
            "p.status, p.unit, coalesce(f.sev, 0), coalesce(f.n, 0), coalesce(f.rules, '')%s "
            "ORDER BY ",
            browse_from);
    for (const char *o = sorts[sort].order; *o;) { /* substitute the direction */
        if (strncmp(o, "{D}", 3) == 0) {
            sb_adds(&sql, desc ? "DESC" : "ASC");
            o += 3;
        } else {
            sb_addc(&sql, *o++);
        }
    }
    sb_adds(&sql, " LIMIT ?6 OFFSET ?7");
    sqlite3_stmt *st = NULL;
    rc = store_prepare(s, sb_str(&sql), &st, err);
    sb_done(&sql);
    if (rc != ST_OK)
        return rc;
    bind_filter(st, f);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)limit);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)offset);
    int step;
    size_t cap = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        struct pool_brief *r = &(*out)[(*n)++];
        memset(r, 0, sizeof *r);
        char **cols[] = {&r->id,          &r->name,  &r->provider, &r->account,
                         &r->environment, &r->owner, &r->status,   &r->unit};
        for (int c = 0; c < 8; c++)
            *cols[c] = xstrdup(store_col_text(st, c));
        r->top_severity = sqlite3_column_int(st, 8);
        r->nfindings = sqlite3_column_int(st, 9);
        r->rules = xstrdup(store_col_text(st, 10));
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "register", err);
    sqlite3_finalize(st);
    if (rc == ST_OK)
        rc = page_ledgers(s, *out, *n, today, err);
    if (rc != ST_OK) {
        pool_briefs_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

enum status pool_browse_compute_util(struct store *s, int32_t today, struct strbuf *err)
{
    enum status rc = ensure_util_table(s, err);
    if (rc != ST_OK)
        return rc;
    struct pool *pools = NULL;
    size_t n = 0;
    rc = pool_list(s, &pools, &n, err);
    if (rc == ST_OK)
        rc = store_exec(s, "DELETE FROM temp.pool_util", err);
    sqlite3_stmt *ins = NULL;
    if (rc == ST_OK)
        rc =
            store_prepare(s, "INSERT INTO temp.pool_util (pool_id, util) VALUES (?, ?)", &ins, err);
    for (size_t i = 0; rc == ST_OK && i < n; i++) {
        struct ledger_row cur;
        rc = ledger_current(s, &pools[i], today, &cur, err);
        if (rc != ST_OK)
            break;
        sqlite3_reset(ins);
        store_bind_text(ins, 1, pools[i].id);
        sqlite3_bind_double(ins, 2, ledger_utilization_pct(&cur));
        int step = sqlite3_step(ins);
        if (step != SQLITE_DONE)
            rc = store_error(s, step, "register", err);
    }
    sqlite3_finalize(ins);
    pools_free(&pools, n);
    return rc;
}
