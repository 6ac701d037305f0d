#!/usr/bin/env bash
# name: cli/noncritical_migration_skipped
# description: a non-critical migration with `on_failure: skip` that fails on a record lets the record go
#   on without it (counted per migration); without it the record is rejected; a critical migration
#   cannot be configured so (PROJECT_ERROR naming the line).
# group: e2e
source "$(dirname "$0")/../lib.sh"
cat > ferry.yaml <<'YAML'
collection: notes
versions:
  v2:
    detect: { has: [title, counted] }
  v1:
    detect: { has: [title] }
  v0:
    detect: { has: [name] }
migrations:
  - id: v0-to-v1
    from: v0
    to: v1
    steps:
      - rename: { from: name, to: title }
  - id: v1-to-v2
    from: v1
    to: v2
    on_failure: skip
    steps:
      - to_number: { field: views }
      - add: { field: counted, value: true }
target: v2
YAML
printf '{"id":"a","name":"x","views":"12"}\n{"id":"b","name":"y","views":"lots"}\n' > in.jsonl
"$FERRY" run -q --project ferry.yaml --source in.jsonl --target out.jsonl --json > r.json
python3 - <<'PY'
import json
r = json.load(open("r.json"))
assert r["migrated"] == 2 and r["rejected"] == 0, r
assert r["skipped_migrations"] == {"v1-to-v2": 1}, r
out = [json.loads(l) for l in open("out.jsonl")]
assert out == [{"id": "a", "title": "x", "views": 12, "counted": True}, {"id": "b", "title": "y", "views": "lots"}], out
PY
sed 's/    on_failure: skip/    on_failure: reject/' ferry.yaml > strict.yaml
"$FERRY" run -q --state strict.db --project strict.yaml --source in.jsonl --target strict.jsonl --json > s.json || true
python3 -c "
import json; r = json.load(open('s.json'))
assert r['migrated'] == 1 and r['rejects_by_code'] == {'MIGRATION_ERROR': 1}, r"
sed 's/    on_failure: skip/    on_failure: skip\n    critical: true/' ferry.yaml > critical.yaml
expect_exit 78 "$FERRY" plan -q --project critical.yaml --source in.jsonl 2> err.txt
grep -q "critical.yaml:[0-9]*: migration 'v1-to-v2' is critical" err.txt || fail "$(cat err.txt)"
echo PASS
