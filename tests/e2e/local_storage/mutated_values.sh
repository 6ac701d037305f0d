#!/usr/bin/env bash
# name: local_storage/mutated_values
# description: fuzz-style differential check of parse_json against Python's json module: 3,000 items whose
#   value text was randomly mutated (deleted, inserted or replaced characters, truncation, whitespace,
#   repeats; fixed seed). Text Python rejects must be a MIGRATION_ERROR at /value; text it accepts must
#   migrate to the same data (or fail the item-1 schema under /data), and going back stays exact.
# group: e2e
source "$(dirname "$0")/../lib.sh"
LS=$FERRY_SOURCE_DIR/examples/local-storage-to-postgres
"$FERRY" generate local-storage --count 3000 --seed 11 --scenario all-valid --output items.jsonl > /dev/null
python3 - <<'PY'
import json, random
rnd = random.Random(20260314)
ALPHABET = ' {}[]":,\\0123e-.tnf\n'
def mutate(v):
    for _ in range(rnd.randint(1, 3)):
        op, i = rnd.randrange(6), rnd.randrange(len(v) + 1)
        if op == 0 and v: v = v[:min(i, len(v) - 1)] + v[min(i, len(v) - 1) + 1:]
        elif op == 1: v = v[:i] + rnd.choice(ALPHABET) + v[i:]
        elif op == 2 and v: j = min(i, len(v) - 1); v = v[:j] + rnd.choice(ALPHABET) + v[j + 1:]
        elif op == 3: v = v[:i]
        elif op == 4: v = rnd.choice([" ", "\n", "\t", "\r\n"]) + v + rnd.choice(["", " ", "\n"])
        else: v = v[:i] + v[i:i + rnd.randint(1, 8)] + v[i:]
    return v
with open("mutated.jsonl", "w", encoding="utf-8") as out:
    for line in open("items.jsonl", encoding="utf-8"):
        d = json.loads(line)
        field = "val" if "val" in d else "value"
        if rnd.random() < 0.6:
            d[field] = mutate(d[field])
        out.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n")
PY
"$FERRY" run -q --json --project "$LS" --source mutated.jsonl --target out.jsonl --rejects rej.jsonl \
  --complements comp.jsonl > report.json
python3 - <<'PY'
import json

def strict(text):
    """The value of `text` when it is one JSON text (no NaN/Infinity, no lone surrogates), else None."""
    def no_constant(name):
        raise ValueError(name)
    try:
        v = json.loads(text, parse_constant=no_constant)
        json.dumps(v, ensure_ascii=False).encode("utf-8")
        return (v,)
    except (ValueError, UnicodeEncodeError, RecursionError):
        return None

def compact(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

r = json.load(open("report.json"))
assert r["input"] == 3000 and r["input"] == r["migrated"] + r["rejected"], r
items = {}
for n, line in enumerate(open("mutated.jsonl", encoding="utf-8").read().split("\n")[:-1], 1):
    d = json.loads(line)
    items[n] = (line, d, d["val"] if "val" in d else d["value"])
rejects = {}
for line in open("rej.jsonl", encoding="utf-8"):
    rec = json.loads(line)
    rejects[rec["record"]] = (rec["code"], rec["errors"][0]["pointer"])
comps = {}
for line in open("comp.jsonl", encoding="utf-8"):
    c = json.loads(line)
    comps[c["key"]] = c["complement"]["2"]
out = iter(open("out.jsonl", encoding="utf-8").read().split("\n")[:-1])
invalid = schema = migrated = 0
for n in sorted(items):
    line, src, text = items[n]
    parsed = strict(text)
    if parsed is None:
        assert rejects.get(n) == ("MIGRATION_ERROR", "/value"), (n, text[:80], rejects.get(n))
        invalid += 1
        continue
    if n in rejects:
        code, pointer = rejects[n]
        assert code == "VALIDATION_ERROR" and pointer.startswith("/data"), (n, text[:80], rejects[n])
        schema += 1
        continue
    d = json.loads(next(out))
    assert d["data"] == parsed[0] and d["bytes"] == len(text.encode("utf-8")), (n, text[:80])
    back = comps.pop(d["id"], None)
    assert (back if back is not None else compact(d["data"])) == text, (n, text[:80])
    migrated += 1
assert next(out, None) is None and not comps
assert invalid > 500 and migrated > 1000, (invalid, schema, migrated)
print("mutated values: %d not JSON text, %d failed item-1, %d migrated and restored" % (invalid, schema, migrated))
PY
echo PASS
