#!/usr/bin/env bash
# name: concurrency/oracle_controls
# description: the controls of the concurrency tests' harness (passes on any engine): with the
#   application writing only before a run, or only after it, nobody races, so the oracle must accept
#   the table after an in-place run, after a run into a live table with --on-conflict overwrite, and
#   after their rollbacks; and it must refuse a table where one application update was planted back to
#   an older value, or one deleted row planted back in.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/concurrency_lib.sh"
writer() { "$FERRY_APP_WRITER" --max-writes 15000 --mix "$APP_MIX" "$@" 2> /dev/null; }

# In place: the application writes before the run (a), after it (b).
prepare_legacy 6000 1109
for when in before after; do
  db=inplace-$when.db
  load_table in.jsonl "$db" w
  sqlite_wal "$db"
  python3 "$ORACLE" snapshot --store "sqlite:$db#w" --out "$when.before.jsonl"
  [ "$when" = before ] && writer --store "sqlite:$db#w" --log "$when.app.log" --keys-file keys.txt --insert-docs in.jsonl --seed 1
  "$FERRY" run -q --project "$PROJECT" --source "sqlite:$db#w" --report "$when.run.json" > /dev/null
  [ "$when" = after ] && writer --store "sqlite:$db#w" --log "$when.app.log" --keys-file keys.txt --insert-docs in.jsonl --seed 2
  oracle --store "sqlite:$db#w" --before "$when.before.jsonl" --log "$when.app.log" --kind in-place --phase after-run \
    --expected expected.jsonl --expected-rejects expected.rej.jsonl --insert-docs in.jsonl --report "$when.run.json" \
    > "$when.oracle.out" || fail "in place, app $when the run: the oracle refused a table nobody raced on: $(cat "$when.oracle.out")"
  rollback_and_check "sqlite:$db#w" "$when" in-place --expected expected.jsonl --insert-docs in.jsonl \
    > "$when.rb.out" || fail "in place, app $when the run: the oracle refused the rollback: $(cat "$when.rb.out")"
done

# Planted damage: one update set back to an older value, one deleted row put back.
python3 - <<'PY'
import json, sqlite3
last = {}
for line in open("after.app.log"):
    seq, op, key, value, ns = line.rstrip("\n").split("\t")
    last.setdefault(key, []).append((op, value))
db = sqlite3.connect("inplace-after.db")
upd = next(k for k, ops in last.items() if ops[-1][0] == "update" and len(ops) >= 2 and ops[-2][0] == "update")
dele = next(k for k, ops in last.items() if ops[-1][0] == "delete")
older = [v for op, v in last[upd] if op == "update"][-2]
db.execute("UPDATE w SET document = json_set(document, '$.name', ?) WHERE key = ?", (older, upd))
doc = next(l for l in open("expected.jsonl") if json.loads(l)["id"] == dele)
db.execute("INSERT INTO w VALUES (?, 'unified-1', ?, 'x')", (dele, doc.rstrip("\n")))
db.commit()
print(upd, dele)
PY
set +e
oracle --store sqlite:inplace-after.db#w --before after.before.jsonl --log after.app.log --kind in-place \
  --phase after-rollback --expected expected.jsonl --insert-docs in.jsonl > planted.out
rc=$?
set -e
[ "$rc" = 1 ] || fail "the oracle did not see the planted damage (exit $rc): $(cat planted.out)"
grep -q "lost update: 1$" planted.out || fail "the planted lost update was not reported: $(cat planted.out)"
grep -q "deleted row came back: 1$" planted.out || fail "the planted resurrection was not reported: $(cat planted.out)"

# A live table, --on-conflict overwrite: the application writes before the run, after it.
prepare_live 6000 1110
for when in before after; do
  db=live-$when.db name=live-$when
  load_table live.jsonl "$db" w
  sqlite_wal "$db"
  python3 "$ORACLE" snapshot --store "sqlite:$db#w" --out "$name.before.jsonl"
  [ "$when" = before ] && writer --store "sqlite:$db#w" --log "$name.app.log" --keys-file keys.txt --insert-docs live.jsonl --seed 3
  "$FERRY" run -q --project "$PROJECT" --source src.jsonl --target "sqlite:$db#w" --on-conflict overwrite \
    --report "$name.run.json" > /dev/null
  [ "$when" = after ] && writer --store "sqlite:$db#w" --log "$name.app.log" --keys-file keys.txt --insert-docs live.jsonl --seed 4
  oracle --store "sqlite:$db#w" --before "$name.before.jsonl" --log "$name.app.log" --kind overwrite --phase after-run \
    --expected src.expected.jsonl --insert-docs live.jsonl --report "$name.run.json" > "$name.oracle.out" \
    || fail "live table, app $when the run: the oracle refused a table nobody raced on: $(cat "$name.oracle.out")"
  rollback_and_check "sqlite:$db#w" "$name" overwrite --expected src.expected.jsonl --insert-docs live.jsonl \
    > "$name.rb.out" || fail "live table, app $when the run: the oracle refused the rollback: $(cat "$name.rb.out")"
done
echo PASS
