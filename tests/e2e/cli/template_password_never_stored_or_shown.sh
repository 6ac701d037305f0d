#!/usr/bin/env bash
# name: cli/template_password_never_stored_or_shown
# description: `ferry template save` refuses a flag value that holds a PostgreSQL password (INVALID_ARGUMENT,
#   exit 2; the password is not echoed and nothing is stored); a template saved with one before (written
#   into the state directly) is shown, listed and echoed with the password masked as ***. A run into a real
#   PostgreSQL table with a password in its URI leaves the password in no output, report, event, status or
#   state (the cluster trusts local connections, so the password is carried but not needed).
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
unset FERRY_STATE
PW=S3cretPassw0rd
P=$FERRY_SOURCE_DIR/examples/context-store
db=$(pg_database tpl_pw)
dbpw=$(echo "$db" | sed "s|://\([^@/:]*\)@|://\1:$PW@|")
[ "$dbpw" != "$db" ] || fail "cannot put a password into $db"
refused() {  # refused OUT ERR CMD...: exit 2 (INVALID_ARGUMENT)
  local out=$1 err=$2; shift 2
  set +e; "$@" > "$out" 2> "$err"; local rc=$?; set -e
  [ "$rc" = 2 ] || fail "expected exit 2, got $rc: $(cat "$out" "$err")"
}
refused out.txt err.txt "$FERRY" template save withpw --for run -- --project "$P" --target "$dbpw?table=c"
grep -q "holds a password" err.txt || fail "no clear refusal: $(cat err.txt)"
refused out2.txt err2.txt "$FERRY" template save withpw2 --for run -- --project "$P" \
  --target "postgres://u@h/db?table=c&password=$PW"
! grep -q "$PW" out.txt err.txt out2.txt err2.txt || fail "the refusal printed the password"
"$FERRY" template list --json | grep -q withpw && fail "a template with a password was saved"
# A template stored before the refusal existed: masked everywhere it is shown.
"$FERRY" template save old --for run -- --project "$P" --target "$db?table=c" > /dev/null
sqlite3 .ferry/state.db "UPDATE templates SET options = replace(options, '$db', '$dbpw') WHERE name = 'old'"
grep -q "$PW" .ferry/state.db || fail "the test did not plant the legacy password"
"$FERRY" template show old > show.json
"$FERRY" template list --json > list.json
! grep -q "$PW" show.json list.json || fail "show or list printed the password: $(cat show.json)"
grep -q '\*\*\*@' show.json || fail "show does not mask the password: $(cat show.json)"
"$FERRY" template save old --force --for run -- --project "$P" --target "$db?table=c" > save.txt
! grep -q "$PW" save.txt || fail "save echoed a password"

# A run, its status and its report: no password anywhere.
"$FERRY" generate context --count 50 --seed 1 --output in.jsonl > /dev/null
"$FERRY" run --project "$P" --source in.jsonl --target "$dbpw?table=c" --state st.db --report rep.json \
  > run.txt 2> run.err || fail "run: $(cat run.err)"
"$FERRY" status --state st.db > status.txt 2>&1 || true
"$FERRY" status --state st.db --json > status.json 2>&1 || true
"$FERRY" run --project "$P" --source in.jsonl --target "$dbpw?table=c" --state "$dbpw" > run2.txt 2>&1 || true
for f in run.txt run.err rep.json status.txt status.json st.db run2.txt; do
  [ -e "$f" ] || continue
  ! grep -q "$PW" "$f" || fail "$f holds the password: $(grep -a "$PW" "$f" | head -c 400)"
done
! pg_dump "$db" 2>/dev/null | grep -q "$PW" || fail "the PostgreSQL state holds the password"
echo PASS
