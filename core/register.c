/* Register file loader: column table, per-field parsers, change detection and the upsert. */
#include "core/register.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/amount.h"
#include "core/audit.h"
#include "core/pool.h"
#include "core/spiffe.h"
#include "core/strmap.h"
#include "core/tabular.h"

/* TO ADD A REGISTER COLUMN: add an enum value, a row in register_cols, parse it in
 * register_parse_row, store it in register_upsert_pool, and add it to pool_register_json. */
enum {
    RC_POOL_ID,
    RC_NAME,
    RC_PROVIDER,
    RC_ACCOUNT,
    RC_OWNER,
    RC_CUSTODIAN,
    RC_ENVIRONMENT,
    RC_GRANT,
    RC_UNIT,
    RC_PERIOD,
    RC_ROLLOVER,
    RC_ROLLOVER_CAP_PCT,
    RC_ROLLOVER_MAX_PERIODS,
    RC_STARTS_ON,
    RC_EXPIRES_ON,
    RC_REVIEW_INTERVAL_DAYS,
    RC_REVIEW_THRESHOLD_PCT,
    RC_CONTRACT_REF,
    RC_STATUS,
    RC_LAST_REVIEW,
    RC_BINDINGS,
    RC_SCOPE,
    RC__COUNT
};

static const struct tab_col register_cols[RC__COUNT] = {
    [RC_POOL_ID] = {"pool_id", true},
    [RC_NAME] = {"name", true},
    [RC_PROVIDER] = {"provider", true},
    [RC_ACCOUNT] = {"account", true},
    [RC_OWNER] = {"business_owner", true},
    [RC_CUSTODIAN] = {"technical_custodian", true},
    [RC_ENVIRONMENT] = {"environment", true},
    [RC_GRANT] = {"grant", true},
    [RC_UNIT] = {"unit", true},
    [RC_PERIOD] = {"period", true},
    [RC_ROLLOVER] = {"rollover", false},
    [RC_ROLLOVER_CAP_PCT] = {"rollover_cap_pct", false},
    [RC_ROLLOVER_MAX_PERIODS] = {"rollover_max_periods", false},
    [RC_STARTS_ON] = {"starts_on", true},
    [RC_EXPIRES_ON] = {"expires_on", false},
    [RC_REVIEW_INTERVAL_DAYS] = {"review_interval_days", false},
    [RC_REVIEW_THRESHOLD_PCT] = {"review_threshold_pct", false},
    [RC_CONTRACT_REF] = {"contract_ref", false},
    [RC_STATUS] = {"status", false},
    [RC_LAST_REVIEW] = {"last_review", false},
    [RC_BINDINGS] = {"bindings", false},
    [RC_SCOPE] = {"scope", false},
};

/* Allowed values of the enumerated columns; the first value is the default when empty
 * (NULL first: the column is required). */
static const char *const providers[] = {NULL,      "openai", "anthropic", "litellm", "focus",
                                        "webhook", 0};
static const char *const environments[] = {NULL, "pilot", "staging", "production", 0};
static const char *const periods[] = {NULL, "monthly", "quarterly", "annual", 0};
static const char *const rollovers[] = {"none", "none", "full", "capped", 0};
static const char *const statuses[] = {"active", "active", "reduced", "revoked", "retired", 0};
static const char *const binding_kinds[] = {"api_key",    "workload", "project", "workspace",
                                            "subaccount", "tag",      0};
static const char *const scope_kinds[] = {"model", "tool", "service", "compute", 0};

#define REGISTER_DEFAULT_REVIEW_DAYS 90

struct register_load {
    struct tab_errors errs;
    char *name;
    int map[RC__COUNT];
    int have_header;
    size_t width;
    struct pool *pools; /* valid rows */
    long *lines;        /* line of each pool */
    size_t n, cap;
    struct strmap ids; /* pool id -> line, for duplicates and absent pools */
};

struct register_load *register_load_new(const char *name)
{
    struct register_load *rl = xcalloc(1, sizeof *rl);
    rl->name = xstrdup(name);
    tab_errors_init(&rl->errs, rl->name);
    return rl;
}

void register_load_free(struct register_load **pp)
{
    if (!pp || !*pp)
        return;
    struct register_load *rl = *pp;
    pools_free(&rl->pools, rl->n);
    free(rl->lines);
    strmap_done(&rl->ids);
    tab_errors_done(&rl->errs);
    free(rl->name);
    free(rl);
    *pp = NULL;
}

int register_load_error_count(const struct register_load *rl)
{
    return rl->errs.count;
}

const char *register_load_errors(const struct register_load *rl)
{
    return sb_str(&rl->errs.text);
}

/* A field being parsed: its trimmed text and where it is. */
struct fld {
    const char *s;
    size_t len;
    size_t k; /* field index for locating errors */
};

/* Matches f against a value table (case-insensitive); empty takes the default (vals[0]). */
static const char *parse_enum(struct tab_errors *e, const struct src_row *row, const struct fld *f,
                              const char *column, const char *const *vals)
{
    if (f->len == 0) {
        if (!vals[0])
            tab_error(e, row, f->k, "%s is empty", column);
        return vals[0];
    }
    for (size_t i = 1; vals[i]; i++)
        if (text_ieq(vals[i], f->s, f->len))
            return vals[i];
    struct strbuf allowed;
    sb_init(&allowed);
    for (size_t i = 1; vals[i]; i++)
        sb_addf(&allowed, "%s%s", i > 1 ? ", " : "", vals[i]);
    tab_error(e, row, f->k, "%s '%.*s' is not one of %s", column, (int)(f->len > 40 ? 40 : f->len),
              f->s, sb_str(&allowed));
    sb_done(&allowed);
    return NULL;
}

static bool parse_date_field(struct tab_errors *e, const struct src_row *row, const struct fld *f,
                             const char *column, bool required, int32_t *out)
{
    if (f->len == 0) {
        if (required)
            tab_error(e, row, f->k, "%s is empty", column);
        *out = POOL_NO_DATE;
        return !required;
    }
    if (!date_parse(f->s, f->len, out)) {
        tab_error(e, row, f->k, "%s '%.*s' is not an ISO date (YYYY-MM-DD)", column,
                  (int)(f->len > 30 ? 30 : f->len), f->s);
        return false;
    }
    return true;
}

/* Non-negative decimal percentage 0..100 (or empty: dflt, < 0 meaning "not set"). */
static bool parse_pct(struct tab_errors *e, const struct src_row *row, const struct fld *f,
                      const char *column, double dflt, double *out)
{
    *out = dflt;
    if (f->len == 0)
        return true;
    int64_t m;
    if (amount_parse(f->s, f->len, &m) != AMOUNT_OK || m < 0 || m > 100 * AMOUNT_SCALE) {
        tab_error(e, row, f->k, "%s '%.*s' must be a percentage from 0 to 100", column,
                  (int)(f->len > 30 ? 30 : f->len), f->s);
        return false;
    }
    *out = (double)m / (double)AMOUNT_SCALE;
    return true;
}

static bool parse_count(struct tab_errors *e, const struct src_row *row, const struct fld *f,
                        const char *column, int dflt, int min, int *out)
{
    *out = dflt;
    if (f->len == 0)
        return true;
    long v = 0;
    bool ok = f->len <= 9;
    for (size_t i = 0; ok && i < f->len; i++) {
        if (f->s[i] < '0' || f->s[i] > '9')
            ok = false;
        else
            v = v * 10 + (f->s[i] - '0');
    }
    if (!ok || v < min) {
        tab_error(e, row, f->k, "%s '%.*s' must be a whole number of at least %d", column,
                  (int)(f->len > 30 ? 30 : f->len), f->s, min);
        return false;
    }
    *out = (int)v;
    return true;
}

static bool valid_unit(const char *s, size_t len)
{
    if (text_ieq("credits", s, len) || text_ieq("tokens", s, len))
        return true;
    if (len != 3)
        return false;
    for (size_t i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return true;
}

static bool has_space(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
            return true;
    return false;
}

/* Parses a ';'-separated kind:value list into entries, checking kinds and values. */
static void parse_entries(struct tab_errors *e, const struct src_row *row, const struct fld *f,
                          const char *column, const char *const *kinds, bool bindings,
                          struct pool_entry **out, size_t *n)
{
    const char *cur = f->s, *end = f->s + f->len, *item;
    size_t len;
    while (f->len && text_next_item(&cur, end, ';', &item, &len)) {
        if (len == 0)
            continue;
        const char *colon = memchr(item, ':', len);
        size_t klen = colon ? (size_t)(colon - item) : len;
        const char *kind = NULL;
        for (size_t i = 0; kinds[i]; i++)
            if (text_ieq(kinds[i], item, klen))
                kind = kinds[i];
        if (!colon || !kind) {
            struct strbuf allowed;
            sb_init(&allowed);
            for (size_t i = 0; kinds[i]; i++)
                sb_addf(&allowed, "%s%s", i ? ", " : "", kinds[i]);
            tab_error(e, row, f->k, "%s entry '%.*s' must be kind:value with kind one of %s",
                      column, (int)(len > 60 ? 60 : len), item, sb_str(&allowed));
            sb_done(&allowed);
            continue;
        }
        const char *val = colon + 1;
        size_t vlen = len - klen - 1;
        text_trim(&val, &vlen);
        const char *why = NULL;
        size_t at = 0;
        if (vlen == 0)
            why = "has an empty value";
        else if (bindings && strcmp(kind, "workload") == 0 &&
                 !spiffe_id_valid(val, vlen, &why, &at))
            ;
        else if (bindings && strcmp(kind, "tag") == 0 && (!memchr(val, '=', vlen) || val[0] == '='))
            why = "must be tag:key=value";
        else if (bindings && strcmp(kind, "tag") != 0 && has_space(val, vlen))
            why = "must not contain spaces";
        if (why) {
            bool verb = strncmp(why, "has", 3) == 0 || strncmp(why, "must", 4) == 0;
            tab_error(e, row, f->k, "%s entry '%.*s'%s%s", column, (int)(len > 80 ? 80 : len), item,
                      verb ? " " : ": ", why);
            continue;
        }
        bool dup = false;
        for (size_t i = 0; i < *n; i++)
            if (strcmp((*out)[i].kind, kind) == 0 && strlen((*out)[i].value) == vlen &&
                memcmp((*out)[i].value, val, vlen) == 0)
                dup = true;
        if (!dup)
            pool_add_entry(out, n, kind, strlen(kind), val, vlen);
    }
}

static bool valid_pool_id(const char *s, size_t len)
{
    if (len == 0 || len > 64)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == ':'))
            return false;
    }
    return true;
}

enum status register_load_row(void *ctx, const struct src_row *row)
{
    struct register_load *rl = ctx;
    struct tab_errors *e = &rl->errs;
    if (!rl->have_header) {
        rl->have_header = 1;
        rl->width = row->n;
        tab_map_header(register_cols, RC__COUNT, row, rl->map, e);
        return ST_OK;
    }
    if (rl->map[RC_POOL_ID] < 0)
        return ST_OK; /* no usable header; its error was recorded */
    int before = e->count;
    if (!tab_check_width(row, rl->width, e))
        return ST_OK;
    struct fld f[RC__COUNT];
    for (int c = 0; c < RC__COUNT; c++)
        tab_value(row, rl->map, (size_t)c, &f[c].s, &f[c].len, &f[c].k, e);

    struct pool p;
    pool_init(&p);
    if (!valid_pool_id(f[RC_POOL_ID].s, f[RC_POOL_ID].len))
        tab_error(e, row, f[RC_POOL_ID].k,
                  "pool_id '%.*s' must be 1-64 characters of letters, digits, '.', '_', '-', ':'",
                  (int)(f[RC_POOL_ID].len > 64 ? 64 : f[RC_POOL_ID].len), f[RC_POOL_ID].s);
    if (f[RC_NAME].len == 0)
        tab_error(e, row, f[RC_NAME].k, "name is empty");
    if (f[RC_ACCOUNT].len == 0)
        tab_error(e, row, f[RC_ACCOUNT].k, "account is empty");
    if (f[RC_OWNER].len && !login_valid(f[RC_OWNER].s, f[RC_OWNER].len))
        tab_error(e, row, f[RC_OWNER].k, "business_owner '%.*s' is not a valid login",
                  (int)(f[RC_OWNER].len > 64 ? 64 : f[RC_OWNER].len), f[RC_OWNER].s);
    if (f[RC_CUSTODIAN].len && !login_valid(f[RC_CUSTODIAN].s, f[RC_CUSTODIAN].len))
        tab_error(e, row, f[RC_CUSTODIAN].k, "technical_custodian '%.*s' is not a valid login",
                  (int)(f[RC_CUSTODIAN].len > 64 ? 64 : f[RC_CUSTODIAN].len), f[RC_CUSTODIAN].s);
    const char *provider = parse_enum(e, row, &f[RC_PROVIDER], "provider", providers);
    const char *env = parse_enum(e, row, &f[RC_ENVIRONMENT], "environment", environments);
    const char *period = parse_enum(e, row, &f[RC_PERIOD], "period", periods);
    const char *rollover = parse_enum(e, row, &f[RC_ROLLOVER], "rollover", rollovers);
    const char *status = parse_enum(e, row, &f[RC_STATUS], "status", statuses);
    enum amount_parse_result ar = amount_parse(f[RC_GRANT].s, f[RC_GRANT].len, &p.grant_micros);
    if (f[RC_GRANT].len == 0)
        tab_error(e, row, f[RC_GRANT].k, "grant is empty");
    else if (ar != AMOUNT_OK || p.grant_micros < 0)
        tab_error(e, row, f[RC_GRANT].k, "grant '%.*s' must be a non-negative number",
                  (int)(f[RC_GRANT].len > 30 ? 30 : f[RC_GRANT].len), f[RC_GRANT].s);
    if (!valid_unit(f[RC_UNIT].s, f[RC_UNIT].len))
        tab_error(e, row, f[RC_UNIT].k,
                  "unit '%.*s' must be an ISO 4217 currency code (USD), credits or tokens",
                  (int)(f[RC_UNIT].len > 30 ? 30 : f[RC_UNIT].len), f[RC_UNIT].s);
    parse_pct(e, row, &f[RC_ROLLOVER_CAP_PCT], "rollover_cap_pct", -1, &p.rollover_cap_pct);
    parse_count(e, row, &f[RC_ROLLOVER_MAX_PERIODS], "rollover_max_periods", -1, 0,
                &p.rollover_max_periods);
    if (rollover && strcmp(rollover, "capped") == 0 && f[RC_ROLLOVER_CAP_PCT].len == 0)
        tab_error(e, row, f[RC_ROLLOVER_CAP_PCT].k, "rollover 'capped' needs rollover_cap_pct");
    bool starts_ok = parse_date_field(e, row, &f[RC_STARTS_ON], "starts_on", true, &p.starts_on);
    bool expires_ok =
        parse_date_field(e, row, &f[RC_EXPIRES_ON], "expires_on", false, &p.expires_on);
    bool dates_ok = starts_ok && expires_ok;
    parse_date_field(e, row, &f[RC_LAST_REVIEW], "last_review", false, &p.last_review);
    if (dates_ok && p.expires_on != POOL_NO_DATE && p.expires_on < p.starts_on)
        tab_error(e, row, f[RC_EXPIRES_ON].k, "expires_on is before starts_on");
    parse_count(e, row, &f[RC_REVIEW_INTERVAL_DAYS], "review_interval_days",
                REGISTER_DEFAULT_REVIEW_DAYS, 1, &p.review_interval_days);
    parse_pct(e, row, &f[RC_REVIEW_THRESHOLD_PCT], "review_threshold_pct", -1,
              &p.review_threshold_pct); /* empty: [rules] threshold_pct, then the default */
    parse_entries(e, row, &f[RC_BINDINGS], "bindings", binding_kinds, true, &p.bindings,
                  &p.nbindings);
    parse_entries(e, row, &f[RC_SCOPE], "scope", scope_kinds, false, &p.scope, &p.nscope);
    long first_line;
    if (e->count == before && f[RC_POOL_ID].len &&
        !strmap_put(&rl->ids, f[RC_POOL_ID].s, f[RC_POOL_ID].len, row->line, &first_line))
        tab_error(e, row, f[RC_POOL_ID].k, "duplicate pool_id '%.*s' (first on line %ld)",
                  (int)f[RC_POOL_ID].len, f[RC_POOL_ID].s, first_line);
    if (e->count != before) {
        pool_done(&p);
        return ST_OK;
    }
    p.id = xstrndup(f[RC_POOL_ID].s, f[RC_POOL_ID].len);
    p.name = xstrndup(f[RC_NAME].s, f[RC_NAME].len);
    p.provider = xstrdup(provider);
    p.account = xstrndup(f[RC_ACCOUNT].s, f[RC_ACCOUNT].len);
    p.owner = xstrndup(f[RC_OWNER].s, f[RC_OWNER].len);
    p.custodian = xstrndup(f[RC_CUSTODIAN].s, f[RC_CUSTODIAN].len);
    p.environment = xstrdup(env);
    p.period = xstrdup(period);
    p.rollover = xstrdup(rollover);
    p.status = xstrdup(status);
    p.contract_ref = xstrndup(f[RC_CONTRACT_REF].s, f[RC_CONTRACT_REF].len);
    p.unit = xstrndup(f[RC_UNIT].s, f[RC_UNIT].len);
    if (text_ieq("credits", p.unit, strlen(p.unit)) || text_ieq("tokens", p.unit, strlen(p.unit)))
        for (char *c = p.unit; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    if (rl->n == rl->cap) {
        rl->cap = rl->cap ? rl->cap * 2 : 64;
        rl->pools = xreallocarray(rl->pools, rl->cap, sizeof *rl->pools);
        rl->lines = xreallocarray(rl->lines, rl->cap, sizeof *rl->lines);
    }
    rl->lines[rl->n] = row->line;
    rl->pools[rl->n++] = p;
    return ST_OK;
}

static enum status step_done(struct store *s, sqlite3_stmt *st, struct strbuf *err)
{
    int step = sqlite3_step(st);
    enum status rc = step == SQLITE_DONE ? ST_OK : store_error(s, step, "register", err);
    sqlite3_finalize(st);
    return rc;
}

static enum status step_done_cached(struct store *s, sqlite3_stmt *st, struct strbuf *err)
{
    int step = sqlite3_step(st);
    enum status rc = step == SQLITE_DONE ? ST_OK : store_error(s, step, "register", err);
    store_stmt_done(st);
    return rc;
}

/* Inserts or updates one pool row and replaces its bindings and scope. */
static enum status register_upsert_pool(struct store *s, const struct pool *p, const char *now,
                                        struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(
        s,
        "INSERT INTO pool(id, name, provider, account, owner, custodian, environment, "
        "grant_micros, unit, period, rollover, rollover_cap_pct, rollover_max_periods, starts_on, "
        "expires_on, review_interval_days, review_threshold_pct, contract_ref, status, created_at, "
        "updated_at, last_review) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
        "?17,?18,?19,?20,?20,?21) ON CONFLICT(id) DO UPDATE SET name=?2, provider=?3, account=?4, "
        "owner=?5, "
        "custodian=?6, environment=?7, grant_micros=?8, unit=?9, period=?10, rollover=?11, "
        "rollover_cap_pct=?12, rollover_max_periods=?13, starts_on=?14, expires_on=?15, "
        "review_interval_days=?16, review_threshold_pct=?17, contract_ref=?18, status=?19, "
        "updated_at=?20, last_review=?21",
        &st, err);
    if (rc != ST_OK)
        return rc;
    char d1[DATE_BUF], d2[DATE_BUF];
    store_bind_text(st, 1, p->id);
    store_bind_text(st, 2, p->name);
    store_bind_text(st, 3, p->provider);
    store_bind_text(st, 4, p->account);
    store_bind_text(st, 5, *p->owner ? p->owner : NULL);
    store_bind_text(st, 6, *p->custodian ? p->custodian : NULL);
    store_bind_text(st, 7, p->environment);
    sqlite3_bind_int64(st, 8, p->grant_micros);
    store_bind_text(st, 9, p->unit);
    store_bind_text(st, 10, p->period);
    store_bind_text(st, 11, p->rollover);
    if (p->rollover_cap_pct >= 0)
        sqlite3_bind_double(st, 12, p->rollover_cap_pct);
    if (p->rollover_max_periods >= 0)
        sqlite3_bind_int(st, 13, p->rollover_max_periods);
    store_bind_text(st, 14, date_format(p->starts_on, d1));
    store_bind_text(st, 15, p->expires_on == POOL_NO_DATE ? NULL : date_format(p->expires_on, d2));
    sqlite3_bind_int(st, 16, p->review_interval_days);
    if (p->review_threshold_pct >= 0)
        sqlite3_bind_double(st, 17, p->review_threshold_pct);
    store_bind_text(st, 18, p->contract_ref);
    store_bind_text(st, 19, p->status);
    store_bind_text(st, 20, now);
    char d3[DATE_BUF];
    store_bind_text(st, 21,
                    p->last_review == POOL_NO_DATE ? NULL : date_format(p->last_review, d3));
    rc = step_done_cached(s, st, err);
    static const char *const clear[] = {"DELETE FROM binding WHERE pool_id = ?",
                                        "DELETE FROM scope_entry WHERE pool_id = ?"};
    for (size_t i = 0; rc == ST_OK && i < 2; i++) {
        rc = store_stmt(s, clear[i], &st, err);
        if (rc == ST_OK) {
            store_bind_text(st, 1, p->id);
            rc = step_done_cached(s, st, err);
        }
    }
    for (size_t i = 0; rc == ST_OK && i < p->nbindings; i++) {
        rc = store_stmt(s, "INSERT INTO binding(pool_id, kind, value) VALUES (?,?,?)", &st, err);
        if (rc == ST_OK) {
            store_bind_text(st, 1, p->id);
            store_bind_text(st, 2, p->bindings[i].kind);
            store_bind_text(st, 3, p->bindings[i].value);
            rc = step_done_cached(s, st, err);
        }
    }
    for (size_t i = 0; rc == ST_OK && i < p->nscope; i++) {
        rc = store_stmt(s, "INSERT INTO scope_entry(pool_id, kind, pattern) VALUES (?,?,?)", &st,
                        err);
        if (rc == ST_OK) {
            store_bind_text(st, 1, p->id);
            store_bind_text(st, 2, p->scope[i].kind);
            store_bind_text(st, 3, p->scope[i].value);
            rc = step_done_cached(s, st, err);
        }
    }
    return rc;
}

/* {"field": [old, new]} for every register field that differs. New reference. */
static json_t *register_diff(json_t *old_j, json_t *new_j)
{
    json_t *changes = json_object();
    const char *key;
    json_t *nv;
    json_object_foreach(new_j, key, nv)
    {
        json_t *ov = json_object_get(old_j, key);
        if (!json_equal(ov, nv))
            json_object_set_new(changes, key, json_pack("[OO]", ov ? ov : json_null(), nv));
    }
    return changes;
}

/* Warns about owners/custodians who are not active people (they become orphaned findings). */
static enum status register_check_people(struct store *s, const struct pool *p,
                                         const struct reporter *rep, struct load_summary *sum,
                                         struct strbuf *err)
{
    const struct {
        const char *role, *login;
    } who[] = {{"business_owner", p->owner}, {"technical_custodian", p->custodian}};
    for (size_t i = 0; i < 2; i++) {
        if (!*who[i].login) {
            report_warn(rep, "pool %s has no %s (it will be flagged orphaned)", p->id, who[i].role);
            sum->warnings++;
            continue;
        }
        sqlite3_stmt *st = NULL;
        enum status rc = store_stmt(s, "SELECT active FROM person WHERE login = ?", &st, err);
        if (rc != ST_OK)
            return rc;
        store_bind_text(st, 1, who[i].login);
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE || (step == SQLITE_ROW && !sqlite3_column_int(st, 0))) {
            report_warn(rep, "pool %s: %s '%s' is %s (it will be flagged orphaned)", p->id,
                        who[i].role, who[i].login,
                        step == SQLITE_DONE ? "not a known person" : "not active");
            sum->warnings++;
        } else if (step != SQLITE_ROW) {
            rc = store_error(s, step, "people", err);
        }
        store_stmt_done(st);
        if (rc != ST_OK)
            return rc;
    }
    return ST_OK;
}

/* Warns when an api_key or workload is bound to this pool and to another one. */
static enum status register_check_shared_bindings(struct store *s, const struct pool *p,
                                                  const struct reporter *rep,
                                                  struct load_summary *sum, struct strbuf *err)
{
    for (size_t i = 0; i < p->nbindings; i++) {
        const struct pool_entry *b = &p->bindings[i];
        if (strcmp(b->kind, "api_key") != 0 && strcmp(b->kind, "workload") != 0)
            continue;
        sqlite3_stmt *st = NULL;
        enum status rc = store_stmt(s,
                                    "SELECT group_concat(pool_id, ', ') FROM binding WHERE "
                                    "kind = ? AND value = ? AND pool_id <> ?",
                                    &st, err);
        if (rc != ST_OK)
            return rc;
        store_bind_text(st, 1, b->kind);
        store_bind_text(st, 2, b->value);
        store_bind_text(st, 3, p->id);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
            report_warn(rep, "pool %s: %s %s is also bound to %s", p->id, b->kind, b->value,
                        store_col_text(st, 0));
            sum->warnings++;
        }
        store_stmt_done(st);
    }
    return ST_OK;
}

/* Pools in the store that the file does not list; reported, and retired with prune. */
static enum status register_absent(struct register_load *rl, struct store *s, const char *actor,
                                   bool prune, const char *now, struct load_summary *sum,
                                   const struct reporter *rep, struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s, "SELECT id, status FROM pool ORDER BY id", &st, err);
    if (rc != ST_OK)
        return rc;
    char **absent = NULL;
    size_t nabsent = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = store_col_text(st, 0);
        bool listed = strmap_get(&rl->ids, id, strlen(id), NULL);
        if (listed || strcmp(store_col_text(st, 1), "retired") == 0)
            continue;
        absent = xreallocarray(absent, nabsent + 1, sizeof *absent);
        absent[nabsent++] = xstrdup(id);
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "register", err);
    sqlite3_finalize(st);
    for (size_t i = 0; rc == ST_OK && i < nabsent; i++) {
        sum->absent++;
        if (!prune) {
            report_warn(rep, "pool %s is in the database but not in %s; kept (--prune retires it)",
                        absent[i], rl->name);
            continue;
        }
        rc = store_prepare(s, "UPDATE pool SET status = 'retired', updated_at = ? WHERE id = ?",
                           &st, err);
        if (rc == ST_OK) {
            store_bind_text(st, 1, now);
            store_bind_text(st, 2, absent[i]);
            rc = step_done(s, st, err);
        }
        if (rc == ST_OK) {
            json_t *data = json_pack("{ss ss}", "why", "absent from the register file (--prune)",
                                     "file", rl->name);
            rc = audit_append(s, actor, "pool.retired", absent[i], data, NULL, NULL, err);
            json_decref(data);
            sum->retired++;
            report_info(rep, "pool %s retired (absent from %s)", absent[i], rl->name);
        }
    }
    for (size_t i = 0; i < nabsent; i++)
        free(absent[i]);
    free(absent);
    return rc;
}

enum status register_load_commit(struct register_load *rl, struct store *s, const char *actor,
                                 const char *sha256, bool prune, struct load_summary *sum,
                                 const struct reporter *rep, struct strbuf *err)
{
    memset(sum, 0, sizeof *sum);
    if (!rl->have_header)
        tab_error_at(&rl->errs, 1, 1, "the file is empty; expected a header line");
    if (rl->errs.count > 0) {
        sb_setf(err, "%s: %d error%s; nothing was imported", rl->name, rl->errs.count,
                rl->errs.count == 1 ? "" : "s");
        return ST_BAD_DATA;
    }
    sum->rows = (int)rl->n;
    char now[TIMESTAMP_BUF];
    date_format_timestamp(clock_now(), now);
    enum status rc = store_begin(s, err);
    if (rc != ST_OK)
        return rc;
    for (size_t i = 0; rc == ST_OK && i < rl->n; i++) {
        struct pool *p = &rl->pools[i];
        struct pool old;
        pool_init(&old);
        struct strbuf ignore;
        sb_init(&ignore);
        enum status g = pool_get(s, p->id, &old, &ignore);
        sb_done(&ignore);
        json_t *new_j = pool_register_json(p);
        json_t *data = NULL;
        const char *event = NULL;
        if (g == ST_OK) {
            /* A decision's revoke or reduce is not undone by re-importing an older register. */
            if ((strcmp(old.status, "revoked") == 0 || strcmp(old.status, "reduced") == 0) &&
                strcmp(p->status, "active") == 0) {
                free(p->status);
                p->status = xstrdup(old.status);
                json_object_set_new(new_j, "status", json_string(p->status));
            }
            /* A later review recorded by a decision is kept over an older date in the file. */
            if (old.last_review != POOL_NO_DATE &&
                (p->last_review == POOL_NO_DATE || old.last_review > p->last_review)) {
                p->last_review = old.last_review;
                json_decref(new_j);
                new_j = pool_register_json(p);
            }
            json_t *old_j = pool_register_json(&old);
            json_t *changes = register_diff(old_j, new_j);
            json_decref(old_j);
            if (json_object_size(changes) == 0) {
                sum->unchanged++;
                json_decref(changes);
            } else {
                event = "pool.updated";
                data = json_pack("{so ss}", "changed", changes, "file", rl->name);
                sum->updated++;
            }
        } else if (g == ST_NOT_FOUND) {
            event = "pool.created";
            data = json_pack("{sO ss}", "pool", new_j, "file", rl->name);
            sum->added++;
        } else {
            rc = g;
        }
        json_decref(new_j);
        pool_done(&old);
        if (rc == ST_OK && event)
            rc = register_upsert_pool(s, p, now, err);
        if (rc == ST_OK && event)
            rc = audit_append(s, actor, event, p->id, data, NULL, NULL, err);
        json_decref(data);
        if (rc == ST_OK)
            rc = register_check_people(s, p, rep, sum, err);
    }
    for (size_t i = 0; rc == ST_OK && i < rl->n; i++)
        rc = register_check_shared_bindings(s, &rl->pools[i], rep, sum, err);
    if (rc == ST_OK)
        rc = register_absent(rl, s, actor, prune, now, sum, rep, err);
    if (rc == ST_OK)
        rc = tab_record_import(s, "register", rl->name, sha256, actor, sum->rows, err);
    if (rc == ST_OK) {
        json_t *data = json_pack("{ss ss si si si si si si sb}", "file", rl->name, "sha256", sha256,
                                 "rows", sum->rows, "added", sum->added, "updated", sum->updated,
                                 "unchanged", sum->unchanged, "absent", sum->absent, "retired",
                                 sum->retired, "prune", prune);
        rc = audit_append(s, actor, "import.register", rl->name, data, NULL, NULL, err);
        json_decref(data);
    }
    if (rc == ST_OK)
        rc = store_commit(s, err);
    else
        store_rollback(s);
    return rc;
}
