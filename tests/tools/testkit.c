/* Test helper (never installed): creates decisions and their outbox rows through the real
 * provider plans, so push tests can run before and independently of the review engine.
 * Usage: testkit enqueue DB POOL approve|reduce|revoke [GRANT] [removed-scope,...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/providers/provider.h"
#include "core/push.h"

static const char *const actions[] = {"approve", "reduce", "revoke"};

int main(int argc, char **argv)
{
    if (argc < 5 || strcmp(argv[1], "enqueue") != 0) {
        fprintf(stderr,
                "usage: testkit enqueue DB POOL approve|reduce|revoke [GRANT] [SCOPE,...]\n");
        return 64;
    }
    struct strbuf err;
    sb_init(&err);
    struct store *s = NULL;
    struct pool p;
    pool_init(&p);
    enum status st = store_open(argv[2], STORE_EXISTING, &s, &err);
    if (st == ST_OK)
        st = pool_get(s, argv[3], &p, &err);
    int action = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(argv[4], actions[i]) == 0)
            action = i;
    if (st != ST_OK || action < 0) {
        fprintf(stderr, "testkit: %s\n", action < 0 ? "bad action" : sb_str(&err));
        return 65;
    }
    int64_t grant = p.grant_micros;
    if (argc > 5 && *argv[5])
        amount_parse(argv[5], strlen(argv[5]), &grant);
    const char *removed[16];
    size_t nremoved = 0;
    char *scope = argc > 6 ? strdup(argv[6]) : NULL;
    for (char *tok = scope ? strtok(scope, ",") : NULL; tok && nremoved < 16;
         tok = strtok(NULL, ","))
        removed[nremoved++] = tok;
    st = store_begin(s, &err);
    sqlite3_stmt *q = NULL;
    if (st == ST_OK)
        st = store_prepare(s,
                           "INSERT INTO decision(pool_id, actor, role, action, reason, decided_at) "
                           "VALUES (?, 'testkit', 'owner', ?, 'created by the push test kit', "
                           "'2026-11-24T00:00:00Z')",
                           &q, &err);
    if (st == ST_OK) {
        store_bind_text(q, 1, p.id);
        store_bind_text(q, 2, actions[action]);
        if (sqlite3_step(q) != SQLITE_DONE)
            st = store_error(s, sqlite3_errcode(s->db), "decision", &err);
        sqlite3_finalize(q);
    }
    int64_t decision_id = sqlite3_last_insert_rowid(s->db);
    struct prov_decision d = {.pool = &p,
                              .action = (enum prov_action)action,
                              .grant_micros = grant,
                              .removed = removed,
                              .nremoved = nremoved,
                              .was_revoked = strcmp(p.status, "revoked") == 0,
                              .decision_id = decision_id,
                              .actor = "testkit",
                              .reason = "created by the push test kit",
                              .audit_hash = ""};
    struct prov_step *steps = NULL;
    size_t n = 0;
    if (st == ST_OK)
        st = provider_plan(&d, &steps, &n, &err);
    if (st == ST_OK)
        st =
            push_enqueue(s, decision_id, p.id, p.provider, steps, n, "2026-11-24", "testkit", &err);
    if (st == ST_OK)
        st = store_commit(s, &err);
    else
        store_rollback(s);
    if (st == ST_OK)
        printf("%lld %zu\n", (long long)decision_id, n);
    else
        fprintf(stderr, "testkit: %s\n", sb_str(&err));
    prov_steps_free(steps, n);
    pool_done(&p);
    store_free(&s);
    free(scope);
    sb_done(&err);
    return st == ST_OK ? 0 : 65;
}
