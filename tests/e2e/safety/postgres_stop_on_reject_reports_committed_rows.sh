#!/usr/bin/env bash
# name: safety/postgres_stop_on_reject_reports_committed_rows
# description: PostgreSQL: --preset safe stopped by a record that fails validation after 250 committed batches says
#   the 2500 rows it committed are kept (the table's count) and names the command that undoes them, which empties
#   the table; in place, the same command gives every original document back.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
source "$E2E/stop_lib.sh"
db=$(pg_database pg_stop)
stop_source src.jsonl 2500 500   # record 2501 fails validation
count() { psql "$db" -XAtc "SELECT count(*) FROM $1"; }

expect_exit 65 "$FERRY" run -q --project "$PROJECT" --source src.jsonl --target "$db?table=copy" --preset safe \
  --commit-interval 0 --report copy.json > copy.err 2>&1
grep -q "published nothing" copy.err && fail "a table run that committed rows says it published nothing"
[ "$(count copy)" = 2500 ] || fail "expected the 250 committed batches (2500 rows) in the table, found $(count copy)"
grep -q "2500 rows were committed to postgres:" copy.err || fail "the message does not say 2500 rows: $(cat copy.err)"
python3 -c "import json; r = json.load(open('copy.json')); assert r['input'] == 2501 and r['migrated'] + r['already_at_target'] == 2500, r"
undo_command copy.err > undo.out
[ "$(count copy)" = 0 ] || fail "the undo command left $(count copy) rows"

# In place: the documents as the application stored them.
psql "$db" -Xq -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE staging (doc jsonb);
\copy staging (doc) from 'src.jsonl' with (format csv, quote e'\x01', delimiter e'\x02')
CREATE TABLE app (key text PRIMARY KEY, version text, document jsonb NOT NULL, updated_at timestamptz);
INSERT INTO app SELECT doc->>'id', NULL, doc, now() FROM staging;
SQL
before=$(psql "$db" -XAtc "SELECT md5(string_agg(key || document::text, ',' ORDER BY key)) FROM app")
expect_exit 65 "$FERRY" run -q --project "$PROJECT" --source "$db?table=app" --preset safe --commit-interval 0 \
  > inplace.err 2>&1
changed=$(grep -o '[0-9]* rows were committed to postgres:' inplace.err | head -1 | cut -d' ' -f1)
# The rows whose document the run changed (rows already at the target only get their version column).
[ "$changed" = "$(psql "$db" -XAtc "SELECT count(*) FROM app JOIN staging ON key = doc->>'id' WHERE document <> doc")" ] ||
  fail "message says '$changed' rows; the table has another count: $(cat inplace.err)"
undo_command inplace.err > undo.out
[ "$(psql "$db" -XAtc "SELECT md5(string_agg(key || document::text, ',' ORDER BY key)) FROM app")" = "$before" ] ||
  fail "the undo command did not give the original documents back"
echo PASS
