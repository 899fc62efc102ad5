#!/usr/bin/env bash
# The review engine end to end over the fixture organisation: the permission table (each role x
# action), separation of duties, emergency actions and their confirmation, reduce from the next
# period, a campaign run to completion by the right people only, escalation, queues, outbox rows,
# signed decisions and every kind of audit tampering.
source "$(dirname "$0")/lib.sh"
setup_org
python3 "$FIX/gen_usage.py" sql | sqlite3 "$CREDENCE_DB"
c --as dana findings >/dev/null
R='--reason routine-review-of-the-pool'

# --- the permission table: who may do what on sales-copilot-prod (owner marcus, custodian sam) --
check() { # LOGIN ACTION EXPECTED-RC [extra args]
    local who=$1 act=$2 want=$3
    shift 3
    c --as "$who" decide sales-copilot-prod "$act" $R --preview "$@"
    expect_rc "$want" "$who $act sales-copilot-prod"
}
check marcus approve 0
check marcus reduce 0 --grant 5000
check marcus revoke 0
check marcus acknowledge 77
check sam acknowledge 0
check sam escalate 0
check sam snooze 0 --until 2026-12-10
check sam approve 77
check sam reduce 77 --grant 5000   # no critical finding open: no emergency action
check grace approve 77
check grace acknowledge 77
check priya approve 77             # another pool's owner
check avery approve 77             # admins decide only as assigned reviewers or second approvers
expect_err "approve of sales-copilot-prod needs the pool's owner" "refusal says who may"

# --- request validation --------------------------------------------------------------------
c --as marcus decide sales-copilot-prod reduce $R
expect_rc 64 "reduce without a grant or scope"
c --as marcus decide sales-copilot-prod reduce $R --grant 9000
expect_rc 64 "reduce must lower the grant"
expect_err "lower than the current 8,000.00 USD" "reduce names the grant"
c --as marcus decide sales-copilot-prod approve --reason short
expect_rc 64 "short reason"
c --as sam decide sales-copilot-prod snooze $R
expect_rc 64 "snooze needs --until"
c --as marcus decide sales-copilot-prod reduce $R --remove-scope model:claude-x
expect_rc 64 "removing a scope entry the pool does not have"
c --as marcus decide nope approve $R
expect_rc 65 "unknown pool"

# --- separation of duties: nina owns and keeps qa-test-generator ---------------------------------
c --as nina decide qa-test-generator approve $R
expect_rc 77 "owner who is custodian cannot approve alone"
expect_err "second owner or an admin must approve" "SoD refusal explains"
printf '[sod]\nowner_not_custodian = false\n' >"$T/nosod.ini"
c --config "$T/nosod.ini" --as nina decide qa-test-generator approve $R --preview
expect_rc 0 "SoD can be turned off in config"
c --as priya decide qa-test-generator approve $R
expect_rc 0 "a second owner approves"

# --- emergency: a custodian revokes on a critical finding; the owner confirms ---------------------
c --as olu decide ticket-triage-bot revoke --reason "scope drift to gpt-4.1: stop it now"
expect_rc 0 "custodian emergency revoke"
expect_out "emergency: the owner is asked to confirm" "emergency named"
expect_eq "$(sql "SELECT emergency || ' ' || action FROM decision WHERE pool_id = 'ticket-triage-bot'")" "1 revoke" "emergency recorded"
c --as priya queue --json
python3 - "$T/out" <<'PY' || fail "owner queue shows the confirmation"
import json, sys
q = json.load(open(sys.argv[1]))
assert q["role"] == "owner"
kinds = {(i["pool_id"], i["kind"]) for i in q["items"]}
assert ("ticket-triage-bot", "confirm") in kinds, kinds
for i in q["items"]:
    for k in ("pool_id", "kind", "severity", "recommendation", "campaign", "due"):
        assert k in i, k
    assert set(i["recommendation"]) >= {"action", "grant", "reason"}
PY
c --as priya decide ticket-triage-bot revoke --reason "confirming the custodian's revoke"
expect_rc 0 "owner confirms"
expect_eq "$(sql "SELECT count(*) FROM review_item WHERE pool_id = 'ticket-triage-bot' AND state = 'open'")" "0" "confirmation closes the item"

# --- reduce from the next period: the ledger and the outbox follow -------------------------------
c --as marcus decide sales-copilot-prod reduce $R --grant 6500
expect_rc 0 "reduce"
expect_eq "$(sql "SELECT effective_from || ' ' || grant_micros FROM grant_change WHERE pool_id = 'sales-copilot-prod'")" "2026-12-01 6500000000" "grant change from the next period"
expect_eq "$(sql "SELECT due_at || ' ' || state FROM outbox o JOIN decision d ON d.id = o.decision_id WHERE d.pool_id = 'sales-copilot-prod'")" "2026-12-01 pending" "push due when the period starts"
c --as marcus pool show sales-copilot-prod --json
expect_out '"status": "reduced"' "pool reduced"
CREDENCE_NOW=2026-12-02 "$BIN" --as marcus pool show sales-copilot-prod --json >"$T/out"
expect_out '"grant": 6500.0' "the next period has the new grant"
c --as marcus decide research-agent-prod reduce $R --grant 1
expect_rc 77 "owners reduce only their own pools"

# --- a campaign run to completion by the right people only ---------------------------------------
c --as marcus campaign start 2026-Q4 --due 2026-12-15
expect_rc 77 "only admins start campaigns"
c --as avery campaign start 2026-Q4 --due 2026-12-15
expect_rc 0 "campaign start"
expect_err "ops-runbook-agent: assigned to olu \(custodian fallback\)" "inactive owner falls back to the custodian"
total=$(sql "SELECT count(*) FROM review_item i JOIN campaign c ON c.id = i.campaign_id WHERE c.name = '2026-Q4'")
expect_eq "$total" "$(sql "SELECT count(*) FROM pool WHERE environment = 'production' AND status NOT IN ('retired','revoked')")" "one item per production pool"
c --as avery campaign start 2026-Q4 --due 2026-12-15
expect_rc 64 "campaign names are unique"
# a reviewer who is not assigned cannot decide someone else's item
c --as lena decide support-bot-prod approve $R
expect_rc 77 "not the owner, not assigned"
# every reviewer approves what the campaign assigned to them (signed for priya)
c --as priya keygen
expect_rc 0 "keygen"
expect_eq "$(stat -c %a "$XDG_CONFIG_HOME/credence/signing.key")" "600" "key file mode"
sql "SELECT i.reviewer || ' ' || i.pool_id FROM review_item i JOIN campaign c ON c.id = i.campaign_id WHERE c.name = '2026-Q4' AND i.state = 'open' AND i.kind = 'review'" |
while read -r who pool; do
    "$BIN" --as "$who" decide "$pool" approve --reason "reviewed in the 2026-Q4 campaign" >/dev/null 2>"$T/e" ||
        { echo "FAIL: $who could not approve $pool: $(cat "$T/e")"; echo x >>"$T/loopfail"; }
done
[ -f "$T/loopfail" ] && fail "campaign approvals"
c --as avery campaign status 2026-Q4 --json
python3 - "$T/out" "$total" <<'PY' || fail "campaign complete"
import json, sys
s = json.load(open(sys.argv[1]))
for k in ("name", "due", "total", "decided", "overdue", "by_action", "by_reviewer"):
    assert k in s, k
assert s["total"] == int(sys.argv[2]) and s["decided"] == s["total"], s
assert s["by_action"].get("approve", 0) >= 1 and s["overdue"] == 0
PY
expect_eq "$(sql "SELECT count(*) FROM decision WHERE signed = 1")" "$(sql "SELECT count(*) FROM decision WHERE actor = 'priya' AND audit_seq > (SELECT seq FROM audit_event WHERE event = 'person.key_registered')")" "priya's decisions after keygen are signed"

# --- overdue items are escalated once, with an audit event ---------------------------------------
c --as avery campaign start 2027-Q1 --due 2026-12-01 --scope all
c --as avery campaign status 2027-Q1
CREDENCE_NOW=2026-12-05 "$BIN" --as avery campaign status 2027-Q1 --json >"$T/out"
expect_out '"overdue": [1-9]' "overdue counted after the due date"
n1=$(sql "SELECT count(*) FROM audit_event WHERE event = 'review_item.escalated'")
CREDENCE_NOW=2026-12-05 "$BIN" --as priya queue --json >"$T/out"
expect_out '"overdue": true' "overdue flagged in the queue"
expect_eq "$(sql "SELECT count(*) FROM audit_event WHERE event = 'review_item.escalated'")" "$n1" "escalated once"
checks=$((checks + 1)); [ "$n1" -gt 0 ] || fail "escalation audited"

# --- queues per role; outbox listing --------------------------------------------------------------
c --as kenji queue --role custodian --json
expect_out '"role": "custodian"' "custodian queue"
c --as grace queue --json
expect_out '"kind": "decision"' "auditor queue lists decisions"
c --as grace queue --role owner
expect_rc 77 "a role the caller does not hold"
c --as dana outbox --json
python3 - "$T/out" <<'PY' || fail "outbox --json shape"
import json, sys
acts = json.load(open(sys.argv[1]))["actions"]
assert acts
for a in acts:
    for k in ("id", "decision_id", "pool_id", "provider", "op", "state", "attempts", "last_status", "last_error"):
        assert k in a, k
assert any(a["state"] == "manual" for a in acts)   # FOCUS pools are applied by hand
PY

# --- the audit chain: intact, then each kind of tampering is named --------------------------------
c --as grace audit verify
expect_rc 0 "chain intact"
expect_out "chain intact, [1-9][0-9]* signatures valid" "signatures counted"
tamper() { # description SQL EXPECTED-PATTERN
    cp "$CREDENCE_DB" "$T/tampered.db"
    rm -f "$T/tampered.db-wal" "$T/tampered.db-shm"
    sqlite3 "$T/tampered.db" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; $2"
    "$BIN" --db "$T/tampered.db" --as grace audit verify >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc 65 "$1 is caught"
    expect_err "$3" "$1 is named"
}
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
tamper "an edited actor" "UPDATE audit_event SET actor = 'mallory' WHERE seq = 5" "seq 5: a field differs"
tamper "an edited body" "UPDATE audit_event SET body = replace(body, 'avery', 'mallory') WHERE seq = 6" "seq 6: .*(edited)"
tamper "a deleted event" "DELETE FROM audit_event WHERE seq = 7" "seq 8: events are missing"
tamper "reordered events" "UPDATE audit_event SET seq = -1 WHERE seq = 9; UPDATE audit_event SET seq = 9 WHERE seq = 10; UPDATE audit_event SET seq = 10 WHERE seq = -1" "seq 9"
signed=$(sql "SELECT min(seq) FROM audit_event WHERE signature IS NOT NULL")
tamper "a forged signature" "UPDATE audit_event SET signature = substr(signature, 1, 10) || (CASE substr(signature, 11, 1) WHEN 'a' THEN 'b' ELSE 'a' END) || substr(signature, 12) WHERE seq = $signed" "seq $signed: its signature does not verify"
# a valid signature, but by a key never registered to the actor (made with the openssl tool)
openssl genpkey -algorithm ed25519 -out "$T/other.key" 2>/dev/null
hash=$(sql "SELECT hash FROM audit_event WHERE seq = $signed")
printf '%s' "$hash" >"$T/hash.txt"
sig=$(openssl pkeyutl -sign -rawin -inkey "$T/other.key" -in "$T/hash.txt" | od -An -tx1 | tr -d ' \n')
pub=$(openssl pkey -in "$T/other.key" -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')
tamper "a signature by an unregistered key" "UPDATE audit_event SET signature = '$sig', signer = '$pub' WHERE seq = $signed" "seq $signed: it is signed with a key not registered"

# a signing key others can read is refused
chmod 644 "$XDG_CONFIG_HOME/credence/signing.key"
c --as priya decide legal-review approve $R
expect_rc 77 "a key file readable by others is refused"
expect_err "readable by others" "key permission message"
finish
