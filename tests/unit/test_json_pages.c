/* Unit tests for the JSON page importers: OpenAI usage and costs, Anthropic usage and cost
 * reports, LiteLLM spend logs (fixtures and small pages), arrays of pages, format detection,
 * rejected results named by JSON path, and the errors that stop a read. */
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

#define FIXTURE_FILE "t.json"
#include "tests/unit/usage_capture.h"

/* Writes text to the fixture's file and reads it as format fmt into c. */
static enum status read_text(struct fixture *f, enum imp_format fmt, const char *text,
                             struct capture *c, struct strbuf *err)
{
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    fclose(fp);
    c->json = true;
    struct usage_sink sink = {.emit = cap_emit, .reject = cap_reject, .ctx = c};
    return imp_read(fmt, f->path, &sink, NULL, err);
}

/* Reads a fixture as fmt (after checking imp_detect names it so). */
static void read_fixture(const char *path, enum imp_format fmt, struct capture *c)
{
    struct strbuf err;
    sb_init(&err);
    enum imp_format got;
    assert_int_equal(imp_detect(path, &got, NULL, &err), ST_OK);
    assert_int_equal(got, fmt);
    c->json = true;
    struct usage_sink sink = {.emit = cap_emit, .reject = cap_reject, .ctx = c};
    assert_int_equal(imp_read(fmt, path, &sink, NULL, &err), ST_OK);
    assert_int_equal(c->nrej, 0);
    sb_done(&err);
}

static void test_openai_usage(void **state)
{
    (void)state;
    struct capture c = {0};
    read_fixture("tests/fixtures/usage/openai-usage.json", IMP_OPENAI, &c);
    assert_true(c.nrec >= 2);
    /* input_tokens already include the cached ones; the service is the usage kind */
    assert_string_equal(c.rec[0], "openai|proj_sales02|key_Sales9Xa||gpt-4o|completions|"
                                  "2026-11-20|usage|0 |tok=1200|qty=0 |cr=0 |"
                                  "openai|usage.completions|2026-11-20");
    assert_string_equal(c.rec[1], "openai|proj_shadow99|key_Shadow1||gpt-4o|completions|"
                                  "2026-11-20|usage|0 |tok=55|qty=0 |cr=0 |"
                                  "openai|usage.completions|2026-11-20");
    cap_done(&c);
}

static void test_openai_costs_array_of_pages(void **state)
{
    (void)state;
    struct capture c = {0};
    read_fixture("tests/fixtures/usage/openai-costs.json", IMP_OPENAI, &c);
    assert_int_equal(c.nrec, 2);
    /* a number or a numeric string; the currency upper-cased; the model before the comma */
    assert_string_equal(c.rec[0], "openai|proj_sales02|key_Sales9Xa||gpt-4o-2024-08-06||"
                                  "2026-11-20|usage|12340000 USD|tok=0|qty=0 |cr=0 |"
                                  "openai|costs|2026-11-20");
    assert_string_equal(c.rec[1], "openai|proj_shadow99|key_Shadow1||gpt-4o||2026-11-21|usage|"
                                  "660000 USD|tok=0|qty=0 |cr=0 |openai|costs|2026-11-21");
    cap_done(&c);
}

static void test_anthropic(void **state)
{
    (void)state;
    struct capture c = {0};
    read_fixture("tests/fixtures/usage/anthropic-usage.json", IMP_ANTHROPIC, &c);
    assert_int_equal(c.nrec, 1);
    /* uncached + cache reads + both cache writes + output */
    assert_string_equal(c.rec[0], "anthropic|wrkspc_01Research|apikey_01Resrch||"
                                  "claude-opus-4-1|standard|2026-11-20|usage|0 |tok=3700|qty=0 |"
                                  "cr=0 |anthropic|usage|2026-11-20");
    cap_done(&c);
    read_fixture("tests/fixtures/usage/anthropic-cost.json", IMP_ANTHROPIC, &c);
    assert_int_equal(c.nrec, 1);
    /* amount is cents as a string: 12345.6 cents is 123.456 USD */
    assert_string_equal(c.rec[0], "anthropic|wrkspc_01Research|||claude-opus-4-1|tokens|"
                                  "2026-11-20|usage|123456000 USD|tok=0|qty=0 |cr=0 |"
                                  "anthropic|cost|2026-11-20");
    cap_done(&c);
}

static void test_litellm(void **state)
{
    (void)state;
    struct capture c = {0};
    read_fixture("tests/fixtures/usage/litellm-spend.json", IMP_LITELLM, &c);
    assert_int_equal(c.nrec, 3);
    /* team id from the metadata; the SPIFFE ID from request_tags is the workload */
    assert_string_equal(c.rec[0], "litellm|team:support-eng|sk-litellm-triage-01|"
                                  "spiffe://acme.example/ns/prod/sa/ticket-triage|gpt-4o-mini||"
                                  "2026-11-20|usage|1250000 USD|tok=3000|qty=0 |cr=0 |"
                                  "litellm|spend|2026-11-20");
    assert_string_equal(c.rec[2], "litellm||sk-unknown||gpt-4o||2026-11-21|usage|2000000 USD|"
                                  "tok=100|qty=0 |cr=0 |litellm|spend|2026-11-21");
    cap_done(&c);
}

/* Results that cannot be read are rejected with their JSON path; the others are kept. */
static void test_rejects_name_json_path(void **state)
{
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    const char *in =
        "[{\"data\":[{\"start_time\":1795132800,\"results\":["
        "{\"object\":\"organization.costs.result\",\"amount\":{\"value\":true}},"
        "{\"object\":\"organization.other\"},"
        "{\"object\":\"organization.usage.embeddings.result\",\"input_tokens\":\"7\"}]}]},"
        "{\"data\":[{\"start_time\":\"yesterday\",\"results\":[]},"
        "{\"start_time\":99999999999999999,\"results\":[]}]}]";
    assert_int_equal(read_text(*state, IMP_OPENAI, in, &c, &err), ST_OK);
    assert_int_equal(c.nrej, 4);
    assert_string_equal(c.rej[0], "0:0: $[0].data[0].results[0]: amount.value is not a number");
    assert_string_equal(c.rej[1], "0:0: $[0].data[0].results[1]: object is neither a usage nor "
                                  "a costs result");
    assert_string_equal(c.rej[2], "0:0: $[1].data[0]: start_time is not a Unix time");
    /* a Unix time beyond year 9999 (found by fuzzing: it overflowed the day arithmetic) */
    assert_string_equal(c.rej[3], "0:0: $[1].data[1]: start_time is not a Unix time");
    assert_int_equal(c.nrec, 1);
    assert_string_equal(c.rec[0], "openai|||||embeddings|2026-11-20|usage|0 |tok=7|qty=0 |cr=0 |"
                                  "openai|usage.embeddings|2026-11-20");
    cap_done(&c);
    /* without --skip-bad-rows the first reject stops the read, its message naming the file */
    c.stop = 1;
    assert_int_equal(read_text(*state, IMP_OPENAI, in, &c, &err), ST_BAD_DATA);
    struct fixture *f = *state;
    struct strbuf want;
    sb_init(&want);
    sb_addf(&want, "%s: $[0].data[0].results[0]: amount.value is not a number", f->path);
    assert_string_equal(sb_str(&err), sb_str(&want));
    cap_done(&c);
    sb_done(&want);
    sb_done(&err);
}

/* Integer amounts whose micro-units overflow are not numbers (found by fuzzing). */
static void test_huge_integers(void **state)
{
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    const char *in = "[{\"request_id\":\"r\",\"spend\":99999999999999999,"
                     "\"startTime\":\"2026-11-20T00:00:00Z\"},"
                     "{\"request_id\":\"s\",\"spend\":9223372036854,\"total_tokens\":"
                     "-9223372036854775808,\"startTime\":-9223372036854775808}]";
    assert_int_equal(read_text(*state, IMP_LITELLM, in, &c, &err), ST_OK);
    assert_int_equal(c.nrec, 0);
    assert_int_equal(c.nrej, 2);
    assert_string_equal(c.rej[0], "0:0: $[0]: spend is not a number");
    assert_string_equal(c.rej[1], "0:0: $[1]: startTime is not an ISO time");
    cap_done(&c);
    sb_done(&err);
}

static void test_errors_and_detection(void **state)
{
    struct fixture *f = *state;
    struct capture c = {0};
    struct strbuf err, want;
    sb_init(&err);
    sb_init(&want);
    /* not JSON: located by line and column */
    assert_int_equal(read_text(f, IMP_OPENAI, "{\"data\": [\n  1,,\n]}", &c, &err), ST_BAD_DATA);
    sb_addf(&want, "%s:2:5: not JSON: ", f->path);
    assert_true(strncmp(sb_str(&err), sb_str(&want), want.len) == 0);
    /* another provider's pages */
    sb_reset(&err);
    assert_int_equal(read_text(f, IMP_ANTHROPIC,
                               "[{\"request_id\":\"r\",\"spend\":1,\"startTime\":0}]", &c, &err),
                     ST_BAD_DATA);
    sb_reset(&want);
    sb_addf(&want, "%s: $: not anthropic pages (another provider's pages)", f->path);
    assert_string_equal(sb_str(&err), sb_str(&want));
    /* empty pages are valid for any provider */
    for (int fmt = IMP_OPENAI; fmt <= IMP_LITELLM; fmt++) {
        sb_reset(&err);
        assert_int_equal(read_text(f, (enum imp_format)fmt, "{\"data\":[]}", &c, &err), ST_OK);
        assert_int_equal(c.nrec, 0);
    }
    /* JSON of no known shape is named as such by detection */
    enum imp_format got;
    sb_reset(&err);
    assert_int_equal(read_text(f, IMP_OPENAI, "{\"hello\":1}", &c, &err), ST_BAD_DATA);
    sb_reset(&err);
    assert_int_equal(imp_detect(f->path, &got, NULL, &err), ST_BAD_DATA);
    assert_non_null(strstr(sb_str(&err), ":1:1: JSON, but not pages credence knows"));
    cap_done(&c);
    sb_done(&err);
    sb_done(&want);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openai_usage),
        cmocka_unit_test(test_openai_costs_array_of_pages),
        cmocka_unit_test(test_anthropic),
        cmocka_unit_test(test_litellm),
        cmocka_unit_test_setup_teardown(test_rejects_name_json_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_integers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_and_detection, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
