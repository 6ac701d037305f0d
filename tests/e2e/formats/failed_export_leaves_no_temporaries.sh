#!/usr/bin/env bash
# name: failed_export_leaves_no_temporaries
# description: an encoded file output (CSV, compressed, split) is written again from the first record by the
#   next attempt, so a run that fails (here: --on-error stop on an invalid record) removes its temporary files
#   (.NAME.ferry-RUN and its parts') instead of leaving them beside the target; a plain JSON Lines target, which
#   a rerun resumes from its checkpoint, keeps its temporary.
# group: formats
source "$(dirname "$0")/../lib.sh"

"$FERRY" generate workouts -n 300 --seed 5 --scenario malformed -o src.jsonl > /dev/null
mkdir out
for target in out/data.csv out/data.jsonl.gz out/parts.csv; do
  extra=()
  [ "$target" = out/parts.csv ] && extra=(--split 4KB)
  got=0
  "$FERRY" export -q -p "$PROJECT" --source src.jsonl --target "$target" --on-error stop "${extra[@]}" \
    > /dev/null 2> err.txt || got=$?
  [ "$got" != 0 ] || fail "export of invalid records to $target with --on-error stop succeeded"
  left=$(ls -A out | grep 'ferry-' || true)
  [ -z "$left" ] || fail "a failed export to $target left temporary files: $left"
done
# The plain JSON Lines target is resumable: its temporary stays for the rerun.
got=0
"$FERRY" run -q -p "$PROJECT" --source src.jsonl --target out/plain.jsonl --on-error stop > /dev/null 2>&1 || got=$?
[ "$got" != 0 ] || fail "the run with --on-error stop succeeded"
ls -A out | grep -q '^\.plain\.jsonl\.ferry-' || fail "the resumable run's temporary output is gone"
echo ok
