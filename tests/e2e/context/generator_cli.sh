#!/usr/bin/env bash
# name: context/generator_cli
# description: `ferry generate context` writes the same bytes for the same count, seed and shape (also to
#   stdout), other bytes for another seed; its summary counts the shapes; bad --shape values, --shape on
#   another data set and --expect-rejects are usage errors naming the problem.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate context --count 1500 --seed 4 --shape mixed --output a.jsonl > a.txt
"$FERRY" generate context --count 1500 --seed 4 --output b.jsonl > /dev/null   # mixed is the default
"$FERRY" generate context --count 1500 --seed 4 > c.jsonl
"$FERRY" generate context --count 1500 --seed 5 --output d.jsonl > /dev/null
cmp -s a.jsonl b.jsonl || fail "same options, different bytes"
cmp -s a.jsonl c.jsonl || fail "stdout differs from --output"
cmp -s a.jsonl d.jsonl && fail "different seeds, same bytes"
[ "$(wc -l < a.jsonl)" = 1500 ] || fail "expected 1500 lines"
grep -Eq "^Wrote 1,500 context records \(0\.[0-9] MB\) to a.jsonl: context-2 [0-9,]+, context-1 [0-9,]+$" a.txt \
  || fail "summary: $(cat a.txt)"
legacy=$(grep -c '"created_at"' a.jsonl)
grep -q "context-1 $legacy\$" a.txt || fail "summary says $(cat a.txt), the file has $legacy legacy lines"
"$FERRY" generate context --count 1500 --seed 4 --shape current --output cur.jsonl --json > cur.json
python3 -c "
import json; s = json.load(open('cur.json'))
assert s['records'] == 1500 and s['current'] == 1500 and s['legacy'] == 0, s"
grep -q '"created_at"' cur.jsonl && fail "current shape holds legacy records"
"$FERRY" generate context --count 10 --shape legacy --output leg.jsonl > /dev/null
[ "$(grep -c '"created_at"' leg.jsonl)" = 10 ] || fail "legacy shape holds current records"

expect_exit 2 "$FERRY" generate context --count 10 --shape old --output x.jsonl 2> err.txt
grep -q "unknown context shape 'old' (expected one of: current, legacy, mixed)" err.txt || fail "$(cat err.txt)"
expect_exit 2 "$FERRY" generate workouts --count 10 --shape legacy --output x.jsonl 2> err.txt
grep -q -- "--shape is for the context data set" err.txt || fail "$(cat err.txt)"
expect_exit 2 "$FERRY" generate context --count 10 --expect-rejects r.jsonl --output x.jsonl 2> err.txt
grep -q "no records to reject" err.txt || fail "$(cat err.txt)"
expect_exit 2 "$FERRY" generate contexts --count 10 --output x.jsonl 2> err.txt
grep -q "available: workouts, local-storage, context" err.txt || fail "$(cat err.txt)"
echo PASS
