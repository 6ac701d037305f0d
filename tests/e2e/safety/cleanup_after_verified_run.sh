#!/usr/bin/env bash
# name: safety/cleanup_after_verified_run
# description: `ferry cleanup` removes the legacy source of a store-to-store run only when the target is
#   verified in sync and holds every record: it refuses (changing nothing) with rejected records or a target
#   that drifted, and otherwise keeps the source in a pinned backup first, from which it restores byte for
#   byte; prune never removes that backup.
# group: e2e
source "$(dirname "$0")/../lib.sh"
# Rejected records exist only in the source: refused.
"$FERRY" generate workouts --scenario mixed --count 1000 --seed 81 --output mixed.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source mixed.jsonl --target "sqlite:m.db#workouts" > /dev/null
expect_exit 75 "$FERRY" cleanup --yes --project "$PROJECT" --source mixed.jsonl --target "sqlite:m.db#workouts" > out.txt 2>&1
grep -q "rejected by the migration and exist only there" out.txt || fail "$(cat out.txt)"
[ -s mixed.jsonl ] || fail "the source was removed"

# All valid: the target drifted -> refused; repaired -> cleaned up.
"$FERRY" generate workouts --scenario all-valid --count 1000 --seed 82 --output legacy.jsonl > /dev/null
sha=$(sha256sum < legacy.jsonl)
"$FERRY" run -q --project "$PROJECT" --source legacy.jsonl --target "sqlite:t.db#workouts" > /dev/null
sqlite3 t.db "UPDATE workouts SET document = json_set(document, '$.name', 'drift') WHERE rowid = 7"
expect_exit 75 "$FERRY" cleanup --yes --project "$PROJECT" --source legacy.jsonl --target "sqlite:t.db#workouts" > out.txt 2>&1
grep -q "is not in sync" out.txt || fail "$(cat out.txt)"
"$FERRY" run -q --project "$PROJECT" --source legacy.jsonl --target "sqlite:t.db#workouts" --on-conflict overwrite > /dev/null
expect_exit 2 "$FERRY" cleanup --project "$PROJECT" --source legacy.jsonl --target "sqlite:t.db#workouts" > /dev/null 2>&1
"$FERRY" cleanup --dry-run --project "$PROJECT" --source legacy.jsonl --target "sqlite:t.db#workouts" > dry.txt
[ -s legacy.jsonl ] || fail "--dry-run removed the source"
"$FERRY" cleanup --yes --json --project "$PROJECT" --source legacy.jsonl --target "sqlite:t.db#workouts" > clean.json
[ ! -e legacy.jsonl ] || fail "the legacy file is still there"
id=$(python3 -c "import json; r = json.load(open('clean.json')); assert r['removed'] == 1000, r; print(r['backup'])")
"$FERRY" backup prune --keep 0 --max-age-days 0 > /dev/null
"$FERRY" backup list --json | python3 -c "
import json, sys; b = [x for x in json.load(sys.stdin) if x['id'] == '$id']
assert b and b[0]['pinned'], b"
"$FERRY" backup restore "$id" --yes --project "$PROJECT" --target legacy.jsonl > /dev/null
[ "$(sha256sum < legacy.jsonl)" = "$sha" ] || fail "the restored legacy file differs"

# A table source: its rows are removed after the backup.
sqlite3 src.db "CREATE TABLE workouts (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, updated_at TEXT)"
python3 - <<'PY'
import json, sqlite3
db = sqlite3.connect("src.db")
for l in open("legacy.jsonl"):
    db.execute("INSERT INTO workouts VALUES (?, NULL, ?, 'x')", (json.loads(l)["id"], l.rstrip("\n")))
db.commit()
PY
"$FERRY" run -q --project "$PROJECT" --source "sqlite:src.db#workouts" --target "sqlite:t2.db#workouts" > /dev/null
"$FERRY" cleanup --yes --project "$PROJECT" --source "sqlite:src.db#workouts" --target "sqlite:t2.db#workouts" > /dev/null
[ "$(sqlite3 src.db "SELECT count(*) FROM workouts")" = 0 ] || fail "the legacy rows are still there"
