#!/usr/bin/env bash
# name: formats/convert_formats_without_project
# description: without --project and without a ferry.yaml in the directory, `ferry export` and `ferry import`
#   convert between file formats with the records as they are read (no version detection, no schema, no
#   key needed): csv -> yaml -> json lines -> csv round trips; a table target and --version are refused with
#   advice; with a ferry.yaml present the project still detects versions and rejects what matches none.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
mkdir convert && cd convert
# Records without any key field, of mixed shapes: nothing here could pass a project's detection.
printf '%s\n' 'name,zip,count,ok,meta.city,tags' \
  'Ada,02134,3,true,London,"[""x"",""y""]"' \
  '"say ""hi""",90210,-1.5,false,,[]' \
  '"two' 'lines",,0,,Paris,[1]' > d.csv
"$FERRY" export -q --source d.csv --target d.yaml > export.out 2> export.err || fail "csv -> yaml without a project: $(cat export.err)"
"$FERRY" export -q --source d.yaml --target d.jsonl > /dev/null 2> export.err || fail "yaml -> jsonl without a project: $(cat export.err)"
"$FERRY" import -q --source d.jsonl --target back.csv > /dev/null 2> import.err || fail "jsonl -> csv without a project: $(cat import.err)"
# The records, exactly as the CSV reader infers them, in order.
python3 - <<'PY' || fail "d.jsonl is not the CSV's records as read: $(cat d.jsonl)"
import json, sys
want = [
    {"name": "Ada", "zip": "02134", "count": 3, "ok": True, "meta": {"city": "London"}, "tags": ["x", "y"]},
    {"name": "say \"hi\"", "zip": 90210, "count": -1.5, "ok": False, "meta": {"city": None}, "tags": []},
    {"name": "two\nlines", "zip": None, "count": 0, "ok": None, "meta": {"city": "Paris"}, "tags": [1]},
]
got = [json.loads(l) for l in open("d.jsonl", encoding="utf-8") if l.strip()]
sys.exit(0 if got == want else 1)
PY
cmp -s d.csv back.csv || fail "csv -> yaml -> jsonl -> csv changed the file: $(diff d.csv back.csv)"
grep -q '^zip: "02134"$' d.yaml || fail "d.yaml lost the string 02134: $(cat d.yaml)"
[ "$(grep -c '^---' d.yaml)" = 3 ] || fail "d.yaml does not hold 3 documents: $(cat d.yaml)"
# stdin to stdout, format named by the scheme.
"$FERRY" export -q --source - --target yaml:- < d.jsonl > piped.yaml 2> pipe.err || fail "stdin -> stdout: $(cat pipe.err)"
cmp -s d.yaml piped.yaml || fail "jsonl on stdin -> yaml on stdout differs from the file conversion"
# A table target needs a key and versions; --version needs versions.
expect_exit 2 "$FERRY" import -q --source d.jsonl --target sqlite:t.db#t 2> table.err
grep -q -- "--project" table.err || fail "no advice for a table target without a project: $(cat table.err)"
[ ! -s t.db ] || fail "the refused import wrote the database"
expect_exit 78 "$FERRY" export -q --source d.jsonl --target v.yaml --version v1 2> version.err
grep -q -- "--project" version.err || fail "no advice for --version without a project: $(cat version.err)"
[ ! -e v.yaml ] || fail "the refused export wrote v.yaml"
# --project given but missing: still the project error, not a conversion.
expect_exit 78 "$FERRY" export -q --project nowhere --source d.jsonl --target p.yaml 2> missing.err
grep -q "cannot read project file" missing.err || fail "a missing --project was not reported: $(cat missing.err)"
# With a ferry.yaml in the directory nothing changes: records are detected (none has an id).
cd "$WORK" && mkdir with-project && cd with-project
write_things_project && mv things.yaml ferry.yaml
cp ../convert/d.csv .
"$FERRY" export -q --source d.csv --target d.yaml --json > report.json 2> export.err || true
python3 -c 'import json,sys; r=json.load(open("report.json")); sys.exit(0 if r["input"] == 3 and r["rejected"] == 3 else 1)' ||
  fail "with ferry.yaml present the records were not detected against it: $(cat report.json) $(cat export.err)"
echo PASS
