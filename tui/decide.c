/* The decide form: the recommendation and evidence snapshot, the reason (multi-line), the new
 * grant and scope entries to remove for reduce or the date for snooze, a preview of the provider
 * actions the decision will queue, then y to confirm. Core checks permissions; refusals land
 * in the message line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/review.h"
#include "core/signing.h"
#include "tui/internal.h"

/* Preview lines of the confirm window: text and colour role. */
struct preview {
    struct strbuf text;  /* lines separated by '\n' */
    struct strbuf roles; /* one role byte per line */
};

static void preview_line(struct preview *pv, int role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void preview_line(struct preview *pv, int role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&pv->text, fmt, ap);
    va_end(ap);
    sb_addc(&pv->text, '\n');
    sb_addc(&pv->roles, (char)role);
}

/* The provider actions of one preview. */
static void preview_plan(struct preview *pv, const struct decide_result *res)
{
    size_t i;
    json_t *step;
    json_array_foreach(res->plan, i, step) preview_line(
        pv, CR_NORMAL, "  %-7s %s%s", json_string_value(json_object_get(step, "state")),
        json_string_value(json_object_get(step, "summary")),
        json_is_true(json_object_get(step, "destructive")) ? "  [irreversible]" : "");
}

/* Shows the preview lines over the bottom of the screen and asks for y. */
static bool confirm(const struct preview *pv)
{
    int lines, cols;
    getmaxyx(stdscr, lines, cols);
    int n = (int)pv->roles.len;
    int h = n + 2;
    if (h > lines - 2)
        h = lines - 2;
    WINDOW *w = newwin(h, cols, lines - h - 1, 0);
    if (!w)
        return false;
    werase(w);
    const char *p = sb_str(&pv->text);
    for (int y = 0; y < n && y < h - 1; y++) {
        const char *nl = strchr(p, '\n');
        struct strbuf fit;
        sb_init(&fit);
        char *line = xstrndup(p, (size_t)(nl - p));
        text_fit(&fit, line, cols, true);
        free(line);
        attr_t a = theme_attr((enum tui_role)pv->roles.buf[y]);
        wattron(w, a);
        mvwaddstr(w, y, 0, sb_str(&fit));
        wattroff(w, a);
        sb_done(&fit);
        p = nl + 1;
    }
    wattron(w, theme_attr(CR_STATUS));
    mvwaddstr(w, h - 1, 0, " y: record the decision   any other key: cancel ");
    wattroff(w, theme_attr(CR_STATUS));
    wrefresh(w);
    keypad(w, TRUE);
    wtimeout(w, -1);
    int ch = wgetch(w); /* stdscr's getch would repaint stdscr over the window first */
    delwin(w);
    touchwin(stdscr);
    return ch == 'y' || ch == 'Y';
}

/* text (sanitized) word-wrapped to width as preview lines, at most max of them. */
static void wrap_lines(struct preview *pv, int role, const char *prefix, const char *text,
                       int width, int max)
{
    struct strbuf clean, cur;
    sb_init(&clean);
    sb_init(&cur);
    sb_adds(&clean, prefix);
    text_sanitize(&clean, text, strlen(text));
    const char *p = sb_str(&clean);
    int nlines = 0;
    while (*p && nlines < max) {
        const char *sp = strchr(p, ' ');
        size_t wl = sp ? (size_t)(sp - p) : strlen(p);
        char *word = xstrndup(p, wl);
        if (cur.len && text_display_width(sb_str(&cur)) + 1 + text_display_width(word) > width) {
            preview_line(pv, role, "%s", sb_str(&cur));
            nlines++;
            sb_reset(&cur);
        }
        if (nlines < max)
            sb_addf(&cur, "%s%s", cur.len ? " " : "", word);
        free(word);
        p += wl;
        while (*p == ' ')
            p++;
    }
    if (cur.len && nlines < max)
        preview_line(pv, role, "%s", sb_str(&cur));
    sb_done(&clean);
    sb_done(&cur);
}

/* What the reviewer decides on, as the decision will record it: one pool's recommendation,
 * this period's ledger and its findings; for marked pools, each one's recommendation. */
static void decide_context(struct tui_app *app, const char *const *targets, size_t n,
                           struct preview *pv, int width)
{
    struct strbuf err;
    sb_init(&err);
    for (size_t i = 0; i < n && i < 4; i++) {
        json_t *snap = NULL;
        if (review_snapshot(app->opts->store, app->opts->config, targets[i], clock_today(), &snap,
                            &err) != ST_OK) {
            wrap_lines(pv, CR_CRITICAL, "", sb_str(&err), width, 2);
            continue;
        }
        json_t *rec = json_object_get(snap, "recommendation"),
               *led = json_object_get(snap, "ledger");
        const char *unit = json_string_value(json_object_get(snap, "unit"));
        char line[256];
        if (n > 1) { /* one line per marked pool */
            snprintf(line, sizeof line, "%s: recommended %s (%s)", targets[i],
                     json_string_value(json_object_get(rec, "action")),
                     json_string_value(json_object_get(rec, "reason")));
            wrap_lines(pv, CR_NORMAL, "", line, width, 1);
            json_decref(snap);
            continue;
        }
        snprintf(line, sizeof line, "%s (%s)", json_string_value(json_object_get(rec, "action")),
                 json_string_value(json_object_get(rec, "reason")));
        wrap_lines(pv, CR_HEADER, "recommendation: ", line, width, 3);
        int64_t v[4] = {0};
        static const char *const keys[] = {"consumed", "grant", "carry_in", "remaining"};
        for (size_t k = 0; k < 4; k++) {
            const char *t = json_string_value(json_object_get(led, keys[k]));
            amount_parse(t, strlen(t), &v[k]);
        }
        char c[AMOUNT_BUF], g[AMOUNT_BUF], ci[AMOUNT_BUF], r[AMOUNT_BUF];
        snprintf(line, sizeof line, "%s of %s %s used, %s left (carry-in %s)",
                 tui_money(v[0], unit, c), tui_money(v[1], unit, g), unit, tui_money(v[3], unit, r),
                 tui_money(v[2], unit, ci));
        char prefix[48];
        snprintf(prefix, sizeof prefix,
                 "this period from %s: ", json_string_value(json_object_get(led, "period_start")));
        wrap_lines(pv, CR_NORMAL, prefix, line, width, 2);
        struct strbuf f;
        sb_init(&f);
        size_t k;
        json_t *o;
        json_array_foreach(json_object_get(snap, "findings"), k, o)
            sb_addf(&f, "%s%s (%s)", k ? ", " : "", json_string_value(json_object_get(o, "rule")),
                    json_string_value(json_object_get(o, "severity")));
        wrap_lines(pv, f.len ? CR_HIGH : CR_OK, "findings: ", f.len ? sb_str(&f) : "none", width,
                   2);
        sb_done(&f);
        json_decref(snap);
    }
    if (n > 4)
        preview_line(pv, CR_MUTED, "... and %zu more marked pools", n - 4);
    sb_done(&err);
}

/* The decide form's fields: the reason (a box; Ctrl-O starts a new line), and for reduce the
 * new grant and the scope entries to remove, for snooze the date. */
struct decide_fields {
    char reason[1024], grant[64], scope[256], until[32];
};

struct form_field {
    const char *label;
    char *buf;
    size_t cap;
    int h; /* lines of its box */
};

/* The form, over the screen: the context, then each field in turn (Enter goes to the next, Esc
 * cancels). False when cancelled. */
static bool decide_form(struct tui_app *app, enum decide_action a, const char *const *targets,
                        size_t n, struct decide_fields *fl)
{
    int lines, cols;
    getmaxyx(stdscr, lines, cols);
    int width = cols - 4 > 100 ? 100 : cols - 4, inner = width - 4;
    struct preview ctx;
    sb_init(&ctx.text);
    sb_init(&ctx.roles);
    decide_context(app, targets, n, &ctx, inner);
    int nctx = (int)ctx.roles.len, box_h = 4;
    struct form_field fields[3] = {{"reason (10+ characters; Ctrl-O new line, Enter next, Esc "
                                    "cancels)",
                                    fl->reason, sizeof fl->reason, box_h}};
    int nf = 1;
    if (a == DA_REDUCE) {
        fields[nf++] = (struct form_field){n > 1 ? "new grant for each (empty: each pool's "
                                                   "recommended grant)"
                                                 : "new grant (empty: keep it, cut the scope only)",
                                           fl->grant, sizeof fl->grant, 1};
        fields[nf++] = (struct form_field){"scope entries to remove (e.g. model:gpt-4.1,tool:bash; "
                                           "empty: none)",
                                           fl->scope, sizeof fl->scope, 1};
    } else if (a == DA_SNOOZE) {
        fields[nf++] =
            (struct form_field){"snooze until (YYYY-MM-DD)", fl->until, sizeof fl->until, 1};
    }
    int h = 2 + nctx + 1;
    for (int i = 0; i < nf; i++)
        h += 1 + fields[i].h;
    if (h > lines - 2) { /* a short terminal: fewer context lines */
        nctx -= h - (lines - 2);
        if (nctx < 0)
            nctx = 0;
        h = lines - 2;
    }
    WINDOW *w = newwin(h, width, (lines - h) / 2, (cols - width) / 2);
    if (!w) {
        sb_done(&ctx.text);
        sb_done(&ctx.roles);
        return false;
    }
    werase(w);
    wattron(w, theme_attr(CR_BORDER));
    box(w, 0, 0);
    wattroff(w, theme_attr(CR_BORDER));
    char title[160];
    snprintf(title, sizeof title, " %s %s ", decide_action_name(a),
             n > 1 ? "the marked pools" : targets[0]);
    struct strbuf fit;
    sb_init(&fit);
    text_fit(&fit, title, width - 4, false);
    wattron(w, theme_attr(CR_TITLE));
    mvwaddstr(w, 0, 2, sb_str(&fit));
    wattroff(w, theme_attr(CR_TITLE));
    const char *p = sb_str(&ctx.text);
    for (int y = 0; y < nctx; y++) {
        const char *nl = strchr(p, '\n');
        char *line = xstrndup(p, (size_t)(nl - p));
        sb_reset(&fit);
        text_fit(&fit, line, inner, false);
        free(line);
        attr_t at = theme_attr((enum tui_role)ctx.roles.buf[y]);
        wattron(w, at);
        mvwaddstr(w, 1 + y, 2, sb_str(&fit));
        wattroff(w, at);
        p = nl + 1;
    }
    int y = 2 + nctx;
    for (int i = 0; i < nf; i++) { /* every label first, so the whole form shows */
        sb_reset(&fit);
        text_fit(&fit, fields[i].label, inner, false);
        wattron(w, theme_attr(CR_HEADER));
        mvwaddstr(w, y, 2, sb_str(&fit));
        wattroff(w, theme_attr(CR_HEADER));
        y += 1 + fields[i].h;
    }
    bool ok = true;
    y = 2 + nctx;
    for (int i = 0; ok && i < nf && y + 1 + fields[i].h <= h - 1; i++) {
        ok = tui_edit_box(w, y + 1, 2, fields[i].h, inner, fields[i].buf, fields[i].cap, i == 0);
        y += 1 + fields[i].h;
    }
    sb_done(&fit);
    sb_done(&ctx.text);
    sb_done(&ctx.roles);
    delwin(w);
    touchwin(stdscr); /* the screen under the form comes back before the preview */
    wnoutrefresh(stdscr);
    doupdate();
    return ok;
}

static void message_sanitized(struct tui_app *app, const char *prefix, const char *text)
{
    struct strbuf clean;
    sb_init(&clean);
    text_sanitize(&clean, text, strlen(text));
    tui_message(app, "%s%s", prefix, sb_str(&clean));
    sb_done(&clean);
}

/* The pools a decision applies to: the marked rows, else the selected one. New array of
 * borrowed keys (valid until marks or rows change); NULL when there is none. */
static const char **decision_targets(struct tui_app *app, size_t *n)
{
    if (app->nmarks) {
        const char **t = xcalloc(app->nmarks, sizeof *t);
        for (size_t i = 0; i < app->nmarks; i++)
            t[i] = app->marks[i];
        *n = app->nmarks;
        return t;
    }
    const char *key = tui_selected_key(app);
    if (!key)
        return NULL;
    const char **t = xcalloc(1, sizeof *t);
    t[0] = key;
    *n = 1;
    return t;
}

/* The caller's signer when the key in their key file is the one registered on them. */
static struct signing_key *load_signer(struct tui_app *app, struct audit_signer *signer)
{
    char *path = signing_key_path();
    struct signing_key *key = NULL;
    struct strbuf err;
    sb_init(&err);
    if (signing_key_load(path, &key, &err) == ST_OK && app->opts->who->public_key &&
        strcmp(app->opts->who->public_key, signing_key_public(key)) == 0)
        *signer = signing_key_signer(key);
    else
        signing_key_free(&key);
    free(path);
    sb_done(&err);
    return key;
}

bool tui_decide(struct tui_app *app, int decide_action)
{
    enum decide_action a = (enum decide_action)decide_action;
    if (tui_view_read_only(app->view)) {
        tui_message(app, "evidence screens are read-only");
        return true;
    }
    size_t n = 0;
    const char **targets = decision_targets(app, &n);
    if (!targets) {
        tui_message(app, "select a pool first");
        return true;
    }
    bool bulk = app->nmarks > 0;
    struct decide_fields *fl = xcalloc(1, sizeof *fl);
    struct decide_request req = {.action = a, .reason = fl->reason, .grant = -1};
    bool go = decide_form(app, a, targets, n, fl);
    bool grant_each = false; /* bulk reduce with no amount: each pool's recommended grant */
    if (go && a == DA_REDUCE) {
        req.remove_scope = fl->scope[0] ? fl->scope : NULL;
        if (bulk && !fl->grant[0] && !fl->scope[0])
            grant_each = true;
        else if (fl->grant[0] &&
                 amount_parse(fl->grant, strlen(fl->grant), &req.grant) != AMOUNT_OK) {
            tui_message(app, "'%s' is not an amount; not recorded", fl->grant);
            free(targets);
            free(fl);
            return true;
        }
    } else if (go && a == DA_SNOOZE) {
        req.until = fl->until;
    }
    if (!go) {
        tui_message(app, "cancelled");
        free(targets);
        free(fl);
        return true;
    }
    /* preview every target: what each would queue, or why core refuses it */
    struct preview pv;
    sb_init(&pv.text);
    sb_init(&pv.roles);
    int64_t *grants = xcalloc(n, sizeof *grants);
    bool *ok = xcalloc(n, sizeof *ok);
    size_t nok = 0;
    int nactions = 0;
    struct strbuf err;
    sb_init(&err);
    for (size_t i = 0; i < n; i++) {
        req.pool_id = targets[i];
        req.preview = true;
        grants[i] = req.grant;
        sb_reset(&err);
        enum status st = ST_OK;
        if (grant_each) {
            struct pool p;
            pool_init(&p);
            struct recommendation rec;
            st = pool_get(app->opts->store, targets[i], &p, &err);
            if (st == ST_OK)
                st = review_recommend(app->opts->store, app->opts->config, &p, clock_today(), &rec,
                                      &err);
            if (st == ST_OK && strcmp(rec.action, "reduce") != 0) {
                sb_setf(&err, "no reduction recommended (%s)", rec.action);
                st = ST_USAGE;
            }
            grants[i] = st == ST_OK ? rec.grant : -1;
            pool_done(&p);
        }
        struct decide_result res = {0};
        req.grant = grants[i];
        if (st == ST_OK)
            st = review_decide(app->opts->store, app->opts->config, app->opts->who, &req, NULL,
                               &res, &err);
        if (st == ST_OK) {
            ok[i] = true;
            nok++;
            nactions += res.actions;
            preview_line(&pv, CR_HEADER, "%s %s: %d provider action%s%s", decide_action_name(a),
                         targets[i], res.actions, res.actions == 1 ? "" : "s",
                         res.emergency ? " (emergency: the owner will be asked to confirm)" : "");
            preview_plan(&pv, &res);
        } else {
            preview_line(&pv, CR_CRITICAL, "%s %s: refused: %s", decide_action_name(a), targets[i],
                         sb_str(&err));
        }
        json_decref(res.plan);
    }
    if (nok == 0) {
        message_sanitized(app, "", sb_str(&err));
    } else {
        if (bulk)
            preview_line(&pv, CR_MUTED, "%zu of %zu decisions, %d provider action%s, one reason",
                         nok, n, nactions, nactions == 1 ? "" : "s");
        if (!confirm(&pv)) {
            tui_message(app, "not recorded");
        } else {
            struct audit_signer signer, *use = NULL;
            struct signing_key *key = load_signer(app, &signer);
            if (key)
                use = &signer;
            size_t recorded = 0;
            struct decide_result res = {0};
            char first_error[256] = "";
            for (size_t i = 0; i < n; i++) {
                if (!ok[i])
                    continue;
                req.pool_id = targets[i];
                req.preview = false;
                req.grant = grants[i];
                sb_reset(&err);
                memset(&res, 0, sizeof res);
                if (review_decide(app->opts->store, app->opts->config, app->opts->who, &req, use,
                                  &res, &err) == ST_OK)
                    recorded++;
                else if (!first_error[0])
                    snprintf(first_error, sizeof first_error, "%s", sb_str(&err));
                json_decref(res.plan);
            }
            signing_key_free(&key);
            if (!bulk && recorded)
                tui_message(app, "decision %lld: %s %s%s; %d provider action%s queued",
                            (long long)res.decision_id, decide_action_name(a), targets[0],
                            res.is_signed ? " (signed)" : "", res.actions,
                            res.actions == 1 ? "" : "s");
            else if (!bulk)
                message_sanitized(app, "", first_error);
            else
                tui_message(app,
                            "%s: %zu of %zu decisions recorded, %d provider action%s queued%s%s",
                            decide_action_name(a), recorded, n, nactions, nactions == 1 ? "" : "s",
                            first_error[0] ? "; " : "", first_error);
            if (bulk)
                tui_marks_clear(app);
            app->pools.util_ready = app->pools.summary_ready = false;
            app->data_changed = true;
            app->campaign.stale = true;
            app->dirty = true;
        }
    }
    sb_done(&err);
    sb_done(&pv.text);
    sb_done(&pv.roles);
    free(grants);
    free(ok);
    free(targets);
    free(fl);
    return true;
}
