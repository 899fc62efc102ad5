/* A provider connection from config.ini [provider NAME]: base_url (https, or http to loopback
 * unless allow_insecure_http), the admin key from admin_key_env or a 0600 admin_key_file (the
 * webhook: url, secret_env or secret_file, readback_url), timeout_seconds and ca_bundle. */
#ifndef CREDENCE_CORE_PROVIDERS_CONN_H
#define CREDENCE_CORE_PROVIDERS_CONN_H

#include <curl/curl.h>
#include <stdbool.h>

#include "core/config.h"

struct prov_conn {
    char *name;         /* provider name; owned */
    char *base_url;     /* owned */
    char *readback_url; /* webhook only; owned, may be NULL */
    char *key;          /* secret; owned, wiped on free */
    char *ca_bundle;    /* owned, may be NULL */
    long timeout_s;
    char *problem; /* why it cannot be used; owned, NULL when usable */
    bool reported; /* the problem was reported */
};

/* Fills c from cfg; on any problem c->problem says what (c is still to be freed). */
void prov_conn_load(struct prov_conn *c, const struct config *cfg, const char *name);
void prov_conn_done(struct prov_conn *c);
/* Applies timeouts and TLS settings (verification always on) to a CURL easy handle. */
void prov_conn_curl(void *easy, const struct prov_conn *c);

#endif
