/* Read-only evidence queries for the console (see evidence_view.h). */
#include "core/evidence_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/chain.h"
#include "core/date.h"
#include "core/evidence_sql.h"
#include "core/review.h"
#include "core/text.h"
#include "core/xalloc.h"

static const char *const filter_labels[EVF__COUNT] = {
#define EVF_LABEL_(id, label) [EVF_##id] = label,
    EVIDENCE_FILTERS(EVF_LABEL_)
#undef EVF_LABEL_
};

const char *evidence_filter_label(enum evidence_filter f)
{
    return (unsigned)f < EVF__COUNT ? filter_labels[f] : "";
}

static bool sees_all(const struct identity *who)
{
    return (who->roles & perm_roles(PERM_EVIDENCE_ALL)) != 0;
}

static char *col_dup(sqlite3_stmt *st, int c)
{
    return sqlite3_column_type(st, c) == SQLITE_NULL ? NULL : xstrdup(store_col_text(st, c));
}

/* Pools a person without PERM_EVIDENCE_ALL may look at: those they review in a campaign, own or
 * look after. ?2 is the login. */
#define SQL_SEES_POOL(P)                                                                           \
    "(" P " IN (SELECT pool_id FROM review_item WHERE reviewer = ?2) OR " P                        \
    " IN (SELECT id FROM pool WHERE owner = ?2 OR custodian = ?2))"

static enum status may_see_pool(struct store *s, const struct identity *who, const char *pool_id,
                                struct strbuf *err)
{
    if (sees_all(who))
        return ST_OK;
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s, "SELECT " SQL_SEES_POOL("?1"), &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, pool_id);
    store_bind_text(st, 2, who->login);
    bool ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
    if (!ok) {
        sb_setf(err, "%s is not a pool %s reviews, owns or looks after (auditors see all)", pool_id,
                who->login);
        return ST_NOT_FOUND;
    }
    return ST_OK;
}

/* ---- campaigns ------------------------------------------------------------------------------ */

void evidence_campaigns_free(struct evidence_campaign **pp, size_t n)
{
    if (!pp || !*pp)
        return;
    for (size_t i = 0; i < n; i++) {
        free((*pp)[i].name);
        free((*pp)[i].due);
        free((*pp)[i].scope);
    }
    free(*pp);
    *pp = NULL;
}

enum status evidence_campaigns(struct store *s, const struct identity *who, int32_t today,
                               struct evidence_campaign **out, size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    enum status rc = perm_check(who, PERM_EVIDENCE_VIEW, err);
    sqlite3_stmt *st = NULL;
    if (rc == ST_OK)
        rc = store_prepare(s,
                           "SELECT name FROM campaign c WHERE ?1 OR EXISTS (SELECT 1 FROM "
                           "review_item i WHERE i.campaign_id = c.id AND " SQL_SEES_POOL(
                               "i.pool_id") ") ORDER BY id DESC",
                           &st, err);
    if (rc != ST_OK)
        return rc;
    sqlite3_bind_int(st, 1, sees_all(who));
    store_bind_text(st, 2, who->login);
    int step = SQLITE_DONE;
    while (rc == ST_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        /* progress comes from the same query as `credence campaign status` */
        json_t *cs = NULL;
        rc = review_campaign_status(s, store_col_text(st, 0), today, &cs, err);
        if (rc != ST_OK)
            break;
        *out = xreallocarray(*out, *n + 1, sizeof **out);
        struct evidence_campaign *c = &(*out)[(*n)++];
        c->name = xstrdup(json_string_value(json_object_get(cs, "name")));
        c->due = xstrdup(json_string_value(json_object_get(cs, "due")));
        c->scope = xstrdup(json_string_value(json_object_get(cs, "scope")));
        c->total = (int)json_integer_value(json_object_get(cs, "total"));
        c->decided = (int)json_integer_value(json_object_get(cs, "decided"));
        c->overdue = (int)json_integer_value(json_object_get(cs, "overdue"));
        json_decref(cs);
    }
    if (rc == ST_OK && step != SQLITE_DONE)
        rc = store_error(s, step, "campaign", err);
    sqlite3_finalize(st);
    if (rc != ST_OK) {
        evidence_campaigns_free(out, *n);
        *n = 0;
    }
    return rc;
}

/* ---- items ---------------------------------------------------------------------------------- */

void evidence_items_free(struct evidence_item **pp, size_t n)
{
    if (!pp || !*pp)
        return;
    for (size_t i = 0; i < n; i++) {
        struct evidence_item *it = &(*pp)[i];
        free(it->pool_id);
        free(it->pool_name);
        free(it->reviewer);
        free(it->state);
        free(it->action);
        free(it->actor);
        free(it->decided_at);
        free(it->push);
    }
    free(*pp);
    *pp = NULL;
}

static bool item_matches(const struct evidence_item *it, enum evidence_filter f)
{
    switch (f) {
    case EVF_ALL:
        return true;
    case EVF_OVERDUE:
        return it->overdue;
    case EVF_EMERGENCY:
        return it->emergency;
    case EVF_CONTRARY:
        return it->contrary;
    case EVF_UNSIGNED:
        return it->decision_id > 0 && !it->is_signed;
    case EVF__COUNT:
        break;
    }
    return false;
}

/* "verified", "2 pending, 1 manual" from a comma-separated list of states; caller frees. */
static char *push_summary(const char *states)
{
    if (!states || !*states)
        return xstrdup("-");
    struct strbuf sb;
    sb_init(&sb);
    char *seen[16];
    int count[16], k = 0;
    const char *cur = states, *end = states + strlen(states), *item;
    size_t len;
    while (text_next_item(&cur, end, ',', &item, &len)) {
        int i = 0;
        while (i < k && !(strlen(seen[i]) == len && strncmp(seen[i], item, len) == 0))
            i++;
        if (i == k && k < 16) {
            seen[k] = xstrndup(item, len);
            count[k++] = 0;
        }
        if (i < k)
            count[i]++;
    }
    for (int i = 0; i < k; i++) {
        if (count[i] > 1)
            sb_addf(&sb, "%s%d %s", i ? ", " : "", count[i], seen[i]);
        else
            sb_addf(&sb, "%s%s", i ? ", " : "", seen[i]);
        free(seen[i]);
    }
    return sb_steal(&sb);
}

enum status evidence_items(struct store *s, const struct identity *who, const char *name,
                           enum evidence_filter filter, int32_t today, struct evidence_item **out,
                           size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    enum status rc = perm_check(who, PERM_EVIDENCE_VIEW, err);
    sqlite3_stmt *st = NULL;
    int64_t cid = 0;
    if (rc == ST_OK)
        rc = store_prepare(s, "SELECT id FROM campaign WHERE name = ?", &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, name);
    if (sqlite3_step(st) == SQLITE_ROW)
        cid = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (!cid) {
        sb_setf(err, "no campaign named '%s'", name);
        return ST_NOT_FOUND;
    }
    char today_s[DATE_BUF];
    date_format(today, today_s);
    /* The decision shown for an item: the one that closed it, else the newest decision of the
     * campaign on its pool (an emergency action awaiting confirmation, or triage). */
    rc = store_prepare(
        s,
        "SELECT i.id, i.pool_id, p.name, i.reviewer, i.state, d.id, d.action, d.actor, "
        "d.decided_at, i.state = 'open' AND c.due_on < ?3, "
        "coalesce(d.emergency, 0) AND EXISTS (SELECT 1 FROM review_item ci WHERE ci.pool_id = "
        "i.pool_id AND ci.kind = 'confirm' AND ci.state = 'open'), "
        "coalesce(" EVIDENCE_SQL_CONTRARY(
            "d") ", 0), "
                 "(SELECT signature IS NOT NULL FROM audit_event WHERE seq = d.audit_seq), "
                 "(SELECT group_concat(state) FROM (SELECT state FROM outbox WHERE decision_id = "
                 "d.id "
                 "ORDER BY id)) "
                 "FROM review_item i JOIN campaign c ON c.id = i.campaign_id JOIN pool p ON p.id = "
                 "i.pool_id LEFT JOIN decision d ON d.id = coalesce(i.decision_id, (SELECT "
                 "max(d2.id) FROM "
                 "decision d2 WHERE d2.pool_id = i.pool_id AND " EVIDENCE_SQL_IN_CAMPAIGN(
                     "d2") ")) "
                           "WHERE i.campaign_id = ?1 AND i.kind = 'review' AND (?4 "
                           "OR " SQL_SEES_POOL("i.pool_id") ") ORDER BY i.id",
        &st, err);
    if (rc != ST_OK)
        return rc;
    sqlite3_bind_int64(st, 1, cid);
    store_bind_text(st, 2, who->login);
    store_bind_text(st, 3, today_s);
    sqlite3_bind_int(st, 4, sees_all(who));
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        struct evidence_item it = {
            .item_id = sqlite3_column_int64(st, 0),
            .decision_id = sqlite3_column_int64(st, 5),
            .overdue = sqlite3_column_int(st, 9) != 0,
            .emergency = sqlite3_column_int(st, 10) != 0,
            .contrary = sqlite3_column_int(st, 11) != 0,
            .is_signed = sqlite3_column_int(st, 12) != 0,
        };
        if (!item_matches(&it, filter))
            continue;
        it.pool_id = col_dup(st, 1);
        it.pool_name = col_dup(st, 2);
        it.reviewer = col_dup(st, 3);
        it.state = col_dup(st, 4);
        it.action = col_dup(st, 6);
        it.actor = col_dup(st, 7);
        it.decided_at = col_dup(st, 8);
        it.push = push_summary(sqlite3_column_type(st, 13) == SQLITE_NULL ? NULL
                                                                          : store_col_text(st, 13));
        *out = xreallocarray(*out, *n + 1, sizeof **out);
        (*out)[(*n)++] = it;
    }
    if (step != SQLITE_DONE) {
        rc = store_error(s, step, "review items", err);
        evidence_items_free(out, *n);
        *n = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- one decision --------------------------------------------------------------------------- */

static bool secret_name(const char *key)
{
    static const char *const words[] = {"key", "secret", "token", "password", "authorization"};
    char low[64];
    snprintf(low, sizeof low, "%s", key);
    text_ascii_lower(low);
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        if (strstr(low, words[w]))
            return true;
    return false;
}

static bool token_end(char c)
{
    return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '\'' || c == ',' ||
           c == '/' || c == ')' || c == ']' || c == '}' || c == ';' || c == '?' || c == '&';
}

void evidence_redact_text(struct strbuf *out, const char *s)
{
    for (const char *p = s ? s : ""; *p;) {
        bool boundary = p == s || token_end(p[-1]) || p[-1] == '=' || p[-1] == ':';
        size_t prefix = strncmp(p, "sk-", 3) == 0 ? 3 : strncmp(p, "whsec", 5) == 0 ? 5 : 0;
        if (boundary && prefix && !token_end(p[prefix])) {
            sb_add(out, p, prefix);
            sb_adds(out, "[redacted]");
            p += prefix;
            while (!token_end(*p))
                p++;
        } else {
            sb_addc(out, *p++);
        }
    }
}

/* A redacted copy of text (NULL stays NULL) as a JSON string or null. */
static json_t *redacted_json(const char *text)
{
    if (!text)
        return json_null();
    struct strbuf sb;
    sb_init(&sb);
    evidence_redact_text(&sb, text);
    json_t *v = json_string(sb_str(&sb));
    sb_done(&sb);
    return v;
}

json_t *evidence_redact(json_t *v)
{
    if (!v)
        return NULL;
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        json_t *m;
        json_object_foreach(v, k, m)
        {
            if (secret_name(k) && !json_is_object(m) && !json_is_array(m) && !json_is_null(m))
                json_object_set_new(o, k, json_string("[redacted]"));
            else
                json_object_set_new(o, k, evidence_redact(m));
        }
        return o;
    }
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) json_array_append_new(a, evidence_redact(m));
        return a;
    }
    if (json_is_string(v))
        return redacted_json(json_string_value(v));
    return json_deep_copy(v);
}

/* What the read-back says about an action, from its state. */
static void readback_text(struct strbuf *sb, const char *state, bool has_readback,
                          const char *due_at, const char *why, int attempts)
{
    if (strcmp(state, "verified") == 0)
        sb_adds(sb, "read-back confirmed the change at the provider");
    else if (strcmp(state, "sent") == 0)
        sb_adds(sb, has_readback ? "accepted; the read-back has not confirmed it yet"
                                 : "accepted; this provider offers no read-back");
    else if (strcmp(state, "manual") == 0)
        sb_addf(sb, "manual step, no API to verify%s%s", why ? ": " : "", why ? why : "");
    else if (strcmp(state, "pending") == 0)
        sb_addf(sb, "not sent yet (due %s)", due_at);
    else if (strcmp(state, "in_flight") == 0)
        sb_adds(sb, "in flight; read back before any resend");
    else if (strcmp(state, "failed") == 0)
        sb_adds(sb, "refused by the provider; needs a person, not verified");
    else if (strcmp(state, "dead") == 0)
        sb_addf(sb, "gave up after %d attempts; not verified", attempts);
    else
        sb_addf(sb, "%s; not verified", state);
}

static enum status decision_actions(struct store *s, int64_t decision_id, json_t *arr,
                                    struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc =
        store_prepare(s,
                      "SELECT id, op, target, state, attempts, last_status, last_error, payload, "
                      "due_at FROM outbox WHERE decision_id = ? ORDER BY id",
                      &st, err);
    if (rc != ST_OK)
        return rc;
    sqlite3_bind_int64(st, 1, decision_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        json_error_t jerr;
        json_t *pl = json_loads(store_col_text(st, 7), 0, &jerr);
        const char *method = json_string_value(json_object_get(pl, "method"));
        const char *path = json_string_value(json_object_get(pl, "path"));
        const char *summary = json_string_value(json_object_get(pl, "summary"));
        struct strbuf req, rb;
        sb_init(&req);
        sb_init(&rb);
        if (method) {
            sb_addf(&req, "%s ", method);
            evidence_redact_text(&req, path);
            json_t *body = json_object_get(pl, "body");
            if (body && !json_is_null(body)) {
                json_t *clean = evidence_redact(body);
                char *text = json_dumps(clean, JSON_COMPACT | JSON_SORT_KEYS);
                sb_addf(&req, " %s", text);
                free(text);
                json_decref(clean);
            }
        } else {
            sb_adds(&req, "(no request: applied by hand)");
        }
        int attempts = sqlite3_column_int(st, 4);
        readback_text(&rb, store_col_text(st, 3), json_is_object(json_object_get(pl, "readback")),
                      store_col_text(st, 8), json_string_value(json_object_get(pl, "why")),
                      attempts);
        const char *last_error =
            sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL : store_col_text(st, 6);
        json_t *o = json_pack(
            "{sI ss so ss si so so so ss ss}", "id", (json_int_t)sqlite3_column_int64(st, 0), "op",
            store_col_text(st, 1), "target", redacted_json(store_col_text(st, 2)), "state",
            store_col_text(st, 3), "attempts", attempts, "last_status",
            sqlite3_column_type(st, 5) == SQLITE_NULL ? json_null()
                                                      : json_integer(sqlite3_column_int(st, 5)),
            "last_error", redacted_json(last_error), "summary",
            redacted_json(summary ? summary : ""), "request", sb_str(&req), "readback",
            sb_str(&rb));
        json_array_append_new(arr, o);
        sb_done(&req);
        sb_done(&rb);
        json_decref(pl);
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "outbox", err);
    sqlite3_finalize(st);
    return rc;
}

/* Checks the signature of the decision's audit event the way audit_verify does: valid over the
 * event hash, by the key last registered to the actor before the event. */
static json_t *signature_status(const char *actor, sqlite3_stmt *st, int col)
{
    /* columns col..col+3: audit seq present, signature, signer, hash; col+4: registered key */
    const char *status, *text;
    char buf[256];
    bool has_event = sqlite3_column_type(st, col) != SQLITE_NULL;
    const char *sig = sqlite3_column_type(st, col + 1) == SQLITE_NULL
                          ? NULL
                          : (const char *)sqlite3_column_text(st, col + 1);
    const char *signer = store_col_text(st, col + 2);
    const char *hash = store_col_text(st, col + 3);
    const char *registered = sqlite3_column_type(st, col + 4) == SQLITE_NULL
                                 ? NULL
                                 : (const char *)sqlite3_column_text(st, col + 4);
    if (!has_event) {
        status = "missing";
        text = "no audit event records this decision";
    } else if (!sig) {
        status = "unsigned";
        text = "unsigned (the actor had no registered signing key)";
    } else if (!chain_signature_valid(signer, hash, sig)) {
        status = "invalid";
        text = "signature INVALID: it does not verify over the event hash";
    } else if (!registered || strcmp(registered, signer) != 0) {
        status = "unregistered";
        snprintf(buf, sizeof buf, "signature by a key NOT registered to %s", actor);
        text = buf;
    } else {
        status = "verified";
        snprintf(buf, sizeof buf, "signed by %s, verified (Ed25519 key %.16s...)", actor, signer);
        text = buf;
    }
    return json_pack("{ss ss}", "status", status, "text", text);
}

enum status evidence_decision(struct store *s, const struct identity *who, int64_t decision_id,
                              json_t **out, struct strbuf *err)
{
    *out = NULL;
    enum status rc = perm_check(who, PERM_EVIDENCE_VIEW, err);
    sqlite3_stmt *st = NULL;
    if (rc == ST_OK)
        rc = store_prepare(
            s,
            "SELECT d.id, d.pool_id, p.name, d.actor, d.role, d.action, d.reason, d.params, "
            "d.snapshot, d.decided_at, d.emergency, "
            "d.emergency AND EXISTS (SELECT 1 FROM review_item ci WHERE ci.pool_id = d.pool_id "
            "AND ci.kind = 'confirm' AND ci.state = 'open'), " EVIDENCE_SQL_CONTRARY(
                "d") ", "
                     "d.audit_seq, e.seq, e.signature, e.signer, e.hash, "
                     "(SELECT json_extract(k.body, '$.data.public_key') FROM audit_event k WHERE "
                     "k.event = "
                     "'person.key_registered' AND k.subject = d.actor AND k.seq < e.seq ORDER BY "
                     "k.seq "
                     "DESC LIMIT 1) "
                     "FROM decision d JOIN pool p ON p.id = d.pool_id LEFT JOIN audit_event e ON "
                     "e.seq = "
                     "d.audit_seq WHERE d.id = ?",
            &st, err);
    if (rc != ST_OK)
        return rc;
    sqlite3_bind_int64(st, 1, decision_id);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (step != SQLITE_DONE)
            return store_error(s, step, "decision", err);
        sb_setf(err, "no decision %lld", (long long)decision_id);
        return ST_NOT_FOUND;
    }
    rc = may_see_pool(s, who, store_col_text(st, 1), err);
    if (rc != ST_OK) {
        sqlite3_finalize(st);
        return rc;
    }
    json_error_t jerr;
    json_t *params = json_loads(store_col_text(st, 7), 0, &jerr);
    json_t *snap = json_loads(store_col_text(st, 8), 0, &jerr);
    json_t *o = json_pack(
        "{sI ss ss ss ss ss ss so so ss sb sb sb}", "id", (json_int_t)sqlite3_column_int64(st, 0),
        "pool_id", store_col_text(st, 1), "pool_name", store_col_text(st, 2), "actor",
        store_col_text(st, 3), "role", store_col_text(st, 4), "action", store_col_text(st, 5),
        "reason", store_col_text(st, 6), "params", params ? params : json_object(), "snapshot",
        json_is_object(snap) ? json_incref(snap) : json_object(), "decided_at",
        store_col_text(st, 9), "emergency", sqlite3_column_int(st, 10) != 0,
        "awaiting_confirmation", sqlite3_column_int(st, 11) != 0, "contrary",
        sqlite3_column_int(st, 12) != 0);
    json_decref(snap);
    json_object_set_new(o, "audit_seq",
                        sqlite3_column_type(st, 13) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int64(st, 13)));
    json_object_set_new(o, "signature", signature_status(store_col_text(st, 3), st, 14));
    sqlite3_finalize(st);
    json_t *actions = json_array();
    rc = decision_actions(s, decision_id, actions, err);
    json_object_set_new(o, "actions", actions);
    if (rc == ST_OK)
        *out = o;
    else
        json_decref(o);
    return rc;
}

enum status evidence_pool_events(struct store *s, const struct identity *who, const char *pool_id,
                                 json_t **out, struct strbuf *err)
{
    *out = NULL;
    enum status rc = perm_check(who, PERM_EVIDENCE_VIEW, err);
    if (rc == ST_OK)
        rc = may_see_pool(s, who, pool_id, err);
    sqlite3_stmt *st = NULL;
    if (rc == ST_OK)
        rc = store_prepare(s,
                           "SELECT seq, at, actor, event, subject, signature IS NOT NULL FROM "
                           "audit_event WHERE subject = ?1 OR subject IN (SELECT 'outbox:' || id "
                           "FROM outbox WHERE pool_id = ?1) ORDER BY seq",
                           &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, pool_id);
    json_t *arr = json_array();
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            arr, json_pack("{sI ss ss ss ss sb}", "seq", (json_int_t)sqlite3_column_int64(st, 0),
                           "at", store_col_text(st, 1), "actor", store_col_text(st, 2), "event",
                           store_col_text(st, 3), "subject", store_col_text(st, 4), "signed",
                           sqlite3_column_int(st, 5) != 0));
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "audit", err);
    sqlite3_finalize(st);
    if (rc == ST_OK)
        *out = arr;
    else
        json_decref(arr);
    return rc;
}

/* ---- chain ---------------------------------------------------------------------------------- */

void evidence_chain_status(struct store *s, struct evidence_chain *out)
{
    memset(out, 0, sizeof *out);
    struct audit_verify_result res;
    struct strbuf err;
    sb_init(&err);
    enum status rc = audit_verify(s, &res, &err);
    out->events = res.events;
    if (rc == ST_OK) {
        out->intact = true;
        out->head_seq = res.events; /* seqs run 1..N without gaps when intact */
        snprintf(out->line, sizeof out->line, "chain verified: %lld events, head seq %lld",
                 (long long)res.events, (long long)out->head_seq);
    } else if (rc == ST_TAMPERED) {
        out->bad_seq = res.bad_seq;
        const char *why = strstr(sb_str(&err), ": ");
        snprintf(out->line, sizeof out->line, "chain BROKEN at seq %lld%s", (long long)res.bad_seq,
                 why ? why : "");
    } else {
        snprintf(out->line, sizeof out->line, "chain not checked: %s", sb_str(&err));
    }
    sb_done(&err);
}
