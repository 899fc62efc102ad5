/* credence import usage: provider exports into attributed daily rollups, one transaction per
 * file. */
#include "cli/cli.h"
#include "core/usage_import.h"
#include "importers/importers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The file's SHA-256, computed by a thread while the import reads the file (on two cores the
 * hash then costs no time). Whether the file was imported before is known only when the hash
 * is, so nothing of the run shows until then: the import works inside its transaction, the
 * rejects file waits for the gate, the detection message is held, and a file seen before is
 * rolled back and reported as before. Precedence stays: hash error, then "already imported",
 * then the import's own result. */
struct hash_gate {
    struct cli_ctx *ctx;
    const char *path;
    char sha[SHA256_HEX_BUF];
    struct strbuf err; /* the hash's error */
    enum status hash_st;
    pthread_t thread;
    bool running;       /* thread started, not joined */
    atomic_bool hashed; /* the thread is done: joining will not wait */
    bool done;          /* gate evaluated: result in st and seen */
    enum status st;
    bool seen;
    char when[64];
    char detected[512]; /* message held until the gate passes ("" none) */
};

static void *hash_main(void *arg)
{
    struct hash_gate *g = arg;
    g->hash_st = sha256_file(g->path, g->sha, &g->err);
    atomic_store(&g->hashed, true);
    return NULL;
}

/* Joins the hash and checks it against earlier imports (once). ST_OK: go on; anything else
 * (a hash error, or ST_INTERNAL for "seen before") stops the import. */
static enum status gate_check(void *arg)
{
    struct hash_gate *g = arg;
    if (g->done)
        return g->st;
    g->done = true;
    if (g->running) {
        pthread_join(g->thread, NULL);
        g->running = false;
    }
    struct strbuf err;
    sb_init(&err);
    g->st = g->hash_st;
    if (g->st == ST_OK)
        g->st = usage_import_seen(g->ctx->store, g->sha, &g->seen, g->when, sizeof g->when, &err);
    if (g->st != ST_OK) {
        if (g->hash_st == ST_OK) /* the hash's own message is in g->err already */
            sb_setf(&g->err, "%s", sb_str(&err));
    } else if (g->seen) {
        g->st = ST_INTERNAL;
    } else if (*g->detected) {
        fputs(g->detected, stderr);
    }
    sb_done(&err);
    return g->st;
}

static bool gate_ready(void *arg)
{
    struct hash_gate *g = arg;
    return g->done || atomic_load(&g->hashed);
}

/* After the import stopped or ended: the gate's verdict decides first. Returns -1 to go on,
 * else the exit code for the file. */
static int gate_verdict(struct cli_ctx *ctx, struct hash_gate *g, struct usage_import **ui)
{
    gate_check(g);
    if (g->st == ST_OK)
        return -1;
    usage_import_free(ui); /* rolls back */
    if (g->seen) {
        printf("%s: already imported on %.10s (same SHA-256); nothing to do\n", g->path, g->when);
        return 0;
    }
    sb_setf(&ctx->err, "%s", sb_str(&g->err));
    return cli_fail(ctx, g->st);
}

/* Imports one file; returns the exit code for it. */
static int import_one(struct cli_ctx *ctx, const char *path, const char *format_opt, bool skip_bad)
{
    struct hash_gate g = {.ctx = ctx, .path = path};
    atomic_init(&g.hashed, false);
    sb_init(&g.err);
    sb_reset(&ctx->err);
    struct stat sst;
    int rc = 0;
    if (stat(path, &sst) == 0 && S_ISREG(sst.st_mode) &&
        pthread_create(&g.thread, NULL, hash_main, &g) == 0) {
        g.running = true;
    } else { /* not a plain file (or no thread): hash first, as the one-thread flow did */
        g.hash_st = sha256_file(path, g.sha, &g.err);
        enum status gst = gate_check(&g);
        if (gst != ST_OK) {
            rc = gate_verdict(ctx, &g, &(struct usage_import *){NULL});
            sb_done(&g.err);
            return rc;
        }
    }
    struct usage_import *ui = NULL;
    enum status st = ST_OK;
    enum imp_format f = IMP_FOCUS;
    if (strcmp(format_opt, "auto") == 0) {
        st = imp_detect(path, &f, &ctx->err);
        if (st != ST_OK) {
            if ((rc = gate_verdict(ctx, &g, &ui)) < 0)
                rc = cli_fail(ctx, st);
            sb_done(&g.err);
            return rc;
        }
        snprintf(g.detected, sizeof g.detected,
                 "credence: %s: format %s (detected from its content)\n", path, imp_format_name(f));
    } else if (!imp_format_parse(format_opt, &f)) {
        if ((rc = gate_verdict(ctx, &g, &ui)) < 0)
            rc = cli_usage_error(ctx, "--format is auto or one of: %s", imp_formats_known());
        sb_done(&g.err);
        return rc;
    }
    if (g.done && *g.detected) /* the gate passed before the message was made */
        fputs(g.detected, stderr);
    struct strbuf rejects;
    sb_init(&rejects);
    sb_addf(&rejects, "%s.rejects.csv", path);
    struct usage_import_opts opts = {.file_name = path,
                                     .sha256 = g.sha,
                                     .format = imp_format_name(f),
                                     .actor = ctx->who.login,
                                     .skip_bad_rows = skip_bad,
                                     .rejects_path = sb_str(&rejects),
                                     .gate = gate_check,
                                     .gate_ready = gate_ready,
                                     .gate_arg = &g};
    st = usage_import_begin(ctx->store, &opts, &ui, &ctx->err);
    struct usage_import_summary sum = {0};
    if (st == ST_OK) {
        struct usage_sink sink = usage_import_sink(ui);
        st = imp_read(f, path, &sink, &ctx->rep, &ctx->err);
    }
    if ((rc = gate_verdict(ctx, &g, &ui)) >= 0) {
        sb_done(&rejects);
        sb_done(&g.err);
        return rc;
    }
    rc = 0;
    if (st == ST_OK)
        st = usage_import_finish(ui, &sum, &ctx->err);
    usage_import_free(&ui);
    if (st != ST_OK) {
        rc = cli_fail(ctx, st);
        fprintf(stderr, "credence: %s was not imported; the database is unchanged%s\n", path,
                st == ST_BAD_DATA && !skip_bad ? " (--skip-bad-rows imports the readable rows)"
                                               : "");
    } else {
        char cost[AMOUNT_BUF];
        printf("%s: %s, %lld rows: %lld imported, %lld rejected%s%s; %lld rollups, %lld rows "
               "matched no pool; cost column %s; replaced %lld rollups of earlier imports\n",
               path, opts.format, (long long)sum.rows_read, (long long)sum.rows_imported,
               (long long)sum.rows_rejected, sum.rows_rejected ? " (see " : "",
               sum.rows_rejected ? sb_str(&rejects) : "", (long long)sum.rollups,
               (long long)sum.unattributed, amount_format(sum.cost_micros, 2, true, cost),
               (long long)sum.superseded);
        if (sum.rows_rejected)
            printf("  rejected rows with their reasons are in %s\n", sb_str(&rejects));
    }
    sb_done(&rejects);
    sb_done(&g.err);
    return rc;
}

int cmd_import_usage(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *format = "auto";
    bool skip_bad = false;
    const struct cli_opt opts[] = {
        {"format", &format, NULL}, {"skip-bad-rows", NULL, &skip_bad}, {0}};
    const char *pos[256];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 256, &npos);
    if (rc)
        return rc;
    if (npos == 0)
        return cli_usage_error(ctx, "expected one or more FILEs");
    enum imp_format f;
    if (strcmp(format, "auto") != 0 && !imp_format_parse(format, &f))
        return cli_usage_error(ctx, "--format is auto or one of: %s", imp_formats_known());
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, PERM_IMPORT_USAGE)))
        return rc;
    int worst = 0;
    for (int i = 0; i < npos; i++) {
        int one = import_one(ctx, pos[i], format, skip_bad);
        if (one && !worst)
            worst = one;
    }
    return worst;
}
