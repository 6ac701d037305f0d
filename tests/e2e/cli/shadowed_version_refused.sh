#!/usr/bin/env bash
# name: cli/shadowed_version_refused
# description: a version whose detector is matched by every record of an earlier version's detector (first
#   match wins) can never be detected: the project is refused at load (PROJECT_ERROR, exit 78, naming both
#   versions and the line), where before every rerun migrated the same records again; `has: []` and other
#   empty conditions are refused; a migrated record that does not detect as the target is rejected
#   (VALIDATION_ERROR) instead of being written and migrated again by every later run.
# group: e2e
source "$(dirname "$0")/../lib.sh"
echo '{"id":"r1","a":1}' > in.jsonl
check() {  # check LINE TEXT (ferry.yaml on stdin)
  cat > ferry.yaml
  set +e
  "$FERRY" run -q --state st.db --project . --source in.jsonl --target out.jsonl > /dev/null 2> err.txt
  local rc=$?
  set -e
  [ "$rc" = 78 ] || fail "expected exit 78, got $rc: $(cat err.txt)"
  grep -q "ferry.yaml:$1:" err.txt || fail "no 'ferry.yaml:$1:' in: $(cat err.txt)"
  grep -q -- "$2" err.txt || fail "no '$2' in: $(cat err.txt)"
}
check 4 "version 'new' can never be detected: version 'old'" <<'Y'
collection: c
versions:
  old: { detect: { has: [a] } }
  new: { detect: { has: [a, b] } }
migrations:
  - { id: m1, from: old, to: new, steps: [ { add: { field: b, value: 1 } } ] }
target: new
Y
check 4 "version 'new' can never be detected: version 'old'" <<'Y'
collection: c
versions:
  old: { detect: { type: { v: number }, lacks: [x] } }
  new: { detect: { equals: { v: 2 }, has: [w], lacks: [x] } }
migrations:
  - { id: m1, from: old, to: new, steps: [ { add: { field: w, value: 2 } } ] }
target: new
Y
check 3 "'has' needs at least one field name" <<'Y'
collection: c
versions:
  all: { detect: { has: [] } }
target: all
Y
# Narrower first, broader after: fine, and a rerun migrates nothing again.
cat > ferry.yaml <<'Y'
collection: c
versions:
  new: { detect: { has: [a, b] } }
  old: { detect: { has: [a] } }
migrations:
  - { id: m1, from: old, to: new, steps: [ { add: { field: b, value: 1 } } ] }
target: new
Y
"$FERRY" run -q --json --state st.db --project . --source in.jsonl --target out.jsonl > r1.json
"$FERRY" run -q --json --state st2.db --project . --source out.jsonl --target out2.jsonl > r2.json
python3 -c 'import json; r=json.load(open("r2.json")); assert r["migrated"] == 0 and r["already_at_target"] == 1, r' \
  || fail "migrated output is migrated again: $(cat r2.json)"
# A migration whose output is not detected as the target: rejected, not written.
cat > ferry.yaml <<'Y'
collection: c
versions:
  new: { detect: { has: [b] } }
  old: { detect: { has: [a] } }
migrations:
  - { id: m1, from: old, to: new, steps: [ { rename: { from: a, to: c } } ] }
target: new
Y
set +e
"$FERRY" run -q --state st3.db --project . --source in.jsonl --target out3.jsonl --rejects rej.jsonl \
  --on-error collect > /dev/null 2>&1
rc=$?
set -e
[ "$rc" = 3 ] || fail "expected exit 3, got $rc"
grep -q '"code":"VALIDATION_ERROR"' rej.jsonl && grep -q "detected as no version" rej.jsonl \
  || fail "no reject for output that does not detect as the target: $(cat rej.jsonl)"
[ ! -s out3.jsonl ] || fail "the undetectable record was written: $(cat out3.jsonl)"
echo PASS
