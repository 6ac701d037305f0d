#!/usr/bin/env bash
# name: shaping/filters_select_on_migrated_record
# description: on mixed-version workouts (legacy `created_at`, unified-1 `createdAt` and `type`), the filters
#   select on the record migrated to the target version by default: `--date-range createdAt=...` and
#   `--where 'type == ...'` keep exactly the records whose migrated value matches, legacy ones included,
#   with input == migrated + already_at_target + rejected + filtered; `--filter-on source` (flag or the
#   template's "filter_on") selects on the record as read, as before (only unified-1 records have those
#   fields); analyze, plan and verify with the same flags count the same records as filtered; a filter that
#   cannot be checked on the migrated record is a MIGRATION_ERROR reject that says on which record.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 300 --seed 13 --scenario mixed --output in.jsonl > /dev/null
run() { "$FERRY" run -q --project "$PROJECT" --source in.jsonl --on-error skip --state "state-$RANDOM.db" "$@"; }
run --target all.jsonl --report all.json > /dev/null
DATES=(--date-range createdAt=2020-01-01..2023-01-01)
run --target dates.jsonl "${DATES[@]}" --report dates.json > /dev/null
run --target dates-src.jsonl "${DATES[@]}" --filter-on source --report dates-src.json > /dev/null
WHERE=(--where 'type == "strength"')
run --target where.jsonl "${WHERE[@]}" --report where.json > /dev/null
echo '{"filters": {"where": ["type == \"strength\""]}, "filter_on": "source"}' > source.json
run --target where-src.jsonl --shaping source.json --report where-src.json > /dev/null
python3 - <<'PY'
import json
from datetime import datetime, timezone
def docs(name): return [json.loads(l) for l in open(name)]
def report(name): return json.load(open(name))
def instant(s): return datetime.fromisoformat(s.replace("Z", "+00:00"))
lo, hi = datetime(2020, 1, 1, tzinfo=timezone.utc), datetime(2023, 1, 1, tzinfo=timezone.utc)
source = {d["id"]: d for d in docs("in.jsonl") if isinstance(d, dict) and "id" in d}
migrated = docs("all.jsonl")
legacy = lambda i: "schemaVersion" not in source[i]
def check_counts(r):
    assert r["input"] == r["migrated"] + r["already_at_target"] + r["rejected"] + r["filtered"], r
    assert sum(v["count"] for v in r["versions"].values()) == r["input"] - r["filtered"] - r["rejected"] + \
        sum(v["rejected"] for v in r["versions"].values()), r
def ids(name): return [d["id"] for d in docs(name)]

# Target (default): a legacy record is kept when its migrated createdAt is in range.
want = [d["id"] for d in migrated if lo <= instant(d["createdAt"]) < hi]
got, r = ids("dates.jsonl"), report("dates.json")
assert got == want and any(legacy(i) for i in got), (got, want)
assert len(got) == r["migrated"] + r["already_at_target"], r
check_counts(r)
all_r = report("all.json")
assert r["rejected"] <= all_r["rejected"] and r["filtered"] > 0, (r, all_r)

want = [d["id"] for d in migrated if d["type"] == "strength"]
got, r = ids("where.jsonl"), report("where.json")
assert got == want and any(legacy(i) for i in got) and len(got) > 0, (got, want)
check_counts(r)
assert r["versions"]["strength"]["count"] == r["versions"]["strength"]["migrated"] > 0, r
assert all(v["count"] == v["rejected"] for k, v in r["versions"].items() if k not in ("strength", "unified-1")), r

# Source: only records that had the field as read (unified-1) can pass.
def src_date_ok(d):
    return "createdAt" in d and lo <= instant(d["createdAt"]) < hi
want = [d["id"] for d in migrated if src_date_ok(source[d["id"]])]
got, r = ids("dates-src.jsonl"), report("dates-src.json")
assert got == want and not any(legacy(i) for i in got), (got, want)
check_counts(r)
want = [d["id"] for d in migrated if source[d["id"]].get("type") == "strength"]
got, r = ids("where-src.jsonl"), report("where-src.json")
assert got == want and not any(legacy(i) for i in got), (got, want)
assert r["migrated"] == 0, r
check_counts(r)
PY

# analyze, plan and verify see what the run saw.
"$FERRY" analyze -q --json --project "$PROJECT" --source in.jsonl "${DATES[@]}" > an.json
"$FERRY" plan -q --json --project "$PROJECT" --source in.jsonl "${DATES[@]}" > pl.json || true
"$FERRY" analyze -q --json --project "$PROJECT" --source in.jsonl "${DATES[@]}" --filter-on source > an-src.json
python3 - <<'PY'
import json
a, p, r = json.load(open("an.json")), json.load(open("pl.json")), json.load(open("dates.json"))
a_src, r_src = json.load(open("an-src.json")), json.load(open("dates-src.json"))
assert a["filtered"] == r["filtered"] and a_src["filtered"] == r_src["filtered"] != r["filtered"], (a, r, a_src, r_src)
counts = {k: v["count"] for k, v in a["versions"].items()}
assert {k: v["count"] for k, v in r["versions"].items()} == counts, (r, a)
assert {x["version"]: x["records"] for x in p["versions"]} == counts, (p, a)
PY
"$FERRY" verify -q --json --project "$PROJECT" --source in.jsonl --target dates.jsonl "${DATES[@]}" > ve.json || true
python3 -c 'import json; v=json.load(open("ve.json")); r=json.load(open("dates.json")); assert v["status"] == "in sync" and v["filtered"] == r["filtered"], v'
# A filter that cannot be checked on the migrated record is a reject that says so.
run --target bad.jsonl --date-range name=2020-01-01.. --rejects bad-rejects.jsonl > /dev/null
grep -q 'date range on \\"name\\".*on the record at the target version; --filter-on source' bad-rejects.jsonl ||
  fail "reject message: $(head -c 600 bad-rejects.jsonl)"
expect_exit 2 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target x.jsonl --where 'true' --filter-on both
echo OK
