/* The rule table of DESIGN.md section 3 and its evaluation: each rule looks at one pool (or at
 * unregistered usage) through the ledger and the usage rollups and, when it fires, describes the
 * finding with the numbers that fired it. */
#ifndef CREDENCE_CORE_RULES_H
#define CREDENCE_CORE_RULES_H

#include <jansson.h>
#include <stdint.h>

#include "core/config.h"
#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

/* TO ADD A RULE: a row here (id, enum name, default severity, one-line description), its
 * evaluator in rules.c's rule_evaluators[], its references in core/frameworks.c, and README. */
#define RULE_TABLE(_)                                                                              \
    _(THRESHOLD, "threshold", "high",                                                              \
      "consumption reached the review threshold of available "                                     \
      "credit this period")                                                                        \
    _(EXHAUSTION, "exhaustion", "high",                                                            \
      "at the 7-day burn rate the pool runs out before the "                                       \
      "period ends")                                                                               \
    _(BURN_SPIKE, "burn-spike", "high",                                                            \
      "7-day daily mean above a multiple of the median daily "                                     \
      "burn of the 28 days before")                                                                \
    _(DORMANT, "dormant", "medium", "an active pool with no usage for a long time")                \
    _(SCOPE_DRIFT, "scope-drift", "critical",                                                      \
      "usage on a model, service or tool outside the "                                             \
      "pool's scope")                                                                              \
    _(POOLED_IDENTITIES, "pooled-identities", "medium",                                            \
      "several workloads or keys consume one "                                                     \
      "pool, or one key feeds several pools")                                                      \
    _(UNBOUND_IDENTITY, "unbound-identity", "medium",                                              \
      "no workload (SPIFFE) binding, only a "                                                      \
      "shared project, team or key")                                                               \
    _(REVIEW_OVERDUE, "review-overdue", "medium", "last review older than the review interval")    \
    _(CARRY_OVER, "carry-over", "medium", "carried balance above the cap or older than allowed")   \
    _(PILOT_EXPIRED, "pilot-expired", "critical", "a pilot past its expiry still consuming")       \
    _(PILOT_PRODUCTION_LIKE, "pilot-production-like", "medium",                                    \
      "a pilot with steady daily use "                                                             \
      "at production volumes")                                                                     \
    _(ORPHANED, "orphaned", "high", "owner or custodian missing or inactive")                      \
    _(UNREGISTERED_USAGE, "unregistered-usage", "critical", "usage that matches no pool")          \
    _(RENEWAL_DUE, "renewal-due", "low", "expiry within the renewal window")

enum rule_id {
#define RULE_ENUM_(e, id, sev, desc) RULE_##e,
    RULE_TABLE(RULE_ENUM_)
#undef RULE_ENUM_
        RULE__COUNT
};

/* Id ("threshold"), default severity, description; NULL for out-of-range. Static storage. */
const char *rule_name(enum rule_id r);
const char *rule_severity(enum rule_id r);
const char *rule_description(enum rule_id r);
/* Parses a rule id; false when unknown. */
bool rule_parse(const char *s, enum rule_id *out);
/* Severity rank for ordering: critical 4 .. low 1, 0 when unknown. */
int rule_severity_rank(const char *severity);

/* One fired rule, as the evaluator reports it. */
struct rule_hit {
    enum rule_id rule;
    char *pool_id;     /* NULL for unregistered usage; owned */
    char *subject;     /* pool id, or provider/account/api key; owned */
    char *severity;    /* owned */
    char *explanation; /* plain language with the numbers; owned */
    json_t *detail;    /* the numbers as JSON (amounts as decimal strings); owned ref */
};

void rule_hits_free(struct rule_hit *hits, size_t n);

/* Thresholds: from the pool where it has one, else config [rules], else these defaults. */
struct rule_settings {
    double threshold_pct;     /* [rules] threshold_pct, default 80 (pools override) */
    double burn_spike_factor; /* [rules] burn_spike_factor, default 3 */
    int dormant_days;         /* [rules] dormant_days, default 30 */
    int usage_window_days; /* [rules] usage_window_days, default 30 (scope, pooled, unregistered) */
    double carry_over_pct; /* [rules] carry_over_pct, default 50: carry beyond this share of
                              the grant is flagged for full/none rollover */
    int carry_over_max_age; /* [rules] carry_over_max_age, default 3 periods when unlimited */
    int pilot_steady_days;  /* [rules] pilot_steady_days, default 21 */
    int renewal_days;       /* [rules] renewal_days, default 30 */
};

/* Reads [rules] from cfg (may be NULL) over the defaults; ST_CONFIG on a malformed value. */
enum status rule_settings_load(const struct config *cfg, struct rule_settings *out,
                               struct strbuf *err);

/* Evaluates every rule for every non-retired pool and for unregistered usage as of `today`.
 * *hits is a new array of *n hits; caller frees with rule_hits_free. */
enum status rules_evaluate(struct store *s, const struct rule_settings *set, int32_t today,
                           struct rule_hit **hits, size_t *n, struct strbuf *err);

#endif
