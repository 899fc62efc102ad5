/* credence import usage: provider exports into attributed daily rollups, one transaction per
 * file. */
#include "cli/cli.h"
#include "core/imports.h"
#include "importers/importers.h"

#include <stdlib.h>
#include <string.h>

static enum status reader_detect(const char *path, const char **format, const char **what,
                                 struct strbuf *err)
{
    enum imp_format f;
    enum status st = imp_detect(path, &f, what, err);
    if (st == ST_OK)
        *format = imp_format_name(f);
    return st;
}

static enum status reader_read(const char *format, const char *path, const struct usage_sink *sink,
                               const struct reporter *rep, struct strbuf *err)
{
    enum imp_format f;
    if (!imp_format_parse(format, &f)) {
        sb_setf(err, "unknown format '%s'; credence reads %s", format, imp_formats_known());
        return ST_USAGE;
    }
    return imp_read(f, path, sink, rep, err);
}

const struct imports_reader cli_usage_reader = {reader_detect, reader_read};

/* Imports one file; returns the exit code for it. */
static int import_one(struct cli_ctx *ctx, const char *path, const char *format_opt, bool skip_bad)
{
    sb_reset(&ctx->err);
    struct strbuf rejects;
    sb_init(&rejects);
    sb_addf(&rejects, "%s.rejects.csv", path);
    struct imports_request req = {.path = path,
                                  .format = format_opt,
                                  .actor = ctx->who.login,
                                  .skip_bad_rows = skip_bad,
                                  .rejects_path = sb_str(&rejects)};
    struct imports_result res;
    enum status st =
        imports_run_file(ctx->store, &cli_usage_reader, &req, &ctx->rep, &res, &ctx->err);
    int rc = 0;
    if (st != ST_OK) {
        rc = cli_fail(ctx, st);
        /* before the file was read nothing was attempted: hashing and detection say why */
        if (res.format[0])
            fprintf(stderr, "credence: %s was not imported; the database is unchanged%s\n", path,
                    st == ST_BAD_DATA && !skip_bad ? " (--skip-bad-rows imports the readable rows)"
                                                   : "");
    } else if (res.already) {
        printf("%s: already imported on %.10s (same SHA-256); nothing to do\n", path,
               res.already_when);
    } else {
        const struct usage_import_summary *sum = &res.sum;
        char cost[AMOUNT_BUF];
        printf("%s: %s, %lld rows: %lld imported, %lld rejected%s%s; %lld rollups, %lld rows "
               "matched no pool; cost column %s; replaced %lld rollups of earlier imports\n",
               path, res.format, (long long)sum->rows_read, (long long)sum->rows_imported,
               (long long)sum->rows_rejected, sum->rows_rejected ? " (see " : "",
               sum->rows_rejected ? sb_str(&rejects) : "", (long long)sum->rollups,
               (long long)sum->unattributed, amount_format(sum->cost_micros, 2, true, cost),
               (long long)sum->superseded);
        if (sum->rows_rejected)
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
