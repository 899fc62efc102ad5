/* Shared CLI plumbing: options, store, config, identity, errors and output. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void cli_warn(void *ctx, const char *msg)
{
    (void)ctx;
    struct strbuf sb;
    sb_init(&sb);
    text_sanitize(&sb, msg, strlen(msg));
    fprintf(stderr, "credence: warning: %s\n", sb_str(&sb));
    sb_done(&sb);
}

static void cli_info(void *ctx, const char *msg)
{
    (void)ctx;
    struct strbuf sb;
    sb_init(&sb);
    text_sanitize(&sb, msg, strlen(msg));
    fprintf(stderr, "credence: %s\n", sb_str(&sb));
    sb_done(&sb);
}

/* A progress bar on stderr, only when stderr is a terminal; redrawn at most 10 times a second. */
static void cli_progress(void *ctx, uint64_t done, uint64_t total, uint64_t rows)
{
    (void)ctx;
    static int64_t last_ms;
    static int tty = -1;
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    if (!tty)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    static int64_t start_ms;
    if (!start_ms)
        start_ms = ms;
    if (ms - last_ms < 100 && (total == 0 || done < total))
        return;
    last_ms = ms;
    double secs = (double)(ms - start_ms) / 1000.0;
    double rate = secs > 0 ? (double)rows / secs : 0;
    if (total > 0) {
        int width = 30, fill = (int)((double)done / (double)total * width);
        double eta = done > 0 ? secs * (double)(total - done) / (double)done : 0;
        fprintf(stderr, "\r[%.*s%*s] %3d%%  %.0f rows/s  ETA %.0fs ", fill,
                "##############################", width - fill, "",
                (int)(100.0 * (double)done / (double)total), rate, eta);
        if (done >= total)
            fputc('\n', stderr);
    } else {
        fprintf(stderr, "\r%llu rows  %.0f rows/s ", (unsigned long long)rows, rate);
    }
}

int cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...)
{
    fprintf(stderr, "%s: %s: ", ctx->prog, ctx->command ? ctx->command : "usage");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s%s%s --help'.\n", ctx->prog, ctx->command ? " " : "",
            ctx->command ? ctx->command : "");
    return 64;
}

int cli_apply_now(struct cli_ctx *ctx)
{
    const char *now = ctx->now_opt;
    if (!now || !*now)
        now = getenv("CREDENCE_NOW");
    if (!now || !*now)
        return 0;
    int64_t t;
    if (!date_parse_timestamp(now, strlen(now), &t))
        return cli_usage_error(ctx, "--now '%s' is not an ISO date (YYYY-MM-DD[THH:MM:SSZ])", now);
    clock_fix(t);
    return 0;
}

/* Global options accepted anywhere before "--". */
static int cli_global_opt(struct cli_ctx *ctx, const char *name, const char ***slot)
{
    static const struct {
        const char *name;
        size_t off;
    } globals[] = {
        {"db", offsetof(struct cli_ctx, db_path_opt)},
        {"config", offsetof(struct cli_ctx, config_opt)},
        {"as", offsetof(struct cli_ctx, as_opt)},
        {"now", offsetof(struct cli_ctx, now_opt)},
        {"theme", offsetof(struct cli_ctx, theme_opt)},
    };
    for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++) {
        if (strcmp(globals[i].name, name) == 0) {
            *slot = (const char **)(void *)((char *)ctx + globals[i].off);
            return 1;
        }
    }
    return 0;
}

int cli_parse(struct cli_ctx *ctx, const struct cli_opt *opts, int argc, char **argv,
              const char **pos, int maxpos, int *npos)
{
    *npos = 0;
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            if (*npos >= maxpos)
                return cli_usage_error(ctx, "unexpected argument '%s'", a);
            pos[(*npos)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (a[1] != '-')
            return cli_usage_error(ctx, "unknown option '%s'", a);
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        char key[64];
        if (nlen >= sizeof key)
            return cli_usage_error(ctx, "unknown option '%s'", a);
        memcpy(key, name, nlen);
        key[nlen] = '\0';
        const char **slot = NULL;
        bool *flag = NULL;
        for (const struct cli_opt *o = opts; o && o->name; o++) {
            if (strcmp(o->name, key) == 0) {
                slot = o->value;
                flag = o->flag;
            }
        }
        if (!slot && !flag && !cli_global_opt(ctx, key, &slot))
            return cli_usage_error(ctx, "unknown option '--%s'", key);
        if (flag) {
            if (eq)
                return cli_usage_error(ctx, "option '--%s' takes no value", key);
            *flag = true;
            continue;
        }
        if (eq) {
            *slot = eq + 1;
        } else {
            if (i + 1 >= argc)
                return cli_usage_error(ctx, "option '--%s' needs a value", key);
            *slot = argv[++i];
        }
    }
    return cli_apply_now(ctx);
}

int cli_fail(struct cli_ctx *ctx, enum status st)
{
    /* error details may quote imported text: never let control characters through */
    const char *msg = ctx->err.len ? sb_str(&ctx->err) : status_message(st);
    struct strbuf clean;
    sb_init(&clean);
    text_sanitize(&clean, msg, strlen(msg));
    fprintf(stderr, "%s: %s\n", ctx->prog, sb_str(&clean));
    sb_done(&clean);
    return status_exit_code(st);
}

int cli_store(struct cli_ctx *ctx, enum store_open_mode mode)
{
    if (ctx->store)
        return 0;
    char *path = ctx->db_path_opt ? xstrdup(ctx->db_path_opt) : store_default_path();
    enum status st = store_open(path, mode, &ctx->store, &ctx->err);
    free(path);
    return st == ST_OK ? 0 : cli_fail(ctx, st);
}

int cli_config(struct cli_ctx *ctx)
{
    if (ctx->config)
        return 0;
    char *path = ctx->config_opt ? xstrdup(ctx->config_opt) : config_default_path();
    enum status st = config_load(path, ctx->config_opt != NULL, &ctx->config, &ctx->err);
    free(path);
    return st == ST_OK ? 0 : cli_fail(ctx, st);
}

int cli_identity(struct cli_ctx *ctx, int perm)
{
    if (!ctx->have_who) {
        const char *login = identity_claimed_login(ctx->as_opt);
        enum status st = identity_load(ctx->store, login, &ctx->who, &ctx->err);
        if (st != ST_OK)
            return cli_fail(ctx, st);
        ctx->have_who = true;
    }
    if (perm >= 0) {
        enum status st = perm_check(&ctx->who, (enum perm)perm, &ctx->err);
        if (st != ST_OK)
            return cli_fail(ctx, st);
    }
    return 0;
}

void cli_ctx_done(struct cli_ctx *ctx)
{
    store_free(&ctx->store);
    config_free(&ctx->config);
    if (ctx->have_who)
        identity_done(&ctx->who);
    sb_done(&ctx->err);
}

void cli_print_json(json_t *doc)
{
    char *s = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(15) | JSON_ENSURE_ASCII);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
}

void cli_put_cell(FILE *f, const char *s, int width)
{
    struct strbuf sb;
    sb_init(&sb);
    text_fit(&sb, s, width, width >= 0);
    fputs(sb_str(&sb), f);
    sb_done(&sb);
}

void cli_ctx_init(struct cli_ctx *ctx, const char *prog)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->prog = prog;
    ctx->rep.warn = cli_warn;
    ctx->rep.info = cli_info;
    ctx->rep.progress = cli_progress;
    sb_init(&ctx->err);
}

void cli_put_lines(FILE *f, const char *text)
{
    struct strbuf sb;
    sb_init(&sb);
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        sb_reset(&sb);
        text_sanitize(&sb, text, n);
        fprintf(f, "%s\n", sb_str(&sb));
        text = nl ? nl + 1 : text + n;
    }
    sb_done(&sb);
}
