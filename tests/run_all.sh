#!/usr/bin/env bash
# Runs every test suite: cmocka unit tests (plain and ASan+UBSan builds), the fuzz corpus replays
# (both builds) and the CLI end-to-end scripts (against both binaries). Ends with "N passed, N
# failed"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
passed=0
failed=0
failures=()
export TZ=UTC LC_ALL=C.UTF-8
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export CMOCKA_MESSAGE_OUTPUT=stdout

run() { # name, command...
    local name=$1
    shift
    local log
    log=$(mktemp)
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1))
        printf 'ok    %s\n' "$name"
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf 'FAIL  %s\n' "$name"
        sed 's/^/      | /' "$log" | tail -40
    fi
    rm -f "$log"
}

for flavour in tests tests-asan; do
    for t in "$BUILD/$flavour"/test_*; do
        [ -x "$t" ] || continue
        run "unit/$flavour/$(basename "$t")" "$t"
    done
done

# Fuzz targets replay their seed corpus (tests/fuzz/corpus/NAME) without libFuzzer.
for flavour in fuzz-replay fuzz-replay-asan; do
    for t in "$BUILD/$flavour"/fuzz_*; do
        [ -x "$t" ] || continue
        run "fuzz/$flavour/$(basename "$t")" tests/fuzz/replay.sh "$t"
    done
done

for bin in ./credence "$BUILD/credence-asan"; do
    [ -x "$bin" ] || continue
    tag=$([ "$bin" = ./credence ] && echo plain || echo asan)
    for t in tests/cli/test_*.sh; do
        [ -f "$t" ] || continue
        run "cli/$tag/$(basename "$t" .sh)" env CREDENCE_BIN="$bin" bash "$t"
    done
done

# The console runs inside tmux, where a sanitizer report would vanish with the pane: the ASan
# binary logs to files instead, and any report fails the test.
console_asan() { # test script
    local logs
    logs=$(mktemp -d)
    ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$logs/asan" UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$logs/ubsan" \
        CREDENCE_BIN="$BUILD/credence-asan" bash "$1"
    local rc=$?
    if compgen -G "$logs/*" >/dev/null; then
        echo "sanitizer reports:"
        cat "$logs"/*
        rc=1
    fi
    sleep 1 # a console whose pane was closed must have ended by now
    if pgrep -f "$PWD/$BUILD/credence-asan" >/dev/null; then
        echo "console processes left running after the test:"
        pgrep -af "$PWD/$BUILD/credence-asan"
        pkill -9 -f "$PWD/$BUILD/credence-asan"
        rc=1
    fi
    rm -rf "$logs"
    return $rc
}
for t in tests/console/test_*.sh; do
    [ -f "$t" ] || continue
    run "console/plain/$(basename "$t" .sh)" env CREDENCE_BIN=./credence bash "$t"
    [ -x "$BUILD/credence-asan" ] && run "console/asan/$(basename "$t" .sh)" console_asan "$t"
done

if [ ${#failures[@]} -gt 0 ]; then
    printf '\nFailed:\n'
    printf '  %s\n' "${failures[@]}"
fi
printf '\n%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
