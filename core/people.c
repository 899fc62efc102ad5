/* People file loader. */
#include "core/people.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/audit.h"
#include "core/strmap.h"
#include "core/tabular.h"

enum { PC_LOGIN, PC_NAME, PC_EMAIL, PC_ROLES, PC_ACTIVE, PC__COUNT };
static const struct tab_col people_cols[PC__COUNT] = {
    [PC_LOGIN] = {"login", true},  [PC_NAME] = {"name", true},      [PC_EMAIL] = {"email", false},
    [PC_ROLES] = {"roles", false}, [PC_ACTIVE] = {"active", false},
};

struct person_rec {
    char *login, *name, *email; /* owned */
    unsigned roles;
    int active;
    long line;
};

struct people_load {
    struct tab_errors errs;
    char *name;
    int map[PC__COUNT];
    int have_header;
    size_t width;         /* fields in the header */
    struct strmap logins; /* login -> first line */
    struct person_rec *recs;
    size_t n, cap;
};

struct people_load *people_load_new(const char *name)
{
    struct people_load *pl = xcalloc(1, sizeof *pl);
    pl->name = xstrdup(name);
    tab_errors_init(&pl->errs, pl->name);
    return pl;
}

void people_load_free(struct people_load **pp)
{
    if (!pp || !*pp)
        return;
    struct people_load *pl = *pp;
    for (size_t i = 0; i < pl->n; i++) {
        free(pl->recs[i].login);
        free(pl->recs[i].name);
        free(pl->recs[i].email);
    }
    free(pl->recs);
    strmap_done(&pl->logins);
    tab_errors_done(&pl->errs);
    free(pl->name);
    free(pl);
    *pp = NULL;
}

int people_load_error_count(const struct people_load *pl)
{
    return pl->errs.count;
}

const char *people_load_errors(const struct people_load *pl)
{
    return sb_str(&pl->errs.text);
}

/* Parses true/false, yes/no, 1/0 (case-insensitive); empty means true. */
static int parse_bool(const char *s, size_t len, int *out)
{
    static const struct {
        const char *word;
        int value;
    } words[] = {{"", 1}, {"true", 1}, {"yes", 1}, {"1", 1}, {"false", 0}, {"no", 0}, {"0", 0}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (text_ieq(words[i].word, s, len)) {
            *out = words[i].value;
            return 1;
        }
    }
    return 0;
}

enum status people_load_row(void *ctx, const struct src_row *row)
{
    struct people_load *pl = ctx;
    if (!pl->have_header) {
        pl->have_header = 1;
        pl->width = row->n;
        tab_map_header(people_cols, PC__COUNT, row, pl->map, &pl->errs);
        return ST_OK;
    }
    if (pl->errs.count > 0 && pl->map[PC_LOGIN] < 0)
        return ST_OK; /* the header is unusable; its error says so */
    int before = pl->errs.count;
    if (!tab_check_width(row, pl->width, &pl->errs))
        return ST_OK;
    const char *v[PC__COUNT];
    size_t len[PC__COUNT], k[PC__COUNT];
    for (int c = 0; c < PC__COUNT; c++)
        tab_value(row, pl->map, (size_t)c, &v[c], &len[c], &k[c], &pl->errs);
    struct person_rec rec = {.line = row->line, .active = 1};
    if (!login_valid(v[PC_LOGIN], len[PC_LOGIN]))
        tab_error(&pl->errs, row, k[PC_LOGIN],
                  "login '%.*s' must be 1-64 characters of letters, digits, '.', '_', '-', '@'",
                  (int)(len[PC_LOGIN] > 64 ? 64 : len[PC_LOGIN]), v[PC_LOGIN]);
    if (len[PC_NAME] == 0)
        tab_error(&pl->errs, row, k[PC_NAME], "name is empty");
    if (len[PC_EMAIL] &&
        (!memchr(v[PC_EMAIL], '@', len[PC_EMAIL]) || memchr(v[PC_EMAIL], ' ', len[PC_EMAIL])))
        tab_error(&pl->errs, row, k[PC_EMAIL], "email '%.*s' is not an address", (int)len[PC_EMAIL],
                  v[PC_EMAIL]);
    const char *cur = v[PC_ROLES], *end = v[PC_ROLES] + len[PC_ROLES], *item;
    size_t ilen;
    while (len[PC_ROLES] && text_next_item(&cur, end, ';', &item, &ilen)) {
        enum role r;
        if (ilen == 0)
            continue;
        if (!role_parse(item, ilen, &r))
            tab_error(&pl->errs, row, k[PC_ROLES],
                      "unknown role '%.*s' (expected owner, custodian, auditor, admin)", (int)ilen,
                      item);
        else
            rec.roles |= ROLE_BIT(r);
    }
    if (!parse_bool(v[PC_ACTIVE], len[PC_ACTIVE], &rec.active))
        tab_error(&pl->errs, row, k[PC_ACTIVE],
                  "active must be true/false, yes/no or 1/0, not '%.*s'",
                  (int)(len[PC_ACTIVE] > 20 ? 20 : len[PC_ACTIVE]), v[PC_ACTIVE]);
    long first_line;
    if (pl->errs.count == before &&
        !strmap_put(&pl->logins, v[PC_LOGIN], len[PC_LOGIN], row->line, &first_line))
        tab_error(&pl->errs, row, k[PC_LOGIN], "login '%.*s' already appears on line %ld",
                  (int)len[PC_LOGIN], v[PC_LOGIN], first_line);
    if (pl->errs.count != before)
        return ST_OK;
    if (pl->n == pl->cap) {
        pl->cap = pl->cap ? pl->cap * 2 : 32;
        pl->recs = xreallocarray(pl->recs, pl->cap, sizeof *pl->recs);
    }
    rec.login = xstrndup(v[PC_LOGIN], len[PC_LOGIN]);
    rec.name = xstrndup(v[PC_NAME], len[PC_NAME]);
    rec.email = xstrndup(v[PC_EMAIL], len[PC_EMAIL]);
    pl->recs[pl->n++] = rec;
    return ST_OK;
}

static void roles_json(unsigned roles, json_t *arr)
{
    for (int r = 0; r < ROLE__COUNT; r++)
        if (roles & ROLE_BIT(r))
            json_array_append_new(arr, json_string(role_name((enum role)r)));
}

/* Adds a {"field": [old, new]} entry to changes when old and new differ. */
static void note_change(json_t *changes, const char *field, json_t *old_v, json_t *new_v)
{
    if (json_equal(old_v, new_v)) {
        json_decref(old_v);
        json_decref(new_v);
        return;
    }
    json_object_set_new(changes, field, json_pack("[oo]", old_v, new_v));
}

static enum status people_write_one(struct store *s, const struct person_rec *r, const char *now,
                                    const char *actor, struct load_summary *sum, struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(
        s,
        "SELECT name, email, active, (SELECT group_concat(role, ',') FROM person_role x "
        "WHERE x.login = p.login) FROM person p WHERE login = ?",
        &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, r->login);
    int step = sqlite3_step(st);
    json_t *changes = json_object();
    int exists = step == SQLITE_ROW;
    unsigned old_roles = 0;
    if (exists) {
        const char *roles = store_col_text(st, 3), *end = roles + strlen(roles), *item;
        size_t len;
        enum role role;
        while (text_next_item(&roles, end, ',', &item, &len))
            if (role_parse(item, len, &role))
                old_roles |= ROLE_BIT(role);
        note_change(changes, "name", json_string(store_col_text(st, 0)), json_string(r->name));
        note_change(changes, "email", json_string(store_col_text(st, 1)), json_string(r->email));
        note_change(changes, "active", json_boolean(sqlite3_column_int(st, 2)),
                    json_boolean(r->active));
    } else if (step != SQLITE_DONE) {
        rc = store_error(s, step, "people", err);
    }
    sqlite3_finalize(st);
    if (rc != ST_OK) {
        json_decref(changes);
        return rc;
    }
    json_t * or = json_array(), *nr = json_array();
    roles_json(old_roles, or);
    roles_json(r->roles, nr);
    if (exists)
        note_change(changes, "roles", or, nr);
    else {
        json_decref(or);
        json_decref(nr);
    }
    if (exists && json_object_size(changes) == 0) {
        sum->unchanged++;
        json_decref(changes);
        return ST_OK;
    }
    rc = store_prepare(s,
                       "INSERT INTO person(login, name, email, active, created_at, updated_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT(login) DO UPDATE SET "
                       "name = ?2, email = ?3, active = ?4, updated_at = ?5",
                       &st, err);
    if (rc == ST_OK) {
        store_bind_text(st, 1, r->login);
        store_bind_text(st, 2, r->name);
        store_bind_text(st, 3, r->email);
        sqlite3_bind_int(st, 4, r->active);
        store_bind_text(st, 5, now);
        step = sqlite3_step(st);
        if (step != SQLITE_DONE)
            rc = store_error(s, step, "people", err);
        sqlite3_finalize(st);
    }
    if (rc == ST_OK && (!exists || old_roles != r->roles)) {
        rc = store_prepare(s, "DELETE FROM person_role WHERE login = ?", &st, err);
        if (rc == ST_OK) {
            store_bind_text(st, 1, r->login);
            step = sqlite3_step(st);
            if (step != SQLITE_DONE)
                rc = store_error(s, step, "people", err);
            sqlite3_finalize(st);
        }
        for (int role = 0; rc == ST_OK && role < ROLE__COUNT; role++) {
            if (!(r->roles & ROLE_BIT(role)))
                continue;
            rc = store_prepare(s, "INSERT INTO person_role(login, role) VALUES (?, ?)", &st, err);
            if (rc != ST_OK)
                break;
            store_bind_text(st, 1, r->login);
            store_bind_text(st, 2, role_name((enum role)role));
            step = sqlite3_step(st);
            if (step != SQLITE_DONE)
                rc = store_error(s, step, "people", err);
            sqlite3_finalize(st);
        }
    }
    if (rc == ST_OK) {
        json_t *data;
        if (exists) {
            data = json_pack("{so}", "changed", changes);
            changes = NULL;
            sum->updated++;
        } else {
            json_t *roles = json_array();
            roles_json(r->roles, roles);
            data = json_pack("{ss ss so sb}", "name", r->name, "email", r->email, "roles", roles,
                             "active", r->active);
            sum->added++;
        }
        rc = audit_append(s, actor, exists ? "person.updated" : "person.added", r->login, data,
                          NULL, NULL, err);
        json_decref(data);
    }
    json_decref(changes);
    return rc;
}

static enum status count_active_admins(struct store *s, int *n, struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s,
                                   "SELECT count(*) FROM person p JOIN person_role r ON "
                                   "r.login = p.login AND r.role = 'admin' WHERE p.active = 1",
                                   &st, err);
    if (rc != ST_OK)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *n = sqlite3_column_int(st, 0);
    else
        rc = store_error(s, step, "people", err);
    sqlite3_finalize(st);
    return rc;
}

enum status people_load_commit(struct people_load *pl, struct store *s, const char *actor,
                               const char *sha256, struct load_summary *sum,
                               const struct reporter *rep, struct strbuf *err)
{
    (void)rep;
    memset(sum, 0, sizeof *sum);
    if (!pl->have_header) {
        tab_error_at(&pl->errs, 1, 1, "the file is empty; expected a header line");
    }
    if (pl->errs.count > 0) {
        sb_setf(err, "%s: %d error%s; nothing was imported", pl->name, pl->errs.count,
                pl->errs.count == 1 ? "" : "s");
        return ST_BAD_DATA;
    }
    sum->rows = (int)pl->n;
    char now[TIMESTAMP_BUF];
    date_format_timestamp(clock_now(), now);
    enum status rc = store_begin(s, err);
    if (rc != ST_OK)
        return rc;
    for (size_t i = 0; rc == ST_OK && i < pl->n; i++)
        rc = people_write_one(s, &pl->recs[i], now, actor, sum, err);
    if (rc == ST_OK) {
        sqlite3_stmt *st = NULL;
        rc = store_prepare(s, "SELECT count(*) FROM person", &st, err);
        if (rc == ST_OK && sqlite3_step(st) == SQLITE_ROW)
            sum->absent = sqlite3_column_int(st, 0) - sum->rows;
        sqlite3_finalize(st);
    }
    int admins = 0;
    if (rc == ST_OK)
        rc = count_active_admins(s, &admins, err);
    if (rc == ST_OK && admins == 0) {
        sb_setf(err, "%s would leave no active admin; nothing was imported", pl->name);
        rc = ST_BAD_DATA;
    }
    if (rc == ST_OK)
        rc = tab_record_import(s, "people", pl->name, sha256, actor, sum->rows, err);
    if (rc == ST_OK) {
        json_t *data = json_pack("{ss ss si si si si si}", "file", pl->name, "sha256", sha256,
                                 "rows", sum->rows, "added", sum->added, "updated", sum->updated,
                                 "unchanged", sum->unchanged, "absent_kept", sum->absent);
        rc = audit_append(s, actor, "import.people", pl->name, data, NULL, NULL, err);
        json_decref(data);
    }
    if (rc == ST_OK)
        rc = store_commit(s, err);
    else
        store_rollback(s);
    return rc;
}

enum status people_bootstrap_admin(struct store *s, const char *login, int *created,
                                   struct strbuf *err)
{
    *created = 0;
    enum status rc = store_begin(s, err);
    if (rc != ST_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    int count = -1;
    rc = store_prepare(s, "SELECT count(*) FROM person", &st, err);
    if (rc == ST_OK && sqlite3_step(st) == SQLITE_ROW)
        count = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc == ST_OK && count == 0) {
        if (!login_valid(login, strlen(login))) {
            sb_setf(err, "cannot register '%s' as the first admin: not a valid login", login);
            rc = ST_USAGE;
        }
        char now[TIMESTAMP_BUF];
        date_format_timestamp(clock_now(), now);
        if (rc == ST_OK)
            rc = store_prepare(s,
                               "INSERT INTO person(login, name, email, active, created_at, "
                               "updated_at) VALUES (?1, ?1, '', 1, ?2, ?2)",
                               &st, err);
        if (rc == ST_OK) {
            store_bind_text(st, 1, login);
            store_bind_text(st, 2, now);
            int step = sqlite3_step(st);
            sqlite3_finalize(st);
            if (step != SQLITE_DONE)
                rc = store_error(s, step, "people", err);
        }
        if (rc == ST_OK)
            rc = store_prepare(s, "INSERT INTO person_role(login, role) VALUES (?, 'admin')", &st,
                               err);
        if (rc == ST_OK) {
            store_bind_text(st, 1, login);
            int step = sqlite3_step(st);
            sqlite3_finalize(st);
            if (step != SQLITE_DONE)
                rc = store_error(s, step, "people", err);
        }
        if (rc == ST_OK) {
            json_t *data = json_pack("{ss}", "why", "first person of a new database");
            rc = audit_append(s, login, "person.bootstrap_admin", login, data, NULL, NULL, err);
            json_decref(data);
        }
        if (rc == ST_OK)
            *created = 1;
    }
    if (rc == ST_OK)
        rc = store_commit(s, err);
    else
        store_rollback(s);
    return rc;
}
