/* People acting on outbox actions by hand: retry one that failed or went dead, cancel one that
 * was not sent. The push engine (core/push.h) owns every other transition. */
#ifndef CREDENCE_CORE_OUTBOX_ADMIN_H
#define CREDENCE_CORE_OUTBOX_ADMIN_H

#include <stdint.h>

#include "core/access.h"
#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

/* TO ADD A VERB: a row in outbox_admin.c's verb table (states it applies to, new state, event). */
enum outbox_verb {
    OUTBOX_RETRY,  /* failed or dead -> pending, due now, attempts from 0 */
    OUTBOX_CANCEL, /* pending, failed, dead or manual -> cancelled (never sent again) */
};

/* "retry" / "cancel". */
const char *outbox_verb_name(enum outbox_verb v);

/* Applies verb to action id as who acting in role (NULL: the first of admin, custodian that who
 * holds): an admin may act on any action, a custodian on the actions of pools they are the
 * technical custodian of. reason is required for cancel (may be NULL or "" for retry). One
 * transaction: the state change and an audit event "outbox.retried" / "outbox.cancelled" with the
 * previous state, attempts, last error and reason. ST_NOT_FOUND for an unknown id; ST_DENIED for
 * who may not; ST_BAD_DATA naming the state when the verb does not apply (an action in flight is
 * never cancelled: its request may be on the wire). */
enum status outbox_act(struct store *s, const struct identity *who, const char *role, int64_t id,
                       enum outbox_verb verb, const char *reason, struct strbuf *err);

#endif
