/* Signed webhook adapter for any other credit system: POST of a JSON event with an
 * Idempotency-Key (added by the engine), X-Credence-Signature: sha256=<HMAC-SHA256 of the body>
 * and X-Credence-Timestamp; read-back by an optional configured GET URL that must echo the
 * decision id it applied. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/amount.h"
#include "core/date.h"
#include "core/providers/provider.h"

static const char *const action_names[] = {"approve", "reduce", "revoke"};

static enum status webhook_plan(const struct prov_decision *d, struct prov_step **steps, size_t *n,
                                struct strbuf *err)
{
    (void)err;
    const struct pool *p = d->pool;
    char grant[AMOUNT_BUF];
    json_t *removed = json_array();
    for (size_t i = 0; i < d->nremoved; i++)
        json_array_append_new(removed, json_string(d->removed[i]));
    json_t *event = json_pack(
        "{ss s{ss ss ss} ss s{ss ss ss so} ss ss sI ss}", "type", "credence.decision", "pool", "id",
        p->id, "account", p->account, "name", p->name, "action", action_names[d->action],
        "parameters", "grant", amount_format(d->grant_micros, 6, false, grant), "unit", p->unit,
        "period", p->period, "removed_scope", removed, "reason", d->reason ? d->reason : "",
        "actor", d->actor ? d->actor : "", "decision_id", (json_int_t)d->decision_id, "audit_hash",
        d->audit_hash ? d->audit_hash : "");
    char summary[256];
    snprintf(summary, sizeof summary, "notify the credit system: %s %s", action_names[d->action],
             p->id);
    json_t *expect = json_pack("{s{sI}}", "fields", "decision_id", (json_int_t)d->decision_id);
    /* Paths are relative to [provider webhook] url; the read-back URL is its own setting. */
    prov_step_add(steps, n, "webhook", p->account,
                  prov_request("POST", "", event, "", expect, d->action == PROV_REVOKE, summary),
                  false);
    return ST_OK;
}

static struct curl_slist *webhook_headers(struct curl_slist *h, const char *secret, bool readback,
                                          const char *body)
{
    h = curl_slist_append(h, "Content-Type: application/json");
    if (readback || !body)
        return h;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, strlen(body), mac,
         &len);
    char buf[160] = "X-Credence-Signature: sha256=";
    size_t off = strlen(buf);
    static const char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < len && off + 2 < sizeof buf; i++) {
        buf[off++] = hex[mac[i] >> 4];
        buf[off++] = hex[mac[i] & 15];
    }
    buf[off] = '\0';
    h = curl_slist_append(h, buf);
    char ts[64];
    snprintf(ts, sizeof ts, "X-Credence-Timestamp: %lld",
             (long long)time(NULL)); /* real time: replay windows are real */
    return curl_slist_append(h, ts);
}

static bool webhook_is_done(const json_t *payload, long status, const json_t *body)
{
    return prov_expect_match(json_object_get(payload, "expect"), status, body);
}

const struct provider_ops provider_webhook = {"webhook", webhook_plan, webhook_headers,
                                              webhook_is_done};
