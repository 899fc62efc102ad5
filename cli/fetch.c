/* credence fetch usage: pull usage and cost pages from a provider's admin API and import them. */
#include "cli/cli.h"
#include "core/fetch.h"
#include "importers/importers.h"

#include <stdlib.h>
#include <string.h>

int cmd_fetch_usage(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *provider = NULL, *since = NULL, *until = NULL;
    const struct cli_opt opts[] = {
        {"provider", &provider, NULL}, {"since", &since, NULL}, {"until", &until, NULL}, {0}};
    const char *pos[1];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 0, &npos);
    if (rc)
        return rc;
    int32_t from, to = clock_today() + 1;
    if (!provider || !since)
        return cli_usage_error(ctx, "--provider and --since are required");
    if (!date_parse(since, strlen(since), &from))
        return cli_usage_error(ctx, "--since '%s' is not an ISO date", since);
    if (until && !date_parse(until, strlen(until), &to))
        return cli_usage_error(ctx, "--until '%s' is not an ISO date", until);
    if (to <= from)
        return cli_usage_error(ctx, "--until must be after --since");
    enum imp_format f;
    if (!imp_format_parse(provider, &f) || f == IMP_FOCUS)
        return cli_usage_error(ctx, "--provider is openai, anthropic or litellm");
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_config(ctx)) ||
        (rc = cli_identity(ctx, PERM_IMPORT_USAGE)))
        return rc;
    /* raw pages are kept beside the database, for evidence */
    struct strbuf dir;
    sb_init(&dir);
    const char *db = ctx->store->path, *slash = strrchr(db, '/');
    sb_addf(&dir, "%.*s/fetched", slash ? (int)(slash - db) : 1, slash ? db : ".");
    struct fetch_saved *saved = NULL;
    size_t n = 0;
    enum status st = fetch_pages(ctx->config, provider, from, to, sb_str(&dir), &saved, &n,
                                 &ctx->rep, &ctx->err);
    for (size_t i = 0; st == ST_OK && i < n; i++) {
        char sha[SHA256_HEX_BUF];
        st = sha256_file(saved[i].path, sha, &ctx->err);
        struct usage_import_opts io = {
            .file_name = saved[i].path, .sha256 = sha, .format = provider, .actor = ctx->who.login};
        struct usage_import *ui = NULL;
        struct usage_import_summary sum = {0};
        if (st == ST_OK)
            st = usage_import_begin(ctx->store, &io, &ui, &ctx->err);
        if (st == ST_OK) {
            struct usage_sink sink = usage_import_sink(ui);
            st = imp_read(f, saved[i].path, &sink, &ctx->rep, &ctx->err);
        }
        if (st == ST_OK)
            st = usage_import_finish(ui, &sum, &ctx->err);
        usage_import_free(&ui);
        if (st == ST_OK)
            printf("%s: %d page%s, %lld rows imported, %lld matched no pool; replaced %lld "
                   "rollups of earlier imports\n",
                   saved[i].path, saved[i].pages, saved[i].pages == 1 ? "" : "s",
                   (long long)sum.rows_imported, (long long)sum.unattributed,
                   (long long)sum.superseded);
    }
    fetch_saved_free(saved, n);
    sb_done(&dir);
    return st == ST_OK ? 0 : cli_fail(ctx, st);
}
