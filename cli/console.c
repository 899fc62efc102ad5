/* credence review (and no command): open the console as the resolved identity; --list-themes. */
#include "cli/cli.h"
#include "tui/tui.h"

#include <stdlib.h>
#include <unistd.h>

/* One line per theme in lookup order: name, where it comes from, the file, and whether an
 * earlier copy hides it or it does not parse. */
static int list_themes(void)
{
    struct theme_entry *list = NULL;
    size_t n = theme_list(&list);
    for (size_t i = 0; i < n; i++) {
        cli_put_cell(stdout, list[i].name, 16);
        fputc(' ', stdout);
        cli_put_cell(stdout, theme_source_name(list[i].source), 12);
        fputc(' ', stdout);
        cli_put_cell(stdout, list[i].path, -1);
        if (list[i].shadowed) {
            fputs("  (shadowed)", stdout);
        } else if (list[i].source != THEME_SRC_BUILTIN) {
            struct theme t;
            struct strbuf err;
            sb_init(&err);
            if (theme_parse_file(list[i].path, &t, &err) != ST_OK) {
                fputs("  invalid: ", stdout);
                cli_put_cell(stdout, sb_str(&err), -1);
            }
            sb_done(&err);
        }
        fputc('\n', stdout);
    }
    theme_list_free(&list, n);
    return 0;
}

int cmd_review(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *pos[1];
    bool list = false;
    const struct cli_opt copts[] = {{"list-themes", NULL, &list}, {0}};
    int npos, rc = cli_parse(ctx, copts, argc, argv, pos, 0, &npos);
    if (rc)
        return rc;
    if (list)
        return list_themes();
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
