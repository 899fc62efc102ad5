#!/usr/bin/env bash
# Evidence packs end to end: export a campaign's pack, verify it offline, change one byte of each
# file in turn and see verify name it, check CSV neutralises formulas, render report.html in
# headless Chromium with no console errors and the expected tables.
source "$(dirname "$0")/lib.sh"
setup_org
python3 "$FIX/gen_usage.py" sql | sqlite3 "$CREDENCE_DB"
c --as dana findings >/dev/null
c --as avery campaign start 2026-Q4 --due 2026-12-15
expect_rc 0 "campaign start"
c --as priya keygen
c --as priya decide support-bot-prod reduce --grant 9000 --reason '=HYPERLINK("http://x") usage far below grant'
expect_rc 0 "a signed reduce (against the recommendation to approve)"
c --as marcus decide sales-copilot-prod approve --reason "busy month, grant still right"
expect_rc 0 "an approve"
c --as lena decide claims-intake approve --reason "steady use, keep the grant as it is"
expect_rc 0 "an approve on a LiteLLM pool bound to a virtual key"
items=$(sql "SELECT count(*) FROM review_item WHERE campaign_id = 1")

c --as priya evidence export --campaign 2026-Q4 --out "$T/pack"
expect_rc 77 "owners cannot export evidence"
c --as grace evidence export --campaign nope --out "$T/pack"
expect_rc 65 "unknown campaign"
c --as grace evidence export --campaign 2026-Q4 --out "$T/pack"
expect_rc 0 "export"
expect_out "9 files \+ manifest.json; $items items, 3 decisions" "export summary"
for f in manifest.json items.csv decisions.csv findings.csv outbox.csv register.csv \
    usage-by-pool.csv audit-events.jsonl frameworks.csv report.html; do
    checks=$((checks + 1))
    [ -s "$T/pack/$f" ] || fail "pack lacks $f"
done
c --as grace evidence export --campaign 2026-Q4 --out "$T/pack"
expect_rc 64 "a non-empty folder is refused"

# CSV: RFC 4180 with CRLF, formulas neutralised, contrary decisions flagged
grep -q $'\r$' "$T/pack/decisions.csv" || fail "CSV rows end with CRLF"
grep -q '"'"'"'=HYPERLINK(""http://x"") usage far below grant"' "$T/pack/decisions.csv" ||
    fail "formula in a reason is quoted and prefixed"
python3 - "$T/pack" <<'PY' || fail "pack contents"
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/decisions.csv", newline="")))
r = [x for x in rows if x["pool_id"] == "support-bot-prod"][0]
assert r["contrary_to_recommendation"] == "1" and r["recommended"] == "approve", r
assert r["signed"] == "1"
m = json.load(open(d + "/manifest.json"))
assert m["campaign"] == "2026-Q4" and m["exporter"] == "grace" and len(m["files"]) == 9
events = [json.loads(l) for l in open(d + "/audit-events.jsonl")]
assert events[0]["event"] == "campaign.started" and events[-1]["seq"] == m["chain_head"]["seq"]
assert any(e["signature"] for e in events)
outbox = list(csv.DictReader(open(d + "/outbox.csv", newline="")))
text = open(d + "/outbox.csv").read()
assert outbox and "sk-admin" not in text and "sk-litellm" not in text, text
assert any(r["pool_id"] == "claims-intake" and "sk-[redacted]" in r["summary"] for r in outbox), outbox
fw = list(csv.DictReader(open(d + "/frameworks.csv", newline="")))
assert any(r["subject"] == "scope-drift" and r["owasp_nhi_top10_2025"] == "NHI5" for r in fw)
PY

c evidence verify "$T/pack"
expect_rc 0 "verify"
expect_out "9 files match the manifest; [0-9]+ audit events, chain intact, 1 signatures valid" "verify summary"

# one changed byte in each file is named
for f in items.csv decisions.csv findings.csv outbox.csv register.csv usage-by-pool.csv \
    audit-events.jsonl frameworks.csv report.html manifest.json; do
    cp -r "$T/pack" "$T/bad"
    python3 - "$T/bad/$f" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = len(b) // 2
b[i] = ord("x") if b[i] != ord("x") else ord("y")
open(p, "wb").write(bytes(b))
PY
    c evidence verify "$T/bad"
    expect_rc 65 "verify catches a change in $f"
    if [ "$f" = manifest.json ]; then
        expect_err "manifest|differs|chain|listed" "verify names the manifest problem"
    else
        expect_err "$f" "verify names $f"
    fi
    rm -rf "$T/bad"
done
cp -r "$T/pack" "$T/bad"; echo extra >"$T/bad/notes.txt"
c evidence verify "$T/bad"
expect_rc 65 "an extra file is refused"
expect_err "notes.txt: not listed" "extra file named"
rm -rf "$T/bad"

# report.html renders in headless Chromium, with no console errors and the expected tables
if command -v chromium >/dev/null; then
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$T/chrome" --enable-logging=stderr --v=0 --virtual-time-budget=2000 \
        --dump-dom "file://$T/pack/report.html" >"$T/dom.html" 2>"$T/chrome.err"
    checks=$((checks + 1))
    grep -q "CONSOLE" "$T/chrome.err" && fail "console messages: $(grep CONSOLE "$T/chrome.err" | head -3)"
    for want in "Access review evidence: 2026-Q4" "Completion per reviewer" "Decisions by action" \
        "Framework mapping" "<svg" "support-bot-prod"; do
        checks=$((checks + 1))
        grep -q -- "$want" "$T/dom.html" || fail "rendered report lacks '$want'"
    done
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$T/chrome" --screenshot="$T/report.png" --window-size=1000,1400 \
        "file://$T/pack/report.html" >/dev/null 2>&1
    checks=$((checks + 1))
    [ -s "$T/report.png" ] || fail "no screenshot of the report"
else
    fail "chromium is not installed (make deps installs it)"
fi
finish
