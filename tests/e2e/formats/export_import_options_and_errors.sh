#!/usr/bin/env bash
# name: formats/export_import_options_and_errors
# description: export writes records as stored unless --version migrates them; import migrates unless
#   --as-is; both are runs in the state's history, take shaping flags and saved templates. Bad file options are INVALID_ARGUMENT (2) with a clear
#   line: an unknown format option, a bad --split, --compress contradicting the name, --split on a table,
#   a .enc target without a key; an unterminated CSV quote, a malformed XML or YAML source stops the run with PARSE_ERROR (65)
#   naming the file and line, and publishes nothing. A target in a missing directory is IO_ERROR (74) naming
#   the directory and how to create it.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
"$FERRY" generate workouts --count 200 --seed 3 --scenario all-valid --output legacy.jsonl > /dev/null
# Export as stored: the legacy documents, unchanged (each validated against its own version).
"$FERRY" export -q --json --state st.db --project "$PROJECT" --source legacy.jsonl --target as-stored.yaml > r1.json
"$FERRY" import -q --as-is --state st.db --project "$PROJECT" --source as-stored.yaml --target back.jsonl > /dev/null
cmp -s <(canon_jsonl back.jsonl) <(canon_jsonl legacy.jsonl) || fail "export as stored changed the documents"
python3 -c 'import json; r=json.load(open("r1.json")); assert r["already_at_target"] == 200 and r["migrated"] == 0, r'
# Export migrated to a version; import migrates like run.
"$FERRY" run -q --state st.db --project "$PROJECT" --source legacy.jsonl --target unified.jsonl > /dev/null
"$FERRY" export -q --state st.db --project "$PROJECT" --source legacy.jsonl --target migrated.csv --version unified-1 > /dev/null
"$FERRY" import -q --state st.db --project "$PROJECT" --source as-stored.yaml --target sqlite:db.sqlite#workouts > /dev/null
canon_table db.sqlite workouts | cmp -s - <(canon_jsonl unified.jsonl) || fail "import did not migrate like run"
head -1 migrated.csv | grep -q schemaVersion || fail "export --version did not migrate: $(head -c 200 migrated.csv)"
# A version with no path to V (either way): each of its records is rejected with its key, not the export.
"$FERRY" export -q --state st.db --project "$PROJECT" --source legacy.jsonl --target x.jsonl --version strength \
  --rejects x-rejects.jsonl > /dev/null
grep -q "no migration leads from version 'hybrid' to 'strength'" x-rejects.jsonl \
  || fail "no clear error for an unreachable version: $(head -c 400 x-rejects.jsonl)"
"$FERRY" status --state st.db --json > status.json
python3 -c 'import json; runs=json.load(open("status.json")); assert sum(1 for r in runs if r["status"] == "completed") >= 5, runs'
# Record shaping flags work on export (and import): a filter keeps two records.
"$FERRY" export -q --json --state st.db --project "$PROJECT" --source legacy.jsonl --target two.yaml \
  --in id=wk-00000001,wk-00000002 > r2.json
python3 -c 'import json; r=json.load(open("r2.json")); assert r["filtered"] == 198 and r["already_at_target"] == 2, r'
[ "$(grep -c '^---' two.yaml)" = 2 ] || fail "the filtered export does not hold 2 documents: $(head -5 two.yaml)"
# A saved template carries export's file flags (a flag given on the command line still wins).
"$FERRY" template save --state st.db gz-parts --for export -- --project "$PROJECT" --compress gzip --split 8KB \
  > /dev/null
mkdir tpl
"$FERRY" generate workouts --count 2000 --seed 4 --scenario all-valid --output more.jsonl > /dev/null
"$FERRY" export -q --state st.db --template gz-parts --source more.jsonl --target tpl/out.jsonl > /dev/null
[ -e tpl/out.00002.jsonl ] || fail "the template's --split was not applied: $(ls tpl)"
[ "$(head -c 2 tpl/out.00001.jsonl | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "the template's --compress was not applied"
# Bad options: one clear line, exit 2, nothing written.
bad() {
  expect_exit 2 "$FERRY" "$@" 2> err.txt
  [ "$(wc -l < err.txt)" = 1 ] || fail "expected one line of error for $*: $(cat err.txt)"
  grep -q "INVALID_ARGUMENT" err.txt || fail "expected INVALID_ARGUMENT for $*: $(cat err.txt)"
}
bad export -q --state st.db --project "$PROJECT" --source legacy.jsonl --target 'csv:o.csv?delim=;'
grep -q "delimiter" err.txt || fail "the unknown option's error does not list the known ones: $(cat err.txt)"
bad export -q --state st.db --project "$PROJECT" --source legacy.jsonl --target o.csv --split 10XB
bad export -q --state st.db --project "$PROJECT" --source legacy.jsonl --target o.csv.zst --compress gzip
bad import -q --state st.db --project "$PROJECT" --source legacy.jsonl --target sqlite:o.db --split 1MB
bad export -q --state st.db --project "$PROJECT" --source legacy.jsonl --target o.jsonl.enc
bad export -q --state st.db --project "$PROJECT" --source legacy.jsonl --target o.jsonl --compress lzma
ls o.* 2> /dev/null && fail "a refused command wrote: $(ls o.*)"
# Malformed sources: the run stops naming the file and line; nothing is published.
printf 'id,name\nwk-1,a\nwk-2,"b\n' > broken.csv  # unterminated: nothing to resynchronise on
printf '<records><record><id>1</id></record><record><id>2</record></records>\n' > broken.xml
printf -- '---\nid: 1\n---\nid: 2\nid: 3\n' > broken.yaml
for f in broken.csv:3 broken.xml:1 broken.yaml:5; do
  file=${f%%:*}; line=${f##*:}
  expect_exit 65 "$FERRY" import -q --state st.db --project "$PROJECT" --source "$file" --target "out-$file.jsonl" \
    > /dev/null 2> err.txt
  grep -q "PARSE_ERROR: $file:$line:" err.txt || fail "$file: expected PARSE_ERROR naming $file:$line, got: $(cat err.txt)"
  [ -e "out-$file.jsonl" ] && fail "$file: a failed import published its target"
done
expect_exit 74 "$FERRY" export -q --state st.db --project "$PROJECT" --source legacy.jsonl --target no/such/x.csv 2> err.txt
grep -q "IO_ERROR: cannot write no/such/x.csv: the directory no/such does not exist (create it first: mkdir -p no/such)" \
  err.txt || fail "no clear error for a missing target directory: $(cat err.txt)"
[ -e no ] && fail "a failed export created directories"
echo PASS
