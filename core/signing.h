/* Ed25519 signing keys of people: keygen writes the caller's private key to a 0600 file and
 * registers its public key on the person (audited); decisions by a person whose key file matches
 * the registered key are signed over the audit event hash. */
#ifndef CREDENCE_CORE_SIGNING_H
#define CREDENCE_CORE_SIGNING_H

#include <stdbool.h>

#include "core/audit.h"
#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

struct signing_key; /* opaque: a loaded private key */

/* $CREDENCE_SIGNING_KEY, else $XDG_CONFIG_HOME/credence/signing.key, else
 * ~/.config/credence/signing.key. Caller frees. */
char *signing_key_path(void);
/* Creates a new key at path (refused when the file exists), mode 0600 in a 0700 directory, and
 * registers its public key on login with an audit event. pub_hex (65 bytes) receives it. */
enum status signing_keygen(struct store *s, const char *login, const char *path, char *pub_hex,
                           struct strbuf *err);
/* Loads the key at path. ST_NO_INPUT when absent (*out NULL, not an error for callers that sign
 * optionally); ST_DENIED when the file is readable by group or others. */
enum status signing_key_load(const char *path, struct signing_key **out, struct strbuf *err);
void signing_key_free(struct signing_key **pp);
/* The key's public half as hex (borrowed). */
const char *signing_key_public(const struct signing_key *k);
/* An audit signer for k (borrowed for the life of k). */
struct audit_signer signing_key_signer(struct signing_key *k);

#endif
