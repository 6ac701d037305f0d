#!/usr/bin/env bash
# name: cli/project_yaml_alias_bomb_refused
# description: a "billion laughs" ferry.yaml (aliases nested nine deep, ~10^9 strings once expanded), even
#   hidden in a migration's description, is refused with PROJECT_ERROR (exit 78) naming the file, line and
#   the limit, as the data YAML reader refuses it; so is a key given twice in one mapping. Run
#   under `ulimit -v` (not under AddressSanitizer, which cannot start so) so that a loader without the limit
#   fails fast instead of eating the machine's memory.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir -p p/schemas
echo '{"type":"object"}' > p/schemas/a.json
echo '{"x": 1}' > in.jsonl
# A 2 GB address-space limit, so that a loader without the limit fails fast; none under AddressSanitizer,
# which reserves terabytes of shadow memory at start (a loader without the limit is then caught by its size).
limit=2000000
# (The libraries are read whole before matching: `ldd | grep -q` under pipefail fails at random when grep
# exits at its match while ldd still writes, and then the limit was kept under AddressSanitizer.)
libraries=$(ldd "$FERRY")
[[ $libraries == *libasan* ]] && limit=unlimited
# check NAME: ferry.yaml from stdin must be refused with 78 and a message naming the limit.
check() {
  cat > p/ferry.yaml
  set +e
  (ulimit -v "$limit"; "$FERRY" analyze -q --project p --source in.jsonl > /dev/null 2> err.txt)
  local rc=$?
  set -e
  [ "$rc" = 78 ] || fail "$1: expected exit 78, got $rc: $(head -c 600 err.txt)"
  grep -q "p/ferry.yaml:[0-9]*:[0-9]*: .*$2" err.txt || fail "$1: no 'ferry.yaml:LINE:COL: ... $2' in: $(cat err.txt)"
}
check "bomb in a description" max_alias_expansion <<'Y'
collection: c
versions:
  a: { detect: { has: [x] }, schema: schemas/a.json }
  b: { detect: { has: [y] }, schema: schemas/a.json }
x-lol:
  l0: &l0 "lol"
  l1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]
  l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]
  l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]
  l4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]
  l5: &l5 [*l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4]
  l6: &l6 [*l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5]
  l7: &l7 [*l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6]
  l8: &l8 [*l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7]
migrations:
  - id: m1
    from: a
    to: b
    description: [*l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8]
    steps: [ { rename: { from: x, to: y } } ]
target: b
Y
# A key given twice in one mapping: refused like in YAML data (yaml-cpp would keep one silently).
check "duplicate key" 'duplicate key "versions"' <<'Y'
collection: c
versions:
  a: { detect: { has: [x] }, schema: schemas/a.json }
versions:
  b: { detect: { has: [y] }, schema: schemas/a.json }
target: b
Y
# A project that reuses blocks through anchors (as the examples do) still loads.
"$FERRY" analyze -q --project "$PROJECT" --source in.jsonl > /dev/null 2> err.txt || [ $? != 78 ] \
  || fail "the workouts example no longer loads: $(cat err.txt)"
echo PASS
