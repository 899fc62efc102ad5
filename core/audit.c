/* Audit log append and verification. */
#include "core/audit.h"

#include <openssl/evp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/date.h"
#include "core/hash.h"

char *audit_canonical_json(const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!s)
        abort(); /* only on out of memory or invalid UTF-8 that jansson itself refused earlier */
    return s;
}

const char *audit_os_user(void)
{
    static char name[64];
    if (name[0])
        return name;
    struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name && *pw->pw_name)
        snprintf(name, sizeof name, "%s", pw->pw_name);
    else
        snprintf(name, sizeof name, "uid:%ld", (long)geteuid());
    return name;
}

/* Builds the canonical body of an event from its fields. Caller frees. */
static char *audit_body(int64_t seq, const char *at, const char *actor, const char *os_user,
                        const char *event, const char *subject, json_t *data, int fixed)
{
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer(seq));
    json_object_set_new(o, "at", json_string(at));
    json_object_set_new(o, "actor", json_string(actor));
    json_object_set_new(o, "os_user", json_string(os_user));
    json_object_set_new(o, "event", json_string(event));
    json_object_set_new(o, "subject", json_string(subject));
    if (data)
        json_object_set(o, "data", data);
    else
        json_object_set_new(o, "data", json_object());
    if (fixed)
        json_object_set_new(o, "clock", json_string("fixed"));
    char *s = audit_canonical_json(o);
    json_decref(o);
    return s;
}

static void audit_chain_hash(const char *prev, const char *body, char *out)
{
    struct sha256_ctx *c = sha256_new();
    sha256_add(c, prev, strlen(prev));
    sha256_add(c, body, strlen(body));
    sha256_finish(c, out);
}

enum status audit_append(struct store *s, const char *actor, const char *event, const char *subject,
                         json_t *data, int64_t *seq_out, char *hash_out, struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    char prev[65] = AUDIT_GENESIS_HASH;
    int64_t seq = 1;
    enum status rc =
        store_prepare(s, "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1", &st, err);
    if (rc != ST_OK)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        seq = sqlite3_column_int64(st, 0) + 1;
        snprintf(prev, sizeof prev, "%s", store_col_text(st, 1));
    } else if (step != SQLITE_DONE) {
        rc = store_error(s, step, "audit", err);
    }
    sqlite3_finalize(st);
    if (rc != ST_OK)
        return rc;

    char at[TIMESTAMP_BUF];
    date_format_timestamp(clock_now(), at);
    const char *os_user = audit_os_user();
    json_t *empty = data ? NULL : json_object();
    char *body =
        audit_body(seq, at, actor, os_user, event, subject, data ? data : empty, clock_is_fixed());
    json_decref(empty);
    char hash[65];
    audit_chain_hash(prev, body, hash);

    rc = store_prepare(s,
                       "INSERT INTO audit_event(seq, at, actor, os_user, event, subject, body, "
                       "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
                       &st, err);
    if (rc == ST_OK) {
        sqlite3_bind_int64(st, 1, seq);
        store_bind_text(st, 2, at);
        store_bind_text(st, 3, actor);
        store_bind_text(st, 4, os_user);
        store_bind_text(st, 5, event);
        store_bind_text(st, 6, subject);
        store_bind_text(st, 7, body);
        store_bind_text(st, 8, prev);
        store_bind_text(st, 9, hash);
        step = sqlite3_step(st);
        if (step != SQLITE_DONE)
            rc = store_error(s, step, "audit", err);
        sqlite3_finalize(st);
    }
    free(body);
    if (rc == ST_OK) {
        if (seq_out)
            *seq_out = seq;
        if (hash_out)
            memcpy(hash_out, hash, 65);
    }
    return rc;
}

static int hex_decode(const char *hex, unsigned char *out, size_t n)
{
    if (strlen(hex) != 2 * n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = hex[2 * i + (size_t)k];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= (unsigned)(c - 'a' + 10);
            else
                return 0;
        }
        out[i] = (unsigned char)v;
    }
    return 1;
}

/* Ed25519 signature (hex) by public key (hex) over the event hash text. */
static int audit_signature_valid(const char *pub_hex, const char *hash, const char *sig_hex)
{
    unsigned char pub[32], sig[64];
    if (!hex_decode(pub_hex, pub, sizeof pub) || !hex_decode(sig_hex, sig, sizeof sig))
        return 0;
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = key && md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
             EVP_DigestVerify(md, sig, sizeof sig, (const unsigned char *)hash, strlen(hash)) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    return ok;
}

/* Checks that the columns of a row say what its body says. Returns a static reason or NULL. */
static const char *audit_row_mismatch(sqlite3_stmt *st, json_t *body)
{
    static const struct {
        const char *key;
        int col;
    } fields[] = {{"at", 1}, {"actor", 2}, {"os_user", 3}, {"event", 4}, {"subject", 5}};
    json_t *seq = json_object_get(body, "seq");
    if (!json_is_integer(seq) || json_integer_value(seq) != sqlite3_column_int64(st, 0))
        return "the seq column differs from the signed body";
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = json_string_value(json_object_get(body, fields[i].key));
        if (!v || strcmp(v, store_col_text(st, fields[i].col)) != 0)
            return "a column differs from the event body (edited)";
    }
    return NULL;
}

enum status audit_verify(struct store *s, struct audit_verify_result *res, struct strbuf *err)
{
    memset(res, 0, sizeof *res);
    snprintf(res->head_hash, sizeof res->head_hash, "%s", AUDIT_GENESIS_HASH);
    sqlite3_stmt *st = NULL;
    enum status rc =
        store_prepare(s,
                      "SELECT seq, at, actor, os_user, event, subject, body, "
                      "prev_hash, hash, signature, signer FROM audit_event ORDER BY seq",
                      &st, err);
    if (rc != ST_OK)
        return rc;
    char prev[65] = AUDIT_GENESIS_HASH;
    int64_t expect = 1;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        const char *body = store_col_text(st, 6);
        const char *why = NULL;
        char hash[65];
        json_error_t jerr;
        json_t *doc = json_loads(body, JSON_REJECT_DUPLICATES, &jerr);
        if (seq != expect)
            why = seq > expect ? "events are missing before it (deleted)" : "sequence out of order";
        else if (strcmp(prev, store_col_text(st, 7)) != 0)
            why = "its prev_hash does not match the previous event (deleted or reordered)";
        else if (!doc)
            why = "its body is not valid JSON (edited)";
        else if ((why = audit_row_mismatch(st, doc)) != NULL)
            ;
        else {
            char *canon = audit_canonical_json(doc);
            if (strcmp(canon, body) != 0)
                why = "its body is not canonical JSON (edited)";
            free(canon);
            if (!why) {
                audit_chain_hash(prev, body, hash);
                if (strcmp(hash, store_col_text(st, 8)) != 0)
                    why = "its hash does not match its body (edited)";
            }
        }
        json_decref(doc);
        if (why) {
            res->bad_seq = seq;
            sb_setf(err, "audit chain broken at seq %lld: %s", (long long)seq, why);
            sqlite3_finalize(st);
            return ST_TAMPERED;
        }
        if (sqlite3_column_type(st, 9) == SQLITE_NULL) {
            res->unsigned_n++;
        } else if (!audit_signature_valid(store_col_text(st, 10), hash, store_col_text(st, 9))) {
            res->bad_seq = seq;
            sb_setf(err, "audit chain broken at seq %lld: its signature does not verify",
                    (long long)seq);
            sqlite3_finalize(st);
            return ST_TAMPERED;
        } else {
            res->signed_ok++;
        }
        memcpy(prev, hash, sizeof prev);
        res->events++;
        expect = seq + 1;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return store_error(s, step, "audit", err);
    memcpy(res->head_hash, prev, sizeof prev);
    return ST_OK;
}
