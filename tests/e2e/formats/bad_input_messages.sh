#!/usr/bin/env bash
# name: formats/bad_input_messages
# description: careless input gets a precise message and the right code: a record that is not UTF-8 is
#   rejected into a reject file whose every line is valid JSON (the text with U+FFFD, the exact bytes in
#   raw_base64); a missing key file is INVALID_ARGUMENT (exit 2) naming the key file; --passphrase-file with
#   --key-file (and the backup pair) is INVALID_ARGUMENT naming both.
# group: e2e
source "$(dirname "$0")/../lib.sh"
unset FERRY_PASSPHRASE FERRY_BACKUP_PASSPHRASE
cat > ferry.yaml <<'YAML'
collection: t
key: id
versions:
  v1: { detect: { has: [id] } }
target: v1
YAML
printf '{"id":"a"}\n{"id":"b\xff\xfe","v":1}\n{"id":"c"}\n' > in.jsonl
"$FERRY" run -q --state st.db --project . --source in.jsonl --target out.jsonl --rejects rej.jsonl > /dev/null 2>&1 \
  || fail "the run failed"
python3 - <<'PY' || fail "the reject file is not valid JSON Lines with the exact bytes"
import base64, json
lines = open("rej.jsonl", "rb").read().splitlines()
assert len(lines) == 1, lines
r = json.loads(lines[0].decode("utf-8"))
assert r["code"] == "PARSE_ERROR", r
assert r["raw"] == '{"id":"b\ufffd\ufffd","v":1}', r["raw"]
assert base64.b64decode(r["raw_base64"]) == b'{"id":"b\xff\xfe","v":1}', r["raw_base64"]
PY
echo secret > pass.txt
refused() {  # refused CMD...: exit 2 (INVALID_ARGUMENT), stderr in err.txt
  set +e; "$@" > /dev/null 2> err.txt; local rc=$?; set -e
  [ "$rc" = 2 ] || fail "expected exit 2, got $rc: $(cat err.txt)"
}
refused "$FERRY" run -q --state st.db --project . --source in.jsonl --target enc.jsonl.enc \
  --key-file missing.key
grep -q "the key file: .*missing.key" err.txt || fail "no clear message for a missing key file: $(cat err.txt)"
refused "$FERRY" run -q --state st.db --project . --source in.jsonl --target enc.jsonl.enc \
  --key-file missing.key --passphrase-file pass.txt
grep -q -- "--key-file" err.txt && grep -q -- "--passphrase-file" err.txt || fail "two keys: $(cat err.txt)"
refused "$FERRY" run -q --state st.db --project . --source in.jsonl --target out2.jsonl \
  --backup-key-file missing.key --backup-passphrase-file pass.txt
grep -q -- "--backup-key-file" err.txt || fail "two backup keys: $(cat err.txt)"
echo PASS
