/* Recommendations, decisions with separation of duties, campaigns, escalation and queues. */
#include "core/review.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/amount.h"
#include "core/audit.h"
#include "core/date.h"
#include "core/findings.h"
#include "core/ledger.h"
#include "core/providers/provider.h"
#include "core/push.h"
#include "core/rules.h"
#include "core/text.h"
#include "core/xalloc.h"

static const char *const action_names[DA__COUNT] = {
#define DA_NAME_(e, n) [DA_##e] = n,
    DECIDE_ACTIONS(DA_NAME_)
#undef DA_NAME_
};

const char *decide_action_name(enum decide_action a)
{
    return (unsigned)a < DA__COUNT ? action_names[a] : NULL;
}

bool decide_action_parse(const char *s, enum decide_action *out)
{
    for (int a = 0; a < DA__COUNT; a++)
        if (strcmp(action_names[a], s) == 0) {
            *out = (enum decide_action)a;
            return true;
        }
    return false;
}

/* ---- recommendations ---------------------------------------------------------------------- */

enum status review_recommend(struct store *s, const struct config *cfg, const struct pool *p,
                             int32_t today, struct recommendation *out, struct strbuf *err)
{
    struct rule_settings set;
    enum status rc = rule_settings_load(cfg, &set, err);
    if (rc != ST_OK)
        return rc;
    memset(out, 0, sizeof *out);
    struct ledger_row *rows = NULL;
    size_t n = 0;
    rc = ledger_tail(s, p, today, 3, &rows, &n, err); /* the current and two before it */
    if (rc != ST_OK)
        return rc;
    const struct ledger_row *cur = &rows[n - 1];
    out->grant = cur->grant;
    int dec = strcmp(p->unit, "tokens") == 0 ? 0 : 2;
    char a[AMOUNT_BUF], b[AMOUNT_BUF], d[DATE_BUF];
    int64_t recent = 0;
    rc = pool_consumed(s, p, today - set.dormant_days + 1, today + 1, &recent, err);
    if (rc == ST_OK && strcmp(p->environment, "pilot") == 0 && p->expires_on != POOL_NO_DATE &&
        p->expires_on < today) {
        out->action = "revoke";
        snprintf(out->reason, sizeof out->reason, "pilot expired on %s",
                 date_format(p->expires_on, d));
    } else if (rc == ST_OK && recent == 0 && today - p->starts_on >= set.dormant_days) {
        out->action = "revoke";
        snprintf(out->reason, sizeof out->reason, "no usage in the last %d days", set.dormant_days);
    } else if (rc == ST_OK) {
        /* The last two complete periods, or what exists of them. */
        size_t first = n >= 3 ? n - 3 : 0, last = n >= 2 ? n - 1 : n;
        int64_t peak = 0;
        double max_util = 0;
        for (size_t i = first; i < last; i++) {
            if (rows[i].consumed > peak)
                peak = rows[i].consumed;
            double u = ledger_utilization_pct(&rows[i]);
            if (u > max_util)
                max_util = u;
        }
        if (last > first && max_util < 50.0 && peak < cur->grant) {
            int64_t proposal = amount_round_up_2sig(peak + peak / 5);
            if (proposal <= 0 || proposal >= cur->grant) {
                out->action = "approve";
                snprintf(out->reason, sizeof out->reason,
                         "utilisation stayed under 50%% but 1.2x the peak use is no lower than "
                         "the grant");
            } else {
                out->action = "reduce";
                out->grant = proposal;
                snprintf(out->reason, sizeof out->reason,
                         "utilisation stayed under 50%% (at most %.0f%%) over the last %zu "
                         "period%s; peak use %s %s, so about 1.2x that: %s %s",
                         max_util, last - first, last - first == 1 ? "" : "s",
                         amount_format(peak, dec, true, a), p->unit,
                         amount_format(proposal, dec, true, b), p->unit);
            }
        } else {
            out->action = "approve";
            snprintf(out->reason, sizeof out->reason,
                     "utilisation reached %.0f%% in the last %s; the grant matches the use",
                     last > first ? max_util : ledger_utilization_pct(cur),
                     last - first >= 2 ? "two periods" : "period");
        }
    }
    free(rows);
    return rc;
}

/* ---- permissions -------------------------------------------------------------------------- */

#define DA_BIT(a)      (1u << (a))
#define DA_ENTITLEMENT (DA_BIT(DA_APPROVE) | DA_BIT(DA_REDUCE) | DA_BIT(DA_REVOKE))
#define DA_TRIAGE      (DA_BIT(DA_ACKNOWLEDGE) | DA_BIT(DA_ESCALATE) | DA_BIT(DA_SNOOZE))

enum relation {
    REL_OWNER,     /* the pool's business owner */
    REL_CUSTODIAN, /* the pool's technical custodian */
    REL_ASSIGNED,  /* an open review item of the pool is assigned to the caller */
    REL_SECOND,    /* the pool's owner is also its custodian and the caller is someone else */
};

enum grant_kind {
    GRANT_ALLOW,
    GRANT_EMERGENCY, /* only with an open critical finding; the owner must confirm */
};

/* TO ADD A PERMISSION: one row; the first row that matches allows. Auditors have none. */
static const struct decide_rule {
    unsigned actions;
    unsigned roles;
    enum relation rel;
    enum grant_kind kind;
    const char *who; /* named in refusals */
} decide_rules[] = {
    {DA_ENTITLEMENT, ROLE_BIT(ROLE_OWNER), REL_OWNER, GRANT_ALLOW, "the pool's owner"},
    {DA_ENTITLEMENT, ROLE_BIT(ROLE_OWNER) | ROLE_BIT(ROLE_CUSTODIAN) | ROLE_BIT(ROLE_ADMIN),
     REL_ASSIGNED, GRANT_ALLOW, "the reviewer a campaign assigned"},
    {DA_TRIAGE, ROLE_BIT(ROLE_CUSTODIAN), REL_CUSTODIAN, GRANT_ALLOW, "the pool's custodian"},
    {DA_BIT(DA_REDUCE) | DA_BIT(DA_REVOKE), ROLE_BIT(ROLE_CUSTODIAN), REL_CUSTODIAN,
     GRANT_EMERGENCY, "the pool's custodian, while a critical finding is open"},
    {DA_BIT(DA_APPROVE), ROLE_BIT(ROLE_OWNER) | ROLE_BIT(ROLE_ADMIN), REL_SECOND, GRANT_ALLOW,
     "a second owner or an admin, when the owner is also the custodian"},
};

struct decide_ctx {
    struct store *s;
    const struct identity *who;
    const struct pool *p;
    bool assigned;      /* an open item of the pool is assigned to who */
    bool critical_open; /* the pool has an open critical finding */
};

static bool relation_holds(const struct decide_ctx *c, enum relation rel)
{
    switch (rel) {
    case REL_OWNER:
        return strcmp(c->p->owner, c->who->login) == 0;
    case REL_CUSTODIAN:
        return strcmp(c->p->custodian, c->who->login) == 0;
    case REL_ASSIGNED:
        return c->assigned;
    case REL_SECOND:
        return *c->p->owner && strcmp(c->p->owner, c->p->custodian) == 0 &&
               strcmp(c->p->owner, c->who->login) != 0;
    }
    return false;
}

static enum status scalar_query(struct store *s, const char *sql, const char *a, const char *b,
                                int64_t *out, struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s, sql, &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        store_bind_text(st, 2, b);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = store_error(s, step, "review", err);
    sqlite3_finalize(st);
    return rc;
}

/* Finds the permission row that allows the action, or explains the refusal. */
static enum status decide_permission(const struct decide_ctx *c, const struct config *cfg,
                                     enum decide_action a, const struct decide_rule **rule,
                                     struct strbuf *err)
{
    *rule = NULL;
    struct strbuf who;
    sb_init(&who);
    for (size_t i = 0; i < sizeof decide_rules / sizeof decide_rules[0]; i++) {
        const struct decide_rule *r = &decide_rules[i];
        if (!(r->actions & DA_BIT(a)))
            continue;
        sb_addf(&who, "%s%s", who.len ? "; or " : "", r->who);
        if (!(c->who->roles & r->roles) || !relation_holds(c, r->rel))
            continue;
        if (r->kind == GRANT_EMERGENCY && !c->critical_open)
            continue;
        *rule = r;
        break;
    }
    if (!*rule) {
        sb_setf(err, "%s of %s needs %s; %s is not", action_names[a], c->p->id, sb_str(&who),
                c->who->login);
        sb_done(&who);
        return ST_DENIED;
    }
    sb_done(&who);
    /* Separation of duties: the owner who is also the custodian cannot approve alone. */
    bool sod = true;
    struct strbuf ignore;
    sb_init(&ignore);
    config_get_bool(cfg, "sod", "owner_not_custodian", true, &sod, &ignore);
    sb_done(&ignore);
    if (a == DA_APPROVE && sod && strcmp(c->p->owner, c->who->login) == 0 &&
        strcmp(c->p->custodian, c->who->login) == 0) {
        sb_setf(err,
                "%s is both owner and custodian of %s, and [sod] owner_not_custodian is on: a "
                "second owner or an admin must approve it",
                c->who->login, c->p->id);
        return ST_DENIED;
    }
    return ST_OK;
}

/* ---- decisions ---------------------------------------------------------------------------- */

static json_t *json_amount(int64_t micros)
{
    char a[AMOUNT_BUF];
    return json_string(amount_format(micros, 6, false, a));
}

/* The findings of the pool the decision acts on or was made in view of. */
static enum status pool_active_findings(struct store *s, const char *pool_id, json_t **out,
                                        struct strbuf *err)
{
    struct finding *list = NULL;
    size_t n = 0;
    struct finding_filter f = {.pool_id = pool_id};
    enum status rc = findings_list(s, &f, &list, &n, err);
    *out = json_array();
    for (size_t i = 0; rc == ST_OK && i < n; i++)
        json_array_append_new(*out, json_pack("{ss ss ss ss ss}", "id", list[i].id, "rule",
                                              list[i].rule, "severity", list[i].severity, "state",
                                              list[i].state, "explanation", list[i].explanation));
    findings_free(list, n);
    return rc;
}

/* The snapshot a decision records: the current period's ledger row, the findings, the
 * recommendation. New reference. */
static json_t *snapshot_pack(const struct ledger_row *cur, json_t *findings,
                             const struct recommendation *rec)
{
    char d1[DATE_BUF];
    return json_pack("{s{ss so so so so} sO s{ss so ss}}", "ledger", "period_start",
                     date_format(cur->start, d1), "grant", json_amount(cur->grant), "carry_in",
                     json_amount(cur->carry_in), "consumed", json_amount(cur->consumed),
                     "remaining", json_amount(cur->remaining), "findings", findings,
                     "recommendation", "action", rec->action, "grant", json_amount(rec->grant),
                     "reason", rec->reason);
}

/* What a decision is made in view of: p's ledger through today, the recommendation and the
 * active findings. *rows (free) and *findings (decref) are the caller's, also on failure. */
static enum status decision_inputs(struct store *s, const struct config *cfg, const struct pool *p,
                                   int32_t today, struct ledger_row **rows, size_t *nrows,
                                   struct recommendation *rec, json_t **findings,
                                   struct strbuf *err)
{
    enum status rc = ledger_compute(s, p, today, rows, nrows, err);
    if (rc == ST_OK)
        rc = review_recommend(s, cfg, p, today, rec, err);
    if (rc == ST_OK)
        rc = pool_active_findings(s, p->id, findings, err);
    return rc;
}

enum status review_snapshot(struct store *s, const struct config *cfg, const char *pool_id,
                            int32_t today, json_t **out, struct strbuf *err)
{
    *out = NULL;
    struct pool p;
    pool_init(&p);
    struct ledger_row *rows = NULL;
    size_t nrows = 0;
    struct recommendation rec;
    json_t *findings = NULL;
    enum status rc = pool_get(s, pool_id, &p, err);
    if (rc == ST_OK)
        rc = decision_inputs(s, cfg, &p, today, &rows, &nrows, &rec, &findings, err);
    if (rc == ST_OK) {
        *out = snapshot_pack(&rows[nrows - 1], findings, &rec);
        json_object_set_new(*out, "unit", json_string(p.unit));
    }
    json_decref(findings);
    free(rows);
    pool_done(&p);
    return rc;
}

/* Validates "kind:value" entries against the pool's scope into removed[]; caller frees. */
static enum status parse_removed(const struct pool *p, const char *list, char ***removed, size_t *n,
                                 struct strbuf *err)
{
    *removed = NULL;
    *n = 0;
    if (!list || !*list)
        return ST_OK;
    const char *cur = list, *end = list + strlen(list), *item;
    size_t len;
    while (text_next_item(&cur, end, ',', &item, &len)) {
        if (!len)
            continue;
        bool found = false;
        for (size_t i = 0; i < p->nscope && !found; i++) {
            size_t kl = strlen(p->scope[i].kind);
            found = len == kl + 1 + strlen(p->scope[i].value) &&
                    strncmp(item, p->scope[i].kind, kl) == 0 && item[kl] == ':' &&
                    strncmp(item + kl + 1, p->scope[i].value, len - kl - 1) == 0;
        }
        if (!found) {
            sb_setf(err, "--remove-scope: '%.*s' is not in the scope of %s", (int)len, item, p->id);
            for (size_t i = 0; i < *n; i++)
                free((*removed)[i]);
            free(*removed);
            *removed = NULL;
            *n = 0;
            return ST_USAGE;
        }
        *removed = xreallocarray(*removed, *n + 1, sizeof **removed);
        (*removed)[(*n)++] = xstrndup(item, len);
    }
    return ST_OK;
}

/* Opens an item (campaign NULL) asking `reviewer` to act on the pool: confirm an emergency
 * action or look at an escalation. */
static enum status open_side_item(struct store *s, const struct pool *p, const char *kind,
                                  const char *why, const char *now, struct strbuf *err)
{
    const char *reviewer = *p->owner ? p->owner : p->custodian;
    const char *args[] = {p->id, kind, reviewer, why, now};
    return store_exec_args(
        s,
        "INSERT INTO review_item(campaign_id, pool_id, kind, reviewer, assigned_why, "
        "created_at) VALUES (NULL, ?1, ?2, ?3, ?4, ?5)",
        args, 5, err);
}

enum status review_decide(struct store *s, const struct config *cfg, const struct identity *who,
                          const struct decide_request *req, struct audit_signer *signer,
                          struct decide_result *res, struct strbuf *err)
{
    memset(res, 0, sizeof *res);
    enum decide_action a = req->action;
    if (!req->reason || strlen(req->reason) < 10) {
        sb_setf(err, "a reason of at least 10 characters is required (--reason)");
        return ST_USAGE;
    }
    int32_t today = clock_today(), until_day = POOL_NO_DATE;
    if (a == DA_SNOOZE) {
        if (!req->until || !date_parse(req->until, strlen(req->until), &until_day) ||
            until_day <= today) {
            sb_setf(err, "snooze needs --until DATE after today");
            return ST_USAGE;
        }
    }
    struct pool p;
    pool_init(&p);
    enum status rc = pool_get(s, req->pool_id, &p, err);
    if (rc != ST_OK)
        return rc;
    if (strcmp(p.status, "retired") == 0) {
        sb_setf(err, "%s is retired; nothing to decide", p.id);
        pool_done(&p);
        return ST_USAGE;
    }
    char **removed = NULL;
    size_t nremoved = 0;
    struct ledger_row *rows = NULL;
    size_t nrows = 0;
    struct recommendation rec;
    json_t *findings = NULL;
    if (!req->preview)
        rc = store_begin(s, err);
    if (rc == ST_OK)
        rc = decision_inputs(s, cfg, &p, today, &rows, &nrows, &rec, &findings, err);
    if (rc == ST_OK && a == DA_REDUCE) {
        rc = parse_removed(&p, req->remove_scope, &removed, &nremoved, err);
        int64_t cur_grant = rows[nrows - 1].grant;
        if (rc == ST_OK && req->grant >= cur_grant) {
            char g[AMOUNT_BUF];
            sb_setf(err, "reduce needs a grant lower than the current %s %s",
                    amount_format(cur_grant, 2, true, g), p.unit);
            rc = ST_USAGE;
        } else if (rc == ST_OK && req->grant < 0 && nremoved == 0) {
            sb_setf(err, "reduce needs --grant AMOUNT lower than the current grant, or "
                         "--remove-scope ENTRY,...");
            rc = ST_USAGE;
        }
    }
    struct decide_ctx dc = {.s = s, .who = who, .p = &p};
    int64_t v = 0;
    if (rc == ST_OK)
        rc = scalar_query(s,
                          "SELECT count(*) FROM review_item WHERE pool_id = ?1 AND reviewer = ?2 "
                          "AND state = 'open'",
                          p.id, who->login, &v, err);
    dc.assigned = v > 0;
    if (rc == ST_OK)
        rc = scalar_query(s,
                          "SELECT count(*) FROM finding WHERE pool_id = ?1 AND severity = "
                          "'critical' AND state IN ('open', 'acknowledged')",
                          p.id, NULL, &v, err);
    dc.critical_open = v > 0;
    const struct decide_rule *rule = NULL;
    if (rc == ST_OK)
        rc = decide_permission(&dc, cfg, a, &rule, err);
    res->emergency =
        rc == ST_OK && rule->kind == GRANT_EMERGENCY && strcmp(p.owner, who->login) != 0;

    /* What the decision changes, before anything is written. */
    const struct ledger_row *cur = rc == ST_OK ? &rows[nrows - 1] : NULL;
    int32_t effective = today;
    if (rc == ST_OK && a == DA_REDUCE && !req->effective_now)
        effective = cur->end; /* the next period */
    int64_t new_grant =
        rc == ST_OK ? (a == DA_REDUCE && req->grant >= 0 ? req->grant : cur->grant) : 0;
    char now[TIMESTAMP_BUF], today_s[DATE_BUF], eff_s[DATE_BUF];
    date_format_timestamp(clock_now(), now);
    date_format(today, today_s);
    date_format(effective, eff_s);
    json_t *params = json_object();
    if (a == DA_REDUCE) {
        if (req->grant >= 0)
            json_object_set_new(params, "grant", json_amount(req->grant));
        json_t *rm = json_array();
        for (size_t i = 0; i < nremoved; i++)
            json_array_append_new(rm, json_string(removed[i]));
        json_object_set_new(params, "removed_scope", rm);
        json_object_set_new(params, "effective",
                            json_string(req->effective_now ? "now" : "next-period"));
        json_object_set_new(params, "effective_from", json_string(eff_s));
    }
    if (a == DA_SNOOZE)
        json_object_set_new(params, "until", json_string(req->until));
    if (req->finding_id)
        json_object_set_new(params, "finding", json_string(req->finding_id));
    json_t *snapshot = NULL;
    if (rc == ST_OK)
        snapshot = snapshot_pack(cur, findings, &rec);

    /* The provider plan of entitlement decisions. */
    struct prov_step *steps = NULL;
    size_t nsteps = 0;
    bool entitlement = a == DA_APPROVE || a == DA_REDUCE || a == DA_REVOKE;
    int64_t decision_id = 0;
    if (rc == ST_OK && !req->preview) {
        char *params_s = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
        char *snap_s = json_dumps(snapshot, JSON_COMPACT | JSON_SORT_KEYS);
        sqlite3_stmt *st = NULL;
        rc = store_prepare(s,
                           "INSERT INTO decision(pool_id, finding_id, actor, role, action, reason, "
                           "params, snapshot, emergency, decided_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                           &st, err);
        if (rc == ST_OK) {
            struct strbuf roles;
            sb_init(&roles);
            role_list(who->roles & rule->roles, &roles);
            store_bind_text(st, 1, p.id);
            store_bind_text(st, 2, req->finding_id);
            store_bind_text(st, 3, who->login);
            store_bind_text(st, 4, sb_str(&roles));
            store_bind_text(st, 5, action_names[a]);
            store_bind_text(st, 6, req->reason);
            store_bind_text(st, 7, params_s);
            store_bind_text(st, 8, snap_s);
            sqlite3_bind_int(st, 9, res->emergency);
            store_bind_text(st, 10, now);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = store_error(s, sqlite3_errcode(s->db), "decision", err);
            sqlite3_finalize(st);
            sb_done(&roles);
        }
        decision_id = sqlite3_last_insert_rowid(s->db);
        res->decision_id = decision_id;
        free(params_s);
        free(snap_s);
    }
    int64_t seq = 0;
    if (rc == ST_OK && !req->preview) {
        json_t *data =
            json_pack("{sI ss ss ss sO sO sb ss}", "decision", (json_int_t)decision_id, "pool",
                      p.id, "action", action_names[a], "reason", req->reason, "params", params,
                      "snapshot", snapshot, "emergency", res->emergency, "permission", rule->who);
        rc = audit_append_signed(s, who->login,
                                 a == DA_APPROVE || a == DA_REDUCE || a == DA_REVOKE
                                     ? "decision.entitlement"
                                     : "decision.triage",
                                 p.id, data, signer, &seq, res->audit_hash, err);
        json_decref(data);
        res->is_signed = rc == ST_OK && signer != NULL;
        if (rc == ST_OK) {
            char seq_s[24];
            snprintf(seq_s, sizeof seq_s, "%lld", (long long)seq);
            const char *args[] = {seq_s, res->is_signed ? "1" : "0", NULL};
            char id_s[24];
            snprintf(id_s, sizeof id_s, "%lld", (long long)decision_id);
            args[2] = id_s;
            rc = store_exec_args(s, "UPDATE decision SET audit_seq = ?1, signed = ?2 WHERE id = ?3",
                                 args, 3, err);
        }
    }
    if (rc == ST_OK && entitlement) {
        const char *const *rm = (const char *const *)removed;
        struct prov_decision pd = {.pool = &p,
                                   .action = a == DA_APPROVE  ? PROV_APPROVE
                                             : a == DA_REDUCE ? PROV_REDUCE
                                                              : PROV_REVOKE,
                                   .grant_micros = new_grant,
                                   .removed = rm,
                                   .nremoved = nremoved,
                                   .was_revoked = strcmp(p.status, "revoked") == 0,
                                   .decision_id = decision_id,
                                   .actor = who->login,
                                   .reason = req->reason,
                                   .audit_hash = res->audit_hash};
        rc = provider_plan(&pd, &steps, &nsteps, err);
        for (size_t i = 0; i < nsteps; i++) {
            res->actions++;
            res->manual += steps[i].manual;
        }
        if (req->preview) {
            res->plan = json_array();
            for (size_t i = 0; i < nsteps; i++) {
                json_t *o = json_pack("{ss ss ss sO}", "op", steps[i].op, "target", steps[i].target,
                                      "state", steps[i].manual ? "manual" : "pending", "summary",
                                      json_object_get(steps[i].payload, "summary"));
                if (json_object_get(steps[i].payload, "why"))
                    json_object_set(o, "why", json_object_get(steps[i].payload, "why"));
                if (json_is_true(json_object_get(steps[i].payload, "destructive")))
                    json_object_set_new(o, "destructive", json_true());
                json_array_append_new(res->plan, o);
            }
        } else if (rc == ST_OK) {
            rc = push_enqueue(s, decision_id, p.id, p.provider, steps, nsteps,
                              a == DA_REDUCE ? eff_s : now, who->login, err);
        }
    }
    if (rc == ST_OK && !req->preview) {
        /* The register follows the decision. */
        const char *status = a == DA_APPROVE ? "active" : a == DA_REDUCE ? "reduced" : "revoked";
        if (entitlement) {
            const char *args[] = {p.id, status, today_s, now};
            rc = store_exec_args(s,
                                 "UPDATE pool SET status = ?2, last_review = ?3, updated_at = ?4 "
                                 "WHERE id = ?1",
                                 args, 4, err);
        }
        if (rc == ST_OK && a == DA_REDUCE && req->grant >= 0) {
            char g[AMOUNT_BUF], id_s[24];
            snprintf(g, sizeof g, "%lld", (long long)req->grant);
            snprintf(id_s, sizeof id_s, "%lld", (long long)decision_id);
            const char *args[] = {p.id, eff_s, g, id_s, now};
            rc = store_exec_args(s,
                                 "INSERT INTO grant_change(pool_id, effective_from, grant_micros, "
                                 "decision_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                                 args, 5, err);
        }
        for (size_t i = 0; rc == ST_OK && i < nremoved; i++) {
            const char *colon = strchr(removed[i], ':');
            char kind[16];
            snprintf(kind, sizeof kind, "%.*s", (int)(colon - removed[i]), removed[i]);
            const char *args[] = {p.id, kind, colon + 1};
            rc = store_exec_args(s,
                                 "DELETE FROM scope_entry WHERE pool_id = ?1 AND kind = ?2 AND "
                                 "pattern = ?3",
                                 args, 3, err);
        }
        /* Items: an emergency action asks the owner to confirm; other entitlement decisions
         * close the pool's open items. */
        if (rc == ST_OK && res->emergency) {
            rc = open_side_item(s, &p, "confirm", "confirm the custodian's emergency action", now,
                                err);
        } else if (rc == ST_OK && entitlement) {
            char id_s[24];
            snprintf(id_s, sizeof id_s, "%lld", (long long)decision_id);
            const char *args[] = {p.id, id_s};
            rc = store_exec_args(s,
                                 "UPDATE review_item SET state = 'decided', decision_id = ?2 WHERE "
                                 "pool_id = ?1 AND state = 'open'",
                                 args, 2, err);
        }
        /* Triage acts on findings. */
        if (rc == ST_OK && (a == DA_ACKNOWLEDGE || a == DA_SNOOZE)) {
            size_t i;
            json_t *f;
            json_array_foreach(findings, i, f)
            {
                const char *fid = json_string_value(json_object_get(f, "id"));
                if (req->finding_id && strcmp(req->finding_id, fid) != 0)
                    continue;
                rc = finding_set_state(s, fid, a == DA_ACKNOWLEDGE ? "acknowledged" : "snoozed",
                                       a == DA_SNOOZE ? req->until : NULL, err);
                if (rc != ST_OK)
                    break;
                res->findings_changed++;
            }
            if (rc == ST_OK && res->findings_changed == 0) {
                sb_setf(err, "%s has no %sfinding to %s", p.id,
                        req->finding_id ? "such open " : "open ", action_names[a]);
                rc = ST_USAGE;
            }
        }
        if (rc == ST_OK && a == DA_ESCALATE)
            rc = open_side_item(s, &p, "escalation", "escalated by the custodian", now, err);
    }
    if (!req->preview) {
        if (rc == ST_OK)
            rc = store_commit(s, err);
        else
            store_rollback(s);
    }
    prov_steps_free(steps, nsteps);
    json_decref(params);
    json_decref(snapshot);
    json_decref(findings);
    for (size_t i = 0; i < nremoved; i++)
        free(removed[i]);
    free(removed);
    free(rows);
    pool_done(&p);
    return rc;
}

/* ---- campaigns ---------------------------------------------------------------------------- */

/* The reviewer of a pool: its owner when active, else its custodian, else the first admin. */
static enum status campaign_reviewer(struct store *s, const struct pool *p, char *login, size_t cap,
                                     const char **why, struct strbuf *err)
{
    static const char *const sql =
        "SELECT p.login FROM person p WHERE p.active = 1 AND p.login = ?1 AND EXISTS "
        "(SELECT 1 FROM person_role r WHERE r.login = p.login AND r.role = ?2)";
    const struct {
        const char *login, *role, *why;
    } tries[] = {{p->owner, "owner", "owner"}, {p->custodian, "custodian", "custodian fallback"}};
    for (size_t i = 0; i < 2; i++) {
        if (!*tries[i].login)
            continue;
        sqlite3_stmt *st = NULL;
        enum status rc = store_stmt(s, sql, &st, err);
        if (rc != ST_OK)
            return rc;
        store_bind_text(st, 1, tries[i].login);
        store_bind_text(st, 2, tries[i].role);
        bool ok = sqlite3_step(st) == SQLITE_ROW;
        store_stmt_done(st);
        if (ok) {
            snprintf(login, cap, "%s", tries[i].login);
            *why = tries[i].why;
            return ST_OK;
        }
    }
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s,
                                   "SELECT p.login FROM person p JOIN person_role r ON r.login = "
                                   "p.login AND r.role = 'admin' WHERE p.active = 1 ORDER BY "
                                   "p.login LIMIT 1",
                                   &st, err);
    if (rc != ST_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(login, cap, "%s", store_col_text(st, 0));
        *why = "admin fallback";
    } else {
        sb_setf(err, "no active owner, custodian or admin can review %s", p->id);
        rc = ST_BAD_DATA;
    }
    sqlite3_finalize(st);
    return rc;
}

enum status review_campaign_start(struct store *s, const struct identity *who, const char *name,
                                  const char *due, const char *scope, int *items,
                                  const struct reporter *rep, struct strbuf *err)
{
    *items = 0;
    int32_t due_day;
    if (!name || !*name || strlen(name) > 64) {
        sb_setf(err, "a campaign needs a NAME of 1-64 characters");
        return ST_USAGE;
    }
    if (!due || !date_parse(due, strlen(due), &due_day) || due_day <= clock_today()) {
        sb_setf(err, "--due needs an ISO date after today");
        return ST_USAGE;
    }
    if (strcmp(scope, "production") != 0 && strcmp(scope, "all") != 0) {
        sb_setf(err, "--scope is production or all, not '%s'", scope);
        return ST_USAGE;
    }
    struct pool *pools = NULL;
    size_t np = 0;
    enum status rc = store_begin(s, err);
    int64_t exists = 0;
    if (rc == ST_OK)
        rc = scalar_query(s, "SELECT count(*) FROM campaign WHERE name = ?1", name, NULL, &exists,
                          err);
    if (rc == ST_OK && exists) {
        sb_setf(err, "a campaign named '%s' exists already", name);
        rc = ST_USAGE;
    }
    if (rc == ST_OK)
        rc = pool_list(s, &pools, &np, err);
    char now[TIMESTAMP_BUF], today_s[DATE_BUF];
    date_format_timestamp(clock_now(), now);
    date_format(clock_today(), today_s);
    int64_t seq = 0;
    if (rc == ST_OK) {
        json_t *data = json_pack("{ss ss ss ss}", "name", name, "due", due, "scope", scope,
                                 "started", today_s);
        rc = audit_append(s, who->login, "campaign.started", name, data, &seq, NULL, err);
        json_decref(data);
    }
    int64_t campaign_id = 0;
    if (rc == ST_OK) {
        sqlite3_stmt *st = NULL;
        rc = store_prepare(s,
                           "INSERT INTO campaign(name, scope, starts_on, due_on, created_by, "
                           "created_at, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           &st, err);
        if (rc == ST_OK) {
            store_bind_text(st, 1, name);
            store_bind_text(st, 2, scope);
            store_bind_text(st, 3, today_s);
            store_bind_text(st, 4, due);
            store_bind_text(st, 5, who->login);
            store_bind_text(st, 6, now);
            sqlite3_bind_int64(st, 7, seq);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = store_error(s, sqlite3_errcode(s->db), "campaign", err);
            sqlite3_finalize(st);
            campaign_id = sqlite3_last_insert_rowid(s->db);
        }
    }
    for (size_t i = 0; rc == ST_OK && i < np; i++) {
        const struct pool *p = &pools[i];
        if (strcmp(p->status, "retired") == 0 || strcmp(p->status, "revoked") == 0)
            continue;
        if (strcmp(scope, "production") == 0 && strcmp(p->environment, "production") != 0)
            continue;
        char reviewer[80];
        const char *why = NULL;
        rc = campaign_reviewer(s, p, reviewer, sizeof reviewer, &why, err);
        if (rc != ST_OK)
            break;
        if (strcmp(why, "owner") != 0)
            report_warn(rep, "%s: assigned to %s (%s)", p->id, reviewer, why);
        sqlite3_stmt *st = NULL;
        rc = store_prepare(s,
                           "INSERT INTO review_item(campaign_id, pool_id, kind, reviewer, "
                           "assigned_why, created_at) VALUES (?, ?, 'review', ?, ?, ?)",
                           &st, err);
        if (rc != ST_OK)
            break;
        sqlite3_bind_int64(st, 1, campaign_id);
        store_bind_text(st, 2, p->id);
        store_bind_text(st, 3, reviewer);
        store_bind_text(st, 4, why);
        store_bind_text(st, 5, now);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_error(s, sqlite3_errcode(s->db), "campaign", err);
        sqlite3_finalize(st);
        if (rc == ST_OK) {
            json_t *data = json_pack("{ss ss ss}", "campaign", name, "reviewer", reviewer,
                                     "assigned_why", why);
            rc =
                audit_append(s, who->login, "campaign.item_assigned", p->id, data, NULL, NULL, err);
            json_decref(data);
            (*items)++;
        }
    }
    pools_free(&pools, np);
    if (rc == ST_OK)
        rc = store_commit(s, err);
    else
        store_rollback(s);
    return rc;
}

enum status review_escalate_overdue(struct store *s, int32_t today, const char *actor, int *n,
                                    struct strbuf *err)
{
    *n = 0;
    char today_s[DATE_BUF], now[TIMESTAMP_BUF];
    date_format(today, today_s);
    date_format_timestamp(clock_now(), now);
    enum status rc = store_begin(s, err);
    if (rc != ST_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = store_prepare(s,
                       "SELECT i.id, i.pool_id, i.reviewer, c.name, c.due_on FROM review_item i "
                       "JOIN campaign c ON c.id = i.campaign_id WHERE i.state = 'open' AND "
                       "i.escalated_at IS NULL AND c.due_on < ?",
                       &st, err);
    if (rc == ST_OK)
        store_bind_text(st, 1, today_s);
    while (rc == ST_OK && sqlite3_step(st) == SQLITE_ROW) {
        char id_s[24];
        snprintf(id_s, sizeof id_s, "%lld", (long long)sqlite3_column_int64(st, 0));
        const char *args[] = {id_s, now};
        rc = store_exec_args(s, "UPDATE review_item SET escalated_at = ?2 WHERE id = ?1", args, 2,
                             err);
        if (rc == ST_OK) {
            json_t *data = json_pack("{ss ss ss}", "campaign", store_col_text(st, 3), "reviewer",
                                     store_col_text(st, 2), "due", store_col_text(st, 4));
            rc = audit_append(s, actor, "review_item.escalated", store_col_text(st, 1), data, NULL,
                              NULL, err);
            json_decref(data);
            (*n)++;
        }
    }
    sqlite3_finalize(st);
    if (rc == ST_OK)
        rc = store_commit(s, err);
    else
        store_rollback(s);
    return rc;
}

enum status review_campaign_status(struct store *s, const char *name, int32_t today, json_t **out,
                                   struct strbuf *err)
{
    *out = NULL;
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s,
                                   "SELECT id, name, due_on, scope, starts_on, created_by FROM "
                                   "campaign WHERE ?1 IS NULL OR name = ?1 ORDER BY id DESC "
                                   "LIMIT 1",
                                   &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, name);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (name)
            sb_setf(err, "no campaign named '%s'", name);
        else
            sb_setf(err, "no campaign yet (credence campaign start NAME --due DATE)");
        return ST_NOT_FOUND;
    }
    int64_t id = sqlite3_column_int64(st, 0);
    char due[DATE_BUF + 1];
    snprintf(due, sizeof due, "%s", store_col_text(st, 2));
    json_t *o = json_pack("{ss ss ss ss ss}", "name", store_col_text(st, 1), "due", due, "scope",
                          store_col_text(st, 3), "started", store_col_text(st, 4), "started_by",
                          store_col_text(st, 5));
    sqlite3_finalize(st);
    char today_s[DATE_BUF];
    date_format(today, today_s);
    rc = store_prepare(s,
                       "SELECT i.reviewer, i.state, d.action, i.escalated_at IS NOT NULL FROM "
                       "review_item i LEFT JOIN decision d ON d.id = i.decision_id WHERE "
                       "i.campaign_id = ? AND i.kind = 'review'",
                       &st, err);
    int total = 0, decided = 0, overdue = 0;
    json_t *by_action = json_object(), *by_reviewer = json_object();
    bool past_due = strcmp(due, today_s) < 0;
    if (rc == ST_OK) {
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *reviewer = store_col_text(st, 0);
            bool is_decided = strcmp(store_col_text(st, 1), "decided") == 0;
            bool is_overdue = !is_decided && past_due;
            json_t *r = json_object_get(by_reviewer, reviewer);
            if (!r) {
                r = json_pack("{si si si}", "total", 0, "decided", 0, "overdue", 0);
                json_object_set_new(by_reviewer, reviewer, r);
            }
            total++;
            json_object_set_new(r, "total",
                                json_integer(json_integer_value(json_object_get(r, "total")) + 1));
            if (is_decided) {
                decided++;
                json_object_set_new(
                    r, "decided",
                    json_integer(json_integer_value(json_object_get(r, "decided")) + 1));
                const char *act = store_col_text(st, 2);
                json_t *c = json_object_get(by_action, act);
                json_object_set_new(by_action, act,
                                    json_integer(c ? json_integer_value(c) + 1 : 1));
            }
            if (is_overdue) {
                overdue++;
                json_object_set_new(
                    r, "overdue",
                    json_integer(json_integer_value(json_object_get(r, "overdue")) + 1));
            }
        }
        sqlite3_finalize(st);
    }
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "decided", json_integer(decided));
    json_object_set_new(o, "overdue", json_integer(overdue));
    json_object_set_new(o, "by_action", by_action);
    json_object_set_new(o, "by_reviewer", by_reviewer);
    if (rc == ST_OK)
        *out = o;
    else
        json_decref(o);
    return rc;
}

/* ---- queues ------------------------------------------------------------------------------- */

struct queue_row {
    json_t *item;
    int rank;      /* severity rank */
    double util;   /* utilisation for ties */
    char *sortkey; /* newest-first key for auditors */
};

static int queue_cmp(const void *a, const void *b)
{
    const struct queue_row *x = a, *y = b;
    if (x->sortkey && y->sortkey)
        return strcmp(y->sortkey, x->sortkey);
    if (x->rank != y->rank)
        return y->rank - x->rank;
    return x->util < y->util ? 1 : x->util > y->util ? -1 : 0;
}

/* Highest severity among the pool's active findings and its top finding's explanation. */
static enum status pool_risk(struct store *s, const char *pool_id, int *rank, char **top,
                             struct strbuf *err)
{
    struct finding *list = NULL;
    size_t n = 0;
    struct finding_filter f = {.pool_id = pool_id};
    enum status rc = findings_list(s, &f, &list, &n, err);
    *rank = 0;
    *top = NULL;
    if (rc == ST_OK && n > 0) { /* ordered most severe first */
        *rank = rule_severity_rank(list[0].severity);
        *top = xstrdup(list[0].rule);
    }
    findings_free(list, n);
    return rc;
}

static const char *rank_name(int rank)
{
    static const char *const names[] = {"none", "low", "medium", "high", "critical"};
    return rank >= 0 && rank <= 4 ? names[rank] : "none";
}

/* A search over a queue's pools (?4: "" matches all): id or name, case-insensitive. */
#define QUEUE_SEARCH                                                                               \
    "(?4 = '' OR instr(lower(q.pool_id || ' ' || coalesce((SELECT name FROM pool WHERE id = "      \
    "q.pool_id), '')), lower(?4)) > 0)"

/* What each role's queue holds (review_queue and review_queue_count). */
static const char *const sql_owner =
    /* open items assigned to the caller, and owned pools with high/critical findings */
    "SELECT i.pool_id, CASE i.kind WHEN 'review' THEN 'campaign' ELSE i.kind END, c.name, "
    "c.due_on, i.escalated_at FROM review_item i LEFT JOIN campaign c ON c.id = "
    "i.campaign_id WHERE i.reviewer = ?1 AND i.state = 'open' UNION ALL SELECT p.id, "
    "'finding', NULL, NULL, NULL FROM pool p WHERE p.owner = ?1 AND p.status <> 'retired' AND "
    "EXISTS (SELECT 1 FROM finding f WHERE f.pool_id = p.id AND f.state IN ('open', "
    "'acknowledged') AND f.severity IN ('high', 'critical')) AND NOT EXISTS (SELECT 1 FROM "
    "review_item i WHERE i.pool_id = p.id AND i.reviewer = ?1 AND i.state = 'open')";
static const char *const sql_custodian =
    "SELECT DISTINCT f.pool_id, 'finding', NULL, NULL, NULL FROM finding f JOIN pool p ON "
    "p.id = f.pool_id WHERE p.custodian = ?1 AND f.state = 'open'";
static const char *const sql_auditor =
    "SELECT d.pool_id, 'decision', c.name, d.decided_at, d.id FROM decision d LEFT JOIN "
    "review_item i ON i.id = (SELECT id FROM review_item WHERE decision_id = d.id LIMIT 1) "
    "LEFT JOIN campaign c ON c.id = i.campaign_id ORDER BY d.id DESC LIMIT 500";

/* The role a queue is asked for, checked against who. */
static enum status queue_role(const struct identity *who, const char *role, enum role *r,
                              struct strbuf *err)
{
    if (!role_parse(role, strlen(role), r) || *r == ROLE_ADMIN) {
        sb_setf(err, "--role is owner, custodian or auditor");
        return ST_USAGE;
    }
    if (!(who->roles & ROLE_BIT(*r))) {
        sb_setf(err, "%s does not hold the %s role", who->login, role);
        return ST_DENIED;
    }
    return ST_OK;
}

/* One queue item from a row of the role's selection (pool, kind, campaign, due or decided_at,
 * escalated or decision id): its risk, recommendation and utilisation. */
static enum status queue_item(struct store *s, const struct config *cfg, enum role r, int32_t today,
                              sqlite3_stmt *st, struct queue_row *out, struct strbuf *err)
{
    const char *pool_id = store_col_text(st, 0);
    struct pool p;
    pool_init(&p);
    enum status rc = pool_get_fields(s, pool_id, &p, err); /* no bindings needed */
    int rank = 0;
    char *top = NULL;
    struct recommendation rec;
    struct ledger_row cur;
    if (rc == ST_OK)
        rc = pool_risk(s, pool_id, &rank, &top, err);
    if (rc == ST_OK)
        rc = review_recommend(s, cfg, &p, today, &rec, err);
    if (rc == ST_OK)
        rc = ledger_current(s, &p, today, &cur, err);
    if (rc == ST_OK) {
        char today_s[DATE_BUF];
        date_format(today, today_s);
        json_t *item =
            json_pack("{ss ss ss s{ss so ss}}", "pool_id", pool_id, "kind", store_col_text(st, 1),
                      "severity", rank_name(rank), "recommendation", "action", rec.action, "grant",
                      json_real(amount_to_cents_double(rec.grant)), "reason", rec.reason);
        json_object_set_new(item, "campaign",
                            sqlite3_column_type(st, 2) == SQLITE_NULL
                                ? json_null()
                                : json_string(store_col_text(st, 2)));
        const char *due = sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL : store_col_text(st, 3);
        json_object_set_new(item, "due", due && r != ROLE_AUDITOR ? json_string(due) : json_null());
        if (r == ROLE_AUDITOR) {
            json_object_set_new(item, "decided_at", json_string(due));
            json_object_set_new(item, "decision_id", json_integer(sqlite3_column_int64(st, 4)));
        } else {
            json_object_set_new(item, "overdue", json_boolean(due && strcmp(due, today_s) < 0));
            json_object_set_new(item, "escalated",
                                json_boolean(sqlite3_column_type(st, 4) != SQLITE_NULL));
        }
        json_object_set_new(item, "top_finding", top ? json_string(top) : json_null());
        json_object_set_new(item, "utilization_pct",
                            json_real(round(ledger_utilization_pct(&cur) * 10) / 10));
        json_object_set_new(item, "name", json_string(p.name));
        out->item = item;
        out->rank = rank;
        out->util = ledger_utilization_pct(&cur);
        out->sortkey = r == ROLE_AUDITOR ? xstrdup(due ? due : "") : NULL;
    }
    free(top);
    pool_done(&p);
    return rc;
}

enum status review_queue(struct store *s, const struct config *cfg, const struct identity *who,
                         const char *role, int32_t today, json_t **out, struct strbuf *err)
{
    *out = NULL;
    enum role r;
    enum status rc = queue_role(who, role, &r, err);
    if (rc != ST_OK)
        return rc;
    struct queue_row *rows = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st = NULL;
    rc = store_prepare(s,
                       r == ROLE_OWNER       ? sql_owner
                       : r == ROLE_CUSTODIAN ? sql_custodian
                                             : sql_auditor,
                       &st, err);
    if (rc == ST_OK && r != ROLE_AUDITOR)
        store_bind_text(st, 1, who->login);
    while (rc == ST_OK && sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            rows = xreallocarray(rows, cap, sizeof *rows);
        }
        rc = queue_item(s, cfg, r, today, st, &rows[n], err);
        if (rc == ST_OK)
            n++;
    }
    sqlite3_finalize(st);
    if (rc == ST_OK)
        qsort(rows, n, sizeof *rows, queue_cmp);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(items, rows[i].item);
        free(rows[i].sortkey);
    }
    free(rows);
    if (rc == ST_OK)
        *out = json_pack("{ss so}", "role", role, "items", items);
    else
        json_decref(items);
    return rc;
}

enum status review_queue_page(struct store *s, const struct config *cfg, const struct identity *who,
                              const char *role, const char *search, int32_t today, size_t offset,
                              size_t limit, json_t **items, struct strbuf *err)
{
    *items = NULL;
    enum role r;
    enum status rc = queue_role(who, role, &r, err);
    if (rc != ST_OK)
        return rc;
    /* the order review_queue gives, except that utilisation (a ledger per item) no longer
     * breaks ties: the pool id does, so only the page's items are computed */
    struct strbuf sql;
    sb_init(&sql);
    /* each queued pool's top open severity through the finding_pool index: aggregating every
     * open finding of the register for each page cost more than the page itself */
    sb_addf(&sql, "SELECT q.* FROM (%s) q WHERE " QUEUE_SEARCH " ORDER BY %s LIMIT ?2 OFFSET ?3",
            r == ROLE_OWNER       ? sql_owner
            : r == ROLE_CUSTODIAN ? sql_custodian
                                  : sql_auditor,
            r == ROLE_AUDITOR
                ? "4 DESC, 1"
                : "coalesce((SELECT max(CASE f.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 "
                  "WHEN 'medium' THEN 2 ELSE 1 END) FROM finding f WHERE f.pool_id = q.pool_id "
                  "AND f.state <> 'resolved'), 0) DESC, 1, 2");
    sqlite3_stmt *st = NULL;
    rc = store_prepare(s, sb_str(&sql), &st, err);
    sb_done(&sql);
    if (rc != ST_OK)
        return rc;
    if (r != ROLE_AUDITOR)
        store_bind_text(st, 1, who->login);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)offset);
    store_bind_text(st, 4, search ? search : "");
    *items = json_array();
    while (rc == ST_OK && sqlite3_step(st) == SQLITE_ROW) {
        struct queue_row row;
        rc = queue_item(s, cfg, r, today, st, &row, err);
        if (rc == ST_OK) {
            json_array_append_new(*items, row.item);
            free(row.sortkey);
        }
    }
    sqlite3_finalize(st);
    if (rc != ST_OK) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

enum status review_queue_count(struct store *s, const struct identity *who, const char *role,
                               const char *search, size_t *n, struct strbuf *err)
{
    *n = 0;
    enum role r;
    if (!role_parse(role, strlen(role), &r) || r == ROLE_ADMIN || !(who->roles & ROLE_BIT(r)))
        return ST_OK; /* no queue in that role */
    struct strbuf sql;
    sb_init(&sql);
    sb_addf(&sql, "SELECT count(*) FROM (%s) q WHERE " QUEUE_SEARCH,
            r == ROLE_OWNER       ? sql_owner
            : r == ROLE_CUSTODIAN ? sql_custodian
                                  : sql_auditor);
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s, sb_str(&sql), &st, err);
    sb_done(&sql);
    if (rc != ST_OK)
        return rc;
    if (r != ROLE_AUDITOR)
        store_bind_text(st, 1, who->login);
    store_bind_text(st, 4, search ? search : "");
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *n = (size_t)sqlite3_column_int64(st, 0);
    else
        rc = store_error(s, step, "queue", err);
    sqlite3_finalize(st);
    return rc;
}
