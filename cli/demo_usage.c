/* The demo's usage: the same design as tests/fixtures/gen_usage.py (every rule fires on the pool
 * built for it, healthy pools run at about two thirds of their grant), written as a FOCUS export
 * so the demo imports it through the real importer. Deterministic. */
#include "cli/demo_usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A concrete in-scope model per pool; "" keeps the pool's service only. */
static const struct {
    const char *pool, *model, *service;
} demo_models[] = {
    {"support-bot-prod", "gpt-4o-2024-08-06", ""},
    {"sales-copilot-prod", "gpt-4o", ""},
    {"code-review-agent", "claude-sonnet-4-5", ""},
    {"research-agent-prod", "claude-opus-4-1", ""},
    {"legacy-summarizer", "gpt-4o-mini", ""},
    {"ticket-triage-bot", "gpt-4o-mini", ""},
    {"shared-analytics", "gpt-4o-mini", ""},
    {"marketing-gen", "gpt-4o", ""},
    {"finance-forecast", "claude-sonnet-4-5", ""},
    {"batch-embeddings", "text-embedding-3-small", ""},
    {"pilot-voice-agent", "gpt-4o-realtime-preview", ""},
    {"pilot-doc-extractor", "claude-sonnet-4-5", ""},
    {"ops-runbook-agent", "gpt-4o-mini", ""},
    {"translation-svc", "anthropic.claude-3-5-haiku-20241022-v1:0", "Amazon Bedrock"},
    {"hr-assistant", "gpt-4o-mini", ""},
    {"legal-review", "claude-opus-4-1", ""},
    {"devportal-search", "text-embedding-3-small", ""},
    {"qa-test-generator", "gpt-4o-mini", ""},
    {"fraud-signals", "gpt-4o", "Azure OpenAI"},
    {"vision-inspection", "gemini-2.5-pro", "Vertex AI"},
    {"data-labeling-credits", "cohere.command-r-plus", "OCI Generative AI"},
    {"eu-support-bot", "gpt-4o-mini", ""},
    {"agent-sandbox", "gpt-4.1-mini", ""},
    {"release-notes-writer", "claude-haiku-4-5", ""},
    {"knowledge-base-qa", "gpt-4.1", ""},
    {"sre-incident-summarizer", "claude-sonnet-4-5", ""},
    {"pricing-experiments", "gpt-4o-mini", ""},
    {"claims-intake", "gpt-4o", ""},
    {"security-triage", "claude-sonnet-4-5", ""},
    {"localization-staging", "amazon.nova-lite-v1:0", "Amazon Bedrock"},
    {"partner-webhook-credits", "", ""},
    {"onboarding-buddy", "gpt-4o-mini", ""},
};

/* A small deterministic generator (xorshift) seeded per pool. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double rng_uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(rng_next(s) >> 11) / 9007199254740992.0);
}

/* Share of the period's grant consumed on day (see gen_usage.py's daily_fraction). */
static double demo_fraction(const struct pool *p, int32_t day, int32_t today, uint64_t *rng)
{
    int32_t s, e;
    pool_period_bounds(p, day, &s, &e);
    double plen = (double)(e - s);
    double steady = 0.66 / plen * (1 + rng_uniform(rng, -0.12, 0.12));
    int dom = day - s;
    bool cur = s <= today && today < e;
    const char *id = p->id;
    if (strcmp(id, "sales-copilot-prod") == 0 && cur)
        return dom < 17 ? 0.043 : 0.013;
    if (strcmp(id, "code-review-agent") == 0 && cur)
        return dom < 17 ? 0.0206 : 0.05;
    if (strcmp(id, "research-agent-prod") == 0)
        return today - day < 7 ? 0.04 : 0.01 * (1 + rng_uniform(rng, -0.1, 0.1));
    if (strcmp(id, "legacy-summarizer") == 0)
        return day <= today - 55 ? steady : 0.0;
    if (strcmp(id, "batch-embeddings") == 0)
        return 0.20 / plen;
    if (strcmp(id, "pilot-doc-extractor") == 0)
        return 0.70 / plen * (1 + rng_uniform(rng, -0.05, 0.05));
    if (strcmp(id, "pricing-experiments") == 0 && day < p->starts_on)
        return 0.0;
    return steady;
}

/* One share of a day's usage: which key and model it is billed under. */
struct demo_part {
    const char *key, *model;
    double share;
};

static const char *first_binding(const struct pool *p, const char *kind)
{
    for (size_t i = 0; i < p->nbindings; i++) {
        if (strcmp(p->bindings[i].kind, kind) == 0)
            return p->bindings[i].value;
        if (strcmp(kind, "workload") == 0 && strcmp(p->bindings[i].kind, "tag") == 0 &&
            strncmp(p->bindings[i].value, "workload=", 9) == 0)
            return p->bindings[i].value + 9;
    }
    return "";
}

static void focus_line(FILE *f, const char *provider, const char *account, int32_t day,
                       int64_t cost, const char *currency, int64_t tokens, int64_t credits,
                       const char *credits_unit, const char *service, const char *workload,
                       const char *model, const char *key)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    char dd[DATE_BUF], a[AMOUNT_BUF], c[AMOUNT_BUF];
    fprintf(f, "%s,%04d-%02d-01T00:00:00Z,Usage,%sT00:00:00Z,%s,%s,%lld,Tokens,%s,%s,%s,\"%s\",%s,",
            provider, y, m, date_format(day, dd), amount_format(cost, 6, false, a), currency,
            (long long)tokens, credits_unit, credits ? amount_format(credits, 6, false, c) : "",
            provider, service, account);
    if (*workload)
        fprintf(f, "\"{\"\"workload\"\":\"\"%s\"\"}\"", workload);
    fprintf(f, ",%s,%s\n", model, key);
}

enum status demo_usage_write(struct store *s, int32_t today, const char *path, struct strbuf *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        sb_setf(err, "%s: cannot write the demo export", path);
        return ST_IO;
    }
    fputs("BillingAccountId,BillingPeriodStart,ChargeCategory,ChargePeriodStart,EffectiveCost,"
          "BillingCurrency,ConsumedQuantity,ConsumedUnit,PricingCurrency,"
          "PricingCurrencyEffectiveCost,ProviderName,ServiceName,SubAccountId,Tags,x_Model,"
          "x_ApiKeyId\n",
          f);
    struct pool *pools = NULL;
    size_t np = 0;
    enum status st = pool_list(s, &pools, &np, err);
    for (size_t i = 0; st == ST_OK && i < np; i++) {
        const struct pool *p = &pools[i];
        const char *model = "", *service = "";
        for (size_t k = 0; k < sizeof demo_models / sizeof demo_models[0]; k++)
            if (strcmp(demo_models[k].pool, p->id) == 0) {
                model = demo_models[k].model;
                service = demo_models[k].service;
            }
        uint64_t rng = 1469598103934665603ULL;
        for (const char *c = p->id; *c; c++)
            rng = (rng ^ (unsigned char)*c) * 1099511628211ULL;
        const char *key = first_binding(p, "api_key"), *workload = first_binding(p, "workload");
        for (int32_t day = p->starts_on; day <= today; day++) {
            double frac = demo_fraction(p, day, today, &rng);
            int64_t amount = (int64_t)((double)p->grant_micros * frac);
            if (amount <= 0)
                continue;
            struct demo_part parts[2] = {{key, model, 1.0}, {NULL, NULL, 0}};
            if (strcmp(p->id, "shared-analytics") == 0) { /* two keys feed one pool */
                parts[0].share = 0.6;
                parts[1] = (struct demo_part){"sk-litellm-analytics-02", model, 0.4};
            }
            if (strcmp(p->id, "ticket-triage-bot") == 0 && today - day < 20) { /* out of scope */
                parts[0].share = 0.85;
                parts[1] = (struct demo_part){key, "gpt-4.1", 0.15};
            }
            for (int k = 0; k < 2 && parts[k].key; k++) {
                int64_t a = (int64_t)((double)amount * parts[k].share);
                if (strcmp(p->unit, "tokens") == 0)
                    focus_line(f, p->provider, p->account, day, a / 50000000, "USD",
                               a / AMOUNT_SCALE, 0, "", service, workload, parts[k].model,
                               parts[k].key);
                else if (strcmp(p->unit, "credits") == 0)
                    focus_line(f, p->provider, p->account, day, a / 100, "USD", a / 20000, a,
                               "CREDITS", service, workload, parts[k].model, parts[k].key);
                else
                    focus_line(f, p->provider, p->account, day, a, p->unit, a / 5, 0, "", service,
                               workload, parts[k].model, parts[k].key);
            }
        }
    }
    /* usage that matches no pool: a shadow project and a rogue key */
    for (int i = 0; i < 15; i++)
        focus_line(f, "openai", "proj_shadow99", today - i, (40 + i) * AMOUNT_SCALE, "USD", 8000000,
                   0, "", "", "", "gpt-4o", "key_Shadow1");
    for (int i = 0; i < 4; i++)
        focus_line(f, "anthropic", "wrkspc_01Unknown", today - 2 * i, 125500000, "USD", 2000000, 0,
                   "", "", "", "claude-opus-4-1", "apikey_01Rogue");
    pools_free(&pools, np);
    if (fclose(f) != 0 && st == ST_OK) {
        sb_setf(err, "%s: cannot write the demo export", path);
        st = ST_IO;
    }
    return st;
}
