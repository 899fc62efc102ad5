/* The CLI layer: shared context, option parsing, identity and store access, output helpers.
 * Each command group lives in its own file and is listed in main.c's command table. */
#ifndef CREDENCE_CLI_CLI_H
#define CREDENCE_CLI_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/core.h"
#include "core/imports.h"

/* State shared by every command: global options and lazily opened resources. */
struct cli_ctx {
    const char *prog;        /* argv[0] basename for messages */
    const char *command;     /* "import people": for messages */
    const char *db_path_opt; /* --db, or NULL */
    const char *config_opt;  /* --config, or NULL */
    const char *as_opt;      /* --as, or NULL */
    const char *now_opt;     /* --now, or NULL */
    const char *theme_opt;   /* --theme, or NULL */
    struct store *store;     /* opened by cli_store; owned */
    struct config *config;   /* loaded by cli_config; owned */
    struct identity who;     /* filled by cli_identity */
    bool have_who;
    struct reporter rep; /* prints warnings to stderr */
    struct strbuf err;   /* last error detail */
};

/* An option a command accepts. Exactly one of value/flag is set. */
struct cli_opt {
    const char *name;   /* long name without "--" */
    const char **value; /* receives the argument (borrowed from argv) */
    bool *flag;         /* set true when present */
};

/* Parses argv (the words after the command) against opts plus the global options. Positional
 * arguments go to pos[0..*npos) (at most maxpos). Prints usage and returns 64 on error, else 0.
 * Applies --now / CREDENCE_NOW to the clock. */
int cli_parse(struct cli_ctx *ctx, const struct cli_opt *opts, int argc, char **argv,
              const char **pos, int maxpos, int *npos);
/* Applies --now or CREDENCE_NOW; returns 64 with a message when malformed. */
int cli_apply_now(struct cli_ctx *ctx);

/* Opens the database (once). Returns 0 or the exit code after printing the error. */
int cli_store(struct cli_ctx *ctx, enum store_open_mode mode);
/* Loads the configuration (once). Returns 0 or the exit code after printing the error. */
int cli_config(struct cli_ctx *ctx);
/* Resolves the acting person and checks perm (skipped when perm < 0). Returns 0 or the exit
 * code after printing why (77 for permission problems). Requires cli_store first. */
int cli_identity(struct cli_ctx *ctx, int perm);
/* Prints "credence: <detail or status message>" to stderr and returns the status's exit code. */
int cli_fail(struct cli_ctx *ctx, enum status st);
/* Prints a usage error for the current command and returns 64. */
int cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Zeroes ctx and installs the stderr reporter. */
void cli_ctx_init(struct cli_ctx *ctx, const char *prog);
/* Frees everything the context holds. */
void cli_ctx_done(struct cli_ctx *ctx);

/* Prints a JSON document on stdout (indented, stable key order as built, reals to cents). */
void cli_print_json(json_t *doc);
/* Writes s to f with control characters replaced, truncated or padded to `width` display
 * columns (width < 0: no padding or truncation). */
void cli_put_cell(FILE *f, const char *s, int width);

/* Writes each '\n'-separated line of text to f with control characters replaced. */
void cli_put_lines(FILE *f, const char *text);

/* Command entry points (argc/argv are the words after the command words). */
int cmd_review(struct cli_ctx *ctx, int argc, char **argv);
int cmd_demo(struct cli_ctx *ctx, int argc, char **argv);
int cmd_init(struct cli_ctx *ctx, int argc, char **argv);
int cmd_import_people(struct cli_ctx *ctx, int argc, char **argv);
int cmd_import_register(struct cli_ctx *ctx, int argc, char **argv);
int cmd_import_usage(struct cli_ctx *ctx, int argc, char **argv);
/* The importers/ readers behind core's import pipeline (cli/import_usage.c); the console gets it
 * through tui_opts. */
extern const struct imports_reader cli_usage_reader;
int cmd_fetch_usage(struct cli_ctx *ctx, int argc, char **argv);
int cmd_pools(struct cli_ctx *ctx, int argc, char **argv);
int cmd_pool_show(struct cli_ctx *ctx, int argc, char **argv);
int cmd_findings(struct cli_ctx *ctx, int argc, char **argv);
int cmd_decide(struct cli_ctx *ctx, int argc, char **argv);
int cmd_campaign_start(struct cli_ctx *ctx, int argc, char **argv);
int cmd_campaign_status(struct cli_ctx *ctx, int argc, char **argv);
int cmd_queue(struct cli_ctx *ctx, int argc, char **argv);
int cmd_outbox(struct cli_ctx *ctx, int argc, char **argv);
int cmd_keygen(struct cli_ctx *ctx, int argc, char **argv);
int cmd_push(struct cli_ctx *ctx, int argc, char **argv);
int cmd_evidence_export(struct cli_ctx *ctx, int argc, char **argv);
int cmd_evidence_verify(struct cli_ctx *ctx, int argc, char **argv);
int cmd_audit_verify(struct cli_ctx *ctx, int argc, char **argv);

#endif
