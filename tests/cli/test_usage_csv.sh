#!/usr/bin/env bash
# Dashboard CSV exports end to end: OpenAI cost, usage and legacy activity CSVs, Anthropic Console
# usage and cost CSVs, LiteLLM spend logs CSV. Exact totals, auto detection, BOM/CRLF/quoting,
# empty buckets, a header-only file, idempotence, supersession by a later export of the same
# days (cost and usage kept apart), located errors with the database unchanged, --skip-bad-rows.
source "$(dirname "$0")/lib.sh"
U="$FIX/usage"
OC="$U/openai-cost.csv"                                  # BOM, CRLF, quoted commas, EUR + USD
OU="$U/completions_usage_2026-11-20_2026-11-23.csv"      # floats "10.0", TRUE/FALSE, empty bucket
q() { sql "SELECT coalesce(sum($1), 0) FROM usage_rollup WHERE $2"; }

setup_org

# --- OpenAI cost export --------------------------------------------------------------------------
c --as avery import usage "$OC"
expect_rc 0 "OpenAI cost CSV imports"
expect_err "format openai \(detected from its content\): OpenAI cost CSV" "auto detection names the export"
expect_out "4 rows: 4 imported, 0 rejected; 3 rollups, 2 rows matched no pool; cost column 4.25" "empty bucket skipped, not an error"
expect_eq "$(q cost_micros "provider = 'openai' AND currency = 'USD'")" "2250000" "USD: 0.895874 + 1.25 + 0.104126"
expect_eq "$(q cost_micros "provider = 'openai' AND currency = 'EUR'")" "2000000" "EUR kept apart"
expect_eq "$(q cost_micros "pool_id = 'marketing-gen'")" "2145874" "project binding attributes cost; 16 decimals exact"
expect_eq "$(sql "SELECT DISTINCT model FROM usage_rollup WHERE pool_id = 'marketing-gen'")" "gpt-4o-2024-08-06" "model from line_item"
expect_eq "$(q "tokens + requests" "provider = 'openai'")" "0" "cost rows carry no tokens"

# --- OpenAI completions usage export -------------------------------------------------------------
c --as avery import usage "$OU"
expect_rc 0 "OpenAI usage CSV imports"
expect_err "OpenAI usage CSV" "usage export recognized"
expect_out "3 rows: 3 imported, 0 rejected; 3 rollups, 0 rows matched no pool; cost column 0.00; replaced 0 rollups" "usage does not supersede cost"
expect_eq "$(q tokens "pool_id = 'sales-copilot-prod'")" "71346" "input_tokens (cached included) + output_tokens, floats"
expect_eq "$(q requests "pool_id = 'sales-copilot-prod'")" "12" "num_model_requests 10.0 + 2.0"
expect_eq "$(q tokens "pool_id = 'batch-embeddings'")" "500" "token pool by api key"
expect_eq "$(q cost_micros "scope_key LIKE 'openai|usage.completions|%'")" "0" "usage rows carry no cost"
expect_eq "$(q cost_micros "provider = 'openai'")" "4250000" "cost still there after the usage import"
c --as avery import usage "$U/openai-usage-empty.csv"
expect_rc 0 "header-only export"
expect_out "0 rows: 0 imported, 0 rejected" "header-only imports nothing"
c --as avery import usage "$U/openai-activity-legacy.csv"
expect_rc 0 "legacy activity export"
expect_err "OpenAI legacy activity CSV" "legacy export recognized"
expect_eq "$(q tokens "scope_key LIKE 'openai|usage.activity|%'")" "1550" "n_context + n_generated tokens"
expect_eq "$(q requests "scope_key LIKE 'openai|usage.activity|%'")" "5" "n_requests"

# --- Anthropic Console exports -------------------------------------------------------------------
c --as avery import usage "$U/anthropic-usage.csv" "$U/anthropic-cost.csv"
expect_rc 0 "Anthropic CSVs import"
expect_err "Anthropic Console usage CSV" "usage export recognized"
expect_err "Anthropic Console cost CSV" "cost export recognized"
expect_eq "$(q tokens "provider = 'anthropic'")" "83982" "uncached + both cache writes + reads + output"
expect_eq "$(sql "SELECT count(*) FROM usage_rollup WHERE provider = 'anthropic' AND day = '2026-11-20' AND tokens > 0")" "2" "a date with a time part is its day"
expect_eq "$(sql "SELECT api_key FROM usage_rollup WHERE model = 'claude-opus-4-1'")" "Closer App, prod" "usage: api_key is the key name (quoted)"
expect_eq "$(q cost_micros "provider = 'anthropic'")" "3750000" "cost_usd is dollars"
expect_eq "$(q cost_micros "pool_id = 'research-agent-prod'")" "3734567" "api_key_id attributes the cost"
expect_eq "$(sql "SELECT DISTINCT model FROM usage_rollup WHERE pool_id = 'research-agent-prod'")" "claude-sonnet-4-5" "display name becomes an id"

# --- LiteLLM spend logs CSV ----------------------------------------------------------------------
c --as avery import usage "$U/litellm-spend-logs.csv"
expect_rc 0 "LiteLLM CSV imports"
expect_err "LiteLLM spend logs CSV" "LiteLLM export recognized"
expect_eq "$(q cost_micros "provider = 'litellm'")" "501300" "spend in USD"
expect_eq "$(q tokens "provider = 'litellm'")" "1170" "total_tokens, else prompt + completion"
expect_eq "$(q requests "provider = 'litellm'")" "3" "one request per row"
expect_eq "$(q cost_micros "pool_id = 'ticket-triage-bot'")" "1200" "by api key"
expect_eq "$(q cost_micros "pool_id = 'shared-analytics'")" "500000" "by the SPIFFE ID in request_tags"

# --- idempotence and supersession ------------------------------------------------------------
c --as avery import usage "$OC"
expect_out "already imported on" "same file is a no-op"
before=$(sql "SELECT count(*) FROM usage_rollup")
# a later cost export of 2026-11-20 only, restated: replaces that day's cost, nothing else
python3 - "$OC" "$T/cost-restated.csv" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8-sig", newline="").read().split("\r\n")
out = [lines[0], lines[1].replace("0.8958740000000000", "1.00")]
open(sys.argv[2], "w", newline="").write("\n".join(out) + "\n")
PY
c --as avery import usage "$T/cost-restated.csv"
expect_rc 0 "restated export"
expect_out "replaced 2 rollups of earlier imports" "the day's cost rollups are replaced"
expect_eq "$(q cost_micros "provider = 'openai' AND day = '2026-11-20'")" "1000000" "restated, not added (EUR row gone too)"
expect_eq "$(q cost_micros "provider = 'openai' AND day = '2026-11-22'")" "104126" "other days untouched"
expect_eq "$(q tokens "pool_id = 'sales-copilot-prod'")" "71346" "usage of the same day untouched"
expect_eq "$(sql "SELECT count(*) FROM usage_rollup")" "$((before - 1))" "one rollup fewer"
# a re-exported usage CSV of the same days replaces the usage
sed 's/,59200.0,10646.0,/,60000.0,10646.0,/' "$OU" >"$T/completions_usage_again.csv"
c --as avery import usage "$T/completions_usage_again.csv"
expect_out "replaced 3 rollups" "usage re-export supersedes"
expect_eq "$(q tokens "pool_id = 'sales-copilot-prod'")" "72146" "restated tokens"
# dashboard CSV and API pages of the same kind and day are one scope (no double count)
c --as avery import usage "$U/openai-costs.json"
expect_rc 0 "JSON cost pages"
expect_eq "$(sql "SELECT count(*) FROM usage_rollup WHERE scope_key = 'openai|costs|2026-11-20' AND model = 'gpt-4o-2024-08-06' AND api_key = ''")" "0" "JSON pages of 2026-11-20 replace the CSV's"

# --- located errors, database unchanged, --skip-bad-rows -------------------------------------
sed '3s/,1.25,usd,/,1.2x5,usd,/' "$OC" >"$T/bad-cost.csv"
sql .dump >"$T/before.sql"
c --as avery import usage "$T/bad-cost.csv"
expect_rc 65 "bad amount"
expect_err "bad-cost.csv:3:75: amount_value '1.2x5' is not a decimal amount" "located error (line 3, column 75)"
expect_err "the database is unchanged" "says nothing was written"
sed 's/,2.0,user-dAU7x,/,2.5,user-dAU7x,/; s/,1000.0,500.0,/,1000.0,5o0.0,/' "$OU" >"$T/bad-usage.csv"
c --as avery import usage --format openai "$T/bad-usage.csv"
expect_rc 65 "bad count"
expect_err "bad-usage.csv:3:[0-9]+: num_model_requests '2.5' is not a whole number" "fractional count located"
printf 'usage_date_utc,model,workspace,api_key,usage_type,token_type,cost_usd\n2026-13-01,Claude Haiku 4.5,Default,k,message,output,0.01\n' >"$T/bad-date.csv"
c --as avery import usage "$T/bad-date.csv"
expect_rc 65 "bad date"
expect_err "bad-date.csv:2:1: usage_date_utc '2026-13-01' is not a date" "bad date located"
sql .dump >"$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql" || fail "database changed by rejected files"
checks=$((checks + 1))
c --as avery import usage --skip-bad-rows "$T/bad-usage.csv"
expect_rc 0 "skip bad rows"
expect_out "3 rows: 2 imported, 1 rejected" "counts"
expect_eq "$(sed -n 2p "$T/bad-usage.csv.rejects.csv" | cut -d, -f1)" "3" "rejects file names the line"

# --- format mismatches and unknown headers -------------------------------------------------------
{ cat "$OC"; printf '\r\n'; } >"$T/openai-cost-copy.csv"
c --as avery import usage --format anthropic "$T/openai-cost-copy.csv"
expect_rc 65 "OpenAI CSV read as Anthropic"
expect_err "openai-cost-copy.csv:1:1: not an Anthropic dashboard CSV export credence knows" "says what it is not"
printf 'date,amount\n2026-11-20,1.00\n' >"$T/other.csv"
c --as avery import usage "$T/other.csv"
expect_rc 65 "unknown CSV"
expect_err "not a format credence knows" "unknown header refused"
: >"$T/empty.csv"
c --as avery import usage --format litellm "$T/empty.csv"
expect_rc 65 "empty file"
expect_err "the file is empty" "empty file named"

c --as grace audit verify
expect_rc 0 "chain intact"
finish
