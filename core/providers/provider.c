/* Adapter registry, plan dispatch, money conversion and helpers shared by the adapters. */
#include "core/providers/provider.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/amount.h"
#include "core/text.h"
#include "core/xalloc.h"

extern const struct provider_ops provider_openai, provider_anthropic, provider_litellm,
    provider_webhook;

/* TO ADD A PROVIDER: its ops here; pools name it in their provider column. */
static const struct provider_ops *const provider_table[] = {
    &provider_openai,
    &provider_anthropic,
    &provider_litellm,
    &provider_webhook,
};

const struct provider_ops *provider_find(const char *name)
{
    for (size_t i = 0; i < sizeof provider_table / sizeof provider_table[0]; i++)
        if (strcmp(provider_table[i]->name, name) == 0)
            return provider_table[i];
    return NULL;
}

void prov_steps_free(struct prov_step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(steps[i].op);
        free(steps[i].target);
        json_decref(steps[i].payload);
    }
    free(steps);
}

enum status provider_plan(const struct prov_decision *d, struct prov_step **steps, size_t *n,
                          struct strbuf *err)
{
    *steps = NULL;
    *n = 0;
    const struct provider_ops *ops = provider_find(d->pool->provider);
    if (!ops) {
        /* FOCUS pools are billing views: their credits are enforced wherever they are bought. */
        char summary[256];
        snprintf(summary, sizeof summary, "%s pool %s: apply the decision by hand",
                 d->pool->provider, d->pool->id);
        prov_step_manual(steps, n, d->pool->account, summary,
                         "no admin API enforces credits for this provider; a FOCUS export is a "
                         "billing view of the account");
        return ST_OK;
    }
    enum status st = ops->plan(d, steps, n, err);
    if (st != ST_OK) {
        prov_steps_free(*steps, *n);
        *steps = NULL;
        *n = 0;
    }
    return st;
}

int64_t prov_cents(int64_t micros)
{
    return amount_round(micros, 2) / 10000;
}

char *prov_cents_string(int64_t micros)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)prov_cents(micros));
    return xstrdup(buf);
}

double prov_dollars(int64_t micros)
{
    return (double)prov_cents(micros) / 100.0;
}

void prov_step_add(struct prov_step **steps, size_t *n, const char *op, const char *target,
                   json_t *payload, bool manual)
{
    *steps = xreallocarray(*steps, *n + 1, sizeof **steps);
    (*steps)[*n].op = xstrdup(op);
    (*steps)[*n].target = xstrdup(target ? target : "");
    (*steps)[*n].payload = payload;
    (*steps)[*n].manual = manual;
    (*n)++;
}

void prov_step_manual(struct prov_step **steps, size_t *n, const char *target, const char *summary,
                      const char *why)
{
    prov_step_add(steps, n, "manual", target, json_pack("{ss ss}", "summary", summary, "why", why),
                  true);
}

json_t *prov_request(const char *method, const char *path, json_t *body, const char *rb_path,
                     json_t *expect, bool destructive, const char *summary)
{
    json_t *o = json_pack("{ss ss sb ss}", "method", method, "path", path, "destructive",
                          destructive, "summary", summary);
    json_object_set_new(o, "body", body ? body : json_null());
    json_object_set_new(o, "readback",
                        rb_path ? json_pack("{ss ss}", "method", "GET", "path", rb_path)
                                : json_null());
    json_object_set_new(o, "expect", expect ? expect : json_object());
    return o;
}

void prov_strings_free(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

static bool prov_is_removed(const struct prov_decision *d, const char *kind, const char *value)
{
    for (size_t i = 0; i < d->nremoved; i++) {
        const char *r = d->removed[i];
        size_t kl = strlen(kind);
        if (strncmp(r, kind, kl) == 0 && r[kl] == ':' && strcmp(r + kl + 1, value) == 0)
            return true;
    }
    return false;
}

bool prov_remaining_models(const struct prov_decision *d, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const struct pool *p = d->pool;
    for (size_t i = 0; i < p->nscope; i++) {
        if (strcmp(p->scope[i].kind, "model") != 0 ||
            prov_is_removed(d, "model", p->scope[i].value))
            continue;
        if (strpbrk(p->scope[i].value, "*?")) {
            prov_strings_free(*out, *n);
            *out = NULL;
            *n = 0;
            return false;
        }
        *out = xreallocarray(*out, *n + 1, sizeof **out);
        (*out)[(*n)++] = xstrdup(p->scope[i].value);
    }
    return true;
}

const char *prov_binding(const struct pool *p, const char *kind, size_t index)
{
    size_t seen = 0;
    for (size_t i = 0; i < p->nbindings; i++)
        if (strcmp(p->bindings[i].kind, kind) == 0 && seen++ == index)
            return p->bindings[i].value;
    return NULL;
}

char *prov_error_message(long http_status, const char *body)
{
    json_error_t jerr;
    json_t *doc = body && *body ? json_loads(body, 0, &jerr) : NULL;
    const char *msg = NULL;
    char *dumped = NULL;
    if (doc) {
        json_t *e = json_object_get(doc, "error");
        if (json_is_object(e))
            msg = json_string_value(json_object_get(e, "message"));
        else if (json_is_string(e))
            msg = json_string_value(e);
        if (!msg)
            msg = json_string_value(json_object_get(doc, "message"));
        json_t *detail = json_object_get(doc, "detail");
        if (!msg && json_is_string(detail))
            msg = json_string_value(detail);
        if (!msg && json_is_object(detail)) {
            msg = json_string_value(json_object_get(detail, "error"));
            if (!msg)
                msg = dumped = json_dumps(detail, JSON_COMPACT);
        }
    }
    struct strbuf sb;
    sb_init(&sb);
    sb_addf(&sb, "HTTP %ld", http_status);
    if (msg) {
        sb_adds(&sb, ": ");
        text_sanitize(&sb, msg, strlen(msg) > 300 ? 300 : strlen(msg));
    } else if (body && *body) {
        sb_adds(&sb, ": ");
        text_sanitize(&sb, body, strlen(body) > 200 ? 200 : strlen(body));
    }
    free(dumped);
    json_decref(doc);
    return sb_steal(&sb);
}

char *prov_url_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    struct strbuf sb;
    sb_init(&sb);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            sb_addc(&sb, (char)*p);
        } else {
            sb_addc(&sb, '%');
            sb_addc(&sb, hex[*p >> 4]);
            sb_addc(&sb, hex[*p & 15]);
        }
    }
    return sb_steal(&sb);
}

/* Numbers compare by value whatever their JSON type; string arrays compare as sets. */
static bool prov_value_matches(const json_t *want, const json_t *got)
{
    if (json_is_number(want) && json_is_number(got))
        return fabs(json_number_value(want) - json_number_value(got)) < 0.005;
    if (json_is_array(want) && json_is_array(got)) {
        if (json_array_size(want) != json_array_size(got))
            return false;
        size_t i, j;
        json_t *w, *g;
        json_array_foreach(want, i, w)
        {
            bool found = false;
            json_array_foreach(got, j, g) found = found || json_equal(w, g);
            if (!found)
                return false;
        }
        return true;
    }
    return json_equal(want, got);
}

bool prov_expect_match(const json_t *expect, long http_status, const json_t *body)
{
    json_t *gone = json_object_get(expect, "gone");
    if (json_is_true(gone))
        return http_status == 404;
    if (http_status < 200 || http_status > 299 || !json_is_object(body))
        return false;
    const char *key;
    json_t *want;
    json_t *root = json_object_get(expect, "under"); /* look inside this member (e.g. "info") */
    const json_t *obj = body;
    if (json_is_string(root))
        obj = json_object_get(body, json_string_value(root));
    json_t *fields = json_object_get(expect, "fields");
    json_object_foreach(fields, key, want)
    {
        json_t *got = obj ? json_object_get(obj, key) : NULL;
        if (json_is_false(want) && (!got || json_is_null(got)))
            continue; /* "blocked": false is also what an absent or null flag means */
        if (!got || !prov_value_matches(want, got))
            return false;
    }
    return true;
}

struct curl_slist *prov_bearer_headers(struct curl_slist *h, const char *key, bool readback,
                                       const char *body)
{
    (void)readback;
    (void)body;
    char buf[1024];
    snprintf(buf, sizeof buf, "Authorization: Bearer %s", key);
    h = curl_slist_append(h, buf);
    return curl_slist_append(h, "Content-Type: application/json");
}
