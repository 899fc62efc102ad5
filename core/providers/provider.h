/* Provider adapters: what a decision asks of a provider's admin API (the plan stored in outbox
 * rows) and how to talk to it (auth headers, error messages, read-back verdicts). One file per
 * provider behind one table of operations (DESIGN.md section 4, reference/providers.md). */
#ifndef CREDENCE_CORE_PROVIDERS_PROVIDER_H
#define CREDENCE_CORE_PROVIDERS_PROVIDER_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/pool.h"
#include "core/status.h"
#include "core/strbuf.h"

/* The decision actions that reach a provider. */
enum prov_action {
    PROV_APPROVE,
    PROV_REDUCE,
    PROV_REVOKE,
};

/* What the plan builder needs to know about a decision. All borrowed. */
struct prov_decision {
    const struct pool *pool; /* the pool as it is before the decision */
    enum prov_action action;
    int64_t grant_micros;       /* the grant to enforce (new grant for reduce) */
    const char *const *removed; /* scope entries removed by reduce ("model:gpt-4o"), may be NULL */
    size_t nremoved;
    bool was_revoked; /* approve of a revoked pool: reactivate what revoke disabled */
    int64_t decision_id;
    const char *actor, *reason, *audit_hash; /* for the webhook event */
};

/* One provider call a decision needs: the outbox row's op, target and payload. A step that no
 * provider API can enforce has manual = true and says why in its payload ("why"). */
struct prov_step {
    char *op;        /* e.g. "spend_limit", "key_delete", "manual"; owned */
    char *target;    /* provider object: project, key, workspace, team; owned */
    json_t *payload; /* {"method","path","body","readback":{"method","path"},"expect",
                        "destructive","summary"} or {"summary","why"} when manual; owned ref */
    bool manual;
};

void prov_steps_free(struct prov_step *steps, size_t n);

/* TO ADD A PROVIDER: one file in core/providers/, one row in provider_table (provider.c). */
struct provider_ops {
    const char *name; /* matches pool.provider */
    /* Appends the steps for d to *steps (grow with prov_step_add). */
    enum status (*plan)(const struct prov_decision *d, struct prov_step **steps, size_t *n,
                        struct strbuf *err);
    /* Adds authentication and fixed headers to hdrs for a request (body may be NULL) made with
     * the provider secret `key` (admin key, or the webhook's HMAC secret). The key never leaves
     * this call except inside the header list. */
    struct curl_slist *(*auth_headers)(struct curl_slist *hdrs, const char *key, bool readback,
                                       const char *body);
    /* True when the read-back response (HTTP status and parsed body, may be NULL) shows the
     * change of payload in force; *gone notes that the object no longer exists. */
    bool (*is_done)(const json_t *payload, long http_status, const json_t *body);
};

/* The adapter for a provider name, or NULL. */
const struct provider_ops *provider_find(const char *name);

/* Builds every step of decision d for its pool's provider. *steps is a new array of *n steps
 * (possibly manual ones); caller frees with prov_steps_free. */
enum status provider_plan(const struct prov_decision *d, struct prov_step **steps, size_t *n,
                          struct strbuf *err);

/* Money units differ by provider; every conversion starts from core's exact micro-units. */
int64_t prov_cents(int64_t micros);      /* OpenAI: integer cents, rounded half up */
char *prov_cents_string(int64_t micros); /* Anthropic: cents as a decimal string; caller frees */
double prov_dollars(int64_t micros);     /* LiteLLM: float dollars, rounded to cents */

/* Helpers for adapters. */
void prov_step_add(struct prov_step **steps, size_t *n, const char *op, const char *target,
                   json_t *payload /* stolen */, bool manual);
/* A manual step: {"summary": summary, "why": why}. */
void prov_step_manual(struct prov_step **steps, size_t *n, const char *target, const char *summary,
                      const char *why);
/* A request payload with a read-back. body and expect are stolen (may be NULL). */
json_t *prov_request(const char *method, const char *path, json_t *body, const char *rb_path,
                     json_t *expect, bool destructive, const char *summary);
/* Models the pool may still use after removing d->removed: exact ids into *out (new array of
 * new strings); returns false when an entry is a glob (not expressible as an allow list). */
bool prov_remaining_models(const struct prov_decision *d, char ***out, size_t *n);
void prov_strings_free(char **s, size_t n);
/* The first binding value of kind for the pool, or NULL (borrowed). */
const char *prov_binding(const struct pool *p, const char *kind, size_t index);
/* A JSON string for the error message in a provider's error body ({"error":{"message"}},
 * {"detail":...}, {"message"}); caller frees. */
char *prov_error_message(long http_status, const char *body);
/* Generic read-back verdict for payload "expect" objects: {"gone": true} means HTTP 404;
 * {"fields": {k: v}} (optionally {"under": "info"}) means a 2xx whose body has those values
 * (numbers by value, arrays as sets). */
bool prov_expect_match(const json_t *expect, long http_status, const json_t *body);
/* "Authorization: Bearer KEY" and JSON content type (OpenAI, LiteLLM). */
struct curl_slist *prov_bearer_headers(struct curl_slist *h, const char *key, bool readback,
                                       const char *body);
/* Percent-encodes s for a URL query or path segment; caller frees. */
char *prov_url_escape(const char *s);

#endif
