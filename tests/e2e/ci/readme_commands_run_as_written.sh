#!/usr/bin/env bash
# name: ci/readme_commands_run_as_written
# description: README's first command, scripts/demo.sh (with a small count and the built binary), runs and
#   checks itself; then every command of README's "Using it" block, extracted from the README (so the
#   README cannot drift from what works), runs in order in a fresh directory on a terminal and exits 0:
#   synopses ("list | verify ID | ...") run each alternative, optional parts ("[--version V]") run without
#   and with; placeholders take the values the earlier commands made; the PostgreSQL URI is the test
#   cluster's; a rollback that asks is answered "yes"; 5,000 workouts are generated instead of 100,000.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
README=$FERRY_SOURCE_DIR/README.md
# 1. The demo, as the README's first command runs it, without installing and building again.
grep -q '^scripts/demo.sh  ' "$README" || fail "README's first command is no longer scripts/demo.sh"
FERRY_DEMO_BINARY=$FERRY FERRY_DEMO_DIR=$WORK/demo "$FERRY_SOURCE_DIR/scripts/demo.sh" 3000 > demo.out 2>&1 \
  || fail "scripts/demo.sh failed: $(tail -20 demo.out)"
grep -q '^verified: 3000 in = ' demo.out || fail "the demo did not verify its run: $(tail -5 demo.out)"
grep -q '^Sync status: in sync' demo.out || fail "the demo's verify is not in sync: $(tail -20 demo.out)"
# 2. The "Using it" block, from a directory where `ferry` and `examples/` are what the README means.
mkdir bin use && ln -s "$FERRY" bin/ferry && export PATH=$WORK/bin:$PATH
cd use
ln -s "$FERRY_SOURCE_DIR/examples" examples
python3 "$E2E/ci/readme_block.py" "$README" "Using it" > ../commands.txt
[ "$(grep -c '^ferry ' ../commands.txt)" = "$(wc -l < ../commands.txt)" ] || fail "not every line is a ferry command"
[ "$(wc -l < ../commands.txt)" -ge 25 ] || fail "the block is not what this test expects: $(cat ../commands.txt)"
pg=$(pg_database readme)
echo "the right passphrase" > pw
n=0
while IFS= read -r command; do
  n=$((n + 1))
  # Placeholders: values the commands before made. A new placeholder must be added here.
  case "$command" in *data.yaml.enc*)
    ferry export -q --project examples/workouts --source unified.jsonl --target data.yaml.enc --passphrase-file pw \
      > /dev/null ;;
  esac
  if grep -q ' RUN$' <<< "$command"; then  # the newest run
    run_id=$(ferry status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["run_id"])')
    command=${command% RUN}" $run_id"
  fi
  if grep -qE ' ID( |$)' <<< "$command"; then  # the newest backup
    backup_id=$(ferry backup list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
    command=$(sed -E "s/ ID( |$)/ $backup_id\1/" <<< "$command")
  fi
  command=${command//postgres:\/\/app@127.0.0.1:5432\/app/$pg}
  command=${command/ --count 100000 / --count 5000 }  # the same commands on less data: a quick test
  command=$(sed -E "s/ NAME$/ nightly/; s/ --version V$/ --version unified-1/; s/ STORE / sqlite:workouts.db /; s/ --dir DIR$/ --dir new-project/" \
    <<< "$command")
  if grep -qE ' [A-Z]{1,5}( |$)' <<< "$command"; then fail "an unknown placeholder in: $command"; fi
  echo "\$ $command" >> ../ran.txt
  set +e; python3 "$E2E/ci/on_terminal.py" "../out.$n.txt" "$command"; rc=$?; set -e
  # The README's data has rejected records, and cleanup (its comment says: without rejects) refuses then.
  if [ "${command#ferry cleanup }" != "$command" ] && [ "$rc" = 75 ] &&
     grep -q "CONFLICT: [0-9]* records of workouts.jsonl are rejected by the migration" "../out.$n.txt"; then
    [ -s workouts.jsonl ] || fail "the refused cleanup removed the source"
    cleanup_refused=1
    continue
  fi
  [ "$rc" = 0 ] || fail "README command $n exited $rc: $command: $(tail -c 2000 "../out.$n.txt")"
done < ../commands.txt
[ "$n" = "$(wc -l < ../commands.txt)" ] || fail "ran $n of $(wc -l < ../commands.txt) commands"
[ "$(grep -c '"rejected": *[1-9]' report.json)" = 1 ] && [ "${cleanup_refused:-0}" = 1 ] \
  || fail "cleanup succeeded although records were rejected, or refused although none was"
rollback=$(grep -nx 'ferry rollback --project examples/workouts' ../commands.txt | cut -d: -f1)
grep -q "^Rollback of run " "../out.$rollback.txt" || fail "the rollback showed no impact: $(cat "../out.$rollback.txt")"
[ -s out.csv.zst ] && [ -s contexts.jsonl ] || fail "the commands did not write what they say"
echo "PASS ($n commands)"
