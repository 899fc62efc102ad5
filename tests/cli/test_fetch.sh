#!/usr/bin/env bash
# fetch usage against tests/fake_provider.py: pagination, raw pages kept (0600), import through
# the importers with supersession on a second fetch, auth, errors, secrets kept out.
source "$(dirname "$0")/lib.sh"
setup_org
start_fake
c --as priya fetch usage --provider openai --since 2026-11-20
expect_rc 77 "owners do not fetch"
c --as avery fetch usage --provider openai --since 2026-11-20 --until 2026-11-22
expect_rc 0 "openai fetch"
expect_out "usage-completions-.*: 2 pages, 2 rows imported" "follows next_page"
expect_eq "$(requests_matching 'GET /v1/organization/usage/completions')" "2" "two pages requested"
python3 - "$T/requests.jsonl" <<'PY' || fail "request shapes"
import json, sys, urllib.parse as up
reqs = [json.loads(l) for l in open(sys.argv[1])]
r = [x for x in reqs if x["path"].startswith("/v1/organization/usage/completions")]
q = up.parse_qs(up.urlparse(r[0]["path"]).query)
assert q["start_time"] == ["1795132800"] and q["end_time"] == ["1795305600"], q
assert q["group_by"] == ["project_id", "api_key_id", "model"], q
assert up.parse_qs(up.urlparse(r[1]["path"]).query)["page"] == ["page_2"]
assert r[0]["headers"]["authorization"] == "Bearer sk-admin-openai-test"
PY
expect_eq "$(sql "SELECT sum(tokens) FROM usage_rollup WHERE pool_id = 'sales-copilot-prod'")" "2200" "tokens imported and attributed"
expect_eq "$(sql "SELECT sum(cost_micros) FROM usage_rollup WHERE pool_id = 'sales-copilot-prod'")" "2500000" "cost imported"
for f in "$(dirname "$CREDENCE_DB")"/fetched/openai-*.json; do
    expect_eq "$(stat -c %a "$f")" "600" "raw pages kept privately"
done
sleep 1
c --as avery fetch usage --provider openai --since 2026-11-20 --until 2026-11-22
expect_out "replaced [1-9]" "a second fetch supersedes the first"
expect_eq "$(sql "SELECT sum(tokens) FROM usage_rollup WHERE pool_id = 'sales-copilot-prod'")" "2200" "not added twice"
c --as avery fetch usage --provider anthropic --since 2026-11-20 --until 2026-11-21
expect_rc 0 "anthropic fetch"
expect_eq "$(sql "SELECT sum(tokens) FROM usage_rollup WHERE pool_id = 'research-agent-prod'")" "110" "anthropic tokens"
c --as avery fetch usage --provider litellm --since 2026-11-20 --until 2026-11-21
expect_rc 0 "litellm fetch"
expect_eq "$(sql "SELECT sum(cost_micros) FROM usage_rollup WHERE pool_id = 'ticket-triage-bot'")" "500000" "litellm spend"
OPENAI_ADMIN_KEY=wrong "$BIN" --as avery fetch usage --provider openai --since 2026-11-20 >"$T/out" 2>"$T/err"
rc=$?
expect_rc 65 "a 401 is an error"
expect_err "HTTP 401" "the provider's answer is shown"
c --as avery fetch usage --provider webhook --since 2026-11-20
expect_rc 64 "webhook has no usage API"
c --as avery fetch usage --provider openai --since 2026-11-22 --until 2026-11-20
expect_rc 64 "an empty window"
for secret in sk-admin-openai-test sk-ant-admin-test sk-litellm-master-test; do
    checks=$((checks + 1))
    grep -rq -- "$secret" "$CREDENCE_DB" "$(dirname "$CREDENCE_DB")/fetched" "$T/out" "$T/err" && fail "secret $secret leaked"
done
finish
