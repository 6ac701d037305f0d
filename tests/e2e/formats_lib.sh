# Helpers for the format and codec tests (sourced after lib.sh).
export FERRY_KDF=interactive  # fast Argon2id
# canon_jsonl FILE: the documents of a JSON Lines file as sorted canonical JSON.
canon_jsonl() {
  python3 -c '
import json, sys
docs = [json.dumps(json.loads(l), sort_keys=True, ensure_ascii=False) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
print("\n".join(sorted(docs)))' "$1"
}
# canon_table DB TABLE: the documents of an SQLite table, the same way.
canon_table() {
  python3 -c '
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
docs = [json.dumps(json.loads(d), sort_keys=True, ensure_ascii=False) for (d,) in db.execute("SELECT document FROM \"%s\"" % sys.argv[2])]
print("\n".join(sorted(docs)))' "$1" "$2"
}
# A project for documents of one shape (what CSV's flattening preserves).
write_things_project() {
  cat > things.yaml <<'YAML'
collection: things
key: id
versions:
  v1:
    detect: { has: [id] }
target: v1
YAML
}
# things_fixture FILE N: N documents of one shape: nested objects, arrays,
# strings CSV must quote (delimiter, quotes, line breaks, leading spaces,
# look-alike numbers), unicode, numbers, booleans.
things_fixture() {
  python3 -c '
import json, sys
n = int(sys.argv[2])
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(n):
        d = {"id": "t-%05d" % i, "name": ["plain", "a, b", "say \"hi\"", "two\nlines", " padded ", "42", "true", "héllo ☃"][i % 8],
             "count": i, "ratio": i / 8, "ok": i % 2 == 0,
             "tags": ["x", "y"][: i % 3], "meta": {"owner": "u%d" % (i % 5), "level": {"n": i % 7}}}
        f.write(json.dumps(d, ensure_ascii=False) + "\n")' "$1" "$2"
}
