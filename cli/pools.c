/* credence pools | pool show ID: the register as loaded, with this period's consumption. */
#include "cli/cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Decimals to show for an amount in a pool's unit. */
static int unit_decimals(const char *unit)
{
    return strcmp(unit, "tokens") == 0 ? 0 : 2;
}

static char *fmt_amount(int64_t micros, const char *unit, char *buf)
{
    return amount_format(micros, unit_decimals(unit), true, buf);
}

static json_t *json_amount(int64_t micros)
{
    return json_real(amount_to_cents_double(micros));
}

static json_t *json_date(int32_t d)
{
    char buf[DATE_BUF];
    return d == POOL_NO_DATE ? json_null() : json_string(date_format(d, buf));
}

static json_t *entries_json(const struct pool_entry *e, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{ss ss}", "kind", e[i].kind, "value", e[i].value));
    return a;
}

/* The stable `pools` object of one pool (DESIGN.md section 5). */
static json_t *pool_json(const struct pool *p, const struct ledger_row *cur, char **rules,
                         size_t nrules)
{
    json_t *f = json_array();
    for (size_t i = 0; i < nrules; i++)
        json_array_append_new(f, json_string(rules[i]));
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(p->id));
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "provider", json_string(p->provider));
    json_object_set_new(o, "account", json_string(p->account));
    json_object_set_new(o, "owner", *p->owner ? json_string(p->owner) : json_null());
    json_object_set_new(o, "custodian", *p->custodian ? json_string(p->custodian) : json_null());
    json_object_set_new(o, "environment", json_string(p->environment));
    json_object_set_new(o, "status", json_string(p->status));
    json_object_set_new(o, "grant", json_amount(cur->grant));
    json_object_set_new(o, "unit", json_string(p->unit));
    json_object_set_new(o, "period", json_string(p->period));
    json_object_set_new(o, "consumed", json_amount(cur->consumed));
    json_object_set_new(o, "available", json_amount(cur->grant + cur->carry_in));
    json_object_set_new(o, "utilization_pct",
                        json_real((double)llround(ledger_utilization_pct(cur) * 10) / 10.0));
    json_object_set_new(o, "findings", f);
    return o;
}

static void free_rules(char **rules, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rules[i]);
    free(rules);
}

int cmd_pools(struct cli_ctx *ctx, int argc, char **argv)
{
    bool json = false;
    const struct cli_opt opts[] = {{"json", NULL, &json}, {0}};
    const char *pos[1];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 0, &npos);
    if (rc || (rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, PERM_VIEW_REGISTER)))
        return rc;
    struct pool *pools = NULL;
    size_t n = 0;
    enum status st = pool_list(ctx->store, &pools, &n, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    int32_t today = clock_today();
    json_t *arr = json ? json_array() : NULL;
    if (!json && n > 0)
        printf("%-22s %-28s %-9s %-10s %-10s %-8s %15s %15s %-7s %5s\n", "ID", "NAME", "PROVIDER",
               "ENV", "OWNER", "STATUS", "CONSUMED", "AVAILABLE", "UNIT", "UTIL");
    for (size_t i = 0; i < n && st == ST_OK; i++) {
        struct ledger_row cur;
        char **rules = NULL;
        size_t nrules = 0;
        st = ledger_current(ctx->store, &pools[i], today, &cur, &ctx->err);
        if (st == ST_OK)
            st = pool_finding_rules(ctx->store, pools[i].id, &rules, &nrules, &ctx->err);
        if (st != ST_OK)
            break;
        if (json) {
            json_array_append_new(arr, pool_json(&pools[i], &cur, rules, nrules));
        } else {
            char a[AMOUNT_BUF], b[AMOUNT_BUF];
            const struct pool *p = &pools[i];
            cli_put_cell(stdout, p->id, 22);
            putchar(' ');
            cli_put_cell(stdout, p->name, 28);
            putchar(' ');
            cli_put_cell(stdout, p->provider, 9);
            putchar(' ');
            cli_put_cell(stdout, p->environment, 10);
            putchar(' ');
            cli_put_cell(stdout, *p->owner ? p->owner : "-", 10);
            putchar(' ');
            cli_put_cell(stdout, p->status, 8);
            printf(" %15s %15s ", fmt_amount(cur.consumed, p->unit, a),
                   fmt_amount(cur.grant + cur.carry_in, p->unit, b));
            cli_put_cell(stdout, p->unit, 7);
            printf(" %4.0f%%\n", ledger_utilization_pct(&cur));
        }
        free_rules(rules, nrules);
    }
    if (st == ST_OK && json) {
        json_t *doc = json_pack("{so}", "pools", arr);
        cli_print_json(doc);
        json_decref(doc);
    } else {
        json_decref(arr);
        if (st == ST_OK && n == 0)
            printf("no pools in the register (credence import register FILE.csv)\n");
    }
    pools_free(&pools, n);
    return st == ST_OK ? 0 : cli_fail(ctx, st);
}

static void print_entries(const char *label, const struct pool_entry *e, size_t n)
{
    printf("%-12s", label);
    if (n == 0)
        printf("(none)");
    for (size_t i = 0; i < n; i++) {
        printf("%s", i ? "; " : "");
        cli_put_cell(stdout, e[i].kind, -1);
        putchar(':');
        cli_put_cell(stdout, e[i].value, -1);
    }
    putchar('\n');
}

static void print_pool_detail(const struct pool *p, const struct ledger_row *rows, size_t nrows,
                              size_t first, int64_t burn7, int64_t burn28, int32_t exhaustion,
                              char **rules, size_t nrules)
{
    char a[AMOUNT_BUF], b[AMOUNT_BUF], c[AMOUNT_BUF], d[AMOUNT_BUF], e[AMOUNT_BUF];
    char d1[DATE_BUF], d2[DATE_BUF];
    const struct ledger_row *cur = &rows[nrows - 1];
    printf("%-12s", "pool");
    cli_put_cell(stdout, p->id, -1);
    printf(" - ");
    cli_put_cell(stdout, p->name, -1);
    printf("\n%-12s%s, account ", "provider", p->provider);
    cli_put_cell(stdout, p->account, -1);
    printf("\n%-12s", "owner");
    cli_put_cell(stdout, *p->owner ? p->owner : "(none)", -1);
    printf(", custodian ");
    cli_put_cell(stdout, *p->custodian ? p->custodian : "(none)", -1);
    printf("\n%-12s%s, status %s\n", "environment", p->environment, p->status);
    printf("%-12s%s %s %s, rollover %s", "grant", fmt_amount(p->grant_micros, p->unit, a), p->unit,
           p->period, p->rollover);
    if (strcmp(p->rollover, "capped") == 0)
        printf(" at %g%% of the grant", p->rollover_cap_pct);
    if (strcmp(p->rollover, "none") != 0 && p->rollover_max_periods >= 0)
        printf(", for at most %d period%s", p->rollover_max_periods,
               p->rollover_max_periods == 1 ? "" : "s");
    printf("\n%-12s%s to %s\n", "dates", date_format(p->starts_on, d1),
           p->expires_on == POOL_NO_DATE ? "(no expiry)" : date_format(p->expires_on, d2));
    char thr[48];
    if (p->review_threshold_pct < 0)
        snprintf(thr, sizeof thr, "from [rules] threshold_pct");
    else
        snprintf(thr, sizeof thr, "%g%%", p->review_threshold_pct);
    printf("%-12severy %d days, threshold %s, last review %s\n", "review", p->review_interval_days,
           thr, p->last_review == POOL_NO_DATE ? "never" : date_format(p->last_review, d1));
    printf("%-12s", "contract");
    cli_put_cell(stdout, *p->contract_ref ? p->contract_ref : "(none)", -1);
    putchar('\n');
    print_entries("bindings", p->bindings, p->nbindings);
    print_entries("scope", p->scope, p->nscope);
    printf("\n%-23s %15s %15s %15s %15s %15s\n", "PERIOD", "GRANT", "CARRY-IN", "CONSUMED",
           "REMAINING", "CARRY-OUT");
    for (size_t i = first; i < nrows; i++) {
        const struct ledger_row *r = &rows[i];
        char period[32];
        snprintf(period, sizeof period, "%s..%s", date_format(r->start, d1),
                 date_format(r->end - 1, d2));
        printf("%-23s %15s %15s %15s %15s %15s%s\n", period, fmt_amount(r->grant, p->unit, a),
               fmt_amount(r->carry_in, p->unit, b), fmt_amount(r->consumed, p->unit, c),
               fmt_amount(r->remaining, p->unit, d), fmt_amount(r->carry_out, p->unit, e),
               i + 1 == nrows ? "  (current)" : "");
    }
    printf("\n%-12s%s/day (7 days), %s/day (28 days); utilisation %.1f%%; exhaustion %s\n", "burn",
           fmt_amount(burn7, p->unit, a), fmt_amount(burn28, p->unit, b),
           ledger_utilization_pct(cur),
           exhaustion == POOL_NO_DATE ? "not forecast" : date_format(exhaustion, d1));
    printf("%-12s", "findings");
    if (nrules == 0)
        printf("(none open)");
    for (size_t i = 0; i < nrules; i++)
        printf("%s%s", i ? ", " : "", rules[i]);
    putchar('\n');
}

int cmd_pool_show(struct cli_ctx *ctx, int argc, char **argv)
{
    bool json = false;
    const struct cli_opt opts[] = {{"json", NULL, &json}, {0}};
    const char *pos[1];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 1, &npos);
    if (rc)
        return rc;
    if (npos != 1)
        return cli_usage_error(ctx, "expected a pool ID");
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_identity(ctx, PERM_VIEW_REGISTER)))
        return rc;
    struct pool p;
    pool_init(&p);
    struct ledger_row *rows = NULL;
    size_t nrows = 0;
    char **rules = NULL;
    size_t nrules = 0;
    int64_t burn7 = 0, burn28 = 0;
    int32_t today = clock_today();
    enum status st = pool_get(ctx->store, pos[0], &p, &ctx->err);
    if (st == ST_OK)
        st = ledger_compute(ctx->store, &p, today, &rows, &nrows, &ctx->err);
    if (st == ST_OK)
        st = ledger_burn_rate(ctx->store, &p, today, 7, &burn7, &ctx->err);
    if (st == ST_OK)
        st = ledger_burn_rate(ctx->store, &p, today, 28, &burn28, &ctx->err);
    if (st == ST_OK)
        st = pool_finding_rules(ctx->store, p.id, &rules, &nrules, &ctx->err);
    if (st == ST_OK) {
        const struct ledger_row *cur = &rows[nrows - 1];
        int32_t exhaustion = ledger_exhaustion_day(cur->remaining, burn7, today);
        if (exhaustion != POOL_NO_DATE && exhaustion >= cur->end && cur->remaining > 0)
            exhaustion = POOL_NO_DATE; /* lasts past the period: the grant renews first */
        size_t first = nrows > 5 ? nrows - 5 : 0;
        if (json) {
            json_t *o = pool_json(&p, cur, rules, nrules);
            json_t *ledger = json_array();
            for (size_t i = first; i < nrows; i++) {
                const struct ledger_row *r = &rows[i];
                json_array_append_new(
                    ledger,
                    json_pack("{so so so so so so so so si}", "period_start", json_date(r->start),
                              "period_end", json_date(r->end - 1), "grant", json_amount(r->grant),
                              "carry_in", json_amount(r->carry_in), "consumed",
                              json_amount(r->consumed), "remaining", json_amount(r->remaining),
                              "carry_out", json_amount(r->carry_out), "expired",
                              json_amount(r->expired), "carry_age", r->carry_age));
            }
            json_object_set_new(o, "ledger", ledger);
            json_object_set_new(o, "bindings", entries_json(p.bindings, p.nbindings));
            json_object_set_new(o, "scope", entries_json(p.scope, p.nscope));
            json_object_set_new(o, "burn_7d", json_amount(burn7));
            json_object_set_new(o, "burn_28d", json_amount(burn28));
            json_object_set_new(o, "exhaustion_date", json_date(exhaustion));
            json_t *reg = pool_register_json(&p);
            json_object_set_new(o, "register", reg);
            cli_print_json(o);
            json_decref(o);
        } else {
            print_pool_detail(&p, rows, nrows, first, burn7, burn28, exhaustion, rules, nrules);
        }
    }
    free_rules(rules, nrules);
    free(rows);
    pool_done(&p);
    return st == ST_OK ? 0 : cli_fail(ctx, st);
}
