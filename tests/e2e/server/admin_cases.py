"""The `ferry serve` cases of templates, backups and the legacy aliases;
tests/e2e/server/<case>.sh runs one: python3 admin_cases.py CASE (in the
test's own working directory)."""
import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from ferry_http import (RESPONSES, Server, check_responses_against_openapi, fail, ferry, get_json,  # noqa: E402
                        post_json, request, wait_state)

PROJECT = os.path.join(os.environ["FERRY_SOURCE_DIR"], "examples", "workouts")


def token_for(tokens, name, role):
    """`ferry token create` where this build has it; else the token written
    to the tokens file directly (src/server/tokens.h: only its SHA-256)."""
    r = subprocess.run([os.environ["FERRY"], "token", "create", name, "--role", role, "--tokens", tokens],
                       capture_output=True, text=True)
    if r.returncode == 0:
        return r.stdout.strip().splitlines()[-1]
    secret = "fry_" + secrets.token_urlsafe(32)
    doc = {"format": "ferry-tokens-1", "tokens": []}
    if os.path.exists(tokens):
        with open(tokens) as f:
            doc = json.load(f)
    doc["tokens"].append({"name": name, "role": role, "sha256": hashlib.sha256(secret.encode()).hexdigest(),
                          "created_at": "2026-12-08T00:00:00Z"})
    with open(tokens, "w") as f:
        json.dump(doc, f)
    os.chmod(tokens, 0o600)
    return secret


def setup(count=2000, seed=11, scenario="mixed"):
    tokens = "tokens.json"
    roles = {r: token_for(tokens, r + "-token", r) for r in ("viewer", "operator", "admin")}
    ferry("generate", "workouts", "--scenario", scenario, "--count", str(count), "--seed", str(seed), "--output",
          "in.jsonl")
    return tokens, roles


def same_file(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        if fa.read() != fb.read():
            fail(f"{a} and {b} differ")


def problem(port, method, path, token, body=None, want=400, code="INVALID_ARGUMENT", mention="", record_as=None):
    """Expects a problem document; returns it. `record_as`: the path the
    response is checked under (a path of several segments for one name
    matches no documented path as it is)."""
    status, hdrs, text = request(port, method, path, token, body, record=record_as is None)
    if record_as is not None:
        with open(RESPONSES, "a") as f:
            f.write(json.dumps({"method": method, "path": record_as, "status": status,
                                "content_type": hdrs.get("content-type", ""), "body": text}) + "\n")
    if status != want or not hdrs.get("content-type", "").startswith("application/problem+json"):
        fail(f"{method} {path}: want a {want} problem, got {status} {text}")
    doc = json.loads(text)
    if doc["code"] != code or mention not in doc["detail"]:
        fail(f"{method} {path}: want {code} mentioning {mention!r}, got {text}")
    return doc


def finished(port, token, accepted, kind, state="completed"):
    if accepted["kind"] != kind:
        fail(f"started {accepted} is not of kind {kind}")
    done = wait_state(port, token, accepted["id"])
    if done["state"] != state:
        fail(f"{kind} {accepted['id']} ended {done['state']}, not {state}: {json.dumps(done)}")
    return done


def stop(srv):
    _, rc = srv.stop()
    if rc != 0:
        fail(f"ferry serve exited {rc} after SIGTERM")
    check_responses_against_openapi()


# --- templates ---------------------------------------------------------------

def template_round_trip(port, t):
    body = {"name": "nightly", "for": "run", "description": "every night",
            "options": {"batch-size": "500", "dry-run": True, "where": ["a > 1", "b < 2"]}}
    saved = post_json(port, "/api/v1/templates", t["operator"], body, want=201)
    if saved["name"] != "nightly" or saved["for"] != "run" or saved["options"] != body["options"]:
        fail("POST /templates answered " + json.dumps(saved))
    if get_json(port, "/api/v1/templates/nightly", t["viewer"]) != saved:
        fail("GET /templates/nightly differs from what POST answered")
    if [x["name"] for x in get_json(port, "/api/v1/templates", t["viewer"])] != ["nightly"]:
        fail("GET /templates does not list exactly the saved template")
    problem(port, "POST", "/api/v1/templates", t["operator"], body, 409, "CONFLICT", "nightly")
    replaced = post_json(port, "/api/v1/templates", t["operator"],
                         dict(body, options={"batch-size": "600"}, replace=True), want=201)
    if replaced["options"] != {"batch-size": "600"} or replaced["created_at"] != saved["created_at"]:
        fail("replace did not keep created_at or did not replace the options: " + json.dumps(replaced))
    problem(port, "POST", "/api/v1/templates", t["viewer"], body, 403, "PERMISSION_DENIED")
    problem(port, "POST", "/api/v1/templates", t["operator"], dict(body, name="x", options={"a": 1}), 400,
            "INVALID_ARGUMENT", "/options")
    problem(port, "DELETE", "/api/v1/templates/nightly", t["viewer"], want=403, code="PERMISSION_DENIED")
    status, _, text = request(port, "DELETE", "/api/v1/templates/nightly", t["operator"])
    if status != 204 or text:
        fail(f"DELETE /templates/nightly: {status} {text}")
    problem(port, "GET", "/api/v1/templates/nightly", t["viewer"], want=404, code="NOT_FOUND", mention="nightly")


def template_names_refused(port, t):
    """Names that try path traversal or break the name rule: 400, before
    any lookup, on GET and DELETE and in a POST body."""
    long_name = "a" * 65
    for raw in ("../x", "..", ".", "a/b", "..%2fx", "%2e%2e", "%2e%2e%2fetc%2fpasswd", long_name, "a:b"):
        path = "/api/v1/templates/" + raw
        name = urllib.parse.unquote(raw)
        as_one_segment = "/api/v1/templates/" + urllib.parse.quote(name, safe="")
        for method, role in (("GET", "viewer"), ("DELETE", "operator")):
            problem(port, method, path, t[role], record_as=as_one_segment)
        problem(port, "POST", "/api/v1/templates", t["operator"], {"name": name, "for": "run", "options": {}},
                mention="/name")
    # A wrong method on a template is no documented operation: not checked against the document.
    status, hdrs, _ = request(port, "POST", "/api/v1/templates/x", t["operator"], {}, record=False)
    if status != 405 or hdrs.get("allow") != "GET, DELETE":
        fail(f"POST /api/v1/templates/x: {status}, Allow: {hdrs.get('allow')}")
    legacy = "/api/data-migration/templates/../x"
    problem(port, "GET", legacy, t["viewer"], record_as="/api/data-migration/templates/..%2Fx")


def templates_round_trip_and_names_refused():
    """Templates saved, listed, shown, replaced and deleted over HTTP; names
    that try path traversal (../x, %2e%2e, a/b) or are invalid (65
    characters) are refused with a 400 problem."""
    tokens, t = setup(count=10)
    srv = Server(tokens, [PROJECT])
    try:
        template_round_trip(srv.port, t)
        template_names_refused(srv.port, t)
    finally:
        stop(srv)


def run_report_options(port, t, op_id):
    report = get_json(port, f"/api/v1/runs/{op_id}/report", t["viewer"])
    return {k: report["options"].get(k) for k in ("batch_size", "on_error", "preset")}, report


def run_with_template_equals_flags():
    """A run started with a saved template writes and reports what the same
    run with the template's flags in the body does; members given win; a
    --project path saved by `ferry template save` stands for the project
    served from it; a flag the server cannot apply is a 400 naming it."""
    tokens, t = setup(scenario="all-valid")
    ferry("template", "save", "cli-made", "--for", "run", "--", "--project", PROJECT, "--batch-size", "300",
          "--on-error", "collect")
    srv = Server(tokens, [PROJECT])
    try:
        p = srv.port
        post_json(p, "/api/v1/templates", t["operator"], {"name": "t1", "for": "run", "options": {
            "batch-size": "700", "on-error": "collect", "preset": "safe", "target": "ignored.jsonl",
            "rejects": "tmpl-rejects.jsonl"}}, want=201)
        flags = post_json(p, "/api/v1/runs", t["operator"], {
            "project": "workouts", "source": "in.jsonl", "target": "flags.jsonl", "batch_size": 700,
            "on_error": "collect", "preset": "safe", "rejects": "flags-rejects.jsonl"})
        tmpl = post_json(p, "/api/v1/runs", t["operator"], {
            "project": "workouts", "source": "in.jsonl", "target": "tmpl.jsonl", "template": "t1"})
        finished(p, t["viewer"], flags, "run")
        finished(p, t["viewer"], tmpl, "run")
        same_file("flags.jsonl", "tmpl.jsonl")
        same_file("flags-rejects.jsonl", "tmpl-rejects.jsonl")
        if os.path.exists("ignored.jsonl"):
            fail("the template's target won over the body's")
        want, report = run_report_options(p, t, flags["id"])
        got, _ = run_report_options(p, t, tmpl["id"])
        if got != want or want["batch_size"] != 700:
            fail(f"templated run options {got} differ from the flags' {want}: {json.dumps(report)[:400]}")
        cli = post_json(p, "/api/v1/runs", t["operator"], {"source": "in.jsonl", "target": "cli.jsonl",
                                                           "template": "cli-made"})
        finished(p, t["viewer"], cli, "run")
        same_file("flags.jsonl", "cli.jsonl")
        if run_report_options(p, t, cli["id"])[0]["batch_size"] != 300:
            fail("the CLI-saved template's --batch-size was not applied")
        post_json(p, "/api/v1/templates", t["operator"], {"name": "odd", "for": "run",
                                                          "options": {"throttle-ms": "5"}}, want=201)
        problem(p, "POST", "/api/v1/runs", t["operator"], {"project": "workouts", "source": "in.jsonl",
                                                           "template": "odd"}, mention="throttle-ms")
        post_json(p, "/api/v1/templates", t["operator"], {"name": "exp", "for": "export", "options": {}}, want=201)
        problem(p, "POST", "/api/v1/runs", t["operator"], {"project": "workouts", "source": "in.jsonl",
                                                           "template": "exp"}, mention="export")
        problem(p, "POST", "/api/v1/runs", t["operator"], {"project": "workouts", "source": "in.jsonl",
                                                           "template": "none"}, 404, "NOT_FOUND", "none")
    finally:
        stop(srv)


# --- backups -----------------------------------------------------------------

def table_digest(db, table):
    h = hashlib.sha256()
    for key, doc in sqlite3.connect(db).execute(f'SELECT key, document FROM "{table}" ORDER BY key'):
        h.update(f"{key}\0{doc}\n".encode())
    return h.hexdigest()


def load_table(src, db, table):
    """The records of `src` in an SQLite table as an application stored
    them (as tests/e2e/safety_lib.sh load_table), without Ferry."""
    con = sqlite3.connect(db)
    con.execute(f'CREATE TABLE "{table}" (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, '
                'updated_at TEXT)')
    for line in open(src, encoding="utf-8"):
        text = line.rstrip("\n")
        con.execute(f'INSERT OR REPLACE INTO "{table}" VALUES (?, NULL, ?, ?)',
                    (str(json.loads(text)["id"]), text, "loaded"))
    con.commit()
    con.close()


def backup_create_list_verify(port, t, source):
    started = post_json(port, "/api/v1/backups", t["operator"], {"project": "workouts", "source": source,
                                                                  "description": "before the change"})
    info = finished(port, t["viewer"], started, "backup_create")["result"]
    if info["kind"] != "full" or info["records"] != 2000 or info["description"] != "before the change":
        fail("backup create reported " + json.dumps(info))
    listed = get_json(port, "/api/v1/backups", t["viewer"])
    if info["id"] not in [b["id"] for b in listed]:
        fail("GET /backups does not list the new backup: " + json.dumps(listed))
    verified = post_json(port, f"/api/v1/backups/{info['id']}/verify", t["operator"], {"decode": True})
    if finished(port, t["viewer"], verified, "backup_verify")["result"]["id"] != info["id"]:
        fail("backup verify reported another backup")
    return info["id"]


def backup_restore(port, t, backup_id, db, original):
    con = sqlite3.connect(db)
    con.execute("DELETE FROM workouts WHERE rowid % 3 = 0")
    con.execute("UPDATE workouts SET document = '{\"id\":\"x\"}' WHERE rowid % 5 = 0")
    con.commit()
    con.close()
    if table_digest(db, "workouts") == original:
        fail("the table did not change before the restore")
    restored = post_json(port, f"/api/v1/backups/{backup_id}/restore", t["admin"], {})
    report = finished(port, t["viewer"], restored, "backup_restore")["result"]
    if report["backup"] != backup_id or table_digest(db, "workouts") != original:
        fail("the restored table differs from the original: " + json.dumps(report))
    elsewhere = post_json(port, f"/api/v1/backups/{backup_id}/restore", t["admin"],
                          {"target": "sqlite:copy.db", "project": "workouts"})
    finished(port, t["viewer"], elsewhere, "backup_restore")
    if table_digest("copy.db", "workouts") != original:
        fail("the backup restored into a new database (table named by the project) differs from the original")


def backup_prune_delete(port, t, first, source):
    second = finished(port, t["viewer"], post_json(port, "/api/v1/backups", t["operator"],
                                                   {"project": "workouts", "source": source}),
                      "backup_create")["result"]["id"]
    dry = post_json(port, "/api/v1/backups/prune", t["admin"], {"keep": 1, "max_age_days": 3650, "dry_run": True})
    if finished(port, t["viewer"], dry, "backup_prune")["result"]["pruned"] != [first]:
        fail("prune --dry-run would not prune exactly the older backup")
    if first not in [b["id"] for b in get_json(port, "/api/v1/backups", t["viewer"])]:
        fail("a dry-run prune deleted a backup")
    pruned = post_json(port, "/api/v1/backups/prune", t["admin"], {"keep": 1, "max_age_days": 3650})
    if finished(port, t["viewer"], pruned, "backup_prune")["result"]["pruned"] != [first]:
        fail("prune did not prune exactly the older backup")
    deleted = json.loads(request(port, "DELETE", f"/api/v1/backups/{second}", t["admin"])[2])
    if deleted != {"deleted": second, "note": ""}:
        fail("DELETE /backups answered " + json.dumps(deleted))
    if get_json(port, "/api/v1/backups", t["viewer"]):
        fail("backups are left after prune and delete")
    problem(port, "DELETE", f"/api/v1/backups/{second}", t["admin"], want=404, code="NOT_FOUND")


def backup_roles(port, t, backup_id):
    for method, path, role in (("DELETE", f"/api/v1/backups/{backup_id}", "operator"),
                               ("POST", f"/api/v1/backups/{backup_id}/restore", "operator"),
                               ("POST", "/api/v1/backups/prune", "operator"),
                               ("POST", "/api/v1/cleanup", "operator"),
                               ("POST", "/api/v1/backups", "viewer"),
                               ("POST", f"/api/v1/backups/{backup_id}/verify", "viewer")):
        problem(port, method, path, t[role], {}, 403, "PERMISSION_DENIED")


def cleanup_dry_run(port, t, db):
    """After a verified run from a file of valid records into a table,
    cleanup (dry run) says it would remove every source record and removes
    nothing."""
    ferry("generate", "workouts", "--scenario", "all-valid", "--count", "500", "--seed", "5", "--output",
          "legacy.jsonl")
    run = post_json(port, "/api/v1/runs", t["operator"], {"project": "workouts", "source": "legacy.jsonl",
                                                          "target": f"sqlite:{db}#workouts"})
    finished(port, t["viewer"], run, "run")
    started = post_json(port, "/api/v1/cleanup", t["admin"], {"project": "workouts", "source": "legacy.jsonl",
                                                              "target": f"sqlite:{db}#workouts", "dry_run": True})
    report = finished(port, t["viewer"], started, "cleanup")["result"]
    if not report["dry_run"] or report["removed"] != 500 or not os.path.exists("legacy.jsonl"):
        fail("cleanup --dry-run reported " + json.dumps(report))
    problem(port, "POST", "/api/v1/cleanup", t["admin"], {"project": "workouts", "source": "in.jsonl"},
            mention="/target")
    started = post_json(port, "/api/v1/cleanup", t["admin"], {"project": "workouts", "source": "legacy.jsonl",
                                                              "target": f"sqlite:{db}#workouts"})
    report = finished(port, t["viewer"], started, "cleanup")["result"]
    if report["dry_run"] or report["removed"] != 500 or os.path.exists("legacy.jsonl"):
        fail("cleanup reported " + json.dumps(report) + " or left the source")
    kept = [b for b in get_json(port, "/api/v1/backups", t["viewer"]) if b["id"] == report["backup"]]
    if not kept or not kept[0]["pinned"] or kept[0]["records"] != 500:
        fail("cleanup did not keep the source in a pinned backup: " + json.dumps(kept))


def backups_over_http_restore_the_table():
    """Backup create, list, verify, restore, prune and delete over HTTP on an
    SQLite table: the restored table equals the original; prune and delete
    leave no backup; roles are enforced; cleanup checks before removing."""
    tokens, t = setup(scenario="all-valid")
    load_table("in.jsonl", "data.db", "workouts")
    original = table_digest("data.db", "workouts")
    source = "sqlite:data.db#workouts"
    srv = Server(tokens, [PROJECT])
    try:
        p = srv.port
        first = backup_create_list_verify(p, t, source)
        backup_roles(p, t, first)
        backup_restore(p, t, first, "data.db", original)
        backup_prune_delete(p, t, first, source)
        problem(p, "POST", "/api/v1/backups", t["operator"], {"project": "workouts", "source": source, "full": 1},
                mention="/full")
        cleanup_dry_run(p, t, "clean.db")
    finally:
        stop(srv)


# --- legacy aliases ----------------------------------------------------------

def same_answer(port, token, legacy, v1, method="GET", body=None):
    a = request(port, method, legacy, token, body)
    b = request(port, method, v1, token, body)
    if a[0] != b[0] or a[1].get("content-type") != b[1].get("content-type"):
        fail(f"{method} {legacy} answered {a[0]} {a[1].get('content-type')}, {v1} {b[0]} {b[1].get('content-type')}")
    ja, jb = json.loads(a[2]), json.loads(b[2])
    if isinstance(ja, dict) and "request_id" in ja:  # problems: all but the request's own id and path
        for k in ("request_id", "instance"):
            ja.pop(k), jb.pop(k)
    if ja != jb:
        fail(f"{method} {legacy} answered {a[2][:300]}, {v1} {b[2][:300]}")
    return ja


def legacy_starts(port, t):
    started = post_json(port, "/api/migration/start", t["operator"],
                        {"project": "workouts", "source": "in.jsonl", "target": "legacy.jsonl"})
    if started["href"] != "/api/v1/runs/" + started["id"]:
        fail("POST /api/migration/start answered " + json.dumps(started))
    finished(port, t["viewer"], started, "run")
    same_file("cli.jsonl", "legacy.jsonl")
    analyzed = post_json(port, "/api/migration/analyze", t["operator"], {"project": "workouts", "source": "in.jsonl"})
    finished(port, t["viewer"], analyzed, "analyze")
    problem(port, "POST", "/api/migration/start", t["viewer"], {"project": "workouts", "source": "in.jsonl"}, 403,
            "PERMISSION_DENIED")
    problem(port, "POST", "/api/migration/rollback", t["operator"], {"project": "workouts", "run_id": "x"}, 403,
            "PERMISSION_DENIED")
    return started["id"]


def legacy_reads(port, t, op_id):
    same_answer(port, t["viewer"], f"/api/data-migration/operations/{op_id}/progress", f"/api/v1/runs/{op_id}")
    for legacy in ("/api/migration/status", "/api/data-migration/operations/active"):
        same_answer(port, t["viewer"], legacy, "/api/v1/operations/active")
    for legacy in ("/api/migration/results", "/api/data-migration/operations/history?limit=1"):
        got = same_answer(port, t["viewer"], legacy, "/api/v1/operations/history" + legacy[legacy.find("?"):]
                          if "?" in legacy else "/api/v1/operations/history")
        if not got:
            fail(f"{legacy} lists no operation")
    if len(get_json(port, "/api/data-migration/operations/history?limit=1", t["viewer"])) != 1:
        fail("history?limit=1 did not limit the list")
    same_answer(port, t["operator"], f"/api/data-migration/operations/{op_id}/cancel",
                f"/api/v1/runs/{op_id}/cancel", "POST", {})
    same_answer(port, t["admin"], "/api/migration/rollback", "/api/v1/rollbacks", "POST",
                {"project": "workouts", "run_id": op_id})


def legacy_templates(port, t):
    saved = post_json(port, "/api/data-migration/templates", t["operator"],
                      {"name": "legacy", "for": "run", "options": {"batch-size": "100"}}, want=201)
    if saved["name"] != "legacy":
        fail("POST /api/data-migration/templates answered " + json.dumps(saved))
    problem(port, "POST", "/api/data-migration/templates", t["viewer"], {}, 403, "PERMISSION_DENIED")
    same_answer(port, t["viewer"], "/api/data-migration/templates", "/api/v1/templates")
    same_answer(port, t["viewer"], "/api/data-migration/templates/legacy", "/api/v1/templates/legacy")
    same_answer(port, t["viewer"], "/api/data-migration/templates/nope", "/api/v1/templates/nope")
    same_answer(port, t["viewer"], "/api/data-migration/templates/%2e%2e", "/api/v1/templates/%2e%2e")


def aliases_answer_as_their_v1_routes():
    """Every legacy alias of runs, operations, rollbacks and templates answers
    what its /api/v1 route answers (status, body), with the route's role."""
    tokens, t = setup()
    ferry("run", "-p", PROJECT, "-s", "in.jsonl", "-t", "cli.jsonl", "--state", "cli.db", "-q")
    srv = Server(tokens, [PROJECT])
    try:
        op_id = legacy_starts(srv.port, t)
        legacy_reads(srv.port, t, op_id)
        legacy_templates(srv.port, t)
        audit = get_json(srv.port, "/api/v1/audit?action=run.start", t["viewer"])
        if not any(e.get("target") == op_id for e in audit):
            fail("the legacy start has no run.start audit entry: " + json.dumps(audit))
    finally:
        stop(srv)


if __name__ == "__main__":
    globals()[sys.argv[1]]()
