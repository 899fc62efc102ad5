/* Verification of one hash-chained audit event, shared by the database check and the offline
 * check of evidence packs: the body is canonical JSON that repeats the event's columns, the hash
 * is SHA-256(prev_hash || body), and an optional Ed25519 signature covers the hash. */
#ifndef CREDENCE_CORE_CHAIN_H
#define CREDENCE_CORE_CHAIN_H

#include <stdint.h>

/* One event as stored or exported; every pointer borrowed, signature/signer may be NULL. */
struct chain_event {
    int64_t seq;
    const char *at, *actor, *os_user, *event, *subject;
    const char *body;      /* canonical JSON of all the above plus data */
    const char *prev_hash; /* hex */
    const char *hash;      /* hex */
    const char *signature; /* hex Ed25519 signature over the hash text, or NULL */
    const char *signer;    /* hex Ed25519 public key, or NULL */
};

enum chain_sig { CHAIN_UNSIGNED, CHAIN_SIGNED };

/* Checks that e follows an event whose hash is prev_hash and whose seq was expect_seq - 1.
 * Returns NULL when e is intact (and sets *sig), else a static reason naming what is wrong
 * (deleted, reordered, edited, forged signature). */
const char *chain_check(const struct chain_event *e, const char *prev_hash, int64_t expect_seq,
                        enum chain_sig *sig);
/* hex SHA-256(prev || body) into out (65 bytes). */
void chain_hash(const char *prev, const char *body, char *out);
/* True when sig_hex is a valid Ed25519 signature by pub_hex over text. */
int chain_signature_valid(const char *pub_hex, const char *text, const char *sig_hex);

#endif
