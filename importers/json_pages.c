/* Admin API pages saved as JSON (one page, or an array of pages): OpenAI usage and costs,
 * Anthropic usage_report and cost_report, and LiteLLM /spend/logs. Errors name the JSON path. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/importers.h"

struct jctx {
    const char *path;
    const struct usage_sink *sink;
    struct strbuf *err;
};

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A JSON number or numeric string as micro-units; false when it is neither. */
static bool jamount(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i > INT64_MAX / AMOUNT_SCALE || i < INT64_MIN / AMOUNT_SCALE)
            return false; /* the micro-units would overflow */
        *out = (int64_t)i * AMOUNT_SCALE;
        return true;
    }
    char buf[64];
    const char *s = buf;
    if (json_is_real(v))
        snprintf(buf, sizeof buf, "%.9f", json_real_value(v));
    else if (json_is_string(v))
        s = json_string_value(v);
    else
        return false;
    return amount_parse(s, strlen(s), out) == AMOUNT_OK;
}

static int64_t jcount(const json_t *o, const char *key)
{
    int64_t m = 0;
    json_t *v = json_object_get(o, key);
    return v && jamount(v, &m) ? m / AMOUNT_SCALE : 0;
}

static enum status jreject(struct jctx *c, const char *where, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s: %s", where, what);
    return c->sink->reject(c->sink->ctx, NULL, 0, 0, msg, c->err);
}

static bool day_of(const json_t *v, int32_t *day)
{
    int64_t t;
    if (json_is_integer(v)) {
        t = json_integer_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!date_parse_timestamp(s, strlen(s), &t))
            return false;
    } else {
        return false;
    }
    /* the days a YYYY-MM-DD can name (a Unix time can lie far outside them) */
    int64_t d = t / 86400 - (t % 86400 < 0); /* floor, without overflow at INT64_MIN */
    if (d < date_from_ymd(0, 1, 1) || d > date_from_ymd(9999, 12, 31))
        return false;
    *day = (int32_t)d;
    return true;
}

static void blank(struct usage_record *r, const char *provider)
{
    memset(r, 0, sizeof *r);
    r->provider = provider;
    r->account = r->api_key = r->workload = r->model = r->service = "";
    r->quantity_unit = r->currency = r->credits_unit = "";
    r->category = UC_USAGE;
}

/* OpenAI: one bucket of a usage or costs page. */
static enum status openai_bucket(struct jctx *c, const json_t *b, const char *where)
{
    int32_t day;
    if (!day_of(json_object_get(b, "start_time"), &day))
        return jreject(c, where, "start_time is not a Unix time");
    size_t i;
    json_t *res;
    json_array_foreach(json_object_get(b, "results"), i, res)
    {
        char at[256], scope[128], model[256], kind[96];
        snprintf(at, sizeof at, "%s.results[%zu]", where, i);
        struct usage_record r;
        blank(&r, "openai");
        r.day = day;
        r.account = jstr(res, "project_id");
        r.api_key = jstr(res, "api_key_id");
        const char *object = jstr(res, "object");
        char d[DATE_BUF];
        date_format(day, d);
        if (strcmp(object, "organization.costs.result") == 0) {
            json_t *amount = json_object_get(res, "amount");
            if (!jamount(json_object_get(amount, "value"), &r.cost_micros)) {
                enum status st = jreject(c, at, "amount.value is not a number");
                if (st != ST_OK)
                    return st;
                continue;
            }
            char cur[8];
            snprintf(cur, sizeof cur, "%.3s", jstr(amount, "currency"));
            r.currency = text_ascii_upper(cur);
            /* line items read "gpt-4o-2024-08-06, input": the model is before the comma */
            snprintf(model, sizeof model, "%s", jstr(res, "line_item"));
            model[strcspn(model, ",")] = '\0';
            r.model = model;
            snprintf(scope, sizeof scope, "openai|costs|%s", d);
            r.scope_key = scope;
            enum status st = c->sink->emit(c->sink->ctx, &r, c->err);
            if (st != ST_OK)
                return st;
            continue;
        }
        if (strncmp(object, "organization.usage.", 19) != 0) {
            enum status st = jreject(c, at, "object is neither a usage nor a costs result");
            if (st != ST_OK)
                return st;
            continue;
        }
        snprintf(kind, sizeof kind, "%s", object + 19);
        kind[strcspn(kind, ".")] = '\0';
        r.model = jstr(res, "model");
        r.service = kind;
        /* input_tokens already include cached and cache-write tokens (DESIGN.md section 2) */
        r.tokens = jcount(res, "input_tokens") + jcount(res, "output_tokens");
        r.requests = jcount(res, "num_model_requests") + jcount(res, "num_requests");
        snprintf(scope, sizeof scope, "openai|usage.%s|%s", kind, d);
        r.scope_key = scope;
        enum status st = c->sink->emit(c->sink->ctx, &r, c->err);
        if (st != ST_OK)
            return st;
    }
    return ST_OK;
}

/* Anthropic: one bucket of a usage_report or cost_report page. */
static enum status anthropic_bucket(struct jctx *c, const json_t *b, const char *where)
{
    int32_t day;
    if (!day_of(json_object_get(b, "starting_at"), &day))
        return jreject(c, where, "starting_at is not an RFC 3339 time");
    char d[DATE_BUF];
    date_format(day, d);
    size_t i;
    json_t *res;
    json_array_foreach(json_object_get(b, "results"), i, res)
    {
        char at[256], scope[128];
        snprintf(at, sizeof at, "%s.results[%zu]", where, i);
        struct usage_record r;
        blank(&r, "anthropic");
        r.day = day;
        r.account = jstr(res, "workspace_id");
        r.api_key = jstr(res, "api_key_id");
        r.model = jstr(res, "model");
        if (json_object_get(res, "amount")) { /* cost report: amount is cents as a string */
            int64_t cents;
            if (!jamount(json_object_get(res, "amount"), &cents)) {
                enum status st = jreject(c, at, "amount is not a decimal string");
                if (st != ST_OK)
                    return st;
                continue;
            }
            r.cost_micros = cents / 100;
            r.currency = *jstr(res, "currency") ? jstr(res, "currency") : "USD";
            r.service = jstr(res, "cost_type");
            snprintf(scope, sizeof scope, "anthropic|cost|%s", d);
        } else {
            json_t *cc = json_object_get(res, "cache_creation");
            /* uncached + cache reads + both cache writes + output (DESIGN.md section 2) */
            r.tokens = jcount(res, "uncached_input_tokens") +
                       jcount(res, "cache_read_input_tokens") +
                       jcount(cc, "ephemeral_1h_input_tokens") +
                       jcount(cc, "ephemeral_5m_input_tokens") + jcount(res, "output_tokens");
            r.service = jstr(res, "service_tier");
            snprintf(scope, sizeof scope, "anthropic|usage|%s", d);
        }
        r.scope_key = scope;
        enum status st = c->sink->emit(c->sink->ctx, &r, c->err);
        if (st != ST_OK)
            return st;
    }
    return ST_OK;
}

/* LiteLLM: one spend log row. */
static enum status litellm_row(struct jctx *c, const json_t *o, const char *where)
{
    struct usage_record r;
    blank(&r, "litellm");
    json_t *start = json_object_get(o, "startTime");
    if (!start)
        start = json_object_get(o, "created_at");
    if (!day_of(start, &r.day))
        return jreject(c, where, "startTime is not an ISO time");
    if (!jamount(json_object_get(o, "spend"), &r.cost_micros))
        return jreject(c, where, "spend is not a number");
    r.currency = "USD";
    r.api_key = jstr(o, "api_key");
    r.model = jstr(o, "model");
    r.tokens = jcount(o, "total_tokens");
    if (!r.tokens)
        r.tokens = jcount(o, "prompt_tokens") + jcount(o, "completion_tokens");
    r.requests = 1;
    json_t *meta = json_object_get(o, "metadata");
    char account[160] = "", workload[512] = "", scope[96], d[DATE_BUF];
    const char *team = jstr(meta, "user_api_key_team_id");
    if (!*team)
        team = jstr(o, "team_id");
    if (*team)
        snprintf(account, sizeof account, "team:%s", team);
    r.account = account;
    const char *sp = jstr(meta, "spiffe_id");
    size_t i;
    json_t *tag;
    json_array_foreach(json_object_get(o, "request_tags"), i,
                       tag) if (json_is_string(tag) && strncmp(json_string_value(tag), "spiffe://",
                                                               9) == 0) sp = json_string_value(tag);
    snprintf(workload, sizeof workload, "%s", sp);
    r.workload = workload;
    snprintf(scope, sizeof scope, "litellm|spend|%s", date_format(r.day, d));
    r.scope_key = scope;
    return c->sink->emit(c->sink->ctx, &r, c->err);
}

/* True for pages without buckets or an empty list of rows. */
static bool no_rows(const json_t *doc)
{
    if (json_is_array(doc)) {
        size_t i;
        json_t *p;
        json_array_foreach(doc, i, p) if (!json_is_object(p) || json_array_size(json_object_get(
                                                                    p, "data")) > 0) return false;
        return true;
    }
    return json_is_array(json_object_get(doc, "data")) &&
           json_array_size(json_object_get(doc, "data")) == 0;
}

/* Which page shape a document is; 0 when unknown. */
enum page_kind { PK_NONE, PK_OPENAI, PK_ANTHROPIC, PK_LITELLM };

static enum page_kind page_kind_of(const json_t *doc)
{
    const json_t *page = json_is_array(doc) ? json_array_get(doc, 0) : doc;
    if (json_is_object(page) && json_object_get(page, "request_id") &&
        json_object_get(page, "spend"))
        return PK_LITELLM;
    const json_t *bucket = json_array_get(json_object_get(page, "data"), 0);
    if (json_object_get(bucket, "start_time") && json_object_get(bucket, "results"))
        return PK_OPENAI;
    if (json_object_get(bucket, "starting_at") && json_object_get(bucket, "results"))
        return PK_ANTHROPIC;
    return PK_NONE;
}

enum status imp_json_kind(const char *path, const char **format, struct strbuf *err)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc) {
        sb_setf(err, "%s:%d:%d: not JSON: %s", path, jerr.line, jerr.column, jerr.text);
        return ST_BAD_DATA;
    }
    static const char *const names[] = {NULL, "openai", "anthropic", "litellm"};
    *format = names[page_kind_of(doc)];
    json_decref(doc);
    return ST_OK;
}

enum status imp_json_read(const char *path, const char *format, const struct usage_sink *sink,
                          const struct reporter *rep, struct strbuf *err)
{
    (void)rep;
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        sb_setf(err, "%s:%d:%d: not JSON: %s", path, jerr.line, jerr.column, jerr.text);
        return ST_BAD_DATA;
    }
    struct jctx c = {path, sink, err};
    enum page_kind want = strcmp(format, "openai") == 0      ? PK_OPENAI
                          : strcmp(format, "anthropic") == 0 ? PK_ANTHROPIC
                                                             : PK_LITELLM;
    enum page_kind got = page_kind_of(doc);
    enum status st = ST_OK;
    if (got == PK_NONE && no_rows(doc))
        got = want; /* empty pages (no buckets, no rows) are valid for any provider */
    if (got != want) {
        sb_setf(err, "%s: $: not %s pages (%s)", path, format,
                got == PK_NONE ? "no known page shape" : "another provider's pages");
        st = ST_BAD_DATA;
    }
    if (st == ST_OK && want == PK_LITELLM) {
        json_t *rows = json_is_array(doc) ? doc : json_object_get(doc, "data");
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
            char where[64];
            snprintf(where, sizeof where, "$[%zu]", i);
            if ((st = litellm_row(&c, row, where)) != ST_OK)
                break;
        }
    } else if (st == ST_OK) {
        /* one page or an array of pages */
        size_t np = json_is_array(doc) ? json_array_size(doc) : 1;
        for (size_t p = 0; st == ST_OK && p < np; p++) {
            json_t *page = json_is_array(doc) ? json_array_get(doc, p) : doc;
            size_t i;
            json_t *b;
            json_array_foreach(json_object_get(page, "data"), i, b)
            {
                char where[96];
                if (json_is_array(doc))
                    snprintf(where, sizeof where, "$[%zu].data[%zu]", p, i);
                else
                    snprintf(where, sizeof where, "$.data[%zu]", i);
                st = want == PK_OPENAI ? openai_bucket(&c, b, where)
                                       : anthropic_bucket(&c, b, where);
                if (st != ST_OK)
                    break;
            }
        }
    }
    if (st == ST_BAD_DATA && !strstr(sb_str(err), path)) {
        struct strbuf m;
        sb_init(&m);
        sb_addf(&m, "%s: %s", path, sb_str(err));
        sb_reset(err);
        sb_adds(err, sb_str(&m));
        sb_done(&m);
    }
    json_decref(doc);
    return st;
}
