#!/usr/bin/env bash
# name: cli/project_errors
# description: a broken ferry.yaml is refused before any data is read, with exit 78 and a message naming
#   the file, the line and the fix (unknown step, unknown version, cycle, unreachable target, schema
#   file missing or invalid, YAML syntax).
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir -p p/schemas
echo '{"type":"object"}' > p/schemas/a.json
echo '{"type": "objekt"}' > p/schemas/bad.json
echo '{"type": ' > p/schemas/broken.json
echo '{}' > in.jsonl
check() {  # check EXPECTED_LINE EXPECTED_TEXT  (ferry.yaml on stdin)
  cat > p/ferry.yaml
  set +e
  "$FERRY" analyze -q --project p --source in.jsonl > /dev/null 2> err.txt
  local rc=$?
  set -e
  [ "$rc" = 78 ] || fail "expected exit 78, got $rc: $(cat err.txt)"
  grep -q "p/ferry.yaml:$1:" err.txt || fail "no 'ferry.yaml:$1:' in: $(cat err.txt)"
  grep -q -- "$2" err.txt || fail "no '$2' in: $(cat err.txt)"
}
check 7 "unknown step" <<'Y'
collection: c
versions:
  a: { detect: { has: [x] }, schema: schemas/a.json }
  b: { detect: { has: [y] }, schema: schemas/a.json }
migrations:
  - { id: m1, from: a, to: b, steps: [
      { renam: { from: x, to: y } } ] }
target: b
Y
check 6 "unknown version 'bb'" <<'Y'
collection: c
versions:
  a: { detect: { has: [x] }, schema: schemas/a.json }
  b: { detect: { has: [y] }, schema: schemas/a.json }
migrations:
  - { id: m1, from: a, to: bb, steps: [] }
target: b
Y
check 3 "cannot be reached from version 'a'" <<'Y'
collection: c
versions:
  a: { detect: { has: [x] }, schema: schemas/a.json }
  b: { detect: { has: [y] }, schema: schemas/a.json }
target: b
Y
check 3 "not found" <<'Y'
collection: c
versions:
  a: { detect: { has: [x] }, schema: schemas/missing.json }
target: a
Y
check 3 "not a valid JSON Schema" <<'Y'
collection: c
versions:
  a: { detect: { has: [x] }, schema: schemas/bad.json }
target: a
Y
check 3 "not valid" <<'Y'
collection: c
versions:
  a: { detect: { has: [x] }, schema: schemas/broken.json }
target: a
Y
check 8 "cycle" <<'Y'
collection: c
versions:
  a: { detect: { has: [x] }, schema: schemas/a.json }
  b: { detect: { has: [y] }, schema: schemas/a.json }
  t: { detect: { has: [z] }, schema: schemas/a.json }
migrations:
  - { id: m1, from: a, to: b, steps: [] }
  - { id: m2, from: b, to: a, steps: [] }
  - { id: m3, from: b, to: t, steps: [] }
target: t
Y
check 2 "unknown key 'versionz'" <<'Y'
collection: c
versionz: {}
Y
check 4 "invalid YAML" <<'Y'
collection: c
versions:
  a: [unclosed
Y
echo PASS
