/* Unit tests for theme files: the shipped themes, the style language, located errors, the
 * 256-colour fallback and the lookup order (run from the source tree: tests/run_all.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/theme_file.h"

static const char *const shipped[] = {"default", "high-contrast", "mono", "solarized-dark",
                                      "colorblind"};

static void test_shipped_themes_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "themes/%s.theme", shipped[i]);
        struct theme t;
        struct strbuf err;
        sb_init(&err);
        enum status st = theme_parse_file(path, &t, &err);
        if (st != ST_OK)
            fail_msg("%s: %s", path, sb_str(&err));
        assert_string_equal(t.name, shipped[i]);
        assert_true(t.description[0] != '\0');
        /* every shipped theme names every element, so none is drawn plain by accident */
        for (int e = 0; e < TE__COUNT; e++)
            if (!t.el[e].set)
                fail_msg("%s does not set %s", path, theme_element_name((enum theme_element)e));
        assert_int_equal(theme_uses_color(&t), strcmp(shipped[i], "mono") != 0);
        sb_done(&err);
    }
}

static void test_builtin_matches_files(void **state)
{
    (void)state;
    static const char *const names[] = {"default", "mono"};
    for (size_t i = 0; i < 2; i++) {
        struct theme b, f;
        struct strbuf err;
        sb_init(&err);
        char path[64];
        snprintf(path, sizeof path, "themes/%s.theme", names[i]);
        assert_true(theme_builtin(names[i], &b));
        assert_int_equal(theme_parse_file(path, &f, &err), ST_OK);
        assert_int_equal(b.source, THEME_SRC_BUILTIN);
        for (int e = 0; e < TE__COUNT; e++) {
            assert_int_equal(b.el[e].fg, f.el[e].fg);
            assert_int_equal(b.el[e].bg, f.el[e].bg);
            assert_int_equal(b.el[e].attrs, f.el[e].attrs);
            assert_int_equal(b.el[e].set, f.el[e].set);
        }
        sb_done(&err);
    }
    struct theme t;
    assert_false(theme_builtin("solarized-dark", &t));
}

static void test_default_covers_every_element(void **state)
{
    (void)state;
    struct theme t;
    assert_true(theme_builtin("default", &t));
    for (int e = 0; e < TE__COUNT; e++) {
        assert_non_null(theme_element_name((enum theme_element)e));
        assert_true(t.el[e].set);
    }
    assert_null(theme_element_name(TE__COUNT));
    assert_string_equal(theme_element_name(TE_CRITICAL), "severity.critical");
    assert_string_equal(theme_element_name(TE_GRANT), "chart.grant");
}

static enum status parse(const char *text, struct theme *t, struct strbuf *err)
{
    sb_reset(err);
    return theme_parse(text, "t.theme", t, err);
}

static void test_styles(void **state)
{
    (void)state;
    struct theme t;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(parse("# a comment\n[theme]\nname = mine\ndescription = x\n[colors]\n"
                           "title = color208 on default bold underline\n"
                           "status = on blue\n"
                           "header = BOLD\n"
                           "muted = BrightRed  ; inline comment\n"
                           "ok = green on black reverse dim standout\n"
                           "border = normal\n",
                           &t, &err),
                     ST_OK);
    assert_string_equal(t.name, "mine");
    assert_int_equal(t.el[TE_TITLE].fg, 208);
    assert_int_equal(t.el[TE_TITLE].bg, THEME_COLOR_DEFAULT);
    assert_int_equal(t.el[TE_TITLE].attrs, THEME_A_BOLD | THEME_A_UNDERLINE);
    assert_int_equal(t.el[TE_STATUS].fg, THEME_COLOR_DEFAULT);
    assert_int_equal(t.el[TE_STATUS].bg, 4);
    assert_int_equal(t.el[TE_HEADER].attrs, THEME_A_BOLD);
    assert_int_equal(t.el[TE_HEADER].fg, THEME_COLOR_DEFAULT);
    assert_int_equal(t.el[TE_MUTED].fg, 9);
    assert_int_equal(t.el[TE_OK].fg, 2);
    assert_int_equal(t.el[TE_OK].bg, 0);
    assert_int_equal(t.el[TE_OK].attrs, THEME_A_REVERSE | THEME_A_DIM | THEME_A_STANDOUT);
    assert_true(t.el[TE_BORDER].set);
    assert_int_equal(t.el[TE_BORDER].attrs, 0);
    assert_false(t.el[TE_GRID].set);
    assert_int_equal(t.el[TE_GRID].fg, THEME_COLOR_DEFAULT);
    /* no [theme] name: the file's base name */
    assert_int_equal(theme_parse("[colors]\nok = green\n", "/x/y/my-theme.theme", &t, &err), ST_OK);
    assert_string_equal(t.name, "my-theme");
    assert_string_equal(t.path, "/x/y/my-theme.theme");
    sb_done(&err);
}

/* text must fail with an error starting with want */
static void expect_error(const char *text, const char *want)
{
    struct theme t;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(parse(text, &t, &err), ST_CONFIG);
    if (strncmp(sb_str(&err), want, strlen(want)) != 0)
        fail_msg("error '%s', expected it to start with '%s'", sb_str(&err), want);
    /* a failed parse leaves a plain theme */
    for (int e = 0; e < TE__COUNT; e++)
        assert_false(t.el[e].set);
    sb_done(&err);
}

static void test_located_errors(void **state)
{
    (void)state;
    expect_error("[colors]\ntitle = white\nbogus = red\n",
                 "t.theme:3: unknown element 'bogus' (known: normal, title, status,");
    expect_error("[colors]\n\ntitle = purple on blue\n",
                 "t.theme:3: unknown colour 'purple' (known: default, black, red,");
    expect_error("[colors]\ntitle = white on mauve bold\n", "t.theme:2: unknown colour 'mauve'");
    expect_error("[colors]\ntitle = color256\n", "t.theme:2: unknown colour 'color256'");
    expect_error("[colors]\ntitle = color1234\n", "t.theme:2: unknown colour 'color1234'");
    expect_error("[colors]\ntitle = white on blue blink\n",
                 "t.theme:2: unknown attribute 'blink' (known: bold, underline, reverse, dim,");
    expect_error("[colors]\ntitle = white on\n", "t.theme:2: 'on' needs a background colour");
    expect_error("[colors]\ntitle = bold white\n", "t.theme:2: colour 'white' out of place");
    expect_error("[colors]\ntitle = white red\n", "t.theme:2: colour 'red' out of place");
    expect_error("[colors]\ntitle = white on blue on red\n", "t.theme:2: 'on' out of place");
    expect_error("[colors]\ntitle =\n", "t.theme:2: empty style");
    expect_error("[colours\ntitle = white\n", "t.theme:1: syntax error");
    expect_error("[colors]\ntitle white\n", "t.theme:2: syntax error");
    expect_error("title = white\n", "t.theme:1: 'title' outside a section");
    expect_error("[colors]\nok = green\n[looks]\nok = red\n", "t.theme:4: unknown section [looks]");
    expect_error("[theme]\nauthor = me\n", "t.theme:2: unknown key 'author' in [theme]");
    /* the first error wins */
    expect_error("[colors]\nok = green\nfoo = red\ntitle = purple\n",
                 "t.theme:3: unknown element 'foo'");
    expect_error("[colors]\nok = purple\n[colors\n", "t.theme:2: unknown colour 'purple'");
    expect_error("[colors\nok = purple\n", "t.theme:1: syntax error");
}

static void test_file_errors(void **state)
{
    (void)state;
    struct theme t;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(theme_parse_file("tests/no/such.theme", &t, &err), ST_NO_INPUT);
    assert_non_null(strstr(sb_str(&err), "tests/no/such.theme: cannot read the theme"));
    sb_done(&err);
}

static void test_color_reduce(void **state)
{
    (void)state;
    assert_int_equal(theme_color_reduce(208, 256), 208);
    assert_int_equal(theme_color_reduce(208, 8), 3); /* orange: yellow */
    assert_int_equal(theme_color_reduce(196, 8), 1); /* bright red */
    assert_int_equal(theme_color_reduce(21, 8), 4);  /* pure blue */
    assert_int_equal(theme_color_reduce(37, 8), 6);  /* solarized cyan */
    assert_int_equal(theme_color_reduce(64, 8), 2);  /* solarized green */
    assert_int_equal(theme_color_reduce(232, 8), 0); /* near black */
    assert_int_equal(theme_color_reduce(255, 8), 7); /* near white */
    assert_int_equal(theme_color_reduce(9, 8), 1);   /* bright red: red */
    assert_int_equal(theme_color_reduce(9, 16), 9);
    assert_int_equal(theme_color_reduce(15, 88), 15);
    assert_int_equal(theme_color_reduce(196, 16), 9); /* 16 colours may use the bright ones */
    assert_int_equal(theme_color_reduce(5, 8), 5);
    assert_int_equal(theme_color_reduce(244, 8), 7); /* greys by lightness, never a hue */
    assert_int_equal(theme_color_reduce(240, 8), 0);
    assert_int_equal(theme_color_reduce(244, 16), 8);
    assert_int_equal(theme_color_reduce(145, 8), 7); /* the cube's grey (175,175,175) */
    assert_int_equal(theme_color_reduce(THEME_COLOR_DEFAULT, 256), THEME_COLOR_DEFAULT);
    assert_int_equal(theme_color_reduce(3, 2), THEME_COLOR_DEFAULT);
    assert_int_equal(theme_color_reduce(300, 256), THEME_COLOR_DEFAULT);
}

static void test_resolve(void **state)
{
    (void)state;
    struct theme t;
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(parse("[colors]\nnormal = color244 on color234\nmuted = color240\n"
                           "title = white on blue\nok = on color22\n",
                           &t, &err),
                     ST_OK);
    int fg, bg;
    theme_resolve(&t, TE_TITLE, 256, &fg, &bg);
    assert_int_equal(fg, 7);
    assert_int_equal(bg, 4);
    theme_resolve(&t, TE_MUTED, 256, &fg, &bg); /* default background: normal's */
    assert_int_equal(fg, 240);
    assert_int_equal(bg, 234);
    theme_resolve(&t, TE_GRID, 256, &fg, &bg); /* unset: normal's colours */
    assert_int_equal(fg, 244);
    assert_int_equal(bg, 234);
    /* on eight colours both greys become black: the text turns white instead of vanishing */
    theme_resolve(&t, TE_MUTED, 8, &fg, &bg);
    assert_int_equal(bg, 0);
    assert_int_equal(fg, 7);
    theme_resolve(&t, TE_NORMAL, 8, &fg, &bg);
    assert_int_equal(fg, 7);
    assert_int_equal(bg, 0);
    /* mono: the terminal's own colours everywhere */
    assert_true(theme_builtin("mono", &t));
    theme_resolve(&t, TE_SELECTION, 256, &fg, &bg);
    assert_int_equal(fg, THEME_COLOR_DEFAULT);
    assert_int_equal(bg, THEME_COLOR_DEFAULT);
    sb_done(&err);
}

/* A temporary $XDG_CONFIG_HOME with credence/themes/ in it. */
struct xdg {
    char root[64];
    char dir[128];
};

static void xdg_setup(struct xdg *x)
{
    snprintf(x->root, sizeof x->root, "/tmp/credence-theme-XXXXXX");
    assert_non_null(mkdtemp(x->root));
    char sub[128];
    snprintf(sub, sizeof sub, "%s/credence", x->root);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(x->dir, sizeof x->dir, "%s/credence/themes", x->root);
    assert_int_equal(mkdir(x->dir, 0700), 0);
    setenv("XDG_CONFIG_HOME", x->root, 1);
}

static void xdg_write(const struct xdg *x, const char *file, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", x->dir, file);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void xdg_done(struct xdg *x, const char *const *files, size_t n)
{
    char path[256];
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", x->dir, files[i]);
        unlink(path);
    }
    rmdir(x->dir);
    snprintf(path, sizeof path, "%s/credence", x->root);
    rmdir(path);
    rmdir(x->root);
    unsetenv("XDG_CONFIG_HOME");
}

static void test_lookup_order(void **state)
{
    (void)state;
    struct xdg x;
    xdg_setup(&x);
    char *dir = theme_dir(THEME_SRC_USER);
    assert_string_equal(dir, x.dir);
    free(dir);
    dir = theme_dir(THEME_SRC_INSTALLED);
    assert_non_null(strstr(dir, "/share/credence/themes"));
    free(dir);
    struct theme t;
    struct strbuf err;
    sb_init(&err);
    /* nothing in the user directory: default still loads (installed, source tree or built-in) */
    assert_int_equal(theme_load("default", &t, &err), ST_OK);
    assert_int_not_equal(t.source, THEME_SRC_USER);
    assert_int_equal(theme_load("mono", &t, &err), ST_OK);
    assert_false(theme_uses_color(&t));
    /* a user copy wins over every other */
    xdg_write(&x, "default.theme", "[theme]\nname = my default\n[colors]\ntitle = red\n");
    xdg_write(&x, "broken.theme", "[colors]\ntitle = white\n\nselection = purple on blue\n");
    xdg_write(&x, "zz-extra.theme", "[colors]\nok = blue\n");
    xdg_write(&x, "notes.txt", "not a theme\n");
    assert_int_equal(theme_load("default", &t, &err), ST_OK);
    assert_int_equal(t.source, THEME_SRC_USER);
    assert_string_equal(t.name, "my default");
    assert_int_equal(t.el[TE_TITLE].fg, 1);
    char want[256];
    snprintf(want, sizeof want, "%s/default.theme", x.dir);
    assert_string_equal(t.path, want);
    /* a broken user theme is an error located in its file, not a silent fall-through */
    sb_reset(&err);
    assert_int_equal(theme_load("broken", &t, &err), ST_CONFIG);
    snprintf(want, sizeof want, "%s/broken.theme:4: unknown colour 'purple'", x.dir);
    assert_non_null(strstr(sb_str(&err), want));
    /* unknown names list what exists */
    sb_reset(&err);
    assert_int_equal(theme_load("nope", &t, &err), ST_NOT_FOUND);
    assert_non_null(strstr(sb_str(&err), "unknown theme 'nope' (found: "));
    assert_non_null(strstr(sb_str(&err), "zz-extra"));
    assert_non_null(strstr(sb_str(&err), "mono"));
    sb_reset(&err);
    assert_int_equal(theme_load("a b", &t, &err), ST_USAGE);
    assert_int_equal(theme_load(".hidden", &t, &err), ST_USAGE);
    /* a name with a slash is a path */
    snprintf(want, sizeof want, "%s/zz-extra.theme", x.dir);
    assert_int_equal(theme_load(want, &t, &err), ST_OK);
    assert_int_equal(t.source, THEME_SRC_FILE);
    assert_int_equal(t.el[TE_OK].fg, 4);
    /* the listing: user themes first, the built-in default shadowed by the user's */
    struct theme_entry *list = NULL;
    size_t n = theme_list(&list);
    assert_true(n >= 5);
    assert_string_equal(list[0].name, "broken");
    assert_int_equal(list[0].source, THEME_SRC_USER);
    assert_string_equal(list[1].name, "default");
    assert_false(list[1].shadowed);
    assert_string_equal(list[2].name, "zz-extra");
    bool builtin_default_shadowed = false, builtin_mono = false;
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(list[i].name, "notes");
        if (list[i].source == THEME_SRC_BUILTIN && strcmp(list[i].name, "default") == 0)
            builtin_default_shadowed = list[i].shadowed;
        if (list[i].source == THEME_SRC_BUILTIN && strcmp(list[i].name, "mono") == 0)
            builtin_mono = true;
    }
    assert_true(builtin_default_shadowed);
    assert_true(builtin_mono);
    theme_list_free(&list, n);
    assert_null(list);
    static const char *const files[] = {"default.theme", "broken.theme", "zz-extra.theme",
                                        "notes.txt"};
    xdg_done(&x, files, 4);
    /* without XDG_CONFIG_HOME: $HOME/.config */
    setenv("HOME", "/home/someone", 1);
    dir = theme_dir(THEME_SRC_USER);
    assert_string_equal(dir, "/home/someone/.config/credence/themes");
    free(dir);
    assert_string_equal(theme_source_name(THEME_SRC_BUILTIN), "built-in");
    sb_done(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_themes_parse),
        cmocka_unit_test(test_builtin_matches_files),
        cmocka_unit_test(test_default_covers_every_element),
        cmocka_unit_test(test_styles),
        cmocka_unit_test(test_located_errors),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_color_reduce),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_lookup_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
