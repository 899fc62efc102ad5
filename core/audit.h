/* The tamper-evident audit log: append-only events chained by SHA-256. Each event's body is the
 * canonical JSON (sorted keys, no insignificant whitespace) of all its fields; its hash is
 * SHA-256(prev_hash || body). Verification recomputes the chain from the first event. */
#ifndef CREDENCE_CORE_AUDIT_H
#define CREDENCE_CORE_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

#define AUDIT_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* Appends an event inside the caller's open transaction. data is borrowed (may be NULL for {}).
 * Amounts in data should be decimal strings, never JSON reals, so bodies are byte-stable.
 * On success *seq_out (may be NULL) receives the event's seq and hash_out (may be NULL, 65 bytes)
 * its hash. */
enum status audit_append(struct store *s, const char *actor, const char *event, const char *subject,
                         json_t *data, int64_t *seq_out, char *hash_out, struct strbuf *err);

/* Signs an event hash: fills sig_hex (129 bytes) and pub_hex (65 bytes); returns false when it
 * cannot (the event is then refused). */
struct audit_signer {
    bool (*sign)(void *ctx, const char *hash_hex, char *sig_hex, char *pub_hex);
    void *ctx;
};

/* audit_append with an Ed25519 signature over the event hash when signer is non-NULL. */
enum status audit_append_signed(struct store *s, const char *actor, const char *event,
                                const char *subject, json_t *data,
                                const struct audit_signer *signer, int64_t *seq_out, char *hash_out,
                                struct strbuf *err);

/* Canonical JSON text of v (sorted keys, compact, UTF-8 kept); caller frees. */
char *audit_canonical_json(const json_t *v);

/* Login of the operating-system user running this process (recorded beside the claimed actor so
 * an identity taken with --as is visible); borrowed, static storage. */
const char *audit_os_user(void);

struct audit_verify_result {
    int64_t events;     /* events checked */
    int64_t signed_ok;  /* events with a valid signature */
    int64_t unsigned_n; /* events without a signature */
    int64_t bad_seq;    /* first broken seq, or 0 when intact */
    char head_hash[65]; /* hash of the last event (genesis hash when empty) */
};

/* Recomputes the whole chain. ST_OK when intact; ST_TAMPERED with err naming the first bad
 * seq and what is wrong (edited body, broken link, gap or reordering, bad signature). */
enum status audit_verify(struct store *s, struct audit_verify_result *res, struct strbuf *err);

#endif
