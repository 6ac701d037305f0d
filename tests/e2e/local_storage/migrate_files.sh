#!/usr/bin/env bash
# name: local_storage/migrate_files
# description: 20,000 generated localStorage items, file -> file: analyze reports both export versions and
#   the oversized values, a dry run counts the corrupt ones, the run rejects exactly the generator's expected
#   rejects (id, record, code, pointer), input = migrated + rejected, every output line validates at
#   item-1 with the kind, bytes and data its input implies, and output + complements rebuild every
#   migrated input line byte for byte (an independent Python re-implementation of the backward steps).
# group: e2e
source "$(dirname "$0")/../lib.sh"
LS=$FERRY_SOURCE_DIR/examples/local-storage-to-postgres
"$FERRY" generate local-storage --count 20000 --seed 7 --output items.jsonl --expect-rejects expected.jsonl \
  --json > gen.json
"$FERRY" analyze -q --json --project "$LS" --source items.jsonl > analyze.json
"$FERRY" plan -q --json --project "$LS" --source items.jsonl > plan.json
"$FERRY" run -q --json --dry-run --project "$LS" --source items.jsonl > dry.json
"$FERRY" run -q --json --project "$LS" --source items.jsonl --target out.jsonl --rejects rej.jsonl \
  --complements comp.jsonl > report.json
"$FERRY" validate -q --project "$LS" --source out.jsonl --version item-1 > validate.txt \
  || fail "output does not validate at item-1: $(cat validate.txt)"
grep -q "^19,8[0-9][0-9] of 19,8[0-9][0-9] records valid against version item-1" validate.txt \
  || fail "unexpected validate summary: $(cat validate.txt)"
python3 - <<'PY'
import json

gen = json.load(open("gen.json"))
assert gen["items"] == 20000, gen
assert gen["corrupt"] > 0 and gen["oversized"] > 0 and gen["legacy"] > 0 and gen["non_compact"] > 0, gen

# analyze: both source versions; it migrates in memory, so it counts every reject the run will make.
a = json.load(open("analyze.json"))
assert a["records"] == 20000, a
assert set(a["versions"]) == {"export-v1", "export-v2"}, a["versions"]
assert a["versions"]["export-v1"]["count"] == gen["legacy"], (a["versions"], gen)
assert a["versions"]["export-v2"]["count"] == 20000 - gen["legacy"], a["versions"]
r0 = json.load(open("report.json"))
assert a["invalid_by_code"] == r0["rejects_by_code"], (a["invalid_by_code"], r0["rejects_by_code"])
assert a["invalid_by_code"]["MIGRATION_ERROR"] == gen["corrupt"], (a["invalid_by_code"], gen)
assert a["migration_needed"] and a["recommended_preset"] == "recommended", a

# plan: both paths lossless.
p = json.load(open("plan.json"))
paths = {v["version"]: [s["migration"] for s in v["path"]] for v in p["versions"]}
assert paths == {"export-v2": ["export-v2-to-item-1"], "export-v1": ["export-v1-to-v2", "export-v2-to-item-1"]}, paths
assert not any(v["lossy"] for v in p["versions"]), p

# The dry run and the run report the same: corrupt JSON text is a MIGRATION_ERROR.
dry, r = json.load(open("dry.json")), json.load(open("report.json"))
for rep in (dry, r):
    assert rep["input"] == 20000 and rep["already_at_target"] == 0, rep
    assert rep["input"] == rep["migrated"] + rep["rejected"], rep
    assert rep["rejected"] == gen["expected_rejects"], (rep["rejected"], gen)
    assert rep["rejects_by_code"] == {"MIGRATION_ERROR": gen["corrupt"],
                                      "VALIDATION_ERROR": gen["oversized"] + gen["bad_theme"]}, rep["rejects_by_code"]
    assert rep["with_complement"] == gen["non_compact"], (rep["with_complement"], gen)

# Rejects: exactly the expected ones (export-v1 items have no id member: user/key).
def reject_id(rec):
    d = rec["document"]
    return rec["key"] if rec["key"] is not None else d["user"] + "/" + d["key"]
got = set()
for line in open("rej.jsonl", encoding="utf-8"):
    rec = json.loads(line)
    e = rec["errors"][0]
    assert rec["version"] in ("export-v1", "export-v2"), rec["version"]
    if rec["code"] == "MIGRATION_ERROR":
        assert e["message"].startswith("migration 'export-v2-to-item-1' failed: not valid JSON text: "), e
    got.add((reject_id(rec), rec["record"], rec["code"], e["pointer"]))
want = set()
for line in open("expected.jsonl", encoding="utf-8"):
    x = json.loads(line)
    want.add((x["id"], x["record"], x["code"], x["pointer"]))
assert got == want, ("unexpected rejects", sorted(got - want)[:5], "missing", sorted(want - got)[:5])

# Inputs by id, in order.
inputs = {}
for n, line in enumerate(open("items.jsonl", encoding="utf-8").read().split("\n")[:-1], 1):
    d = json.loads(line)
    ident = d["user"] + "/" + d["key"] if "key" in d else d["id"]
    assert ident not in inputs, ident
    inputs[ident] = (n, line, d)
rejected_records = {w[1] for w in want}

comps = {}
for line in open("comp.jsonl", encoding="utf-8"):
    c = json.loads(line)
    assert c["migration"] == "export-v2-to-item-1" and set(c["complement"]) == {"2"}, c
    comps[c["key"]] = c["complement"]["2"]
assert len(comps) == gen["non_compact"], len(comps)

def kind_of(key):
    if key == "settings": return "settings"
    for prefix, kind in (("journal:", "journal"), ("cache:", "list"), ("draft:", "draft")):
        if key.startswith(prefix): return kind
    return "other"

def compact(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

kinds, last = {}, 0
out_lines = open("out.jsonl", encoding="utf-8").read().split("\n")[:-1]
for line in out_lines:
    d = json.loads(line)
    n, original, src = inputs[d["id"]]
    assert n > last and n not in rejected_records, (n, last)  # input order, nothing rejected
    last = n
    legacy = "key" in src
    # Renamed members keep their place; computed ones are appended.
    assert list(d) == (["storageKey", "data", "userId", "exportedAt", "id", "bytes", "kind"] if legacy else
                       ["id", "userId", "storageKey", "data", "exportedAt", "bytes", "kind"]), list(d)
    value = src["val"] if legacy else src["value"]
    assert d["kind"] == kind_of(d["storageKey"]), d
    assert d["bytes"] == len(value.encode("utf-8")), (d["bytes"], d["id"])
    assert d["data"] == json.loads(value), d["id"]
    kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    # Going back, written independently of Ferry: the value text is the
    # complement when there is one, else the data's compact JSON text.
    text = comps.pop(d["id"], None)
    if text is None:
        text = compact(d["data"])
    if legacy:
        t = d["exportedAt"]
        back = {"key": d["storageKey"], "val": text, "user": d["userId"], "exported_at": t[:10] + " " + t[11:19]}
    else:
        back = {"id": d["id"], "userId": d["userId"], "storageKey": d["storageKey"], "value": text,
                "exportedAt": d["exportedAt"]}
    assert compact(back) == original, (d["id"], compact(back)[:200], original[:200])
assert not comps, ("complements of records not in the output", list(comps)[:3])
assert len(out_lines) == r["migrated"], (len(out_lines), r["migrated"])
assert kinds == {k: gen[k] for k in ("settings", "journal", "list", "draft", "other")}, (kinds, gen)
print("%d migrated, %d rejected as expected, %d restored through complements" %
      (len(out_lines), len(want), gen["non_compact"]))
PY
echo PASS
