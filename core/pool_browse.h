/* Browsing the register a page at a time: count and fetch the pools matching a search and
 * filters, in a sort order, with each pool's open findings summarised. The console's Pools
 * screen asks only for the rows on screen, so a register of 10,000 pools costs what 40 do. */
#ifndef CREDENCE_CORE_POOL_BROWSE_H
#define CREDENCE_CORE_POOL_BROWSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

/* TO ADD A SORT KEY: a row here and its comparison in pool_browse.c's sort table. UTIL is the
 * only key that needs every pool's ledger; it is computed once and cached by the caller. */
#define POOL_SORTS(_)                                                                              \
    _(RISK, "risk")                                                                                \
    _(ID, "pool")                                                                                  \
    _(NAME, "name")                                                                                \
    _(PROVIDER, "provider")                                                                        \
    _(ENV, "environment")                                                                          \
    _(OWNER, "owner")                                                                              \
    _(STATUS, "status")                                                                            \
    _(UTIL, "utilisation")                                                                         \
    _(FINDINGS, "findings")

enum pool_sort {
#define PS_ENUM_(e, name) PS_##e,
    POOL_SORTS(PS_ENUM_)
#undef PS_ENUM_
        PS__COUNT
};

const char *pool_sort_name(enum pool_sort s);

/* Empty strings (or NULL) mean "any". min_severity: 0 any, 1 low .. 4 critical (open findings
 * of at least that severity). search matches id, name, owner, custodian, provider and account
 * case-insensitively. */
struct pool_browse_filter {
    const char *search;
    const char *provider, *environment, *status;
    int min_severity;
};

/* One row of the list. Strings are owned by the row (pool_briefs_free). */
struct pool_brief {
    char *id, *name, *provider, *account, *environment, *owner, *status, *unit;
    int top_severity; /* 0 none, 1 low .. 4 critical */
    int nfindings;    /* open (not resolved) findings */
    char *rules;      /* their rule ids, comma-separated, sorted */
    /* the current period's ledger (pool_browse_page computes it for the page's rows only) */
    int64_t consumed, available; /* micro-units of unit; available = grant + carry-in */
    double util_pct;
};

void pool_briefs_free(struct pool_brief *rows, size_t n);

/* A session's view of the register for lists: every pool's list fields and open-findings
 * summary held in memory (about 200 bytes a pool), so that counting, sorting, searching and
 * paging cost no SQL; only the rows of a page get a ledger. The matches of the last filter and
 * order are kept, so paging through them is an index into an array. Owns its memory; the store
 * must outlive it. */
struct pool_browser;

/* A browser over s; it loads on first use. Free with pool_browser_free. */
struct pool_browser *pool_browser_new(struct store *s);
void pool_browser_free(struct pool_browser **b);
/* Loads the register and the open-findings summary again (at screen entry, and after imports,
 * decisions or findings change them); utilisation is forgotten until computed again. */
enum status pool_browse_refresh(struct pool_browser *b, struct strbuf *err);
/* True when it has not loaded yet or another connection (a CLI import, another console) has
 * committed since it did; the caller's own changes it must know itself and refresh after. */
bool pool_browser_stale(struct pool_browser *b);
/* Number of pools matching f. */
enum status pool_browse_count(struct pool_browser *b, const struct pool_browse_filter *f, size_t *n,
                              struct strbuf *err);
/* Rows [offset, offset + limit) of the pools matching f in order `sort` (descending when desc;
 * ties by id ascending), each with its current ledger as of today. PS_UTIL orders by the
 * utilisation pool_browse_compute_util computed (unknown sorts as -1 until it has run). *out is
 * a new array of *n rows. */
enum status pool_browse_page(struct pool_browser *b, const struct pool_browse_filter *f,
                             enum pool_sort sort, bool desc, size_t offset, size_t limit,
                             int32_t today, struct pool_brief **out, size_t *n, struct strbuf *err);
/* Current-period utilisation of every pool (a ledger each) for the PS_UTIL order; call again
 * when usage or grants change. */
enum status pool_browse_compute_util(struct pool_browser *b, int32_t today, struct strbuf *err);

#endif
