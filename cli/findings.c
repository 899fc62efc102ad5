/* credence findings: re-evaluate the rules and list the findings. */
#include "cli/cli.h"
#include "core/findings.h"
#include "core/frameworks.h"
#include "core/rules.h"

#include <stdlib.h>
#include <string.h>

/* ["OWASP-NHI:NHI5", "NIST-CSF:DE.CM-03", ...] for a rule. */
static json_t *refs_json(const char *rule)
{
    json_t *a = json_array();
    const struct framework_refs *r = frameworks_rule(rule);
    if (!r)
        return a;
    const struct {
        const char *prefix, *list;
    } parts[] = {{"OWASP-NHI", r->owasp_nhi},
                 {"NIST-CSF", r->nist_csf},
                 {"NIST-AI-RMF", r->nist_ai_rmf},
                 {"MAESTRO", r->maestro}};
    for (size_t i = 0; i < 4; i++) {
        const char *cur = parts[i].list, *end = cur + strlen(cur), *item;
        size_t len;
        while (text_next_item(&cur, end, ',', &item, &len))
            if (len)
                json_array_append_new(a, json_sprintf("%s:%.*s", parts[i].prefix, (int)len, item));
    }
    return a;
}

int cmd_findings(struct cli_ctx *ctx, int argc, char **argv)
{
    bool json = false, all = false;
    const char *rule = NULL, *severity = NULL;
    const struct cli_opt opts[] = {{"json", NULL, &json},
                                   {"all", NULL, &all},
                                   {"rule", &rule, NULL},
                                   {"severity", &severity, NULL},
                                   {0}};
    const char *pos[1];
    int npos, rc = cli_parse(ctx, opts, argc, argv, pos, 0, &npos);
    if (rc)
        return rc;
    enum rule_id rid;
    if (rule && !rule_parse(rule, &rid))
        return cli_usage_error(ctx, "unknown rule '%s'", rule);
    if (severity && !rule_severity_rank(severity))
        return cli_usage_error(ctx, "--severity must be critical, high, medium or low");
    if ((rc = cli_store(ctx, STORE_EXISTING)) || (rc = cli_config(ctx)) ||
        (rc = cli_identity(ctx, PERM_FINDINGS)))
        return rc;
    struct findings_summary sum;
    enum status st =
        findings_refresh(ctx->store, ctx->config, clock_today(), ctx->who.login, &sum, &ctx->err);
    struct finding *list = NULL;
    size_t n = 0;
    struct finding_filter f = {.rule = rule, .severity = severity, .include_resolved = all};
    if (st == ST_OK)
        st = findings_list(ctx->store, &f, &list, &n, &ctx->err);
    if (st != ST_OK)
        return cli_fail(ctx, st);
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_pack("{ss ss ss ss ss ss so}", "id", list[i].id, "rule", list[i].rule,
                                  "severity", list[i].severity, "state", list[i].state,
                                  "explanation", list[i].explanation, "subject", list[i].subject,
                                  "refs", refs_json(list[i].rule));
            json_object_set_new(o, "pool_id",
                                list[i].pool_id ? json_string(list[i].pool_id) : json_null());
            json_object_set_new(o, "detected_at", json_string(list[i].detected_at));
            if (list[i].snoozed_until)
                json_object_set_new(o, "snoozed_until", json_string(list[i].snoozed_until));
            if (list[i].resolved_at)
                json_object_set_new(o, "resolved_at", json_string(list[i].resolved_at));
            json_error_t jerr;
            json_t *detail = json_loads(list[i].detail, 0, &jerr);
            json_object_set_new(o, "detail", detail ? detail : json_object());
            json_array_append_new(arr, o);
        }
        json_t *doc = json_pack("{so}", "findings", arr);
        cli_print_json(doc);
        json_decref(doc);
    } else {
        if (n)
            printf("%-9s %-21s %-22s %-13s %s\n", "SEVERITY", "RULE", "POOL / SUBJECT", "STATE",
                   "EXPLANATION");
        for (size_t i = 0; i < n; i++) {
            printf("%-9s %-21s ", list[i].severity, list[i].rule);
            cli_put_cell(stdout, list[i].pool_id ? list[i].pool_id : list[i].subject, 22);
            printf(" %-13s ", list[i].state);
            cli_put_cell(stdout, list[i].explanation, -1);
            putchar('\n');
        }
        printf("%zu finding%s shown; this evaluation opened %d and resolved %d\n", n,
               n == 1 ? "" : "s", sum.opened, sum.resolved);
    }
    findings_free(list, n);
    return 0;
}
