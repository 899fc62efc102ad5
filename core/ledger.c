/* Ledger computation. Consumption draws on the oldest carried balance first (it dies soonest),
 * then on the period's grant; what is left carries forward by the rollover policy. */
#include "core/ledger.h"

#include <stdlib.h>
#include <string.h>

#include "core/amount.h"
#include "core/date.h"
#include "core/xalloc.h"

struct ledger_policy ledger_policy_of(const struct pool *p)
{
    struct ledger_policy pol = {0, 0, p->rollover_max_periods};
    if (strcmp(p->rollover, "full") == 0)
        pol.rollover = 1;
    else if (strcmp(p->rollover, "capped") == 0) {
        pol.rollover = 2;
        pol.cap_pct = p->rollover_cap_pct < 0 ? 0 : p->rollover_cap_pct;
    }
    return pol;
}

void ledger_step(const struct ledger_policy *pol, int64_t *b, int nb, struct ledger_row *row)
{
    /* b[i] is a balance carried i+1 times so far. Drop those past their allowed age. */
    row->expired = 0;
    for (int i = 0; i < nb; i++) {
        if (pol->max_periods >= 0 && i + 1 > pol->max_periods && b[i] > 0) {
            row->expired += b[i];
            b[i] = 0;
        }
    }
    row->carry_in = 0;
    row->carry_age = 0;
    for (int i = 0; i < nb; i++) {
        row->carry_in += b[i];
        if (b[i] > 0)
            row->carry_age = i + 1;
    }
    row->remaining = row->grant + row->carry_in - row->consumed;
    /* Consume oldest first. */
    int64_t need = row->consumed > 0 ? row->consumed : 0;
    for (int i = nb - 1; i >= 0 && need > 0; i--) {
        int64_t take = b[i] < need ? b[i] : need;
        b[i] -= take;
        need -= take;
    }
    int64_t grant_left = row->grant - need;
    if (grant_left < 0)
        grant_left = 0;
    /* Age every bucket by one period; the last bucket absorbs the overflow. */
    int64_t next[LEDGER_MAX_AGE] = {0};
    for (int i = 0; i < nb; i++) {
        int j = i + 1 < nb ? i + 1 : nb - 1;
        next[j] += b[i];
    }
    next[0] += grant_left;
    if (pol->rollover == 0) {
        memset(next, 0, sizeof next);
    } else if (pol->rollover == 2) {
        int64_t cap = amount_percent_of(row->grant, pol->cap_pct);
        int64_t total = 0;
        for (int i = 0; i < nb; i++)
            total += next[i];
        /* Trim the excess from the oldest balances first. */
        for (int i = nb - 1; i >= 0 && total > cap; i--) {
            int64_t cut = next[i] < total - cap ? next[i] : total - cap;
            next[i] -= cut;
            total -= cut;
        }
    }
    row->carry_out = 0;
    for (int i = 0; i < nb; i++) {
        b[i] = next[i];
        row->carry_out += next[i];
    }
}

/* Grant in force for the period ending at `end`: the latest reduction effective before it. */
static enum status ledger_grants(struct store *s, const struct pool *p, int32_t **eff,
                                 int64_t **amt, size_t *n, struct strbuf *err)
{
    *eff = NULL;
    *amt = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(s,
                                "SELECT effective_from, grant_micros FROM grant_change WHERE "
                                "pool_id = ? ORDER BY effective_from, id",
                                &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, p->id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int32_t d;
        const char *t = store_col_text(st, 0);
        if (!date_parse(t, strlen(t), &d))
            continue;
        *eff = xreallocarray(*eff, *n + 1, sizeof **eff);
        *amt = xreallocarray(*amt, *n + 1, sizeof **amt);
        (*eff)[*n] = d;
        (*amt)[*n] = sqlite3_column_int64(st, 1);
        (*n)++;
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "ledger", err);
    store_stmt_done(st);
    return rc;
}

static enum status ledger_from(struct store *s, const struct pool *p, int32_t today,
                               int first_period, struct ledger_row **rows, size_t *n,
                               struct strbuf *err);

enum status ledger_compute(struct store *s, const struct pool *p, int32_t today,
                           struct ledger_row **rows, size_t *n, struct strbuf *err)
{
    return ledger_from(s, p, today, 0, rows, n, err);
}

enum status ledger_tail(struct store *s, const struct pool *p, int32_t today, int k,
                        struct ledger_row **rows, size_t *n, struct strbuf *err)
{
    int first = 0;
    if (ledger_policy_of(p).rollover == 0 && k > 0) {
        /* nothing carries: the periods before the last k cannot change them */
        int32_t last = today < p->starts_on ? p->starts_on : today, start, end;
        pool_period_bounds(p, last, &start, &end);
        int months = pool_period_months(p), idx = 0;
        while (date_add_months(p->starts_on, (idx + 1) * months) <= start)
            idx++;
        first = idx - k + 1 > 0 ? idx - k + 1 : 0;
    }
    enum status rc = ledger_from(s, p, today, first, rows, n, err);
    if (rc == ST_OK && k > 0 && *n > (size_t)k) { /* a carrying policy: computed whole, cut */
        memmove(*rows, *rows + (*n - (size_t)k), (size_t)k * sizeof **rows);
        *n = (size_t)k;
    }
    return rc;
}

static enum status ledger_from(struct store *s, const struct pool *p, int32_t today,
                               int first_period, struct ledger_row **rows, size_t *n,
                               struct strbuf *err)
{
    *rows = NULL;
    *n = 0;
    int32_t *eff = NULL;
    int64_t *amt = NULL;
    size_t ng = 0;
    enum status rc = ledger_grants(s, p, &eff, &amt, &ng, err);
    struct ledger_policy pol = ledger_policy_of(p);
    int64_t buckets[LEDGER_MAX_AGE] = {0};
    int32_t last = today < p->starts_on ? p->starts_on : today;
    size_t cap = 0;
    int months = pool_period_months(p);
    int32_t start =
        first_period > 0 ? date_add_months(p->starts_on, first_period * months) : p->starts_on;
    for (int k = first_period; rc == ST_OK && start <= last; k++) {
        int32_t end = date_add_months(p->starts_on, (k + 1) * months);
        struct ledger_row row = {.start = start, .end = end, .grant = p->grant_micros};
        for (size_t i = 0; i < ng; i++)
            if (eff[i] < end)
                row.grant = amt[i];
        rc = pool_consumed(s, p, start, end, &row.consumed, err);
        if (rc != ST_OK)
            break;
        ledger_step(&pol, buckets, LEDGER_MAX_AGE, &row);
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *rows = xreallocarray(*rows, cap, sizeof **rows);
        }
        (*rows)[(*n)++] = row;
        start = end;
    }
    free(eff);
    free(amt);
    if (rc != ST_OK) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}

enum status ledger_current(struct store *s, const struct pool *p, int32_t today,
                           struct ledger_row *out, struct strbuf *err)
{
    struct ledger_policy pol = ledger_policy_of(p);
    if (pol.rollover == 0) {
        /* nothing carries, so earlier periods cannot change this one: one period, one query
         * (lists show thousands of pools; the full ledger is for the detail screen) */
        int32_t *eff = NULL;
        int64_t *amt = NULL;
        size_t ng = 0;
        enum status rc = ledger_grants(s, p, &eff, &amt, &ng, err);
        struct ledger_row row = {.grant = p->grant_micros};
        pool_period_bounds(p, today < p->starts_on ? p->starts_on : today, &row.start, &row.end);
        for (size_t i = 0; i < ng; i++)
            if (eff[i] < row.end)
                row.grant = amt[i];
        free(eff);
        free(amt);
        if (rc == ST_OK)
            rc = pool_consumed(s, p, row.start, row.end, &row.consumed, err);
        if (rc != ST_OK)
            return rc;
        int64_t buckets[LEDGER_MAX_AGE] = {0};
        ledger_step(&pol, buckets, LEDGER_MAX_AGE, &row);
        *out = row;
        return ST_OK;
    }
    struct ledger_row *rows = NULL;
    size_t n = 0;
    enum status rc = ledger_compute(s, p, today, &rows, &n, err);
    if (rc == ST_OK)
        *out = rows[n - 1];
    free(rows);
    return rc;
}

enum status ledger_burn_rate(struct store *s, const struct pool *p, int32_t today, int days,
                             int64_t *per_day, struct strbuf *err)
{
    int64_t total = 0;
    enum status rc = pool_consumed(s, p, today - days + 1, today + 1, &total, err);
    *per_day = rc == ST_OK && days > 0 ? total / days : 0;
    return rc;
}

int32_t ledger_exhaustion_day(int64_t remaining, int64_t per_day, int32_t today)
{
    if (remaining <= 0)
        return today;
    if (per_day <= 0)
        return POOL_NO_DATE;
    int64_t days = (remaining + per_day - 1) / per_day;
    if (days > 100 * 366)
        return POOL_NO_DATE;
    return today + (int32_t)days;
}

double ledger_utilization_pct(const struct ledger_row *row)
{
    int64_t avail = row->grant + row->carry_in;
    if (avail <= 0)
        return row->consumed > 0 ? 100.0 : 0.0;
    return 100.0 * (double)row->consumed / (double)avail;
}
