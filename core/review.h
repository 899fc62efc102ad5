/* Reviews: recommendations from usage, decisions under one permission table with separation of
 * duties, campaigns with items per pool, escalation of overdue items, and each role's queue.
 * A decision, its provider actions (outbox rows) and its audit event are written in one
 * transaction; a person with a signing key signs the event. */
#ifndef CREDENCE_CORE_REVIEW_H
#define CREDENCE_CORE_REVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/access.h"
#include "core/audit.h"
#include "core/config.h"
#include "core/pool.h"
#include "core/report.h"
#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

/* TO ADD A DECISION ACTION: a row here, its rows in review.c's decide_rules[], its effect in
 * review_decide, and the CHECK of decision.action in schema.sql. */
#define DECIDE_ACTIONS(_)                                                                          \
    _(APPROVE, "approve")                                                                          \
    _(REDUCE, "reduce")                                                                            \
    _(REVOKE, "revoke")                                                                            \
    _(ACKNOWLEDGE, "acknowledge")                                                                  \
    _(ESCALATE, "escalate")                                                                        \
    _(SNOOZE, "snooze")

enum decide_action {
#define DA_ENUM_(e, n) DA_##e,
    DECIDE_ACTIONS(DA_ENUM_)
#undef DA_ENUM_
        DA__COUNT
};

const char *decide_action_name(enum decide_action a);
bool decide_action_parse(const char *s, enum decide_action *out);

struct recommendation {
    const char *action; /* "approve", "reduce" or "revoke"; static */
    int64_t grant;      /* proposed grant for reduce, else the current grant */
    char reason[320];   /* with the numbers behind it */
};

/* The recommendation for p as of today: revoke when dormant or an expired pilot; reduce to about
 * 1.2x the highest per-period use of the last two periods when utilisation stayed under 50%;
 * approve otherwise. */
enum status review_recommend(struct store *s, const struct config *cfg, const struct pool *p,
                             int32_t today, struct recommendation *out, struct strbuf *err);

struct decide_request {
    const char *pool_id;
    enum decide_action action;
    const char *reason;       /* at least 10 characters */
    int64_t grant;            /* reduce: the new grant; < 0 when not given */
    const char *remove_scope; /* reduce: "kind:value,..." entries to remove; may be NULL */
    const char *until;        /* snooze: ISO date */
    bool effective_now;       /* reduce: from today instead of the next period */
    const char *finding_id;   /* triage: one finding; NULL = the pool's active findings */
    bool preview;             /* describe the outcome and the provider actions; write nothing */
};

struct decide_result {
    int64_t decision_id;
    int actions, manual; /* outbox rows created (or planned, in a preview) and manual ones */
    bool emergency;      /* a custodian action awaiting the owner's confirmation */
    bool is_signed;
    int findings_changed; /* triage */
    json_t *plan;         /* preview: [{"op","target","state","summary","why"?}]; caller decrefs */
    char audit_hash[65];
};

/* What a reviewer decides on, as every decision records it (its "snapshot"):
 * {"ledger":{"period_start","grant","carry_in","consumed","remaining"},"findings":[{"id","rule",
 * "severity","state","explanation"}],"recommendation":{"action","grant","reason"},"unit"} for the
 * pool as of today (amounts as decimal strings in the pool's unit). The console's decide form
 * shows it before the reason is asked. New reference in *out. */
enum status review_snapshot(struct store *s, const struct config *cfg, const char *pool_id,
                            int32_t today, json_t **out, struct strbuf *err);

/* Decides as `who`. Refusals (role, relationship, separation of duties) are ST_DENIED with the
 * reason; invalid requests ST_USAGE; an unknown pool ST_NOT_FOUND. signer may be NULL. */
enum status review_decide(struct store *s, const struct config *cfg, const struct identity *who,
                          const struct decide_request *req, struct audit_signer *signer,
                          struct decide_result *res, struct strbuf *err);

/* Campaigns. */
enum status review_campaign_start(struct store *s, const struct identity *who, const char *name,
                                  const char *due, const char *scope, int *items,
                                  const struct reporter *rep, struct strbuf *err);
/* Flags open items past their campaign's due date (once each, audited). *n gets the count. */
enum status review_escalate_overdue(struct store *s, int32_t today, const char *actor, int *n,
                                    struct strbuf *err);
/* {"name","due","total","decided","overdue","by_action":{},"by_reviewer":{login:{"total",
 * "decided","overdue"}}} for campaign name (NULL: the newest). New reference in *out. */
enum status review_campaign_status(struct store *s, const char *name, int32_t today, json_t **out,
                                   struct strbuf *err);

/* The caller's queue for role ("owner", "custodian", "auditor"): {"role","items":[...]} per
 * DESIGN.md section 5, ordered by risk (severity, then utilisation). New reference in *out. */
/* Items [offset, offset + limit) of the same queue as review_queue, for lists that show a
 * screen at a time: ordered by risk, then pool (utilisation no longer breaks ties, so only the
 * page's items get a ledger). *items is a new JSON array of items shaped as review_queue's. */
enum status review_queue_page(struct store *s, const struct config *cfg, const struct identity *who,
                              const char *role, const char *search, int32_t today, size_t offset,
                              size_t limit, json_t **items, struct strbuf *err);
/* How many items review_queue would list for who in role (narrowed by search when not NULL
 * or empty: pool id or name), without computing them (0 for a role the person does not hold). */
enum status review_queue_count(struct store *s, const struct identity *who, const char *role,
                               const char *search, size_t *n, struct strbuf *err);
enum status review_queue(struct store *s, const struct config *cfg, const struct identity *who,
                         const char *role, int32_t today, json_t **out, struct strbuf *err);

#endif
