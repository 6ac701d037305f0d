#!/usr/bin/env bash
# name: schema/long_strings_rejected_per_record
# description: long strings are checked against the bundled schemas' patterns, never crash the run
#   (std::regex overflowed its stack on them: exit 139 on every resume). A 50 KB local-storage `id` and a
#   30 KB context `tags` string migrate when the pattern matches and are rejected with VALIDATION_ERROR at
#   their pointer when it does not; the records around them migrate and the run completes.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate local-storage --count 4 --seed 3 --scenario all-valid --output items.jsonl > /dev/null
"$FERRY" generate context --shape legacy --count 4 --seed 3 --output context.jsonl > /dev/null
python3 - <<'PY'
import json
def rewrite(path, fix):
    docs = [json.loads(l) for l in open(path, encoding="utf-8")]
    fix(docs)
    with open(path, "w", encoding="utf-8") as out:
        for d in docs:
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
def long_ids(docs):
    user = docs[0]["userId"]
    docs[1]["id"] = user + "/" + "j" * 50000                      # matches ^u[0-9]{6,}/.+$
    docs[2]["id"] = user + "/" + "j" * 25000 + "\n" + "j" * 25000  # `.` stops at the line break
def long_tags(docs):
    tags = "long-" + "x" * 15000 + ",tag-" + "y" * 14990  # context-2 allows 5 tags
    docs[1]["tags"] = tags          # matches ^([a-z0-9-]+(,[a-z0-9-]+)*)?$
    docs[2]["tags"] = tags + ",!"   # does not
rewrite("items.jsonl", long_ids)
rewrite("context.jsonl", long_tags)
PY
for example in local-storage-to-postgres:items context-store:context; do
  project=${example%%:*}
  data=${example##*:}
  set +e
  "$FERRY" run -q --json --project "$FERRY_SOURCE_DIR/examples/$project" --source "$data.jsonl" \
    --target "$data-out.jsonl" --rejects "$data-rej.jsonl" > "$data-report.json" 2> "$data-err.txt"
  code=$?
  set -e
  [ "$code" = 0 ] || { cat "$data-err.txt" >&2; fail "$project: exit $code, expected the run to complete"; }
done
python3 - <<'PY'
import json
for data, pointer in (("items", "/id"), ("context", "/tags")):
    r = json.load(open(data + "-report.json"))
    assert r["input"] == 4 and r["migrated"] == 3 and r["rejected"] == 1, (data, r)
    rejects = [json.loads(l) for l in open(data + "-rej.jsonl", encoding="utf-8")]
    assert len(rejects) == 1, rejects
    rej = rejects[0]
    assert rej["code"] == "VALIDATION_ERROR" and rej["line"] == 3, (data, rej["code"], rej["line"])
    assert any(e["pointer"] == pointer and e["keyword"] == "pattern" for e in rej["errors"]), (data, rej["errors"])
    out = [json.loads(l) for l in open(data + "-out.jsonl", encoding="utf-8")]
    assert len(out) == 3, (data, len(out))
items = [json.loads(l) for l in open("items-out.jsonl", encoding="utf-8")]
assert any(len(d["id"]) > 50000 for d in items), "the long id that matches was not migrated"
context = [json.loads(l) for l in open("context-out.jsonl", encoding="utf-8")]
assert any(len("".join(d["tags"])) > 29000 for d in context), "the long tags were not migrated"
PY
echo "long strings: validated per record, the runs completed"
