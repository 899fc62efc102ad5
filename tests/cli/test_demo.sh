#!/usr/bin/env bash
# The demo: one command builds a database in which every rule fires on its pool, usage came in
# through every importer (8 provider exports), and the 2026-Q4 campaign is half-way done.
source "$(dirname "$0")/lib.sh"
unset CREDENCE_DB
c demo --no-ui
expect_rc 0 "demo"
DEMO="$XDG_DATA_HOME/credence/demo.db"
expect_out "demo database: $DEMO" "demo path in the data directory"
expect_out "15 people and 32 credit pools" "organisation"
expect_out "campaign 2026-Q4: [0-9]+ of 23 items decided by 4 reviewers" "campaign half-way"
export CREDENCE_DB="$DEMO" CREDENCE_NOW=2026-11-24
c --as dana findings --json
python3 - "$T/out" <<'PY' || fail "every rule fires in the demo"
import json, sys
rules = {f["rule"] for f in json.load(open(sys.argv[1]))["findings"]}
want = {"threshold", "exhaustion", "burn-spike", "scope-drift", "pooled-identities",
        "unbound-identity", "carry-over", "pilot-expired", "pilot-production-like", "orphaned",
        "unregistered-usage", "renewal-due"}
# dormant and review-overdue were settled by the reviewers who already decided (revoke, approve)
assert want <= rules, want - rules
PY
expect_eq "$(sqlite3 "$DEMO" "SELECT count(*) FROM finding WHERE rule IN ('dormant','review-overdue') AND state = 'resolved'")" "2" "decisions resolved dormant and review-overdue"
# usage came in through every importer: each export names its format and feeds pools
expect_eq "$(sqlite3 "$DEMO" "SELECT group_concat(format || ':' || n, ' ') FROM (SELECT i.format, count(DISTINCT i.id) AS n FROM import i JOIN usage_rollup r ON r.import_id = i.id AND r.pool_id IS NOT NULL WHERE i.kind = 'usage' AND i.status = 'done' GROUP BY i.format ORDER BY i.format)")" \
    "anthropic:2 focus:1 litellm:2 openai:3" "8 exports in 4 formats, each attributed to pools"
expect_eq "$(ls "$XDG_DATA_HOME/credence/demo-exports" | tr '\n' ' ')" \
    "anthropic-console-cost.csv anthropic-usage-report.json completions_usage_2025-06-01_2026-11-24.csv embeddings_usage_2025-06-01_2026-11-24.csv focus-cloud-marketplaces.csv litellm-spend-logs-last-30-days.csv litellm-spend-logs.json openai-costs.json " \
    "the exports stay beside the demo for a newcomer to read"
# a cost export and a token export of one unknown key are one finding with both
c --as dana findings --rule unregistered-usage
expect_out "705.00 USD and 120,000,000 tokens on openai account proj_shadow99, key key_Shadow1" "cost and tokens of one unregistered key together"
expect_out "^2 findings shown" "one finding per unregistered key"
c --as dana queue --json
expect_out '"kind": "campaign"' "dana has campaign items"
c --as grace audit verify
expect_rc 0 "demo audit chain intact"
c --as dana decide code-review-agent approve --reason "busy month for the code review agent"
expect_rc 0 "a newcomer can decide"
c demo --no-ui
expect_rc 0 "the demo rebuilds"
expect_eq "$(sqlite3 "$DEMO" "SELECT count(*) FROM decision WHERE actor = 'dana'")" "0" "rebuilt fresh"
c --db "$T/mine.db" --as avery init
c --db "$T/mine.db" demo
expect_rc 64 "never overwrites a database that is not a demo"
finish
