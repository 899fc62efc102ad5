/* File name completion: list a directory, keep the entries with the typed prefix, complete to
 * their longest common prefix. */
#include "core/path_complete.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

char *path_expand_tilde(const char *input)
{
    const char *home = getenv("HOME");
    if (input[0] == '~' && (input[1] == '\0' || input[1] == '/') && home && *home) {
        struct strbuf sb;
        sb_init(&sb);
        sb_adds(&sb, home);
        /* "~" alone names the home directory: "~" -> "$HOME", "~/x" -> "$HOME/x" */
        if (sb.len > 1 && sb_str(&sb)[sb.len - 1] == '/' && input[1] == '/')
            sb_adds(&sb, input + 2);
        else
            sb_adds(&sb, input + 1);
        return sb_steal(&sb);
    }
    return xstrdup(input);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void path_complete(const char *input, struct path_completion *out)
{
    out->text = NULL;
    out->matches = NULL;
    out->nmatches = 0;
    char *path = path_expand_tilde(input);
    /* "~" alone completes to the home directory itself */
    if (strcmp(input, "~") == 0 && strcmp(path, "~") != 0) {
        struct strbuf sb;
        sb_init(&sb);
        sb_adds(&sb, path);
        if (sb.len == 0 || sb_str(&sb)[sb.len - 1] != '/')
            sb_addc(&sb, '/');
        free(path);
        out->text = sb_steal(&sb);
        return;
    }
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0; /* keeps the '/' */
    const char *prefix = path + dir_len;
    size_t plen = strlen(prefix);
    char *dir = dir_len ? xstrndup(path, dir_len) : xstrdup("./");
    DIR *d = opendir(dir);
    size_t cap = 0;
    bool hidden = prefix[0] == '.';
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        if (name[0] == '.' && !hidden)
            continue;
        if (strncmp(name, prefix, plen) != 0)
            continue;
        struct strbuf full;
        sb_init(&full);
        sb_adds(&full, dir);
        sb_adds(&full, name);
        struct stat st;
        bool is_dir = stat(sb_str(&full), &st) == 0 && S_ISDIR(st.st_mode);
        sb_done(&full);
        if (out->nmatches == cap) {
            cap = cap ? cap * 2 : 16;
            out->matches = xreallocarray(out->matches, cap, sizeof *out->matches);
        }
        struct strbuf m;
        sb_init(&m);
        sb_adds(&m, name);
        if (is_dir)
            sb_addc(&m, '/');
        out->matches[out->nmatches++] = sb_steal(&m);
    }
    if (d)
        closedir(d);
    free(dir);
    if (out->nmatches > 1)
        qsort(out->matches, out->nmatches, sizeof *out->matches, cmp_names);
    struct strbuf text;
    sb_init(&text);
    sb_add(&text, path, dir_len);
    if (out->nmatches == 0) {
        sb_adds(&text, prefix);
    } else if (out->nmatches == 1) {
        sb_adds(&text, out->matches[0]);
    } else {
        /* the longest common prefix of the candidates */
        const char *first = out->matches[0];
        size_t common = strlen(first);
        for (size_t i = 1; i < out->nmatches; i++) {
            size_t k = 0;
            while (k < common && out->matches[i][k] == first[k])
                k++;
            common = k;
        }
        if (common < plen)
            common = plen;
        sb_add(&text, first, common);
    }
    out->text = sb_steal(&text);
    free(path);
}

void path_completion_done(struct path_completion *pc)
{
    if (!pc)
        return;
    for (size_t i = 0; i < pc->nmatches; i++)
        free(pc->matches[i]);
    free(pc->matches);
    free(pc->text);
    pc->text = NULL;
    pc->matches = NULL;
    pc->nmatches = 0;
}
