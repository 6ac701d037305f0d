#!/usr/bin/env bash
# name: safety/rejects_kept_without_rejects_option
# description: a run given no --rejects still keeps every rejected record, in its default reject file beside
#   the state (.ferry/rejects/RUN.jsonl, the --rejects format), says where (text and --json), continues it
#   exactly once when the run resumes, leaves none when nothing was rejected, and `ferry cleanup` names it.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --scenario mixed --count 3000 --seed 41 --output mixed.jsonl --expect-rejects expected.jsonl > /dev/null
expected=$(wc -l < expected.jsonl)
[ "$expected" -gt 3 ] || fail "the data set should hold more rejects than the examples shown ($expected)"

# The oracle: the same run with --rejects.
"$FERRY" run -q --project "$PROJECT" --source mixed.jsonl --target chosen.jsonl --rejects chosen-rejects.jsonl > /dev/null

# Without --rejects: the text names the default reject file, which holds every reject.
"$FERRY" run --project "$PROJECT" --source mixed.jsonl --target out.jsonl > run.txt
file=$(sed -n 's/^All .* rejected records .* are in \(\.ferry\/rejects\/[^ ]*\.jsonl\) .*/\1/p' run.txt)
[ -n "$file" ] || fail "the run does not say where its rejects are: $(cat run.txt)"
[ -s "$file" ] || fail "$file is missing"
cmp <(sort "$file") <(sort chosen-rejects.jsonl) || fail "the default reject file differs from the --rejects one"
python3 - "$file" expected.jsonl <<'PY'
import json, sys
got = [json.loads(l).get("key") for l in open(sys.argv[1])]
want = [json.loads(l)["id"] for l in open(sys.argv[2])]
# The generator lists records whose id is not a string (bad_id) with id null.
assert len(got) == len(want), (len(got), len(want))
assert sorted(k for k in got if isinstance(k, str)) == sorted(w for w in want if w is not None), (got, want)
PY

run_id=$(basename "$file" .jsonl)
"$FERRY" status "$run_id" | grep -qF "rejects     $file" || fail "ferry status $run_id does not name $file"

# --json says it too; a run that rejects nothing leaves no reject file.
"$FERRY" run -q --json --project "$PROJECT" --source mixed.jsonl --target out2.jsonl > run.json
python3 -c "
import json, os; r = json.load(open('run.json'))
assert r['rejected'] == $expected and os.path.getsize(r['rejects_file']) > 0, r"
"$FERRY" generate workouts --scenario all-valid --count 500 --seed 42 --output clean.jsonl > /dev/null
before=$(ls .ferry/rejects | wc -l)
"$FERRY" run -q --json --project "$PROJECT" --source clean.jsonl --target clean-out.jsonl > clean.json
python3 -c "import json; r = json.load(open('clean.json')); assert r['rejected'] == 0 and r['rejects_file'] == '', r"
[ "$(ls .ferry/rejects | wc -l)" = "$before" ] || fail "a run without rejects left a reject file"

# Stopped at the first reject, then resumed with --on-error skip: the file
# holds each reject once.
expect_exit 65 "$FERRY" run -q --json --project "$PROJECT" --source mixed.jsonl --target resumed.jsonl \
  --on-error stop --batch-size 10 --commit-interval 0 > stopped.json 2> /dev/null
stopped=$(python3 -c "import json; print(json.load(open('stopped.json'))['rejects_file'])")
[ -s "$stopped" ] || fail "the stopping reject is not in $stopped"
[ -z "$(comm -23 <(sort "$stopped") <(sort chosen-rejects.jsonl))" ] || fail "$stopped holds other lines"
"$FERRY" run -q --json --project "$PROJECT" --source mixed.jsonl --target resumed.jsonl --on-error skip \
  --batch-size 10 > resumed.json
python3 -c "
import json; r = json.load(open('resumed.json'))
assert r['resumed'] and r['rejects_file'] == '$stopped', r"
cmp <(sort "$stopped") <(sort chosen-rejects.jsonl) || fail "the resumed run's reject file is not each reject once"

# cleanup refuses to remove rejected records' only copy, and names the file.
"$FERRY" run -q --json --project "$PROJECT" --source mixed.jsonl --target "sqlite:t.db#workouts" > table.json
tfile=$(python3 -c "import json; print(json.load(open('table.json'))['rejects_file'])")
expect_exit 75 "$FERRY" cleanup --yes --project "$PROJECT" --source mixed.jsonl --target "sqlite:t.db#workouts" > out.txt 2>&1
grep -qF "listed in $tfile" out.txt || fail "cleanup does not name the reject file $tfile: $(cat out.txt)"
[ -s "$tfile" ] || fail "$tfile is missing"
