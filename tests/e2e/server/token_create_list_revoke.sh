#!/usr/bin/env bash
# name: server/token_create_list_revoke
# description: `ferry token create` prints a new random token once, alone on stdout, and keeps only its
#   SHA-256 (with name, role and creation time) in a tokens file of mode 0600; `ferry token list` shows
#   names, roles and times but never a secret or hash; `ferry token revoke` removes one token.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" token create ci --role operator --tokens tokens.json > ci.out 2> ci.err
[ "$(wc -l < ci.out)" = 1 ] || fail "create printed more than the token: $(cat ci.out)"
ci=$(cat ci.out)
[[ $ci =~ ^fry_[A-Za-z0-9_-]{43}$ ]] || fail "not a token: $ci"
grep -q "shown only this once" ci.err || fail "no note to store it: $(cat ci.err)"
admin=$("$FERRY" token create root --role admin --tokens tokens.json 2> /dev/null)
[ "$admin" != "$ci" ] || fail "two tokens are the same"
[ "$(stat -c %a tokens.json)" = 600 ] || fail "tokens file mode $(stat -c %a tokens.json)"
# The file holds the hashes, never the tokens.
! grep -qF "${ci#fry_}" tokens.json || fail "the token is in the file"
grep -qF "$(printf %s "$ci" | sha256sum | cut -d' ' -f1)" tokens.json || fail "no SHA-256 of the token in the file"
jq -e '.format == "ferry-tokens-1" and (.tokens | length) == 2' tokens.json > /dev/null || fail "file: $(cat tokens.json)"

"$FERRY" token list --tokens tokens.json > list.txt
grep -Eq '^  ci +operator +20[0-9]{2}-[0-9]{2}-[0-9]{2}T' list.txt || fail "list: $(cat list.txt)"
grep -Eq '^  root +admin ' list.txt || fail "list: $(cat list.txt)"
"$FERRY" token list --tokens tokens.json --json > list.json
jq -e '[.[].name] == ["ci", "root"] and [.[].role] == ["operator", "admin"] and all(.[]; .created_at | endswith("Z"))' \
  list.json > /dev/null || fail "list --json: $(cat list.json)"
jq -e 'all(.[]; keys == ["created_at", "name", "role"])' list.json > /dev/null || fail "list --json shows more: $(cat list.json)"
for hash in $(jq -r '.tokens[].sha256' tokens.json); do
  ! grep -q "$hash" list.txt list.json || fail "list shows a hash"
done

"$FERRY" token revoke ci --tokens tokens.json > revoke.txt
grep -q 'Revoked token "ci"' revoke.txt || fail "revoke: $(cat revoke.txt)"
[ "$("$FERRY" token list --tokens tokens.json --json | jq -r '[.[].name] | join(",")')" = root ] || fail "ci not revoked"
[ "$(stat -c %a tokens.json)" = 600 ] || fail "tokens file mode after revoke $(stat -c %a tokens.json)"
"$FERRY" token create viewer-1 --role viewer --tokens tokens.json --json > created.json 2> /dev/null
jq -e '.name == "viewer-1" and .role == "viewer" and (.token | startswith("fry_"))' created.json > /dev/null \
  || fail "create --json: $(cat created.json)"
"$FERRY" token revoke viewer-1 --tokens tokens.json --json | jq -e '.revoked == "viewer-1"' > /dev/null || fail "revoke --json"
echo PASS
