#!/usr/bin/env bash
# name: server/token_wrong_input_refused
# description: `ferry token` refuses wrong input with the stable codes of docs/exit-codes.md and a message
#   saying what to do: an unknown role or bad name (2), a missing --tokens or role (2), a name in use
#   (CONFLICT, 75), revoking an unknown name or listing a missing file (NOT_FOUND, 66), a missing
#   directory (IO_ERROR, 74), a malformed tokens file (2, naming the file); nothing is written when a
#   command fails.
# group: e2e
source "$(dirname "$0")/../lib.sh"
expect_exit 2 "$FERRY" token create ci --role root --tokens tokens.json 2> err.txt
grep -q 'INVALID_ARGUMENT: unknown role "root": use viewer, operator or admin' err.txt || fail "role: $(cat err.txt)"
[ ! -e tokens.json ] || fail "a refused create wrote the file"
expect_exit 2 "$FERRY" token create ci --role admin 2> err.txt
grep -q -- '--tokens' err.txt || fail "missing --tokens: $(cat err.txt)"
expect_exit 2 "$FERRY" token create ci --tokens tokens.json 2> err.txt
grep -q -- '--role' err.txt || fail "missing --role: $(cat err.txt)"
expect_exit 2 "$FERRY" token list 2> /dev/null
expect_exit 2 "$FERRY" token 2> /dev/null
expect_exit 2 "$FERRY" token create 'bad name' --role admin --tokens tokens.json 2> err.txt
grep -q 'bad token name' err.txt || fail "bad name: $(cat err.txt)"
expect_exit 66 "$FERRY" token list --tokens tokens.json 2> err.txt
grep -q 'NOT_FOUND: no tokens file tokens.json; create one with `ferry token create' err.txt || fail "$(cat err.txt)"
expect_exit 66 "$FERRY" token revoke ci --tokens tokens.json 2> /dev/null
expect_exit 74 "$FERRY" token create ci --role admin --tokens no-such-dir/tokens.json 2> err.txt
grep -q 'IO_ERROR: cannot open the directory of the tokens file no-such-dir' err.txt || fail "no dir: $(cat err.txt)"

"$FERRY" token create ci --role operator --tokens tokens.json > ci.out 2> /dev/null
cp tokens.json before.json
expect_exit 75 "$FERRY" token create ci --role admin --tokens tokens.json > out.txt 2> err.txt
grep -q 'CONFLICT: a token named "ci" exists' err.txt || fail "duplicate: $(cat err.txt)"
[ ! -s out.txt ] || fail "a refused create printed a token: $(cat out.txt)"
expect_exit 66 "$FERRY" token revoke cj --tokens tokens.json 2> err.txt
grep -q 'NOT_FOUND: no token named "cj"' err.txt || fail "revoke unknown: $(cat err.txt)"
cmp -s before.json tokens.json || fail "a refused command changed the file"
# No secret in any message.
! grep -qF "$(cat ci.out)" err.txt || fail "a message shows the token"

echo '{"format": "ferry-tokens-1", "tokens": [{"name": "x"}]}' > broken.json
expect_exit 2 "$FERRY" token list --tokens broken.json 2> err.txt
grep -q 'INVALID_ARGUMENT: tokens file broken.json is malformed: .* at /tokens/0' err.txt || fail "malformed: $(cat err.txt)"
expect_exit 2 "$FERRY" token create y --role admin --tokens broken.json 2> /dev/null
echo PASS
