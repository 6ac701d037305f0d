#!/usr/bin/env bash
# name: context/export_import_every_format
# description: the context-store example (3000 mixed records, seed 5: unicode, line breaks, quotes, commas,
#   empty strings) imported into SQLite (context-1 migrated to context-2), then exported from the table and
#   imported into a fresh table through every format — jsonl, json, yaml, xml, csv — each plain, compressed
#   (gzip, zstd and brotli for jsonl; one codec for each other format), encrypted (passphrase and key file)
#   and split into several parts (jsonl, json, xml plain; yaml zstd; csv gzip); every fresh table holds exactly the documents of the source table (canonical
#   JSON of the whole table, and its count). The Markdown export is exactly one section per record as
#   docs/formats.md describes it (rendered independently by md_expect.py), also gzip-compressed.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
P=$FERRY_SOURCE_DIR/examples/context-store
"$FERRY" generate context --count 3000 --seed 5 --shape mixed --output mixed.jsonl > /dev/null
"$FERRY" generate context --count 3000 --seed 5 --shape current --output current.jsonl > /dev/null
grep -q '"created_at"' mixed.jsonl || fail "the mixed data hold no context-1 record"
"$FERRY" import -q --state st.db --project "$P" --source mixed.jsonl --target sqlite:src.db#contexts > /dev/null
canon_jsonl current.jsonl > want.txt
canon_table src.db contexts | cmp -s - want.txt || fail "the import into SQLite did not give the context-2 records"
[ "$(sqlite3 src.db "select count(*) from contexts where version = 'context-2'")" = 3000 ] || fail "not 3000 context-2 rows"
echo "a passphrase for the context test" > pass.txt
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > key.hex
n=0
# roundtrip TARGET [ARGS...]: export the table to TARGET, import it into a fresh table, compare.
roundtrip() {
  local target=$1; shift
  n=$((n + 1))
  "$FERRY" export -q --state st.db --project "$P" --source sqlite:src.db#contexts --target "$target" "$@" \
    > export.out 2> export.err || fail "export to $target $*: $(cat export.err)"
  "$FERRY" import -q --state st.db --project "$P" --source "$target" --target "sqlite:back.db#t$n" \
    $(printf '%s\n' "$@" | grep -A1 -e '--passphrase-file' -e '--key-file' || true) \
    > import.out 2> import.err || fail "import of $target $*: $(cat import.err)"
  [ "$(sqlite3 back.db "select count(*) from t$n")" = 3000 ] || fail "$target $*: the fresh table does not hold 3000 rows"
  canon_table back.db "t$n" | cmp -s - want.txt || fail "export/import through $target $* changed the documents"
  echo "ok: $target $*"
}
# Plain.
for fmt in jsonl json yaml xml csv; do roundtrip "c.$fmt"; done
# Compressed: all three codecs for JSON Lines, one for each other format.
roundtrip c.jsonl.gz; roundtrip c.jsonl.zst; roundtrip c.jsonl.br
roundtrip c.json.gz; roundtrip c.yaml.zst; roundtrip c.xml.br; roundtrip c.csv.gz
roundtrip "csv:c-scheme.out?delimiter=;" --compress zstd
[ "$(head -c 2 c.jsonl.gz | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "c.jsonl.gz is not gzip"
[ "$(head -c 4 c.yaml.zst | od -An -tx1 | tr -d ' ')" = 28b52ffd ] || fail "c.yaml.zst is not zstd"
[ "$(head -c 1 c.xml.br)" != "<" ] && [ "$(stat -c %s c.xml.br)" -lt $(($(stat -c %s c.xml) / 2)) ] || fail "c.xml.br is not compressed"
gzip -dc c.csv.gz | cmp -s - c.csv || fail "c.csv.gz does not decompress to c.csv"
# Encrypted, with a passphrase and with a key file (and compressed under the encryption).
roundtrip c.jsonl.enc --passphrase-file pass.txt
roundtrip c.json.zst.enc --key-file key.hex
roundtrip c.yaml.enc --key-file key.hex
roundtrip c.xml.gz.enc --passphrase-file pass.txt
roundtrip c.csv.br.enc --passphrase-file pass.txt
for f in c.jsonl.enc c.json.zst.enc c.yaml.enc c.xml.gz.enc c.csv.br.enc; do
  [ "$(head -c 8 $f)" = FERRYENC ] || fail "$f is not encrypted"
done
grep -q 'ctx-000001' c.jsonl.enc && fail "c.jsonl.enc holds plain text"
# Split into several parts.
mkdir parts
for t in parts/s.jsonl parts/s.json parts/s.yaml.zst parts/s.xml parts/s.csv.gz; do
  size=200KB; [[ $t == *.zst || $t == *.gz ]] && size=16KB  # compressed parts count compressed bytes
  roundtrip "$t" --split $size
  base=${t#parts/s.}
  count=$(ls parts | grep -c "^s\.[0-9]\{5\}\.${base//./\\.}\$" || true)
  [ "$count" -ge 3 ] || fail "$t: expected at least 3 parts, got: $(ls parts)"
  [ -e "$t" ] && fail "$t exists beside its parts"
done
gzip -dc parts/s.00002.csv.gz > p2.csv
head -1 p2.csv | grep -q '^id,title,content,type,tags,createdAt,sessionId,metadata.importance,metadata.source$' \
  || fail "CSV part 2 does not start with its own header"
# (Encrypted parts: an encryptor emits 1 MiB chunks, so these 0.9 MB give one part; the larger set of
# tests/e2e/formats/split_export_import.sh covers encrypted parts.)
# Markdown: one section per record, exactly as documented.
"$FERRY" export -q --state st.db --project "$P" --source sqlite:src.db#contexts --target "md:c.md?title=title" > /dev/null
python3 "$E2E/context/md_expect.py" current.jsonl want.md
cmp -s c.md want.md || fail "the Markdown page is not the documented one: $(diff want.md c.md | head -20)"
[ "$(grep -c '^## ' c.md)" = 3000 ] || fail "not one section per record"
# A few records by hand: unicode and quotes in the title, line breaks in the content.
python3 - <<'PY'
import json
docs = {json.loads(l)["id"]: json.loads(l) for l in open("current.jsonl", encoding="utf-8")}
md = open("c.md", encoding="utf-8").read()
q = next(d for d in docs.values() if d["title"] == '"Quoted" title, with a comma' and "\n" in d["content"])
sec = md.split("\n## ")[[i for i, s in enumerate(md.split("\n## ")) if ("- **id**: %s\n" % q["id"]) in s][0]]
assert sec.startswith('"Quoted" title, with a comma\n'), sec[:80]
for line in q["content"].replace("\r\n", "\n").split("\n"):
    assert ("\n  " + line + "\n" if line else "\n\n") in sec, (line, sec)
c = next(d for d in docs.values() if d["title"] == "会议记录：迁移计划")
assert ("## 会议记录：迁移计划\n\n- **id**: %s\n" % c["id"]) in md
print("markdown sections ok:", q["id"], c["id"])
PY
"$FERRY" export -q --state st.db --project "$P" --source sqlite:src.db#contexts --target "md:c.md.gz?title=title" > /dev/null
gzip -dc c.md.gz | cmp -s - c.md || fail "c.md.gz does not decompress to c.md"
echo PASS
