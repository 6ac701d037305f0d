#!/usr/bin/env bash
# name: stores/verify_reports_sync_status
# description: `ferry verify` says "in sync" after a run (file and SQLite targets, and a table migrated
#   in place), and names the missing, different, extra and duplicated keys once the target is tampered
#   with (exit 75). In place (no --target) it checks the table against the journals of the runs that wrote
#   it, not only against itself: rows deleted or changed after an in-place run (migrated ones and ones that
#   were already at the target) are out of sync, as a dump of the table compared with the expected
#   documents (the file run's output, and the rejected records as they were) says independently; with a
#   state holding only the in-place run, a lost row it did not write is still counted.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 3000 --seed 61 --output in.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target out.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target sqlite:out.db > /dev/null
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target out.jsonl | grep -q "Sync status: in sync" \
  || fail "file target not in sync"
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target sqlite:out.db | grep -q "Sync status: in sync" \
  || fail "SQLite target not in sync"
# In place: legacy documents imported as they are, then migrated in place.
"$FERRY" import -q --project "$PROJECT" --source in.jsonl --target sqlite:inplace.db --as-is > /dev/null
cp inplace.db inplace-other.db
sqlite3 -json inplace.db "SELECT key, document FROM workouts" > imported.json
"$FERRY" run -q --project "$PROJECT" --source sqlite:inplace.db > /dev/null
"$FERRY" run -q --project "$PROJECT" --source sqlite:inplace-other.db --state other.db > /dev/null
# The oracle, without Ferry's verify: what the table must hold (each imported row as out.jsonl, the file
# run's output, has it), and the keys the damage below must make missing or different.
python3 - <<'PY'
import json, sqlite3
canon = lambda d: json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
source = {r["key"]: json.loads(r["document"]) for r in json.load(open("imported.json"))}
migrated_by_run = {d["id"]: canon(d) for d in map(json.loads, open("out.jsonl", encoding="utf-8"))}
assert len(source) > 2900 and set(source) <= set(migrated_by_run), len(source)
want = {k: migrated_by_run[k] for k in source}
def dump(db):
    return {k: canon(json.loads(d)) for k, d in sqlite3.connect(db).execute("SELECT key, document FROM workouts")}
for db in ("inplace.db", "inplace-other.db"):
    assert dump(db) == want, db + " does not hold what the file run migrated"
migrated = sorted(k for k in want if canon(source[k]) != want[k])
unchanged = sorted(k for k in want if canon(source[k]) == want[k])
assert len(migrated) > 100 and len(unchanged) > 100, (len(migrated), len(unchanged))
json.dump({"want": want, "lose": [migrated[0], unchanged[0]], "change": [migrated[1], unchanged[1]]},
          open("oracle.json", "w"))
PY
"$FERRY" verify -q --json --project "$PROJECT" --source sqlite:inplace.db > v0.json || fail "in place not in sync: $(cat v0.json)"
# Damage the table behind Ferry's back: two rows lost, two changed (still valid, at the target version).
python3 - inplace.db inplace-other.db <<'PY'
import json, sqlite3, sys
o = json.load(open("oracle.json"))
for db in sys.argv[1:]:
    c = sqlite3.connect(db)
    for k in o["lose"]:
        assert c.execute("DELETE FROM workouts WHERE key = ?", (k,)).rowcount == 1
    for k in o["change"]:
        assert c.execute("UPDATE workouts SET document = json_set(document, '$.name', 'changed') WHERE key = ?",
                         (k,)).rowcount == 1
    c.commit()
PY
expect_exit 75 "$FERRY" verify -q --json --project "$PROJECT" --source sqlite:inplace.db > v1.json
expect_exit 75 "$FERRY" verify -q --json --project "$PROJECT" --source sqlite:inplace-other.db --state other.db > v2.json
python3 - <<'PY'
import json, sqlite3
canon = lambda d: json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
o = json.load(open("oracle.json"))
have = {k: canon(json.loads(d)) for k, d in sqlite3.connect("inplace.db").execute("SELECT key, document FROM workouts")}
missing = sorted(set(o["want"]) - set(have))
different = sorted(k for k in have if k in o["want"] and have[k] != o["want"][k])
assert missing == sorted(o["lose"]) and different == sorted(o["change"]), (missing, different)
v = json.load(open("v1.json"))
assert v["status"] == "out of sync", v
assert (v["missing"], v["different"], v["extra"]) == (2, 2, 0), v
assert v["missing_keys"] == missing and sorted(v["different_keys"]) == different, (v, missing, different)
assert "journals of 2 run(s)" in v["checked_against"], v["checked_against"]
# The other state knows only the in-place run: its journal names the rows it migrated; the row it left
# as it was is gone all the same (the table holds one row fewer than that run read).
v = json.load(open("v2.json"))
assert v["status"] == "out of sync", v
lost_migrated, lost_unchanged = o["lose"]
assert v["missing"] == 2 and v["missing_keys"] == [lost_migrated], v
assert o["change"][0] in v["different_keys"], v
print("in place:", v["checked_against"])
PY
# Tampering.
keys=$(head -3 out.jsonl | python3 -c "import json,sys; print(' '.join(json.loads(l)['id'] for l in sys.stdin))")
set -- $keys
sed -n '2,$p' out.jsonl > tampered.jsonl                               # first key missing
sed -n '3p' out.jsonl >> tampered.jsonl                                # third key twice
echo '{"id":"not-in-source","x":1}' >> tampered.jsonl                  # extra
python3 - "$2" <<'PY'
import json, sys
lines = open("tampered.jsonl").read().splitlines()
out = []
for l in lines:
    d = json.loads(l)
    if d["id"] == sys.argv[1]:
        d["name"] = "changed"
    out.append(json.dumps(d))
open("tampered.jsonl", "w").write("\n".join(out) + "\n")
PY
expect_exit 75 "$FERRY" verify -q --json --project "$PROJECT" --source in.jsonl --target tampered.jsonl > v.json
python3 - "$1" "$2" "$3" <<'PY'
import json, sys
v = json.load(open("v.json"))
assert v["status"] == "out of sync", v
assert v["missing_keys"] == [sys.argv[1]], v
assert v["different_keys"] == [sys.argv[2]], v
assert v["duplicate_keys"] == [sys.argv[3]], v
assert v["extra_keys"] == ["not-in-source"], v
PY
echo PASS
