#!/usr/bin/env bash
# name: safety/backup_incremental_restore_prune
# description: a full backup of a table, then an incremental one holding only what changed (added, edited,
#   deleted); restoring the incremental rebuilds the table as it was then, restoring the full one as it was
#   first, and a file restore gives the file's lines back byte for byte; prune keeps exactly what the
#   retention says (the newest N younger than D days, pinned backups, parents of kept incrementals).
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/safety_lib.sh"
"$FERRY" generate workouts --count 3000 --seed 71 --output in.jsonl > /dev/null
load_table in.jsonl data.db workouts
first=$(dump_bytes data.db workouts)
"$FERRY" backup create --json --project "$PROJECT" --source sqlite:data.db#workouts > full.json
sqlite3 data.db "UPDATE workouts SET document = json_set(document, '$.name', 'renamed') WHERE rowid % 10 = 0;
                 DELETE FROM workouts WHERE rowid % 25 = 1;
                 INSERT INTO workouts VALUES ('added-1', NULL, '{\"id\":\"added-1\",\"name\":\"x\"}', 'later')"
second=$(dump_bytes data.db workouts)
"$FERRY" backup create --incremental --json --project "$PROJECT" --source sqlite:data.db#workouts > inc.json
python3 - <<'PY'
import json
f, i = json.load(open("full.json")), json.load(open("inc.json"))
assert f["kind"] == "full" and f["records"] == 3000, f
assert i["kind"] == "incremental" and i["parent"] == f["id"], i
changed, deleted = 300, 120
assert i["records"] == changed + deleted + 1, i   # no row is both (rowid 10k is never 1 mod 25)
assert i["versions"].get("(deleted)") == deleted, i
PY
full=$(python3 -c "import json; print(json.load(open('full.json'))['id'])")
inc=$(python3 -c "import json; print(json.load(open('inc.json'))['id'])")
for t in at_inc at_full; do
  sqlite3 data.db "CREATE TABLE $t (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, updated_at TEXT)"
done
expect_exit 2 "$FERRY" backup restore "$inc" --project "$PROJECT" --target "sqlite:data.db#at_inc" > /dev/null 2>&1
"$FERRY" backup restore "$inc" --yes --project "$PROJECT" --target "sqlite:data.db#at_inc" > /dev/null
"$FERRY" backup restore "$full" --yes --project "$PROJECT" --target "sqlite:data.db#at_full" > /dev/null
[ "$(dump_bytes data.db at_inc)" = "$second" ] || fail "the incremental restore differs from the table it backed up"
[ "$(dump_bytes data.db at_full)" = "$first" ] || fail "the full restore differs from the original table"
# A file store, backed up and restored into a new file: the same bytes.
"$FERRY" backup create --json --project "$PROJECT" --source in.jsonl > file.json
"$FERRY" backup restore "$(python3 -c "import json; print(json.load(open('file.json'))['id'])")" --yes \
  --project "$PROJECT" --target restored.jsonl > /dev/null
cmp in.jsonl restored.jsonl || fail "a file restored from its backup differs"

# Retention: 8 more backups; make some of them old; pin one old one.
for n in 1 2 3 4 5 6 7 8; do
  "$FERRY" backup create --json --project "$PROJECT" --source in.jsonl > "b$n.json"
done
old() { python3 -c "import json; print(json.load(open('$1'))['id'])"; }
python3 - "$(old b1.json)" "$(old b2.json)" "$(old b3.json)" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(".ferry/state.db")
for id, when in zip(sys.argv[1:], ["2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z"]):
    m = json.loads(db.execute("SELECT manifest FROM backups WHERE id = ?", (id,)).fetchone()[0])
    m["created_at"] = when
    db.execute("UPDATE backups SET manifest = ?, created_at = ? WHERE id = ?", (json.dumps(m), when, id))
db.execute("UPDATE backups SET pinned = 1 WHERE id = ?", (sys.argv[2],))
db.commit()
PY
"$FERRY" backup prune --dry-run --json > would.json
"$FERRY" backup list --json > before.json
"$FERRY" backup prune --json > pruned.json
cmp would.json pruned.json || fail "--dry-run and prune disagree"
"$FERRY" backup list --json > after.json
python3 - "$(old b2.json)" "$full" "$inc" <<'PY'
import json, sys
pinned, full, inc = sys.argv[1:]
before = json.load(open("before.json")); after = json.load(open("after.json")); pruned = json.load(open("pruned.json"))
kept = {b["id"] for b in after}
assert pinned in kept, "a pinned backup was pruned"
young = sorted((b for b in before if not b["created_at"].startswith("2026-01")), key=lambda b: (b["created_at"], b["id"]))
newest5 = {b["id"] for b in young[-5:]}
assert newest5 <= kept, (newest5 - kept)
assert kept == newest5 | {pinned}, (sorted(kept), sorted(newest5))
assert set(pruned) == {b["id"] for b in before} - kept, pruned
assert full not in kept and inc not in kept
print("kept", len(kept), "pruned", len(pruned))
PY
