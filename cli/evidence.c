/* credence evidence export|verify: evidence packs for auditors. */
#include "cli/cli.h"
#include "core/evidence.h"

int cmd_evidence_export(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *campaign = NULL, *out = NULL;
    const struct cli_opt opts[] = {{"campaign", &campaign, NULL}, {"out", &out, NULL}, {0}};
    const char *pos[1];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 0, &npos);
    if (rc)
        return rc;
    if (!campaign || !out)
        return cli_usage_error(ctx, "--campaign NAME and --out DIR are required");
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, PERM_EVIDENCE_EXPORT)))
        return rc;
    struct evidence_summary sum;
    enum status st = evidence_export(ctx->store, campaign, out, ctx->who.login, CREDENCE_VERSION,
                                     &sum, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    printf("evidence pack for %s in %s: %d files + manifest.json; %d items, %d decisions, "
           "%d findings, %d provider actions; audit events %lld..%lld (head %s)\n",
           campaign, out, sum.files, sum.items, sum.decisions, sum.findings, sum.actions,
           (long long)sum.first_seq, (long long)sum.head_seq, sum.head_hash);
    return 0;
}

int cmd_evidence_verify(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *pos[1];
    int npos, rc = cli_parse(ctx, NULL, argc, argv, pos, 1, &npos);
    if (rc)
        return rc;
    if (npos != 1)
        return cli_usage_error(ctx, "expected the pack's DIR");
    struct evidence_check res;
    enum status st = evidence_verify(pos[0], &res, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    printf("%s: %d files match the manifest; %lld audit events, chain intact, %lld signatures "
           "valid, %lld unsigned; head %s\n",
           pos[0], res.files, (long long)res.events, (long long)res.signed_ok,
           (long long)res.unsigned_n, res.head_hash);
    return 0;
}
