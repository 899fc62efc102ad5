#!/usr/bin/env bash
# Findings end to end over the fixture organisation and its designed usage (gen_usage.py): every
# rule fires on the pool designed for it and on no healthy pool; ids are stable; acknowledged and
# snoozed findings keep their state across evaluations; cleared findings resolve themselves.
source "$(dirname "$0")/lib.sh"
setup_org
python3 "$FIX/gen_usage.py" sql | sqlite3 "$CREDENCE_DB"

c --as dana findings --json
expect_rc 0 "findings --json"
python3 - "$T/out" <<'PY' || fail "each rule fires on its designed pool only"
import json, sys
doc = json.load(open(sys.argv[1]))
got = sorted((f["rule"], f["subject"]) for f in doc["findings"])
want = sorted([
    ("threshold", "sales-copilot-prod"), ("exhaustion", "code-review-agent"),
    ("burn-spike", "research-agent-prod"), ("dormant", "legacy-summarizer"),
    ("scope-drift", "ticket-triage-bot"), ("pooled-identities", "shared-analytics"),
    ("unbound-identity", "marketing-gen"), ("review-overdue", "finance-forecast"),
    ("carry-over", "batch-embeddings"), ("pilot-expired", "pilot-voice-agent"),
    ("pilot-production-like", "pilot-doc-extractor"), ("orphaned", "ops-runbook-agent"),
    ("unregistered-usage", "openai/proj_shadow99/key_Shadow1"),
    ("unregistered-usage", "anthropic/wrkspc_01Unknown/apikey_01Rogue"),
    ("renewal-due", "translation-svc"),
])
assert got == want, "\nextra: %s\nmissing: %s" % (sorted(set(got) - set(want)), sorted(set(want) - set(got)))
for f in doc["findings"]:
    for k in ("id", "pool_id", "rule", "severity", "state", "explanation", "refs", "subject"):
        assert k in f, k
    assert f["refs"], f["rule"]
    assert f["state"] == "open"
t = [f for f in doc["findings"] if f["rule"] == "threshold"][0]
assert t["explanation"].startswith("consumed 6,576.00 of 8,000.00 USD (82%) with 7 days left; threshold 80%"), t
assert t["severity"] == "high" and "OWASP-NHI:NHI5" in t["refs"]
u = [f for f in doc["findings"] if f["rule"] == "unregistered-usage"][0]
assert u["pool_id"] is None and u["severity"] == "critical"
PY
id=$(python3 -c 'import json,sys; print([f["id"] for f in json.load(open(sys.argv[1]))["findings"] if f["rule"]=="dormant"][0])' "$T/out")

# filters
c --as dana findings --rule scope-drift
expect_out "ticket-triage-bot" "--rule filter"
expect_out "^1 finding shown" "--rule shows one"
c --as dana findings --severity critical --json
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$T/out")" "4" "four critical findings"
c --as dana findings --rule nope
expect_rc 64 "unknown rule"

# stable ids; a state set by triage survives re-evaluation
sql "UPDATE finding SET state = 'acknowledged' WHERE id = '$id'"
c --as dana findings --json
expect_eq "$(python3 -c 'import json,sys; print([f["state"] for f in json.load(open(sys.argv[1]))["findings"] if f["id"]==sys.argv[2]][0])' "$T/out" "$id")" "acknowledged" "acknowledged survives"
sql "UPDATE finding SET state = 'snoozed', snoozed_until = '2026-11-30' WHERE rule = 'orphaned'"
c --as dana findings --rule orphaned --json
expect_out '"state": "snoozed"' "snoozed survives while the date is ahead"
cp "$CREDENCE_DB" "$T/later.db"   # evaluate the future on a copy
CREDENCE_NOW=2026-12-01 "$BIN" --db "$T/later.db" --as dana findings --rule orphaned --json >"$T/out" 2>"$T/err"
expect_out '"state": "open"' "snooze ends on its date"

# a condition that clears resolves itself and says when; it reopens when it fires again
sql "UPDATE pool SET last_review = '2026-11-20' WHERE id = 'finance-forecast'"
c --as dana findings
expect_out "resolved 1" "review-overdue resolved after a review"
expect_eq "$(sql "SELECT state || ' ' || resolved_at FROM finding WHERE rule = 'review-overdue'")" "resolved 2026-11-24T00:00:00Z" "resolved with a time"
sql "UPDATE pool SET last_review = '2026-01-01' WHERE id = 'finance-forecast'"
c --as dana findings --rule review-overdue
expect_out "opened 1" "it reopens"
expect_eq "$(sql "SELECT count(*) FROM audit_event WHERE event IN ('finding.opened','finding.resolved','finding.reopened')")" "17" "findings changes are audited (15 opened, 1 resolved, 1 reopened)"

# thresholds: pool first, then config [rules], then the default
mkdir -p "$T/cfg"
printf '[rules]\nthreshold_pct = 50\n' >"$T/cfg/rules.ini"
sql "UPDATE pool SET review_threshold_pct = NULL WHERE id = 'agent-sandbox'"
c --config "$T/cfg/rules.ini" --as dana findings --rule threshold
expect_out "agent-sandbox" "config threshold applies when the pool has none"
expect_out "sales-copilot-prod" "pool threshold still applies"
printf '[rules]\nthreshold_pct = abc\n' >"$T/cfg/bad.ini"
c --config "$T/cfg/bad.ini" --as dana findings
expect_rc 78 "bad config value"
c --as grace audit verify
expect_rc 0 "chain intact"
finish
