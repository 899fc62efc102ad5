/* CSV reader: libcsv does the quoting; this file adds line tracking, on-demand column positions,
 * limits and the row hand-over. Input is fed to libcsv one physical line at a time so a parse
 * error knows its line and (from libcsv's consumed count) its column. */
#include "importers/csv_reader.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

struct csvr {
    struct csv_parser p;
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
    const char *s = sb_str(&r->raw);
    size_t n = r->raw.len;
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

static void csvr_record_cb(int c, void *data)
{
    (void)c;
    struct csvr *r = data;
    if (r->cb_status == ST_OK && r->nf > 0) {
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
        enum status st = r->fn(r->ctx, &row);
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

enum status csvr_finish(struct csvr *r, csvr_row_fn fn, void *ctx, struct strbuf *err)
{
    r->fn = fn;
    r->ctx = ctx;
    r->err = err;
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
