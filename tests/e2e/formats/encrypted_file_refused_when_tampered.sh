#!/usr/bin/env bash
# name: formats/encrypted_file_refused_when_tampered
# description: an encrypted export with a flipped byte, two chunks swapped, the chunks after the first cut
#   off, or the last bytes cut off is refused on import with INTEGRITY_ERROR (exit 65) in one clear line,
#   and publishes nothing; a wrong passphrase, or a key file for a passphrase file, is WRONG_KEY (77); an
#   encrypted source without a key is INVALID_ARGUMENT (2) saying which option to pass.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
"$FERRY" generate workouts --count 4000 --seed 11 --scenario all-valid --output legacy.jsonl > /dev/null
"$FERRY" run -q --state st.db --project "$PROJECT" --source legacy.jsonl --target unified.jsonl > /dev/null
echo "the right passphrase" > pass.txt
"$FERRY" export -q --state st.db --project "$PROJECT" --source unified.jsonl --target good.jsonl.enc \
  --passphrase-file pass.txt > /dev/null
# Chunks of 1 MiB: header 62 bytes, then length u32 | nonce 12 | ciphertext | tag 16.
python3 - <<'PY'
import struct
data = open("good.jsonl.enc", "rb").read()
assert data[:8] == b"FERRYENC"
pos, chunks = 62, []
while pos < len(data):
    (n,) = struct.unpack_from("<I", data, pos)
    chunks.append(data[pos:pos + 4 + 12 + n + 16])
    pos += 4 + 12 + n + 16
assert len(chunks) >= 3 and len(chunks[0]) == len(chunks[1]), [len(c) for c in chunks]
head = data[:62]
flipped = bytearray(data); flipped[62 + 4 + 12 + 1000] ^= 0x01
open("flipped.jsonl.enc", "wb").write(bytes(flipped))
open("reordered.jsonl.enc", "wb").write(head + chunks[1] + chunks[0] + b"".join(chunks[2:]))
open("cut.jsonl.enc", "wb").write(head + chunks[0])
open("short.jsonl.enc", "wb").write(data[:-5])
PY
n=0
refused() {
  local want=$1 code=$2 file=$3; shift 3
  n=$((n + 1))
  expect_exit "$want" "$FERRY" import -q --state st.db --project "$PROJECT" --source "$file" --target "out$n.jsonl" "$@" 2> err.txt
  grep -q "^ferry: $code: .*$file" err.txt || fail "$file: expected one '$code' line naming the file, got: $(cat err.txt)"
  [ "$(wc -l < err.txt)" = 1 ] || fail "$file: more than one line of error: $(cat err.txt)"
  [ -e "out$n.jsonl" ] && fail "$file: the refused import published out$n.jsonl"
  echo "ok: $file -> $code"
}
refused 65 INTEGRITY_ERROR flipped.jsonl.enc --passphrase-file pass.txt
refused 65 INTEGRITY_ERROR reordered.jsonl.enc --passphrase-file pass.txt
refused 65 INTEGRITY_ERROR cut.jsonl.enc --passphrase-file pass.txt
refused 65 INTEGRITY_ERROR short.jsonl.enc --passphrase-file pass.txt
echo "not the passphrase" > wrong.txt
refused 77 WRONG_KEY good.jsonl.enc --passphrase-file wrong.txt
head -c 32 /dev/urandom > key.bin
refused 77 WRONG_KEY good.jsonl.enc --key-file key.bin
FERRY_PASSPHRASE="also wrong" refused 77 WRONG_KEY good.jsonl.enc
refused 2 INVALID_ARGUMENT good.jsonl.enc
grep -q -- "--passphrase-file" err.txt || fail "no hint to pass a key: $(cat err.txt)"
# The untouched file still imports (with the passphrase from the environment), into a table.
FERRY_PASSPHRASE="the right passphrase" "$FERRY" import -q --state st.db --project "$PROJECT" --source good.jsonl.enc \
  --target sqlite:back.db#workouts > /dev/null
canon_table back.db workouts | cmp -s - <(canon_jsonl unified.jsonl) || fail "the good file read back differently"
echo PASS
