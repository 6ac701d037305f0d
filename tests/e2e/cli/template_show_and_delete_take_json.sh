#!/usr/bin/env bash
# name: cli/template_show_and_delete_take_json
# description: like every command, `ferry template show` and `ferry template delete` take --json: show prints the
#   template as JSON (with or without the flag), delete prints {"deleted": NAME, "state": WHERE} and nothing else
#   on stdout, and the template is gone afterwards.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" template save nightly --for run -- --preset safe > /dev/null
"$FERRY" template show nightly --json > show.json
"$FERRY" template show nightly > show-plain.json
cmp -s show.json show-plain.json || fail "show --json differs from show: $(cat show.json) / $(cat show-plain.json)"
python3 -c 'import json; t = json.load(open("show.json")); assert t["name"] == "nightly" and t["for"] == "run", t'
"$FERRY" template delete nightly --json > delete.json
python3 -c '
import json
d = json.load(open("delete.json"))
assert d == {"deleted": "nightly", "state": ".ferry/state.db"}, d'
expect_exit 66 "$FERRY" template show nightly --json 2> gone.txt
grep -q "nightly" gone.txt || fail "show after delete: $(cat gone.txt)"
echo "PASS"
