#!/usr/bin/env bash
# The console's Imports screen in a real terminal (tmux): 7 opens the history, i asks for a path
# with Tab completion (common prefix, candidate list, a directory's '/'), Enter imports with a
# progress bar, the result lands in the message line, the history and the database; a bad file
# shows its located error and changes nothing; already-imported files and refusals are said.
source "$(dirname "$0")/lib.sh"
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
unset CREDENCE_DB
"$BIN" demo --no-ui >/dev/null 2>&1 || { echo "demo failed"; exit 1; }
export CREDENCE_DB="$XDG_DATA_HOME/credence/demo.db" CREDENCE_NOW=2026-11-24
D="$T/exports"
mkdir -p "$D/november"
cp "$FIX/usage/focus-2026-11.csv" "$D/nov.csv"
touch "$D/.hidden-nov.csv"
# a bad row: the file is rejected whole with the row and column named
sed '4s/,0.33,0.33,/,0.3x3,0.3x3,/' "$FIX/usage/focus-2026-11.csv" | sed 's/payer-1/payer-2/' >"$D/bad.csv"
SOCK="credence-imports-$$"
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT
imports_before=$(sql "SELECT count(*) FROM import")

# --- an owner may look but not import ----------------------------------------------------------
tm new-session -d -x 120 -y 40 "env CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$CREDENCE_NOW HOME=$D $BIN --as dana; sleep 30"
screen 1.5
tm send-keys 7; screen
see "\| Imports \|" "7 opens the Imports screen"
see "WHEN +FILE +FORMAT +ROWS +IMPORTED +REJECTED" "history header"
see "focus-cloud-marketplaces.csv +focus +1968 +1968 +0 avery +done" "the demo's FOCUS import is in the history"
see "openai-costs.json +openai +6954 +6954 +0 avery +done" "and its OpenAI costs pages"
see "litellm-spend-logs-last-30-days.csv +litellm +690 +690 +0 avery +done" "a long file name fits at 120 columns"
tm send-keys i; screen
see "import usage needs the admin role; dana has" "a refusal in the message line"
tm send-keys 3; screen
consumed_before=$(grep -oE "^translation-svc .* active +[0-9,.]+" "$T/screen" | awk '{print $NF}')
tm send-keys Q; sleep 0.5
tm kill-server 2>/dev/null
sleep 0.5

# --- an admin imports a file chosen with Tab completion ----------------------------------------
tm new-session -d -x 120 -y 40 "env CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$CREDENCE_NOW HOME=$D $BIN --as avery; sleep 60"
screen 1.5
tm send-keys 7; screen
tm send-keys i; screen 0.5
see "import usage file \(Tab completes, Esc cancels\): *$" "the path prompt"
tm send-keys -l "~/n"
tm send-keys Tab; screen 0.5
see "Esc cancels\): $D/nov$" "Tab completes the common prefix (and expands ~)"
tm send-keys Tab; screen 0.5
see "^nov.csv +november/" "a second Tab lists the candidates"
lacks "hidden-nov" "hidden files stay hidden"
tm send-keys -l "e"
tm send-keys Tab; screen 0.5
see "Esc cancels\): $D/november/$" "a directory completes with '/'"
tm send-keys C-w; screen 0.5
see "Esc cancels\): $D/$" "Ctrl-W removes the last path component"
tm send-keys -l "nov."
tm send-keys Tab; screen 0.5
see "Esc cancels\): $D/nov.csv$" "a unique file completes"
tm send-keys Enter; screen
see "nov.csv: 6 rows, 6 imported, 0 rejected \(focus; [0-9]+ matched no pool\)" "the result in the message line"
see "nov.csv +focus +6 +6 +0 avery +done" "the new import heads the history"
checks=$((checks + 1))
[ "$(sql "SELECT rows_read || ' ' || rows_imported || ' ' || actor FROM import WHERE file_name = '$D/nov.csv'")" = "6 6 avery" ] ||
    fail "the import is in the database with the full path"
checks=$((checks + 1))
[ "$(sql "SELECT count(*) FROM usage_rollup u JOIN import i ON i.id = u.import_id WHERE i.file_name = '$D/nov.csv'")" -gt 0 ] ||
    fail "the file's rollups are in the database"
tm send-keys Enter; screen
see "file +$D/nov.csv" "Enter shows the full path"
see "rows +6 read, 6 imported, 0 rejected" "detail row counts"
tm send-keys q; screen
see "\| Imports \|" "q goes back to the history"

# --- the same file again, a bad file, a missing file, Esc ----------------------------------------
tm send-keys i; sleep 0.3
tm send-keys -l "$D/nov.csv"
tm send-keys Enter; screen
see "nov.csv: already imported on 2026-11-24 \(same SHA-256\); nothing to do" "idempotent"
before=$(sql "SELECT count(*) FROM import") rollups=$(sql "SELECT count(*) FROM usage_rollup")
tm send-keys i; sleep 0.3
tm send-keys -l "$D/bad.csv"
tm send-keys Enter; screen
see "bad.csv:4:[0-9]+: cost '0.3x3' is not a decimal amount; not imported" "the located error"
expect_eq "$(sql "SELECT count(*) FROM import") $(sql "SELECT count(*) FROM usage_rollup")" "$before $rollups" "a bad file changes nothing"
# a restated export of the same scope replaces the earlier one, which the history marks
sed 's/,100.10,100.00,USD,/,200.10,200.00,USD,/' "$D/nov.csv" >"$D/nov-restated.csv"
tm send-keys i; sleep 0.3
tm send-keys -l "$D/nov-restated.csv"
tm send-keys Enter; screen
see "nov-restated.csv: 6 rows, 6 imported" "the restated export imports"
see "nov-restated.csv +focus .* done" "the restatement is current"
see "nov.csv +focus .* superseded" "the earlier import is superseded"
tm send-keys i; sleep 0.3
tm send-keys -l "$D/missing.csv"
tm send-keys Enter; screen
see "missing.csv: cannot open" "a missing file is said"
tm send-keys i; sleep 0.3
tm send-keys -l "$D/nov"
tm send-keys Escape; screen
see "import cancelled" "Esc cancels"
# other screens ask core again: the pool the file is bound to shows its consumption
tm send-keys 3; screen
consumed_after=$(grep -oE "^translation-svc .* active +[0-9,.]+" "$T/screen" | awk '{print $NF}')
checks=$((checks + 1))
[ -n "$consumed_before" ] && [ "$consumed_before" != "$consumed_after" ] ||
    fail "the pools list sees the imported usage ($consumed_before -> $consumed_after)"
tm send-keys 7; screen

# --- a long import shows a progress bar --------------------------------------------------------
python3 "$ROOT/bench/gen_focus.py" "$D/big.csv" 100000
tm send-keys i; sleep 0.3
tm send-keys -l "$D/big.csv"
tm send-keys Enter
bar=0
for _ in $(seq 1 60); do
    tm capture-pane -p >"$T/screen"
    grep -Eq "rows/s +ETA" "$T/screen" && { bar=1; break; }
    grep -q "big.csv: 100000 rows" "$T/screen" && break
    sleep 0.05
done
checks=$((checks + 1))
[ "$bar" = 1 ] || { fail "a progress bar with rows/s and ETA while importing"; sed 's/^/    | /' "$T/screen"; }
see "Importing big.csv" "the progress box names the file"
for _ in $(seq 1 120); do # a loaded machine may take a while
    screen 0.25
    grep -q "big.csv: 100000 rows" "$T/screen" && break
done
see "big.csv: 100000 rows, 100000 imported, 0 rejected" "the long import finishes"
tm resize-window -x 80 -y 24; screen
checks=$((checks + 1))
python3 -c 'import sys; sys.exit(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")) > 80)' "$T/screen" || fail "lines fit 80 columns"
see "big.csv +focus +100000 +100000 +0 avery" "the history fits 80 columns"
tm send-keys Q
for _ in $(seq 1 40); do [ "$(sql "SELECT count(*) FROM import" 2>/dev/null)" = "$((imports_before + 3))" ] && break; sleep 0.25; done
expect_eq "$(sql "SELECT count(*) FROM import")" "$((imports_before + 3))" "three imports recorded"
finish
