/* Fuzz target: validation of the people CSV (people_load_row over the CSV
 * reader; nothing is written, so no database is needed). */
#include <string.h>

#include "core/people.h"
#include "importers/csv_reader.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct people_load *pl = people_load_new("people.csv");
    struct csvr *r = csvr_new("people.csv");
    struct strbuf err;
    sb_init(&err);
    enum status st = csvr_feed(r, (const char *)data, size, people_load_row, pl, &err);
    if (st == ST_OK)
        st = csvr_finish(r, people_load_row, pl, &err);
    fuzz_check_error(&err, st != ST_OK, "csvr");
    int n = people_load_error_count(pl);
    size_t len = strlen(people_load_errors(pl));
    if (n < 0 || (n > 0) != (len > 0))
        fuzz_fail("%d errors but %zu bytes of error text", n, len);
    csvr_free(&r);
    people_load_free(&pl);
    sb_done(&err);
    return 0;
}
