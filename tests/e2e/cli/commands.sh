#!/usr/bin/env bash
# name: cli/commands
# description: every command has --help; analyze, plan, validate and generate work in human and --json
#   form; only results go to stdout; generate is deterministic.
# group: e2e
source "$(dirname "$0")/../lib.sh"
for c in analyze plan run validate generate; do
  # Through a file: `grep -q` stops reading at the first match, and a help text
  # longer than one stdio buffer would then die of SIGPIPE under pipefail.
  "$FERRY" $c --help > help.txt || fail "$c --help exited $?"
  grep -q -i "usage" help.txt || fail "$c --help"
done
expect_exit 2 "$FERRY" frobnicate
"$FERRY" generate workouts --count 2000 --seed 1 --output a.jsonl > /dev/null
"$FERRY" generate workouts --count 2000 --seed 1 --output b.jsonl > /dev/null
cmp a.jsonl b.jsonl || fail "generate is not deterministic"
"$FERRY" generate workouts --count 5 --seed 1 > c.jsonl
[ "$(wc -l < c.jsonl)" = 5 ] || fail "generate to stdout"
"$FERRY" analyze --project "$PROJECT" --source a.jsonl > analyze.txt 2> analyze.err
grep -q "strength" analyze.txt && grep -q "Recommendations" analyze.txt || fail "analyze output: $(cat analyze.txt)"
"$FERRY" analyze --project "$PROJECT" --source a.jsonl --json > analyze.json
python3 -c "
import json; a = json.load(open('analyze.json'))
assert a['records'] == 2000 and sum(v['count'] for v in a['versions'].values()) + a['invalid_by_code'].get('UNKNOWN_FORMAT', 0) + a['invalid_by_code'].get('PARSE_ERROR', 0) == 2000, a
assert a['versions']['unified-1']['count'] == a['already_at_target'] or a['versions']['unified-1']['invalid'] > 0, a"
"$FERRY" plan --project "$PROJECT" --source a.jsonl --json > plan.json
python3 -c "
import json; p = json.load(open('plan.json'))
v = {x['version']: x for x in p['versions']}
assert v['strength']['path'][0]['migration'] == 'strength-to-unified-1' and v['strength']['lossy'], v
assert p['estimated_seconds'] > 0 and p['sample_records'] > 0, p"
"$FERRY" plan --project "$PROJECT" --source a.jsonl | grep -q "Estimated duration" || fail "plan human output"
"$FERRY" run -q --project "$PROJECT" --source a.jsonl --target out.jsonl > /dev/null
"$FERRY" validate -q --project "$PROJECT" --source out.jsonl --version unified-1 | grep -q "valid" || fail validate
expect_exit 65 "$FERRY" validate -q --project "$PROJECT" --source a.jsonl --version unified-1
echo PASS
