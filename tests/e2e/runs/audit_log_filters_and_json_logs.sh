#!/usr/bin/env bash
# name: runs/audit_log_filters_and_json_logs
# description: `ferry audit` lists the state's audit log, oldest first, filtered by --run, --since, --action
#   and --actor (text and --json), as the audit table itself holds it; the global --log-level and
#   --log-format json (before or after the sub-command, or FERRY_LOG_LEVEL) write one JSON object per line on
#   stderr with time, level, message and fields, and nothing below the level.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --scenario mixed --count 500 --seed 3 --output in.jsonl > /dev/null
FERRY_USER=alice "$FERRY" run -q --json --project "$PROJECT" --source in.jsonl --target a.jsonl > a.json
FERRY_USER=bob "$FERRY" run -q --json --project "$PROJECT" --source in.jsonl --target "sqlite:b.db#workouts" > b.json
FERRY_USER=bob "$FERRY" rollback --yes --project "$PROJECT" "$(python3 -c "import json; print(json.load(open('b.json'))['run_id'])")" \
  > /dev/null

# The oracle: the audit table read with sqlite3.
oracle() {  # $1: SQL condition
  sqlite3 -json .ferry/state.db "SELECT at, run_id, event AS action, username AS actor, detail FROM audit WHERE $1 ORDER BY id" \
    | python3 -c "import json, sys; t = sys.stdin.read().strip(); print(json.dumps(json.loads(t) if t else []))"
}
same() {  # $1: SQL condition, rest: audit options
  local cond=$1; shift
  "$FERRY" audit --json "$@" | python3 -c "import json, sys; print(json.dumps(json.load(sys.stdin)))" > got.json
  oracle "$cond" > want.json
  cmp -s got.json want.json || fail "ferry audit $*: $(cat got.json) != $(cat want.json)"
  [ "$(python3 -c "import json; print(len(json.load(open('want.json'))))")" -gt 0 ] || [ "${ALLOW_EMPTY:-}" = 1 ] \
    || fail "the oracle selects nothing for $cond: the test proves nothing"
}
run_a=$(python3 -c "import json; print(json.load(open('a.json'))['run_id'])")
same "1"
same "run_id = '$run_a'" --run "$run_a"
same "username = 'bob'" --actor bob
same "event IN ('started', 'completed')" --action started,completed
same "event = 'completed' AND username = 'alice'" --action completed --actor alice
same "at >= '$(date -u +%Y-%m-%d)'" --since "$(date -u +%Y-%m-%d)"
same "1" --since 1h
ALLOW_EMPTY=1 same "at >= '2999-01-01'" --since 2999-01-01
"$FERRY" audit --run "$run_a" > audit.txt
grep -q "$run_a .*started .*alice" audit.txt || fail "text: $(cat audit.txt)"
grep -q "completed" audit.txt || fail "text: $(cat audit.txt)"
expect_exit 2 "$FERRY" audit --since yesterday > /dev/null 2> bad.err
grep -q "since 'yesterday'" bad.err || fail "$(cat bad.err)"

# Logs: JSON lines on stderr, by level; stdout keeps the report.
check_log() {  # $1: file, $2: the lowest level allowed, rest: messages that must appear
  python3 - "$@" <<'PY'
import json, sys
path, lowest, want = sys.argv[1], sys.argv[2], sys.argv[3:]
order = ["error", "warn", "info", "debug"]
lines = [json.loads(l) for l in open(path) if l.strip()]
assert lines, "no log lines"
for l in lines:
    assert {"time", "level", "message"} <= set(l), l
    assert order.index(l["level"]) <= order.index(lowest), l
for w in want:
    assert any(l["message"].startswith(w) for l in lines), (w, lines)
PY
}
"$FERRY" --log-level info --log-format json run -q --json --project "$PROJECT" --source in.jsonl --target c.jsonl \
  > c.json 2> info.log
python3 -c "import json; json.load(open('c.json'))" || fail "stdout is no longer the report"
check_log info.log info run_started completed "audit: started" "audit: completed"
python3 - <<'PY'
import json
run = json.load(open("c.json"))["run_id"]
lines = [json.loads(l) for l in open("info.log")]
assert any(l.get("run_id") == run and l.get("event") == "completed" and l.get("records") == 500 for l in lines), lines
assert not any(l["level"] == "debug" for l in lines), lines
PY
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target d.jsonl --log-level debug --log-format json \
  > /dev/null 2> debug.log
check_log debug.log debug "checkpoint committed" stage_changed
FERRY_LOG_LEVEL=warn "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target e.jsonl --log-format json \
  > /dev/null 2> warn.log
[ ! -s warn.log ] || check_log warn.log warn
# The error that ends a command, as a JSON line; without flags, stderr is as before.
expect_exit 74 "$FERRY" --log-format json run -q --project "$PROJECT" --source missing.jsonl --target f.jsonl 2> err.log
check_log err.log error
python3 -c "
import json; l = [json.loads(x) for x in open('err.log')]
assert len(l) == 1 and l[0]['level'] == 'error' and l[0]['code'] == 'IO_ERROR' and l[0]['exit_code'] == 74, l"
# A run that stops on a reject: its error too, and nothing but JSON lines on stderr.
expect_exit 65 "$FERRY" run --project "$PROJECT" --source in.jsonl --target h.jsonl --on-error stop --log-format json \
  --log-level warn > /dev/null 2> stop.log
check_log stop.log warn
python3 -c "
import json; l = [json.loads(x) for x in open('stop.log')]
assert l[-1]['level'] == 'error' and l[-1]['code'] == 'VALIDATION_ERROR' and l[-1]['exit_code'] == 65, l"
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target g.jsonl > /dev/null 2> quiet.log
[ ! -s quiet.log ] || fail "the default level logs: $(cat quiet.log)"
expect_exit 2 "$FERRY" --log-level loud status > /dev/null 2> lvl.err
grep -q "unknown log level 'loud'" lvl.err || fail "$(cat lvl.err)"
echo PASS
