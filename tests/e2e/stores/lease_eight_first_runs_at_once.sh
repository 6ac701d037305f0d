#!/usr/bin/env bash
# name: stores/lease_eight_first_runs_at_once
# description: 8 runs started at the same moment on one table of a fresh PostgreSQL database (no ferry
#   schema yet; four keep their state in it, two in their own --state files naming the table
#   public.w, two through another user and host name), then 8 on one table of an SQLite file that
#   does not exist yet (four from one directory sharing its state, two from their own directories,
#   two through a symlink): each time exactly one proceeds (exit 0), the other seven are refused with
#   LOCKED (exit 75), none fails with a duplicate key or a schema error, and the table holds exactly
#   the documents of an uninterrupted run (SQLite: integrity_check ok).
# group: e2e nosan postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database lease_eight)
"$FERRY" generate workouts --count 5000 --seed 53 --output in.jsonl > /dev/null
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl > /dev/null
psql "$db" -Xq -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
  -c "DO \$\$ BEGIN CREATE ROLE ferry_lease_other LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
other=${db/postgres:\/\/postgres@127.0.0.1:/postgres://ferry_lease_other@localhost:}
slow=(--batch-size 10 --throttle-ms 20 --commit-interval 0.1)
mkdir -p shared r1 r2 r3 r4 r5 r6 r7 r8

# at_once KIND: starts the 8 runs of KIND (pg or sqlite) together; checks one 0 and seven 75.
at_once() {
  local kind=$1 i dir target extra pids=() zero=0 locked=0 rc
  for i in 1 2 3 4 5 6 7 8; do
    extra=()
    if [ "$kind" = pg ]; then
      dir=r$i
      case $i in
        1 | 2 | 3 | 4) target="$db?table=w" ;;
        5 | 6) target="$db?table=public.w"; extra=(--state own.db) ;;
        *) target="$other?table=w" ;;
      esac
    else
      case $i in
        1 | 2 | 3 | 4) dir=shared; target="sqlite:app.db#w" ;;
        5 | 6) dir=r$i; target="sqlite:../shared/app.db#w" ;;
        *) dir=r$i; target="sqlite:../link.db#w" ;;
      esac
    fi
    (cd "$dir" && exec "$FERRY" run -q --project "$PROJECT" --source "$WORK/in.jsonl" --target "$target" \
      "${slow[@]}" "${extra[@]}") > "$kind.$i.out" 2> "$kind.$i.err" &
    pids+=($!)
  done
  for i in 1 2 3 4 5 6 7 8; do
    set +e
    wait "${pids[$((i - 1))]}"
    rc=$?
    set -e
    if grep -Eqi "23505|42P07|42710|duplicate key|already exists|no such table|database is locked|malformed" \
      "$kind.$i.err"; then
      fail "$kind run $i failed with a schema race: $(cat "$kind.$i.err")"
    fi
    case $rc in
      0) zero=$((zero + 1)) ;;
      75) grep -q LOCKED "$kind.$i.err" || fail "$kind run $i: exit 75 without LOCKED: $(cat "$kind.$i.err")"
          locked=$((locked + 1)) ;;
      *) fail "$kind run $i: exit $rc: $(cat "$kind.$i.err")" ;;
    esac
  done
  [ "$zero" = 1 ] && [ "$locked" = 7 ] || fail "$kind: $zero runs proceeded and $locked were refused (want 1 and 7)"
}

at_once pg
psql "$db" -Xq -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE expected (doc jsonb);
\copy expected (doc) from 'expected.jsonl' with (format csv, quote e'\x01', delimiter e'\x02')
SQL
read -r rows missing different <<< "$(psql "$db" -XAt -F ' ' -c "
  SELECT (SELECT count(*) FROM w),
         (SELECT count(*) FROM expected e LEFT JOIN w ON w.key = e.doc->>'id' WHERE w.key IS NULL),
         (SELECT count(*) FROM expected e JOIN w ON w.key = e.doc->>'id' WHERE w.document <> e.doc)")"
want=$(wc -l < expected.jsonl)
[ "$rows" = "$want" ] && [ "$missing" = 0 ] && [ "$different" = 0 ] \
  || fail "PostgreSQL: $rows rows (expected $want), $missing missing, $different different"

ln -s shared/app.db link.db  # dangling until a run creates the database
at_once sqlite
python3 - <<'PY'
import json, sqlite3
con = sqlite3.connect("shared/app.db")
check = con.execute("PRAGMA integrity_check").fetchall()
assert check == [("ok",)], check
expected = {}
for line in open("expected.jsonl"):
    expected[json.loads(line)["id"]] = line.rstrip("\n")
rows = con.execute("SELECT key, document FROM w").fetchall()
assert len(dict(rows)) == len(rows), "a key twice"
assert dict(rows) == expected, f"{len(rows)} rows, {len(set(expected) ^ set(dict(rows)))} keys differ"
print("SQLite: integrity ok, table as expected")
PY
echo PASS
