#!/usr/bin/env bash
# name: cli/completion_offers_commands_and_options
# description: `ferry completion bash|zsh` prints a script made from the command line's own commands and
#   options: sourced, it offers `run` for `ferry ru`, `--target` for `ferry run --tar`, nested commands,
#   and file names (not commands) for an option's value.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" completion bash > ferry.bash
# complete WORDS...: what the bash completion offers for the last word (the one being typed).
complete_bash() {
  bash -c 'source ./ferry.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ferry; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$@"
}
[ "$(complete_bash ferry ru)" = run ] || fail "ferry ru: $(complete_bash ferry ru)"
[ "$(complete_bash ferry run --tar)" = --target ] || fail "ferry run --tar: $(complete_bash ferry run --tar)"
[ "$(complete_bash ferry backup cr)" = create ] || fail "ferry backup cr: $(complete_bash ferry backup cr)"
complete_bash ferry backup create --in | grep -qx -- --incremental || fail "backup create --in"
# The value of --target is a file name (left to bash's default completion), even one named like a command.
[ -z "$(complete_bash ferry run --target ru)" ] || fail "a value completed as a command: $(complete_bash ferry run --target ru)"
# Every command and every option of `run`, as --help lists them, is offered.
complete_bash ferry "" > commands.txt
for c in analyze plan run verify validate status backup template token completion version; do
  grep -qx "$c" commands.txt || fail "command $c not offered: $(cat commands.txt)"
done
"$FERRY" run --help > help.txt
complete_bash ferry run -- > options.txt
for o in $(grep -o -- '--[a-z][a-z-]*' help.txt | sort -u); do
  grep -qx -- "$o" options.txt || fail "run option $o not offered"
done
bash -c 'source ./ferry.bash; complete -p ferry' | grep -q -- '-F _ferry' || fail "bash: _ferry not registered for ferry"
# zsh: the same answers through compadd (here printing what it is given).
"$FERRY" completion zsh > _ferry
head -1 _ferry | grep -qx '#compdef ferry' || fail "zsh script: $(head -1 _ferry)"
expect_exit 2 "$FERRY" completion fish 2> /dev/null
command -v zsh > /dev/null || fail "zsh is not installed (scripts/install-deps.sh installs it)"
complete_zsh() {
  zsh -c 'compdef() { :; }; _files() { print FILES; }; compadd() { shift; print -l -- "$@"; }
          source ./_ferry; words=("$@"); CURRENT=$#; _ferry' _ "$@"
}
complete_zsh ferry ru | grep -qx run || fail "zsh ferry ru: $(complete_zsh ferry ru)"
complete_zsh ferry run --tar | grep -qx -- --target || fail "zsh ferry run --tar: $(complete_zsh ferry run --tar)"
[ "$(complete_zsh ferry run --target ru)" = FILES ] || fail "zsh: a value completed as a command"
complete_zsh ferry backup cr | grep -qx create || fail "zsh ferry backup cr"
echo PASS
