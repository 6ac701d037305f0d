# Helpers for the backup and rollback tests (sourced after lib.sh).
#
# load_table FILE DB TABLE: loads a JSON Lines file into an SQLite table as an
#   application would have stored it (key = the record's id, else row-N;
#   the text as it is; version NULL), without Ferry.
# dump_bytes DB TABLE: SHA-256 of every (key, stored text) pair in key order.
# dump_canonical DB TABLE: SHA-256 of every (key, canonical JSON) pair in key
#   order (sorted keys, no whitespace): equal documents, whatever their bytes.
load_table() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sqlite3, sys
src, path, table = sys.argv[1:]
db = sqlite3.connect(path)
db.execute(f'CREATE TABLE "{table}" (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, updated_at TEXT)')
for i, line in enumerate(open(src, encoding="utf-8")):
    text = line.rstrip("\n")
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    key = doc.get("id") if isinstance(doc, dict) else None
    key = str(key) if isinstance(key, (str, int)) and not isinstance(key, bool) else "row-%d" % i
    db.execute(f'INSERT OR REPLACE INTO "{table}" VALUES (?, NULL, ?, ?)', (key, text, "loaded"))
db.commit()
PY
}
dump_bytes() {
  python3 - "$1" "$2" <<'PY'
import hashlib, sqlite3, sys
h = hashlib.sha256()
for key, doc in sqlite3.connect(sys.argv[1]).execute(f'SELECT key, document FROM "{sys.argv[2]}" ORDER BY key'):
    h.update(key.encode() + b"\0" + doc.encode() + b"\n")
print(h.hexdigest())
PY
}
dump_canonical() {
  python3 - "$1" "$2" <<'PY'
import hashlib, json, sqlite3, sys
h = hashlib.sha256()
for key, doc in sqlite3.connect(sys.argv[1]).execute(f'SELECT key, document FROM "{sys.argv[2]}" ORDER BY key'):
    try:
        doc = json.dumps(json.loads(doc), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        pass
    h.update(key.encode() + b"\0" + doc.encode() + b"\n")
print(h.hexdigest())
PY
}
