#!/usr/bin/env bash
# name: formats/markdown_export_reads_back
# description: Ferry reads back the Markdown it writes: export to .md (plain and gzip, with a heading) then
#   import gives back the same documents (nested objects, arrays of scalars and of objects, multi-line strings
#   holding backticks and "## " lines, Markdown special characters, empty values, null, unicode, number
#   literals) within the documented limits; text that is not Ferry's shape is PARSE_ERROR with its line.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
cat > docs.yaml <<'YAML'
collection: docs
key: title
versions:
  v1:
    detect: { has: [title] }
target: v1
YAML
P=(--project docs.yaml --state st.db)
python3 - <<'PY'
import json
docs = []
for i in range(30):
    docs.append({
        "title": ["Ada Lovelace", "#hash *x* [link](u) <b> & ~ | _", "héllo ☃", "ends with #", "back\\slash"][i % 5] + " %d" % i,
        "born": [1815, -1.5, 2.50, 1e10, 0][i % 5],
        "ok": i % 2 == 0,
        "nothing": None,
        "empty": "",
        "address": {"city": "London", "geo": {"lat": 51.5, "tags": ["a", "b", "c"]}},
        "list": ["math", "poetry"] if i % 3 else [],
        "objects": [{"k": i, "v": "x y"}, {"k": i + 1, "deep": {"z": True}}],
        "notes": ["first line\nsecond line", "```\n## injected\n````\n\n  indented", "a\nb"][i % 3],
        "none": {},
    })
with open("d.jsonl", "w", encoding="utf-8") as f:
    for d in docs:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
canon_jsonl d.jsonl > want.txt
for md in d.md "md:d.md.gz?heading=People"; do
  "$FERRY" export -q "${P[@]}" --source d.jsonl --target "$md" > /dev/null 2> export.err || fail "export to $md: $(cat export.err)"
  "$FERRY" import -q "${P[@]}" --source "$md" --target back.jsonl > /dev/null 2> import.err || fail "import of $md: $(cat import.err)"
  canon_jsonl back.jsonl | cmp -s - want.txt || fail "$md read back differently: $(diff <(canon_jsonl back.jsonl) want.txt | head -8)"
  echo "ok: $md"
done
zcat d.md.gz | head -1 | grep -qx '# People' || fail "no heading in d.md.gz"
grep -q '^  ```$' d.md && grep -q '^  ````$' d.md || fail "the fixture does not exercise fenced blocks: $(head -30 d.md)"
# Not Ferry's Markdown: PARSE_ERROR with the line.
printf '# Notes\n\nsome prose\n' > prose.md
expect_exit 65 "$FERRY" import -q "${P[@]}" --source prose.md --target p.jsonl 2> prose.err
grep -q 'prose.md:3:1: expected a "## " section heading' prose.err || fail "no line for prose: $(cat prose.err)"
printf '## A\n\n- **x**:\n  ```\n  never closed\n' > open.md
expect_exit 65 "$FERRY" import -q "${P[@]}" --source open.md --target o.jsonl 2> open.err
grep -q 'open.md:4:3: fenced block is not closed' open.err || fail "no line for an open fence: $(cat open.err)"
echo PASS
