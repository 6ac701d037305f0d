#!/usr/bin/env bash
# name: server/check_response_accepts_real_bodies
# description: tools/node/check_response.mjs --batch accepts, against docs/openapi.json, the bodies Ferry really
#   produces: the reports `ferry ... --json` prints now (run, dry run, analyze, validate, plan, verify, rollback
#   impact, backup create, verify and restore; also as an operation snapshot's result), templates, history,
#   audit, backups, the reject file (JSON Lines and as a page), operation snapshots and an event stream
#   captured from libferry (samples/), problem+json errors, 202 answers, an empty 204, and legacy aliases.
#   One node process checks them all.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/openapi_lib.sh"
OP=op-20457deb7b28e397
TARGET="sqlite:out.db#workouts"
"$FERRY" generate workouts --count 300 --seed 3 --scenario mixed --output in.jsonl > /dev/null
"$FERRY" run --project "$PROJECT" --source in.jsonl --target "$TARGET" --json > run.json
"$FERRY" run --project "$PROJECT" --source in.jsonl --dry-run --json > dry_run.json
"$FERRY" analyze --project "$PROJECT" --source in.jsonl --json > analyze.json
expect_exit 65 "$FERRY" validate --project "$PROJECT" --source in.jsonl --json > validate.json
"$FERRY" plan --project "$PROJECT" --source in.jsonl --json > plan.json
"$FERRY" verify --project "$PROJECT" --source in.jsonl --target "$TARGET" --json > verify.json
"$FERRY" rollback --project "$PROJECT" --target "$TARGET" --dry-run --json > impact.json
"$FERRY" backup create --project "$PROJECT" --source "$TARGET" --json > backup.json
backup_id=$(jq -r .id backup.json)
"$FERRY" backup verify "$backup_id" --json > backup_verify.json
"$FERRY" backup restore "$backup_id" --target "sqlite:restored.db#workouts" --yes --json > restore.json
"$FERRY" backup list --json > backups.json
"$FERRY" template save nightly --for run --description "every night" -- --batch-size 500 --dry-run > /dev/null
"$FERRY" template list --json > templates.json
"$FERRY" template show nightly --json > template.json
"$FERRY" history --project "$PROJECT" --json > history.json
"$FERRY" audit --json > audit.json
rejects=$(jq -r .rejects_file run.json)
[ -s "$rejects" ] || fail "the run kept no reject file ($rejects): the sample proves nothing"
# A snapshot whose result is the run's report of now; a reject page of the reject file.
jq --slurpfile r run.json '.result = $r[0]' "$SAMPLES/snapshot_completed_run.json" > snapshot_now.json
jq -s "{run_id: \"$OP\", offset: 0, limit: 100, next_offset: null, items: .}" "$rejects" > rejects_page.json
jq -s . "$SAMPLES"/snapshot_*.json > snapshots.json
echo "{\"id\": \"$OP\", \"kind\": \"run\", \"href\": \"/api/v1/runs/$OP\"}" > accepted.json
echo '{"status": "ok"}' > health.json
: > empty
printf '# HELP ferry_operations Operations by kind and state.\n# TYPE ferry_operations gauge\nferry_operations{kind="run",state="running"} 1\n' > metrics.txt
problem() {  # CODE STATUS TITLE INSTANCE > FILE
  printf '{"type":"urn:ferry:problem:%s","title":"%s","status":%s,"detail":"what is wrong; what to do","instance":"%s","code":"%s","request_id":"req-1"}\n' \
    "$1" "$3" "$2" "$4" "$1"
}
problem UNAUTHENTICATED 401 Unauthorized /api/v1/runs > p401.json
problem NOT_FOUND 404 "Not Found" "/api/v1/runs/$OP" > p404.json
problem LENGTH_REQUIRED 411 "Length Required" /healthz > p411.json
problem LOCKED 423 Locked "/api/v1/runs/$OP/resume" > p423.json
problem UNAVAILABLE 503 "Service Unavailable" /api/v1/events > p503.json
cat > project.json <<'JSON'
{"name": "workouts", "dir": "/srv/ferry/workouts", "file": "/srv/ferry/workouts/ferry.yaml", "collection": "workouts",
 "key": "id", "target": "unified-1",
 "versions": [{"name": "unified-1", "schema_file": "schemas/unified-1.json", "detector": "has [schemaVersion]", "line": 16, "path": []},
              {"name": "strength", "schema_file": "schemas/strength.json", "detector": "has [exercises]", "line": 19,
               "path": ["strength-to-unified-1"]}],
 "migrations": [{"id": "strength-to-unified-1", "from": "strength", "to": "unified-1", "depends_on": [], "critical": false,
                 "skip_on_failure": false, "lossy": true, "steps": [{"kind": "rename", "lossy": false}, {"kind": "remove", "lossy": true}],
                 "checksum": "8e283058894c2fa3c184694023f77988514552caa23c2026583f668902c02d65", "line": 33}],
 "graph": {"nodes": ["unified-1", "strength"], "edges": [{"from": "strength", "to": "unified-1", "migration": "strength-to-unified-1"}]}}
JSON
jq -c '[{name, dir, file, collection, key, target, versions: [.versions[].name], migrations: (.migrations | length)}]' project.json > projects.json
{
  for report in run dry_run analyze validate plan verify backup backup_verify restore; do
    batch_line GET "/api/v1/runs/$OP/report" 200 application/json "$report.json"
  done
  for s in "$SAMPLES"/snapshot_*.json snapshot_now.json; do
    batch_line GET "/api/v1/runs/$OP" 200 application/json "$s"
    batch_line GET "/api/data-migration/operations/$OP/progress" 200 "application/json; charset=utf-8" "$s"
  done
  batch_line GET /api/v1/runs?state=completed\&limit=5 200 application/json snapshots.json
  batch_line GET /api/v1/operations/history?limit=10 200 application/json snapshots.json
  batch_line GET /api/migration/status 200 application/json snapshots.json
  batch_line GET "/api/v1/events?run=$OP" 200 text/event-stream "$SAMPLES/events_of_a_run.sse"
  batch_line POST /api/v1/rollbacks/impact 200 application/json impact.json
  batch_line GET /api/v1/backups 200 application/json backups.json
  batch_line GET /api/v1/templates 200 application/json templates.json
  batch_line GET /api/data-migration/templates 200 application/json templates.json
  batch_line GET /api/v1/templates/nightly 200 application/json template.json
  batch_line GET /api/data-migration/templates/nightly 200 application/json template.json
  batch_line DELETE /api/v1/templates/nightly 204 "" empty
  batch_line GET /api/v1/history 200 application/json history.json
  batch_line GET "/api/v1/audit?since=7d&actor=root" 200 application/json audit.json
  batch_line GET "/api/v1/runs/$OP/rejects?format=jsonl" 200 application/x-ndjson "$rejects"
  batch_line GET "/api/v1/runs/$OP/rejects?code=VALIDATION_ERROR" 200 application/json rejects_page.json
  batch_line GET /api/v1/projects 200 application/json projects.json
  batch_line GET /api/v1/projects/workouts 200 application/json project.json
  batch_line POST /api/v1/runs 202 application/json accepted.json
  batch_line POST /api/migration/start 202 application/json accepted.json
  batch_line POST "/api/v1/runs/$OP/resume" 202 application/json accepted.json
  batch_line GET /healthz 200 application/json health.json
  batch_line GET /metrics 200 "text/plain; version=0.0.4" metrics.txt
  batch_line GET /api/v1/runs 401 application/problem+json p401.json
  batch_line GET "/api/v1/runs/$OP" 404 application/problem+json p404.json
  batch_line GET /healthz 411 application/problem+json p411.json
  batch_line POST "/api/v1/runs/$OP/resume" 423 application/problem+json p423.json
  batch_line GET /api/v1/events 503 application/problem+json p503.json
} > responses.jsonl
lines=$(wc -l < responses.jsonl)
node "$NODE_TOOLS/check_response.mjs" --spec "$SPEC" --batch responses.jsonl > check.out 2> check.err \
  || fail "real bodies were refused: $(cat check.err)"
grep -qx "$lines response(s) conform to $SPEC" check.out || fail "not all $lines were checked: $(cat check.out)"
echo "PASS ($lines responses)"
