/* Shared by the unit tests that need a database (test_evidence_view.c, test_pool_browse.c): a
 * new store in a temporary directory, SQL run or the test failed with its error, and the
 * directory removed afterwards. Include after <cmocka.h> and core/core.h. */
#ifndef CREDENCE_TESTS_STORE_FIXTURE_H
#define CREDENCE_TESTS_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

/* Runs sql on s; a failure fails the test with the statement and SQLite's message. */
static void exec_ok(struct store *s, const char *sql)
{
    struct strbuf err;
    sb_init(&err);
    enum status rc = store_exec(s, sql, &err);
    if (rc != ST_OK)
        fail_msg("%s: %s", sql, sb_str(&err));
    sb_done(&err);
}

/* Creates dir (a mkdtemp template of at most 63 bytes, replaced by the name) and opens a new
 * database dir/t.db into *s. */
static void temp_store_open(char *dir, struct store **s)
{
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", dir);
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(store_open(path, STORE_CREATE, s, &err), ST_OK);
    sb_done(&err);
}

/* Closes *s and removes dir with everything in it. */
static void temp_store_remove(char *dir, struct store **s)
{
    store_free(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

#endif
