#!/usr/bin/env bash
# name: cli/init_writes_project_from_sample
# description: `ferry init --sample` writes a ferry.yaml and a JSON Schema inferred from the sample's
#   records; the project loads and a run over the sample migrates every record; an existing ferry.yaml
#   (or schema) is never overwritten. The sample is read like a run's source: any format, a byte order mark
#   skipped.
# group: e2e
source "$(dirname "$0")/../lib.sh"
cat > sample.jsonl <<'JSON'
{"id": "a1", "title": "first", "tags": ["x", "y"], "score": 3, "meta": {"pinned": true}}

{"id": "a2", "title": "second", "tags": [], "score": 2.5, "note": null, "meta": {"pinned": false, "by": "me"}}
{"id": "a3", "title": "third", "tags": ["z"], "score": 7, "meta": {"pinned": true}}
JSON
"$FERRY" init --sample sample.jsonl --dir proj > init.txt
grep -q "from 3 records" init.txt || fail "init summary: $(cat init.txt)"
python3 - <<'PY'
import json
s = json.load(open('proj/schemas/v1.json'))
p = s['properties']
assert s['type'] == 'object' and s['required'] == ['id', 'title', 'tags', 'score', 'meta'], s
assert p['id'] == {'type': 'string'} and p['score'] == {'type': 'number'}, p
assert p['tags'] == {'type': 'array', 'items': {'type': 'string'}}, p['tags']
assert p['note'] == {'type': 'null'} and p['meta']['required'] == ['pinned'], p
assert p['meta']['properties']['by'] == {'type': 'string'}, p['meta']
PY
grep -qx 'collection: "proj"' proj/ferry.yaml && grep -qx 'key: "id"' proj/ferry.yaml || fail "ferry.yaml: $(cat proj/ferry.yaml)"
# The written project loads and a run over the sample takes every record.
"$FERRY" validate -q --project proj --source sample.jsonl > validate.txt || fail "validate: $(cat validate.txt)"
"$FERRY" run -q --project proj --source sample.jsonl --target out.jsonl --state state.db --json > run.json
python3 -c "
import json; r = json.load(open('run.json'))
assert r['input'] == 3 and r['rejected'] == 0, r"
[ "$(wc -l < out.jsonl)" = 3 ] || fail "run output: $(cat out.jsonl)"
# A record the schema does not allow is rejected by the same project.
echo '{"id": "b1", "title": 5, "tags": [], "score": 1, "meta": {"pinned": true}}' > bad.jsonl
expect_exit 65 "$FERRY" validate -q --project proj --source bad.jsonl > /dev/null
# Never overwritten: the files stay byte for byte.
before=$(snapshot proj)
rc=0; "$FERRY" init --sample sample.jsonl --dir proj 2> again.err || rc=$?
[ "$rc" = 75 ] && grep -q "ferry.yaml exists" again.err || fail "refusal (exit $rc): $(cat again.err)"
[ "$(snapshot proj)" = "$before" ] || fail "init changed an existing project"
rm proj/ferry.yaml
rc=0; "$FERRY" init --sample sample.jsonl --dir proj 2> again.err || rc=$?
[ "$rc" = 75 ] && grep -q "v1.json exists" again.err && [ ! -e proj/ferry.yaml ] || fail "schema refusal (exit $rc): $(cat again.err)"
# The sample is any source a run reads: CSV with a byte order mark, gzip-compressed JSON Lines.
printf '\xef\xbb\xbfid,name,count\nn1,a,3\nn2,b,4\n' > sample.csv
"$FERRY" init --sample sample.csv --dir csvproj > init.txt || fail "init from CSV with a byte order mark"
python3 -c "
import json; s = json.load(open('csvproj/schemas/v1.json'))
assert s['required'] == ['id', 'name', 'count'] and s['properties']['count'] == {'type': 'integer'}, s"
gzip -k sample.jsonl
"$FERRY" init --sample sample.jsonl.gz --dir gzproj > init.txt && grep -q "from 3 records" init.txt \
  || fail "init from gzip: $(cat init.txt)"
cmp -s gzproj/schemas/v1.json proj/schemas/v1.json || fail "the gzip sample gave another schema"
grep -v '^$' sample.jsonl | "$FERRY" init --sample - --dir stdinproj > init.txt || fail "init from stdin: $(cat init.txt)"
cmp -s stdinproj/schemas/v1.json proj/schemas/v1.json || fail "the sample on stdin gave another schema"
# Nothing to recognise records by: refused, nothing written.
printf '{"a": 1}\n{"b": 2}\n' > disjoint.jsonl
rc=0; "$FERRY" init --sample disjoint.jsonl --dir d2 2> d2.err || rc=$?
[ "$rc" = 2 ] && grep -q "no field is in every record" d2.err && [ ! -e d2 ] || fail "disjoint sample (exit $rc): $(cat d2.err)"
echo PASS
