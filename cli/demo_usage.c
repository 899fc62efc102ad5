/* The demo's usage: the same design as tests/fixtures/gen_usage.py (every rule fires on the pool
 * built for it, healthy pools run at about two thirds of their grant), written as the exports
 * each provider gives, so the demo goes through every importer credence has. The design is
 * computed once as charges (a day of one pool's usage under one key and model); a table of
 * writers then lays the charges of their provider out in their export's shape. Deterministic. */
#include "cli/demo_usage.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* The Anthropic Console names models for people; the importer reads these back as ids. */
static const struct {
    const char *id, *display;
} claude_names[] = {
    {"claude-sonnet-4-5", "Claude Sonnet 4.5"},
    {"claude-opus-4-1", "Claude Opus 4.1"},
    {"claude-haiku-4-5", "Claude Haiku 4.5"},
};

/* A day of usage under one key and model, in every measure the exports carry. */
struct demo_charge {
    const char *provider, *account, *key, *workload, *model, *service;
    const char *key_name; /* what a console calls the key: the pool's id, or "unknown-key" */
    int32_t day;
    int64_t cost_micros, tokens, credits_micros;
    const char *currency, *credits_unit; /* credits_unit "" when no credits */
    size_t seq;                          /* generation order, to sort by day stably */
};

struct demo_charges {
    struct demo_charge *v;
    size_t n, cap;
};

static void charges_add(struct demo_charges *c, const struct demo_charge *ch)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->v = xreallocarray(c->v, c->cap, sizeof *c->v);
    }
    c->v[c->n] = *ch;
    c->v[c->n].seq = c->n;
    c->n++;
}

static int charge_by_day(const void *a, const void *b)
{
    const struct demo_charge *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

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

/* One pool's days as charges: an amount in the pool's unit, measured the way the pool counts. */
static void pool_charges(const struct pool *p, int32_t today, struct demo_charges *out)
{
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
        struct {
            const char *key, *model;
            double share;
        } parts[2] = {{key, model, 1.0}, {NULL, NULL, 0}};
        if (strcmp(p->id, "shared-analytics") == 0) { /* two keys feed one pool */
            parts[0].share = 0.6;
            parts[1].key = "sk-litellm-analytics-02", parts[1].model = model;
            parts[1].share = 0.4;
        }
        if (strcmp(p->id, "ticket-triage-bot") == 0 && today - day < 20) { /* out of scope */
            parts[0].share = 0.85;
            parts[1].key = key, parts[1].model = "gpt-4.1", parts[1].share = 0.15;
        }
        for (int k = 0; k < 2 && parts[k].key; k++) {
            int64_t a = (int64_t)((double)amount * parts[k].share);
            struct demo_charge ch = {.provider = p->provider,
                                     .account = p->account,
                                     .key = parts[k].key,
                                     .workload = workload,
                                     .model = parts[k].model,
                                     .service = service,
                                     .key_name = p->id,
                                     .day = day,
                                     .currency = "USD",
                                     .credits_unit = ""};
            if (strcmp(p->unit, "tokens") == 0) {
                ch.cost_micros = a / 50000000, ch.tokens = a / AMOUNT_SCALE;
            } else if (strcmp(p->unit, "credits") == 0) {
                ch.cost_micros = a / 100, ch.tokens = a / 20000;
                ch.credits_micros = a, ch.credits_unit = "CREDITS";
            } else {
                ch.cost_micros = a, ch.tokens = a / 5, ch.currency = p->unit;
            }
            charges_add(out, &ch);
        }
    }
}

/* Usage that matches no pool: a shadow OpenAI project and a rogue Anthropic key, on `days` days
 * `every` days apart back from today, the cost growing by `step` a day back. */
static const struct {
    const char *provider, *account, *key, *model;
    int days, every;
    int64_t cost, step, tokens;
} demo_unregistered[] = {
    {"openai", "proj_shadow99", "key_Shadow1", "gpt-4o", 15, 1, 40 * AMOUNT_SCALE, AMOUNT_SCALE,
     8000000},
    {"anthropic", "wrkspc_01Unknown", "apikey_01Rogue", "claude-opus-4-1", 4, 2, 125500000, 0,
     2000000},
};

static void unregistered_charges(int32_t today, struct demo_charges *out)
{
    for (size_t u = 0; u < sizeof demo_unregistered / sizeof demo_unregistered[0]; u++)
        for (int i = 0; i < demo_unregistered[u].days; i++)
            charges_add(out, &(struct demo_charge){.provider = demo_unregistered[u].provider,
                                                   .account = demo_unregistered[u].account,
                                                   .key = demo_unregistered[u].key,
                                                   .workload = "",
                                                   .model = demo_unregistered[u].model,
                                                   .service = "",
                                                   .key_name = "unknown-key",
                                                   .day = today - demo_unregistered[u].every * i,
                                                   .cost_micros = demo_unregistered[u].cost +
                                                                  demo_unregistered[u].step * i,
                                                   .tokens = demo_unregistered[u].tokens,
                                                   .currency = "USD",
                                                   .credits_unit = ""});
}

/* ---- the writers ---- */

struct demo_out {
    FILE *f;
    const struct demo_charge *v; /* every charge, sorted by day */
    size_t n;
    int32_t first, today; /* the days the exports cover */
    struct strbuf *err;
};

/* Charges of this writer's provider; a NULL provider takes those no other writer takes. */
static bool charge_is(const struct demo_charge *c, const char *provider)
{
    if (provider)
        return strcmp(c->provider, provider) == 0;
    return strcmp(c->provider, "openai") != 0 && strcmp(c->provider, "anthropic") != 0 &&
           strcmp(c->provider, "litellm") != 0;
}

static const char *micros(int64_t v, char buf[AMOUNT_BUF])
{
    return amount_format(v, 6, false, buf);
}

/* FOCUS 1.2 columns the importer reads, one row per charge (cloud marketplaces, partners). */
static enum status write_focus(struct demo_out *o)
{
    fputs("BillingAccountId,BillingPeriodStart,ChargeCategory,ChargePeriodStart,EffectiveCost,"
          "BillingCurrency,ConsumedQuantity,ConsumedUnit,PricingCurrency,"
          "PricingCurrencyEffectiveCost,ProviderName,ServiceName,SubAccountId,Tags,x_Model,"
          "x_ApiKeyId\n",
          o->f);
    for (size_t i = 0; i < o->n; i++) {
        const struct demo_charge *c = &o->v[i];
        if (!charge_is(c, NULL))
            continue;
        int y, m, d;
        date_to_ymd(c->day, &y, &m, &d);
        char dd[DATE_BUF], a[AMOUNT_BUF], cr[AMOUNT_BUF];
        fprintf(
            o->f,
            "%s,%04d-%02d-01T00:00:00Z,Usage,%sT00:00:00Z,%s,%s,%lld,Tokens,%s,%s,%s,\"%s\",%s,",
            c->provider, y, m, date_format(c->day, dd), micros(c->cost_micros, a), c->currency,
            (long long)c->tokens, c->credits_unit,
            c->credits_micros ? micros(c->credits_micros, cr) : "", c->provider, c->service,
            c->account);
        if (*c->workload)
            fprintf(o->f, "\"{\"\"workload\"\":\"\"%s\"\"}\"", c->workload);
        fprintf(o->f, ",%s,%s\n", c->model, c->key);
    }
    return ST_OK;
}

/* Pages of daily buckets, as the Admin APIs return them (a page holds `per_page` days, every
 * day of the range has its bucket, empty or not); fill adds a day's results to a bucket. */
typedef void (*bucket_fill_fn)(const struct demo_out *o, const struct demo_charge *c,
                               json_t *results);

static enum status write_pages(struct demo_out *o, const char *provider, bool rfc3339, int per_page,
                               bucket_fill_fn fill)
{
    json_t *pages = json_array(), *page = NULL, *data = NULL;
    size_t i = 0;
    int npage = 0;
    for (int32_t day = o->first; day <= o->today; day++) {
        if (!page) {
            page = json_object();
            data = json_array();
            if (!rfc3339)
                json_object_set_new(page, "object", json_string("page"));
            json_object_set_new(page, "data", data);
            json_array_append_new(pages, page);
        }
        json_t *bucket = json_object(), *results = json_array();
        if (rfc3339) {
            char ts[TIMESTAMP_BUF];
            json_object_set_new(bucket, "starting_at",
                                json_string(date_format_timestamp((int64_t)day * 86400, ts)));
            json_object_set_new(bucket, "ending_at",
                                json_string(date_format_timestamp((int64_t)(day + 1) * 86400, ts)));
        } else {
            json_object_set_new(bucket, "object", json_string("bucket"));
            json_object_set_new(bucket, "start_time", json_integer((json_int_t)day * 86400));
            json_object_set_new(bucket, "end_time", json_integer((json_int_t)(day + 1) * 86400));
        }
        for (; i < o->n && o->v[i].day < day; i++)
            ;
        for (; i < o->n && o->v[i].day == day; i++)
            if (charge_is(&o->v[i], provider))
                fill(o, &o->v[i], results);
        json_object_set_new(bucket, "results", results);
        json_array_append_new(data, bucket);
        if ((int)json_array_size(data) == per_page || day == o->today) {
            bool more = day < o->today;
            char next[32];
            snprintf(next, sizeof next, "page_%d", ++npage + 1);
            json_object_set_new(page, "has_more", json_boolean(more));
            json_object_set_new(page, "next_page", more ? json_string(next) : json_null());
            page = NULL;
        }
    }
    int rc = json_dumpf(pages, o->f, JSON_INDENT(1) | JSON_REAL_PRECISION(15));
    json_decref(pages);
    if (rc != 0) {
        sb_setf(o->err, "cannot write the demo's %s pages", provider);
        return ST_IO;
    }
    return ST_OK;
}

/* A money amount as the APIs give it: a JSON number, exact to the micro-unit when read back. */
static json_t *json_money(int64_t v)
{
    return json_real((double)v / AMOUNT_SCALE);
}

/* OpenAI /v1/organization/costs grouped by project, API key and line item: each day's cost
 * split into the model's input and output line items. */
static void openai_costs_fill(const struct demo_out *o, const struct demo_charge *c,
                              json_t *results)
{
    (void)o;
    int64_t input = c->cost_micros * 2 / 5;
    const struct {
        const char *side;
        int64_t amount;
    } items[] = {{"input", input}, {"output", c->cost_micros - input}};
    char cur[4];
    snprintf(cur, sizeof cur, "%.3s", c->currency);
    text_ascii_lower(cur); /* the API writes "usd" */
    for (size_t k = 0; k < 2; k++) {
        char line[160];
        snprintf(line, sizeof line, "%s, %s", c->model, items[k].side);
        json_array_append_new(
            results, json_pack("{ss s{so ss} ss ss ss}", "object", "organization.costs.result",
                               "amount", "value", json_money(items[k].amount), "currency", cur,
                               "line_item", line, "project_id", c->account, "api_key_id", c->key));
    }
}

static enum status write_openai_costs(struct demo_out *o)
{
    return write_pages(o, "openai", false, 7, openai_costs_fill);
}

/* OpenAI Usage page CSV exports, one per usage kind: embeddings models go to the embeddings
 * export (input tokens only), everything else to completions. */
static bool is_embedding(const struct demo_charge *c)
{
    return strncmp(c->model, "text-embedding", 14) == 0;
}

static void openai_usage_csv(struct demo_out *o, bool embeddings)
{
    fprintf(o->f,
            "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,"
            "user_id,api_key_id,model,%s\n",
            embeddings ? "input_tokens"
                       : "batch,service_tier,input_tokens,output_tokens,input_cached_tokens");
    for (size_t i = 0; i < o->n; i++) {
        const struct demo_charge *c = &o->v[i];
        if (!charge_is(c, "openai") || is_embedding(c) != embeddings || c->tokens <= 0)
            continue;
        int64_t t0 = (int64_t)c->day * 86400, input = embeddings ? c->tokens : c->tokens * 4 / 5;
        char s0[TIMESTAMP_BUF], s1[TIMESTAMP_BUF];
        date_format_timestamp(t0, s0);
        date_format_timestamp(t0 + 86400, s1);
        s0[19] = s1[19] = '\0'; /* the export writes +00:00 where we would write Z */
        fprintf(o->f, "%lld,%lld,%s+00:00,%s+00:00,%s,%lld.0,,%s,%s,", (long long)t0,
                (long long)t0 + 86400, s0, s1, c->account, (long long)(c->tokens / 1500 + 1),
                c->key, c->model);
        if (embeddings)
            fprintf(o->f, "%lld.0\n", (long long)input);
        else
            fprintf(o->f, "FALSE,default,%lld.0,%lld.0,%lld.0\n", (long long)input,
                    (long long)(c->tokens - input), (long long)(input / 4));
    }
}

static enum status write_openai_completions(struct demo_out *o)
{
    openai_usage_csv(o, false);
    return ST_OK;
}

static enum status write_openai_embeddings(struct demo_out *o)
{
    openai_usage_csv(o, true);
    return ST_OK;
}

/* Anthropic usage_report/messages grouped by API key, workspace and model. The rogue key shows
 * only in the cost export (its usage report lies in a workspace nobody here can read). */
static void anthropic_usage_fill(const struct demo_out *o, const struct demo_charge *c,
                                 json_t *results)
{
    (void)o;
    if (strcmp(c->key_name, "unknown-key") == 0)
        return;
    int64_t t = c->tokens, uncached = t * 55 / 100, read = t / 10, write5m = t / 20;
    json_array_append_new(results,
                          json_pack("{sI sI s{sI sI} sI ss ss ss ss}", "uncached_input_tokens",
                                    (json_int_t)uncached, "cache_read_input_tokens",
                                    (json_int_t)read, "cache_creation", "ephemeral_1h_input_tokens",
                                    (json_int_t)0, "ephemeral_5m_input_tokens", (json_int_t)write5m,
                                    "output_tokens", (json_int_t)(t - uncached - read - write5m),
                                    "api_key_id", c->key, "workspace_id", c->account, "model",
                                    c->model, "service_tier", "standard"));
}

static enum status write_anthropic_usage(struct demo_out *o)
{
    return write_pages(o, "anthropic", true, 7, anthropic_usage_fill);
}

/* The Console's cost export: workspaces and models by their display names, cost in dollars,
 * a row per token type, the key's id in the newest files' api_key_id column. */
static enum status write_anthropic_cost_csv(struct demo_out *o)
{
    fputs("usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,"
          "list_price_usd,cost_type,inference_geo,speed,api_key_id,api_key_status\n",
          o->f);
    for (size_t i = 0; i < o->n; i++) {
        const struct demo_charge *c = &o->v[i];
        if (!charge_is(c, "anthropic"))
            continue;
        const char *model = c->model;
        for (size_t k = 0; k < sizeof claude_names / sizeof claude_names[0]; k++)
            if (strcmp(claude_names[k].id, c->model) == 0)
                model = claude_names[k].display;
        const char *ws = strncmp(c->account, "wrkspc_01", 9) == 0 ? c->account + 9 : c->account;
        int64_t input = c->cost_micros * 2 / 5;
        const struct {
            const char *type;
            int64_t amount;
        } rows[] = {{"input_no_cache", input}, {"output", c->cost_micros - input}};
        char dd[DATE_BUF], a[AMOUNT_BUF];
        for (size_t k = 0; k < 2; k++) {
            micros(rows[k].amount, a);
            fprintf(o->f,
                    "%s,%s,%s,%s,message,\xe2\x89\xa4 200k,%s,%s,%s,token,global,,%s,active\n",
                    date_format(c->day, dd), model, ws, c->key_name, rows[k].type, a, a, c->key);
        }
    }
    return ST_OK;
}

/* LiteLLM: each day of a key comes as a few requests; history from /spend/logs (JSON), the last
 * 30 days from the proxy UI's CSV export. */
enum { LITELLM_REQUESTS_PER_DAY = 3, LITELLM_CSV_DAYS = 30 };

static const char *litellm_team(const struct demo_charge *c)
{
    return strncmp(c->account, "team:", 5) == 0 ? c->account + 5 : c->account;
}

/* The r-th of a day's requests: its share of spend and tokens (the last takes the remainder). */
static void litellm_request(const struct demo_charge *c, int r, int64_t *spend, int64_t *tokens)
{
    int64_t s = c->cost_micros / LITELLM_REQUESTS_PER_DAY, t = c->tokens / LITELLM_REQUESTS_PER_DAY;
    bool last = r == LITELLM_REQUESTS_PER_DAY - 1;
    *spend = last ? c->cost_micros - s * r : s;
    *tokens = last ? c->tokens - t * r : t;
}

static enum status write_litellm(struct demo_out *o, bool csv)
{
    json_t *logs = csv ? NULL : json_array();
    if (csv)
        fputs("request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,"
              "startTime,endTime,model,model_group,user,team_id,end_user,metadata,cache_hit,"
              "request_tags\n",
              o->f);
    int32_t cut = o->today - LITELLM_CSV_DAYS + 1;
    for (size_t i = 0; i < o->n; i++) {
        const struct demo_charge *c = &o->v[i];
        if (!charge_is(c, "litellm") || (c->day >= cut) != csv)
            continue;
        for (int r = 0; r < LITELLM_REQUESTS_PER_DAY; r++) {
            int64_t spend, tokens;
            litellm_request(c, r, &spend, &tokens);
            int64_t prompt = tokens * 3 / 4, t0 = (int64_t)c->day * 86400 + 3600 * (9 + 4 * r);
            char id[64], start[TIMESTAMP_BUF], end[TIMESTAMP_BUF], a[AMOUNT_BUF];
            snprintf(id, sizeof id, "chatcmpl-demo-%zu-%d", c->seq, r);
            date_format_timestamp(t0, start);
            date_format_timestamp(t0 + 2, end);
            if (csv) {
                fprintf(o->f,
                        "%s,acompletion,%s,%s,%lld,%lld,%lld,%s,%s,%s,%s,,%s,,"
                        "\"{\"\"user_api_key_team_id\"\": \"\"%s\"\"}\",False,",
                        id, c->key, micros(spend, a), (long long)tokens, (long long)prompt,
                        (long long)(tokens - prompt), start, end, c->model, c->model,
                        litellm_team(c), litellm_team(c));
                if (*c->workload)
                    fprintf(o->f, "\"[\"\"%s\"\"]\"", c->workload);
                fputc('\n', o->f);
                continue;
            }
            json_t *tags = json_array();
            if (*c->workload)
                json_array_append_new(tags, json_string(c->workload));
            json_array_append_new(
                logs,
                json_pack("{ss ss ss ss so sI sI sI ss ss s{ss} so}", "request_id", id, "call_type",
                          "acompletion", "api_key", c->key, "model", c->model, "spend",
                          json_money(spend), "total_tokens", (json_int_t)tokens, "prompt_tokens",
                          (json_int_t)prompt, "completion_tokens", (json_int_t)(tokens - prompt),
                          "startTime", start, "endTime", end, "metadata", "user_api_key_team_id",
                          litellm_team(c), "request_tags", tags));
        }
    }
    if (csv)
        return ST_OK;
    int rc = json_dumpf(logs, o->f, JSON_INDENT(1) | JSON_REAL_PRECISION(15));
    json_decref(logs);
    if (rc != 0) {
        sb_setf(o->err, "cannot write the demo's LiteLLM spend logs");
        return ST_IO;
    }
    return ST_OK;
}

static enum status write_litellm_json(struct demo_out *o)
{
    return write_litellm(o, false);
}

static enum status write_litellm_csv(struct demo_out *o)
{
    return write_litellm(o, true);
}

/* TO ADD AN EXPORT: a writer and a row here. File names may hold %F/%T: the first and last day. */
static const struct {
    const char *file, *format, *what;
    enum status (*write)(struct demo_out *o);
} demo_writers[] = {
    {"focus-cloud-marketplaces.csv", "focus", "FOCUS 1.2 export (cloud marketplaces, partner)",
     write_focus},
    {"openai-costs.json", "openai", "OpenAI Admin API costs pages", write_openai_costs},
    {"completions_usage_%F_%T.csv", "openai", "OpenAI Usage page completions CSV",
     write_openai_completions},
    {"embeddings_usage_%F_%T.csv", "openai", "OpenAI Usage page embeddings CSV",
     write_openai_embeddings},
    {"anthropic-usage-report.json", "anthropic", "Anthropic Admin API usage_report pages",
     write_anthropic_usage},
    {"anthropic-console-cost.csv", "anthropic", "Anthropic Console cost CSV",
     write_anthropic_cost_csv},
    {"litellm-spend-logs.json", "litellm", "LiteLLM /spend/logs", write_litellm_json},
    {"litellm-spend-logs-last-30-days.csv", "litellm", "LiteLLM proxy UI spend logs CSV",
     write_litellm_csv},
};

/* dir/file with %F and %T replaced by the first and last day. Caller frees. */
static char *export_path(const char *dir, const char *file, int32_t first, int32_t last)
{
    struct strbuf sb;
    sb_init(&sb);
    sb_addf(&sb, "%s/", dir);
    for (const char *p = file; *p; p++) {
        char d[DATE_BUF];
        if (p[0] == '%' && (p[1] == 'F' || p[1] == 'T')) {
            sb_adds(&sb, date_format(*++p == 'F' ? first : last, d));
            continue;
        }
        sb_addc(&sb, *p);
    }
    return sb_steal(&sb);
}

void demo_exports_free(struct demo_export *e, size_t n)
{
    for (size_t i = 0; e && i < n; i++)
        free(e[i].path);
    free(e);
}

enum status demo_usage_write(struct store *s, int32_t today, const char *dir,
                             struct demo_export **out, size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        sb_setf(err, "%s: cannot create the demo's export directory: %s", dir, strerror(errno));
        return ST_IO;
    }
    struct pool *pools = NULL;
    size_t np = 0;
    enum status st = pool_list(s, &pools, &np, err);
    struct demo_charges ch = {0};
    for (size_t i = 0; st == ST_OK && i < np; i++)
        pool_charges(&pools[i], today, &ch);
    unregistered_charges(today, &ch);
    qsort(ch.v, ch.n, sizeof *ch.v, charge_by_day);
    struct demo_out o = {
        .v = ch.v, .n = ch.n, .first = ch.n ? ch.v[0].day : today, .today = today, .err = err};
    size_t nw = sizeof demo_writers / sizeof demo_writers[0];
    struct demo_export *files = xcalloc(nw, sizeof *files);
    for (size_t w = 0; st == ST_OK && w < nw; w++) {
        files[w].path = export_path(dir, demo_writers[w].file, o.first, today);
        files[w].format = demo_writers[w].format;
        files[w].what = demo_writers[w].what;
        *n = w + 1;
        o.f = fopen(files[w].path, "w");
        if (!o.f) {
            sb_setf(err, "%s: cannot write the demo export: %s", files[w].path, strerror(errno));
            st = ST_IO;
            break;
        }
        st = demo_writers[w].write(&o);
        if (fclose(o.f) != 0 && st == ST_OK) {
            sb_setf(err, "%s: cannot write the demo export", files[w].path);
            st = ST_IO;
        }
    }
    free(ch.v);
    pools_free(&pools, np);
    if (st != ST_OK) {
        demo_exports_free(files, *n);
        *n = 0;
        return st;
    }
    *out = files;
    return ST_OK;
}
