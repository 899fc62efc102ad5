/* The console (DESIGN.md section 6): one public entry point for main. */
#ifndef CREDENCE_TUI_TUI_H
#define CREDENCE_TUI_TUI_H

#include "core/core.h"
#include "core/imports.h"

struct tui_opts {
    struct store *store;                 /* borrowed */
    const struct config *config;         /* borrowed, may be NULL */
    const struct identity *who;          /* borrowed */
    const char *theme;                   /* theme name or path; NULL: [ui] theme, else default */
    const struct imports_reader *reader; /* the usage file readers (i imports); NULL: none */
};

/* Runs the console until the user quits. Returns an exit code (0, or 64/70 with a message on
 * stderr after the terminal is restored). */
int tui_run(const struct tui_opts *opts);

#endif
