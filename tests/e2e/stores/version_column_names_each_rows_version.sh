#!/usr/bin/env bash
# name: stores/version_column_names_each_rows_version
# description: a table's version column is never left empty for a record Ferry wrote or checked: `import --as-is`
#   fills it with the version each record was read in (not empty); an in-place run sets it to the target for the
#   rows already at the target that it does not rewrite (rows an application wrote without it), as for the rows
#   it migrates; a rejected row keeps its version column as it was. SQLite and, with the test cluster,
#   PostgreSQL.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
mkdir schemas
cat > ferry.yaml <<'YAML'
collection: people
key: id
versions:
  v2:
    detect: { has: [fullName] }
    schema: schemas/v2.json
  v1:
    detect: { has: [name] }
migrations:
  - id: v1-to-v2
    from: v1
    to: v2
    steps:
      - rename: { from: name, to: fullName }
target: v2
YAML
echo '{"type": "object", "required": ["id", "fullName"], "properties": {"fullName": {"type": "string"}}}' \
  > schemas/v2.json
cat > in.jsonl <<'JSONL'
{"id":"a","name":"Ann"}
{"id":"b","fullName":"Bob"}
{"id":"c","name":"Cy"}
JSONL

check() {  # check STORE QUERY-CMD: the version column per key after each step
  local query=$1
  # import --as-is: each row's own version.
  "$FERRY" import -q --as-is --source in.jsonl --target "$STORE"
  [ "$($query "SELECT key || '=' || coalesce(version, 'NULL') FROM people ORDER BY key")" = 'a=v1
b=v2
c=v1' ] || fail "$STORE after import --as-is: $($query 'SELECT key, version FROM people ORDER BY key')"
  # Rows written without a version (as an application would), one that cannot be migrated, then in place.
  $query "UPDATE people SET version = NULL" > /dev/null
  $query "INSERT INTO people (key, version, document, updated_at) VALUES ('d', NULL, '{\"id\":\"d\",\"fullName\":7}', '2024-01-01T00:00:00Z')" > /dev/null
  "$FERRY" run -q --source "$STORE" --report rep.json || true
  python3 -c '
import json; r = json.load(open("rep.json"))
assert r["migrated"] == 2 and r["already_at_target"] == 1 and r["rejected"] == 1, r'
  [ "$($query "SELECT key || '=' || coalesce(version, 'NULL') FROM people ORDER BY key")" = 'a=v2
b=v2
c=v2
d=NULL' ] || fail "$STORE after the in-place run: $($query 'SELECT key, version FROM people ORDER BY key')"
}

sqlite_query() { sqlite3 t.db "$1"; }
STORE='sqlite:t.db#people' check sqlite_query

pg=$(pg_database version_column)
pg_query() { psql "$pg" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
STORE="$pg?table=people" check pg_query
echo "PASS"
