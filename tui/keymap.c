/* Default key bindings: one table, generic for every view. */
#include <stdio.h>
#include <stdlib.h>
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
    {'S', ACT_SORT_REVERSE, "S"},
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
    {'t', ACT_RETRY, "t"},
    {'d', ACT_CANCEL, "d"},
    {'Q', ACT_QUIT, "Q"},
};

static const char *const action_help[ACT__COUNT] = {
#define TUI_ACTION(id, name, hint, help) [ACT_##id] = help,
#include "tui/actions.def"
#undef TUI_ACTION
};

static const char *const action_hint[ACT__COUNT] = {
#define TUI_ACTION(id, name, hint, help) [ACT_##id] = hint,
#include "tui/actions.def"
#undef TUI_ACTION
};

static const char *const action_config_name[ACT__COUNT] = {
#define TUI_ACTION(id, name, hint, help) [ACT_##id] = name,
#include "tui/actions.def"
#undef TUI_ACTION
};

/* Names config.ini [keys] may use besides a single printable character and Ctrl-X. */
static const struct {
    const char *name;
    int key;
} key_names[] = {
    {"Up", KEY_UP},
    {"Down", KEY_DOWN},
    {"Left", KEY_LEFT},
    {"Right", KEY_RIGHT},
    {"PgUp", KEY_PPAGE},
    {"PgDn", KEY_NPAGE},
    {"Home", KEY_HOME},
    {"End", KEY_END},
    {"Enter", '\n'},
    {"Esc", 27},
    {"Space", ' '},
    {"Tab", '\t'},
    {"Backspace", KEY_BACKSPACE},
    {"Delete", KEY_DC},
    {"Insert", KEY_IC},
};

/* config.ini rebindings: they replace the defaults of their action. */
#define KM_USER_MAX 64
static struct {
    int key;
    enum tui_action action;
    char name[16];
} user_keys[KM_USER_MAX];
static size_t nuser_keys;
static bool action_rebound[ACT__COUNT];

/* Parses one key name; false when it is not one. */
static bool key_parse(const char *s, size_t len, int *key)
{
    if (len == 1 && (unsigned char)s[0] > 32 && (unsigned char)s[0] < 127) {
        *key = s[0];
        return true;
    }
    if (len == 6 && text_ieq("ctrl-", s, 5) && s[5] >= 'a' && s[5] <= 'z') {
        *key = s[5] - 'a' + 1;
        return true;
    }
    if ((len == 2 || len == 3) && (s[0] == 'F' || s[0] == 'f')) {
        int n = atoi(s + 1);
        if (n >= 1 && n <= 12) {
            *key = KEY_F(n);
            return true;
        }
    }
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (text_ieq(key_names[i].name, s, len)) {
            *key = key_names[i].key;
            return true;
        }
    return false;
}

void km_configure(const struct config *cfg, char *problem, size_t cap)
{
    problem[0] = '\0';
    nuser_keys = 0;
    memset(action_rebound, 0, sizeof action_rebound);
    for (int a = 0; cfg && a < ACT__COUNT; a++) {
        const char *v = config_get(cfg, "keys", action_config_name[a]);
        if (!v)
            continue;
        const char *cur = v, *end = v + strlen(v), *item;
        size_t len;
        size_t first = nuser_keys;
        bool bad = false;
        while (text_next_item(&cur, end, ',', &item, &len)) {
            int key;
            if (len == 0)
                continue;
            if (!key_parse(item, len, &key) || nuser_keys == KM_USER_MAX) {
                snprintf(problem, cap,
                         "config [keys] %s: '%.*s' is not a key (a character, Ctrl-x, F1-F12, "
                         "Up, Down, PgUp, PgDn, Home, End, Enter, Esc, Space, Tab); ignored",
                         action_config_name[a], (int)(len < 20 ? len : 20), item);
                bad = true;
                break;
            }
            user_keys[nuser_keys].key = key;
            user_keys[nuser_keys].action = (enum tui_action)a;
            snprintf(user_keys[nuser_keys].name, sizeof user_keys[nuser_keys].name, "%.*s",
                     (int)len, item);
            nuser_keys++;
        }
        if (bad)
            nuser_keys = first;
        else if (nuser_keys > first)
            action_rebound[a] = true;
    }
}

enum tui_action km_lookup(int key)
{
    for (size_t i = 0; i < nuser_keys; i++)
        if (user_keys[i].key == key)
            return user_keys[i].action;
    for (size_t i = 0; i < sizeof keymap / sizeof keymap[0]; i++)
        if (keymap[i].key == key && !action_rebound[keymap[i].action])
            return keymap[i].action;
    return ACT_NONE;
}

const char *km_key_name(enum tui_action a)
{
    for (size_t i = 0; i < nuser_keys; i++)
        if (user_keys[i].action == a)
            return user_keys[i].name;
    for (size_t i = 0; i < sizeof keymap / sizeof keymap[0]; i++)
        if (keymap[i].action == a && !action_rebound[a]) {
            /* a default key taken by a rebinding no longer does this */
            bool taken = false;
            for (size_t k = 0; k < nuser_keys; k++)
                taken = taken || user_keys[k].key == keymap[i].key;
            if (!taken)
                return keymap[i].name;
        }
    return "";
}

const char *km_action_help(enum tui_action a)
{
    return (unsigned)a < ACT__COUNT ? action_help[a] : "";
}

const char *km_action_hint(enum tui_action a)
{
    return (unsigned)a < ACT__COUNT ? action_hint[a] : "";
}

const char *km_action_name(enum tui_action a)
{
    return (unsigned)a < ACT__COUNT ? action_config_name[a] : "other";
}
