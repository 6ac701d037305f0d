#!/usr/bin/env bash
# name: safety/rollback_shows_impact_and_asks
# description: the rollback's impact is printed before anything changes, and nothing changes without
#   confirmation (no --yes and no terminal, a "no" at the prompt, --dry-run); a record edited or deleted
#   after the run is a conflict, listed by key and never overwritten; --keys and --batch roll back a
#   subset; --to rolls back to an intermediate version on the path; a missing or wrong key is refused.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/safety_lib.sh"
LS=$FERRY_SOURCE_DIR/examples/local-storage-to-postgres
export FERRY_KDF=interactive
"$FERRY" generate workouts --count 2000 --seed 21 --output in.jsonl > /dev/null
load_table in.jsonl data.db workouts
original=$(dump_bytes data.db workouts)
cp data.db before-run.db
"$FERRY" run -q --project "$PROJECT" --source sqlite:data.db#workouts --commit-interval 0.001 --batch-size 100 \
  --json > run.json
# The rows the run migrated (a row already at the target only gets its version column set: not in the journal).
migrated_keys() {
  sqlite3 data.db "ATTACH 'before-run.db' AS b; SELECT w.key FROM workouts w JOIN b.workouts o USING (key)
                   WHERE w.document <> o.document ORDER BY w.key LIMIT 2 OFFSET $1"
}
# The rows the run migrated (rows already at the target only get their version column set).
migrated=$(dump_bytes data.db workouts)

# Edit one migrated record and delete another after the run.
read -r edited deleted < <(migrated_keys 0 | xargs)
sqlite3 data.db "UPDATE workouts SET document = json_set(document, '$.name', 'edited later') WHERE key = '$edited'"
sqlite3 data.db "DELETE FROM workouts WHERE key = '$deleted'"
after_edit=$(dump_bytes data.db workouts)

# No --yes and no terminal: the impact is shown, nothing changes.
expect_exit 2 "$FERRY" rollback --project "$PROJECT" < /dev/null > impact.txt 2> impact.err
grep -q "CONFLICTS   2 changed after the run" impact.txt || fail "impact does not show the conflicts: $(cat impact.txt)"
grep -q "$edited" impact.txt && grep -q "$deleted" impact.txt || fail "conflict keys not listed: $(cat impact.txt)"
grep -q "from the backup (byte for byte)" impact.txt || fail "impact does not say how: $(cat impact.txt)"
grep -q "confirm the rollback with --yes" impact.err || fail "no advice: $(cat impact.err)"
[ "$(dump_bytes data.db workouts)" = "$after_edit" ] || fail "something changed without confirmation"

# --dry-run: the impact as JSON, nothing changes.
"$FERRY" rollback --project "$PROJECT" --dry-run --json > dry.json
python3 - <<'PY'
import json
i = json.load(open("dry.json")); r = json.load(open("run.json"))
assert i["conflicts"] == 2 and i["via_backup"] == r["migrated"] - 2, (i, r["migrated"])
PY
[ "$(dump_bytes data.db workouts)" = "$after_edit" ] || fail "--dry-run changed something"

# A "no" at the terminal prompt changes nothing; "yes" proceeds.
script -qec "$FERRY rollback --project $PROJECT --quiet" /dev/null <<< "no" > asked-no.txt || true
grep -q "Type 'yes' to proceed" asked-no.txt || fail "no prompt: $(cat asked-no.txt)"
grep -q "Nothing was changed" asked-no.txt || fail "no refusal: $(cat asked-no.txt)"
[ "$(dump_bytes data.db workouts)" = "$after_edit" ] || fail "a 'no' changed something"

# Only two keys first, then only the first batch, then the rest.
keys=$(migrated_keys 5 | paste -sd,)
"$FERRY" rollback -q --yes --json --project "$PROJECT" --keys "$keys" > keys.json || true
python3 -c "import json; r = json.load(open('keys.json')); assert r['restored'] == 2, r"
for k in ${keys//,/ }; do
  [ "$(sqlite3 data.db "SELECT version FROM workouts WHERE key = '$k'")" != unified-1 ] || fail "$k not rolled back"
done
[ "$(sqlite3 data.db "SELECT count(*) FROM workouts WHERE version = 'unified-1'")" -gt 100 ] || fail "--keys did more"
"$FERRY" rollback --list --json > points.json
batches=$(python3 -c "import json; print(json.load(open('points.json'))[0]['batches'])")
[ "$batches" -gt 2 ] || fail "expected several batches, got $batches"
"$FERRY" rollback -q --yes --json --project "$PROJECT" --batch 1 > batch.json || true
python3 -c "import json; r = json.load(open('batch.json')); assert 0 < r['impact']['records'] < 1900, r"
expect_exit 75 "$FERRY" rollback -q --yes --project "$PROJECT" > rest.txt
grep -q "2 conflicts left as they are" rest.txt || fail "$(cat rest.txt)"
python3 - "$edited" "$deleted" <<'PY'
import json, sqlite3, sys
edited, deleted = sys.argv[1:]
db = sqlite3.connect("data.db")
orig = {}
for i, l in enumerate(open("in.jsonl")):
    d = json.loads(l) if l.strip() else None
    k = d.get("id") if isinstance(d, dict) else None
    orig[str(k) if isinstance(k, (str, int)) and not isinstance(k, bool) else "row-%d" % i] = l.rstrip("\n")
rows = dict(db.execute("SELECT key, document FROM workouts"))
assert deleted not in rows, "a deleted record came back"
assert json.loads(rows[edited])["name"] == "edited later", "an edited record was overwritten"
bad = [k for k, v in rows.items() if k != edited and v != orig[k]]
assert not bad, bad[:5]
print("all", len(rows) - 1, "other records are back byte for byte")
PY

# --to: local-storage export-v1 records go back to export-v2 (a version on their path); running the
# migration again gives exactly what the first run gave.
"$FERRY" generate local-storage --count 2000 --seed 9 --output ls.jsonl > /dev/null
load_table ls.jsonl ls.db items
echo "pass phrase" > pass.txt
"$FERRY" run -q --project "$LS" --source sqlite:ls.db#items --backup-passphrase-file pass.txt > /dev/null
migrated_ls=$(dump_canonical ls.db items)
expect_exit 2 "$FERRY" rollback -q --yes --project "$LS" --to export-v2 > nokey.txt 2>&1
grep -q "is encrypted: pass --passphrase-file" nokey.txt || fail "$(cat nokey.txt)"
echo "wrong" > wrong.txt
expect_exit 77 "$FERRY" rollback -q --yes --project "$LS" --to export-v2 --passphrase-file wrong.txt > wrong.out 2>&1
grep -q "WRONG_KEY" wrong.out || fail "$(cat wrong.out)"
[ "$(dump_canonical ls.db items)" = "$migrated_ls" ] || fail "a refused rollback changed something"
"$FERRY" rollback -q --yes --json --project "$LS" --to export-v2 --passphrase-file pass.txt > to.json || true
python3 - <<'PY'
import json
r = json.load(open("to.json")); i = r["impact"]
assert r["status"] == "completed" and set(i["versions"]) == {"export-v2"}, i
# export-v2 records come back from the backup; export-v1 ones go back one step, through the backward steps
assert i["via_backup"] > 0 and i["via_complements"] + i["via_backward_steps"] > 0, i
assert i["via_backup"] + i["via_complements"] + i["via_backward_steps"] == r["restored"] == i["records"], i
PY
[ "$(sqlite3 ls.db "SELECT count(*) FROM items WHERE version = 'export-v2'")" -gt 0 ] || fail "--to wrote no export-v2 rows"
"$FERRY" run -q --project "$LS" --source sqlite:ls.db#items --no-backup > /dev/null
[ "$(dump_canonical ls.db items)" = "$migrated_ls" ] || fail "migrating again after --to does not give the first result"
