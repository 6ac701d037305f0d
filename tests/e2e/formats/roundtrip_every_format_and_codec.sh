#!/usr/bin/env bash
# name: formats/roundtrip_every_format_and_codec
# description: `ferry export` from an SQLite table then `ferry import` of the file gives back the same
#   documents for jsonl, json, yaml, xml (workouts unified-1 data) and csv (a fixture of one shape), each
#   plain, gzip, zstd, brotli, and encrypted with a passphrase and with a key file; compression comes
#   from the extension or from --compress, and the format from the extension or the scheme; Markdown
#   reads back too.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
"$FERRY" generate workouts --count 400 --seed 7 --scenario all-valid --output legacy.jsonl > /dev/null
"$FERRY" run -q --state st.db --project "$PROJECT" --source legacy.jsonl --target unified.jsonl > /dev/null
"$FERRY" import -q --state st.db --project "$PROJECT" --source unified.jsonl --target sqlite:src.db#workouts > /dev/null
canon_jsonl unified.jsonl > want_workouts.txt
canon_table src.db workouts | cmp -s - want_workouts.txt || fail "the import into SQLite changed the documents"
write_things_project
things_fixture things.jsonl 300
"$FERRY" import -q --state st.db --project things.yaml --source things.jsonl --target sqlite:src.db#things > /dev/null
canon_jsonl things.jsonl > want_things.txt
echo "a passphrase for the test" > pass.txt
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > key.hex
n=0
# roundtrip PROJECT TABLE TARGET [KEY ARGS...]: export TABLE to TARGET (with $EXPORT_ARGS too), import
# it into a new table, compare.
EXPORT_ARGS=()
roundtrip() {
  local project=$1 table=$2 target=$3; shift 3
  n=$((n + 1))
  "$FERRY" export -q --state st.db --project "$project" --source "sqlite:src.db#$table" --target "$target" "$@" \
    ${EXPORT_ARGS[@]+"${EXPORT_ARGS[@]}"} \
    > export.out 2> export.err || fail "export to $target $*: $(cat export.err)"
  "$FERRY" import -q --state st.db --project "$project" --source "$target" --target "sqlite:back.db#t$n" "$@" \
    > import.out 2> import.err || fail "import of $target $*: $(cat import.err)"
  canon_table back.db "t$n" | cmp -s - "want_$table.txt" || fail "export/import through $target $* changed the documents"
  echo "ok: $table via $target $* ${EXPORT_ARGS[*]+${EXPORT_ARGS[*]}}"
}
for fmt in jsonl json yaml xml; do
  roundtrip "$PROJECT" workouts "w.$fmt"
  roundtrip "$PROJECT" workouts "w.$fmt.gz"
  roundtrip "$PROJECT" workouts "w.$fmt.zst"
  roundtrip "$PROJECT" workouts "w.$fmt.br"
  roundtrip "$PROJECT" workouts "w.$fmt.enc" --passphrase-file pass.txt
  roundtrip "$PROJECT" workouts "w.$fmt.zst.enc" --key-file key.hex
done
roundtrip things.yaml things t.csv
roundtrip things.yaml things t.csv.gz
roundtrip things.yaml things t.csv.zst
roundtrip things.yaml things t.csv.br
roundtrip things.yaml things t.csv.enc --passphrase-file pass.txt
roundtrip things.yaml things t.csv.gz.enc --key-file key.hex
# The format from the scheme, the compression from --compress; XML and YAML on the fixture too.
EXPORT_ARGS=(--compress zstd)
roundtrip things.yaml things "csv:t-scheme.out?delimiter=;"
EXPORT_ARGS=(--compress gzip)
roundtrip things.yaml things xml:t-scheme.xmlout
roundtrip things.yaml things yaml:t-scheme.yamlout
EXPORT_ARGS=()
roundtrip things.yaml things t.yaml
# Each file really is what its name says.
[ "$(head -c 2 w.jsonl.gz | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "w.jsonl.gz is not gzip"
[ "$(head -c 4 w.xml.zst | od -An -tx1 | tr -d ' ')" = 28b52ffd ] || fail "w.xml.zst is not zstd"
[ "$(head -c 8 w.yaml.enc)" = FERRYENC ] || fail "w.yaml.enc is not encrypted"
zstd -dcq t-scheme.out > t-scheme.csv
head -1 t-scheme.csv | grep -q '^id;name;count' || fail "the delimiter option was not used: $(head -1 t-scheme.csv)"
gzip -dc t.csv.gz | cmp -s - t.csv || fail "t.csv.gz does not decompress to t.csv"
# The encoded writers write the same bytes as the plain JSON writers.
gzip -dc w.json.gz | cmp -s - w.json || fail "w.json.gz does not decompress to w.json"
zstd -dcq w.jsonl.zst | cmp -s - w.jsonl || fail "w.jsonl.zst does not decompress to w.jsonl"
head -c 8 w.json.zst | grep -q FERRYENC && fail "w.json.zst encrypted without a key"
# Detection from the content when the name tells nothing.
cp w.xml w-noext; cp w.yaml w-noext2; cp t.csv t-noext
for f in w-noext w-noext2; do
  n=$((n + 1))
  "$FERRY" import -q --state st.db --project "$PROJECT" --source $f --target "sqlite:back.db#t$n" > /dev/null
  canon_table back.db "t$n" | cmp -s - want_workouts.txt || fail "$f (detected) read differently"
done
n=$((n + 1))
"$FERRY" import -q --state st.db --project things.yaml --source t-noext --target "sqlite:back.db#t$n" > /dev/null
canon_table back.db "t$n" | cmp -s - want_things.txt || fail "t-noext (detected as CSV) read differently"
# Markdown reads back (exactly within its limits: tests/e2e/formats/markdown_export_reads_back.sh).
"$FERRY" export -q --state st.db --project things.yaml --source sqlite:src.db#things --target "md:t.md?title=name" > /dev/null
grep -q '^## say "hi"' t.md || grep -q '^## say' t.md || fail "no Markdown section titled by name: $(head -5 t.md)"
"$FERRY" import -q --state st.db --project things.yaml --source "md:t.md?title=name" --target sqlite:back.db#md \
  > /dev/null 2> md.err || fail "the Markdown export does not read back: $(cat md.err)"
[ "$(sqlite3 back.db 'SELECT count(*) FROM md')" = 300 ] || fail "the Markdown export read back to another count"
echo PASS
