#!/usr/bin/env python3
"""Deterministic FOCUS 1.2 file for the import benchmark: N rows (default 1,000,000) of about 25
columns with a quoted Tags JSON object, ~575 bytes a row. Part of the sub-accounts are bound by
bench/register.csv. Usage: gen_focus.py OUT.csv [ROWS]"""
import random
import sys

COLS = ["BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodStart",
        "BillingPeriodEnd", "ChargeCategory", "ChargeClass", "ChargeDescription",
        "ChargeFrequency", "ChargePeriodStart", "ChargePeriodEnd", "BilledCost", "EffectiveCost",
        "ListCost", "ContractedCost", "ConsumedQuantity", "ConsumedUnit", "PricingCategory",
        "ProviderName", "PublisherName", "ServiceName", "ServiceCategory", "SubAccountId",
        "SubAccountName", "Tags", "x_Model", "x_ApiKeyId"]
MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "claude-opus-4-1", "gemini-2.5-pro",
          "text-embedding-3-small", "amazon.nova-lite-v1:0"]


def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    rnd = random.Random(42)
    with open(out, "w", newline="") as f:
        f.write(",".join(COLS) + "\n")
        for i in range(n):
            day = 1 + i % 28
            sub = "sub-%04d" % (i % 2000)
            cost = rnd.randint(1, 5_000_000) / 10_000
            model = MODELS[(i % 2000) % len(MODELS)]  # each sub-account runs one model
            tags = ('"{""app"":""app-%d"",""team"":""team-%d"",""spiffe_id"":""spiffe://bench.example/ns/'
                    'n%d/sa/workload-%d"",""env"":""production""}"' % (i % 2000 % 300, i % 2000 % 40, i % 2000 % 20, i % 2000))
            row = ["payer-0001", "Bench Payer", "USD", "2026-11-01T00:00:00Z",
                   "2026-12-01T00:00:00Z", "Usage", "", "Inference tokens %s" % model, "Usage-Based",
                   "2026-11-%02dT00:00:00Z" % day, "2026-11-%02dT01:00:00Z" % day,
                   "%.4f" % cost, "%.4f" % cost, "%.4f" % (cost * 1.1), "%.4f" % cost,
                   str(rnd.randint(1000, 900000)), "Tokens", "Standard", "Bench Cloud",
                   "Bench Cloud", "Bench AI Service", "AI and Machine Learning", sub,
                   "Sub account %d" % (i % 2000), tags, model, "key-%05d" % (i % 2000)]
            f.write(",".join(row) + "\n")


if __name__ == "__main__":
    main()
