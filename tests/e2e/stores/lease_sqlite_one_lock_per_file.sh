#!/usr/bin/env bash
# name: stores/lease_sqlite_one_lock_per_file
# description: while a run writes a table of an SQLite file (started from directory a, with a's state),
#   a second run on the same table from directory b (another state) is refused with LOCKED (exit 75)
#   naming the first run, whether it names the file by another relative path, through a symlink (with
#   yet another --state) or through a hard link; a run on another table of the file through the hard
#   link is refused too (SQLite must never open one file under two names at once). Each first run
#   completes; the file passes PRAGMA integrity_check and every table holds exactly the documents of an
#   uninterrupted run.
# group: e2e nosan
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 6000 --seed 51 --output in.jsonl > /dev/null
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl > /dev/null
mkdir -p a b data
db=$WORK/data/app.db
# The database exists before its links are made.
"$FERRY" run -q --state seed.db --project "$PROJECT" --source in.jsonl --target "sqlite:$db#seed" > /dev/null
ln -s "$db" link.db
ln "$db" hard.db
slow=(--batch-size 10 --throttle-ms 20 --commit-interval 0.1)

# start_first TABLE: a slow run from directory a on $db#TABLE; returns once a's state shows its lease.
start_first() {
  (cd a && exec "$FERRY" run -q --project "$PROJECT" --source ../in.jsonl --target "sqlite:$db#$1" "${slow[@]}") \
    > first.out 2> first.err &
  first=$!
  for _ in $(seq 400); do
    if (cd a && "$FERRY" status --json 2> /dev/null) | grep -q '"lease_held":true'; then
      first_run=$( (cd a && "$FERRY" status --json) | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['run_id'])")
      return 0
    fi
    kill -0 $first 2> /dev/null || fail "the first run ended early: $(cat first.err)"
    sleep 0.05
  done
  fail "the first run never held its lease: $(cat first.err)"
}
# refused WHAT TARGET [ARGS...]: a run from directory b on TARGET must exit 75 with LOCKED.
refused() {
  local what=$1 target=$2
  shift 2
  set +e
  (cd b && exec "$FERRY" run -q --project "$PROJECT" --source ../in.jsonl --target "$target" "$@") \
    > second.out 2> second.err
  local rc=$?
  set -e
  [ "$rc" = 75 ] || fail "$what: expected exit 75 (LOCKED), got $rc: $(cat second.err)"
  grep -q LOCKED second.err || fail "$what: no LOCKED code: $(cat second.err)"
}
finish_first() {
  kill -0 $first 2> /dev/null || fail "the first run ended before the second was tried: $(cat first.err)"
  wait $first || fail "the first run failed: $(cat first.err)"
}

# Another directory, another state, another spelling of the path.
start_first t1
refused "another directory" "sqlite:../data/./app.db#t1"
grep -q "$first_run" second.err || fail "the refusal does not name run $first_run: $(cat second.err)"
grep -q "host $(hostname)" second.err || fail "the refusal does not name the host: $(cat second.err)"
finish_first

# Through a symlink, with yet another --state.
start_first t2
refused "a symlink" "sqlite:../link.db#t2" --state other-state.db
grep -q "$first_run" second.err || fail "the refusal does not name run $first_run: $(cat second.err)"
finish_first

# Through a hard link: the same table, then another table (a second name of a file in use).
start_first t3
refused "a hard link" "sqlite:../hard.db#t3"
grep -q "$first_run" second.err || fail "the refusal does not name run $first_run: $(cat second.err)"
refused "another table through a hard link" "sqlite:../hard.db#t4"
finish_first

[ ! -e hard.db-wal ] || fail "SQLite opened the hard link while the file was in use (hard.db-wal exists)"
python3 - "$db" <<'PY'
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
check = con.execute("PRAGMA integrity_check").fetchall()
assert check == [("ok",)], check
expected = {}
for line in open("expected.jsonl"):
    expected[json.loads(line)["id"]] = line.rstrip("\n")
for table in ("t1", "t2", "t3"):
    rows = con.execute(f"SELECT key, document FROM {table}").fetchall()
    got = dict(rows)
    assert len(got) == len(rows), f"{table}: a key twice"
    assert got == expected, f"{table}: {len(got)} rows, {len(set(expected) ^ set(got))} keys differ"
tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
assert "t4" not in tables, "the refused run on t4 created its table"
print("integrity ok; t1, t2, t3 as expected")
PY
echo PASS
