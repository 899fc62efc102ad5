/* Unit tests for the FOCUS importer: column mapping (any order, aliases, any case), the lenient
 * rules README documents (literal null, "$1,234.50 " amounts, M/D/YY dates), tokens, credits,
 * tags and workloads, supersession scope, rejected rows with their location, and the located
 * errors that stop a read. */
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

#define FIXTURE_FILE "t.csv"
#include "tests/unit/usage_capture.h"

/* Writes text to the fixture's file and reads it as FOCUS into c. */
static enum status read_text(struct fixture *f, const char *text, struct capture *c,
                             struct strbuf *err)
{
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    fclose(fp);
    struct usage_sink sink = {.emit = cap_emit, .reject = cap_reject, .ctx = c};
    return imp_read(IMP_FOCUS, f->path, &sink, NULL, err);
}

static void test_fixture_file(void **state)
{
    (void)state;
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    struct usage_sink sink = {.emit = cap_emit, .reject = cap_reject, .ctx = &c};
    enum imp_format fmt;
    assert_int_equal(imp_detect("tests/fixtures/usage/focus-2026-11.csv", &fmt, NULL, &err), ST_OK);
    assert_int_equal(fmt, IMP_FOCUS);
    assert_int_equal(
        imp_read(IMP_FOCUS, "tests/fixtures/usage/focus-2026-11.csv", &sink, NULL, &err), ST_OK);
    assert_int_equal(c.nrec, 6);
    assert_int_equal(c.nrej, 0);
    /* EffectiveCost wins over BilledCost; SubAccountId over BillingAccountId; the BOM is gone */
    assert_string_equal(c.rec[0], "focus|111122223333||spiffe://acme.example/ns/i18n/sa/translator|"
                                  "anthropic.claude-3-5-haiku-20241022-v1:0|Amazon Bedrock|"
                                  "2026-11-02|usage|100000000 USD|tok=2000000|"
                                  "qty=2000000000000 Tokens|cr=0 |focus|AWS|payer-1|2026-11-01|"
                                  "app=translation|spiffe_id=spiffe://acme.example/ns/i18n/sa/"
                                  "translator");
    assert_string_equal(c.rec[3], "focus|111122223333||||Amazon Bedrock|2026-11-03|credit|"
                                  "-25000000 USD|tok=0|qty=0 |cr=0 |focus|AWS|payer-1|2026-11-01|"
                                  "app=translation");
    cap_done(&c);
    sb_done(&err);
}

static void test_lenient_values(void **state)
{
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    /* any column order, any case, aliases; CRLF; "null"; "$1,234.50 "; M/D/YY dates */
    const char *in = "chargecategory,BilledCost,CHARGEPERIODSTART,ProviderName,x_ModelId,x_ApiKey,"
                     "BillingPeriodStart,SubAccountId,BillingAccountId\r\n"
                     "Usage,\"$1,234.50 \",11/3/26,OpenAI,gpt-4o,key-1,null,null,acct-9\r\n"
                     "Tax,NULL,2026-11-04T23:30:00-02:00,OpenAI,null,,11/1/2026,sub-1,acct-9\r\n";
    assert_int_equal(read_text(*state, in, &c, &err), ST_OK);
    assert_int_equal(c.nrec, 2);
    assert_string_equal(c.rec[0], "focus|acct-9|key-1||gpt-4o||2026-11-03|usage|1234500000 |tok=0|"
                                  "qty=0 |cr=0 |focus|OpenAI|acct-9|2026-11-01");
    /* a timestamp with an offset counts on its UTC day; a missing cost is zero */
    assert_string_equal(c.rec[1], "focus|sub-1|||||2026-11-05|tax|0 |tok=0|qty=0 |cr=0 |"
                                  "focus|OpenAI|acct-9|2026-11-01");
    cap_done(&c);
    sb_done(&err);
}

static void test_tokens_credits_tags(void **state)
{
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    const char *in =
        "ChargePeriodStart,ChargeCategory,EffectiveCost,BillingCurrency,ConsumedQuantity,"
        "ConsumedUnit,PricingCurrency,PricingCurrencyEffectiveCost,Tags\n"
        "2026-11-02,Usage,0.000001,EUR,2.5,1K tokens,CREDITS,12.75,"
        "\"{\"\"workload\"\":\"\"spiffe://a/b\"\",\"\"n\"\":1,\"\"team\"\":\"\"x\"\"}\"\n"
        "2026-11-02,Purchase,100,USD,7,Tokens,USD,3,{}\n";
    assert_int_equal(read_text(*state, in, &c, &err), ST_OK);
    assert_int_equal(c.nrec, 2);
    /* "1K tokens" counts thousands (2.5K is 2500, not 2000); a non-ISO PricingCurrency is a virtual
     * currency; only string tags are kept */
    assert_string_equal(c.rec[0], "focus|||spiffe://a/b|||2026-11-02|usage|1 EUR|tok=2500|"
                                  "qty=2500000 1K tokens|cr=12750000 CREDITS|focus|||2026-11-01|"
                                  "workload=spiffe://a/b|team=x");
    assert_string_equal(c.rec[1], "focus||||||2026-11-02|purchase|100000000 USD|tok=7|"
                                  "qty=7000000 Tokens|cr=0 |focus|||2026-11-01");
    cap_done(&c);
    sb_done(&err);
}

static void test_rejected_rows_located(void **state)
{
    struct capture c = {0};
    struct strbuf err;
    sb_init(&err);
    const char *in = "ChargePeriodStart,ChargeCategory,BilledCost,Tags\n"
                     "2026-13-01,Usage,1,\n"
                     "2026-11-02,Refund,1,\n"
                     "2026-11-02,Usage,1.2.3,\n"
                     "2026-11-02,Usage,1,[1]\n"
                     "\"2026-11-02\",Usage,2,\n";
    assert_int_equal(read_text(*state, in, &c, &err), ST_OK);
    assert_int_equal(c.nrej, 4);
    assert_string_equal(c.rej[0], "2:1: ChargePeriodStart '2026-13-01' is not a date or ISO "
                                  "timestamp");
    assert_string_equal(c.rej[1], "3:12: ChargeCategory 'Refund' is not Usage, Credit, Purchase, "
                                  "Adjustment or Tax");
    assert_string_equal(c.rej[2], "4:18: cost '1.2.3' is not a decimal amount");
    assert_string_equal(c.rej[3], "5:20: Tags '[1]' is not a JSON object");
    assert_int_equal(c.nrec, 1);
    cap_done(&c);
    /* without --skip-bad-rows the first bad row stops the read with its location */
    c.stop = 1;
    assert_int_equal(read_text(*state, in, &c, &err), ST_BAD_DATA);
    assert_string_equal(sb_str(&err), "t.csv:2:1: ChargePeriodStart '2026-13-01' is not a date or "
                                      "ISO timestamp");
    assert_int_equal(c.nrec, 0);
    cap_done(&c);
    sb_done(&err);
}

/* Errors that stop the read name FILE:LINE:COLUMN. */
static void test_fatal_errors_located(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *in, *suffix;
    } cases[] = {
        {"ChargePeriodStart,BilledCost\n2026-11-02,1\n",
         ":1:1: not a FOCUS file: the header has no ChargeCategory column"},
        {"ChargePeriodStart,ChargeCategory\n", ":1:1: not a FOCUS file: no EffectiveCost or "
                                               "BilledCost column"},
        {"", ":1:1: the file is empty; expected a FOCUS header"},
        {"ChargePeriodStart,ChargeCategory,BilledCost\n2026-11-02,Usage,\"1\n",
         ":3:1: unterminated quoted field (it starts on line 2)"},
        {"ChargePeriodStart,ChargeCategory,BilledCost\n2026-11-02,Us\"age,1\n",
         ":2:14: malformed quoting (a quote inside an unquoted field, or text after a closing "
         "quote)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct capture c = {0};
        struct strbuf err, want;
        sb_init(&err);
        sb_init(&want);
        sb_addf(&want, "%s%s", f->path, cases[i].suffix);
        assert_int_equal(read_text(f, cases[i].in, &c, &err), ST_BAD_DATA);
        assert_string_equal(sb_str(&err), sb_str(&want));
        cap_done(&c);
        sb_done(&err);
        sb_done(&want);
    }
}

static void test_value_too_long(void **state)
{
    struct capture c = {0};
    struct strbuf err, in;
    sb_init(&err);
    sb_init(&in);
    sb_adds(&in, "ChargePeriodStart,ChargeCategory,BilledCost,x_Model\n2026-11-02,Usage,1,");
    for (int i = 0; i < 300; i++)
        sb_addc(&in, 'm');
    sb_addc(&in, '\n');
    assert_int_equal(read_text(*state, sb_str(&in), &c, &err), ST_OK);
    assert_int_equal(c.nrec, 0);
    assert_int_equal(c.nrej, 1);
    assert_true(strncmp(c.rej[0], "2:20: value 'mmm", 16) == 0);
    assert_non_null(strstr(c.rej[0], "' is too long"));
    cap_done(&c);
    sb_done(&in);
    sb_done(&err);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_file),
        cmocka_unit_test_setup_teardown(test_lenient_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens_credits_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejected_rows_located, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fatal_errors_located, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_too_long, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
