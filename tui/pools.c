/* The Pools screen: the whole register as a paged list (only the rows on screen are asked of
 * core), sorted by any column (s next, S reverse), narrowed by `/` search and `f` filters. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool_browse.h"
#include "tui/internal.h"

static void filter_of(const struct tui_app *app, struct pool_browse_filter *f)
{
    f->search = app->search;
    f->provider = app->pools.provider;
    f->environment = app->pools.environment;
    f->status = app->pools.status;
    f->min_severity = app->pools.min_severity;
}

static const char *const severity_names[] = {"", "low", "medium", "high", "critical"};

static void pools_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    app->base = 0;
    snprintf(app->header, sizeof app->header, "%-22s %-20s %-9s %-10s %-8s %-8s %12s %12s %5s %s",
             "POOL", "NAME", "PROVIDER", "ENV", "OWNER", "STATUS", "CONSUMED", "AVAILABLE", "UTIL",
             "FINDINGS");
    struct strbuf err;
    sb_init(&err);
    struct pool_browse_filter f;
    filter_of(app, &f);
    if (!app->pools.browser)
        app->pools.browser = pool_browser_new(app->opts->store);
    if (!app->pools.summary_ready) { /* the register or findings changed: load them again */
        if (pool_browse_refresh(app->pools.browser, &err) == ST_OK)
            app->pools.summary_ready = true;
        else
            tui_message(app, "%s", sb_str(&err));
        app->pools.util_ready = false;
        sb_reset(&err);
    }
    if (app->pools.sort == PS_UTIL && !app->pools.util_ready) {
        if (pool_browse_compute_util(app->pools.browser, clock_today(), &err) == ST_OK)
            app->pools.util_ready = true;
        else
            tui_message(app, "%s", sb_str(&err));
        sb_reset(&err);
    }
    if (pool_browse_count(app->pools.browser, &f, &app->count, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    sb_done(&err);
}

static void pools_fetch(struct tui_app *app, size_t offset, size_t limit)
{
    struct pool_browse_filter f;
    filter_of(app, &f);
    struct pool_brief *rows = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    if (pool_browse_page(app->pools.browser, &f, (enum pool_sort)app->pools.sort, app->pools.desc,
                         offset, limit, clock_today(), &rows, &n, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    app->base = offset;
    for (size_t i = 0; i < n; i++) {
        struct strbuf line;
        sb_init(&line);
        char a[AMOUNT_BUF], b[AMOUNT_BUF];
        tui_cell(&line, rows[i].id, 22);
        tui_cell(&line, rows[i].name, 20);
        tui_cell(&line, rows[i].provider, 9);
        tui_cell(&line, rows[i].environment, 10);
        tui_cell(&line, rows[i].owner, 8);
        tui_cell(&line, rows[i].status, 8);
        sb_addf(&line, "%12s %12s %4.0f%% %s", tui_money(rows[i].consumed, rows[i].unit, a),
                tui_money(rows[i].available, rows[i].unit, b), rows[i].util_pct, rows[i].rules);
        tui_rows_add(app, rows[i].id,
                     rows[i].top_severity
                         ? theme_role_for_severity(severity_names[rows[i].top_severity])
                         : CR_NORMAL,
                     "%s", sb_str(&line));
        sb_done(&line);
    }
    pool_briefs_free(rows, n);
    sb_done(&err);
}

static void pools_draw(struct tui_app *app, WINDOW *w, int h, int width)
{
    struct strbuf sb, fit;
    sb_init(&sb);
    sb_init(&fit);
    sb_addf(&sb, " %zu pool%s", app->count, app->count == 1 ? "" : "s");
    const struct tui_pools_state *ps = &app->pools;
    const char *fields[][2] = {{"provider", ps->provider},
                               {"env", ps->environment},
                               {"status", ps->status},
                               {"severity>=", severity_names[ps->min_severity]}};
    bool any = false;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i][1][0]) {
            sb_addf(&sb, "%s %s%s%s", any ? "," : " | filter", fields[i][0],
                    fields[i][0][strlen(fields[i][0]) - 1] == '=' ? "" : "=", fields[i][1]);
            any = true;
        }
    if (app->search[0])
        sb_addf(&sb, " | search \"%s\"", app->search);
    sb_addf(&sb, " | sorted by %s %s | s sort  S reverse  f filter  / search  Space mark",
            pool_sort_name((enum pool_sort)ps->sort), ps->desc ? "(desc)" : "(asc)");
    text_fit(&fit, sb_str(&sb), width, true);
    wattron(w, theme_attr(CR_MUTED));
    mvwaddstr(w, 0, 0, sb_str(&fit));
    wattroff(w, theme_attr(CR_MUTED));
    sb_done(&sb);
    sb_done(&fit);
    WINDOW *list = derwin(w, h - 1, width, 1, 0);
    if (list) {
        tui_list_draw(app, list, h - 1, width);
        delwin(list);
    }
}

/* The filter fields: a key cycles the field through its values ("" is any). */
static const struct {
    int key;
    const char *label;
    const char *values[7];
    size_t offset; /* of the char[16] in tui_pools_state; SIZE_MAX for severity */
} filter_fields[] = {
    {'p',
     "provider",
     {"", "openai", "anthropic", "litellm", "focus", "webhook", NULL},
     offsetof(struct tui_pools_state, provider)},
    {'e',
     "environment",
     {"", "production", "staging", "pilot", NULL},
     offsetof(struct tui_pools_state, environment)},
    {'s',
     "status",
     {"", "active", "reduced", "revoked", "retired", NULL},
     offsetof(struct tui_pools_state, status)},
    {'v', "severity (at least)", {"", "low", "medium", "high", "critical", NULL}, SIZE_MAX},
};

static const char *field_value(const struct tui_pools_state *ps, size_t k)
{
    if (filter_fields[k].offset == SIZE_MAX)
        return severity_names[ps->min_severity];
    return (const char *)ps + filter_fields[k].offset;
}

static void field_cycle(struct tui_pools_state *ps, size_t k)
{
    const char *cur = field_value(ps, k);
    size_t i = 0;
    while (filter_fields[k].values[i] && strcmp(filter_fields[k].values[i], cur) != 0)
        i++;
    const char *next = filter_fields[k].values[i] && filter_fields[k].values[i + 1]
                           ? filter_fields[k].values[i + 1]
                           : "";
    if (filter_fields[k].offset == SIZE_MAX) {
        int sev = 0;
        for (int r = 0; r < 5; r++)
            if (strcmp(severity_names[r], next) == 0)
                sev = r;
        ps->min_severity = sev;
    } else {
        snprintf((char *)ps + filter_fields[k].offset, 16, "%s", next);
    }
}

/* A small window over the list; letters change fields at once, Enter/Esc/f closes. */
static void filter_popup(struct tui_app *app)
{
    size_t nf = sizeof filter_fields / sizeof filter_fields[0];
    int h = (int)nf + 4, wd = 64, lines, cols;
    getmaxyx(stdscr, lines, cols);
    WINDOW *w = newwin(h, wd < cols ? wd : cols, (lines - h) / 2,
                       (cols - wd) / 2 > 0 ? (cols - wd) / 2 : 0);
    if (!w)
        return;
    timeout(-1);
    for (;;) {
        werase(w);
        box(w, 0, 0);
        wattron(w, theme_attr(CR_HEADER));
        mvwaddstr(w, 0, 2, " Filter pools ");
        wattroff(w, theme_attr(CR_HEADER));
        for (size_t k = 0; k < nf; k++) {
            const char *v = field_value(&app->pools, k);
            mvwprintw(w, 1 + (int)k, 2, "%c  %-20s %s", filter_fields[k].key,
                      filter_fields[k].label, *v ? v : "any");
        }
        wattron(w, theme_attr(CR_MUTED));
        mvwaddstr(w, h - 2, 2, "letter: next value   c: clear all   Enter: done");
        wattroff(w, theme_attr(CR_MUTED));
        wrefresh(w);
        int ch = getch();
        if (ch == '\n' || ch == KEY_ENTER || ch == 27 || ch == 'f' || ch == 'q' ||
            (ch == ERR && tui_input_gone()))
            break;
        if (ch == 'c') { /* the filters go; the order and the loaded register stay */
            app->pools.provider[0] = app->pools.environment[0] = app->pools.status[0] = '\0';
            app->pools.min_severity = 0;
        }
        for (size_t k = 0; k < nf; k++)
            if (ch == filter_fields[k].key)
                field_cycle(&app->pools, k);
    }
    timeout(250);
    delwin(w);
    app->sel = app->top = 0;
    app->dirty = true;
}

static bool pools_handle(struct tui_app *app, enum tui_action a)
{
    switch (a) {
    case ACT_SORT:
        app->pools.sort = (app->pools.sort + 1) % PS__COUNT;
        app->pools.desc = app->pools.sort == PS_RISK || app->pools.sort == PS_FINDINGS ||
                          app->pools.sort == PS_UTIL;
        if (app->pools.sort == PS_UTIL && !app->pools.util_ready)
            tui_message(app, "sorting by utilisation: one ledger per pool, computed once");
        app->sel = app->top = 0;
        app->dirty = true;
        return true;
    case ACT_SORT_REVERSE:
        app->pools.desc = !app->pools.desc;
        app->sel = app->top = 0;
        app->dirty = true;
        return true;
    case ACT_FILTER:
        filter_popup(app);
        return true;
    default:
        return tui_open_selected(app, a);
    }
}

static const enum tui_action view_pools_keys[] = {
    ACT_OPEN, ACT_SEARCH,  ACT_FILTER, ACT_SORT,   ACT_SORT_REVERSE,
    ACT_MARK, ACT_APPROVE, ACT_REDUCE, ACT_REVOKE, ACT_NONE};

const struct view_ops view_pools = {.name = "Pools",
                                    .recalc = pools_recalc,
                                    .draw = pools_draw,
                                    .handle = pools_handle,
                                    .fetch = pools_fetch,
                                    .keys = view_pools_keys};
