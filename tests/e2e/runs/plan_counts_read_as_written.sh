#!/usr/bin/env bash
# name: runs/plan_counts_read_as_written
# description: `ferry plan` words what it found by code and number: a record failing a migration step is a
#   MIGRATION_ERROR "fails a migration step" (not "fail their schema"), one record is "1 record", and a
#   schema failure is "fails its schema (VALIDATION_ERROR)".
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir proj
cat > proj/ferry.yaml <<'YAML'
collection: items
versions:
  old: { detect: { lacks: [v] } }
  new: { detect: { has: [v] } }
migrations:
  - id: old-to-new
    from: old
    to: new
    steps:
      - to_number: { field: size }
      - add: { field: v, value: 2 }
target: new
YAML
printf '%s\n' '{"id":"a","size":"1"}' '{"id":"b","size":"xl"}' '{"id":"c","size":"2"}' > one.jsonl
"$FERRY" plan -q --project proj --source one.jsonl > plan.txt
grep -q "^Plan for 3 records" plan.txt || fail "$(cat plan.txt)"
grep -q "Warning: 1 record fails a migration step (MIGRATION_ERROR): it will be rejected" plan.txt \
  || fail "$(cat plan.txt)"
if grep -q "1 records\|fail their schema (MIGRATION_ERROR)" plan.txt; then fail "$(cat plan.txt)"; fi
printf '%s\n' '{"id":"d","size":"m"}' >> one.jsonl
expect_exit 65 "$FERRY" plan -q --project proj --source one.jsonl --on-error stop > stop.txt
grep -q "2 records fail a migration step (MIGRATION_ERROR): with --on-error stop the run would fail" stop.txt \
  || fail "$(cat stop.txt)"
"$FERRY" generate workouts --scenario mixed --count 300 --seed 5 --output w.jsonl > /dev/null
"$FERRY" plan -q --project "$PROJECT" --source w.jsonl > w.txt
grep -q "Warning: 1 record fails its schema (VALIDATION_ERROR): it will be rejected" w.txt || fail "$(cat w.txt)"
echo PASS
