/* Retry and cancel of outbox actions by people (see outbox_admin.h). */
#include "core/outbox_admin.h"

#include <jansson.h>
#include <string.h>

#include "core/audit.h"
#include "core/date.h"

/* TO ADD A VERB: a row here and an enum value. from: the states it applies to. */
static const struct {
    const char *name, *to, *event;
    const char *const from[5];
    bool needs_reason;
} verbs[] = {
    [OUTBOX_RETRY] = {"retry", "pending", "outbox.retried", {"failed", "dead"}, false},
    [OUTBOX_CANCEL] =
        {"cancel", "cancelled", "outbox.cancelled", {"pending", "failed", "dead", "manual"}, true},
};

const char *outbox_verb_name(enum outbox_verb v)
{
    return verbs[v].name;
}

/* Why a state refuses a verb, for the message. */
static const char *state_why(const char *state)
{
    static const struct {
        const char *state, *why;
    } whys[] = {
        {"in_flight", "its request may be on the wire; wait until its lease ends"},
        {"sent", "the provider accepted it; it awaits its read-back"},
        {"verified", "the provider confirmed it"},
        {"cancelled", "it was cancelled"},
        {"pending", "it is already waiting to be sent"},
        {"manual", "no API can do it: a person does it by hand"},
    };
    for (size_t i = 0; i < sizeof whys / sizeof whys[0]; i++)
        if (strcmp(whys[i].state, state) == 0)
            return whys[i].why;
    return "";
}

/* May who, acting in role, touch an action of a pool whose custodian is custodian? */
static enum status outbox_allowed(const struct identity *who, const char *role,
                                  const char *custodian, enum outbox_verb verb, struct strbuf *err)
{
    bool admin = who->roles & ROLE_BIT(ROLE_ADMIN);
    bool cust = (who->roles & ROLE_BIT(ROLE_CUSTODIAN)) && strcmp(custodian, who->login) == 0;
    if (role) { /* only the role being acted in counts */
        admin = admin && strcmp(role, "admin") == 0;
        cust = cust && strcmp(role, "custodian") == 0;
    }
    if (admin || cust)
        return ST_OK;
    struct strbuf held;
    sb_init(&held);
    role_list(who->roles, &held);
    sb_setf(err,
            "%s of an outbox action needs the admin role, or the custodian role as the pool's "
            "custodian (%s); %s %s %s",
            verbs[verb].name, *custodian ? custodian : "none", who->login, role ? "acts as" : "has",
            role ? role : sb_str(&held));
    sb_done(&held);
    return ST_DENIED;
}

enum status outbox_act(struct store *s, const struct identity *who, const char *role, int64_t id,
                       enum outbox_verb verb, const char *reason, struct strbuf *err)
{
    if (!reason)
        reason = "";
    if (verbs[verb].needs_reason && !*reason) {
        sb_setf(err, "%s of an outbox action needs a reason", verbs[verb].name);
        return ST_USAGE;
    }
    enum status st = store_begin(s, err);
    if (st != ST_OK)
        return st;
    sqlite3_stmt *q = NULL;
    st = store_prepare(s,
                       "SELECT o.state, o.attempts, o.last_error, o.pool_id, o.provider, o.op, "
                       "coalesce(p.custodian, '') FROM outbox o JOIN pool p ON p.id = "
                       "o.pool_id WHERE o.id = ?",
                       &q, err);
    char state[16] = "", pool[128] = "", provider[32] = "", op[64] = "", custodian[80] = "";
    char last_error[512] = "";
    int attempts = 0;
    if (st == ST_OK) {
        sqlite3_bind_int64(q, 1, id);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            snprintf(state, sizeof state, "%s", store_col_text(q, 0));
            attempts = sqlite3_column_int(q, 1);
            snprintf(last_error, sizeof last_error, "%s", store_col_text(q, 2));
            snprintf(pool, sizeof pool, "%s", store_col_text(q, 3));
            snprintf(provider, sizeof provider, "%s", store_col_text(q, 4));
            snprintf(op, sizeof op, "%s", store_col_text(q, 5));
            snprintf(custodian, sizeof custodian, "%s", store_col_text(q, 6));
        } else if (rc == SQLITE_DONE) {
            sb_setf(err, "no outbox action %lld", (long long)id);
            st = ST_NOT_FOUND;
        } else {
            st = store_error(s, rc, "outbox", err);
        }
        sqlite3_finalize(q);
    }
    if (st == ST_OK)
        st = outbox_allowed(who, role, custodian, verb, err);
    bool applies = false;
    for (size_t i = 0; st == ST_OK && i < 5 && verbs[verb].from[i]; i++)
        applies = applies || strcmp(verbs[verb].from[i], state) == 0;
    if (st == ST_OK && applies && verb == OUTBOX_RETRY && strcmp(op, "manual") == 0) {
        sb_setf(err, "action %lld is a manual step: no API can do it, so there is nothing to retry",
                (long long)id);
        st = ST_BAD_DATA;
    }
    if (st == ST_OK && !applies) {
        sb_setf(err, "action %lld is %s: %s cannot apply (%s)", (long long)id, state,
                verbs[verb].name, state_why(state));
        st = ST_BAD_DATA;
    }
    char now[TIMESTAMP_BUF];
    date_format_timestamp(clock_now(), now);
    if (st == ST_OK) {
        /* a retry starts over: due now, attempts from 0, the old error kept in the audit only */
        st =
            store_prepare(s,
                          verb == OUTBOX_RETRY
                              ? "UPDATE outbox SET state = ?2, attempts = 0, next_attempt_at = ?3, "
                                "lease_until = NULL, last_status = NULL, last_error = NULL, "
                                "updated_at = ?3 WHERE id = ?1"
                              : "UPDATE outbox SET state = ?2, lease_until = NULL, updated_at = ?3 "
                                "WHERE id = ?1",
                          &q, err);
        if (st == ST_OK) {
            sqlite3_bind_int64(q, 1, id);
            store_bind_text(q, 2, verbs[verb].to);
            store_bind_text(q, 3, now);
            int rc = sqlite3_step(q);
            if (rc != SQLITE_DONE)
                st = store_error(s, rc, "outbox", err);
            sqlite3_finalize(q);
        }
    }
    if (st == ST_OK) {
        char subject[32];
        snprintf(subject, sizeof subject, "outbox:%lld", (long long)id);
        json_t *data = json_pack("{ss ss ss ss ss si ss ss}", "state", verbs[verb].to, "from",
                                 state, "pool", pool, "provider", provider, "op", op, "attempts",
                                 attempts, "last_error", last_error, "reason", reason);
        st = audit_append(s, who->login, verbs[verb].event, subject, data, NULL, NULL, err);
        json_decref(data);
    }
    if (st == ST_OK)
        return store_commit(s, err);
    store_rollback(s);
    return st;
}
