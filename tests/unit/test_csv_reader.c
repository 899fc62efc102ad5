/* Unit tests for the streaming CSV reader: quoting, newlines, BOM, CRLF, ragged rows, bytes that
 * are not UTF-8, very long fields, split feeds and located errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "importers/csv_reader.h"

/* Collected rows: fields joined with '|' per row, plus the start line of each row. */
struct collected {
    struct strbuf text;
    long lines[64];
    size_t nrows;
    long loc_line, loc_col; /* location of field `probe` of row `probe_row` */
    size_t probe_row, probe;
};

static enum status collect(void *ctx, const struct src_row *row)
{
    struct collected *c = ctx;
    for (size_t i = 0; i < row->n; i++) {
        if (i)
            sb_addc(&c->text, '|');
        sb_add(&c->text, row->field[i], row->len[i]);
    }
    sb_addc(&c->text, '\n');
    if (c->nrows == c->probe_row)
        src_row_locate(row, c->probe, &c->loc_line, &c->loc_col);
    if (c->nrows < 64)
        c->lines[c->nrows] = row->line;
    c->nrows++;
    return ST_OK;
}

/* Parses `in` fed in chunks of `chunk` bytes (0: all at once). */
static enum status parse(const char *in, size_t len, size_t chunk, struct collected *c,
                         struct strbuf *err)
{
    struct csvr *r = csvr_new("t.csv");
    enum status st = ST_OK;
    size_t step = chunk ? chunk : (len ? len : 1);
    for (size_t off = 0; off < len && st == ST_OK; off += step)
        st = csvr_feed(r, in + off, len - off < step ? len - off : step, collect, c, err);
    if (st == ST_OK)
        st = csvr_finish(r, collect, c, err);
    csvr_free(&r);
    return st;
}

static void init(struct collected *c)
{
    memset(c, 0, sizeof *c);
    sb_init(&c->text);
    c->probe_row = (size_t)-1;
}

static void test_simple_and_quotes(void **state)
{
    (void)state;
    const char *in = "a,b,c\n1,\"two, too\",\"say \"\"hi\"\"\"\n";
    for (size_t chunk = 0; chunk < 8; chunk++) {
        struct collected c;
        struct strbuf err;
        init(&c);
        sb_init(&err);
        assert_int_equal(parse(in, strlen(in), chunk, &c, &err), ST_OK);
        assert_string_equal(sb_str(&c.text), "a|b|c\n1|two, too|say \"hi\"\n");
        assert_int_equal(c.nrows, 2);
        sb_done(&c.text);
        sb_done(&err);
    }
}

static void test_embedded_newline_lines(void **state)
{
    (void)state;
    const char *in = "h1,h2\n\"multi\nline\",x\nnext,row\n";
    struct collected c;
    struct strbuf err;
    init(&c);
    sb_init(&err);
    c.probe_row = 2;
    c.probe = 1;
    assert_int_equal(parse(in, strlen(in), 0, &c, &err), ST_OK);
    assert_string_equal(sb_str(&c.text), "h1|h2\nmulti\nline|x\nnext|row\n");
    assert_int_equal(c.lines[0], 1);
    assert_int_equal(c.lines[1], 2);
    assert_int_equal(c.lines[2], 4); /* the quoted newline moved the next record down */
    assert_int_equal(c.loc_line, 4);
    assert_int_equal(c.loc_col, 6);
    sb_done(&c.text);
    sb_done(&err);
}

static void test_bom_crlf_blank_lines(void **state)
{
    (void)state;
    const char *in = "\xEF\xBB\xBFk,v\r\n\r\n a , b \r\nlast,no-newline";
    struct collected c;
    struct strbuf err;
    init(&c);
    sb_init(&err);
    assert_int_equal(parse(in, strlen(in), 3, &c, &err), ST_OK);
    /* spaces are data (RFC 4180); the BOM is gone; CR is not part of a field */
    assert_string_equal(sb_str(&c.text), "k|v\n a | b \nlast|no-newline\n");
    assert_int_equal(c.lines[1], 3);
    assert_int_equal(c.lines[2], 4);
    sb_done(&c.text);
    sb_done(&err);
}

static void test_ragged_and_binary(void **state)
{
    (void)state;
    const char in[] = "a,b,c\n1\n1,2,3,4\n\xff\xfe,\x01\n";
    struct collected c;
    struct strbuf err;
    init(&c);
    sb_init(&err);
    assert_int_equal(parse(in, sizeof in - 1, 0, &c, &err), ST_OK);
    assert_int_equal(c.nrows, 4); /* the reader hands rows over as they are; loaders judge */
    assert_string_equal(sb_str(&c.text), "a|b|c\n1\n1|2|3|4\n\xff\xfe|\x01\n");
    assert_false(utf8_valid("\xff\xfe", 2));
    sb_done(&c.text);
    sb_done(&err);
}

static void test_long_field(void **state)
{
    (void)state;
    size_t n = 200 * 1024; /* well past 64 KiB */
    char *in = malloc(n + 16);
    memcpy(in, "x,\"", 3);
    memset(in + 3, 'z', n);
    memcpy(in + 3 + n, "\",y\n", 4);
    struct collected c;
    struct strbuf err;
    init(&c);
    sb_init(&err);
    assert_int_equal(parse(in, n + 7, 4096, &c, &err), ST_OK);
    assert_int_equal(c.nrows, 1);
    assert_int_equal(c.text.len, 1 + 1 + n + 1 + 1 + 1);
    free(in);
    sb_done(&c.text);
    sb_done(&err);
}

static void test_malformed_quote_located(void **state)
{
    (void)state;
    const char *in = "a,b\nok,\"fine\"\nbad,\"x\"y\n";
    struct collected c;
    struct strbuf err;
    init(&c);
    sb_init(&err);
    assert_int_equal(parse(in, strlen(in), 0, &c, &err), ST_BAD_DATA);
    assert_non_null(strstr(sb_str(&err), "t.csv:3:8: malformed quoting"));
    sb_done(&c.text);
    sb_done(&err);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    const char *in = "a,b\n1,\"never closed\n2,3\n";
    struct collected c;
    struct strbuf err;
    init(&c);
    sb_init(&err);
    assert_int_equal(parse(in, strlen(in), 0, &c, &err), ST_BAD_DATA);
    assert_non_null(strstr(sb_str(&err), "unterminated quoted field (it starts on line 2)"));
    sb_done(&c.text);
    sb_done(&err);
}

static enum status stop_at_second(void *ctx, const struct src_row *row)
{
    (void)row;
    int *n = ctx;
    return ++*n == 2 ? ST_DENIED : ST_OK;
}

static void test_callback_stops(void **state)
{
    (void)state;
    const char *in = "a\nb\nc\nd\n";
    struct csvr *r = csvr_new("t.csv");
    struct strbuf err;
    sb_init(&err);
    int n = 0;
    assert_int_equal(csvr_feed(r, in, strlen(in), stop_at_second, &n, &err), ST_DENIED);
    assert_int_equal(n, 2);
    csvr_free(&r);
    assert_null(r);
    sb_done(&err);
}

/* libcsv ends a record at a lone CR too: the record after it keeps its line and column (found by
 * fuzzing: it was delivered with line -1). */
static void test_lone_cr_ends_record(void **state)
{
    (void)state;
    const char *in = "a,b\rc,d\nnext,\"q\rq\"\n";
    for (size_t chunk = 0; chunk < 6; chunk++) {
        struct collected c;
        struct strbuf err;
        init(&c);
        sb_init(&err);
        c.probe_row = 1;
        c.probe = 1;
        assert_int_equal(parse(in, strlen(in), chunk == 0 ? 0 : chunk + 2, &c, &err), ST_OK);
        assert_string_equal(sb_str(&c.text), "a|b\nc|d\nnext|q\rq\n");
        assert_int_equal(c.lines[0], 1);
        assert_int_equal(c.lines[1], 1);
        assert_int_equal(c.lines[2], 2);
        assert_int_equal(c.loc_line, 1);
        assert_int_equal(c.loc_col, 7); /* "a,b\r" is 4 bytes: c is column 5, d column 7 */
        sb_done(&c.text);
        sb_done(&err);
    }
}

static void test_gzip_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/credence-csvr-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char plain[128], cmd[512], gz[160];
    snprintf(plain, sizeof plain, "%s/f.csv", dir);
    snprintf(gz, sizeof gz, "%s.gz", plain);
    FILE *f = fopen(plain, "w");
    fputs("a,b\n1,2\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "gzip -kf %s", plain);
    assert_int_equal(system(cmd), 0);
    struct collected c;
    struct strbuf err;
    init(&c);
    sb_init(&err);
    assert_int_equal(csvr_read_file(gz, collect, &c, NULL, &err), ST_OK);
    assert_string_equal(sb_str(&c.text), "a|b\n1|2\n");
    /* truncated gzip is an error, not a short read */
    snprintf(cmd, sizeof cmd, "head -c 20 %s > %s/t.gz", gz, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(gz, sizeof gz, "%s/t.gz", dir);
    sb_reset(&c.text);
    assert_int_equal(csvr_read_file(gz, collect, &c, NULL, &err), ST_BAD_DATA);
    assert_non_null(strstr(sb_str(&err), "gzip"));
    assert_int_equal(csvr_read_file("/nonexistent/x.csv", collect, &c, NULL, &err), ST_NO_INPUT);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    sb_done(&c.text);
    sb_done(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_and_quotes),    cmocka_unit_test(test_embedded_newline_lines),
        cmocka_unit_test(test_bom_crlf_blank_lines), cmocka_unit_test(test_ragged_and_binary),
        cmocka_unit_test(test_long_field),           cmocka_unit_test(test_malformed_quote_located),
        cmocka_unit_test(test_unterminated_quote),   cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_lone_cr_ends_record),  cmocka_unit_test(test_gzip_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
