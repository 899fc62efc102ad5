/* Pool records: loading from the store, JSON for audit, period arithmetic, consumption. */
#include "core/pool.h"

#include <stdlib.h>
#include <string.h>

#include "core/amount.h"
#include "core/date.h"
#include "core/xalloc.h"

void pool_init(struct pool *p)
{
    memset(p, 0, sizeof *p);
    p->rollover_cap_pct = -1;
    p->rollover_max_periods = -1;
    p->expires_on = POOL_NO_DATE;
    p->last_review = POOL_NO_DATE;
    p->review_threshold_pct = -1;
}

static void entries_free(struct pool_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].kind);
        free(e[i].value);
    }
    free(e);
}

void pool_done(struct pool *p)
{
    char **strs[] = {&p->id,     &p->name,      &p->provider,     &p->account,
                     &p->owner,  &p->custodian, &p->environment,  &p->unit,
                     &p->period, &p->rollover,  &p->contract_ref, &p->status};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(*strs[i]);
    entries_free(p->bindings, p->nbindings);
    entries_free(p->scope, p->nscope);
    pool_init(p);
}

void pool_add_entry(struct pool_entry **arr, size_t *n, const char *kind, size_t klen,
                    const char *value, size_t vlen)
{
    *arr = xreallocarray(*arr, *n + 1, sizeof **arr);
    (*arr)[*n].kind = xstrndup(kind, klen);
    (*arr)[*n].value = xstrndup(value, vlen);
    (*n)++;
}

void pools_free(struct pool **arr, size_t n)
{
    if (!arr || !*arr)
        return;
    for (size_t i = 0; i < n; i++)
        pool_done(&(*arr)[i]);
    free(*arr);
    *arr = NULL;
}

#define POOL_COLUMNS                                                                               \
    "id, name, provider, account, coalesce(owner, ''), coalesce(custodian, ''), environment, "     \
    "grant_micros, unit, period, rollover, rollover_cap_pct, rollover_max_periods, starts_on, "    \
    "expires_on, review_interval_days, review_threshold_pct, contract_ref, status, last_review"

static int32_t col_date(sqlite3_stmt *st, int c)
{
    int32_t d;
    const char *s = store_col_text(st, c);
    return sqlite3_column_type(st, c) != SQLITE_NULL && date_parse(s, strlen(s), &d) ? d
                                                                                     : POOL_NO_DATE;
}

static void pool_from_row(sqlite3_stmt *st, struct pool *p)
{
    pool_init(p);
    p->id = xstrdup(store_col_text(st, 0));
    p->name = xstrdup(store_col_text(st, 1));
    p->provider = xstrdup(store_col_text(st, 2));
    p->account = xstrdup(store_col_text(st, 3));
    p->owner = xstrdup(store_col_text(st, 4));
    p->custodian = xstrdup(store_col_text(st, 5));
    p->environment = xstrdup(store_col_text(st, 6));
    p->grant_micros = sqlite3_column_int64(st, 7);
    p->unit = xstrdup(store_col_text(st, 8));
    p->period = xstrdup(store_col_text(st, 9));
    p->rollover = xstrdup(store_col_text(st, 10));
    if (sqlite3_column_type(st, 11) != SQLITE_NULL)
        p->rollover_cap_pct = sqlite3_column_double(st, 11);
    if (sqlite3_column_type(st, 12) != SQLITE_NULL)
        p->rollover_max_periods = sqlite3_column_int(st, 12);
    p->starts_on = col_date(st, 13);
    p->expires_on = col_date(st, 14);
    p->review_interval_days = sqlite3_column_int(st, 15);
    p->review_threshold_pct =
        sqlite3_column_type(st, 16) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 16);
    p->contract_ref = xstrdup(store_col_text(st, 17));
    p->status = xstrdup(store_col_text(st, 18));
    p->last_review = col_date(st, 19);
}

/* Loads bindings and scope of every pool in arr (sorted by id) with two ordered scans. */
static enum status pool_load_entries(struct store *s, struct pool *arr, size_t n,
                                     const char *only_id, struct strbuf *err)
{
    static const struct {
        const char *sql_all, *sql_one;
        size_t off, noff;
    } kinds[] = {
        {"SELECT pool_id, kind, value FROM binding ORDER BY pool_id, kind, value",
         "SELECT pool_id, kind, value FROM binding WHERE pool_id = ? ORDER BY kind, value",
         offsetof(struct pool, bindings), offsetof(struct pool, nbindings)},
        {"SELECT pool_id, kind, pattern FROM scope_entry ORDER BY pool_id, kind, pattern",
         "SELECT pool_id, kind, pattern FROM scope_entry WHERE pool_id = ? ORDER BY kind, pattern",
         offsetof(struct pool, scope), offsetof(struct pool, nscope)},
    };
    for (size_t k = 0; k < 2; k++) {
        sqlite3_stmt *st = NULL;
        enum status rc = store_stmt(s, only_id ? kinds[k].sql_one : kinds[k].sql_all, &st, err);
        if (rc != ST_OK)
            return rc;
        if (only_id)
            store_bind_text(st, 1, only_id);
        size_t i = 0;
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            const char *pid = store_col_text(st, 0);
            while (i < n && strcmp(arr[i].id, pid) < 0)
                i++;
            if (i == n)
                break;
            if (strcmp(arr[i].id, pid) != 0)
                continue;
            char *base = (char *)&arr[i];
            struct pool_entry **ents = (struct pool_entry **)(void *)(base + kinds[k].off);
            size_t *cnt = (size_t *)(void *)(base + kinds[k].noff);
            const char *kind = store_col_text(st, 1), *val = store_col_text(st, 2);
            pool_add_entry(ents, cnt, kind, strlen(kind), val, strlen(val));
        }
        if (step != SQLITE_ROW && step != SQLITE_DONE)
            rc = store_error(s, step, "register", err);
        store_stmt_done(st);
        if (rc != ST_OK)
            return rc;
    }
    return ST_OK;
}

enum status pool_get(struct store *s, const char *id, struct pool *out, struct strbuf *err)
{
    enum status rc = pool_get_fields(s, id, out, err);
    if (rc == ST_OK)
        rc = pool_load_entries(s, out, 1, id, err);
    return rc;
}

enum status pool_get_fields(struct store *s, const char *id, struct pool *out, struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(s, "SELECT " POOL_COLUMNS " FROM pool WHERE id = ?", &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        pool_done(out);
        pool_from_row(st, out);
    } else if (step == SQLITE_DONE) {
        sb_setf(err, "no pool '%s' in the register", id);
        rc = ST_NOT_FOUND;
    } else {
        rc = store_error(s, step, "register", err);
    }
    store_stmt_done(st);
    return rc;
}

enum status pool_list(struct store *s, struct pool **out, size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s, "SELECT " POOL_COLUMNS " FROM pool ORDER BY id", &st, err);
    if (rc != ST_OK)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        pool_from_row(st, &(*out)[(*n)++]);
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "register", err);
    sqlite3_finalize(st);
    if (rc == ST_OK)
        rc = pool_load_entries(s, *out, *n, NULL, err);
    if (rc != ST_OK)
        pools_free(out, *n);
    return rc;
}

static json_t *entries_json(const struct pool_entry *e, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_sprintf("%s:%s", e[i].kind, e[i].value));
    return a;
}

static int cmp_json_str(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

static json_t *sorted_entries_json(const struct pool_entry *e, size_t n)
{
    json_t *a = entries_json(e, n);
    size_t len = json_array_size(a);
    if (len > 1) {
        json_t **items = xcalloc(len, sizeof *items);
        for (size_t i = 0; i < len; i++)
            items[i] = json_incref(json_array_get(a, i));
        qsort(items, len, sizeof *items, cmp_json_str);
        json_array_clear(a);
        for (size_t i = 0; i < len; i++)
            json_array_append_new(a, items[i]);
        free(items);
    }
    return a;
}

static json_t *date_json(int32_t d)
{
    char buf[DATE_BUF];
    return d == POOL_NO_DATE ? json_null() : json_string(date_format(d, buf));
}

json_t *pool_register_json(const struct pool *p)
{
    char grant[AMOUNT_BUF];
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "provider", json_string(p->provider));
    json_object_set_new(o, "account", json_string(p->account));
    json_object_set_new(o, "business_owner", json_string(p->owner));
    json_object_set_new(o, "technical_custodian", json_string(p->custodian));
    json_object_set_new(o, "environment", json_string(p->environment));
    json_object_set_new(o, "grant", json_string(amount_format(p->grant_micros, 6, false, grant)));
    json_object_set_new(o, "unit", json_string(p->unit));
    json_object_set_new(o, "period", json_string(p->period));
    json_object_set_new(o, "rollover", json_string(p->rollover));
    json_object_set_new(o, "rollover_cap_pct",
                        p->rollover_cap_pct < 0 ? json_null()
                                                : json_sprintf("%g", p->rollover_cap_pct));
    json_object_set_new(o, "rollover_max_periods",
                        p->rollover_max_periods < 0 ? json_null()
                                                    : json_integer(p->rollover_max_periods));
    json_object_set_new(o, "starts_on", date_json(p->starts_on));
    json_object_set_new(o, "expires_on", date_json(p->expires_on));
    json_object_set_new(o, "review_interval_days", json_integer(p->review_interval_days));
    json_object_set_new(o, "review_threshold_pct",
                        p->review_threshold_pct < 0 ? json_null()
                                                    : json_sprintf("%g", p->review_threshold_pct));
    json_object_set_new(o, "contract_ref", json_string(p->contract_ref));
    json_object_set_new(o, "status", json_string(p->status));
    json_object_set_new(o, "last_review", date_json(p->last_review));
    json_object_set_new(o, "bindings", sorted_entries_json(p->bindings, p->nbindings));
    json_object_set_new(o, "scope", sorted_entries_json(p->scope, p->nscope));
    return o;
}

int pool_period_months(const struct pool *p)
{
    if (strcmp(p->period, "quarterly") == 0)
        return 3;
    if (strcmp(p->period, "annual") == 0)
        return 12;
    return 1;
}

void pool_period_bounds(const struct pool *p, int32_t day, int32_t *start, int32_t *end)
{
    int months = pool_period_months(p);
    int sy, sm, sd, y, m, d;
    date_to_ymd(p->starts_on, &sy, &sm, &sd);
    date_to_ymd(day, &y, &m, &d);
    /* Whole periods elapsed since starts_on, counted in months, then corrected by one when the
     * day-of-month clamp puts the candidate start after day. */
    int k = ((y - sy) * 12 + (m - sm));
    k = k >= 0 ? k / months : -((-k + months - 1) / months);
    int32_t s = date_add_months(p->starts_on, k * months);
    while (s > day) {
        k--;
        s = date_add_months(p->starts_on, k * months);
    }
    int32_t e = date_add_months(p->starts_on, (k + 1) * months);
    while (e <= day) {
        k++;
        s = e;
        e = date_add_months(p->starts_on, (k + 1) * months);
    }
    *start = s;
    *end = e;
}

/* How consumption is measured in each kind of unit (DESIGN.md section 2): the amount over
 * usage_rollup, the extra condition (?4 binds the currency), and the two hot queries built from
 * them as literals so store_stmt can keep them prepared. TO ADD A UNIT KIND: a row here. */
#define MEASURE_FROM                                                                               \
    " FROM usage_rollup WHERE pool_id = ?1 AND day >= ?2 AND day < ?3 AND category = 'usage'"
#define UNIT_MEASURE(amount, cond, binds)                                                          \
    {                                                                                              \
        amount, cond, binds, "SELECT coalesce(" amount ", 0)" MEASURE_FROM cond,                   \
            "SELECT day, " amount MEASURE_FROM cond " GROUP BY day"                                \
    }
static const struct unit_measure_row {
    const char *amount, *cond;
    bool binds_unit;
    const char *sql_consumed, *sql_daily;
} unit_measures[] = {
    UNIT_MEASURE("sum(tokens) * 1000000", "", false),                      /* tokens */
    UNIT_MEASURE("sum(credits_micros)", " AND credits_unit <> ''", false), /* credits */
    UNIT_MEASURE("sum(cost_micros)", " AND currency = ?4", true),          /* a currency */
};
#undef UNIT_MEASURE
#undef MEASURE_FROM

static const struct unit_measure_row *measure_of(const struct pool *p)
{
    return strcmp(p->unit, "tokens") == 0    ? &unit_measures[0]
           : strcmp(p->unit, "credits") == 0 ? &unit_measures[1]
                                             : &unit_measures[2];
}

void pool_unit_measure(const struct pool *p, const char **amount, const char **cond,
                       bool *binds_unit)
{
    const struct unit_measure_row *m = measure_of(p);
    *amount = m->amount;
    *cond = m->cond;
    *binds_unit = m->binds_unit;
}

/* Prepares one of the measure queries for p over [from, to). */
static enum status measure_stmt(struct store *s, const struct pool *p, const char *sql,
                                int32_t from, int32_t to, sqlite3_stmt **st, struct strbuf *err)
{
    enum status rc = store_stmt(s, sql, st, err);
    if (rc != ST_OK)
        return rc;
    char a[DATE_BUF], b[DATE_BUF];
    store_bind_text(*st, 1, p->id);
    store_bind_text(*st, 2, date_format(from, a));
    store_bind_text(*st, 3, date_format(to, b));
    if (measure_of(p)->binds_unit)
        store_bind_text(*st, 4, p->unit);
    return ST_OK;
}

enum status pool_consumed(struct store *s, const struct pool *p, int32_t from, int32_t to,
                          int64_t *micros, struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc = measure_stmt(s, p, measure_of(p)->sql_consumed, from, to, &st, err);
    if (rc != ST_OK)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *micros = sqlite3_column_int64(st, 0);
    else
        rc = store_error(s, step, "usage", err);
    store_stmt_done(st);
    return rc;
}

enum status pool_finding_rules(struct store *s, const char *pool_id, char ***rules, size_t *n,
                               struct strbuf *err)
{
    *rules = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(s,
                                "SELECT DISTINCT rule FROM finding WHERE pool_id = ? AND "
                                "state <> 'resolved' ORDER BY rule",
                                &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, pool_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        *rules = xreallocarray(*rules, *n + 1, sizeof **rules);
        (*rules)[(*n)++] = xstrdup(store_col_text(st, 0));
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "findings", err);
    store_stmt_done(st);
    return rc;
}

enum status pool_daily(struct store *s, const struct pool *p, int32_t from, int32_t to,
                       int64_t *out, struct strbuf *err)
{
    for (int32_t d = from; d < to; d++)
        out[d - from] = 0;
    sqlite3_stmt *st = NULL;
    enum status rc = measure_stmt(s, p, measure_of(p)->sql_daily, from, to, &st, err);
    if (rc != ST_OK)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int32_t d;
        const char *t = store_col_text(st, 0);
        if (date_parse(t, strlen(t), &d) && d >= from && d < to)
            out[d - from] = sqlite3_column_int64(st, 1);
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "usage", err);
    store_stmt_done(st);
    return rc;
}
