#!/usr/bin/env bash
# name: cli/throttle_pauses_between_every_batch
# description: --throttle-ms pauses between every two batches also when the whole input fits the
#   read-ahead window (500 records, --batch-size 10: 50 batches, 49 pauses of 20 ms, so the run takes
#   at least ~1 s; it used to pause only while the reader had more to read, i.e. never here). A lower
#   bound on the wall time that only the pauses make: a slow machine cannot fail it, so it is a
#   behaviour check, not a timed assertion.
# group: e2e
source "$(dirname "$0")/../lib.sh"
cat > ferry.yaml <<'YAML'
collection: notes
versions:
  v2:
    detect: { has: [title] }
  v1:
    detect: { has: [name] }
migrations:
  - id: v1-to-v2
    from: v1
    to: v2
    steps:
      - rename: { from: name, to: title }
target: v2
YAML
python3 -c '
for i in range(500): print("{\"id\":\"n%d\",\"name\":\"x%d\"}" % (i, i))' > in.jsonl
elapsed_ms() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
ms=$(elapsed_ms "$FERRY" run -q --project ferry.yaml --source in.jsonl --target out.jsonl --batch-size 10 --throttle-ms 20)
[ "$(wc -l < out.jsonl)" = 500 ] || fail "expected 500 records written"
# 49 pauses x 20 ms = 980 ms at the very least.
[ "$ms" -ge 980 ] || fail "50 batches with --throttle-ms 20 took ${ms} ms: the pause was not applied between every batch"
# Without the flag nothing waits (the bound above is the throttle's, not the run's).
rm out.jsonl
ms=$(elapsed_ms "$FERRY" run -q --project ferry.yaml --source in.jsonl --target out.jsonl --batch-size 10)
echo "unthrottled: ${ms} ms"
echo OK
