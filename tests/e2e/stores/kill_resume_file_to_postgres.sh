#!/usr/bin/env bash
# name: stores/kill_resume_file_to_postgres
# description: a file-to-PostgreSQL run killed with SIGKILL at 20 random moments and resumed each time
#   ends with exactly the documents of an uninterrupted run (jsonb-equal), each key once, the source
#   unchanged, the reject file equal to an uninterrupted run's, and the state in the ferry schema.
# group: e2e nosan postgres
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../kill_lib.sh"
db=$(pg_database kill_file_pg)
"$FERRY" generate workouts --count 20000 --seed 33 --output in.jsonl > /dev/null
before=$(sha256sum < in.jsonl)
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl \
  --rejects expected.rej.jsonl > /dev/null
KILL_PROGRESS_CHECK='[ "$(psql "$db" -XAt -c "select count(*) from ferry.checkpoints where seq > 0")" -ge 1 ]' \
  kill_until_done --project "$PROJECT" --source in.jsonl --target "$db?table=workouts" --rejects out.rej.jsonl \
  "${SLOW_RUN[@]}"
psql "$db" -Xq -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE expected (doc jsonb);
\copy expected (doc) from 'expected.jsonl' with (format csv, quote e'\x01', delimiter e'\x02')
SQL
read -r rows distinct_keys missing different <<< "$(psql "$db" -XAt -F ' ' -c "
  SELECT (SELECT count(*) FROM workouts), (SELECT count(DISTINCT key) FROM workouts),
         (SELECT count(*) FROM expected e LEFT JOIN workouts w ON w.key = e.doc->>'id' WHERE w.key IS NULL),
         (SELECT count(*) FROM expected e JOIN workouts w ON w.key = e.doc->>'id' WHERE w.document <> e.doc)")"
want=$(wc -l < expected.jsonl)
[ "$rows" = "$want" ] || fail "rows: $rows, expected $want"
[ "$distinct_keys" = "$want" ] || fail "a key twice: $distinct_keys distinct of $rows"
[ "$missing" = 0 ] || fail "$missing documents missing"
[ "$different" = 0 ] || fail "$different documents differ"
cmp out.rej.jsonl expected.rej.jsonl || fail "reject file differs from an uninterrupted run"
[ "$(sha256sum < in.jsonl)" = "$before" ] || fail "the source changed"
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target "$db?table=workouts" | grep -q "in sync" \
  || fail "verify does not say in sync"
[ "$(psql "$db" -XAt -c "SELECT status FROM ferry.runs")" = completed ] || fail "the run is not completed in ferry.runs"
[ ! -d .ferry ] || fail "a PostgreSQL target keeps its state in PostgreSQL, not in .ferry/"
echo PASS
