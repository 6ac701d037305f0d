#!/usr/bin/env bash
# name: cli/version_without_schema_as_documented
# description: docs/project-file.md documents a version without `schema`, and its example project (taken from
#   the doc) behaves as the doc says: it loads; a record of the schema-less version is detected by its detector
#   alone and is not validated before it is migrated: `ferry validate` and a run judge it only after migration,
#   by the target's schema (VALIDATION_ERROR "after migration"); a record no detector matches is UNKNOWN_FORMAT; a schema-less version whose detector is `schema: true` is a load error saying so.
# group: e2e
source "$(dirname "$0")/../lib.sh"
DOC=$FERRY_SOURCE_DIR/docs/project-file.md
python3 - "$DOC" > ferry.yaml <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
marker = "**A version without `schema`**"
assert marker in text, "docs/project-file.md does not document a version without a schema"
print(re.search(r"```yaml\n(.*?)```", text.split(marker, 1)[1], re.S).group(1), end="")
PY
grep -q 'schema:' <(sed -n '/^  v1:/,/^[a-z]/p' ferry.yaml) && fail "the doc's v1 has a schema: $(cat ferry.yaml)"
mkdir schemas
echo '{"type": "object", "required": ["id", "title"], "properties": {"title": {"type": "string"}}}' > schemas/v2.json
cat > in.jsonl <<'JSONL'
{"id":"1","name":"first"}
{"id":"2","title":"second"}
{"id":"3","name":42}
{"id":"4","other":true}
JSONL
expect_exit 65 "$FERRY" validate -q --source in.jsonl --json > validate.json
python3 - <<'PY'
import json
r = json.load(open("validate.json"))
text = json.dumps(r)
assert r["versions"]["v1"] == {"count": 2, "share": 0.5, "invalid": 1}, text
assert r["invalid_by_code"] == {"UNKNOWN_FORMAT": 1, "VALIDATION_ERROR": 1}, text
bad = r["invalid_examples"]["VALIDATION_ERROR"][0]
assert bad["key"] == "3" and bad["pointer"] == "/title" and "after migration" in bad["message"], text
PY
"$FERRY" run -q --source in.jsonl --target out.jsonl --rejects rejects.jsonl --report rep.json
python3 - <<'PY'
import json
r = json.load(open("rep.json"))
assert r["migrated"] == 1 and r["already_at_target"] == 1 and r["rejected"] == 2, r
codes = sorted((j["key"], j["code"]) for j in map(json.loads, open("rejects.jsonl")))
assert codes == [("3", "VALIDATION_ERROR"), ("4", "UNKNOWN_FORMAT")], codes
out = [json.loads(l) for l in open("out.jsonl")]
assert out == [{"id": "1", "title": "first"}, {"id": "2", "title": "second"}], out
PY
# schema: true without a schema file: a load error that says so.
sed -i 's/detect: { has: \[name\] }/detect: { schema: true }/' ferry.yaml
expect_exit 78 "$FERRY" validate -q --source in.jsonl 2> load.txt
grep -q "is detected by its schema but has no 'schema' file" load.txt || fail "load error: $(cat load.txt)"
echo "PASS"
