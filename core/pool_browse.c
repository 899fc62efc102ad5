/* Paged, filtered, sorted register lists from an in-memory copy (see pool_browse.h). Before, each
 * count and page was an SQL scan and sort of the register with a per-row string search: at
 * 10,000 pools a search key cost ~40 ms and a page far down the list more; here they are a pass
 * over an array. */
#include "core/pool_browse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ledger.h"
#include "core/pool.h"
#include "core/text.h"
#include "core/xalloc.h"

/* One pool as the list needs it. */
struct browse_entry {
    char *id, *name, *provider, *account, *environment, *owner, *status, *unit; /* owned */
    char *hay;   /* lower-cased "id name owner custodian provider account" for search; owned */
    char *rules; /* open findings' rule ids, sorted, comma-separated; owned */
    int sev;     /* top open severity, 0 none .. 4 critical */
    int nfind;   /* open findings */
    double util; /* -1 until pool_browse_compute_util */
};

struct pool_browser {
    struct store *s;
    struct browse_entry *e;
    size_t n;
    bool loaded;
    int64_t data_version; /* PRAGMA data_version when loaded: other connections' commits */
    /* the matches of the last filter, as indexes into e, in the last order: counting needs the
     * filter only, a page the order too; each is redone only when it changed */
    size_t *match, nmatch;
    bool filter_valid, order_valid;
    char search[256], provider[32], environment[32], status[32];
    int min_severity;
    enum pool_sort sort;
    bool desc;
};

const char *pool_sort_name(enum pool_sort s)
{
    static const char *const names[PS__COUNT] = {
#define PS_NAME_(e, name) [PS_##e] = name,
        POOL_SORTS(PS_NAME_)
#undef PS_NAME_
    };
    return (unsigned)s < PS__COUNT ? names[s] : "";
}

struct pool_browser *pool_browser_new(struct store *s)
{
    struct pool_browser *b = xcalloc(1, sizeof *b);
    b->s = s;
    return b;
}

static void entries_free(struct pool_browser *b)
{
    for (size_t i = 0; i < b->n; i++) {
        struct browse_entry *x = &b->e[i];
        char *owned[] = {x->id,    x->name,   x->provider, x->account, x->environment,
                         x->owner, x->status, x->unit,     x->hay,     x->rules};
        for (size_t k = 0; k < sizeof owned / sizeof owned[0]; k++)
            free(owned[k]);
    }
    free(b->e);
    b->e = NULL;
    b->n = 0;
    free(b->match);
    b->match = NULL;
    b->nmatch = 0;
    b->filter_valid = b->order_valid = false;
    b->loaded = false;
}

void pool_browser_free(struct pool_browser **b)
{
    if (!b || !*b)
        return;
    entries_free(*b);
    free(*b);
    *b = NULL;
}

bool pool_browser_stale(struct pool_browser *b)
{
    return !b->loaded || store_pragma_int(b->s, "data_version") != b->data_version;
}

enum status pool_browse_refresh(struct pool_browser *b, struct strbuf *err)
{
    entries_free(b);
    b->data_version = store_pragma_int(b->s, "data_version");
    sqlite3_stmt *st = NULL;
    /* the register with each pool's open findings (rules sorted), in id order */
    enum status rc = store_prepare(
        b->s,
        "SELECT p.id, p.name, p.provider, p.account, p.environment, coalesce(p.owner, ''), "
        "p.status, p.unit, coalesce(p.custodian, ''), coalesce(f.sev, 0), coalesce(f.n, 0), "
        "coalesce(f.rules, '') FROM pool p LEFT JOIN (SELECT pool_id, max(CASE severity WHEN "
        "'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END) AS sev, count(*) "
        "AS n, group_concat(rule, ',') AS rules FROM (SELECT pool_id, severity, rule FROM finding "
        "WHERE state <> 'resolved' AND pool_id IS NOT NULL ORDER BY pool_id, rule) GROUP BY "
        "pool_id) f ON f.pool_id = p.id ORDER BY p.id",
        &st, err);
    if (rc != ST_OK)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (b->n == cap) {
            cap = cap ? 2 * cap : 256;
            b->e = xreallocarray(b->e, cap, sizeof *b->e);
        }
        struct browse_entry *x = &b->e[b->n++];
        char **cols[] = {&x->id,          &x->name,  &x->provider, &x->account,
                         &x->environment, &x->owner, &x->status,   &x->unit};
        for (int c = 0; c < 8; c++)
            *cols[c] = xstrdup(store_col_text(st, c));
        struct strbuf hay;
        sb_init(&hay);
        sb_addf(&hay, "%s %s %s %s %s %s", x->id, x->name, x->owner, store_col_text(st, 8),
                x->provider, x->account);
        x->hay = sb_steal(&hay);
        text_ascii_lower(x->hay);
        x->sev = sqlite3_column_int(st, 9);
        x->nfind = sqlite3_column_int(st, 10);
        x->rules = xstrdup(store_col_text(st, 11));
        x->util = -1;
    }
    if (step != SQLITE_DONE)
        rc = store_error(b->s, step, "register", err);
    sqlite3_finalize(st);
    if (rc != ST_OK) {
        entries_free(b);
        return rc;
    }
    b->loaded = true;
    return ST_OK;
}

/* ---- order and matches -------------------------------------------------------------------- */

static int cmp_int(long long a, long long b)
{
    return a < b ? -1 : a > b;
}

static int cmp_double(double a, double b)
{
    return a < b ? -1 : a > b;
}

/* The sort key of each order, ascending; ties always by id ascending. */
static int key_cmp(enum pool_sort sort, const struct browse_entry *a, const struct browse_entry *b)
{
    switch (sort) {
    case PS_ID:
        return strcmp(a->id, b->id);
    case PS_NAME:
        return strcasecmp(a->name, b->name);
    case PS_PROVIDER:
        return strcmp(a->provider, b->provider);
    case PS_ENV:
        return strcmp(a->environment, b->environment);
    case PS_OWNER:
        return strcmp(a->owner, b->owner);
    case PS_STATUS:
        return strcmp(a->status, b->status);
    case PS_RISK: {
        int c = cmp_int(a->sev, b->sev);
        return c ? c : cmp_int(a->nfind, b->nfind);
    }
    case PS_FINDINGS:
        return cmp_int(a->nfind, b->nfind);
    case PS_UTIL:
        return cmp_double(a->util, b->util);
    default:
        return 0;
    }
}

/* qsort has no context argument: the order being sorted lives here for the duration. */
static const struct pool_browser *sorting;

static int match_cmp(const void *pa, const void *pb)
{
    const struct browse_entry *a = &sorting->e[*(const size_t *)pa];
    const struct browse_entry *b = &sorting->e[*(const size_t *)pb];
    int c = key_cmp(sorting->sort, a, b);
    if (sorting->desc)
        c = -c;
    return c ? c : strcmp(a->id, b->id);
}

static bool same(const char *kept, const char *given)
{
    return strcmp(kept, given ? given : "") == 0;
}

/* Brings b->match up to date for f: a pass over the entries (in id order; the order is then
 * stale), only when the filter changed since the last call. */
static enum status ensure_filter(struct pool_browser *b, const struct pool_browse_filter *f,
                                 struct strbuf *err)
{
    if (!b->loaded) {
        enum status rc = pool_browse_refresh(b, err);
        if (rc != ST_OK)
            return rc;
    }
    if (b->filter_valid && same(b->search, f->search) && same(b->provider, f->provider) &&
        same(b->environment, f->environment) && same(b->status, f->status) &&
        b->min_severity == f->min_severity)
        return ST_OK;
    snprintf(b->search, sizeof b->search, "%s", f->search ? f->search : "");
    snprintf(b->provider, sizeof b->provider, "%s", f->provider ? f->provider : "");
    snprintf(b->environment, sizeof b->environment, "%s", f->environment ? f->environment : "");
    snprintf(b->status, sizeof b->status, "%s", f->status ? f->status : "");
    b->min_severity = f->min_severity;
    char needle[sizeof b->search];
    snprintf(needle, sizeof needle, "%s", b->search);
    text_ascii_lower(needle);
    free(b->match);
    b->match = xreallocarray(NULL, b->n ? b->n : 1, sizeof *b->match);
    b->nmatch = 0;
    for (size_t i = 0; i < b->n; i++) {
        const struct browse_entry *x = &b->e[i];
        if ((*needle && !strstr(x->hay, needle)) ||
            (*b->provider && strcmp(x->provider, b->provider)) ||
            (*b->environment && strcmp(x->environment, b->environment)) ||
            (*b->status && strcmp(x->status, b->status)) ||
            (b->min_severity && x->sev < b->min_severity))
            continue;
        b->match[b->nmatch++] = i;
    }
    b->filter_valid = true;
    b->order_valid = false;
    return ST_OK;
}

/* Sorts the matches into sort/desc when the order or the matches changed. */
static void ensure_order(struct pool_browser *b, enum pool_sort sort, bool desc)
{
    if ((unsigned)sort >= PS__COUNT)
        sort = PS_ID;
    if (b->order_valid && b->sort == sort && b->desc == desc)
        return;
    b->sort = sort;
    b->desc = desc;
    sorting = b;
    qsort(b->match, b->nmatch, sizeof *b->match, match_cmp);
    sorting = NULL;
    b->order_valid = true;
}

enum status pool_browse_count(struct pool_browser *b, const struct pool_browse_filter *f, size_t *n,
                              struct strbuf *err)
{
    *n = 0;
    enum status rc = ensure_filter(b, f, err);
    if (rc == ST_OK)
        *n = b->nmatch;
    return rc;
}

void pool_briefs_free(struct pool_brief *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct pool_brief *r = &rows[i];
        free(r->id);
        free(r->name);
        free(r->provider);
        free(r->account);
        free(r->environment);
        free(r->owner);
        free(r->status);
        free(r->unit);
        free(r->rules);
    }
    free(rows);
}

/* Fills the current ledger of each row: the register fields and one ledger per row on the
 * page. */
static enum status page_ledgers(struct store *s, struct pool_brief *rows, size_t n, int32_t today,
                                struct strbuf *err)
{
    for (size_t i = 0; i < n; i++) {
        struct pool p;
        pool_init(&p);
        struct ledger_row cur;
        enum status rc = pool_get_fields(s, rows[i].id, &p, err);
        if (rc == ST_OK)
            rc = ledger_current(s, &p, today, &cur, err);
        pool_done(&p);
        if (rc != ST_OK)
            return rc;
        rows[i].consumed = cur.consumed;
        rows[i].available = cur.grant + cur.carry_in;
        rows[i].util_pct = ledger_utilization_pct(&cur);
    }
    return ST_OK;
}

enum status pool_browse_page(struct pool_browser *b, const struct pool_browse_filter *f,
                             enum pool_sort sort, bool desc, size_t offset, size_t limit,
                             int32_t today, struct pool_brief **out, size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    enum status rc = ensure_filter(b, f, err);
    if (rc != ST_OK || offset >= b->nmatch)
        return rc;
    ensure_order(b, sort, desc);
    size_t k = b->nmatch - offset < limit ? b->nmatch - offset : limit;
    struct pool_brief *rows = xcalloc(k ? k : 1, sizeof *rows);
    for (size_t i = 0; i < k; i++) {
        const struct browse_entry *x = &b->e[b->match[offset + i]];
        struct pool_brief *r = &rows[i];
        r->id = xstrdup(x->id);
        r->name = xstrdup(x->name);
        r->provider = xstrdup(x->provider);
        r->account = xstrdup(x->account);
        r->environment = xstrdup(x->environment);
        r->owner = xstrdup(x->owner);
        r->status = xstrdup(x->status);
        r->unit = xstrdup(x->unit);
        r->rules = xstrdup(x->rules);
        r->top_severity = x->sev;
        r->nfindings = x->nfind;
    }
    rc = page_ledgers(b->s, rows, k, today, err);
    if (rc != ST_OK) {
        pool_briefs_free(rows, k);
        return rc;
    }
    *out = rows;
    *n = k;
    return ST_OK;
}

enum status pool_browse_compute_util(struct pool_browser *b, int32_t today, struct strbuf *err)
{
    if (!b->loaded) {
        enum status rc = pool_browse_refresh(b, err);
        if (rc != ST_OK)
            return rc;
    }
    struct pool *pools = NULL;
    size_t n = 0;
    enum status rc = pool_list(b->s, &pools, &n, err);
    /* pool_list is in id order, like the entries: walk both */
    size_t j = 0;
    for (size_t i = 0; rc == ST_OK && i < n; i++) {
        while (j < b->n && strcmp(b->e[j].id, pools[i].id) < 0)
            j++;
        if (j == b->n || strcmp(b->e[j].id, pools[i].id) != 0)
            continue; /* added since the load: shown after the next refresh */
        struct ledger_row cur;
        rc = ledger_current(b->s, &pools[i], today, &cur, err);
        if (rc == ST_OK)
            b->e[j].util = ledger_utilization_pct(&cur);
    }
    pools_free(&pools, n);
    b->order_valid = false; /* the util order changed */
    return rc;
}
