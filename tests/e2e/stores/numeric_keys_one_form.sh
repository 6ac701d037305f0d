#!/usr/bin/env bash
# name: stores/numeric_keys_one_form
# description: a number key must be written as an integer: 1.0, 1e0, -0 and 2.5 are rejected (VALIDATION_ERROR
#   at /id) instead of becoming rows of their own beside 1 (in PostgreSQL jsonb even changes 1e0 to 1); integer
#   keys and string keys keep exactly their text, so existing tables stay compatible and a rerun changes nothing;
#   a string "7" and a number 7 are the same key, so the second is a conflict, never a silent second row.
# group: e2e
source "$(dirname "$0")/../lib.sh"
cat > ferry.yaml <<'YAML'
collection: t
key: id
versions:
  v1: { detect: { has: [v] } }
target: v1
YAML
cat > in.jsonl <<'J'
{"id":1,"v":"a"}
{"id":1.0,"v":"b"}
{"id":1e0,"v":"c"}
{"id":-0,"v":"d"}
{"id":2.5,"v":"e"}
{"id":12345678901234567890,"v":"f"}
{"id":"1.0","v":"g"}
{"id":"x","v":"h"}
{"id":-3,"v":"i"}
J
set +e
"$FERRY" run -q --state st.db --project . --source in.jsonl --target sqlite:db.sqlite#t --rejects rej.jsonl \
  --on-error collect > /dev/null 2> err.txt
rc=$?
set -e
[ "$rc" = 3 ] || fail "expected exit 3 (rejected records), got $rc: $(cat err.txt)"
python3 - <<'PY' || fail "numeric keys are not one form per number"
import json, sqlite3
rows = dict(sqlite3.connect("db.sqlite").execute("SELECT key, document FROM t"))
assert set(rows) == {"1", "12345678901234567890", "1.0", "x", "-3"}, sorted(rows)
assert json.loads(rows["1"])["v"] == "a" and json.loads(rows["1.0"])["v"] == "g", rows
rej = [json.loads(l) for l in open("rej.jsonl")]
got = sorted((r["record"], r["code"], r["errors"][0]["pointer"]) for r in rej)
assert got == [(2, "VALIDATION_ERROR", "/id"), (3, "VALIDATION_ERROR", "/id"), (4, "VALIDATION_ERROR", "/id"),
               (5, "VALIDATION_ERROR", "/id")], got
assert "not written as an integer" in rej[0]["errors"][0]["message"], rej[0]
PY
# A rerun of the good records writes nothing new; a string "1" is a conflict with the number 1 (fail: exit 75).
grep -v -e '1.0,' -e '1e0' -e '"id":-0' -e '2.5' in.jsonl > good.jsonl
"$FERRY" run -q --json --state st.db --project . --source good.jsonl --target sqlite:db.sqlite#t > r.json \
  || fail "rerun failed: $(cat r.json)"
[ "$(sqlite3 db.sqlite 'SELECT count(*) FROM t')" = 5 ] || fail "the rerun changed the row count"
echo '{"id":"1","v":"z"}' > str.jsonl
set +e
"$FERRY" run -q --state st.db --project . --source str.jsonl --target sqlite:db.sqlite#t --on-conflict fail \
  > /dev/null 2> err.txt
rc=$?
set -e
[ "$rc" = 75 ] || fail "the string key \"1\" beside the number key 1: expected CONFLICT (75), got $rc: $(cat err.txt)"
[ "$(sqlite3 db.sqlite "SELECT json_extract(document, '\$.v') FROM t WHERE key = '1'")" = a ] \
  || fail "the string key \"1\" replaced the number key 1"
echo PASS
