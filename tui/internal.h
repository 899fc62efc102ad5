/* Private to tui/: the view interface, the app state, keymap and colour roles. */
#ifndef CREDENCE_TUI_INTERNAL_H
#define CREDENCE_TUI_INTERNAL_H

#include <curses.h>
#include <stdbool.h>

#include "core/core.h"
#include "tui/tui.h"

enum tui_action {
#define TUI_ACTION(id, name, help) ACT_##id,
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
    CR__COUNT
};

/* One line of a list: cells already formatted and sanitised, plus what the row is about. */
struct tui_row {
    char *text; /* the whole line, fitted at draw time; owned */
    char *key;  /* pool id or subject the row opens; owned, may be NULL */
    int role;   /* colour role of the severity cell */
};

struct tui_app;

/* TO ADD A VIEW: a struct view_ops in views.c and a slot in app.c's view table. */
struct view_ops {
    const char *name;                                               /* title and keymap name */
    void (*recalc)(struct tui_app *app);                            /* ask core for rows */
    void (*draw)(struct tui_app *app, WINDOW *w, int h, int width); /* paint only */
    bool (*handle)(struct tui_app *app, enum tui_action a);         /* true when handled */
};

struct tui_app {
    const struct tui_opts *opts;
    const struct view_ops *view;     /* the view on screen */
    const struct view_ops *previous; /* for back from a detail view */
    struct tui_row *rows;            /* the list of the current view */
    size_t nrows;
    size_t sel, top;      /* selection and first visible row */
    char header[512];     /* column header line of the list */
    char detail_id[128];  /* pool shown by the detail view */
    struct strbuf detail; /* the detail view's text, one line per row */
    char search[64];      /* incremental search text */
    bool searching;
    int sort;          /* sort column index of the pools view */
    char message[256]; /* the message line */
    char role[16];     /* the role the console acts in */
    bool dirty;
    bool no_color;
};

/* keymap.c */
enum tui_action km_lookup(int key);
const char *km_key_name(enum tui_action a);
const char *km_action_help(enum tui_action a);

/* decide.c: runs the decide form for the selected pool (an action of core/review.h). */
bool tui_decide(struct tui_app *app, int decide_action);

/* imports.c: i asks for a file (path prompt), imports it with a progress bar, reports in the
 * message line and shows the history; refusals land in the message line. */
extern const struct view_ops view_imports, view_import_detail;
bool tui_import(struct tui_app *app);

/* prompt.c: a line editor at the bottom with Tab completion of file names; buf holds the
 * initial text and receives the result. False when cancelled with Esc. */
bool tui_prompt_path(const char *label, char *buf, size_t cap);

/* theme.c */
void theme_init(bool no_color, bool mono);
attr_t theme_attr(enum tui_role role);
int theme_role_for_severity(const char *severity);

/* views.c */
extern const struct view_ops view_dashboard, view_queue, view_pools, view_findings, view_outbox,
    view_detail, view_help;
void tui_rows_clear(struct tui_app *app);
void tui_rows_add(struct tui_app *app, const char *key, int role, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void tui_list_draw(struct tui_app *app, WINDOW *w, int h, int width);
bool tui_list_handle(struct tui_app *app, enum tui_action a, int page);
void tui_message(struct tui_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
