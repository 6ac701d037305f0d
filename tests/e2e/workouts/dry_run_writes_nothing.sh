#!/usr/bin/env bash
# name: workouts/dry_run_writes_nothing
# description: a dry run leaves every file byte-identical (no output, no rejects, no temp file) and
#   reports what would change: counts per version and path, fields added/removed/converted, rejects by code.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir data
"$FERRY" generate workouts --count 3000 --seed 3 --output data/in.jsonl > /dev/null
echo '{"keep": "me"}' > data/other.json
before=$(snapshot .)
"$FERRY" run -q --project "$PROJECT" --source data/in.jsonl --target data/out.jsonl --rejects data/rej.jsonl \
  --dry-run --json > ../dry-$$.json
after=$(snapshot .)
[ "$before" = "$after" ] || fail "dry run changed files: $(diff <(echo "$before") <(echo "$after"))"
python3 - ../dry-$$.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["dry_run"] is True
assert r["input"] == 3000 and r["input"] == r["migrated"] + r["already_at_target"] + r["rejected"] + r["filtered"], r
assert r["versions"]["strength"]["path"] == ["strength-to-unified-1"], r["versions"]
assert r["changes"]["fields_added"].get("/content/blocks/*/kind", 0) > 0, r["changes"]
assert r["changes"]["fields_removed"].get("/created_at", 0) > 0, r["changes"]
assert r["changes"]["fields_added"].get("/schemaVersion", 0) == r["migrated"], r["changes"]
if r["rejected"]:
    assert sum(r["rejects_by_code"].values()) == r["rejected"]
PY
rm -f ../dry-$$.json
# Human output says so too.
"$FERRY" run -q --project "$PROJECT" --source data/in.jsonl --dry-run | grep -q "Nothing was written (dry run)" \
  || fail "dry run summary missing"
[ "$before" = "$(snapshot .)" ] || fail "second dry run changed files"
echo PASS
