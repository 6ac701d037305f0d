#!/usr/bin/env bash
# name: safety/postgres_rollback
# description: PostgreSQL: an in-place migration rolled back gives every original document back (jsonb-equal,
#   with and without a backup), the journal living in the ferry schema; a file -> PostgreSQL run that
#   overwrote existing rows and inserted new ones is rolled back to exactly the table it met (new rows
#   removed, overwritten rows restored), and a row changed after that run is reported, not overwritten.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database pg_rollback)
"$FERRY" generate workouts --count 4000 --seed 61 --output in.jsonl > /dev/null
psql "$db" -Xq -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE staging (doc jsonb);
\copy staging (doc) from 'in.jsonl' with (format csv, quote e'\x01', delimiter e'\x02')
CREATE TABLE workouts (key text PRIMARY KEY, version text, document jsonb NOT NULL,
                       updated_at timestamptz NOT NULL DEFAULT now());
INSERT INTO workouts (key, document)
  SELECT coalesce(doc->>'id', 'row-' || row_number() OVER ()), doc FROM staging;
CREATE TABLE original AS SELECT key, document FROM workouts;
SQL
differs() { psql "$db" -XAt -c "SELECT count(*) FROM (SELECT key, document FROM workouts EXCEPT SELECT key, document FROM original) d" ; }
for opt in --backup --no-backup; do
  "$FERRY" run -q --json --project "$PROJECT" --source "$db?table=workouts" $opt > run.json
  [ "$(differs)" -gt 3000 ] || fail "$opt: the run changed too little"
  "$FERRY" rollback -q --yes --json --project "$PROJECT" --target "$db?table=workouts" > rb.json \
    || fail "$opt: rollback failed: $(cat rb.json)"
  [ "$(differs)" = 0 ] || fail "$opt: $(differs) documents differ after the rollback"
  [ "$(psql "$db" -XAt -c "SELECT count(*) FROM workouts")" = 4000 ] || fail "$opt: rows lost or added"
  python3 -c "
import json; r = json.load(open('rb.json')); i = r['impact']
assert r['status'] == 'completed' and i['conflicts'] == 0 and i['not_restorable'] == 0, r
assert (i['via_backup'] > 0) == ('$opt' == '--backup'), i"
done
[ "$(psql "$db" -XAt -c "SELECT count(*) FROM ferry.backups")" -ge 2 ] || fail "the journals are not in the ferry schema"
[ ! -e .ferry ] || fail "a PostgreSQL state wrote local files: $(find .ferry)"

# Store -> table: 1500 rows exist (500 of them will be overwritten); the file brings 2000 (1500 new).
"$FERRY" generate workouts --scenario all-valid --count 2000 --seed 62 --output new.jsonl > /dev/null
"$FERRY" run -q --state clean.db --project "$PROJECT" --source new.jsonl --target migrated.jsonl > /dev/null
psql "$db" -Xq -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE target (key text PRIMARY KEY, version text, document jsonb NOT NULL,
                     updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE m (doc jsonb);
\copy m (doc) from 'migrated.jsonl' with (format csv, quote e'\x01', delimiter e'\x02')
INSERT INTO target (key, version, document)
  SELECT doc->>'id', 'unified-1', jsonb_set(doc, '{name}', '"older"') FROM m ORDER BY doc->>'id' LIMIT 500;
INSERT INTO target (key, version, document) SELECT 'other-' || g, 'unified-1', '{"id": 1}' FROM generate_series(1, 1000) g;
CREATE TABLE target_before AS SELECT key, document FROM target;
SQL
"$FERRY" run -q --project "$PROJECT" --source new.jsonl --target "$db?table=target" --on-conflict overwrite > /dev/null
[ "$(psql "$db" -XAt -c "SELECT count(*) FROM target")" = 3000 ] || fail "store-to-table run: wrong row count"
# One of the new rows changes after the run.
psql "$db" -Xq -c "UPDATE target SET document = jsonb_set(document, '{name}', '\"edited\"') WHERE key = (SELECT doc->>'id' FROM m ORDER BY doc->>'id' DESC LIMIT 1)"
expect_exit 75 "$FERRY" rollback -q --yes --json --project "$PROJECT" --target "$db?table=target" > rb2.json
python3 - <<'PY'
import json
r = json.load(open("rb2.json")); i = r["impact"]
assert i["deletions"] == 1499 and i["via_backup"] == 500 and i["conflicts"] == 1, i
assert len(i["conflict_keys"]) == 1, i
PY
left=$(psql "$db" -XAt -c "SELECT count(*) FROM (SELECT key, document FROM target EXCEPT SELECT key, document FROM target_before) d")
[ "$left" = 1 ] || fail "$left rows differ from the table before the run (expected only the edited one)"
[ "$(psql "$db" -XAt -c "SELECT count(*) FROM target")" = 1501 ] || fail "rows not removed"
