# Helpers for the tests of a run stopped by a reject (sourced after lib.sh).
#
# stop_source OUT BEFORE AFTER: writes OUT, JSON Lines workouts: BEFORE valid
#   records, then one that fails its schema (not at /id), then AFTER valid ones,
#   with ids wk-00000001... in that order (so a table reads them in that order).
# undo_command FILE: the rollback command a stopped run's message names, run
#   with $FERRY.
stop_source() {
  "$FERRY" generate workouts --count 4000 --seed 9 --output stop-gen.jsonl > /dev/null
  "$FERRY" run -q --project "$PROJECT" --source stop-gen.jsonl --target stop-gen-ok.jsonl --on-error skip \
    --rejects stop-gen.rej > /dev/null
  python3 - stop-gen.jsonl stop-gen.rej "$@" <<'PY'
import json, sys
src, rej, out, before, after = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
bad = {}
for line in open(rej):
    r = json.loads(line)
    bad[r["record"]] = r
lines = open(src).readlines()
good = [json.loads(l) for i, l in enumerate(lines, 1) if i not in bad]
invalid = [json.loads(lines[n - 1]) for n, r in sorted(bad.items())
           if r["code"] == "VALIDATION_ERROR" and all(e.get("pointer", "") not in ("", "/id") for e in r["errors"])]
docs = good[:before] + [invalid[0]] + good[before:before + after]
with open(out, "w") as f:
    for i, d in enumerate(docs, 1):
        d["id"] = "wk-%08d" % i
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
}
undo_command() {
  local cmd
  cmd=$(grep -o 'undo them with: ferry rollback [^;]*' "$1" | head -1 | sed 's/^undo them with: ferry //')
  [ -n "$cmd" ] || fail "no rollback command in $1: $(cat "$1")"
  eval "\"\$FERRY\" $cmd"
}
