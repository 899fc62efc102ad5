/* Audit log append and verification. */
#include "core/audit.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/date.h"
#include "core/chain.h"
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
    chain_hash(prev, body, out);
}

enum status audit_append(struct store *s, const char *actor, const char *event, const char *subject,
                         json_t *data, int64_t *seq_out, char *hash_out, struct strbuf *err)
{
    return audit_append_signed(s, actor, event, subject, data, NULL, seq_out, hash_out, err);
}

enum status audit_append_signed(struct store *s, const char *actor, const char *event,
                                const char *subject, json_t *data,
                                const struct audit_signer *signer, int64_t *seq_out, char *hash_out,
                                struct strbuf *err)
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
    char sig[129] = "", pub[65] = "";
    if (signer && !signer->sign(signer->ctx, hash, sig, pub)) {
        free(body);
        sb_setf(err, "could not sign the audit event with the signing key");
        return ST_CONFIG;
    }

    rc = store_prepare(s,
                       "INSERT INTO audit_event(seq, at, actor, os_user, event, subject, body, "
                       "prev_hash, hash, signature, signer) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
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
        store_bind_text(st, 10, signer ? sig : NULL);
        store_bind_text(st, 11, signer ? pub : NULL);
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
    json_t *keys = json_object(); /* login -> public key registered so far in the chain */
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cols[11];
        for (int c = 1; c < 11; c++)
            cols[c] = sqlite3_column_type(st, c) == SQLITE_NULL ? NULL : store_col_text(st, c);
        struct chain_event e = {.seq = sqlite3_column_int64(st, 0),
                                .at = cols[1],
                                .actor = cols[2],
                                .os_user = cols[3],
                                .event = cols[4],
                                .subject = cols[5],
                                .body = cols[6],
                                .prev_hash = cols[7],
                                .hash = cols[8],
                                .signature = cols[9],
                                .signer = cols[10]};
        enum chain_sig sig = CHAIN_UNSIGNED;
        const char *why = chain_check(&e, prev, expect, &sig);
        if (!why && sig == CHAIN_SIGNED) {
            const char *registered = json_string_value(json_object_get(keys, e.actor));
            if (!registered || strcmp(registered, e.signer) != 0)
                why = "it is signed with a key not registered to its actor";
        }
        if (why) {
            res->bad_seq = e.seq;
            sb_setf(err, "audit chain broken at seq %lld: %s", (long long)e.seq, why);
            sqlite3_finalize(st);
            json_decref(keys);
            return ST_TAMPERED;
        }
        if (strcmp(e.event, "person.key_registered") == 0) {
            json_error_t jerr;
            json_t *body = json_loads(e.body, 0, &jerr);
            const char *key =
                json_string_value(json_object_get(json_object_get(body, "data"), "public_key"));
            if (key)
                json_object_set_new(keys, e.subject, json_string(key));
            json_decref(body);
        }
        if (sig == CHAIN_SIGNED)
            res->signed_ok++;
        else
            res->unsigned_n++;
        snprintf(prev, sizeof prev, "%s", e.hash);
        res->events++;
        expect = e.seq + 1;
    }
    sqlite3_finalize(st);
    json_decref(keys);
    if (step != SQLITE_DONE)
        return store_error(s, step, "audit", err);
    memcpy(res->head_hash, prev, sizeof prev);
    return ST_OK;
}
