#!/usr/bin/env bash
# Provider push end-to-end against tests/fake_provider.py on 127.0.0.1: request shapes per
# adapter, read-back verification, retries with backoff and Retry-After, failed and dead paths,
# dry run, secrets kept out of output and database, and a kill -9 in the middle of a destructive
# request followed by a restart (exactly one DELETE).
source "$(dirname "$0")/lib.sh"
setup_org
start_fake
state() { sql "SELECT state FROM outbox WHERE id = $1"; }

# --- plans: each adapter's requests -------------------------------------------------------------
enqueue sales-copilot-prod reduce 6000              # openai: spend limit 600000 cents
enqueue support-bot-prod revoke                     # openai: DELETE the bound key
enqueue research-agent-prod revoke                  # anthropic: key -> inactive
enqueue code-review-agent approve                   # anthropic: workspace spend limit
enqueue ticket-triage-bot reduce 2500 model:gpt-4o-mini   # litellm: key update + models
enqueue partner-webhook-credits revoke              # webhook
enqueue translation-svc approve                     # focus: manual
expect_eq "$(sql "SELECT count(*) FROM outbox WHERE state = 'manual'")" "2" "focus pool and glob scope are manual"
expect_eq "$(sql "SELECT count(*) FROM outbox WHERE state = 'pending'")" "6" "six pending actions"

# --- dry run sends nothing and shows no secret ---------------------------------------------------
c --as sam push --dry-run
expect_rc 0 "dry run"
expect_out "POST http://127.0.0.1:$FAKE_PORT/v1/organization/projects/proj_sales02/spend_limit" "dry run shows the request"
expect_out '"threshold_amount":600000' "dry run shows the body in cents"
expect_out "Authorization: Bearer \[redacted\]" "dry run redacts the key"
expect_out "X-Credence-Signature: sha256=\[computed" "dry run does not sign with the secret"
expect_eq "$(requests_matching '')" "0" "dry run sent nothing"
grep -q "sk-admin-openai-test" "$T/out" && fail "admin key printed by dry run"

# --- roles ----------------------------------------------------------------------------------------
c --as priya push
expect_rc 77 "owners do not push"

# --- the real run -----------------------------------------------------------------------------------
c --as sam push
expect_rc 0 "push"
expect_out "6 verified" "all six verified by read-back"
expect_eq "$(sql "SELECT count(*) FROM outbox WHERE state = 'verified'")" "6" "verified rows"
expect_eq "$(requests_matching 'DELETE /v1/organization/projects/proj_support01/api_keys/key_SupBot7Qd')" "1" "one DELETE"
expect_eq "$(requests_matching 'POST /v1/organizations/api_keys/apikey_01Resrch')" "1" "anthropic key deactivated once"
python3 - "$T/requests.jsonl" <<'PY' || fail "request shapes"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
def one(method, prefix):
    m = [r for r in reqs if r["method"] == method and r["path"].startswith(prefix)]
    assert len(m) == 1, (method, prefix, len(m))
    return m[0]
r = one("POST", "/v1/organization/projects/proj_sales02/spend_limit")
assert r["body"] == {"threshold_amount": 600000, "currency": "USD", "interval": "month"}, r
assert r["headers"]["authorization"] == "Bearer sk-admin-openai-test"
assert r["idempotency_key"].startswith("credence-")
r = one("POST", "/v1/organizations/api_keys/apikey_01Resrch")
assert r["body"] == {"status": "inactive"} and r["headers"]["anthropic-version"] == "2023-06-01"
r = one("POST", "/v1/organizations/spend_limits")
assert r["body"] == {"amount": "600000", "period": "monthly",
                     "scope": {"type": "workspace", "workspace_id": "wrkspc_01EngTools"}}, r
g = one("GET", "/v1/organizations/spend_limits")
assert g["headers"]["anthropic-beta"] == "spend-limit-reads-2026-09-26"
r = one("POST", "/key/update")
assert r["body"]["key"] == "sk-litellm-triage-01" and r["body"]["max_budget"] == 2500.0
assert r["body"]["budget_duration"] == "1mo" and "models" not in r["body"], r  # glob left: manual
r = one("POST", "/hook")
assert r["body"]["type"] == "credence.decision" and r["body"]["action"] == "revoke"
assert r["headers"]["x-credence-signature"].startswith("sha256=")
PY
# ticket-triage-bot keeps a glob model after the reduce: its model restriction is manual
expect_eq "$(sql "SELECT count(*) FROM outbox o JOIN decision d ON d.id = o.decision_id WHERE d.pool_id = 'ticket-triage-bot' AND o.state = 'manual'")" "1" "glob scope left to a person"
c --as grace audit verify
expect_rc 0 "audit chain intact after push"

# --- 429 with Retry-After, then success; 500 burst; dropped connection -----------------------------
enqueue sales-copilot-prod approve
id=$(sql "SELECT max(id) FROM outbox")
fake POST /_fault '{"match": "POST /v1/organization/projects/proj_sales02/spend_limit", "status": 429, "retry_after": "1", "times": 1}' >/dev/null
fake POST /_fault '{"match": "GET /v1/organization/projects/proj_sales02/spend_limit", "status": 503, "times": 1}' >/dev/null
c --as sam push
expect_rc 0 "push with retries"
expect_eq "$(state "$id")" "verified" "verified after a 429 and a 503"
expect_eq "$(sql "SELECT attempts FROM outbox WHERE id = $id")" "2" "two send attempts"

enqueue legal-review revoke
id=$(sql "SELECT max(id) FROM outbox")
fake POST /_fault '{"match": "POST /v1/organizations/api_keys/apikey_01Legal", "drop": true, "times": 1}' >/dev/null
c --as sam push
expect_eq "$(state "$id")" "verified" "verified after a dropped connection"
expect_eq "$(requests_matching 'POST /v1/organizations/api_keys/apikey_01Legal')" "2" "dropped before an answer: read back, then sent again"

# a response slower than timeout_seconds (2 s) is a timeout: retried, then verified
enqueue onboarding-buddy approve
id=$(sql "SELECT max(id) FROM outbox")
fake POST /_fault '{"match": "POST /v1/organization/projects/proj_onboard12/spend_limit", "delay": 3, "times": 1}' >/dev/null
c --as sam push
expect_eq "$(state "$id")" "verified" "verified after a timeout"
expect_eq "$(requests_matching 'POST /v1/organization/projects/proj_onboard12/spend_limit')" "1" "after a timeout the state is read back, not resent"

# --- 401 -> failed with the provider's message; dead after max attempts ------------------------------
enqueue hr-assistant approve
id=$(sql "SELECT max(id) FROM outbox")
OPENAI_ADMIN_KEY=wrong-key "$BIN" --as sam push >"$T/out" 2>"$T/err"
expect_eq "$(state "$id")" "failed" "401 ends failed"
expect_eq "$(sql "SELECT last_error FROM outbox WHERE id = $id")" "HTTP 401: Incorrect API key provided" "provider message kept"
enqueue knowledge-base-qa approve
id=$(sql "SELECT max(id) FROM outbox")
fake POST /_fault '{"match": "POST /v1/organization/projects/proj_kb10/spend_limit", "status": 500, "times": 4}' >/dev/null
c --as sam push
expect_rc 69 "dead action exits 69"
expect_eq "$(state "$id")" "dead" "dead after max attempts"
expect_eq "$(sql "SELECT attempts FROM outbox WHERE id = $id")" "4" "max_attempts respected"

# --- retry and cancel by hand ---------------------------------------------------------------------
c --as priya outbox retry "$id"
expect_rc 77 "owners do not retry"
c --as fatima outbox retry "$id"
expect_rc 77 "a custodian of other pools does not retry"
expect_err "needs the admin role, or the custodian role as the pool's custodian \(sam\)" "the refusal says who may"
c --as sam outbox retry "$id"
expect_rc 0 "the pool's custodian retries a dead action"
expect_eq "$(sql "SELECT state || ' ' || attempts || ' ' || ifnull(last_error, '-') FROM outbox WHERE id = $id")" "pending 0 -" "pending again, attempts from 0"
c --as sam push
expect_rc 0 "the retried action is sent"
expect_eq "$(state "$id")" "verified" "and verified"
c --as sam outbox retry "$id"
expect_rc 65 "a verified action is not retried"
expect_err "action $id is verified: retry cannot apply \(the provider confirmed it\)" "the state is named"
enqueue claims-intake approve
cid=$(sql "SELECT max(id) FROM outbox")
c --as olu outbox cancel "$cid"
expect_rc 64 "cancel needs a reason"
c --as olu outbox cancel "$cid" --reason "budget moved to the new claims platform"
expect_rc 0 "the custodian cancels a pending action"
expect_eq "$(state "$cid")" "cancelled" "cancelled"
expect_eq "$(sql "SELECT json_extract(body, '\$.data.from') || ' ' || json_extract(body, '\$.data.reason') FROM audit_event WHERE event = 'outbox.cancelled'")" "pending budget moved to the new claims platform" "audited with the previous state and the reason"
c --as sam push
expect_eq "$(requests_matching 'POST /team/update')$(state "$cid")" "0cancelled" "a cancelled action is never sent"
c --as avery outbox cancel "$cid" --reason again
expect_rc 65 "cancelled once"
c --as avery outbox retry 999999
expect_rc 65 "an unknown action"

# --- Anthropic spend limits unavailable (early access) -> failed, message kept -------------------------
fake POST /_state '{"anthropic_spend_limits_available": false}' >/dev/null
enqueue security-triage approve
id=$(sql "SELECT max(id) FROM outbox")
c --as sam push
expect_eq "$(state "$id")" "failed" "spend limits unavailable -> failed"
expect_eq "$(sql "SELECT last_error FROM outbox WHERE id = $id")" "HTTP 403: Spend limits are not available for your organization" "early-access message shown"

# --- an already deleted key: 404 on DELETE means done ---------------------------------------------
fake POST /_state '{"deleted_keys": ["key_HrAsst7Vb"]}' >/dev/null
enqueue hr-assistant revoke
id=$(sql "SELECT max(id) FROM outbox")
c --as sam push
expect_eq "$(state "$id")" "verified" "already-deleted key verified"

# --- kill -9 in the middle of a destructive request; the restart reads back, never resends -----------
enqueue legacy-summarizer revoke
id=$(sql "SELECT max(id) FROM outbox")
fake POST /_fault '{"match": "DELETE /v1/organization/projects/proj_legacy03/api_keys/key_LegSum3Pq", "delay": 2, "times": 1}' >/dev/null
"$BIN" --as sam push >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 50); do [ "$(requests_matching 'DELETE /v1/organization/projects/proj_legacy03')" = 1 ] && break; sleep 0.1; done
kill -9 $pid
wait $pid 2>/dev/null
expect_eq "$(state "$id")" "in_flight" "killed mid-request: in_flight"
sleep 3   # the fake finishes the delete; the lease (2 s) expires
c --as sam push
expect_eq "$(state "$id")" "verified" "restart verifies by read-back"
expect_eq "$(requests_matching 'DELETE /v1/organization/projects/proj_legacy03')" "1" "exactly one DELETE"

# --- 200 actions across three providers drain with bounded concurrency --------------------------------
for i in $(seq 1 70); do
    enqueue eu-support-bot approve >/dev/null; enqueue finance-forecast revoke; enqueue agent-sandbox approve
done
c --as sam push
expect_rc 0 "bulk push"
expect_eq "$(sql "SELECT count(*) FROM outbox WHERE state IN ('pending','in_flight','sent')")" "0" "everything drained"

# --- secrets never in the database or the output --------------------------------------------------
for secret in sk-admin-openai-test sk-ant-admin-test sk-litellm-master-test whsec-test; do
    checks=$((checks + 1))
    if grep -q -- "$secret" "$CREDENCE_DB" "$CREDENCE_DB-wal" 2>/dev/null || grep -q -- "$secret" "$T/out" "$T/err"; then
        fail "secret $secret leaked"
    fi
done

finish
