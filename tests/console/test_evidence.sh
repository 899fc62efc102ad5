#!/usr/bin/env bash
# The Evidence screens in a real terminal (tmux): 6 opens the campaigns, Enter drills to the items
# and to a decision's evidence (snapshot, reason, signature, outbox state, audit events), f cycles
# the filters, the chain status line is on every screen, decide keys are refused without touching
# the database, an owner sees only their own pools, and a tampered audit row shows as broken.
source "$(dirname "$0")/lib.sh"
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
setup_org
python3 "$FIX/gen_usage.py" sql | sqlite3 "$CREDENCE_DB"
c --as dana findings >/dev/null
c --as avery campaign start 2026-Q4 --due 2026-12-15
expect_rc 0 "campaign start"
c --as priya keygen
expect_rc 0 "keygen"
c --as priya decide support-bot-prod reduce --grant 9000 --reason "usage far below the grant all quarter"
expect_rc 0 "a signed reduce, against the recommendation"
c --as marcus decide sales-copilot-prod approve --reason "busy month, grant still right"
expect_rc 0 "an unsigned approve"
c --as olu decide ticket-triage-bot revoke --reason "scope drift to gpt-4.1: stop it now"
expect_rc 0 "an emergency revoke awaiting the owner's confirmation"
expect_eq "$(sql "SELECT json_extract(snapshot, '$.recommendation.action') FROM decision WHERE pool_id = 'support-bot-prod'")" \
    approve "the reduce went against an approve recommendation"
# the console runs after the due date, so open items are overdue
NOW=2026-12-20
SOCK="credence-evtest-$$"
state() { sql "SELECT count(*), group_concat(id || action || signed, ',') FROM decision; SELECT group_concat(id || state, ',') FROM outbox; SELECT count(*), max(hash) FROM audit_event; SELECT group_concat(id || state, ',') FROM review_item"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT
events=$(sql "SELECT count(*) FROM audit_event")
tm new-session -d -x 120 -y 40 "env CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$NOW $BIN --as grace; sleep 60"
screen 1.5
see "1 dashboard .* 5 outbox  6 evidence" "bottom bar names 6 evidence"
tm send-keys 6; screen
see "\| Evidence \|" "6 opens the Evidence screens"
see "^ chain verified: $events events, head seq $events" "chain status on the campaigns screen"
see "2026-Q4 +2026-12-15 production +23 +2 +21" "campaign with totals, decided and overdue"
tm send-keys Enter; screen
see "\| Evidence: items \|" "Enter opens the campaign's items"
see "^ chain verified: $events events" "chain status on the items screen"
see "Campaign 2026-Q4: 23 items, filter: all items \(f cycles\)" "items header names the filter"
see "support-bot-prod +priya +decided +reduce +2026-11-24 00:00" "a decided item with its decision and when"
see "support-bot-prod .* yes +pending +contrary" "signed, push state and the contrary flag"
see "sales-copilot-prod .* no +pending" "an unsigned decision"
see "ticket-triage-bot +priya +open +revoke .*overdue,emergency" "the emergency action on an open, overdue item"
# the signed, contrary reduce: its evidence
tm send-keys / s u p p o r t - b o t - p Enter Enter; screen
see "\| Evidence: decision \|" "Enter opens a decision's evidence"
see "^ chain verified: $events events" "chain status on the evidence screen"
see "Decision [0-9]+: reduce support-bot-prod by priya \(owner\)" "decision title"
see "reason +usage far below the grant all quarter" "the reason"
see "signature +signed by priya, verified \(Ed25519 key" "signature verified against priya's registered key"
see "SNAPSHOT THE REVIEWER SAW" "snapshot section"
see "ledger +period from 20[0-9-]+: grant 12,000.00" "the ledger row the reviewer saw"
see "recommendation +approve \(grant" "the recommendation the reviewer saw"
see "the decision went against this recommendation" "contrary flagged"
see "PROVIDER ACTIONS \(1\)" "outbox actions"
see "spend_limit .*: pending, HTTP -, 0 attempts" "outbox state and HTTP status"
see "request +POST /v1/organization" "request summary"
see "read-back +not sent yet" "read-back verification state"
see "AUDIT EVENTS FOR support-bot-prod" "audit events for the pool"
see "decision.entitlement +support-bot-prod \(signed\)" "the signed decision event in the chain"
lacks "sk-admin" "no admin key on screen"
before=$(state)
tm send-keys a; screen
see "evidence screens are read-only" "a is refused on the evidence screen"
tm send-keys q; screen
see "\| Evidence: items \|" "q goes back to the items"
for k in r x e z c a; do tm send-keys "$k"; done
screen
see "evidence screens are read-only" "decide keys are refused on the items screen"
lacks "Reason|reason:" "no decide form opened"
checks=$((checks + 1))
[ "$before" = "$(state)" ] || fail "the database changed after decide keys on evidence screens"
# filters
tm send-keys f; screen
see "filter: overdue" "f: overdue"
see "ticket-triage-bot .*overdue" "an open item past due"
lacks "support-bot-prod|sales-copilot-prod" "decided items are not overdue"
tm send-keys f; screen
see "filter: emergency awaiting owner confirmation" "f: emergency"
see "ticket-triage-bot +priya +open +revoke" "the emergency revoke"
see "Campaign 2026-Q4: 1 item," "only one emergency item"
tm send-keys f; screen
see "filter: contrary to the recommendation" "f: contrary"
see "support-bot-prod .*contrary" "the contrary reduce"
see "ticket-triage-bot .*emergency,contrary" "the emergency revoke went against an approve too"
lacks "sales-copilot-prod" "the approve followed the recommendation"
tm send-keys f; screen
see "filter: unsigned decisions" "f: unsigned"
see "sales-copilot-prod" "the unsigned approve"
see "ticket-triage-bot" "the unsigned emergency revoke"
lacks "support-bot-prod" "the signed reduce is not listed"
tm send-keys Enter; screen
see "Decision [0-9]+: (approve sales-copilot-prod by marcus|revoke ticket-triage-bot by olu)" "drill from a filtered list"
see "signature +unsigned" "unsigned signature status"
tm send-keys q; screen
tm send-keys f; screen
see "filter: all items" "f wraps to all items"
# the emergency decision's evidence
tm send-keys / t i c k e t Enter Enter; screen
see "Decision [0-9]+: revoke ticket-triage-bot by olu" "the emergency decision"
see "emergency +custodian's emergency action, awaiting the owner's confirmation" "awaiting confirmation"
see "findings +critical scope-drift" "the finding the custodian saw"
tm send-keys q q; screen
see "\| Evidence \|" "q twice goes back to the campaigns"
# tamper with an audit row behind the console's back; 6 re-checks the chain
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
sqlite3 "$CREDENCE_DB" "DROP TRIGGER audit_no_update; UPDATE audit_event SET actor = 'mallory' WHERE seq = 7"
tm send-keys 6; screen
see "^ chain BROKEN at seq 7: a field differs" "a tampered event breaks the chain"
tm send-keys Enter; screen
see "^ chain BROKEN at seq 7" "broken chain on the items screen"
tm send-keys / s u p p o r t - b o t - p Enter Enter; screen
see "^ chain BROKEN at seq 7" "broken chain on the evidence screen"
tm send-keys Q; sleep 0.5
tm kill-server 2>/dev/null
sleep 0.5 # let the server go before the next one starts
# an owner sees the evidence of their own pools only, at 80x24
tm new-session -d -x 80 -y 24 "env CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$NOW $BIN --as marcus; sleep 60"
screen 1.5
tm send-keys 6 Enter; screen
see "\| Evidence: items \|" "an owner may open the Evidence screens"
see "sales-copilot-prod" "the owner's own pool"
lacks "support-bot-prod|ticket-triage-bot" "other owners' pools are not shown"
checks=$((checks + 1))
python3 -c 'import sys; sys.exit(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")) > 80)' "$T/screen" || fail "lines fit 80 columns"
tm send-keys Q
finish
