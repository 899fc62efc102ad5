/* Usage fetching over libcurl (sequential pages; the push engine's connection settings). */
#include "core/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/date.h"
#include "core/providers/conn.h"
#include "core/providers/provider.h"
#include "core/xalloc.h"

enum paging { PAGE_NEXT, PAGE_NONE }; /* next_page cursors, or one answer */

/* TO ADD A REPORT: one row (provider, kind, path with a %s for the time window, cursor name). */
static const struct fetch_report {
    const char *provider, *kind;
    const char *path;      /* endpoint */
    const char *from, *to; /* names of the window parameters */
    const char *rest;      /* the other query parameters */
    bool unix_time;        /* window as Unix seconds, else RFC 3339 / dates */
    enum paging paging;
    const char *cursor_param;
} fetch_reports[] = {
    {"openai", "usage-completions", "/v1/organization/usage/completions", "start_time", "end_time",
     "&bucket_width=1d&limit=31&group_by=project_id&group_by=api_key_id&group_by=model", true,
     PAGE_NEXT, "page"},
    {"openai", "usage-embeddings", "/v1/organization/usage/embeddings", "start_time", "end_time",
     "&bucket_width=1d&limit=31&group_by=project_id&group_by=api_key_id&group_by=model", true,
     PAGE_NEXT, "page"},
    {"openai", "costs", "/v1/organization/costs", "start_time", "end_time",
     "&bucket_width=1d&limit=180&group_by=project_id&group_by=api_key_id&group_by=line_item", true,
     PAGE_NEXT, "page"},
    {"anthropic", "usage", "/v1/organizations/usage_report/messages", "starting_at", "ending_at",
     "&bucket_width=1d&limit=31&group_by[]=api_key_id&group_by[]=workspace_id&group_by[]=model",
     false, PAGE_NEXT, "page"},
    {"anthropic", "cost", "/v1/organizations/cost_report", "starting_at", "ending_at",
     "&bucket_width=1d&limit=31&group_by[]=workspace_id&group_by[]=description", false, PAGE_NEXT,
     "page"},
    {"litellm", "spend-logs", "/spend/logs", "start_date", "end_date", "&summarize=false", false,
     PAGE_NONE, NULL},
};
static size_t fetch_write(char *p, size_t size, size_t n, void *ud)
{
    struct strbuf *sb = ud;
    if (sb->len < (256u << 20))
        sb_add(sb, p, size * n);
    return size * n;
}

/* One GET; *body receives the parsed JSON (new reference). */
static enum status fetch_get(const struct prov_conn *c, const struct provider_ops *ops,
                             const char *url, json_t **body, struct strbuf *err)
{
    CURL *h = curl_easy_init();
    if (!h)
        abort();
    struct strbuf resp;
    sb_init(&resp);
    struct curl_slist *hdrs = ops->auth_headers(NULL, c->key, false, NULL);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fetch_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
    prov_conn_curl(h, c);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    enum status st = ST_OK;
    *body = NULL;
    if (rc != CURLE_OK) {
        sb_setf(err, "%s: %s", c->name, curl_easy_strerror(rc));
        st = ST_PROVIDER_DOWN;
    } else if (status < 200 || status > 299) {
        char *msg = prov_error_message(status, sb_str(&resp));
        sb_setf(err, "%s: %s", c->name, msg);
        free(msg);
        st = status >= 500 || status == 429 || status == 408 ? ST_PROVIDER_DOWN : ST_BAD_DATA;
    } else {
        json_error_t jerr;
        *body = json_loads(sb_str(&resp), 0, &jerr);
        if (!*body) {
            sb_setf(err, "%s: the answer is not JSON (%s)", c->name, jerr.text);
            st = ST_BAD_DATA;
        }
    }
    sb_done(&resp);
    return st;
}

static void window(const struct fetch_report *r, int32_t day, char *out, size_t cap)
{
    char d[DATE_BUF];
    if (r->unix_time)
        snprintf(out, cap, "%lld", (long long)day * 86400);
    else if (strcmp(r->provider, "litellm") == 0)
        snprintf(out, cap, "%s", date_format(day, d));
    else
        snprintf(out, cap, "%sT00:00:00Z", date_format(day, d));
}

static enum status save_pages(const char *dir, const char *provider, const char *kind,
                              int32_t since, int32_t until, json_t *pages, char **path,
                              struct strbuf *err)
{
    char a[DATE_BUF], b[DATE_BUF], now[TIMESTAMP_BUF];
    date_format_timestamp(clock_now(), now);
    for (char *p = now; *p; p++)
        if (*p == ':')
            *p = '-';
    struct strbuf sb;
    sb_init(&sb);
    char *text = json_dumps(pages, JSON_INDENT(1) | JSON_SORT_KEYS);
    int fd = -1;
    /* never overwrite earlier pages: they are evidence */
    for (int k = 1; fd < 0 && k < 1000; k++) {
        sb_reset(&sb);
        sb_addf(&sb, "%s/%s-%s-%s-%s-%s", dir, provider, kind, date_format(since, a),
                date_format(until, b), now);
        if (k > 1)
            sb_addf(&sb, "-%d", k);
        sb_adds(&sb, ".json");
        fd = open(sb_str(&sb), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    size_t len = strlen(text);
    bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    free(text);
    if (!ok) {
        sb_setf(err, "%s: cannot write: %s", sb_str(&sb), strerror(errno));
        sb_done(&sb);
        return ST_IO;
    }
    *path = sb_steal(&sb);
    return ST_OK;
}

enum status fetch_pages(const struct config *cfg, const char *provider, int32_t since,
                        int32_t until, const char *dir, struct fetch_saved **saved, size_t *n,
                        const struct reporter *rep, struct strbuf *err)
{
    *saved = NULL;
    *n = 0;
    const struct provider_ops *ops = provider_find(provider);
    if (!ops || strcmp(provider, "webhook") == 0) {
        sb_setf(err, "fetch knows openai, anthropic and litellm, not '%s'", provider);
        return ST_USAGE;
    }
    struct prov_conn c;
    prov_conn_load(&c, cfg, provider);
    if (c.problem) {
        sb_setf(err, "provider %s: %s", provider, c.problem);
        prov_conn_done(&c);
        return ST_CONFIG;
    }
    struct strbuf probe;
    sb_init(&probe);
    sb_addf(&probe, "%s/x", dir);
    enum status st = store_make_parent_dirs(sb_str(&probe), err);
    sb_done(&probe);
    if (st == ST_OK && curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        sb_setf(err, "cannot initialise libcurl");
        st = ST_INTERNAL;
    }
    for (size_t i = 0; st == ST_OK && i < sizeof fetch_reports / sizeof fetch_reports[0]; i++) {
        const struct fetch_report *r = &fetch_reports[i];
        if (strcmp(r->provider, provider) != 0)
            continue;
        char s1[40], s2[40], q[1024];
        window(r, since, s1, sizeof s1);
        window(r, until, s2, sizeof s2);
        snprintf(q, sizeof q, "%s?%s=%s&%s=%s%s", r->path, r->from, s1, r->to, s2, r->rest);
        json_t *pages = json_array();
        char *cursor = NULL;
        for (int page = 0; st == ST_OK && page < 1000; page++) {
            struct strbuf url;
            sb_init(&url);
            sb_addf(&url, "%s%s", c.base_url, q);
            if (cursor) {
                char *esc = prov_url_escape(cursor);
                sb_addf(&url, "&%s=%s", r->cursor_param, esc);
                free(esc);
            }
            json_t *body = NULL;
            st = fetch_get(&c, ops, sb_str(&url), &body, err);
            sb_done(&url);
            free(cursor);
            cursor = NULL;
            if (st != ST_OK)
                break;
            report_info(rep, "%s %s: page %d", provider, r->kind, page + 1);
            if (r->paging == PAGE_NONE) {
                json_decref(pages);
                pages = body; /* one answer: the rows themselves */
                break;
            }
            json_array_append_new(pages, body);
            const char *next = json_string_value(json_object_get(body, "next_page"));
            bool more = json_is_true(json_object_get(body, "has_more")) ||
                        (next && !json_object_get(body, "has_more"));
            if (!more || !next)
                break;
            cursor = xstrdup(next);
        }
        free(cursor);
        char *path = NULL;
        if (st == ST_OK)
            st = save_pages(dir, provider, r->kind, since, until, pages, &path, err);
        if (st == ST_OK) {
            *saved = xreallocarray(*saved, *n + 1, sizeof **saved);
            (*saved)[*n].path = path;
            (*saved)[*n].pages = json_is_array(pages) ? (int)json_array_size(pages) : 1;
            (*n)++;
        }
        json_decref(pages);
    }
    prov_conn_done(&c);
    curl_global_cleanup();
    if (st != ST_OK) {
        fetch_saved_free(*saved, *n);
        *saved = NULL;
        *n = 0;
    }
    return st;
}

void fetch_saved_free(struct fetch_saved *saved, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(saved[i].path);
    free(saved);
}
