/* Evidence pack export and offline verification. */
#include "core/evidence.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/amount.h"
#include "core/chain.h"
#include "core/csvw.h"
#include "core/date.h"
#include "core/evidence_sql.h"
#include "core/evidence_view.h"
#include "core/frameworks.h"
#include "core/hash.h"
#include "core/ledger.h"
#include "core/text.h"
#include "core/pool.h"
#include "core/xalloc.h"

/* Files of a pack besides manifest.json, in the order they are written. */
static const char *const pack_files[] = {
    "items.csv",         "decisions.csv",      "findings.csv",   "outbox.csv",  "register.csv",
    "usage-by-pool.csv", "audit-events.jsonl", "frameworks.csv", "report.html",
};
#define PACK_FILE_COUNT (sizeof pack_files / sizeof pack_files[0])

struct campaign_row {
    int64_t id, audit_seq;
    char *name, *scope, *starts_on, *due_on, *created_by, *created_at, *closed_at;
};

struct pack {
    struct store *s;
    struct campaign_row c;
    const char *dir;
    json_t *hashes; /* file -> sha256 */
    struct evidence_summary *sum;
    struct strbuf *err;
    /* collected for the report */
    json_t *reviewers;     /* login -> {"total","decided"} */
    json_t *by_action;     /* action -> count */
    json_t *decided_pools; /* array of pool ids with a decision */
    struct strbuf findings_html, frameworks_html, items_html;
};

static char *col_dup(sqlite3_stmt *st, int c)
{
    return sqlite3_column_type(st, c) == SQLITE_NULL ? NULL : xstrdup(store_col_text(st, c));
}

static void campaign_done(struct campaign_row *c)
{
    free(c->name);
    free(c->scope);
    free(c->starts_on);
    free(c->due_on);
    free(c->created_by);
    free(c->created_at);
    free(c->closed_at);
}

static enum status pack_write(struct pack *pk, const char *name, const char *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", pk->dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        sb_setf(pk->err, "%s: cannot write: %s", path, strerror(errno));
        return ST_IO;
    }
    char hex[SHA256_HEX_BUF];
    sha256_hex(data, len, hex);
    json_object_set_new(pk->hashes, name, json_string(hex));
    pk->sum->files++;
    return ST_OK;
}

static void html_escape(struct strbuf *out, const char *s)
{
    struct strbuf clean;
    sb_init(&clean);
    text_sanitize(&clean, s ? s : "", s ? strlen(s) : 0);
    for (const char *p = sb_str(&clean); *p; p++) {
        switch (*p) {
        case '<':
            sb_adds(out, "&lt;");
            break;
        case '>':
            sb_adds(out, "&gt;");
            break;
        case '&':
            sb_adds(out, "&amp;");
            break;
        case '"':
            sb_adds(out, "&quot;");
            break;
        default:
            sb_addc(out, *p);
        }
    }
    sb_done(&clean);
}

/* Runs a query and writes one CSV row per result row: header names, and per column whether it
 * is free text (formula-guarded, 't'), provider text that may name a key (also redacted, 's'),
 * or a value credence wrote itself ('r'). */
static enum status pack_query_csv(struct pack *pk, const char *file, const char *sql,
                                  const char *const *header, const char *kinds, int *rows,
                                  void (*each)(struct pack *, sqlite3_stmt *))
{
    struct strbuf out;
    sb_init(&out);
    for (size_t i = 0; header[i]; i++)
        csvw_raw(&out, header[i], i == 0);
    csvw_end(&out);
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(pk->s, sql, &st, pk->err);
    if (rc == ST_OK) {
        sqlite3_bind_int64(st, 1, pk->c.id);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            for (int i = 0; header[i]; i++) {
                const char *v =
                    sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : store_col_text(st, i);
                if (kinds[i] == 's' && v) { /* provider text: key values redacted */
                    struct strbuf clean;
                    sb_init(&clean);
                    evidence_redact_text(&clean, v);
                    csvw_text(&out, sb_str(&clean), i == 0);
                    sb_done(&clean);
                } else if (kinds[i] == 't' || kinds[i] == 's')
                    csvw_text(&out, v, i == 0);
                else
                    csvw_raw(&out, v, i == 0);
            }
            csvw_end(&out);
            if (rows)
                (*rows)++;
            if (each)
                each(pk, st);
        }
        if (step != SQLITE_DONE)
            rc = store_error(pk->s, step, file, pk->err);
        sqlite3_finalize(st);
    }
    if (rc == ST_OK)
        rc = pack_write(pk, file, out.buf ? out.buf : "", out.len);
    sb_done(&out);
    return rc;
}

static void count_in(json_t *obj, const char *key, const char *field, int add)
{
    json_t *o = json_object_get(obj, key);
    if (!o) {
        o = json_pack("{si si}", "total", 0, "decided", 0);
        json_object_set_new(obj, key, o);
    }
    json_object_set_new(o, field,
                        json_integer(json_integer_value(json_object_get(o, field)) + add));
}

/* Per item: reviewer completion and the items table of the report. */
static void on_item(struct pack *pk, sqlite3_stmt *st)
{
    const char *reviewer = store_col_text(st, 4);
    bool decided = strcmp(store_col_text(st, 6), "decided") == 0;
    count_in(pk->reviewers, reviewer, "total", 1);
    if (decided)
        count_in(pk->reviewers, reviewer, "decided", 1);
    sb_adds(&pk->items_html, "<tr><td>");
    html_escape(&pk->items_html, store_col_text(st, 1));
    sb_adds(&pk->items_html, "</td><td>");
    html_escape(&pk->items_html, reviewer);
    sb_adds(&pk->items_html, "</td><td>");
    html_escape(&pk->items_html, store_col_text(st, 6));
    sb_adds(&pk->items_html, "</td><td>");
    html_escape(&pk->items_html, store_col_text(st, 10));
    sb_adds(&pk->items_html, "</td></tr>\n");
}

static void on_decision(struct pack *pk, sqlite3_stmt *st)
{
    const char *action = store_col_text(st, 5);
    json_t *n = json_object_get(pk->by_action, action);
    json_object_set_new(pk->by_action, action, json_integer(n ? json_integer_value(n) + 1 : 1));
    const char *pool = store_col_text(st, 1);
    size_t i;
    json_t *v;
    json_array_foreach(pk->decided_pools, i, v) if (strcmp(json_string_value(v), pool) == 0) return;
    json_array_append_new(pk->decided_pools, json_string(pool));
}

static void on_finding(struct pack *pk, sqlite3_stmt *st)
{
    sb_adds(&pk->findings_html, "<tr><td>");
    for (int c = 1; c <= 5; c++) {
        html_escape(&pk->findings_html, store_col_text(st, c == 5 ? 9 : c));
        sb_adds(&pk->findings_html, c < 5 ? "</td><td>" : "</td></tr>\n");
    }
}

static enum status pack_tables(struct pack *pk)
{
    static const char *const item_h[] = {
        "item_id",      "pool_id",    "pool_name",   "kind",         "reviewer",
        "assigned_why", "state",      "decision_id", "escalated_at", "created_at",
        "action",       "decided_at", NULL};
    enum status rc = pack_query_csv(
        pk, "items.csv",
        "SELECT i.id, i.pool_id, p.name, i.kind, i.reviewer, i.assigned_why, i.state, "
        "i.decision_id, i.escalated_at, i.created_at, d.action, d.decided_at FROM review_item i "
        "JOIN pool p ON p.id = i.pool_id LEFT JOIN decision d ON d.id = i.decision_id "
        "WHERE i.campaign_id = ?1 ORDER BY i.id",
        item_h, "rtrttttrrrrr", &pk->sum->items, on_item);
    /* Decisions: those closing the campaign's items, and any other decision on its pools since
     * the campaign started (triage, emergency actions). */
    static const char *const dec_h[] = {
        "decision_id", "pool_id",    "item_id",   "actor",       "role",
        "action",      "reason",     "params",    "recommended", "contrary_to_recommendation",
        "emergency",   "decided_at", "audit_seq", "signed",      NULL};
    if (rc == ST_OK)
        rc = pack_query_csv(
            pk, "decisions.csv",
            "SELECT d.id, d.pool_id, d.item_id, d.actor, d.role, d.action, d.reason, d.params, "
            "json_extract(d.snapshot, '$.recommendation.action'), " EVIDENCE_SQL_CONTRARY(
                "d") ", d.emergency, d.decided_at, d.audit_seq, d.signed FROM decision d "
                     "WHERE " EVIDENCE_SQL_IN_CAMPAIGN("d") " ORDER BY d.id",
            dec_h, "rtrttttttrrrrr", &pk->sum->decisions, on_decision);
    static const char *const fin_h[] = {
        "finding_id",    "rule",        "pool_id",     "subject",     "severity", "state",
        "snoozed_until", "detected_at", "resolved_at", "explanation", NULL};
    if (rc == ST_OK)
        rc = pack_query_csv(
            pk, "findings.csv",
            "SELECT id, rule, pool_id, subject, severity, state, snoozed_until, detected_at, "
            "resolved_at, explanation FROM finding WHERE pool_id IS NULL OR pool_id IN "
            "(SELECT pool_id FROM review_item WHERE campaign_id = ?1) ORDER BY pool_id, rule",
            fin_h, "rrttrrrrrt", &pk->sum->findings, on_finding);
    static const char *const out_h[] = {"action_id",  "decision_id", "pool_id",    "provider",
                                        "op",         "target",      "summary",    "state",
                                        "attempts",   "last_status", "last_error", "created_at",
                                        "updated_at", NULL};
    if (rc == ST_OK)
        rc = pack_query_csv(
            pk, "outbox.csv",
            "SELECT o.id, o.decision_id, o.pool_id, o.provider, o.op, o.target, "
            "json_extract(o.payload, '$.summary'), o.state, o.attempts, o.last_status, "
            "o.last_error, o.created_at, o.updated_at FROM outbox o WHERE o.decision_id IN "
            "(SELECT d.id FROM decision d WHERE " EVIDENCE_SQL_IN_CAMPAIGN("d") ") ORDER BY o.id",
            out_h, "rrtrrssrrrsrr", &pk->sum->actions, NULL);
    return rc;
}

static const char *const reg_h[] = {"pool_id",
                                    "name",
                                    "provider",
                                    "account",
                                    "business_owner",
                                    "technical_custodian",
                                    "environment",
                                    "grant",
                                    "unit",
                                    "period",
                                    "rollover",
                                    "rollover_cap_pct",
                                    "rollover_max_periods",
                                    "starts_on",
                                    "expires_on",
                                    "review_interval_days",
                                    "review_threshold_pct",
                                    "contract_ref",
                                    "status",
                                    "last_review",
                                    "bindings",
                                    "scope",
                                    NULL};

/* register.csv and usage-by-pool.csv from the pools in the campaign, and the SVG charts. */
static enum status pack_pools(struct pack *pk, struct strbuf *charts)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(
        pk->s, "SELECT DISTINCT pool_id FROM review_item WHERE campaign_id = ? ORDER BY pool_id",
        &st, pk->err);
    if (rc != ST_OK)
        return rc;
    sqlite3_bind_int64(st, 1, pk->c.id);
    struct strbuf reg, use;
    sb_init(&reg);
    sb_init(&use);
    for (size_t i = 0; reg_h[i]; i++)
        csvw_raw(&reg, reg_h[i], i == 0);
    csvw_end(&reg);
    static const char *const use_h[] = {"pool_id",   "period_start", "period_end", "unit",
                                        "grant",     "carry_in",     "consumed",   "remaining",
                                        "carry_out", "expired",      NULL};
    for (size_t i = 0; use_h[i]; i++)
        csvw_raw(&use, use_h[i], i == 0);
    csvw_end(&use);
    int step;
    int32_t today = clock_today();
    while (rc == ST_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct pool p;
        pool_init(&p);
        rc = pool_get(pk->s, store_col_text(st, 0), &p, pk->err);
        if (rc != ST_OK)
            break;
        json_t *j = pool_register_json(&p);
        csvw_text(&reg, p.id, true);
        for (size_t c = 1; reg_h[c]; c++) {
            const char *key = reg_h[c];
            json_t *v = json_object_get(j, key);
            if (json_is_array(v)) {
                struct strbuf list;
                sb_init(&list);
                size_t k;
                json_t *e;
                json_array_foreach(v, k, e)
                    sb_addf(&list, "%s%s", k ? ";" : "", json_string_value(e));
                csvw_text(&reg, sb_str(&list), false);
                sb_done(&list);
            } else if (json_is_integer(v)) {
                char num[32];
                snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
                csvw_raw(&reg, num, false);
            } else {
                csvw_text(&reg, json_is_string(v) ? json_string_value(v) : NULL, false);
            }
        }
        csvw_end(&reg);
        json_decref(j);
        struct ledger_row *rows = NULL;
        size_t n = 0;
        rc = ledger_compute(pk->s, &p, today, &rows, &n, pk->err);
        for (size_t k = 0; rc == ST_OK && k < n; k++) {
            char d1[DATE_BUF], d2[DATE_BUF], a[AMOUNT_BUF];
            csvw_text(&use, p.id, true);
            csvw_raw(&use, date_format(rows[k].start, d1), false);
            csvw_raw(&use, date_format(rows[k].end - 1, d2), false);
            csvw_text(&use, p.unit, false);
            const int64_t vals[] = {rows[k].grant,     rows[k].carry_in,  rows[k].consumed,
                                    rows[k].remaining, rows[k].carry_out, rows[k].expired};
            for (size_t v = 0; v < 6; v++)
                csvw_raw(&use, amount_format(vals[v], 2, false, a), false);
            csvw_end(&use);
        }
        /* A burn chart for pools with a decision: consumption per period against the grant. */
        size_t di;
        json_t *dv;
        bool decided = false;
        json_array_foreach(pk->decided_pools, di, dv) decided =
            decided || strcmp(json_string_value(dv), p.id) == 0;
        if (rc == ST_OK && decided && n > 0) {
            size_t first = n > 12 ? n - 12 : 0;
            int64_t max = 1;
            for (size_t k = first; k < n; k++) {
                if (rows[k].consumed > max)
                    max = rows[k].consumed;
                if (rows[k].grant + rows[k].carry_in > max)
                    max = rows[k].grant + rows[k].carry_in;
            }
            sb_adds(charts, "<figure><figcaption>");
            html_escape(charts, p.id);
            sb_addf(charts,
                    " &mdash; consumption per period (bars) against available credit "
                    "(line), %s</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                    "width=\"480\" height=\"140\" role=\"img\">",
                    p.unit);
            double bw = 440.0 / (double)(n - first);
            for (size_t k = first; k < n; k++) {
                double h = 110.0 * (double)rows[k].consumed / (double)max;
                double avail = 110.0 * (double)(rows[k].grant + rows[k].carry_in) / (double)max;
                double x = 30.0 + bw * (double)(k - first);
                sb_addf(charts,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        "fill=\"#4a78b0\"/><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"#c0392b\" stroke-width=\"2\"/>",
                        x + 2, 120.0 - h, bw - 4, h, x, x + bw, 120.0 - avail, 120.0 - avail);
                char d1[DATE_BUF];
                sb_addf(charts, "<text x=\"%.1f\" y=\"135\" font-size=\"8\">%.7s</text>", x + 2,
                        date_format(rows[k].start, d1));
            }
            sb_adds(charts, "</svg></figure>\n");
        }
        free(rows);
        pool_done(&p);
    }
    sqlite3_finalize(st);
    if (rc == ST_OK)
        rc = pack_write(pk, "register.csv", sb_str(&reg), reg.len);
    if (rc == ST_OK)
        rc = pack_write(pk, "usage-by-pool.csv", sb_str(&use), use.len);
    sb_done(&reg);
    sb_done(&use);
    return rc;
}

/* The contiguous run of audit events from the campaign's start to the chain head. */
static enum status pack_audit(struct pack *pk)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(
        pk->s,
        "SELECT seq, at, actor, os_user, event, subject, body, prev_hash, hash, signature, "
        "signer FROM audit_event WHERE seq >= coalesce(?1, (SELECT min(seq) FROM audit_event "
        "WHERE at >= ?2), (SELECT max(seq) FROM audit_event)) ORDER BY seq",
        &st, pk->err);
    if (rc != ST_OK)
        return rc;
    if (pk->c.audit_seq > 0)
        sqlite3_bind_int64(st, 1, pk->c.audit_seq);
    store_bind_text(st, 2, pk->c.created_at);
    struct strbuf out;
    sb_init(&out);
    static const char *const names[] = {"seq",   "at",        "actor", "os_user",
                                        "event", "subject",   "body",  "prev_hash",
                                        "hash",  "signature", "signer"};
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "seq", json_integer(sqlite3_column_int64(st, 0)));
        for (int c = 1; c < 11; c++)
            json_object_set_new(o, names[c],
                                sqlite3_column_type(st, c) == SQLITE_NULL
                                    ? json_null()
                                    : json_string(store_col_text(st, c)));
        char *line = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
        sb_adds(&out, line);
        sb_addc(&out, '\n');
        free(line);
        json_decref(o);
        if (!pk->sum->first_seq)
            pk->sum->first_seq = sqlite3_column_int64(st, 0);
        pk->sum->head_seq = sqlite3_column_int64(st, 0);
        snprintf(pk->sum->head_hash, sizeof pk->sum->head_hash, "%s", store_col_text(st, 8));
    }
    if (step != SQLITE_DONE)
        rc = store_error(pk->s, step, "audit", pk->err);
    sqlite3_finalize(st);
    if (rc == ST_OK)
        rc = pack_write(pk, "audit-events.jsonl", sb_str(&out), out.len);
    sb_done(&out);
    return rc;
}

static enum status pack_frameworks(struct pack *pk)
{
    struct strbuf out;
    sb_init(&out);
    static const char *const h[] = {"kind",         "subject",         "owasp_nhi_top10_2025",
                                    "nist_csf_2_0", "nist_ai_rmf_1_0", "csa_maestro"};
    for (size_t i = 0; i < 6; i++)
        csvw_raw(&out, h[i], i == 0);
    csvw_end(&out);
    for (int pass = 0; pass < 2; pass++) {
        size_t n;
        const struct framework_refs *r = pass ? frameworks_controls(&n) : frameworks_rules(&n);
        for (size_t i = 0; i < n; i++) {
            const char *cells[] = {r[i].subject, r[i].owasp_nhi, r[i].nist_csf, r[i].nist_ai_rmf,
                                   r[i].maestro};
            csvw_raw(&out, pass ? "control" : "rule", true);
            sb_adds(&pk->frameworks_html, "<tr><td>");
            sb_adds(&pk->frameworks_html, pass ? "control" : "rule");
            for (size_t c = 0; c < 5; c++) {
                csvw_text(&out, cells[c], false);
                sb_adds(&pk->frameworks_html, "</td><td>");
                html_escape(&pk->frameworks_html, cells[c]);
            }
            sb_adds(&pk->frameworks_html, "</td></tr>\n");
            csvw_end(&out);
        }
    }
    enum status rc = pack_write(pk, "frameworks.csv", sb_str(&out), out.len);
    sb_done(&out);
    return rc;
}

static enum status pack_report(struct pack *pk, const char *exporter, const char *charts)
{
    struct strbuf h;
    sb_init(&h);
    char now[TIMESTAMP_BUF];
    date_format_timestamp(clock_now(), now);
    sb_adds(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
                "Evidence pack: ");
    html_escape(&h, pk->c.name);
    sb_adds(&h, "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#111}"
                "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;"
                "padding:2px 6px;font-size:12px;text-align:left}th{background:#eee}"
                "h1,h2{margin-top:1.2em}figure{display:inline-block;margin:0 1em 1em 0}"
                "figcaption{font-size:12px}@media print{body{margin:0}h2{page-break-after:avoid}}"
                "</style></head><body>\n<h1>Access review evidence: ");
    html_escape(&h, pk->c.name);
    sb_adds(&h, "</h1>\n<table><tr><th>scope</th><td>");
    html_escape(&h, pk->c.scope);
    sb_adds(&h, "</td></tr><tr><th>started</th><td>");
    html_escape(&h, pk->c.starts_on);
    sb_adds(&h, "</td></tr><tr><th>due</th><td>");
    html_escape(&h, pk->c.due_on);
    sb_adds(&h, "</td></tr><tr><th>started by</th><td>");
    html_escape(&h, pk->c.created_by);
    sb_adds(&h, "</td></tr><tr><th>exported</th><td>");
    html_escape(&h, now);
    sb_adds(&h, " by ");
    html_escape(&h, exporter);
    sb_addf(&h,
            "</td></tr><tr><th>audit chain head</th><td>seq %lld, %s</td></tr>"
            "<tr><th>items</th><td>%d</td></tr><tr><th>decisions</th><td>%d</td></tr>"
            "</table>\n",
            (long long)pk->sum->head_seq, pk->sum->head_hash, pk->sum->items, pk->sum->decisions);
    sb_adds(&h, "<h2>Completion per reviewer</h2>\n<table><tr><th>reviewer</th><th>items</th>"
                "<th>decided</th><th>completion</th></tr>\n");
    const char *key;
    json_t *v;
    json_object_foreach(pk->reviewers, key, v)
    {
        json_int_t t = json_integer_value(json_object_get(v, "total"));
        json_int_t d = json_integer_value(json_object_get(v, "decided"));
        sb_adds(&h, "<tr><td>");
        html_escape(&h, key);
        sb_addf(&h, "</td><td>%lld</td><td>%lld</td><td>%.0f%%</td></tr>\n", (long long)t,
                (long long)d, t ? 100.0 * (double)d / (double)t : 0.0);
    }
    sb_adds(&h, "</table>\n<h2>Decisions by action</h2>\n<table><tr><th>action</th><th>count</th>"
                "</tr>\n");
    json_object_foreach(pk->by_action, key, v)
    {
        sb_adds(&h, "<tr><td>");
        html_escape(&h, key);
        sb_addf(&h, "</td><td>%lld</td></tr>\n", (long long)json_integer_value(v));
    }
    sb_adds(&h, "</table>\n<h2>Items</h2>\n<table><tr><th>pool</th><th>reviewer</th><th>state"
                "</th><th>decision</th></tr>\n");
    sb_adds(&h, sb_str(&pk->items_html));
    sb_adds(&h, "</table>\n<h2>Burn of decided pools</h2>\n");
    sb_adds(&h, charts);
    sb_adds(&h, "\n<h2>Findings</h2>\n<table><tr><th>rule</th><th>pool</th><th>subject</th>"
                "<th>severity</th><th>explanation</th></tr>\n");
    sb_adds(&h, sb_str(&pk->findings_html));
    sb_adds(&h, "</table>\n<h2>Framework mapping</h2>\n<table><tr><th>kind</th><th>subject</th>"
                "<th>OWASP NHI Top 10 (2025)</th><th>NIST CSF 2.0</th><th>NIST AI RMF 1.0</th>"
                "<th>CSA MAESTRO</th></tr>\n");
    sb_adds(&h, sb_str(&pk->frameworks_html));
    sb_adds(&h, "</table>\n<p>Verify this pack offline with <code>credence evidence verify "
                "DIR</code>.</p>\n</body></html>\n");
    enum status rc = pack_write(pk, "report.html", sb_str(&h), h.len);
    sb_done(&h);
    return rc;
}

static enum status pack_prepare_dir(const char *dir, struct strbuf *err)
{
    if (mkdir(dir, 0700) == 0)
        return ST_OK;
    if (errno != EEXIST) {
        sb_setf(err, "%s: cannot create: %s", dir, strerror(errno));
        return ST_IO;
    }
    DIR *d = opendir(dir);
    if (!d) {
        sb_setf(err, "%s: not a directory", dir);
        return ST_USAGE;
    }
    struct dirent *de;
    bool empty = true;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            empty = false;
    closedir(d);
    if (!empty) {
        sb_setf(err, "%s exists and is not empty; choose a new folder for the pack", dir);
        return ST_USAGE;
    }
    return ST_OK;
}

enum status evidence_export(struct store *s, const char *name, const char *dir,
                            const char *exporter, const char *version, struct evidence_summary *sum,
                            struct strbuf *err)
{
    memset(sum, 0, sizeof *sum);
    struct pack pk = {.s = s, .dir = dir, .sum = sum, .err = err};
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s,
                                   "SELECT id, name, scope, starts_on, due_on, created_by, "
                                   "created_at, closed_at, audit_seq FROM campaign WHERE name = ?",
                                   &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, name);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        pk.c.id = sqlite3_column_int64(st, 0);
        pk.c.name = col_dup(st, 1);
        pk.c.scope = col_dup(st, 2);
        pk.c.starts_on = col_dup(st, 3);
        pk.c.due_on = col_dup(st, 4);
        pk.c.created_by = col_dup(st, 5);
        pk.c.created_at = col_dup(st, 6);
        pk.c.closed_at = col_dup(st, 7);
        pk.c.audit_seq = sqlite3_column_int64(st, 8);
    } else if (step == SQLITE_DONE) {
        sb_setf(err, "no campaign named '%s'", name);
        rc = ST_NOT_FOUND;
    } else {
        rc = store_error(s, step, "campaign", err);
    }
    sqlite3_finalize(st);
    if (rc != ST_OK)
        return rc;
    /* Read everything in one read transaction so the pack is one consistent snapshot. */
    rc = store_exec(s, "BEGIN", err);
    if (rc == ST_OK)
        rc = pack_prepare_dir(dir, err);
    pk.hashes = json_object();
    pk.reviewers = json_object();
    pk.by_action = json_object();
    pk.decided_pools = json_array();
    sb_init(&pk.findings_html);
    sb_init(&pk.frameworks_html);
    sb_init(&pk.items_html);
    struct strbuf charts;
    sb_init(&charts);
    if (rc == ST_OK)
        rc = pack_tables(&pk);
    if (rc == ST_OK)
        rc = pack_pools(&pk, &charts);
    if (rc == ST_OK)
        rc = pack_audit(&pk);
    if (rc == ST_OK)
        rc = pack_frameworks(&pk);
    if (rc == ST_OK)
        rc = pack_report(&pk, exporter, sb_str(&charts));
    store_rollback(s);
    if (rc == ST_OK) {
        char now[TIMESTAMP_BUF];
        date_format_timestamp(clock_now(), now);
        json_t *m =
            json_pack("{ss ss ss ss s{sI ss} sO}", "campaign", pk.c.name, "exported_at", now,
                      "exporter", exporter, "tool_version", version, "chain_head", "seq",
                      (json_int_t)sum->head_seq, "hash", sum->head_hash, "files", pk.hashes);
        json_object_set_new(m, "first_seq", json_integer(sum->first_seq));
        char *text = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS);
        char path[4096];
        snprintf(path, sizeof path, "%s/manifest.json", dir);
        FILE *f = fopen(path, "wb");
        if (!f || fputs(text, f) < 0 || fputc('\n', f) == EOF || fclose(f) != 0) {
            sb_setf(err, "%s: cannot write", path);
            rc = ST_IO;
        }
        free(text);
        json_decref(m);
    }
    json_decref(pk.hashes);
    json_decref(pk.reviewers);
    json_decref(pk.by_action);
    json_decref(pk.decided_pools);
    sb_done(&pk.findings_html);
    sb_done(&pk.frameworks_html);
    sb_done(&pk.items_html);
    sb_done(&charts);
    campaign_done(&pk.c);
    return rc;
}

/* Reads a whole file; NULL when it cannot. Caller frees. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct strbuf sb;
    sb_init(&sb);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(&sb, buf, n);
    fclose(f);
    *len = sb.len;
    return sb_steal(&sb);
}

static enum status verify_chain(const char *dir, const char *text, int64_t head_seq,
                                const char *head_hash, struct evidence_check *res,
                                struct strbuf *err)
{
    char prev[65] = "";
    int64_t expect = -1;
    long line = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        line++;
        json_error_t jerr;
        json_t *o = json_loadb(p, len, 0, &jerr);
        p += len + (nl ? 1 : 0);
        if (!o) {
            sb_setf(err, "%s/audit-events.jsonl:%ld: not a JSON event", dir, line);
            return ST_TAMPERED;
        }
        struct chain_event e = {
            .seq = json_integer_value(json_object_get(o, "seq")),
            .at = json_string_value(json_object_get(o, "at")),
            .actor = json_string_value(json_object_get(o, "actor")),
            .os_user = json_string_value(json_object_get(o, "os_user")),
            .event = json_string_value(json_object_get(o, "event")),
            .subject = json_string_value(json_object_get(o, "subject")),
            .body = json_string_value(json_object_get(o, "body")),
            .prev_hash = json_string_value(json_object_get(o, "prev_hash")),
            .hash = json_string_value(json_object_get(o, "hash")),
            .signature = json_string_value(json_object_get(o, "signature")),
            .signer = json_string_value(json_object_get(o, "signer")),
        };
        if (expect < 0) { /* the segment starts mid-chain: trust its first link */
            expect = e.seq;
            snprintf(prev, sizeof prev, "%s", e.prev_hash ? e.prev_hash : "");
        }
        enum chain_sig sig = CHAIN_UNSIGNED;
        const char *why = chain_check(&e, prev, expect, &sig);
        if (why) {
            sb_setf(err, "%s/audit-events.jsonl:%ld: audit chain broken at seq %lld: %s", dir, line,
                    (long long)e.seq, why);
            json_decref(o);
            return ST_TAMPERED;
        }
        res->events++;
        if (sig == CHAIN_SIGNED)
            res->signed_ok++;
        else
            res->unsigned_n++;
        snprintf(prev, sizeof prev, "%s", e.hash);
        expect = e.seq + 1;
        json_decref(o);
    }
    if (expect - 1 != head_seq || strcmp(prev, head_hash) != 0) {
        sb_setf(err,
                "%s/audit-events.jsonl: the segment ends at seq %lld, not at the manifest's "
                "chain head seq %lld (%s)",
                dir, (long long)(expect - 1), (long long)head_seq, head_hash);
        return ST_TAMPERED;
    }
    snprintf(res->head_hash, sizeof res->head_hash, "%s", prev);
    return ST_OK;
}

enum status evidence_verify(const char *dir, struct evidence_check *res, struct strbuf *err)
{
    memset(res, 0, sizeof *res);
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    size_t len;
    char *text = slurp(path, &len);
    if (!text) {
        sb_setf(err, "%s: cannot read: %s", path, strerror(errno));
        return ST_NO_INPUT;
    }
    json_error_t jerr;
    json_t *m = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    json_t *files = json_object_get(m, "files");
    json_t *head = json_object_get(m, "chain_head");
    if (!json_is_object(files) || !json_is_object(head)) {
        sb_setf(err, "%s:%d:%d: not a credence manifest (%s)", path, jerr.line, jerr.column,
                m ? "no files or chain_head" : jerr.text);
        json_decref(m);
        return ST_TAMPERED;
    }
    enum status rc = ST_OK;
    for (size_t i = 0; rc == ST_OK && i < PACK_FILE_COUNT; i++)
        if (!json_object_get(files, pack_files[i])) {
            sb_setf(err, "%s: manifest does not list %s", path, pack_files[i]);
            rc = ST_TAMPERED;
        }
    const char *name;
    json_t *want;
    json_object_foreach(files, name, want)
    {
        if (rc != ST_OK)
            break;
        if (strchr(name, '/') || strcmp(name, "..") == 0) {
            sb_setf(err, "%s: manifest names a path outside the pack: %s", path, name);
            rc = ST_TAMPERED;
            break;
        }
        char fpath[4096];
        snprintf(fpath, sizeof fpath, "%s/%s", dir, name);
        char *data = slurp(fpath, &len);
        if (!data) {
            sb_setf(err, "%s: missing", fpath);
            rc = ST_TAMPERED;
            break;
        }
        char hex[SHA256_HEX_BUF];
        sha256_hex(data, len, hex);
        if (!json_is_string(want) || strcmp(hex, json_string_value(want)) != 0) {
            sb_setf(err, "%s: SHA-256 differs from the manifest (changed after export)", fpath);
            rc = ST_TAMPERED;
        } else {
            res->files++;
            if (strcmp(name, "audit-events.jsonl") == 0)
                rc = verify_chain(dir, data, json_integer_value(json_object_get(head, "seq")),
                                  json_string_value(json_object_get(head, "hash"))
                                      ? json_string_value(json_object_get(head, "hash"))
                                      : "",
                                  res, err);
        }
        free(data);
    }
    if (rc == ST_OK) { /* files nobody listed do not belong to the pack */
        DIR *d = opendir(dir);
        struct dirent *de;
        while (d && rc == ST_OK && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.' || strcmp(de->d_name, "manifest.json") == 0)
                continue;
            if (!json_object_get(files, de->d_name)) {
                sb_setf(err, "%s/%s: not listed in the manifest", dir, de->d_name);
                rc = ST_TAMPERED;
            }
        }
        if (d)
            closedir(d);
    }
    json_decref(m);
    return rc;
}
