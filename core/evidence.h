/* Evidence packs for auditors: a self-contained folder per campaign (CSV tables, the audit chain
 * segment, the framework mapping, an HTML report, and a manifest of SHA-256 hashes) and its
 * offline verification, which needs no database. */
#ifndef CREDENCE_CORE_EVIDENCE_H
#define CREDENCE_CORE_EVIDENCE_H

#include <stdint.h>

#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

struct evidence_summary {
    int files; /* files written besides the manifest */
    int items, decisions, findings, actions;
    int64_t first_seq; /* first audit event in the pack */
    int64_t head_seq;  /* the chain head at export */
    char head_hash[65];
};

/* Writes the pack of campaign `name` into dir (created 0700 when missing; refused when it exists
 * and is not empty). ST_NOT_FOUND for an unknown campaign. */
enum status evidence_export(struct store *s, const char *name, const char *dir,
                            const char *exporter, const char *version, struct evidence_summary *sum,
                            struct strbuf *err);

struct evidence_check {
    int files;      /* files whose hash matched */
    int64_t events; /* audit events re-verified */
    int64_t signed_ok, unsigned_n;
    char head_hash[65];
};

/* Re-checks the manifest hashes of every file, looks for missing or extra files, and re-verifies
 * the audit chain segment up to the manifest's head. ST_TAMPERED naming what differs. */
enum status evidence_verify(const char *dir, struct evidence_check *res, struct strbuf *err);

#endif
