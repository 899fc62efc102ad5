/* credence audit verify: recompute the audit hash chain and signatures. */
#include "cli/cli.h"

int cmd_audit_verify(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *pos[1];
    int npos, rc = cli_parse(ctx, NULL, argc, argv, pos, 0, &npos);
    if (rc || (rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, PERM_AUDIT_VERIFY)))
        return rc;
    struct audit_verify_result res;
    enum status st = audit_verify(ctx->store, &res, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    printf("%lld events, chain intact, %lld signatures valid, %lld unsigned\n",
           (long long)res.events, (long long)res.signed_ok, (long long)res.unsigned_n);
    printf("head %s\n", res.head_hash);
    return 0;
}
