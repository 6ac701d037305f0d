#!/usr/bin/env bash
# name: cli/templates
# description: `ferry template save` keeps a run's flags in the state store (checked by run's own parser: an
#   unknown flag or a bad value fails at save); list and show it; `run --template` applies them (report.json
#   shows batch size, preset and rejects file), a flag on the command line overrides the template's, a
#   template may carry --source; an existing name needs --force; a template for another command, an unknown
#   template and a bad name are clear errors; --state selects the state; delete removes it.
# group: e2e
source "$(dirname "$0")/../lib.sh"
P=$FERRY_SOURCE_DIR/examples/context-store
unset FERRY_STATE
"$FERRY" generate context --count 600 --seed 2 --output in.jsonl > /dev/null

# Save, list, show.
"$FERRY" template save nightly --for run --description 'nightly import, "safe"' -- \
  --project "$P" --batch-size 64 --rejects rej.jsonl --preset safe --report rep.json -q > save.txt
grep -q "Saved template 'nightly' for 'ferry run' in .ferry/state.db: --project " save.txt || fail "save: $(cat save.txt)"
grep -q -- "--quiet --batch-size 64 --rejects rej.jsonl --preset safe --report rep.json$" save.txt \
  || fail "save does not list the flags: $(cat save.txt)"
"$FERRY" template list > list.txt
grep -Eq '^  nightly +run +nightly import, "safe" +[0-9]{4}-[0-9]{2}-[0-9]{2}T' list.txt || fail "list: $(cat list.txt)"
"$FERRY" template show nightly > show.json
python3 - "$P" <<'PY'
import json, sys
t = json.load(open("show.json"))
assert t["name"] == "nightly" and t["for"] == "run" and t["description"] == 'nightly import, "safe"', t
assert t["options"] == {"project": sys.argv[1], "quiet": True, "batch-size": "64", "rejects": "rej.jsonl",
                        "preset": "safe", "report": "rep.json"}, t["options"]
assert t["created_at"] == t["updated_at"] and t["updated_by"], t
PY
"$FERRY" template list --json | python3 -c "import json,sys; l=json.load(sys.stdin); assert [t['name'] for t in l] == ['nightly'], l"

# Use it: the options take effect.
"$FERRY" run --template nightly --source in.jsonl --target out.jsonl > run1.txt || fail "run: $(cat run1.txt)"
python3 - <<'PY'
import json
r = json.load(open("rep.json"))
assert r["status"] == "completed" and r["input"] == 600 and r["rejected"] == 0, r
assert r["options"]["batch_size"] == 64, r["options"]
assert r["options"]["preset"] == "safe", r["options"]
assert r["rejects_file"].endswith("rej.jsonl"), r["rejects_file"]
assert r["batches"] == 10, r["batches"]  # 600 records in batches of 64
PY
[ "$(wc -l < out.jsonl)" = 600 ] || fail "the templated run did not write 600 records"

# A flag on the command line wins over the template's.
"$FERRY" run --template nightly --source in.jsonl --target out2.jsonl --batch-size 200 --preset fast > /dev/null
python3 - <<'PY'
import json
o = json.load(open("rep.json"))["options"]
assert o["batch_size"] == 200 and o["preset"] == "fast", o
PY

# A flag run does not know, or a value it does not take, fails at save and saves nothing.
expect_exit 2 "$FERRY" template save bad --for run -- --batchsize 5 2> err.txt
grep -q "'ferry run' has no flag --batchsize" err.txt || fail "unknown flag message: $(cat err.txt)"
expect_exit 2 "$FERRY" template save bad --for run -- --preset safe -x 2> err.txt
grep -q "'ferry run' has no flag -x" err.txt || fail "unknown short flag message: $(cat err.txt)"
expect_exit 2 "$FERRY" template save bad --for run -- --preset safe stray 2> err.txt
grep -q "not valid for 'ferry run'.*stray" err.txt || fail "stray argument message: $(cat err.txt)"
expect_exit 2 "$FERRY" template save bad --for run -- --batch-size many 2> err.txt
grep -q -- "--batch-size: 'many' is not an integer from 1 to 100000" err.txt || fail "bad value message: $(cat err.txt)"
expect_exit 2 "$FERRY" template save bad --for run -- --state other.db 2> err.txt
grep -q "cannot hold --state" err.txt || fail "--state in a template: $(cat err.txt)"
expect_exit 2 "$FERRY" template save bad --for run -- --template nightly 2> err.txt
expect_exit 2 "$FERRY" template save bad --for analyze -- --project "$P" 2> err.txt
grep -q "templates are for export, import, run" err.txt || fail "--for analyze: $(cat err.txt)"
expect_exit 66 "$FERRY" template show bad 2> err.txt
grep -q "no template 'bad'" err.txt || fail "show of a missing template: $(cat err.txt)"
expect_exit 2 "$FERRY" template save 'bad name' --for run -- --preset safe 2> err.txt
grep -q "may hold only the characters" err.txt || fail "bad name: $(cat err.txt)"

# An existing name is replaced only with --force.
expect_exit 75 "$FERRY" template save nightly --for run -- --preset fast 2> err.txt
grep -q "already exists.*--force" err.txt || fail "overwrite without --force: $(cat err.txt)"
"$FERRY" template show nightly | python3 -c "import json,sys; assert json.load(sys.stdin)['options']['preset'] == 'safe'"
"$FERRY" template save nightly --for run --force -- --project "$P" --source in.jsonl --batch-size 300 -q > /dev/null
"$FERRY" run --template nightly --target out3.jsonl --report rep3.json > /dev/null  # --source from the template
python3 -c "
import json; r = json.load(open('rep3.json'))
assert r['input'] == 600 and r['options']['batch_size'] == 300, r"
# The required --source is still required when neither gives it.
"$FERRY" template save nosource --for run -- --project "$P" -q > /dev/null
expect_exit 2 "$FERRY" run --template nosource --target out4.jsonl 2> err.txt
grep -q -- "--source is required" err.txt || fail "missing --source: $(cat err.txt)"
expect_exit 2 "$FERRY" run --project "$P" --target out4.jsonl 2> err.txt
grep -q -- "--source is required" err.txt || fail "missing --source without a template: $(cat err.txt)"

# A template for another command (export, written straight into the state).
python3 - <<'PY'
import sqlite3
db = sqlite3.connect(".ferry/state.db")
db.execute("INSERT INTO templates VALUES ('for-export', 'export', '', '{}', 'x', 'x', 'x')")
db.commit()
PY
expect_exit 2 "$FERRY" run --template for-export --project "$P" --source in.jsonl --target o5.jsonl 2> err.txt
grep -q "template 'for-export' is for 'ferry export', not 'ferry run'" err.txt || fail "wrong command: $(cat err.txt)"
expect_exit 66 "$FERRY" run --template nope --project "$P" --source in.jsonl --target o5.jsonl 2> err.txt
grep -q "no template 'nope'" err.txt || fail "unknown template: $(cat err.txt)"

# --state selects where templates live.
"$FERRY" template save elsewhere --state other.db --for run -- --preset safe > /dev/null
"$FERRY" template list --state other.db | grep -q elsewhere || fail "not listed in other.db"
"$FERRY" template list | grep -q elsewhere && fail "listed in the default state"
FERRY_STATE=other.db "$FERRY" template show elsewhere > /dev/null || fail "FERRY_STATE not used"
expect_exit 66 "$FERRY" run --template elsewhere --project "$P" --source in.jsonl --target o6.jsonl 2> /dev/null
"$FERRY" run --state other.db --template elsewhere --project "$P" --source in.jsonl --target o6.jsonl -q --json \
  | python3 -c "import json,sys; assert json.load(sys.stdin)['options']['preset'] == 'safe'"

# Delete.
"$FERRY" template delete nightly > del.txt
grep -q "Deleted template 'nightly'" del.txt || fail "delete: $(cat del.txt)"
expect_exit 66 "$FERRY" template show nightly 2> /dev/null
expect_exit 66 "$FERRY" template delete nightly 2> /dev/null
expect_exit 66 "$FERRY" run --template nightly --source in.jsonl --target o7.jsonl 2> /dev/null
"$FERRY" template list --json | python3 -c "
import json,sys; assert sorted(t['name'] for t in json.load(sys.stdin)) == ['for-export', 'nosource']"
echo PASS
