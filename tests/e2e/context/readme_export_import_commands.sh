#!/usr/bin/env bash
# name: context/readme_export_import_commands
# description: the commands of examples/context-store/README.md run as written: the test data and the run
#   into SQLite, then the whole "Export and import in other formats" block (extracted from the README, not
#   copied); every command succeeds, after the imports restored.db holds exactly the documents of
#   contexts.db, the filtered export holds exactly the records python3 selects, the split export has parts.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
README=$FERRY_SOURCE_DIR/examples/context-store/README.md
mkdir bin && ln -s "$FERRY" bin/ferry && export PATH=$WORK/bin:$PATH
ln -s "$FERRY_SOURCE_DIR/examples" examples  # the README's paths are relative to the repository root
P=examples/context-store
grep -q '^ferry generate context --count 10000 --seed 1 --shape mixed --output contexts.jsonl$' "$README" \
  || fail "the README's test-data command changed; update this test"
ferry generate context --count 10000 --seed 1 --shape mixed --output contexts.jsonl > /dev/null
grep -q '^ferry run     --project $P --source contexts.jsonl --target sqlite:contexts.db#contexts --report report.json$' \
  "$README" || fail "the README's run command changed; update this test"
ferry run --project $P --source contexts.jsonl --target sqlite:contexts.db#contexts --report report.json > /dev/null
python3 - "$README" > block.sh <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
print(re.search(r"```sh\n(.*?)```", t.split("## Export and import in other formats")[1], re.S).group(1))
PY
[ "$(grep -c '^ferry ' block.sh)" -ge 12 ] || fail "the README's block is not what this test expects: $(cat block.sh)"
# Run the block line by line as a shell script would, stopping at the first failing command.
P=$P bash -euo pipefail block.sh > block.out 2> block.err || fail "a README command failed: $(tail -5 block.err)"
canon_table contexts.db contexts > want.txt
[ "$(wc -l < want.txt)" = 10000 ] || fail "contexts.db does not hold 10000 records"
canon_table restored.db contexts | cmp -s - want.txt || fail "restored.db differs from contexts.db"
ls parts | grep -q '^contexts\.00003\.csv$' || fail "the split export has fewer than 3 parts: $(ls parts)"
[ "$(head -c 8 contexts.jsonl.gz.enc)" = FERRYENC ] || fail "contexts.jsonl.gz.enc is not encrypted"
grep -q '^## ' contexts.md || fail "no Markdown sections"
python3 - <<'PY'
import json, sqlite3
docs = [json.loads(d) for (d,) in sqlite3.connect("contexts.db").execute("select document from contexts")]
want = sorted(d["id"] for d in docs if d["type"] == "decision" and set(d["tags"]) & {"urgent", "security"}
              and "2024-01-01" <= d["createdAt"] < "2025-01-01")
got = sorted(json.loads(l)["id"] for l in open("decisions.jsonl", encoding="utf-8"))
assert got == want and 0 < len(got) < 10000, (len(got), len(want))
print("decisions.jsonl:", len(got), "records")
PY
echo PASS
