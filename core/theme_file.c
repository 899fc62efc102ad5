/* Theme files: inih reads the INI structure, this file the colour language and the lookup. */
#include "core/theme_file.h"

#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

#ifndef CREDENCE_THEMEDIR
#define CREDENCE_THEMEDIR "/usr/local/share/credence/themes"
#endif

/* generated from themes/default.theme and themes/mono.theme by the Makefile */
extern const char theme_default_text[];
extern const char theme_mono_text[];

/* The built-in copies, in the order theme_list shows them. */
static const char *const builtin_names[] = {"default", "mono"};

static const char *builtin_text(size_t i)
{
    return i == 0 ? theme_default_text : theme_mono_text;
}

static const char *const element_names[TE__COUNT] = {
#define THEME_ELEMENT_NAME_(id, name) [TE_##id] = name,
    THEME_ELEMENT_TABLE(THEME_ELEMENT_NAME_)
#undef THEME_ELEMENT_NAME_
};

/* The sixteen named colours; colorNNN covers the rest of the 256. */
static const char *const color_names[16] = {
    "black",      "red",           "green",       "yellow",     "blue",        "magenta",
    "cyan",       "white",         "brightblack", "brightred",  "brightgreen", "brightyellow",
    "brightblue", "brightmagenta", "brightcyan",  "brightwhite"};
#define COLORS_KNOWN                                                                               \
    "default, black, red, green, yellow, blue, magenta, cyan, white, brightblack ... "             \
    "brightwhite, color0 ... color255"

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {{"bold", THEME_A_BOLD},
                  {"underline", THEME_A_UNDERLINE},
                  {"reverse", THEME_A_REVERSE},
                  {"dim", THEME_A_DIM},
                  {"standout", THEME_A_STANDOUT},
                  {"normal", 0},
                  {"none", 0}};
#define ATTRS_KNOWN "bold, underline, reverse, dim, standout, normal"

const char *theme_element_name(enum theme_element e)
{
    return (unsigned)e < TE__COUNT ? element_names[e] : NULL;
}

const char *theme_source_name(enum theme_source s)
{
    static const char *const names[THEME_SRC__COUNT] = {[THEME_SRC_USER] = "user",
                                                        [THEME_SRC_INSTALLED] = "installed",
                                                        [THEME_SRC_SOURCE] = "source tree",
                                                        [THEME_SRC_BUILTIN] = "built-in",
                                                        [THEME_SRC_FILE] = "file"};
    return (unsigned)s < THEME_SRC__COUNT ? names[s] : "?";
}

/* A colour word: 1 and *out set, or 0 when it is not a colour. */
static int parse_color(const char *w, int *out)
{
    if (strcasecmp(w, "default") == 0) {
        *out = THEME_COLOR_DEFAULT;
        return 1;
    }
    for (int i = 0; i < 16; i++)
        if (strcasecmp(w, color_names[i]) == 0) {
            *out = i;
            return 1;
        }
    if (strncasecmp(w, "color", 5) == 0) {
        const char *d = w + 5;
        size_t n = strspn(d, "0123456789");
        if (n >= 1 && n <= 3 && d[n] == '\0') {
            int v = atoi(d);
            if (v <= 255) {
                *out = v;
                return 1;
            }
        }
    }
    return 0;
}

static int parse_attr(const char *w, unsigned *bits)
{
    for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
        if (strcasecmp(w, attr_names[i].name) == 0) {
            *bits |= attr_names[i].bit;
            return 1;
        }
    return 0;
}

/* Parses "FG [on BG] [ATTR ...]" (FG may be left out: "on blue", "bold"). Returns 0 or fills
 * why (without the location). */
static int parse_style(const char *value, struct theme_style *st, struct strbuf *why)
{
    struct theme_style s = {THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0, true};
    char buf[256];
    snprintf(buf, sizeof buf, "%s", value);
    bool seen_fg = false, seen_bg = false, seen_attr = false, any = false;
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        int c;
        if (strcasecmp(w, "on") == 0) {
            if (seen_bg || seen_attr) {
                sb_setf(why, "'on' out of place in '%s' (write FG on BG ATTRIBUTES)", value);
                return -1;
            }
            char *bgw = strtok_r(NULL, " \t", &save);
            if (!bgw) {
                sb_setf(why, "'on' needs a background colour in '%s'", value);
                return -1;
            }
            if (!parse_color(bgw, &c)) {
                sb_setf(why, "unknown colour '%s' (known: " COLORS_KNOWN ")", bgw);
                return -1;
            }
            s.bg = c;
            seen_bg = true;
        } else if (parse_attr(w, &s.attrs)) {
            seen_attr = true;
        } else if (parse_color(w, &c)) {
            if (seen_fg || seen_bg || seen_attr) {
                sb_setf(why, "colour '%s' out of place in '%s' (write FG on BG ATTRIBUTES)", w,
                        value);
                return -1;
            }
            s.fg = c;
            seen_fg = true;
        } else if (!any) {
            sb_setf(why, "unknown colour '%s' (known: " COLORS_KNOWN ")", w);
            return -1;
        } else {
            sb_setf(why, "unknown attribute '%s' (known: " ATTRS_KNOWN ")", w);
            return -1;
        }
        any = true;
    }
    if (!any) {
        sb_setf(why, "empty style (write FG [on BG] [ATTRIBUTES], or normal)");
        return -1;
    }
    *st = s;
    return 0;
}

/* Copies s into dst with control characters replaced (names are shown on the terminal). */
static void copy_clean(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s);
    for (char *p = dst; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
}

struct parse_ctx {
    const char *p;     /* the next unread byte */
    int line;          /* lines handed to inih so far */
    int err_line;      /* first error's line, 0 for none */
    const char *where; /* for messages */
    struct theme *t;
    struct strbuf *err;
};

/* An fgets over the text that counts lines; an over-long line is cut, never split. */
static char *reader(char *str, int num, void *stream)
{
    struct parse_ctx *c = stream;
    if (!*c->p)
        return NULL;
    const char *nl = strchr(c->p, '\n');
    size_t len = nl ? (size_t)(nl - c->p) + 1 : strlen(c->p);
    size_t take = len < (size_t)num - 1 ? len : (size_t)num - 1;
    memcpy(str, c->p, take);
    str[take] = '\0';
    c->p += len;
    c->line++;
    return str;
}

/* Records the first error, located; returns 0 (inih's "stop here"). */
static int fail_at(struct parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_at(struct parse_ctx *c, const char *fmt, ...)
{
    if (!c->err_line) {
        c->err_line = c->line;
        sb_setf(c->err, "%s:%d: ", c->where, c->line);
        va_list ap;
        va_start(ap, fmt);
        sb_vaddf(c->err, fmt, ap);
        va_end(ap);
    }
    return 0;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
    struct parse_ctx *c = user;
    if (strcasecmp(section, "theme") == 0) {
        if (strcasecmp(key, "name") == 0)
            copy_clean(c->t->name, sizeof c->t->name, value);
        else if (strcasecmp(key, "description") == 0)
            copy_clean(c->t->description, sizeof c->t->description, value);
        else
            return fail_at(c, "unknown key '%s' in [%s] (known: name, description)", key, section);
        return 1;
    }
    if (strcasecmp(section, "colors") != 0 && strcasecmp(section, "colours") != 0) {
        if (!*section)
            return fail_at(c, "'%s' outside a section (start with [theme] or [colors])", key);
        return fail_at(c, "unknown section [%s] (known: [theme], [colors])", section);
    }
    for (int e = 0; e < TE__COUNT; e++) {
        if (strcasecmp(key, element_names[e]) == 0) {
            struct strbuf why;
            sb_init(&why);
            int rc = parse_style(value, &c->t->el[e], &why);
            if (rc != 0)
                fail_at(c, "%s", sb_str(&why));
            sb_done(&why);
            return rc == 0;
        }
    }
    struct strbuf known;
    sb_init(&known);
    for (int e = 0; e < TE__COUNT; e++)
        sb_addf(&known, "%s%s", e ? ", " : "", element_names[e]);
    fail_at(c, "unknown element '%s' (known: %s)", key, sb_str(&known));
    sb_done(&known);
    return 0;
}

static void theme_clear(struct theme *t)
{
    memset(t, 0, sizeof *t);
    for (int e = 0; e < TE__COUNT; e++)
        t->el[e].fg = t->el[e].bg = THEME_COLOR_DEFAULT;
}

enum status theme_parse(const char *text, const char *where, struct theme *out, struct strbuf *err)
{
    theme_clear(out);
    struct parse_ctx c = {.p = text, .where = where, .t = out, .err = err};
    int rc = ini_parse_stream(reader, &c, handler, &c);
    if (rc > 0 && (!c.err_line || rc < c.err_line)) {
        sb_setf(err, "%s:%d: syntax error (expected [section], key = value or # comment)", where,
                rc);
        c.err_line = rc;
    } else if (rc < 0 && !c.err_line) {
        sb_setf(err, "%s: cannot parse the theme (inih error %d)", where, rc);
        c.err_line = -1;
    }
    if (c.err_line) {
        theme_clear(out);
        return ST_CONFIG;
    }
    if (!out->name[0]) { /* the file's base name without .theme */
        const char *base = strrchr(where, '/');
        base = base ? base + 1 : where;
        size_t n = strlen(base);
        if (n > 6 && strcmp(base + n - 6, ".theme") == 0)
            n -= 6;
        char tmp[sizeof out->name];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(n < sizeof tmp ? n : sizeof tmp - 1), base);
        copy_clean(out->name, sizeof out->name, tmp);
    }
    snprintf(out->path, sizeof out->path, "%s", where);
    return ST_OK;
}

enum status theme_parse_file(const char *path, struct theme *out, struct strbuf *err)
{
    theme_clear(out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        sb_setf(err, "%s: cannot read the theme: %s", path, strerror(errno));
        return ST_NO_INPUT;
    }
    enum { MAX_THEME = 64 * 1024 };
    char *buf = xmalloc(MAX_THEME + 1);
    size_t n = fread(buf, 1, MAX_THEME + 1, f);
    bool bad = ferror(f);
    fclose(f);
    enum status st;
    if (bad) {
        sb_setf(err, "%s: cannot read the theme", path);
        st = ST_NO_INPUT;
    } else if (n > MAX_THEME) {
        sb_setf(err, "%s: not a theme (larger than %d bytes)", path, (int)MAX_THEME);
        st = ST_CONFIG;
    } else if (memchr(buf, '\0', n)) {
        sb_setf(err, "%s: not a theme (binary data)", path);
        st = ST_CONFIG;
    } else {
        buf[n] = '\0';
        st = theme_parse(buf, path, out, err);
    }
    free(buf);
    return st;
}

bool theme_builtin(const char *name, struct theme *out)
{
    theme_clear(out);
    for (size_t i = 0; i < sizeof builtin_names / sizeof builtin_names[0]; i++) {
        if (strcmp(name, builtin_names[i]) == 0) {
            char where[64];
            struct strbuf err;
            sb_init(&err);
            snprintf(where, sizeof where, "(built-in %s)", name);
            /* the build embeds themes/NAME.theme, which the unit tests parse */
            enum status st = theme_parse(builtin_text(i), where, out, &err);
            sb_done(&err);
            out->source = THEME_SRC_BUILTIN;
            snprintf(out->path, sizeof out->path, "(built-in)");
            return st == ST_OK;
        }
    }
    return false;
}

bool theme_uses_color(const struct theme *t)
{
    for (int e = 0; e < TE__COUNT; e++)
        if (t->el[e].fg != THEME_COLOR_DEFAULT || t->el[e].bg != THEME_COLOR_DEFAULT)
            return true;
    return false;
}

/* The xterm palette's RGB for colour c (0..255). */
static void xterm_rgb(int c, int rgb[3])
{
    static const unsigned char sixteen[16][3] = {
        {0, 0, 0},     {205, 0, 0},     {0, 205, 0},     {205, 205, 0},  {0, 0, 238}, {205, 0, 205},
        {0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0},    {0, 255, 0}, {255, 255, 0},
        {92, 92, 255}, {255, 0, 255},   {0, 255, 255},   {255, 255, 255}};
    if (c < 16) {
        for (int i = 0; i < 3; i++)
            rgb[i] = sixteen[c][i];
    } else if (c < 232) {
        int v[3] = {(c - 16) / 36, (c - 16) / 6 % 6, (c - 16) % 6};
        for (int i = 0; i < 3; i++)
            rgb[i] = v[i] ? 55 + 40 * v[i] : 0;
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
    }
}

int theme_color_reduce(int color, int ncolors)
{
    if (color < 0 || color > 255 || ncolors < 8)
        return THEME_COLOR_DEFAULT;
    if (color < ncolors && (color < 16 || ncolors >= 256))
        return color;
    if (color < 16) /* bright on an eight-colour terminal */
        return color - 8;
    int target[3], best = 0;
    long best_d = -1;
    xterm_rgb(color, target);
    int limit = ncolors >= 16 ? 16 : 8;
    if (target[0] == target[1] && target[1] == target[2]) { /* a grey: by lightness, never a hue */
        int v = target[0];
        if (limit == 8)
            return v < 100 ? 0 : 7;
        return v < 64 ? 0 : v < 160 ? 8 : v < 220 ? 7 : 15;
    }
    for (int i = 0; i < limit; i++) {
        int rgb[3];
        xterm_rgb(i, rgb);
        long d = 0;
        for (int k = 0; k < 3; k++)
            d += (long)(rgb[k] - target[k]) * (rgb[k] - target[k]);
        if (best_d < 0 || d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

void theme_resolve(const struct theme *t, enum theme_element e, int ncolors, int *fg, int *bg)
{
    const struct theme_style *n = &t->el[TE_NORMAL], *s = &t->el[e];
    int f = s->fg != THEME_COLOR_DEFAULT ? s->fg : n->fg;
    int b = s->bg != THEME_COLOR_DEFAULT ? s->bg : n->bg;
    *fg = theme_color_reduce(f, ncolors);
    *bg = theme_color_reduce(b, ncolors);
    if (*fg == *bg && *fg != THEME_COLOR_DEFAULT && f != b) {
        int rgb[3];
        xterm_rgb(*bg, rgb);
        *fg = rgb[0] + rgb[1] + rgb[2] < 3 * 128 ? 7 : 0;
    }
}

char *theme_dir(enum theme_source s)
{
    char buf[PATH_MAX];
    switch (s) {
    case THEME_SRC_USER: {
        const char *xdg = getenv("XDG_CONFIG_HOME");
        const char *home = getenv("HOME");
        if (xdg && *xdg == '/')
            snprintf(buf, sizeof buf, "%s/credence/themes", xdg);
        else if (home && *home)
            snprintf(buf, sizeof buf, "%s/.config/credence/themes", home);
        else
            return NULL;
        return xstrdup(buf);
    }
    case THEME_SRC_INSTALLED:
        return xstrdup(CREDENCE_THEMEDIR);
    case THEME_SRC_SOURCE: {
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
        if (n <= 0)
            return NULL;
        buf[n] = '\0';
        char *slash = strrchr(buf, '/');
        if (!slash)
            return NULL;
        *slash = '\0';
        char out[PATH_MAX + 16];
        snprintf(out, sizeof out, "%s/themes", buf);
        if (access(out, R_OK) != 0) { /* a build directory below the source tree (build/) */
            snprintf(out, sizeof out, "%s/../themes", buf);
            if (access(out, R_OK) != 0)
                snprintf(out, sizeof out, "%s/themes", buf);
        }
        return xstrdup(out);
    }
    default:
        return NULL;
    }
}

static bool valid_name(const char *name)
{
    if (!*name || *name == '.' || strlen(name) > 48)
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
           strlen(name);
}

enum status theme_load(const char *name, struct theme *out, struct strbuf *err)
{
    theme_clear(out);
    if (strchr(name, '/')) {
        enum status st = theme_parse_file(name, out, err);
        out->source = THEME_SRC_FILE;
        return st;
    }
    if (!valid_name(name)) {
        sb_setf(err, "theme name '%s' may hold only letters, digits, '.', '_' and '-'", name);
        return ST_USAGE;
    }
    static const enum theme_source dirs[] = {THEME_SRC_USER, THEME_SRC_INSTALLED, THEME_SRC_SOURCE};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char *dir = theme_dir(dirs[i]);
        if (!dir)
            continue;
        struct strbuf path;
        sb_init(&path);
        sb_addf(&path, "%s/%s.theme", dir, name);
        free(dir);
        struct stat stt;
        if (stat(sb_str(&path), &stt) == 0 && S_ISREG(stt.st_mode)) {
            enum status st = theme_parse_file(sb_str(&path), out, err);
            out->source = dirs[i];
            sb_done(&path);
            return st;
        }
        sb_done(&path);
    }
    if (theme_builtin(name, out))
        return ST_OK;
    struct theme_entry *list = NULL;
    size_t n = theme_list(&list);
    struct strbuf known;
    sb_init(&known);
    for (size_t i = 0; i < n; i++)
        if (!list[i].shadowed)
            sb_addf(&known, "%s%s", known.len ? ", " : "", list[i].name);
    theme_list_free(&list, n);
    sb_setf(err, "unknown theme '%s' (found: %s)", name, sb_str(&known));
    sb_done(&known);
    return ST_NOT_FOUND;
}

static int entry_cmp(const void *a, const void *b)
{
    const struct theme_entry *x = a, *y = b;
    if (x->source != y->source)
        return (int)x->source - (int)y->source;
    return strcmp(x->name, y->name);
}

static bool listed(const struct theme_entry *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return true;
    return false;
}

size_t theme_list(struct theme_entry **out)
{
    struct theme_entry *v = NULL;
    size_t n = 0;
    static const enum theme_source dirs[] = {THEME_SRC_USER, THEME_SRC_INSTALLED, THEME_SRC_SOURCE};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char *dir = theme_dir(dirs[i]);
        DIR *d = dir ? opendir(dir) : NULL;
        size_t first = n;
        for (struct dirent *de; d && (de = readdir(d));) {
            size_t len = strlen(de->d_name);
            if (len <= 6 || strcmp(de->d_name + len - 6, ".theme") != 0)
                continue;
            char *name = xstrndup(de->d_name, len - 6);
            if (!valid_name(name)) {
                free(name);
                continue;
            }
            v = xreallocarray(v, n + 1, sizeof *v);
            v[n].name = name;
            struct strbuf path;
            sb_init(&path);
            sb_addf(&path, "%s/%s", dir, de->d_name);
            v[n].path = sb_steal(&path);
            v[n].source = dirs[i];
            v[n].shadowed = listed(v, first, name);
            n++;
        }
        if (d)
            closedir(d);
        free(dir);
        if (n > first) /* v may still be NULL */
            qsort(v + first, n - first, sizeof *v, entry_cmp);
    }
    for (size_t i = 0; i < sizeof builtin_names / sizeof builtin_names[0]; i++) {
        v = xreallocarray(v, n + 1, sizeof *v);
        v[n].name = xstrdup(builtin_names[i]);
        v[n].path = xstrdup("(built-in)");
        v[n].source = THEME_SRC_BUILTIN;
        v[n].shadowed = listed(v, n, builtin_names[i]);
        n++;
    }
    *out = v;
    return n;
}

void theme_list_free(struct theme_entry **pp, size_t n)
{
    if (!pp || !*pp)
        return;
    for (size_t i = 0; i < n; i++) {
        free((*pp)[i].name);
        free((*pp)[i].path);
    }
    free(*pp);
    *pp = NULL;
}
