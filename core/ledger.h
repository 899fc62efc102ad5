/* The credit ledger: per pool and period (aligned to starts_on) the grant, carry-in, consumption,
 * remaining credit and carry-out under the rollover policy, with carried balances aged in
 * periods and dropped once older than rollover_max_periods. */
#ifndef CREDENCE_CORE_LEDGER_H
#define CREDENCE_CORE_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "core/pool.h"
#include "core/status.h"
#include "core/store.h"

struct ledger_row {
    int32_t start, end; /* the period [start, end) as day numbers */
    int64_t grant;      /* grant in force for the period (after reductions), micro-units */
    int64_t carry_in;   /* carried from earlier periods and still alive */
    int64_t consumed;   /* consumption in the pool's unit */
    int64_t remaining;  /* grant + carry_in - consumed (negative when overspent) */
    int64_t carry_out;  /* what the rollover policy carries into the next period */
    int64_t expired;    /* carried balance that died at the start of this period */
    int carry_age;      /* age in periods of the oldest carried balance in carry_in */
};

/* Computes the ledger of p from its first period through the one containing `today` (at least
 * one row). Consumption comes from usage rollups; grant reductions from grant_change. *rows is a
 * new array of *n rows, oldest first; caller frees it with free(). */
enum status ledger_compute(struct store *s, const struct pool *p, int32_t today,
                           struct ledger_row **rows, size_t *n, struct strbuf *err);

/* The last k periods of the ledger (through the one containing today), oldest first: for a
 * pool that carries nothing only those periods are read; otherwise the whole ledger is
 * computed and cut. Same ownership as ledger_compute. */
enum status ledger_tail(struct store *s, const struct pool *p, int32_t today, int k,
                        struct ledger_row **rows, size_t *n, struct strbuf *err);

/* Pure rollover step, exposed for tests: given the live carried buckets (amount by age, index 0
 * = age 1) and a period's grant and consumption, fills the row's carry/remaining fields and
 * updates the buckets for the next period. ages has room for `cap_ages` buckets. */
struct ledger_policy {
    int rollover;    /* 0 none, 1 full, 2 capped */
    double cap_pct;  /* capped: percent of the grant that may carry */
    int max_periods; /* -1 unlimited; a balance carried more than this many periods dies */
};
void ledger_step(const struct ledger_policy *pol, int64_t *buckets, int nbuckets,
                 struct ledger_row *row);

/* The row of the period containing today (the last row of ledger_compute). */
enum status ledger_current(struct store *s, const struct pool *p, int32_t today,
                           struct ledger_row *out, struct strbuf *err);
/* Mean daily consumption over the `days` days ending with today (inclusive), micro-units. */
enum status ledger_burn_rate(struct store *s, const struct pool *p, int32_t today, int days,
                             int64_t *per_day, struct strbuf *err);
/* Day the remaining credit runs out at per_day: today when nothing remains, POOL_NO_DATE when
 * per_day is zero. */
int32_t ledger_exhaustion_day(int64_t remaining, int64_t per_day, int32_t today);
/* Utilisation in percent: consumed / (grant + carry_in); 0 when nothing is available. */
double ledger_utilization_pct(const struct ledger_row *row);

#define LEDGER_MAX_AGE 64 /* buckets tracked; older balances merge into the last one */

/* The policy of p as ledger_step wants it. */
struct ledger_policy ledger_policy_of(const struct pool *p);

#endif
