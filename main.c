/* credence: argument parsing into the command table, and nothing else. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* TO ADD A COMMAND: one row here (words, handler, synopsis, summary, help), the handler in
 * cli/, and the README and credence.1 sections. Commands whose work has not landed are absent. */
struct command {
    const char *words; /* "import people" */
    int (*run)(struct cli_ctx *ctx, int argc, char **argv);
    const char *synopsis; /* arguments after the words */
    const char *summary;  /* one line for the overview */
    const char *help;     /* the rest of `--help` */
};

static const struct command commands[] = {
    {"review", cmd_review, "[--list-themes]", "open the console (also: credence with no command)",
     "Opens the terminal console as the resolved identity: dashboard (1), your queue (2),\n"
     "pools (3), findings (4), outbox (5), evidence (6); j/k or arrows move, Enter opens a\n"
     "pool, / searches, R switches role, ? shows every key, q goes back, Q quits; on a pool\n"
     "a/r/x/e/z/c open the decide form (reason, preview of the provider actions, y to confirm).\n"
     "Evidence is read-only: campaigns, their items (f cycles the filters overdue, emergency,\n"
     "contrary, unsigned) and a decision's evidence, under the audit chain status. Works at\n"
     "80x24 and larger; honours NO_COLOR (attributes only, the mono theme).\n"
     "Colours come from --theme NAME, else [ui] theme in the config, else default: NAME.theme\n"
     "in $XDG_CONFIG_HOME/credence/themes, then the installed themes, then themes/ beside the\n"
     "binary, then the built-in default and mono (NAME with a '/' is a file). Shipped: default,\n"
     "high-contrast, mono, solarized-dark, colorblind. An unknown or invalid theme shows its\n"
     "FILE:LINE error in the message line and the console uses the default.\n"
     "  --list-themes   list the themes found, with their source, and exit\n"},

    {"demo", cmd_demo, "[--no-ui]", "build the bundled demo database",
     "Builds a fresh demo database (demo.db in the data directory, or --db PATH when its name\n"
     "contains 'demo') from the Acme organisation bundled in the binary: 15 people, 32 credit\n"
     "pools across OpenAI, Anthropic, LiteLLM and FOCUS accounts, their usage since each pool\n"
     "started (written as a FOCUS export and imported through the importer), findings designed\n"
     "so that every rule fires on one pool, and the campaign 2026-Q4 half-way done by four\n"
     "reviewers. The story is dated 2026-11-24 (use CREDENCE_NOW=2026-11-24 with it).\n"
     "Then, on a terminal, it opens the console as dana (owner, custodian and auditor).\n"
     "  --no-ui   build the database and print what to try, without the console\n"},
    {"init", cmd_init, "", "create or migrate the database",
     "Creates the database (and its directory, mode 0700) at --db or the default path, or\n"
     "migrates an older one in place. On a new database the caller (--as, CREDENCE_USER or the\n"
     "OS login) is registered as the first admin so that people can be imported.\n"},
    {"import people", cmd_import_people, "FILE.csv", "load or update people and roles",
     "Columns (by header name, any order): login, name, email, roles, active.\n"
     "roles is a ';'-separated list of owner, custodian, auditor, admin; active is\n"
     "true/false, yes/no or 1/0 (default true). Every row is validated first; a file with any\n"
     "error is rejected whole (exit 65) and nothing is written. People absent from the file are\n"
     "kept. Needs the admin role.\n"},
    {"import register", cmd_import_register, "FILE.csv [--prune]",
     "load or update the entitlement register",
     "One credit pool per row; see README.md for the columns. Every row is validated first; a\n"
     "file with any error is rejected whole (exit 65), the database untouched. Pools absent\n"
     "from the file are kept and reported.\n"
     "  --prune   retire pools that are absent from the file\n"
     "Needs the admin role.\n"},
    {"import usage", cmd_import_usage,
     "[--format auto|focus|openai|anthropic|litellm] [--skip-bad-rows] FILE...",
     "import provider usage exports",
     "Reads FOCUS 1.0-1.2 CSV exports (plain or .csv.gz), Admin API pages saved as JSON (OpenAI\n"
     "usage and costs, Anthropic usage and cost reports, LiteLLM /spend/logs) and the\n"
     "dashboards' CSV exports (OpenAI cost, usage and legacy activity; Anthropic Console usage\n"
     "and cost; LiteLLM spend logs), detecting the format and the export unless --format says it\n"
     "(openai, anthropic and litellm read JSON pages or that provider's CSV exports, by\n"
     "content). It attributes every row to a pool by the register's bindings (api_key > workload\n"
     "> tag > project/workspace/subaccount) and stores daily rollups; rows that match no pool\n"
     "are kept as unregistered usage. One transaction per file: a bad row rejects the file whole\n"
     "(exit 65, database unchanged) with FILE:LINE:COLUMN, unless --skip-bad-rows, which imports\n"
     "the rest and writes each rejected row with its reason to FILE.rejects.csv. A file already\n"
     "imported (same SHA-256) is skipped. A later export of the same scope (FOCUS: provider +\n"
     "billing account + billing period; API pages and dashboard CSVs: provider + report kind +\n"
     "day) replaces the earlier one instead of adding to it. Needs the admin role.\n"},
    {"fetch usage", cmd_fetch_usage,
     "--provider openai|anthropic|litellm --since DATE [--until DATE]",
     "pull usage and cost pages from a provider's admin API and import them",
     "Calls the usage and cost endpoints of the provider configured in [provider NAME]\n"
     "(OpenAI usage/completions, usage/embeddings and costs; Anthropic usage_report/messages\n"
     "and cost_report; LiteLLM /spend/logs) for days [--since, --until) (default: through\n"
     "today), following pagination, saves the raw pages under fetched/ beside the database\n"
     "(mode 0600, for evidence) and imports them like import usage. Needs the admin role.\n"},
    {"pools", cmd_pools, "[--json]", "list credit pools with this period's consumption",
     "  --json    one JSON document: {\"pools\":[...]} (fields in README.md)\n"},
    {"pool show", cmd_pool_show, "ID [--json]", "show one pool: register fields, ledger, burn",
     "Prints the register fields, bindings and scope, the ledger of the last four periods and\n"
     "the current one, the burn rate over 7 and 28 days, the forecast exhaustion date and\n"
     "utilisation.\n"
     "  --json    one JSON document (fields in README.md)\n"},
    {"findings", cmd_findings, "[--json] [--rule ID] [--severity LEVEL] [--all]",
     "re-evaluate the rules and list findings",
     "Evaluates every rule (threshold, exhaustion, burn-spike, dormant, scope-drift,\n"
     "pooled-identities, unbound-identity, review-overdue, carry-over, pilot-expired,\n"
     "pilot-production-like, orphaned, unregistered-usage, renewal-due) as of today (--now),\n"
     "stores the result (new findings open, cleared ones resolve) and lists the open,\n"
     "acknowledged and snoozed ones, most severe first.\n"
     "  --rule ID         only this rule\n"
     "  --severity LEVEL  only critical, high, medium or low\n"
     "  --all             include resolved findings\n"
     "  --json            {\"findings\":[{\"id\",\"pool_id\",\"rule\",\"severity\",\"state\",\n"
     "                    \"explanation\",\"refs\",\"subject\",...}]}\n"},
    {"queue", cmd_queue, "[--role owner|custodian|auditor] [--json]", "the caller's review queue",
     "owner: open campaign items assigned to you and your pools with high or critical findings;\n"
     "custodian: open findings on pools in your custody; auditor: decisions, newest first.\n"
     "Ordered by risk (severity, then utilisation), each with a recommendation and its reason.\n"
     "Overdue campaign items are escalated (flagged and audited) on the way.\n"},
    {"campaign start", cmd_campaign_start, "NAME --due DATE [--scope production|all]",
     "start a review campaign",
     "Creates one review item per active pool in scope, assigned to its business owner; an\n"
     "inactive or missing owner falls back to the custodian, then to an admin. Needs the admin\n"
     "role.\n"},
    {"campaign status", cmd_campaign_status, "[NAME] [--json]", "progress of a campaign",
     "Totals, decisions by action, overdue items and progress per reviewer, for NAME or the\n"
     "newest campaign.\n"
     "  --json  "
     "{\"name\",\"due\",\"total\",\"decided\",\"overdue\",\"by_action\",\"by_reviewer\"}\n"},
    {"decide", cmd_decide,
     "POOL approve|reduce|revoke|acknowledge|escalate|snooze --reason TEXT [...]",
     "record a decision on a pool",
     "  --reason TEXT          why (at least 10 characters; required)\n"
     "  --grant AMOUNT         reduce: the new, lower grant\n"
     "  --remove-scope E,...   reduce: scope entries to remove (kind:value)\n"
     "  --effective now|next-period   reduce: when the new grant applies (default next-period)\n"
     "  --until DATE           snooze: until when\n"
     "  --finding ID           triage one finding (default: the pool's active findings)\n"
     "  --preview              show the provider actions it would queue; change nothing\n"
     "  --json                 print the result as JSON\n"
     "Owners approve, reduce and revoke their pools; custodians acknowledge, escalate and snooze\n"
     "findings on pools in their custody, and may reduce or revoke while a critical finding is\n"
     "open (an emergency action the owner is asked to confirm); auditors decide nothing. An owner\n"
     "who is also the custodian cannot approve alone ([sod] owner_not_custodian, default true).\n"
     "The decision, its provider actions and its audit event are written together; a person\n"
     "with a registered signing key signs the event. Refusals exit 77.\n"},
    {"outbox", cmd_outbox, "[--json] | retry ID [--reason TEXT] | cancel ID --reason TEXT",
     "provider actions and their state; retry or cancel one",
     "Lists every outbox action: pending, in_flight, sent, verified, failed, dead, manual or\n"
     "cancelled, with attempts, the last HTTP status and error.\n"
     "  retry ID   a failed or dead action is pending again, due now, attempts from 0\n"
     "  cancel ID  a pending, failed, dead or manual action is never sent (reason required;\n"
     "             an action in flight cannot be cancelled: its request may be on the wire)\n"
     "Retry and cancel: admins, and custodians on the pools in their custody; an audit event\n"
     "each. Refusals exit 77, an action in a state the verb does not apply to exits 65.\n"
     "  --json  {\"actions\":[{\"id\",\"decision_id\",\"pool_id\",\"provider\",\"op\",\"state\",\n"
     "          \"attempts\",\"last_status\",\"last_error\",...}]}\n"},
    {"keygen", cmd_keygen, "", "create the caller's signing key",
     "Writes an Ed25519 private key to $XDG_CONFIG_HOME/credence/signing.key (mode 0600; a key\n"
     "file readable by others is refused when used) and registers its public key on the\n"
     "caller, with an audit event. Later decisions by the caller are signed.\n"},
    {"push", cmd_push, "[--dry-run] [--once]", "send due outbox actions to provider admin APIs",
     "Claims due outbox actions and sends them to the OpenAI, Anthropic and LiteLLM admin APIs\n"
     "or the signed webhook configured in [provider NAME], then reads the provider state back.\n"
     "Retries (408, 429, 5xx, timeouts, connection errors) back off exponentially with full\n"
     "jitter, honouring Retry-After, up to [push] max_attempts (dead); other 4xx end failed.\n"
     "  --dry-run  print each due request as it would be sent (secrets redacted); change nothing\n"
     "  --once     one pass over the due actions (default: also wait for retries due within\n"
     "             [push] wait_seconds)\n"
     "Exit 69 when an action went dead, 78 when a due action's provider is not configured.\n"
     "Needs the custodian or admin role.\n"},
    {"evidence export", cmd_evidence_export, "--campaign NAME --out DIR",
     "write a verifiable evidence pack for a campaign",
     "Writes a self-contained folder: manifest.json (campaign, export time, exporter, version,\n"
     "audit chain head, SHA-256 of every other file), items.csv, decisions.csv, findings.csv,\n"
     "outbox.csv, register.csv, usage-by-pool.csv, audit-events.jsonl (the contiguous chain\n"
     "from the campaign's start to the head), frameworks.csv and report.html (one page, no\n"
     "external assets). CSV follows RFC 4180; text starting with = + - @ is neutralised.\n"
     "DIR must be new or empty. Needs the auditor or admin role.\n"},
    {"evidence verify", cmd_evidence_verify, "DIR", "re-check an evidence pack offline",
     "Re-computes the SHA-256 of every file against manifest.json and re-verifies the audit\n"
     "chain segment and its signatures, without a database. Exit 65 naming what differs.\n"},
    {"audit verify", cmd_audit_verify, "", "verify the tamper-evident audit chain",
     "Recomputes every event's SHA-256 link and signature. Exit 0 with a summary when intact;\n"
     "exit 65 naming the first broken seq when an event was edited, deleted or reordered.\n"
     "Needs the auditor or admin role.\n"},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const char global_help[] =
    "Global options (before or after the command):\n"
    "  --db PATH         database (default $CREDENCE_DB, else "
    "$XDG_DATA_HOME/credence/credence.db)\n"
    "  --config PATH     config file (default $CREDENCE_CONFIG, else\n"
    "                    $XDG_CONFIG_HOME/credence/config.ini)\n"
    "  --as LOGIN        act as this person (default $CREDENCE_USER, else the OS login)\n"
    "  --now ISO-DATE    fix today's date for every computation (or $CREDENCE_NOW)\n"
    "  --theme NAME      console colour theme (credence review --list-themes)\n"
    "  --help, --version\n"
    "Exit codes: 0 ok, 64 usage, 65 bad input data, 66 missing input, 69 provider unavailable,\n"
    "70 internal error, 75 try again (database busy), 77 permission denied, 78 bad config.\n";

static void print_overview(FILE *f)
{
    fprintf(f, "usage: credence [GLOBAL OPTIONS] COMMAND [ARGS]\n\n"
               "credence governs AI workload credits as access entitlements.\n\nCommands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s %s", commands[i].words, commands[i].synopsis);
        fprintf(f, "  %-36s %s\n", left, commands[i].summary);
    }
    fprintf(f, "\n%s\nRun 'credence COMMAND --help' for a command's details.\n", global_help);
}

static void print_command_help(const struct command *c)
{
    printf("usage: credence %s %s\n\n%s.\n\n%s\n%s", c->words, c->synopsis, c->summary, c->help,
           global_help);
}

/* Number of leading argv words that spell c->words, or 0. */
static int command_match(const struct command *c, int argc, char **argv)
{
    const char *w = c->words;
    int used = 0;
    while (*w) {
        size_t len = strcspn(w, " ");
        if (used >= argc || strlen(argv[used]) != len || strncmp(argv[used], w, len) != 0)
            return 0;
        used++;
        w += len;
        while (*w == ' ')
            w++;
    }
    return used;
}

static int is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* Global options may precede the command; they take a value each. */
static int take_leading_globals(struct cli_ctx *ctx, int *argc, char ***argv)
{
    static const char *const names[] = {"--db", "--config", "--as", "--now", "--theme"};
    while (*argc > 0 && (*argv)[0][0] == '-' && !is_help((*argv)[0]) &&
           strcmp((*argv)[0], "--version") != 0) {
        const char *a = (*argv)[0];
        size_t i = 0;
        for (; i < sizeof names / sizeof names[0]; i++) {
            size_t n = strlen(names[i]);
            if (strncmp(a, names[i], n) == 0 && (a[n] == '\0' || a[n] == '='))
                break;
        }
        if (i == sizeof names / sizeof names[0])
            return cli_usage_error(ctx, "unknown option '%s'", a);
        const char *value;
        size_t n = strlen(names[i]);
        if (a[n] == '=') {
            value = a + n + 1;
            (*argc)--;
            (*argv)++;
        } else if (*argc >= 2) {
            value = (*argv)[1];
            *argc -= 2;
            *argv += 2;
        } else {
            return cli_usage_error(ctx, "option '%s' needs a value", names[i]);
        }
        const char **slots[] = {&ctx->db_path_opt, &ctx->config_opt, &ctx->as_opt, &ctx->now_opt,
                                &ctx->theme_opt};
        *slots[i] = value;
    }
    return 0;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    struct cli_ctx ctx;
    cli_ctx_init(&ctx, "credence");
    argc--;
    argv++;
    int rc = take_leading_globals(&ctx, &argc, &argv);
    if (rc) {
        cli_ctx_done(&ctx);
        return rc;
    }
    if (argc == 0) { /* the console is the default command */
        ctx.command = "review";
        rc = cmd_review(&ctx, 0, argv);
        cli_ctx_done(&ctx);
        return rc;
    }
    if (is_help(argv[0]) || strcmp(argv[0], "help") == 0) {
        print_overview(stdout);
        cli_ctx_done(&ctx);
        return 0;
    }
    if (strcmp(argv[0], "--version") == 0) {
        printf("credence %s\n", CREDENCE_VERSION);
        cli_ctx_done(&ctx);
        return 0;
    }
    const struct command *best = NULL;
    int used = 0;
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        int u = command_match(&commands[i], argc, argv);
        if (u > used) {
            used = u;
            best = &commands[i];
        }
    }
    if (!best) {
        fprintf(stderr, "credence: unknown command '%s'\n\n", argv[0]);
        print_overview(stderr);
        cli_ctx_done(&ctx);
        return 64;
    }
    ctx.command = best->words;
    for (int i = used; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (is_help(argv[i])) {
            print_command_help(best);
            cli_ctx_done(&ctx);
            return 0;
        }
    }
    rc = best->run(&ctx, argc - used, argv + used);
    cli_ctx_done(&ctx);
    return rc;
}
