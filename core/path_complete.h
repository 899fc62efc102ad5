/* File name completion for path prompts (the console's import prompt): curses-free so it is
 * unit-tested on a temporary directory. */
#ifndef CREDENCE_CORE_PATH_COMPLETE_H
#define CREDENCE_CORE_PATH_COMPLETE_H

#include <stddef.h>

struct path_completion {
    char *text;      /* the input completed as far as it is unambiguous; owned */
    char **matches;  /* the candidates' names, sorted, directories with a trailing '/'; owned */
    size_t nmatches; /* 0: nothing matches; 1: text is that file (or directory + '/') */
};

/* Expands a leading "~" or "~/" to $HOME; any other input is copied. Caller frees. */
char *path_expand_tilde(const char *input);

/* Completes input (a path typed so far; "~" expands) against the file system: the entries of
 * its directory (the current one when it has no '/') that start with its last component. Hidden
 * entries only when that component starts with '.'; "." and ".." never. One match completes to
 * it (directories get a trailing '/'); several complete to their longest common prefix. Never
 * fails: an unreadable directory has no matches. Fill *out; release with path_completion_done. */
void path_complete(const char *input, struct path_completion *out);
/* Frees what path_complete filled; NULL-safe. */
void path_completion_done(struct path_completion *pc);

#endif
