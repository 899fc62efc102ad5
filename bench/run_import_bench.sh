#!/usr/bin/env bash
# make bench: the FOCUS import benchmark. Generates (once) a deterministic 1,000,000-row FOCUS
# file, then on the same file measures: cat (the read floor), the sqlite3 shell's .import into a
# fresh database (what a user would do instead), and credence import usage into a database whose
# register binds part of the sub-accounts. Each is run BENCH_RUNS times (default 3; fresh databases
# every time) and the best run counts, since the machine may be busy: the load average is printed
# before and after. Prints rows/s, MB/s, peak RSS and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${BENCH_ROWS:-1000000}
DIR=${BENCH_DIR:-build/bench}
mkdir -p "$DIR"
FILE="$DIR/focus-$ROWS.csv"
[ -s "$FILE" ] || { echo "generating $FILE ..."; python3 bench/gen_focus.py "$FILE" "$ROWS"; }
BYTES=$(stat -c %s "$FILE")
measure() { # name, command... -> prints seconds and peak RSS (KiB) via /usr/bin/time or getrusage
    local name=$1
    shift
    python3 - "$name" "$@" <<'PY'
import resource, subprocess, sys, time
name, cmd = sys.argv[1], sys.argv[2:]
t = time.monotonic()
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
dt = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%s %.3f %d" % (name, dt, rss))
PY
}
# the register binds 1,000 of the 2,000 sub-accounts
python3 - "$DIR/register.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("pool_id,name,provider,account,business_owner,technical_custodian,environment,grant,unit,period,starts_on,bindings\n")
    for i in range(0, 2000, 2):
        f.write("bench-%04d,Bench %d,focus,sub-%04d,avery,avery,production,1000000,USD,monthly,2026-01-01,subaccount:sub-%04d\n" % (i, i, i, i))
PY
DB="$DIR/bench.db"
export CREDENCE_DB="$DB" CREDENCE_NOW=2026-11-24
fresh() { # a fresh credence database with the register, and no sqlite3 one
    rm -f "$DB" "$DB-wal" "$DB-shm" "$DIR/sqlite.db"
    ./credence --as avery init >/dev/null
    ./credence --as avery import register "$DIR/register.csv" >/dev/null
}
best() { # keeps the faster of two "name seconds rss" results
    if [ -z "$1" ] || awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
        exit !(y[2] < x[2]) }'; then echo "$2"; else echo "$1"; fi
}
RUNS=${BENCH_RUNS:-3} # the machine may be busy: the best of RUNS runs of each
echo "load before: $(uptime | sed 's/.*load average/load average/')"
r_cat="" r_sql="" r_cred=""
for i in $(seq "$RUNS"); do
    fresh
    r_cat=$(best "$r_cat" "$(measure cat cat "$FILE")")
    r_sql=$(best "$r_sql" "$(measure sqlite3 sqlite3 "$DIR/sqlite.db" ".mode csv" ".import $FILE focus")")
    r_cred=$(best "$r_cred" "$(measure credence ./credence --as avery import usage --format focus "$FILE")")
done
echo "load after:  $(uptime | sed 's/.*load average/load average/')"
python3 - "$ROWS" "$BYTES" "$RUNS" "$r_cat" "$r_sql" "$r_cred" <<'PY'
import sys
rows, size, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
res = {}
for r in sys.argv[4:]:
    name, secs, rss = r.split()
    res[name] = (float(secs), int(rss))
print("FOCUS import benchmark: %d rows, %.0f MB (best of %d runs each)" % (rows, size / 1e6, runs))
print("%-10s %9s %12s %9s %12s" % ("", "seconds", "rows/s", "MB/s", "peak RSS"))
for name in ("cat", "sqlite3", "credence"):
    s, rss = res[name]
    print("%-10s %9.2f %12.0f %9.1f %9.1f MiB" % (name, s, rows / s, size / 1e6 / s, rss / 1024))
print("credence vs sqlite3 .import: %.2fx faster (target 3x); vs the read floor: %.1fx slower"
      % (res["sqlite3"][0] / res["credence"][0], res["credence"][0] / res["cat"][0]))
print("credence peak RSS %.1f MiB (target < 64 MiB)" % (res["credence"][1] / 1024))
PY
