/* credence import people|register: read the CSV, validate all rows, write in one transaction. */
#include "cli/cli.h"
#include "importers/csv_reader.h"

/* The two tabular loaders behind one shape, so both commands share the flow below. */
struct tab_loader {
    const char *what; /* "people" or "register" */
    int perm;
    void *(*create)(const char *name);
    enum status (*row)(void *ctx, const struct src_row *row);
    int (*error_count)(const void *l);
    const char *(*errors)(const void *l);
    enum status (*commit)(void *l, struct cli_ctx *ctx, const char *sha, bool prune,
                          struct load_summary *sum);
    void (*destroy)(void *l);
};

static void *people_create(const char *name)
{
    return people_load_new(name);
}
static int people_errc(const void *l)
{
    return people_load_error_count(l);
}
static const char *people_errs(const void *l)
{
    return people_load_errors(l);
}
static enum status people_commit(void *l, struct cli_ctx *ctx, const char *sha, bool prune,
                                 struct load_summary *sum)
{
    (void)prune;
    return people_load_commit(l, ctx->store, ctx->who.login, sha, sum, &ctx->rep, &ctx->err);
}
static void people_destroy(void *l)
{
    struct people_load *pl = l;
    people_load_free(&pl);
}

static void *register_create(const char *name)
{
    return register_load_new(name);
}
static int register_errc(const void *l)
{
    return register_load_error_count(l);
}
static const char *register_errs(const void *l)
{
    return register_load_errors(l);
}
static enum status register_commit(void *l, struct cli_ctx *ctx, const char *sha, bool prune,
                                   struct load_summary *sum)
{
    return register_load_commit(l, ctx->store, ctx->who.login, sha, prune, sum, &ctx->rep,
                                &ctx->err);
}
static void register_destroy(void *l)
{
    struct register_load *rl = l;
    register_load_free(&rl);
}

static const struct tab_loader loaders[] = {
    {"people", PERM_IMPORT_PEOPLE, people_create, people_load_row, people_errc, people_errs,
     people_commit, people_destroy},
    {"register", PERM_IMPORT_REGISTER, register_create, register_load_row, register_errc,
     register_errs, register_commit, register_destroy},
};

static int import_tabular(struct cli_ctx *ctx, const struct tab_loader *ld, int argc, char **argv)
{
    bool prune = false;
    const struct cli_opt reg_opts[] = {{"prune", NULL, &prune}, {0}};
    const char *pos[1];
    int npos;
    int rc = cli_parse(ctx, ld->perm == PERM_IMPORT_REGISTER ? reg_opts : NULL, argc, argv, pos, 1,
                       &npos);
    if (rc)
        return rc;
    if (npos != 1)
        return cli_usage_error(ctx, "expected one FILE.csv");
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, ld->perm)))
        return rc;
    char sha[SHA256_HEX_BUF];
    enum status st = sha256_file(pos[0], sha, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    void *l = ld->create(pos[0]);
    st = csvr_read_file(pos[0], ld->row, l, &ctx->rep, &ctx->err);
    if (st == ST_OK && ld->error_count(l) > 0) {
        cli_put_lines(stderr, ld->errors(l));
        int n = ld->error_count(l);
        if (n > TAB_MAX_ERRORS)
            fprintf(stderr, "%s: ... and %d more\n", pos[0], n - TAB_MAX_ERRORS);
    }
    struct load_summary sum = {0};
    if (st == ST_OK)
        st = ld->commit(l, ctx, sha, prune, &sum);
    ld->destroy(l);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    printf("%s: %d %s: %d added, %d updated, %d unchanged", pos[0], sum.rows,
           ld->perm == PERM_IMPORT_PEOPLE ? (sum.rows == 1 ? "person" : "people")
                                          : (sum.rows == 1 ? "pool" : "pools"),
           sum.added, sum.updated, sum.unchanged);
    if (sum.absent)
        printf("; %d not in the file %s", sum.absent,
               sum.retired ? "retired" : (sum.absent == 1 ? "was kept" : "were kept"));
    if (sum.warnings)
        printf("; %d warning%s", sum.warnings, sum.warnings == 1 ? "" : "s");
    printf("\n");
    return 0;
}

int cmd_import_people(struct cli_ctx *ctx, int argc, char **argv)
{
    return import_tabular(ctx, &loaders[0], argc, argv);
}

int cmd_import_register(struct cli_ctx *ctx, int argc, char **argv)
{
    return import_tabular(ctx, &loaders[1], argc, argv);
}
