/* CSV reader: a fast scanner for well-formed records, libcsv for everything else; this file adds
 * line tracking, on-demand column positions, limits and the row hand-over.
 *
 * Two paths, one result. The fast path scans whole records out of large buffers (memchr for
 * quotes, a byte table for unquoted fields) and hands them over without libcsv. It accepts only
 * what libcsv in strict mode accepts the same way; at the first record it is not sure about (a
 * quote inside an unquoted field, text after a closing quote, a lone CR, a record over the
 * limits or longer than FAST_CARRY_MAX) it hands the rest of the input, from the start of that
 * record, to the slow path: libcsv fed one physical line at a time, so a parse error knows its
 * line and (from libcsv's consumed count) its column. The unit tests run every input through
 * both paths and compare records, lines, column positions and errors. */
#include "importers/csv_reader.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A record still incomplete after this many bytes goes to libcsv (whose cost is linear), so
 * rescanning a growing record stays bounded. */
#define FAST_CARRY_MAX (1u << 20)

struct csvr {
    struct csv_parser p;
    bool slow;           /* libcsv from here on (set once, never cleared) */
    struct strbuf carry; /* fast path: the start of a record not yet complete */
    const char *rawp;    /* raw bytes of the record being handed over, for csvr_locate */
    size_t rawn;
    char *name;         /* for messages; owned */
    struct strbuf data; /* field bytes of the current record, each NUL-terminated */
    size_t *offs;       /* start of each field in data */
    size_t *lens;       /* length of each field */
    const char **ptrs;  /* resolved field pointers handed to the callback */
    size_t nf, capf;    /* fields in the current record, capacity */
    struct strbuf raw;  /* raw bytes of the current record, for column positions */
    long rec_line;      /* line where the current record starts */
    long rec_col0;      /* its byte column (0-based): not 0 after a lone CR ended a record */
    long line;          /* line of the next byte fed */
    long col0;          /* byte column (0-based) of the next byte fed within its line */
    int started;        /* BOM check done */
    uint64_t rows;      /* records delivered */
    /* state of the callback in flight */
    csvr_row_fn fn;
    void *ctx;
    enum status cb_status; /* first non-OK status from fn or a limit */
    struct strbuf *err;
};

/* libcsv trims "space" characters around unquoted fields unless told nothing is a space. */
static int csvr_no_space(unsigned char c)
{
    (void)c;
    return 0;
}

struct csvr *csvr_new(const char *name)
{
    struct csvr *r = xcalloc(1, sizeof *r);
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        abort(); /* only fails on out of memory */
    /* Keep spaces: "  x" is the value the file holds, as RFC 4180 says. */
    csv_set_space_func(&r->p, csvr_no_space);
    r->name = xstrdup(name ? name : "-");
    sb_init(&r->data);
    sb_init(&r->raw);
    sb_init(&r->carry);
    r->line = 1;
    r->rec_line = 1;
    return r;
}

void csvr_free(struct csvr **pp)
{
    if (!pp || !*pp)
        return;
    struct csvr *r = *pp;
    csv_free(&r->p);
    free(r->name);
    sb_done(&r->data);
    sb_done(&r->raw);
    sb_done(&r->carry);
    free(r->offs);
    free(r->lens);
    free(r->ptrs);
    free(r);
    *pp = NULL;
}

uint64_t csvr_rows(const struct csvr *r)
{
    return r->rows;
}

/* Scans the raw record for the start of field k (quote-aware), giving its line and column. */
static void csvr_locate(const void *src, size_t k, long *line, long *col)
{
    const struct csvr *r = src;
    const char *s = r->rawp;
    size_t n = r->rawn;
    long ln = r->rec_line, c = 1 + r->rec_col0;
    size_t field = 0;
    int inq = 0;
    for (size_t i = 0; i < n && field < k; i++) {
        char ch = s[i];
        if (ch == '"') {
            inq = !inq;
        } else if (ch == ',' && !inq) {
            field++;
        } else if (ch == '\n') {
            if (!inq)
                break;
            ln++;
            c = 0;
        }
        c++;
    }
    *line = ln;
    *col = c;
}

static void csvr_field_cb(void *s, size_t len, void *data)
{
    struct csvr *r = data;
    if (r->cb_status != ST_OK)
        return;
    if (r->nf == CSVR_MAX_FIELDS) {
        sb_setf(r->err, "%s:%ld:1: more than %u fields in one record", r->name, r->rec_line,
                CSVR_MAX_FIELDS);
        r->cb_status = ST_BAD_DATA;
        return;
    }
    if (r->nf == r->capf) {
        r->capf = r->capf ? r->capf * 2 : 32;
        r->offs = xreallocarray(r->offs, r->capf, sizeof *r->offs);
        r->lens = xreallocarray(r->lens, r->capf, sizeof *r->lens);
        r->ptrs = xreallocarray(r->ptrs, r->capf, sizeof *r->ptrs);
    }
    r->offs[r->nf] = r->data.len;
    r->lens[r->nf] = len;
    sb_add(&r->data, s ? s : "", s ? len : 0);
    sb_addc(&r->data, '\0');
    r->nf++;
}

/* Hands the current record (fields in data, raw bytes at rawp) to the callback. */
static enum status csvr_deliver(struct csvr *r)
{
    for (size_t i = 0; i < r->nf; i++)
        r->ptrs[i] = r->data.buf + r->offs[i];
    struct src_row row = {
        .n = r->nf,
        .field = r->ptrs,
        .len = r->lens,
        .line = r->rec_line,
        .locate = csvr_locate,
        .src = r,
    };
    r->rows++;
    return r->fn(r->ctx, &row);
}

static void csvr_record_cb(int c, void *data)
{
    (void)c;
    struct csvr *r = data;
    if (r->cb_status == ST_OK && r->nf > 0) {
        r->rawp = sb_str(&r->raw);
        r->rawn = r->raw.len;
        enum status st = csvr_deliver(r);
        if (st != ST_OK)
            r->cb_status = st;
    }
    r->nf = 0;
    sb_reset(&r->data);
    sb_reset(&r->raw);
    r->rec_line = -1; /* set by the next non-blank piece */
}

static int only_crlf(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != '\r' && p[i] != '\n')
            return 0;
    return 1;
}

/* Feeds one piece that lies within a single physical line (ending with '\n' or not). */
static enum status csvr_feed_piece(struct csvr *r, const char *p, size_t n)
{
    /* A blank line (possibly split between feeds) belongs to no record. */
    int blank = r->nf == 0 && only_crlf(sb_str(&r->raw), r->raw.len) && only_crlf(p, n);
    if (blank) {
        sb_reset(&r->raw);
    } else {
        if (r->rec_line < 0 || (r->raw.len == 0 && r->nf == 0)) {
            r->rec_line = r->line;
            r->rec_col0 = r->col0;
        }
        if (r->raw.len + n > CSVR_MAX_RECORD) {
            sb_setf(r->err, "%s:%ld:1: record longer than %u MiB", r->name, r->rec_line,
                    CSVR_MAX_RECORD >> 20);
            return ST_BAD_DATA;
        }
        sb_add(&r->raw, p, n);
    }
    size_t done = csv_parse(&r->p, p, n, csvr_field_cb, csvr_record_cb, r);
    if (r->cb_status != ST_OK)
        return r->cb_status;
    if (done != n) {
        sb_setf(r->err, "%s:%ld:%ld: %s", r->name, r->line, r->col0 + (long)done + 1,
                csv_error(&r->p) == CSV_EPARSE ? "malformed quoting (a quote inside an unquoted "
                                                 "field, or text after a closing quote)"
                                               : csv_strerror(csv_error(&r->p)));
        return ST_BAD_DATA;
    }
    if (n && p[n - 1] == '\n') {
        r->line++;
        r->col0 = 0;
    } else {
        r->col0 += (long)n;
    }
    return ST_OK;
}

/* The slow path: libcsv, one physical line at a time. */
static enum status slow_feed(struct csvr *r, const char *buf, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) + 1 : len;
        /* libcsv also ends a record at a lone CR: the piece stops after it, so every record
         * starts a piece (its line, column and raw bytes are taken there) */
        const char *cr = memchr(buf + pos, '\r', end - pos);
        if (cr && (size_t)(cr - buf) + 1 < end && cr[1] != '\n')
            end = (size_t)(cr - buf) + 1;
        enum status st = csvr_feed_piece(r, buf + pos, end - pos);
        if (st != ST_OK)
            return st;
        pos = end;
    }
    return ST_OK;
}

/* Bytes that end an unquoted field, or (a quote) make the fast path give up. */
static const unsigned char fast_stop[256] = {[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

enum fast_res {
    FAST_DONE, /* a record was parsed */
    FAST_MORE, /* the record does not end in the bytes given */
    FAST_ODD   /* something for libcsv to judge */
};

static void fast_begin(struct csvr *r)
{
    if (r->nf == r->capf) {
        r->capf = r->capf ? r->capf * 2 : 32;
        r->offs = xreallocarray(r->offs, r->capf, sizeof *r->offs);
        r->lens = xreallocarray(r->lens, r->capf, sizeof *r->lens);
        r->ptrs = xreallocarray(r->ptrs, r->capf, sizeof *r->ptrs);
    }
    r->offs[r->nf] = r->data.len;
}

/* The first byte in [q, end) that ends an unquoted field (or is a quote); end if none. */
static inline const char *fast_stop_at(const char *q, const char *end)
{
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r'),
                  lf = _mm_set1_epi8('\n');
    while (end - q >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return q + __builtin_ctz(m);
        q += 16;
    }
#endif
    while (q < end && !fast_stop[(unsigned char)*q])
        q++;
    return q;
}

/* The first quote in [q, end); end if none (quotes are a few bytes apart in JSON cells, so
 * inline rather than a memchr call each). */
static inline const char *fast_quote_at(const char *q, const char *end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    while (end - q >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote));
        if (m)
            return q + __builtin_ctz(m);
        q += 16;
    }
#endif
    while (q < end && *q != '"')
        q++;
    return q;
}

/* Appends n bytes to the field being built; afterwards there is room for its NUL. */
static inline void fast_add(struct csvr *r, const char *s, size_t n)
{
    if (r->data.len + n + 1 <= r->data.cap) {
        if (n)
            memcpy(r->data.buf + r->data.len, s, n);
        r->data.len += n;
    } else {
        sb_add(&r->data, s, n);
    }
}

static inline void fast_end(struct csvr *r)
{
    r->lens[r->nf] = r->data.len - r->offs[r->nf];
    r->data.buf[r->data.len++] = '\0';
    r->nf++;
}

/* Parses the record starting at p (not a blank line) into data/offs/lens. On FAST_DONE, *next
 * is the byte after its line end and *nl the newlines it spans (the line end included). */
static enum fast_res fast_record(struct csvr *r, const char *p, const char *end, const char **next,
                                 long *nl)
{
    long lines = 0;
    r->nf = 0;
    r->data.len = 0;
    for (;;) {
        if (r->nf == CSVR_MAX_FIELDS)
            return FAST_ODD;
        fast_begin(r);
        if (p < end && *p == '"') {
            const char *q = p + 1;
            for (;;) {
                const char *x = fast_quote_at(q, end);
                if (x == end || x + 1 == end)
                    return FAST_MORE;
                if (x[1] == '"') { /* an escaped quote */
                    fast_add(r, q, (size_t)(x + 1 - q));
                    q = x + 2;
                    continue;
                }
                fast_add(r, q, (size_t)(x - q));
                for (const char *t = p + 1; (t = memchr(t, '\n', (size_t)(x - t))); t++)
                    lines++;
                p = x + 1;
                break;
            }
            if (*p != ',' && *p != '\n' && *p != '\r')
                return FAST_ODD; /* text after the closing quote */
        } else {
            const char *q = fast_stop_at(p, end);
            if (q == end)
                return FAST_MORE;
            if (*q == '"')
                return FAST_ODD; /* a quote inside an unquoted field */
            fast_add(r, p, (size_t)(q - p));
            p = q;
        }
        fast_end(r);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '\r') {
            if (p + 1 == end)
                return FAST_MORE;
            if (p[1] != '\n')
                return FAST_ODD; /* a lone CR ends a record for libcsv; let it */
            p++;
        }
        *next = p + 1;
        *nl = lines + 1;
        return FAST_DONE;
    }
}

/* Switches to libcsv for the rest of the input, at a record boundary (start of a line). */
static void go_slow(struct csvr *r)
{
    r->slow = true;
    r->nf = 0;
    sb_reset(&r->data);
    sb_reset(&r->raw);
    r->rec_line = -1;
    r->col0 = 0;
}

/* Delivers the complete records at the start of buf[0..n); *used is how far it got. When it
 * stops at a record the fast path does not take, r->slow is set and the rest (from *used) is
 * libcsv's. */
static enum status fast_scan(struct csvr *r, const char *buf, size_t n, size_t *used)
{
    const char *p = buf, *end = buf + n;
    enum status st = ST_OK;
    while (p < end && st == ST_OK) {
        if (*p == '\n') { /* blank line */
            r->line++;
            p++;
            continue;
        }
        if (*p == '\r') {
            if (p + 1 == end)
                break;
            if (p[1] != '\n') {
                go_slow(r);
                break;
            }
            r->line++;
            p += 2;
            continue;
        }
        const char *next = NULL;
        long nl = 0;
        enum fast_res fr = fast_record(r, p, end, &next, &nl);
        if (fr == FAST_MORE)
            break;
        if (fr == FAST_ODD || (size_t)(next - p) > CSVR_MAX_RECORD / 2) {
            go_slow(r);
            break;
        }
        r->rec_line = r->line;
        r->rec_col0 = 0;
        r->rawp = p;
        r->rawn = (size_t)(next - p);
        st = csvr_deliver(r);
        r->line += nl;
        p = next;
    }
    *used = (size_t)(p - buf);
    return st;
}

/* Gives the carried bytes from `from` on to libcsv and empties the carry. */
static enum status slow_take_carry(struct csvr *r, size_t from)
{
    struct strbuf rest = r->carry;
    sb_init(&r->carry);
    enum status st = slow_feed(r, rest.buf + from, rest.len - from);
    sb_done(&rest);
    return st;
}

void csvr_set_fast(struct csvr *r, bool on)
{
    if (!on && !r->slow && r->carry.len == 0 && r->rows == 0)
        go_slow(r);
}

void csvr_set_start(struct csvr *r, long line)
{
    r->line = line;
    r->rec_line = line;
    r->started = 1;
}

bool csvr_at_boundary(const struct csvr *r)
{
    return !r->slow && r->carry.len == 0 && r->cb_status == ST_OK;
}

long csvr_line(const struct csvr *r)
{
    return r->line;
}

enum status csvr_feed(struct csvr *r, const char *buf, size_t len, csvr_row_fn fn, void *ctx,
                      struct strbuf *err)
{
    r->fn = fn;
    r->ctx = ctx;
    r->err = err;
    if (!r->started && len > 0) {
        static const char bom[3] = {'\xEF', '\xBB', '\xBF'};
        if (len >= 3 && memcmp(buf, bom, 3) == 0) {
            buf += 3;
            len -= 3;
        }
        r->started = 1; /* a BOM split across two feeds is not supported (feeds are large) */
    }
    if (r->slow)
        return slow_feed(r, buf, len);
    size_t pos = 0;
    /* An incomplete record from earlier feeds: complete it a line at a time. */
    while (r->carry.len > 0 && pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) + 1 : len;
        sb_add(&r->carry, buf + pos, end - pos);
        pos = end;
        size_t used = 0;
        if (r->carry.len > FAST_CARRY_MAX) {
            go_slow(r);
        } else if (nl) {
            enum status st = fast_scan(r, r->carry.buf, r->carry.len, &used);
            if (st != ST_OK)
                return st;
        }
        if (r->slow) {
            enum status st = slow_take_carry(r, used);
            return st == ST_OK ? slow_feed(r, buf + pos, len - pos) : st;
        }
        memmove(r->carry.buf, r->carry.buf + used, r->carry.len - used);
        r->carry.len -= used;
        r->carry.buf[r->carry.len] = '\0';
    }
    if (pos < len) {
        size_t used = 0;
        enum status st = fast_scan(r, buf + pos, len - pos, &used);
        if (st != ST_OK)
            return st;
        if (r->slow)
            return slow_feed(r, buf + pos + used, len - pos - used);
        sb_add(&r->carry, buf + pos + used, len - pos - used);
        if (r->carry.len > FAST_CARRY_MAX) {
            go_slow(r);
            return slow_take_carry(r, 0);
        }
    }
    return ST_OK;
}

enum status csvr_finish(struct csvr *r, csvr_row_fn fn, void *ctx, struct strbuf *err)
{
    r->fn = fn;
    r->ctx = ctx;
    r->err = err;
    if (!r->slow && r->carry.len > 0) { /* a last record without a line end: libcsv judges */
        go_slow(r);
        enum status st = slow_take_carry(r, 0);
        if (st != ST_OK)
            return st;
    }
    if (csv_fini(&r->p, csvr_field_cb, csvr_record_cb, r) != 0) {
        sb_setf(err, "%s:%ld:%ld: unterminated quoted field (it starts on line %ld)", r->name,
                r->line, r->col0 + 1, r->rec_line);
        return ST_BAD_DATA;
    }
    return r->cb_status;
}

enum status csvr_read(struct csvr *r, struct source *src, csvr_row_fn fn, void *ctx,
                      const struct reporter *rep, struct strbuf *err)
{
    enum { BLOCK = 1 << 18 };
    char *buf = xmalloc(BLOCK);
    enum status st = ST_OK;
    uint64_t total = source_size(src);
    for (;;) {
        ssize_t n = source_read(src, buf, BLOCK, err);
        if (n < 0) {
            st = ST_BAD_DATA;
            break;
        }
        if (n == 0)
            break;
        st = csvr_feed(r, buf, (size_t)n, fn, ctx, err);
        if (st != ST_OK)
            break;
        report_progress(rep, source_offset(src), total, r->rows);
    }
    free(buf);
    if (st == ST_OK)
        st = csvr_finish(r, fn, ctx, err);
    return st;
}

enum status csvr_read_file(const char *path, csvr_row_fn fn, void *ctx, const struct reporter *rep,
                           struct strbuf *err)
{
    struct source *src = NULL;
    enum status st = source_open(path, &src, err);
    if (st != ST_OK)
        return st;
    struct csvr *r = csvr_new(path);
    st = csvr_read(r, src, fn, ctx, rep, err);
    csvr_free(&r);
    source_free(&src);
    return st;
}
