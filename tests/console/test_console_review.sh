#!/usr/bin/env bash
# The console's review tools in a real terminal (tmux): the Pools list sorted and filtered, Space
# marks with one bulk decision (one audit event each), config.ini [keys] rebinding, and pushes
# running in the background against a local fake provider while the console is open.
source "$(dirname "$0")/lib.sh"
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
unset CREDENCE_DB
"$BIN" demo --no-ui >/dev/null 2>&1 || { echo "demo failed"; exit 1; }
export CREDENCE_DB="$XDG_DATA_HOME/credence/demo.db" CREDENCE_NOW=2026-11-24
start_fake
cat >>"$T/config.ini" <<'INI'

[keys]
view-pools = F3, 3
view-findings = ctrl-f
INI
SOCK="credence-review-$$"
SCREEN_WAIT=0.5
trap 'tm kill-server 2>/dev/null; kill $FAKE_PID 2>/dev/null; rm -rf "$T"' EXIT
pending_before=$(sql "SELECT count(*) FROM outbox WHERE state = 'pending' AND provider = 'openai' AND due_at <= '2026-11-25'")
tm new-session -d -x 120 -y 40 "env CREDENCE_CONFIG=$T/config.ini CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$CREDENCE_NOW OPENAI_ADMIN_KEY=$OPENAI_ADMIN_KEY ANTHROPIC_ADMIN_KEY=$ANTHROPIC_ADMIN_KEY LITELLM_MASTER_KEY=$LITELLM_MASTER_KEY WEBHOOK_SECRET=$WEBHOOK_SECRET $BIN --as dana; sleep 30"
screen 1
see "\| Dashboard \|" "console open"
# --- pushes in the background: the due OpenAI actions reach the fake provider and verify ------
checks=$((checks + 1))
[ "$pending_before" -gt 0 ] || fail "the demo has due OpenAI actions to push"
for _ in $(seq 50); do
    [ "$(sql "SELECT count(*) FROM outbox WHERE provider = 'openai' AND state = 'verified'")" -ge "$pending_before" ] && break
    sleep 0.2
done
expect_eq "$(sql "SELECT count(*) FROM outbox WHERE provider = 'openai' AND state = 'verified'")" "$pending_before" \
    "due OpenAI actions pushed and verified from the console"
grep -q '"path": *"/v1/organization/projects/[^"]*/spend_limit"' "$T/requests.jsonl" ||
    fail "the fake provider saw the spend-limit writes"
checks=$((checks + 1))
tm send-keys 5; screen
see "verified" "outbox view shows verified actions"
# --- [keys]: F3 opens the pools (3 still does); ctrl-f the findings ----------------------------
tm send-keys C-f; screen
see "\| Findings \|" "ctrl-f rebound to findings"
tm send-keys F3; screen
see "\| Pools \|" "F3 rebound to pools"
see "32 pools \| sorted by risk \(desc\)" "pools sorted by risk by default"
tm send-keys '?'; screen
see "F3 +all pools" "help shows the rebound key"
tm send-keys q; screen
tm send-keys s; screen
see "sorted by pool \(asc\)" "s sorts by the next column"
tm send-keys s; screen
see "sorted by name \(asc\)" "and the next"
see "^agent-sandbox " "first by name"
tm send-keys S; screen
see "sorted by name \(desc\)" "S reverses"
# --- scrolling a row at a time past the loaded rows fetches just the gap: the list stays whole --
tm send-keys s s s s s s s s; screen
see "sorted by pool \(asc\)" "back to the pool order"
sql "SELECT id FROM pool ORDER BY id" >"$T/ids"
contiguous() { # the pools on screen are one unbroken run of the sorted register, from $1
    # (ids compared on their first 21 characters: longer ones are cut with an ellipsis)
    sed -n '/^POOL /,$p' "$T/screen" | sed '1d;$d' | grep -v '^ *$' | cut -c1-21 | sed 's/ *$//' >"$T/shown"
    cut -c1-21 "$T/ids" | sed -n "/^$(echo "$1" | cut -c1-21)\$/,\$p" | head -"$(wc -l <"$T/shown")" >"$T/want"
    [ -s "$T/shown" ] && cmp -s "$T/shown" "$T/want"
}
# scrolled KEY N NTH WHAT: after N presses of KEY the screen starts at the NTH pool and shows an
# unbroken run of the register from there
scrolled() {
    for _ in $(seq "$2"); do tm send-keys "$1"; done
    screen
    local top
    top=$(grep -oE "^[a-z][a-z0-9-]+ " "$T/screen" | grep -v "^POOL" | head -1 | sed 's/ $//')
    checks=$((checks + 2))
    [ "$top" = "$(sed -n "$3p" "$T/ids")" ] || fail "$4: pool $3 first (got $top)"
    contiguous "$top" || { fail "$4: the list stays whole and in order"; show_screen; }
}
tm resize-window -x 120 -y 24; screen # 20 rows on screen of 32: the first screen loads 28
tm send-keys 3 g # 3 reads the list again at 24 lines
scrolled j 30 12 "j past the loaded rows"
tm send-keys G
scrolled k 30 2 "k up past the loaded rows"
tm resize-window -x 120 -y 40; screen
# --- filters --------------------------------------------------------------------------------
tm send-keys f; screen
see "Filter pools" "filter window"
tm send-keys p p e; screen
see "provider +anthropic" "p cycles the provider"
tm send-keys Enter; screen
n_anthropic_prod=$(sql "SELECT count(*) FROM pool WHERE provider = 'anthropic' AND environment = 'production'")
see "^ $n_anthropic_prod pools \| filter provider=anthropic, env=production" "filtered count"
checks=$((checks + 1))
grep -E "^[a-z]" "$T/screen" | grep -v "anthropic" | grep -qv "^POOL" && fail "only anthropic rows are listed"
tm send-keys / l e g a l; screen
see "^ 1 pool \| filter .* search \"legal\"" "search narrows in core"
tm send-keys Escape f c Enter; screen
see "^ 32 pools \|" "c clears the filters"
# --- Space marks two queue rows; one reason decides both, one audit event each --------------
events_before=$(sql "SELECT count(*) FROM audit_event WHERE event = 'decision.entitlement'")
tm send-keys 2; screen
see "\| Queue \|" "queue"
tm send-keys / d e v p o r t; screen
see "^none +campaign +devportal-search" "search narrows the queue in core"
checks=$((checks + 1))
grep -q "code-review-agent" "$T/screen" && fail "the queue search hides other items"
tm send-keys Escape; screen
see "code-review-agent" "Esc clears the queue search"
tm send-keys g Space Space; screen
see "2 marked" "Space marks and says how many"
see "^\* " "marked rows carry a star"
tm send-keys a; sleep 0.3
tm send-keys -l "bulk review of the quarter, grants fit"
tm send-keys Enter; screen
see "2 of 2 decisions, [0-9]+ provider action" "bulk preview"
tm send-keys y; screen
see "approve: 2 of 2 decisions recorded" "bulk decision recorded"
expect_eq "$(sql "SELECT count(*) FROM decision WHERE reason = 'bulk review of the quarter, grants fit' AND actor = 'dana'")" "2" \
    "two decisions with the one reason"
expect_eq "$(sql "SELECT count(*) FROM audit_event WHERE event = 'decision.entitlement'")" "$((events_before + 2))" \
    "one audit event per decision"
tm send-keys Q
sleep 0.5
tm kill-server 2>/dev/null
# --- [push] console = false: nothing is sent from the console ---------------------------------
sed 's/^\[push\]$/[push]\nconsole = false/' "$T/config.ini" >"$T/quiet.ini"
# one verified action made due again: a console that pushed would send it at once
sql "UPDATE outbox SET state = 'pending', attempts = 0 WHERE id = (SELECT min(id) FROM outbox WHERE provider = 'openai' AND state = 'verified')"
requests_before=$(wc -l <"$T/requests.jsonl")
SOCK="$SOCK-quiet"
tm new-session -d -x 120 -y 40 "env CREDENCE_CONFIG=$T/quiet.ini CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$CREDENCE_NOW OPENAI_ADMIN_KEY=$OPENAI_ADMIN_KEY ANTHROPIC_ADMIN_KEY=$ANTHROPIC_ADMIN_KEY LITELLM_MASTER_KEY=$LITELLM_MASTER_KEY WEBHOOK_SECRET=$WEBHOOK_SECRET $BIN --as dana; sleep 30"
screen 1
tm send-keys 5; screen
see "pushing from the console is off" "the Outbox screen says pushing is off"
sleep 1
expect_eq "$(wc -l <"$T/requests.jsonl")" "$requests_before" "no request sent with [push] console = false"
expect_eq "$(sql "SELECT count(*) FROM outbox WHERE provider = 'openai' AND state = 'pending'")" "1" \
    "the due action is still pending"
# --- retry and cancel on the Outbox screen: refused for an owner, done by an admin --------------
newest=$(sql "SELECT max(id) FROM outbox WHERE op <> 'manual'")
sql "UPDATE outbox SET state = 'dead', attempts = 8, last_error = 'HTTP 500: upstream exploded' WHERE id = $newest"
tm send-keys 5; screen
see "^ *$newest .* dead .*HTTP 500: upstream exploded" "the dead action and its last error"
tm send-keys g; for _ in $(seq "$(sql "SELECT count(*) FROM outbox WHERE id > $newest")"); do tm send-keys j; done
tm send-keys t; screen
see "retry of an outbox action needs the admin role, or the custodian role as the pool's custodian" \
    "an owner's retry is refused in the message line"
expect_eq "$(sql "SELECT state FROM outbox WHERE id = $newest")" "dead" "nothing changed"
tm send-keys Q
sleep 0.5
tm kill-server 2>/dev/null
tm new-session -d -x 120 -y 40 "env CREDENCE_CONFIG=$T/quiet.ini CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$CREDENCE_NOW $BIN --as avery; sleep 30"
screen 1
see "avery\) as admin" "an admin acts as admin"
tm send-keys 5; screen
tm send-keys g; for _ in $(seq "$(sql "SELECT count(*) FROM outbox WHERE id > $newest")"); do tm send-keys j; done
tm send-keys t; screen
see "action $newest is pending again, due now" "t retries the dead action"
see "^ *$newest .* pending +[a-z_]+ +0  " "pending, attempts from 0, the old error gone"
expect_eq "$(sql "SELECT state || ' ' || attempts FROM outbox WHERE id = $newest")" "pending 0" "retried in the database"
tm send-keys d; screen
see "cancel action $newest: reason \(Esc keeps it\):" "d asks for a reason"
tm send-keys -l "superseded by the Q1 contract"
tm send-keys Enter; screen
see "action $newest cancelled" "cancelled"
see "^ *$newest .* cancelled " "the row says cancelled"
expect_eq "$(sql "SELECT json_extract(body, '\$.data.reason') FROM audit_event WHERE event = 'outbox.cancelled' AND subject = 'outbox:$newest'")" \
    "superseded by the Q1 contract" "the cancel and its reason are audited"
tm send-keys t; screen
see "action $newest is cancelled: retry cannot apply \(it was cancelled\)" "a cancelled action stays cancelled"
tm send-keys Q
sleep 0.5
tm kill-server 2>/dev/null

# --- a lost terminal (pane closed mid-prompt) ends the console instead of leaving it spinning -
SOCK="$SOCK-hup"
tm new-session -d -x 100 -y 30 "exec env CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$CREDENCE_NOW $BIN --as dana --db $CREDENCE_DB"
sleep 1
tm send-keys 2 a
sleep 0.5
tm kill-server
gone=no
for _ in $(seq 25); do
    pgrep -f -- "--as dana --db $CREDENCE_DB" >/dev/null || { gone=yes; break; }
    sleep 0.2
done
expect_eq "$gone" "yes" "the console exits when its terminal goes away"
pkill -f -- "--as dana --db $CREDENCE_DB" 2>/dev/null
finish
