/* What a pool's detail screen shows besides the register and the ledger: consumption broken
 * down by model or API key, the decisions taken on it, and its provider actions. Plain rows for
 * any front end (the console, reports). */
#ifndef CREDENCE_CORE_POOL_DETAIL_H
#define CREDENCE_CORE_POOL_DETAIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/pool.h"
#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

/* TO ADD A BREAKDOWN: a row here and its column in pool_detail.c's table. */
enum pool_breakdown_by { PB_MODEL, PB_API_KEY, PB_WORKLOAD };

struct pool_share {
    char *name;     /* model, key or workload; "(none)" when the export named none; owned */
    int64_t amount; /* consumption in the pool's unit, micro-units */
    int64_t requests;
};

/* Consumption of p over days [from, to) grouped by `by`, largest first, at most `limit` rows
 * (the rest summed into "(other)"). *out is a new array of *n rows; free with
 * pool_shares_free. */
enum status pool_breakdown(struct store *s, const struct pool *p, enum pool_breakdown_by by,
                           int32_t from, int32_t to, size_t limit, struct pool_share **out,
                           size_t *n, struct strbuf *err);
void pool_shares_free(struct pool_share *rows, size_t n);

struct pool_decision {
    int64_t id;
    char *decided_at, *actor, *role, *action, *reason; /* owned */
    char *grant;                                       /* new grant of a reduce, or "" */
    int emergency, is_signed;
};

/* Decisions on pool_id, newest first, at most limit. Free with pool_decisions_free. */
enum status pool_decisions(struct store *s, const char *pool_id, size_t limit,
                           struct pool_decision **out, size_t *n, struct strbuf *err);
void pool_decisions_free(struct pool_decision *rows, size_t n);

#endif
