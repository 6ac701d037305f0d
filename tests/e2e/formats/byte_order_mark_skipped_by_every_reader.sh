#!/usr/bin/env bash
# name: formats/byte_order_mark_skipped_by_every_reader
# description: a file that starts with a UTF-8 byte order mark gives exactly the records of the same file
#   without one, in every format Ferry reads (JSON Lines, JSON array, JSON Lines in a .json file, CSV, XML,
#   YAML, Markdown), named by its extension or detected from its content, plain, gzip-compressed, encrypted,
#   and on stdin.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
write_things_project
things_fixture things.jsonl 40
"$FERRY" import -q --state st.db --project things.yaml --source things.jsonl --target sqlite:src.db#things > /dev/null
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > key.hex
# encrypt_with_key_file IN OUT: Ferry's encrypted stream (src/codec/codec.h) sealed with key.hex, one chunk.
encrypt_with_key_file() {
  python3 - "$1" "$2" <<'PY'
import hashlib, hmac, os, struct, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key = bytes.fromhex(open("key.hex").read().strip())
data = open(sys.argv[1], "rb").read()
check = hmac.new(key, b"ferry key check v1", hashlib.sha256).digest()[:16]
header = b"FERRYENC" + bytes([1, 2]) + struct.pack("<QQ", 0, 0) + os.urandom(16) + check + struct.pack("<I", len(data) + 1)
aad = hashlib.sha256(header).digest() + struct.pack("<Q", 0) + b"\x01"
nonce = os.urandom(12)
sealed = AESGCM(key).encrypt(nonce, data, aad)  # ciphertext then tag
open(sys.argv[2], "wb").write(header + struct.pack("<I", len(data)) + nonce + sealed)
PY
}
n=0
# same_records WANT SOURCE [ARGS...]: importing SOURCE gives the documents in WANT (stdin when ARGS has -).
same_records() {
  local want=$1 source=$2; shift 2
  n=$((n + 1))
  "$FERRY" import -q --state st.db --project things.yaml --source "$source" --target "sqlite:back.db#t$n" "$@" \
    > import.out 2> import.err || fail "import of $source $*: $(cat import.err)"
  canon_table back.db "t$n" | cmp -s - "$want" || fail "$source $* read differently from the file without a byte order mark: $(canon_table back.db "t$n" | head -3)"
  echo "ok: $source $*"
}
printf '\xEF\xBB\xBF' > bom
for fmt in jsonl json csv xml yaml md; do
  "$FERRY" export -q --state st.db --project things.yaml --source sqlite:src.db#things --target "t.$fmt" > /dev/null
  [ "$(head -c 3 "t.$fmt" | od -An -tx1 | tr -d ' ')" != efbbbf ] || fail "Ferry's own t.$fmt starts with a byte order mark"
  n=$((n + 1))
  "$FERRY" import -q --state st.db --project things.yaml --source "t.$fmt" --target "sqlite:back.db#t$n" > /dev/null
  canon_table back.db "t$n" > "want.$fmt"
  [ "$(wc -l < "want.$fmt")" = 40 ] || fail "t.$fmt without a byte order mark does not give the 40 records"
  cat bom "t.$fmt" > "bom.$fmt"
  same_records "want.$fmt" "bom.$fmt"
  if [ "$fmt" != md ]; then  # Markdown is never detected from the content
    cp "bom.$fmt" "bom-$fmt-noext"
    same_records "want.$fmt" "bom-$fmt-noext"
    same_records "want.$fmt" - < "bom.$fmt"
  fi
  gzip -c "bom.$fmt" > "bom.$fmt.gz"
  same_records "want.$fmt" "bom.$fmt.gz"
  encrypt_with_key_file "bom.$fmt" "bom.$fmt.enc"
  same_records "want.$fmt" "bom.$fmt.enc" --key-file key.hex
  same_records "want.$fmt" "$fmt:-" < "bom.$fmt"
done
# JSON Lines in a file named .json.
cp bom.jsonl bom-lines.json
same_records want.jsonl bom-lines.json
# A byte order mark and nothing else is an empty file.
for f in bom-only.jsonl bom-only.json; do
  cp bom "$f"
  n=$((n + 1))
  "$FERRY" import -q --state st.db --project things.yaml --source "$f" --target "sqlite:back.db#t$n" --json > empty.json ||
    fail "$f (a byte order mark only) failed: $(cat empty.json)"
  python3 -c 'import json,sys; r=json.load(open("empty.json")); sys.exit(0 if r["input"] == 0 and r["rejected"] == 0 else 1)' ||
    fail "$f (a byte order mark only) is not an empty file: $(cat empty.json)"
done
echo PASS
