#!/usr/bin/env bash
# name: output_paths_never_overwrite_inputs
# description: every file a command writes (--report, --complements, --rejects, --target, split parts, temporary
#   files, --backup-dir, a restore target) naming one of its inputs (the source, the project file, Ferry's state
#   and its journal) or another output is refused with INVALID_ARGUMENT (exit 2) before anything is written:
#   by device and inode, so symlinks and hard links are caught; every file stays byte for byte as it was.
#   A table target named like Ferry's own tables is refused up front too, and so is a file output naming a
#   directory.
# group: safety
source "$(dirname "$0")/../lib.sh"

cp -r "$PROJECT" proj
"$FERRY" generate workouts -n 300 --seed 7 -o src.jsonl > /dev/null
cp src.jsonl src.orig
# A first run creates the state, so that it is there to be protected.
"$FERRY" run -q -p proj --source src.jsonl --target first.jsonl > /dev/null
[ -s .ferry/state.db ] || fail "no state after the first run"
ln -s src.jsonl link.jsonl
ln src.jsonl hard.jsonl
ln -s .ferry/state.db state-link.db

# files: every file but this test's own notes.
files() { snapshot . | grep -v ' ./\(before\|after\|out\|err\)\.txt$'; }
files > before.txt
# refused WHY ARGS...: exit 2 with the files as they were.
refused() {
  local why=$1; shift
  local got=0
  "$FERRY" run -q -p proj "$@" > out.txt 2> err.txt || got=$?
  [ "$got" = 2 ] || { cat err.txt >&2; fail "$why: expected exit 2 (INVALID_ARGUMENT), got $got"; }
  grep -q "INVALID_ARGUMENT" err.txt || fail "$why: no INVALID_ARGUMENT in: $(cat err.txt)"
  files > after.txt
  diff before.txt after.txt >&2 || fail "$why: files changed"
}

refused "--complements naming the source" --source src.jsonl --target out.jsonl --complements src.jsonl
refused "--report naming the source" --source src.jsonl --target out.jsonl --report src.jsonl
refused "--report naming the target" --source src.jsonl --target first.jsonl --report first.jsonl
refused "--report naming the state" --source src.jsonl --target out.jsonl --report .ferry/state.db
refused "--report naming the state's journal" --source src.jsonl --target out.jsonl --report .ferry/state.db-wal
refused "--report through a symlink to the state" --source src.jsonl --target out.jsonl --report state-link.db
refused "--report naming the project file" --source src.jsonl --target out.jsonl --report proj/ferry.yaml
refused "--complements through a symlink to the source" --source src.jsonl --target out.jsonl --complements link.jsonl
refused "--report through a hard link to the source" --source src.jsonl --target out.jsonl --report hard.jsonl
refused "--rejects through a hard link to the source" --source src.jsonl --target out.jsonl --rejects hard.jsonl
refused "--rejects naming the target" --source src.jsonl --target first.jsonl --rejects ./first.jsonl
refused "--rejects and --complements naming one file" --source src.jsonl --target out.jsonl \
  --rejects same.jsonl --complements same.jsonl
refused "--target through a hard link to the source" --source src.jsonl --target hard.jsonl
refused "--target through a symlink to the source" --source link.jsonl --target src.jsonl
refused "--report of a dry run naming the source" --source src.jsonl --dry-run --report hard.jsonl
refused "--target naming the state's database" --source src.jsonl --target "sqlite:.ferry/state.db#workouts"

# The temporary file written beside the target is the source (a leftover of an earlier run, fed back).
cp src.jsonl .out.jsonl.ferry-r1
files > before.txt
refused "the target's temporary file naming the source" --source .out.jsonl.ferry-r1 --target out.jsonl
# A split target's parts: part 1 would be the source.
cp src.jsonl parts.00001.jsonl
files > before.txt
refused "a split target's part naming the source" --source parts.00001.jsonl --target parts.jsonl --split 8KB

# Tables: the SQLite source database and its journal are inputs; Ferry's table names are its own.
"$FERRY" import -q -p proj --source src.jsonl --target "sqlite:data.db#workouts" --as-is > /dev/null
files > before.txt
refused "--report naming the SQLite source" --source "sqlite:data.db#workouts" --target out.jsonl --report data.db
refused "--rejects naming the SQLite source's journal" --source "sqlite:data.db#workouts" --target out.jsonl \
  --rejects data.db-journal
refused "--backup-dir naming the source" --source src.jsonl --target "sqlite:new.db#workouts" --backup-dir hard.jsonl
refused "a table named like Ferry's checkpoints" --source src.jsonl --target "sqlite:data.db#ferry_checkpoints"
refused "a table named like Ferry's leases" --source src.jsonl --target "sqlite:data.db#FERRY_leases"
refused "a table named like SQLite's own" --source src.jsonl --target "sqlite:data.db#sqlite_stat1"
got=0
"$FERRY" export -q -p proj --source "sqlite:data.db#workouts" --target out.csv --report data.db 2> err.txt || got=$?
[ "$got" = 2 ] || fail "export --report naming its source database: expected exit 2, got $got"

# backup create and restore: the backup directory, the restore target.
got=0
"$FERRY" backup create -p proj --source "sqlite:data.db#workouts" --dir data.db > /dev/null 2> err.txt || got=$?
[ "$got" = 2 ] || fail "backup create --dir naming the source's database: expected exit 2, got $got ($(cat err.txt))"
id=$("$FERRY" backup create -p proj --source "sqlite:data.db#workouts" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
got=0
"$FERRY" backup restore -p proj "$id" -t "sqlite:.ferry/state.db#workouts" --yes > /dev/null 2> err.txt || got=$?
[ "$got" = 2 ] || fail "backup restore into the state's database: expected exit 2, got $got ($(cat err.txt))"

# generate: the data set and its expected rejects are two files.
got=0
"$FERRY" generate workouts -n 50 -o gen.jsonl --expect-rejects ./gen.jsonl > /dev/null 2> err.txt || got=$?
[ "$got" = 2 ] || fail "generate -o naming --expect-rejects: expected exit 2, got $got"

# A file output naming a directory is refused before the run reads anything (it failed at publication).
mkdir adir
for opt in --target --rejects --complements --report; do
  args=(--target dir-out.jsonl); [ "$opt" = --target ] && args=()
  got=0
  "$FERRY" run -q -p proj --source src.jsonl "${args[@]}" "$opt" adir > /dev/null 2> err.txt || got=$?
  [ "$got" = 2 ] && grep -q "adir is a directory" err.txt || fail "$opt naming a directory: exit $got: $(cat err.txt)"
done
[ -z "$(ls -A adir)" ] && [ ! -e dir-out.jsonl ] || fail "a refused run wrote something"
"$FERRY" status --json | python3 -c 'import json,sys; assert not [r for r in json.load(sys.stdin) if "adir" in r["target"]]' \
  || fail "a run refused for a directory target was registered"

# The source is intact, the state still works, and a run with distinct files still runs.
cmp src.jsonl src.orig || fail "the source changed"
"$FERRY" status > /dev/null || fail "the state no longer works"
"$FERRY" run -q -p proj --source link.jsonl --target out.jsonl --report report.json --complements comp.jsonl \
  --rejects rej.jsonl > /dev/null || fail "a run with distinct outputs failed"
cmp out.jsonl first.jsonl || fail "the run's output differs from the first run's"
python3 -c 'import json,sys; json.load(open("report.json"))' || fail "report.json is not JSON"
echo ok
