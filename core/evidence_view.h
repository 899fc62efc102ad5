/* Read-only queries behind the console's Evidence screens (DESIGN.md section 6, auditor role):
 * campaigns with their progress, a campaign's items with filters, one decision's evidence (the
 * snapshot the reviewer saw, the signature checked against the key registered to the actor, the
 * provider actions with their requests redacted and their read-back result), a pool's audit
 * events, and the audit chain status. Nothing here writes to the store. Admins and auditors see
 * every campaign and pool; other roles see the items they review and the pools they own or look
 * after (PERM_EVIDENCE_ALL). */
#ifndef CREDENCE_CORE_EVIDENCE_VIEW_H
#define CREDENCE_CORE_EVIDENCE_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/access.h"
#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

/* TO ADD A FILTER: a row here and its test in evidence_view.c's item_matches. */
#define EVIDENCE_FILTERS(_)                                                                        \
    _(ALL, "all items")                                                                            \
    _(OVERDUE, "overdue")                                                                          \
    _(EMERGENCY, "emergency awaiting owner confirmation")                                          \
    _(CONTRARY, "contrary to the recommendation")                                                  \
    _(UNSIGNED, "unsigned decisions")

enum evidence_filter {
#define EVF_ENUM_(id, label) EVF_##id,
    EVIDENCE_FILTERS(EVF_ENUM_)
#undef EVF_ENUM_
        EVF__COUNT
};

/* "all items", "overdue", ...; static, never NULL (out-of-range values give ""). */
const char *evidence_filter_label(enum evidence_filter f);

struct evidence_campaign {
    char *name;                  /* owned */
    char *due;                   /* ISO date; owned */
    char *scope;                 /* owned */
    int total, decided, overdue; /* review items of the whole campaign */
};

/* The campaigns `who` may look at, newest first, with progress as of today. *out is a new array
 * of *n campaigns (NULL when none); free with evidence_campaigns_free. */
enum status evidence_campaigns(struct store *s, const struct identity *who, int32_t today,
                               struct evidence_campaign **out, size_t *n, struct strbuf *err);
void evidence_campaigns_free(struct evidence_campaign **pp, size_t n);

struct evidence_item {
    int64_t item_id;
    int64_t decision_id; /* the closing decision, else the latest on the pool since the
                            campaign started (an emergency or triage action); 0 when none */
    char *pool_id, *pool_name, *reviewer, *state; /* owned; state "open" or "decided" */
    char *action, *actor, *decided_at;            /* of the decision; owned, NULL when none */
    char *push;     /* outbox states of the decision ("verified", "2 pending"); owned */
    bool overdue;   /* open past the campaign's due date */
    bool emergency; /* an emergency action awaiting the owner's confirmation */
    bool contrary;  /* the decision went against the recommendation it was shown */
    bool is_signed; /* the decision's audit event carries a signature */
};

/* The review items of campaign `name` that `who` may see and that pass filter, in item order.
 * ST_NOT_FOUND for an unknown campaign (or one `who` has no part in). *out is a new array of *n
 * items; free with evidence_items_free. */
enum status evidence_items(struct store *s, const struct identity *who, const char *name,
                           enum evidence_filter filter, int32_t today, struct evidence_item **out,
                           size_t *n, struct strbuf *err);
void evidence_items_free(struct evidence_item **pp, size_t n);

/* One decision's evidence, a new reference in *out:
 * {"id","pool_id","pool_name","actor","role","action","reason","params" (object),"decided_at",
 *  "emergency","awaiting_confirmation","contrary","audit_seq",
 *  "snapshot":{"ledger":{...},"findings":[{"rule","severity","state","explanation"}],
 *              "recommendation":{"action","grant","reason"}},
 *  "signature":{"status":"verified"|"unsigned"|"invalid"|"unregistered"|"missing","text"},
 *  "actions":[{"id","op","target","state","attempts","last_status" (null when never sent),
 *              "last_error","summary","request","readback"}]}
 * "request" is METHOD PATH BODY; it, target, summary and last_error have secrets redacted
 * (evidence_redact, evidence_redact_text). Admin keys are never stored: they are added as
 * headers when sending. ST_NOT_FOUND when no such decision or `who` may not see it. */
enum status evidence_decision(struct store *s, const struct identity *who, int64_t decision_id,
                              json_t **out, struct strbuf *err);

/* The audit events about a pool (its own and its outbox actions'), in chain order, as a new
 * array of {"seq","at","actor","event","subject","signed"}. ST_NOT_FOUND when `who` may not see
 * the pool. */
enum status evidence_pool_events(struct store *s, const struct identity *who, const char *pool_id,
                                 json_t **out, struct strbuf *err);

struct evidence_chain {
    bool intact;
    int64_t events;   /* events verified (all of them when intact) */
    int64_t head_seq; /* seq of the last event when intact */
    int64_t bad_seq;  /* first broken seq, 0 when intact */
    char line[320];   /* "chain verified: N events, head seq S" or "chain BROKEN at seq N: why" */
};

/* Verifies the whole chain with audit_verify and fills out; never fails (a database error is
 * reported in out->line with intact false). */
void evidence_chain_status(struct store *s, struct evidence_chain *out);

/* Deep copy of v with secret-looking values replaced: members named like a key, secret, token,
 * password or authorization become "[redacted]"; other strings go through evidence_redact_text.
 * v is borrowed and not changed; caller decrefs the copy. NULL gives NULL. */
json_t *evidence_redact(json_t *v);
/* Appends s (NULL: nothing) to out with the rest of every word starting with "sk-" or "whsec"
 * replaced by "[redacted]" ("set key sk-[redacted] budget"). */
void evidence_redact_text(struct strbuf *out, const char *s);

#endif
