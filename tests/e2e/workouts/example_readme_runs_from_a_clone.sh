#!/usr/bin/env bash
# name: workouts/example_readme_runs_from_a_clone
# description: examples/workouts/README.md exists, holds the example's contract (the rules ferry.yaml and the
#   schemas cite by number), and the commands of its "Try it" block run as written, in order, from a directory
#   laid out like a fresh clone (examples/ at its root, ferry on the PATH), each exiting 0; the run writes
#   unified.jsonl and the SQLite table and verify finds them in sync. No file under examples/ refers to a
#   path outside the repository.
# group: e2e
source "$(dirname "$0")/../lib.sh"
README=$FERRY_SOURCE_DIR/examples/workouts/README.md
[ -f "$README" ] || fail "examples/workouts/README.md is missing"
for rule in '| 1 |' '| 3 |' '| 5s |' '| 6 |'; do
  grep -qF "$rule" "$README" || fail "the README does not state rule $rule that ferry.yaml and the schemas cite"
done

# Every relative path an example file names stays inside the repository.
python3 - "$FERRY_SOURCE_DIR" <<'PY'
import os, re, sys
root = os.path.realpath(sys.argv[1])
bad = []
for folder, _, files in os.walk(os.path.join(root, "examples")):
    for name in files:
        path = os.path.join(folder, name)
        text = open(path, encoding="utf-8", errors="replace").read()
        for ref in re.findall(r"(?:\.\./)+[\w.-]+(?:/[\w.-]+)*", text):
            target = os.path.realpath(os.path.join(folder, ref))
            if not target.startswith(root + os.sep) or not os.path.exists(target):
                bad.append(os.path.relpath(path, root) + ": " + ref)
assert not bad, "references outside the repository (or to nothing): " + "; ".join(bad)
PY

# The "Try it" commands, as written, from a clone-like directory.
mkdir bin clone && ln -s "$FERRY" bin/ferry && export PATH=$WORK/bin:$PATH
cd clone
mkdir examples && cp -r "$FERRY_SOURCE_DIR/examples/workouts" examples/workouts
python3 "$E2E/ci/readme_block.py" "$README" "Try it" > ../commands.txt
[ "$(grep -c '^ferry ' ../commands.txt)" = "$(wc -l < ../commands.txt)" ] || fail "not only ferry commands: $(cat ../commands.txt)"
[ "$(wc -l < ../commands.txt)" -ge 5 ] || fail "the block is not what this test expects: $(cat ../commands.txt)"
n=0
while IFS= read -r command; do
  n=$((n + 1))
  set +e; bash -c "$command" < /dev/null > "../out.$n.txt" 2>&1; rc=$?; set -e
  [ "$rc" = 0 ] || fail "README command $n exited $rc: $command: $(tail -c 2000 "../out.$n.txt")"
done < ../commands.txt
[ -s unified.jsonl ] && [ -s workouts.db ] || fail "the run wrote nothing: $(ls)"
grep -qi "in sync" "../out.$n.txt" || fail "verify: $(cat "../out.$n.txt")"
echo "PASS"
