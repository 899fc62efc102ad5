#!/usr/bin/env python3
"""Builds the console benchmark's database: 10,000 pools and 5,000,000 usage rollup rows.

Usage: gen_console_db.py DIR POOLS ROWS csv   writes DIR/people.csv and DIR/register.csv,
                                              which the benchmark imports with credence itself
       gen_console_db.py DIR POOLS ROWS       inserts ROWS usage rollups into DIR/console.db
                                              (after init and the imports): what importing
                                              provider exports would leave, over 120 days
Deterministic (fixed seed)."""
import datetime
import random
import sqlite3
import sys

out_dir, npools, nrows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20261124)
providers = [("openai", "proj_{:05d}", "USD"), ("anthropic", "wrkspc_{:05d}", "USD"),
             ("litellm", "team:{:05d}", "USD"), ("focus", "sub-{:05d}", "USD")]
envs = ["production", "production", "production", "staging", "pilot"]
owners = ["dana", "marcus", "priya", "lena", "tomas", "mei"]

if sys.argv[4:] == ["csv"]:
    with open(f"{out_dir}/people.csv", "w") as f:
        f.write("login,name,email,roles,active\n")
        f.write("avery,Avery Chen,avery@bench.example,admin,true\n")
        f.write("dana,Dana Whitfield,dana@bench.example,owner;custodian;auditor,true\n")
        for o in owners[1:]:
            f.write(f"{o},{o.title()} Bench,{o}@bench.example,owner;custodian,true\n")
    with open(f"{out_dir}/register.csv", "w") as f:
        f.write("pool_id,name,provider,account,business_owner,technical_custodian,environment,"
                "grant,unit,period,rollover,rollover_cap_pct,rollover_max_periods,starts_on,"
                "expires_on,review_interval_days,review_threshold_pct,contract_ref,status,"
                "last_review,bindings,scope\n")
        for i in range(npools):
            prov, acct, unit = providers[i % len(providers)]
            kind = {"openai": "api_key", "anthropic": "api_key", "litellm": "api_key",
                    "focus": "subaccount"}[prov]
            key = f"key_{i:05d}" if kind == "api_key" else acct.format(i)
            f.write(f"pool-{i:05d},Bench pool {i},{prov},{acct.format(i)},{owners[i % 6]},"
                    f"{owners[(i + 1) % 6]},{envs[i % 5]},{rng.choice([500, 1000, 5000, 20000])},"
                    f"{unit},monthly,none,,,2026-01-01,,90,,BENCH,active,2026-09-01,"
                    f"{kind}:{key},model:gpt-4o*\n")
    sys.exit(0)

db = sqlite3.connect(f"{out_dir}/console.db")
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=OFF")
cur = db.execute(
    "INSERT INTO import (kind, format, file_name, sha256, source, actor, started_at, finished_at,"
    " rows_read, rows_imported) VALUES ('usage', 'focus', 'bench.csv', 'bench', 'bench', 'avery',"
    " '2026-11-24T00:00:00Z', '2026-11-24T00:00:00Z', ?, ?)", (nrows, nrows))
import_id = cur.lastrowid
models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "text-embedding-3-small"]
end = datetime.date(2026, 11, 24)
days = [(end - datetime.timedelta(days=d)).isoformat() for d in range(120)]
per_pool = nrows // npools


def rows():
    for i in range(npools):
        prov, acct, unit = providers[i % len(providers)]
        key = f"key_{i:05d}" if prov != "focus" else ""
        for k in range(per_pool):
            day = days[k % 120]
            model = models[(k // 120) % len(models)]
            cost = rng.randint(1, 40_000_000)
            yield (import_id, f"bench|{day}", f"pool-{i:05d}", prov, acct.format(i), key, model,
                   day, cost, "USD", cost // 10, 10)


db.executemany(
    "INSERT INTO usage_rollup (import_id, scope_key, pool_id, provider, account, api_key, model,"
    " day, cost_micros, currency, tokens, requests) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows())
db.commit()
db.close()
