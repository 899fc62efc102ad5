/* Provider burn totals for the dashboard (see dashboard.h). */
#include "core/dashboard.h"

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

enum status dashboard_add_day(struct store *s, const char *currency, int32_t today, int32_t day,
                              struct provider_burn **rows, size_t *n, struct strbuf *err)
{
    static const char *const sql =
        "SELECT p.provider, sum(u.cost_micros) FROM usage_rollup u JOIN pool p ON p.id = "
        "u.pool_id WHERE u.day = ?2 AND u.category = 'usage' AND u.currency = ?1 AND p.unit = "
        "?1 GROUP BY p.provider";
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(s, sql, &st, err);
    if (rc != ST_OK)
        return rc;
    char d[DATE_BUF];
    store_bind_text(st, 1, currency);
    store_bind_text(st, 2, date_format(day, d));
    int y, m, dd;
    date_to_ymd(today, &y, &m, &dd);
    bool this_month = day >= date_from_ymd(y, m, 1);
    int k = DASHBOARD_DAYS - 1 - (today - day);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        struct provider_burn *r = row_for(rows, n, store_col_text(st, 0));
        int64_t v = sqlite3_column_int64(st, 1);
        if (this_month)
            r->month_consumed += v;
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
    for (int32_t day = dashboard_first_day(today); rc == ST_OK && day <= today; day++)
        rc = dashboard_add_day(s, currency, today, day, out, n, err);
    if (rc != ST_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
