/* The Imports screen: the history of import runs (newest first) with their row counts, one
 * import's detail on Enter, and `i`: a path prompt, then the import with a progress bar. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/imports.h"
#include "core/path_complete.h"
#include "tui/internal.h"

/* ---- history ---------------------------------------------------------------------------- */

/* "2026-11-24T10:05:00Z" -> "2026-11-24 10:05" */
static void short_time(const char *iso, char *out, size_t cap)
{
    snprintf(out, cap, "%.16s", iso);
    char *t = strchr(out, 'T');
    if (t)
        *t = ' ';
}

static void imports_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    /* the file name takes the width the other columns leave (they need 82) */
    int file_w = COLS - 82 > 48 ? 48 : COLS - 82 < 18 ? 18 : COLS - 82;
    snprintf(app->header, sizeof app->header, "%-16s %-*s %-9s %6s %8s %8s %-8s %-10s %s", "WHEN",
             file_w, "FILE", "FORMAT", "ROWS", "IMPORTED", "REJECTED", "WHO", "STATUS", "SHA256");
    struct import_entry *e = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    if (imports_list(app->opts->store, &e, &n, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    for (size_t i = 0; i < n; i++) {
        char when[32], id[32];
        short_time(e[i].started_at, when, sizeof when);
        snprintf(id, sizeof id, "%lld", (long long)e[i].id);
        struct strbuf line;
        sb_init(&line);
        sb_addf(&line, "%-16s ", when);
        text_fit(&line, imports_basename(e[i].file_name), file_w, true);
        sb_addc(&line, ' ');
        text_fit(&line, e[i].format[0] ? e[i].format : e[i].kind, 9, true);
        sb_addf(&line, " %6lld %8lld %8lld ", (long long)e[i].rows_read,
                (long long)e[i].rows_imported, (long long)e[i].rows_rejected);
        text_fit(&line, e[i].actor, 8, true);
        sb_addc(&line, ' ');
        text_fit(&line, e[i].status, 10, true);
        sb_addf(&line, " %.8s", e[i].sha256);
        int role = strcmp(e[i].status, "superseded") == 0 ? CR_MUTED
                   : e[i].rows_rejected                   ? CR_MEDIUM
                                                          : CR_NORMAL;
        tui_rows_add(app, id, role, "%s", sb_str(&line));
        sb_done(&line);
    }
    imports_free(e, n);
    sb_done(&err);
}

static bool imports_handle(struct tui_app *app, enum tui_action a)
{
    if (a == ACT_OPEN && app->nrows && app->rows[app->sel].key) {
        snprintf(app->detail_id, sizeof app->detail_id, "%s", app->rows[app->sel].key);
        app->previous = app->view;
        app->view = &view_import_detail;
        app->dirty = true;
        return true;
    }
    return false;
}

static const enum tui_action view_imports_keys[] = {ACT_OPEN, ACT_IMPORT, ACT_NONE};

const struct view_ops view_imports = {.name = "Imports",
                                      .recalc = imports_recalc,
                                      .draw = tui_list_draw,
                                      .handle = imports_handle,
                                      .recalc_on_resize = true,
                                      .keys = view_imports_keys};

/* ---- one import ------------------------------------------------------------------------- */

static void import_detail_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    snprintf(app->header, sizeof app->header, "Import %s", app->detail_id);
    struct import_entry e;
    struct strbuf err;
    sb_init(&err);
    if (imports_get(app->opts->store, strtoll(app->detail_id, NULL, 10), &e, &err) != ST_OK) {
        tui_message(app, "%s", sb_str(&err));
        sb_done(&err);
        return;
    }
    char cost[AMOUNT_BUF];
    tui_rows_add(app, NULL, CR_TITLE, "%s", imports_basename(e.file_name));
    tui_rows_add(app, NULL, CR_NORMAL, "file      %s", e.file_name);
    tui_rows_add(app, NULL, CR_NORMAL, "kind      %s%s%s", e.kind, e.format[0] ? ", format " : "",
                 e.format);
    tui_rows_add(app, NULL, CR_NORMAL, "sha256    %s", e.sha256);
    if (e.source[0])
        tui_rows_add(app, NULL, CR_NORMAL, "source    %s", e.source);
    tui_rows_add(app, NULL, CR_NORMAL, "by        %s", e.actor);
    tui_rows_add(app, NULL, CR_NORMAL, "started   %s", e.started_at);
    tui_rows_add(app, NULL, CR_NORMAL, "finished  %s", e.finished_at[0] ? e.finished_at : "-");
    tui_rows_add(app, NULL, e.rows_rejected ? CR_MEDIUM : CR_NORMAL,
                 "rows      %lld read, %lld imported, %lld rejected", (long long)e.rows_read,
                 (long long)e.rows_imported, (long long)e.rows_rejected);
    if (strcmp(e.kind, "usage") == 0) {
        tui_rows_add(app, NULL, CR_NORMAL, "cost      %s (sum of the file's cost column)",
                     amount_format(e.cost_micros, 2, true, cost));
        tui_rows_add(app, NULL, CR_NORMAL, "rollups   %lld still from this import",
                     (long long)e.rollups);
    }
    tui_rows_add(app, NULL, strcmp(e.status, "superseded") == 0 ? CR_MUTED : CR_OK,
                 "status    %s%s", e.status,
                 strcmp(e.status, "superseded") == 0 ? " (a later import of the same scope)" : "");
    import_entry_done(&e);
    sb_done(&err);
}

static bool import_detail_handle(struct tui_app *app, enum tui_action a)
{
    if (a == ACT_BACK) {
        app->view = &view_imports;
        app->dirty = true;
        return true;
    }
    return false;
}

const struct view_ops view_import_detail = {.name = "Import",
                                            .recalc = import_detail_recalc,
                                            .draw = tui_list_draw,
                                            .handle = import_detail_handle};

/* ---- running an import with a progress bar ---------------------------------------------- */

struct progress {
    const char *name;     /* the file's base name (sanitised when drawn) */
    int64_t start_ms;     /* when the import began */
    int64_t last_ms;      /* last redraw: at most one every 100 ms */
    char info[160];       /* the latest info line ("format focus (detected ...)") */
    unsigned warnings;    /* warnings so far */
    char first_warn[160]; /* the first of them, for the result message */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "812 B", "3.4 KB", "12.0 MB" */
static void human_bytes(uint64_t b, char *out, size_t cap)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
    double v = (double)b;
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* The progress box over the middle of the screen. */
static void progress_draw(struct progress *p, uint64_t done, uint64_t total, uint64_t rows)
{
    int lines, cols;
    getmaxyx(stdscr, lines, cols);
    if (lines < 8 || cols < 40)
        return;
    int width = cols - 8 < 76 ? cols - 8 : 76, h = 6;
    WINDOW *w = newwin(h, width, (lines - h) / 2, (cols - width) / 2);
    if (!w)
        return;
    werase(w);
    box(w, 0, 0);
    struct strbuf sb, fit;
    sb_init(&sb);
    sb_init(&fit);
    sb_addf(&sb, " Importing %s ", p->name);
    text_fit(&fit, sb_str(&sb), width - 4, false);
    wattron(w, theme_attr(CR_HEADER));
    mvwaddstr(w, 0, 2, sb_str(&fit));
    wattroff(w, theme_attr(CR_HEADER));
    double secs = (double)(now_ms() - p->start_ms) / 1000.0;
    double rate = secs > 0 ? (double)rows / secs : 0;
    int barw = width - 12;
    bool utf8 = tui_utf8();
    sb_reset(&sb);
    if (total > 0) {
        double frac = done >= total ? 1.0 : (double)done / (double)total;
        int fill = (int)(frac * barw);
        for (int i = 0; i < barw; i++)
            sb_adds(&sb, i < fill ? (utf8 ? "\u2588" : "#") : (utf8 ? "\u2591" : "."));
        sb_addf(&sb, " %3d%%", (int)(frac * 100));
    } else {
        sb_adds(&sb, done || rows ? "reading ..." : "starting ...");
    }
    wattron(w, theme_attr(CR_BAR));
    mvwaddstr(w, 2, 2, sb_str(&sb));
    wattroff(w, theme_attr(CR_BAR));
    sb_reset(&sb);
    char d[32], t[32];
    human_bytes(done, d, sizeof d);
    human_bytes(total, t, sizeof t);
    if (total > 0) {
        double eta = done > 0 && done < total ? secs * (double)(total - done) / (double)done : 0;
        sb_addf(&sb, "%s of %s  %llu rows  %.0f rows/s  ETA %.0fs", d, t, (unsigned long long)rows,
                rate, eta);
    } else if (rows) {
        sb_addf(&sb, "%llu rows  %.0f rows/s", (unsigned long long)rows, rate);
    }
    sb_reset(&fit);
    text_fit(&fit, sb_str(&sb), width - 4, false);
    mvwaddstr(w, 3, 2, sb_str(&fit));
    sb_reset(&fit);
    text_fit(&fit, p->info, width - 4, false);
    wattron(w, theme_attr(CR_MUTED));
    mvwaddstr(w, 1, 2, sb_str(&fit));
    wattroff(w, theme_attr(CR_MUTED));
    wnoutrefresh(w);
    doupdate();
    delwin(w);
    touchwin(stdscr); /* the screen under the box comes back on the next draw */
    sb_done(&sb);
    sb_done(&fit);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total, uint64_t rows)
{
    struct progress *p = ctx;
    int64_t ms = now_ms();
    if (ms - p->last_ms < 100)
        return;
    p->last_ms = ms;
    progress_draw(p, done, total, rows);
}

static void on_info(void *ctx, const char *msg)
{
    struct progress *p = ctx;
    snprintf(p->info, sizeof p->info, "%s", msg);
}

static void on_warn(void *ctx, const char *msg)
{
    struct progress *p = ctx;
    if (!p->warnings++)
        snprintf(p->first_warn, sizeof p->first_warn, "%s", msg);
}

/* The message line after an import; error text names the file by its base name so the line and
 * column stay visible at 80 columns. */
static void result_message(struct tui_app *app, const char *path, enum status st,
                           const struct imports_result *res, const struct progress *p,
                           const struct strbuf *err)
{
    const char *name = imports_basename(path);
    struct strbuf sb, clean;
    sb_init(&sb);
    sb_init(&clean);
    if (st != ST_OK) {
        const char *e = err->len ? sb_str(err) : status_message(st);
        size_t plen = strlen(path);
        if (strncmp(e, path, plen) == 0) {
            sb_adds(&sb, name);
            e += plen;
        }
        sb_addf(&sb, "%s; not imported, the database is unchanged", e);
    } else if (res->already) {
        sb_addf(&sb, "%s: already imported on %.10s (same SHA-256); nothing to do", name,
                res->already_when);
    } else {
        sb_addf(&sb, "%s: %lld rows, %lld imported, %lld rejected (%s; %lld matched no pool)", name,
                (long long)res->sum.rows_read, (long long)res->sum.rows_imported,
                (long long)res->sum.rows_rejected, res->format, (long long)res->sum.unattributed);
    }
    if (p->warnings)
        sb_addf(&sb, "; %u warning%s: %s", p->warnings, p->warnings == 1 ? "" : "s", p->first_warn);
    text_sanitize(&clean, sb_str(&sb), sb.len);
    tui_message(app, "%s", sb_str(&clean));
    sb_done(&sb);
    sb_done(&clean);
}

bool tui_import(struct tui_app *app)
{
    struct strbuf err;
    sb_init(&err);
    if (perm_check(app->opts->who, PERM_IMPORT_USAGE, &err) != ST_OK || !app->opts->reader) {
        tui_message(app, "%s", err.len ? sb_str(&err) : "this console cannot import files");
        sb_done(&err);
        return true;
    }
    char typed[PATH_MAX] = "";
    if (!tui_prompt_path("import usage file (Tab completes, Esc cancels)", typed, sizeof typed) ||
        !typed[0]) {
        tui_message(app, "import cancelled");
        sb_done(&err);
        return true;
    }
    char *expanded = path_expand_tilde(typed);
    char *abs = realpath(expanded, NULL); /* the history keeps the full path */
    const char *path = abs ? abs : expanded;
    struct progress p = {.name = imports_basename(path), .start_ms = now_ms()};
    struct reporter rep = {on_warn, on_info, on_progress, &p};
    progress_draw(&p, 0, 0, 0);
    struct imports_request req = {.path = path, .actor = app->opts->who->login};
    struct imports_result res;
    enum status st = imports_run_file(app->opts->store, app->opts->reader, &req, &rep, &res, &err);
    result_message(app, path, st, &res, &p, &err);
    if (st == ST_OK) {
        app->sel = app->top = 0; /* the new import is the first row */
        app->view = &view_imports;
    }
    app->pools.util_ready = app->pools.summary_ready = false;
    app->data_changed = true;
    app->burn_state = 0;
    app->dirty = true; /* every view asks core again: pools, queue and detail see the usage */
    free(abs);
    free(expanded);
    sb_done(&err);
    return true;
}
