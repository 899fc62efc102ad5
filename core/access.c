/* Identity resolution and the permission table. */
#include "core/access.h"

#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/text.h"
#include "core/xalloc.h"

static const char *const role_names[ROLE__COUNT] = {
#define ROLE_NAME_(id, name) [ROLE_##id] = name,
    ROLE_TABLE(ROLE_NAME_)
#undef ROLE_NAME_
};

static const struct {
    const char *what;
    unsigned roles;
} perm_rows[PERM__COUNT] = {
#define PERM_ROW_(id, what, roles) [PERM_##id] = {what, roles},
    PERM_TABLE(PERM_ROW_)
#undef PERM_ROW_
};

const char *role_name(enum role r)
{
    return (unsigned)r < ROLE__COUNT ? role_names[r] : NULL;
}

bool role_parse(const char *s, size_t len, enum role *out)
{
    for (int r = 0; r < ROLE__COUNT; r++) {
        if (text_ieq(role_names[r], s, len)) {
            *out = (enum role)r;
            return true;
        }
    }
    return false;
}

void role_list(unsigned roles, struct strbuf *sb)
{
    int n = 0;
    for (int r = 0; r < ROLE__COUNT; r++)
        if (roles & ROLE_BIT(r))
            sb_addf(sb, "%s%s", n++ ? ", " : "", role_names[r]);
    if (!n)
        sb_adds(sb, "no role");
}

bool login_valid(const char *s, size_t len)
{
    if (len == 0 || len > 64)
        return false;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
          (s[0] >= '0' && s[0] <= '9') || s[0] == '_'))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@'))
            return false;
    }
    return true;
}

const char *identity_claimed_login(const char *claimed)
{
    if (claimed && *claimed)
        return claimed;
    const char *env = getenv("CREDENCE_USER");
    if (env && *env)
        return env;
    return audit_os_user();
}

enum status identity_load(struct store *s, const char *login, struct identity *out,
                          struct strbuf *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    enum status rc =
        store_prepare(s,
                      "SELECT p.name, p.active, p.public_key, "
                      "(SELECT group_concat(role, ',') FROM person_role r WHERE r.login = p.login) "
                      "FROM person p WHERE p.login = ?",
                      &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, login);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        if (!sqlite3_column_int(st, 1)) {
            sb_setf(err, "'%s' is not an active person in the register", login);
            rc = ST_DENIED;
        } else {
            out->login = xstrdup(login);
            out->name = xstrdup(store_col_text(st, 0));
            if (sqlite3_column_type(st, 2) != SQLITE_NULL)
                out->public_key = xstrdup(store_col_text(st, 2));
            const char *roles = store_col_text(st, 3);
            const char *end = roles + strlen(roles);
            const char *item;
            size_t len;
            enum role r;
            while (text_next_item(&roles, end, ',', &item, &len))
                if (role_parse(item, len, &r))
                    out->roles |= ROLE_BIT(r);
        }
    } else if (step == SQLITE_DONE) {
        sb_setf(err,
                "'%s' is not a person in the register (import people, or act as someone else with "
                "--as or CREDENCE_USER)",
                login);
        rc = ST_DENIED;
    } else {
        rc = store_error(s, step, "people", err);
    }
    sqlite3_finalize(st);
    return rc;
}

void identity_done(struct identity *id)
{
    free(id->login);
    free(id->name);
    free(id->public_key);
    memset(id, 0, sizeof *id);
}

unsigned perm_roles(enum perm p)
{
    return (unsigned)p < PERM__COUNT ? perm_rows[p].roles : 0;
}

enum status perm_check(const struct identity *who, enum perm p, struct strbuf *err)
{
    unsigned need = perm_roles(p);
    if (who->roles & need)
        return ST_OK;
    struct strbuf a, b;
    sb_init(&a);
    sb_init(&b);
    role_list(need, &a);
    role_list(who->roles, &b);
    bool one = (need & (need - 1)) == 0;
    sb_setf(err, "%s needs %s%s%s; %s has %s", perm_rows[p].what,
            one ? "the " : "one of the roles ", sb_str(&a), one ? " role" : "", who->login,
            sb_str(&b));
    sb_done(&a);
    sb_done(&b);
    return ST_DENIED;
}
