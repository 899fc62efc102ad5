/* The console's main loop: layout on resize, recalc dirty views, draw, one doupdate, read a key
 * with a timeout, map it through the keymap, let the view handle it, else the global handler. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/review.h"
#include "tui/internal.h"

#define MIN_COLS  80
#define MIN_LINES 24

static volatile sig_atomic_t tui_terminated;

static void on_term(int sig)
{
    (void)sig;
    tui_terminated = 1; /* only a flag: the loop restores the terminal */
}

/* The views the digit keys jump to, in DESIGN.md order (index i is ACT_VIEW_DASHBOARD + i; a
 * NULL slot is a screen this build does not have yet). */
static const struct view_ops *const jump_views[] = {
    &view_dashboard, &view_queue, &view_pools, &view_findings, &view_outbox, NULL, &view_imports};

static void draw_bars(struct tui_app *app, int lines, int cols)
{
    struct strbuf sb;
    sb_init(&sb);
    sb_addf(&sb, " credence | %s (%s) as %s | %s", app->opts->who->name, app->opts->who->login,
            app->role, app->view->name);
    char d[DATE_BUF];
    sb_addf(&sb, " | %s", date_format(clock_today(), d));
    struct strbuf line;
    sb_init(&line);
    text_fit(&line, sb_str(&sb), cols, true);
    attron(theme_attr(CR_TITLE));
    mvaddstr(0, 0, sb_str(&line));
    attroff(theme_attr(CR_TITLE));
    sb_reset(&sb);
    sb_reset(&line);
    if (app->searching)
        sb_addf(&sb, " /%s", app->search);
    else if (app->message[0])
        sb_addf(&sb, " %s", app->message);
    else
        sb_adds(&sb, " 1 dashboard  2 queue  3 pools  4 findings  5 outbox  j/k move  Enter open  "
                     "/ search  R role  ? help  q back  Q quit");
    text_fit(&line, sb_str(&sb), cols, true);
    attron(theme_attr(CR_STATUS));
    mvaddstr(lines - 1, 0, sb_str(&line));
    attroff(theme_attr(CR_STATUS));
    sb_done(&sb);
    sb_done(&line);
}

static void draw(struct tui_app *app)
{
    int lines, cols;
    getmaxyx(stdscr, lines, cols);
    erase();
    if (lines < MIN_LINES || cols < MIN_COLS) {
        mvprintw(0, 0, "terminal too small: %dx%d, credence needs %dx%d", cols, lines, MIN_COLS,
                 MIN_LINES);
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    draw_bars(app, lines, cols);
    WINDOW *body = derwin(stdscr, lines - 2, cols, 1, 0);
    if (body) {
        app->view->draw(app, body, lines - 2, cols);
        delwin(body);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

static void switch_role(struct tui_app *app)
{
    static const enum role order[] = {ROLE_OWNER, ROLE_CUSTODIAN, ROLE_AUDITOR};
    int cur = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(app->role, role_name(order[i])) == 0)
            cur = i;
    for (int k = 1; k <= 3; k++) {
        enum role r = order[(cur + k + 3) % 3];
        if (app->opts->who->roles & ROLE_BIT(r)) {
            snprintf(app->role, sizeof app->role, "%s", role_name(r));
            tui_message(app, "acting as %s", app->role);
            return;
        }
    }
}

/* Global keys; returns false to quit. */
static bool handle_global(struct tui_app *app, enum tui_action a)
{
    switch (a) {
    case ACT_QUIT:
        return false;
    case ACT_BACK:
        return app->view != &view_dashboard ? (app->view = &view_dashboard, true) : false;
    case ACT_HELP:
        app->previous = app->view;
        app->view = &view_help;
        return true;
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        return true;
    case ACT_SWITCH_ROLE:
        switch_role(app);
        return true;
    case ACT_SEARCH:
        app->searching = true;
        app->search[0] = '\0';
        return true;
    case ACT_APPROVE:
        return tui_decide(app, DA_APPROVE);
    case ACT_REDUCE:
        return tui_decide(app, DA_REDUCE);
    case ACT_REVOKE:
        return tui_decide(app, DA_REVOKE);
    case ACT_ESCALATE:
        return tui_decide(app, DA_ESCALATE);
    case ACT_SNOOZE:
        return tui_decide(app, DA_SNOOZE);
    case ACT_ACKNOWLEDGE:
        return tui_decide(app, DA_ACKNOWLEDGE);
    case ACT_IMPORT:
        return tui_import(app);
    default:
        break;
    }
    for (size_t i = 0; i < sizeof jump_views / sizeof jump_views[0]; i++)
        if (a == ACT_VIEW_DASHBOARD + (int)i && jump_views[i]) {
            app->view = jump_views[i];
            return true;
        }
    return true;
}

/* Incremental search: typed characters narrow the list; Enter keeps, Esc clears. */
static void handle_search_key(struct tui_app *app, int ch)
{
    size_t len = strlen(app->search);
    if (ch == 27) {
        app->search[0] = '\0';
        app->searching = false;
    } else if (ch == '\n' || ch == KEY_ENTER) {
        app->searching = false;
    } else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len) {
        app->search[len - 1] = '\0';
    } else if (ch >= 32 && ch < 127 && len + 1 < sizeof app->search) {
        app->search[len] = (char)ch;
        app->search[len + 1] = '\0';
    }
    for (size_t i = 0; i < app->nrows; i++) /* jump to the first match */
        if (!app->search[0] || strstr(app->rows[i].text, app->search)) {
            app->sel = i;
            break;
        }
}

int tui_run(const struct tui_opts *opts)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "credence: the console needs a terminal; for scripts use the commands "
                        "(credence --help)\n");
        return 64;
    }
    const char *theme = opts->theme ? opts->theme
                        : config_get(opts->config, "ui", "theme")
                            ? config_get(opts->config, "ui", "theme")
                            : "default";
    if (strcmp(theme, "default") != 0 && strcmp(theme, "mono") != 0) {
        fprintf(stderr, "credence: unknown theme '%s' (this build has default and mono)\n", theme);
        return 64;
    }
    struct tui_app app;
    memset(&app, 0, sizeof app);
    app.opts = opts;
    sb_init(&app.detail);
    static const enum role order[] = {ROLE_OWNER, ROLE_CUSTODIAN, ROLE_AUDITOR, ROLE_ADMIN};
    for (size_t i = 0; i < 4 && !app.role[0]; i++)
        if (opts->who->roles & ROLE_BIT(order[i]))
            snprintf(app.role, sizeof app.role, "%s", role_name(order[i]));
    app.view = &view_dashboard;
    app.dirty = true;
    signal(SIGTERM, on_term);
    signal(SIGHUP, on_term);
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    timeout(250); /* the timeout will also drive the push engine */
    const char *nc = getenv("NO_COLOR");
    theme_init(nc && *nc, strcmp(theme, "mono") == 0);
    const struct view_ops *shown = NULL;
    while (!tui_terminated) {
        if (app.view != shown || app.dirty) {
            if (app.view != shown) {
                app.sel = app.top = 0;
                app.search[0] = '\0';
            }
            app.view->recalc(&app);
            shown = app.view;
            app.dirty = false;
        }
        draw(&app);
        int ch = getch();
        if (ch == ERR)
            continue;
        if (ch == KEY_RESIZE) {
            clearok(curscr, TRUE);
            continue;
        }
        app.message[0] = '\0';
        if (app.searching) {
            handle_search_key(&app, ch);
            continue;
        }
        enum tui_action a = km_lookup(ch);
        if (a == ACT_NONE)
            continue;
        int lines = getmaxy(stdscr);
        if (tui_list_handle(&app, a, lines > 4 ? lines - 4 : 1))
            continue;
        if (app.view->handle && app.view->handle(&app, a))
            continue;
        if (!handle_global(&app, a))
            break;
    }
    endwin();
    tui_rows_clear(&app);
    sb_done(&app.detail);
    return 0;
}
