/* Fuzz target: a usage export of any kind. The input is written to a file, named by imp_detect,
 * then read as EVERY format of the IMP_FORMATS table (so a new importer is fuzzed as soon as it
 * is in the table) into a sink that checks each record and each rejected row. */
#include <stdio.h>
#include <string.h>

#include "importers/importers.h"
#include "tests/fuzz/fuzz.h"

struct sink_state {
    int reject_stops; /* reject returns an error instead of skipping (no --skip-bad-rows) */
    long records, rejects;
};

static void check_str(const char *s, const char *what)
{
    if (!s)
        fuzz_fail("record field %s is NULL", what);
    (void)strlen(s); /* ASan: the whole string must be readable */
}

static enum status check_emit(void *ctx, const struct usage_record *r, struct strbuf *err)
{
    (void)err;
    struct sink_state *st = ctx;
    check_str(r->provider, "provider");
    if (!*r->provider)
        fuzz_fail("record without a provider");
    check_str(r->account, "account");
    check_str(r->api_key, "api_key");
    check_str(r->workload, "workload");
    check_str(r->model, "model");
    check_str(r->service, "service");
    check_str(r->quantity_unit, "quantity_unit");
    check_str(r->currency, "currency");
    check_str(r->credits_unit, "credits_unit");
    check_str(r->scope_key, "scope_key");
    if (r->ntags < 0 || r->ntags > USAGE_MAX_TAGS)
        fuzz_fail("ntags %d", r->ntags);
    for (int i = 0; i < r->ntags; i++) {
        check_str(r->tag_keys[i], "tag key");
        check_str(r->tag_values[i], "tag value");
    }
    if ((unsigned)r->category >= UC__COUNT)
        fuzz_fail("category %d", (int)r->category);
    /* the days a YYYY-MM-DD can name */
    if (r->day < date_from_ymd(0, 1, 1) || r->day > date_from_ymd(9999, 12, 31))
        fuzz_fail("day %ld is outside years 0000-9999", (long)r->day);
    char d[DATE_BUF];
    date_format(r->day, d);
    if (r->line < 0)
        fuzz_fail("line %ld", r->line);
    st->records++;
    return ST_OK;
}

static enum status check_reject(void *ctx, const struct src_row *row, long line, long col,
                                const char *message, struct strbuf *err)
{
    struct sink_state *st = ctx;
    if (!message || !*message)
        fuzz_fail("reject without a message");
    if (line < 0 || col < 0 || (row && (line < 1 || col < 1)))
        fuzz_fail("reject at %ld:%ld", line, col);
    if (row) {
        for (size_t k = 0; k <= row->n; k++) {
            long l, c;
            src_row_locate(row, k, &l, &c);
            if (l < 1 || c < 1)
                fuzz_fail("field %zu located at %ld:%ld", k, l, c);
            if (k < row->n && row->field[k][row->len[k]] != '\0')
                fuzz_fail("field %zu is not NUL-terminated", k);
        }
    }
    st->rejects++;
    if (st->reject_stops) {
        sb_setf(err, "%ld:%ld: %s", line, col, message);
        return ST_BAD_DATA;
    }
    return ST_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    struct strbuf err;
    sb_init(&err);
    enum imp_format detected;
    enum status st = imp_detect(path, &detected, NULL, &err);
    fuzz_check_error(&err, st != ST_OK, "imp_detect");
    if (st == ST_OK && (unsigned)detected >= IMP__COUNT)
        fuzz_fail("imp_detect named format %d", (int)detected);
    for (int f = 0; f < IMP__COUNT; f++) {
        struct sink_state state = {.reject_stops = (int)(size & 1)};
        struct usage_sink sink = {.emit = check_emit, .reject = check_reject, .ctx = &state};
        sb_reset(&err);
        st = imp_read((enum imp_format)f, path, &sink, NULL, &err);
        fuzz_check_error(&err, st != ST_OK, imp_format_name((enum imp_format)f));
    }
    sb_done(&err);
    return 0;
}
