/* credence decide | campaign start|status | queue | outbox | keygen. */
#include "cli/cli.h"
#include "core/push.h"
#include "core/review.h"
#include "core/signing.h"

#include <stdlib.h>
#include <string.h>

/* The caller's signer when their key file holds the key registered on them; NULL otherwise.
 * A key file others can read is refused outright. */
static int load_signer(struct cli_ctx *ctx, struct signing_key **key, struct audit_signer *signer,
                       struct audit_signer **use)
{
    *use = NULL;
    char *path = signing_key_path();
    enum status st = signing_key_load(path, key, &ctx->err);
    free(path);
    if (st == ST_NO_INPUT) {
        sb_reset(&ctx->err);
        return 0;
    }
    if (st != ST_OK)
        return cli_fail(ctx, st);
    if (ctx->who.public_key && strcmp(ctx->who.public_key, signing_key_public(*key)) == 0) {
        *signer = signing_key_signer(*key);
        *use = signer;
    }
    return 0;
}

int cmd_decide(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *reason = NULL, *grant = NULL, *remove = NULL, *until = NULL, *effective = NULL,
               *finding = NULL;
    bool preview = false, json = false;
    const struct cli_opt opts[] = {{"reason", &reason, NULL},
                                   {"grant", &grant, NULL},
                                   {"remove-scope", &remove, NULL},
                                   {"until", &until, NULL},
                                   {"effective", &effective, NULL},
                                   {"finding", &finding, NULL},
                                   {"preview", NULL, &preview},
                                   {"json", NULL, &json},
                                   {0}};
    const char *pos[2];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 2, &npos);
    if (rc)
        return rc;
    if (npos != 2)
        return cli_usage_error(ctx, "expected POOL and ACTION");
    struct decide_request req = {.pool_id = pos[0],
                                 .reason = reason,
                                 .grant = -1,
                                 .remove_scope = remove,
                                 .until = until,
                                 .finding_id = finding,
                                 .preview = preview};
    if (!decide_action_parse(pos[1], &req.action))
        return cli_usage_error(ctx,
                               "ACTION is approve, reduce, revoke, acknowledge, escalate or "
                               "snooze, not '%s'",
                               pos[1]);
    if (grant && (amount_parse(grant, strlen(grant), &req.grant) != AMOUNT_OK || req.grant < 0))
        return cli_usage_error(ctx, "--grant '%s' is not a non-negative amount", grant);
    if (effective && strcmp(effective, "now") != 0 && strcmp(effective, "next-period") != 0)
        return cli_usage_error(ctx, "--effective is now or next-period");
    req.effective_now = effective && strcmp(effective, "now") == 0;
    if ((grant || remove || effective) && req.action != DA_REDUCE)
        return cli_usage_error(ctx, "--grant, --remove-scope and --effective go with reduce");
    if (until && req.action != DA_SNOOZE)
        return cli_usage_error(ctx, "--until goes with snooze");
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_config(ctx)) ||
        (rc = cli_identity(ctx, PERM_DECIDE)))
        return rc;
    struct signing_key *key = NULL;
    struct audit_signer signer, *use = NULL;
    if (!preview && (rc = load_signer(ctx, &key, &signer, &use)))
        return rc;
    struct decide_result res;
    enum status st = review_decide(ctx->store, ctx->config, &ctx->who, &req, use, &res, &ctx->err);
    signing_key_free(&key);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    if (json) {
        json_t *o =
            json_pack("{sI ss ss si si sb sb si}", "decision_id", (json_int_t)res.decision_id,
                      "pool_id", req.pool_id, "action", decide_action_name(req.action), "actions",
                      res.actions, "manual", res.manual, "emergency", res.emergency, "signed",
                      res.is_signed, "findings_changed", res.findings_changed);
        if (res.plan)
            json_object_set(o, "plan", res.plan);
        cli_print_json(o);
        json_decref(o);
    } else if (preview) {
        printf("preview: %s %s would queue %d provider action%s%s\n",
               decide_action_name(req.action), req.pool_id, res.actions,
               res.actions == 1 ? "" : "s", res.emergency ? " (an emergency action)" : "");
        size_t i;
        json_t *step;
        json_array_foreach(res.plan, i, step)
        {
            printf("  %-8s ", json_string_value(json_object_get(step, "state")));
            cli_put_cell(stdout, json_string_value(json_object_get(step, "summary")), -1);
            if (json_is_true(json_object_get(step, "destructive")))
                printf(" [irreversible at the provider: cannot be undone by approve]");
            if (json_object_get(step, "why")) {
                printf("\n           by hand: ");
                cli_put_cell(stdout, json_string_value(json_object_get(step, "why")), -1);
            }
            putchar('\n');
        }
    } else {
        printf("decision %lld: %s %s by %s%s; %s\n", (long long)res.decision_id,
               decide_action_name(req.action), req.pool_id, ctx->who.login,
               res.emergency ? " (emergency: the owner is asked to confirm)" : "",
               res.is_signed ? "signed" : "unsigned");
        if (res.actions)
            printf("%d provider action%s queued (%d to apply by hand); run credence push or see "
                   "credence outbox\n",
                   res.actions, res.actions == 1 ? "" : "s", res.manual);
        if (res.findings_changed)
            printf("%d finding%s updated\n", res.findings_changed,
                   res.findings_changed == 1 ? "" : "s");
    }
    json_decref(res.plan);
    return 0;
}

int cmd_campaign_start(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *due = NULL, *scope = "production";
    const struct cli_opt opts[] = {{"due", &due, NULL}, {"scope", &scope, NULL}, {0}};
    const char *pos[1];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 1, &npos);
    if (rc)
        return rc;
    if (npos != 1 || !due)
        return cli_usage_error(ctx, "expected NAME and --due DATE");
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, PERM_CAMPAIGN_START)))
        return rc;
    int items = 0;
    enum status st = review_campaign_start(ctx->store, &ctx->who, pos[0], due, scope, &items,
                                           &ctx->rep, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    printf("campaign %s started: %d pool%s to review by %s (scope %s)\n", pos[0], items,
           items == 1 ? "" : "s", due, scope);
    return 0;
}

int cmd_campaign_status(struct cli_ctx *ctx, int argc, char **argv)
{
    bool json = false;
    const struct cli_opt opts[] = {{"json", NULL, &json}, {0}};
    const char *pos[1];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 1, &npos);
    if (rc || (rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, PERM_VIEW_REGISTER)))
        return rc;
    int escalated = 0;
    enum status st =
        review_escalate_overdue(ctx->store, clock_today(), ctx->who.login, &escalated, &ctx->err);
    json_t *o = NULL;
    if (st == ST_OK)
        st = review_campaign_status(ctx->store, npos ? pos[0] : NULL, clock_today(), &o, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    if (json) {
        cli_print_json(o);
    } else {
        json_int_t total = json_integer_value(json_object_get(o, "total"));
        json_int_t decided = json_integer_value(json_object_get(o, "decided"));
        printf("campaign %s (scope %s), due %s: %lld of %lld decided (%.0f%%), %lld overdue\n",
               json_string_value(json_object_get(o, "name")),
               json_string_value(json_object_get(o, "scope")),
               json_string_value(json_object_get(o, "due")), (long long)decided, (long long)total,
               total ? 100.0 * (double)decided / (double)total : 0.0,
               (long long)json_integer_value(json_object_get(o, "overdue")));
        const char *k;
        json_t *v;
        printf("by action:");
        json_object_foreach(json_object_get(o, "by_action"), k, v)
            printf(" %s %lld", k, (long long)json_integer_value(v));
        printf("\n%-12s %6s %8s %8s\n", "REVIEWER", "ITEMS", "DECIDED", "OVERDUE");
        json_object_foreach(json_object_get(o, "by_reviewer"), k, v)
        {
            cli_put_cell(stdout, k, 12);
            printf(" %6lld %8lld %8lld\n",
                   (long long)json_integer_value(json_object_get(v, "total")),
                   (long long)json_integer_value(json_object_get(v, "decided")),
                   (long long)json_integer_value(json_object_get(v, "overdue")));
        }
    }
    json_decref(o);
    return 0;
}

int cmd_queue(struct cli_ctx *ctx, int argc, char **argv)
{
    bool json = false;
    const char *role = NULL;
    const struct cli_opt opts[] = {{"json", NULL, &json}, {"role", &role, NULL}, {0}};
    const char *pos[1];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 0, &npos);
    if (rc || (rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_config(ctx)) ||
        (rc = cli_identity(ctx, PERM_VIEW_REGISTER)))
        return rc;
    if (!role) { /* the first of the caller's reviewing roles */
        static const enum role order[] = {ROLE_OWNER, ROLE_CUSTODIAN, ROLE_AUDITOR};
        for (size_t i = 0; i < 3 && !role; i++)
            if (ctx->who.roles & ROLE_BIT(order[i]))
                role = role_name(order[i]);
        if (!role) {
            sb_setf(&ctx->err, "%s holds no owner, custodian or auditor role", ctx->who.login);
            return cli_fail(ctx, ST_DENIED);
        }
    }
    int escalated = 0;
    json_t *o = NULL;
    enum status st =
        review_escalate_overdue(ctx->store, clock_today(), ctx->who.login, &escalated, &ctx->err);
    if (st == ST_OK)
        st = review_queue(ctx->store, ctx->config, &ctx->who, role, clock_today(), &o, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    if (json) {
        cli_print_json(o);
    } else {
        json_t *items = json_object_get(o, "items");
        printf("%s queue of %s: %zu item%s\n", role, ctx->who.login, json_array_size(items),
               json_array_size(items) == 1 ? "" : "s");
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            json_t *rec = json_object_get(it, "recommendation");
            printf("  %-8s %-9s ", json_string_value(json_object_get(it, "severity")),
                   json_string_value(json_object_get(it, "kind")));
            cli_put_cell(stdout, json_string_value(json_object_get(it, "pool_id")), 24);
            printf(" %5.0f%%  %-8s ", json_real_value(json_object_get(it, "utilization_pct")),
                   json_string_value(json_object_get(rec, "action")));
            cli_put_cell(stdout, json_string_value(json_object_get(rec, "reason")), -1);
            if (json_is_true(json_object_get(it, "overdue")))
                printf("  [overdue]");
            putchar('\n');
        }
    }
    json_decref(o);
    return 0;
}

/* outbox retry|cancel ID [--reason TEXT] */
static int outbox_verb_cmd(struct cli_ctx *ctx, enum outbox_verb verb, const char *id_text,
                           const char *reason)
{
    char *end = NULL;
    long long id = strtoll(id_text, &end, 10);
    if (!*id_text || *end || id <= 0)
        return cli_usage_error(ctx, "'%s' is not an outbox action id (see credence outbox)",
                               id_text);
    int rc;
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, PERM_PUSH)))
        return rc;
    enum status st = outbox_act(ctx->store, &ctx->who, NULL, id, verb, reason, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    printf("outbox action %lld: %s\n", id,
           verb == OUTBOX_RETRY ? "pending again, due now (credence push sends it)" : "cancelled");
    return 0;
}

int cmd_outbox(struct cli_ctx *ctx, int argc, char **argv)
{
    bool json = false;
    const char *reason = NULL;
    const struct cli_opt opts[] = {{"json", NULL, &json}, {"reason", &reason, NULL}, {0}};
    const char *pos[2];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 2, &npos);
    if (rc)
        return rc;
    if (npos > 0) {
        static const struct {
            const char *word;
            enum outbox_verb verb;
        } words[] = {{"retry", OUTBOX_RETRY}, {"cancel", OUTBOX_CANCEL}};
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strcmp(pos[0], words[i].word) == 0) {
                if (npos != 2)
                    return cli_usage_error(ctx, "outbox %s needs an action id", words[i].word);
                return outbox_verb_cmd(ctx, words[i].verb, pos[1], reason);
            }
        return cli_usage_error(ctx, "'%s' is not retry or cancel", pos[0]);
    }
    if (reason)
        return cli_usage_error(ctx, "--reason goes with outbox retry or cancel");
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, PERM_VIEW_REGISTER)))
        return rc;
    json_t *arr = NULL;
    enum status st = push_list(ctx->store, &arr, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    if (json) {
        json_t *doc = json_pack("{so}", "actions", arr);
        cli_print_json(doc);
        json_decref(doc);
        return 0;
    }
    printf("%5s %5s %-22s %-9s %-10s %-17s %4s %6s  %s\n", "ID", "DEC", "POOL", "PROVIDER", "STATE",
           "OP", "TRY", "HTTP", "SUMMARY / LAST ERROR");
    size_t i;
    json_t *a;
    json_array_foreach(arr, i, a)
    {
        printf("%5lld %5lld ", (long long)json_integer_value(json_object_get(a, "id")),
               (long long)json_integer_value(json_object_get(a, "decision_id")));
        cli_put_cell(stdout, json_string_value(json_object_get(a, "pool_id")), 22);
        printf(" %-9s %-10s %-17s %4lld ", json_string_value(json_object_get(a, "provider")),
               json_string_value(json_object_get(a, "state")),
               json_string_value(json_object_get(a, "op")),
               (long long)json_integer_value(json_object_get(a, "attempts")));
        json_t *http = json_object_get(a, "last_status");
        if (json_is_integer(http))
            printf("%6lld  ", (long long)json_integer_value(http));
        else
            printf("%6s  ", "-");
        const char *text = json_string_value(json_object_get(a, "last_error"));
        if (!text)
            text = json_string_value(json_object_get(a, "why"));
        if (!text)
            text = json_string_value(json_object_get(a, "summary"));
        cli_put_cell(stdout, text ? text : "", -1);
        putchar('\n');
    }
    json_decref(arr);
    return 0;
}

int cmd_keygen(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *pos[1];
    int npos, rc = cli_parse(ctx, NULL, argc, argv, pos, 0, &npos);
    if (rc || (rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, PERM_VIEW_REGISTER)))
        return rc;
    char *path = signing_key_path();
    char pub[65];
    enum status st = signing_keygen(ctx->store, ctx->who.login, path, pub, &ctx->err);
    if (st == ST_OK)
        printf("signing key written to %s (mode 0600); public key %s registered for %s\n", path,
               pub, ctx->who.login);
    free(path);
    return st == ST_OK ? 0 : cli_fail(ctx, st);
}
