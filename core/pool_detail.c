/* Breakdowns and decision history of one pool (see pool_detail.h). */
#include "core/pool_detail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/amount.h"
#include "core/date.h"
#include "core/xalloc.h"

static const char *const breakdown_column[] = {
    [PB_MODEL] = "model",
    [PB_API_KEY] = "api_key",
    [PB_WORKLOAD] = "workload",
};

void pool_shares_free(struct pool_share *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rows[i].name);
    free(rows);
}

enum status pool_breakdown(struct store *s, const struct pool *p, enum pool_breakdown_by by,
                           int32_t from, int32_t to, size_t limit, struct pool_share **out,
                           size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    const char *amount, *cond;
    bool binds_unit;
    pool_unit_measure(p, &amount, &cond, &binds_unit);
    struct strbuf sql;
    sb_init(&sql);
    sb_addf(&sql,
            "SELECT %s, coalesce(%s, 0) AS a, sum(requests) FROM usage_rollup WHERE pool_id = ?1 "
            "AND day >= ?2 AND day < ?3 AND category = 'usage'%s GROUP BY 1 HAVING a <> 0 "
            "ORDER BY a DESC, 1",
            breakdown_column[by], amount, cond);
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s, sb_str(&sql), &st, err);
    sb_done(&sql);
    if (rc != ST_OK)
        return rc;
    char a[DATE_BUF], b[DATE_BUF];
    store_bind_text(st, 1, p->id);
    store_bind_text(st, 2, date_format(from, a));
    store_bind_text(st, 3, date_format(to, b));
    if (binds_unit)
        store_bind_text(st, 4, p->unit);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = store_col_text(st, 0);
        if (limit && *n == limit) { /* the tail in one row */
            (*out)[limit - 1].amount += sqlite3_column_int64(st, 1);
            (*out)[limit - 1].requests += sqlite3_column_int64(st, 2);
            if (strcmp((*out)[limit - 1].name, "(other)") != 0) {
                free((*out)[limit - 1].name);
                (*out)[limit - 1].name = xstrdup("(other)");
            }
            continue;
        }
        *out = xreallocarray(*out, *n + 1, sizeof **out);
        struct pool_share *r = &(*out)[(*n)++];
        r->name = xstrdup(*name ? name : "(none)");
        r->amount = sqlite3_column_int64(st, 1);
        r->requests = sqlite3_column_int64(st, 2);
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "usage", err);
    sqlite3_finalize(st);
    if (rc != ST_OK) {
        pool_shares_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void pool_decisions_free(struct pool_decision *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].decided_at);
        free(rows[i].actor);
        free(rows[i].role);
        free(rows[i].action);
        free(rows[i].reason);
        free(rows[i].grant);
    }
    free(rows);
}

enum status pool_decisions(struct store *s, const char *pool_id, size_t limit,
                           struct pool_decision **out, size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(s,
                                "SELECT id, decided_at, actor, role, action, reason, "
                                "coalesce(json_extract(params, '$.grant'), ''), emergency, signed "
                                "FROM decision WHERE pool_id = ?1 ORDER BY decided_at DESC, id "
                                "DESC LIMIT ?2",
                                &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, pool_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        *out = xreallocarray(*out, *n + 1, sizeof **out);
        struct pool_decision *r = &(*out)[(*n)++];
        r->id = sqlite3_column_int64(st, 0);
        r->decided_at = xstrdup(store_col_text(st, 1));
        r->actor = xstrdup(store_col_text(st, 2));
        r->role = xstrdup(store_col_text(st, 3));
        r->action = xstrdup(store_col_text(st, 4));
        r->reason = xstrdup(store_col_text(st, 5));
        r->grant = xstrdup(store_col_text(st, 6));
        r->emergency = sqlite3_column_int(st, 7);
        r->is_signed = sqlite3_column_int(st, 8);
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "decisions", err);
    store_stmt_done(st);
    return rc;
}
