-- credence store schema (DESIGN.md section 2). Embedded into the binary at build time.
-- A fresh database runs this file and gets user_version = STORE_SCHEMA_VERSION (core/store.c).
-- TO CHANGE THE SCHEMA: copy this file to tests/fixtures/schema-vN.sql (N = current version),
-- edit it, add migration N -> N+1 to store_migrations[] in core/store.c, bump
-- STORE_SCHEMA_VERSION; test_store proves that every old schema migrates to this one.
-- Amounts are INTEGER micro-units (1e-6 of the unit); dates are ISO 'YYYY-MM-DD' text;
-- timestamps are ISO 'YYYY-MM-DDTHH:MM:SSZ' text (UTC).

CREATE TABLE person (
    login       TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    public_key  TEXT,                          -- Ed25519 public key, hex; NULL when none
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE person_role (
    login TEXT NOT NULL REFERENCES person(login) ON DELETE CASCADE,
    role  TEXT NOT NULL CHECK (role IN ('owner', 'custodian', 'auditor', 'admin')),
    PRIMARY KEY (login, role)
) WITHOUT ROWID;

CREATE TABLE pool (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    provider             TEXT NOT NULL
                         CHECK (provider IN ('openai', 'anthropic', 'litellm', 'focus', 'webhook')),
    account              TEXT NOT NULL,
    owner                TEXT,                 -- person login; may name nobody (orphaned finding)
    custodian            TEXT,                 -- person login; may name nobody
    environment          TEXT NOT NULL CHECK (environment IN ('pilot', 'staging', 'production')),
    grant_micros         INTEGER NOT NULL CHECK (grant_micros >= 0),
    unit                 TEXT NOT NULL,        -- ISO 4217 currency code, 'credits' or 'tokens'
    period               TEXT NOT NULL CHECK (period IN ('monthly', 'quarterly', 'annual')),
    rollover             TEXT NOT NULL CHECK (rollover IN ('none', 'full', 'capped')),
    rollover_cap_pct     REAL CHECK (rollover_cap_pct IS NULL OR rollover_cap_pct BETWEEN 0 AND 100),
    rollover_max_periods INTEGER CHECK (rollover_max_periods IS NULL OR rollover_max_periods >= 0),
    starts_on            TEXT NOT NULL,
    expires_on           TEXT,
    review_interval_days INTEGER NOT NULL CHECK (review_interval_days > 0),
    review_threshold_pct REAL CHECK (review_threshold_pct BETWEEN 0 AND 100), -- NULL: [rules]
    contract_ref         TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'active'
                         CHECK (status IN ('active', 'reduced', 'revoked', 'retired')),
    last_review          TEXT,                 -- date of the last approve/reduce/revoke decision
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX pool_owner ON pool(owner);
CREATE INDEX pool_custodian ON pool(custodian);

-- How usage is attributed to a pool; most specific kind wins (api_key > workload > tag > account).
CREATE TABLE binding (
    pool_id TEXT NOT NULL REFERENCES pool(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL
            CHECK (kind IN ('api_key', 'workload', 'project', 'workspace', 'subaccount', 'tag')),
    value   TEXT NOT NULL,
    PRIMARY KEY (pool_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX binding_lookup ON binding(kind, value);

-- What a pool may be spent on (globs allowed).
CREATE TABLE scope_entry (
    pool_id TEXT NOT NULL REFERENCES pool(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('model', 'tool', 'service', 'compute')),
    pattern TEXT NOT NULL,
    PRIMARY KEY (pool_id, kind, pattern)
) WITHOUT ROWID;

-- Grant changes decided by reduce, effective from a date (the ledger reads the latest one
-- effective on or before a period's start).
CREATE TABLE grant_change (
    id             INTEGER PRIMARY KEY,
    pool_id        TEXT NOT NULL REFERENCES pool(id) ON DELETE CASCADE,
    effective_from TEXT NOT NULL,
    grant_micros   INTEGER NOT NULL CHECK (grant_micros >= 0),
    decision_id    INTEGER REFERENCES decision(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX grant_change_pool ON grant_change(pool_id, effective_from);

-- One row per import run (people, register, usage file, fetch).
CREATE TABLE import (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('people', 'register', 'usage')),
    format        TEXT NOT NULL DEFAULT '',
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT '',    -- usage: provider + billing account
    actor         TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    rows_read     INTEGER NOT NULL DEFAULT 0,
    rows_imported INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    cost_micros   INTEGER NOT NULL DEFAULT 0,  -- sum of the cost column read, for reconciliation
    status        TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('done', 'superseded'))
);
CREATE INDEX import_sha ON import(kind, sha256);

-- Scopes an import covers; a later import of the same scope supersedes the earlier one
-- (FOCUS: source + billing period start; API pages and console CSVs: source + kind + day).
CREATE TABLE import_scope (
    import_id INTEGER NOT NULL REFERENCES import(id) ON DELETE CASCADE,
    scope_key TEXT NOT NULL,
    PRIMARY KEY (scope_key, import_id)
) WITHOUT ROWID;

-- Daily rollups of usage per (pool or none, provider, account, api key, workload, model,
-- service, day) and charge category, remembering the import that produced them.
CREATE TABLE usage_rollup (
    id              INTEGER PRIMARY KEY,
    import_id       INTEGER NOT NULL REFERENCES import(id) ON DELETE CASCADE,
    scope_key       TEXT NOT NULL,
    pool_id         TEXT REFERENCES pool(id) ON DELETE SET NULL,
    provider        TEXT NOT NULL,
    account         TEXT NOT NULL DEFAULT '',
    api_key         TEXT NOT NULL DEFAULT '',
    workload        TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    service         TEXT NOT NULL DEFAULT '',
    day             TEXT NOT NULL,
    category        TEXT NOT NULL DEFAULT 'usage'
                    CHECK (category IN ('usage', 'credit', 'purchase', 'adjustment', 'tax')),
    quantity_micros INTEGER NOT NULL DEFAULT 0,
    quantity_unit   TEXT NOT NULL DEFAULT '',
    tokens          INTEGER NOT NULL DEFAULT 0,  -- input + output tokens (DESIGN.md section 2)
    cost_micros     INTEGER NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT '',
    credits_micros  INTEGER NOT NULL DEFAULT 0,  -- virtual currency (FOCUS PricingCurrency...)
    credits_unit    TEXT NOT NULL DEFAULT '',
    requests        INTEGER NOT NULL DEFAULT 0
);
-- v3: covers what ledgers and charts read (a pool's days, category, currency and amounts), so a
-- pool's consumption is read from the index alone, never from scattered table rows
CREATE INDEX usage_pool_day ON usage_rollup(pool_id, day, category, currency, cost_micros, tokens,
                                            credits_micros, credits_unit);
CREATE INDEX usage_day ON usage_rollup(day);
CREATE INDEX usage_scope ON usage_rollup(scope_key, import_id);

CREATE TABLE finding (
    id            TEXT PRIMARY KEY,            -- stable: hash of (rule, subject)
    rule          TEXT NOT NULL,
    pool_id       TEXT REFERENCES pool(id) ON DELETE CASCADE,
    subject       TEXT NOT NULL,               -- pool id, or provider/account/api key
    severity      TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    state         TEXT NOT NULL DEFAULT 'open'
                  CHECK (state IN ('open', 'acknowledged', 'snoozed', 'resolved')),
    snoozed_until TEXT,
    explanation   TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '{}',  -- JSON: the numbers that fired the rule
    detected_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    resolved_at   TEXT
);
CREATE INDEX finding_pool ON finding(pool_id, state);

CREATE TABLE campaign (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    scope      TEXT NOT NULL DEFAULT 'production',
    starts_on  TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_at  TEXT,
    audit_seq  INTEGER                          -- first audit event of the campaign
);

CREATE TABLE review_item (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER REFERENCES campaign(id) ON DELETE CASCADE,
    pool_id      TEXT NOT NULL REFERENCES pool(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL DEFAULT 'review' CHECK (kind IN ('review', 'confirm', 'escalation')),
    reviewer     TEXT NOT NULL,
    assigned_why TEXT NOT NULL DEFAULT 'owner',  -- owner, custodian fallback, admin fallback
    state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'decided')),
    decision_id  INTEGER REFERENCES decision(id),
    escalated_at TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (campaign_id, pool_id, kind)
);
CREATE INDEX review_item_reviewer ON review_item(reviewer, state);
-- v2: a pool's open items without scanning every item (queues, campaign starts)
CREATE INDEX review_item_pool ON review_item(pool_id, reviewer, state);

CREATE TABLE decision (
    id          INTEGER PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES pool(id),
    item_id     INTEGER REFERENCES review_item(id),
    finding_id  TEXT,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL
                CHECK (action IN ('approve', 'reduce', 'revoke', 'acknowledge', 'escalate', 'snooze')),
    reason      TEXT NOT NULL CHECK (length(reason) >= 10),
    params      TEXT NOT NULL DEFAULT '{}',    -- JSON: new grant, removed scope, until, effective
    snapshot    TEXT NOT NULL DEFAULT '{}',    -- JSON: ledger row, findings, recommendation seen
    emergency   INTEGER NOT NULL DEFAULT 0,    -- custodian action awaiting owner confirmation
    decided_at  TEXT NOT NULL,
    audit_seq   INTEGER,                       -- the audit event recording it
    signed      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX decision_pool ON decision(pool_id, decided_at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    decision_id     INTEGER NOT NULL REFERENCES decision(id),
    pool_id         TEXT NOT NULL REFERENCES pool(id),
    provider        TEXT NOT NULL,
    op              TEXT NOT NULL,               -- e.g. spend_limit, key_delete, key_block
    target          TEXT NOT NULL DEFAULT '',    -- provider object (project, key, workspace, team)
    payload         TEXT NOT NULL DEFAULT '{}',  -- JSON description of the request
    idempotency_key TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'in_flight', 'sent', 'verified', 'failed', 'dead',
                                     'manual', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    due_at          TEXT NOT NULL,               -- not before (reduce from next period)
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- Append-only, hash-chained: hash = SHA-256(prev_hash || body), body the canonical JSON of
-- every other column. Triggers refuse updates and deletes through credence's own connection.
CREATE TABLE audit_event (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    os_user   TEXT NOT NULL,
    event     TEXT NOT NULL,
    subject   TEXT NOT NULL,
    body      TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    signature TEXT,                             -- Ed25519 over the hash, hex
    signer    TEXT                              -- public key that signed, hex
);
CREATE INDEX audit_subject ON audit_event(subject, seq);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
