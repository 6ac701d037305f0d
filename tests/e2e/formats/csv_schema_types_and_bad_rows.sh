#!/usr/bin/env bash
# name: formats/csv_schema_types_and_bad_rows
# description: a foreign CSV imports into SQLite with the types its version's JSON Schema gives (types=schema,
#   the default): zip codes keep their leading zeros, numeric-looking ids become strings, quoted integers become
#   integers, "true" becomes true, an empty field becomes "" or null as the schema allows; types=infer and
#   types=strings keep the old readings (and the schema rejects them). Malformed CSV rows (a stray quote, a
#   character after a closing quote, too many fields) are PARSE_ERROR rejects with their line and raw text and
#   the rest imports; --errors strict stops at the first; an unterminated quote still fails the run.
# group: e2e
source "$(dirname "$0")/../lib.sh"
cat > people.yaml <<'YAML'
collection: people
key: id
versions:
  v1:
    detect: { has: [id] }
    schema: v1.json
target: v1
YAML
cat > v1.json <<'JSON'
{"type": "object", "required": ["id", "zip", "count"],
 "definitions": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
 "properties": {
   "id": {"type": "string"}, "zip": {"$ref": "#/definitions/zip"}, "count": {"type": "integer"},
   "score": {"type": "number"}, "active": {"type": "boolean"}, "note": {"type": ["string", "null"]},
   "code": {"type": "string"}, "level": {"type": ["integer", "null"]},
   "tags": {"type": "array", "items": {"type": "string"}},
   "addr": {"type": "object", "properties": {"zip": {"type": "string"}}}}}
JSON
cat > foreign.csv <<'CSV'
id,zip,count,score,active,note,code,level,tags,addr.zip
00042,02134,"7",1.50,"true",,,"","[1,""a""]",01001
1001,12345,8,-2e3,false,"",X,3,[],99999
1002,90210,"-3",0,true,n,"",,[],10001
CSV
"$FERRY" import -q --json --state st.db --project people.yaml --source foreign.csv --target sqlite:db.sqlite#people \
  --rejects rej.jsonl > r.json
python3 -c 'import json; r=json.load(open("r.json")); assert r["already_at_target"] == 3 and r["rejected"] == 0, r'
python3 - <<'PY' || fail "the imported documents are not the schema-typed ones"
import sqlite3, sys
got = [d for (d,) in sqlite3.connect("db.sqlite").execute('SELECT document FROM people ORDER BY key')]
want = [
    '{"id":"00042","zip":"02134","count":7,"score":1.50,"active":true,"note":null,"code":"","level":null,"tags":["1","a"],"addr":{"zip":"01001"}}',
    '{"id":"1001","zip":"12345","count":8,"score":-2e3,"active":false,"note":"","code":"X","level":3,"tags":[],"addr":{"zip":"99999"}}',
    '{"id":"1002","zip":"90210","count":-3,"score":0,"active":true,"note":"n","code":"","level":null,"tags":[],"addr":{"zip":"10001"}}',
]
for g, w in zip(got, want):
    if g != w: print("got  " + g + "\nwant " + w, file=sys.stderr)
sys.exit(0 if got == want else 1)
PY
# The schema-typed CSV verifies in sync against the table (read with the same types), and an export of the
# table to CSV verifies in sync against it; a changed cell is found.
"$FERRY" verify -q --state st.db --project people.yaml --source sqlite:db.sqlite#people --target foreign.csv \
  | grep -q "in sync" || fail "the schema-typed CSV is not in sync with its import"
"$FERRY" export -q --state st.db --project people.yaml --source sqlite:db.sqlite#people --target exported.csv > /dev/null
"$FERRY" verify -q --state st.db --project people.yaml --source sqlite:db.sqlite#people --target exported.csv \
  | grep -q "in sync" || fail "the exported CSV is not in sync with its table"
sed 's/^1001,12345,8,/1001,12345,9,/' foreign.csv > changed.csv
expect_exit 75 "$FERRY" verify -q --state st.db --project people.yaml --source sqlite:db.sqlite#people \
  --target changed.csv > v.txt
grep -q "1001" v.txt || fail "verify did not name the changed record: $(cat v.txt)"
# types=infer: 1001 and 12345 stay numbers, "7" a string; the schema rejects every row.
"$FERRY" import -q --json --state st.db --project people.yaml --source 'csv:foreign.csv?types=infer' \
  --target sqlite:infer.sqlite#people --rejects rej-infer.jsonl > r.json
python3 -c 'import json; r=json.load(open("r.json")); assert r["already_at_target"] == 0 and r["rejected"] == 3, r'
grep -q '"pointer":"/count","keyword":"type"' rej-infer.jsonl || fail "types=infer: no type error for count"
# types=strings: every field a string; "7" is not an integer.
"$FERRY" import -q --json --state st.db --project people.yaml --source 'csv:foreign.csv?types=strings' \
  --target sqlite:strings.sqlite#people --rejects rej-strings.jsonl > r.json
python3 -c 'import json; r=json.load(open("r.json")); assert r["already_at_target"] == 0 and r["rejected"] == 3, r'
expect_exit 2 "$FERRY" import -q --state st.db --project people.yaml --source 'csv:foreign.csv?types=guess' \
  --target sqlite:x.sqlite#people 2> err.txt
grep -q "use schema, infer or strings" err.txt || fail "no clear error for a bad types option: $(cat err.txt)"

# 3 malformed rows among 100 good ones.
python3 - <<'PY'
rows = ["id,zip,count"]
for i in range(103):
    if i == 10: rows.append('b1,12"34,5')
    elif i == 50: rows.append('b2,"12345"x,5')
    elif i == 90: rows.append('b3,12345,5,extra')
    else: rows.append('r%d,%05d,"%d"' % (i, i, i))
open("bad.csv", "w").write("\n".join(rows) + "\n")
PY
"$FERRY" import -q --json --state st.db --project people.yaml --source bad.csv --target sqlite:bad.sqlite#people \
  --rejects rej-bad.jsonl > r.json
python3 - <<'PY' || fail "the malformed rows were not rejected one by one: $(cat rej-bad.jsonl)"
import json, sqlite3
r = json.load(open("r.json"))
assert r["input"] == 103 and r["already_at_target"] == 100 and r["rejected"] == 3, r
rej = [json.loads(l) for l in open("rej-bad.jsonl")]
assert [(x["code"], x["line"], x["record"], x["raw"]) for x in rej] == [
    ("PARSE_ERROR", 12, 11, 'b1,12"34,5'), ("PARSE_ERROR", 52, 51, 'b2,"12345"x,5'),
    ("PARSE_ERROR", 92, 91, "b3,12345,5,extra")], rej
msgs = [x["errors"][0]["message"] for x in rej]
assert msgs[0].startswith("bad.csv:12:6: quote inside an unquoted field"), msgs
assert msgs[1] == "bad.csv:52:11: unexpected character after a closing quote", msgs
assert msgs[2] == "bad.csv:92:12: record has 4 fields, the header has 3", msgs
n = sqlite3.connect("bad.sqlite").execute("SELECT count(*) FROM people").fetchone()[0]
assert n == 100, n
PY
# --errors strict stops at the first malformed row.
expect_exit 65 "$FERRY" import -q --errors strict --state st.db --project people.yaml --source bad.csv \
  --target sqlite:strict.sqlite#people > /dev/null 2> err.txt
grep -q "PARSE_ERROR: record 11 rejected: bad.csv:12:6: quote inside an unquoted field" err.txt \
  || fail "strict did not stop at the first malformed row: $(cat err.txt)"
# An unterminated quote at the end: nothing to resynchronise on, the run fails naming file:line:column.
printf 'id,zip,count\nr1,00001,1\nr2,"00002,2\n' > unterminated.csv
expect_exit 65 "$FERRY" import -q --state st.db --project people.yaml --source unterminated.csv \
  --target sqlite:u.sqlite#people > /dev/null 2> err.txt
grep -q "PARSE_ERROR: unterminated.csv:3:4: quoted field is not terminated" err.txt \
  || fail "no file:line:column for an unterminated quote: $(cat err.txt)"
echo PASS
