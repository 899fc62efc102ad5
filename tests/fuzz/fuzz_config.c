/* Fuzz target: config.ini loading (inih) and the typed getters on whatever it produced. */
#include <string.h>

#include "core/config.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    struct config *c = NULL;
    struct strbuf err;
    sb_init(&err);
    enum status st = config_load(path, true, &c, &err);
    fuzz_check_error(&err, st != ST_OK, "config_load");
    if ((st == ST_OK) != (c != NULL))
        fuzz_fail("config_load status %d with config %p", (int)st, (void *)c);
    if (c) {
        static const char *const keys[][2] = {{"openai", "timeout_seconds"},
                                              {"sod", "owner_not_custodian"},
                                              {"ui", "theme"},
                                              {"a", "b"}};
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            const char *v = config_get(c, keys[i][0], keys[i][1]);
            if (v)
                (void)strlen(v);
            bool b;
            double d;
            sb_reset(&err);
            st = config_get_bool(c, keys[i][0], keys[i][1], false, &b, &err);
            fuzz_check_error(&err, st != ST_OK, "config_get_bool");
            sb_reset(&err);
            st = config_get_double(c, keys[i][0], keys[i][1], 0, &d, &err);
            fuzz_check_error(&err, st != ST_OK, "config_get_double");
        }
    }
    config_free(&c);
    sb_done(&err);
    return 0;
}
