/* credence init: create or migrate the database, registering the first admin. */
#include "cli/cli.h"

int cmd_init(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *pos[1];
    int npos, rc = cli_parse(ctx, NULL, argc, argv, pos, 0, &npos);
    if (rc)
        return rc;
    if ((rc = cli_store(ctx, STORE_CREATE)))
        return rc;
    const char *login = identity_claimed_login(ctx->as_opt);
    int created = 0;
    enum status st = people_bootstrap_admin(ctx->store, login, &created, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    if (ctx->store->migrated_from == 0)
        printf("created %s (schema version %d)\n", ctx->store->path, STORE_SCHEMA_VERSION);
    else if (ctx->store->migrated_from < STORE_SCHEMA_VERSION)
        printf("migrated %s from schema version %d to %d\n", ctx->store->path,
               ctx->store->migrated_from, STORE_SCHEMA_VERSION);
    else
        printf("%s is up to date (schema version %d)\n", ctx->store->path, STORE_SCHEMA_VERSION);
    if (created)
        printf("registered '%s' as the first admin; import people next\n", login);
    return 0;
}
