/* A one-line editor at the bottom of the screen (reasons, dates, paths): left/right, Home/End,
 * Backspace/Delete, Ctrl-U, Ctrl-W, and for paths Tab completion of file names
 * (core/path_complete.h). */
#include <stdlib.h>
#include <string.h>

#include "core/path_complete.h"
#include "tui/internal.h"

#define KEY_CTRL(c) ((c)&0x1f)

struct line {
    char *buf;  /* NUL-terminated, only printable bytes (UTF-8 sequences kept whole) */
    size_t cap; /* bytes of buf */
    size_t len; /* bytes used */
    size_t cur; /* cursor, a byte offset on a character boundary */
};

static bool is_cont(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* Display columns of s[from..to), sanitised as it is drawn. */
static int span_width(const char *s, size_t from, size_t to)
{
    struct strbuf clean;
    sb_init(&clean);
    text_sanitize(&clean, s + from, to - from);
    int w = text_display_width(sb_str(&clean));
    sb_done(&clean);
    return w;
}

static void line_delete(struct line *l, size_t from, size_t to)
{
    memmove(l->buf + from, l->buf + to, l->len - to + 1);
    l->len -= to - from;
    l->cur = from;
}

static void line_insert(struct line *l, const char *s, size_t n)
{
    if (l->len + n + 1 > l->cap)
        return;
    memmove(l->buf + l->cur + n, l->buf + l->cur, l->len - l->cur + 1);
    memcpy(l->buf + l->cur, s, n);
    l->len += n;
    l->cur += n;
}

/* Ctrl-W: the path component before the cursor (with its trailing '/'), or the word. */
static void line_rubout(struct line *l)
{
    size_t i = l->cur;
    while (i > 0 && (l->buf[i - 1] == '/' || l->buf[i - 1] == ' '))
        i--;
    while (i > 0 && l->buf[i - 1] != '/' && l->buf[i - 1] != ' ')
        i--;
    line_delete(l, i, l->cur);
}

static void draw_line(const char *label, const struct line *l)
{
    int lines, cols;
    getmaxyx(stdscr, lines, cols);
    int lw = text_display_width(label) + 3; /* " label: " */
    int room = cols - lw - 1;
    if (room < 1)
        room = 1;
    size_t start = 0; /* scroll so the cursor stays visible */
    while (start < l->cur && span_width(l->buf, start, l->cur) > room) {
        start++;
        while (start < l->cur && is_cont(l->buf[start]))
            start++;
    }
    struct strbuf sb, fit;
    sb_init(&sb);
    sb_init(&fit);
    sb_addf(&sb, " %s: %s", label, l->buf + start);
    text_fit(&fit, sb_str(&sb), cols, true);
    attron(theme_attr(CR_STATUS));
    mvaddstr(lines - 1, 0, sb_str(&fit));
    attroff(theme_attr(CR_STATUS));
    int x = lw + span_width(l->buf, start, l->cur);
    move(lines - 1, x < cols ? x : cols - 1);
    sb_done(&sb);
    sb_done(&fit);
}

/* The candidates (or a note) in a window just above the prompt line until the next key. */
static WINDOW *show_candidates(const struct path_completion *pc, const char *note)
{
    int lines, cols;
    getmaxyx(stdscr, lines, cols);
    int colw = 1;
    for (size_t i = 0; i < pc->nmatches; i++) {
        int w = span_width(pc->matches[i], 0, strlen(pc->matches[i])) + 2;
        if (w > colw)
            colw = w;
    }
    if (colw > cols)
        colw = cols;
    int ncol = cols / colw > 0 ? cols / colw : 1;
    int need = note ? 1 : (int)((pc->nmatches + (size_t)ncol - 1) / (size_t)ncol);
    int maxh = lines / 2 > 1 ? lines / 2 : 1;
    int h = need < maxh ? need : maxh;
    WINDOW *w = newwin(h, cols, lines - 1 - h, 0);
    if (!w)
        return NULL;
    wattron(w, theme_attr(CR_MUTED));
    werase(w);
    struct strbuf fit;
    sb_init(&fit);
    if (note) {
        text_fit(&fit, note, cols, true);
        mvwaddstr(w, 0, 0, sb_str(&fit));
    } else {
        size_t shown = (size_t)h * (size_t)ncol;
        if (shown < pc->nmatches) /* the last cell says how many are left out */
            shown--;
        for (size_t i = 0; i < shown && i < pc->nmatches; i++) {
            sb_reset(&fit);
            text_fit(&fit, pc->matches[i], colw, true);
            mvwaddstr(w, (int)(i / (size_t)ncol), (int)(i % (size_t)ncol) * colw, sb_str(&fit));
        }
        if (shown < pc->nmatches) {
            char more[64];
            snprintf(more, sizeof more, "(%zu more)", pc->nmatches - shown);
            sb_reset(&fit);
            text_fit(&fit, more, colw, false);
            mvwaddstr(w, (int)(shown / (size_t)ncol), (int)(shown % (size_t)ncol) * colw,
                      sb_str(&fit));
        }
    }
    sb_done(&fit);
    wattroff(w, theme_attr(CR_MUTED));
    wnoutrefresh(w);
    return w;
}

/* Tab: complete the text before the cursor; a second Tab without progress lists candidates. */
static WINDOW *complete(struct line *l, bool second)
{
    char *head = xstrndup(l->buf, l->cur);
    struct path_completion pc;
    path_complete(head, &pc);
    WINDOW *w = NULL;
    if (pc.nmatches == 0) {
        beep();
        w = show_candidates(&pc, "(no file matches)");
    } else if (strcmp(pc.text, head) != 0) {
        size_t n = strlen(pc.text);
        if (n + (l->len - l->cur) + 1 <= l->cap) {
            line_delete(l, 0, l->cur);
            line_insert(l, pc.text, n);
        }
    } else if (pc.nmatches > 1) {
        if (second)
            w = show_candidates(&pc, NULL);
        else
            beep();
    }
    path_completion_done(&pc);
    free(head);
    return w;
}

/* The editing keys every prompt shares; false when ch is none of them. */
static bool line_edit(struct line *l, int ch)
{
    if (ch == KEY_LEFT) {
        while (l->cur > 0 && is_cont(l->buf[--l->cur]))
            ;
    } else if (ch == KEY_RIGHT) {
        if (l->cur < l->len)
            while (++l->cur < l->len && is_cont(l->buf[l->cur]))
                ;
    } else if (ch == KEY_HOME || ch == KEY_CTRL('a')) {
        l->cur = 0;
    } else if (ch == KEY_END || ch == KEY_CTRL('e')) {
        l->cur = l->len;
    } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        size_t from = l->cur;
        while (from > 0 && is_cont(l->buf[--from]))
            ;
        line_delete(l, from, l->cur);
    } else if (ch == KEY_DC) {
        size_t to = l->cur;
        if (to < l->len)
            while (++to < l->len && is_cont(l->buf[to]))
                ;
        line_delete(l, l->cur, to);
    } else if (ch == KEY_CTRL('u')) {
        line_delete(l, 0, l->cur);
    } else if (ch == KEY_CTRL('w')) {
        line_rubout(l);
    } else if (ch >= 32 && ch < 256 && ch != 127) {
        char c = (char)ch; /* UTF-8 arrives a byte at a time: the cursor follows the bytes */
        line_insert(l, &c, 1);
    } else {
        return false;
    }
    return true;
}

/* The editor both prompts share; paths adds Tab completion of file names. */
static bool prompt_edit(const char *label, char *buf, size_t cap, bool paths)
{
    struct line l = {buf, cap, strlen(buf), strlen(buf)};
    timeout(-1);
    curs_set(1);
    bool ok = false, tabbed = false;
    WINDOW *list = NULL;
    for (;;) {
        draw_line(label, &l);
        wnoutrefresh(stdscr);
        if (list) /* keep the candidates above the prompt */
            wnoutrefresh(list);
        doupdate();
        int ch = getch();
        if (list) { /* the next key puts the screen under the list back */
            delwin(list);
            list = NULL;
            touchwin(stdscr);
        }
        bool tab = paths && ch == '\t';
        if (ch == 27 || (ch == ERR && tui_input_gone()))
            break;
        if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
            ok = true;
            break;
        }
        if (tab)
            list = complete(&l, tabbed);
        else
            line_edit(&l, ch);
        tabbed = tab;
    }
    if (list)
        delwin(list);
    curs_set(0);
    timeout(250);
    return ok;
}

bool tui_prompt_path(const char *label, char *buf, size_t cap)
{
    return prompt_edit(label, buf, cap, true);
}

bool tui_prompt_line(const char *label, char *buf, size_t cap)
{
    buf[0] = '\0';
    return prompt_edit(label, buf, cap, false);
}

/* Where the box's text is drawn: the visual lines (byte ranges) and the cursor's cell. */
struct box_layout {
    size_t start[256], end[256]; /* visual line i is buf[start[i], end[i]) */
    int n, cur_row, cur_col;
};

/* Wraps l at w columns and at '\n' into visual lines; finds the cursor's cell. */
static void box_layout(const struct line *l, int w, struct box_layout *lay)
{
    lay->n = 1;
    lay->start[0] = 0;
    lay->cur_row = lay->cur_col = 0;
    int col = 0;
    size_t i = 0;
    while (i <= l->len) {
        if (i == l->cur) {
            lay->cur_row = lay->n - 1;
            lay->cur_col = col;
        }
        if (i == l->len)
            break;
        size_t next = i + 1;
        while (next < l->len && is_cont(l->buf[next]))
            next++;
        bool newline = l->buf[i] == '\n';
        int cw = newline ? 0 : span_width(l->buf, i, next);
        if ((newline || col + cw > w) && lay->n < 256) { /* a new visual line */
            lay->end[lay->n - 1] = i;
            lay->start[lay->n++] = newline ? next : i;
            col = 0;
            if (newline) {
                i = next;
                continue;
            }
        }
        col += cw;
        i = next;
    }
    lay->end[lay->n - 1] = l->len;
    if (lay->cur_col >= w) { /* the cursor after a full line sits at the next line's start */
        lay->cur_row++;
        lay->cur_col = 0;
    }
}

bool tui_edit_box(WINDOW *win, int y, int x, int h, int w, char *buf, size_t cap, bool multiline)
{
    struct line l = {buf, cap, strlen(buf), strlen(buf)};
    struct box_layout *lay = xmalloc(sizeof *lay);
    keypad(win, TRUE);
    wtimeout(win, -1);
    curs_set(1);
    bool ok = false;
    int top = 0;
    for (;;) {
        box_layout(&l, w, lay);
        if (lay->cur_row < top)
            top = lay->cur_row;
        if (lay->cur_row >= top + h)
            top = lay->cur_row - h + 1;
        wattron(win, theme_attr(CR_INPUT));
        for (int r = 0; r < h; r++) {
            struct strbuf text, fit;
            sb_init(&text);
            sb_init(&fit);
            int k = top + r;
            if (k < lay->n)
                text_sanitize(&text, l.buf + lay->start[k], lay->end[k] - lay->start[k]);
            text_fit(&fit, sb_str(&text), w, true);
            mvwaddstr(win, y + r, x, sb_str(&fit));
            sb_done(&text);
            sb_done(&fit);
        }
        wattroff(win, theme_attr(CR_INPUT));
        wmove(win, y + lay->cur_row - top, x + lay->cur_col);
        wrefresh(win);
        int ch = wgetch(win);
        if (ch == 27 || (ch == ERR && tui_input_gone()))
            break;
        if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
            ok = true;
            break;
        }
        if (ch == KEY_CTRL('o') && multiline)
            line_insert(&l, "\n", 1);
        else
            line_edit(&l, ch);
    }
    free(lay);
    curs_set(0);
    timeout(250);
    return ok;
}
