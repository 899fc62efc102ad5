/* Header mapping and located error collection for tabular loads. */
#include "core/tabular.h"

#include <stdarg.h>

void tab_errors_init(struct tab_errors *e, const char *file)
{
    sb_init(&e->text);
    e->count = 0;
    e->file = file;
}

void tab_errors_done(struct tab_errors *e)
{
    sb_done(&e->text);
}

static void tab_verror(struct tab_errors *e, long line, long col, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void tab_verror(struct tab_errors *e, long line, long col, const char *fmt, va_list ap)
{
    e->count++;
    if (e->count > TAB_MAX_ERRORS)
        return;
    sb_addf(&e->text, "%s:%ld:%ld: ", e->file, line, col);
    sb_vaddf(&e->text, fmt, ap);
    sb_addc(&e->text, '\n');
}

void tab_error(struct tab_errors *e, const struct src_row *row, size_t k, const char *fmt, ...)
{
    long line, col;
    src_row_locate(row, k, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    tab_verror(e, line, col, fmt, ap);
    va_end(ap);
}

void tab_error_at(struct tab_errors *e, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tab_verror(e, line, col, fmt, ap);
    va_end(ap);
}

bool tab_map_header(const struct tab_col *cols, size_t ncols, const struct src_row *hdr, int *map,
                    struct tab_errors *e)
{
    int before = e->count;
    for (size_t c = 0; c < ncols; c++)
        map[c] = -1;
    for (size_t k = 0; k < hdr->n; k++) {
        const char *s = hdr->field[k];
        size_t len = hdr->len[k];
        text_trim(&s, &len);
        if (!utf8_valid(s, len)) {
            tab_error(e, hdr, k, "header is not valid UTF-8");
            continue;
        }
        for (size_t c = 0; c < ncols; c++) {
            if (!text_ieq(cols[c].name, s, len))
                continue;
            if (map[c] >= 0)
                tab_error(e, hdr, k, "column '%s' appears twice (first as column %d)", cols[c].name,
                          map[c] + 1);
            else
                map[c] = (int)k;
        }
    }
    for (size_t c = 0; c < ncols; c++)
        if (cols[c].required && map[c] < 0)
            tab_error(e, hdr, hdr->n, "required column '%s' is missing from the header",
                      cols[c].name);
    return e->count == before;
}

bool tab_value(const struct src_row *row, const int *map, size_t c, const char **s, size_t *len,
               size_t *k, struct tab_errors *e)
{
    int idx = map[c];
    if (idx < 0 || (size_t)idx >= row->n) {
        *s = "";
        *len = 0;
        *k = row->n;
        return true;
    }
    *k = (size_t)idx;
    *s = row->field[idx];
    *len = row->len[idx];
    if (!utf8_valid(*s, *len)) {
        tab_error(e, row, *k, "not valid UTF-8");
        *s = "";
        *len = 0;
        return false;
    }
    text_trim(s, len);
    return true;
}

bool tab_check_width(const struct src_row *row, size_t width, struct tab_errors *e)
{
    if (row->n == width)
        return true;
    if (row->n > width)
        tab_error(e, row, width, "%zu fields where the header has %zu", row->n, width);
    else
        tab_error(e, row, row->n, "only %zu field%s where the header has %zu", row->n,
                  row->n == 1 ? "" : "s", width);
    return false;
}

enum status tab_record_import(struct store *s, const char *kind, const char *file,
                              const char *sha256, const char *actor, int rows, struct strbuf *err)
{
    char now[TIMESTAMP_BUF];
    date_format_timestamp(clock_now(), now);
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s,
                                   "INSERT INTO import(kind, file_name, sha256, actor, started_at, "
                                   "finished_at, rows_read, rows_imported) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?6)",
                                   &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, kind);
    store_bind_text(st, 2, file);
    store_bind_text(st, 3, sha256);
    store_bind_text(st, 4, actor);
    store_bind_text(st, 5, now);
    sqlite3_bind_int(st, 6, rows);
    int step = sqlite3_step(st);
    if (step != SQLITE_DONE)
        rc = store_error(s, step, "import record", err);
    sqlite3_finalize(st);
    return rc;
}
