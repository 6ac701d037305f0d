#!/usr/bin/env bash
# name: context/postgres_with_template
# description: the context-store example into a real PostgreSQL table with a saved template kept in that
#   database's Ferry state (schema ferry): `template save --state postgres://...` stores it there, `run
#   --template` with a postgres:// target and no --state finds it in the target's state, applies it (batch
#   size, preset, report), migrates every context-1 record and rejects nothing; the local SQLite state
#   holds no template.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
unset FERRY_STATE
P=$FERRY_SOURCE_DIR/examples/context-store
db=$(pg_database context_tpl)
"$FERRY" generate context --count 2500 --seed 3 --output in.jsonl --json > gen.json
"$FERRY" template save pg-nightly --state "$db" --for run --description "into PostgreSQL" -- \
  --project "$P" --batch-size 250 --preset safe --report rep.json -q > save.txt
grep -q "Saved template 'pg-nightly' for 'ferry run' in .*(schema ferry)" save.txt || fail "save: $(cat save.txt)"
[ "$(psql "$db" -XAtq -c "SELECT command || ' ' || options FROM ferry.templates WHERE name = 'pg-nightly'")" = \
  "run {\"project\":\"$P\",\"quiet\":true,\"batch-size\":\"250\",\"preset\":\"safe\",\"report\":\"rep.json\"}" ] \
  || fail "the row in ferry.templates: $(psql "$db" -XAtq -c "SELECT * FROM ferry.templates")"
"$FERRY" template list | grep -q pg-nightly && fail "the template is in the local state too"

"$FERRY" run --template pg-nightly --source in.jsonl --target "$db?table=contexts" > run.txt || fail "$(cat run.txt)"
python3 - <<'PY'
import json
g = json.load(open("gen.json"))
r = json.load(open("rep.json"))
assert r["status"] == "completed", r
assert (r["input"], r["migrated"], r["already_at_target"], r["rejected"]) == (2500, g["legacy"], g["current"], 0), (r, g)
assert r["options"]["batch_size"] == 250 and r["options"]["preset"] == "safe", r["options"]
PY
[ "$(psql "$db" -XAtq -c "SELECT count(*) FROM contexts")" = 2500 ] || fail "rows in contexts"
"$FERRY" verify -q --project "$P" --source in.jsonl --target "$db?table=contexts" > verify.txt || fail "$(cat verify.txt)"
grep -q "Sync status: in sync" verify.txt || fail "$(cat verify.txt)"
"$FERRY" template delete pg-nightly --state "$db" > /dev/null
[ "$(psql "$db" -XAtq -c "SELECT count(*) FROM ferry.templates")" = 0 ] || fail "not deleted"
echo PASS
