/* credence demo: build the demo database from the organisation bundled in the binary. */
#include "cli/cli.h"
#include "cli/demo_usage.h"
#include "core/findings.h"
#include "core/review.h"
#include "importers/csv_reader.h"
#include "importers/importers.h"
#include "tui/tui.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const char demo_people_csv[];   /* tests/fixtures/people.csv, embedded at build time */
extern const char demo_register_csv[]; /* tests/fixtures/register.csv */

#define DEMO_ADMIN    "avery"      /* the demo's administrator */
#define DEMO_PERSON   "dana"       /* owner, custodian and auditor: every screen is reachable */
#define DEMO_DATE     "2026-11-24" /* the story (findings, campaign) is told as of this day */
#define DEMO_CAMPAIGN "2026-Q4"

/* Reviewers who have already worked through their items: the campaign is half-way done. */
static const char *const demo_reviewers_done[] = {"priya", "marcus", "mei", "tomas"};

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

struct demo_story {
    int64_t usage_rows;
    size_t exports;
    int findings, items, decided;
};

/* Writes the providers' exports beside the database and imports each through the pipeline the
 * CLI and the console use, format detected from the content as a user's file would be. */
static enum status demo_import_usage(struct cli_ctx *ctx, const char *db_path, int32_t today,
                                     struct demo_story *out)
{
    struct strbuf dir;
    sb_init(&dir);
    const char *slash = strrchr(db_path, '/');
    sb_addf(&dir, "%.*s/demo-exports", slash ? (int)(slash - db_path) : 1, slash ? db_path : ".");
    struct demo_export *files = NULL;
    size_t n = 0;
    enum status st = demo_usage_write(ctx->store, today, sb_str(&dir), &files, &n, &ctx->err);
    for (size_t i = 0; st == ST_OK && i < n; i++) {
        struct imports_request req = {.path = files[i].path, .actor = DEMO_ADMIN};
        struct imports_result res;
        st = imports_run_file(ctx->store, &cli_usage_reader, &req, NULL, &res, &ctx->err);
        if (st == ST_OK && strcmp(res.format, files[i].format) != 0) {
            sb_setf(&ctx->err, "%s: read as %s, written as %s (%s)", files[i].path, res.format,
                    files[i].format, files[i].what);
            st = ST_INTERNAL;
        }
        if (st == ST_OK)
            out->usage_rows += res.sum.rows_imported;
    }
    out->exports = n;
    demo_exports_free(files, n);
    sb_done(&dir);
    return st;
}

/* Usage (through the importers), findings, and a campaign half-way done. */
static enum status demo_story(struct cli_ctx *ctx, const char *db_path, struct demo_story *out)
{
    int32_t today = clock_today();
    enum status st = demo_import_usage(ctx, db_path, today, out);
    struct findings_summary fs;
    if (st == ST_OK)
        st = findings_refresh(ctx->store, NULL, today, DEMO_PERSON, &fs, &ctx->err);
    out->findings = fs.active;
    struct identity admin;
    if (st == ST_OK)
        st = identity_load(ctx->store, DEMO_ADMIN, &admin, &ctx->err);
    if (st == ST_OK) {
        st = review_campaign_start(ctx->store, &admin, DEMO_CAMPAIGN, "2026-12-15", "production",
                                   &out->items, NULL, &ctx->err);
        identity_done(&admin);
    }
    /* The reviewers who are done followed the recommendation on each of their items. */
    for (size_t r = 0;
         st == ST_OK && r < sizeof demo_reviewers_done / sizeof demo_reviewers_done[0]; r++) {
        struct identity who;
        st = identity_load(ctx->store, demo_reviewers_done[r], &who, &ctx->err);
        if (st != ST_OK)
            break;
        sqlite3_stmt *q = NULL;
        st = store_prepare(ctx->store,
                           "SELECT pool_id FROM review_item WHERE reviewer = ? AND state = 'open' "
                           "AND kind = 'review' ORDER BY pool_id",
                           &q, &ctx->err);
        char pools_buf[32][80];
        int n = 0;
        if (st == ST_OK) {
            store_bind_text(q, 1, who.login);
            while (sqlite3_step(q) == SQLITE_ROW && n < 32)
                snprintf(pools_buf[n++], sizeof pools_buf[0], "%s", store_col_text(q, 0));
            sqlite3_finalize(q);
        }
        for (int i = 0; st == ST_OK && i < n; i++) {
            struct pool p;
            pool_init(&p);
            struct recommendation rec;
            st = pool_get(ctx->store, pools_buf[i], &p, &ctx->err);
            if (st == ST_OK)
                st = review_recommend(ctx->store, NULL, &p, today, &rec, &ctx->err);
            struct decide_request req = {.pool_id = p.id, .grant = -1, .reason = rec.reason};
            decide_action_parse(rec.action, &req.action);
            if (req.action == DA_REDUCE)
                req.grant = rec.grant;
            struct decide_result res;
            if (st == ST_OK)
                st = review_decide(ctx->store, NULL, &who, &req, NULL, &res, &ctx->err);
            if (st == ST_OK)
                out->decided++;
            json_decref(res.plan);
            pool_done(&p);
        }
        identity_done(&who);
    }
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
    int64_t demo_now;
    date_parse_timestamp(DEMO_DATE, strlen(DEMO_DATE), &demo_now);
    clock_fix(demo_now); /* the designed story holds on its own date */
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
    struct demo_story story = {0};
    if (!rc && st == ST_OK)
        st = demo_load(ctx, &people, &pools);
    if (!rc && st == ST_OK)
        st = demo_story(ctx, path, &story);
    if (!rc && st != ST_OK)
        rc = cli_fail(ctx, st);
    if (!rc) {
        printf("demo database: %s\n", path);
        printf("  %d people and %d credit pools of the Acme organisation\n", people.rows,
               pools.rows);
        printf("  demo person: %s (owner, custodian and auditor; --as picks another); admin: %s\n",
               DEMO_PERSON, DEMO_ADMIN);
        printf("  %lld usage rows imported from %zu provider exports in every supported format "
               "(FOCUS, OpenAI, Anthropic, LiteLLM; JSON pages and CSV); %d open findings\n",
               (long long)story.usage_rows, story.exports, story.findings);
        printf("  campaign %s: %d of %d items decided by %zu reviewers\n", DEMO_CAMPAIGN,
               story.decided, story.items,
               sizeof demo_reviewers_done / sizeof demo_reviewers_done[0]);
        printf("the demo is dated %s; try:\n  export CREDENCE_DB=%s CREDENCE_USER=%s "
               "CREDENCE_NOW=%s\n  credence queue\n  credence findings\n  credence pools\n"
               "  credence pool show sales-copilot-prod\n  credence campaign status\n"
               "  credence decide support-bot-prod approve --reason \"reviewed: usage fits\"\n"
               "  credence audit verify\n",
               DEMO_DATE, path, DEMO_PERSON, DEMO_DATE);
        if (!no_ui && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
            /* the console, on the demo's date, as the demo person or the one --as names */
            struct identity who;
            enum status st2 =
                identity_load(ctx->store, ctx->as_opt ? ctx->as_opt : DEMO_PERSON, &who, &ctx->err);
            if (st2 != ST_OK) {
                rc = cli_fail(ctx, st2);
            } else {
                struct tui_opts topts = {.store = ctx->store,
                                         .who = &who,
                                         .theme = ctx->theme_opt,
                                         .reader = &cli_usage_reader};
                rc = tui_run(&topts);
                identity_done(&who);
            }
        }
    }
    ctx->db_path_opt = NULL;
    free(path);
    return rc;
}
