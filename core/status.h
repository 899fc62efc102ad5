/* Status codes of every recoverable core operation, generated from one table. */
#ifndef CREDENCE_CORE_STATUS_H
#define CREDENCE_CORE_STATUS_H

/* TO ADD A STATUS: add one row here; the name, message and sysexits code come from it.
 * Columns: name, short message, exit code (sysexits.h, DESIGN.md section 5). */
#define STATUS_TABLE(_)                                                                            \
    _(OK, "ok", 0)                                                                                 \
    _(USAGE, "usage error", 64)                                                                    \
    _(BAD_DATA, "bad input data", 65)                                                              \
    _(NOT_FOUND, "not found", 65)                                                                  \
    _(TAMPERED, "audit chain broken", 65)                                                          \
    _(NO_INPUT, "cannot open input file", 66)                                                      \
    _(PROVIDER_DOWN, "provider unavailable", 69)                                                   \
    _(INTERNAL, "internal error", 70)                                                              \
    _(IO, "input/output error", 74)                                                                \
    _(DB_BUSY, "database is busy", 75)                                                             \
    _(TEMP_FAIL, "temporary failure", 75)                                                          \
    _(DENIED, "permission denied", 77)                                                             \
    _(CONFIG, "bad configuration", 78)                                                             \
    _(DB_VERSION, "database is newer than this credence", 78)

enum status {
#define STATUS_ENUM_(name, msg, code) ST_##name,
    STATUS_TABLE(STATUS_ENUM_)
#undef STATUS_ENUM_
        ST__COUNT
};

/* Static message for a status ("database is busy"); never NULL. */
const char *status_message(enum status st);
/* The sysexits.h exit code the CLI uses for this status. */
int status_exit_code(enum status st);

#endif
