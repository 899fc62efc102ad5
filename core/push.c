/* Push engine over libcurl's multi interface. */
#include "core/push.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/date.h"
#include "core/providers/conn.h"
#include "core/providers/provider.h"
#include "core/text.h"
#include "core/xalloc.h"

/* [push] settings with their defaults. */
struct push_settings {
    double lease_s, max_attempts, concurrency, backoff_base_ms, backoff_cap_s, wait_s;
};

#define conn prov_conn /* the engine's connections are the shared provider connections */

enum phase { PH_SEND, PH_READBACK };

struct job {
    int64_t id;
    int attempts;
    char *idem;      /* idempotency key; owned */
    char *provider;  /* owned */
    json_t *payload; /* owned ref */
    const struct provider_ops *ops;
    struct conn *conn; /* borrowed from the engine */
    enum phase phase;
    bool sent_ok; /* a 2xx for the write was seen (now or in an earlier run) */
    CURL *easy;
    struct curl_slist *hdrs;
    char *req_body; /* owned */
    struct strbuf resp;
    long retry_after; /* seconds from Retry-After, -1 when absent */
};

struct push_engine {
    struct store *s;
    const struct config *cfg;
    const struct push_opts *opts;
    const struct reporter *rep;
    struct push_summary *sum;
    struct push_settings set;
    struct conn *conns;
    size_t nconns;
    CURLM *multi;
    struct job **active;
    size_t nactive;
    int64_t start_wall; /* clock_now() at start */
    struct timespec start_mono;
    bool config_problem;
    const char *actor;
    struct push_opts opts_copy;  /* opts points here */
    struct push_summary own_sum; /* sum points here */
    struct due *due;             /* the due list being worked through */
    size_t ndue, next;
    int64_t next_due; /* earliest future due time seen, 0 when none */
    bool fetched;
};

/* Engine time: the (possibly fixed) clock plus real time elapsed since the run started, so
 * backoff works under --now too. */
static int64_t engine_now(const struct push_engine *e)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return e->start_wall + (int64_t)(t.tv_sec - e->start_mono.tv_sec);
}

static void settings_load(const struct config *cfg, struct push_settings *p, struct strbuf *err)
{
    static const struct {
        const char *key;
        double dflt;
        size_t off;
    } rows[] = {
        {"lease_seconds", 60, offsetof(struct push_settings, lease_s)},
        {"max_attempts", 8, offsetof(struct push_settings, max_attempts)},
        {"concurrency", 8, offsetof(struct push_settings, concurrency)},
        {"backoff_base_ms", 2000, offsetof(struct push_settings, backoff_base_ms)},
        {"backoff_cap_seconds", 900, offsetof(struct push_settings, backoff_cap_s)},
        {"wait_seconds", 30, offsetof(struct push_settings, wait_s)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double *slot = (double *)(void *)((char *)p + rows[i].off);
        if (config_get_double(cfg, "push", rows[i].key, rows[i].dflt, slot, err) != ST_OK ||
            *slot < 0)
            *slot = rows[i].dflt;
    }
    if (p->concurrency < 1)
        p->concurrency = 1;
    if (p->max_attempts < 1)
        p->max_attempts = 1;
}

static struct conn *engine_conn(struct push_engine *e, const char *name)
{
    for (size_t i = 0; i < e->nconns; i++)
        if (strcmp(e->conns[i].name, name) == 0)
            return &e->conns[i];
    e->conns = xreallocarray(e->conns, e->nconns + 1, sizeof *e->conns);
    struct conn *c = &e->conns[e->nconns++];
    prov_conn_load(c, e->cfg, name);
    return c;
}

static void job_free(struct job *j)
{
    if (!j)
        return;
    if (j->easy)
        curl_easy_cleanup(j->easy);
    curl_slist_free_all(j->hdrs);
    free(j->idem);
    free(j->provider);
    free(j->req_body);
    json_decref(j->payload);
    sb_done(&j->resp);
    free(j);
}

/* Writes one outbox transition and its audit event in one transaction. */
static enum status engine_transition(struct push_engine *e, struct job *j, const char *state,
                                     int64_t next_at, long http_status, const char *error,
                                     int64_t lease_until, struct strbuf *err)
{
    char now[TIMESTAMP_BUF], next[TIMESTAMP_BUF], lease[TIMESTAMP_BUF];
    date_format_timestamp(engine_now(e), now);
    date_format_timestamp(next_at, next);
    date_format_timestamp(lease_until, lease);
    enum status st = store_begin(e->s, err);
    if (st != ST_OK)
        return st;
    sqlite3_stmt *q = NULL;
    st = store_prepare(e->s,
                       "UPDATE outbox SET state = ?2, attempts = ?3, next_attempt_at = ?4, "
                       "lease_until = ?5, last_status = coalesce(?6, last_status), "
                       "last_error = ?7, updated_at = ?8 WHERE id = ?1",
                       &q, err);
    if (st == ST_OK) {
        sqlite3_bind_int64(q, 1, j->id);
        store_bind_text(q, 2, state);
        sqlite3_bind_int(q, 3, j->attempts);
        store_bind_text(q, 4, next);
        store_bind_text(q, 5, lease_until ? lease : NULL);
        if (http_status > 0)
            sqlite3_bind_int64(q, 6, http_status);
        store_bind_text(q, 7, error);
        store_bind_text(q, 8, now);
        int rc = sqlite3_step(q);
        if (rc != SQLITE_DONE)
            st = store_error(e->s, rc, "outbox", err);
        sqlite3_finalize(q);
    }
    if (st == ST_OK) {
        char subject[32];
        snprintf(subject, sizeof subject, "outbox:%lld", (long long)j->id);
        json_t *data = json_pack("{ss ss si ss}", "state", state, "provider", j->provider,
                                 "attempts", j->attempts, "op",
                                 json_string_value(json_object_get(j->payload, "summary"))
                                     ? json_string_value(json_object_get(j->payload, "summary"))
                                     : "");
        if (http_status > 0)
            json_object_set_new(data, "http_status", json_integer(http_status));
        if (error)
            json_object_set_new(data, "error", json_string(error));
        char evt[48];
        snprintf(evt, sizeof evt, "outbox.%s", state);
        st = audit_append(e->s, e->actor, evt, subject, data, NULL, NULL, err);
        json_decref(data);
    }
    if (st == ST_OK)
        st = store_commit(e->s, err);
    else
        store_rollback(e->s);
    return st;
}

static size_t write_cb(char *ptr, size_t size, size_t n, void *ud)
{
    struct job *j = ud;
    if (j->resp.len < (1u << 20)) /* keep at most 1 MiB of a response */
        sb_add(&j->resp, ptr, size * n);
    return size * n;
}

static size_t header_cb(char *buf, size_t size, size_t n, void *ud)
{
    struct job *j = ud;
    size_t len = size * n;
    if (len > 12 && strncasecmp(buf, "retry-after:", 12) == 0) {
        char tmp[128];
        size_t k = len - 12 < sizeof tmp - 1 ? len - 12 : sizeof tmp - 1;
        memcpy(tmp, buf + 12, k);
        tmp[k] = '\0';
        char *s = tmp;
        while (*s == ' ')
            s++;
        s[strcspn(s, "\r\n")] = '\0';
        char *end;
        long secs = strtol(s, &end, 10);
        if (end != s && *end == '\0') {
            j->retry_after = secs < 0 ? 0 : secs;
        } else {
            time_t t = curl_getdate(s, NULL); /* HTTP date */
            if (t > 0)
                j->retry_after = (long)(t - time(NULL)) > 0 ? (long)(t - time(NULL)) : 0;
        }
    }
    return len;
}

/* The URL of a request or read-back for j. Caller frees. */
static char *job_url(const struct job *j, bool readback)
{
    const json_t *part = readback ? json_object_get(j->payload, "readback") : j->payload;
    const char *path = json_string_value(json_object_get(part, "path"));
    struct strbuf sb;
    sb_init(&sb);
    if (strcmp(j->provider, "webhook") == 0) {
        if (readback) {
            sb_adds(&sb, j->conn->readback_url ? j->conn->readback_url : "");
            sb_addf(&sb, "%sidempotency_key=%s",
                    j->conn->readback_url && strchr(j->conn->readback_url, '?') ? "&" : "?",
                    j->idem);
        } else {
            sb_adds(&sb, j->conn->base_url);
        }
    } else {
        sb_addf(&sb, "%s%s", j->conn->base_url, path ? path : "");
    }
    return sb_steal(&sb);
}

static bool job_has_readback(const struct job *j)
{
    if (strcmp(j->provider, "webhook") == 0)
        return j->conn->readback_url != NULL;
    return json_is_object(json_object_get(j->payload, "readback"));
}

/* Builds the easy handle for the job's current phase. */
static void job_prepare(struct push_engine *e, struct job *j)
{
    if (j->easy)
        curl_easy_cleanup(j->easy);
    curl_slist_free_all(j->hdrs);
    j->hdrs = NULL;
    free(j->req_body);
    j->req_body = NULL;
    sb_reset(&j->resp);
    j->retry_after = -1;
    bool rb = j->phase == PH_READBACK;
    const char *method = rb ? "GET" : json_string_value(json_object_get(j->payload, "method"));
    json_t *body = json_object_get(j->payload, "body");
    if (!rb && body && !json_is_null(body))
        j->req_body = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    j->hdrs = j->ops->auth_headers(NULL, j->conn->key, rb, j->req_body);
    char idem[256];
    if (!rb) {
        snprintf(idem, sizeof idem, "Idempotency-Key: %s", j->idem);
        j->hdrs = curl_slist_append(j->hdrs, idem);
    }
    j->hdrs = curl_slist_append(j->hdrs, "User-Agent: credence/"
                                         "0.1");
    char *url = job_url(j, rb);
    CURL *c = curl_easy_init();
    if (!c)
        abort();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method ? method : "GET");
    if (j->req_body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, j->req_body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, j->hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, j);
    prov_conn_curl(c, j->conn);
    curl_easy_setopt(c, CURLOPT_PRIVATE, j);
    free(url);
    j->easy = c;
    curl_multi_add_handle(e->multi, c);
    e->sum->attempted++;
}

/* Next attempt time: exponential backoff with full jitter, at least Retry-After. */
static int64_t engine_backoff(const struct push_engine *e, const struct job *j)
{
    double cap_ms = e->set.backoff_cap_s * 1000.0;
    double exp_ms = e->set.backoff_base_ms;
    for (int i = 1; i < j->attempts && exp_ms < cap_ms; i++)
        exp_ms *= 2;
    if (exp_ms > cap_ms)
        exp_ms = cap_ms;
    double delay_ms = exp_ms * ((double)rand() / ((double)RAND_MAX + 1.0));
    int64_t delay_s = (int64_t)((delay_ms + 999.0) / 1000.0);
    if (j->retry_after > delay_s)
        delay_s = j->retry_after;
    if (delay_s < 1)
        delay_s = 1;
    return engine_now(e) + delay_s;
}

/* Schedules another attempt, or dead when the attempts are spent. */
static void engine_retry(struct push_engine *e, struct job *j, long status, const char *why,
                         bool uncertain, struct strbuf *err)
{
    if (j->attempts >= (int)e->set.max_attempts) {
        engine_transition(e, j, "dead", engine_now(e), status, why, 0, err);
        e->sum->dead++;
        report_warn(e->rep, "outbox %lld dead after %d attempts: %s", (long long)j->id, j->attempts,
                    why);
        return;
    }
    int64_t next = engine_backoff(e, j);
    /* When the write may have reached the provider (no answer: timeout, dropped connection) or
     * the provider state is unknown, keep it in_flight with the lease ending at the retry time,
     * so the next claim reads the provider state back before sending anything again. */
    const char *state = j->sent_ok                               ? "sent"
                        : (j->phase == PH_READBACK || uncertain) ? "in_flight"
                                                                 : "pending";
    engine_transition(e, j, state, next, status, why, strcmp(state, "in_flight") == 0 ? next : 0,
                      err);
    e->sum->retrying++;
}

static bool retryable_status(long s)
{
    return s == 408 || s == 429 || s >= 500;
}

/* Handles a finished transfer; returns true when the job goes on (re-added to the multi). */
static bool engine_complete(struct push_engine *e, struct job *j, CURLcode res, struct strbuf *err)
{
    long status = 0;
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
    const char *resp = sb_str(&j->resp);
    if (res != CURLE_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s failed: %s",
                 j->phase == PH_READBACK ? "read-back" : "request", curl_easy_strerror(res));
        engine_retry(e, j, 0, why, j->phase == PH_SEND, err);
        return false;
    }
    if (j->phase == PH_READBACK) {
        json_error_t jerr;
        json_t *body = json_loads(resp, 0, &jerr);
        bool done = j->ops->is_done(j->payload, status, body);
        json_decref(body);
        if (done) {
            engine_transition(e, j, "verified", engine_now(e), status, NULL, 0, err);
            e->sum->verified++;
            return false;
        }
        if (retryable_status(status) || (status >= 400 && status != 404 && !j->sent_ok)) {
            char *msg = prov_error_message(status, resp);
            engine_retry(e, j, status, msg, false, err);
            free(msg);
            return false;
        }
        if (!j->sent_ok) { /* the change is not there: now send it */
            j->phase = PH_SEND;
            j->attempts++;
            job_prepare(e, j);
            return true;
        }
        engine_retry(e, j, status, "the read-back does not show the change yet", false, err);
        return false;
    }
    /* PH_SEND */
    bool destructive = json_is_true(json_object_get(j->payload, "destructive"));
    bool gone_ok = status == 404 && destructive &&
                   json_is_true(json_object_get(json_object_get(j->payload, "expect"), "gone"));
    if ((status >= 200 && status <= 299) || gone_ok) {
        j->sent_ok = true;
        engine_transition(e, j, "sent", engine_now(e), status, NULL, 0, err);
        if (!job_has_readback(j)) {
            e->sum->sent++;
            return false;
        }
        j->phase = PH_READBACK;
        job_prepare(e, j);
        return true;
    }
    char *msg = prov_error_message(status, resp);
    if (retryable_status(status)) {
        engine_retry(e, j, status, msg, false, err);
    } else {
        engine_transition(e, j, "failed", engine_now(e), status, msg, 0, err);
        e->sum->failed++;
        report_warn(e->rep, "outbox %lld failed: %s", (long long)j->id, msg);
    }
    free(msg);
    return false;
}

/* A due row as read from the store. */
struct due {
    int64_t id;
    char *provider, *state, *idem, *payload;
    int attempts;
};

static void due_free(struct due *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].provider);
        free(d[i].state);
        free(d[i].idem);
        free(d[i].payload);
    }
    free(d);
}

static int64_t parse_ts(const char *s)
{
    int64_t t = 0;
    return s && *s && date_parse_timestamp(s, strlen(s), &t) ? t : 0;
}

/* Rows that may be worked on now, oldest first; *next_due receives the earliest future time. */
static enum status engine_due(struct push_engine *e, struct due **out, size_t *n, int64_t *next_due,
                              struct strbuf *err)
{
    *out = NULL;
    *n = 0;
    *next_due = 0;
    sqlite3_stmt *q = NULL;
    enum status st = store_prepare(e->s,
                                   "SELECT id, provider, state, idempotency_key, payload, "
                                   "attempts, due_at, next_attempt_at, lease_until FROM outbox "
                                   "WHERE state IN ('pending', 'sent', 'in_flight') ORDER BY id",
                                   &q, err);
    if (st != ST_OK)
        return st;
    int64_t now = engine_now(e);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *state = store_col_text(q, 2);
        int64_t due_at = parse_ts(store_col_text(q, 6));
        int64_t next_at = parse_ts(store_col_text(q, 7));
        int64_t lease = parse_ts(store_col_text(q, 8));
        int64_t when = next_at > due_at ? next_at : due_at;
        if (strcmp(state, "in_flight") == 0 && lease > when)
            when = lease;
        if (strcmp(state, "sent") == 0 && !*store_col_text(q, 7))
            when = due_at;
        if (when > now) {
            if (!*next_due || when < *next_due)
                *next_due = when;
            continue;
        }
        bool skip = false;
        for (size_t i = 0; i < e->nactive; i++)
            skip = skip || e->active[i]->id == sqlite3_column_int64(q, 0);
        struct conn *c = engine_conn(e, store_col_text(q, 1));
        if (c->problem) {
            skip = true; /* nothing can be sent there this run; say so once */
            e->sum->skipped++;
            e->config_problem = true;
            if (!c->reported)
                report_warn(e->rep, "provider %s: %s; its actions stay pending", c->name,
                            c->problem);
            c->reported = true;
        }
        if (strcmp(state, "sent") == 0) {
            /* 'sent' is final when there is nothing to read back */
            json_error_t jerr;
            json_t *pl = json_loads(store_col_text(q, 4), 0, &jerr);
            bool rb = strcmp(store_col_text(q, 1), "webhook") == 0
                          ? c->readback_url != NULL
                          : json_is_object(json_object_get(pl, "readback"));
            json_decref(pl);
            skip = skip || !rb;
        }
        if (skip)
            continue;
        *out = xreallocarray(*out, *n + 1, sizeof **out);
        struct due *d = &(*out)[(*n)++];
        d->id = sqlite3_column_int64(q, 0);
        d->provider = xstrdup(store_col_text(q, 1));
        d->state = xstrdup(state);
        d->idem = xstrdup(store_col_text(q, 3));
        d->payload = xstrdup(store_col_text(q, 4));
        d->attempts = sqlite3_column_int(q, 5);
    }
    if (rc != SQLITE_DONE)
        st = store_error(e->s, rc, "outbox", err);
    sqlite3_finalize(q);
    return st;
}

/* Prints what a due row would send, secrets redacted. */
static void engine_dry_run(struct push_engine *e, struct job *j)
{
    struct strbuf sb;
    sb_init(&sb);
    json_t *body = json_object_get(j->payload, "body");
    char *body_text =
        body && !json_is_null(body) ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    struct curl_slist *h = j->ops->auth_headers(NULL, "[redacted]", false, body_text);
    char *url = job_url(j, false);
    const char *method = json_string_value(json_object_get(j->payload, "method"));
    sb_addf(&sb, "# outbox %lld (%s): %s\n%s %s\n", (long long)j->id, j->provider,
            json_string_value(json_object_get(j->payload, "summary")), method ? method : "GET",
            url);
    for (struct curl_slist *p = h; p; p = p->next) {
        if (strncmp(p->data, "X-Credence-Signature:", 21) == 0)
            sb_adds(&sb, "X-Credence-Signature: sha256=[computed with the secret when sent]\n");
        else
            sb_addf(&sb, "%s\n", p->data);
    }
    sb_addf(&sb, "Idempotency-Key: %s\n", j->idem);
    if (body_text)
        sb_addf(&sb, "\n%s\n", body_text);
    if (e->opts->print)
        e->opts->print(e->opts->print_ctx, sb_str(&sb));
    curl_slist_free_all(h);
    free(url);
    free(body_text);
    sb_done(&sb);
}

/* Claims one due row: in_flight with a lease, in one transaction with its audit event. */
static struct job *engine_claim(struct push_engine *e, const struct due *d, struct strbuf *err)
{
    struct job *j = xcalloc(1, sizeof *j);
    sb_init(&j->resp);
    j->id = d->id;
    j->attempts = d->attempts;
    j->idem = xstrdup(d->idem);
    j->provider = xstrdup(d->provider);
    json_error_t jerr;
    j->payload = json_loads(d->payload, 0, &jerr);
    j->ops = provider_find(d->provider);
    j->conn = engine_conn(e, d->provider);
    j->sent_ok = strcmp(d->state, "sent") == 0;
    if (!j->payload || !j->ops) {
        engine_transition(e, j, "failed", engine_now(e), 0,
                          !j->payload ? "the outbox payload is not valid JSON"
                                      : "no adapter for this provider",
                          0, err);
        e->sum->failed++;
        job_free(j);
        return NULL;
    }
    if (e->opts->dry_run) {
        engine_dry_run(e, j);
        job_free(j);
        return NULL;
    }
    /* A row found in_flight (lease expired: a crash) or sent is read back before any send. */
    bool readback_first = strcmp(d->state, "in_flight") == 0 || j->sent_ok;
    j->phase = readback_first && job_has_readback(j) ? PH_READBACK : PH_SEND;
    if (j->phase == PH_SEND)
        j->attempts++;
    int64_t lease = engine_now(e) + (int64_t)e->set.lease_s;
    if (engine_transition(e, j, "in_flight", engine_now(e), 0, NULL, lease, err) != ST_OK) {
        job_free(j);
        return NULL;
    }
    return j;
}

static void engine_remove_active(struct push_engine *e, struct job *j)
{
    for (size_t i = 0; i < e->nactive; i++) {
        if (e->active[i] == j) {
            e->active[i] = e->active[--e->nactive];
            return;
        }
    }
}

enum status push_engine_new(struct store *s, const struct config *cfg, const struct push_opts *opts,
                            const struct reporter *rep, struct push_engine **out,
                            struct strbuf *err)
{
    *out = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        sb_setf(err, "cannot initialise libcurl");
        return ST_INTERNAL;
    }
    struct push_engine *e = xcalloc(1, sizeof *e);
    e->s = s;
    e->cfg = cfg;
    e->opts_copy = *opts;
    e->opts = &e->opts_copy;
    e->rep = rep;
    e->sum = &e->own_sum;
    e->actor = opts->actor ? opts->actor : "push";
    settings_load(cfg, &e->set, err);
    sb_reset(err);
    e->start_wall = clock_now();
    clock_gettime(CLOCK_MONOTONIC, &e->start_mono);
    srand((unsigned)(time(NULL) ^ getpid()));
    e->multi = curl_multi_init();
    *out = e;
    return ST_OK;
}

enum status push_engine_step(struct push_engine *e, int timeout_ms, enum push_state *state,
                             struct strbuf *err)
{
    const struct push_opts *opts = e->opts;
    *state = PUSH_BUSY;
    /* --once and --dry-run make one pass over the rows due at the start; otherwise the list is
     * refreshed whenever it has been worked through. */
    if (e->next == e->ndue && (!e->fetched || !(opts->once || opts->dry_run))) {
        due_free(e->due, e->ndue);
        e->due = NULL;
        e->ndue = e->next = 0;
        enum status st = engine_due(e, &e->due, &e->ndue, &e->next_due, err);
        if (st != ST_OK)
            return st;
        e->fetched = true;
    }
    while (e->next < e->ndue && e->nactive < (size_t)e->set.concurrency) {
        struct job *j = engine_claim(e, &e->due[e->next++], err);
        if (!j)
            continue;
        job_prepare(e, j);
        e->active = xreallocarray(e->active, e->nactive + 1, sizeof *e->active);
        e->active[e->nactive++] = j;
    }
    if (e->nactive == 0) {
        if (e->next < e->ndue)
            return ST_OK;
        if (opts->once || opts->dry_run)
            *state = PUSH_DONE;
        else if (e->ndue == 0)
            *state = PUSH_IDLE;
        return ST_OK;
    }
    int running = 0;
    curl_multi_perform(e->multi, &running);
    curl_multi_poll(e->multi, NULL, 0, timeout_ms, NULL);
    curl_multi_perform(e->multi, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(e->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct job *j = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
        CURLcode res = msg->data.result;
        curl_multi_remove_handle(e->multi, msg->easy_handle);
        if (!engine_complete(e, j, res, err)) {
            engine_remove_active(e, j);
            job_free(j);
        }
    }
    return ST_OK;
}

int64_t push_engine_next_due(const struct push_engine *e)
{
    return e->next_due;
}

const struct push_summary *push_engine_summary(const struct push_engine *e)
{
    return e->sum;
}

bool push_engine_config_problem(const struct push_engine *e)
{
    return e->config_problem;
}

void push_engine_free(struct push_engine **pp)
{
    if (!pp || !*pp)
        return;
    struct push_engine *e = *pp;
    due_free(e->due, e->ndue);
    for (size_t i = 0; i < e->nactive; i++) {
        curl_multi_remove_handle(e->multi, e->active[i]->easy);
        job_free(e->active[i]);
    }
    free(e->active);
    curl_multi_cleanup(e->multi);
    for (size_t i = 0; i < e->nconns; i++)
        prov_conn_done(&e->conns[i]);
    free(e->conns);
    free(e);
    curl_global_cleanup();
    *pp = NULL;
}

enum status push_run(struct store *s, const struct config *cfg, const struct push_opts *opts,
                     const struct reporter *rep, struct push_summary *sum, struct strbuf *err)
{
    memset(sum, 0, sizeof *sum);
    struct push_engine *e = NULL;
    enum status st = push_engine_new(s, cfg, opts, rep, &e, err);
    if (st != ST_OK)
        return st;
    for (;;) {
        enum push_state state;
        st = push_engine_step(e, 200, &state, err);
        if (st != ST_OK || state == PUSH_DONE)
            break;
        if (state == PUSH_IDLE) { /* wait for retries due soon; leave later ones to cron */
            int64_t wait = e->next_due ? e->next_due - engine_now(e) : -1;
            if (wait < 0 || wait > (int64_t)e->set.wait_s)
                break;
            sleep((unsigned)(wait > 0 ? wait : 1));
        }
    }
    *sum = *e->sum;
    bool config_problem = e->config_problem;
    push_engine_free(&e);
    if (st == ST_OK && config_problem) {
        sb_setf(err, "some actions were not sent: a provider is not configured (see warnings)");
        st = ST_CONFIG;
    }
    return st;
}

enum status push_enqueue(struct store *s, int64_t decision_id, const char *pool_id,
                         const char *provider, const struct prov_step *steps, size_t n,
                         const char *due_ts, const char *actor, struct strbuf *err)
{
    char now[TIMESTAMP_BUF];
    date_format_timestamp(clock_now(), now);
    enum status st = ST_OK;
    for (size_t i = 0; st == ST_OK && i < n; i++) {
        char idem[128];
        /* Stable across retries and restarts: one key per decision and step. */
        snprintf(idem, sizeof idem, "credence-%lld-%zu-%s", (long long)decision_id, i + 1,
                 steps[i].op);
        char *payload = json_dumps(steps[i].payload, JSON_COMPACT | JSON_SORT_KEYS);
        sqlite3_stmt *q = NULL;
        st =
            store_prepare(s,
                          "INSERT INTO outbox(decision_id, pool_id, provider, op, target, payload, "
                          "idempotency_key, state, due_at, next_attempt_at, created_at, "
                          "updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?9,?10,?10)",
                          &q, err);
        if (st == ST_OK) {
            sqlite3_bind_int64(q, 1, decision_id);
            store_bind_text(q, 2, pool_id);
            store_bind_text(q, 3, provider);
            store_bind_text(q, 4, steps[i].op);
            store_bind_text(q, 5, steps[i].target);
            store_bind_text(q, 6, payload);
            store_bind_text(q, 7, idem);
            store_bind_text(q, 8, steps[i].manual ? "manual" : "pending");
            store_bind_text(q, 9, due_ts);
            store_bind_text(q, 10, now);
            int rc = sqlite3_step(q);
            if (rc != SQLITE_DONE)
                st = store_error(s, rc, "outbox", err);
            sqlite3_finalize(q);
        }
        if (st == ST_OK) {
            char subject[32];
            snprintf(subject, sizeof subject, "outbox:%lld",
                     (long long)sqlite3_last_insert_rowid(s->db));
            json_t *data = json_pack("{sI ss ss ss ss so}", "decision_id", (json_int_t)decision_id,
                                     "pool", pool_id, "provider", provider, "op", steps[i].op,
                                     "state", steps[i].manual ? "manual" : "pending", "payload",
                                     json_incref(steps[i].payload));
            st = audit_append(s, actor, "outbox.created", subject, data, NULL, NULL, err);
            json_decref(data);
        }
        free(payload);
    }
    return st;
}

enum status push_list(struct store *s, json_t **out, struct strbuf *err)
{
    *out = NULL;
    sqlite3_stmt *q = NULL;
    enum status st = store_prepare(s,
                                   "SELECT id, decision_id, pool_id, provider, op, target, state, "
                                   "attempts, last_status, last_error, due_at, next_attempt_at, "
                                   "json_extract(payload, '$.summary'), "
                                   "json_extract(payload, '$.why') FROM outbox ORDER BY id DESC",
                                   &q, err);
    if (st != ST_OK)
        return st;
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        json_t *o =
            json_pack("{sI sI ss ss ss ss ss si}", "id", (json_int_t)sqlite3_column_int64(q, 0),
                      "decision_id", (json_int_t)sqlite3_column_int64(q, 1), "pool_id",
                      store_col_text(q, 2), "provider", store_col_text(q, 3), "op",
                      store_col_text(q, 4), "target", store_col_text(q, 5), "state",
                      store_col_text(q, 6), "attempts", sqlite3_column_int(q, 7));
        json_object_set_new(o, "last_status",
                            sqlite3_column_type(q, 8) == SQLITE_NULL
                                ? json_null()
                                : json_integer(sqlite3_column_int(q, 8)));
        static const struct {
            const char *key;
            int col;
        } texts[] = {{"last_error", 9},
                     {"due_at", 10},
                     {"next_attempt_at", 11},
                     {"summary", 12},
                     {"why", 13}};
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
            json_object_set_new(o, texts[i].key,
                                sqlite3_column_type(q, texts[i].col) == SQLITE_NULL
                                    ? json_null()
                                    : json_string(store_col_text(q, texts[i].col)));
        json_array_append_new(arr, o);
    }
    if (rc != SQLITE_DONE)
        st = store_error(s, rc, "outbox", err);
    sqlite3_finalize(q);
    if (st == ST_OK)
        *out = arr;
    else
        json_decref(arr);
    return st;
}

enum status push_counts(struct store *s, struct push_counts *out, struct strbuf *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    enum status rc =
        store_stmt(s,
                   "SELECT coalesce(sum(state IN ('pending', 'in_flight', 'sent')), 0), "
                   "coalesce(sum(state IN ('failed', 'dead')), 0), "
                   "coalesce(sum(state = 'manual'), 0) FROM outbox",
                   &st, err);
    if (rc != ST_OK)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->waiting = sqlite3_column_int(st, 0);
        out->failed = sqlite3_column_int(st, 1);
        out->manual = sqlite3_column_int(st, 2);
    } else {
        rc = store_error(s, step, "outbox", err);
    }
    store_stmt_done(st);
    return rc;
}
