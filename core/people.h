/* Loading the people file (login,name,email,roles,active): validate every row first, then upsert
 * all of them in one transaction with an audit event per change. */
#ifndef CREDENCE_CORE_PEOPLE_H
#define CREDENCE_CORE_PEOPLE_H

#include "core/report.h"
#include "core/store.h"
#include "core/usage.h"

struct people_load;

struct load_summary {
    int rows;      /* data rows read */
    int added;     /* new records */
    int updated;   /* changed records */
    int unchanged; /* identical records */
    int absent;    /* in the database but not in the file (kept, or retired with prune) */
    int retired;   /* absent records retired by --prune */
    int warnings;  /* non-fatal remarks passed to the reporter */
};

/* A loader for file `name` (used in messages). Caller frees with people_load_free. */
struct people_load *people_load_new(const char *name);
void people_load_free(struct people_load **pp);
/* Row callback (ctx is the loader): the first row is the header. Validation problems are
 * collected, never returned; returns ST_OK unless something internal fails. */
enum status people_load_row(void *ctx, const struct src_row *row);
/* Number of validation errors and their located text (one per line, at most 50). */
int people_load_error_count(const struct people_load *pl);
const char *people_load_errors(const struct people_load *pl);
/* Writes everything in one transaction: ST_BAD_DATA (nothing written) when any row was invalid
 * or the result would leave no active admin. sha256 identifies the file in the import record. */
enum status people_load_commit(struct people_load *pl, struct store *s, const char *actor,
                               const char *sha256, struct load_summary *sum,
                               const struct reporter *rep, struct strbuf *err);

/* Registers `login` as an active admin when the people table is empty (first run of init).
 * Returns ST_OK and sets *created when it did. Runs its own transaction. */
enum status people_bootstrap_admin(struct store *s, const char *login, int *created,
                                   struct strbuf *err);

#endif
