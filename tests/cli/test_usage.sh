#!/usr/bin/env bash
# Usage import end to end (FOCUS): the specification's own sample corpus, attribution by
# bindings, exact totals, idempotence, supersession by restated and shorter re-exports, gzip,
# located errors with the database unchanged, --skip-bad-rows with a rejects file, garbage input.
source "$(dirname "$0")/lib.sh"
SAMPLES="$FIX/focus-samples"   # the FOCUS specification's own samples (CC-BY-4.0, see its README)
U="$FIX/usage"

# --- the FOCUS specification's 26 sample files: each imports, none crashes ---------------------
c --as avery init
for f in "$SAMPLES"/*.csv; do
    export CREDENCE_DB="$T/corpus-$(basename "$f" .csv).db"
    c --as avery init
    c --as avery import usage "$f"
    expect_rc 0 "sample $(basename "$f") imports (lenient rules: null, M/D/YY, \$1,234.00)"
    rows=$(python3 -c 'import csv,sys; print(sum(1 for r in csv.reader(open(sys.argv[1], encoding="utf-8-sig")) if r)-1)' "$f")
    expect_out ": focus, $rows rows: $rows imported, 0 rejected" "every row of $(basename "$f") lands"
done
export CREDENCE_DB="$T/credence.db"

setup_org
c --as priya import usage "$U/focus-2026-11.csv"
expect_rc 77 "owners cannot import usage"
c --as avery import usage "$U/focus-2026-11.csv"
expect_rc 0 "import"
expect_err "format focus \(detected from its content\)" "auto detection says what it chose"
expect_out "6 rows: 6 imported, 0 rejected; 6 rollups, 1 rows matched no pool; cost column 127.58" "summary with the cost column sum"
# totals equal the input's cost column to the cent
expect_eq "$(sql "SELECT printf('%.2f', sum(cost_micros) / 1e6) FROM usage_rollup")" "127.58" "rollups add up to the file"
# attribution: subaccount + workload tag -> translation-svc; the unknown sub-account is unregistered
expect_eq "$(sql "SELECT count(*) FROM usage_rollup WHERE pool_id = 'translation-svc'")" "5" "attributed rows"
expect_eq "$(sql "SELECT account FROM usage_rollup WHERE pool_id IS NULL")" "999988887777" "unregistered usage kept"
# consumption: USD usage only (the credit and the EUR row are kept apart); the correction counts
c --as tomas pools --json
python3 - "$T/out" <<'PY' || fail "consumption in pools --json"
import json, sys
p = {p["id"]: p for p in json.load(open(sys.argv[1]))["pools"]}["translation-svc"]
assert p["consumed"] == 140.25, p
PY

# --- idempotence: the same file again is a no-op ---------------------------------------------
c --as avery import usage "$U/focus-2026-11.csv"
expect_rc 0 "same file again"
expect_out "already imported on 2026-11-24" "same file is skipped"
expect_eq "$(sql "SELECT count(*) FROM import WHERE kind = 'usage'")" "1" "one import record"
expect_eq "$(sql "SELECT status FROM import WHERE kind = 'usage'")" "done" "a fresh import is done, not superseded"

# --- a restated month-to-date export replaces the earlier one for its scope ----------------------
sed 's/,100.10,100.00,USD,/,200.10,200.00,USD,/' "$U/focus-2026-11.csv" >"$T/restated.csv"
c --as avery import usage "$T/restated.csv"
expect_out "replaced 6 rollups of earlier imports" "restatement supersedes"
expect_eq "$(sql "SELECT printf('%.2f', sum(cost_micros) / 1e6) FROM usage_rollup")" "227.58" "restated, not added"
expect_eq "$(sql "SELECT status FROM import WHERE kind = 'usage' ORDER BY id LIMIT 1")" "superseded" "earlier import marked superseded"
expect_eq "$(sql "SELECT status FROM import WHERE kind = 'usage' ORDER BY id DESC LIMIT 1")" "done" "the restating import is done"
# a shorter re-export of the same scope drops what it no longer lists
head -3 "$T/restated.csv" >"$T/shorter.csv"
c --as avery import usage "$T/shorter.csv"
expect_eq "$(sql "SELECT count(*) FROM usage_rollup")" "2" "shorter re-export replaces the scope"
# another billing period is another scope: kept side by side
sed 's/2026-11-01T00:00:00Z,2026-12-01T00:00:00Z/2026-10-01T00:00:00Z,2026-11-01T00:00:00Z/; s/2026-11-0\([2-4]\)T/2026-10-0\1T/g' "$U/focus-2026-11.csv" >"$T/october.csv"
c --as avery import usage "$T/october.csv"
expect_eq "$(sql "SELECT count(*) FROM usage_rollup")" "8" "overlapping scopes are independent"

# --- gzip, truncated gzip, garbage, unknown shapes ------------------------------------------------
gzip -c "$U/focus-2026-11.csv" | sed 's/x/x/' >"$T/nov.csv.gz"
sed 's/,50.25,50.25,/,50.26,50.26,/' "$U/focus-2026-11.csv" | gzip -c >"$T/nov2.csv.gz"
c --as avery import usage "$T/nov2.csv.gz"
expect_rc 0 "gzip import"
expect_out "6 rows: 6 imported" "gzip rows"
head -c 200 "$T/nov2.csv.gz" >"$T/truncated.csv.gz"
sql .dump >"$T/before.sql"
c --as avery import usage --format focus "$T/truncated.csv.gz"
expect_rc 65 "truncated gzip"
expect_err "gzip" "truncated gzip named"
head -c 4096 /dev/urandom >"$T/garbage.bin"
c --as avery import usage "$T/garbage.bin"
expect_rc 65 "binary garbage is refused"
expect_err "not a format credence knows; it reads focus" "unknown shape names the known formats"
# binary that happens to start like JSON is still named binary, not broken JSON
{ printf '{"data": ['; head -c 512 /dev/urandom; printf '\000'; } >"$T/jsonish.bin"
c --as avery import usage "$T/jsonish.bin"
expect_rc 65 "binary starting with a brace is refused"
expect_err "binary data, not a format credence knows" "binary named as such"
printf '\377\376C\000h\000a\000' >"$T/utf16.csv"
c --as avery import usage "$T/utf16.csv"
expect_rc 65 "UTF-16 refused"
expect_err "UTF-16 text; credence reads UTF-8" "UTF-16 named"
c --as avery import usage --format focus "$T/garbage.bin"
checks=$((checks + 1)); [ "$rc" -eq 65 ] || [ "$rc" -eq 0 ] || fail "garbage as focus: exit $rc"
c --as avery import usage --format bedrock "$U/focus-2026-11.csv"
expect_rc 64 "unknown format"
expect_err "focus .*openai .*anthropic .*litellm" "the known formats are named"
c --as avery import usage "$T/missing.csv"
expect_rc 66 "missing file"

# --- a bad row rejects the file whole, located, with the database unchanged ----------------------
sed '4s/,0.33,0.33,/,0.3x3,0.3x3,/' "$U/focus-2026-11.csv" | sed 's/payer-1/payer-2/' >"$T/bad.csv"
c --as avery import usage "$T/bad.csv"
expect_rc 65 "bad row"
expect_err "bad.csv:4:[0-9]+: cost '0.3x3' is not a decimal amount" "located error"
expect_err "the database is unchanged" "says nothing was written"
sql .dump >"$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql" || fail "database changed by a rejected file"
checks=$((checks + 1))
# --skip-bad-rows imports the rest and writes the rejects with their reasons
c --as avery import usage --skip-bad-rows "$T/bad.csv"
expect_rc 0 "skip bad rows"
expect_out "6 rows: 5 imported, 1 rejected" "counts"
expect_eq "$(sed -n 2p "$T/bad.csv.rejects.csv" | cut -d, -f1)" "4" "rejects file names the line"
grep -q "is not a decimal amount" "$T/bad.csv.rejects.csv" || fail "rejects file gives the reason"
expect_eq "$(sql "SELECT rows_rejected FROM import ORDER BY id DESC LIMIT 1")" "1" "rejected count recorded"
expect_eq "$(sql "SELECT json_extract(body, '\$.data.rows_rejected') FROM audit_event WHERE event = 'import.usage' ORDER BY seq DESC LIMIT 1")" "1" "and audited"

# --- a 1 MiB field and quoted newlines are data, not a crash --------------------------------------
python3 - "$T/big.csv" <<'PY'
import sys
head = "BillingAccountId,BillingPeriodStart,ChargeCategory,ChargePeriodStart,EffectiveCost,BillingCurrency,ServiceName,Tags\n"
with open(sys.argv[1], "w") as f:
    f.write(head)
    f.write('big,2026-11-01,Usage,2026-11-05,1.00,USD,"multi\nline service","{""note"":""%s""}"\n' % ("x" * (1 << 20)))
PY
c --as avery import usage "$T/big.csv"
expect_rc 0 "a 1 MiB field"
# --- Admin API pages: OpenAI usage and costs, Anthropic usage and cost reports, LiteLLM logs ----
c --as avery import usage "$U/openai-usage.json" "$U/openai-costs.json" "$U/anthropic-usage.json" \
    "$U/anthropic-cost.json" "$U/litellm-spend.json"
expect_rc 0 "JSON pages"
expect_err "format openai \(detected from its content\)" "OpenAI pages detected"
expect_err "format litellm" "LiteLLM logs detected"
q() { sql "SELECT coalesce(sum($1), 0) FROM usage_rollup WHERE provider = '$2' AND $3"; }
expect_eq "$(q tokens openai "pool_id = 'sales-copilot-prod'")" "1200" "OpenAI tokens: input (cached included) + output"
expect_eq "$(q cost_micros openai "pool_id = 'sales-copilot-prod'")" "12340000" "OpenAI cost attributed by key"
expect_eq "$(q cost_micros openai "pool_id IS NULL")" "660000" "unknown key kept unregistered"
expect_eq "$(q tokens anthropic "pool_id = 'research-agent-prod'")" "3700" "Anthropic tokens: uncached + cache reads + both cache writes + output"
expect_eq "$(q cost_micros anthropic "1")" "123456000" "Anthropic cost: cents as a string"
expect_eq "$(q cost_micros litellm "pool_id = 'ticket-triage-bot'")" "2000000" "LiteLLM spend by key"
expect_eq "$(q requests litellm "1")" "3" "one request per LiteLLM log row"
python3 - "$T/badpage.json" <<'PY'
import json, sys
json.dump({"object": "page", "data": [{"object": "bucket", "start_time": 1795132800, "results": [
    {"object": "organization.costs.result", "amount": {"value": "abc", "currency": "usd"}}]}]},
    open(sys.argv[1], "w"))
PY
c --as avery import usage "$T/badpage.json"
expect_rc 65 "bad JSON value"
expect_err 'badpage.json: \$.data\[0\].results\[0\]: amount.value is not a number' "JSON errors name the path"
printf '{"data": [1, 2' >"$T/broken.json"
c --as avery import usage --format openai "$T/broken.json"
expect_rc 65 "truncated JSON"
expect_err "broken.json:1:[0-9]+: not JSON" "JSON syntax errors are located"
{ cat "$U/openai-usage.json"; echo; } >"$T/openai-copy.json"
c --as avery import usage --format anthropic "$T/openai-copy.json"
expect_rc 65 "pages of another provider"
expect_err "not anthropic pages" "says whose pages they are not"

# --- a large file is read in two parts at once; the result is the one reader's ------------------
# CREDENCE_IMPORT_SPLIT=N cuts files of N bytes and more at the middle (default 32 MiB) and says
# what happened; =0 never cuts. Both must give the same rollups, order, summary, rejects, errors.
python3 - "$T/split.csv" "$T/split-quoted.csv" "$T/split-bad.csv" <<'PY'
import random, sys
rnd = random.Random(5)
cols = ["BillingAccountId", "BillingCurrency", "ChargeCategory", "ChargePeriodStart",
        "ChargeDescription", "EffectiveCost", "ConsumedQuantity", "ConsumedUnit", "PricingCurrency",
        "PricingCurrencyEffectiveCost", "ProviderName", "SubAccountId", "Tags", "x_Model",
        "x_ApiKeyId"]
tags = ['{"app":"translation","team":"i18n"}',
        '{ "workload" : "spiffe://acme.example/ns/risk/sa/fraud" }',
        '{"app":"vision-inspection","n":{"nested":[1,2]}}',
        '{"app":"caf\\u00e9","esc":"a\\"b\\\\c"}',
        '{"spiffe_id":"spiffe://acme.example/ns/i18n/sa/translator","x":null,"k":5}',
        '{"workload":"first","workload":"spiffe://acme.example/ns/qa/sa/vision"}',
        '{}', '', '{"app":"labeling","env":"prod"}']
accounts = ["111122223333", "7f1c2d9e-acme-fin", "acme-vision-prod", "ocid1.tenancy.oc1..acmedata",
            "999988887777", ""]
def q(v):
    return '"%s"' % v.replace('"', '""') if any(c in v for c in ',"\n\r') or rnd.random() < 0.1 else v
def rows(n, bad=(), quoted_at=None):
    rnd.seed(5)
    out = [",".join(cols)]
    for i in range(n):
        desc = "call %d" % i if i % 13 else "multi\nline %d" % i
        if i == quoted_at:
            desc = "long\n" * 2000
        cat = ["Usage", "Credit", "Tax"][i % 3] if i not in bad else "Bogus"
        out.append(",".join(q(v) for v in [
            "payer-%d" % (i % 2), "USD" if i % 7 else "EUR", cat,
            "2026-11-%02dT%02d:00:00Z" % (1 + i % 28, i % 24), desc,
            "%.6f" % (rnd.randint(-10**5, 10**7) / 1e6), str(rnd.randint(0, 10**6)),
            ["Tokens", "1K tokens", "Requests"][i % 3], "" if i % 5 else "CREDITS",
            "%.2f" % (i / 10) if i % 5 == 0 else "", "Prov", accounts[i % len(accounts)],
            tags[i % len(tags)], "m-%d" % (i % 4), "key-%d" % (i % 9)]))
    return "\r\n".join(out) + "\r\n"
open(sys.argv[1], "w", newline="").write("\ufeff" + rows(6000))
# a quoted field of 2,000 lines (10 kB) across the middle: the cut lands inside it
lines, half, at = rows(6000).split("\r\n"), len(rows(6000)) // 2, 0
while sum(len(l) + 2 for l in lines[:at + 2]) < half - 2000:
    at += 1
open(sys.argv[2], "w", newline="").write(rows(6000, quoted_at=at))
# bad rows on both sides of the middle, and (for the error test) the first one decides
open(sys.argv[3], "w", newline="").write(rows(6000, bad=(700, 4100, 5900)))
PY
split_run() { # MODE FILE [ARGS]: imports FILE into a fresh database; leaves $T/split-MODE.*
    local mode=$1 f=$2
    shift 2
    export CREDENCE_DB="$T/split-$mode.db" CREDENCE_IMPORT_SPLIT=$mode
    rm -f "$CREDENCE_DB" "$f.rejects.csv"
    c --as avery init
    c --as avery import people "$FIX/people.csv"
    c --as avery import register "$FIX/register.csv"
    c --as avery import usage "$@" "$f"
    echo "rc $rc" >>"$T/out"
    cp "$T/out" "$T/split-$mode.out"
    grep -v "cut at byte" "$T/err" >"$T/split-$mode.err"
    cp "$T/err" "$T/err-$mode"
    sql "SELECT * FROM usage_rollup ORDER BY id; SELECT rows_read, rows_imported, rows_rejected,
         cost_micros FROM import; SELECT * FROM import_scope ORDER BY 1, 2" >"$T/split-$mode.db.txt"
    if [ -f "$f.rejects.csv" ]; then mv "$f.rejects.csv" "$T/split-$mode.rejects"; else
        rm -f "$T/split-$mode.rejects"; fi
    unset CREDENCE_IMPORT_SPLIT
}
split_same() { # FILE WHAT EXPECTED-CUT-MESSAGE [ARGS]
    local f=$1 what=$2 cut=$3
    shift 3
    split_run 0 "$f" "$@"
    split_run 1 "$f" "$@"
    checks=$((checks + 1))
    grep -q "cut at byte [0-9]*: $cut" "$T/err-1" || fail "$what: the file was not cut ($cut)"
    checks=$((checks + 1))
    grep -q "cut at byte" "$T/err-0" && fail "$what: CREDENCE_IMPORT_SPLIT=0 cut the file"
    for x in out err db.txt; do
        checks=$((checks + 1))
        cmp -s "$T/split-0.$x" "$T/split-1.$x" || fail "$what: $x differs: $(diff "$T/split-0.$x" "$T/split-1.$x" | head -5)"
    done
    checks=$((checks + 1))
    if [ -f "$T/split-0.rejects" ] || [ -f "$T/split-1.rejects" ]; then
        cmp -s "$T/split-0.rejects" "$T/split-1.rejects" || fail "$what: rejects differ"
    fi
}
split_same "$T/split.csv" "two parts (BOM, CRLF, quoted newlines, tags of every kind)" "two parts joined"
expect_eq "$(sql "SELECT sum(cost_micros) FROM usage_rollup")" "$(sql "SELECT cost_micros FROM import WHERE kind = 'usage'")" \
    "split: rollups add up to the cost column"
expect_eq "$(sql "SELECT count(DISTINCT pool_id) FROM usage_rollup")" "4" "split: rows attributed by subaccount, tag and workload"
expect_out "6000 rows: 6000 imported" "split: every row"
split_same "$T/split-quoted.csv" "cut inside a quoted field" "one reader read on"
expect_out "6000 rows: 6000 imported" "quoted cut: every row"
split_same "$T/split-bad.csv" "rejects on both sides" "two parts joined" --skip-bad-rows
expect_out "6000 rows: 5997 imported, 3 rejected" "split: rejects from both parts"
first_bad=$(sed -n 2p "$T/split-1.rejects" | cut -d, -f1)
expect_eq "$(grep -c Bogus "$T/split-1.rejects")" "3" "split: three rejects"
split_same "$T/split-bad.csv" "the first error wins" "one reader read on"
expect_err "split-bad.csv:$first_bad:[0-9]+: ChargeCategory 'Bogus'" "split: the first bad row is the error"
export CREDENCE_DB="$T/credence.db"

# --- Tags: the quick reader of plain objects and jansson agree ------------------------------------
# Each row has its own sub-account; Python's json (jansson's rules: the first place and the last
# value of a repeated key, string values only, the first 32 of them) says what workload each row
# must get, or that it must be rejected.
python3 - "$T/tags.csv" "$T/tags-expected" <<'PY'
import json, sys
W = ["spiffe_id", "workload", "x_workload", "spiffe"]
long_tags = "{" + ",".join('"k%d":"v%d"' % (j, j) for j in range(34)) + ',"workload":"late"}'
early = '{"workload":"early",' + ",".join('"k%d":"v%d"' % (j, j) for j in range(40)) + "}"
cases = [b'{"workload":"w1"}', b'{"spiffe_id":"a","workload":"b"}', b'{"workload":"b","spiffe_id":"a"}',
         b'{"workload":"a\\"b"}', b'{"workload":"caf\\u00e9"}', '{"workload":"café"}'.encode(),
         b'{"workload":{"nested":1},"x_workload":"xw"}', b'{"workload":"first","workload":"second"}',
         b'{"workload":"a","spiffe_id":"s","workload":"b"}',
         b'{"workload":"first","x":1,"workload":"second","spiffe":"sp"}', b' { "workload" : "spaced" } ',
         b'{"workload":"tab\there"}', b'[1,2]', b'{"workload":"x"}x', long_tags.encode(), early.encode(),
         b'{"workload":"a\\\\b"}', b'{}', b'', b'{"WORKLOAD":"x"}', b'{"workload":"del\x7f"}',
         b'{"workload": null}', b'{"workload":"a","workload":null}', b'{"workload":"bad\xff"}',
         b'{"a":"b",}', b'{"workload":"x"', b'{"app":"translation","env":"prod"}', b'"just a string"',
         ('{"workload":"%s"}' % ("L" * 600)).encode(), b'{"workload":"tail\\n"}', b'{"k":"\\/"}']
for tail in (b'\\"q', "é".encode(), b"\t", b"\x7f", b"\\u0041", b"\x01"):  # past 16 bytes
    cases.append(b'{"workload":"0123456789abcdefghij' + tail + b'xyz0123456789"}')
for n in (14, 15, 16, 17, 31, 32, 33):
    cases.append(('{"workload":"%s","pad":"%s"}' % ("w" * n, "p" * n)).encode())
def expect(raw):
    if not raw.strip():
        return b""
    class Pairs(list):
        pass
    try:
        pairs = json.loads(raw.decode("utf-8"), object_pairs_hook=Pairs)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(pairs, Pairs):
        return None
    obj = {}
    for k, v in pairs:
        obj[k] = v  # a repeated key keeps its first place, takes the last value
    wl, ntags = "", 0
    for k, v in obj.items():
        if not isinstance(v, str) or ntags == 32:
            continue
        ntags += 1
        if k in W:
            wl = v
    return wl.encode()[:511]  # bytes, as snprintf into 512 would cut them
with open(sys.argv[1], "wb") as f, open(sys.argv[2], "w") as e:
    f.write(b"ChargePeriodStart,ChargeCategory,BilledCost,SubAccountId,Tags\n")
    for i, raw in enumerate(cases):
        field = b'"' + raw.replace(b'"', b'""') + b'"'
        f.write(b"2026-11-02,Usage,1.00,acct-%02d,%s\n" % (i, field))
        w = expect(raw)
        e.write("acct-%02d %s\n" % (i, "REJECTED" if w is None else "[" + w.hex().upper() + "]"))
PY
export CREDENCE_DB="$T/tags.db"
c --as avery init
c --as avery import usage --format focus --skip-bad-rows "$T/tags.csv"
expect_rc 0 "tags file imports"
sql "SELECT account || ' [' || hex(workload) || ']' FROM usage_rollup" >"$T/tags-got"
rejected=$(tail -n +2 "$T/tags.csv.rejects.csv" | grep -o 'acct-[0-9]*' | sed 's/$/ REJECTED/')
printf '%s\n' "$rejected" >>"$T/tags-got"
checks=$((checks + 1))
diff <(sort "$T/tags-expected") <(grep . "$T/tags-got" | sort) >"$T/tags-diff" ||
    fail "Tags: workloads or rejects differ from JSON's: $(head -c 1500 "$T/tags-diff")"
export CREDENCE_DB="$T/credence.db"

# --- a file imported before stops early (the hash is checked while rows are read) ------------------
python3 - "$T/many.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("ChargePeriodStart,ChargeCategory,BilledCost,SubAccountId\n")
    for i in range(140000):
        f.write("2026-11-%02d,Usage,0.01,acct-%d\n" % (1 + i % 28, i % 50))
PY
export CREDENCE_DB="$T/many.db"
c --as avery init
c --as avery import usage --format focus "$T/many.csv"
expect_out "140000 rows: 140000 imported" "a 140,000-row file"
c --as avery import usage --format focus "$T/many.csv"
expect_rc 0 "the same large file again"
expect_out "already imported on 2026-11-24" "the same large file is skipped"
expect_eq "$(sql "SELECT count(*) || ' ' || sum(cost_micros) FROM import WHERE kind = 'usage'")" \
    "1 1400000000" "one import of the large file"
expect_eq "$(sql "SELECT sum(cost_micros) FROM usage_rollup")" "1400000000" "its rollups once"
export CREDENCE_DB="$T/credence.db"

c --as grace audit verify
expect_rc 0 "chain intact"
finish
