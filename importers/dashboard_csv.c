/* The providers' dashboard CSV exports into normalized usage records: OpenAI Usage page (cost,
 * usage per kind, legacy activity), Anthropic Console (usage, cost) and the LiteLLM proxy UI's
 * spend logs. One column-map table per export; header names matched exactly, any order. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/csv_reader.h"
#include "importers/importers.h"

/* What a column means to credence. Several columns may carry the same field: DF_TOKENS columns
 * are summed; for the others the first non-empty one wins. */
enum dfield {
    DF_IGNORED, /* data credence does not use (still counts for the empty-bucket rule) */
    DF_TIME,    /* a time column that is not the charge day (end_time, ...) */
    DF_DAY,     /* the charge day: Unix seconds, a date or an ISO timestamp */
    DF_DAY_ALT, /* the charge day when DF_DAY is empty */
    DF_ACCOUNT,
    DF_TEAM, /* LiteLLM team id: account "team:<id>" */
    DF_API_KEY_ID,
    DF_API_KEY, /* when no DF_API_KEY_ID value is given */
    DF_MODEL,
    DF_LINE_ITEM, /* OpenAI "gpt-4o-2024-08-06, input": the model before the comma */
    DF_SERVICE,
    DF_COST,
    DF_CURRENCY,
    DF_REQUESTS,     /* summed */
    DF_TOKENS,       /* summed */
    DF_TOKENS_TOTAL, /* wins over DF_TOKENS when given */
    DF_METADATA,     /* LiteLLM metadata JSON: team and SPIFFE ID */
    DF_REQUEST_TAGS, /* LiteLLM request_tags JSON array: a spiffe:// tag is the workload */
    DF__COUNT
};

struct dcol {
    const char *name;
    enum dfield field;
};

/* TO ADD A COLUMN: a row in its export's table (the exact header name). */
static const struct dcol openai_cost_cols[] = {
    {"start_time", DF_DAY},
    {"end_time", DF_TIME},
    {"start_time_iso", DF_DAY_ALT},
    {"end_time_iso", DF_TIME},
    {"amount_value", DF_COST},
    {"amount_currency", DF_CURRENCY},
    {"line_item", DF_LINE_ITEM},
    {"project_id", DF_ACCOUNT},
    {"api_key_id", DF_API_KEY_ID},
    {"organization_id", DF_IGNORED},
    {"organization_name", DF_IGNORED},
    {NULL, DF_IGNORED},
};

static const struct dcol openai_usage_cols[] = {
    {"start_time", DF_DAY},
    {"end_time", DF_TIME},
    {"start_time_iso", DF_DAY_ALT},
    {"end_time_iso", DF_TIME},
    {"project_id", DF_ACCOUNT},
    {"api_key_id", DF_API_KEY_ID},
    {"model", DF_MODEL},
    {"num_model_requests", DF_REQUESTS},
    {"num_requests", DF_REQUESTS},
    /* input_tokens already include cached and cache-write tokens (DESIGN.md section 2) */
    {"input_tokens", DF_TOKENS},
    {"output_tokens", DF_TOKENS},
    {NULL, DF_IGNORED},
};

static const struct dcol openai_activity_cols[] = {
    {"aggregation_timestamp", DF_DAY},
    {"organization_id", DF_IGNORED},
    {"project_id", DF_ACCOUNT},
    {"api_key_id", DF_API_KEY_ID},
    {"snapshot_id", DF_MODEL},
    {"operation", DF_SERVICE},
    {"n_requests", DF_REQUESTS},
    {"n_context_tokens_total", DF_TOKENS},
    {"n_generated_tokens_total", DF_TOKENS},
    {NULL, DF_IGNORED},
};

static const struct dcol anthropic_usage_cols[] = {
    {"usage_date_utc", DF_DAY},
    {"model_version", DF_MODEL},
    {"api_key_id", DF_API_KEY_ID},
    {"api_key", DF_API_KEY},
    {"workspace", DF_ACCOUNT},
    {"usage_type", DF_SERVICE},
    /* uncached + cache reads + both cache writes + output (DESIGN.md section 2) */
    {"usage_input_tokens_no_cache", DF_TOKENS},
    {"usage_input_tokens_cache_write", DF_TOKENS}, /* older exports: 5m and 1h together */
    {"usage_input_tokens_cache_write_5m", DF_TOKENS},
    {"usage_input_tokens_cache_write_1h", DF_TOKENS},
    {"usage_input_tokens_cache_read", DF_TOKENS},
    {"usage_output_tokens", DF_TOKENS},
    {NULL, DF_IGNORED},
};

static const struct dcol anthropic_cost_cols[] = {
    {"usage_date_utc", DF_DAY},    {"model", DF_MODEL},     {"workspace", DF_ACCOUNT},
    {"api_key_id", DF_API_KEY_ID}, {"api_key", DF_API_KEY}, {"cost_type", DF_SERVICE},
    {"cost_usd", DF_COST},         {NULL, DF_IGNORED},
};

static const struct dcol litellm_cols[] = {
    {"startTime", DF_DAY},
    {"created_at", DF_DAY_ALT},
    {"endTime", DF_TIME},
    {"updated_at", DF_TIME},
    {"api_key", DF_API_KEY},
    {"model", DF_MODEL},
    {"spend", DF_COST},
    {"total_tokens", DF_TOKENS_TOTAL},
    {"prompt_tokens", DF_TOKENS},
    {"completion_tokens", DF_TOKENS},
    {"team_id", DF_TEAM},
    {"metadata", DF_METADATA},
    {"request_tags", DF_REQUEST_TAGS},
    {NULL, DF_IGNORED},
};

enum dflag {
    DX_ONE_REQUEST = 1,   /* every row is one request (LiteLLM logs) */
    DX_DISPLAY_MODEL = 2, /* "Claude Sonnet 4.5" -> "claude-sonnet-4-5" */
    DX_USAGE_KIND = 4,    /* OpenAI usage: the kind comes from the file name or the columns */
};

/* TO ADD AN EXPORT: a row here (first match wins: more specific signatures first), its column
 * table above, and a row in README's mapping tables. */
static const struct dexport {
    const char *what;       /* for messages: "OpenAI cost CSV" */
    enum imp_format format; /* the --format that reads it */
    const char *provider;
    const char *signature[3]; /* header names that identify it (all present) */
    const struct dcol *cols;
    const char *scope_kind; /* the report kind of the supersession scope (as JSON pages) */
    unsigned flags;
} exports[] = {
    {"OpenAI cost CSV",
     IMP_OPENAI,
     "openai",
     {"start_time", "amount_value"},
     openai_cost_cols,
     "costs",
     0},
    {"OpenAI legacy activity CSV",
     IMP_OPENAI,
     "openai",
     {"n_context_tokens_total"},
     openai_activity_cols,
     "usage.activity",
     0},
    {"OpenAI usage CSV",
     IMP_OPENAI,
     "openai",
     {"start_time", "start_time_iso"},
     openai_usage_cols,
     "usage",
     DX_USAGE_KIND},
    {"Anthropic Console cost CSV",
     IMP_ANTHROPIC,
     "anthropic",
     {"usage_date_utc", "cost_usd"},
     anthropic_cost_cols,
     "cost",
     DX_DISPLAY_MODEL},
    {"Anthropic Console usage CSV",
     IMP_ANTHROPIC,
     "anthropic",
     {"usage_date_utc", "usage_output_tokens"},
     anthropic_usage_cols,
     "usage",
     DX_DISPLAY_MODEL},
    {"LiteLLM spend logs CSV",
     IMP_LITELLM,
     "litellm",
     {"request_id", "spend"},
     litellm_cols,
     "spend",
     DX_ONE_REQUEST},
};
#define NEXPORTS (sizeof exports / sizeof exports[0])

/* OpenAI usage kinds (as the JSON pages' result objects name them): from the export's file name
 * ("completions_usage_2025-10-01_2025-10-31.csv"), else from a column only that kind has. */
static const struct {
    const char *kind, *column;
} usage_kinds[] = {
    {"completions", "output_tokens"},
    {"images", "images"},
    {"audio_speeches", "characters"},
    {"audio_transcriptions", "seconds"},
    {"code_interpreter_sessions", "num_sessions"},
    {"vector_stores", "usage_bytes"},
    {"file_searches", "vector_store_id"},
    {"web_searches", "context_level"},
    {"moderations", NULL},
    {"embeddings", "input_tokens"},
};

struct dctx {
    const char *path;
    const struct usage_sink *sink;
    struct strbuf *err;
    int want;                /* the format asked for; -1: any (detection) */
    const struct dexport *x; /* the export the header named; NULL before it */
    enum dfield *field;      /* per header column */
    const char **colname;    /* per header column, for messages */
    size_t ncols;
    char kind[64]; /* scope kind */
    bool header_done;
};

static bool header_has(const struct src_row *row, const char *name)
{
    for (size_t k = 0; k < row->n; k++) {
        const char *h = row->field[k];
        size_t hl = row->len[k];
        text_trim(&h, &hl);
        if (strlen(name) == hl && memcmp(name, h, hl) == 0)
            return true;
    }
    return false;
}

static const struct dexport *export_of(const struct src_row *row, int want)
{
    for (size_t i = 0; i < NEXPORTS; i++) {
        if (want >= 0 && exports[i].format != (enum imp_format)want)
            continue;
        bool all = true;
        for (size_t s = 0; s < 3 && exports[i].signature[s] && all; s++)
            all = header_has(row, exports[i].signature[s]);
        if (all)
            return &exports[i];
    }
    return NULL;
}

/* The OpenAI usage kind from "<kind>_usage_..." in the file name, else from the columns. */
static void usage_kind(struct dctx *c, const struct src_row *row)
{
    const char *base = strrchr(c->path, '/');
    base = base ? base + 1 : c->path;
    for (size_t i = 0; i < sizeof usage_kinds / sizeof usage_kinds[0]; i++) {
        size_t n = strlen(usage_kinds[i].kind);
        if (strncmp(base, usage_kinds[i].kind, n) == 0 && strncmp(base + n, "_usage", 6) == 0) {
            snprintf(c->kind, sizeof c->kind, "usage.%s", usage_kinds[i].kind);
            return;
        }
    }
    for (size_t i = 0; i < sizeof usage_kinds / sizeof usage_kinds[0]; i++)
        if (usage_kinds[i].column && header_has(row, usage_kinds[i].column)) {
            snprintf(c->kind, sizeof c->kind, "usage.%s", usage_kinds[i].kind);
            return;
        }
    snprintf(c->kind, sizeof c->kind, "usage.completions");
}

static enum status dash_header(struct dctx *c, const struct src_row *row)
{
    c->header_done = true;
    c->x = export_of(row, c->want);
    if (!c->x) {
        sb_setf(c->err, "%s:%ld:1: not a%s dashboard CSV export credence knows (the header has",
                c->path, row->line,
                c->want == IMP_OPENAI      ? "n OpenAI"
                : c->want == IMP_ANTHROPIC ? "n Anthropic"
                : c->want == IMP_LITELLM   ? " LiteLLM"
                                           : "");
        const char *sep = " none of";
        for (size_t i = 0; i < NEXPORTS; i++) {
            if (c->want >= 0 && exports[i].format != (enum imp_format)c->want)
                continue;
            sb_addf(c->err, "%s ", sep);
            for (size_t s = 0; s < 3 && exports[i].signature[s]; s++)
                sb_addf(c->err, "%s%s", s ? "+" : "", exports[i].signature[s]);
            sep = ",";
        }
        sb_adds(c->err, ")");
        return ST_BAD_DATA;
    }
    c->ncols = row->n;
    c->field = xcalloc(row->n ? row->n : 1, sizeof *c->field);
    c->colname = xcalloc(row->n ? row->n : 1, sizeof *c->colname);
    for (size_t k = 0; k < row->n; k++) {
        const char *h = row->field[k];
        size_t hl = row->len[k];
        text_trim(&h, &hl);
        c->field[k] = DF_IGNORED;
        c->colname[k] = "column";
        for (const struct dcol *d = c->x->cols; d->name; d++)
            if (strlen(d->name) == hl && memcmp(d->name, h, hl) == 0) {
                c->field[k] = d->field;
                c->colname[k] = d->name;
                break;
            }
    }
    bool day = false;
    for (size_t k = 0; k < row->n; k++)
        day = day || c->field[k] == DF_DAY || c->field[k] == DF_DAY_ALT;
    if (!day) {
        sb_setf(c->err, "%s:%ld:1: %s without its day column (%s)", c->path, row->line, c->x->what,
                c->x->cols[0].name);
        return ST_BAD_DATA;
    }
    if (c->x->flags & DX_USAGE_KIND)
        usage_kind(c, row);
    else
        snprintf(c->kind, sizeof c->kind, "%s", c->x->scope_kind);
    return ST_OK;
}

/* Rejects the row at column k: "<column> '<value>' <problem>". */
static enum status dash_reject(struct dctx *c, const struct src_row *row, size_t k, const char *s,
                               size_t len, const char *problem)
{
    long line, col;
    src_row_locate(row, k, &line, &col);
    char msg[512];
    snprintf(msg, sizeof msg, "%s '%.*s' %s", k < c->ncols ? c->colname[k] : "row",
             (int)(len > 60 ? 60 : len), s, problem);
    return c->sink->reject(c->sink->ctx, row, line, col, msg, c->err);
}

/* Unix seconds ("1759622400", "1759622400.0"), a date or an ISO timestamp. */
static bool parse_day(const char *s, size_t len, int32_t *day)
{
    int64_t t, micros;
    if (!date_parse_timestamp(s, len, &t)) {
        if (amount_parse(s, len, &micros) != AMOUNT_OK)
            return false;
        t = micros / AMOUNT_SCALE;
    }
    *day = (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
    return true;
}

/* A whole number, also written as a decimal ("10.0") or with an exponent. */
static bool parse_count(const char *s, size_t len, int64_t *out)
{
    int64_t micros;
    if (amount_parse(s, len, &micros) != AMOUNT_OK || micros % AMOUNT_SCALE != 0)
        return false;
    *out = micros / AMOUNT_SCALE;
    return true;
}

/* Copies s[0..len) into buf (cap bytes); false when it does not fit. */
static bool copy(char *buf, size_t cap, const char *s, size_t len)
{
    if (len >= cap)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return true;
}

/* "Claude Sonnet 4.5" -> "claude-sonnet-4-5", so model scopes like claude-sonnet-4* apply; ids
 * (no spaces, no capitals) stay as they are. */
static void model_id(char *m)
{
    bool display = false;
    for (char *p = m; *p; p++)
        if (*p == ' ' || (*p >= 'A' && *p <= 'Z'))
            display = true;
    if (!display)
        return;
    for (char *p = m; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
        else if (*p == ' ' || *p == '.')
            *p = '-';
    }
}

/* The LiteLLM team and SPIFFE ID from metadata / request_tags JSON; text that is not JSON is
 * ignored (the UI export's serialization of these columns is unconfirmed). */
static void litellm_json(const char *meta, size_t mlen, const char *tags, size_t tlen, char *team,
                         size_t team_cap, char *workload, size_t wl_cap)
{
    json_error_t jerr;
    json_t *m = mlen ? json_loadb(meta, mlen, 0, &jerr) : NULL;
    const char *t = json_string_value(json_object_get(m, "user_api_key_team_id"));
    if (t && *t && !*team)
        snprintf(team, team_cap, "%s", t);
    const char *sp = json_string_value(json_object_get(m, "spiffe_id"));
    if (sp)
        snprintf(workload, wl_cap, "%s", sp);
    json_t *a = tlen ? json_loadb(tags, tlen, 0, &jerr) : NULL;
    size_t i;
    json_t *tag;
    json_array_foreach(a, i, tag)
    {
        const char *v = json_string_value(tag);
        if (v && strncmp(v, "spiffe://", 9) == 0)
            snprintf(workload, wl_cap, "%s", v);
    }
    json_decref(m);
    json_decref(a);
}

static enum status dash_row(void *ctx, const struct src_row *row)
{
    struct dctx *c = ctx;
    if (!c->header_done)
        return dash_header(c, row);
    /* the first non-empty column of each field; DF_TOKENS and DF_REQUESTS are summed below */
    long first[DF__COUNT];
    for (int f = 0; f < DF__COUNT; f++)
        first[f] = -1;
    bool data = false;
    for (size_t k = 0; k < row->n && k < c->ncols; k++) {
        const char *s = row->field[k];
        size_t len = row->len[k];
        text_trim(&s, &len);
        if (!len)
            continue;
        enum dfield f = c->field[k];
        if (f != DF_DAY && f != DF_DAY_ALT && f != DF_TIME)
            data = true;
        if (first[f] < 0)
            first[f] = (long)k;
    }
    if (!data) /* an empty bucket (only the time columns filled) or a blank line */
        return ST_OK;

    struct usage_record r;
    memset(&r, 0, sizeof r);
    r.line = row->line;
    r.provider = c->x->provider;
    r.category = UC_USAGE;
    r.workload = r.service = r.quantity_unit = r.credits_unit = "";
    const char *s;
    size_t len;
#define VALUE(f)                                                                                   \
    do {                                                                                           \
        s = first[f] >= 0 ? row->field[first[f]] : "";                                             \
        len = first[f] >= 0 ? row->len[first[f]] : 0;                                              \
        text_trim(&s, &len);                                                                       \
    } while (0)

    int dayf = first[DF_DAY] >= 0 ? DF_DAY : DF_DAY_ALT;
    VALUE(dayf);
    if (first[dayf] < 0) {
        size_t k = 0;
        while (k < c->ncols && c->field[k] != DF_DAY)
            k++;
        return dash_reject(c, row, k, "", 0, "is empty; the row has no day");
    }
    if (!parse_day(s, len, &r.day))
        return dash_reject(c, row, (size_t)first[dayf], s, len,
                           "is not a date, ISO timestamp or Unix time");

    if (first[DF_COST] >= 0) {
        VALUE(DF_COST);
        if (amount_parse(s, len, &r.cost_micros) != AMOUNT_OK)
            return dash_reject(c, row, (size_t)first[DF_COST], s, len, "is not a decimal amount");
    }
    char cur[8] = "USD";
    if (first[DF_CURRENCY] >= 0) {
        VALUE(DF_CURRENCY);
        if (len != 3)
            return dash_reject(c, row, (size_t)first[DF_CURRENCY], s, len,
                               "is not a three-letter currency code");
        for (size_t i = 0; i < 3; i++) /* OpenAI writes "usd" */
            cur[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i]);
    }
    /* costs carry no tokens and usage carries no cost, as the JSON pages: importing both kinds
     * of export never counts anything twice */
    r.currency = first[DF_COST] >= 0 ? cur : "";

    int64_t parts = 0, total = -1, n;
    for (size_t k = 0; k < row->n && k < c->ncols; k++) {
        enum dfield f = c->field[k];
        if (f != DF_TOKENS && f != DF_TOKENS_TOTAL && f != DF_REQUESTS)
            continue;
        s = row->field[k];
        len = row->len[k];
        text_trim(&s, &len);
        if (!len)
            continue;
        if (!parse_count(s, len, &n))
            return dash_reject(c, row, k, s, len, "is not a whole number");
        if (f == DF_TOKENS)
            parts += n;
        else if (f == DF_TOKENS_TOTAL)
            total = n;
        else
            r.requests += n;
    }
    r.tokens = total > 0 ? total : parts; /* as the JSON pages: a zero total is not given */
    if (c->x->flags & DX_ONE_REQUEST)
        r.requests = 1;

    char account[256] = "", key[256] = "", model[256] = "", service[128] = "", team[200] = "",
         workload[512] = "";
    const struct {
        enum dfield f;
        char *buf;
        size_t cap;
    } copies[] = {{DF_ACCOUNT, account, sizeof account}, {DF_TEAM, team, sizeof team},
                  {DF_API_KEY_ID, key, sizeof key},      {DF_MODEL, model, sizeof model},
                  {DF_LINE_ITEM, model, sizeof model},   {DF_SERVICE, service, sizeof service}};
    for (size_t i = 0; i < sizeof copies / sizeof copies[0]; i++) {
        if (first[copies[i].f] < 0 || *copies[i].buf)
            continue;
        VALUE(copies[i].f);
        if (!copy(copies[i].buf, copies[i].cap, s, len))
            return dash_reject(c, row, (size_t)first[copies[i].f], s, len, "is too long");
    }
    if (!*key && first[DF_API_KEY] >= 0) { /* Anthropic: the key's name when no id is given */
        VALUE(DF_API_KEY);
        if (!copy(key, sizeof key, s, len))
            return dash_reject(c, row, (size_t)first[DF_API_KEY], s, len, "is too long");
    }
    if (first[DF_LINE_ITEM] >= 0 && first[DF_MODEL] < 0)
        model[strcspn(model, ",")] = '\0';
    if (c->x->flags & DX_DISPLAY_MODEL)
        model_id(model);
    if (first[DF_METADATA] >= 0 || first[DF_REQUEST_TAGS] >= 0) {
        const char *m = "", *t = "";
        size_t mlen = 0, tlen = 0;
        VALUE(DF_METADATA);
        m = s, mlen = len;
        VALUE(DF_REQUEST_TAGS);
        t = s, tlen = len;
        litellm_json(m, mlen, t, tlen, team, sizeof team, workload, sizeof workload);
    }
    if (*team)
        snprintf(account, sizeof account, "team:%s", team);
#undef VALUE
    if (c->x->flags & DX_USAGE_KIND)
        snprintf(service, sizeof service, "%s", c->kind + 6); /* as the JSON pages: the kind */
    r.account = account;
    r.api_key = key;
    r.model = model;
    r.service = service;
    r.workload = workload;
    char scope[128], d[DATE_BUF];
    snprintf(scope, sizeof scope, "%s|%s|%s", c->x->provider, c->kind, date_format(r.day, d));
    r.scope_key = scope;
    return c->sink->emit(c->sink->ctx, &r, c->err);
}

enum status imp_dashboard_read(enum imp_format f, const char *path, const struct usage_sink *sink,
                               const struct reporter *rep, struct strbuf *err)
{
    struct dctx c = {.path = path, .sink = sink, .err = err, .want = (int)f};
    enum status st = csvr_read_file(path, dash_row, &c, rep, err);
    if (st == ST_OK && !c.header_done) {
        sb_setf(err, "%s:1:1: the file is empty; expected the header of a %s dashboard export",
                path, imp_format_name(f));
        st = ST_BAD_DATA;
    }
    free(c.field);
    free(c.colname);
    return st;
}

/* Detection: the header row only. */
struct kind_ctx {
    const struct dexport *x;
    bool seen;
};

static enum status kind_row(void *ctx, const struct src_row *row)
{
    struct kind_ctx *k = ctx;
    k->seen = true;
    k->x = export_of(row, -1);
    return ST_NOT_FOUND; /* stop after the header */
}

enum status imp_dashboard_kind(const char *path, enum imp_format *format, const char **what,
                               struct strbuf *err)
{
    struct kind_ctx k = {0};
    enum status st = csvr_read_file(path, kind_row, &k, NULL, err);
    if (!k.seen && st != ST_OK)
        return st;
    sb_reset(err);
    *what = k.x ? k.x->what : NULL;
    if (k.x)
        *format = k.x->format;
    return ST_OK;
}
