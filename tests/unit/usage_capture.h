/* Shared by the importer unit tests (test_focus.c, test_json_pages.c): a sink that captures
 * each record as one line of text and each reject with its location, and a temporary file
 * fixture. Include after <cmocka.h> and importers/importers.h. */
#ifndef CREDENCE_TESTS_USAGE_CAPTURE_H
#define CREDENCE_TESTS_USAGE_CAPTURE_H

#define MAX_CAPTURED 64

/* What a read produced: each record as one line of text, each rejected row located. */
struct capture {
    char *rec[MAX_CAPTURED];
    char *rej[MAX_CAPTURED];
    int nrec, nrej;
    int stop;  /* reject stops the read (no --skip-bad-rows) */
    bool json; /* JSON rejects name a JSON path: no row, line 0, the message alone */
};

static enum status cap_emit(void *ctx, const struct usage_record *r, struct strbuf *err)
{
    (void)err;
    struct capture *c = ctx;
    char d[DATE_BUF];
    struct strbuf s;
    sb_init(&s);
    sb_addf(&s, "%s|%s|%s|%s|%s|%s|%s|%s|%lld %s|tok=%lld|qty=%lld %s|cr=%lld %s|%s", r->provider,
            r->account, r->api_key, r->workload, r->model, r->service, date_format(r->day, d),
            usage_category_name(r->category), (long long)r->cost_micros, r->currency,
            (long long)r->tokens, (long long)r->quantity_micros, r->quantity_unit,
            (long long)r->credits_micros, r->credits_unit, r->scope_key);
    for (int i = 0; i < r->ntags; i++)
        sb_addf(&s, "|%s=%s", r->tag_keys[i], r->tag_values[i]);
    assert_true(c->nrec < MAX_CAPTURED);
    c->rec[c->nrec++] = sb_steal(&s);
    return ST_OK;
}

static enum status cap_reject(void *ctx, const struct src_row *row, long line, long col,
                              const char *message, struct strbuf *err)
{
    struct capture *c = ctx;
    if (c->json) {
        assert_null(row);
        assert_int_equal(line, 0);
    } else {
        assert_non_null(row);
    }
    struct strbuf s;
    sb_init(&s);
    sb_addf(&s, "%ld:%ld: %s", line, col, message);
    assert_true(c->nrej < MAX_CAPTURED);
    c->rej[c->nrej++] = sb_steal(&s);
    if (c->stop) {
        if (c->json)
            sb_setf(err, "%s", message);
        else
            sb_setf(err, "t.csv:%ld:%ld: %s", line, col, message);
        return ST_BAD_DATA;
    }
    return ST_OK;
}

static void cap_done(struct capture *c)
{
    for (int i = 0; i < c->nrec; i++)
        free(c->rec[i]);
    for (int i = 0; i < c->nrej; i++)
        free(c->rej[i]);
    memset(c, 0, sizeof *c);
}

/* A temporary directory with one file, FIXTURE_FILE ("t.csv", "t.json"), named by the test. */
struct fixture {
    char dir[64];
    char path[128];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/credence-import-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, FIXTURE_FILE);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

#endif
