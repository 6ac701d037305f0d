#!/usr/bin/env bash
# name: shaping/run_shapes_records
# description: `ferry run` with record shaping on a JSON Lines fixture: mapping (also across objects), trim,
#   lower, split-list, parse-date, compute, and the filters (--in, --date-range, --tags-any, --where) give
#   exact documents in a JSONL file and an SQLite table; filtered records are counted (input == migrated +
#   already_at_target + rejected + filtered) and an unparseable date is a MIGRATION_ERROR reject at its
#   pointer; a key twice in the source keeps the first (--on-duplicate skip) or the last (overwrite), within
#   a batch and across batches; --errors strict stops (exit 70, nothing published), skip-errors rejects and
#   goes on, lenient keeps a record that fails its source schema but passes the target's; a --shaping JSON
#   template (--shaping) and a saved template (ferry template) do what the flags do; analyze, validate, plan and
#   verify take the same flags and see the records the run saw (verify in sync with them, out of sync without);
#   a malformed flag exits 2 naming the flag.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir schemas
cat > ferry.yaml <<'YAML'
collection: contacts
key: id
versions:
  v1:
    detect: { has: [kind] }
    schema: schemas/v1.json
  v0:
    detect: { has: [id] }
    schema: schemas/v0.json
migrations:
  - id: v0-to-v1
    from: v0
    to: v1
    steps:
      - to_number: n
      - add: { field: kind, value: contact }
target: v1
YAML
echo '{"type":"object","required":["id"],"properties":{"id":{"type":"string"},"n":{"type":"integer"}}}' > schemas/v0.json
echo '{"type":"object","required":["id","kind"],"properties":{"id":{"type":"string"},"n":{"type":"number"}}}' > schemas/v1.json
# 1 kept; 2 status not in the set; 3 before the range; 4 no such date (reject); 5 no tags; 6 n is a string
# (fails the v0 schema, passes v1's after to_number); 7 the key of 1 again.
cat > in.jsonl <<'J'
{"ID":"1","Name":"  Alice ","Email":"ALICE@X.COM","Tags":"vip, eu","Signup":"15/01/2024 10:30","status":"active","n":2}
{"ID":"2","Name":"Bob","Email":"bob@x.com","Tags":"us","Signup":"20/02/2024 08:00","status":"inactive","n":3}
{"ID":"3","Name":"Carol","Email":"c@x.com","Tags":"eu","Signup":"01/12/2023 00:00","status":"active","n":1}
{"ID":"4","Name":"Dan","Email":"d@x.com","Tags":"eu,vip","Signup":"31/02/2024 09:00","status":"active","n":4}
{"ID":"5","Name":"Eve","Email":"e@x.com","Tags":"","Signup":"10/02/2024 12:00","status":"pending","n":5}
{"ID":"6","Name":"Fay","Email":"F@x.com","Tags":"vip","Signup":"10/02/2024 12:00","status":"pending","n":"7"}
{"ID":"1","Name":"Alice Two","Email":"a2@x.com","Tags":"eu","Signup":"16/01/2024 10:30","status":"active","n":9}
J
SHAPE=(--map ID=id --map Name=name --map Email=email --map Tags=tags --map Signup=signup --map status=meta.status
  --trim name --lower email --split-list tags --parse-date 'signup=%d/%m/%Y %H:%M' --compute 'label=upper(name) + "!"'
  --in meta.status=active,pending --date-range signup=2024-01-01..2024-03-01 --tags-any tags=eu,vip
  --where 'email != "blocked@x.com"')
run() { "$FERRY" run -q --project ferry.yaml --source in.jsonl --state "state-$RANDOM.db" "$@"; }

# 1. A JSON Lines target: exact documents, counts, rejects, the summary line.
run --target out.jsonl --rejects rejects.jsonl "${SHAPE[@]}" --report r.json > summary.txt
grep -q "rejected: 2   filtered: 3" summary.txt || fail "summary: $(cat summary.txt)"
python3 - <<'PY'
import json
r = json.load(open("r.json"))
assert (r["input"], r["migrated"], r["already_at_target"], r["rejected"], r["filtered"]) == (7, 2, 0, 2, 3), r
assert r["input"] == r["migrated"] + r["already_at_target"] + r["rejected"] + r["filtered"], r
out = [json.loads(l) for l in open("out.jsonl")]
alice = {"id": "1", "name": "Alice", "email": "alice@x.com", "tags": ["vip", "eu"], "signup": "2024-01-15T10:30:00Z",
         "n": 2, "meta": {"status": "active"}, "label": "ALICE!", "kind": "contact"}
alice2 = {"id": "1", "name": "Alice Two", "email": "a2@x.com", "tags": ["eu"], "signup": "2024-01-16T10:30:00Z",
          "n": 9, "meta": {"status": "active"}, "label": "ALICE TWO!", "kind": "contact"}
assert out == [alice, alice2], out  # a file has no keys: both lines are written
rej = {j["record"]: j for j in map(json.loads, open("rejects.jsonl"))}
assert sorted(rej) == [4, 6], rej
assert rej[4]["code"] == "MIGRATION_ERROR" and rej[4]["errors"][0]["pointer"] == "/signup", rej[4]
assert "no such date 2024-02-31" in rej[4]["errors"][0]["message"], rej[4]
assert rej[4]["document"]["Signup"] == "31/02/2024 09:00", rej[4]  # the record as read
assert rej[6]["code"] == "VALIDATION_ERROR" and rej[6]["errors"][0]["pointer"] == "/n", rej[6]
PY

# 2. The same as a JSON template.
cat > shaping.json <<'J'
{"map": {"ID": "id", "Name": "name", "Email": "email", "Tags": "tags", "Signup": "signup", "status": "meta.status"},
 "transforms": [{"field": "name", "op": "trim"}, {"field": "email", "op": "lower"}, {"field": "tags", "op": "split"},
                {"field": "signup", "op": "date", "arg": "%d/%m/%Y %H:%M"}],
 "compute": {"label": "upper(name) + \"!\""},
 "filters": {"in": [{"field": "meta.status", "values": ["active", "pending"]}],
             "date_range": [{"field": "signup", "from": "2024-01-01", "to": "2024-03-01"}],
             "tags_any": [{"field": "tags", "values": ["eu", "vip"]}], "where": ["email != \"blocked@x.com\""]}}
J
run --target template.jsonl --shaping shaping.json > /dev/null
cmp out.jsonl template.jsonl || fail "the template gave other documents than the flags"

# 2b. The flags kept as a saved template (ferry template, docs/templates.md).
"$FERRY" template save shape --for run --state tpl.db -- "${SHAPE[@]}" > /dev/null
"$FERRY" run -q --project ferry.yaml --source in.jsonl --target saved.jsonl --state tpl.db --template shape > /dev/null
cmp out.jsonl saved.jsonl || fail "the saved template gave other documents than the flags"

# 3. An SQLite table: a key twice in the source, within one batch and across batches.
for batch in 1 50; do
  for dup in skip overwrite; do
    run --target "sqlite:t-$dup-$batch.db#contacts" "${SHAPE[@]}" --on-duplicate $dup --batch-size $batch --report d.json > /dev/null
    python3 - "t-$dup-$batch.db" $dup <<'PY'
import json, sqlite3, sys
db, dup = sys.argv[1], sys.argv[2]
rows = dict(sqlite3.connect(db).execute("SELECT key, document FROM contacts"))
assert list(rows) == ["1"], rows
doc = json.loads(rows["1"])
want = "Alice" if dup == "skip" else "Alice Two"
assert doc["name"] == want and doc["meta"] == {"status": "active"} and doc["kind"] == "contact", (dup, doc)
r = json.load(open("d.json"))
assert r["conflicts"] == 1 and r["migrated"] == 2 and r["filtered"] == 3, r
PY
  done
done

# 3b. analyze, validate, plan and verify see the shaped records.
"$FERRY" analyze -q --json --project ferry.yaml --source in.jsonl "${SHAPE[@]}" > an.json
"$FERRY" validate -q --json --project ferry.yaml --source in.jsonl "${SHAPE[@]}" > va.json || true
"$FERRY" plan -q --json --project ferry.yaml --source in.jsonl "${SHAPE[@]}" > pl.json
python3 - <<'PY'
import json
a, v, p = json.load(open("an.json")), json.load(open("va.json")), json.load(open("pl.json"))
# Dan's date fails in shaping, before detection; Alice, Fay and Alice Two are v0; Fay fails v0's schema.
assert (a["records"], a["filtered"], a["versions"]["v0"]["count"]) == (7, 3, 3), a
assert a["recommendations"][0].startswith("A migration is needed: 4 of 7 records"), a
assert any(r.startswith("3 records (42.86%) are left out by the filters") for r in a["recommendations"]), a
assert a["invalid_by_code"] == {"MIGRATION_ERROR": 1, "VALIDATION_ERROR": 1}, a
assert v["filtered"] == 3 and v["invalid_by_code"] == {"MIGRATION_ERROR": 1, "VALIDATION_ERROR": 1}, v
assert [(x["version"], x["records"]) for x in p["versions"]] == [("v0", 3)], p
PY
"$FERRY" verify -q --json --project ferry.yaml --source in.jsonl --target sqlite:t-skip-50.db#contacts \
  "${SHAPE[@]}" --on-duplicate skip > ve.json
python3 -c 'import json; v=json.load(open("ve.json")); assert v["status"] == "in sync" and v["filtered"] == 3, v'
expect_exit 75 "$FERRY" verify -q --project ferry.yaml --source in.jsonl --target sqlite:t-skip-50.db#contacts > /dev/null
"$FERRY" verify -q --project ferry.yaml --source in.jsonl --target sqlite:t-overwrite-1.db#contacts \
  "${SHAPE[@]}" --on-duplicate overwrite | grep -q "in sync" || fail "verify: the last of a key twice was not expected"

# 4. Error modes.
expect_exit 70 run --target strict.jsonl "${SHAPE[@]}" --errors strict 2> strict.err
grep -q "MIGRATION_ERROR: record 4 (key 4) rejected at /signup" strict.err || fail "strict: $(cat strict.err)"
[ ! -e strict.jsonl ] || fail "strict published its output"
run --target skip.jsonl "${SHAPE[@]}" --errors skip-errors --report skip.json > /dev/null
run --target lenient.jsonl "${SHAPE[@]}" --errors lenient --report lenient.json > /dev/null
python3 - <<'PY'
import json
s, l = json.load(open("skip.json")), json.load(open("lenient.json"))
assert (s["migrated"], s["rejected"], s["filtered"]) == (2, 2, 3), s
assert (l["migrated"], l["rejected"], l["filtered"]) == (3, 1, 3), l
assert l["rejects_by_code"] == {"MIGRATION_ERROR": 1}, l
fay = [json.loads(x) for x in open("lenient.jsonl")][1]
assert fay == {"id": "6", "name": "Fay", "email": "f@x.com", "tags": ["vip"], "signup": "2024-02-10T12:00:00Z", "n": 7,
               "meta": {"status": "pending"}, "label": "FAY!", "kind": "contact"}, fay
PY

# 5. Malformed flags.
expect_exit 2 run --target x.jsonl --parse-date signup 2> bad.err
grep -q "INVALID_ARGUMENT: --parse-date signup: expected FIELD=FORMAT" bad.err || fail "$(cat bad.err)"
expect_exit 2 run --target x.jsonl --errors loose 2> bad.err
grep -q "use strict, lenient or skip-errors" bad.err || fail "$(cat bad.err)"
[ ! -e x.jsonl ] || fail "a bad flag wrote output"
echo "shaping ok"
