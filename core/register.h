/* Loading the entitlement register (one pool per row): validate every row first, then upsert
 * all pools in one transaction with an audit event per change; pools absent from the file are
 * reported and, with prune, retired. */
#ifndef CREDENCE_CORE_REGISTER_H
#define CREDENCE_CORE_REGISTER_H

#include <stdbool.h>

#include "core/people.h"
#include "core/report.h"
#include "core/store.h"
#include "core/usage.h"

struct register_load;

/* A loader for file `name` (used in messages). Caller frees with register_load_free. */
struct register_load *register_load_new(const char *name);
void register_load_free(struct register_load **pp);
/* Row callback (ctx is the loader); the first row is the header. Collects problems. */
enum status register_load_row(void *ctx, const struct src_row *row);
int register_load_error_count(const struct register_load *rl);
/* Located errors, one per line, at most 50. Borrowed. */
const char *register_load_errors(const struct register_load *rl);
/* Writes all pools in one transaction (nothing when any row is invalid: ST_BAD_DATA). Warnings
 * (unknown or inactive owners, keys bound to several pools) go to rep. Absent pool ids are
 * reported through rep; prune retires them. */
enum status register_load_commit(struct register_load *rl, struct store *s, const char *actor,
                                 const char *sha256, bool prune, struct load_summary *sum,
                                 const struct reporter *rep, struct strbuf *err);

#endif
