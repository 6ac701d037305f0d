#!/usr/bin/env bash
# name: stores/sqlite_in_place
# description: a collection migrated in place inside one SQLite table ends with every valid record at
#   the target (equal to a file-to-file run), rejected rows untouched; running again writes nothing and
#   counts every record as already migrated; the table reads back out to a file unchanged.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 5000 --seed 51 --output in.jsonl > /dev/null
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl \
  --rejects expected.rej.jsonl > /dev/null
python3 - <<'PY'
import json, sqlite3
db = sqlite3.connect("data.db")
db.execute("CREATE TABLE workouts (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, updated_at TEXT)")
for i, line in enumerate(open("in.jsonl")):
    doc = json.loads(line)
    key = str(doc.get("id", "row-%d" % i)) if isinstance(doc, dict) else "row-%d" % i
    db.execute("INSERT INTO workouts VALUES (?, NULL, ?, 'before')", (key, line.rstrip("\n")))
db.commit()
PY
"$FERRY" run -q --project "$PROJECT" --source sqlite:data.db#workouts --rejects rej.jsonl --json > first.json
python3 - <<'PY'
import json, sqlite3
r = json.load(open("first.json"))
assert r["in_place"] and r["status"] == "completed", r
expected = {json.loads(l)["id"]: l.rstrip("\n") for l in open("expected.jsonl")}
original = {}
for i, l in enumerate(open("in.jsonl")):
    d = json.loads(l)
    original[str(d.get("id", "row-%d" % i)) if isinstance(d, dict) else "row-%d" % i] = l.rstrip("\n")
rows = {k: (v, d, u) for k, v, d, u in sqlite3.connect("data.db").execute("SELECT * FROM workouts")}
assert len(rows) == len(original)
rejected = set()
for l in open("rej.jsonl"):
    rej = json.loads(l)
    # the reject's key is the document's key field; rows without one are found by document
    rejected.add(str(rej["key"]) if rej["key"] is not None else
                 next(k for k, v in original.items() if json.loads(v) == rej.get("document")))
assert len(rejected) == r["rejected"] > 0
for key, (version, doc, updated) in rows.items():
    if key in rejected:
        assert doc == original[key] and updated == "before", key          # untouched
    elif updated == "before":
        assert doc == original[key] and key in expected, key              # already at target: not rewritten
    else:
        assert version == "unified-1" and doc == expected[key], key
print("in place ok:", r["migrated"], "migrated,", r["already_at_target"], "already,", r["rejected"], "rejected")
PY
"$FERRY" run -q --project "$PROJECT" --source sqlite:data.db#workouts --json > second.json
python3 - <<'PY'
import json
a, b = json.load(open("first.json")), json.load(open("second.json"))
assert b["migrated"] == 0, b
assert b["already_at_target"] == a["migrated"] + a["already_at_target"], (a, b)
assert b["rejected"] == a["rejected"], b
PY
"$FERRY" run -q --project "$PROJECT" --source sqlite:data.db#workouts --target back.jsonl > /dev/null
python3 - <<'PY'
import json
back = sorted(l for l in open("back.jsonl"))
exp = sorted(l for l in open("expected.jsonl"))
assert back == exp, (len(back), len(exp))
PY
echo PASS
