/* Provider burn totals for the dashboard (see dashboard.h). */
#include "core/dashboard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/xalloc.h"

static struct provider_burn *row_for(struct provider_burn **rows, size_t *n, const char *provider)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*rows)[i].provider, provider) == 0)
            return &(*rows)[i];
    *rows = xreallocarray(*rows, *n + 1, sizeof **rows);
    struct provider_burn *r = &(*rows)[(*n)++];
    memset(r, 0, sizeof *r);
    snprintf(r->provider, sizeof r->provider, "%s", provider);
    return r;
}

int32_t dashboard_first_day(int32_t today)
{
    int y, m, d;
    date_to_ymd(today, &y, &m, &d);
    int32_t month_start = date_from_ymd(y, m, 1);
    return today - DASHBOARD_DAYS + 1 < month_start ? today - DASHBOARD_DAYS + 1 : month_start;
}

enum status dashboard_grants(struct store *s, const char *currency, struct provider_burn **out,
                             size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    /* grants as a monthly equivalent: a quarterly grant counts a third, an annual a twelfth */
    static const char *const sql =
        "SELECT provider, count(*), sum(CASE period WHEN 'quarterly' THEN grant_micros / 3 "
        "WHEN 'annual' THEN grant_micros / 12 ELSE grant_micros END) FROM pool WHERE unit = ?1 "
        "AND status IN ('active', 'reduced') GROUP BY provider ORDER BY provider";
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(s, sql, &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, currency);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        struct provider_burn *r = row_for(out, n, store_col_text(st, 0));
        r->pools = sqlite3_column_int(st, 1);
        r->month_grant = sqlite3_column_int64(st, 2);
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "register", err);
    store_stmt_done(st);
    return rc;
}

enum status dashboard_add_usage(struct store *s, const char *currency, int32_t today,
                                struct provider_burn **rows, size_t *n, struct strbuf *err)
{
    /* pool by pool through the covering (pool, day) index: one seek per pool and only its days
     * in the window, instead of every rollup of each day looked up in the table (seconds at
     * millions of rollups); CROSS JOIN keeps the pool as the outer loop */
    static const char *const sql =
        "SELECT p.provider, u.day, sum(u.cost_micros) FROM pool p CROSS JOIN usage_rollup u "
        "INDEXED BY usage_pool_day ON u.pool_id = p.id AND u.day >= ?2 AND u.day <= ?3 WHERE "
        "p.unit = ?1 AND u.category = 'usage' AND u.currency = ?1 GROUP BY p.provider, u.day";
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(s, sql, &st, err);
    if (rc != ST_OK)
        return rc;
    char from[DATE_BUF], to[DATE_BUF];
    store_bind_text(st, 1, currency);
    store_bind_text(st, 2, date_format(dashboard_first_day(today), from));
    store_bind_text(st, 3, date_format(today, to));
    int y, m, dd;
    date_to_ymd(today, &y, &m, &dd);
    int32_t month_start = date_from_ymd(y, m, 1);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *ds = store_col_text(st, 1);
        int32_t day;
        if (!date_parse(ds, strlen(ds), &day))
            continue;
        struct provider_burn *r = row_for(rows, n, store_col_text(st, 0));
        int64_t v = sqlite3_column_int64(st, 2);
        if (day >= month_start)
            r->month_consumed += v;
        int k = DASHBOARD_DAYS - 1 - (today - day);
        if (k >= 0 && k < DASHBOARD_DAYS)
            r->daily[k] += v;
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "usage", err);
    store_stmt_done(st);
    return rc;
}

enum status dashboard_burn(struct store *s, const char *currency, int32_t today,
                           struct provider_burn **out, size_t *n, struct strbuf *err)
{
    enum status rc = dashboard_grants(s, currency, out, n, err);
    if (rc == ST_OK)
        rc = dashboard_add_usage(s, currency, today, out, n, err);
    if (rc != ST_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- on a thread -------------------------------------------------------------------------- */

struct dashboard_job {
    pthread_t thread;
    char *path, currency[8];
    int32_t today;
    pthread_mutex_t lock; /* guards db and cancelled */
    sqlite3 *db;          /* the worker's connection while it runs, for dashboard_job_cancel */
    bool cancelled;
    atomic_bool done;
    enum status rc;
    struct strbuf err;
    struct provider_burn *rows;
    size_t n;
};

static void *dashboard_worker(void *arg)
{
    struct dashboard_job *j = arg;
    struct store *s = NULL;
    j->rc = store_open(j->path, STORE_EXISTING, &s, &j->err);
    if (j->rc == ST_OK) {
        /* publish the connection for a cancel to interrupt; a cancel that came first stops it
         * before it starts; the connection is withdrawn before it is closed */
        pthread_mutex_lock(&j->lock);
        j->db = s->db;
        if (j->cancelled)
            sqlite3_interrupt(s->db);
        pthread_mutex_unlock(&j->lock);
        j->rc = dashboard_burn(s, j->currency, j->today, &j->rows, &j->n, &j->err);
        pthread_mutex_lock(&j->lock);
        j->db = NULL;
        pthread_mutex_unlock(&j->lock);
        store_free(&s);
    }
    atomic_store(&j->done, true);
    return NULL;
}

enum status dashboard_job_start(const char *db_path, const char *currency, int32_t today,
                                struct dashboard_job **out, struct strbuf *err)
{
    struct dashboard_job *j = xcalloc(1, sizeof *j);
    j->path = xstrdup(db_path);
    snprintf(j->currency, sizeof j->currency, "%s", currency);
    j->today = today;
    sb_init(&j->err);
    pthread_mutex_init(&j->lock, NULL);
    atomic_init(&j->done, false);
    if (pthread_create(&j->thread, NULL, dashboard_worker, j) != 0) {
        sb_setf(err, "cannot start a thread for the dashboard");
        sb_done(&j->err);
        pthread_mutex_destroy(&j->lock);
        free(j->path);
        free(j);
        *out = NULL;
        return ST_INTERNAL;
    }
    *out = j;
    return ST_OK;
}

bool dashboard_job_done(struct dashboard_job *j)
{
    return atomic_load(&j->done);
}

enum status dashboard_job_take(struct dashboard_job **jp, struct provider_burn **out, size_t *n,
                               struct strbuf *err)
{
    struct dashboard_job *j = *jp;
    *jp = NULL;
    pthread_join(j->thread, NULL);
    enum status rc = j->rc;
    *out = j->rows;
    *n = j->n;
    if (rc != ST_OK)
        sb_setf(err, "%s", sb_str(&j->err));
    sb_done(&j->err);
    pthread_mutex_destroy(&j->lock);
    free(j->path);
    free(j);
    return rc;
}

void dashboard_job_cancel(struct dashboard_job **jp)
{
    if (!jp || !*jp)
        return;
    /* stop the query where it is (sqlite3_interrupt may come from any thread) */
    pthread_mutex_lock(&(*jp)->lock);
    (*jp)->cancelled = true;
    if ((*jp)->db)
        sqlite3_interrupt((*jp)->db);
    pthread_mutex_unlock(&(*jp)->lock);
    struct provider_burn *rows = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    dashboard_job_take(jp, &rows, &n, &err);
    free(rows);
    sb_done(&err);
}
