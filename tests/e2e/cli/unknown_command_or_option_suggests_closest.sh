#!/usr/bin/env bash
# name: cli/unknown_command_or_option_suggests_closest
# description: a mistyped sub-command or option is named with the closest known one (exit 2), found from
#   the command line's own commands and options; nothing is suggested when nothing is close.
# group: e2e
source "$(dirname "$0")/../lib.sh"
# expect_error WANT CMD...: CMD exits 2 and its stderr is exactly WANT.
expect_error() {
  local want=$1; shift
  expect_exit 2 "$@" 2> err.txt
  [ "$(cat err.txt)" = "$want" ] || fail "$*: stderr was '$(cat err.txt)', want '$want'"
}
expect_error "ferry: INVALID_ARGUMENT: unknown command 'rnu'; did you mean 'run'?" "$FERRY" rnu
expect_error "ferry: INVALID_ARGUMENT: unknown command 'analyse'; did you mean 'analyze'?" "$FERRY" analyse --project x
# Named before CLI11's first complaint (here: the missing --source).
expect_error "ferry: INVALID_ARGUMENT: unknown option '--tagret' of 'ferry run'; did you mean '--target'?" \
  "$FERRY" run --tagret x
expect_error "ferry: INVALID_ARGUMENT: unknown option '--tagret' of 'ferry run'; did you mean '--target'?" \
  "$FERRY" run --project "$PROJECT" --source in.jsonl --tagret=x
# Values of options are not taken for commands or options; nested commands are walked.
expect_error "ferry: INVALID_ARGUMENT: unknown option '--dry-rn' of 'ferry run'; did you mean '--dry-run'?" \
  "$FERRY" run --source -tricky --target rnu --dry-rn
expect_error "ferry: INVALID_ARGUMENT: unknown sub-command 'creat' of 'ferry backup'; did you mean 'create'?" \
  "$FERRY" backup creat
# Nothing close: no guess, a pointer to the help.
expect_error "ferry: INVALID_ARGUMENT: unknown command 'frobnicate'; see 'ferry --help'" "$FERRY" frobnicate
expect_error "ferry: INVALID_ARGUMENT: unknown option '--zzzzzz' of 'ferry plan'; see 'ferry plan --help'" \
  "$FERRY" plan --zzzzzz
# Known commands and options still parse, help still exits 0.
"$FERRY" run --help > help.txt || fail "run --help exited $?"
expect_exit 2 "$FERRY" run --target x 2> err.txt
grep -q -- "--source" err.txt || fail "a missing --source is still CLI11's message: $(cat err.txt)"
echo PASS
