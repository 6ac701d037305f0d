#!/usr/bin/env bash
# name: stores/kill_resume_postgres_in_place
# description: a collection migrated in place inside one PostgreSQL table, killed with SIGKILL at 20
#   random moments and resumed each time, ends with every valid record migrated exactly as a file run
#   migrates it, rejected records untouched, no row lost or added.
# group: e2e nosan postgres
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../kill_lib.sh"
db=$(pg_database kill_pg_in_place)
"$FERRY" generate workouts --count 20000 --seed 34 --output in.jsonl > /dev/null
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl > /dev/null
psql "$db" -Xq -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE staging (doc jsonb);
\copy staging (doc) from 'in.jsonl' with (format csv, quote e'\x01', delimiter e'\x02')
CREATE TABLE workouts (key text PRIMARY KEY, version text, document jsonb NOT NULL,
                       updated_at timestamptz NOT NULL DEFAULT now());
INSERT INTO workouts (key, document)
  SELECT coalesce(doc->>'id', 'row-' || row_number() OVER ()), doc FROM staging;
CREATE TABLE original AS SELECT key, document FROM workouts;
CREATE TABLE expected (doc jsonb);
\copy expected (doc) from 'expected.jsonl' with (format csv, quote e'\x01', delimiter e'\x02')
SQL
KILL_PROGRESS_CHECK='[ "$(psql "$db" -XAt -c "select count(*) from ferry.checkpoints where seq > 0")" -ge 1 ]' \
  kill_until_done --project "$PROJECT" --source "$db?table=workouts" "${SLOW_RUN[@]}"
read -r rows wrong untouched_bad <<< "$(psql "$db" -XAt -F ' ' -c "
  SELECT (SELECT count(*) FROM workouts),
         (SELECT count(*) FROM expected e JOIN workouts w ON w.key = e.doc->>'id' WHERE w.document <> e.doc),
         (SELECT count(*) FROM workouts w JOIN original o USING (key)
            WHERE w.key NOT IN (SELECT doc->>'id' FROM expected) AND w.document <> o.document)")"
[ "$rows" = 20000 ] || fail "rows: $rows, expected 20000"
[ "$wrong" = 0 ] || fail "$wrong migrated documents differ from a file run"
[ "$untouched_bad" = 0 ] || fail "$untouched_bad rejected rows were changed"
"$FERRY" verify -q --project "$PROJECT" --source "$db?table=workouts" | grep -q "in sync" || fail "not in sync"
echo PASS
