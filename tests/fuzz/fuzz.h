/* Shared by the fuzz targets (tests/fuzz/fuzz_*.c): the libFuzzer entry point each defines, and
 * helpers. The same sources build two ways: with clang -fsanitize=fuzzer (make fuzz) and with
 * replay_main.c and the normal compiler, which replays the seed corpus in make test. */
#ifndef CREDENCE_TESTS_FUZZ_FUZZ_H
#define CREDENCE_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to a private temporary file (already unlinked, so nothing is left behind even
 * after a crash) and returns a path that opens it ("/proc/self/fd/N"). Aborts on I/O errors. */
const char *fuzz_file(const uint8_t *data, size_t size);

/* Reports a broken invariant found by a target and aborts (the fuzzer records the input). */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Fails unless every byte of err's message is readable and non-empty when want_message. */
void fuzz_check_error(const struct strbuf *err, int want_message, const char *what);

#endif
