/* Rule evaluation. Every evaluator reads one pool's ledger row, its recent daily consumption and
 * its rollups; the numbers that fire a rule go into both the explanation and the detail JSON. */
#include "core/rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/amount.h"
#include "core/date.h"
#include "core/ledger.h"
#include "core/pool.h"
#include "core/text.h"
#include "core/xalloc.h"

static const struct {
    const char *id, *severity, *description;
} rule_rows[RULE__COUNT] = {
#define RULE_ROW_(e, id, sev, desc) [RULE_##e] = {id, sev, desc},
    RULE_TABLE(RULE_ROW_)
#undef RULE_ROW_
};

const char *rule_name(enum rule_id r)
{
    return (unsigned)r < RULE__COUNT ? rule_rows[r].id : NULL;
}

const char *rule_severity(enum rule_id r)
{
    return (unsigned)r < RULE__COUNT ? rule_rows[r].severity : NULL;
}

const char *rule_description(enum rule_id r)
{
    return (unsigned)r < RULE__COUNT ? rule_rows[r].description : NULL;
}

bool rule_parse(const char *s, enum rule_id *out)
{
    for (int r = 0; r < RULE__COUNT; r++)
        if (strcmp(rule_rows[r].id, s) == 0) {
            *out = (enum rule_id)r;
            return true;
        }
    return false;
}

int rule_severity_rank(const char *sev)
{
    static const char *const order[] = {"low", "medium", "high", "critical"};
    for (int i = 0; i < 4; i++)
        if (sev && strcmp(sev, order[i]) == 0)
            return i + 1;
    return 0;
}

void rule_hits_free(struct rule_hit *hits, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(hits[i].pool_id);
        free(hits[i].subject);
        free(hits[i].severity);
        free(hits[i].explanation);
        json_decref(hits[i].detail);
    }
    free(hits);
}

enum status rule_settings_load(const struct config *cfg, struct rule_settings *out,
                               struct strbuf *err)
{
    static const struct {
        const char *key;
        double dflt, min;
        size_t off;
        bool integer;
    } rows[] = {
        {"threshold_pct", 80, 0, offsetof(struct rule_settings, threshold_pct), false},
        {"burn_spike_factor", 3, 1, offsetof(struct rule_settings, burn_spike_factor), false},
        {"dormant_days", 30, 1, offsetof(struct rule_settings, dormant_days), true},
        {"usage_window_days", 30, 1, offsetof(struct rule_settings, usage_window_days), true},
        {"carry_over_pct", 50, 0, offsetof(struct rule_settings, carry_over_pct), false},
        {"carry_over_max_age", 3, 1, offsetof(struct rule_settings, carry_over_max_age), true},
        {"pilot_steady_days", 21, 2, offsetof(struct rule_settings, pilot_steady_days), true},
        {"renewal_days", 30, 1, offsetof(struct rule_settings, renewal_days), true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double v;
        enum status st = config_get_double(cfg, "rules", rows[i].key, rows[i].dflt, &v, err);
        if (st != ST_OK)
            return st;
        if (v < rows[i].min || v > 3650 || (rows[i].integer && v != floor(v))) {
            sb_setf(err, "%s: [rules] %s = %g is out of range", config_path(cfg), rows[i].key, v);
            return ST_CONFIG;
        }
        char *slot = (char *)out + rows[i].off;
        if (rows[i].integer)
            *(int *)(void *)slot = (int)v;
        else
            *(double *)(void *)slot = v;
    }
    return ST_OK;
}

/* State shared by the evaluators while they look at one pool. */
struct rule_ctx {
    struct store *s;
    const struct rule_settings *set;
    int32_t today;
    struct rule_hit *hits;
    size_t n, cap;
    struct strbuf *err;
    const struct pool *p;
    struct ledger_row *rows; /* the pool's ledger, oldest first */
    size_t nrows;
    const struct ledger_row *cur;
    int window;     /* days in daily[] */
    int64_t *daily; /* daily[window - 1] is today */
    /* Computed once per evaluation, not per pool (each is a scan of the window's usage): */
    struct shared_key {
        char *key;   /* an API key that fed more than one pool in the usage window; owned */
        char *pools; /* those pools, comma-separated, sorted; owned */
    } * shared;
    size_t nshared;
    struct {
        char unit[16];
        int64_t median;
    } medians[8]; /* production daily medians by unit */
    size_t nmedians;
};

/* "8,412.50 USD" / "1,234 tokens" into buf (AMOUNT_BUF + 16 bytes). */
static char *fmt_amount(int64_t micros, const char *unit, char *buf)
{
    char a[AMOUNT_BUF];
    snprintf(buf, AMOUNT_BUF + 16, "%s %s",
             amount_format(micros, strcmp(unit, "tokens") == 0 ? 0 : 2, true, a), unit);
    return buf;
}

static json_t *json_amount(int64_t micros)
{
    char a[AMOUNT_BUF];
    return json_string(amount_format(micros, 6, false, a));
}

static void hit_add(struct rule_ctx *c, enum rule_id r, const char *pool_id, const char *subject,
                    json_t *detail, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void hit_add(struct rule_ctx *c, enum rule_id r, const char *pool_id, const char *subject,
                    json_t *detail, const char *fmt, ...)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->hits = xreallocarray(c->hits, c->cap, sizeof *c->hits);
    }
    struct strbuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&sb, fmt, ap);
    va_end(ap);
    struct rule_hit *h = &c->hits[c->n++];
    h->rule = r;
    h->pool_id = pool_id ? xstrdup(pool_id) : NULL;
    h->subject = xstrdup(subject);
    h->severity = xstrdup(rule_severity(r));
    h->explanation = sb_steal(&sb);
    h->detail = detail ? detail : json_object();
}

static int64_t sum_days(const struct rule_ctx *c, int from_back, int count)
{
    /* days today - from_back - count + 1 .. today - from_back */
    int64_t t = 0;
    for (int i = 0; i < count; i++) {
        int idx = c->window - 1 - from_back - i;
        if (idx >= 0)
            t += c->daily[idx];
    }
    return t;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int64_t median_days(const struct rule_ctx *c, int from_back, int count)
{
    int64_t *v = xcalloc((size_t)count, sizeof *v);
    int k = 0;
    for (int i = 0; i < count; i++) {
        int idx = c->window - 1 - from_back - i;
        if (idx >= 0)
            v[k++] = c->daily[idx];
    }
    int64_t m = 0;
    if (k > 0) {
        qsort(v, (size_t)k, sizeof *v, cmp_i64);
        m = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    }
    free(v);
    return m;
}

static double threshold_of(const struct rule_ctx *c)
{
    return c->p->review_threshold_pct >= 0 ? c->p->review_threshold_pct : c->set->threshold_pct;
}

static enum status rule_threshold(struct rule_ctx *c)
{
    const struct ledger_row *r = c->cur;
    int64_t avail = r->grant + r->carry_in;
    double thr = threshold_of(c);
    if (avail <= 0 || (double)r->consumed * 100.0 < thr * (double)avail)
        return ST_OK;
    double pct = 100.0 * (double)r->consumed / (double)avail;
    int days_left = r->end - c->today;
    int dec = strcmp(c->p->unit, "tokens") == 0 ? 0 : 2;
    char cons[AMOUNT_BUF], av[AMOUNT_BUF];
    /* "consumed 8,412.50 of 10,000.00 USD (84%) with 9 days left; threshold 80%" */
    hit_add(c, RULE_THRESHOLD, c->p->id, c->p->id,
            json_pack("{so so sf sf si}", "consumed", json_amount(r->consumed), "available",
                      json_amount(avail), "utilization_pct", round(pct * 10) / 10, "threshold_pct",
                      thr, "days_left", days_left),
            "consumed %s of %s %s (%.0f%%) with %d day%s left; threshold %g%%",
            amount_format(r->consumed, dec, true, cons), amount_format(avail, dec, true, av),
            c->p->unit, pct, days_left, days_left == 1 ? "" : "s", thr);
    return ST_OK;
}

static enum status rule_exhaustion(struct rule_ctx *c)
{
    const struct ledger_row *r = c->cur;
    int64_t burn7 = sum_days(c, 0, 7) / 7;
    char a[AMOUNT_BUF + 16], b[AMOUNT_BUF + 16], d1[DATE_BUF], d2[DATE_BUF];
    if (r->remaining <= 0 && r->consumed > 0) {
        hit_add(c, RULE_EXHAUSTION, c->p->id, c->p->id,
                json_pack("{so so}", "remaining", json_amount(r->remaining), "burn_7d",
                          json_amount(burn7)),
                "already exhausted: %s over the available credit with %d days of the period left",
                fmt_amount(-r->remaining, c->p->unit, a), r->end - c->today);
        return ST_OK;
    }
    if (burn7 <= 0 || r->remaining <= 0)
        return ST_OK;
    int32_t day = ledger_exhaustion_day(r->remaining, burn7, c->today);
    if (day == POOL_NO_DATE || day >= r->end)
        return ST_OK;
    hit_add(c, RULE_EXHAUSTION, c->p->id, c->p->id,
            json_pack("{so so ss ss}", "remaining", json_amount(r->remaining), "burn_7d",
                      json_amount(burn7), "exhaustion_date", date_format(day, d1), "period_end",
                      date_format(r->end, d2)),
            "at %s/day (7-day mean) the remaining %s runs out on %s, %d day%s before the period "
            "ends",
            fmt_amount(burn7, c->p->unit, a), fmt_amount(r->remaining, c->p->unit, b), d1,
            r->end - day, r->end - day == 1 ? "" : "s");
    return ST_OK;
}

static enum status rule_burn_spike(struct rule_ctx *c)
{
    int64_t mean7 = sum_days(c, 0, 7) / 7;
    int64_t median = median_days(c, 7, 28);
    double factor = c->set->burn_spike_factor;
    if (median <= 0 || (double)mean7 <= factor * (double)median)
        return ST_OK;
    char a[AMOUNT_BUF + 16], b[AMOUNT_BUF + 16];
    double ratio = (double)mean7 / (double)median;
    hit_add(c, RULE_BURN_SPIKE, c->p->id, c->p->id,
            json_pack("{so so sf sf}", "mean_7d", json_amount(mean7), "median_28d_before",
                      json_amount(median), "ratio", round(ratio * 10) / 10, "factor", factor),
            "7-day mean of %s/day is %.1fx the median %s/day of the 28 days before (threshold "
            "%gx)",
            fmt_amount(mean7, c->p->unit, a), ratio, fmt_amount(median, c->p->unit, b), factor);
    return ST_OK;
}

/* Last day with usage for the pool, or POOL_NO_DATE. */
static enum status last_usage_day(struct rule_ctx *c, int32_t *day)
{
    static const char *const sql =
        "SELECT max(day) FROM usage_rollup WHERE pool_id = ? AND category = 'usage'";
    sqlite3_stmt *st = NULL;
    *day = POOL_NO_DATE;
    enum status rc = store_stmt(c->s, sql, &st, c->err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, c->p->id);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        const char *t = store_col_text(st, 0);
        int32_t d;
        if (date_parse(t, strlen(t), &d))
            *day = d;
    }
    store_stmt_done(st);
    return ST_OK;
}

static enum status rule_dormant(struct rule_ctx *c)
{
    int days = c->set->dormant_days;
    if (strcmp(c->p->status, "active") != 0 && strcmp(c->p->status, "reduced") != 0)
        return ST_OK;
    if (c->today - c->p->starts_on < days || sum_days(c, 0, days) != 0)
        return ST_OK;
    int32_t last;
    enum status rc = last_usage_day(c, &last);
    if (rc != ST_OK)
        return rc;
    char d[DATE_BUF];
    hit_add(c, RULE_DORMANT, c->p->id, c->p->id,
            json_pack("{si so}", "dormant_days", days, "last_usage",
                      last == POOL_NO_DATE ? json_null() : json_string(date_format(last, d))),
            last == POOL_NO_DATE ? "no usage at all since it started on %s; dormant after %d days"
                                 : "no usage since %s; dormant after %d days",
            last == POOL_NO_DATE ? date_format(c->p->starts_on, d) : date_format(last, d), days);
    return ST_OK;
}

static bool scope_allows(const struct pool *p, const char *kind, const char *value, bool *has_kind)
{
    *has_kind = false;
    for (size_t i = 0; i < p->nscope; i++) {
        if (strcmp(p->scope[i].kind, kind) != 0)
            continue;
        *has_kind = true;
        if (text_glob_match(p->scope[i].value, value))
            return true;
    }
    return false;
}

static enum status rule_scope_drift(struct rule_ctx *c)
{
    static const char *const sql =
        "SELECT model, service, sum(cost_micros), currency, sum(tokens), sum(requests) FROM "
        "usage_rollup WHERE pool_id = ? AND day >= ? AND category = 'usage' "
        "GROUP BY model, service, currency ORDER BY sum(cost_micros) DESC";
    if (c->p->nscope == 0)
        return ST_OK;
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(c->s, sql, &st, c->err);
    if (rc != ST_OK)
        return rc;
    char from[DATE_BUF];
    store_bind_text(st, 1, c->p->id);
    store_bind_text(st, 2, date_format(c->today - c->set->usage_window_days + 1, from));
    struct strbuf list;
    sb_init(&list);
    json_t *out = json_array();
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *model = store_col_text(st, 0), *service = store_col_text(st, 1);
        bool has_models, has_services;
        bool model_ok = !*model || scope_allows(c->p, "model", model, &has_models) || !has_models;
        bool service_ok =
            !*service || scope_allows(c->p, "service", service, &has_services) || !has_services;
        if (model_ok && service_ok)
            continue;
        const char *what = !model_ok ? model : service;
        char a[AMOUNT_BUF];
        amount_format(sqlite3_column_int64(st, 2), 2, true, a);
        if (json_array_size(out) < 5)
            sb_addf(&list, "%s%s %s (%s %s, %lld requests)", list.len ? "; " : "",
                    !model_ok ? "model" : "service", what, a, store_col_text(st, 3),
                    (long long)sqlite3_column_int64(st, 5));
        json_array_append_new(out, json_pack("{ss ss so ss}", "kind",
                                             !model_ok ? "model" : "service", "value", what, "cost",
                                             json_amount(sqlite3_column_int64(st, 2)), "currency",
                                             store_col_text(st, 3)));
    }
    if (step != SQLITE_DONE)
        rc = store_error(c->s, step, "usage", c->err);
    store_stmt_done(st);
    if (rc == ST_OK && json_array_size(out) > 0) {
        struct strbuf scope;
        sb_init(&scope);
        for (size_t i = 0; i < c->p->nscope; i++)
            sb_addf(&scope, "%s%s:%s", i ? ", " : "", c->p->scope[i].kind, c->p->scope[i].value);
        hit_add(c, RULE_SCOPE_DRIFT, c->p->id, c->p->id, json_pack("{so}", "outside", out),
                "used %s outside its scope (%s) in the last %d days", sb_str(&list), sb_str(&scope),
                c->set->usage_window_days);
        sb_done(&scope);
    } else {
        json_decref(out);
    }
    sb_done(&list);
    return rc;
}

static enum status rule_pooled(struct rule_ctx *c)
{
    static const char *const sql_ids =
        "SELECT group_concat(DISTINCT api_key), count(DISTINCT api_key), "
        "(SELECT group_concat(DISTINCT workload) FROM usage_rollup WHERE pool_id = ?1 AND "
        "day >= ?2 AND workload <> ''), (SELECT count(DISTINCT workload) FROM usage_rollup "
        "WHERE pool_id = ?1 AND day >= ?2 AND workload <> '') FROM usage_rollup WHERE "
        "pool_id = ?1 AND day >= ?2 AND api_key <> ''";
    char from[DATE_BUF];
    date_format(c->today - c->set->usage_window_days + 1, from);
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(c->s, sql_ids, &st, c->err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, c->p->id);
    store_bind_text(st, 2, from);
    struct strbuf why;
    sb_init(&why);
    json_t *detail = json_object();
    if (sqlite3_step(st) == SQLITE_ROW) {
        int keys = sqlite3_column_int(st, 1), workloads = sqlite3_column_int(st, 3);
        if (keys > 1) {
            sb_addf(&why, "%d API keys (%s)", keys, store_col_text(st, 0));
            json_object_set_new(detail, "api_keys", json_integer(keys));
        }
        if (workloads > 1) {
            sb_addf(&why, "%s%d workloads (%s)", why.len ? " and " : "", workloads,
                    store_col_text(st, 2));
            json_object_set_new(detail, "workloads", json_integer(workloads));
        }
        if (why.len)
            sb_addf(&why, " consumed it in the last %d days", c->set->usage_window_days);
    }
    store_stmt_done(st);
    size_t idlen = strlen(c->p->id);
    for (size_t k = 0; k < c->nshared; k++) { /* keys this pool shares with others */
        const char *cur = c->shared[k].pools, *end = cur + strlen(cur), *item;
        size_t len;
        bool mine = false;
        struct strbuf others;
        sb_init(&others);
        while (text_next_item(&cur, end, ',', &item, &len)) {
            if (len == idlen && memcmp(item, c->p->id, len) == 0)
                mine = true;
            else
                sb_addf(&others, "%s%.*s", others.len ? "," : "", (int)len, item);
        }
        if (mine) {
            sb_addf(&why, "%skey %s also feeds %s", why.len ? "; " : "", c->shared[k].key,
                    sb_str(&others));
            json_object_set_new(detail, "shared_key", json_string(c->shared[k].key));
        }
        sb_done(&others);
    }
    if (rc == ST_OK && why.len)
        hit_add(c, RULE_POOLED_IDENTITIES, c->p->id, c->p->id, detail, "%s", sb_str(&why));
    else
        json_decref(detail);
    sb_done(&why);
    return rc;
}

static enum status rule_unbound(struct rule_ctx *c)
{
    struct strbuf by;
    sb_init(&by);
    for (size_t i = 0; i < c->p->nbindings; i++) {
        const struct pool_entry *b = &c->p->bindings[i];
        if (strcmp(b->kind, "workload") == 0 ||
            (strcmp(b->kind, "tag") == 0 && strstr(b->value, "spiffe://"))) {
            sb_done(&by);
            return ST_OK;
        }
        sb_addf(&by, "%s%s %s", by.len ? ", " : "", b->kind, b->value);
    }
    hit_add(c, RULE_UNBOUND_IDENTITY, c->p->id, c->p->id, NULL,
            "no workload (SPIFFE) binding: usage is attributed by %s only, which any holder of "
            "the shared credential can consume",
            by.len ? sb_str(&by) : "nothing (no bindings)");
    sb_done(&by);
    return ST_OK;
}

static enum status rule_review_overdue(struct rule_ctx *c)
{
    int32_t base = c->p->last_review != POOL_NO_DATE ? c->p->last_review : c->p->starts_on;
    int age = c->today - base;
    if (age <= c->p->review_interval_days)
        return ST_OK;
    char d[DATE_BUF];
    hit_add(c, RULE_REVIEW_OVERDUE, c->p->id, c->p->id,
            json_pack("{ss si si}", "since", date_format(base, d), "age_days", age, "interval_days",
                      c->p->review_interval_days),
            c->p->last_review != POOL_NO_DATE
                ? "last reviewed on %s, %d days ago; review interval %d days"
                : "never reviewed since it started on %s, %d days ago; review interval %d days",
            d, age, c->p->review_interval_days);
    return ST_OK;
}

static enum status rule_carry_over(struct rule_ctx *c)
{
    const struct ledger_row *r = c->cur;
    if (r->carry_in <= 0)
        return ST_OK;
    bool capped = strcmp(c->p->rollover, "capped") == 0;
    double cap_pct = capped ? c->p->rollover_cap_pct : c->set->carry_over_pct;
    int max_age =
        c->p->rollover_max_periods >= 0 ? c->p->rollover_max_periods : c->set->carry_over_max_age;
    int64_t cap = amount_percent_of(r->grant, cap_pct);
    bool over = r->carry_in > cap, old = r->carry_age > max_age;
    if (!over && !old)
        return ST_OK;
    char a[AMOUNT_BUF + 16];
    double pct = r->grant > 0 ? 100.0 * (double)r->carry_in / (double)r->grant : 0;
    hit_add(c, RULE_CARRY_OVER, c->p->id, c->p->id,
            json_pack("{so sf sf si si}", "carry_in", json_amount(r->carry_in), "carry_pct",
                      round(pct), "cap_pct", cap_pct, "carry_age", r->carry_age, "max_age",
                      max_age),
            "carried %s into this period (%.0f%% of the grant; cap %g%%), the oldest part %d "
            "period%s old (allowed %d): unused credit keeps this entitlement alive",
            fmt_amount(r->carry_in, c->p->unit, a), pct, cap_pct, r->carry_age,
            r->carry_age == 1 ? "" : "s", max_age);
    return ST_OK;
}

static enum status rule_pilot_expired(struct rule_ctx *c)
{
    if (strcmp(c->p->environment, "pilot") != 0 || c->p->expires_on == POOL_NO_DATE ||
        c->p->expires_on >= c->today)
        return ST_OK;
    int since = c->today - c->p->expires_on; /* days after expiry, today included */
    int64_t used = sum_days(c, 0, since < c->window ? since : c->window);
    if (used <= 0)
        return ST_OK;
    char a[AMOUNT_BUF + 16], d[DATE_BUF];
    hit_add(c, RULE_PILOT_EXPIRED, c->p->id, c->p->id,
            json_pack("{ss so}", "expired_on", date_format(c->p->expires_on, d), "used_since",
                      json_amount(used)),
            "pilot expired on %s and has consumed %s since", d, fmt_amount(used, c->p->unit, a));
    return ST_OK;
}

/* Median daily consumption of active production pools with usage, in micro-units of unit. */
static enum status production_median_query(struct rule_ctx *c, int days, int64_t *out);

/* Cached per unit: the median is the same for every pilot pool of the evaluation. */
static enum status production_median(struct rule_ctx *c, int days, int64_t *out)
{
    for (size_t i = 0; i < c->nmedians; i++)
        if (strcmp(c->medians[i].unit, c->p->unit) == 0) {
            *out = c->medians[i].median;
            return ST_OK;
        }
    enum status rc = production_median_query(c, days, out);
    if (rc == ST_OK && c->nmedians < sizeof c->medians / sizeof c->medians[0] &&
        strlen(c->p->unit) < sizeof c->medians[0].unit) {
        snprintf(c->medians[c->nmedians].unit, sizeof c->medians[0].unit, "%s", c->p->unit);
        c->medians[c->nmedians++].median = *out;
    }
    return rc;
}

static enum status production_median_query(struct rule_ctx *c, int days, int64_t *out)
{
    static const char *const sql =
        "SELECT sum(CASE WHEN p.unit = 'tokens' THEN u.tokens * 1000000 WHEN p.unit = 'credits' "
        "THEN u.credits_micros ELSE u.cost_micros END) / ?3 FROM usage_rollup u JOIN pool p ON "
        "p.id = u.pool_id WHERE p.environment = 'production' AND p.unit = ?1 AND u.day >= ?2 AND "
        "u.category = 'usage' GROUP BY p.id ORDER BY 1";
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(c->s, sql, &st, c->err);
    if (rc != ST_OK)
        return rc;
    char from[DATE_BUF];
    store_bind_text(st, 1, c->p->unit);
    store_bind_text(st, 2, date_format(c->today - days + 1, from));
    sqlite3_bind_int(st, 3, days);
    int64_t v[4096];
    int k = 0;
    while (sqlite3_step(st) == SQLITE_ROW && k < 4096)
        if (sqlite3_column_int64(st, 0) > 0)
            v[k++] = sqlite3_column_int64(st, 0);
    store_stmt_done(st);
    *out = k ? v[k / 2] : 0;
    return ST_OK;
}

static enum status rule_pilot_production_like(struct rule_ctx *c)
{
    int days = c->set->pilot_steady_days;
    if (strcmp(c->p->environment, "pilot") != 0 ||
        (c->p->expires_on != POOL_NO_DATE && c->p->expires_on < c->today))
        return ST_OK;
    for (int i = 0; i < days; i++)
        if (i >= c->window || c->daily[c->window - 1 - i] <= 0)
            return ST_OK;
    int64_t mean = sum_days(c, 0, days) / days;
    int64_t median;
    enum status rc = production_median(c, days, &median);
    if (rc != ST_OK)
        return rc;
    /* Without production peers, half the grant's daily pace counts as production volume. */
    int64_t bar = median > 0 ? median : c->cur->grant / 60;
    if (mean < bar)
        return ST_OK;
    char a[AMOUNT_BUF + 16], b[AMOUNT_BUF + 16];
    hit_add(c, RULE_PILOT_PRODUCTION_LIKE, c->p->id, c->p->id,
            json_pack("{si so so}", "steady_days", days, "mean_daily", json_amount(mean),
                      "production_daily", json_amount(bar)),
            "used every day for the last %d days at %s/day, at production volume (%s/day%s)", days,
            fmt_amount(mean, c->p->unit, a), fmt_amount(bar, c->p->unit, b),
            median > 0 ? ", the median production pool" : ", half its grant's daily pace");
    return ST_OK;
}

/* "active", "inactive" or "unknown" for a login. */
static enum status person_state(struct rule_ctx *c, const char *login, const char **state)
{
    static const char *const sql = "SELECT active FROM person WHERE login = ?";
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(c->s, sql, &st, c->err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, login);
    int step = sqlite3_step(st);
    *state = step != SQLITE_ROW ? "unknown" : sqlite3_column_int(st, 0) ? "active" : "inactive";
    store_stmt_done(st);
    return ST_OK;
}

static enum status rule_orphaned(struct rule_ctx *c)
{
    const struct {
        const char *role, *login;
    } who[] = {{"owner", c->p->owner}, {"custodian", c->p->custodian}};
    struct strbuf why;
    sb_init(&why);
    json_t *detail = json_object();
    for (size_t i = 0; i < 2; i++) {
        const char *state = "missing";
        if (*who[i].login) {
            enum status rc = person_state(c, who[i].login, &state);
            if (rc != ST_OK) {
                sb_done(&why);
                json_decref(detail);
                return rc;
            }
        }
        if (strcmp(state, "active") == 0)
            continue;
        json_object_set_new(detail, who[i].role, json_string(state));
        if (!*who[i].login)
            sb_addf(&why, "%sno %s is named", why.len ? "; " : "", who[i].role);
        else
            sb_addf(&why, "%s%s %s is %s", why.len ? "; " : "", who[i].role, who[i].login,
                    strcmp(state, "unknown") == 0 ? "not a known person" : "not active");
    }
    if (why.len)
        hit_add(c, RULE_ORPHANED, c->p->id, c->p->id, detail,
                "%s: nobody accountable can review "
                "it",
                sb_str(&why));
    else
        json_decref(detail);
    sb_done(&why);
    return ST_OK;
}

static enum status rule_renewal_due(struct rule_ctx *c)
{
    int32_t exp = c->p->expires_on;
    if (exp == POOL_NO_DATE || exp < c->today || exp > c->today + c->set->renewal_days)
        return ST_OK;
    /* Recommend from use: 1.2x the highest consumption of the last two complete periods. */
    int64_t peak = 0;
    for (size_t i = c->nrows >= 3 ? c->nrows - 3 : 0; i + 1 < c->nrows; i++)
        if (c->rows[i].consumed > peak)
            peak = c->rows[i].consumed;
    int64_t proposal = amount_round_up_2sig(peak + peak / 5);
    char a[AMOUNT_BUF + 16], b[AMOUNT_BUF + 16], d[DATE_BUF];
    int left = exp - c->today;
    hit_add(c, RULE_RENEWAL_DUE, c->p->id, c->p->id,
            json_pack("{ss si so so}", "expires_on", date_format(exp, d), "days_left", left,
                      "peak_period_use", json_amount(peak), "proposed_grant",
                      json_amount(proposal)),
            peak > 0 ? "expires on %s (in %d days); peak use of the last two periods was %s: renew "
                       "at about %s per period, from actual use rather than the calendar"
                     : "expires on %s (in %d days) with no use in the last two periods (%s): "
                       "let it lapse rather than renew by the calendar%s",
            d, left, fmt_amount(peak, c->p->unit, a),
            peak > 0 ? fmt_amount(proposal, c->p->unit, b) : "");
    return ST_OK;
}

typedef enum status (*rule_fn)(struct rule_ctx *c);

/* Evaluators of the per-pool rules, in RULE_TABLE order (NULL: not a per-pool rule). */
static const rule_fn rule_evaluators[RULE__COUNT] = {
    [RULE_THRESHOLD] = rule_threshold,
    [RULE_EXHAUSTION] = rule_exhaustion,
    [RULE_BURN_SPIKE] = rule_burn_spike,
    [RULE_DORMANT] = rule_dormant,
    [RULE_SCOPE_DRIFT] = rule_scope_drift,
    [RULE_POOLED_IDENTITIES] = rule_pooled,
    [RULE_UNBOUND_IDENTITY] = rule_unbound,
    [RULE_REVIEW_OVERDUE] = rule_review_overdue,
    [RULE_CARRY_OVER] = rule_carry_over,
    [RULE_PILOT_EXPIRED] = rule_pilot_expired,
    [RULE_PILOT_PRODUCTION_LIKE] = rule_pilot_production_like,
    [RULE_ORPHANED] = rule_orphaned,
    [RULE_UNREGISTERED_USAGE] = NULL,
    [RULE_RENEWAL_DUE] = rule_renewal_due,
};

/* Unregistered usage: one finding per (provider, account, api key) with usage and no pool. Cost
 * exports and token exports often arrive as separate files (rows with a currency and rows with
 * only tokens), so the finding totals tokens over the subject and lists each currency's cost. */
static enum status rule_unregistered(struct rule_ctx *c)
{
    static const char *const subjects =
        "SELECT provider, account, api_key, sum(tokens), sum(requests), min(day), max(day) FROM "
        "usage_rollup WHERE pool_id IS NULL AND day >= ?1 AND category = 'usage' GROUP BY "
        "provider, account, api_key ORDER BY provider, account, api_key";
    static const char *const costs =
        "SELECT currency, sum(cost_micros) FROM usage_rollup WHERE pool_id IS NULL AND day >= ?1 "
        "AND category = 'usage' AND provider = ?2 AND account = ?3 AND api_key = ?4 GROUP BY "
        "currency HAVING currency <> '' OR sum(cost_micros) <> 0 ORDER BY currency";
    sqlite3_stmt *st = NULL, *cst = NULL;
    enum status rc = store_stmt(c->s, subjects, &st, c->err);
    if (rc == ST_OK)
        rc = store_stmt(c->s, costs, &cst, c->err);
    char from[DATE_BUF];
    date_format(c->today - c->set->usage_window_days + 1, from);
    if (rc == ST_OK)
        store_bind_text(st, 1, from);
    int step = SQLITE_DONE;
    while (rc == ST_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *prov = store_col_text(st, 0), *acct = store_col_text(st, 1),
                   *key = store_col_text(st, 2);
        int64_t tokens = sqlite3_column_int64(st, 3);
        json_t *list = json_array();
        struct strbuf money;
        sb_init(&money);
        sqlite3_reset(cst);
        store_bind_text(cst, 1, from);
        store_bind_text(cst, 2, prov);
        store_bind_text(cst, 3, acct);
        store_bind_text(cst, 4, key);
        while (sqlite3_step(cst) == SQLITE_ROW) {
            const char *cur = store_col_text(cst, 0);
            int64_t cost = sqlite3_column_int64(cst, 1);
            char a[AMOUNT_BUF];
            sb_addf(&money, "%s%s %s", money.len ? " + " : "", amount_format(cost, 2, true, a),
                    *cur ? cur : "(no currency)");
            json_array_append_new(list,
                                  json_pack("{ss so}", "currency", cur, "cost", json_amount(cost)));
        }
        char t[AMOUNT_BUF + 16] = "", subject[512];
        if (tokens != 0 || !money.len) { /* a cost export alone says nothing of tokens */
            amount_format(tokens * AMOUNT_SCALE, 0, true, t);
            strcat(t, " tokens");
        }
        snprintf(subject, sizeof subject, "%s/%s/%s", prov, *acct ? acct : "-", *key ? key : "-");
        hit_add(c, RULE_UNREGISTERED_USAGE, NULL, subject,
                json_pack("{ss ss ss so sI sI ss ss}", "provider", prov, "account", acct, "api_key",
                          key, "costs", list, "tokens", (json_int_t)tokens, "requests",
                          (json_int_t)sqlite3_column_int64(st, 4), "first_day",
                          store_col_text(st, 5), "last_day", store_col_text(st, 6)),
                "%s%s%s on %s account %s%s%s between %s and %s match no pool in the register",
                sb_str(&money), money.len && *t ? " and " : "", t, prov, *acct ? acct : "(none)",
                *key ? ", key " : "", key, store_col_text(st, 5), store_col_text(st, 6));
        sb_done(&money);
    }
    if (rc == ST_OK && step != SQLITE_DONE)
        rc = store_error(c->s, step, "usage", c->err);
    store_stmt_done(cst);
    store_stmt_done(st);
    return rc;
}

/* API keys that fed more than one pool in the usage window, with those pools: one grouped scan
 * for the whole evaluation (a per-pool self-join on api_key would be quadratic). */
static enum status load_shared_keys(struct rule_ctx *c)
{
    static const char *const sql =
        "SELECT api_key, group_concat(pool_id) FROM (SELECT DISTINCT api_key, pool_id FROM "
        "usage_rollup WHERE day >= ?1 AND api_key <> '' AND pool_id IS NOT NULL ORDER BY "
        "api_key, pool_id) GROUP BY api_key HAVING count(*) > 1 ORDER BY api_key";
    char from[DATE_BUF];
    date_format(c->today - c->set->usage_window_days + 1, from);
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(c->s, sql, &st, c->err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, from);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        c->shared = xreallocarray(c->shared, c->nshared + 1, sizeof *c->shared);
        c->shared[c->nshared].key = xstrdup(store_col_text(st, 0));
        c->shared[c->nshared++].pools = xstrdup(store_col_text(st, 1));
    }
    if (step != SQLITE_DONE)
        rc = store_error(c->s, step, "usage", c->err);
    store_stmt_done(st);
    return rc;
}

enum status rules_evaluate(struct store *s, const struct rule_settings *set, int32_t today,
                           struct rule_hit **hits, size_t *n, struct strbuf *err)
{
    *hits = NULL;
    *n = 0;
    struct rule_ctx c = {.s = s, .set = set, .today = today, .err = err};
    c.window = 35;
    if (set->dormant_days + 1 > c.window)
        c.window = set->dormant_days + 1;
    if (set->pilot_steady_days > c.window)
        c.window = set->pilot_steady_days;
    c.daily = xcalloc((size_t)c.window, sizeof *c.daily);
    struct pool *pools = NULL;
    size_t np = 0;
    enum status rc = pool_list(s, &pools, &np, err);
    if (rc == ST_OK)
        rc = load_shared_keys(&c);
    for (size_t i = 0; rc == ST_OK && i < np; i++) {
        struct pool *p = &pools[i];
        if (strcmp(p->status, "retired") == 0)
            continue;
        c.p = p;
        rc = ledger_compute(s, p, today, &c.rows, &c.nrows, err);
        if (rc != ST_OK)
            break;
        c.cur = &c.rows[c.nrows - 1];
        rc = pool_daily(s, p, today - c.window + 1, today + 1, c.daily, err);
        for (int r = 0; rc == ST_OK && r < RULE__COUNT; r++) {
            if (!rule_evaluators[r])
                continue;
            /* a revoked pool is reviewed for what it still holds, not for its burn */
            if (strcmp(p->status, "revoked") == 0 && r != RULE_ORPHANED &&
                r != RULE_PILOT_EXPIRED && r != RULE_SCOPE_DRIFT)
                continue;
            rc = rule_evaluators[r](&c);
        }
        free(c.rows);
        c.rows = NULL;
    }
    if (rc == ST_OK)
        rc = rule_unregistered(&c);
    pools_free(&pools, np);
    free(c.daily);
    for (size_t k = 0; k < c.nshared; k++) {
        free(c.shared[k].key);
        free(c.shared[k].pools);
    }
    free(c.shared);
    if (rc != ST_OK) {
        rule_hits_free(c.hits, c.n);
        return rc;
    }
    *hits = c.hits;
    *n = c.n;
    return ST_OK;
}
