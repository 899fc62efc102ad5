/* OpenAI Admin API adapter: project spend limits, model permissions, project API keys. */
#include <stdio.h>
#include <string.h>

#include "core/amount.h"
#include "core/providers/provider.h"

static void openai_spend_limit(const struct prov_decision *d, const char *project, int64_t cents,
                               const char *why, struct prov_step **steps, size_t *n)
{
    char path[512], summary[256];
    snprintf(path, sizeof path, "/v1/organization/projects/%s/spend_limit", project);
    snprintf(summary, sizeof summary, "set project %s monthly spend limit to %lld cents (%s)",
             project, (long long)cents, why);
    (void)d;
    json_t *body = json_pack("{sI ss ss}", "threshold_amount", (json_int_t)cents, "currency", "USD",
                             "interval", "month");
    json_t *expect = json_pack("{s{sI}}", "fields", "threshold_amount", (json_int_t)cents);
    prov_step_add(steps, n, "spend_limit", project,
                  prov_request("POST", path, body, path, expect, false, summary), false);
}

static enum status openai_plan(const struct prov_decision *d, struct prov_step **steps, size_t *n,
                               struct strbuf *err)
{
    (void)err;
    const struct pool *p = d->pool;
    const char *project = p->account;
    char summary[512];
    if (strncmp(project, "proj_", 5) != 0) {
        snprintf(summary, sizeof summary, "%s pool %s",
                 d->action == PROV_REVOKE ? "revoke" : "limit", p->id);
        prov_step_manual(steps, n, project, summary,
                         "the pool's account is not an OpenAI project id (proj_...)");
        return ST_OK;
    }
    bool usd_monthly = strcmp(p->unit, "USD") == 0 && strcmp(p->period, "monthly") == 0;
    if (d->action == PROV_REVOKE) {
        size_t keys = 0;
        for (const char *key; (key = prov_binding(p, "api_key", keys)) != NULL; keys++) {
            char path[512];
            snprintf(path, sizeof path, "/v1/organization/projects/%s/api_keys/%s", project, key);
            snprintf(summary, sizeof summary, "delete project API key %s (irreversible)", key);
            prov_step_add(steps, n, "key_delete", key,
                          prov_request("DELETE", path, NULL, path, json_pack("{sb}", "gone", 1),
                                       true, summary),
                          false);
        }
        if (keys == 0) /* bound to the whole project: stop spending with a 1-cent limit */
            openai_spend_limit(d, project, 1, "revoke: the pool is bound to the whole project",
                               steps, n);
        return ST_OK;
    }
    bool grant_step = d->action == PROV_APPROVE || d->grant_micros != p->grant_micros;
    if (grant_step) {
        if (usd_monthly && d->grant_micros >= 10000) {
            openai_spend_limit(d, project, prov_cents(d->grant_micros),
                               d->action == PROV_APPROVE ? "approve" : "reduce", steps, n);
        } else {
            char amount[AMOUNT_BUF];
            snprintf(summary, sizeof summary, "set the grant of %s to %s %s %s", p->id,
                     amount_format(d->grant_micros, 2, true, amount), p->unit, p->period);
            prov_step_manual(steps, n, project, summary,
                             "OpenAI enforces monthly USD spend limits of at least one cent only");
        }
    }
    bool models_removed = false;
    for (size_t i = 0; i < d->nremoved; i++)
        models_removed = models_removed || strncmp(d->removed[i], "model:", 6) == 0;
    if (models_removed) {
        char **models = NULL;
        size_t nm = 0;
        if (!prov_remaining_models(d, &models, &nm)) {
            snprintf(summary, sizeof summary, "restrict project %s to the remaining model scope",
                     project);
            prov_step_manual(steps, n, project, summary,
                             "the remaining scope has glob entries; OpenAI allow lists take exact "
                             "model ids");
        } else {
            char path[512];
            snprintf(path, sizeof path, "/v1/organization/projects/%s/model_permissions", project);
            json_t *ids = json_array();
            for (size_t i = 0; i < nm; i++)
                json_array_append_new(ids, json_string(models[i]));
            snprintf(summary, sizeof summary, "allow only %zu model%s on project %s", nm,
                     nm == 1 ? "" : "s", project);
            json_t *body = json_pack("{ss sO}", "mode", "allow_list", "model_ids", ids);
            json_t *expect =
                json_pack("{s{ss so}}", "fields", "mode", "allow_list", "model_ids", ids);
            prov_step_add(steps, n, "model_permissions", project,
                          prov_request("POST", path, body, path, expect, false, summary), false);
            prov_strings_free(models, nm);
        }
    }
    if (d->action == PROV_APPROVE && d->was_revoked && prov_binding(p, "api_key", 0)) {
        snprintf(summary, sizeof summary, "issue new API keys for %s", p->id);
        prov_step_manual(steps, n, project, summary,
                         "OpenAI project API keys deleted by the revoke cannot be restored");
    }
    return ST_OK;
}

static bool openai_is_done(const json_t *payload, long status, const json_t *body)
{
    return prov_expect_match(json_object_get(payload, "expect"), status, body);
}

const struct provider_ops provider_openai = {"openai", openai_plan, prov_bearer_headers,
                                             openai_is_done};
