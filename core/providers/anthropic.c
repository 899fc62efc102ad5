/* Anthropic Admin API adapter: API key status (reversible revoke) and workspace spend limits
 * (early access: a 4xx saying it is unavailable ends the action failed with that message). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/amount.h"
#include "core/providers/provider.h"

static void anthropic_key_status(const char *key, const char *status, const char *why,
                                 struct prov_step **steps, size_t *n)
{
    char path[512], summary[256];
    snprintf(path, sizeof path, "/v1/organizations/api_keys/%s", key);
    snprintf(summary, sizeof summary, "set API key %s %s (%s)", key, status, why);
    json_t *body = json_pack("{ss}", "status", status);
    json_t *expect = json_pack("{s{ss}}", "fields", "status", status);
    prov_step_add(steps, n, strcmp(status, "inactive") == 0 ? "key_deactivate" : "key_activate",
                  key, prov_request("POST", path, body, path, expect, false, summary), false);
}

static enum status anthropic_plan(const struct prov_decision *d, struct prov_step **steps,
                                  size_t *n, struct strbuf *err)
{
    (void)err;
    const struct pool *p = d->pool;
    char summary[512];
    if (d->action == PROV_REVOKE) {
        size_t keys = 0;
        for (const char *key; (key = prov_binding(p, "api_key", keys)) != NULL; keys++)
            anthropic_key_status(key, "inactive", "revoke; reversible", steps, n);
        if (keys == 0) {
            snprintf(summary, sizeof summary, "revoke %s: disable its workload's access", p->id);
            prov_step_manual(steps, n, p->account, summary,
                             "the pool binds no Anthropic API key (apikey_...) to deactivate");
        }
        return ST_OK;
    }
    if (d->action == PROV_APPROVE && d->was_revoked) {
        for (size_t k = 0; prov_binding(p, "api_key", k); k++)
            anthropic_key_status(prov_binding(p, "api_key", k), "active", "approve reactivates",
                                 steps, n);
    }
    bool grant_step = d->action == PROV_APPROVE || d->grant_micros != p->grant_micros;
    if (grant_step) {
        bool ok = strcmp(p->unit, "USD") == 0 && strcmp(p->period, "monthly") == 0 &&
                  strncmp(p->account, "wrkspc_", 7) == 0;
        if (ok) {
            char *cents = prov_cents_string(d->grant_micros);
            snprintf(summary, sizeof summary, "set workspace %s monthly spend limit to %s cents",
                     p->account, cents);
            json_t *scope = json_pack("{ss ss}", "type", "workspace", "workspace_id", p->account);
            json_t *body =
                json_pack("{ss sO ss}", "amount", cents, "scope", scope, "period", "monthly");
            json_t *expect = json_pack("{s{ss ss ss}}", "spend_limit", "workspace_id", p->account,
                                       "period", "monthly", "amount", cents);
            json_decref(scope);
            prov_step_add(
                steps, n, "spend_limit", p->account,
                prov_request("POST", "/v1/organizations/spend_limits", body,
                             "/v1/organizations/spend_limits?scope_type[]=workspace&limit=100",
                             expect, false, summary),
                false);
            free(cents);
        } else {
            char amount[AMOUNT_BUF];
            snprintf(summary, sizeof summary, "set the grant of %s to %s %s %s", p->id,
                     amount_format(d->grant_micros, 2, true, amount), p->unit, p->period);
            prov_step_manual(steps, n, p->account, summary,
                             "Anthropic spend limits are monthly USD limits on a workspace "
                             "(wrkspc_...)");
        }
    }
    for (size_t i = 0; i < d->nremoved; i++) {
        if (strncmp(d->removed[i], "model:", 6) != 0)
            continue;
        snprintf(summary, sizeof summary, "stop %s from using %s", p->id, d->removed[i] + 6);
        prov_step_manual(steps, n, p->account, summary,
                         "the Anthropic Admin API has no per-workspace model restriction");
    }
    return ST_OK;
}

static struct curl_slist *anthropic_headers(struct curl_slist *h, const char *key, bool readback,
                                            const char *body)
{
    (void)body;
    char buf[1024];
    snprintf(buf, sizeof buf, "x-api-key: %s", key);
    h = curl_slist_append(h, buf);
    h = curl_slist_append(h, "anthropic-version: 2023-06-01");
    h = curl_slist_append(h, "Content-Type: application/json");
    if (readback)
        h = curl_slist_append(h, "anthropic-beta: spend-limit-reads-2026-09-26");
    return h;
}

static bool anthropic_is_done(const json_t *payload, long status, const json_t *body)
{
    json_t *expect = json_object_get(payload, "expect");
    json_t *limit = json_object_get(expect, "spend_limit");
    if (!limit)
        return prov_expect_match(expect, status, body);
    if (status < 200 || status > 299)
        return false;
    const char *ws = json_string_value(json_object_get(limit, "workspace_id"));
    const char *period = json_string_value(json_object_get(limit, "period"));
    const char *amount = json_string_value(json_object_get(limit, "amount"));
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(body, "data"), i, row)
    {
        json_t *scope = json_object_get(row, "scope");
        const char *rws = json_string_value(json_object_get(scope, "workspace_id"));
        const char *rp = json_string_value(json_object_get(row, "period"));
        const char *ra = json_string_value(json_object_get(row, "amount"));
        if (rws && rp && ra && ws && period && amount && strcmp(rws, ws) == 0 &&
            strcmp(rp, period) == 0)
            return strcmp(ra, amount) == 0;
    }
    return false;
}

const struct provider_ops provider_anthropic = {"anthropic", anthropic_plan, anthropic_headers,
                                                anthropic_is_done};
