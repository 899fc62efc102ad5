/* credence push: send due outbox actions to the provider admin APIs. */
#include "cli/cli.h"
#include "core/push.h"

static void push_print(void *ctx, const char *text)
{
    (void)ctx;
    cli_put_lines(stdout, text);
}

int cmd_push(struct cli_ctx *ctx, int argc, char **argv)
{
    bool dry_run = false, once = false;
    const struct cli_opt opts[] = {{"dry-run", NULL, &dry_run}, {"once", NULL, &once}, {0}};
    const char *pos[1];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 0, &npos);
    if (rc || (rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_config(ctx)) ||
        (rc = cli_identity(ctx, PERM_PUSH)))
        return rc;
    struct push_opts po = {
        .dry_run = dry_run, .once = once, .actor = ctx->who.login, .print = push_print};
    struct push_summary sum;
    enum status st = push_run(ctx->store, ctx->config, &po, &ctx->rep, &sum, &ctx->err);
    if (!dry_run)
        printf("push: %d request%s; %d verified, %d sent without read-back, %d retrying, "
               "%d failed, %d dead, %d not configured\n",
               sum.attempted, sum.attempted == 1 ? "" : "s", sum.verified, sum.sent, sum.retrying,
               sum.failed, sum.dead, sum.skipped);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    return sum.dead > 0 ? 69 : 0;
}
