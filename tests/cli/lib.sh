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
