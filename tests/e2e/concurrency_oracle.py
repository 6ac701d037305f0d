#!/usr/bin/env python3
"""The oracle of the concurrency tests (tests/e2e/concurrency/): after a run that
migrated a table while ferry_app_writer (tests/util/app_writer.cc) wrote to it,
checks key by key that no application write was lost.

  concurrency_oracle.py snapshot --store STORE --out FILE
      every row as JSON Lines [key, version, document-text] (PostgreSQL: the
      jsonb's text), sorted by key: the table before the run.

  concurrency_oracle.py check --store STORE --before FILE --log APP_LOG
      --kind in-place|overwrite --phase after-run|after-rollback
      [--expected REF.jsonl] [--expected-rejects REF.rej.jsonl] [--insert-docs DOCS.jsonl] [--field name]
      [--report RUN_REPORT.json] [--rollback-report ROLLBACK.json --rollback-exit N]
      [--window START_NS END_NS --min-writes N] [--summary FILE.json] [--no-anomalies]

STORE is sqlite:PATH#TABLE or postgres://...?table=TABLE (read through psql).
REF.jsonl is what the run writes for each key without anybody else writing
(a file-to-file run of the same records: the run without the app), keyed by
the documents' "id". The application's marker is the string it writes into
FIELD ("name": every workouts version has it at the top level and every
migration keeps it unchanged, see examples/workouts/ferry.yaml), so a document
the app wrote is "a base document with FIELD = its value", where the base is
the row before the run, REF's document (migrated) or the document it
re-inserted (--insert-docs).

What is checked, key by key (the app's last COMMITTED write to the key decides):

  after-run, in-place (a run migrating the table in place):
    no app write     the row is REF's document (the run without the app); a
                     key REF lacks (rejected) keeps its text and version
    update/insert v  the row exists and is a base with FIELD = v: migrated
                     when the run saw the app's write, as written otherwise
                     (a legacy row left behind is allowed only as many times
                     as the report counts concurrent changes/conflicts)
    delete           the row does not exist
  after-run, overwrite (a run from a file into the live table, --on-conflict
  overwrite; REF = the file's records migrated):
    no app write     REF's document for the file's keys, else the row as it was
    update/insert v  the app's last document (a base with FIELD = v), or REF's
                     document (the run overwrote it: the rollback must then
                     give the app's document back, phase after-rollback)
    delete           no row, or REF's document (the run created it afterwards)
  after-rollback (either kind): the table is what the app made of the table
  before the run, as if the run never happened:
    no app write     the row as it was before the run, byte for byte in SQLite
                     (jsonb-equal in PostgreSQL); absent if it did not exist
                     (the version column is not compared: a rollback fills in
                     the detected version where the row had none)
    update/insert v  a base with FIELD = v (restored from the journal's
                     before-image, or kept as a conflict)
    delete           no row
  always: no key twice, no key the table did not have and the app did not
  insert, every document's "id" is its key, the app saw no row vanish or
  appear behind it (update-missed, delete-missed, insert-refused in its log;
  with overwrite, an insert refused because the run created the key is fine),
  and the report's counters add up: input = migrated + already_at_target +
  rejected + filtered (+ any of concurrent_changes, concurrent_deletes, other
  concurrent_* counts and conflicts, which the engine may count apart; the
  fields are optional and printed), with as many rejected as
  the run without the app (--expected-rejects).
Exit 0 when everything holds, 1 with the numbers and examples otherwise.
"""
import argparse
import json
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict


def parse_store(store):
    if store.startswith("sqlite:"):
        rest = store[len("sqlite:"):]
        path, _, table = rest.rpartition("#")
        if not path:
            sys.exit("oracle: sqlite:PATH#TABLE needs the table")
        return ("sqlite", path, table)
    if store.startswith(("postgres://", "postgresql://")):
        base, _, query = store.partition("?")
        params = [p for p in query.split("&") if p]
        table = [p[6:] for p in params if p.startswith("table=")]
        if not table:
            sys.exit("oracle: postgres://...?table=T needs the table")
        rest = "&".join(p for p in params if not p.startswith("table="))
        return ("postgres", base + ("?" + rest if rest else ""), table[0])
    sys.exit("oracle: unknown store " + store)


def quote_table(table):
    return ".".join('"' + p.replace('"', '""') + '"' for p in table.split("."))


def read_rows(store):
    """[(key, version, document_text)] of the whole table, in key order."""
    kind, where, table = parse_store(store)
    if kind == "sqlite":
        db = sqlite3.connect(where)
        rows = db.execute(f"SELECT key, version, document FROM {quote_table(table)} ORDER BY key").fetchall()
        db.close()
        return rows
    out = subprocess.run(
        ["psql", where, "-XAt", "-v", "ON_ERROR_STOP=1", "-c",
         f"SELECT json_build_array(key, version, document::text)::text FROM {quote_table(table)} ORDER BY key"],
        check=True, capture_output=True, text=True).stdout
    return [tuple(json.loads(line)) for line in out.splitlines() if line]


def loads(text):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def with_field(doc, field, value):
    if not isinstance(doc, dict):
        return None
    d = dict(doc)
    d[field] = value
    return d


def docs_by_id(path):
    out = {}
    if path:
        for line in open(path, encoding="utf-8"):
            d = loads(line)
            if isinstance(d, dict) and isinstance(d.get("id"), (str, int)) and not isinstance(d.get("id"), bool):
                out[str(d["id"])] = d
    return out


def read_log(path):
    """key -> [(op, value, ns)] of committed writes, in commit order; and the anomalies."""
    writes, anomalies, all_writes = defaultdict(list), [], []
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 5:
            sys.exit(f"oracle: bad app log line: {line!r}")
        _, op, key, value, ns = parts
        if op.endswith("-missed") or op.endswith("-refused"):
            anomalies.append((op, key, value))
            continue
        writes[key].append((op, value, int(ns)))
        all_writes.append((op, key, int(ns)))
    return writes, anomalies, all_writes


def snapshot(args):
    with open(args.out, "w", encoding="utf-8") as f:
        for row in read_rows(args.store):
            f.write(json.dumps(list(row), ensure_ascii=False) + "\n")
    return 0


class Problems:
    def __init__(self):
        self.by_kind = defaultdict(list)

    def add(self, kind, key, detail):
        self.by_kind[kind].append((key, detail))

    def count(self, kind):
        return len(self.by_kind.get(kind, []))

    def print(self):
        for kind, items in sorted(self.by_kind.items()):
            if not items:
                continue
            print(f"  {kind}: {len(items)}")
            for key, detail in items[:8]:
                print(f"      {key}: {detail}")

    def __bool__(self):
        return any(self.by_kind.values())


def short(doc, field):
    if isinstance(doc, dict):
        shape = "unified" if "schemaVersion" in doc else "legacy"
        return f"{shape} {field}={doc.get(field)!r}"
    return repr(doc)[:80]


def check(args):
    field = args.field
    before = {}
    for line in open(args.before, encoding="utf-8"):
        key, version, text = json.loads(line)
        before[key] = (version, text, loads(text))
    expected = docs_by_id(args.expected)
    inserted = docs_by_id(args.insert_docs)
    writes, anomalies, all_writes = read_log(args.log)
    is_pg = parse_store(args.store)[0] == "postgres"

    rows = read_rows(args.store)
    problems = Problems()
    stats = Counter()
    final = {}
    for key, version, text in rows:
        if key in final:
            problems.add("duplicated key", key, "twice in the table")
        final[key] = (version, text, loads(text))
    for key, (_, _, doc) in final.items():
        if isinstance(doc, dict) and "id" in doc and str(doc["id"]) != key and key in expected:
            problems.add("document under another key", key, f"its id is {doc['id']!r}")
    for op, key, value in (anomalies if not args.no_anomalies else []):
        if args.kind == "overwrite" and op == "insert-refused" and key in expected:
            # The app re-inserts a key it deleted; the run, writing the file's record for
            # that key, created it first: two writers, no loss (the key stays deleted
            # in the app's log, and the run's row is checked as such).
            stats["app_insert_refused_run_created"] += 1
            continue
        problems.add("app met a vanished or re-created row", key, f"{op} {value}")

    updated_keys = [k for k, w in writes.items() if w and w[-1][0] in ("update", "insert")]
    deleted_keys = [k for k, w in writes.items() if w and w[-1][0] == "delete"]
    stats["app_writes"] = sum(len(w) for w in writes.values())
    stats["app_keys_updated"] = len(updated_keys)
    stats["app_keys_deleted"] = len(deleted_keys)
    legacy_left = []

    for key in sorted(set(before) | set(final) | set(writes) | (set(expected) if args.kind == "overwrite" else set())):
        w = writes.get(key, [])
        last = w[-1] if w else None
        row = final.get(key)
        doc = row[2] if row else None
        b = before.get(key)
        ref = expected.get(key)
        if key not in before and key not in writes and not (args.kind == "overwrite" and ref is not None):
            problems.add("extra key", key, "not in the table before, not written by the app or the run")
            continue
        if last is None:
            if args.phase == "after-rollback" or (args.kind == "overwrite" and ref is None) or \
                    (args.kind == "in-place" and ref is None):
                # As it was before the run (rollback), or never the run's to change.
                if b is None:
                    if row is not None:
                        problems.add("untouched row not as before", key, "exists; it did not before the run")
                elif row is None:
                    problems.add("untouched row not as before", key, "deleted")
                elif (row[1] != b[1] if not is_pg else doc != b[2]) or \
                        (args.phase == "after-run" and row[0] != b[0]):
                    # (A rollback writes the detected version into the version column where
                    # the row had none: not this oracle's business, so only the text counts.)
                    problems.add("untouched row not as before", key,
                                 f"version {b[0]!r} -> {row[0]!r}, text differs: {row[1] != b[1]}")
            else:
                if row is None:
                    problems.add("untouched row missing", key, "the run should have written " + short(ref, field))
                elif doc != ref:
                    problems.add("untouched row differs from the run without the app", key,
                                 f"{short(doc, field)} instead of {short(ref, field)}")
                else:
                    stats["untouched_ok"] += 1
            continue
        op, value, _ = last
        if op == "delete":
            if row is None:
                stats["deleted_ok"] += 1
            elif args.phase == "after-run" and args.kind == "overwrite" and doc == ref:
                stats["deleted_then_created_by_run"] += 1
            else:
                problems.add("deleted row came back", key, f"the app deleted it last; the table holds {short(doc, field)}")
            continue
        # The app's last write: update or insert of `value`.
        bases = [x for x in ((b[2] if b else None), ref, inserted.get(key)) if isinstance(x, dict)]
        candidates = [with_field(x, field, value) for x in bases]
        if row is None:
            problems.add("lost update", key, f"the app wrote {field}={value!r} last; the row is gone")
        elif doc in candidates:
            if args.phase == "after-run" and args.kind == "in-place" and isinstance(doc, dict) and \
                    "schemaVersion" not in doc and ref is not None and "schemaVersion" in ref:
                if any(o == "insert" for o, _, _ in w):
                    # Re-inserted by the app: maybe behind the run's reader, which never saw it.
                    stats["legacy_reinserted_behind_run"] += 1
                else:
                    # The row existed all along: the run read it, and had to migrate it or say why not.
                    legacy_left.append(key)
            if args.phase == "after-rollback" and "schemaVersion" in doc and b is not None and \
                    isinstance(b[2], dict) and "schemaVersion" not in b[2] and doc != with_field(b[2], field, value):
                stats["kept_migrated_after_rollback"] += 1  # written after the run: a conflict
            stats["app_write_survived"] += 1
        elif args.phase == "after-run" and args.kind == "overwrite" and doc == ref:
            stats["overwritten_by_run"] += 1
        elif isinstance(doc, dict) and doc.get(field) != value:
            problems.add("lost update", key, f"the app wrote {field}={value!r} last; the row holds {short(doc, field)}")
        else:
            problems.add("app write damaged", key, f"{field}={value!r} but the rest is neither the base nor its migration")

    report = json.load(open(args.report)) if args.report else None
    if report is not None:
        # The counters a fix may add: concurrent_changes (issue 11), or any other
        # "concurrent..." count; conflicts (in place, rows given up on).
        concurrent = {k: v for k, v in report.items() if "concurrent" in k and isinstance(v, int)}
        extra = dict(concurrent, **({"conflicts": report["conflicts"]} if "conflicts" in report else {}))
        print("oracle: run report: input %d = migrated %d + already_at_target %d + rejected %d + filtered %d%s" % (
            report["input"], report["migrated"], report["already_at_target"], report["rejected"],
            report["filtered"], "".join(f"; {k} {v}" for k, v in extra.items())))
        if report.get("status") != "completed":
            problems.add("run not completed", "-", f"status {report.get('status')}: {report.get('error')}")
        base = report["migrated"] + report["already_at_target"] + report["rejected"] + report["filtered"]
        cc = sum(concurrent.values())
        conflicts = report.get("conflicts", 0) if args.kind == "in-place" else 0
        # Whichever of these counts the engine keeps apart from the four (e.g. input =
        # migrated + already_at_target + rejected + filtered + concurrent_deletes).
        apart = list(concurrent.values()) + [conflicts]
        sums = {base + sum(x for i, x in enumerate(apart) if mask >> i & 1) for mask in range(1 << len(apart))}
        if report["input"] not in sums:
            problems.add("report counters do not add up", "-",
                         f"input {report['input']} vs migrated+already+rejected+filtered {base} "
                         f"(plus any of {concurrent}, conflicts {conflicts})")
        if args.expected_rejects is not None:
            # The app never writes invalid rows: the run rejects what the run without it rejects.
            want = sum(1 for _ in open(args.expected_rejects, encoding="utf-8"))
            if report["rejected"] != want:
                problems.add("rejected count", "-", f"{report['rejected']}, the run without the app rejected {want}")
        allowed = cc + conflicts
        if len(legacy_left) > allowed:
            for key in legacy_left[:8]:
                problems.add("left unmigrated without being reported", key,
                             f"{len(legacy_left)} legacy rows the app wrote, {allowed} concurrent changes reported")
    elif legacy_left:
        for key in legacy_left:
            problems.add("left unmigrated without being reported", key, "legacy after the run (no report given)")
    stats["legacy_left_after_app_write"] = len(legacy_left)

    if args.rollback_report:
        rb = json.load(open(args.rollback_report))
        impact = rb.get("impact", rb)
        print("oracle: rollback: status %s, restored %s, deleted %s; impact: via_backup %d, deletions %d, "
              "conflicts %d, not_restorable %d, unchanged %d" % (
                  rb.get("status"), rb.get("restored"), rb.get("deleted"), impact["via_backup"],
                  impact["deletions"], impact["conflicts"], impact["not_restorable"], impact["unchanged"]))
        touched = set(writes)
        for key in impact.get("conflict_keys", []):
            if key not in touched:
                problems.add("rollback conflict on a row the app never wrote", key, "listed as a conflict")
        if args.rollback_exit is not None:
            want = 75 if impact["conflicts"] > 0 or impact["not_restorable"] > 0 else 0
            if args.rollback_exit != want:
                problems.add("rollback exit code", "-", f"{args.rollback_exit}, expected {want}")
        if impact["conflicts"] > len(touched):
            problems.add("rollback conflicts on rows the app never wrote", "-",
                         f"{impact['conflicts']} conflicts, the app wrote {len(touched)} keys")
        stats["rollback_conflicts"] = impact["conflicts"]
        if args.kind == "in-place" and impact["conflicts"] < stats["kept_migrated_after_rollback"]:
            problems.add("rows kept by the rollback without being reported as conflicts", "-",
                         f"{stats['kept_migrated_after_rollback']} migrated rows with the app's last value kept, "
                         f"{impact['conflicts']} conflicts reported")

    if args.window:
        start, end = args.window
        during = sum(1 for _, _, ns in all_writes if start <= ns <= end)
        stats["app_writes_during_run"] = during
        if args.min_writes and during < args.min_writes:
            problems.add("too few application writes during the run", "-",
                         f"{during} < {args.min_writes}: the test did not race (make the run longer)")

    lost = problems.count("lost update")
    print("oracle: %s/%s: app wrote %d times (%s during the run): %d keys updated last, %d deleted last" % (
        args.kind, args.phase, stats["app_writes"], stats.get("app_writes_during_run", "?"),
        len(updated_keys), len(deleted_keys)))
    print("oracle: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
    if args.summary:
        s = dict(stats)
        s.update({k: len(v) for k, v in problems.by_kind.items()})
        json.dump(s, open(args.summary, "w"), indent=1, sort_keys=True)
    if problems:
        print(f"oracle: FAILED: {lost} of {len(updated_keys)} keys the app updated last lost its update; "
              f"{problems.count('deleted row came back')} of {len(deleted_keys)} keys it deleted last came back")
        problems.print()
        return 1
    print("oracle: ok")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("--store", required=True)
    s.add_argument("--out", required=True)
    c = sub.add_parser("check")
    c.add_argument("--store", required=True)
    c.add_argument("--before", required=True)
    c.add_argument("--log", required=True)
    c.add_argument("--kind", choices=["in-place", "overwrite"], required=True)
    c.add_argument("--phase", choices=["after-run", "after-rollback"], required=True)
    c.add_argument("--expected")
    c.add_argument("--insert-docs")
    c.add_argument("--field", default="name")
    c.add_argument("--report")
    c.add_argument("--rollback-report")
    c.add_argument("--rollback-exit", type=int)
    c.add_argument("--window", nargs=2, type=int, metavar=("START_NS", "END_NS"))
    c.add_argument("--min-writes", type=int, default=0)
    c.add_argument("--summary")
    c.add_argument("--expected-rejects", help="the reject file of the run without the app (its line count)")
    c.add_argument("--no-anomalies", action="store_true",
                   help="do not count the app's missed/refused writes (they belong to an earlier phase)")
    args = p.parse_args()
    return snapshot(args) if args.cmd == "snapshot" else check(args)


if __name__ == "__main__":
    sys.exit(main())
