/* Fuzz target: byte sources (plain and gzip). The first input byte picks the mode:
 *   even: the rest is the file as it is (gzip or not);
 *   odd:  the rest is gzip-compressed here, then cut short by (byte 1) bytes when byte 0 has bit
 *         1 set, so valid, truncated and corrupt gzip streams are all reached.
 * The file is read with read sizes from the input; a complete gzip of known data must read
 * back exactly, a truncated one must fail with a message, never crash. Decompressed output is
 * capped so a gzip bomb stops early. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "importers/source.h"
#include "tests/fuzz/fuzz.h"

enum { OUT_CAP = 1 << 20 };

/* gzip of in[0..n) into a new buffer; *out_len its size. */
static uint8_t *gzip_of(const uint8_t *in, size_t n, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        fuzz_fail("deflateInit2");
    uLong cap = deflateBound(&z, (uLong)n);
    uint8_t *out = malloc(cap ? cap : 1);
    if (!out)
        fuzz_fail("out of memory");
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        fuzz_fail("deflate");
    *out_len = z.total_out;
    deflateEnd(&z);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int compress = data[0] & 1, truncate = data[0] & 2;
    size_t cut = data[1];
    const uint8_t *body = data + 2;
    size_t blen = size - 2;
    uint8_t *file = NULL;
    size_t flen = blen;
    if (compress) {
        file = gzip_of(body, blen, &flen);
        if (truncate)
            flen = cut < flen ? flen - cut : 0;
    }
    const char *path = fuzz_file(compress ? file : body, flen);
    struct strbuf err;
    sb_init(&err);
    struct source *src = NULL;
    enum status st = source_open(path, &src, &err);
    if (st != ST_OK)
        fuzz_fail("source_open: %s", sb_str(&err));
    if (compress && flen >= 2 && !source_is_gzip(src))
        fuzz_fail("gzip data not recognised");
    uint8_t *out = malloc(OUT_CAP);
    if (!out)
        fuzz_fail("out of memory");
    size_t got = 0, step = 1 + (size_t)data[0] * 97;
    ssize_t n = 0;
    while (got < OUT_CAP) {
        size_t want = OUT_CAP - got < step ? OUT_CAP - got : step;
        n = source_read(src, (char *)out + got, want, &err);
        if (n < 0) {
            fuzz_check_error(&err, 1, "source_read");
            break;
        }
        if (n == 0)
            break;
        if ((size_t)n > want)
            fuzz_fail("source_read returned %zd for %zu bytes", n, want);
        got += (size_t)n;
        if (source_offset(src) > source_size(src) && source_size(src) > 0)
            fuzz_fail("offset past the end of the file");
    }
    if (compress && !truncate && blen <= OUT_CAP) {
        if (n < 0)
            fuzz_fail("complete gzip failed: %s", sb_str(&err));
        if (got != blen || memcmp(out, body, blen) != 0)
            fuzz_fail("gzip read back %zu bytes, wrote %zu", got, blen);
    }
    if (compress && truncate && cut > 0 && flen >= 2 && got < OUT_CAP && n >= 0)
        fuzz_fail("gzip cut short by %zu bytes read without an error", cut);
    if (!compress && !(blen >= 2 && body[0] == 0x1f && body[1] == 0x8b) && blen <= OUT_CAP &&
        (got != blen || memcmp(out, body, blen) != 0))
        fuzz_fail("plain file read back %zu bytes of %zu", got, blen);
    free(out);
    source_free(&src);
    free(file);
    sb_done(&err);
    return 0;
}
