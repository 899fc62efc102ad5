/* The credit pool (the entitlement) as core hands it out, and the register queries. */
#ifndef CREDENCE_CORE_POOL_H
#define CREDENCE_CORE_POOL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

/* A binding (api_key, workload, project, workspace, subaccount, tag) or a scope entry (model,
 * tool, service, compute) as kind and value. */
struct pool_entry {
    char *kind;  /* owned */
    char *value; /* owned */
};

struct pool {
    char *id, *name, *provider, *account; /* owned */
    char *owner, *custodian;              /* logins; owned; "" when none */
    char *environment;                    /* pilot, staging, production */
    int64_t grant_micros;                 /* per period, in unit */
    char *unit;                           /* ISO 4217 code, "credits" or "tokens" */
    char *period;                         /* monthly, quarterly, annual */
    char *rollover;                       /* none, full, capped */
    double rollover_cap_pct;              /* percent of the grant; < 0 when not set */
    int rollover_max_periods;             /* periods a carried balance lives; -1 unlimited */
    int32_t starts_on;                    /* day number */
    int32_t expires_on;                   /* day number; POOL_NO_DATE when none */
    int review_interval_days;
    double review_threshold_pct; /* < 0: not set ([rules] threshold_pct) */
    char *contract_ref;          /* owned; may be "" */
    char *status;                /* active, reduced, revoked, retired */
    int32_t last_review;         /* POOL_NO_DATE when never reviewed */
    struct pool_entry *bindings; /* owned array */
    size_t nbindings;
    struct pool_entry *scope; /* owned array */
    size_t nscope;
};

#define POOL_NO_DATE INT32_MIN

void pool_init(struct pool *p);
void pool_done(struct pool *p);
void pool_add_entry(struct pool_entry **arr, size_t *n, const char *kind, size_t klen,
                    const char *value, size_t vlen);
void pools_free(struct pool **arr, size_t n);

/* Loads one pool with its bindings and scope. ST_NOT_FOUND with a message when absent.
 * out must be pool_init'ed; caller pool_done's it. */
enum status pool_get(struct store *s, const char *id, struct pool *out, struct strbuf *err);
/* Like pool_get without the bindings and scope (nbindings and nscope 0): enough for ledgers,
 * one query. */
enum status pool_get_fields(struct store *s, const char *id, struct pool *out, struct strbuf *err);
/* Loads every pool ordered by id. *out is a new array of *n pools; caller frees with
 * pools_free. */
enum status pool_list(struct store *s, struct pool **out, size_t *n, struct strbuf *err);

/* The register fields of p as a JSON object (amounts as decimal strings, dates ISO, bindings
 * and scope as sorted "kind:value" arrays), for audit bodies and change detection. New ref. */
json_t *pool_register_json(const struct pool *p);

/* Bounds of the period containing day for p (aligned to starts_on): [*start, *end). */
void pool_period_bounds(const struct pool *p, int32_t day, int32_t *start, int32_t *end);
/* Months per period: 1, 3 or 12. */
int pool_period_months(const struct pool *p);

/* Consumption of p in its own unit over days [from, to) from usage rollups: cost in the pool's
 * currency, tokens, or credits (DESIGN.md section 2). */
enum status pool_consumed(struct store *s, const struct pool *p, int32_t from, int32_t to,
                          int64_t *micros, struct strbuf *err);

/* The measure pool_consumed applies to p's unit, for queries that group it otherwise: the
 * amount expression over usage_rollup columns (e.g. "sum(cost_micros)"), the extra WHERE
 * condition (starts with " AND", or ""), and whether that condition binds the currency as ?4.
 * Static strings. */
void pool_unit_measure(const struct pool *p, const char **amount, const char **cond,
                       bool *binds_unit);

/* Daily consumption of p in its own unit for days [from, to): out[i] is day from + i (out has
 * to - from entries, zeroed first). One query. */
enum status pool_daily(struct store *s, const struct pool *p, int32_t from, int32_t to,
                       int64_t *out, struct strbuf *err);

/* Rule ids of the pool's findings that are not resolved, sorted. *rules is a new array of *n
 * new strings; caller frees each and the array. */
enum status pool_finding_rules(struct store *s, const char *pool_id, char ***rules, size_t *n,
                               struct strbuf *err);

#endif
