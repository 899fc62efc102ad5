/* FOCUS 1.0-1.2 CSV exports into normalized usage records. Columns by name (exact, then
 * case-insensitive), any order. Lenient rules for the defects of real files (documented in
 * README): the literal "null" is empty; M/D/YY dates are read as US dates; "$1,234.50 " amounts
 * lose the symbol, separators and spaces. Anything else unreadable is a located error. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "importers/csv_reader.h"
#include "importers/importers.h"

/* TO ADD A COLUMN: an enum value and a row (names the spec and providers use; required). */
enum {
    FC_CHARGE_PERIOD_START,
    FC_BILLING_PERIOD_START,
    FC_CHARGE_CATEGORY,
    FC_EFFECTIVE_COST,
    FC_BILLED_COST,
    FC_BILLING_CURRENCY,
    FC_CONSUMED_QUANTITY,
    FC_CONSUMED_UNIT,
    FC_PRICING_CURRENCY,
    FC_PRICING_CURRENCY_EFFECTIVE_COST,
    FC_BILLING_ACCOUNT_ID,
    FC_SUB_ACCOUNT_ID,
    FC_PROVIDER_NAME,
    FC_SERVICE_NAME,
    FC_TAGS,
    FC_X_MODEL,
    FC_X_API_KEY,
    FC__COUNT
};

static const struct {
    const char *names[5];
    bool required;
} focus_cols[FC__COUNT] = {
    [FC_CHARGE_PERIOD_START] = {{"ChargePeriodStart"}, true},
    [FC_BILLING_PERIOD_START] = {{"BillingPeriodStart"}, false},
    [FC_CHARGE_CATEGORY] = {{"ChargeCategory"}, true},
    [FC_EFFECTIVE_COST] = {{"EffectiveCost"}, false},
    [FC_BILLED_COST] = {{"BilledCost"}, false},
    [FC_BILLING_CURRENCY] = {{"BillingCurrency"}, false},
    [FC_CONSUMED_QUANTITY] = {{"ConsumedQuantity"}, false},
    [FC_CONSUMED_UNIT] = {{"ConsumedUnit"}, false},
    [FC_PRICING_CURRENCY] = {{"PricingCurrency"}, false},
    [FC_PRICING_CURRENCY_EFFECTIVE_COST] = {{"PricingCurrencyEffectiveCost"}, false},
    [FC_BILLING_ACCOUNT_ID] = {{"BillingAccountId"}, false},
    [FC_SUB_ACCOUNT_ID] = {{"SubAccountId"}, false},
    [FC_PROVIDER_NAME] = {{"ServiceProviderName", "ProviderName"}, false},
    [FC_SERVICE_NAME] = {{"ServiceName"}, false},
    [FC_TAGS] = {{"Tags"}, false},
    [FC_X_MODEL] = {{"x_Model", "x_ModelId", "x_ModelName", "x_model", "x_model_id"}, false},
    [FC_X_API_KEY] = {{"x_ApiKeyId", "x_ApiKey", "x_api_key", "x_api_key_id"}, false},
};

/* Tag keys that name the workload identity. */
static const char *const workload_tags[] = {"spiffe_id", "workload", "x_workload", "spiffe"};

struct focus_ctx {
    const char *path;
    const struct usage_sink *sink;
    struct strbuf *err;
    int map[FC__COUNT];
    bool header_done;
    struct strbuf tags; /* the current row's Tags, split in place by tags_fast */
};

static bool is_null(const char *s, size_t len)
{
    return len == 0 || (len == 4 && (memcmp(s, "null", 4) == 0 || memcmp(s, "NULL", 4) == 0));
}

/* The trimmed value of column c, NULL-spelling folded to empty. */
static void value(const struct focus_ctx *c, const struct src_row *row, int col, const char **s,
                  size_t *len)
{
    int k = c->map[col];
    if (k < 0 || (size_t)k >= row->n) {
        *s = "";
        *len = 0;
        return;
    }
    *s = row->field[k];
    *len = row->len[k];
    const char *v = *s;
    size_t n = *len;
    if (n && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t'))
        text_trim(s, len); /* the call only when there is something to trim */
    if (is_null(*s, *len)) {
        *s = "";
        *len = 0;
    }
}

/* ISO timestamps/dates, or leniently M/D/YY and M/D/YYYY. */
static bool parse_day(const char *s, size_t len, int32_t *day)
{
    int64_t t;
    if (date_parse_timestamp(s, len, &t)) {
        *day = (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
        return true;
    }
    int m = 0, d = 0, y = 0, part = 0, digits = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] >= '0' && s[i] <= '9') {
            int *v = part == 0 ? &m : part == 1 ? &d : &y;
            *v = *v * 10 + (s[i] - '0');
            if (++digits > 4)
                return false;
        } else if ((i == len || s[i] == '/') && digits > 0 && part < 3) {
            part++;
            digits = 0;
            if (i == len)
                break;
        } else {
            return false;
        }
    }
    if (part != 3)
        return false;
    if (y < 100)
        y += 2000;
    char iso[DATE_BUF + 8];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    return date_parse(iso, strlen(iso), day);
}

/* A decimal, leniently without "$", thousands separators and spaces. */
static bool parse_money(const char *s, size_t len, int64_t *out)
{
    char buf[64];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '$' || ch == ',' || ch == ' ')
            continue;
        if (n + 1 >= sizeof buf)
            return false;
        buf[n++] = ch;
    }
    buf[n] = '\0';
    return n > 0 && amount_parse(buf, n, out) == AMOUNT_OK;
}

/* Rejects the row at column col: "<what> '<value>' <problem>". */
static enum status focus_reject(struct focus_ctx *c, const struct src_row *row, int col,
                                const char *what, const char *s, size_t len, const char *problem)
{
    long line, colno;
    int k = c->map[col];
    src_row_locate(row, k < 0 ? row->n : (size_t)k, &line, &colno);
    char msg[512];
    snprintf(msg, sizeof msg, "%s '%.*s' %s", what, (int)(len > 60 ? 60 : len), s, problem);
    return c->sink->reject(c->sink->ctx, row, line, colno, msg, c->err);
}

static enum status focus_header(struct focus_ctx *c, const struct src_row *row)
{
    c->header_done = true;
    for (int col = 0; col < FC__COUNT; col++) {
        c->map[col] = -1;
        for (int pass = 0; pass < 2 && c->map[col] < 0; pass++) /* exact, then any case */
            for (size_t n = 0; n < 5 && focus_cols[col].names[n] && c->map[col] < 0; n++)
                for (size_t k = 0; k < row->n; k++) {
                    const char *h = row->field[k];
                    size_t hl = row->len[k];
                    text_trim(&h, &hl);
                    const char *want = focus_cols[col].names[n];
                    if (pass == 0 ? (strlen(want) == hl && memcmp(want, h, hl) == 0)
                                  : text_ieq(want, h, hl)) {
                        c->map[col] = (int)k;
                        break;
                    }
                }
        if (focus_cols[col].required && c->map[col] < 0) {
            sb_setf(c->err, "%s:%ld:1: not a FOCUS file: the header has no %s column", c->path,
                    row->line, focus_cols[col].names[0]);
            return ST_BAD_DATA;
        }
    }
    if (c->map[FC_EFFECTIVE_COST] < 0 && c->map[FC_BILLED_COST] < 0) {
        sb_setf(c->err, "%s:%ld:1: not a FOCUS file: no EffectiveCost or BilledCost column",
                c->path, row->line);
        return ST_BAD_DATA;
    }
    return ST_OK;
}

static bool iso_currency(const char *s, size_t len)
{
    if (len != 3)
        return false;
    for (size_t i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return true;
}

static bool json_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* A JSON string without escapes and of printable ASCII only, starting after its opening quote;
 * it is NUL-terminated in place. Returns the byte after the closing quote, or NULL. */
static char *tags_fast_string(char *p, const char *end)
{
#if defined(__SSE2__)
    /* 16 bytes at a time to the first byte that needs a look */
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* signed: bytes from 0x80 are negative, so below 0x20 too */
        __m128i odd =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                         _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)));
        unsigned m = (unsigned)_mm_movemask_epi8(odd);
        if (m) {
            p += __builtin_ctz(m);
            break;
        }
        p += 16;
    }
#endif
    for (; p < end; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"') {
            *p = '\0';
            return p + 1;
        }
        if (ch < 0x20 || ch >= 0x7f || ch == '\\')
            return NULL;
    }
    return NULL;
}

/* Reads the Tags object the common way ({"k":"v",...}: string values of printable ASCII without
 * escapes, at most USAGE_MAX_TAGS members, no key twice) straight into r, splitting s (a
 * private copy, len bytes plus a NUL) in place. Returns false for anything else, leaving r's
 * tags unset; then jansson reads it as before and judges it. */
static bool tags_fast(char *s, size_t len, struct usage_record *r, const char **workload)
{
    char *p = s, *end = s + len;
    int n = 0;
    while (p < end && json_space(*p))
        p++;
    if (p == end || *p++ != '{')
        return false;
    while (p < end && json_space(*p))
        p++;
    if (p < end && *p == '}') {
        p++;
    } else {
        for (;;) {
            if (p == end || *p++ != '"' || n == USAGE_MAX_TAGS)
                return false;
            char *key = p;
            if (!(p = tags_fast_string(p, end)))
                return false;
            while (p < end && json_space(*p))
                p++;
            if (p == end || *p++ != ':')
                return false;
            while (p < end && json_space(*p))
                p++;
            if (p == end || *p++ != '"')
                return false;
            char *val = p;
            if (!(p = tags_fast_string(p, end)))
                return false;
            for (int t = 0; t < n; t++)
                if (r->tag_keys[t][0] == key[0] && strcmp(r->tag_keys[t], key) == 0)
                    return false; /* jansson keeps the first place and the last value */
            r->tag_keys[n] = key;
            r->tag_values[n++] = val;
            while (p < end && json_space(*p))
                p++;
            if (p == end)
                return false;
            if (*p == '}') {
                p++;
                break;
            }
            if (*p++ != ',')
                return false;
            while (p < end && json_space(*p))
                p++;
        }
    }
    while (p < end && json_space(*p))
        p++;
    if (p != end)
        return false;
    r->ntags = n;
    for (int t = 0; t < n; t++)
        for (size_t w = 0; w < sizeof workload_tags / sizeof workload_tags[0]; w++)
            if (r->tag_keys[t][0] == workload_tags[w][0] &&
                strcmp(r->tag_keys[t], workload_tags[w]) == 0)
                *workload = r->tag_values[t];
    return true;
}

static enum status focus_row(void *ctx, const struct src_row *row)
{
    struct focus_ctx *c = ctx;
    if (!c->header_done)
        return focus_header(c, row);
    const char *s;
    size_t len;
    /* all zero but the tag arrays (read up to ntags only): they are most of the struct, and
     * this runs once a row */
    struct usage_record r;
    memset(&r, 0, offsetof(struct usage_record, tag_keys));
    memset(&r.ntags, 0, sizeof r - offsetof(struct usage_record, ntags));
    r.line = row->line;
    /* charge day */
    value(c, row, FC_CHARGE_PERIOD_START, &s, &len);
    if (!parse_day(s, len, &r.day))
        return focus_reject(c, row, FC_CHARGE_PERIOD_START, "ChargePeriodStart", s, len,
                            "is not a date or ISO timestamp");
    int32_t period = r.day;
    value(c, row, FC_BILLING_PERIOD_START, &s, &len);
    if (len && !parse_day(s, len, &period))
        return focus_reject(c, row, FC_BILLING_PERIOD_START, "BillingPeriodStart", s, len,
                            "is not a date or ISO timestamp");
    if (!len) { /* no billing period: the charge's calendar month */
        int y, m, d;
        date_to_ymd(r.day, &y, &m, &d);
        period = date_from_ymd(y, m, 1);
    }
    value(c, row, FC_CHARGE_CATEGORY, &s, &len);
    if (!usage_category_from_focus(s, len, &r.category))
        return focus_reject(c, row, FC_CHARGE_CATEGORY, "ChargeCategory", s, len,
                            "is not Usage, Credit, Purchase, Adjustment or Tax");
    int cost_col = FC_EFFECTIVE_COST;
    value(c, row, FC_EFFECTIVE_COST, &s, &len);
    if (!len) {
        cost_col = FC_BILLED_COST;
        value(c, row, FC_BILLED_COST, &s, &len);
    }
    if (len && !parse_money(s, len, &r.cost_micros))
        return focus_reject(c, row, cost_col, "cost", s, len, "is not a decimal amount");
    value(c, row, FC_CONSUMED_QUANTITY, &s, &len);
    if (len && !parse_money(s, len, &r.quantity_micros))
        return focus_reject(c, row, FC_CONSUMED_QUANTITY, "ConsumedQuantity", s, len,
                            "is not a decimal number");
    /* strings borrowed from the row when the value is the whole field (fields end in a NUL),
     * else (trimmed) copied into buf; the limits are the buffers this once had */
    const char *cur, *unit, *pcur, *acct, *key, *model, *service, *prov, *billing;
    char buf[16 + 64 + 64 + 256 + 256 + 256 + 256 + 128 + 256], scope[640];
    const struct {
        int col;
        const char **dst;
        size_t cap;
    } copies[] = {{FC_BILLING_CURRENCY, &cur, 16},  {FC_CONSUMED_UNIT, &unit, 64},
                  {FC_PRICING_CURRENCY, &pcur, 64}, {FC_X_API_KEY, &key, 256},
                  {FC_X_MODEL, &model, 256},        {FC_SERVICE_NAME, &service, 256},
                  {FC_PROVIDER_NAME, &prov, 128},   {FC_BILLING_ACCOUNT_ID, &billing, 256},
                  {FC_SUB_ACCOUNT_ID, &acct, 256}};
    size_t used = 0;
    for (size_t i = 0; i < sizeof copies / sizeof copies[0]; i++) {
        value(c, row, copies[i].col, &s, &len);
        if (len >= copies[i].cap)
            return focus_reject(c, row, copies[i].col, "value", s, len, "is too long");
        if (s[len] == '\0') {
            *copies[i].dst = s;
        } else {
            memcpy(buf + used, s, len);
            buf[used + len] = '\0';
            *copies[i].dst = buf + used;
            used += len + 1;
        }
    }
    r.currency = cur;
    r.quantity_unit = unit;
    r.api_key = key;
    r.model = model;
    r.service = service;
    r.provider = "focus";
    r.account = *acct ? acct : billing;
    /* tokens: a consumed unit that counts tokens ("Tokens", "1K tokens") */
    if (strstr(unit, "oken")) { /* per 1K / 1M tokens: scale before truncating (2.5K = 2500) */
        int64_t per = AMOUNT_SCALE;
        if (strncmp(unit, "1K", 2) == 0 || strncmp(unit, "1k", 2) == 0)
            per = AMOUNT_SCALE / 1000;
        else if (strncmp(unit, "1M", 2) == 0)
            per = AMOUNT_SCALE / 1000000;
        r.tokens = r.quantity_micros / per;
    }
    /* virtual currency: a PricingCurrency that is not an ISO 4217 code */
    if (*pcur && !iso_currency(pcur, strlen(pcur))) {
        value(c, row, FC_PRICING_CURRENCY_EFFECTIVE_COST, &s, &len);
        if (len && !parse_money(s, len, &r.credits_micros))
            return focus_reject(c, row, FC_PRICING_CURRENCY_EFFECTIVE_COST,
                                "PricingCurrencyEffectiveCost", s, len, "is not a decimal amount");
        r.credits_unit = pcur;
    } else {
        r.credits_unit = "";
    }
    /* Tags: a JSON object; the workload identity comes from a spiffe_id/workload tag. */
    json_t *tags = NULL;
    char workload[512];
    workload[0] = '\0';
    const char *fast_workload = NULL;
    value(c, row, FC_TAGS, &s, &len);
    sb_reset(&c->tags);
    sb_add(&c->tags, s, len);
    if (len && !tags_fast(c->tags.buf, len, &r, &fast_workload)) {
        json_error_t jerr;
        tags = json_loadb(s, len, 0, &jerr);
        if (!json_is_object(tags)) {
            json_decref(tags);
            return focus_reject(c, row, FC_TAGS, "Tags", s, len, "is not a JSON object");
        }
        const char *k;
        json_t *v;
        json_object_foreach(tags, k, v)
        {
            if (!json_is_string(v) || r.ntags == USAGE_MAX_TAGS)
                continue;
            r.tag_keys[r.ntags] = k;
            r.tag_values[r.ntags++] = json_string_value(v);
            for (size_t w = 0; w < sizeof workload_tags / sizeof workload_tags[0]; w++)
                if (strcmp(k, workload_tags[w]) == 0)
                    snprintf(workload, sizeof workload, "%s", json_string_value(v));
        }
    }
    r.workload = workload;
    if (fast_workload) { /* borrowed; truncated to the buffer as snprintf would */
        size_t wl = strlen(fast_workload);
        if (wl < sizeof workload) {
            r.workload = fast_workload;
        } else {
            memcpy(workload, fast_workload, sizeof workload - 1);
            workload[sizeof workload - 1] = '\0';
        }
    }
    char day[DATE_BUF];
    /* "focus|PROVIDER|BILLING-ACCOUNT|PERIOD" (fits: prov and billing are bounded above) */
    size_t pl = strlen(prov), bl = strlen(billing), n = 0;
    memcpy(scope, "focus|", 6);
    n = 6;
    memcpy(scope + n, prov, pl);
    n += pl;
    scope[n++] = '|';
    memcpy(scope + n, billing, bl);
    n += bl;
    scope[n++] = '|';
    date_format(period, day);
    memcpy(scope + n, day, sizeof day); /* with its NUL */
    r.scope_key = scope;
    enum status st = c->sink->emit(c->sink->ctx, &r, c->err);
    json_decref(tags);
    return st;
}

/* --- reading a large file in two parts at once ------------------------------------------------
 * A plain file of at least SPLIT_MIN bytes is cut at the first line start after its middle. This
 * thread reads the first part, another the second with its own reader and a fork of the sink
 * (from the line the first part ends on, counted by the other thread before it starts). The cut
 * is only a guess: it is right when the first part's reader, having read everything before the
 * cut, stands exactly at a record boundary on its fast path (a cut inside a quoted field, or a
 * first part that went to libcsv, is not). Right: the second part is joined into the sink, which
 * gives what one reader would have given, in the same order. Wrong: the second part is dropped
 * unread or half-read, and the first reader reads on to the end. Blocks are read on the same
 * grid either way, so even libcsv's view of the lines is the one a single reader has. */

enum { PART_BLOCK = 1 << 18 };
#define SPLIT_MIN ((uint64_t)32 << 20)

struct focus_part {
    struct focus_ctx c;
    struct strbuf err;
    struct csvr *r;
    int fd;
    uint64_t from, to; /* the bytes [from, to) */
    long line;         /* the line at from */
    enum status st;
    atomic_bool stop;           /* set by the first part: give up */
    atomic_uint_fast64_t bytes; /* progress of this part, for the first part's reports */
    atomic_uint_fast64_t rows;
};

/* Reads up to n bytes at off, retrying short reads; -1 on error (errno set). */
static ssize_t pread_full(int fd, char *buf, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

/* Feeds bytes [from, to) of fd to r in blocks on the PART_BLOCK grid. other (may be NULL) is the
 * part whose progress is added to the reports; stop (may be NULL) ends the read early. */
static enum status feed_range(struct csvr *r, struct focus_ctx *c, int fd, uint64_t from,
                              uint64_t to, char *buf, const struct reporter *rep, uint64_t total,
                              struct focus_part *other, struct focus_part *self)
{
    uint64_t off = from;
    while (off < to) {
        if (self && atomic_load(&self->stop))
            return ST_OK;
        uint64_t next = (off / PART_BLOCK + 1) * PART_BLOCK;
        if (next > to)
            next = to;
        ssize_t n = pread_full(fd, buf, (size_t)(next - off), off);
        if (n < 0) {
            sb_setf(c->err, "%s: read error: %s", c->path, strerror(errno));
            return ST_BAD_DATA;
        }
        if (n == 0)
            break; /* the file got shorter */
        enum status st = csvr_feed(r, buf, (size_t)n, focus_row, c, c->err);
        if (st != ST_OK)
            return st;
        off += (uint64_t)n;
        if (self) {
            atomic_store(&self->bytes, off - from);
            atomic_store(&self->rows, csvr_rows(r));
        } else {
            uint64_t ob = other ? atomic_load(&other->bytes) : 0;
            uint64_t orows = other ? atomic_load(&other->rows) : 0;
            report_progress(rep, off + ob, total, csvr_rows(r) + orows);
        }
    }
    return ST_OK;
}

static long count_newlines(const char *s, size_t n)
{
    long lines = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        lines += __builtin_popcount((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf)));
    }
#endif
    for (; i < n; i++)
        lines += s[i] == '\n';
    return lines;
}

static void *part_main(void *arg)
{
    struct focus_part *p = arg;
    char *buf = xmalloc(PART_BLOCK);
    /* the line the part starts on */
    long line = 1;
    enum status st = ST_OK;
    for (uint64_t off = 0; off < p->from && st == ST_OK;) {
        if (atomic_load(&p->stop))
            break;
        size_t want = p->from - off < PART_BLOCK ? (size_t)(p->from - off) : PART_BLOCK;
        ssize_t n = pread_full(p->fd, buf, want, off);
        if (n <= 0) {
            sb_setf(&p->err, "%s: read error: %s", p->c.path, n < 0 ? strerror(errno) : "EOF");
            st = ST_BAD_DATA;
            break;
        }
        line += count_newlines(buf, (size_t)n);
        off += (uint64_t)n;
    }
    p->line = line;
    if (st == ST_OK) {
        csvr_set_start(p->r, line);
        st = feed_range(p->r, &p->c, p->fd, p->from, p->to, buf, NULL, 0, NULL, p);
    }
    if (st == ST_OK && !atomic_load(&p->stop))
        st = csvr_finish(p->r, focus_row, &p->c, &p->err);
    p->st = st;
    free(buf);
    return NULL;
}

/* Captures the header record and stops. */
static enum status header_only(void *ctx, const struct src_row *row)
{
    struct focus_ctx *c = ctx;
    enum status st = focus_header(c, row);
    return st == ST_OK ? ST_INTERNAL : ST_BAD_DATA; /* either way: stop here */
}

/* Where to cut a file of size bytes (0: it stays whole): at the middle from SPLIT_MIN bytes on,
 * when a second CPU is idle (load average below the CPU count less one half). A test hook:
 * CREDENCE_IMPORT_SPLIT=0 never cuts, =N cuts from N bytes on whatever the load (and reports
 * what happened with report_info). */
static uint64_t split_wanted(uint64_t size)
{
    uint64_t min = SPLIT_MIN;
    const char *env = getenv("CREDENCE_IMPORT_SPLIT");
    if (env && *env) {
        char *end;
        unsigned long long v = strtoull(env, &end, 10);
        if (*end || v == 0)
            return 0;
        min = v;
    } else {
        /* two parts cost about a tenth more CPU in all: worth it only with a CPU to spare */
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        double load;
        if (ncpu < 2 || (getloadavg(&load, 1) == 1 && load > (double)ncpu - 0.5))
            return 0;
    }
    return size >= min && size >= 2 ? size / 2 : 0;
}

/* The two-part read, when it applies (*done false: use the one-reader path). */
static enum status focus_read_split(const char *path, const struct usage_sink *sink,
                                    const struct reporter *rep, struct strbuf *err, bool *done)
{
    *done = false;
    if (!sink->fork || !sink->join || !sink->drop || strcmp(path, "-") == 0)
        return ST_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ST_OK; /* the one-reader path says why */
    struct stat sst;
    uint64_t mid = 0, size = 0;
    unsigned char magic[2] = {0, 0};
    if (fstat(fd, &sst) == 0 && S_ISREG(sst.st_mode)) {
        size = (uint64_t)sst.st_size;
        mid = split_wanted(size);
    }
    if (!mid || (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)) {
        close(fd);
        return ST_OK;
    }
    char *buf = xmalloc(PART_BLOCK);
    struct focus_part *p = xcalloc(1, sizeof *p);
    sb_init(&p->err);
    p->c = (struct focus_ctx){.path = path, .err = &p->err};
    sb_init(&p->c.tags);
    /* the header, for the second part's column map (a header that does not end in the first
     * block, or is not a FOCUS header, leaves the file to one reader) */
    struct strbuf herr;
    sb_init(&herr);
    struct csvr *hr = csvr_new(path);
    ssize_t n = pread_full(fd, buf, PART_BLOCK, 0);
    enum status hst = n > 0 ? csvr_feed(hr, buf, (size_t)n, header_only, &p->c, &herr) : ST_OK;
    csvr_free(&hr);
    sb_done(&herr);
    /* the cut: the first line start after the middle, past the header block */
    uint64_t cut = 0;
    if (hst == ST_INTERNAL && mid > PART_BLOCK) {
        ssize_t k = pread_full(fd, buf, PART_BLOCK, mid);
        const char *nl = k > 0 ? memchr(buf, '\n', (size_t)k) : NULL;
        if (nl && mid + (uint64_t)(nl - buf) + 1 < size)
            cut = mid + (uint64_t)(nl - buf) + 1;
    }
    void *forked = cut ? sink->fork(sink->ctx) : NULL;
    struct usage_sink psink = {sink->emit, sink->reject, forked, NULL, NULL, NULL};
    p->c.sink = &psink;
    p->fd = fd;
    p->from = cut;
    p->to = size;
    p->r = csvr_new(path);
    atomic_init(&p->stop, false);
    atomic_init(&p->bytes, 0);
    atomic_init(&p->rows, 0);
    pthread_t th;
    if (!cut || pthread_create(&th, NULL, part_main, p) != 0) {
        if (forked)
            sink->drop(sink->ctx, forked);
        csvr_free(&p->r);
        sb_done(&p->c.tags);
        sb_done(&p->err);
        free(p);
        free(buf);
        close(fd);
        return ST_OK;
    }
    *done = true;
    struct focus_ctx c = {.path = path, .sink = sink, .err = err};
    sb_init(&c.tags);
    struct csvr *r = csvr_new(path);
    enum status st = feed_range(r, &c, fd, 0, cut, buf, rep, size, p, NULL);
    bool joined = false;
    if (st == ST_OK && csvr_at_boundary(r)) {
        pthread_join(th, NULL);
        joined = true;
    }
    bool whole = joined && p->line == csvr_line(r);
    if (getenv("CREDENCE_IMPORT_SPLIT")) /* the test hook says what happened */
        report_info(rep, "%s: cut at byte %llu: %s", path, (unsigned long long)cut,
                    whole ? "two parts joined" : "one reader read on");
    if (whole) {
        st = sink->join(sink->ctx, forked, err); /* its rejects come after ours either way */
        if (st == ST_OK && p->st != ST_OK) {
            sb_setf(err, "%s", sb_str(&p->err));
            st = p->st;
        }
    } else {
        atomic_store(&p->stop, true);
        if (!joined)
            pthread_join(th, NULL);
        sink->drop(sink->ctx, forked);
        if (st == ST_OK)
            st = feed_range(r, &c, fd, cut, size, buf, rep, size, NULL, NULL);
        if (st == ST_OK)
            st = csvr_finish(r, focus_row, &c, err);
    }
    if (st == ST_OK && !c.header_done) {
        sb_setf(err, "%s:1:1: the file is empty; expected a FOCUS header", path);
        st = ST_BAD_DATA;
    }
    csvr_free(&r);
    csvr_free(&p->r);
    sb_done(&c.tags);
    sb_done(&p->c.tags);
    sb_done(&p->err);
    free(p);
    free(buf);
    close(fd);
    return st;
}

enum status imp_focus_read(const char *path, const struct usage_sink *sink,
                           const struct reporter *rep, struct strbuf *err)
{
    bool done = false;
    enum status st = focus_read_split(path, sink, rep, err, &done);
    if (done)
        return st;
    struct focus_ctx c = {.path = path, .sink = sink, .err = err};
    sb_init(&c.tags);
    st = csvr_read_file(path, focus_row, &c, rep, err);
    sb_done(&c.tags);
    if (st == ST_OK && !c.header_done) {
        sb_setf(err, "%s:1:1: the file is empty; expected a FOCUS header", path);
        st = ST_BAD_DATA;
    }
    return st;
}
