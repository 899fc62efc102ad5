/* credence demo: build the demo database from the organisation bundled in the binary. */
#include "cli/cli.h"
#include "importers/csv_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const char demo_people_csv[];   /* tests/fixtures/people.csv, embedded at build time */
extern const char demo_register_csv[]; /* tests/fixtures/register.csv */

#define DEMO_ADMIN  "avery" /* the demo's administrator */
#define DEMO_PERSON "dana"  /* owner, custodian and auditor: every screen is reachable */

/* Feeds an embedded CSV text to a row callback. */
static enum status demo_feed(const char *name, const char *text, csvr_row_fn fn, void *ctx,
                             struct strbuf *err)
{
    struct csvr *r = csvr_new(name);
    enum status st = csvr_feed(r, text, strlen(text), fn, ctx, err);
    if (st == ST_OK)
        st = csvr_finish(r, fn, ctx, err);
    csvr_free(&r);
    return st;
}

static enum status demo_load(struct cli_ctx *ctx, struct load_summary *people,
                             struct load_summary *pools)
{
    char sha[SHA256_HEX_BUF];
    struct people_load *pl = people_load_new("demo/people.csv");
    enum status st = demo_feed("demo/people.csv", demo_people_csv, people_load_row, pl, &ctx->err);
    sha256_hex(demo_people_csv, strlen(demo_people_csv), sha);
    if (st == ST_OK)
        st = people_load_commit(pl, ctx->store, DEMO_ADMIN, sha, people, &ctx->rep, &ctx->err);
    people_load_free(&pl);
    if (st != ST_OK)
        return st;
    struct register_load *rl = register_load_new("demo/register.csv");
    st = demo_feed("demo/register.csv", demo_register_csv, register_load_row, rl, &ctx->err);
    sha256_hex(demo_register_csv, strlen(demo_register_csv), sha);
    if (st == ST_OK)
        st = register_load_commit(rl, ctx->store, DEMO_ADMIN, sha, false, pools, NULL, &ctx->err);
    register_load_free(&rl);
    return st;
}

/* The demo database path: --db, else demo.db beside the default database. Caller frees. */
static char *demo_path(struct cli_ctx *ctx)
{
    if (ctx->db_path_opt)
        return xstrdup(ctx->db_path_opt);
    char *def = store_default_path();
    const char *env = getenv("CREDENCE_DB");
    char *slash = strrchr(def, '/');
    struct strbuf sb;
    sb_init(&sb);
    if (env && *env) /* $CREDENCE_DB names the user's own database: put the demo beside it */
        sb_addf(&sb, "%.*s/demo.db", slash ? (int)(slash - def) : 1, slash ? def : ".");
    else
        sb_addf(&sb, "%.*s/demo.db", (int)(slash - def), def);
    free(def);
    return sb_steal(&sb);
}

int cmd_demo(struct cli_ctx *ctx, int argc, char **argv)
{
    bool no_ui = false;
    const struct cli_opt opts[] = {{"no-ui", NULL, &no_ui}, {0}};
    const char *pos[1];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 0, &npos);
    if (rc)
        return rc;
    char *path = demo_path(ctx);
    /* A fresh demo every time; never delete a database the user named unless it is a demo. */
    if (ctx->db_path_opt && access(path, F_OK) == 0 &&
        (!strstr(path, "demo") || strstr(path, "demo") < strrchr(path, '/'))) {
        sb_setf(&ctx->err, "%s exists; the demo builds a fresh database (name it *demo*.db)", path);
        free(path);
        return cli_fail(ctx, ST_USAGE);
    }
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char buf[4096];
        snprintf(buf, sizeof buf, "%s%s", path, suffixes[i]);
        if (unlink(buf) != 0 && errno != ENOENT) {
            sb_setf(&ctx->err, "cannot replace %s: %s", buf, strerror(errno));
            free(path);
            return cli_fail(ctx, ST_IO);
        }
    }
    ctx->db_path_opt = path; /* borrowed by cli_store for the rest of the command */
    rc = cli_store(ctx, STORE_CREATE);
    int created = 0;
    enum status st = ST_OK;
    if (!rc)
        st = people_bootstrap_admin(ctx->store, DEMO_ADMIN, &created, &ctx->err);
    struct load_summary people = {0}, pools = {0};
    if (!rc && st == ST_OK)
        st = demo_load(ctx, &people, &pools);
    if (!rc && st != ST_OK)
        rc = cli_fail(ctx, st);
    if (!rc) {
        printf("demo database: %s\n", path);
        printf("  %d people and %d credit pools of the Acme organisation\n", people.rows,
               pools.rows);
        printf("  demo person: %s (owner, custodian and auditor); admin: %s\n", DEMO_PERSON,
               DEMO_ADMIN);
        printf("try:\n  export CREDENCE_DB=%s CREDENCE_USER=%s\n  credence pools\n"
               "  credence pool show support-bot-prod\n  credence audit verify\n",
               path, DEMO_PERSON);
        (void)no_ui; /* the console is not part of this build yet; --no-ui is the only mode */
    }
    ctx->db_path_opt = NULL;
    free(path);
    return rc;
}
