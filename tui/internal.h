/* Private to tui/: the view interface, the app state, keymap and colour roles. */
#ifndef CREDENCE_TUI_INTERNAL_H
#define CREDENCE_TUI_INTERNAL_H

#include <curses.h>
#include <stdbool.h>

#include "core/core.h"
#include "core/dashboard.h"
#include "core/push.h"
#include "tui/tui.h"

enum tui_action {
#define TUI_ACTION(id, name, hint, help) ACT_##id,
#include "tui/actions.def"
#undef TUI_ACTION
    ACT__COUNT,
    ACT_NONE = -1
};

/* Semantic colour roles; drawing code never names a colour. */
enum tui_role {
    CR_NORMAL,
    CR_TITLE,
    CR_STATUS,
    CR_HEADER,
    CR_SELECTION,
    CR_MUTED,
    CR_CRITICAL,
    CR_HIGH,
    CR_MEDIUM,
    CR_LOW,
    CR_OK,
    CR_BAR,
    CR_BORDER, /* frames and separators */
    CR_INPUT,  /* text being typed in a form */
    CR_GRID,   /* chart axes and grid */
    CR_GRANT,  /* a chart's grant line */
    CR__COUNT
};

/* One line of a list: cells already formatted and sanitised, plus what the row is about. */
struct tui_row {
    char *text; /* the whole line, fitted at draw time; owned */
    char *key;  /* pool id or subject the row opens; owned, may be NULL */
    int role;   /* colour role of the severity cell */
};

struct tui_app;

/* TO ADD A VIEW: a struct view_ops in its file and a slot in app.c's view table. */
struct view_ops {
    const char *name;                                               /* title and keymap name */
    void (*recalc)(struct tui_app *app);                            /* ask core for rows */
    void (*draw)(struct tui_app *app, WINDOW *w, int h, int width); /* paint only */
    bool (*handle)(struct tui_app *app, enum tui_action a);         /* true when handled */
    /* Paged lists: recalc only sets app->count; fetch loads rows [offset, offset + limit) into
     * app->rows with app->base = offset. NULL: recalc loads every row. */
    void (*fetch)(struct tui_app *app, size_t offset, size_t limit);
    bool recalc_on_resize; /* rows are laid out for the terminal's width */
    /* The screen's own keys for the bottom bar, ending in ACT_NONE (NULL: none); the bar adds
     * help, the screen numbers, role, back and quit. */
    const enum tui_action *keys;
};

/* The Pools screen's filters and order (kept while the console runs). */
struct tui_pools_state {
    char provider[16], environment[16], status[16];
    int min_severity; /* 0 any .. 4 critical */
    int sort;         /* enum pool_sort */
    bool desc;
    bool util_ready;    /* utilisation computed for the sort since the data last changed */
    bool summary_ready; /* register and findings summary loaded since the data last changed */
    struct pool_browser *browser; /* core's in-memory register for the list; owned */
};

struct tui_app {
    const struct tui_opts *opts;
    const struct view_ops *view;        /* the view on screen */
    const struct view_ops *previous;    /* for back from a detail view */
    const struct view_ops *help_return; /* the screen help covers */
    struct tui_row *rows;               /* the loaded rows of the current list */
    size_t nrows;                       /* loaded rows: rows[k] is list row base + k */
    size_t base;                        /* list index of rows[0] (paged views) */
    size_t count;                       /* rows in the whole list */
    size_t sel, top;                    /* selection and first visible row (list indexes) */
    char **marks;                       /* keys marked with Space for a bulk decision; owned */
    size_t nmarks;
    struct tui_pools_state pools;
    struct provider_burn *burn; /* the dashboard's burn per provider; owned */
    size_t nburn;
    bool data_changed; /* a decision or import since the list behind a detail was kept */
    struct {           /* the newest campaign's progress for the top bar */
        char name[64]; /* "" when there is no campaign */
        long long decided, total;
        bool stale; /* read it again (at start and after decisions) */
    } campaign;
    int burn_state;                 /* 0 not asked, 1 asked, 3 summing on a thread, 2 ready */
    struct dashboard_job *burn_job; /* while summing; owned */
    struct {                        /* where the list under a detail or help screen was left */
        size_t sel, top;
        char search[64];
        bool restore;         /* set by back: the loop restores it instead of starting at the top */
        struct tui_row *rows; /* the list's loaded rows, kept to show again unchanged; owned */
        size_t nrows, base, count;
        char header[512];
    } back;
    struct push_engine *push;      /* background pushes; NULL when no provider is configured */
    int push_pending, push_failed; /* outbox counts for the status bar */
    bool push_counts_stale;        /* an outbox row changed here: count again */
    char push_note[160];           /* the push engine's last warning (Outbox header) */
    int list_y;                    /* screen row of the first list row (for mouse clicks) */
    char header[512];              /* column header line of the list */
    char detail_id[128];           /* pool shown by the detail view */
    struct strbuf detail;          /* the detail view's text, one line per row */
    char search[64];               /* incremental search text */
    bool searching;
    int sort;          /* sort column index of the pools view */
    char message[256]; /* the message line */
    struct {           /* where each bottom-bar key was drawn, for mouse clicks */
        int x0, x1;    /* columns [x0, x1) */
        enum tui_action action;
    } hints[48];
    int nhints;
    char role[16]; /* the role the console acts in */
    bool dirty;
    bool no_color;
};

/* app.c: true once the terminal is gone or a signal asked the console to stop. */
bool tui_input_gone(void);

/* keymap.c */
enum tui_action km_lookup(int key);
/* Applies config.ini [keys] (action = key[, key...]) over the defaults; a problem is described
 * in problem (empty when none) and that entry is ignored. */
void km_configure(const struct config *cfg, char *problem, size_t cap);
const char *km_key_name(enum tui_action a);
const char *km_action_help(enum tui_action a);
/* The action's config.ini name ("other" for ACT_NONE). */
const char *km_action_name(enum tui_action a);
/* The word the bottom bar shows for a ("approve", "page down"). Static storage. */
const char *km_action_hint(enum tui_action a);

/* decide.c: runs the decide form for the selected pool (an action of core/review.h). */
bool tui_decide(struct tui_app *app, int decide_action);

/* theme.c: loads theme NAME (core/theme_file.h lookup; mono when no_color or the terminal has
 * no colours) and allocates the colour pairs. An unknown or invalid theme falls back to the
 * built-in default and leaves the located reason in msg (empty otherwise). After initscr. */
void theme_setup(const char *name, bool no_color, struct strbuf *msg);
/* evidence.c: campaigns -> items -> a decision's evidence, all read-only. */
extern const struct view_ops view_evidence, view_evidence_items, view_evidence_decision;
/* True for views where nothing may change state: the global handler refuses every action
 * tui_action_changes_state names there. */
bool tui_view_read_only(const struct view_ops *v);
/* True for actions that change state (decide keys, bulk marks, import). */
bool tui_action_changes_state(enum tui_action a);
/* imports.c: i asks for a file (path prompt), imports it with a progress bar, reports in the
 * message line and shows the history; refusals land in the message line. */
extern const struct view_ops view_imports, view_import_detail;
bool tui_import(struct tui_app *app);

/* prompt.c: a line editor at the bottom with Tab completion of file names; buf holds the
 * initial text and receives the result. False when cancelled with Esc. */
bool tui_prompt_path(const char *label, char *buf, size_t cap);
/* A line of text at the bottom (buf starts empty and receives it); false when cancelled. */
bool tui_prompt_line(const char *label, char *buf, size_t cap);
/* Edits buf (cap bytes, kept as it is typed) in a box of h lines by w columns at (y, x) of win:
 * the text wraps at the box's width and, when multiline, Ctrl-O starts a new line. Enter
 * finishes (true), Esc cancels (false); the prompts' editing keys work. */
bool tui_edit_box(WINDOW *win, int y, int x, int h, int w, char *buf, size_t cap, bool multiline);

attr_t theme_attr(enum tui_role role);
int theme_role_for_severity(const char *severity);

/* The loaded row at list index i, or NULL when it is not loaded. */
struct tui_row *tui_row_at(struct tui_app *app, size_t i);
/* Key of the selected row (NULL when none). */
const char *tui_selected_key(struct tui_app *app);
bool tui_marked(const struct tui_app *app, const char *key);
void tui_marks_clear(struct tui_app *app);

/* views.c */
/* True in a UTF-8 locale (charts use block characters, else ASCII). */
bool tui_utf8(void);
/* A cell filled eighths/8 from the bottom: a block character, or ASCII outside UTF-8. */
const char *tui_block(int eighths);
extern const struct view_ops view_dashboard, view_queue, view_pools, view_findings, view_outbox,
    view_detail, view_help;
void tui_rows_clear(struct tui_app *app);
void tui_cell(struct strbuf *sb, const char *s, int width);
/* An amount in the unit's precision (tokens whole, money with cents), into buf (AMOUNT_BUF). */
char *tui_money(int64_t micros, const char *unit, char *buf);
bool tui_open_selected(struct tui_app *app, enum tui_action a);
bool tui_detail_back(struct tui_app *app, enum tui_action a);
void tui_remember_place(struct tui_app *app);
/* Frees the rows kept for going back. */
void tui_back_forget(struct tui_app *app);
/* The dashboard's burn per provider: starts the job, then (never blocking) takes its rows
 * once it is done; true when done. */
bool tui_dashboard_burn_step(struct tui_app *app);
void tui_rows_add(struct tui_app *app, const char *key, int role, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void tui_list_draw(struct tui_app *app, WINDOW *w, int h, int width);
bool tui_list_handle(struct tui_app *app, enum tui_action a, int page);
void tui_message(struct tui_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
