/* Console theme files (themes/NAME.theme): an INI file naming each UI element's foreground,
 * background and attributes, parsed into plain numbers. No curses here: tui/theme.c maps the
 * result to colour pairs (DESIGN.md sections 6 and 8). */
#ifndef CREDENCE_CORE_THEME_FILE_H
#define CREDENCE_CORE_THEME_FILE_H

#include <stdbool.h>

#include "core/status.h"
#include "core/strbuf.h"

/* TO ADD AN ELEMENT: add one row here (the name a theme file uses), give it a value in
 * themes/default.theme and the other shipped themes, map a console role to it in tui/theme.c
 * (role_element[]), and list it in the README's Themes section. */
#define THEME_ELEMENT_TABLE(_)                                                                     \
    _(NORMAL, "normal")                                                                            \
    _(TITLE, "title")                                                                              \
    _(STATUS, "status")                                                                            \
    _(HEADER, "header")                                                                            \
    _(SELECTION, "selection")                                                                      \
    _(MUTED, "muted")                                                                              \
    _(BORDER, "border")                                                                            \
    _(INPUT, "input")                                                                              \
    _(CRITICAL, "severity.critical")                                                               \
    _(HIGH, "severity.high")                                                                       \
    _(MEDIUM, "severity.medium")                                                                   \
    _(LOW, "severity.low")                                                                         \
    _(OK, "ok")                                                                                    \
    _(BAR, "chart.bar")                                                                            \
    _(GRID, "chart.grid")                                                                          \
    _(GRANT, "chart.grant")

enum theme_element {
#define THEME_ELEMENT_ENUM_(id, name) TE_##id,
    THEME_ELEMENT_TABLE(THEME_ELEMENT_ENUM_)
#undef THEME_ELEMENT_ENUM_
        TE__COUNT
};

/* A colour: THEME_COLOR_DEFAULT (the terminal's own) or 0..255 (0-7 the basic eight, 8-15 their
 * bright variants, 16-255 the xterm 256-colour palette). */
#define THEME_COLOR_DEFAULT (-1)

/* Attribute bits (tui/theme.c turns them into A_BOLD and friends). */
enum theme_attr {
    THEME_A_BOLD = 1u << 0,
    THEME_A_UNDERLINE = 1u << 1,
    THEME_A_REVERSE = 1u << 2,
    THEME_A_DIM = 1u << 3,
    THEME_A_STANDOUT = 1u << 4,
};

struct theme_style {
    int fg, bg;     /* THEME_COLOR_DEFAULT or 0..255 */
    unsigned attrs; /* enum theme_attr bits */
    bool set;       /* named in the file (unset elements are plain: default colours) */
};

/* Where a theme came from, in lookup order. */
enum theme_source {
    THEME_SRC_USER,      /* $XDG_CONFIG_HOME/credence/themes (or ~/.config/...) */
    THEME_SRC_INSTALLED, /* $(PREFIX)/share/credence/themes, fixed at build time */
    THEME_SRC_SOURCE,    /* themes/ beside the binary (a source tree) */
    THEME_SRC_BUILTIN,   /* copies of default and mono compiled into the binary */
    THEME_SRC_FILE,      /* an explicit path (NAME containing '/') */
    THEME_SRC__COUNT
};

struct theme {
    char name[64];         /* [theme] name, else the file's base name */
    char description[160]; /* [theme] description, may be empty */
    char path[1024];       /* the file read, or "(built-in)" */
    enum theme_source source;
    struct theme_style el[TE__COUNT];
};

/* The element's name in theme files ("severity.critical"); NULL when out of range. */
const char *theme_element_name(enum theme_element e);
/* The source's name for listings ("user", "installed", "source tree", "built-in", "file"). */
const char *theme_source_name(enum theme_source s);

/* Parses theme text. `where` names it in errors ("FILE:LINE: ..."). Returns ST_OK, or ST_CONFIG
 * with the first error located in err (unknown element, colour or attribute, 'on' without a
 * colour, a syntax error); *out is then left as plain as a fresh theme. */
enum status theme_parse(const char *text, const char *where, struct theme *out, struct strbuf *err);
/* Reads and parses a file; ST_NO_INPUT when it cannot be read. */
enum status theme_parse_file(const char *path, struct theme *out, struct strbuf *err);

/* The directory searched for the source, or NULL for the built-in and file sources. Caller
 * frees. The user directory follows $XDG_CONFIG_HOME (absolute) else $HOME/.config. */
char *theme_dir(enum theme_source s);

/* Finds and parses theme NAME: the user, installed and source-tree directories in that order
 * (NAME.theme), then the built-in copies (default, mono). A NAME containing '/' is a file path.
 * ST_NOT_FOUND when no such theme exists (err lists the themes found); ST_CONFIG with a located
 * error when the file is invalid; ST_USAGE for a name with characters other than letters,
 * digits, '.', '_' and '-'. */
enum status theme_load(const char *name, struct theme *out, struct strbuf *err);

/* The built-in copy of NAME ("default" or "mono"): true, or false (and a plain theme) when
 * there is none. Never reads a file. */
bool theme_builtin(const char *name, struct theme *out);

/* True when the theme names any colour (false for mono). */
bool theme_uses_color(const struct theme *t);

/* A colour for a terminal with ncolors colours: unchanged when it fits, else the nearest of the
 * basic eight (sixteen when ncolors >= 16) by the xterm palette's RGB values; a grey goes by
 * lightness to black or white (and bright black, bright white); bright 8-15 become their basic
 * colour on eight colours. Default stays default; ncolors < 8 gives THEME_COLOR_DEFAULT. */
int theme_color_reduce(int color, int ncolors);

/* The colours to draw element e with on a terminal of ncolors colours: an element's default
 * takes normal's colour (normal's default is the terminal's own), then theme_color_reduce; when
 * the reduction makes foreground and background equal though the theme made them differ, the
 * foreground becomes white on a dark background and black on a light one. */
void theme_resolve(const struct theme *t, enum theme_element e, int ncolors, int *fg, int *bg);

/* One theme found by theme_list. */
struct theme_entry {
    char *name;               /* owned */
    char *path;               /* owned; "(built-in)" for built-ins */
    enum theme_source source; /* where the first (winning) copy is */
    bool shadowed;            /* a copy hidden by an earlier directory */
};

/* Lists every NAME.theme in lookup order (by name within a directory), then the built-ins;
 * a copy hidden by an earlier one is marked shadowed. *out is owned by the caller: free with
 * theme_list_free. Returns the count. */
size_t theme_list(struct theme_entry **out);
void theme_list_free(struct theme_entry **pp, size_t n);

#endif
