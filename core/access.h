/* Who is acting and what they may do: roles, identity resolution against the people table, and
 * the one permission table (command or action -> roles allowed). */
#ifndef CREDENCE_CORE_ACCESS_H
#define CREDENCE_CORE_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

/* TO ADD A ROLE: add a row; schema.sql's person_role CHECK must list it too. */
#define ROLE_TABLE(_)                                                                              \
    _(OWNER, "owner")                                                                              \
    _(CUSTODIAN, "custodian")                                                                      \
    _(AUDITOR, "auditor")                                                                          \
    _(ADMIN, "admin")

enum role {
#define ROLE_ENUM_(id, name) ROLE_##id,
    ROLE_TABLE(ROLE_ENUM_)
#undef ROLE_ENUM_
        ROLE__COUNT
};

#define ROLE_BIT(r) (1u << (r))
#define ROLES_ANY   ((1u << ROLE__COUNT) - 1u)

/* "owner", ...; NULL for an invalid value. */
const char *role_name(enum role r);
/* Parses a role name (case-insensitive) from s[0..len). */
bool role_parse(const char *s, size_t len, enum role *out);
/* Writes "owner, auditor" (or "no role") for a role set into sb. */
void role_list(unsigned roles, struct strbuf *sb);

/* Logins are 1-64 bytes of [A-Za-z0-9._@-], starting with a letter, digit or '_'. */
bool login_valid(const char *s, size_t len);

struct identity {
    char *login;      /* owned */
    char *name;       /* owned */
    unsigned roles;   /* ROLE_BIT set */
    char *public_key; /* Ed25519 public key hex, or NULL; owned */
};

/* The login to act as: `claimed` (from --as) if non-NULL, else $CREDENCE_USER, else the OS
 * login. Borrowed (static or from the environment). */
const char *identity_claimed_login(const char *claimed);
/* Loads login as an active person. ST_DENIED with a message when unknown or inactive. */
enum status identity_load(struct store *s, const char *login, struct identity *out,
                          struct strbuf *err);
void identity_done(struct identity *id);

/* TO ADD A PERMISSION: one row (id, what the refusal names, roles allowed). Actions on a given
 * pool (decide) add relationship checks on top of these roles in the review engine. */
#define PERM_TABLE(_)                                                                              \
    _(IMPORT_PEOPLE, "import people", ROLE_BIT(ROLE_ADMIN))                                        \
    _(IMPORT_REGISTER, "import register", ROLE_BIT(ROLE_ADMIN))                                    \
    _(IMPORT_USAGE, "import usage", ROLE_BIT(ROLE_ADMIN))                                          \
    _(VIEW_REGISTER, "view pools", ROLES_ANY)                                                      \
    _(FINDINGS, "findings", ROLES_ANY)                                                             \
    _(DECIDE, "decide", ROLE_BIT(ROLE_OWNER) | ROLE_BIT(ROLE_CUSTODIAN) | ROLE_BIT(ROLE_ADMIN))    \
    _(CAMPAIGN_START, "campaign start", ROLE_BIT(ROLE_ADMIN))                                      \
    _(AUDIT_VERIFY, "audit verify", ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_ADMIN))                 \
    _(PUSH, "push", ROLE_BIT(ROLE_CUSTODIAN) | ROLE_BIT(ROLE_ADMIN))                               \
    _(EVIDENCE_EXPORT, "evidence export", ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_ADMIN))           \
    _(EVIDENCE_VIEW, "evidence screens", ROLES_ANY)                                                \
    _(EVIDENCE_ALL, "evidence of every campaign", ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_ADMIN))

enum perm {
#define PERM_ENUM_(id, what, roles) PERM_##id,
    PERM_TABLE(PERM_ENUM_)
#undef PERM_ENUM_
        PERM__COUNT
};

/* Roles allowed to do p. */
unsigned perm_roles(enum perm p);
/* ST_OK when who holds a role p allows; else ST_DENIED, naming the roles needed and held. */
enum status perm_check(const struct identity *who, enum perm p, struct strbuf *err);

#endif
