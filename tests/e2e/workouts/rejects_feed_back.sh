#!/usr/bin/env bash
# name: workouts/rejects_feed_back
# description: the reject file names key, detected version, code, JSON Pointer, message and the
#   original document; once fixed it is accepted as input by the same migration.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 640 --seed 5 --scenario malformed --output bad.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source bad.jsonl --target out.jsonl --rejects rej.jsonl > /dev/null
[ "$(wc -l < rej.jsonl)" = 640 ] || fail "expected 640 rejects, got $(wc -l < rej.jsonl)"
python3 - rej.jsonl <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    assert r["ferry_reject"] == 1 and r["code"] in ("VALIDATION_ERROR", "UNKNOWN_FORMAT"), r
    assert "document" in r and r["errors"], r
    e = r["errors"][0]
    assert "pointer" in e and e["message"], r
    if r["code"] == "VALIDATION_ERROR":
        assert r["version"] is not None, r
# a missing 'sets' as a string points at it
found = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if '"sets":"4"' in l]
assert found and any(e["pointer"].endswith("/sets") for r in found for e in r["errors"]), found[:1]
PY
# Fix the records whose name is missing, feed the reject file back.
python3 - rej.jsonl fixed.jsonl <<'PY'
import json, sys
n = 0
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in open(sys.argv[1], encoding="utf-8"):
        r = json.loads(line)
        if r["errors"][0]["pointer"] == "/name" and isinstance(r["document"], dict) \
                and "name" not in r["document"] and isinstance(r["document"].get("id"), str):
            r["document"]["name"] = "Fixed"
            n += 1
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
assert n > 0, "no missing-name rejects to fix"
print(n)
PY
fixed=$(python3 -c "
import json
print(sum(1 for l in open('rej.jsonl') if json.loads(l)['errors'][0]['pointer']=='/name' and isinstance(json.loads(l)['document'],dict) and 'name' not in json.loads(l)['document'] and isinstance(json.loads(l)['document'].get('id'),str)))")
"$FERRY" run -q --project "$PROJECT" --source fixed.jsonl --target refed.jsonl --rejects rej2.jsonl --json > r2.json
python3 -c "
import json; r = json.load(open('r2.json'))
assert r['input'] == 640, r
assert r['migrated'] + r['already_at_target'] == $fixed, (r, $fixed)
assert r['rejected'] == 640 - $fixed, r"
echo PASS
