/* The console's views: lists built from core queries in recalc, painted in draw. */
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/findings.h"
#include "core/push.h"
#include "core/review.h"
#include "core/rules.h"
#include "tui/internal.h"

void tui_rows_clear(struct tui_app *app)
{
    for (size_t i = 0; i < app->nrows; i++) {
        free(app->rows[i].text);
        free(app->rows[i].key);
    }
    free(app->rows);
    app->rows = NULL;
    app->nrows = 0;
    if (!app->view || !app->view->fetch)
        app->count = 0;
}

void tui_rows_add(struct tui_app *app, const char *key, int role, const char *fmt, ...)
{
    struct strbuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&sb, fmt, ap);
    va_end(ap);
    app->rows = xreallocarray(app->rows, app->nrows + 1, sizeof *app->rows);
    struct tui_row *r = &app->rows[app->nrows++];
    r->text = sb_steal(&sb);
    r->key = key ? xstrdup(key) : NULL;
    r->role = role;
    if (!app->view || !app->view->fetch)
        app->count = app->nrows;
}

void tui_message(struct tui_app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->message, sizeof app->message, fmt, ap);
    va_end(ap);
}

struct tui_row *tui_row_at(struct tui_app *app, size_t i)
{
    return i >= app->base && i - app->base < app->nrows ? &app->rows[i - app->base] : NULL;
}

const char *tui_selected_key(struct tui_app *app)
{
    struct tui_row *r = app->count ? tui_row_at(app, app->sel) : NULL;
    return r ? r->key : NULL;
}

bool tui_marked(const struct tui_app *app, const char *key)
{
    for (size_t i = 0; key && i < app->nmarks; i++)
        if (strcmp(app->marks[i], key) == 0)
            return true;
    return false;
}

void tui_marks_clear(struct tui_app *app)
{
    for (size_t i = 0; i < app->nmarks; i++)
        free(app->marks[i]);
    free(app->marks);
    app->marks = NULL;
    app->nmarks = 0;
}

/* Space: marks or unmarks the selected row's pool and moves down. */
static void toggle_mark(struct tui_app *app)
{
    const char *key = tui_selected_key(app);
    if (tui_view_read_only(app->view)) {
        tui_message(app, "evidence screens are read-only");
        return;
    }
    if (!key) {
        tui_message(app, "nothing to mark here");
        return;
    }
    size_t i = 0;
    while (i < app->nmarks && strcmp(app->marks[i], key) != 0)
        i++;
    if (i < app->nmarks) {
        free(app->marks[i]);
        app->marks[i] = app->marks[--app->nmarks];
    } else {
        app->marks = xreallocarray(app->marks, app->nmarks + 1, sizeof *app->marks);
        app->marks[app->nmarks++] = xstrdup(key);
    }
    if (app->sel + 1 < app->count)
        app->sel++;
    tui_message(app, "%zu marked: a, r or x decides each with one reason; Space unmarks",
                app->nmarks);
}

/* A cell: text fitted (sanitised) to width columns, padded. */
void tui_cell(struct strbuf *sb, const char *s, int width)
{
    text_fit(sb, s ? s : "", width, true);
    sb_addc(sb, ' ');
}

/* Non-paged lists keep every row; search moves between matching rows. Paged lists filter in
 * core, so every row matches. */
static bool row_matches(struct tui_app *app, size_t i)
{
    if (app->view->fetch || !app->search[0])
        return true;
    struct tui_row *r = tui_row_at(app, i);
    return r && strstr(r->text, app->search);
}

/* Paged views hold the rows on screen and a few either side, asked of core only when missing:
 * a screen that overlaps what is loaded fetches just the missing rows (scrolling a row past the
 * edge costs a few rows, not a screen), one that does not fetches its window whole. */
static void list_ensure_window(struct tui_app *app, size_t rows)
{
    enum { MARGIN = 4, AHEAD = 8 }; /* every fetched row costs a ledger */
    size_t last = (app->top + rows < app->count ? app->top + rows : app->count) - 1;
    if (tui_row_at(app, app->top) && tui_row_at(app, last))
        return;
    size_t lo = app->base, hi = app->base + app->nrows; /* loaded: [lo, hi) */
    bool overlap = app->nrows && app->top < hi && last >= lo;
    if (!overlap) {
        size_t from = app->top > MARGIN ? app->top - MARGIN : 0;
        tui_rows_clear(app);
        app->view->fetch(app, from, rows + 2 * MARGIN);
        return;
    }
    /* keep the loaded rows aside, fetch the gap, and join them in list order */
    struct tui_row *kept = app->rows;
    size_t nkept = app->nrows, kept_base = app->base;
    app->rows = NULL;
    app->nrows = 0;
    bool below = last >= hi; /* the gap is after the loaded rows, else before them */
    size_t from = below ? hi : (app->top > AHEAD ? app->top - AHEAD : 0);
    size_t to = below ? last + 1 + AHEAD : lo;
    app->view->fetch(app, from, to - from);
    struct tui_row *got = app->rows;
    size_t ngot = app->nrows;
    app->rows = xreallocarray(NULL, nkept + ngot ? nkept + ngot : 1, sizeof *app->rows);
    if (below) {
        memcpy(app->rows, kept, nkept * sizeof *kept);
        memcpy(app->rows + nkept, got, ngot * sizeof *got);
        app->base = kept_base;
    } else {
        memcpy(app->rows, got, ngot * sizeof *got);
        memcpy(app->rows + ngot, kept, nkept * sizeof *kept);
        app->base = from;
    }
    app->nrows = nkept + ngot;
    free(kept);
    free(got);
    /* drop what scrolled far away, so memory stays a few screens */
    size_t keep_lo = app->top > rows + MARGIN ? app->top - rows - MARGIN : 0;
    size_t keep_hi = last + 1 + rows + MARGIN;
    size_t cut_front = keep_lo > app->base ? keep_lo - app->base : 0;
    if (cut_front > app->nrows)
        cut_front = app->nrows;
    size_t end = app->base + app->nrows > keep_hi ? keep_hi - app->base : app->nrows;
    for (size_t i = 0; i < app->nrows; i++)
        if (i < cut_front || i >= end) {
            free(app->rows[i].text);
            free(app->rows[i].key);
        }
    memmove(app->rows, app->rows + cut_front, (end - cut_front) * sizeof *app->rows);
    app->nrows = end - cut_front;
    app->base += cut_front;
    /* a screen taller than what was loaded can miss rows at both ends: fetch the other gap */
    if (ngot && (!tui_row_at(app, app->top) || !tui_row_at(app, last)))
        list_ensure_window(app, rows);
}

void tui_list_draw(struct tui_app *app, WINDOW *w, int h, int width)
{
    wattron(w, theme_attr(CR_HEADER));
    struct strbuf sb;
    sb_init(&sb);
    text_fit(&sb, app->header, width, true);
    mvwaddstr(w, 0, 0, sb_str(&sb));
    wattroff(w, theme_attr(CR_HEADER));
    int rows = h - 1;
    if (app->sel >= app->count)
        app->sel = app->count ? app->count - 1 : 0;
    if (app->sel < app->top)
        app->top = app->sel;
    if (rows > 0 && app->sel >= app->top + (size_t)rows)
        app->top = app->sel - (size_t)rows + 1;
    if (app->top + (size_t)rows > app->count) /* no empty space below when rows would fit */
        app->top = app->count > (size_t)rows ? app->count - (size_t)rows : 0;
    if (app->view->fetch && rows > 0 && app->count)
        list_ensure_window(app, (size_t)rows);
    app->list_y = getbegy(w) + 1;
    bool marking = app->nmarks > 0;
    /* only the rows on screen are fitted and painted */
    for (int y = 0; y < rows && app->top + (size_t)y < app->count; y++) {
        size_t i = app->top + (size_t)y;
        struct tui_row *r = tui_row_at(app, i);
        if (!r)
            break;
        sb_reset(&sb);
        if (marking)
            sb_adds(&sb, tui_marked(app, r->key) ? "* " : "  ");
        sb_adds(&sb, r->text);
        struct strbuf fit;
        sb_init(&fit);
        text_fit(&fit, sb_str(&sb), width, true);
        attr_t a = i == app->sel ? theme_attr(CR_SELECTION) : theme_attr(r->role);
        wattron(w, a);
        mvwaddstr(w, y + 1, 0, sb_str(&fit));
        wattroff(w, a);
        sb_done(&fit);
    }
    if (app->count == 0)
        mvwaddstr(w, 1, 0, app->search[0] ? "(no row matches the search)" : "(nothing here)");
    sb_done(&sb);
}

bool tui_list_handle(struct tui_app *app, enum tui_action a, int page)
{
    size_t n = app->count;
    switch (a) {
    case ACT_UP:
        for (size_t i = app->sel; i-- > 0;)
            if (row_matches(app, i)) {
                app->sel = i;
                break;
            }
        return true;
    case ACT_DOWN:
        for (size_t i = app->sel + 1; i < n; i++)
            if (row_matches(app, i)) {
                app->sel = i;
                break;
            }
        return true;
    case ACT_PAGE_UP:
        app->sel = app->sel > (size_t)page ? app->sel - (size_t)page : 0;
        return true;
    case ACT_PAGE_DOWN:
        app->sel = n ? (app->sel + (size_t)page < n ? app->sel + (size_t)page : n - 1) : 0;
        return true;
    case ACT_FIRST:
        app->sel = 0;
        return true;
    case ACT_LAST:
        app->sel = n ? n - 1 : 0;
        return true;
    case ACT_MARK:
        toggle_mark(app);
        return true;
    default:
        return false;
    }
}

char *tui_money(int64_t micros, const char *unit, char *buf)
{
    return amount_format(micros, strcmp(unit, "tokens") == 0 ? 0 : 2, true, buf);
}

/* Remembers the list's place before a detail or help screen covers it. */
void tui_remember_place(struct tui_app *app)
{
    app->previous = app->view;
    app->back.sel = app->sel;
    app->back.top = app->top;
    snprintf(app->back.search, sizeof app->back.search, "%s", app->search);
    /* keep the loaded rows: going back shows them again without asking core */
    tui_back_forget(app);
    app->back.rows = app->rows;
    app->back.nrows = app->nrows;
    app->back.base = app->base;
    app->back.count = app->count;
    snprintf(app->back.header, sizeof app->back.header, "%s", app->header);
    app->rows = NULL;
    app->nrows = 0;
    app->data_changed = false;
}

void tui_back_forget(struct tui_app *app)
{
    for (size_t i = 0; i < app->back.nrows; i++) {
        free(app->back.rows[i].text);
        free(app->back.rows[i].key);
    }
    free(app->back.rows);
    app->back.rows = NULL;
    app->back.nrows = 0;
}

/* Enter on a row about a pool opens its detail. */
bool tui_open_selected(struct tui_app *app, enum tui_action a)
{
    const char *key = tui_selected_key(app);
    if (a == ACT_OPEN && key) {
        snprintf(app->detail_id, sizeof app->detail_id, "%s", key);
        tui_remember_place(app);
        app->view = &view_detail;
        app->dirty = true;
        return true;
    }
    return false;
}

/* Back from a detail or help screen to where it was opened. */
bool tui_detail_back(struct tui_app *app, enum tui_action a)
{
    if (a == ACT_BACK) {
        app->view = app->previous ? app->previous : &view_pools;
        app->back.restore = app->previous != NULL; /* the list where it was left */
        return true;
    }
    return false;
}

/* ---- findings --------------------------------------------------------------------------- */

static void findings_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    app->base = 0;
    snprintf(app->header, sizeof app->header, "%-8s %-21s %-24s %-12s %s", "SEVERITY", "RULE",
             "POOL / SUBJECT", "STATE", "EXPLANATION");
    struct strbuf err;
    sb_init(&err);
    struct finding_filter ff = {.search = app->search};
    if (findings_count(app->opts->store, &ff, &app->count, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    sb_done(&err);
}

/* A page of findings: the list may hold tens of thousands. */
static void findings_fetch(struct tui_app *app, size_t offset, size_t limit)
{
    struct finding *f = NULL;
    size_t n = 0;
    struct strbuf err;
    sb_init(&err);
    struct finding_filter ff = {.search = app->search, .offset = offset, .limit = limit};
    if (findings_list(app->opts->store, &ff, &f, &n, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    app->base = offset;
    for (size_t i = 0; i < n; i++) {
        struct strbuf line;
        sb_init(&line);
        tui_cell(&line, f[i].severity, 8);
        tui_cell(&line, f[i].rule, 21);
        tui_cell(&line, f[i].pool_id ? f[i].pool_id : f[i].subject, 24);
        tui_cell(&line, f[i].state, 12);
        sb_adds(&line, f[i].explanation);
        tui_rows_add(app, f[i].pool_id, theme_role_for_severity(f[i].severity), "%s",
                     sb_str(&line));
        sb_done(&line);
    }
    findings_free(f, n);
    sb_done(&err);
}

static const enum tui_action view_findings_keys[] = {ACT_OPEN,     ACT_SEARCH, ACT_ACKNOWLEDGE,
                                                     ACT_ESCALATE, ACT_SNOOZE, ACT_NONE};

const struct view_ops view_findings = {.name = "Findings",
                                       .recalc = findings_recalc,
                                       .draw = tui_list_draw,
                                       .handle = tui_open_selected,
                                       .fetch = findings_fetch,
                                       .keys = view_findings_keys};

/* ---- queue ------------------------------------------------------------------------------ */

bool tui_utf8(void)
{
    return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

const char *tui_block(int eighths)
{
    static const char *const blocks[] = {" ",      "\u2581", "\u2582", "\u2583", "\u2584",
                                         "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char *const ascii[] = {" ", ".", ".", "_", "_", "o", "o", "#", "#"};
    int k = eighths < 0 ? 0 : eighths > 8 ? 8 : eighths;
    return tui_utf8() ? blocks[k] : ascii[k];
}

/* A sparkline of values appended to sb. */
static void sparkline(struct strbuf *sb, const int64_t *v, int n)
{
    int64_t max = 1;
    for (int i = 0; i < n; i++)
        if (v[i] > max)
            max = v[i];
    for (int i = 0; i < n; i++)
        sb_adds(sb, tui_block(v[i] > 0 ? 1 + (int)(7 * v[i] / max) : 0));
}

/* A utilisation bar of `width` cells ('#' filled, '.' empty; '!' cells past 100%). */
static void util_bar(struct strbuf *sb, double pct, int width)
{
    int fill = (int)(pct * width / 100.0 + 0.5);
    for (int i = 0; i < width; i++)
        sb_addc(sb, i < fill ? (pct > 100.0 && i == width - 1 ? '!' : '#') : '.');
}

#define QUEUE_TREND_DAYS 14

static void queue_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    app->base = 0;
    snprintf(app->header, sizeof app->header, "%-8s %-9s %-22s %-16s %-14s %-8s %-20s %s", "RISK",
             "KIND", "POOL", "UTILISATION", "14-DAY TREND", "ADVICE", "TOP FINDING", "WHY");
    struct strbuf err;
    sb_init(&err);
    if (review_queue_count(app->opts->store, app->opts->who, app->role, app->search, &app->count,
                           &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    sb_done(&err);
}

/* Only the items on screen (and half a screen around) get a recommendation and a ledger. */
static void queue_fetch(struct tui_app *app, size_t offset, size_t limit)
{
    json_t *items = NULL;
    struct strbuf err;
    sb_init(&err);
    int32_t today = clock_today();
    if (review_queue_page(app->opts->store, app->opts->config, app->opts->who, app->role,
                          app->search, today, offset, limit, &items, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    app->base = offset;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        json_t *rec = json_object_get(it, "recommendation");
        const char *pool_id = json_string_value(json_object_get(it, "pool_id"));
        struct strbuf line;
        sb_init(&line);
        const char *sev = json_string_value(json_object_get(it, "severity"));
        tui_cell(&line, sev, 8);
        tui_cell(&line, json_string_value(json_object_get(it, "kind")), 9);
        tui_cell(&line, pool_id, 22);
        double pct = json_real_value(json_object_get(it, "utilization_pct"));
        util_bar(&line, pct, 10);
        sb_addf(&line, "%4.0f%% ", pct);
        /* the trend: daily burn of the last two weeks */
        struct pool p;
        pool_init(&p);
        int64_t daily[QUEUE_TREND_DAYS] = {0};
        if (pool_id && pool_get_fields(app->opts->store, pool_id, &p, &err) == ST_OK)
            pool_daily(app->opts->store, &p, today - QUEUE_TREND_DAYS + 1, today + 1, daily, &err);
        pool_done(&p);
        sb_reset(&err);
        sparkline(&line, daily, QUEUE_TREND_DAYS);
        sb_adds(&line, " ");
        tui_cell(&line, json_string_value(json_object_get(rec, "action")), 8);
        tui_cell(&line, json_string_value(json_object_get(it, "top_finding")), 20);
        sb_adds(&line, json_string_value(json_object_get(rec, "reason")));
        tui_rows_add(app, pool_id, theme_role_for_severity(sev), "%s", sb_str(&line));
        sb_done(&line);
    }
    json_decref(items);
    sb_done(&err);
}

static const enum tui_action view_queue_keys[] = {
    ACT_OPEN,   ACT_APPROVE,  ACT_REDUCE, ACT_REVOKE,      ACT_MARK,
    ACT_SEARCH, ACT_ESCALATE, ACT_SNOOZE, ACT_ACKNOWLEDGE, ACT_NONE};

const struct view_ops view_queue = {.name = "Queue",
                                    .recalc = queue_recalc,
                                    .draw = tui_list_draw,
                                    .handle = tui_open_selected,
                                    .fetch = queue_fetch,
                                    .keys = view_queue_keys};

/* ---- outbox ----------------------------------------------------------------------------- */

static void outbox_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    snprintf(app->header, sizeof app->header, "%5s %-22s %-9s %-9s %-16s %3s  %s", "ID", "POOL",
             "PROVIDER", "STATE", "OP", "TRY", "SUMMARY / LAST ERROR");
    json_t *arr = NULL;
    struct strbuf err;
    sb_init(&err);
    if (push_list(app->opts->store, &arr, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    else if (app->push_note[0] && !app->message[0]) /* a verb's result stays in view */
        tui_message(app, "push: %s", app->push_note);
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        const char *state = json_string_value(json_object_get(o, "state"));
        const char *text = json_string_value(json_object_get(o, "last_error"));
        if (!text)
            text = json_string_value(json_object_get(o, "summary"));
        struct strbuf line;
        sb_init(&line);
        sb_addf(&line, "%5lld ", (long long)json_integer_value(json_object_get(o, "id")));
        tui_cell(&line, json_string_value(json_object_get(o, "pool_id")), 22);
        tui_cell(&line, json_string_value(json_object_get(o, "provider")), 9);
        tui_cell(&line, state, 9);
        tui_cell(&line, json_string_value(json_object_get(o, "op")), 16);
        sb_addf(&line, "%3lld  %s", (long long)json_integer_value(json_object_get(o, "attempts")),
                text ? text : "");
        bool bad = strcmp(state, "failed") == 0 || strcmp(state, "dead") == 0;
        /* the key is "ID:POOL": retry and cancel need the action, Enter opens the pool */
        char key[160];
        snprintf(key, sizeof key, "%lld:%s",
                 (long long)json_integer_value(json_object_get(o, "id")),
                 json_string_value(json_object_get(o, "pool_id")));
        tui_rows_add(app, key,
                     bad                              ? CR_CRITICAL
                     : strcmp(state, "verified") == 0 ? CR_OK
                                                      : CR_NORMAL,
                     "%s", sb_str(&line));
        sb_done(&line);
    }
    json_decref(arr);
    sb_done(&err);
}

/* Enter opens the action's pool; t retries and d cancels it (core checks who may). */
static bool outbox_handle(struct tui_app *app, enum tui_action a)
{
    const char *key = tui_selected_key(app);
    if (!key || (a != ACT_OPEN && a != ACT_RETRY && a != ACT_CANCEL))
        return false;
    long long id = strtoll(key, NULL, 10);
    const char *pool = strchr(key, ':') ? strchr(key, ':') + 1 : key;
    if (a == ACT_OPEN) {
        snprintf(app->detail_id, sizeof app->detail_id, "%s", pool);
        tui_remember_place(app);
        app->view = &view_detail;
        app->dirty = true;
        return true;
    }
    char reason[512] = "", label[96];
    if (a == ACT_CANCEL) {
        snprintf(label, sizeof label, "cancel action %lld: reason (Esc keeps it)", id);
        if (!tui_prompt_line(label, reason, sizeof reason) || !reason[0]) {
            tui_message(app, "action %lld not cancelled", id);
            return true;
        }
    }
    enum outbox_verb verb = a == ACT_RETRY ? OUTBOX_RETRY : OUTBOX_CANCEL;
    struct strbuf err;
    sb_init(&err);
    if (outbox_act(app->opts->store, app->opts->who, app->role, id, verb, reason, &err) == ST_OK)
        tui_message(app, "action %lld %s", id,
                    verb == OUTBOX_RETRY ? "is pending again, due now" : "cancelled");
    else
        tui_message(app, "%s", sb_str(&err));
    sb_done(&err);
    app->dirty = true;
    app->push_counts_stale = true;
    return true;
}

static const enum tui_action view_outbox_keys[] = {ACT_OPEN, ACT_RETRY, ACT_CANCEL, ACT_NONE};

const struct view_ops view_outbox = {.name = "Outbox",
                                     .recalc = outbox_recalc,
                                     .draw = tui_list_draw,
                                     .handle = outbox_handle,
                                     .keys = view_outbox_keys};

/* ---- dashboard -------------------------------------------------------------------------- */

#define DASHBOARD_ITEMS 5 /* the head of the caller's queue */

/* Burn this month against the monthly grants, per provider, with a 30-day sparkline. */
static void dashboard_burn_lines(struct tui_app *app)
{
    if (app->burn_state != 2) { /* summed on a thread, after the first frame */
        if (app->burn_state == 0)
            app->burn_state = 1;
        tui_rows_add(app, NULL, CR_MUTED, "BURN THIS MONTH (USD pools): computing ...");
        return;
    }
    const struct provider_burn *b = app->burn;
    size_t n = app->nburn;
    if (n)
        tui_rows_add(app, NULL, CR_HEADER, "BURN THIS MONTH (USD pools)  %-9s %14s %14s %5s  %s",
                     "", "CONSUMED", "GRANTS/MONTH", "", "LAST 30 DAYS");
    for (size_t i = 0; i < n; i++) {
        struct strbuf spark;
        sb_init(&spark);
        sparkline(&spark, b[i].daily, DASHBOARD_DAYS);
        char x[AMOUNT_BUF], y[AMOUNT_BUF];
        double pct = b[i].month_grant > 0
                         ? 100.0 * (double)b[i].month_consumed / (double)b[i].month_grant
                         : 0.0;
        tui_rows_add(app, NULL,
                     pct >= 100  ? CR_CRITICAL
                     : pct >= 80 ? CR_HIGH
                                 : CR_NORMAL,
                     "  %-9s %3d pool%s %14s %14s %4.0f%%  %s", b[i].provider, b[i].pools,
                     b[i].pools == 1 ? " " : "s", tui_money(b[i].month_consumed, "USD", x),
                     tui_money(b[i].month_grant, "USD", y), pct, sb_str(&spark));
        sb_done(&spark);
    }
}

bool tui_dashboard_burn_step(struct tui_app *app)
{
    struct strbuf err;
    sb_init(&err);
    enum status st = ST_OK;
    if (app->burn_state == 1) { /* start: a thread with its own connection sums it */
        free(app->burn);
        app->burn = NULL;
        app->nburn = 0;
        st =
            dashboard_job_start(app->opts->store->path, "USD", clock_today(), &app->burn_job, &err);
        if (st == ST_OK)
            app->burn_state = 3;
    } else if (app->burn_job && dashboard_job_done(app->burn_job)) {
        st = dashboard_job_take(&app->burn_job, &app->burn, &app->nburn, &err);
    } else {
        sb_done(&err);
        return false; /* still summing */
    }
    if (st != ST_OK)
        tui_message(app, "dashboard: %s", sb_str(&err));
    sb_done(&err);
    if (st != ST_OK || !app->burn_job) {
        app->burn_state = 2;
        return true;
    }
    return false;
}

static void dashboard_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    snprintf(app->header, sizeof app->header, "Dashboard of %s (%s)", app->opts->who->login,
             app->role);
    struct strbuf err;
    sb_init(&err);
    int by_sev[5] = {0};
    if (findings_count_by_severity(app->opts->store, by_sev, &err) != ST_OK)
        tui_message(app, "%s", sb_str(&err));
    tui_rows_add(app, NULL, CR_HEADER, "FINDINGS");
    static const char *const names[] = {"", "low", "medium", "high", "critical"};
    for (int r = 4; r >= 1; r--)
        tui_rows_add(app, NULL, theme_role_for_severity(names[r]), "  %-9s %d", names[r],
                     by_sev[r]);
    json_t *st = NULL;
    if (review_campaign_status(app->opts->store, NULL, clock_today(), &st, &err) == ST_OK) {
        json_int_t total = json_integer_value(json_object_get(st, "total"));
        json_int_t done = json_integer_value(json_object_get(st, "decided"));
        int width = 30, fill = total ? (int)(width * done / total) : 0;
        char bar[64];
        memset(bar, '#', (size_t)fill);
        memset(bar + fill, '.', (size_t)(width - fill));
        bar[width] = '\0';
        tui_rows_add(app, NULL, CR_HEADER, "CAMPAIGN %s (due %s)",
                     json_string_value(json_object_get(st, "name")),
                     json_string_value(json_object_get(st, "due")));
        tui_rows_add(app, NULL, CR_BAR, "  [%s] %lld of %lld decided, %lld overdue", bar,
                     (long long)done, (long long)total,
                     (long long)json_integer_value(json_object_get(st, "overdue")));
    } else {
        tui_rows_add(app, NULL, CR_MUTED, "no campaign yet");
    }
    json_decref(st);
    dashboard_burn_lines(app);
    /* my open items: the head of the role's queue, riskiest first; Enter opens one */
    size_t nq = 0;
    json_t *items = NULL;
    char role[sizeof app->role];
    snprintf(role, sizeof role, "%s", app->role);
    text_ascii_upper(role);
    if (review_queue_count(app->opts->store, app->opts->who, app->role, NULL, &nq, &err) == ST_OK)
        tui_rows_add(app, NULL, CR_HEADER, "YOUR %s QUEUE: %zu open item%s%s", role, nq,
                     nq == 1 ? "" : "s", nq > DASHBOARD_ITEMS ? " (2 shows them all)" : "");
    if (nq && review_queue_page(app->opts->store, app->opts->config, app->opts->who, app->role,
                                NULL, clock_today(), 0, DASHBOARD_ITEMS, &items, &err) == ST_OK) {
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            const char *sev = json_string_value(json_object_get(it, "severity"));
            const char *pool_id = json_string_value(json_object_get(it, "pool_id"));
            struct strbuf line;
            sb_init(&line);
            sb_adds(&line, "  ");
            tui_cell(&line, sev, 8);
            tui_cell(&line, json_string_value(json_object_get(it, "kind")), 9);
            tui_cell(&line, pool_id, 24);
            sb_addf(&line, "%4.0f%%  ", json_real_value(json_object_get(it, "utilization_pct")));
            tui_cell(
                &line,
                json_string_value(json_object_get(json_object_get(it, "recommendation"), "action")),
                8);
            const char *top = json_string_value(json_object_get(it, "top_finding"));
            sb_adds(&line, top && *top ? top : "");
            tui_rows_add(app, pool_id, theme_role_for_severity(sev), "%s", sb_str(&line));
            sb_done(&line);
        }
    }
    json_decref(items);
    sb_done(&err);
}

static const enum tui_action view_dashboard_keys[] = {ACT_OPEN, ACT_NONE};

const struct view_ops view_dashboard = {.name = "Dashboard",
                                        .recalc = dashboard_recalc,
                                        .draw = tui_list_draw,
                                        .handle = tui_open_selected,
                                        .keys = view_dashboard_keys};

/* ---- help ------------------------------------------------------------------------------- */

static void help_recalc(struct tui_app *app)
{
    tui_rows_clear(app);
    snprintf(app->header, sizeof app->header, "Keys (from the keymap table)");
    for (int a = 0; a < ACT__COUNT; a++)
        tui_rows_add(app, NULL, CR_NORMAL, "  %-8s %s", km_key_name((enum tui_action)a),
                     km_action_help((enum tui_action)a));
}

static bool help_back(struct tui_app *app, enum tui_action a)
{
    if (a != ACT_BACK)
        return false;
    app->view = app->help_return ? app->help_return : &view_dashboard;
    return true;
}

const struct view_ops view_help = {
    .name = "Help", .recalc = help_recalc, .draw = tui_list_draw, .handle = help_back};
