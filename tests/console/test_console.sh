#!/usr/bin/env bash
# The console in a real terminal (tmux, TERM=xterm-256color): dashboard, the top bar's campaign
# progress, per-screen keys in the bottom bar, jumps, the pools list, the mouse (wheel, click,
# double click, a click on a bottom-bar key), a pool's detail with its ledger, sparkline and
# findings, incremental search, help from the keymap, role switch, resize to 80x24 and a
# too-small notice, NO_COLOR, and a pool name with an escape sequence.
source "$(dirname "$0")/lib.sh"
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
unset CREDENCE_DB
"$BIN" demo --no-ui >/dev/null 2>&1 || { echo "demo failed"; exit 1; }
export CREDENCE_DB="$XDG_DATA_HOME/credence/demo.db" CREDENCE_NOW=2026-11-24
# a pool whose name carries an escape sequence must show '?' and never reach the terminal raw
sqlite3 "$CREDENCE_DB" "UPDATE pool SET name = 'Evil' || char(27) || '[2J name' WHERE id = 'agent-sandbox'"
SOCK="credence-test-$$"
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT
tm new-session -d -x 120 -y 40 "env CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$CREDENCE_NOW $BIN --as dana; sleep 30"
screen 1.5
see "credence \| Dana Whitfield \(dana\) as owner \| Dashboard \| 2026-Q4 \[######\.\.\.\.\] 14/23 \| 2026-11-24" \
    "top bar: who, role, view, the campaign's progress, date"
see "CAMPAIGN 2026-Q4" "campaign progress on the dashboard"
see "14 of 23 decided" "campaign numbers"
see "BURN THIS MONTH \(USD pools\)" "burn vs grants per provider"
see "openai +8 pools +[0-9,.]+ +32,900.00 +[0-9]+%  [▁▂▃▄▅▆▇█ ]{30}" "provider row with the 30-day sparkline"
see "YOUR OWNER QUEUE: 3 open items" "the dashboard heads the caller's queue"
see "^  high +campaign +code-review-agent +70%  approve  exhaustion" "riskiest item first, with advice and top finding"
see "^ \? help  Enter open  1 dashboard  2 queue  3 pools  4 findings  5 outbox  6 evidence" "bottom bar lists the keys"
tm send-keys 2; screen
see "\| Queue \|" "2 jumps to the queue"
see "^ \? help  Enter open  a approve  r reduce  x revoke  Space mark  / search  e escalate" "the queue's own keys in the bottom bar"
see "campaign +code-review-agent" "dana's campaign items"
# a full review step from the queue: approve with a reason, preview, confirm
tm send-keys a; sleep 0.5
tm send-keys -l "busy month, grant still right"
tm send-keys Enter; screen
see "approve code-review-agent: 1 provider action" "preview of the provider actions"
see "spend limit to 600000 cents" "preview names the request"
tm send-keys y; screen
see "decision [0-9]+: approve code-review-agent; 1 provider action queued" "decision recorded"
see "2026-Q4 \[#######\.\.\.\] 15/23" "the top bar counts the decision"
checks=$((checks + 1))
[ "$(sqlite3 "$CREDENCE_DB" "SELECT actor || ' ' || action FROM decision WHERE reason = 'busy month, grant still right'")" = "dana approve" ] ||
    fail "the console's decision is in the database"
tm send-keys 3; screen
see "POOL +NAME +PROVIDER" "pools header"
# --- the mouse (xterm SGR reports, as a terminal sends them): wheel, click, double click, bar ---
click() { tm send-keys -l $'\e[<0;'"$1;$2"'M'$'\e[<0;'"$1;$2"'m'; } # column line, 1-based
pool_on_line() { sed -n "$1p" "$T/screen" | awk '{print $1}'; }
third=$(pool_on_line 6)
click 5 6; click 5 6; screen
see "^Pool $third$" "a double click opens the row under the pointer"
tm send-keys q; screen
fourth=$(pool_on_line 7)
tm send-keys g
tm send-keys -l $'\e[<65;5;10M'; sleep 0.3 # one notch of the wheel down: three rows
tm send-keys Enter; screen
see "^Pool $fourth$" "the wheel moves the selection three rows"
tm send-keys q; screen
second=$(pool_on_line 5)
click 5 5; sleep 0.3
tm send-keys Enter; screen
see "^Pool $second$" "a click selects the row under the pointer"
tm send-keys q 1; screen
col=$(tail -1 "$T/screen" | awk '{print index($0, "4 findings")}')
click "$col" 40; screen
see "\| Findings \|" "a click on a key in the bottom bar does what the key does"
tm send-keys 3; screen
see "Evil\?\[2J name" "escape sequence shown as ?"
tm send-keys / s a l e s Enter; screen
tm send-keys Enter; screen
see "sales-copilot-prod  Sales copilot" "search then Enter opens the pool"
see "PERIOD +GRANT +CARRY-IN" "ledger table"
see "DAILY BURN, last 90 days" "daily burn chart"
see "─{10}" "the daily allowance line"
tm send-keys G; screen
see "threshold +consumed 6,576.00 of 8,000.00 USD" "findings with explanations"
see "NHI5 \| DE.CM-03" "framework references"
see "BY MODEL" "breakdown by model"
see "recommendation: " "recommendation"
see "PROVIDER ACTIONS" "the pool's provider actions"
tm send-keys '?'; screen
see "\| Help \|" "help over the detail"
tm send-keys q; screen
see "Pool sales-copilot-prod" "q from help returns to the detail"
tm send-keys q; screen
see "\| Pools \|" "q goes back"
see "search \"sales\"" "the list comes back as it was left (its search kept)"
tm send-keys 4; screen
see "critical +scope-drift +ticket-triage-bot" "findings view"
tm send-keys / s c o p e - d r i f t; screen
see "scope-drift +ticket-triage-bot" "findings search (in core)"
checks=$((checks + 1))
grep -Eq "^(high|medium|low|critical) +threshold" "$T/screen" && fail "the search hides other findings"
tm send-keys Escape; screen
see "threshold" "Esc brings every finding back"
tm send-keys '?'; screen
see "Ctrl-L +redraw the screen" "help from the keymap"
# --- the owner reduces from the form: the evidence first, a multi-line reason, a scope entry cut --
tm send-keys q 3 / c o d e - r e v Enter; screen
tm send-keys r; screen
see "recommendation: approve \(utilisation reached" "the form shows the recommendation"
see "this period from 2026-11-01: 4,201.20 of 6,000.00 USD used, 1,798.80 left" "and the ledger of the snapshot"
see "findings: exhaustion \(high\)" "and the pool's findings"
see "scope entries to remove" "reduce asks for scope entries to remove"
tm send-keys -l "coding agent moves to the team plan"
tm send-keys C-o
tm send-keys -l "the bash tool is no longer needed"
tm send-keys Enter; tm send-keys -l "5000"; tm send-keys Enter; tm send-keys -l "tool:bash"; tm send-keys Enter
screen
see "reduce code-review-agent: 1 provider action" "the preview after the form"
tm send-keys y; screen
see "decision [0-9]+: reduce code-review-agent" "the reduce is recorded"
expect_eq "$(sqlite3 "$CREDENCE_DB" "SELECT reason || '|' || json_extract(params, '\$.grant') || '|' || json_extract(params, '\$.removed_scope[0]') FROM decision WHERE action = 'reduce' AND actor = 'dana'")" \
    "coding agent moves to the team plan
the bash tool is no longer needed|5000.000000|tool:bash" "a two-line reason, the new grant and the removed scope entry in the database"
tm send-keys / Escape R; screen
see "as custodian" "R switches role"
tm send-keys 1; screen
see "YOUR CUSTODIAN QUEUE: 1 open item" "the dashboard follows the role"
# --- the custodian triages: the queue holds flagged pools in custody; c acknowledges ---------------
tm send-keys 2; screen
see "medium +finding +pilot-doc-extractor" "the custodian's queue"
tm send-keys c; screen
see "acknowledge pilot-doc-extractor" "the triage form"
see "findings: pilot-production-like \(medium\)" "with the finding it acknowledges"
tm send-keys -l "steady use is the pilot's plan until January"
tm send-keys Enter; screen
tm send-keys y; screen
see "decision [0-9]+: acknowledge pilot-doc-extractor" "acknowledged"
expect_eq "$(sqlite3 "$CREDENCE_DB" "SELECT state FROM finding WHERE pool_id = 'pilot-doc-extractor' AND rule = 'pilot-production-like'")" \
    "acknowledged" "the finding is acknowledged in the database"
tm resize-window -x 80 -y 24; tm send-keys 3; screen
see "^ credence \| Dana" "redrawn at 80x24"
checks=$((checks + 1))
python3 -c 'import sys; sys.exit(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")) > 80)' "$T/screen" || fail "lines fit 80 columns"
tm resize-window -x 60 -y 20; screen
see "terminal too small" "too-small notice"
tm resize-window -x 120 -y 40; screen
see "\| Pools \|" "back after resize"
tm send-keys Q; sleep 0.5
tm kill-server 2>/dev/null
SOCK="$SOCK-2" # a fresh server: the one just killed may still hold its socket
# NO_COLOR: attributes only, still usable
tm new-session -d -x 100 -y 30 "env NO_COLOR=1 CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$CREDENCE_NOW $BIN --as grace; sleep 30"
screen 1.5
see "as auditor \| Dashboard" "auditor console with NO_COLOR"
tm send-keys 2; screen
see "decision" "auditor queue lists decisions"
tm send-keys a; sleep 0.5
tm send-keys -l "auditors cannot decide this"
tm send-keys Enter; screen
see "approve of [a-z-]+ needs the pool.s owner" "a refusal from core is shown in the message line"
tm send-keys Q
sleep 0.5
tm kill-server 2>/dev/null
SOCK="$SOCK-3"
# credence demo opens its console as dana, or as the demo person --as names
tm new-session -d -x 100 -y 30 "env -u CREDENCE_DB $BIN --as priya demo; sleep 30"
screen 3
see "Priya Raman \(priya\) as owner \| Dashboard" "demo --as opens the console as another demo person"
tm send-keys Q
finish
