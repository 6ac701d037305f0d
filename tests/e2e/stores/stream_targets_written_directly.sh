#!/usr/bin/env bash
# name: stream_targets_written_directly
# description: a target that is a character device (/dev/null, a device node of our own when root), a FIFO, a
#   symlink to a device, or `-` (stdout) is written directly: no temporary file is renamed over it, so the device
#   stays a device, the FIFO a FIFO and the symlink a symlink, and the run says atomic publication does not apply.
#   `--source -` reads stdin (format detected from the content). An interrupted run into a FIFO is not resumed
#   (its next run writes everything from the first record); an interrupted run from a stream source is refused
#   a resume (CONFLICT) until --restart.
# group: stores
source "$(dirname "$0")/../lib.sh"

"$FERRY" generate workouts -n 400 --seed 3 -o src.jsonl > /dev/null
"$FERRY" run -q --state ref.db -p "$PROJECT" --source src.jsonl --target expected.jsonl > /dev/null
[ -s expected.jsonl ] || fail "no reference output"

# run_into TARGET: a run into TARGET; its stdout and stderr in out.txt and err.txt.
run_into() { "$FERRY" run -p "$PROJECT" --source src.jsonl --target "$1" "${@:2}" > out.txt 2> err.txt; }
no_temps() { ! ls -a "$1" | grep -q 'ferry-' || fail "temporary files left in $1: $(ls -a "$1")"; }

# A character device of our own first (as root a replaced node would show here, not in /dev), then /dev/null.
devices=()
if mknod own-null c 1 3 2> /dev/null && echo probe > own-null 2> /dev/null; then devices+=("$WORK/own-null"); fi
devices+=(/dev/null)
for dev in "${devices[@]}"; do
  run_into "$dev" || fail "run into $dev: $(cat err.txt)"
  [ -c "$dev" ] || fail "$dev is no longer a character device"
  grep -q "atomic publication does not apply" out.txt || fail "the run into $dev did not say it was written directly"
  ln -sf "$dev" dev-link
  run_into dev-link --rejects dev-link --complements /dev/null || fail "run into a symlink to $dev: $(cat err.txt)"
  [ -L dev-link ] || fail "the symlink to $dev was replaced"
  [ -c "$dev" ] || fail "$dev is no longer a character device (through a symlink)"
  # Again: an earlier run into the same device never makes the next one resume or refuse.
  run_into "$dev" || fail "second run into $dev: $(cat err.txt)"
done
no_temps .

# A symlink to a regular file: the file it names gets the records, the symlink stays.
ln -s real.jsonl file-link.jsonl
run_into file-link.jsonl || fail "run into a symlink to a file: $(cat err.txt)"
[ -L file-link.jsonl ] || fail "the symlink to a regular file was replaced by a file"
cmp real.jsonl expected.jsonl || fail "the file behind the symlink did not get the records"
# `-` names no reject, complement or report file (stdout carries the summary).
got=0
run_into out2.jsonl --report - || got=$?
[ "$got" = 2 ] || fail "--report -: expected exit 2, got $got"

# A FIFO with a reader: the reader gets exactly the records.
mkfifo fifo
cat fifo > from-fifo.jsonl &
reader=$!
run_into fifo || fail "run into a FIFO: $(cat err.txt)"
wait "$reader"
[ -p fifo ] || fail "the FIFO was replaced"
cmp from-fifo.jsonl expected.jsonl || fail "the FIFO's reader did not get the records"
no_temps .

# `-`: the records on stdout (the summary on stderr), into a pipe.
"$FERRY" run -p "$PROJECT" --source src.jsonl --target - 2> err.txt | sha256sum > piped.sha
[ "$(cut -d' ' -f1 piped.sha)" = "$(sha256sum < expected.jsonl | cut -d' ' -f1)" ] ||
  fail "--target - did not write exactly the records to stdout: $(cat err.txt)"
grep -q "migrated" err.txt || fail "the summary of a run into stdout is not on stderr"
[ ! -e ./- ] || fail "--target - wrote a file named -"
# Other formats too: CSV to stdout.
"$FERRY" export -q -p "$PROJECT" --source expected.jsonl --target csv:- > out.csv 2> err.txt ||
  fail "export to csv:-: $(cat err.txt)"
[ "$(wc -l < out.csv)" = $(($(wc -l < expected.jsonl) + 1)) ] ||
  fail "export to csv:- wrote $(wc -l < out.csv) lines for $(wc -l < expected.jsonl) records"

# `--source -`: stdin, format from the content.
cat src.jsonl | "$FERRY" run -q --state s1.db -p "$PROJECT" --source - --target from-stdin.jsonl > /dev/null 2> err.txt ||
  fail "--source - from a pipe: $(cat err.txt)"
cmp from-stdin.jsonl expected.jsonl || fail "--source - did not read the records"
[ ! -e ./- ] || fail "--source - read or made a file named -"

# An interrupted run into a FIFO: the next one writes everything from the first record (nothing appended).
cat fifo > /dev/null &
reader=$!
"$FERRY" run -q -p "$PROJECT" --source src.jsonl --target fifo --batch-size 10 --commit-interval 0 \
  --throttle-ms 100 > /dev/null 2>&1 &
run=$!
sleep 1
kill -9 "$run" 2> /dev/null || true
wait "$run" 2> /dev/null || true
wait "$reader" 2> /dev/null || true
cat fifo > from-fifo2.jsonl &
reader=$!
run_into fifo || fail "the run after an interrupted run into a FIFO: $(cat err.txt)"
wait "$reader"
cmp from-fifo2.jsonl expected.jsonl || fail "the rerun into the FIFO did not write every record once"

# An interrupted run from a stream source: no resume, CONFLICT until --restart.
mkfifo in-fifo
"$FERRY" run -q --state s2.db -p "$PROJECT" --source in-fifo --target "sqlite:t.db#workouts" --batch-size 10 \
  --commit-interval 0 > /dev/null 2>&1 &
run=$!
{ head -n 100 src.jsonl; sleep 3; } > in-fifo &
writer=$!
sleep 1.5
kill -9 "$run" 2> /dev/null || true
wait "$run" 2> /dev/null || true
wait "$writer" 2> /dev/null || true
got=0
cat src.jsonl | "$FERRY" run -q --state s2.db -p "$PROJECT" --source - --target "sqlite:t.db#workouts" \
  > /dev/null 2> err.txt || got=$?
[ "$got" = 75 ] || fail "a run after an interrupted stream-source run: expected CONFLICT (75), got $got: $(cat err.txt)"
grep -q "stream" err.txt || fail "the refusal does not say the source was a stream: $(cat err.txt)"
cat src.jsonl | "$FERRY" run -q --state s2.db -p "$PROJECT" --source - --target "sqlite:t.db#workouts" --restart \
  > /dev/null 2> err.txt || fail "--restart after an interrupted stream-source run: $(cat err.txt)"
echo ok
