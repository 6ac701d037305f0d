#!/usr/bin/env bash
# name: safety/backup_verify_detects_damage
# description: `ferry backup verify` passes an intact backup and catches a flipped bit in each chunk in
#   turn, a truncated chunk, a missing chunk, two chunks swapped, an edited manifest, and (encrypted) a wrong
#   passphrase or key file, each with its stable code and the chunk named; restore and rollback refuse a
#   damaged backup and change nothing.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/safety_lib.sh"
export FERRY_KDF=interactive
"$FERRY" generate workouts --count 16000 --seed 31 --output in.jsonl > /dev/null
load_table in.jsonl data.db workouts
echo "a passphrase" > pass.txt
head -c 32 /dev/urandom > key.bin

for enc in plain passphrase keyfile; do
  opts=()
  case $enc in
    passphrase) opts=(--passphrase-file pass.txt) ;;
    keyfile) opts=(--key-file key.bin) ;;
  esac
  "$FERRY" backup create --json --project "$PROJECT" --source sqlite:data.db#workouts "${opts[@]}" > "b-$enc.json"
  read -r id dir chunks < <(python3 -c "
import json; b = json.load(open('b-$enc.json')); print(b['id'], b['dir'], b['chunks'])")
  [ "$chunks" -ge 3 ] || fail "expected several chunks, got $chunks"
  "$FERRY" backup verify "$id" "${opts[@]}" > ok.txt || fail "$enc: an intact backup does not verify: $(cat ok.txt)"
  # Flip one bit in each chunk in turn (a different bit each time), then put it back.
  for chunk in "$dir"/chunk-*.fbk; do
    python3 - "$chunk" <<'PY'
import os, random, sys
p = sys.argv[1]; data = bytearray(open(p, "rb").read())
r = random.Random(p); i = r.randrange(len(data)); data[i] ^= 1 << r.randrange(8)
open(p + ".orig", "wb").write(open(p, "rb").read()); open(p, "wb").write(data)
PY
    expect_exit 65 "$FERRY" backup verify "$id" "${opts[@]}" > bad.txt 2>&1
    grep -q "INTEGRITY_ERROR.*chunk $((10#$(basename "$chunk" .fbk | cut -d- -f2)))" bad.txt \
      || fail "$enc: flipped bit in $chunk not reported as such: $(cat bad.txt)"
    mv "$chunk.orig" "$chunk"
  done
  first=$(ls "$dir"/chunk-*.fbk | head -1); second=$(ls "$dir"/chunk-*.fbk | sed -n 2p)
  # Truncated.
  cp "$first" saved; truncate -s -7 "$first"
  expect_exit 65 "$FERRY" backup verify "$id" "${opts[@]}" > bad.txt 2>&1
  grep -q "INTEGRITY_ERROR.*corrupt or truncated" bad.txt || fail "$enc: truncation: $(cat bad.txt)"
  # Missing.
  rm "$first"
  expect_exit 65 "$FERRY" backup verify "$id" "${opts[@]}" > bad.txt 2>&1
  grep -q "INTEGRITY_ERROR.*is missing" bad.txt || fail "$enc: missing chunk: $(cat bad.txt)"
  cp saved "$first"
  # Swapped.
  mv "$first" tmp; mv "$second" "$first"; mv tmp "$second"
  expect_exit 65 "$FERRY" backup verify "$id" "${opts[@]}" > bad.txt 2>&1
  grep -q "INTEGRITY_ERROR" bad.txt || fail "$enc: swapped chunks: $(cat bad.txt)"
  mv "$first" tmp; mv "$second" "$first"; mv tmp "$second"
  # An edited manifest (one more record claimed).
  cp "$dir/manifest.json" saved.json
  sed -i 's/"records":\([0-9]*\),"run_id"/"records":9\1,"run_id"/' "$dir/manifest.json"
  expect_exit 65 "$FERRY" backup verify "$id" "${opts[@]}" > bad.txt 2>&1
  grep -q "INTEGRITY_ERROR.*manifest" bad.txt || fail "$enc: edited manifest: $(cat bad.txt)"
  cp saved.json "$dir/manifest.json"
  "$FERRY" backup verify "$id" "${opts[@]}" > /dev/null || fail "$enc: the repaired backup does not verify"
done

# Wrong keys.
pid=$(python3 -c "import json; print(json.load(open('b-passphrase.json'))['id'])")
kid=$(python3 -c "import json; print(json.load(open('b-keyfile.json'))['id'])")
echo "not it" > wrong.txt
expect_exit 77 "$FERRY" backup verify "$pid" --passphrase-file wrong.txt > bad.txt 2>&1
grep -q "WRONG_KEY" bad.txt || fail "wrong passphrase: $(cat bad.txt)"
head -c 32 /dev/urandom > wrong.bin
expect_exit 77 "$FERRY" backup verify "$kid" --key-file wrong.bin > bad.txt 2>&1
grep -q "WRONG_KEY" bad.txt || fail "wrong key file: $(cat bad.txt)"
expect_exit 77 "$FERRY" backup verify "$kid" --passphrase-file pass.txt > bad.txt 2>&1
grep -q "WRONG_KEY.*key file" bad.txt || fail "passphrase for a key-file backup: $(cat bad.txt)"

# A damaged backup is never restored from, nor rolled back through.
python3 - "$(python3 -c "import json; print(json.load(open('b-plain.json'))['dir'])")" <<'PY'
import glob, sys
p = sorted(glob.glob(sys.argv[1] + "/chunk-*.fbk"))[1]; d = bytearray(open(p, "rb").read()); d[10] ^= 4; open(p, "wb").write(d)
PY
bid=$(python3 -c "import json; print(json.load(open('b-plain.json'))['id'])")
sqlite3 data.db "CREATE TABLE copy (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, updated_at TEXT)"
expect_exit 65 "$FERRY" backup restore "$bid" --yes --project "$PROJECT" --target "sqlite:data.db#copy" > bad.txt 2>&1
[ "$(sqlite3 data.db "SELECT count(*) FROM copy")" = 0 ] || fail "a damaged backup was restored from"
before=$(dump_bytes data.db workouts)
"$FERRY" run -q --project "$PROJECT" --source sqlite:data.db#workouts --commit-interval 0.001 > /dev/null
migrated=$(dump_bytes data.db workouts)
run_dir=$(ls -d .ferry/backups/2026* .ferry/backups/20* 2>/dev/null | head -1)
python3 - "$run_dir" <<'PY'
import glob, sys
p = sorted(glob.glob(sys.argv[1] + "/chunk-*.fbk"))[-1]; d = bytearray(open(p, "rb").read()); d[-1] ^= 1; open(p, "wb").write(d)
PY
expect_exit 65 "$FERRY" rollback --yes --project "$PROJECT" > bad.txt 2>&1
grep -q "INTEGRITY_ERROR" bad.txt || fail "rollback through a damaged backup: $(cat bad.txt)"
[ "$(dump_bytes data.db workouts)" = "$migrated" ] || fail "a refused rollback changed something"
