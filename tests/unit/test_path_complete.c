/* Unit tests for path completion (core/path_complete.h) on a temporary directory: unique
 * completion, common prefix, the candidate list, directories with '/', '~', hidden files. */
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

#include "core/path_complete.h"

static char dir[256]; /* the temporary directory, no trailing '/' */

static void touch(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
}

static void mkdir_in(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    assert_int_equal(mkdir(p, 0700), 0);
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/credence-complete-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    touch("nov.csv");
    touch("november-2026.csv");
    touch("other.json");
    touch(".hidden.csv");
    mkdir_in("notes");
    mkdir_in(".cache");
    touch("notes/inner.csv");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Completes dir/rel (rel may be "") into *pc. */
static void complete_in(const char *rel, struct path_completion *pc)
{
    char in[512];
    snprintf(in, sizeof in, "%s/%s", dir, rel);
    path_complete(in, pc);
    assert_non_null(pc->text);
}

static void expect_text(const struct path_completion *pc, const char *rel)
{
    char want[512];
    snprintf(want, sizeof want, "%s/%s", dir, rel);
    assert_string_equal(pc->text, want);
}

static void test_unique(void **state)
{
    (void)state;
    struct path_completion pc;
    complete_in("ot", &pc);
    assert_int_equal(pc.nmatches, 1);
    expect_text(&pc, "other.json");
    path_completion_done(&pc);
    complete_in("notes/i", &pc); /* inside a subdirectory */
    expect_text(&pc, "notes/inner.csv");
    path_completion_done(&pc);
}

static void test_common_prefix_and_list(void **state)
{
    (void)state;
    struct path_completion pc;
    complete_in("nov", &pc);
    assert_int_equal(pc.nmatches, 2);
    expect_text(&pc, "nov"); /* nothing more is common: the caller lists the candidates */
    assert_string_equal(pc.matches[0], "nov.csv");
    assert_string_equal(pc.matches[1], "november-2026.csv");
    path_completion_done(&pc);
    complete_in("n", &pc);
    assert_int_equal(pc.nmatches, 3);
    expect_text(&pc, "no"); /* common prefix of nov.csv, november-2026.csv, notes/ */
    assert_string_equal(pc.matches[0], "notes/");
    path_completion_done(&pc);
    complete_in("nove", &pc);
    expect_text(&pc, "november-2026.csv");
    path_completion_done(&pc);
}

static void test_directory_slash(void **state)
{
    (void)state;
    struct path_completion pc;
    complete_in("not", &pc);
    assert_int_equal(pc.nmatches, 1);
    assert_string_equal(pc.matches[0], "notes/");
    expect_text(&pc, "notes/");
    path_completion_done(&pc);
}

static void test_hidden(void **state)
{
    (void)state;
    struct path_completion pc;
    complete_in("", &pc); /* everything but the hidden entries */
    assert_int_equal(pc.nmatches, 4);
    for (size_t i = 0; i < pc.nmatches; i++)
        assert_true(pc.matches[i][0] != '.');
    path_completion_done(&pc);
    complete_in(".", &pc); /* a leading dot asks for them; never . or .. */
    assert_int_equal(pc.nmatches, 2);
    assert_string_equal(pc.matches[0], ".cache/");
    assert_string_equal(pc.matches[1], ".hidden.csv");
    path_completion_done(&pc);
    complete_in(".h", &pc);
    expect_text(&pc, ".hidden.csv");
    path_completion_done(&pc);
}

static void test_tilde(void **state)
{
    (void)state;
    char *old = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", dir, 1);
    struct path_completion pc;
    path_complete("~/ot", &pc);
    expect_text(&pc, "other.json");
    path_completion_done(&pc);
    path_complete("~", &pc);
    expect_text(&pc, "");
    path_completion_done(&pc);
    char *e = path_expand_tilde("~/nov.csv");
    char want[512];
    snprintf(want, sizeof want, "%s/nov.csv", dir);
    assert_string_equal(e, want);
    free(e);
    e = path_expand_tilde("~other/x"); /* other users' homes are not expanded */
    assert_string_equal(e, "~other/x");
    free(e);
    if (old) {
        setenv("HOME", old, 1);
        free(old);
    } else {
        unsetenv("HOME");
    }
}

static void test_relative_and_none(void **state)
{
    (void)state;
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    struct path_completion pc;
    path_complete("ot", &pc); /* no '/': the current directory */
    assert_string_equal(pc.text, "other.json");
    path_completion_done(&pc);
    path_complete("zzz", &pc);
    assert_int_equal(pc.nmatches, 0);
    assert_string_equal(pc.text, "zzz");
    path_completion_done(&pc);
    assert_int_equal(chdir(cwd), 0);
    path_complete("/nonexistent-credence-dir/a", &pc);
    assert_int_equal(pc.nmatches, 0);
    assert_string_equal(pc.text, "/nonexistent-credence-dir/a");
    path_completion_done(&pc);
    path_completion_done(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unique),          cmocka_unit_test(test_common_prefix_and_list),
        cmocka_unit_test(test_directory_slash), cmocka_unit_test(test_hidden),
        cmocka_unit_test(test_tilde),           cmocka_unit_test(test_relative_and_none),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
