/* Usage categories and the database sink of usage imports. */
#include "core/usage.h"
#include "core/usage_import.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/strmap.h"

static const struct {
    const char *name, *focus;
} category_rows[UC__COUNT] = {
#define UC_ROW_(e, name, focus) [UC_##e] = {name, focus},
    USAGE_CATEGORIES(UC_ROW_)
#undef UC_ROW_
};

const char *usage_category_name(enum usage_category c)
{
    return (unsigned)c < UC__COUNT ? category_rows[c].name : "usage";
}

bool usage_category_from_focus(const char *s, size_t len, enum usage_category *out)
{
    for (int c = 0; c < UC__COUNT; c++)
        if (strlen(category_rows[c].focus) == len && strncmp(category_rows[c].focus, s, len) == 0) {
            *out = (enum usage_category)c;
            return true;
        }
    return false;
}

/* Binding kinds in the order that makes one more specific than the next. */
static const char *const binding_order[] = {"api_key", "workload",  "tag",
                                            "project", "workspace", "subaccount"};

#define RK_FIELDS                                                                                  \
    12 /* pool, provider, account, key, workload, model, service, day, category,                   \
          currency, credits unit, quantity unit */

/* Bytes -> index maps for the per-row path: a word-at-a-time hash (FNV-1a's byte loop was the
 * hottest function of an import), linear probing, keys owned. Memory is one entry per distinct
 * key. */
struct keymap_slot {
    uint64_t hash; /* 0 marks an empty slot (real hashes are made non-zero) */
    char *key;     /* owned */
    size_t len;
    long value;
};

struct keymap {
    struct keymap_slot *slots; /* one cache line holds what a probe reads */
    size_t cap, count;         /* cap a power of two */
};

static uint64_t keymap_hash(const char *s, size_t len)
{
    const uint64_t m = 0x9E3779B97F4A7C15ULL;
    uint64_t h = (uint64_t)len * m;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * m;
        h ^= h >> 29;
        s += 8;
        len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * m;
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    h ^= h >> 32;
    return h ? h : 1;
}

static void keymap_done(struct keymap *km)
{
    for (size_t i = 0; i < km->cap; i++)
        if (km->slots[i].hash)
            free(km->slots[i].key);
    free(km->slots);
    memset(km, 0, sizeof *km);
}

static size_t keymap_find(const struct keymap *km, const char *key, size_t len, uint64_t h)
{
    size_t i = (size_t)h & (km->cap - 1);
    for (;;) {
        const struct keymap_slot *sl = &km->slots[i];
        if (!sl->hash || (sl->hash == h && sl->len == len && memcmp(sl->key, key, len) == 0))
            return i;
        i = (i + 1) & (km->cap - 1);
    }
}

/* True when key is present (*value receives its value). */
static bool keymap_get(const struct keymap *km, const char *key, size_t len, uint64_t h,
                       long *value)
{
    if (!km->cap)
        return false;
    const struct keymap_slot *sl = &km->slots[keymap_find(km, key, len, h)];
    if (!sl->hash)
        return false;
    *value = sl->value;
    return true;
}

/* Adds a key known to be absent. */
static void keymap_add(struct keymap *km, const char *key, size_t len, uint64_t h, long value)
{
    if ((km->count + 1) * 2 > km->cap) {
        struct keymap old = *km;
        km->cap = old.cap ? old.cap * 2 : 1024;
        km->slots = xcalloc(km->cap, sizeof *km->slots);
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].hash)
                km->slots[keymap_find(km, old.slots[i].key, old.slots[i].len, old.slots[i].hash)] =
                    old.slots[i];
        free(old.slots);
    }
    struct keymap_slot *sl = &km->slots[keymap_find(km, key, len, h)];
    sl->hash = h;
    sl->key = xmalloc(len ? len : 1);
    memcpy(sl->key, key, len);
    sl->len = len;
    sl->value = value;
    km->count++;
}

/* (string tuple, day, category) -> rollup index: fixed-size slots, so a lookup reads one slot. */
struct daymap_slot {
    uint64_t key; /* tuple << 35 | category << 32 | day */
    long value;   /* rollup index + 1; 0 marks an empty slot */
};

struct daymap {
    struct daymap_slot *slots;
    size_t cap, count; /* cap a power of two */
};

static uint64_t daymap_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
}

static size_t daymap_find(const struct daymap *dm, uint64_t key)
{
    size_t i = (size_t)daymap_mix(key) & (dm->cap - 1);
    while (dm->slots[i].value && dm->slots[i].key != key)
        i = (i + 1) & (dm->cap - 1);
    return i;
}

/* The value of key, or -1. */
static long daymap_get(const struct daymap *dm, uint64_t key)
{
    if (!dm->cap)
        return -1;
    return dm->slots[daymap_find(dm, key)].value - 1;
}

/* Adds a key known to be absent. */
static void daymap_add(struct daymap *dm, uint64_t key, long value)
{
    if ((dm->count + 1) * 2 > dm->cap) {
        struct daymap old = *dm;
        dm->cap = old.cap ? old.cap * 2 : 1024;
        dm->slots = xcalloc(dm->cap, sizeof *dm->slots);
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].value)
                dm->slots[daymap_find(dm, old.slots[i].key)] = old.slots[i];
        free(old.slots);
    }
    struct daymap_slot *sl = &dm->slots[daymap_find(dm, key)];
    sl->key = key;
    sl->value = value + 1;
    dm->count++;
}

static void daymap_done(struct daymap *dm)
{
    free(dm->slots);
    memset(dm, 0, sizeof *dm);
}

/* The row cache starts over when it holds this many string tuples or (tuple, day, category)
 * entries: its memory stays bounded whatever the file. */
#define TUPLE_CACHE_MAX 32768
#define DAY_CACHE_MAX   (1 << 18)
_Static_assert(UC__COUNT <= 8, "a category takes 3 bits of a row cache key");

struct rollup {
    char *f[RK_FIELDS]; /* owned; pool may be "" for none */
    char *scope;        /* owned */
    bool pooled;        /* attributed to a pool (f[0]) */
    int64_t quantity, tokens, cost, credits, requests;
};

struct usage_import {
    struct store *s;
    struct usage_import_opts opts;
    struct strmap bindings; /* "kind\\x1fvalue" -> index into pool_ids */
    char **pool_ids;
    size_t npool_ids;
    struct keymap keys; /* rollup key -> index into rollups */
    /* A record's attribution and rollup depend only on its strings, day and category: the row
     * cache remembers the rollup of each (string tuple, day, category) seen lately, so a repeat
     * costs two lookups instead of the attribution lookups and the rollup key. Two levels keep
     * both tables small (the strings repeat across days): tuples -> tuple number, then
     * (tuple number, day, category) -> rollup. */
    struct keymap tuples;
    struct daymap days;
    struct strbuf rkb, ab; /* scratch: rollup key, attribution keys */
    char *kb;              /* scratch: the row key */
    size_t kbcap;
    bool tag_bindings; /* some binding is a tag: tags decide pools */
    struct rollup *rollups;
    size_t nrollups, caprollups;
    struct strmap scopes; /* scope keys touched by this import */
    struct usage_import_summary sum;
    FILE *rejects;
    bool in_txn;
    /* A part (sink fork): bindings and pool ids borrowed from parent, which is not touched
     * until join; rejects go to a temporary file (or rej_mem) until join appends them. */
    struct usage_import *parent;
    struct strbuf rej_mem;
};

static enum status load_bindings(struct usage_import *ui, struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(ui->s,
                                   "SELECT b.kind, b.value, b.pool_id FROM binding b JOIN pool p "
                                   "ON p.id = b.pool_id WHERE p.status <> 'retired' ORDER BY "
                                   "b.pool_id",
                                   &st, err);
    if (rc != ST_OK)
        return rc;
    struct strbuf k;
    sb_init(&k);
    while (sqlite3_step(st) == SQLITE_ROW) {
        sb_reset(&k);
        sb_addf(&k, "%s\x1f%s", store_col_text(st, 0), store_col_text(st, 1));
        if (strcmp(store_col_text(st, 0), "tag") == 0)
            ui->tag_bindings = true;
        ui->pool_ids = xreallocarray(ui->pool_ids, ui->npool_ids + 1, sizeof *ui->pool_ids);
        ui->pool_ids[ui->npool_ids] = xstrdup(store_col_text(st, 2));
        if (strmap_put(&ui->bindings, k.buf, k.len, (long)ui->npool_ids, NULL))
            ui->npool_ids++;
        else
            free(ui->pool_ids[ui->npool_ids]); /* bound twice: the first pool (by id) wins */
    }
    sb_done(&k);
    sqlite3_finalize(st);
    return ST_OK;
}

enum status usage_import_seen(struct store *s, const char *sha256, bool *seen, char *when,
                              size_t cap, struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    *seen = false;
    enum status rc = store_prepare(s,
                                   "SELECT started_at FROM import WHERE kind = 'usage' AND "
                                   "sha256 = ? ORDER BY id LIMIT 1",
                                   &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, sha256);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *seen = true;
        snprintf(when, cap, "%s", store_col_text(st, 0));
    }
    sqlite3_finalize(st);
    return ST_OK;
}

static const char *attribute(struct usage_import *ui, const struct usage_record *r)
{
    struct strbuf k = ui->ab; /* reused; handed back below */
    const char *found = NULL;
    for (size_t b = 0; b < sizeof binding_order / sizeof binding_order[0] && !found; b++) {
        const char *kind = binding_order[b];
        long idx;
        if (strcmp(kind, "tag") == 0) {
            for (int t = 0; t < r->ntags && !found; t++) {
                sb_reset(&k);
                sb_adds(&k, "tag\x1f");
                sb_adds(&k, r->tag_keys[t]);
                sb_addc(&k, '=');
                sb_adds(&k, r->tag_values[t]);
                if (strmap_get(&ui->bindings, k.buf, k.len, &idx))
                    found = ui->pool_ids[idx];
            }
            continue;
        }
        const char *value = strcmp(kind, "api_key") == 0    ? r->api_key
                            : strcmp(kind, "workload") == 0 ? r->workload
                                                            : r->account;
        if (!value || !*value)
            continue;
        sb_reset(&k);
        sb_adds(&k, kind);
        sb_addc(&k, '\x1f');
        sb_adds(&k, value);
        if (strmap_get(&ui->bindings, k.buf, k.len, &idx))
            found = ui->pool_ids[idx];
        /* a workload named in a tag binding (tag:workload=spiffe://...) binds the same way */
        if (!found && strcmp(kind, "workload") == 0) {
            sb_reset(&k);
            sb_adds(&k, "tag\x1fworkload=");
            sb_adds(&k, value);
            if (strmap_get(&ui->bindings, k.buf, k.len, &idx))
                found = ui->pool_ids[idx];
        }
    }
    ui->ab = k;
    return found;
}

static void kb_add(struct strbuf *kb, const char *s)
{
    sb_adds(kb, s ? s : "");
    sb_addc(kb, '\x1f');
}

/* The rollup key: the fields and the scope, 0x1f-separated. */
static void rollup_key(struct strbuf *k, const char *const f[RK_FIELDS], const char *scope)
{
    sb_reset(k);
    for (int i = 0; i < RK_FIELDS; i++) /* no printf on the hot path */
        kb_add(k, f[i]);
    sb_adds(k, scope ? scope : "");
}

/* The record's rollup (a new one when its key is new): attribution and the rollup key. */
static long rollup_of(struct usage_import *ui, const struct usage_record *r)
{
    const char *pool = attribute(ui, r);
    char day[DATE_BUF];
    date_format(r->day, day);
    const char *f[RK_FIELDS] = {pool ? pool : "",
                                r->provider,
                                r->account,
                                r->api_key,
                                r->workload,
                                r->model,
                                r->service,
                                day,
                                usage_category_name(r->category),
                                r->currency,
                                r->credits_unit,
                                r->quantity_unit};
    struct strbuf *k = &ui->rkb;
    rollup_key(k, f, r->scope_key);
    uint64_t h = keymap_hash(k->buf, k->len);
    long idx;
    if (keymap_get(&ui->keys, k->buf, k->len, h, &idx))
        return idx;
    if (ui->nrollups == ui->caprollups) {
        ui->caprollups = ui->caprollups ? ui->caprollups * 2 : 256;
        ui->rollups = xreallocarray(ui->rollups, ui->caprollups, sizeof *ui->rollups);
    }
    struct rollup *ru = &ui->rollups[ui->nrollups];
    memset(ru, 0, sizeof *ru);
    for (int i = 0; i < RK_FIELDS; i++)
        ru->f[i] = xstrdup(f[i] ? f[i] : "");
    ru->scope = xstrdup(r->scope_key ? r->scope_key : "");
    ru->pooled = pool != NULL;
    idx = (long)ui->nrollups++;
    keymap_add(&ui->keys, k->buf, k->len, h, idx);
    if (r->scope_key && *r->scope_key)
        strmap_put(&ui->scopes, r->scope_key, strlen(r->scope_key), 1, NULL);
    return idx;
}

static enum status sink_emit(void *ctx, const struct usage_record *r, struct strbuf *err)
{
    (void)err;
    struct usage_import *ui = ctx;
    if ((ui->sum.rows_read & 0xFFFF) == 0 && ui->opts.gate && ui->opts.gate_ready &&
        ui->opts.gate_ready(ui->opts.gate_arg)) {
        enum status rc = ui->opts.gate(ui->opts.gate_arg);
        ui->opts.gate = NULL; /* once */
        if (rc != ST_OK)
            return rc;
    }
    ui->sum.rows_read++;
    ui->sum.rows_imported++;
    ui->sum.cost_micros += r->cost_micros;
    /* the row tuple: every input of attribute() and of the rollup key (tags only when a
     * binding looks at them), each string with its length in front so no two tuples share a
     * key: one byte below 255, else 255 and four */
    const char *strs[10 + 2 * USAGE_MAX_TAGS] = {
        r->provider, r->account,  r->api_key,      r->workload,      r->model,
        r->service,  r->currency, r->credits_unit, r->quantity_unit, r->scope_key};
    size_t nstr = 10, lens[10 + 2 * USAGE_MAX_TAGS], need = 1;
    int ntags = ui->tag_bindings ? r->ntags : 0;
    for (int t = 0; t < ntags && t < USAGE_MAX_TAGS; t++) {
        strs[nstr++] = r->tag_keys[t];
        strs[nstr++] = r->tag_values[t];
    }
    for (size_t i = 0; i < nstr; i++) {
        lens[i] = strs[i] ? strlen(strs[i]) : 0;
        need += lens[i] + 5;
    }
    if (need > ui->kbcap) {
        ui->kbcap = need * 2;
        ui->kb = xreallocarray(ui->kb, ui->kbcap, 1);
    }
    char *k = ui->kb;
    size_t kl = 0;
    for (size_t i = 0; i < nstr; i++) {
        if (lens[i] < 255) {
            k[kl++] = (char)lens[i];
        } else {
            uint32_t n32 = (uint32_t)lens[i];
            k[kl++] = (char)255;
            memcpy(k + kl, &n32, 4);
            kl += 4;
        }
        if (lens[i])
            memcpy(k + kl, strs[i], lens[i]);
        kl += lens[i];
    }
    k[kl++] = (char)ntags;
    uint64_t h = keymap_hash(k, kl);
    long tuple;
    if (!keymap_get(&ui->tuples, k, kl, h, &tuple)) {
        if (ui->tuples.count >= TUPLE_CACHE_MAX || ui->days.count >= DAY_CACHE_MAX) {
            keymap_done(&ui->tuples);
            daymap_done(&ui->days);
        }
        tuple = (long)ui->tuples.count;
        keymap_add(&ui->tuples, k, kl, h, tuple);
    }
    uint64_t dkey = (uint64_t)tuple << 35 | (uint64_t)(r->category & 7) << 32 | (uint32_t)r->day;
    long idx = daymap_get(&ui->days, dkey);
    if (idx < 0) {
        idx = rollup_of(ui, r);
        if (ui->days.count >= DAY_CACHE_MAX) {
            keymap_done(&ui->tuples);
            daymap_done(&ui->days);
        } else {
            daymap_add(&ui->days, dkey, idx);
        }
    }
    struct rollup *ru = &ui->rollups[idx];
    if (!ru->pooled)
        ui->sum.unattributed++;
    ru->quantity += r->quantity_micros;
    ru->tokens += r->tokens;
    ru->cost += r->cost_micros;
    ru->credits += r->credits_micros;
    ru->requests += r->requests;
    return ST_OK;
}

static void csv_cell(struct strbuf *out, const char *s, size_t len, bool first)
{
    if (!first)
        sb_addc(out, ',');
    sb_addc(out, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            sb_addc(out, '"');
        sb_addc(out, s[i]);
    }
    sb_addc(out, '"');
}

/* Writes bytes to the rejects file, opening it (with its header) on first use; a part writes
 * to a temporary file instead, or to memory when none can be made. */
static enum status rejects_write(struct usage_import *ui, const char *s, size_t len,
                                 struct strbuf *err)
{
    if (!ui->rejects && ui->parent && ui->rej_mem.len == 0)
        ui->rejects = tmpfile();
    if (!ui->rejects && ui->parent) {
        sb_add(&ui->rej_mem, s, len);
        return ST_OK;
    }
    if (!ui->rejects && !ui->parent && ui->opts.gate) {
        enum status rc = ui->opts.gate(ui->opts.gate_arg);
        ui->opts.gate = NULL; /* once */
        if (rc != ST_OK)
            return rc;
    }
    if (!ui->rejects) {
        ui->rejects = fopen(ui->opts.rejects_path, "w");
        if (!ui->rejects) {
            sb_setf(err, "%s: cannot write the rejects file", ui->opts.rejects_path);
            return ST_IO;
        }
        fputs("line,column,reason,record\r\n", ui->rejects);
    }
    fwrite(s, 1, len, ui->rejects);
    return ST_OK;
}

static enum status sink_reject(void *ctx, const struct src_row *row, long line, long col,
                               const char *message, struct strbuf *err)
{
    struct usage_import *ui = ctx;
    ui->sum.rows_read++;
    ui->sum.rows_rejected++;
    if (!ui->opts.skip_bad_rows) {
        if (line > 0)
            sb_setf(err, "%s:%ld:%ld: %s", ui->opts.file_name, line, col, message);
        else /* JSON: the message names the JSON path */
            sb_setf(err, "%s: %s", ui->opts.file_name, message);
        return ST_BAD_DATA;
    }
    struct strbuf out, rec;
    sb_init(&out);
    sb_init(&rec);
    sb_addf(&out, "%ld,%ld,", line, col);
    csv_cell(&out, message, strlen(message), true);
    for (size_t i = 0; row && i < row->n; i++) {
        if (i)
            sb_addc(&rec, ',');
        sb_add(&rec, row->field[i], row->len[i]);
    }
    csv_cell(&out, sb_str(&rec), rec.len, false);
    sb_adds(&out, "\r\n");
    enum status rc = rejects_write(ui, out.buf, out.len, err);
    sb_done(&rec);
    sb_done(&out);
    return rc;
}

static void *sink_fork(void *ctx)
{
    struct usage_import *ui = ctx;
    struct usage_import *p = xcalloc(1, sizeof *p);
    p->parent = ui;
    p->opts = ui->opts;
    p->opts.gate = NULL;        /* the parent's, from its own thread */
    p->bindings = ui->bindings; /* read only, by both threads */
    p->pool_ids = ui->pool_ids;
    p->npool_ids = ui->npool_ids;
    p->tag_bindings = ui->tag_bindings;
    strmap_init(&p->scopes);
    return p;
}

static void sink_drop(void *ctx, void *part)
{
    (void)ctx;
    struct usage_import *p = part;
    usage_import_free(&p);
}

static enum status sink_join(void *ctx, void *part, struct strbuf *err)
{
    struct usage_import *ui = ctx, *p = part;
    /* the part's rollups in their first-seen order: merged into ours or appended after them,
     * which is the order one sink would have seen them in */
    for (size_t i = 0; i < p->nrollups; i++) {
        struct rollup *pr = &p->rollups[i];
        rollup_key(&ui->rkb, (const char *const *)pr->f, pr->scope);
        uint64_t h = keymap_hash(ui->rkb.buf, ui->rkb.len);
        long idx;
        if (keymap_get(&ui->keys, ui->rkb.buf, ui->rkb.len, h, &idx)) {
            struct rollup *ru = &ui->rollups[idx];
            ru->quantity += pr->quantity;
            ru->tokens += pr->tokens;
            ru->cost += pr->cost;
            ru->credits += pr->credits;
            ru->requests += pr->requests;
            continue;
        }
        if (ui->nrollups == ui->caprollups) {
            ui->caprollups = ui->caprollups ? ui->caprollups * 2 : 256;
            ui->rollups = xreallocarray(ui->rollups, ui->caprollups, sizeof *ui->rollups);
        }
        struct rollup *ru = &ui->rollups[ui->nrollups];
        *ru = *pr;
        memset(pr, 0, sizeof *pr); /* moved */
        keymap_add(&ui->keys, ui->rkb.buf, ui->rkb.len, h, (long)ui->nrollups++);
        if (*ru->scope)
            strmap_put(&ui->scopes, ru->scope, strlen(ru->scope), 1, NULL);
    }
    ui->sum.rows_read += p->sum.rows_read;
    ui->sum.rows_imported += p->sum.rows_imported;
    ui->sum.rows_rejected += p->sum.rows_rejected;
    ui->sum.cost_micros += p->sum.cost_micros;
    ui->sum.unattributed += p->sum.unattributed;
    enum status rc = ST_OK;
    if (p->rej_mem.len)
        rc = rejects_write(ui, p->rej_mem.buf, p->rej_mem.len, err);
    if (p->rejects && rc == ST_OK) {
        rewind(p->rejects);
        char buf[1 << 14];
        size_t n;
        while (rc == ST_OK && (n = fread(buf, 1, sizeof buf, p->rejects)) > 0)
            rc = rejects_write(ui, buf, n, err);
    }
    usage_import_free(&p);
    return rc;
}

enum status usage_import_begin(struct store *s, const struct usage_import_opts *opts,
                               struct usage_import **out, struct strbuf *err)
{
    struct usage_import *ui = xcalloc(1, sizeof *ui);
    ui->s = s;
    ui->opts = *opts;
    strmap_init(&ui->bindings);
    strmap_init(&ui->scopes);
    enum status rc = store_begin(s, err);
    ui->in_txn = rc == ST_OK;
    if (rc == ST_OK)
        rc = load_bindings(ui, err);
    if (rc != ST_OK) {
        usage_import_free(&ui);
        return rc;
    }
    *out = ui;
    return ST_OK;
}

struct usage_sink usage_import_sink(struct usage_import *ui)
{
    return (struct usage_sink){sink_emit, sink_reject, ui, sink_fork, sink_join, sink_drop};
}

static enum status exec1(struct store *s, const char *sql, const char *a, int64_t b,
                         struct strbuf *err)
{
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s, sql, &st, err);
    if (rc != ST_OK)
        return rc;
    store_bind_text(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_error(s, sqlite3_errcode(s->db), "usage", err);
    sqlite3_finalize(st);
    return rc;
}

enum status usage_import_finish(struct usage_import *ui, struct usage_import_summary *sum,
                                struct strbuf *err)
{
    struct store *s = ui->s;
    char now[TIMESTAMP_BUF];
    date_format_timestamp(clock_now(), now);
    sqlite3_stmt *st = NULL;
    enum status rc = store_prepare(s,
                                   "INSERT INTO import(kind, format, file_name, sha256, actor, "
                                   "started_at, finished_at, rows_read, rows_imported, "
                                   "rows_rejected, cost_micros) VALUES ('usage', ?, ?, ?, ?, ?, "
                                   "?, ?, ?, ?, ?)",
                                   &st, err);
    if (rc == ST_OK) {
        store_bind_text(st, 1, ui->opts.format);
        store_bind_text(st, 2, ui->opts.file_name);
        store_bind_text(st, 3, ui->opts.sha256);
        store_bind_text(st, 4, ui->opts.actor);
        store_bind_text(st, 5, now);
        store_bind_text(st, 6, now);
        sqlite3_bind_int64(st, 7, ui->sum.rows_read);
        sqlite3_bind_int64(st, 8, ui->sum.rows_imported);
        sqlite3_bind_int64(st, 9, ui->sum.rows_rejected);
        sqlite3_bind_int64(st, 10, ui->sum.cost_micros);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_error(s, sqlite3_errcode(s->db), "import", err);
        sqlite3_finalize(st);
    }
    int64_t import_id = sqlite3_last_insert_rowid(s->db);
    /* A later import of the same scope replaces the earlier one instead of adding to it. */
    for (size_t i = 0; rc == ST_OK && i < ui->scopes.cap; i++) {
        const char *scope = ui->scopes.keys[i];
        if (!scope)
            continue;
        rc = exec1(s, "DELETE FROM usage_rollup WHERE scope_key = ?1 AND import_id <> ?2", scope,
                   import_id, err);
        ui->sum.superseded += sqlite3_changes(s->db);
        if (rc == ST_OK)
            rc = exec1(s, "INSERT INTO import_scope(import_id, scope_key) VALUES (?2, ?1)", scope,
                       import_id, err);
    }
    /* earlier imports left without a rollup are superseded (not this one: its rollups are
     * written below) */
    if (rc == ST_OK)
        rc = exec1(s,
                   "UPDATE import SET status = 'superseded' WHERE kind = 'usage' AND status = "
                   "'done' AND id <> ?2 AND ?1 IS NULL AND id IN (SELECT import_id FROM "
                   "import_scope) AND NOT EXISTS (SELECT 1 FROM usage_rollup u WHERE u.import_id "
                   "= import.id)",
                   NULL, import_id, err);
    if (rc == ST_OK)
        rc = store_prepare(s,
                           "INSERT INTO usage_rollup(import_id, scope_key, pool_id, provider, "
                           "account, api_key, workload, model, service, day, category, currency, "
                           "credits_unit, quantity_unit, quantity_micros, tokens, cost_micros, "
                           "credits_micros, requests) VALUES (?1, ?2, nullif(?3, ''), ?4, ?5, ?6, "
                           "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                           &st, err);
    for (size_t i = 0; rc == ST_OK && i < ui->nrollups; i++) {
        struct rollup *ru = &ui->rollups[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, import_id);
        store_bind_text(st, 2, ru->scope);
        for (int f = 0; f < RK_FIELDS; f++)
            store_bind_text(st, 3 + f, ru->f[f]);
        sqlite3_bind_int64(st, 15, ru->quantity);
        sqlite3_bind_int64(st, 16, ru->tokens);
        sqlite3_bind_int64(st, 17, ru->cost);
        sqlite3_bind_int64(st, 18, ru->credits);
        sqlite3_bind_int64(st, 19, ru->requests);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_error(s, sqlite3_errcode(s->db), "usage", err);
        ui->sum.rollups++;
    }
    if (st)
        sqlite3_finalize(st);
    if (rc == ST_OK) {
        char cost[AMOUNT_BUF];
        json_t *data = json_pack(
            "{ss ss ss sI sI sI sI sI ss sI}", "file", ui->opts.file_name, "sha256",
            ui->opts.sha256, "format", ui->opts.format, "rows_read", (json_int_t)ui->sum.rows_read,
            "rows_imported", (json_int_t)ui->sum.rows_imported, "rows_rejected",
            (json_int_t)ui->sum.rows_rejected, "rollups", (json_int_t)ui->sum.rollups,
            "unattributed_rows", (json_int_t)ui->sum.unattributed, "cost_column_sum",
            amount_format(ui->sum.cost_micros, 6, false, cost), "superseded_rollups",
            (json_int_t)ui->sum.superseded);
        rc = audit_append(s, ui->opts.actor, "import.usage", ui->opts.file_name, data, NULL, NULL,
                          err);
        json_decref(data);
    }
    if (rc == ST_OK) {
        rc = store_commit(s, err);
        ui->in_txn = false;
    }
    *sum = ui->sum;
    return rc;
}

void usage_import_free(struct usage_import **pp)
{
    if (!pp || !*pp)
        return;
    struct usage_import *ui = *pp;
    if (ui->in_txn)
        store_rollback(ui->s);
    if (ui->rejects)
        fclose(ui->rejects);
    sb_done(&ui->rej_mem);
    if (!ui->parent) { /* a part borrows these */
        for (size_t i = 0; i < ui->npool_ids; i++)
            free(ui->pool_ids[i]);
        free(ui->pool_ids);
        strmap_done(&ui->bindings);
    }
    for (size_t i = 0; i < ui->nrollups; i++) {
        for (int f = 0; f < RK_FIELDS; f++)
            free(ui->rollups[i].f[f]);
        free(ui->rollups[i].scope);
    }
    free(ui->rollups);
    keymap_done(&ui->keys);
    keymap_done(&ui->tuples);
    daymap_done(&ui->days);
    free(ui->kb);
    sb_done(&ui->rkb);
    sb_done(&ui->ab);
    strmap_done(&ui->scopes);
    free(ui);
    *pp = NULL;
}
