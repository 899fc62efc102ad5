#!/usr/bin/env bash
# Replays the seed corpus of one fuzz target: replay.sh BUILD/fuzz-replay[-asan]/fuzz_NAME runs
# it over tests/fuzz/corpus/NAME (every file once; a crash, leak, UB or broken invariant fails).
# Called by tests/run_all.sh for every target in both builds.
set -eu
bin=$1
name=$(basename "$bin")
name=${name#fuzz_}
dir="$(dirname "$0")/corpus/$name"
if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir")" ]; then
    echo "replay: no seed corpus in $dir" >&2
    exit 1
fi
"$bin" "$dir"
