/* Status table lookups. */
#include "core/status.h"

static const struct {
    const char *message;
    int exit_code;
} status_rows[ST__COUNT] = {
#define STATUS_ROW_(name, msg, code) [ST_##name] = {msg, code},
    STATUS_TABLE(STATUS_ROW_)
#undef STATUS_ROW_
};

const char *status_message(enum status st)
{
    return (unsigned)st < ST__COUNT ? status_rows[st].message : "unknown status";
}

int status_exit_code(enum status st)
{
    return (unsigned)st < ST__COUNT ? status_rows[st].exit_code : 70;
}
