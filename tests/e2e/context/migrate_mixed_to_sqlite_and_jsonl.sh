#!/usr/bin/env bash
# name: context/migrate_mixed_to_sqlite_and_jsonl
# description: the context-store example on generated mixed data (seed 1, 3000 records): analyze counts each
#   version, plan finds the lossless context-1 path and no blockers, run into JSON Lines and into SQLite
#   migrates every context-1 record, leaves every context-2 record as it is and rejects nothing; the output
#   is exactly the current-shape data of the same seed (also from all-legacy data); a few records checked
#   field by field; verify reports the table in sync; a second run finds everything at the target.
# group: e2e
source "$(dirname "$0")/../lib.sh"
P=$FERRY_SOURCE_DIR/examples/context-store
"$FERRY" generate context --count 3000 --seed 1 --shape mixed --output mixed.jsonl --json > gen.json
"$FERRY" generate context --count 3000 --seed 1 --shape current --output current.jsonl > /dev/null
python3 - <<'PY'
import json
g = json.load(open("gen.json"))
assert g == {"records": 3000, "bytes": g["bytes"], "current": 2105, "legacy": 895}, g
PY

"$FERRY" analyze -q --json --project "$P" --source mixed.jsonl > analyze.json
python3 - <<'PY'
import json
a = json.load(open("analyze.json"))
assert a["records"] == 3000, a
assert {k: (v["count"], v["invalid"]) for k, v in a["versions"].items()} == {"context-2": (2105, 0), "context-1": (895, 0)}, a["versions"]
assert a["already_at_target"] == 2105 and a["migration_needed"] is True, a
assert not a.get("invalid_by_code"), a["invalid_by_code"]
PY

"$FERRY" plan -q --json --project "$P" --source mixed.jsonl > plan.json
python3 - <<'PY'
import json
p = json.load(open("plan.json"))
assert p["blockers"] == [], p["blockers"]
v = {x["version"]: x for x in p["versions"]}
assert v["context-2"]["path"] == [] and v["context-2"]["records"] == 2105, v
assert [s["migration"] for s in v["context-1"]["path"]] == ["context-1-to-2"], v
assert v["context-1"]["lossy"] is False and v["context-1"]["records"] == 895, v
PY

# Into JSON Lines: exactly the current-shape file of the same seed.
"$FERRY" run -q --json --project "$P" --source mixed.jsonl --target out.jsonl --rejects rej.jsonl > run1.json
python3 - <<'PY'
import json
r = json.load(open("run1.json"))
assert r["status"] == "completed", r
assert (r["input"], r["migrated"], r["already_at_target"], r["rejected"]) == (3000, 895, 2105, 0), r
assert r["versions"]["context-1"]["migrated"] == 895 and r["versions"]["context-2"]["count"] == 2105, r
PY
cmp out.jsonl current.jsonl || fail "the migrated JSON Lines differ from the current-shape data"
[ ! -s rej.jsonl ] || fail "records were rejected: $(head -3 rej.jsonl)"

# Into SQLite.
"$FERRY" run -q --json --project "$P" --source mixed.jsonl --target "sqlite:ctx.db#contexts" > run2.json
python3 - <<'PY'
import json, sqlite3
r = json.load(open("run2.json"))
assert r["status"] == "completed", r
assert (r["input"], r["migrated"], r["already_at_target"], r["rejected"]) == (3000, 895, 2105, 0), r
rows = dict(sqlite3.connect("ctx.db").execute("SELECT key, document FROM contexts"))
assert len(rows) == 3000, len(rows)
want = {}
for line in open("current.jsonl", encoding="utf-8"):
    want[json.loads(line)["id"]] = json.loads(line)
for key, doc in rows.items():
    assert json.loads(doc) == want[key], key
mixed = [json.loads(l) for l in open("mixed.jsonl", encoding="utf-8")]
# A few records field by field.
d = {k: json.loads(v) for k, v in rows.items()}
assert "created_at" in mixed[5] and "createdAt" in mixed[0], (mixed[5], mixed[0])
r6 = d["ctx-000006"]  # context-1 in the source: tags "meeting,release,architecture"
assert list(r6) == ["id", "title", "content", "type", "tags", "createdAt", "sessionId", "metadata"], list(r6)
assert r6["title"] == "Café réunion, déjà vu", r6
assert r6["content"] == "한국어 메모: 회의는 3시\t- starts like a YAML list", r6
assert r6["type"] == "snippet" and r6["tags"] == ["meeting", "release", "architecture"], r6
assert r6["createdAt"] == "2023-07-05T23:22:33Z" and r6["sessionId"] == "sess-2", r6
assert r6["metadata"] == {"importance": 2, "source": "api"}, r6
r8 = d["ctx-000008"]  # context-1 with no tags ("") and trailing spaces in the content
assert r8["tags"] == [] and r8["content"] == "Emoji only: 😀😃😄  ", r8
assert r8["metadata"] == {"importance": 3, "source": "import"} and r8["sessionId"] == "sess-6", r8
r2 = d["ctx-000002"]  # context-2 in the source, left as it was: CRLF, non-BMP, leading spaces
assert r2 == mixed[1], r2
assert r2["content"] == "  Math: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝑥² + 𝑦² = 𝑧²\r\n数据迁移必须可回滚，不能丢失记录。", r2
assert r2["tags"] == ["research", "ux", "customer", "urgent", "meeting"], r2
r60 = d["ctx-000060"]  # an empty content survives
assert r60["content"] == "" and r60["tags"] == ["deploy", "database"], r60
sessions = {v["sessionId"] for v in d.values()}
assert len(sessions) == 40, len(sessions)
print("checked", len(rows), "rows")
PY

# The sync status of the SQLite table against the source.
"$FERRY" verify -q --json --project "$P" --source mixed.jsonl --target "sqlite:ctx.db#contexts" > verify.json \
  || fail "verify: $(cat verify.json)"
python3 -c "
import json; v = json.load(open('verify.json'))
assert v['status'] == 'in sync' and v['in_sync'] == 3000 and v['missing'] == 0 and v['different'] == 0, v"

# All-legacy data of the same seed migrates to exactly the current-shape data.
"$FERRY" generate context --count 3000 --seed 1 --shape legacy --output legacy.jsonl > /dev/null
"$FERRY" run -q --json --project "$P" --source legacy.jsonl --target from-legacy.jsonl > run4.json
python3 -c "
import json; r = json.load(open('run4.json'))
assert (r['input'], r['migrated'], r['already_at_target'], r['rejected']) == (3000, 3000, 0, 0), r"
cmp from-legacy.jsonl current.jsonl || fail "migrated legacy data differ from the current-shape data"

# A second run over the output finds every record at the target and copies it unchanged.
"$FERRY" run -q --json --project "$P" --source out.jsonl --target again.jsonl > run3.json
python3 -c "
import json; r = json.load(open('run3.json'))
assert (r['input'], r['migrated'], r['already_at_target'], r['rejected']) == (3000, 0, 3000, 0), r"
cmp out.jsonl again.jsonl || fail "a second run changed the records"
echo PASS
