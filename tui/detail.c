/* The pool detail screen: register fields, bindings and scope, the ledger with burn rates and
 * forecast, a 90-day daily burn bar chart with the daily allowance line, consumption by model,
 * key and workload, findings with their framework references, the recommendation, the decision
 * history and the pool's provider actions. Built as lines in recalc; the list scrolls them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/findings.h"
#include "core/frameworks.h"
#include "core/pool_detail.h"
#include "core/push.h"
#include "core/review.h"
#include "tui/internal.h"

#define CHART_DAYS   90
#define CHART_HEIGHT 8

/* The daily burn of the last CHART_DAYS days as bars, averaged over days per column when the
 * screen is narrower than the days, with the daily allowance (what is available this period
 * spread over its days) drawn as a line where no bar covers it. */
static void burn_chart(struct tui_app *app, const struct pool *p, int32_t today, int64_t allowance)
{
    int64_t daily[CHART_DAYS];
    struct strbuf err;
    sb_init(&err);
    if (pool_daily(app->opts->store, p, today - CHART_DAYS + 1, today + 1, daily, &err) != ST_OK) {
        tui_message(app, "%s", sb_str(&err));
        sb_done(&err);
        return;
    }
    sb_done(&err);
    const int label_w = 14;
    int avail = COLS - label_w - 2;
    int per = avail >= CHART_DAYS ? 1 : (CHART_DAYS + avail - 1) / (avail > 0 ? avail : 1);
    int ncols = (CHART_DAYS + per - 1) / per;
    int64_t col[CHART_DAYS], max = allowance;
    for (int c = 0; c < ncols; c++) {
        int64_t sum = 0;
        int days = 0;
        for (int d = c * per; d < (c + 1) * per && d < CHART_DAYS; d++, days++)
            sum += daily[d];
        col[c] = days ? sum / days : 0;
        if (col[c] > max)
            max = col[c];
    }
    if (max <= 0)
        max = 1;
    bool utf8 = tui_utf8();
    /* the allowance sits in the row whose band holds it */
    int line_row = allowance > 0 ? (int)((allowance * CHART_HEIGHT - 1) / max) : -1;
    char a[AMOUNT_BUF], d1[DATE_BUF], d2[DATE_BUF];
    tui_rows_add(app, NULL, CR_HEADER,
                 "DAILY BURN, last %d days (%s/day; %s is the daily allowance%s)", CHART_DAYS,
                 p->unit, utf8 ? "\u2500" : "-", per > 1 ? "; a column averages several days" : "");
    for (int r = CHART_HEIGHT - 1; r >= 0; r--) {
        struct strbuf line;
        sb_init(&line);
        if (r == CHART_HEIGHT - 1)
            sb_addf(&line, "%*s ", label_w - 1, tui_money(max, p->unit, a));
        else if (r == line_row)
            sb_addf(&line, "%*s ", label_w - 1, tui_money(allowance, p->unit, a));
        else
            sb_addf(&line, "%*s ", label_w - 1, "");
        sb_adds(&line, utf8 ? "\u2502" : "|");
        for (int c = 0; c < ncols; c++) {
            /* eighths of this row the bar fills */
            int64_t fill = col[c] * CHART_HEIGHT * 8 / max - (int64_t)r * 8;
            if (fill >= 8)
                sb_adds(&line, tui_block(8));
            else if (fill > 0)
                sb_adds(&line, tui_block((int)fill));
            else if (r == line_row)
                sb_adds(&line, utf8 ? "\u2500" : "-");
            else
                sb_addc(&line, ' ');
        }
        tui_rows_add(app, NULL, r == line_row ? CR_GRANT : CR_BAR, "%s", sb_str(&line));
        sb_done(&line);
    }
    tui_rows_add(app, NULL, CR_GRID, "%*s %-*s%s", label_w - 1, "", ncols - DATE_BUF + 2,
                 date_format(today - CHART_DAYS + 1, d1), date_format(today, d2));
}

static void breakdown(struct tui_app *app, const struct pool *p, enum pool_breakdown_by by,
                      const char *title, int32_t from, int32_t to, int64_t total)
{
    struct pool_share *sh = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    if (pool_breakdown(app->opts->store, p, by, from, to, 6, &sh, &n, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    sb_done(&err);
    if (n == 0) {
        pool_shares_free(sh, n);
        return;
    }
    tui_rows_add(app, NULL, CR_HEADER, "%-34s %14s %6s %10s", title, "CONSUMED", "SHARE",
                 "REQUESTS");
    bool utf8 = tui_utf8();
    for (size_t i = 0; i < n; i++) {
        char a[AMOUNT_BUF];
        double pct = total > 0 ? 100.0 * (double)sh[i].amount / (double)total : 0.0;
        struct strbuf line, bar;
        sb_init(&line);
        sb_init(&bar);
        int fill = (int)(pct / 5.0 + 0.5); /* 20 cells for 100% */
        for (int k = 0; k < fill && k < 20; k++)
            sb_adds(&bar, utf8 ? "\u2588" : "#");
        tui_cell(&line, sh[i].name, 34);
        sb_addf(&line, "%14s %5.1f%% %10lld %s", tui_money(sh[i].amount, p->unit, a), pct,
                (long long)sh[i].requests, sb_str(&bar));
        tui_rows_add(app, NULL, CR_NORMAL, "%s", sb_str(&line));
        sb_done(&line);
        sb_done(&bar);
    }
    pool_shares_free(sh, n);
}

static void register_lines(struct tui_app *app, const struct pool *p)
{
    char a[AMOUNT_BUF], d1[DATE_BUF], d2[DATE_BUF], d3[DATE_BUF];
    tui_rows_add(app, NULL, CR_TITLE, "%s  %s", p->id, p->name);
    tui_rows_add(app, NULL, CR_NORMAL, "provider %s  account %s  environment %s  status %s",
                 p->provider, p->account, p->environment, p->status);
    tui_rows_add(app, NULL, CR_NORMAL, "owner %s  custodian %s  review every %d days, last %s",
                 *p->owner ? p->owner : "(none)", *p->custodian ? p->custodian : "(none)",
                 p->review_interval_days,
                 p->last_review == POOL_NO_DATE ? "never" : date_format(p->last_review, d3));
    char cap[48] = "";
    if (strcmp(p->rollover, "capped") == 0)
        snprintf(cap, sizeof cap, " at %.0f%%", p->rollover_cap_pct);
    tui_rows_add(app, NULL, CR_NORMAL, "grant %s %s %s from %s, rollover %s%s%s, expires %s",
                 tui_money(p->grant_micros, p->unit, a), p->unit, p->period,
                 date_format(p->starts_on, d1), p->rollover, cap,
                 p->rollover_max_periods >= 0 ? " (limited age)" : "",
                 p->expires_on == POOL_NO_DATE ? "never" : date_format(p->expires_on, d2));
    if (p->contract_ref[0])
        tui_rows_add(app, NULL, CR_MUTED, "contract %s", p->contract_ref);
    for (size_t i = 0; i < p->nbindings; i++)
        tui_rows_add(app, NULL, CR_MUTED, "binding %s:%s", p->bindings[i].kind,
                     p->bindings[i].value);
    for (size_t i = 0; i < p->nscope; i++)
        tui_rows_add(app, NULL, CR_MUTED, "scope   %s:%s", p->scope[i].kind, p->scope[i].value);
}

/* The ledger table, burn rates and forecast; returns the current row in *cur. */
static bool ledger_lines(struct tui_app *app, const struct pool *p, int32_t today,
                         struct ledger_row *cur)
{
    struct ledger_row *rows = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    if (ledger_compute(app->opts->store, p, today, &rows, &n, &err) != ST_OK) {
        tui_message(app, "%s", sb_str(&err));
        sb_done(&err);
        return false;
    }
    char a[AMOUNT_BUF], b[AMOUNT_BUF], c[AMOUNT_BUF], d[AMOUNT_BUF], e[AMOUNT_BUF], d1[DATE_BUF],
        d2[DATE_BUF];
    tui_rows_add(app, NULL, CR_HEADER, "%-23s %14s %14s %14s %14s %14s", "PERIOD", "GRANT",
                 "CARRY-IN", "CONSUMED", "REMAINING", "CARRY-OUT");
    for (size_t i = n > 5 ? n - 5 : 0; i < n; i++)
        tui_rows_add(
            app, NULL, i + 1 == n ? CR_NORMAL : CR_MUTED, "%s..%s %14s %14s %14s %14s %14s",
            date_format(rows[i].start, d1), date_format(rows[i].end - 1, d2),
            tui_money(rows[i].grant, p->unit, a), tui_money(rows[i].carry_in, p->unit, b),
            tui_money(rows[i].consumed, p->unit, c), tui_money(rows[i].remaining, p->unit, d),
            tui_money(rows[i].carry_out, p->unit, e));
    *cur = rows[n - 1];
    free(rows);
    int64_t burn7 = 0, burn28 = 0;
    if (ledger_burn_rate(app->opts->store, p, today, 7, &burn7, &err) == ST_OK &&
        ledger_burn_rate(app->opts->store, p, today, 28, &burn28, &err) == ST_OK) {
        int32_t out = ledger_exhaustion_day(cur->remaining, burn7, today);
        char forecast[64], f[DATE_BUF];
        if (out == POOL_NO_DATE)
            snprintf(forecast, sizeof forecast, "no burn, no exhaustion forecast");
        else if (out < cur->end)
            snprintf(forecast, sizeof forecast, "runs out %s, before the period ends",
                     date_format(out, f));
        else
            snprintf(forecast, sizeof forecast, "lasts the period at this rate");
        tui_rows_add(app, NULL, out != POOL_NO_DATE && out < cur->end ? CR_HIGH : CR_NORMAL,
                     "burn %s/day (7 days), %s/day (28 days); utilisation %.0f%%; %s",
                     tui_money(burn7, p->unit, a), tui_money(burn28, p->unit, b),
                     ledger_utilization_pct(cur), forecast);
    }
    sb_done(&err);
    return true;
}

static void findings_lines(struct tui_app *app, const struct pool *p)
{
    struct finding *f = NULL;
    size_t nf = 0;
    struct finding_filter ff = {.pool_id = p->id};
    struct strbuf err;
    sb_init(&err);
    if (findings_list(app->opts->store, &ff, &f, &nf, &err) == ST_OK) {
        tui_rows_add(app, NULL, CR_HEADER, "FINDINGS (%zu)", nf);
        for (size_t i = 0; i < nf; i++) {
            tui_rows_add(app, NULL, theme_role_for_severity(f[i].severity), "%-8s %-20s %s",
                         f[i].severity, f[i].rule, f[i].explanation);
            const struct framework_refs *r = frameworks_rule(f[i].rule);
            if (r)
                tui_rows_add(app, NULL, CR_MUTED, "         %s | %s | %s | %s", r->owasp_nhi,
                             r->nist_csf, r->nist_ai_rmf, r->maestro);
        }
    }
    findings_free(f, nf);
    sb_done(&err);
}

static void history_lines(struct tui_app *app, const struct pool *p)
{
    struct pool_decision *d = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    if (pool_decisions(app->opts->store, p->id, 10, &d, &n, &err) == ST_OK) {
        tui_rows_add(app, NULL, CR_HEADER, "DECISIONS (latest %zu)", n);
        for (size_t i = 0; i < n; i++) {
            struct strbuf reason; /* a multi-line reason on one row: its lines joined by " / " */
            sb_init(&reason);
            for (const char *r = d[i].reason; *r; r++)
                if (*r == '\n')
                    sb_adds(&reason, " / ");
                else
                    sb_addc(&reason, *r);
            tui_rows_add(app, NULL, CR_NORMAL, "%-20.20s %-8s %-10s %-9s%s%s %s%s%s",
                         d[i].decided_at, d[i].actor, d[i].role, d[i].action,
                         d[i].grant[0] ? " to " : "", d[i].grant,
                         d[i].is_signed ? "[signed] " : "[unsigned] ",
                         d[i].emergency ? "[emergency] " : "", sb_str(&reason));
            sb_done(&reason);
        }
        if (n == 0)
            tui_rows_add(app, NULL, CR_MUTED, "  none yet");
    }
    pool_decisions_free(d, n);
    json_t *arr = NULL;
    if (push_list(app->opts->store, &arr, &err) == ST_OK) {
        size_t i, shown = 0;
        json_t *o;
        json_array_foreach(arr, i, o)
        {
            if (strcmp(json_string_value(json_object_get(o, "pool_id")), p->id) != 0)
                continue;
            if (shown++ == 0)
                tui_rows_add(app, NULL, CR_HEADER, "PROVIDER ACTIONS");
            const char *state = json_string_value(json_object_get(o, "state"));
            const char *last = json_string_value(json_object_get(o, "last_error"));
            bool bad = strcmp(state, "failed") == 0 || strcmp(state, "dead") == 0;
            tui_rows_add(app, NULL,
                         bad                              ? CR_CRITICAL
                         : strcmp(state, "verified") == 0 ? CR_OK
                                                          : CR_NORMAL,
                         "#%-5lld %-9s try %lld  %s%s%s",
                         (long long)json_integer_value(json_object_get(o, "id")), state,
                         (long long)json_integer_value(json_object_get(o, "attempts")),
                         json_string_value(json_object_get(o, "summary")), last ? ": " : "",
                         last ? last : "");
        }
    }
    json_decref(arr);
    sb_done(&err);
}

static void detail_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    struct pool p;
    pool_init(&p);
    struct strbuf err;
    sb_init(&err);
    int32_t today = clock_today();
    snprintf(app->header, sizeof app->header, "Pool %s", app->detail_id);
    if (pool_get(app->opts->store, app->detail_id, &p, &err) != ST_OK) {
        tui_message(app, "%s", sb_str(&err));
        sb_done(&err);
        return;
    }
    register_lines(app, &p);
    struct ledger_row cur;
    if (ledger_lines(app, &p, today, &cur)) {
        int days = cur.end - cur.start;
        burn_chart(app, &p, today, days > 0 ? (cur.grant + cur.carry_in) / days : 0);
        breakdown(app, &p, PB_MODEL, "BY MODEL (this period)", cur.start, cur.end, cur.consumed);
        breakdown(app, &p, PB_API_KEY, "BY API KEY (this period)", cur.start, cur.end,
                  cur.consumed);
        breakdown(app, &p, PB_WORKLOAD, "BY WORKLOAD (this period)", cur.start, cur.end,
                  cur.consumed);
    }
    findings_lines(app, &p);
    struct recommendation rec;
    if (review_recommend(app->opts->store, app->opts->config, &p, today, &rec, &err) == ST_OK)
        tui_rows_add(app, NULL, CR_OK, "recommendation: %s (%s)", rec.action, rec.reason);
    history_lines(app, &p);
    pool_done(&p);
    sb_done(&err);
    /* every line carries the pool, so a, r, x and Space act on it from anywhere on the page */
    for (size_t i = 0; i < app->nrows; i++)
        if (!app->rows[i].key)
            app->rows[i].key = xstrdup(app->detail_id);
}

static const enum tui_action view_detail_keys[] = {
    ACT_APPROVE, ACT_REDUCE, ACT_REVOKE, ACT_ESCALATE, ACT_SNOOZE, ACT_ACKNOWLEDGE, ACT_NONE};

const struct view_ops view_detail = {.name = "Pool",
                                     .recalc = detail_recalc,
                                     .draw = tui_list_draw,
                                     .handle = tui_detail_back,
                                     .keys = view_detail_keys};
