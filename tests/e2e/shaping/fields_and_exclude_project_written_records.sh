#!/usr/bin/env bash
# name: shaping/fields_and_exclude_project_written_records
# description: --fields a,b and --exclude x,y (dot paths) cut the records written by export, import and run,
#   last: the target schema still sees the whole record (a required field left out is not a reject), a
#   filter may select on a field that is not written; into a table the key may not be left out (exit 2 before
#   anything is written, the message names the key and what to do), into a file it may; a --shaping JSON
#   template carries them; a bad path exits 2 naming the flag; a CSV target's columns=a,b selects the same way
#   (no error about columns that are not listed); a --fields or --exclude path no record had is named in a
#   warning (a misspelt field silently wrote empty records); docs/shaping.md's example commands run as written.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir schemas
cat > ferry.yaml <<'YAML'
collection: people
key: id
versions:
  v2:
    detect: { has: [fullName] }
    schema: schemas/v2.json
  v1:
    detect: { has: [name] }
migrations:
  - id: v1-to-v2
    from: v1
    to: v2
    steps:
      - rename: { from: name, to: fullName }
target: v2
YAML
cat > schemas/v2.json <<'JSON'
{"type": "object", "required": ["id", "fullName", "team"]}
JSON
cat > in.jsonl <<'JSONL'
{"id":"a","name":"Ann","team":"x","meta":{"since":2020,"secret":"s1"},"notes":"n1"}
{"id":"b","fullName":"Bob","team":"y","meta":{"since":2021,"secret":"s2"},"notes":"n2"}
{"id":"c","name":"Cy","team":"x","meta":{"since":2022,"secret":"s3"}}
JSONL
lines() { python3 -c 'import json,sys; [print(json.dumps(json.loads(l), sort_keys=True, separators=(",", ":"))) for l in open(sys.argv[1])]' "$1"; }

# import into a file: --fields keeps the listed paths (nested ones keep their parent with only them).
"$FERRY" import -q --source in.jsonl --target kept.jsonl --fields id,fullName --fields meta.since
[ "$(lines kept.jsonl)" = '{"fullName":"Ann","id":"a","meta":{"since":2020}}
{"fullName":"Bob","id":"b","meta":{"since":2021}}
{"fullName":"Cy","id":"c","meta":{"since":2022}}' ] || fail "--fields: $(cat kept.jsonl)"
# --exclude, with the target schema's required "team" left out and a filter on a field not written.
"$FERRY" import -q --source in.jsonl --target dropped.jsonl --exclude team,meta.secret --exclude notes \
  --in team=x --report rep.json
[ "$(lines dropped.jsonl)" = '{"fullName":"Ann","id":"a","meta":{"since":2020}}
{"fullName":"Cy","id":"c","meta":{"since":2022}}' ] || fail "--exclude: $(cat dropped.jsonl)"
python3 -c '
import json; r = json.load(open("rep.json"))
assert r["rejected"] == 0 and r["filtered"] == 1 and r["migrated"] == 2, r'
# The key may be left out of a file.
"$FERRY" import -q --source in.jsonl --target nokey.jsonl --fields fullName
[ "$(lines nokey.jsonl)" = '{"fullName":"Ann"}
{"fullName":"Bob"}
{"fullName":"Cy"}' ] || fail "--fields without the key into a file: $(cat nokey.jsonl)"

# Into a table: the key must stay.
for flags in "--exclude id" "--fields fullName,team"; do
  # shellcheck disable=SC2086
  expect_exit 2 "$FERRY" import -q --source in.jsonl --target sqlite:t.db#people $flags 2> refused.txt
  grep -q "leave out the key field 'id'" refused.txt || fail "$flags into a table: $(cat refused.txt)"
  grep -q "keep it" refused.txt || fail "no advice: $(cat refused.txt)"
done
if [ -e t.db ]; then
  [ "$(sqlite3 t.db "SELECT count(*) FROM sqlite_master WHERE name = 'people'")" = 0 ] || fail "a refused run wrote"
fi
"$FERRY" import -q --source in.jsonl --target sqlite:t.db#people --fields id,fullName,team
[ "$(sqlite3 t.db "SELECT document FROM people ORDER BY key" | tr -d ' ')" = '{"id":"a","fullName":"Ann","team":"x"}
{"id":"b","fullName":"Bob","team":"y"}
{"id":"c","fullName":"Cy","team":"x"}' ] || fail "table rows: $(sqlite3 t.db 'SELECT document FROM people')"

# Export from the table, and the JSON template form.
echo '{"exclude": ["fullName"]}' > shaping.json
"$FERRY" export -q --source sqlite:t.db#people --target ids.jsonl --shaping shaping.json
[ "$(lines ids.jsonl)" = '{"id":"a","team":"x"}
{"id":"b","team":"y"}
{"id":"c","team":"x"}' ] || fail "export --shaping exclude: $(cat ids.jsonl)"
expect_exit 2 "$FERRY" export -q --source in.jsonl --target x.jsonl --fields 'a,,b' 2> bad.txt
grep -q -- "--fields" bad.txt || fail "bad --fields: $(cat bad.txt)"
expect_exit 2 "$FERRY" export -q --source in.jsonl --target x.jsonl --exclude 'meta..x' 2> bad.txt
grep -q "exclude" bad.txt || fail "bad --exclude: $(cat bad.txt)"

# CSV columns= selects (without a project: the records as read).
mkdir plain && cd plain
"$FERRY" export -q --source ../in.jsonl --target 'csv:people.csv?columns=id,name,meta.since'
[ "$(cat people.csv)" = 'id,name,meta.since
a,Ann,2020
b,,2021
c,Cy,2022' ] || fail "columns= does not select: $(cat people.csv)"
"$FERRY" export -q --source ../in.jsonl --target 'csv:meta.csv?columns=id,meta'
[ "$(sed -n 2p meta.csv)" = 'a,"{""since"":2020,""secret"":""s1""}"' ] || fail "an object column: $(cat meta.csv)"

# A path no record had (misspelt) is named in a warning, the others are not.
"$FERRY" export --source ../in.jsonl --target typo.jsonl --fields id,nmae --exclude meta.secert --json > typo.json
python3 - <<'PY'
import json
warnings = json.load(open("typo.json"))["warnings"]
assert any(w.startswith("--fields nmae: no record written had this field") for w in warnings), warnings
assert any(w.startswith("--exclude meta.secert: no record") for w in warnings), warnings
assert not any(w.startswith("--fields id:") for w in warnings), warnings
PY
"$FERRY" export --source ../in.jsonl --target typo.jsonl --fields id,name 2> fine.err > /dev/null
! grep -q "no record written had" fine.err || fail "a warning for fields the records have: $(cat fine.err)"

# docs/shaping.md's example, as written.
python3 - "$FERRY_SOURCE_DIR/docs/shaping.md" > doc.sh <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text.split("### Projection: which fields are written\n", 1)[1]
print(re.search(r"```sh\n(.*?)```", section, re.S).group(1))
PY
mkdir bin && ln -s "$FERRY" bin/ferry
PATH=$PWD/bin:$PATH bash -euo pipefail doc.sh
[ "$(cat people-public.jsonl)" = '{"id":"a","name":"Ann","meta":{"team":"x"}}' ] || fail "doc: $(cat people-public.jsonl)"
[ "$(cat people.csv)" = 'id,name
a,Ann' ] || fail "doc csv: $(cat people.csv)"
echo "PASS"
