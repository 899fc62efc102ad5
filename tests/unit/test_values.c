/* Unit tests for the value helpers: exact amounts, calendar dates, UTF-8 and sanitising,
 * SPIFFE IDs, globs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/spiffe.h"

static int64_t amt(const char *s)
{
    int64_t v = 0;
    assert_int_equal(amount_parse(s, strlen(s), &v), AMOUNT_OK);
    return v;
}

static void test_amount_parse(void **state)
{
    (void)state;
    assert_int_equal(amt("0"), 0);
    assert_int_equal(amt("12.5"), 12500000);
    assert_int_equal(amt("-0.000001"), -1);
    assert_int_equal(amt("0.0000005"), 1); /* half away from zero */
    assert_int_equal(amt("-0.0000005"), -1);
    assert_int_equal(amt("0.00000049"), 0);
    assert_int_equal(amt("1e3"), 1000000000);
    assert_int_equal(amt("1.2E-05"), 12);
    assert_int_equal(amt("+7."), 7000000);
    assert_int_equal(amt(".25"), 250000);
    assert_int_equal(amt("9200000000000"), INT64_C(9200000000000000000));
    int64_t v;
    const char *bad[] = {"", "-", "1,000", "1.2.3", "abc", " 1", "1e", "0x10", "1 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(amount_parse(bad[i], strlen(bad[i]), &v), AMOUNT_SYNTAX);
    assert_int_equal(amount_parse("1e20", 4, &v), AMOUNT_RANGE);
    assert_int_equal(amount_parse("99999999999999", 14, &v), AMOUNT_RANGE);
}

static void test_amount_sum_exact(void **state)
{
    (void)state;
    /* A million 0.01 rows add to exactly 10,000.00: no float drift. */
    int64_t total = 0;
    for (int i = 0; i < 1000000; i++)
        total += amt("0.01");
    char buf[AMOUNT_BUF];
    assert_string_equal(amount_format(total, 2, true, buf), "10,000.00");
}

static void test_amount_format(void **state)
{
    (void)state;
    char buf[AMOUNT_BUF];
    assert_string_equal(amount_format(amt("8412.5"), 2, true, buf), "8,412.50");
    assert_string_equal(amount_format(amt("-1234567.891"), 2, true, buf), "-1,234,567.89");
    assert_string_equal(amount_format(amt("0.005"), 2, false, buf), "0.01");
    assert_string_equal(amount_format(amt("-0.005"), 2, false, buf), "-0.01");
    assert_string_equal(amount_format(amt("999.999"), 0, true, buf), "1,000");
    assert_string_equal(amount_format(INT64_MIN + 1, 6, false, buf), "-9223372036854.775807");
    assert_int_equal(amount_percent_of(amt("10000"), 20), amt("2000"));
}

static void test_dates(void **state)
{
    (void)state;
    int32_t d;
    char buf[DATE_BUF];
    assert_true(date_parse("1970-01-01", 10, &d));
    assert_int_equal(d, 0);
    assert_true(date_parse("2024-02-29", 10, &d));
    assert_string_equal(date_format(d, buf), "2024-02-29");
    assert_false(date_parse("2023-02-29", 10, &d));
    assert_false(date_parse("2026-13-01", 10, &d));
    assert_false(date_parse("2026-1-01", 9, &d));
    assert_false(date_parse("2026/01/01", 10, &d));
    /* month arithmetic clamps to the month's end */
    assert_true(date_parse("2026-01-31", 10, &d));
    assert_string_equal(date_format(date_add_months(d, 1), buf), "2026-02-28");
    assert_true(date_parse("2024-01-31", 10, &d));
    assert_string_equal(date_format(date_add_months(d, 1), buf), "2024-02-29");
    assert_string_equal(date_format(date_add_months(d, 12), buf), "2025-01-31");
    assert_string_equal(date_format(date_add_months(d, -2), buf), "2023-11-30");
    int64_t t;
    assert_true(date_parse_timestamp("2026-11-24T10:30:00Z", 20, &t));
    char ts[TIMESTAMP_BUF];
    assert_string_equal(date_format_timestamp(t, ts), "2026-11-24T10:30:00Z");
    assert_true(date_parse_timestamp("2026-11-24T10:30:00+02:00", 25, &t));
    assert_string_equal(date_format_timestamp(t, ts), "2026-11-24T08:30:00Z");
    assert_true(date_parse_timestamp("2026-11-24 00:00:00.123", 23, &t));
    assert_false(date_parse_timestamp("2026-11-24T25:00", 16, &t));
    clock_fix(t);
    assert_true(clock_is_fixed());
    assert_string_equal(date_format(clock_today(), buf), "2026-11-24");
    clock_unfix();
    /* found with the fuzz harness: an offset moved the day to 10000-01-01, printed 0000-01-01 */
    assert_false(date_parse_timestamp("9999-12-31T23:00:00-05:00", 25, &t));
    assert_true(date_parse_timestamp("9999-12-31T23:59:59Z", 20, &t));
    assert_string_equal(date_format_timestamp(t, ts), "9999-12-31T23:59:59Z");
}

static void test_text(void **state)
{
    (void)state;
    assert_true(utf8_valid("Tom\xc3\xa1s", 6));
    assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* beyond U+10FFFF */
    assert_false(utf8_valid("\xe2\x82", 2));         /* truncated */
    struct strbuf sb;
    sb_init(&sb);
    const char evil[] = "pool\x1b[2J\x07name\xc2\x9b\x7f\xff ok";
    text_sanitize(&sb, evil, sizeof evil - 1);
    assert_string_equal(sb_str(&sb), "pool?[2J?name??? ok");
    sb_reset(&sb);
    text_fit(&sb, "abcdef", 4, true);
    assert_int_equal(text_display_width(sb_str(&sb)), 4);
    sb_reset(&sb);
    text_fit(&sb, "ab", 4, true);
    assert_string_equal(sb_str(&sb), "ab  ");
    sb_done(&sb);
    assert_true(text_glob_match("gpt-4o*", "gpt-4o-mini"));
    assert_true(text_glob_match("*", ""));
    assert_true(text_glob_match("claude-?aiku-*", "claude-haiku-4-5"));
    assert_false(text_glob_match("gpt-4o*", "gpt-4.1"));
    assert_true(text_ieq("Owner", "oWNER", 5));
    assert_false(text_ieq("owner", "owners", 6));
    char mixed[] = "Usd-\xc3\x89t\xc3\xa9 9z";
    assert_string_equal(text_ascii_lower(mixed), "usd-\xc3\x89t\xc3\xa9 9z"); /* UTF-8 untouched */
    assert_string_equal(text_ascii_upper(mixed), "USD-\xc3\x89T\xc3\xa9 9Z");
}

static void test_spiffe(void **state)
{
    (void)state;
    const char *good[] = {"spiffe://acme.example/ns/prod/sa/bot", "spiffe://acme.example",
                          "spiffe://10.0.0.1/x", "spiffe://a_b-c.d/Path.With-Upper_1"};
    const char *bad[] = {"spiffe://Acme.example/x",
                         "spiffe://acme.example/",
                         "spiffe://acme.example//x",
                         "spiffe://acme.example/./x",
                         "spiffe://acme.example/a/../b",
                         "spiffe://acme.example:443/x",
                         "spiffe://acme.example/x?y",
                         "spiffe://acme.example/x#y",
                         "spiffe://acme.example/%41",
                         "SPIFFE://acme.example/x",
                         "spiffe:///x",
                         "https://acme.example/x",
                         "spiffe://user@acme/x",
                         "spiffe://acme.example/sp ace"};
    const char *why;
    size_t at;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(spiffe_id_valid(good[i], strlen(good[i]), &why, &at));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(spiffe_id_valid(bad[i], strlen(bad[i]), &why, &at));
        assert_non_null(why);
    }
    char *longid = malloc(2100);
    strcpy(longid, "spiffe://acme.example/");
    memset(longid + 22, 'a', 2100 - 23);
    longid[2099] = '\0';
    assert_false(spiffe_id_valid(longid, strlen(longid), &why, &at));
    free(longid);
}

static void test_status_table(void **state)
{
    (void)state;
    assert_int_equal(status_exit_code(ST_DB_BUSY), 75);
    assert_int_equal(status_exit_code(ST_DENIED), 77);
    assert_int_equal(status_exit_code(ST_BAD_DATA), 65);
    assert_string_equal(status_message(ST_DB_BUSY), "database is busy");
    for (int s = 0; s < ST__COUNT; s++)
        assert_non_null(status_message((enum status)s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_amount_parse),  cmocka_unit_test(test_amount_sum_exact),
        cmocka_unit_test(test_amount_format), cmocka_unit_test(test_dates),
        cmocka_unit_test(test_text),          cmocka_unit_test(test_spiffe),
        cmocka_unit_test(test_status_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
