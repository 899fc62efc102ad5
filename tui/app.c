/* The console's main loop: layout on resize, recalc dirty views, draw, one doupdate, read a key
 * with a timeout, map it through the keymap, let the view handle it, else the global handler. */
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/pool_browse.h"
#include "core/push.h"
#include "core/review.h"
#include "tui/internal.h"

#define MIN_COLS  80
#define MIN_LINES 24

static volatile sig_atomic_t tui_terminated;
static volatile sig_atomic_t tui_hung_up; /* the terminal went away (SIGHUP or a closed pty) */

/* True once the terminal is gone (hang-up, closed pty) or a signal asked us to stop: every
 * loop reading keys checks it on ERR, so a lost terminal never leaves a process spinning. */
bool tui_input_gone(void)
{
    if (tui_terminated)
        return true;
    struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))) {
        tui_terminated = tui_hung_up = 1;
        return true;
    }
    return false;
}

static void on_term(int sig)
{
    tui_terminated = 1; /* only flags: the loop restores the terminal */
    if (sig == SIGHUP)
        tui_hung_up = 1;
}

/* The views the digit keys jump to, in DESIGN.md order (index i is ACT_VIEW_DASHBOARD + i). */
static const struct view_ops *const jump_views[] = {&view_dashboard, &view_queue,  &view_pools,
                                                    &view_findings,  &view_outbox, &view_evidence,
                                                    &view_imports};

/* The roles the console acts in, in the order R cycles through them (the first held opens). */
static const enum role console_roles[] = {ROLE_OWNER, ROLE_CUSTODIAN, ROLE_AUDITOR, ROLE_ADMIN};
#define NROLES ((int)(sizeof console_roles / sizeof console_roles[0]))

/* The newest campaign's name and progress, read when stale (a query, not on every frame). */
static void campaign_refresh(struct tui_app *app)
{
    app->campaign.stale = false;
    app->campaign.name[0] = '\0';
    json_t *st = NULL;
    struct strbuf err;
    sb_init(&err);
    if (review_campaign_status(app->opts->store, NULL, clock_today(), &st, &err) == ST_OK) {
        snprintf(app->campaign.name, sizeof app->campaign.name, "%s",
                 json_string_value(json_object_get(st, "name")));
        app->campaign.decided = json_integer_value(json_object_get(st, "decided"));
        app->campaign.total = json_integer_value(json_object_get(st, "total"));
    }
    json_decref(st);
    sb_done(&err);
}

/* The bottom bar: help, the screen's own keys, then the screens, role, back and quit, each as
 * its key (from the keymap, so [keys] rebindings show) and word; where each is drawn is kept for
 * mouse clicks. Stops at width. */
static void key_hints(struct tui_app *app, struct strbuf *sb, int width)
{
    static const enum tui_action head[] = {ACT_HELP, ACT_NONE};
    static const enum tui_action tail[] = {ACT_VIEW_DASHBOARD, ACT_VIEW_QUEUE,  ACT_VIEW_POOLS,
                                           ACT_VIEW_FINDINGS,  ACT_VIEW_OUTBOX, ACT_VIEW_EVIDENCE,
                                           ACT_VIEW_IMPORTS,   ACT_SWITCH_ROLE, ACT_BACK,
                                           ACT_QUIT,           ACT_NONE};
    const enum tui_action *lists[] = {head, app->view->keys, tail};
    int x = 0;
    int nroles = 0;
    for (int i = 0; i < NROLES; i++)
        nroles += (app->opts->who->roles & ROLE_BIT(console_roles[i])) != 0;
    for (size_t l = 0; l < 3; l++)
        for (const enum tui_action *a = lists[l]; a && *a != ACT_NONE; a++) {
            const char *key = km_key_name(*a);
            if (!*key || (*a == ACT_SWITCH_ROLE && nroles < 2))
                continue; /* unbound, or nothing to switch to */
            char cell[64];
            snprintf(cell, sizeof cell, " %s %s ", key, km_action_hint(*a));
            int w = text_display_width(cell);
            if (x + w > width || app->nhints == (int)(sizeof app->hints / sizeof app->hints[0]))
                return;
            sb_adds(sb, cell);
            app->hints[app->nhints].x0 = x;
            app->hints[app->nhints].x1 = x + w;
            app->hints[app->nhints++].action = *a;
            x += w;
        }
}

static void draw_bars(struct tui_app *app, int lines, int cols)
{
    struct strbuf sb;
    sb_init(&sb);
    sb_addf(&sb, " credence | %s (%s) as %s | %s", app->opts->who->name, app->opts->who->login,
            app->role, app->view->name);
    if (app->campaign.stale)
        campaign_refresh(app);
    if (app->campaign.name[0]) { /* "2026-Q4 [####......] 14/23" */
        enum { CELLS = 10 };
        long long fill =
            app->campaign.total
                ? (CELLS * app->campaign.decided + app->campaign.total / 2) / app->campaign.total
                : 0;
        sb_addf(&sb, " | %s [", app->campaign.name);
        for (int i = 0; i < CELLS; i++)
            sb_addc(&sb, i < fill ? '#' : '.');
        sb_addf(&sb, "] %lld/%lld", app->campaign.decided, app->campaign.total);
    }
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
    char counts[96] = "";
    if ((app->push_pending || app->push_failed) && !app->message[0] && !app->searching)
        snprintf(counts, sizeof counts, " outbox: %d waiting, %d failed ", app->push_pending,
                 app->push_failed);
    if (app->searching)
        sb_addf(&sb, " /%s", app->search);
    else if (app->message[0])
        sb_addf(&sb, " %s", app->message);
    int cw = text_display_width(counts);
    app->nhints = 0;
    if (!app->searching && !app->message[0])
        key_hints(app, &sb, cols - cw);
    text_fit(&line, sb_str(&sb), cols - cw, true);
    attron(theme_attr(CR_STATUS));
    mvaddstr(lines - 1, 0, sb_str(&line));
    attroff(theme_attr(CR_STATUS));
    if (cw) {
        attron(theme_attr(app->push_failed ? CR_CRITICAL : CR_STATUS));
        mvaddstr(lines - 1, cols - cw, counts);
        attroff(theme_attr(app->push_failed ? CR_CRITICAL : CR_STATUS));
    }
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
    int cur = -1;
    for (int i = 0; i < NROLES; i++)
        if (strcmp(app->role, role_name(console_roles[i])) == 0)
            cur = i;
    for (int k = 1; k <= NROLES; k++) {
        enum role r = console_roles[(cur + k + NROLES) % NROLES];
        if (app->opts->who->roles & ROLE_BIT(r)) {
            snprintf(app->role, sizeof app->role, "%s", role_name(r));
            tui_message(app, "acting as %s", app->role);
            app->dirty = true; /* queues and the dashboard are the role's */
            return;
        }
    }
}

/* Global keys; returns false to quit. */
static bool handle_global(struct tui_app *app, enum tui_action a)
{
    if (tui_view_read_only(app->view) && tui_action_changes_state(a)) {
        tui_message(app, "evidence screens are read-only");
        return true;
    }
    switch (a) {
    case ACT_QUIT:
        return false;
    case ACT_BACK:
        return app->view != &view_dashboard ? (app->view = &view_dashboard, true) : false;
    case ACT_HELP: /* help returns to the screen it covers, which keeps its own way back */
        if (app->view != &view_help)
            app->help_return = app->view;
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
            if (app->view == jump_views[i]) /* a screen's number again reads it again */
                app->dirty = true;
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
    if (app->view->fetch) { /* paged lists filter in core */
        app->sel = app->top = 0;
        app->dirty = true;
        return;
    }
    for (size_t i = 0; i < app->nrows; i++) /* jump to the first match */
        if (!app->search[0] || strstr(app->rows[i].text, app->search)) {
            app->sel = i;
            break;
        }
}

/* Background pushes: the engine the CLI's `push` runs, stepped from the main loop without ever
 * blocking it. Provider warnings land in the message line; nothing is printed. */
static void push_warn(void *ctx, const char *msg)
{
    struct tui_app *app = ctx;
    struct strbuf clean;
    sb_init(&clean);
    text_sanitize(&clean, msg, strlen(msg));
    snprintf(app->push_note, sizeof app->push_note, "%s", sb_str(&clean));
    sb_done(&clean);
}

static void push_refresh_counts(struct tui_app *app)
{
    struct push_counts pc;
    struct strbuf err;
    sb_init(&err);
    if (push_counts(app->opts->store, &pc, &err) == ST_OK) {
        app->push_pending = pc.waiting;
        app->push_failed = pc.failed;
    }
    sb_done(&err);
}

static void push_start(struct tui_app *app)
{
    static struct reporter rep;
    rep = (struct reporter){push_warn, NULL, NULL, app};
    struct push_opts po = {.actor = app->opts->who->login};
    struct strbuf err;
    sb_init(&err);
    bool enabled = true; /* [push] console = false leaves pushing to `credence push` */
    if (config_get_bool(app->opts->config, "push", "console", true, &enabled, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    if (!enabled) {
        snprintf(app->push_note, sizeof app->push_note,
                 "pushing from the console is off ([push] console = false); run credence push");
        sb_done(&err);
        push_refresh_counts(app);
        return;
    }
    if (push_engine_new(app->opts->store, app->opts->config, &po, &rep, &app->push, &err) != ST_OK)
        tui_message(app, "push: %s", sb_str(&err));
    sb_done(&err);
    push_refresh_counts(app);
}

/* One non-blocking step; true while transfers are in flight. Counts refresh when an action
 * finished, and the outbox view redraws then. */
static bool push_tick(struct tui_app *app)
{
    if (!app->push)
        return false;
    const struct push_summary *sum = push_engine_summary(app->push);
    int before = sum->verified + sum->sent + sum->retrying + sum->failed + sum->dead;
    enum push_state state;
    struct strbuf err;
    sb_init(&err);
    if (push_engine_step(app->push, 0, &state, &err) != ST_OK) {
        tui_message(app, "push stopped: %s", sb_str(&err));
        push_engine_free(&app->push);
        sb_done(&err);
        return false;
    }
    sb_done(&err);
    int after = sum->verified + sum->sent + sum->retrying + sum->failed + sum->dead;
    static int ticks;
    if (after != before || ++ticks % 8 == 0) { /* and every ~2 s for decisions made here */
        push_refresh_counts(app);
        if (after != before && app->view == &view_outbox)
            app->dirty = true;
    }
    return state == PUSH_BUSY;
}

/* Runs an action as its key would: the list, then the screen, then the global keys. False to
 * quit. */
static bool dispatch(struct tui_app *app, enum tui_action a, int page)
{
    if (tui_list_handle(app, a, page))
        return true;
    if (app->view->handle && app->view->handle(app, a))
        return true;
    return handle_global(app, a);
}

/* Wheel scrolls three rows; a click selects the row under it, a double click opens it; a click
 * on a key in the bottom bar does what the key does. False to quit. */
static bool handle_mouse(struct tui_app *app, int page)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return true;
    if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        for (int i = 0; i < 3; i++)
            tui_list_handle(app, ev.bstate & BUTTON4_PRESSED ? ACT_UP : ACT_DOWN, page);
        return true;
    }
    if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)))
        return true;
    if (ev.y == LINES - 1) {
        for (int i = 0; i < app->nhints; i++)
            if (ev.x >= app->hints[i].x0 && ev.x < app->hints[i].x1)
                return dispatch(app, app->hints[i].action, page);
        return true;
    }
    int row = ev.y - app->list_y;
    if (app->list_y <= 0 || row < 0 || app->top + (size_t)row >= app->count)
        return true;
    app->sel = app->top + (size_t)row;
    if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
        return dispatch(app, ACT_OPEN, page);
    return true;
}

/* CREDENCE_TUI_TRACE=FILE makes the console write how long each frame took: the first one
 * from the start of the console, then each from a key press to its finished redraw (make bench's
 * console benchmark reads it). */
static struct {
    FILE *f;
    double start, key_at;
    const char *what; /* the key's action; NULL once its frame is written */
    bool first_done;
} frame_trace;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void trace_frame(void)
{
    if (!frame_trace.f)
        return;
    if (!frame_trace.first_done) {
        fprintf(frame_trace.f, "first-frame %.3f\n", now_ms() - frame_trace.start);
        frame_trace.first_done = true;
    } else if (frame_trace.what) {
        fprintf(frame_trace.f, "%s %.3f\n", frame_trace.what, now_ms() - frame_trace.key_at);
    }
    frame_trace.what = NULL;
}

static void trace_key(const char *what)
{
    frame_trace.key_at = now_ms();
    frame_trace.what = what;
}

/* The theme: --theme, else [ui] theme, else default; a bad one is reported in the message line. */
static void tui_theme_start(struct tui_app *app)
{
    const char *theme =
        app->opts->theme ? app->opts->theme : config_get(app->opts->config, "ui", "theme");
    const char *nc = getenv("NO_COLOR");
    struct strbuf msg;
    sb_init(&msg);
    theme_setup(theme && *theme ? theme : "default", nc && *nc, &msg);
    if (msg.len)
        tui_message(app, "%s", sb_str(&msg));
    sb_done(&msg);
}

int tui_run(const struct tui_opts *opts)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "credence: the console needs a terminal; for scripts use the commands "
                        "(credence --help)\n");
        return 64;
    }
    const char *trace_path = getenv("CREDENCE_TUI_TRACE");
    frame_trace.start = now_ms();
    frame_trace.f = trace_path && *trace_path ? fopen(trace_path, "w") : NULL;
    struct tui_app app;
    memset(&app, 0, sizeof app);
    app.opts = opts;
    sb_init(&app.detail);
    for (int i = 0; i < NROLES && !app.role[0]; i++)
        if (opts->who->roles & ROLE_BIT(console_roles[i]))
            snprintf(app.role, sizeof app.role, "%s", role_name(console_roles[i]));
    app.view = &view_dashboard;
    app.dirty = true;
    app.campaign.stale = true;
    app.pools.sort = PS_RISK;
    app.pools.desc = true;
    char keys_problem[200] = "";
    km_configure(opts->config, keys_problem, sizeof keys_problem);
    if (keys_problem[0])
        tui_message(&app, "%s", keys_problem);
    signal(SIGTERM, on_term);
    signal(SIGHUP, on_term);
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(200);
    timeout(250);
    tui_theme_start(&app);
    push_start(&app);
    const struct view_ops *shown = NULL;
    while (!tui_terminated) {
        if (app.view != shown || app.dirty) {
            bool restore = app.view != shown && app.back.restore;
            /* back to the list as it was, unless a decision or import changed what it shows */
            bool reuse = restore && app.back.rows && !app.data_changed && !app.dirty;
            if (app.view != shown) {
                app.sel = app.top = 0;
                app.search[0] = '\0';
                tui_rows_clear(&app);
                app.base = app.count = 0;
                if (restore)
                    snprintf(app.search, sizeof app.search, "%s", app.back.search);
                if (reuse) {
                    app.rows = app.back.rows;
                    app.nrows = app.back.nrows;
                    app.base = app.back.base;
                    app.count = app.back.count;
                    snprintf(app.header, sizeof app.header, "%s", app.back.header);
                    app.back.rows = NULL;
                    app.back.nrows = 0;
                } else if (shown && app.view != &view_detail && app.view != &view_help)
                    tui_marks_clear(&app);
                if (app.view == &view_pools && !restore && app.pools.browser &&
                    pool_browser_stale(app.pools.browser)) /* changed by another process */
                    app.pools.summary_ready = app.pools.util_ready = false;
                app.back.restore = false;
            }
            if (!reuse)
                app.view->recalc(&app);
            if (restore) {
                app.sel = app.back.sel;
                app.top = app.back.top;
            }
            shown = app.view;
            app.dirty = false;
        }
        draw(&app);
        trace_frame();
        bool summing = app.burn_state == 1 || app.burn_state == 3;
        if (summing) { /* the slow part of the dashboard runs on a thread; look in on it */
            static double burn_t0;
            if (app.burn_state == 1)
                burn_t0 = now_ms();
            if (tui_dashboard_burn_step(&app)) {
                if (app.view == &view_dashboard)
                    app.dirty = true;
                if (frame_trace
                        .f) /* from the start of the sum to its rows, keys served meanwhile */
                    fprintf(frame_trace.f, "dashboard-burn %.3f\n", now_ms() - burn_t0);
            }
        }
        if (app.push_counts_stale) {
            push_refresh_counts(&app);
            app.push_counts_stale = false;
        }
        bool busy = push_tick(&app);         /* transfers in flight: come back soon */
        timeout(summing || busy ? 30 : 250); /* soon back for the burn or transfers */
        int ch = getch();
        if (ch == ERR) {
            if (tui_input_gone())
                break;
            continue;
        }
        trace_key(app.searching     ? "search"
                  : ch == KEY_MOUSE ? "mouse"
                                    : km_action_name(km_lookup(ch)));
        if (ch == KEY_RESIZE) {
            clearok(curscr, TRUE);
            if (app.view->recalc_on_resize)
                app.dirty = true;
            continue;
        }
        app.message[0] = '\0';
        if (app.searching) {
            handle_search_key(&app, ch);
            continue;
        }
        int lines = getmaxy(stdscr);
        if (ch == KEY_MOUSE) {
            if (!handle_mouse(&app, lines > 4 ? lines - 4 : 1))
                break;
            continue;
        }
        enum tui_action a = km_lookup(ch);
        if (a != ACT_NONE && !dispatch(&app, a, lines > 4 ? lines - 4 : 1))
            break;
    }
    endwin();
    if (frame_trace.f)
        fclose(frame_trace.f);
    dashboard_job_cancel(&app.burn_job);
    push_engine_free(&app.push);
    pool_browser_free(&app.pools.browser);
    free(app.burn);
    tui_rows_clear(&app);
    tui_marks_clear(&app);
    tui_back_forget(&app);
    sb_done(&app.detail);
    /* With the terminal gone there is nobody to report to: leave at once, as a shell's jobs
     * do on hang-up (committed work is in the WAL; nothing is half-written). Exiting through
     * atexit here can wedge LeakSanitizer's stop-the-world in the orphaned process group. */
    if (tui_hung_up)
        _exit(129);
    return 0;
}
