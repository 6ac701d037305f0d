#!/usr/bin/env bash
# name: context/export_filtered_import_mapped_template
# description: the context-store example (3000 mixed records, seed 9) in SQLite: exports with --where,
#   --date-range, --in, --tags-any, --tags-all (and all of them at once, to compressed YAML) hold exactly the
#   records python3 selects from the generated data, with the report's filtered count; a CSV written with other
#   column names, tags as a ";" list and a dd/mm/yyyy date imports with --map, --split-list and --parse-date
#   into exactly the context-2 records; a saved export template (format, compression, filter) gives the same
#   file as its flags, and a flag typed beside it wins; CSV limits of docs/formats.md: a title or content whose
#   whole text is a JSON array or object with a comma, quote or line break reads back as that value and is
#   rejected by the context-2 schema, every other string (number look-alikes, "null", "", "[1]", "{}") survives.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
P=$FERRY_SOURCE_DIR/examples/context-store
"$FERRY" generate context --count 3000 --seed 9 --shape mixed --output mixed.jsonl > /dev/null
"$FERRY" generate context --count 3000 --seed 9 --shape current --output current.jsonl > /dev/null
"$FERRY" import -q --state st.db --project "$P" --source mixed.jsonl --target sqlite:src.db#contexts > /dev/null
S=sqlite:src.db#contexts
# expect NAME: the records of current.jsonl that the filter NAME keeps (computed here, independently).
expect() {
  python3 - "$1" <<'PY'
import json, sys
name = sys.argv[1]
docs = [json.loads(l) for l in open("current.jsonl", encoding="utf-8")]
def keep(d):
    t, c = set(d["tags"]), d["createdAt"]
    return {
        "where": d["metadata"]["importance"] >= 4 and d["metadata"]["source"] != "api",
        "dates": "2024-03-01T00:00:00Z" <= c < "2024-06-15T00:00:00Z",
        "in": d["type"] in ("decision", "task") ,
        "any": bool(t & {"urgent", "security"}),
        "all": {"meeting", "release"} <= t,
        "combined": d["sessionId"] in ("sess-1", "sess-2", "sess-3", "sess-4", "sess-5") and c >= "2024-01-01"
                    and bool(t & {"bug", "perf"}) and d["metadata"]["importance"] > 1,
    }[name]
with open("want-%s.txt" % name, "w", encoding="utf-8") as f:
    sel = [json.dumps(d, sort_keys=True, ensure_ascii=False) for d in docs if keep(d)]
    f.write("\n".join(sorted(sel)) + "\n")
print(len(sel))
PY
}
# filtered NAME TARGET FLAGS...: export with FLAGS, compare with the expectation and the report.
filtered() {
  local name=$1 target=$2; shift 2
  local want; want=$(expect "$name")
  [ "$want" -gt 0 ] && [ "$want" -lt 3000 ] || fail "$name: the expectation selects $want records, not a real filter"
  "$FERRY" export -q --json --state st.db --project "$P" --source "$S" --target "$target" "$@" > "$name.json" \
    || fail "export $name: $(cat "$name.json")"
  python3 -c "
import json, sys; r = json.load(open('$name.json'))
assert (r['input'], r['already_at_target'], r['filtered'], r['rejected']) == (3000, $want, 3000 - $want, 0), r" \
    || fail "$name: report counts"
  "$FERRY" import -q --state st.db --project "$P" --source "$target" --target "sqlite:back.db#$name" > /dev/null
  canon_table back.db "$name" > "got-$name.txt"
  cmp -s "got-$name.txt" "want-$name.txt" || fail "$name: the exported set differs: $(diff "want-$name.txt" "got-$name.txt" | head -5)"
  echo "ok: $name ($want records) $*"
}
filtered where w.jsonl --where 'metadata.importance >= 4 && metadata.source != "api"'
filtered dates d.csv --date-range createdAt=2024-03-01..2024-06-15
filtered in i.json --in type=decision,task
filtered any a.xml --tags-any tags=urgent,security
filtered all l.jsonl --tags-all tags=meeting,release
filtered combined c.yaml.zst --in sessionId=sess-1,sess-2,sess-3,sess-4,sess-5 --date-range createdAt=2024-01-01.. \
  --tags-any tags=bug,perf --where 'metadata.importance > 1'
[ "$(head -c 4 c.yaml.zst | od -An -tx1 | tr -d ' ')" = 28b52ffd ] || fail "c.yaml.zst is not zstd"

# Import a CSV of another tool: other column names, tags as "a;b", the date as dd/mm/yyyy HH:MM:SS.
python3 - <<'PY'
import csv, json
with open("other.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)  # every string quoted: "null", "42" and "" stay strings
    w.writerow(["ref", "heading", "body", "kind", "labels", "created_at_text", "session", "importance", "origin"])
    for l in open("current.jsonl", encoding="utf-8"):
        d = json.loads(l)
        c = d["createdAt"]  # YYYY-MM-DDTHH:MM:SSZ
        w.writerow([d["id"], d["title"], d["content"], d["type"], ";".join(d["tags"]),
                    "%s/%s/%s %s" % (c[8:10], c[5:7], c[0:4], c[11:19]), d["sessionId"],
                    d["metadata"]["importance"], d["metadata"]["source"]])
PY
grep -q '^"ctx-000001",' other.csv || fail "unexpected fixture: $(head -2 other.csv)"
"$FERRY" import -q --json --state st.db --project "$P" --source other.csv --target sqlite:back.db#mapped \
  --map ref=id --map heading=title --map body=content --map kind=type --map labels=tags \
  --map created_at_text=createdAt --map session=sessionId --map importance=metadata.importance \
  --map origin=metadata.source --split-list 'tags=;' --parse-date 'createdAt=%d/%m/%Y %H:%M:%S' > mapped.json \
  || fail "mapped import: $(cat mapped.json)"
python3 -c "
import json; r = json.load(open('mapped.json'))
assert (r['input'], r['already_at_target'], r['rejected'], r['filtered']) == (3000, 3000, 0, 0), r"
canon_jsonl current.jsonl > want-all.txt
canon_table back.db mapped | cmp -s - want-all.txt || fail "the mapped CSV import did not give the context-2 records"
echo "ok: mapped CSV import"

# A saved export template: format (csv with ';'), compression (zstd) and a filter; the source comes at use.
"$FERRY" template save ctx-decisions --for export --description "decisions and tasks, zstd CSV" --state st.db -- \
  --project "$P" --target "csv:tmpl.out?delimiter=;" --compress zstd --in type=decision,task > /dev/null
"$FERRY" export -q --json --state st.db --template ctx-decisions --source "$S" > tmpl.json || fail "templated export: $(cat tmpl.json)"
[ "$(head -c 4 tmpl.out | od -An -tx1 | tr -d ' ')" = 28b52ffd ] || fail "the templated export is not zstd"
zstd -dcq tmpl.out > tmpl.csv
head -1 tmpl.csv | grep -q '^id;title;content;type;tags;createdAt;sessionId;metadata.importance;metadata.source$' \
  || fail "the templated export is not ';' CSV: $(head -1 tmpl.csv)"
"$FERRY" import -q --state st.db --project "$P" --source "csv:tmpl.out?delimiter=;" --target sqlite:back.db#tmpl > /dev/null
canon_table back.db tmpl | cmp -s - want-in.txt || fail "the templated export is not the filtered set"
# A flag typed beside the template wins (here the target and the compression).
"$FERRY" export -q --state st.db --template ctx-decisions --source "$S" --target tmpl2.jsonl --compress none > /dev/null
"$FERRY" import -q --state st.db --project "$P" --source tmpl2.jsonl --target sqlite:back.db#tmpl2 > /dev/null
head -c 1 tmpl2.jsonl | grep -q '{' || fail "tmpl2.jsonl is not plain JSON Lines"
canon_table back.db tmpl2 | cmp -s - want-in.txt || fail "the templated export with a typed target is not the filtered set"
echo "ok: export template"

# CSV limits (docs/formats.md, "What round-trips"), on valid context-2 records.
python3 - <<'PY'
import json
base = {"id": "", "title": "t", "content": "c", "type": "note", "tags": ["idea"], "createdAt": "2024-01-01T00:00:00Z",
        "sessionId": "sess-1", "metadata": {"importance": 1, "source": "api"}}
lost = [("content", "[1, 2]"), ("content", '{"k": "v"}'), ("title", '["a","b"]'), ("content", "[\n]")]
kept = [("content", "[1]"), ("content", "{}"), ("content", "[]"), ("title", "42"), ("content", "null"), ("content", ""),
        ("title", "true"), ("content", "[not json, really]"), ("content", "-1.5e3"), ("title", "  spaced  "),
        ("content", "\"quoted\", and\r\nCRLF"), ("tags", []), ("title", "{not json}")]
with open("lim.jsonl", "w", encoding="utf-8") as f:
    for i, (k, v) in enumerate(lost + kept):
        d = json.loads(json.dumps(base)); d["id"] = "ctx-%06d" % (i + 1); d[k] = v
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
"$FERRY" import -q --state st.db --project "$P" --source lim.jsonl --target sqlite:lim.db#src > /dev/null
[ "$(sqlite3 lim.db 'select count(*) from src')" = 17 ] || fail "the limit records are not all valid context-2"
"$FERRY" export -q --state st.db --project "$P" --source sqlite:lim.db#src --target lim.csv > /dev/null
"$FERRY" import -q --json --state st.db --project "$P" --source lim.csv --target sqlite:lim.db#back --rejects lim-rej.jsonl > lim.json
python3 - <<'PY'
import json, sqlite3
src = [json.loads(l) for l in open("lim.jsonl", encoding="utf-8")]
r = json.load(open("lim.json"))
assert (r["input"], r["already_at_target"], r["rejected"]) == (17, 13, 4), r
rej = {x["key"]: x for x in map(json.loads, open("lim-rej.jsonl", encoding="utf-8"))}
assert sorted(rej) == ["ctx-000001", "ctx-000002", "ctx-000003", "ctx-000004"], sorted(rej)
assert rej["ctx-000001"]["document"]["content"] == [1, 2], rej["ctx-000001"]
assert rej["ctx-000002"]["document"]["content"] == {"k": "v"}, rej["ctx-000002"]
assert rej["ctx-000003"]["document"]["title"] == ["a", "b"], rej["ctx-000003"]
assert rej["ctx-000004"]["document"]["content"] == [], rej["ctx-000004"]
assert all(x["code"] == "VALIDATION_ERROR" for x in rej.values()), rej
back = {k: json.loads(d) for k, d in sqlite3.connect("lim.db").execute("select key, document from back")}
for d in src[4:]:
    assert back[d["id"]] == d and type(back[d["id"]]["title"]) is str, (d, back.get(d["id"]))
print("csv limits as documented")
PY
echo PASS
