#!/usr/bin/env bash
# name: formats/duplicate_member_names_rejected
# description: a record with two members of the same name (the key `id`, a legacy field, or deep inside) is
#   rejected as PARSE_ERROR with the JSON Pointer of the second member, into a table and into a file: it
#   never reaches the target, where the key column and the document would disagree; the other records go
#   through. An XML <field> named twice is refused the same way.
# group: e2e
source "$(dirname "$0")/../lib.sh"
cat > ferry.yaml <<'YAML'
collection: wk
key: id
versions:
  new: { detect: { has: [content] } }
  old: { detect: { has: [exercises] } }
migrations:
  - { id: m1, from: old, to: new, steps: [ { rename: { from: exercises, to: content } } ] }
target: new
YAML
cat > in.jsonl <<'J'
{"id":"wk-00000001","exercises":[1],"id":"wk-DUP"}
{"id":"wk-2","content":[2],"exercises":[9],"exercises":[3]}
{"id":"wk-3","content":{"a":{"b":1,"b":2}}}
{"id":"wk-4","exercises":[4]}
{"id":"wk-5","content":[{"x":1},{"x":1,"y":2,"x":3}]}
J
set +e
"$FERRY" run -q --json --state st.db --project . --source in.jsonl --target sqlite:db.sqlite#wk \
  --on-error collect --rejects rej.jsonl > r.json 2> err.txt
rc=$?
set -e
[ "$rc" = 3 ] || fail "expected exit 3 (rejected records), got $rc: $(cat err.txt)"
python3 - <<'PY' || fail "duplicate members reached the table or were not rejected with their pointer"
import json, sqlite3
rows = dict(sqlite3.connect("db.sqlite").execute("SELECT key, document FROM wk"))
assert set(rows) == {"wk-4"}, rows
assert json.loads(rows["wk-4"]) == {"id": "wk-4", "content": [4]}, rows
rej = [json.loads(l) for l in open("rej.jsonl")]
got = sorted((r["record"], r["code"], r["errors"][0]["pointer"]) for r in rej)
assert got == [(1, "PARSE_ERROR", "/id"), (2, "PARSE_ERROR", "/exercises"),
               (3, "PARSE_ERROR", "/content/a/b"), (5, "PARSE_ERROR", "/content/1/x")], got
assert 'duplicate member name "id"' in rej[0]["errors"][0]["message"], rej[0]
PY
# Into a file: the same rejects, nothing duplicated written.
set +e
"$FERRY" run -q --state st.db --project . --source in.jsonl --target out.jsonl --rejects rej2.jsonl > /dev/null 2>&1
set -e
[ "$(wc -l < out.jsonl)" = 1 ] || fail "the file target holds $(wc -l < out.jsonl) records, expected 1"
[ "$(wc -l < rej2.jsonl)" = 4 ] || fail "the file run rejected $(wc -l < rej2.jsonl) records, expected 4"
# XML: a Ferry <field name="..."> given twice in one object.
cat > dup.xml <<'X'
<?xml version="1.0"?>
<records>
<record type="object"><id>a</id><field name="id">b</field><content type="array"/></record>
</records>
X
set +e
"$FERRY" import -q --state st.db --project . --source dup.xml --target x.jsonl --rejects rej3.jsonl > /dev/null 2> err.txt
rc=$?
set -e
[ "$rc" != 0 ] || fail "an XML record with a field named twice was imported"
grep -q 'duplicate member name \\\?"id' err.txt rej3.jsonl 2>/dev/null || fail "no duplicate-name error for XML: $(cat err.txt)"
echo PASS
