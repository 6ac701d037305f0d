#!/usr/bin/env bash
# name: local_storage/into_postgres
# description: the local-storage example end to end against a real PostgreSQL: analyze says a migration
#   is needed (items, bytes, preset), the run loads every valid item into a jsonb table and rejects
#   exactly the generator's expected rejects, and the verification step reports "in sync"; a tampered
#   row then shows as different, a deleted one as missing, with their keys.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
LS=$FERRY_SOURCE_DIR/examples/local-storage-to-postgres
db=$(pg_database local_storage)
target="$db?table=items"
"$FERRY" generate local-storage --count 20000 --seed 7 --output items.jsonl --expect-rejects expected.rej > /dev/null
"$FERRY" analyze -q --project "$LS" --source items.jsonl > analyze.txt
grep -q "A migration is needed: 20,000 of 20,000 records" analyze.txt || fail "analyze: $(cat analyze.txt)"
grep -q "Recommended preset: recommended" analyze.txt || fail "analyze gives no preset: $(cat analyze.txt)"
"$FERRY" run -q --project "$LS" --source items.jsonl --target "$target" --rejects rejects.jsonl --json > run.json
"$FERRY" verify --project "$LS" --source items.jsonl --target "$target" > verify.txt || fail "$(cat verify.txt)"
grep -q "Sync status: in sync" verify.txt || fail "$(cat verify.txt)"
python3 - <<'PY'
import json
r = json.load(open("run.json"))
assert r["status"] == "completed" and r["input"] == 20000, r
exp = [json.loads(l) for l in open("expected.rej")]
rej = [json.loads(l) for l in open("rejects.jsonl")]
assert sorted(e["record"] for e in exp) == sorted(x["record"] for x in rej), (len(exp), len(rej))
assert r["migrated"] == 20000 - len(exp), r
PY
rows=$(psql "$db" -XAt -c "SELECT count(*) FROM items WHERE version = 'item-1' AND jsonb_typeof(document) = 'object'")
[ "$rows" = "$(python3 -c "import json; print(json.load(open('run.json'))['migrated'])")" ] || fail "rows: $rows"
# Drift: one row changed, one deleted.
read -r changed deleted <<< "$(psql "$db" -XAt -F ' ' -c "SELECT min(key), max(key) FROM items")"
psql "$db" -Xq -c "UPDATE items SET document = document || '{\"bytes\": -1}' WHERE key = '$changed'" \
  -c "DELETE FROM items WHERE key = '$deleted'"
expect_exit 75 "$FERRY" verify -q --project "$LS" --source items.jsonl --target "$target" > drift.txt
grep -q "Sync status: out of sync" drift.txt || fail "$(cat drift.txt)"
grep -q "missing: $deleted" drift.txt || fail "missing key not named: $(cat drift.txt)"
grep -q "different: $changed" drift.txt || fail "different key not named: $(cat drift.txt)"
echo PASS
