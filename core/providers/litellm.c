/* LiteLLM proxy adapter: virtual keys (key/update, key/block) or a whole team (team/update,
 * team/block) when the pool's account is team:<id>. Budgets are float dollars. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/amount.h"
#include "core/providers/provider.h"

static const char *litellm_duration(const char *period)
{
    return strcmp(period, "quarterly") == 0 ? "3mo"
           : strcmp(period, "annual") == 0  ? "12mo"
                                            : "1mo";
}

/* One key or team update/block step. kind is "key" or "team"; id the key or team id. */
static void litellm_step(const struct prov_decision *d, const char *kind, const char *id,
                         json_t *models, struct prov_step **steps, size_t *n)
{
    const struct pool *p = d->pool;
    char path[64], rb[512], summary[512], op[32];
    char *esc = prov_url_escape(id);
    bool team = strcmp(kind, "team") == 0;
    snprintf(rb, sizeof rb, "/%s/info?%s=%s", kind, team ? "team_id" : "key", esc);
    free(esc);
    const char *id_field = team ? "team_id" : "key";
    if (d->action == PROV_REVOKE) {
        snprintf(path, sizeof path, "/%s/block", kind);
        snprintf(op, sizeof op, "%s_block", kind);
        snprintf(summary, sizeof summary, "block LiteLLM %s %s", kind, id);
        json_t *expect =
            json_pack("{ss s{sb}}", "under", team ? "team_info" : "info", "fields", "blocked", 1);
        prov_step_add(
            steps, n, op, id,
            prov_request("POST", path, json_pack("{ss}", id_field, id), rb, expect, true, summary),
            false);
        return;
    }
    if (d->action == PROV_APPROVE && d->was_revoked) {
        snprintf(path, sizeof path, "/%s/unblock", kind);
        snprintf(op, sizeof op, "%s_unblock", kind);
        snprintf(summary, sizeof summary, "unblock LiteLLM %s %s (approve reactivates)", kind, id);
        json_t *expect =
            json_pack("{ss s{sb}}", "under", team ? "team_info" : "info", "fields", "blocked", 0);
        prov_step_add(
            steps, n, op, id,
            prov_request("POST", path, json_pack("{ss}", id_field, id), rb, expect, false, summary),
            false);
    }
    double dollars = prov_dollars(d->grant_micros);
    snprintf(path, sizeof path, "/%s/update", kind);
    snprintf(op, sizeof op, "%s_update", kind);
    char amount[AMOUNT_BUF];
    snprintf(summary, sizeof summary, "set LiteLLM %s %s max_budget to %s USD per %s%s", kind, id,
             amount_format(d->grant_micros, 2, true, amount), litellm_duration(p->period),
             models ? " and restrict its models" : "");
    json_t *body = json_pack("{ss sf ss}", id_field, id, "max_budget", dollars, "budget_duration",
                             litellm_duration(p->period));
    json_t *fields = json_pack("{sf}", "max_budget", dollars);
    if (models) {
        json_object_set(body, "models", models);
        json_object_set(fields, "models", models);
    }
    json_t *expect = json_pack("{ss so}", "under", team ? "team_info" : "info", "fields", fields);
    prov_step_add(steps, n, op, id, prov_request("POST", path, body, rb, expect, false, summary),
                  false);
}

static enum status litellm_plan(const struct prov_decision *d, struct prov_step **steps, size_t *n,
                                struct strbuf *err)
{
    (void)err;
    const struct pool *p = d->pool;
    char summary[512];
    if (d->action != PROV_REVOKE && strcmp(p->unit, "USD") != 0) {
        snprintf(summary, sizeof summary, "set the grant of %s in %s", p->id, p->unit);
        prov_step_manual(steps, n, p->account, summary, "LiteLLM budgets are in USD");
        return ST_OK;
    }
    json_t *models = NULL;
    bool models_removed = false;
    for (size_t i = 0; i < d->nremoved; i++)
        models_removed = models_removed || strncmp(d->removed[i], "model:", 6) == 0;
    if (d->action == PROV_REDUCE && models_removed) {
        char **list = NULL;
        size_t nm = 0;
        if (prov_remaining_models(d, &list, &nm) && nm == 0) {
            snprintf(summary, sizeof summary, "stop %s from using any model", p->id);
            prov_step_manual(steps, n, p->account, summary,
                             "LiteLLM reads an empty model list as 'all models'; revoke the pool "
                             "instead");
        } else if (nm > 0) {
            models = json_array();
            for (size_t i = 0; i < nm; i++)
                json_array_append_new(models, json_string(list[i]));
            prov_strings_free(list, nm);
        } else {
            snprintf(summary, sizeof summary, "restrict %s to its remaining model scope", p->id);
            prov_step_manual(steps, n, p->account, summary,
                             "the remaining scope has glob entries; LiteLLM model lists take "
                             "exact names");
        }
    }
    if (strncmp(p->account, "team:", 5) == 0 && !prov_binding(p, "api_key", 0)) {
        litellm_step(d, "team", p->account + 5, models, steps, n);
    } else {
        size_t k = 0;
        for (const char *key; (key = prov_binding(p, "api_key", k)) != NULL; k++)
            litellm_step(d, "key", key, models, steps, n);
        if (k == 0) {
            snprintf(summary, sizeof summary, "%s %s",
                     d->action == PROV_REVOKE ? "revoke" : "limit", p->id);
            prov_step_manual(steps, n, p->account, summary,
                             "the pool binds no LiteLLM key and its account is not team:<id>");
        }
    }
    json_decref(models);
    return ST_OK;
}

static bool litellm_is_done(const json_t *payload, long status, const json_t *body)
{
    return prov_expect_match(json_object_get(payload, "expect"), status, body);
}

const struct provider_ops provider_litellm = {"litellm", litellm_plan, prov_bearer_headers,
                                              litellm_is_done};
