/* Private to core/: SQL fragments shared by the evidence pack (evidence.c) and the console's
 * evidence queries (evidence_view.c), so both call the same decisions "contrary" and the same
 * decisions part of a campaign. Each is a string literal to paste into a larger statement. */
#ifndef CREDENCE_CORE_EVIDENCE_SQL_H
#define CREDENCE_CORE_EVIDENCE_SQL_H

/* 1 when decision alias D was an entitlement decision that went against the recommendation
 * recorded in its snapshot, else 0. */
#define EVIDENCE_SQL_CONTRARY(D)                                                                   \
    "(CASE WHEN " D ".action IN ('approve','reduce','revoke') AND json_extract(" D                 \
    ".snapshot, '$.recommendation.action') IS NOT NULL AND " D ".action <> json_extract(" D        \
    ".snapshot, '$.recommendation.action') THEN 1 ELSE 0 END)"

/* True when decision alias D belongs to the campaign whose id is bound as ?1: it closes one of
 * the campaign's items, or it acts on one of its pools since the campaign started (triage,
 * emergency actions). */
#define EVIDENCE_SQL_IN_CAMPAIGN(D)                                                                \
    "(" D ".id IN (SELECT decision_id FROM review_item WHERE campaign_id = ?1) OR " D              \
    ".item_id IN (SELECT id FROM review_item WHERE campaign_id = ?1) OR (" D                       \
    ".pool_id IN (SELECT pool_id FROM review_item WHERE campaign_id = ?1) AND " D                  \
    ".decided_at >= (SELECT created_at FROM campaign WHERE id = ?1)))"

#endif
