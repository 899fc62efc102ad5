/* The push engine: claims due outbox actions, sends them to provider admin APIs through the curl
 * multi interface (several in flight, never blocking), reads the provider state back, and moves
 * each action through pending -> in_flight -> sent -> verified, or retries with exponential
 * backoff and full jitter (Retry-After honoured) up to dead, or failed on a client error. Every
 * transition is an audit event. A crash leaves in_flight rows whose lease expires; they are read
 * back before anything is sent again, so a destructive call is never issued twice. */
#ifndef CREDENCE_CORE_PUSH_H
#define CREDENCE_CORE_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/config.h"
#include "core/report.h"
#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

struct push_opts {
    bool dry_run;      /* describe each due request (secrets redacted), change nothing */
    bool once;         /* one pass over the due actions; otherwise wait for short retries */
    const char *actor; /* recorded on audit events ("push" when NULL) */
    /* Receives each dry-run request text (one call per request); NULL drops them. */
    void (*print)(void *ctx, const char *text);
    void *print_ctx;
};

struct push_summary {
    int attempted; /* requests sent (writes and read-backs) */
    int verified;  /* actions confirmed by read-back */
    int sent;      /* actions accepted without a read-back to confirm */
    int retrying;  /* actions scheduled for another attempt */
    int failed;    /* actions that need a person */
    int dead;      /* actions out of attempts */
    int skipped;   /* actions whose provider is not configured */
};

/* The engine as a handle for an event loop (the console drives it from its main loop; push_run
 * is a loop around it). */
struct push_engine;

enum push_state {
    PUSH_BUSY, /* requests in flight or actions left to claim: call step again */
    PUSH_IDLE, /* nothing due now (push_engine_next_due says when something will be) */
    PUSH_DONE, /* --once / --dry-run: the pass is complete */
};

/* A new engine; caller frees with push_engine_free. opts is copied. */
enum status push_engine_new(struct store *s, const struct config *cfg, const struct push_opts *opts,
                            const struct reporter *rep, struct push_engine **out,
                            struct strbuf *err);
/* Claims due actions up to the concurrency, moves transfers along, waiting at most timeout_ms
 * (0: not at all), and records what finished. Never blocks longer than timeout_ms plus the
 * database writes of the transitions. */
enum status push_engine_step(struct push_engine *e, int timeout_ms, enum push_state *state,
                             struct strbuf *err);
/* The earliest future time (epoch seconds) an action becomes due, 0 when none. */
int64_t push_engine_next_due(const struct push_engine *e);
/* Counters so far; borrowed. */
const struct push_summary *push_engine_summary(const struct push_engine *e);
/* True when a due action's provider is not configured (reported through the reporter). */
bool push_engine_config_problem(const struct push_engine *e);
void push_engine_free(struct push_engine **pp);

/* Runs the engine over s with the [push] and [provider NAME] settings of cfg. ST_CONFIG (after
 * doing everything else) when a due action's provider is not configured or its key is unsafe. */
enum status push_run(struct store *s, const struct config *cfg, const struct push_opts *opts,
                     const struct reporter *rep, struct push_summary *sum, struct strbuf *err);

/* Every outbox action, newest first, as a JSON array of {"id","decision_id","pool_id",
 * "provider","op","target","state","attempts","last_status","last_error","due_at",
 * "next_attempt_at","summary","why"}. New reference in *out. */
enum status push_list(struct store *s, json_t **out, struct strbuf *err);

/* Outbox totals by what they ask of people: waiting to be sent or confirmed (pending,
 * in_flight, sent), needing a person (failed, dead) and manual steps. */
struct push_counts {
    int waiting, failed, manual;
};
enum status push_counts(struct store *s, struct push_counts *out, struct strbuf *err);

/* Inserts the outbox rows of a decision's provider plan (provider_plan) inside the caller's
 * transaction: state pending (manual for steps no API can enforce), an idempotency key derived
 * from the decision and step, due at due_ts (ISO timestamp; a reduce from the next period is due
 * when that period starts). Appends one audit event per row. */
struct prov_step;
enum status push_enqueue(struct store *s, int64_t decision_id, const char *pool_id,
                         const char *provider, const struct prov_step *steps, size_t n,
                         const char *due_ts, const char *actor, struct strbuf *err);

#endif
