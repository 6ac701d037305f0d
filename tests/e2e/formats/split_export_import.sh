#!/usr/bin/env bash
# name: formats/split_export_import
# description: `ferry export --split SIZE` writes several parts NAME.00001.EXT..., each a complete file
#   (its own CSV header, compression, encryption); importing the path reads the whole set in order and
#   gives back the same documents; a smaller set written later removes the stale higher parts; a missing
#   part in the middle is NOT_FOUND (66) naming it; no temporary file is left.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
write_things_project
things_fixture things.jsonl 10000
"$FERRY" import -q --state st.db --project things.yaml --source things.jsonl --target sqlite:src.db#things > /dev/null
canon_jsonl things.jsonl > want.txt
mkdir out
"$FERRY" export -q --state st.db --project things.yaml --source sqlite:src.db#things --target out/data.csv.zst \
  --split 16KB > /dev/null
ls out > parts.txt
parts=$(grep -c '^data\.[0-9]\{5\}\.csv\.zst$' parts.txt || true)
[ "$parts" -ge 3 ] || fail "expected several parts, got: $(cat parts.txt)"
[ "$(wc -l < parts.txt)" = "$parts" ] || fail "unexpected files beside the parts: $(cat parts.txt)"
[ -e out/data.csv.zst ] && fail "the unsplit file exists beside its parts"
for p in out/data.0*.csv.zst; do
  zstd -dcq "$p" > part.csv
  head -1 part.csv | grep -q '^id,name,count,' || fail "$p does not start with the CSV header"
done
"$FERRY" import -q --state st.db --project things.yaml --source out/data.csv.zst --target sqlite:back.db#t1 > /dev/null
canon_table back.db t1 | cmp -s - want.txt || fail "the parts read back differently"
# Each part on its own is a complete CSV file.
zstd -dc out/data.00002.csv.zst > p2.csv
"$FERRY" import -q --state st.db --project things.yaml --source p2.csv --target sqlite:back.db#p2 > /dev/null
[ "$(sqlite3 back.db 'select count(*) from p2')" -gt 0 ] || fail "part 2 alone holds no records"
# Encrypted parts, each encrypted on its own.
echo "split secret" > pass.txt
"$FERRY" export -q --state st.db --project things.yaml --source sqlite:src.db#things --target out/enc.jsonl.enc \
  --split 200KB --passphrase-file pass.txt > /dev/null
[ -e out/enc.00002.jsonl.enc ] || fail "no second encrypted part: $(ls out)"
for p in out/enc.0*.jsonl.enc; do [ "$(head -c 8 "$p")" = FERRYENC ] || fail "$p is not encrypted on its own"; done
"$FERRY" import -q --state st.db --project things.yaml --source out/enc.jsonl.enc --target sqlite:back.db#t2 \
  --passphrase-file pass.txt > /dev/null
canon_table back.db t2 | cmp -s - want.txt || fail "the encrypted parts read back differently"
# A later, smaller set replaces the whole set.
before=$(ls out/data.0*.csv.zst | wc -l)
"$FERRY" export -q --state st.db --project things.yaml --source sqlite:src.db#things --target out/data.csv.zst \
  --split 1GB > /dev/null
[ "$(ls out/data.0*.csv.zst | wc -l)" = 1 ] || fail "stale parts left after a smaller set ($before before): $(ls out)"
"$FERRY" import -q --state st.db --project things.yaml --source out/data.csv.zst --target sqlite:back.db#t3 > /dev/null
canon_table back.db t3 | cmp -s - want.txt || fail "the one-part set reads back differently"
# A gap in the numbering is refused.
"$FERRY" export -q --state st.db --project things.yaml --source sqlite:src.db#things --target out/gap.jsonl \
  --split 100KB > /dev/null
[ -e out/gap.00003.jsonl ] || fail "expected at least 3 parts of gap.jsonl"
rm out/gap.00002.jsonl
expect_exit 66 "$FERRY" import -q --state st.db --project things.yaml --source out/gap.jsonl --target sqlite:back.db#t4 2> gap.err
grep -q "gap.00002.jsonl" gap.err || fail "the error does not name the missing part: $(cat gap.err)"
leftover=$(ls -a out | grep -c 'ferry-' || true)
[ "$leftover" = 0 ] || fail "temporary files left: $(ls -a out)"
echo PASS
