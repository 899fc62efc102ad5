/* Unit tests for the provider adapters: plans per provider and action, manual fallbacks, money
 * conversion, read-back verdicts and error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/providers/provider.h"

static void make_pool(struct pool *p, const char *provider, const char *account, const char *unit,
                      const char *period, const char *bindings, const char *scope)
{
    pool_init(p);
    p->id = xstrdup("pool-x");
    p->name = xstrdup("Pool X");
    p->provider = xstrdup(provider);
    p->account = xstrdup(account);
    p->owner = xstrdup("o");
    p->custodian = xstrdup("c");
    p->environment = xstrdup("production");
    p->unit = xstrdup(unit);
    p->period = xstrdup(period);
    p->rollover = xstrdup("none");
    p->contract_ref = xstrdup("");
    p->status = xstrdup("active");
    p->grant_micros = INT64_C(1000) * AMOUNT_SCALE;
    const char *lists[2] = {bindings, scope};
    for (int l = 0; l < 2; l++) {
        const char *cur = lists[l], *end = cur + strlen(cur), *item;
        size_t len;
        while (*lists[l] && text_next_item(&cur, end, ';', &item, &len)) {
            const char *colon = memchr(item, ':', len);
            if (l == 0)
                pool_add_entry(&p->bindings, &p->nbindings, item, (size_t)(colon - item), colon + 1,
                               len - (size_t)(colon - item) - 1);
            else
                pool_add_entry(&p->scope, &p->nscope, item, (size_t)(colon - item), colon + 1,
                               len - (size_t)(colon - item) - 1);
        }
    }
}

static char *plan_json(const struct pool *p, enum prov_action a, int64_t grant,
                       const char *const *removed, size_t nremoved, size_t *n)
{
    struct prov_decision d = {.pool = p,
                              .action = a,
                              .grant_micros = grant,
                              .removed = removed,
                              .nremoved = nremoved,
                              .decision_id = 7,
                              .actor = "priya",
                              .reason = "reason text",
                              .audit_hash = "abc"};
    struct prov_step *steps = NULL;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(provider_plan(&d, &steps, n, &err), ST_OK);
    json_t *arr = json_array();
    for (size_t i = 0; i < *n; i++)
        json_array_append_new(arr, json_pack("{ss ss sO sb}", "op", steps[i].op, "target",
                                             steps[i].target, "payload", steps[i].payload, "manual",
                                             steps[i].manual));
    char *s = json_dumps(arr, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(arr);
    prov_steps_free(steps, *n);
    sb_done(&err);
    return s;
}

#define HAS(s, sub)                                                                                \
    do {                                                                                           \
        if (!strstr((s), (sub)))                                                                   \
            fail_msg("expected %s in %s", (sub), (s));                                             \
    } while (0)

static void test_money(void **state)
{
    (void)state;
    assert_int_equal(prov_cents(INT64_C(12345678)), 1235); /* 12.345678 -> 12.35 */
    char *s = prov_cents_string(INT64_C(500000000));
    assert_string_equal(s, "50000");
    free(s);
    assert_true(prov_dollars(INT64_C(2500004999)) == 2500.0);
}

static void test_openai(void **state)
{
    (void)state;
    struct pool p;
    make_pool(&p, "openai", "proj_1", "USD", "monthly", "api_key:key_A;api_key:key_B",
              "model:gpt-4o;model:gpt-4o-mini;tool:file_search");
    size_t n;
    char *s = plan_json(&p, PROV_REDUCE, INT64_C(600) * AMOUNT_SCALE, NULL, 0, &n);
    assert_int_equal(n, 1);
    HAS(s, "\"path\":\"/v1/organization/projects/proj_1/spend_limit\"");
    HAS(s, "\"threshold_amount\":60000");
    free(s);
    const char *removed[] = {"model:gpt-4o"};
    s = plan_json(&p, PROV_REDUCE, p.grant_micros, removed, 1, &n);
    assert_int_equal(n, 1); /* grant unchanged: only the allow list */
    HAS(s, "\"model_ids\":[\"gpt-4o-mini\"]");
    HAS(s, "\"mode\":\"allow_list\"");
    free(s);
    s = plan_json(&p, PROV_REVOKE, 0, NULL, 0, &n);
    assert_int_equal(n, 2);
    HAS(s, "\"method\":\"DELETE\"");
    HAS(s, "api_keys/key_B");
    HAS(s, "\"destructive\":true");
    free(s);
    pool_done(&p);
    /* whole-project pool: revoke is a 1-cent limit; EUR or quarterly cannot be enforced */
    make_pool(&p, "openai", "proj_2", "EUR", "monthly", "project:proj_2", "model:gpt-4o*");
    s = plan_json(&p, PROV_REVOKE, 0, NULL, 0, &n);
    HAS(s, "\"threshold_amount\":1");
    free(s);
    s = plan_json(&p, PROV_APPROVE, p.grant_micros, NULL, 0, &n);
    HAS(s, "\"manual\":true");
    HAS(s, "monthly USD");
    free(s);
    const char *rm[] = {"model:gpt-4o"};
    s = plan_json(&p, PROV_REDUCE, p.grant_micros, rm, 1, &n);
    HAS(s, "glob entries");
    free(s);
    pool_done(&p);
}

static void test_anthropic_litellm_webhook_focus(void **state)
{
    (void)state;
    struct pool p;
    size_t n;
    make_pool(&p, "anthropic", "wrkspc_1", "USD", "monthly", "api_key:apikey_1", "model:claude-x");
    char *s = plan_json(&p, PROV_REVOKE, 0, NULL, 0, &n);
    HAS(s, "\"status\":\"inactive\"");
    free(s);
    free(p.status);
    p.status = xstrdup("revoked");
    struct prov_decision d = {
        .pool = &p, .action = PROV_APPROVE, .grant_micros = p.grant_micros, .was_revoked = true};
    struct prov_step *steps = NULL;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(provider_plan(&d, &steps, &n, &err), ST_OK);
    assert_int_equal(n, 2); /* reactivate the key, then the spend limit */
    assert_string_equal(steps[0].op, "key_activate");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(steps[1].payload, "body"), "amount")),
        "100000");
    prov_steps_free(steps, n);
    sb_done(&err);
    pool_done(&p);

    make_pool(&p, "litellm", "team:sre", "USD", "quarterly", "", "model:gpt-4o");
    s = plan_json(&p, PROV_APPROVE, p.grant_micros, NULL, 0, &n);
    HAS(s, "\"path\":\"/team/update\"");
    HAS(s, "\"budget_duration\":\"3mo\"");
    HAS(s, "\"max_budget\":1000.0");
    free(s);
    const char *all[] = {"model:gpt-4o"};
    s = plan_json(&p, PROV_REDUCE, p.grant_micros, all, 1, &n);
    HAS(s, "empty model list"); /* never send [] (= all models) */
    free(s);
    pool_done(&p);

    make_pool(&p, "webhook", "partner", "credits", "quarterly", "", "");
    s = plan_json(&p, PROV_REDUCE, INT64_C(5) * AMOUNT_SCALE, NULL, 0, &n);
    HAS(s, "\"type\":\"credence.decision\"");
    HAS(s, "\"decision_id\":7");
    HAS(s, "\"audit_hash\":\"abc\"");
    free(s);
    pool_done(&p);

    make_pool(&p, "focus", "aws:1", "USD", "monthly", "", "");
    s = plan_json(&p, PROV_REVOKE, 0, NULL, 0, &n);
    assert_int_equal(n, 1);
    HAS(s, "\"op\":\"manual\"");
    free(s);
    pool_done(&p);
}

static void test_readback_verdicts(void **state)
{
    (void)state;
    json_t *payload = json_pack("{s{s{sI}}}", "expect", "fields", "threshold_amount", 60000);
    json_t *good = json_pack("{sI}", "threshold_amount", 60000);
    json_t *bad = json_pack("{sI}", "threshold_amount", 100);
    const struct provider_ops *oa = provider_find("openai");
    assert_true(oa->is_done(payload, 200, good));
    assert_false(oa->is_done(payload, 200, bad));
    assert_false(oa->is_done(payload, 500, good));
    json_decref(payload);
    payload = json_pack("{s{sb}}", "expect", "gone", 1);
    assert_true(oa->is_done(payload, 404, NULL));
    assert_false(oa->is_done(payload, 200, good));
    json_decref(payload);
    json_decref(good);
    json_decref(bad);
    payload = json_pack("{s{ss s{sb}}}", "expect", "under", "info", "fields", "blocked", 0);
    json_t *info = json_pack("{s{sn}}", "info", "blocked");
    assert_true(provider_find("litellm")->is_done(payload, 200, info));
    json_decref(info);
    json_decref(payload);
    assert_null(provider_find("nope"));
}

static void test_error_messages(void **state)
{
    (void)state;
    char *m = prov_error_message(401, "{\"error\":{\"message\":\"Incorrect key\",\"type\":\"x\"}}");
    assert_string_equal(m, "HTTP 401: Incorrect key");
    free(m);
    m = prov_error_message(404, "{\"detail\":{\"error\":\"Team not found\"}}");
    assert_string_equal(m, "HTTP 404: Team not found");
    free(m);
    m = prov_error_message(500, "<html>\x1b[31m oops</html>");
    assert_string_equal(m, "HTTP 500: <html>?[31m oops</html>");
    free(m);
    m = prov_url_escape("sk-a b/c");
    assert_string_equal(m, "sk-a%20b%2Fc");
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money),
        cmocka_unit_test(test_openai),
        cmocka_unit_test(test_anthropic_litellm_webhook_focus),
        cmocka_unit_test(test_readback_verdicts),
        cmocka_unit_test(test_error_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
