/* credence import usage: provider exports into attributed daily rollups, one transaction per
 * file. */
#include "cli/cli.h"
#include "core/usage_import.h"
#include "importers/importers.h"

#include <stdlib.h>
#include <string.h>

/* Imports one file; returns the exit code for it. */
static int import_one(struct cli_ctx *ctx, const char *path, const char *format_opt, bool skip_bad)
{
    char sha[SHA256_HEX_BUF];
    sb_reset(&ctx->err);
    enum status st = sha256_file(path, sha, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    bool seen = false;
    char when[64];
    st = usage_import_seen(ctx->store, sha, &seen, when, sizeof when, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    if (seen) {
        printf("%s: already imported on %.10s (same SHA-256); nothing to do\n", path, when);
        return 0;
    }
    enum imp_format f;
    if (strcmp(format_opt, "auto") == 0) {
        const char *what = NULL;
        st = imp_detect(path, &f, &what, &ctx->err);
        if (st != ST_OK)
            return cli_fail(ctx, st);
        fprintf(stderr, "credence: %s: format %s (detected from its content): %s\n", path,
                imp_format_name(f), what ? what : imp_format_name(f));
    } else if (!imp_format_parse(format_opt, &f)) {
        return cli_usage_error(ctx, "--format is auto or one of: %s", imp_formats_known());
    }
    struct strbuf rejects;
    sb_init(&rejects);
    sb_addf(&rejects, "%s.rejects.csv", path);
    struct usage_import_opts opts = {.file_name = path,
                                     .sha256 = sha,
                                     .format = imp_format_name(f),
                                     .actor = ctx->who.login,
                                     .skip_bad_rows = skip_bad,
                                     .rejects_path = sb_str(&rejects)};
    struct usage_import *ui = NULL;
    st = usage_import_begin(ctx->store, &opts, &ui, &ctx->err);
    struct usage_import_summary sum = {0};
    if (st == ST_OK) {
        struct usage_sink sink = usage_import_sink(ui);
        st = imp_read(f, path, &sink, &ctx->rep, &ctx->err);
    }
    if (st == ST_OK)
        st = usage_import_finish(ui, &sum, &ctx->err);
    usage_import_free(&ui);
    int rc = 0;
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
