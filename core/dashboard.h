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

/* The first day summed: the earlier of the month's start and DASHBOARD_DAYS ago. */
int32_t dashboard_first_day(int32_t today);
/* One row per provider with active pools in `currency`: their number and monthly-equivalent
 * grants (a quarterly grant counts a third, an annual a twelfth). *out is a new array. */
enum status dashboard_grants(struct store *s, const char *currency, struct provider_burn **out,
                             size_t *n, struct strbuf *err);
/* Adds the usage of pools in `currency` from dashboard_first_day through today into rows (a
 * row is added for a provider that has none yet), one index seek per pool. */
enum status dashboard_add_usage(struct store *s, const char *currency, int32_t today,
                                struct provider_burn **rows, size_t *n, struct strbuf *err);
/* All of it: one row per provider that has pools in `currency`, ordered by provider. *out is a
 * new array of *n rows; caller frees it with free(). */
enum status dashboard_burn(struct store *s, const char *currency, int32_t today,
                           struct provider_burn **out, size_t *n, struct strbuf *err);

/* dashboard_burn on a thread with its own connection to the database at db_path, so a console
 * never waits for it (WAL lets it read while the console writes): start it, ask whether it is
 * done (never blocks), then take the rows (joins the thread and frees the job), or cancel it
 * (interrupts the query, joins, frees). */
struct dashboard_job;
enum status dashboard_job_start(const char *db_path, const char *currency, int32_t today,
                                struct dashboard_job **out, struct strbuf *err);
bool dashboard_job_done(struct dashboard_job *j);
enum status dashboard_job_take(struct dashboard_job **j, struct provider_burn **out, size_t *n,
                               struct strbuf *err);
void dashboard_job_cancel(struct dashboard_job **j);

#endif
