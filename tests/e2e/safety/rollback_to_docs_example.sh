#!/usr/bin/env bash
# name: safety/rollback_to_docs_example
# description: the `--to` example of docs/backup.md, extracted from the doc and run exactly as written
#   (ferry on PATH, examples/ beside it): the local-storage items imported as they are into SQLite,
#   migrated in place to item-1, then taken back with `--to export-v2`. Every migrated row comes back
#   at export-v2 (none "cannot"), and migrating the table again gives exactly what the first run gave.
# group: e2e
source "$(dirname "$0")/../lib.sh"
ln -s "$FERRY_SOURCE_DIR/examples" examples
mkdir bin && ln -s "$FERRY" bin/ferry
export PATH="$WORK/bin:$PATH"
python3 - "$FERRY_SOURCE_DIR/docs/backup.md" > example.sh <<'PY'
import re, sys
text = open(sys.argv[1]).read()
at = text.index("rollback_to_docs_example.sh` runs exactly these commands")
block = re.search(r"```sh\n(.*?)```", text[at:], re.S).group(1)
print("\n".join(line.strip() for line in block.splitlines()))
PY
grep -q -- "--to export-v2" example.sh || fail "the example does not roll back --to export-v2: $(cat example.sh)"
# The run before the rollback: what it wrote, to compare with the run after it.
sed '/ferry rollback/,$d' example.sh > up.sh
bash -e up.sh > /dev/null
sqlite3 items.db "SELECT key, version, document FROM items ORDER BY key" > after_first_run.txt
rm -rf items.db* .ferry items.jsonl
bash -e example.sh > out.txt || fail "the example failed: $(cat out.txt)"
grep -q "records restored" out.txt || fail "the rollback restored nothing: $(cat out.txt)"
if grep -q "cannot" out.txt; then fail "the example's rollback left records it cannot restore: $(cat out.txt)"; fi
migrated=$(grep -c 'item-1' after_first_run.txt)
[ "$(sqlite3 items.db "SELECT count(*) FROM items WHERE version = 'export-v2'")" -ge "$migrated" ] \
  || fail "not every migrated row is back at export-v2"
[ "$(sqlite3 items.db "SELECT count(*) FROM items WHERE version = 'item-1'")" = 0 ] || fail "rows left at item-1"
ferry run -q --project examples/local-storage-to-postgres --source 'sqlite:items.db#items' \
  --target 'sqlite:items.db#items' --on-error skip > /dev/null
sqlite3 items.db "SELECT key, version, document FROM items ORDER BY key" > after_second_run.txt
cmp -s after_first_run.txt after_second_run.txt || fail "migrating again does not give what the first run gave"
echo PASS
