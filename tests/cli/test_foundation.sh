#!/usr/bin/env bash
# Foundation end-to-end: init, people and register import, pools, located errors, atomicity,
# identity and roles, exit codes, busy database, schema version guard.
source "$(dirname "$0")/lib.sh"

# --- usage and help -------------------------------------------------------------------------
c --help
expect_rc 0 "--help"
expect_out "import register" "--help lists commands"
for cmd in "init" "import people" "import register" "pools" "pool show" "audit verify"; do
    c $cmd --help
    expect_rc 0 "$cmd --help"
    expect_out "usage: credence $cmd" "$cmd --help shows usage"
done
c frobnicate
expect_rc 64 "unknown command"
expect_err "unknown command 'frobnicate'" "unknown command message"
c pools --bogus
expect_rc 64 "unknown option"
expect_err "unknown option '--bogus'" "unknown option message"
c
expect_rc 64 "no command opens the console, which needs a terminal"
expect_err "the console needs a terminal" "says so"

# --- no database yet ------------------------------------------------------------------------
c pools
expect_rc 66 "pools before init"
expect_err "run 'credence init'" "pools before init says what to do"

# --- init creates the directory 0700 and the first admin ------------------------------------
export CREDENCE_DB="$T/nested/dir/credence.db"
c --as avery init
expect_rc 0 "init"
expect_out "registered 'avery' as the first admin" "bootstrap admin"
expect_eq "$(stat -c %a "$T/nested/dir")" "700" "data directory mode"
expect_eq "$(stat -c %a "$CREDENCE_DB")" "600" "database file mode"
expect_eq "$(sql 'PRAGMA journal_mode')" "wal" "WAL mode"
expect_eq "$(sql 'PRAGMA user_version')" "3" "schema version"
c --as avery init
expect_rc 0 "init again"
expect_out "up to date" "init is idempotent"

# --- people -----------------------------------------------------------------------------------
c --as nobody import people "$FIX/people.csv"
expect_rc 77 "unknown person may not import"
expect_err "'nobody' is not a person" "unknown person message"
c --as avery import people "$FIX/people.csv"
expect_rc 0 "import people"
expect_out "15 people: 14 added, 1 updated" "people summary (avery was the bootstrap admin)"
expect_eq "$(sql "SELECT count(*) FROM person WHERE active = 1")" "14" "active people (jordan is not)"
expect_eq "$(sql "SELECT group_concat(role) FROM person_role WHERE login = 'dana' ORDER BY role")" \
    "auditor,custodian,owner" "dana's roles"
c --as avery import people "$FIX/people.csv"
expect_out "0 added, 0 updated, 15 unchanged" "re-import changes nothing"

# --- roles --------------------------------------------------------------------------------------
c --as priya import register "$FIX/register.csv"
expect_rc 77 "owner may not import the register"
expect_err "import register needs the admin role; priya has owner" "refusal names the role"
c --as jordan pools
expect_rc 77 "inactive person refused"
CREDENCE_USER=grace "$BIN" pools >/dev/null 2>&1
expect_eq "$?" "0" "CREDENCE_USER picks the identity"

# --- register ---------------------------------------------------------------------------------
c --as avery import register "$FIX/register.csv"
expect_rc 0 "import register"
expect_out "32 pools: 32 added" "register summary"
expect_err "ops-runbook-agent: business_owner 'jordan' is not active" "orphan warning"
c --as priya pools
expect_rc 0 "pools"
expect_out "support-bot-prod +Customer support bot" "pools lists a pool"
c --as priya pools --json
expect_rc 0 "pools --json"
python3 - "$T/out" <<'PY' || fail "pools --json shape"
import json, sys
doc = json.load(open(sys.argv[1]))
pools = doc["pools"]
assert len(pools) == 32, len(pools)
keys = {"id","name","provider","account","owner","custodian","environment","status","grant",
        "unit","period","consumed","available","utilization_pct","findings"}
for p in pools:
    assert keys <= set(p), set(p) ^ keys
p = {p["id"]: p for p in pools}["support-bot-prod"]
assert p["grant"] == 12000 and p["unit"] == "USD" and p["owner"] == "priya", p
PY
c --as priya pool show batch-embeddings --json
expect_rc 0 "pool show --json"
python3 - "$T/out" <<'PY' || fail "pool show --json shape"
import json, sys
p = json.load(open(sys.argv[1]))
for k in ("ledger", "bindings", "scope", "burn_7d", "burn_28d", "exhaustion_date"):
    assert k in p, k
assert 1 <= len(p["ledger"]) <= 5
assert p["ledger"][-1]["period_start"] == "2026-11-01", p["ledger"][-1]
assert {"kind": "workload", "value": "spiffe://acme.example/ns/search/sa/embedder"} in p["bindings"]
PY
c --as priya pool show no-such-pool
expect_rc 65 "unknown pool"
expect_err "no pool 'no-such-pool'" "unknown pool message"

# Re-import is a no-op; a change is recorded with the changed fields only.
c --as avery import register "$FIX/register.csv"
expect_out "0 added, 0 updated, 32 unchanged" "register re-import unchanged"
sed 's/^hr-assistant,HR policy assistant,openai,proj_hr07,mei,sam,production,1200,/hr-assistant,HR policy assistant,openai,proj_hr07,mei,sam,production,900,/' \
    "$FIX/register.csv" | grep -v '^onboarding-buddy,' >"$T/reg2.csv"
c --as avery import register "$T/reg2.csv"
expect_rc 0 "changed register"
expect_out "31 pools: 0 added, 1 updated, 30 unchanged; 1 not in the file was kept" "update summary"
expect_err "onboarding-buddy is in the database but not in" "absent pool reported"
expect_eq "$(sql "SELECT json_extract(body, '\$.data.changed.grant') FROM audit_event WHERE event = 'pool.updated' AND subject = 'hr-assistant'")" \
    '["1200.000000","900.000000"]' "audit records the changed field"
c --as avery import register --prune "$T/reg2.csv"
expect_out "1 not in the file retired" "--prune retires"
expect_eq "$(sql "SELECT status FROM pool WHERE id = 'onboarding-buddy'")" "retired" "pruned pool retired"

# --- a broken register into a populated database changes nothing ----------------------------
sql .dump >"$T/before.sql"
cat >"$T/bad.csv" <<'CSV'
pool_id,name,provider,account,business_owner,technical_custodian,environment,grant,unit,period,starts_on,bindings
good-one,Fine pool,openai,proj_x,priya,sam,production,100,USD,monthly,2026-01-01,api_key:key_1
bad-provider,Pool,azure,proj_y,priya,sam,production,100,USD,monthly,2026-01-01,
bad-grant,Pool,openai,proj_z,priya,sam,production,-5,USD,monthly,2026-01-01,
bad-date,Pool,openai,proj_z,priya,sam,production,5,USD,monthly,2026-02-30,
bad-spiffe,Pool,openai,proj_z,priya,sam,production,5,USD,monthly,2026-02-01,workload:spiffe://Acme.example/x
good-one,Duplicate,openai,proj_x,priya,sam,production,100,USD,monthly,2026-01-01,
ragged,Pool,openai
CSV
c --as avery import register "$T/bad.csv"
expect_rc 65 "broken register exit code"
expect_err "bad.csv:3:[0-9]+: provider 'azure' is not one of" "located enum error"
expect_err "bad.csv:4:[0-9]+: grant '-5' must be a non-negative number" "located grant error"
expect_err "bad.csv:5:[0-9]+: starts_on '2026-02-30' is not an ISO date" "located date error"
expect_err "bad.csv:6:[0-9]+: bindings entry .*trust domain must be lowercase" "located SPIFFE error"
expect_err "bad.csv:7:1: duplicate pool_id 'good-one' \\(first on line 2\\)" "duplicate id"
expect_err "bad.csv:8:[0-9]+: only 3 fields where the header has 12" "ragged row"
expect_err "6 errors; nothing was imported" "error count"
sql .dump >"$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql" || fail "database changed by a rejected import"
checks=$((checks + 1))
# exact columns: provider is field 3 -> column after "bad-provider,Pool," = 19
expect_err "bad.csv:3:19: provider" "column is the byte column of the field"

# Malformed quoting is located too.
printf 'pool_id,name\n"a"b,x\n' >"$T/quote.csv"
c --as avery import register "$T/quote.csv"
expect_rc 65 "malformed CSV"
expect_err "quote.csv:2:4: malformed quoting" "malformed quoting located"
c --as avery import register "$T/missing.csv"
expect_rc 66 "missing file"

# --- audit ------------------------------------------------------------------------------------
c --as grace audit verify
expect_rc 0 "audit verify"
expect_out "events, chain intact" "chain intact"
c --as priya audit verify
expect_rc 77 "owners may not run audit verify"

# --- busy database: a writer holds the lock; credence waits, then exit 75 ---------------------
# The holder says when it has the lock and keeps it until told (or 60 s): no timing guesses.
python3 - "$CREDENCE_DB" "$T/locked" "$T/release" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
deadline = time.time() + 60
while not os.path.exists(sys.argv[3]) and time.time() < deadline:
    time.sleep(0.05)
db.execute("ROLLBACK")
PY
holder=$!
for _ in $(seq 600); do [ -e "$T/locked" ] && break; sleep 0.05; done
CREDENCE_BUSY_TIMEOUT_MS=300 "$BIN" --as avery import register "$FIX/register.csv" >"$T/out" 2>"$T/err"
rc=$?
touch "$T/release"
expect_rc 75 "busy database"
expect_err "database is busy" "busy message"
wait $holder

# --- a database from a newer credence is refused ----------------------------------------------
sql "PRAGMA user_version = 99"
c --as avery pools
expect_rc 78 "newer schema refused"
expect_err "schema version 99, newer than this credence" "newer schema message"
sql "PRAGMA user_version = 3"

# --- a version 1 database (the first schema, kept in tests/fixtures) migrates in place ----------
sqlite3 "$T/v1.db" <"$ROOT/tests/fixtures/schema-v1.sql"
sqlite3 "$T/v1.db" "PRAGMA user_version = 1; INSERT INTO person (login, name, email, active, created_at, updated_at) VALUES ('avery', 'Avery', 'a@x', 1, 'now', 'now'); INSERT INTO person_role VALUES ('avery', 'admin')"
c --db "$T/v1.db" --as avery init
expect_rc 0 "a version 1 database opens"
expect_eq "$(sqlite3 "$T/v1.db" 'PRAGMA user_version')" "3" "migrated to version 3"
expect_eq "$(sqlite3 "$T/v1.db" "SELECT count(*) FROM sqlite_master WHERE name = 'review_item_pool'")" "1" \
    "the migration added the review item index"
expect_eq "$(sqlite3 "$T/v1.db" "SELECT sql LIKE '%credits_unit%' FROM sqlite_master WHERE name = 'usage_pool_day'")" "1" \
    "the migration widened the pool/day index"

# --- a foreign SQLite file is not touched ------------------------------------------------------
sqlite3 "$T/other.db" "CREATE TABLE x(y)"
c --db "$T/other.db" --as avery init
expect_rc 65 "foreign database refused"
expect_err "not a credence one" "foreign database message"

finish
