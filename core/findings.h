/* Findings: the rules' hits kept over time. A finding has a stable id per (rule, subject), so an
 * acknowledgement or snooze survives re-evaluation; a finding whose condition clears resolves
 * itself (and says when); one that fires again reopens. */
#ifndef CREDENCE_CORE_FINDINGS_H
#define CREDENCE_CORE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

struct finding {
    char *id, *rule, *pool_id, *subject; /* pool_id NULL for unregistered usage; all owned */
    char *severity, *state, *snoozed_until, *explanation, *detail; /* snoozed_until may be NULL */
    char *detected_at, *updated_at, *resolved_at;                  /* resolved_at may be NULL */
};

struct findings_summary {
    int active;   /* open, acknowledged or snoozed after the refresh */
    int opened;   /* new or reopened */
    int resolved; /* cleared by this refresh */
};

/* Stable id of (rule, subject): "f" + 15 hex digits of their SHA-256. Writes 17 bytes. */
void finding_id(const char *rule, const char *subject, char *out);

/* Re-evaluates every rule as of today (thresholds from cfg [rules], cfg may be NULL) and stores
 * the result in one transaction, auditing openings, reopenings and resolutions as actor. */
enum status findings_refresh(struct store *s, const struct config *cfg, int32_t today,
                             const char *actor, struct findings_summary *sum, struct strbuf *err);

struct finding_filter {
    const char *rule;     /* NULL: any */
    const char *severity; /* NULL: any */
    const char *pool_id;  /* NULL: any */
    bool include_resolved;
    const char *search;   /* NULL or "": any; else text in pool, subject, rule or explanation */
    size_t offset, limit; /* a page of the list; limit 0: every finding */
};

/* Findings ordered by severity (critical first), then pool and rule. *out is a new array of *n;
 * caller frees with findings_free. */
enum status findings_list(struct store *s, const struct finding_filter *f, struct finding **out,
                          size_t *n, struct strbuf *err);
void findings_free(struct finding *arr, size_t n);
/* How many findings findings_list would return for f (offset and limit ignored). */
enum status findings_count(struct store *s, const struct finding_filter *f, size_t *n,
                           struct strbuf *err);
/* Findings that are not resolved, counted by severity rank (rule_severity_rank: 1 low .. 4
 * critical); by_rank has 5 slots. One aggregate query (the dashboard). */
enum status findings_count_by_severity(struct store *s, int by_rank[5], struct strbuf *err);

/* Sets a finding's triage state inside the caller's transaction: "acknowledged", "snoozed"
 * (until is an ISO date) or back to "open". ST_NOT_FOUND when the id is unknown. */
enum status finding_set_state(struct store *s, const char *id, const char *state, const char *until,
                              struct strbuf *err);

#endif
