/* Unit tests for the credit ledger: each rollover policy across period boundaries, carried
 * balances dying after their allowed age, leap years, month-end and quarter alignment, grant
 * reductions from a date, burn rate and exhaustion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

#define U(x) ((int64_t)(x)*AMOUNT_SCALE)

static int32_t day(const char *iso)
{
    int32_t d;
    assert_true(date_parse(iso, strlen(iso), &d));
    return d;
}

static void step_n(struct ledger_policy pol, const int64_t *grants, const int64_t *used, int n,
                   struct ledger_row *rows)
{
    int64_t b[LEDGER_MAX_AGE] = {0};
    for (int i = 0; i < n; i++) {
        memset(&rows[i], 0, sizeof rows[i]);
        rows[i].grant = grants[i];
        rows[i].consumed = used[i];
        ledger_step(&pol, b, LEDGER_MAX_AGE, &rows[i]);
    }
}

static void test_rollover_none(void **state)
{
    (void)state;
    struct ledger_row r[3];
    const int64_t g[] = {U(100), U(100), U(100)}, u[] = {U(30), U(0), U(120)};
    step_n((struct ledger_policy){0, 0, -1}, g, u, 3, r);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r[i].carry_in, 0);
        assert_int_equal(r[i].carry_out, 0);
    }
    assert_int_equal(r[2].remaining, U(-20)); /* overspend shows as negative */
}

static void test_rollover_full_with_max_age(void **state)
{
    (void)state;
    struct ledger_row r[4];
    const int64_t g[] = {U(100), U(100), U(100), U(100)}, u[] = {U(40), U(0), U(0), U(0)};
    step_n((struct ledger_policy){1, 0, 2}, g, u, 4, r);
    assert_int_equal(r[0].carry_out, U(60));
    assert_int_equal(r[1].carry_in, U(60));
    assert_int_equal(r[1].carry_age, 1);
    assert_int_equal(r[2].carry_in, U(160)); /* 60 (age 2) + 100 (age 1) */
    assert_int_equal(r[2].carry_age, 2);
    assert_int_equal(r[3].expired, U(60)); /* the first 60 dies after two periods */
    assert_int_equal(r[3].carry_in, U(200));
}

static void test_consumption_draws_oldest_carry_first(void **state)
{
    (void)state;
    struct ledger_row r[2];
    const int64_t g[] = {U(100), U(100)}, u[] = {U(50), U(70)};
    step_n((struct ledger_policy){1, 0, -1}, g, u, 2, r);
    assert_int_equal(r[1].carry_in, U(50));
    /* 70 used: 50 from the carry, 20 from the grant; 80 of the grant carries on */
    assert_int_equal(r[1].carry_out, U(80));
    assert_int_equal(r[1].remaining, U(80));
}

static void test_rollover_capped(void **state)
{
    (void)state;
    struct ledger_row r[3];
    const int64_t g[] = {U(1000), U(1000), U(500)}, u[] = {U(100), U(100), U(0)};
    step_n((struct ledger_policy){2, 20, 5}, g, u, 3, r);
    assert_int_equal(r[0].carry_out, U(200)); /* 900 left, capped at 20% */
    assert_int_equal(r[1].carry_in, U(200));
    assert_int_equal(r[1].carry_out, U(200));
    assert_int_equal(r[2].carry_out, U(100)); /* the cap follows the (reduced) grant */
}

static void test_max_age_zero_carries_nothing(void **state)
{
    (void)state;
    struct ledger_row r[2];
    const int64_t g[] = {U(100), U(100)}, u[] = {U(0), U(0)};
    step_n((struct ledger_policy){1, 0, 0}, g, u, 2, r);
    assert_int_equal(r[1].carry_in, 0);
    assert_int_equal(r[1].expired, U(100));
}

static void test_period_alignment(void **state)
{
    (void)state;
    struct pool p;
    pool_init(&p);
    p.period = xstrdup("quarterly");
    p.starts_on = day("2024-01-31");
    int32_t s, e;
    char a[DATE_BUF], b[DATE_BUF];
    pool_period_bounds(&p, day("2024-05-15"), &s, &e);
    assert_string_equal(date_format(s, a), "2024-04-30"); /* Jan 31 + 3 months, clamped */
    assert_string_equal(date_format(e, b), "2024-07-31");
    free(p.period);
    p.period = xstrdup("monthly");
    pool_period_bounds(&p, day("2024-02-28"), &s, &e);
    assert_string_equal(date_format(s, a), "2024-01-31");
    assert_string_equal(date_format(e, b), "2024-02-29"); /* Jan 31 + 1 month: the leap day */
    pool_period_bounds(&p, day("2024-03-01"), &s, &e);
    assert_string_equal(date_format(s, a), "2024-02-29");
    assert_string_equal(date_format(e, b), "2024-03-31");
    free(p.period);
    p.period = xstrdup("annual");
    p.starts_on = day("2024-02-29");
    pool_period_bounds(&p, day("2025-03-01"), &s, &e);
    assert_string_equal(date_format(s, a), "2025-02-28");
    assert_string_equal(date_format(e, b), "2026-02-28");
    free(p.period);
}

/* A store with one pool and usage, for ledger_compute, burn and exhaustion. */
static void test_ledger_compute_with_store(void **state)
{
    (void)state;
    char dir[] = "/tmp/credence-ledger-XXXXXX", path[128], cmd[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.db", dir);
    struct strbuf err;
    sb_init(&err);
    struct store *s = NULL;
    assert_int_equal(store_open(path, STORE_CREATE, &s, &err), ST_OK);
    clock_fix(1795000000); /* 2026-11-18 */
    assert_int_equal(
        store_exec(s,
                   "INSERT INTO pool(id, name, provider, account, environment, grant_micros, unit, "
                   "period, rollover, rollover_cap_pct, starts_on, review_interval_days, "
                   "created_at, updated_at) VALUES ('p', 'P', 'openai', 'proj_x', 'production', "
                   "100000000, 'USD', 'quarterly', 'capped', 50, '2026-01-01', 90, 'x', 'x');"
                   "INSERT INTO import(id, kind, file_name, sha256, actor, started_at) VALUES "
                   "(1, 'usage', 'f', 's', 'a', 'x');"
                   "INSERT INTO usage_rollup(import_id, scope_key, pool_id, provider, day, "
                   "cost_micros, currency) VALUES (1, 'k', 'p', 'openai', '2026-07-10', "
                   "60000000, 'USD'), (1, 'k', 'p', 'openai', '2026-11-12', 7000000, 'USD'), "
                   "(1, 'k', 'p', 'openai', '2026-11-18', 14000000, 'USD'), (1, 'k', 'p', "
                   "'openai', '2026-11-18', 5000000, 'EUR'), (1, 'k', 'p', 'openai', '2026-10-01', "
                   "999000000, 'USD');"
                   "UPDATE usage_rollup SET category = 'credit' WHERE day = '2026-10-01';"
                   "INSERT INTO grant_change(pool_id, effective_from, grant_micros, created_at) "
                   "VALUES ('p', '2026-10-01', 80000000, 'x');",
                   &err),
        ST_OK);
    struct pool p;
    pool_init(&p);
    assert_int_equal(pool_get(s, "p", &p, &err), ST_OK);
    struct ledger_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(ledger_compute(s, &p, clock_today(), &rows, &n, &err), ST_OK);
    assert_int_equal(n, 4); /* Q1..Q4 2026 */
    assert_int_equal(rows[2].consumed, U(60));
    assert_int_equal(rows[2].carry_in, U(50)); /* Q2 unused, capped at 50% */
    assert_int_equal(rows[3].grant, U(80));    /* reduced from Oct 1 */
    /* EUR usage is not counted in a USD pool; a credit row is not consumption */
    assert_int_equal(rows[3].consumed, U(21));
    int64_t burn7;
    assert_int_equal(ledger_burn_rate(s, &p, clock_today(), 7, &burn7, &err), ST_OK);
    assert_int_equal(burn7, U(3));
    assert_int_equal(ledger_exhaustion_day(U(9), U(3), clock_today()), clock_today() + 3);
    assert_int_equal(ledger_exhaustion_day(U(9), 0, clock_today()), POOL_NO_DATE);
    assert_int_equal(ledger_exhaustion_day(U(-1), U(3), clock_today()), clock_today());
    free(rows);
    pool_done(&p);
    store_free(&s);
    clock_unfix();
    sb_done(&err);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rollover_none),
        cmocka_unit_test(test_rollover_full_with_max_age),
        cmocka_unit_test(test_consumption_draws_oldest_carry_first),
        cmocka_unit_test(test_rollover_capped),
        cmocka_unit_test(test_max_age_zero_carries_nothing),
        cmocka_unit_test(test_period_alignment),
        cmocka_unit_test(test_ledger_compute_with_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
