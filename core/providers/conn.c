/* Provider connections: base URL, secret and TLS settings from [provider NAME], shared by the
 * push engine and usage fetching. */
#include "core/providers/conn.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

/* Reads a secret from a file that only its owner may read. */
static char *secret_from_file(const char *path, char **problem)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        *problem = xstrdup("its key file cannot be read");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if ((st.st_mode & 077) != 0) {
        close(fd);
        *problem = xstrdup("its key file is readable by others (chmod 600 it)");
        return NULL;
    }
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        *problem = xstrdup("its key file is empty");
        return NULL;
    }
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    char *key = xstrdup(buf);
    memset(buf, 0, sizeof buf);
    return key;
}

static bool url_is_loopback_http(const char *url)
{
    static const char *const hosts[] = {"http://127.", "http://localhost", "http://[::1]"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
        if (strncmp(url, hosts[i], strlen(hosts[i])) == 0) {
            char c = url[strlen(hosts[i])];
            if (i == 0 || c == '\0' || c == ':' || c == '/')
                return true;
        }
    return false;
}

void prov_conn_load(struct prov_conn *c, const struct config *cfg, const char *name)
{
    memset(c, 0, sizeof *c);
    c->name = xstrdup(name);
    char section[64];
    snprintf(section, sizeof section, "provider %s", name);
    const char *url = config_get(cfg, section, strcmp(name, "webhook") == 0 ? "url" : "base_url");
    const char *key_env =
        config_get(cfg, section, strcmp(name, "webhook") == 0 ? "secret_env" : "admin_key_env");
    const char *key_file =
        config_get(cfg, section, strcmp(name, "webhook") == 0 ? "secret_file" : "admin_key_file");
    bool insecure = false;
    struct strbuf ignore;
    sb_init(&ignore);
    config_get_bool(cfg, section, "allow_insecure_http", false, &insecure, &ignore);
    double timeout = 30;
    config_get_double(cfg, section, "timeout_seconds", 30, &timeout, &ignore);
    sb_done(&ignore);
    c->timeout_s = timeout < 1 ? 1 : (long)timeout;
    const char *ca = config_get(cfg, section, "ca_bundle");
    c->ca_bundle = ca ? xstrdup(ca) : NULL;
    const char *rb = config_get(cfg, section, "readback_url");
    c->readback_url = rb ? xstrdup(rb) : NULL;
    struct strbuf why;
    sb_init(&why);
    if (!url || !*url) {
        sb_addf(&why, "[%s] %s is not set", section,
                strcmp(name, "webhook") == 0 ? "url" : "base_url");
    } else if (strncmp(url, "https://", 8) != 0 &&
               !(strncmp(url, "http://", 7) == 0 && (insecure || url_is_loopback_http(url)))) {
        sb_addf(&why,
                "[%s] %s must be https:// (plain http only to loopback, or with "
                "allow_insecure_http = true)",
                section, strcmp(name, "webhook") == 0 ? "url" : "base_url");
    } else {
        c->base_url = xstrdup(url);
        size_t len = strlen(c->base_url);
        while (len && c->base_url[len - 1] == '/' && strcmp(name, "webhook") != 0)
            c->base_url[--len] = '\0';
        if (key_env && *key_env) {
            const char *v = getenv(key_env);
            if (v && *v)
                c->key = xstrdup(v);
            else
                sb_addf(&why, "environment variable %s (from [%s]) is empty", key_env, section);
        } else if (key_file && *key_file) {
            char *problem = NULL;
            c->key = secret_from_file(key_file, &problem);
            if (!c->key) {
                sb_addf(&why, "[%s] admin key: %s", section, problem);
                free(problem);
            }
        } else {
            sb_addf(&why, "[%s] names no %s", section,
                    strcmp(name, "webhook") == 0 ? "secret_env or secret_file"
                                                 : "admin_key_env or admin_key_file");
        }
    }
    if (why.len)
        c->problem = sb_steal(&why);
    sb_done(&why);
}

void prov_conn_done(struct prov_conn *c)
{
    if (c->key) {
        memset(c->key, 0, strlen(c->key));
        free(c->key);
    }
    free(c->name);
    free(c->base_url);
    free(c->readback_url);
    free(c->ca_bundle);
    free(c->problem);
}

void prov_conn_curl(void *easy, const struct prov_conn *c)
{
    CURL *h = easy;
    curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->timeout_s < 10 ? c->timeout_s : 10L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L); /* never off */
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    if (c->ca_bundle)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_bundle);
}
