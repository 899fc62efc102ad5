/* Fuzz target: validation of the entitlement register CSV (register_load_row over the CSV
 * reader; nothing is written, so no database is needed). */
#include <string.h>

#include "core/register.h"
#include "importers/csv_reader.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct register_load *rl = register_load_new("register.csv");
    struct csvr *r = csvr_new("register.csv");
    struct strbuf err;
    sb_init(&err);
    enum status st = csvr_feed(r, (const char *)data, size, register_load_row, rl, &err);
    if (st == ST_OK)
        st = csvr_finish(r, register_load_row, rl, &err);
    fuzz_check_error(&err, st != ST_OK, "csvr");
    int n = register_load_error_count(rl);
    size_t len = strlen(register_load_errors(rl));
    if (n < 0 || (n > 0) != (len > 0))
        fuzz_fail("%d errors but %zu bytes of error text", n, len);
    csvr_free(&r);
    register_load_free(&rl);
    sb_done(&err);
    return 0;
}
