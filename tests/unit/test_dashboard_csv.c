/* Unit tests for the dashboard CSV readers: small files through imp_read into a capturing sink
 * (OpenAI cost/usage/activity, Anthropic Console usage/cost in old and new variants, LiteLLM spend
 * logs), empty buckets, header-only files, located rejects, detection and the JSON/CSV switch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "importers/importers.h"

/* Records as "provider|account|key|workload|model|service|day|currency|tokens|cost|requests|scope"
 * lines; rejects as "LINE:COL: message" lines. */
struct capture {
    struct strbuf recs, rejects;
    bool skip; /* reject returns ST_OK (--skip-bad-rows) */
};

static enum status cap_emit(void *ctx, const struct usage_record *r, struct strbuf *err)
{
    (void)err;
    struct capture *c = ctx;
    char d[DATE_BUF], cost[AMOUNT_BUF];
    sb_addf(&c->recs, "%s|%s|%s|%s|%s|%s|%s|%s|%lld|%s|%lld|%s\n", r->provider, r->account,
            r->api_key, r->workload, r->model, r->service, date_format(r->day, d), r->currency,
            (long long)r->tokens, amount_format(r->cost_micros, 6, false, cost),
            (long long)r->requests, r->scope_key);
    return ST_OK;
}

static enum status cap_reject(void *ctx, const struct src_row *row, long line, long col,
                              const char *message, struct strbuf *err)
{
    (void)row;
    struct capture *c = ctx;
    sb_addf(&c->rejects, "%ld:%ld: %s\n", line, col, message);
    if (c->skip)
        return ST_OK;
    sb_setf(err, "%ld:%ld: %s", line, col, message);
    return ST_BAD_DATA;
}

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/credence-dash-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to dir/name and returns the path (static buffer). */
static const char *file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Reads path as format f; returns the status, captured text in c. */
static enum status read_as(enum imp_format f, const char *path, struct capture *c,
                           struct strbuf *err)
{
    sb_init(&c->recs);
    sb_init(&c->rejects);
    struct usage_sink sink = {.emit = cap_emit, .reject = cap_reject, .ctx = c};
    return imp_read(f, path, &sink, NULL, err);
}

static void done(struct capture *c, struct strbuf *err)
{
    sb_done(&c->recs);
    sb_done(&c->rejects);
    sb_done(err);
}

static void test_openai_cost(void **state)
{
    (void)state;
    const char *p = file(
        "cost.csv",
        "\xEF\xBB\xBF"
        "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,"
        "project_id,organization_id,organization_name\r\n"
        "1795132800,1795219200,2026-11-20T00:00:00+00:00,2026-11-21T00:00:00+00:00,"
        "0.8958740000000000,usd,\"gpt-4o-2024-08-06, input\",proj_a,org-1,\"Acme, Inc.\"\r\n"
        "1795219200,1795305600,2026-11-21T00:00:00+00:00,2026-11-22T00:00:00+00:00,,,,,,\r\n"
        "1795219200.0,1795305600,2026-11-21T00:00:00+00:00,2026-11-22T00:00:00+00:00,2.5,eur,,"
        "proj_b,org-1,Acme\r\n"
        ",,2026-11-22T00:00:00+00:00,,1,usd,gpt-4o,,org-1,Acme\r\n");
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(read_as(IMP_OPENAI, p, &c, &err), ST_OK);
    assert_string_equal(
        sb_str(&c.recs),
        "openai|proj_a|||gpt-4o-2024-08-06||2026-11-20|USD|0|0.895874|0|openai|costs|2026-11-20\n"
        "openai|proj_b|||||2026-11-21|EUR|0|2.500000|0|openai|costs|2026-11-21\n"
        "openai||||gpt-4o||2026-11-22|USD|0|1.000000|0|openai|costs|2026-11-22\n");
    assert_string_equal(sb_str(&c.rejects), "");
    done(&c, &err);
}

static void test_openai_usage(void **state)
{
    (void)state;
    const char *hdr = "start_time,end_time,start_time_iso,end_time_iso,project_id,"
                      "num_model_requests,user_id,api_key_id,model,batch,service_tier,"
                      "input_tokens,output_tokens,input_cached_tokens\n";
    struct strbuf text;
    sb_init(&text);
    sb_adds(&text, hdr);
    sb_adds(&text, "1795132800,1795219200,2026-11-20T00:00:00+00:00,2026-11-21T00:00:00+00:00,"
                   "proj_a,10.0,user-1,key_a,gpt-4o,FALSE,default,59200.0,10646.0,5760.0\n"
                   "1795219200,1795305600,2026-11-21T00:00:00+00:00,2026-11-22T00:00:00+00:00,"
                   ",,,,,,,,,\n"
                   "1795219200,1795305600,2026-11-21T00:00:00+00:00,2026-11-22T00:00:00+00:00\n"
                   "1795305600,1795392000,2026-11-22T00:00:00+00:00,2026-11-23T00:00:00+00:00,"
                   "proj_a,1e1,,key_a,gpt-4o-mini,TRUE,batch,1000,0,0\n");
    const char *p = file("completions_usage_2026-11-20_2026-11-23.csv", sb_str(&text));
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(read_as(IMP_OPENAI, p, &c, &err), ST_OK);
    assert_string_equal(sb_str(&c.recs),
                        "openai|proj_a|key_a||gpt-4o|completions|2026-11-20||69846|0.000000|10|"
                        "openai|usage.completions|2026-11-20\n"
                        "openai|proj_a|key_a||gpt-4o-mini|completions|2026-11-22||1000|0.000000|10|"
                        "openai|usage.completions|2026-11-22\n");
    done(&c, &err);
    /* the kind comes from the file name; without one, from the columns */
    p = file("embeddings_usage_2026-11-20_2026-11-21.csv",
             "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,"
             "model,input_tokens\n"
             "1795132800,1795219200,2026-11-20T00:00:00+00:00,2026-11-21T00:00:00+00:00,proj_a,"
             "2,text-embedding-3-small,400\n");
    assert_int_equal(read_as(IMP_OPENAI, p, &c, &err), ST_OK);
    assert_non_null(strstr(sb_str(&c.recs), "|embeddings|2026-11-20||400|0.000000|2|openai|"
                                            "usage.embeddings|2026-11-20\n"));
    done(&c, &err);
    p = file("export.csv", sb_str(&text));
    assert_int_equal(read_as(IMP_OPENAI, p, &c, &err), ST_OK);
    assert_non_null(strstr(sb_str(&c.recs), "usage.completions|2026-11-20\n"));
    done(&c, &err);
    sb_done(&text);
    /* header only: an empty export */
    p = file("empty.csv", "start_time,end_time,start_time_iso,end_time_iso\n");
    assert_int_equal(read_as(IMP_OPENAI, p, &c, &err), ST_OK);
    assert_string_equal(sb_str(&c.recs), "");
    done(&c, &err);
    /* a legacy activity export */
    p = file("activity.csv", "organization_id,aggregation_timestamp,n_requests,operation,"
                             "snapshot_id,n_context,n_context_tokens_total,n_generated,"
                             "n_generated_tokens_total\n"
                             "org-1,1700438400,4,completion,gpt-3.5-turbo-0301,4,1200,4,300\n");
    assert_int_equal(read_as(IMP_OPENAI, p, &c, &err), ST_OK);
    assert_string_equal(sb_str(&c.recs), "openai||||gpt-3.5-turbo-0301|completion|2023-11-20||1500|"
                                         "0.000000|4|openai|usage.activity|2023-11-20\n");
    done(&c, &err);
}

static void test_anthropic(void **state)
{
    (void)state;
    const char *p = file(
        "usage.csv",
        "usage_date_utc,model_version,api_key,workspace,usage_type,context_window,"
        "usage_input_tokens_no_cache,usage_input_tokens_cache_write_5m,"
        "usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,usage_output_tokens,"
        "web_search_count,inference_geo,speed\r\n"
        "2026-08-05,claude-opus-5,Closer App,Default,standard,\xE2\x89\xA4 200k,46981,15969,0,0,"
        "16932,0,global,\r\n"
        "2026-08-06 13:00:00,claude-opus-5,Closer App,Default,standard,\xE2\x89\xA4 200k,1,2,3,4,"
        "5,0,global,fast\r\n");
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(read_as(IMP_ANTHROPIC, p, &c, &err), ST_OK);
    assert_string_equal(sb_str(&c.recs),
                        "anthropic|Default|Closer App||claude-opus-5|standard|2026-08-05||79882|"
                        "0.000000|0|anthropic|usage|2026-08-05\n"
                        "anthropic|Default|Closer App||claude-opus-5|standard|2026-08-06||15|"
                        "0.000000|0|anthropic|usage|2026-08-06\n");
    done(&c, &err);
    /* the older usage variant: one cache-write column */
    p = file("usage-old.csv", "usage_date_utc,model_version,api_key,workspace,usage_type,"
                              "usage_input_tokens_no_cache,usage_input_tokens_cache_write,"
                              "usage_input_tokens_cache_read,usage_output_tokens\n"
                              "2025-03-01,claude-3-5-haiku-20241022,k1,Default,standard,100,20,30,"
                              "50\n");
    assert_int_equal(read_as(IMP_ANTHROPIC, p, &c, &err), ST_OK);
    assert_non_null(strstr(sb_str(&c.recs), "|2025-03-01||200|"));
    done(&c, &err);
    /* cost, newest variant: api_key_id is the key, the display name becomes an id */
    p = file("cost.csv",
             "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,"
             "list_price_usd,cost_type,inference_geo,speed,api_key_id,api_key_status\n"
             "2026-08-04,Claude Haiku 4.5,Default,demo-key,message,\xE2\x89\xA4 200k,"
             "input_no_cache,0.05,0.05,token,not_available,,apikey_01AAA,archived\n");
    assert_int_equal(read_as(IMP_ANTHROPIC, p, &c, &err), ST_OK);
    assert_string_equal(sb_str(&c.recs), "anthropic|Default|apikey_01AAA||claude-haiku-4-5|token|"
                                         "2026-08-04|USD|0|0.050000|0|anthropic|cost|2026-08-04\n");
    done(&c, &err);
    /* cost, the 2024 variant: no api_key_id, so the key's name */
    p = file("cost-2024.csv", "usage_date_utc,model,workspace,api_key,usage_type,token_type,"
                              "cost_usd\n"
                              "2024-10-01,Claude 3.5 Sonnet,Default,old-key,message,output,1.5\n");
    assert_int_equal(read_as(IMP_ANTHROPIC, p, &c, &err), ST_OK);
    assert_string_equal(sb_str(&c.recs), "anthropic|Default|old-key||claude-3-5-sonnet||"
                                         "2024-10-01|USD|0|1.500000|0|anthropic|cost|2024-10-01\n");
    done(&c, &err);
}

static void test_litellm(void **state)
{
    (void)state;
    const char *p = file(
        "spend.csv",
        "request_id,api_key,model,spend,total_tokens,prompt_tokens,completion_tokens,startTime,"
        "endTime,user,team_id,metadata,request_tags\n"
        "r1,hash1,gpt-4o-mini,0.0012,150,100,50,2026-11-20T10:00:00.123000Z,"
        "2026-11-20T10:00:01Z,u1,,\"{\"\"user_api_key_team_id\"\": \"\"sre\"\", "
        "\"\"spiffe_id\"\": \"\"spiffe://a/b\"\"}\",[]\n"
        "r2,hash2,claude-haiku-4-5,0.5,0,700,300,2026-11-20 11:00:00,,,qa,not json,"
        "\"[\"\"x\"\", \"\"spiffe://c/d\"\"]\"\n");
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(read_as(IMP_LITELLM, p, &c, &err), ST_OK);
    assert_string_equal(sb_str(&c.recs),
                        "litellm|team:sre|hash1|spiffe://a/b|gpt-4o-mini||2026-11-20|USD|150|"
                        "0.001200|1|litellm|spend|2026-11-20\n"
                        "litellm|team:qa|hash2|spiffe://c/d|claude-haiku-4-5||2026-11-20|USD|1000|"
                        "0.500000|1|litellm|spend|2026-11-20\n");
    done(&c, &err);
}

static void test_rejects_located(void **state)
{
    (void)state;
    const char *p = file("bad.csv", "usage_date_utc,model,workspace,api_key,usage_type,"
                                    "token_type,cost_usd\n"
                                    "2026-08-04,m,w,k,message,output,0.0x1\n"
                                    "2026-08-04,m,w,k,message,output,0.25\n"
                                    "not-a-day,m,w,k,message,output,0.25\n");
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    assert_int_equal(read_as(IMP_ANTHROPIC, p, &c, &err), ST_BAD_DATA);
    assert_string_equal(sb_str(&c.rejects), "2:33: cost_usd '0.0x1' is not a decimal amount\n");
    done(&c, &err);
    c.skip = true;
    assert_int_equal(read_as(IMP_ANTHROPIC, p, &c, &err), ST_OK);
    assert_string_equal(sb_str(&c.rejects),
                        "2:33: cost_usd '0.0x1' is not a decimal amount\n"
                        "4:1: usage_date_utc 'not-a-day' is not a date, ISO timestamp or Unix "
                        "time\n");
    assert_non_null(strstr(sb_str(&c.recs), "|0.250000|"));
    done(&c, &err);
    c.skip = false;
    p = file("frac.csv", "start_time,end_time,start_time_iso,end_time_iso,num_model_requests,"
                         "input_tokens\n"
                         "1795132800,1795219200,x,y,1.5,10\n");
    assert_int_equal(read_as(IMP_OPENAI, p, &c, &err), ST_BAD_DATA);
    assert_string_equal(sb_str(&c.rejects),
                        "2:27: num_model_requests '1.5' is not a whole number\n");
    done(&c, &err);
    /* the header of another provider's export */
    assert_int_equal(read_as(IMP_OPENAI, file("a.csv", "usage_date_utc,cost_usd\n"), &c, &err),
                     ST_BAD_DATA);
    assert_non_null(strstr(sb_str(&err), "a.csv:1:1: not an OpenAI dashboard CSV export"));
    done(&c, &err);
    p = file("empty.csv", "");
    assert_int_equal(read_as(IMP_LITELLM, p, &c, &err), ST_BAD_DATA);
    assert_non_null(strstr(sb_str(&err), "the file is empty"));
    done(&c, &err);
}

static void test_detect_and_json_switch(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum imp_format f;
        const char *what;
    } cases[] = {
        {"\xEF\xBB\xBFstart_time,end_time,start_time_iso,end_time_iso,amount_value\r\n", IMP_OPENAI,
         "OpenAI cost CSV"},
        {"start_time,end_time,start_time_iso,end_time_iso\n", IMP_OPENAI, "OpenAI usage CSV"},
        {"n_requests,n_context_tokens_total,aggregation_timestamp\n", IMP_OPENAI,
         "OpenAI legacy activity CSV"},
        {"usage_date_utc,model_version,usage_output_tokens\n", IMP_ANTHROPIC,
         "Anthropic Console usage CSV"},
        {"\"usage_date_utc\",\"model\",\"cost_usd\"\n", IMP_ANTHROPIC,
         "Anthropic Console cost CSV"},
        {"request_id,api_key,spend,startTime\n", IMP_LITELLM, "LiteLLM spend logs CSV"},
    };
    struct strbuf err;
    sb_init(&err);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum imp_format f = IMP__COUNT;
        const char *what = NULL;
        assert_int_equal(imp_detect(file("d.csv", cases[i].text), &f, &what, &err), ST_OK);
        assert_int_equal(f, cases[i].f);
        assert_string_equal(what, cases[i].what);
    }
    enum imp_format f;
    assert_int_equal(imp_detect(file("d.csv", "date,amount\n"), &f, NULL, &err), ST_BAD_DATA);
    sb_done(&err);
    /* JSON pages still go to the JSON reader */
    const char *p =
        file("page.json", "  {\"object\": \"page\", \"data\": [{\"object\": \"bucket\", "
                          "\"start_time\": 1795132800, \"results\": [{\"object\": "
                          "\"organization.costs.result\", \"amount\": {\"value\": 1.5, "
                          "\"currency\": \"usd\"}}]}], \"has_more\": false}\n");
    struct capture c = {0};
    assert_int_equal(read_as(IMP_OPENAI, p, &c, &err), ST_OK);
    assert_string_equal(sb_str(&c.recs),
                        "openai||||||2026-11-20|USD|0|1.500000|0|openai|costs|2026-11-20\n");
    done(&c, &err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openai_cost),     cmocka_unit_test(test_openai_usage),
        cmocka_unit_test(test_anthropic),       cmocka_unit_test(test_litellm),
        cmocka_unit_test(test_rejects_located), cmocka_unit_test(test_detect_and_json_switch),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
