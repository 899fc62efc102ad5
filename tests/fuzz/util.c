/* Helpers for the fuzz targets: the input as a file, invariant failures. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

static int file_fd = -1;
static char file_path[64];

const char *fuzz_file(const uint8_t *data, size_t size)
{
    if (file_fd < 0) {
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        char tmpl[128];
        snprintf(tmpl, sizeof tmpl, "%s/credence-fuzz-XXXXXX", dir);
        file_fd = mkstemp(tmpl);
        if (file_fd < 0 || unlink(tmpl) != 0)
            fuzz_fail("cannot create a temporary file in %s", dir);
        snprintf(file_path, sizeof file_path, "/proc/self/fd/%d", file_fd);
    }
    if (ftruncate(file_fd, 0) != 0)
        fuzz_fail("ftruncate failed");
    size_t off = 0;
    while (off < size) {
        ssize_t n = pwrite(file_fd, data + off, size - off, (off_t)off);
        if (n <= 0)
            fuzz_fail("pwrite failed");
        off += (size_t)n;
    }
    return file_path;
}

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz invariant broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void fuzz_check_error(const struct strbuf *err, int want_message, const char *what)
{
    const char *m = sb_str(err);
    size_t n = strlen(m);
    if (want_message && n == 0)
        fuzz_fail("%s failed without a message", what);
}
