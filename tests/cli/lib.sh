# Helpers for CLI end-to-end tests. Source it; every test gets a private temp dir and database.
# Usage: CREDENCE_BIN=./credence bash tests/cli/test_x.sh  (tests/run_all.sh sets it)
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${CREDENCE_BIN:-./credence}
case "$BIN" in /*) ;; *) BIN="$ROOT/${BIN#./}" ;; esac
FIX="$ROOT/tests/fixtures"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export CREDENCE_DB="$T/credence.db" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
export CREDENCE_NOW=${CREDENCE_NOW:-2026-11-24} TZ=UTC
unset CREDENCE_USER CREDENCE_CONFIG
fails=0
checks=0

# c [args...]: runs credence, leaving stdout in $T/out, stderr in $T/err and the code in $rc.
c() {
    rc=0
    "$BIN" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

fail() {
    fails=$((fails + 1))
    echo "FAIL: $*"
    echo "  stdout: $(head -c 2000 "$T/out" 2>/dev/null)"
    echo "  stderr: $(head -c 2000 "$T/err" 2>/dev/null)"
}

# expect_rc N description
expect_rc() {
    checks=$((checks + 1))
    [ "$rc" -eq "$1" ] || fail "$2: exit $rc, expected $1"
}
# expect_out PATTERN description (grep -E on stdout)
expect_out() {
    checks=$((checks + 1))
    grep -Eq -- "$1" "$T/out" || fail "$2: stdout lacks /$1/"
}
# expect_err PATTERN description (grep -E on stderr)
expect_err() {
    checks=$((checks + 1))
    grep -Eq -- "$1" "$T/err" || fail "$2: stderr lacks /$1/"
}
# expect_eq ACTUAL EXPECTED description
expect_eq() {
    checks=$((checks + 1))
    [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}
# sql QUERY: runs a query on the test database with the sqlite3 shell
sql() {
    sqlite3 -batch -noheader "$CREDENCE_DB" "$1"
}
# setup_org: init as admin 'avery' and load the fixture organisation
setup_org() {
    c --as avery init
    expect_rc 0 "init"
    c --as avery import people "$FIX/people.csv"
    expect_rc 0 "import people"
    c --as avery import register "$FIX/register.csv"
    expect_rc 0 "import register"
}
# finish: prints the tally and exits non-zero on any failure
finish() {
    if [ "$fails" -gt 0 ]; then
        echo "$fails of $checks checks failed"
        exit 1
    fi
    echo "$checks checks passed"
    exit 0
}

# start_fake: starts tests/fake_provider.py on 127.0.0.1 (port in $FAKE_PORT, request log in
# $T/requests.jsonl) and writes $T/config.ini pointing every provider at it.
TESTKIT="$ROOT/${BUILD:-build}/tools/testkit"
export OPENAI_ADMIN_KEY=sk-admin-openai-test ANTHROPIC_ADMIN_KEY=sk-ant-admin-test
export LITELLM_MASTER_KEY=sk-litellm-master-test WEBHOOK_SECRET=whsec-test
start_fake() {
    python3 "$ROOT/tests/fake_provider.py" --port-file "$T/port" --log "$T/requests.jsonl" \
        --max-seconds 300 &
    FAKE_PID=$!
    for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
    FAKE_PORT=$(cat "$T/port")
    FAKE="http://127.0.0.1:$FAKE_PORT"
    cat >"$T/config.ini" <<INI
[push]
backoff_base_ms = 100
backoff_cap_seconds = 2
max_attempts = 4
wait_seconds = 10
lease_seconds = 2

[provider openai]
base_url = $FAKE
admin_key_env = OPENAI_ADMIN_KEY
timeout_seconds = 2

[provider anthropic]
base_url = $FAKE
admin_key_env = ANTHROPIC_ADMIN_KEY
timeout_seconds = 2

[provider litellm]
base_url = $FAKE
admin_key_env = LITELLM_MASTER_KEY
timeout_seconds = 2

[provider webhook]
url = $FAKE/hook
readback_url = $FAKE/hook/status
secret_env = WEBHOOK_SECRET
timeout_seconds = 2
INI
    export CREDENCE_CONFIG="$T/config.ini"
    trap 'kill $FAKE_PID 2>/dev/null; rm -rf "$T"' EXIT
}
# fake_get PATH: GET a control URL of the fake provider
fake() {
    python3 - "$FAKE" "$@" <<'PY'
import json, sys, urllib.request
base, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
data = sys.argv[4].encode() if len(sys.argv) > 4 else None
req = urllib.request.Request(base + path, data=data, method=method,
                             headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(req).read().decode())
PY
}
# requests_matching 'METHOD PATH-PREFIX': number of logged requests
requests_matching() {
    python3 - "$T/requests.jsonl" "$1" <<'PY'
import json, sys
n = 0
try:
    for line in open(sys.argv[1]):
        r = json.loads(line)
        if (r["method"] + " " + r["path"]).startswith(sys.argv[2]):
            n += 1
except FileNotFoundError:
    pass
print(n)
PY
}
enqueue() { # POOL ACTION [GRANT] [SCOPE,...]
    "$TESTKIT" enqueue "$CREDENCE_DB" "$@" >"$T/enq" 2>&1 || { cat "$T/enq"; fail "enqueue $*"; }
}
