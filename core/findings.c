/* Finding persistence: evaluate, diff against the stored findings, write in one transaction. */
#include "core/findings.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/date.h"
#include "core/frameworks.h"
#include "core/hash.h"
#include "core/rules.h"
#include "core/strmap.h"
#include "core/xalloc.h"

void finding_id(const char *rule, const char *subject, char *out)
{
    struct sha256_ctx *c = sha256_new();
    sha256_add(c, rule, strlen(rule));
    sha256_add(c, "\n", 1);
    sha256_add(c, subject, strlen(subject));
    char hex[SHA256_HEX_BUF];
    sha256_finish(c, hex);
    out[0] = 'f';
    memcpy(out + 1, hex, 15);
    out[16] = '\0';
}

static enum status audit_finding(struct store *s, const char *actor, const char *event,
                                 const char *id, const struct rule_hit *h, struct strbuf *err)
{
    json_t *data =
        json_pack("{ss ss ss}", "finding", id, "rule", rule_name(h->rule), "severity", h->severity);
    json_object_set_new(data, "pool", h->pool_id ? json_string(h->pool_id) : json_null());
    json_object_set_new(data, "explanation", json_string(h->explanation));
    enum status rc = audit_append(s, actor, event, h->subject, data, NULL, NULL, err);
    json_decref(data);
    return rc;
}

enum status findings_refresh(struct store *s, const struct config *cfg, int32_t today,
                             const char *actor, struct findings_summary *sum, struct strbuf *err)
{
    memset(sum, 0, sizeof *sum);
    struct rule_settings set;
    enum status rc = rule_settings_load(cfg, &set, err);
    if (rc != ST_OK)
        return rc;
    rc = store_begin(s, err);
    if (rc != ST_OK)
        return rc;
    struct rule_hit *hits = NULL;
    size_t n = 0;
    rc = rules_evaluate(s, &set, today, &hits, &n, err);
    char now[TIMESTAMP_BUF], today_s[DATE_BUF];
    date_format_timestamp(clock_now(), now);
    date_format(today, today_s);
    struct strmap seen;
    strmap_init(&seen);
    for (size_t i = 0; rc == ST_OK && i < n; i++) {
        const struct rule_hit *h = &hits[i];
        char id[17];
        finding_id(rule_name(h->rule), h->subject, id);
        if (!strmap_put(&seen, id, strlen(id), 1, NULL))
            continue; /* one finding per (rule, subject) */
        sqlite3_stmt *st = NULL;
        rc = store_stmt(s, "SELECT state, coalesce(snoozed_until, '') FROM finding WHERE id = ?",
                        &st, err);
        if (rc != ST_OK)
            break;
        store_bind_text(st, 1, id);
        char state[16] = "", until[DATE_BUF + 1] = "";
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(state, sizeof state, "%s", store_col_text(st, 0));
            snprintf(until, sizeof until, "%s", store_col_text(st, 1));
        }
        store_stmt_done(st);
        char *detail = json_dumps(h->detail, JSON_COMPACT | JSON_SORT_KEYS);
        const char *event = NULL;
        if (!*state) {
            const char *args[] = {id,          rule_name(h->rule), h->pool_id, h->subject,
                                  h->severity, h->explanation,     detail,     now};
            rc = store_exec_args(s,
                                 "INSERT INTO finding(id, rule, pool_id, subject, severity, state, "
                                 "explanation, detail, detected_at, updated_at) VALUES "
                                 "(?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?8, ?8)",
                                 args, 8, err);
            event = "finding.opened";
        } else {
            const char *next = state;
            if (strcmp(state, "resolved") == 0) {
                next = "open";
                event = "finding.reopened";
            } else if (strcmp(state, "snoozed") == 0 && strcmp(until, today_s) <= 0) {
                next = "open";
                event = "finding.snooze_ended";
            }
            const char *args[] = {id,
                                  h->severity,
                                  h->explanation,
                                  detail,
                                  now,
                                  next,
                                  strcmp(state, "resolved") == 0 ? "1" : "0"};
            rc = store_exec_args(s,
                                 "UPDATE finding SET severity = ?2, explanation = ?3, detail = ?4, "
                                 "updated_at = ?5, state = ?6, resolved_at = NULL, "
                                 "snoozed_until = CASE WHEN ?6 = 'snoozed' THEN snoozed_until END, "
                                 "detected_at = CASE WHEN ?7 = '1' THEN ?5 ELSE detected_at END "
                                 "WHERE id = ?1",
                                 args, 7, err);
        }
        free(detail);
        if (rc == ST_OK && event) {
            rc = audit_finding(s, actor, event, id, h, err);
            sum->opened++;
        }
    }
    /* Whatever no longer fires is resolved, and says when. */
    if (rc == ST_OK) {
        sqlite3_stmt *st = NULL;
        rc = store_prepare(s,
                           "SELECT id, rule, subject, pool_id FROM finding WHERE state <> "
                           "'resolved'",
                           &st, err);
        int step;
        while (rc == ST_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
            const char *id = store_col_text(st, 0);
            if (strmap_get(&seen, id, strlen(id), NULL)) {
                sum->active++;
                continue;
            }
            const char *args[] = {id, now};
            rc = store_exec_args(s,
                                 "UPDATE finding SET state = 'resolved', resolved_at = ?2, "
                                 "updated_at = ?2 WHERE id = ?1",
                                 args, 2, err);
            if (rc == ST_OK) {
                json_t *data = json_pack("{ss ss ss}", "finding", id, "rule", store_col_text(st, 1),
                                         "why", "the condition no longer holds");
                rc = audit_append(s, actor, "finding.resolved", store_col_text(st, 2), data, NULL,
                                  NULL, err);
                json_decref(data);
                sum->resolved++;
            }
        }
        sqlite3_finalize(st);
    }
    strmap_done(&seen);
    rule_hits_free(hits, n);
    if (rc == ST_OK)
        rc = store_commit(s, err);
    else
        store_rollback(s);
    return rc;
}

static char *dup_col(sqlite3_stmt *st, int c)
{
    return sqlite3_column_type(st, c) == SQLITE_NULL ? NULL : xstrdup(store_col_text(st, c));
}

/* ?7: text a finding must contain (pool, subject, rule or explanation), NULL for any. */
#define FINDINGS_SEARCH                                                                            \
    "(?7 IS NULL OR instr(lower(coalesce(pool_id, '') || ' ' || subject || ' ' || rule || ' ' || " \
    "explanation), lower(?7)) > 0)"

enum status findings_count(struct store *s, const struct finding_filter *f, size_t *n,
                           struct strbuf *err)
{
    *n = 0;
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(s,
                                "SELECT count(*) FROM finding WHERE (?1 IS NULL OR rule = ?1) AND "
                                "(?2 IS NULL OR severity = ?2) AND (?3 IS NULL OR pool_id = ?3) "
                                "AND (?4 OR state <> 'resolved') AND " FINDINGS_SEARCH,
                                &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, f ? f->rule : NULL);
    store_bind_text(st, 2, f ? f->severity : NULL);
    store_bind_text(st, 3, f ? f->pool_id : NULL);
    sqlite3_bind_int(st, 4, f && f->include_resolved);
    store_bind_text(st, 7, f && f->search && *f->search ? f->search : NULL);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *n = (size_t)sqlite3_column_int64(st, 0);
    else
        rc = store_error(s, step, "findings", err);
    store_stmt_done(st);
    return rc;
}

enum status findings_list(struct store *s, const struct finding_filter *f, struct finding **out,
                          size_t *n, struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    /* One pool's findings go through the finding_pool index: "?3 IS NULL OR pool_id = ?3"
     * would scan every finding for each pool of a queue. */
#define FINDINGS_SELECT                                                                            \
    "SELECT id, rule, pool_id, subject, severity, state, snoozed_until, explanation, detail, "     \
    "detected_at, updated_at, resolved_at FROM finding WHERE (?1 IS NULL OR rule = ?1) AND "       \
    "(?2 IS NULL OR severity = ?2) AND "
#define FINDINGS_ORDER                                                                             \
    " AND (?4 OR state <> 'resolved') AND " FINDINGS_SEARCH " ORDER BY CASE severity WHEN "        \
    "'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, coalesce(pool_id, "     \
    "''), "                                                                                        \
    "rule, subject LIMIT ?5 OFFSET ?6"
    enum status rc = store_stmt(s,
                                f && f->pool_id ? FINDINGS_SELECT "pool_id = ?3" FINDINGS_ORDER
                                                : FINDINGS_SELECT "?3 IS NULL" FINDINGS_ORDER,
                                &st, err);
#undef FINDINGS_SELECT
#undef FINDINGS_ORDER
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, f ? f->rule : NULL);
    store_bind_text(st, 2, f ? f->severity : NULL);
    store_bind_text(st, 3, f ? f->pool_id : NULL);
    sqlite3_bind_int(st, 4, f && f->include_resolved);
    sqlite3_bind_int64(st, 5, f && f->limit ? (sqlite3_int64)f->limit : -1);
    sqlite3_bind_int64(st, 6, f ? (sqlite3_int64)f->offset : 0);
    store_bind_text(st, 7, f && f->search && *f->search ? f->search : NULL);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        struct finding *x = &(*out)[(*n)++];
        char **cols[] = {&x->id,       &x->rule,        &x->pool_id,       &x->subject,
                         &x->severity, &x->state,       &x->snoozed_until, &x->explanation,
                         &x->detail,   &x->detected_at, &x->updated_at,    &x->resolved_at};
        for (int c = 0; c < 12; c++)
            *cols[c] = dup_col(st, c);
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "findings", err);
    store_stmt_done(st);
    if (rc != ST_OK) {
        findings_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void findings_free(struct finding *arr, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct finding *x = &arr[i];
        char *cols[] = {x->id,       x->rule,        x->pool_id,       x->subject,
                        x->severity, x->state,       x->snoozed_until, x->explanation,
                        x->detail,   x->detected_at, x->updated_at,    x->resolved_at};
        for (int c = 0; c < 12; c++)
            free(cols[c]);
    }
    free(arr);
}

enum status finding_set_state(struct store *s, const char *id, const char *state, const char *until,
                              struct strbuf *err)
{
    char now[TIMESTAMP_BUF];
    date_format_timestamp(clock_now(), now);
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s,
                                   "UPDATE finding SET state = ?2, snoozed_until = ?3, "
                                   "updated_at = ?4 WHERE id = ?1 AND state <> 'resolved'",
                                   &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, id);
    store_bind_text(st, 2, state);
    store_bind_text(st, 3, until);
    store_bind_text(st, 4, now);
    int step = sqlite3_step(st);
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "findings", err);
    else if (sqlite3_changes(s->db) == 0) {
        sb_setf(err, "no open finding %s", id);
        rc = ST_NOT_FOUND;
    }
    sqlite3_finalize(st);
    return rc;
}

enum status findings_count_by_severity(struct store *s, int by_rank[5], struct strbuf *err)
{
    for (int i = 0; i < 5; i++)
        by_rank[i] = 0;
    sqlite3_stmt *st = NULL;
    enum status rc = store_stmt(
        s, "SELECT severity, count(*) FROM finding WHERE state <> 'resolved' GROUP BY severity",
        &st, err);
    if (rc != ST_OK)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int rank = rule_severity_rank(store_col_text(st, 0));
        if (rank >= 0 && rank < 5)
            by_rank[rank] += sqlite3_column_int(st, 1);
    }
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "findings", err);
    store_stmt_done(st);
    return rc;
}
