/* Hash-chain event checks (see chain.h). */
#include "core/chain.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/hash.h"

void chain_hash(const char *prev, const char *body, char *out)
{
    struct sha256_ctx *c = sha256_new();
    sha256_add(c, prev, strlen(prev));
    sha256_add(c, body, strlen(body));
    sha256_finish(c, out);
}

static int hex_decode(const char *hex, unsigned char *out, size_t n)
{
    if (!hex || strlen(hex) != 2 * n)
        return 0;
    for (size_t i = 0; i < 2 * n; i++) {
        char c = hex[i];
        unsigned v = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                                            : 16u;
        if (v > 15)
            return 0;
        out[i / 2] = (unsigned char)(i % 2 ? (out[i / 2] << 4) | v : v);
    }
    return 1;
}

int chain_signature_valid(const char *pub_hex, const char *text, const char *sig_hex)
{
    unsigned char pub[32], sig[64];
    if (!hex_decode(pub_hex, pub, sizeof pub) || !hex_decode(sig_hex, sig, sizeof sig))
        return 0;
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = key && md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
             EVP_DigestVerify(md, sig, sizeof sig, (const unsigned char *)text, strlen(text)) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    return ok;
}

const char *chain_check(const struct chain_event *e, const char *prev_hash, int64_t expect_seq,
                        enum chain_sig *sig)
{
    if (e->seq != expect_seq)
        return e->seq > expect_seq ? "events are missing before it (deleted)"
                                   : "sequence out of order";
    if (!e->prev_hash || strcmp(prev_hash, e->prev_hash) != 0)
        return "its prev_hash does not match the previous event (deleted or reordered)";
    json_error_t jerr;
    json_t *doc = e->body ? json_loads(e->body, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (!doc)
        return "its body is not valid JSON (edited)";
    const char *why = NULL;
    json_t *seq = json_object_get(doc, "seq");
    const struct {
        const char *key, *value;
    } fields[] = {{"at", e->at},
                  {"actor", e->actor},
                  {"os_user", e->os_user},
                  {"event", e->event},
                  {"subject", e->subject}};
    if (!json_is_integer(seq) || json_integer_value(seq) != e->seq)
        why = "the seq differs from the hashed body (edited)";
    for (size_t i = 0; !why && i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = json_string_value(json_object_get(doc, fields[i].key));
        if (!v || !fields[i].value || strcmp(v, fields[i].value) != 0)
            why = "a field differs from the hashed body (edited)";
    }
    if (!why) {
        char *canon = audit_canonical_json(doc);
        if (strcmp(canon, e->body) != 0)
            why = "its body is not canonical JSON (edited)";
        free(canon);
    }
    json_decref(doc);
    if (why)
        return why;
    char hash[65];
    chain_hash(prev_hash, e->body, hash);
    if (!e->hash || strcmp(hash, e->hash) != 0)
        return "its hash does not match its body (edited)";
    if (!e->signature || !*e->signature) {
        *sig = CHAIN_UNSIGNED;
        return NULL;
    }
    if (!chain_signature_valid(e->signer, e->hash, e->signature))
        return "its signature does not verify (forged or edited)";
    *sig = CHAIN_SIGNED;
    return NULL;
}
