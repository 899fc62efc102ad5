/* Unit tests for the in-memory register browser behind the Pools screen: search (case-insensitive,
 * over id, name, owner, custodian, provider and account), filters, every sort with ties by id,
 * paging windows, the findings summary, and that data changed in the database shows only after
 * a refresh (what the console does after decisions and imports). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/pool_browse.h"
#include "store_fixture.h"

struct fixture {
    char dir[64];
    struct store *s;
    struct pool_browser *b;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/credence-browse-XXXXXX");
    temp_store_open(f->dir, &f->s);
    struct strbuf err;
    sb_init(&err);
    clock_fix(1795000000); /* 2026-11-18 */
    exec_ok(f->s, "INSERT INTO person(login, name, created_at, updated_at) VALUES "
                  "('ana', 'Ana', 'x', 'x'), ('Bob', 'Bob', 'x', 'x'), ('kim', 'Kim', 'x', 'x')");
    /* id, name, provider, account, owner, environment, status */
    static const char *const pools[][7] = {
        {"p-alpha", "Zeta search", "openai", "proj_A", "ana", "production", "active"},
        {"p-beta", "alpha Agent", "anthropic", "wrkspc_B", "Bob", "staging", "active"},
        {"p-gamma", "Mid tool", "openai", "proj_C", "ana", "pilot", "revoked"},
        {"p-delta", "beta bot", "litellm", "team:x", "Bob", "production", "active"},
        {"p-eps", "Alpha two", "openai", "proj_E", "ana", "production", "active"},
    };
    for (size_t i = 0; i < sizeof pools / sizeof pools[0]; i++) {
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "INSERT INTO pool(id, name, provider, account, owner, custodian, environment, "
                 "status, grant_micros, unit, period, rollover, starts_on, review_interval_days, "
                 "created_at, updated_at) VALUES ('%s', '%s', '%s', '%s', '%s', 'kim', '%s', '%s', "
                 "100000000, 'USD', 'monthly', 'none', '2026-01-01', 90, 'x', 'x')",
                 pools[i][0], pools[i][1], pools[i][2], pools[i][3], pools[i][4], pools[i][5],
                 pools[i][6]);
        exec_ok(f->s, sql);
    }
    exec_ok(f->s,
            "INSERT INTO finding(id, rule, pool_id, subject, severity, state, explanation, "
            "detail, detected_at, updated_at) VALUES "
            "('f1', 'threshold', 'p-gamma', 'p-gamma', 'high', 'open', 'x', '{}', 'x', 'x'),"
            "('f2', 'dormant', 'p-gamma', 'p-gamma', 'medium', 'open', 'x', '{}', 'x', 'x'),"
            "('f3', 'orphaned', 'p-delta', 'p-delta', 'high', 'open', 'x', '{}', 'x', 'x'),"
            "('f4', 'burn-spike', 'p-alpha', 'p-alpha', 'critical', 'resolved', 'x', '{}', 'x', "
            "'x')");
    f->b = pool_browser_new(f->s);
    sb_done(&err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    pool_browser_free(&f->b);
    assert_null(f->b);
    temp_store_remove(f->dir, &f->s);
    clock_unfix();
    free(f);
    return 0;
}

/* The ids of a page, space-separated, into out. */
static void page_ids(struct fixture *f, const struct pool_browse_filter *flt, enum pool_sort sort,
                     bool desc, size_t offset, size_t limit, char *out, size_t cap)
{
    struct pool_brief *rows = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(
        pool_browse_page(f->b, flt, sort, desc, offset, limit, clock_today(), &rows, &n, &err),
        ST_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "", rows[i].id);
    pool_briefs_free(rows, n);
    sb_done(&err);
}

static size_t count_of(struct fixture *f, const struct pool_browse_filter *flt)
{
    size_t n = 99;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(pool_browse_count(f->b, flt, &n, &err), ST_OK);
    sb_done(&err);
    return n;
}

static void test_search_and_filters(void **state)
{
    struct fixture *f = *state;
    char ids[256];
    struct pool_browse_filter all = {0};
    assert_int_equal(count_of(f, &all), 5);
    struct pool_browse_filter alpha = {.search = "ALPHA"}; /* id, name: any case */
    assert_int_equal(count_of(f, &alpha), 3);
    page_ids(f, &alpha, PS_ID, false, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-alpha p-beta p-eps");
    struct pool_browse_filter owner = {.search = "bob"}; /* the owner, lower-cased */
    page_ids(f, &owner, PS_ID, false, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-beta p-delta");
    struct pool_browse_filter account = {.search = "team:"};
    page_ids(f, &account, PS_ID, false, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-delta");
    struct pool_browse_filter custodian = {.search = "kim"};
    assert_int_equal(count_of(f, &custodian), 5);
    struct pool_browse_filter prov = {.provider = "openai", .environment = "production"};
    page_ids(f, &prov, PS_ID, false, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-alpha p-eps");
    struct pool_browse_filter status = {.status = "revoked"};
    page_ids(f, &status, PS_ID, false, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-gamma");
    struct pool_browse_filter high = {.min_severity = 3}; /* open findings only */
    page_ids(f, &high, PS_ID, false, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-delta p-gamma");
    struct pool_browse_filter none = {.search = "nothing like it"};
    assert_int_equal(count_of(f, &none), 0);
    page_ids(f, &none, PS_ID, false, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "");
}

static void test_sorts_and_pages(void **state)
{
    struct fixture *f = *state;
    char ids[256];
    struct pool_browse_filter all = {0};
    /* risk: top severity, then the number of open findings, ties by id ascending */
    page_ids(f, &all, PS_RISK, true, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-gamma p-delta p-alpha p-beta p-eps");
    page_ids(f, &all, PS_NAME, false, 0, 10, ids, sizeof ids); /* case-insensitive */
    assert_string_equal(ids, "p-beta p-eps p-delta p-gamma p-alpha");
    page_ids(f, &all, PS_NAME, true, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-alpha p-gamma p-delta p-eps p-beta");
    page_ids(f, &all, PS_OWNER, false, 0, 10, ids, sizeof ids); /* byte order: 'B' < 'a' */
    assert_string_equal(ids, "p-beta p-delta p-alpha p-eps p-gamma");
    page_ids(f, &all, PS_PROVIDER, true, 0, 10, ids, sizeof ids); /* ties stay ascending */
    assert_string_equal(ids, "p-alpha p-eps p-gamma p-delta p-beta");
    page_ids(f, &all, PS_FINDINGS, true, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-gamma p-delta p-alpha p-beta p-eps");
    page_ids(f, &all, PS_ID, true, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-gamma p-eps p-delta p-beta p-alpha");
    /* windows of the same order */
    page_ids(f, &all, PS_ID, false, 1, 2, ids, sizeof ids);
    assert_string_equal(ids, "p-beta p-delta");
    page_ids(f, &all, PS_ID, false, 4, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-gamma");
    page_ids(f, &all, PS_ID, false, 5, 10, ids, sizeof ids);
    assert_string_equal(ids, "");
    /* a page carries the findings summary and the ledger */
    struct pool_brief *rows = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(
        pool_browse_page(f->b, &all, PS_RISK, true, 0, 1, clock_today(), &rows, &n, &err), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].rules, "dormant,threshold");
    assert_int_equal(rows[0].top_severity, 3);
    assert_int_equal(rows[0].nfindings, 2);
    assert_int_equal(rows[0].available, 100000000);
    pool_briefs_free(rows, n);
    /* utilisation: unknown (-1) sorts first ascending until computed */
    exec_ok(f->s, "INSERT INTO import(id, kind, file_name, sha256, actor, started_at) VALUES "
                  "(1, 'usage', 'u.csv', 'x', 'ana', 'x');"
                  "INSERT INTO usage_rollup(import_id, scope_key, pool_id, provider, day, "
                  "cost_micros, currency) VALUES (1, 's', 'p-eps', 'openai', '2026-11-10', "
                  "50000000, 'USD'), (1, 's', 'p-beta', 'anthropic', '2026-11-11', 10000000, "
                  "'USD')");
    assert_int_equal(pool_browse_compute_util(f->b, clock_today(), &err), ST_OK);
    page_ids(f, &all, PS_UTIL, true, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-eps p-beta p-alpha p-delta p-gamma");
    sb_done(&err);
}

static void test_refresh(void **state)
{
    struct fixture *f = *state;
    char ids[256];
    struct pool_browse_filter crit = {.min_severity = 4};
    assert_true(pool_browser_stale(f->b)); /* not loaded yet */
    assert_int_equal(count_of(f, &crit), 0);
    assert_false(pool_browser_stale(f->b));
    /* another connection's commit makes it stale; this connection's own do not (the console
     * knows its own changes) */
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", f->dir);
    struct store *other = NULL;
    struct strbuf oerr;
    sb_init(&oerr);
    assert_int_equal(store_open(path, STORE_EXISTING, &other, &oerr), ST_OK);
    exec_ok(other, "UPDATE pool SET account = 'proj_Z' WHERE id = 'p-alpha'");
    store_free(&other);
    sb_done(&oerr);
    assert_true(pool_browser_stale(f->b));
    /* the database changes: the browser shows what it loaded until it is refreshed */
    exec_ok(f->s, "UPDATE finding SET state = 'open' WHERE id = 'f4';"
                  "UPDATE pool SET name = 'Renamed' WHERE id = 'p-beta'");
    assert_int_equal(count_of(f, &crit), 0);
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(pool_browse_refresh(f->b, &err), ST_OK);
    assert_false(pool_browser_stale(f->b));
    assert_int_equal(count_of(f, &crit), 1);
    page_ids(f, &crit, PS_ID, false, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-alpha");
    struct pool_browse_filter renamed = {.search = "renamed"};
    page_ids(f, &renamed, PS_ID, false, 0, 10, ids, sizeof ids);
    assert_string_equal(ids, "p-beta");
    sb_done(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_search_and_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sorts_and_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
