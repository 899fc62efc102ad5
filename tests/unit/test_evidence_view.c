/* Unit tests for the console's evidence queries: campaigns with progress, each item filter,
 * who sees what, a decision's evidence (signature, redacted requests, read-back), a pool's audit
 * events, and the chain status naming the seq of a tampered event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/evidence_view.h"
#include "core/signing.h"
#include "store_fixture.h"

struct fixture {
    char dir[64];
    struct store *s;
    struct identity auditor, owner;
    int64_t dec[6]; /* decision ids by pool number; 0 when none */
};

/* Inserts decision `id` on pool pN, records its audit event (signed when signer is non-NULL),
 * and links them. */
static void add_decision(struct fixture *f, int n, int64_t id, const char *actor,
                         const char *action, const char *recommended, int emergency,
                         const struct audit_signer *signer)
{
    char sql[1024], pool[8];
    snprintf(pool, sizeof pool, "p%d", n);
    snprintf(sql, sizeof sql,
             "INSERT INTO decision(id, pool_id, actor, role, action, reason, snapshot, emergency, "
             "decided_at) VALUES (%lld, '%s', '%s', 'owner', '%s', 'a reason with words', "
             "'{\"ledger\":{\"period_start\":\"2026-10-01\",\"grant\":\"100.000000\","
             "\"carry_in\":\"0.000000\",\"consumed\":\"12.000000\",\"remaining\":\"88.000000\"},"
             "\"findings\":[],\"recommendation\":{\"action\":\"%s\",\"grant\":\"100.000000\","
             "\"reason\":\"steady use\"}}', %d, '2026-10-10T10:00:00Z')",
             (long long)id, pool, actor, action, recommended, emergency);
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(store_begin(f->s, &err), ST_OK);
    exec_ok(f->s, sql);
    int64_t seq = 0;
    json_t *data = json_pack("{sI ss}", "decision", (json_int_t)id, "action", action);
    assert_int_equal(audit_append_signed(f->s, actor, "decision.entitlement", pool, data, signer,
                                         &seq, NULL, &err),
                     ST_OK);
    json_decref(data);
    snprintf(sql, sizeof sql, "UPDATE decision SET audit_seq = %lld, signed = %d WHERE id = %lld",
             (long long)seq, signer != NULL, (long long)id);
    exec_ok(f->s, sql);
    assert_int_equal(store_commit(f->s, &err), ST_OK);
    sb_done(&err);
    f->dec[n] = id;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/credence-evview-XXXXXX");
    temp_store_open(f->dir, &f->s);
    struct strbuf err;
    sb_init(&err);
    clock_fix(1795000000); /* 2026-11-18 */
    exec_ok(f->s,
            "INSERT INTO person(login, name, created_at, updated_at) VALUES "
            "('aud', 'Auditor', 'x', 'x'), ('own', 'Owner', 'x', 'x'), ('cus', 'Custodian', 'x', "
            "'x'), ('oth', 'Other', 'x', 'x');"
            "INSERT INTO person_role VALUES ('aud', 'auditor'), ('own', 'owner'), ('cus', "
            "'custodian'), ('oth', 'owner');");
    for (int n = 1; n <= 5; n++) {
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "INSERT INTO pool(id, name, provider, account, owner, custodian, environment, "
                 "grant_micros, unit, period, rollover, starts_on, review_interval_days, "
                 "created_at, updated_at) VALUES ('p%d', 'Pool %d', 'openai', 'proj_%d', '%s', "
                 "'cus', 'production', 100000000, 'USD', 'quarterly', 'none', '2026-01-01', 90, "
                 "'x', 'x');"
                 "INSERT INTO review_item(campaign_id, pool_id, reviewer, created_at) VALUES "
                 "(1, 'p%d', '%s', 'x');",
                 n, n, n, n == 5 ? "oth" : "own", n, n == 5 ? "oth" : "own");
        if (n == 1)
            exec_ok(f->s, "INSERT INTO campaign(id, name, starts_on, due_on, created_by, "
                          "created_at) VALUES (1, '2026-Q4', '2026-10-01', '2026-11-01', 'aud', "
                          "'2026-10-01T00:00:00Z')");
        exec_ok(f->s, sql);
    }
    /* own registers a signing key (audited), then signs the approve of p1 */
    char key[128], pub[65];
    snprintf(key, sizeof key, "%s/keys/signing.key", f->dir);
    assert_int_equal(signing_keygen(f->s, "own", key, pub, &err), ST_OK);
    struct signing_key *k = NULL;
    assert_int_equal(signing_key_load(key, &k, &err), ST_OK);
    struct audit_signer signer = signing_key_signer(k);
    add_decision(f, 1, 11, "own", "approve", "approve", 0, &signer);
    add_decision(f, 2, 12, "own", "reduce", "approve", 0, NULL);  /* contrary, unsigned */
    add_decision(f, 3, 13, "cus", "revoke", "revoke", 1, NULL);   /* emergency */
    add_decision(f, 5, 15, "oth", "approve", "approve", 0, NULL); /* not own's pool */
    signing_key_free(&k);
    exec_ok(f->s,
            "UPDATE review_item SET state = 'decided', decision_id = 10 + "
            "CAST(substr(pool_id, 2) AS INTEGER) WHERE pool_id IN ('p1', 'p2', 'p5');"
            "INSERT INTO review_item(campaign_id, pool_id, kind, reviewer, created_at) VALUES "
            "(NULL, 'p3', 'confirm', 'own', 'x');"
            "INSERT INTO outbox(decision_id, pool_id, provider, op, target, payload, "
            "idempotency_key, state, attempts, due_at, next_attempt_at, last_status, created_at, "
            "updated_at) VALUES (11, 'p1', 'litellm', 'key_block', 'k1', "
            "'{\"method\":\"POST\",\"path\":\"/key/sk-live-path/block\",\"body\":{\"key\":"
            "\"sk-live-secret\",\"note\":\"sk-other\",\"max_budget\":5},\"readback\":{\"method\":"
            "\"GET\",\"path\":\"/key/info\"},\"summary\":\"block the key\"}', 'i1', 'verified', 1, "
            "'x', 'x', 200, 'x', 'x'), (12, 'p2', 'openai', 'spend_limit', 'proj_2', "
            "'{\"method\":\"POST\",\"path\":\"/v1/limits\",\"body\":{\"amount\":1},\"summary\":"
            "\"lower the limit\"}', 'i2', 'pending', 0, '2027-01-01T00:00:00Z', 'x', NULL, 'x', "
            "'x');");
    assert_int_equal(identity_load(f->s, "aud", &f->auditor, &err), ST_OK);
    assert_int_equal(identity_load(f->s, "own", &f->owner, &err), ST_OK);
    sb_done(&err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    identity_done(&f->auditor);
    identity_done(&f->owner);
    temp_store_remove(f->dir, &f->s);
    clock_unfix();
    free(f);
    return 0;
}

/* Pool ids of the items a filter keeps, space-separated. */
static void items_of(struct fixture *f, const struct identity *who, enum evidence_filter filter,
                     char *out, size_t cap)
{
    struct evidence_item *it = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(evidence_items(f->s, who, "2026-Q4", filter, clock_today(), &it, &n, &err),
                     ST_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "", it[i].pool_id);
    evidence_items_free(&it, n);
    assert_null(it);
    sb_done(&err);
}

static void test_campaigns_and_filters(void **state)
{
    struct fixture *f = *state;
    struct evidence_campaign *c = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(evidence_campaigns(f->s, &f->auditor, clock_today(), &c, &n, &err), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].name, "2026-Q4");
    assert_string_equal(c[0].due, "2026-11-01");
    assert_int_equal(c[0].total, 5);
    assert_int_equal(c[0].decided, 3);
    assert_int_equal(c[0].overdue, 2);
    evidence_campaigns_free(&c, n);
    char got[128];
    items_of(f, &f->auditor, EVF_ALL, got, sizeof got);
    assert_string_equal(got, "p1 p2 p3 p4 p5");
    items_of(f, &f->auditor, EVF_OVERDUE, got, sizeof got);
    assert_string_equal(got, "p3 p4");
    items_of(f, &f->auditor, EVF_EMERGENCY, got, sizeof got);
    assert_string_equal(got, "p3");
    items_of(f, &f->auditor, EVF_CONTRARY, got, sizeof got);
    assert_string_equal(got, "p2");
    items_of(f, &f->auditor, EVF_UNSIGNED, got, sizeof got);
    assert_string_equal(got, "p2 p3 p5");
    /* an owner sees the items of their own pools only */
    items_of(f, &f->owner, EVF_ALL, got, sizeof got);
    assert_string_equal(got, "p1 p2 p3 p4");
    /* the item row carries the decision, its push state and flags */
    struct evidence_item *it = NULL;
    assert_int_equal(
        evidence_items(f->s, &f->auditor, "2026-Q4", EVF_ALL, clock_today(), &it, &n, &err), ST_OK);
    assert_int_equal(it[0].decision_id, 11);
    assert_true(it[0].is_signed);
    assert_string_equal(it[0].push, "verified");
    assert_string_equal(it[1].push, "pending");
    assert_string_equal(it[2].action, "revoke"); /* the open item shows the emergency action */
    assert_string_equal(it[2].state, "open");
    assert_int_equal(it[3].decision_id, 0);
    assert_string_equal(it[3].push, "-");
    evidence_items_free(&it, n);
    assert_int_equal(
        evidence_items(f->s, &f->auditor, "nope", EVF_ALL, clock_today(), &it, &n, &err),
        ST_NOT_FOUND);
    assert_string_equal(evidence_filter_label(EVF_EMERGENCY),
                        "emergency awaiting owner confirmation");
    sb_done(&err);
}

static void test_decision_evidence(void **state)
{
    struct fixture *f = *state;
    struct strbuf err;
    sb_init(&err);
    json_t *d = NULL;
    assert_int_equal(evidence_decision(f->s, &f->auditor, 11, &d, &err), ST_OK);
    json_t *sig = json_object_get(d, "signature");
    assert_string_equal(json_string_value(json_object_get(sig, "status")), "verified");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(d, "snapshot"), "recommendation"), "action")),
        "approve");
    assert_string_equal(json_string_value(json_object_get(d, "reason")), "a reason with words");
    json_t *act = json_array_get(json_object_get(d, "actions"), 0);
    const char *req = json_string_value(json_object_get(act, "request"));
    assert_non_null(strstr(req, "POST /key/sk-[redacted]/block"));
    assert_non_null(strstr(req, "\"key\":\"[redacted]\""));
    assert_non_null(strstr(req, "\"note\":\"sk-[redacted]\""));
    assert_non_null(strstr(req, "\"max_budget\":5"));
    assert_null(strstr(req, "sk-live"));
    assert_null(strstr(req, "sk-other"));
    assert_string_equal(json_string_value(json_object_get(act, "target")), "k1");
    assert_int_equal(json_integer_value(json_object_get(act, "last_status")), 200);
    assert_non_null(strstr(json_string_value(json_object_get(act, "readback")), "confirmed"));
    json_decref(d);
    assert_int_equal(evidence_decision(f->s, &f->auditor, 12, &d, &err), ST_OK);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "signature"), "status")), "unsigned");
    assert_true(json_is_true(json_object_get(d, "contrary")));
    act = json_array_get(json_object_get(d, "actions"), 0);
    assert_true(json_is_null(json_object_get(act, "last_status")));
    assert_non_null(strstr(json_string_value(json_object_get(act, "readback")), "not sent yet"));
    json_decref(d);
    assert_int_equal(evidence_decision(f->s, &f->auditor, 13, &d, &err), ST_OK);
    assert_true(json_is_true(json_object_get(d, "awaiting_confirmation")));
    json_decref(d);
    /* the owner may not look at another owner's decision */
    assert_int_equal(evidence_decision(f->s, &f->owner, 15, &d, &err), ST_NOT_FOUND);
    assert_null(d);
    assert_int_equal(evidence_decision(f->s, &f->auditor, 99, &d, &err), ST_NOT_FOUND);
    /* a pool's events: its decision and its outbox action's, in chain order */
    json_t *ev = NULL;
    assert_int_equal(evidence_pool_events(f->s, &f->auditor, "p1", &ev, &err), ST_OK);
    assert_true(json_array_size(ev) >= 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "event")),
                        "decision.entitlement");
    assert_true(json_is_true(json_object_get(json_array_get(ev, 0), "signed")));
    json_decref(ev);
    assert_int_equal(evidence_pool_events(f->s, &f->owner, "p5", &ev, &err), ST_NOT_FOUND);
    sb_done(&err);
}

static void test_redact(void **state)
{
    (void)state;
    json_t *v = json_pack("{ss s{ss si} s[ss] ss}", "Authorization", "Bearer x", "inner",
                          "api_token", "t", "n", 3, "list", "sk-abc", "ok", "whsec", "whsec_1");
    json_t *r = evidence_redact(v);
    char *text = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(text, "{\"Authorization\":\"[redacted]\",\"inner\":{\"api_token\":"
                              "\"[redacted]\",\"n\":3},\"list\":[\"sk-[redacted]\",\"ok\"],"
                              "\"whsec\":\"whsec[redacted]\"}");
    free(text);
    json_decref(r);
    json_decref(v);
    assert_null(evidence_redact(NULL));
    struct strbuf sb;
    sb_init(&sb);
    evidence_redact_text(&sb, "set key sk-litellm-01 budget; url=/k/sk-a/x, desk-top, ask-me");
    assert_string_equal(sb_str(&sb),
                        "set key sk-[redacted] budget; url=/k/sk-[redacted]/x, desk-top, ask-me");
    sb_reset(&sb);
    evidence_redact_text(&sb, NULL);
    assert_string_equal(sb_str(&sb), "");
    sb_done(&sb);
}

static void test_chain_status(void **state)
{
    struct fixture *f = *state;
    struct evidence_chain ch;
    evidence_chain_status(f->s, &ch);
    assert_true(ch.intact);
    assert_true(ch.events >= 5);
    char want[128];
    snprintf(want, sizeof want, "chain verified: %lld events, head seq %lld", (long long)ch.events,
             (long long)ch.events);
    assert_string_equal(ch.line, want);
    exec_ok(f->s, "DROP TRIGGER audit_no_update;"
                  "UPDATE audit_event SET actor = 'mallory' WHERE seq = 3");
    evidence_chain_status(f->s, &ch);
    assert_false(ch.intact);
    assert_int_equal(ch.bad_seq, 3);
    assert_non_null(strstr(ch.line, "chain BROKEN at seq 3: "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_campaigns_and_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decision_evidence, setup, teardown),
        cmocka_unit_test(test_redact),
        cmocka_unit_test_setup_teardown(test_chain_status, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
