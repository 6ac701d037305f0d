#!/usr/bin/env bash
# name: ci/docs_commands_run_as_written
# description: every command of README.md, docs/*.md and examples/*/README.md is in a block the docs test
#   knows (tests/e2e/ci/doc_blocks.py): a ```sh block runs exactly as written (one file's blocks in order, in
#   one shell, in a scratch directory where examples/ is the repository's and `ferry` is the built binary;
#   the only changes are the PostgreSQL URI postgres://app@127.0.0.1:5432/app, which becomes the test
#   cluster's, and docs/server.md's 127.0.0.1:8480, which becomes a free port) and must exit 0; a ```sh
#   synopsis block names only commands and options that exist.
#   So a doc cannot drift from the binary again.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
BLOCKS=$E2E/ci/doc_blocks.py
python3 "$BLOCKS" check "$FERRY_SOURCE_DIR" > problems.txt || fail "unmarked command blocks: $(cat problems.txt)"
python3 "$BLOCKS" synopsis "$FERRY_SOURCE_DIR" "$FERRY" > problems.txt || fail "synopses that drifted: $(cat problems.txt)"
mkdir bin && ln -s "$FERRY" bin/ferry && export PATH=$WORK/bin:$PATH
pg=$(pg_database docs)
ran=0
while IFS= read -r doc; do
  python3 "$BLOCKS" runnable "$FERRY_SOURCE_DIR" "$doc" > script.sh
  [ -s script.sh ] || continue
  # What a doc starts in the background (docs/server.md: ferry serve) ends with its script.
  sed -i "1i trap 'kill \$(jobs -p) 2> /dev/null || true' EXIT" script.sh
  dir=$WORK/run/${doc//\//_}
  mkdir -p "$dir" && ln -s "$FERRY_SOURCE_DIR/examples" "$dir/examples"
  sed -i "s|postgres://app@127.0.0.1:5432/app|$pg|g" script.sh
  # docs/server.md's server listens on 127.0.0.1:8480: here on a free port, so that nothing else on the
  # machine (another test, another checkout's tests) can hold it.
  sed -i "s|127.0.0.1:8480|127.0.0.1:$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')|g" script.sh
  # -x: the trace names the command that failed; ': "block FILE:LINE"' names its block.
  (cd "$dir" && bash -euxo pipefail "$WORK/script.sh" > out.txt 2> err.txt) \
    || fail "$doc: a command failed: $(grep '^+ : .block' "$dir/err.txt" | tail -1) $(tail -15 "$dir/err.txt")"
  ran=$((ran + $(grep -c '^: "block ' script.sh)))
done < <(python3 "$BLOCKS" files "$FERRY_SOURCE_DIR")
# The runnable blocks today: docs/templates.md, examples/context-store (4), examples/local-storage-to-postgres.
[ "$ran" -ge 6 ] || fail "only $ran runnable blocks were found"
echo "PASS: $ran runnable blocks"
