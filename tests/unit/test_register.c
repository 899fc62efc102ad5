/* Unit tests for register and people loading: validation rules, located errors, upsert, audit of
 * changed fields, atomicity, and the store's schema version guard. */
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
#include "importers/csv_reader.h"

static const char header[] =
    "pool_id,name,provider,account,business_owner,technical_custodian,environment,grant,unit,"
    "period,rollover,rollover_cap_pct,rollover_max_periods,starts_on,expires_on,"
    "review_interval_days,review_threshold_pct,contract_ref,status,bindings,scope\n";

struct fixture {
    char dir[64];
    char path[128];
    struct store *store;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/credence-reg-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(store_open(f->path, STORE_CREATE, &f->store, &err), ST_OK);
    int created;
    assert_int_equal(people_bootstrap_admin(f->store, "avery", &created, &err), ST_OK);
    assert_int_equal(created, 1);
    sb_done(&err);
    clock_fix(1795000000); /* 2026-11-18 */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_free(&f->store);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    clock_unfix();
    return 0;
}

/* Loads `body` (after the standard header unless with_header is false) and returns the load. */
static struct register_load *load(const char *body, int with_header)
{
    struct register_load *rl = register_load_new("reg.csv");
    struct csvr *r = csvr_new("reg.csv");
    struct strbuf err;
    sb_init(&err);
    if (with_header)
        assert_int_equal(csvr_feed(r, header, strlen(header), register_load_row, rl, &err), ST_OK);
    assert_int_equal(csvr_feed(r, body, strlen(body), register_load_row, rl, &err), ST_OK);
    assert_int_equal(csvr_finish(r, register_load_row, rl, &err), ST_OK);
    csvr_free(&r);
    sb_done(&err);
    return rl;
}

static const char good_row[] =
    "p1,Pool one,openai,proj_1,priya,sam,production,100.50,USD,monthly,capped,20,2,2026-01-01,"
    ",90,80,C-1,active,workload:spiffe://acme.example/ns/a;api_key:key_1,model:gpt-4o*\n";

static void test_valid_row_commits(void **state)
{
    struct fixture *f = *state;
    struct register_load *rl = load(good_row, 1);
    assert_int_equal(register_load_error_count(rl), 0);
    struct load_summary sum;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(register_load_commit(rl, f->store, "avery", "sha", false, &sum, NULL, &err),
                     ST_OK);
    assert_int_equal(sum.added, 1);
    register_load_free(&rl);
    struct pool p;
    pool_init(&p);
    assert_int_equal(pool_get(f->store, "p1", &p, &err), ST_OK);
    assert_int_equal(p.grant_micros, 100500000);
    assert_int_equal(p.nbindings, 2);
    assert_int_equal(p.nscope, 1);
    assert_string_equal(p.rollover, "capped");
    assert_true(p.rollover_cap_pct == 20.0);
    assert_int_equal(p.rollover_max_periods, 2);
    pool_done(&p);
    sb_done(&err);
}

/* Each bad row must produce exactly one error naming the expected problem. */
static void test_each_validation_rule(void **state)
{
    (void)state;
    static const struct {
        const char *row;
        const char *expect;
    } cases[] = {
        {"p!,N,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,,,\n", "pool_id 'p!'"},
        {"p,,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,,,\n", "name is empty"},
        {"p,N,OpenAI2,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,,,\n", "provider 'OpenAI2'"},
        {"p,N,openai,,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,,,\n", "account is empty"},
        {"p,N,openai,a,o,c,prod,1,USD,monthly,,,,2026-01-01,,,,,,,\n", "environment 'prod'"},
        {"p,N,openai,a,o,c,production,1e,USD,monthly,,,,2026-01-01,,,,,,,\n", "grant '1e'"},
        {"p,N,openai,a,o,c,production,-1,USD,monthly,,,,2026-01-01,,,,,,,\n", "grant '-1'"},
        {"p,N,openai,a,o,c,production,1,usd,monthly,,,,2026-01-01,,,,,,,\n", "unit 'usd'"},
        {"p,N,openai,a,o,c,production,1,USD,weekly,,,,2026-01-01,,,,,,,\n", "period 'weekly'"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,capped,,,2026-01-01,,,,,,,\n",
         "needs rollover_cap_pct"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,capped,101,,2026-01-01,,,,,,,\n",
         "rollover_cap_pct '101'"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,full,,-1,2026-01-01,,,,,,,\n",
         "rollover_max_periods '-1'"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,01/02/2026,,,,,,,\n", "starts_on"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,2026-02-01,2026-01-31,,,,,,\n",
         "expires_on is before starts_on"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,0,,,,,\n",
         "review_interval_days '0'"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,-3,,,,\n",
         "review_threshold_pct '-3'"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,gone,,\n", "status 'gone'"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,,user:bob,\n",
         "bindings entry 'user:bob'"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,,workload:spiffe://x/../y,\n",
         "path segments are not allowed"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,,tag:novalue,\n",
         "must be tag:key=value"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,,api_key:a b,\n",
         "must not contain spaces"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,,,model:\n",
         "has an empty value"},
        {"p,N,openai,a,o,c,production,1,USD,monthly,,,,2026-01-01,,,,,,,\xff\xfe\n",
         "not valid UTF-8"},
        {"p,N,openai,a,o bad,c,production,1,USD,monthly,,,,2026-01-01,,,,,,,\n",
         "business_owner 'o bad'"},
        {"p,N,openai\n", "only 3 fields"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct register_load *rl = load(cases[i].row, 1);
        const char *errs = register_load_errors(rl);
        if (register_load_error_count(rl) != 1 || !strstr(errs, cases[i].expect))
            fail_msg("case %zu (%s): got %d errors: %s", i, cases[i].expect,
                     register_load_error_count(rl), errs);
        assert_non_null(strstr(errs, "reg.csv:2:"));
        register_load_free(&rl);
    }
}

static void test_header_problems(void **state)
{
    (void)state;
    struct register_load *rl = load("pool_id,name,Name\nx,y,z\n", 0);
    const char *errs = register_load_errors(rl);
    assert_non_null(strstr(errs, "column 'name' appears twice"));
    assert_non_null(strstr(errs, "required column 'provider' is missing"));
    register_load_free(&rl);
    /* header only: valid, no pools */
    rl = load("", 1);
    assert_int_equal(register_load_error_count(rl), 0);
    register_load_free(&rl);
}

static void test_duplicate_and_atomic(void **state)
{
    struct fixture *f = *state;
    char body[2048];
    snprintf(body, sizeof body, "%s%s", good_row, good_row);
    struct register_load *rl = load(body, 1);
    assert_int_equal(register_load_error_count(rl), 1);
    assert_non_null(strstr(register_load_errors(rl), "reg.csv:3:1: duplicate pool_id 'p1' (first "
                                                     "on line 2)"));
    struct load_summary sum;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(register_load_commit(rl, f->store, "avery", "sha", false, &sum, NULL, &err),
                     ST_BAD_DATA);
    register_load_free(&rl);
    struct pool *pools = NULL;
    size_t n = 99;
    assert_int_equal(pool_list(f->store, &pools, &n, &err), ST_OK);
    assert_int_equal(n, 0);
    pools_free(&pools, n);
    sb_done(&err);
}

static void test_update_audits_changed_fields(void **state)
{
    struct fixture *f = *state;
    struct strbuf err;
    sb_init(&err);
    struct load_summary sum;
    struct register_load *rl = load(good_row, 1);
    assert_int_equal(register_load_commit(rl, f->store, "avery", "s1", false, &sum, NULL, &err),
                     ST_OK);
    register_load_free(&rl);
    const char *changed =
        "p1,Pool one,openai,proj_1,priya,sam,production,80,USD,monthly,capped,20,2,2026-01-01,"
        ",90,80,C-1,active,api_key:key_1;workload:spiffe://acme.example/ns/a,model:gpt-4o*\n";
    rl = load(changed, 1);
    assert_int_equal(register_load_commit(rl, f->store, "avery", "s2", false, &sum, NULL, &err),
                     ST_OK);
    assert_int_equal(sum.updated, 1); /* binding order does not count as a change */
    register_load_free(&rl);
    sqlite3_stmt *st;
    assert_int_equal(store_prepare(f->store,
                                   "SELECT json_extract(body, '$.data.changed') FROM audit_event "
                                   "WHERE event = 'pool.updated'",
                                   &st, &err),
                     ST_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal(store_col_text(st, 0), "{\"grant\":[\"100.500000\",\"80.000000\"]}");
    sqlite3_finalize(st);
    struct audit_verify_result res;
    assert_int_equal(audit_verify(f->store, &res, &err), ST_OK);
    assert_true(res.events >= 5);
    sb_done(&err);
}

static void test_store_version_guard(void **state)
{
    struct fixture *f = *state;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(store_exec(f->store, "PRAGMA user_version = 42", &err), ST_OK);
    struct store *other = NULL;
    assert_int_equal(store_open(f->path, STORE_EXISTING, &other, &err), ST_DB_VERSION);
    assert_null(other);
    assert_non_null(strstr(sb_str(&err), "schema version 42"));
    assert_int_equal(store_exec(f->store, "PRAGMA user_version = 1", &err), ST_OK);
    assert_int_equal(store_open(f->path, STORE_EXISTING, &other, &err), ST_OK);
    store_free(&other);
    assert_null(other);
    assert_int_equal(store_open("/nonexistent/dir/x.db", STORE_EXISTING, &other, &err),
                     ST_NO_INPUT);
    sb_done(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_row_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_validation_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_problems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_and_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_audits_changed_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_version_guard, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
