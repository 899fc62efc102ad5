/* Unit tests for the dashboard's burn per provider: this month's consumption against monthly
 * equivalent grants, the 30-day daily series, currencies kept apart, and the same rows from the
 * job on a thread (own connection), which can also be cancelled at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/dashboard.h"
#include "store_fixture.h"

struct fixture {
    char dir[64];
    struct store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/credence-dash-XXXXXX");
    temp_store_open(f->dir, &f->s);
    clock_fix(1795478400); /* 2026-11-24 */
    exec_ok(f->s,
            "INSERT INTO pool(id, name, provider, account, environment, grant_micros, unit, "
            "period, rollover, starts_on, review_interval_days, created_at, updated_at) VALUES "
            "('o1', 'O1', 'openai', 'p1', 'production', 3000000000, 'USD', 'monthly', 'none', "
            "'2026-01-01', 90, 'x', 'x'),"
            "('o2', 'O2', 'openai', 'p2', 'production', 9000000000, 'USD', 'quarterly', 'none', "
            "'2026-01-01', 90, 'x', 'x'),"
            "('a1', 'A1', 'anthropic', 'w1', 'production', 1000000000, 'USD', 'monthly', 'none', "
            "'2026-01-01', 90, 'x', 'x'),"
            "('e1', 'E1', 'openai', 'p3', 'production', 1000000000, 'EUR', 'monthly', 'none', "
            "'2026-01-01', 90, 'x', 'x');"
            "INSERT INTO import(id, kind, file_name, sha256, actor, started_at) VALUES "
            "(1, 'usage', 'u', 'x', 'x', 'x');"
            "INSERT INTO usage_rollup(import_id, scope_key, pool_id, provider, day, cost_micros, "
            "currency) VALUES "
            "(1, 's', 'o1', 'openai', '2026-11-24', 5000000, 'USD')," /* today */
            "(1, 's', 'o2', 'openai', '2026-11-24', 1000000, 'USD')," /* today */
            "(1, 's', 'o1', 'openai', '2026-11-01', 2000000, 'USD')," /* this month */
            "(1, 's', 'o1', 'openai', '2026-10-26', 7000000, 'USD')," /* last month, in 30 days */
            "(1, 's', 'o1', 'openai', '2026-10-20', 9000000, 'USD')," /* outside both */
            "(1, 's', 'a1', 'anthropic', '2026-11-10', 3000000, 'USD'),"
            "(1, 's', 'e1', 'openai', '2026-11-24', 4000000, 'EUR'),"  /* another currency */
            "(1, 's', NULL, 'openai', '2026-11-24', 8000000, 'USD')"); /* unregistered */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    temp_store_remove(f->dir, &f->s);
    clock_unfix();
    free(f);
    return 0;
}

static void check_rows(const struct provider_burn *r, size_t n)
{
    assert_int_equal(n, 2);
    assert_string_equal(r[0].provider, "anthropic");
    assert_int_equal(r[0].month_consumed, 3000000);
    assert_int_equal(r[0].daily[DASHBOARD_DAYS - 1 - 14], 3000000);
    assert_string_equal(r[1].provider, "openai");
    assert_int_equal(r[1].pools, 2);
    assert_int_equal(r[1].month_grant, 3000000000 + 3000000000); /* a quarter counts a third */
    assert_int_equal(r[1].month_consumed, 5000000 + 1000000 + 2000000);
    assert_int_equal(r[1].daily[DASHBOARD_DAYS - 1], 6000000);
    assert_int_equal(r[1].daily[DASHBOARD_DAYS - 1 - 29], 7000000);
}

static void test_burn(void **state)
{
    struct fixture *f = *state;
    struct provider_burn *r = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(dashboard_burn(f->s, "USD", clock_today(), &r, &n, &err), ST_OK);
    check_rows(r, n);
    free(r);
    sb_done(&err);
}

static void test_job(void **state)
{
    struct fixture *f = *state;
    struct dashboard_job *j = NULL;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(dashboard_job_start(f->s->path, "USD", clock_today(), &j, &err), ST_OK);
    for (int i = 0; i < 500 && !dashboard_job_done(j); i++)
        usleep(10000);
    assert_true(dashboard_job_done(j));
    struct provider_burn *r = NULL;
    size_t n = 0;
    assert_int_equal(dashboard_job_take(&j, &r, &n, &err), ST_OK);
    assert_null(j);
    check_rows(r, n);
    free(r);
    /* cancelled before or during its query: joined and freed, nothing leaks */
    assert_int_equal(dashboard_job_start(f->s->path, "USD", clock_today(), &j, &err), ST_OK);
    dashboard_job_cancel(&j);
    assert_null(j);
    /* a database that is not there: the error comes back with the rows' absence */
    assert_int_equal(dashboard_job_start("/nonexistent/x.db", "USD", clock_today(), &j, &err),
                     ST_OK);
    r = NULL;
    assert_int_not_equal(dashboard_job_take(&j, &r, &n, &err), ST_OK);
    assert_null(r);
    assert_true(err.len > 0);
    sb_done(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_burn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_job, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
