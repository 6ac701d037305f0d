#!/usr/bin/env bash
# name: ci/callers_ferry_environment_does_not_leak
# description: Ferry's variables in the shell that runs the tests (FERRY_PASSPHRASE, FERRY_BACKUP_PASSPHRASE,
#   FERRY_STATE, FERRY_USER, FERRY_KDF) do not reach the e2e tests: with them set, lib.sh leaves none, and
#   the steps of formats/encrypted_file_refused_when_tampered (a run into a plain file, an encrypted export
#   of it, the import back) succeed, where FERRY_PASSPHRASE used to encrypt the plain file and fail the
#   export with WRONG_KEY (77), which ctest took for a skip.
# group: e2e
source "$(dirname "$0")/../lib.sh"
cat > steps.sh <<'STEPS'
source "$E2E/lib.sh"
env | grep -o '^FERRY_[A-Z_]*' | sort > "$OUT/env.txt"
"$FERRY" generate workouts --count 300 --seed 11 --scenario all-valid --output legacy.jsonl > /dev/null
"$FERRY" run -q --state st.db --project "$PROJECT" --source legacy.jsonl --target unified.jsonl > /dev/null
[ "$(head -c 8 unified.jsonl)" != FERRYENC ] || fail "the plain target was encrypted"
echo "the right passphrase" > pass.txt
"$FERRY" export -q --state st.db --project "$PROJECT" --source unified.jsonl --target good.jsonl.enc \
  --passphrase-file pass.txt > /dev/null
"$FERRY" import -q --state st.db --project "$PROJECT" --source good.jsonl.enc --passphrase-file pass.txt \
  --target sqlite:back.db#workouts > /dev/null
[ ! -e "$OUT/elsewhere.db" ] || fail "FERRY_STATE moved the state"
STEPS
set +e
OUT=$WORK E2E=$E2E FERRY_PASSPHRASE=stray FERRY_BACKUP_PASSPHRASE=stray FERRY_STATE=$WORK/elsewhere.db \
  FERRY_USER=mallory FERRY_KDF=sensitive bash -euo pipefail steps.sh > steps.out 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || fail "with the caller's FERRY_* variables the steps exited $rc: $(cat steps.out)"
printf 'FERRY\nFERRY_APP_WRITER\nFERRY_PG_URI_FILE\nFERRY_SHARED_DIR\nFERRY_SOURCE_DIR\n' > want.txt
# Only what ctest gives every test is left (FERRY_APP_WRITER and the others may be unset outside ctest).
if grep -vxFf want.txt env.txt > leaked.txt; then fail "FERRY_* variables reach the tests: $(cat leaked.txt)"; fi
echo PASS
