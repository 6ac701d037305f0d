#!/usr/bin/env bash
# name: formats/bad_input_messages
# description: careless input gets a precise message and the right code: a record that is not UTF-8 is
#   rejected into a reject file whose every line is valid JSON (the text with U+FFFD, the exact bytes in
#   raw_base64); a lone surrogate (\ud800) is a PARSE_ERROR saying so, with its pointer; a missing key file
#   is INVALID_ARGUMENT (exit 2) naming the key file; --passphrase-file with --key-file (and the backup
#   pair) is INVALID_ARGUMENT naming both; an SQLite source that is not a database is INVALID_ARGUMENT, a
#   damaged one INTEGRITY_ERROR (exit 65), neither "table not found"; one another process holds an exclusive
#   lock on is UNAVAILABLE (69) saying so.
# group: e2e
source "$(dirname "$0")/../lib.sh"
unset FERRY_PASSPHRASE FERRY_BACKUP_PASSPHRASE
cat > ferry.yaml <<'YAML'
collection: t
key: id
versions:
  v1: { detect: { has: [id] } }
target: v1
YAML
printf '{"id":"a"}\n{"id":"b\xff\xfe","v":1}\n{"id":"c"}\n{"id":"d","n":{"s":"x\\ud800"}}\n' > in.jsonl
"$FERRY" run -q --state st.db --project . --source in.jsonl --target out.jsonl --rejects rej.jsonl > /dev/null 2>&1 \
  || fail "the run failed"
python3 - <<'PY' || fail "the reject file is not valid JSON Lines with the exact bytes"
import base64, json
lines = open("rej.jsonl", "rb").read().splitlines()
assert len(lines) == 2, lines
r = json.loads(lines[0].decode("utf-8"))
assert r["code"] == "PARSE_ERROR", r
assert r["raw"] == '{"id":"b\ufffd\ufffd","v":1}', r["raw"]
assert base64.b64decode(r["raw_base64"]) == b'{"id":"b\xff\xfe","v":1}', r["raw_base64"]
s = json.loads(lines[1].decode("utf-8"))
assert s["code"] == "PARSE_ERROR" and s["errors"][0]["pointer"] == "/n/s", s
assert "lone surrogate" in s["errors"][0]["message"], s
PY
echo secret > pass.txt
refused() {  # refused CMD...: exit 2 (INVALID_ARGUMENT), stderr in err.txt
  set +e; "$@" > /dev/null 2> err.txt; local rc=$?; set -e
  [ "$rc" = 2 ] || fail "expected exit 2, got $rc: $(cat err.txt)"
}
refused "$FERRY" run -q --state st.db --project . --source in.jsonl --target enc.jsonl.enc \
  --key-file missing.key
grep -q "the key file: .*missing.key" err.txt || fail "no clear message for a missing key file: $(cat err.txt)"
refused "$FERRY" run -q --state st.db --project . --source in.jsonl --target enc.jsonl.enc \
  --key-file missing.key --passphrase-file pass.txt
grep -q -- "--key-file" err.txt && grep -q -- "--passphrase-file" err.txt || fail "two keys: $(cat err.txt)"
refused "$FERRY" run -q --state st.db --project . --source in.jsonl --target out2.jsonl \
  --backup-key-file missing.key --backup-passphrase-file pass.txt
grep -q -- "--backup-key-file" err.txt || fail "two backup keys: $(cat err.txt)"
head -c 8192 /dev/zero | tr '\0' 'x' > notadb.db
refused "$FERRY" run -q --state st.db --project . --source sqlite:notadb.db#t --target o1.jsonl
grep -q "is not an SQLite database" err.txt || fail "not a database: $(cat err.txt)"
python3 - <<'PY'
import sqlite3
c = sqlite3.connect("damaged.db")
c.execute("CREATE TABLE t (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, updated_at TEXT)")
c.executemany("INSERT INTO t VALUES (?, 'v1', ?, '')", [("k%d" % i, '{"id":"k%d"}' % i) for i in range(3000)])
c.commit()
c.close()
with open("damaged.db", "r+b") as f:
    f.seek(20000)
    f.write(b"\xde\xad\xbe\xef" * 500)
PY
set +e
"$FERRY" run -q --state st.db --project . --source sqlite:damaged.db#t --target o2.jsonl > /dev/null 2> err.txt
rc=$?
set -e
[ "$rc" = 65 ] && grep -q "INTEGRITY_ERROR: .*damaged" err.txt || fail "damaged database: exit $rc: $(cat err.txt)"
# Another process holds an exclusive lock: UNAVAILABLE (69) saying so, after the wait.
python3 - <<'PY'
import sqlite3
c = sqlite3.connect("locked.db")
c.execute("CREATE TABLE t (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, updated_at TEXT)")
c.execute("""INSERT INTO t VALUES ('a', 'v1', '{"id":"a"}', '')""")
c.commit()
PY
python3 -c '
import sqlite3, sys, time
c = sqlite3.connect("locked.db", isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open("locked.ready", "w").close()
time.sleep(40)' &
holder=$!
for _ in $(seq 100); do [ -e locked.ready ] && break; sleep 0.1; done
set +e
"$FERRY" run -q --state st.db --project . --source sqlite:locked.db#t --target o3.jsonl > /dev/null 2> err.txt
rc=$?
set -e
kill "$holder" 2> /dev/null || true
[ "$rc" = 69 ] && grep -q "another process holds a lock on .*locked.db" err.txt || fail "locked: exit $rc: $(cat err.txt)"
echo PASS
