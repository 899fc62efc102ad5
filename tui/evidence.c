/* The Evidence screens (read-only for everyone): campaigns -> a campaign's items (f cycles the
 * filters) -> a decision's evidence. Enter drills down, q/Esc goes back up one level, and every
 * screen shows the audit chain status, computed once when the screen is entered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/evidence_view.h"
#include "tui/internal.h"

/* Where the auditor is in the three levels. One console runs one app, so the state lives here
 * rather than in struct tui_app (which stays generic). */
enum ev_level { EV_CAMPAIGNS, EV_ITEMS, EV_DECISION, EV__LEVELS };

static struct {
    struct evidence_chain chain;
    bool keep_chain;             /* recalc after a filter change: same screen, same chain */
    char campaign[128];          /* the campaign whose items are listed */
    int64_t decision_id;         /* the decision shown (0: an item without one) */
    char pool[128];              /* the pool of the item shown */
    enum evidence_filter filter; /* items filter */
    size_t sel[EV__LEVELS];      /* selection to return to on each level */
    char subtitle[256];          /* the line under the chain status (what is listed); "" none */
} ev;

/* Computes the chain line unless the recalc only changed the filter. */
static void chain_update(struct tui_app *app)
{
    if (!ev.keep_chain)
        evidence_chain_status(app->opts->store, &ev.chain);
    ev.keep_chain = false;
}

/* A cell: text fitted (sanitised) to width columns, padded. */
static void cell(struct strbuf *sb, const char *s, int width)
{
    text_fit(sb, s ? s : "", width, true);
    sb_addc(sb, ' ');
}

/* Restores the remembered selection of a level after the loop reset it on entry. */
static void restore_sel(struct tui_app *app, enum ev_level lv)
{
    app->sel = ev.sel[lv] < app->nrows ? ev.sel[lv] : 0;
}

/* The chain status line above the list, then the list itself. */
static void ev_draw(struct tui_app *app, WINDOW *w, int h, int width)
{
    struct strbuf sb;
    sb_init(&sb);
    sb_adds(&sb, " ");
    sb_adds(&sb, ev.chain.line);
    struct strbuf line;
    sb_init(&line);
    text_fit(&line, sb_str(&sb), width, true);
    attr_t a = theme_attr(ev.chain.intact ? CR_OK : CR_CRITICAL) | (ev.chain.intact ? 0 : A_BOLD);
    wattron(w, a);
    mvwaddstr(w, 0, 0, sb_str(&line));
    wattroff(w, a);
    int top = 1;
    if (ev.subtitle[0] && h > 2) {
        sb_reset(&line);
        text_fit(&line, ev.subtitle, width, true);
        wattron(w, theme_attr(CR_TITLE));
        mvwaddstr(w, top++, 0, sb_str(&line));
        wattroff(w, theme_attr(CR_TITLE));
    }
    sb_done(&sb);
    sb_done(&line);
    if (h <= top)
        return;
    WINDOW *list = derwin(w, h - top, width, top, 0);
    if (list) {
        tui_list_draw(app, list, h - top, width);
        delwin(list);
    }
}

bool tui_action_changes_state(enum tui_action a)
{
    switch (a) {
    case ACT_APPROVE:
    case ACT_REDUCE:
    case ACT_REVOKE:
    case ACT_ESCALATE:
    case ACT_SNOOZE:
    case ACT_ACKNOWLEDGE:
    case ACT_MARK:
    case ACT_IMPORT:
    case ACT_RETRY:
    case ACT_CANCEL:
        return true;
    default:
        return false;
    }
}

/* Keys every evidence screen refuses: nothing here may change state. */
static bool refuse_change(struct tui_app *app, enum tui_action a)
{
    if (!tui_action_changes_state(a))
        return false;
    tui_message(app, "evidence screens are read-only");
    return true;
}

/* ---- campaigns -------------------------------------------------------------------------- */

static void campaigns_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    chain_update(app);
    snprintf(ev.subtitle, sizeof ev.subtitle,
             "Campaigns (read-only; Enter opens the items, 6 re-checks the chain)");
    snprintf(app->header, sizeof app->header, "%-16s %-10s %-11s %6s %8s %8s  %s", "CAMPAIGN",
             "DUE", "SCOPE", "ITEMS", "DECIDED", "OVERDUE", "PROGRESS");
    struct evidence_campaign *c = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    if (evidence_campaigns(app->opts->store, app->opts->who, clock_today(), &c, &n, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    for (size_t i = 0; i < n; i++) {
        struct strbuf line;
        sb_init(&line);
        cell(&line, c[i].name, 16);
        cell(&line, c[i].due, 10);
        cell(&line, c[i].scope, 11);
        int pct = c[i].total ? 100 * c[i].decided / c[i].total : 0;
        sb_addf(&line, "%6d %8d %8d  %3d%%", c[i].total, c[i].decided, c[i].overdue, pct);
        tui_rows_add(app, c[i].name, c[i].overdue ? CR_HIGH : CR_NORMAL, "%s", sb_str(&line));
        sb_done(&line);
    }
    if (n == 0 && !app->message[0])
        tui_message(app, "no campaign to show yet");
    evidence_campaigns_free(&c, n);
    sb_done(&err);
    restore_sel(app, EV_CAMPAIGNS);
}

static bool campaigns_handle(struct tui_app *app, enum tui_action a)
{
    if (refuse_change(app, a))
        return true;
    if (a == ACT_OPEN && app->nrows && app->rows[app->sel].key) {
        if (strcmp(ev.campaign, app->rows[app->sel].key) != 0) {
            snprintf(ev.campaign, sizeof ev.campaign, "%s", app->rows[app->sel].key);
            ev.sel[EV_ITEMS] = 0;
            ev.filter = EVF_ALL;
        }
        ev.sel[EV_CAMPAIGNS] = app->sel;
        app->view = &view_evidence_items;
        return true;
    }
    if (a == ACT_VIEW_EVIDENCE) { /* 6 again: re-check the chain */
        ev.sel[EV_CAMPAIGNS] = app->sel;
        app->dirty = true;
        return true;
    }
    return false; /* q/Esc: the global handler leaves the Evidence screens */
}

static const enum tui_action view_evidence_keys[] = {ACT_OPEN, ACT_NONE};

const struct view_ops view_evidence = {.name = "Evidence",
                                       .recalc = campaigns_recalc,
                                       .draw = ev_draw,
                                       .handle = campaigns_handle,
                                       .keys = view_evidence_keys};

/* ---- a campaign's items ----------------------------------------------------------------- */

static void items_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    chain_update(app);
    struct evidence_item *it = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    if (evidence_items(app->opts->store, app->opts->who, ev.campaign, ev.filter, clock_today(), &it,
                       &n, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    struct strbuf hdr;
    sb_init(&hdr);
    sb_adds(&hdr, "Campaign ");
    text_fit(&hdr, ev.campaign, 40, false);
    sb_addf(&hdr, ": %zu item%s, filter: %s (f cycles)", n, n == 1 ? "" : "s",
            evidence_filter_label(ev.filter));
    snprintf(ev.subtitle, sizeof ev.subtitle, "%s", sb_str(&hdr));
    sb_done(&hdr);
    snprintf(app->header, sizeof app->header, "%-22s %-8s %-8s %-8s %-16s %-4s %-15s %s", "POOL",
             "REVIEWER", "STATE", "DECISION", "WHEN", "SIG", "PUSH", "FLAGS");
    for (size_t i = 0; i < n; i++) {
        struct strbuf line;
        sb_init(&line);
        cell(&line, it[i].pool_id, 22);
        cell(&line, it[i].reviewer, 8);
        cell(&line, it[i].state, 8);
        cell(&line, it[i].action ? it[i].action : "-", 8);
        char when[17] = "-";
        if (it[i].decided_at) /* "2026-11-24T10:00:00Z" -> "2026-11-24 10:00" */
            snprintf(when, sizeof when, "%.10s %.5s", it[i].decided_at,
                     strlen(it[i].decided_at) > 11 ? it[i].decided_at + 11 : "");
        cell(&line, when, 16);
        cell(&line, !it[i].decision_id ? "-" : it[i].is_signed ? "yes" : "no", 4);
        cell(&line, it[i].push, 15);
        const char *flags[] = {it[i].overdue ? "overdue" : NULL,
                               it[i].emergency ? "emergency" : NULL,
                               it[i].contrary ? "contrary" : NULL};
        bool first = true;
        for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
            if (flags[f]) {
                sb_addf(&line, "%s%s", first ? "" : ",", flags[f]);
                first = false;
            }
        char key[160];
        snprintf(key, sizeof key, "%lld %s", (long long)it[i].decision_id, it[i].pool_id);
        tui_rows_add(app, key,
                     it[i].emergency || it[i].overdue ? CR_HIGH
                     : it[i].contrary                 ? CR_MEDIUM
                                                      : CR_NORMAL,
                     "%s", sb_str(&line));
        sb_done(&line);
    }
    evidence_items_free(&it, n);
    sb_done(&err);
    restore_sel(app, EV_ITEMS);
}

static bool items_handle(struct tui_app *app, enum tui_action a)
{
    if (refuse_change(app, a))
        return true;
    switch (a) {
    case ACT_OPEN:
        if (app->nrows && app->rows[app->sel].key) {
            char *pool = NULL; /* the key is "DECISION-ID POOL-ID" */
            long long id = strtoll(app->rows[app->sel].key, &pool, 10);
            if (*pool == ' ') {
                ev.decision_id = id;
                snprintf(ev.pool, sizeof ev.pool, "%s", pool + 1);
                ev.sel[EV_ITEMS] = app->sel;
                ev.sel[EV_DECISION] = 0;
                app->view = &view_evidence_decision;
            }
        }
        return true;
    case ACT_FILTER:
        ev.filter = (enum evidence_filter)((ev.filter + 1) % EVF__COUNT);
        ev.sel[EV_ITEMS] = 0;
        ev.keep_chain = true;
        app->dirty = true;
        tui_message(app, "filter: %s", evidence_filter_label(ev.filter));
        return true;
    case ACT_BACK:
        ev.sel[EV_ITEMS] = app->sel;
        app->view = &view_evidence;
        return true;
    default:
        return false;
    }
}

static const enum tui_action view_evidence_items_keys[] = {ACT_OPEN, ACT_FILTER, ACT_NONE};

const struct view_ops view_evidence_items = {.name = "Evidence: items",
                                             .recalc = items_recalc,
                                             .draw = ev_draw,
                                             .handle = items_handle,
                                             .keys = view_evidence_items_keys};

/* ---- a decision's evidence -------------------------------------------------------------- */

/* Appends label and free text as rows, the text sanitised and wrapped at word boundaries to the
 * terminal width (at most 8 rows; a longer text is cut with an ellipsis when drawn). */
static void text_paragraph(struct tui_app *app, int role, const char *label, const char *text)
{
    char *clean = text_sanitized_dup(text);
    int width = COLS - 19 > 20 ? COLS - 19 : 20;
    const char *p = clean;
    for (int line = 0; line == 0 || (*p && line < 8); line++) {
        size_t cut = 0;
        for (;;) { /* extend by whole words while they fit */
            size_t end = cut;
            while (p[end] == ' ')
                end++;
            while (p[end] && p[end] != ' ')
                end++;
            if (end == cut)
                break;
            char *candidate = xstrndup(p, end);
            bool fits = text_display_width(candidate) <= width;
            free(candidate);
            if (!fits && cut > 0)
                break;
            cut = end;
            if (!fits || line == 7)
                break;
        }
        if (line == 7 && p[cut])
            cut = strlen(p); /* the last row takes the rest; text_fit cuts it on screen */
        tui_rows_add(app, NULL, role, "  %-15s %.*s", line ? "" : label, (int)cut, p);
        p += cut;
        while (*p == ' ')
            p++;
    }
    free(clean);
}

/* A labelled text over as many rows as it needs: each of its lines (a multi-line reason) is a
 * paragraph, wrapped at the screen's width. */
static void text_row(struct tui_app *app, int role, const char *label, const char *text)
{
    const char *p = text ? text : "";
    do {
        const char *nl = strchr(p, '\n');
        char *para = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
        text_paragraph(app, role, p == text || !text ? label : "", para);
        free(para);
        p = nl ? nl + 1 : NULL;
    } while (p);
}

static const char *amount_text(const json_t *v, char *buf)
{
    const char *s = json_string_value(v);
    int64_t micros;
    if (!s || amount_parse(s, strlen(s), &micros) != AMOUNT_OK)
        return s ? s : "-";
    return amount_format(micros, 2, true, buf);
}

static void decision_rows(struct tui_app *app, json_t *d)
{
    const char *action = json_string_value(json_object_get(d, "action"));
    snprintf(app->header, sizeof app->header, "Decision %lld: %s %s by %s (%s) at %s",
             (long long)json_integer_value(json_object_get(d, "id")), action,
             json_string_value(json_object_get(d, "pool_id")),
             json_string_value(json_object_get(d, "actor")),
             json_string_value(json_object_get(d, "role")),
             json_string_value(json_object_get(d, "decided_at")));
    text_row(app, CR_NORMAL, "pool", json_string_value(json_object_get(d, "pool_name")));
    text_row(app, CR_NORMAL, "reason", json_string_value(json_object_get(d, "reason")));
    json_t *params = json_object_get(d, "params");
    if (json_object_size(params)) {
        char *p = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
        text_row(app, CR_NORMAL, "parameters", p);
        free(p);
    }
    json_t *sig = json_object_get(d, "signature");
    const char *sst = json_string_value(json_object_get(sig, "status"));
    text_row(app,
             strcmp(sst, "verified") == 0   ? CR_OK
             : strcmp(sst, "unsigned") == 0 ? CR_MEDIUM
                                            : CR_CRITICAL,
             "signature", json_string_value(json_object_get(sig, "text")));
    if (json_is_true(json_object_get(d, "emergency")))
        text_row(app, CR_HIGH, "emergency",
                 json_is_true(json_object_get(d, "awaiting_confirmation"))
                     ? "custodian's emergency action, awaiting the owner's confirmation"
                     : "custodian's emergency action, confirmed or superseded by the owner");
    json_t *snap = json_object_get(d, "snapshot");
    json_t *rec = json_object_get(snap, "recommendation");
    json_t *led = json_object_get(snap, "ledger");
    tui_rows_add(app, NULL, CR_HEADER, "SNAPSHOT THE REVIEWER SAW");
    char a[AMOUNT_BUF], b[AMOUNT_BUF], c[AMOUNT_BUF], e[AMOUNT_BUF];
    if (json_is_object(led)) {
        char l[256];
        snprintf(l, sizeof l, "period from %s: grant %s, carry-in %s, consumed %s, remaining %s",
                 json_string_value(json_object_get(led, "period_start"))
                     ? json_string_value(json_object_get(led, "period_start"))
                     : "?",
                 amount_text(json_object_get(led, "grant"), a),
                 amount_text(json_object_get(led, "carry_in"), b),
                 amount_text(json_object_get(led, "consumed"), c),
                 amount_text(json_object_get(led, "remaining"), e));
        text_row(app, CR_NORMAL, "ledger", l);
    } else {
        text_row(app, CR_MUTED, "ledger", "(not recorded)");
    }
    json_t *findings = json_object_get(snap, "findings");
    if (!json_array_size(findings))
        text_row(app, CR_NORMAL, "findings", "none open");
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f)
    {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        struct strbuf l;
        sb_init(&l);
        sb_addf(&l, "%s %s: %s", sev ? sev : "?",
                json_string_value(json_object_get(f, "rule"))
                    ? json_string_value(json_object_get(f, "rule"))
                    : "?",
                json_string_value(json_object_get(f, "explanation"))
                    ? json_string_value(json_object_get(f, "explanation"))
                    : "");
        text_row(app, theme_role_for_severity(sev ? sev : ""), i ? "" : "findings", sb_str(&l));
        sb_done(&l);
    }
    if (json_is_object(rec)) {
        const char *ra = json_string_value(json_object_get(rec, "action"));
        char l[512];
        snprintf(l, sizeof l, "%s (grant %s): %s", ra ? ra : "?",
                 amount_text(json_object_get(rec, "grant"), a),
                 json_string_value(json_object_get(rec, "reason"))
                     ? json_string_value(json_object_get(rec, "reason"))
                     : "");
        text_row(app, CR_NORMAL, "recommendation", l);
        if (json_is_true(json_object_get(d, "contrary")))
            text_row(app, CR_MEDIUM, "", "the decision went against this recommendation");
    }
    json_t *acts = json_object_get(d, "actions");
    tui_rows_add(app, NULL, CR_HEADER, "PROVIDER ACTIONS (%zu)", json_array_size(acts));
    json_t *o;
    json_array_foreach(acts, i, o)
    {
        const char *state = json_string_value(json_object_get(o, "state"));
        json_t *hs = json_object_get(o, "last_status");
        char http[16] = "-";
        if (json_is_integer(hs))
            snprintf(http, sizeof http, "%lld", (long long)json_integer_value(hs));
        bool bad = strcmp(state, "failed") == 0 || strcmp(state, "dead") == 0;
        tui_rows_add(app, NULL,
                     bad                              ? CR_CRITICAL
                     : strcmp(state, "verified") == 0 ? CR_OK
                                                      : CR_NORMAL,
                     "  #%lld %s %s: %s, HTTP %s, %lld attempt%s",
                     (long long)json_integer_value(json_object_get(o, "id")),
                     json_string_value(json_object_get(o, "op")),
                     json_string_value(json_object_get(o, "target")), state, http,
                     (long long)json_integer_value(json_object_get(o, "attempts")),
                     json_integer_value(json_object_get(o, "attempts")) == 1 ? "" : "s");
        text_row(app, CR_NORMAL, "summary", json_string_value(json_object_get(o, "summary")));
        text_row(app, CR_MUTED, "request", json_string_value(json_object_get(o, "request")));
        text_row(app, bad ? CR_CRITICAL : CR_NORMAL, "read-back",
                 json_string_value(json_object_get(o, "readback")));
        if (json_string_value(json_object_get(o, "last_error")))
            text_row(app, CR_CRITICAL, "last error",
                     json_string_value(json_object_get(o, "last_error")));
    }
}

static void decision_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    chain_update(app);
    struct strbuf sub;
    sb_init(&sub);
    sb_adds(&sub, "Evidence of ");
    text_fit(&sub, ev.pool, 40, false);
    sb_adds(&sub, " in campaign ");
    text_fit(&sub, ev.campaign, 40, false);
    sb_adds(&sub, " (read-only; q back)");
    snprintf(ev.subtitle, sizeof ev.subtitle, "%s", sb_str(&sub));
    sb_done(&sub);
    app->header[0] = '\0';
    struct strbuf err;
    sb_init(&err);
    if (ev.decision_id > 0) {
        json_t *d = NULL;
        if (evidence_decision(app->opts->store, app->opts->who, ev.decision_id, &d, &err) == ST_OK)
            decision_rows(app, d);
        else
            tui_message(app, "%s", sb_str(&err));
        json_decref(d);
    } else {
        snprintf(app->header, sizeof app->header, "%s: no decision yet in this campaign", ev.pool);
    }
    json_t *events = NULL;
    if (evidence_pool_events(app->opts->store, app->opts->who, ev.pool, &events, &err) == ST_OK) {
        tui_rows_add(app, NULL, CR_HEADER, "AUDIT EVENTS FOR %s (%zu, in chain order)", ev.pool,
                     json_array_size(events));
        size_t i;
        json_t *e;
        json_array_foreach(events, i, e)
        {
            int64_t seq = json_integer_value(json_object_get(e, "seq"));
            bool broken = !ev.chain.intact && ev.chain.bad_seq > 0 && seq >= ev.chain.bad_seq;
            tui_rows_add(app, NULL, broken ? CR_CRITICAL : CR_NORMAL, "  %6lld %s %-10s %-22s %s%s",
                         (long long)seq, json_string_value(json_object_get(e, "at")),
                         json_string_value(json_object_get(e, "actor")),
                         json_string_value(json_object_get(e, "event")),
                         json_string_value(json_object_get(e, "subject")),
                         json_is_true(json_object_get(e, "signed")) ? " (signed)" : "");
        }
    } else if (!app->message[0]) {
        tui_message(app, "%s", sb_str(&err));
    }
    json_decref(events);
    sb_done(&err);
    restore_sel(app, EV_DECISION);
}

static bool decision_handle(struct tui_app *app, enum tui_action a)
{
    if (refuse_change(app, a))
        return true;
    if (a == ACT_BACK) {
        app->view = &view_evidence_items;
        return true;
    }
    return a == ACT_OPEN || a == ACT_FILTER; /* nothing below this level */
}

const struct view_ops view_evidence_decision = {.name = "Evidence: decision",
                                                .recalc = decision_recalc,
                                                .draw = ev_draw,
                                                .handle = decision_handle};

bool tui_view_read_only(const struct view_ops *v)
{
    return v == &view_evidence || v == &view_evidence_items || v == &view_evidence_decision;
}
