/* The decide form: reason (and grant or date), a preview of the provider actions the decision
 * will queue, then y to confirm. Core checks permissions; refusals land in the message line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/review.h"
#include "core/signing.h"
#include "tui/internal.h"

/* Reads a line at the bottom of the screen; false when cancelled with Esc. */
static bool prompt(const char *label, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    timeout(-1);
    curs_set(1);
    bool ok = false;
    for (;;) {
        int lines, cols;
        getmaxyx(stdscr, lines, cols);
        struct strbuf sb;
        sb_init(&sb);
        sb_addf(&sb, " %s: %s", label, buf);
        struct strbuf fit;
        sb_init(&fit);
        text_fit(&fit, sb_str(&sb), cols, true);
        attron(theme_attr(CR_STATUS));
        mvaddstr(lines - 1, 0, sb_str(&fit));
        attroff(theme_attr(CR_STATUS));
        move(lines - 1,
             (int)(strlen(label) + 3 + len) < cols ? (int)(strlen(label) + 3 + len) : cols - 1);
        refresh();
        sb_done(&sb);
        sb_done(&fit);
        int ch = getch();
        if (ch == 27)
            break;
        if (ch == '\n' || ch == KEY_ENTER) {
            ok = true;
            break;
        }
        if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len)
            buf[--len] = '\0';
        else if (ch >= 32 && ch < 256 && ch != 127 && len + 1 < cap) {
            buf[len++] = (char)ch;
            buf[len] = '\0';
        }
    }
    curs_set(0);
    timeout(250);
    return ok;
}

/* Shows the preview lines and asks for y. */
static bool confirm(const struct decide_result *res, enum decide_action a, const char *pool)
{
    int lines, cols;
    getmaxyx(stdscr, lines, cols);
    int h = (int)json_array_size(res->plan) + 4;
    if (h > lines - 2)
        h = lines - 2;
    WINDOW *w = newwin(h, cols, lines - h - 1, 0);
    if (!w)
        return false;
    werase(w);
    wattron(w, theme_attr(CR_HEADER));
    mvwprintw(w, 0, 0, "%s %s: %d provider action%s%s", decide_action_name(a), pool, res->actions,
              res->actions == 1 ? "" : "s",
              res->emergency ? " (emergency: the owner will be asked to confirm)" : "");
    wattroff(w, theme_attr(CR_HEADER));
    size_t i;
    json_t *step;
    int y = 1;
    json_array_foreach(res->plan, i, step)
    {
        if (y >= h - 2)
            break;
        struct strbuf sb, fit;
        sb_init(&sb);
        sb_init(&fit);
        sb_addf(&sb, "  %-7s %s%s", json_string_value(json_object_get(step, "state")),
                json_string_value(json_object_get(step, "summary")),
                json_is_true(json_object_get(step, "destructive")) ? "  [irreversible]" : "");
        text_fit(&fit, sb_str(&sb), cols, true);
        mvwaddstr(w, y++, 0, sb_str(&fit));
        sb_done(&sb);
        sb_done(&fit);
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

bool tui_decide(struct tui_app *app, int decide_action)
{
    enum decide_action a = (enum decide_action)decide_action;
    if (!app->nrows || !app->rows[app->sel].key) {
        tui_message(app, "select a pool first");
        return true;
    }
    const char *pool = app->rows[app->sel].key;
    char reason[512], extra[64] = "";
    char label[160];
    snprintf(label, sizeof label, "%s %s: reason (10+ characters, Esc cancels)",
             decide_action_name(a), pool);
    if (!prompt(label, reason, sizeof reason)) {
        tui_message(app, "cancelled");
        return true;
    }
    struct decide_request req = {.pool_id = pool, .action = a, .reason = reason, .grant = -1};
    if (a == DA_REDUCE) {
        if (!prompt("new grant (amount)", extra, sizeof extra) ||
            amount_parse(extra, strlen(extra), &req.grant) != AMOUNT_OK) {
            tui_message(app, "reduce needs a new grant; cancelled");
            return true;
        }
    } else if (a == DA_SNOOZE) {
        if (!prompt("snooze until (YYYY-MM-DD)", extra, sizeof extra)) {
            tui_message(app, "cancelled");
            return true;
        }
        req.until = extra;
    }
    struct decide_result res;
    struct strbuf err;
    sb_init(&err);
    req.preview = true;
    enum status st =
        review_decide(app->opts->store, app->opts->config, app->opts->who, &req, NULL, &res, &err);
    if (st == ST_OK && confirm(&res, a, pool)) {
        json_decref(res.plan);
        req.preview = false;
        /* sign with the caller's key when it is the one registered on them */
        char *path = signing_key_path();
        struct signing_key *key = NULL;
        struct audit_signer signer, *use = NULL;
        if (signing_key_load(path, &key, &err) == ST_OK && app->opts->who->public_key &&
            strcmp(app->opts->who->public_key, signing_key_public(key)) == 0) {
            signer = signing_key_signer(key);
            use = &signer;
        }
        sb_reset(&err);
        free(path);
        st = review_decide(app->opts->store, app->opts->config, app->opts->who, &req, use, &res,
                           &err);
        signing_key_free(&key);
        if (st == ST_OK)
            tui_message(app, "decision %lld: %s %s%s; %d provider action%s queued",
                        (long long)res.decision_id, decide_action_name(a), pool,
                        res.is_signed ? " (signed)" : "", res.actions, res.actions == 1 ? "" : "s");
        app->dirty = true;
    } else if (st == ST_OK) {
        tui_message(app, "not recorded");
    }
    json_decref(res.plan);
    if (st != ST_OK) {
        struct strbuf clean;
        sb_init(&clean);
        text_sanitize(&clean, sb_str(&err), err.len);
        tui_message(app, "%s", sb_str(&clean));
        sb_done(&clean);
    }
    sb_done(&err);
    return true;
}
