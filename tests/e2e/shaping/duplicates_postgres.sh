#!/usr/bin/env bash
# name: shaping/duplicates_postgres
# description: a key that comes twice in the source (within one batch, across batches, and after other
#   keys so that the direct COPY path is in use) into a PostgreSQL table keeps the first document with
#   --on-duplicate skip and the last with overwrite; each repeat is counted as a conflict.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database shaping_dup)
cat > ferry.yaml <<'YAML'
collection: items
key: id
versions:
  v1:
    detect: { has: [id] }
target: v1
YAML
python3 - <<'PY'
import json
with open("in.jsonl", "w") as f:
    for i in range(200):
        f.write(json.dumps({"Id": str(i), "n": i}) + "\n")
    for i in (0, 150, 199):  # the same keys again, other documents
        f.write(json.dumps({"Id": str(i), "n": 1000 + i}) + "\n")
PY
for batch in 1 7 500; do
  for dup in skip overwrite; do
    table="t_${dup}_$batch"
    "$FERRY" run -q --project ferry.yaml --source in.jsonl --target "$db?table=$table" --state "st-$table.db" \
      --map Id=id --on-duplicate $dup --batch-size $batch --report r.json > /dev/null
    got=$(psql "$db" -XAt -F ' ' -c "SELECT count(*), sum((document->>'n')::int) FROM $table")
    base=$(( 199 * 200 / 2 ))
    if [ $dup = skip ]; then want="200 $base"; else want="200 $(( base + 3000 ))"; fi
    [ "$got" = "$want" ] || fail "batch $batch $dup: rows/sum $got, expected $want"
    python3 -c "import json; r = json.load(open('r.json')); assert r['conflicts'] == 3 and r['migrated'] + r['already_at_target'] == 203, r"
  done
done
echo "postgres duplicates ok"
