/* Ed25519 keys through OpenSSL's EVP interface. */
#include "core/signing.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/date.h"
#include "core/xalloc.h"

struct signing_key {
    EVP_PKEY *pkey;
    char pub_hex[65];
};

char *signing_key_path(void)
{
    const char *env = getenv("CREDENCE_SIGNING_KEY");
    if (env && *env)
        return xstrdup(env);
    struct strbuf sb;
    sb_init(&sb);
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg == '/')
        sb_addf(&sb, "%s/credence/signing.key", xdg);
    else {
        const char *home = getenv("HOME");
        sb_addf(&sb, "%s/.config/credence/signing.key", home && *home ? home : ".");
    }
    return sb_steal(&sb);
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static bool public_hex(EVP_PKEY *k, char *out)
{
    unsigned char pub[32];
    size_t len = sizeof pub;
    if (EVP_PKEY_get_raw_public_key(k, pub, &len) != 1 || len != 32)
        return false;
    to_hex(pub, len, out);
    return true;
}

enum status signing_keygen(struct store *s, const char *login, const char *path, char *pub_hex,
                           struct strbuf *err)
{
    if (access(path, F_OK) == 0) {
        sb_setf(err, "%s already exists; remove it first to make a new key", path);
        return ST_USAGE;
    }
    enum status rc = store_make_parent_dirs(path, err);
    if (rc != ST_OK)
        return rc;
    EVP_PKEY *k = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &k) != 1) {
        EVP_PKEY_CTX_free(ctx);
        sb_setf(err, "cannot generate an Ed25519 key");
        return ST_INTERNAL;
    }
    EVP_PKEY_CTX_free(ctx);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f || PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) != 1 || fclose(f) != 0) {
        sb_setf(err, "%s: cannot write the key: %s", path, strerror(errno));
        if (!f && fd >= 0)
            close(fd);
        EVP_PKEY_free(k);
        unlink(path);
        return ST_IO;
    }
    public_hex(k, pub_hex);
    EVP_PKEY_free(k);
    rc = store_begin(s, err);
    if (rc != ST_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = store_prepare(s, "UPDATE person SET public_key = ?, updated_at = ? WHERE login = ?", &st,
                       err);
    if (rc == ST_OK) {
        char now[TIMESTAMP_BUF];
        date_format_timestamp(clock_now(), now);
        store_bind_text(st, 1, pub_hex);
        store_bind_text(st, 2, now);
        store_bind_text(st, 3, login);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_error(s, sqlite3_errcode(s->db), "people", err);
        sqlite3_finalize(st);
    }
    if (rc == ST_OK) {
        json_t *data = json_pack("{ss ss}", "public_key", pub_hex, "algorithm", "Ed25519");
        rc = audit_append(s, login, "person.key_registered", login, data, NULL, NULL, err);
        json_decref(data);
    }
    if (rc == ST_OK)
        rc = store_commit(s, err);
    else
        store_rollback(s);
    return rc;
}

enum status signing_key_load(const char *path, struct signing_key **out, struct strbuf *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        sb_setf(err, "%s: no signing key (credence keygen makes one)", path);
        return ST_NO_INPUT;
    }
    if (st.st_mode & 077) {
        sb_setf(err, "%s is readable by others (mode %03o); chmod 600 it before it is used", path,
                (unsigned)(st.st_mode & 0777));
        return ST_DENIED;
    }
    FILE *f = fopen(path, "r");
    EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!k || EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(k);
        sb_setf(err, "%s: not an Ed25519 private key", path);
        return ST_BAD_DATA;
    }
    struct signing_key *sk = xcalloc(1, sizeof *sk);
    sk->pkey = k;
    public_hex(k, sk->pub_hex);
    *out = sk;
    return ST_OK;
}

void signing_key_free(struct signing_key **pp)
{
    if (!pp || !*pp)
        return;
    EVP_PKEY_free((*pp)->pkey);
    free(*pp);
    *pp = NULL;
}

const char *signing_key_public(const struct signing_key *k)
{
    return k->pub_hex;
}

static bool signing_sign(void *ctx, const char *hash_hex, char *sig_hex, char *pub_hex)
{
    struct signing_key *k = ctx;
    unsigned char sig[64];
    size_t len = sizeof sig;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok =
        md && EVP_DigestSignInit(md, NULL, NULL, NULL, k->pkey) == 1 &&
        EVP_DigestSign(md, sig, &len, (const unsigned char *)hash_hex, strlen(hash_hex)) == 1 &&
        len == 64;
    EVP_MD_CTX_free(md);
    if (ok) {
        to_hex(sig, len, sig_hex);
        memcpy(pub_hex, k->pub_hex, 65);
    }
    return ok;
}

struct audit_signer signing_key_signer(struct signing_key *k)
{
    return (struct audit_signer){signing_sign, k};
}
