/* Colour roles: the theme file (core/theme_file.h) becomes one colour pair per role; NO_COLOR or a
 * terminal without colour gets the mono theme's attributes. */
#include <string.h>

#include "tui/internal.h"

static attr_t role_attrs[CR__COUNT];

/* TO ADD A ROLE: add it to enum tui_role (tui/internal.h) and map it to an element here; a new
 * element also needs a row in core/theme_file.h's THEME_ELEMENT_TABLE. */
static const enum theme_element role_element[CR__COUNT] = {
    [CR_NORMAL] = TE_NORMAL,
    [CR_TITLE] = TE_TITLE,
    [CR_STATUS] = TE_STATUS,
    [CR_HEADER] = TE_HEADER,
    [CR_SELECTION] = TE_SELECTION,
    [CR_MUTED] = TE_MUTED,
    [CR_CRITICAL] = TE_CRITICAL,
    [CR_HIGH] = TE_HIGH,
    [CR_MEDIUM] = TE_MEDIUM,
    [CR_LOW] = TE_LOW,
    [CR_OK] = TE_OK,
    [CR_BAR] = TE_BAR,
    [CR_BORDER] = TE_BORDER,
    [CR_INPUT] = TE_INPUT,
    [CR_GRID] = TE_GRID,
    [CR_GRANT] = TE_GRANT,
};

static attr_t curses_attrs(unsigned bits)
{
    static const struct {
        unsigned bit;
        attr_t attr;
    } map[] = {{THEME_A_BOLD, A_BOLD},
               {THEME_A_UNDERLINE, A_UNDERLINE},
               {THEME_A_REVERSE, A_REVERSE},
               {THEME_A_DIM, A_DIM},
               {THEME_A_STANDOUT, A_STANDOUT}};
    attr_t a = A_NORMAL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (bits & map[i].bit)
            a |= map[i].attr;
    return a;
}

void theme_setup(const char *name, bool no_color, struct strbuf *msg)
{
    struct theme t;
    struct strbuf err;
    sb_init(&err);
    bool color = !no_color && has_colors();
    const char *want = color ? name : "mono"; /* mono overrides any theme */
    if (theme_load(want, &t, &err) != ST_OK) {
        sb_setf(msg, "using the %s theme: %s", color ? "default" : "mono", sb_str(&err));
        theme_builtin(color ? "default" : "mono", &t);
    }
    sb_done(&err);
    color = color && theme_uses_color(&t);
    bool terminal_default = false; /* whether -1 may name the terminal's own colour */
    if (color) {
        start_color();
        terminal_default = use_default_colors() == OK;
        color = COLOR_PAIRS > CR__COUNT; /* known only after start_color */
    }
    for (int r = 0; r < CR__COUNT; r++) {
        const struct theme_style *s = &t.el[role_element[r]];
        role_attrs[r] = curses_attrs(s->attrs);
        if (color) {
            int fg, bg;
            theme_resolve(&t, role_element[r], COLORS, &fg, &bg);
            if (!terminal_default) {
                fg = fg < 0 ? COLOR_WHITE : fg;
                bg = bg < 0 ? COLOR_BLACK : bg;
            }
            init_pair((short)(r + 1), (short)fg, (short)bg);
            role_attrs[r] |= COLOR_PAIR(r + 1);
        }
    }
    bkgd(' ' | role_attrs[CR_NORMAL]); /* the normal colour fills the screen */
}

attr_t theme_attr(enum tui_role role)
{
    return (unsigned)role < CR__COUNT ? role_attrs[role] : A_NORMAL;
}

int theme_role_for_severity(const char *severity)
{
    static const struct {
        const char *name;
        enum tui_role role;
    } map[] = {
        {"critical", CR_CRITICAL}, {"high", CR_HIGH}, {"medium", CR_MEDIUM}, {"low", CR_LOW}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (severity && strcmp(severity, map[i].name) == 0)
            return map[i].role;
    return CR_MUTED;
}
