#!/usr/bin/env bash
# name: workouts/memory_stays_flat
# description: peak RSS migrating 1,000,000 documents is at most 1.5x that for 100,000.
# group: e2e nosan (sanitizers change the memory profile)
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 1000000 --seed 77 --output big.jsonl > /dev/null
head -n 100000 big.jsonl > small.jsonl
peak() {
  python3 - "$@" <<'PY'
import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, status
print(ru.ru_maxrss)  # KiB
PY
}
small=$(peak "$FERRY" run -q --project "$PROJECT" --source small.jsonl --target s.out --rejects s.rej)
big=$(peak "$FERRY" run -q --project "$PROJECT" --source big.jsonl --target b.out --rejects b.rej)
echo "peak RSS: 100k docs ${small} KiB, 1M docs ${big} KiB"
python3 -c "import sys; sys.exit(0 if $big <= 1.5 * $small else 1)" || fail "memory grew: $small -> $big KiB"
echo PASS
