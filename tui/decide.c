/* The decide form: reason (and grant or date), a preview of the provider actions the decision
 * will queue, then y to confirm. Core checks permissions; refusals land in the message line. */
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
    timeout(-1);
    int ch = getch();
    timeout(250);
    delwin(w);
    return ch == 'y' || ch == 'Y';
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
    char reason[512], extra[64] = "", what[96];
    if (bulk)
        snprintf(what, sizeof what, "%zu marked pools", n);
    else
        snprintf(what, sizeof what, "%s", targets[0]);
    char label[200];
    snprintf(label, sizeof label, "%s %s: reason (10+ characters, Esc cancels)",
             decide_action_name(a), what);
    struct decide_request req = {.action = a, .reason = reason, .grant = -1};
    bool go = tui_prompt_line(label, reason, sizeof reason);
    bool grant_each = false; /* bulk reduce with no amount: each pool's recommended grant */
    if (go && a == DA_REDUCE) {
        go = tui_prompt_line(bulk ? "new grant for each (empty: each pool's recommended grant)"
                                  : "new grant (amount)",
                             extra, sizeof extra);
        if (go && bulk && !extra[0])
            grant_each = true;
        else if (go && amount_parse(extra, strlen(extra), &req.grant) != AMOUNT_OK) {
            tui_message(app, "reduce needs a new grant; cancelled");
            free(targets);
            return true;
        }
    } else if (go && a == DA_SNOOZE) {
        go = tui_prompt_line("snooze until (YYYY-MM-DD)", extra, sizeof extra);
        req.until = extra;
    }
    if (!go) {
        tui_message(app, "cancelled");
        free(targets);
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
    return true;
}
