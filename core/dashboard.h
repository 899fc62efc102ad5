/* The dashboard's totals: per provider, this month's burn against the monthly grants of the
 * pools there, and the daily burn of the last 30 days for a sparkline. Money pools in one
 * currency only (amounts in different currencies are never summed). */
#ifndef CREDENCE_CORE_DASHBOARD_H
#define CREDENCE_CORE_DASHBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

#define DASHBOARD_DAYS 30

struct provider_burn {
    char provider[16];
    int64_t month_consumed; /* attributed usage this calendar month, micro-units of currency */
    int64_t month_grant;    /* monthly equivalent of the active pools' grants in currency */
    int64_t daily[DASHBOARD_DAYS]; /* daily[DASHBOARD_DAYS - 1] is today */
    int pools;
};

/* The steps of dashboard_burn, for a caller that wants to stay responsive between them: the
 * first day summed (the earlier of the month's start and DASHBOARD_DAYS ago), the grants (a new
 * array, one row per provider with pools in currency), then one day at a time added in. */
int32_t dashboard_first_day(int32_t today);
enum status dashboard_grants(struct store *s, const char *currency, struct provider_burn **out,
                             size_t *n, struct strbuf *err);
enum status dashboard_add_day(struct store *s, const char *currency, int32_t today, int32_t day,
                              struct provider_burn **rows, size_t *n, struct strbuf *err);
/* All of it: one row per provider that has pools in `currency`, ordered by provider. *out is a
 * new array of *n rows; caller frees it with free(). */
enum status dashboard_burn(struct store *s, const char *currency, int32_t today,
                           struct provider_burn **out, size_t *n, struct strbuf *err);

#endif
