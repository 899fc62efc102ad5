/* Colour roles: pairs allocated once; NO_COLOR or a terminal without colour gets attributes. */
#include <string.h>

#include "tui/internal.h"

static attr_t role_attrs[CR__COUNT];

void theme_init(bool no_color, bool mono)
{
    /* fg, bg (-1: the terminal's own), attributes */
    static const struct {
        short fg, bg;
        attr_t attrs;
    } roles[CR__COUNT] = {
        [CR_NORMAL] = {-1, -1, A_NORMAL},
        [CR_TITLE] = {COLOR_WHITE, COLOR_BLUE, A_BOLD},
        [CR_STATUS] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
        [CR_HEADER] = {COLOR_YELLOW, -1, A_BOLD},
        [CR_SELECTION] = {COLOR_BLACK, COLOR_GREEN, A_NORMAL},
        [CR_MUTED] = {COLOR_BLUE, -1, A_NORMAL},
        [CR_CRITICAL] = {COLOR_RED, -1, A_BOLD},
        [CR_HIGH] = {COLOR_MAGENTA, -1, A_BOLD},
        [CR_MEDIUM] = {COLOR_YELLOW, -1, A_NORMAL},
        [CR_LOW] = {COLOR_CYAN, -1, A_NORMAL},
        [CR_OK] = {COLOR_GREEN, -1, A_NORMAL},
        [CR_BAR] = {COLOR_GREEN, -1, A_NORMAL},
    };
    /* without colour, meaning is carried by attributes alone */
    static const attr_t plain[CR__COUNT] = {
        [CR_TITLE] = A_REVERSE | A_BOLD,
        [CR_STATUS] = A_REVERSE,
        [CR_HEADER] = A_BOLD,
        [CR_SELECTION] = A_REVERSE,
        [CR_MUTED] = A_DIM,
        [CR_CRITICAL] = A_BOLD | A_UNDERLINE,
        [CR_HIGH] = A_BOLD,
        [CR_BAR] = A_NORMAL,
    };
    bool color = !no_color && !mono && has_colors();
    if (color) {
        start_color();
        use_default_colors();
    }
    for (int r = 0; r < CR__COUNT; r++) {
        if (color && r != CR_NORMAL) {
            init_pair((short)r, roles[r].fg, roles[r].bg);
            role_attrs[r] = COLOR_PAIR(r) | roles[r].attrs;
        } else {
            role_attrs[r] = color ? roles[r].attrs : plain[r];
        }
    }
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
