/* credence review (and no command): open the console as the resolved identity. */
#include "cli/cli.h"
#include "tui/tui.h"

#include <unistd.h>

int cmd_review(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *pos[1];
    int npos, rc = cli_parse(ctx, NULL, argc, argv, pos, 0, &npos);
    if (rc)
        return rc;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "credence: the console needs a terminal; for scripts use the commands "
                        "(credence --help)\n");
        return 64;
    }
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_config(ctx)) ||
        (rc = cli_identity(ctx, PERM_VIEW_REGISTER)))
        return rc;
    struct tui_opts opts = {.store = ctx->store,
                            .config = ctx->config,
                            .who = &ctx->who,
                            .theme = ctx->theme_opt,
                            .reader = &cli_usage_reader};
    return tui_run(&opts);
}
