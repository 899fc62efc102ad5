#!/usr/bin/env bash
# make bench, console part: a register of 10,000 pools with 5,000,000 usage rollups, the console
# driven in tmux (120x40) through scrolling, paging, searching and opening pool detail. The
# console writes each frame's time (CREDENCE_TUI_TRACE): the first frame from its start, then
# each from the key press to the finished redraw. Prints the first frame and median/p99 per key.
set -euo pipefail
cd "$(dirname "$0")/.."
POOLS=${BENCH_POOLS:-10000}
ROWS=${BENCH_USAGE_ROWS:-5000000}
DIR=${BENCH_DIR:-build/bench}/console-$POOLS-$ROWS
BIN=$PWD/credence
mkdir -p "$DIR"
export CREDENCE_DB="$DIR/console.db" CREDENCE_NOW=2026-11-24 TZ=UTC
export XDG_CONFIG_HOME="$DIR/config" XDG_DATA_HOME="$DIR/data"
if [ ! -s "$DIR/ready" ]; then
    echo "building the console benchmark database ($POOLS pools, $ROWS usage rows) ..."
    rm -f "$CREDENCE_DB" "$CREDENCE_DB-wal" "$CREDENCE_DB-shm"
    python3 bench/gen_console_db.py "$DIR" "$POOLS" "$ROWS" csv
    "$BIN" --as avery init >/dev/null
    "$BIN" --as avery import people "$DIR/people.csv" >/dev/null
    "$BIN" --as avery import register "$DIR/register.csv" >/dev/null
    python3 bench/gen_console_db.py "$DIR" "$POOLS" "$ROWS"
    t0=$(date +%s.%N)
    "$BIN" --as avery findings >/dev/null
    t1=$(date +%s.%N)
    "$BIN" --as avery campaign start 2026-Q4 --due 2026-12-15 --scope all >/dev/null
    echo "findings over $POOLS pools: $(python3 -c "print('%.1f' % ($t1 - $t0))") s" >"$DIR/ready"
fi
cat "$DIR/ready"
"$BIN" --as avery init >/dev/null # a database from an older credence migrates here, not in the timing
TRACE="$DIR/trace.txt"
rm -f "$TRACE"
SOCK="credence-bench-$$"
tm() { tmux -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null || true' EXIT
tm new-session -d -x 120 -y 40 "env TERM=xterm-256color LANG=C.UTF-8 CREDENCE_TUI_TRACE=$TRACE $BIN --as dana; sleep 5"
for _ in $(seq 100); do grep -q first-frame "$TRACE" 2>/dev/null && break; sleep 0.1; done
keys() { # key count
    for _ in $(seq "$2"); do tm send-keys "$1"; sleep 0.02; done
}
keys 3 1
sleep 0.5
keys j 200
keys NPage 30
keys G 1
keys PPage 30
keys g 1
keys k 5
tm send-keys /; for c in p o o l - 0 4 2; do tm send-keys "$c"; sleep 0.05; done
tm send-keys Enter; sleep 0.2
for _ in $(seq 20); do # open a pool's detail and go back, twenty times on different rows
    tm send-keys Enter; sleep 0.15; tm send-keys q; sleep 0.1; tm send-keys j; sleep 0.02
done
keys 2 1
sleep 0.5
keys j 50
keys 4 1
sleep 0.5
keys j 50
keys 1 1
sleep 0.3
tm send-keys Q
for _ in $(seq 50); do tm has-session 2>/dev/null || break; grep -q "^view-dashboard" "$TRACE" && break; sleep 0.1; done
sleep 0.5
python3 - "$TRACE" "$POOLS" "$ROWS" <<'PY'
import statistics, sys
path, pools, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
by = {}
first = None
for line in open(path):
    what, ms = line.split()
    if what == "first-frame":
        first = float(ms)
    else:
        by.setdefault(what, []).append(float(ms))
print("Console benchmark: %d pools, %d usage rows, 120x40 (tmux)" % (pools, rows))
print("first frame (dashboard as an owner): %.1f ms (target < 300 ms)" % first)
print("%-16s %6s %10s %10s %10s" % ("key", "frames", "median ms", "p99 ms", "max ms"))
worst = 0.0
for what, v in sorted(by.items()):
    if what.startswith("dashboard-burn"):
        continue
    v.sort()
    p99 = v[min(len(v) - 1, int(round(0.99 * (len(v) - 1))))]
    print("%-16s %6d %10.2f %10.2f %10.2f" % (what, len(v), statistics.median(v), p99, v[-1]))
# background work (the dashboard's burn, summed on a thread) is not a key's frame
allv = sorted(x for what, v in by.items() if not what.startswith("dashboard-burn") for x in v)
burn = by.get("dashboard-burn", [])
if burn:
    print("dashboard burn: ready %.0f ms after it was asked, summed on a thread while keys were served"
          % burn[0])
def p99of(v):
    return v[min(len(v) - 1, int(round(0.99 * (len(v) - 1))))]
# the target's keys: scrolling, searching, opening and closing pool detail (a screen's first
# load, 1-7, is reported above and in "all keys")
moving = sorted(x for what in ("down", "up", "page-down", "page-up", "first", "last", "search",
                               "open", "back") for x in by.get(what, []))
print("scroll, search, open keys: %d frames, median %.2f ms, p99 %.2f ms (target p99 < 16 ms)"
      % (len(moving), statistics.median(moving), p99of(moving)))
print("all keys (with screen switches): %d frames, median %.2f ms, p99 %.2f ms"
      % (len(allv), statistics.median(allv), p99of(allv)))
PY
