/* Default key bindings: one table, generic for every view. */
#include <string.h>

#include "tui/internal.h"

/* TO ADD A BINDING: one row. Several keys may map to one action. */
static const struct {
    int key;
    enum tui_action action;
    const char *name;
} keymap[] = {
    {'k', ACT_UP, "k"},
    {KEY_UP, ACT_UP, "Up"},
    {'j', ACT_DOWN, "j"},
    {KEY_DOWN, ACT_DOWN, "Down"},
    {KEY_PPAGE, ACT_PAGE_UP, "PgUp"},
    {KEY_NPAGE, ACT_PAGE_DOWN, "PgDn"},
    {'g', ACT_FIRST, "g"},
    {KEY_HOME, ACT_FIRST, "Home"},
    {'G', ACT_LAST, "G"},
    {KEY_END, ACT_LAST, "End"},
    {'\n', ACT_OPEN, "Enter"},
    {KEY_ENTER, ACT_OPEN, "Enter"},
    {'q', ACT_BACK, "q"},
    {27, ACT_BACK, "Esc"},
    {'/', ACT_SEARCH, "/"},
    {'s', ACT_SORT, "s"},
    {'f', ACT_FILTER, "f"},
    {' ', ACT_MARK, "Space"},
    {'i', ACT_IMPORT, "i"},
    {'?', ACT_HELP, "?"},
    {12, ACT_REDRAW, "Ctrl-L"},
    {'1', ACT_VIEW_DASHBOARD, "1"},
    {'2', ACT_VIEW_QUEUE, "2"},
    {'3', ACT_VIEW_POOLS, "3"},
    {'4', ACT_VIEW_FINDINGS, "4"},
    {'5', ACT_VIEW_OUTBOX, "5"},
    {'6', ACT_VIEW_EVIDENCE, "6"},
    {'7', ACT_VIEW_IMPORTS, "7"},
    {'R', ACT_SWITCH_ROLE, "R"},
    {'a', ACT_APPROVE, "a"},
    {'r', ACT_REDUCE, "r"},
    {'x', ACT_REVOKE, "x"},
    {'e', ACT_ESCALATE, "e"},
    {'z', ACT_SNOOZE, "z"},
    {'c', ACT_ACKNOWLEDGE, "c"},
    {'Q', ACT_QUIT, "Q"},
};

static const char *const action_help[ACT__COUNT] = {
#define TUI_ACTION(id, name, help) [ACT_##id] = help,
#include "tui/actions.def"
#undef TUI_ACTION
};

enum tui_action km_lookup(int key)
{
    for (size_t i = 0; i < sizeof keymap / sizeof keymap[0]; i++)
        if (keymap[i].key == key)
            return keymap[i].action;
    return ACT_NONE;
}

const char *km_key_name(enum tui_action a)
{
    for (size_t i = 0; i < sizeof keymap / sizeof keymap[0]; i++)
        if (keymap[i].action == a)
            return keymap[i].name;
    return "";
}

const char *km_action_help(enum tui_action a)
{
    return (unsigned)a < ACT__COUNT ? action_help[a] : "";
}
