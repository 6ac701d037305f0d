"""The `ferry serve` end-to-end cases; tests/e2e/server/<case>.sh runs one:
python3 cases.py CASE (in the test's own working directory)."""
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from ferry_http import (Server, check_responses_against_openapi, fail, ferry, get_json, make_token,  # noqa: E402
                        post_json, request, sse, wait_state)

PROJECT = os.path.join(os.environ["FERRY_SOURCE_DIR"], "examples", "workouts")


def setup(count=3000, seed=7):
    tokens = "tokens.json"
    roles = {r: make_token(tokens, r + "-token", r) for r in ("viewer", "operator", "admin")}
    ferry("generate", "workouts", "--count", str(count), "--seed", str(seed), "--output", "in.jsonl")
    return tokens, roles


def same_file(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        if fa.read() != fb.read():
            fail(f"{a} and {b} differ")


def run_matches_command_line():
    """A run started over HTTP writes what `ferry run` writes; its snapshot,
    report, audit entry and metrics say so."""
    tokens, t = setup()
    ferry("run", "-p", PROJECT, "-s", "in.jsonl", "-t", "cli.jsonl", "--state", "cli.db", "-q")
    srv = Server(tokens, [PROJECT])
    try:
        started = post_json(srv.port, "/api/v1/runs", t["operator"],
                            {"project": "workouts", "source": "in.jsonl", "target": "http.jsonl"})
        done = wait_state(srv.port, t["viewer"], started["id"])
        if done["state"] != "completed":
            fail("run did not complete: " + json.dumps(done))
        same_file("cli.jsonl", "http.jsonl")
        report = get_json(srv.port, f"/api/v1/runs/{started['id']}/report", t["viewer"])
        if report["migrated"] + report["already_at_target"] + report["rejected"] != 3000:
            fail("report does not count every record: " + json.dumps(report))
        runs = get_json(srv.port, "/api/v1/runs", t["viewer"])
        if started["id"] not in [r["id"] for r in runs]:
            fail("GET /runs does not list the run")
        audit = get_json(srv.port, "/api/v1/audit?action=run.start", t["viewer"])
        if not any(e["actor"] == "operator-token" and e.get("target") == started["id"] for e in audit):
            fail("no audit entry for the run's start: " + json.dumps(audit))
        status, _, metrics = request(srv.port, "GET", "/metrics", t["viewer"])
        if status != 200 or 'route="/api/v1/runs"' not in metrics:
            fail("metrics do not count the requests: " + metrics[:500])
    finally:
        secs, rc = srv.stop()
    if rc != 0:
        fail(f"ferry serve exited {rc} after SIGTERM")
    check_responses_against_openapi()


def bad_requests_get_problems():
    """Wrong input gets application/problem+json with Ferry's code and the
    member's JSON Pointer; unknown paths 404, wrong methods 405."""
    tokens, t = setup(count=10)
    srv = Server(tokens, [PROJECT])
    try:
        cases = [
            ("POST", "/api/v1/runs", {"project": "nope", "source": "in.jsonl"}, 404, "NOT_FOUND", "nope"),
            ("POST", "/api/v1/runs", {"project": "workouts"}, 400, "INVALID_ARGUMENT", "/source"),
            ("POST", "/api/v1/runs", {"project": "workouts", "source": "in.jsonl", "batch_size": 0}, 400,
             "INVALID_ARGUMENT", "/batch_size"),
            ("POST", "/api/v1/runs", {"project": "workouts", "source": "in.jsonl", "bach_size": 5}, 400,
             "INVALID_ARGUMENT", "/bach_size"),
            ("POST", "/api/v1/runs", "{not json", 400, "INVALID_ARGUMENT", "not JSON"),
            ("POST", "/api/v1/runs", {"project": "workouts", "source": "-", "target": "o.jsonl"}, 400,
             "INVALID_ARGUMENT", "/source"),
            ("POST", "/api/v1/runs", {"project": "workouts", "source": "in.jsonl", "target": "-"}, 400,
             "INVALID_ARGUMENT", "/target"),
            ("POST", "/api/v1/analyze", {"project": "workouts", "source": "-"}, 400, "INVALID_ARGUMENT", "/source"),
            ("GET", "/api/v1/runs/op-unknown", None, 404, "NOT_FOUND", "op-unknown"),
            ("GET", "/api/v1/nothing-here", None, 404, "NOT_FOUND", ""),
            ("DELETE", "/api/v1/runs", None, 405, "METHOD_NOT_ALLOWED", "GET"),
        ]
        for method, path, body, want, code, mention in cases:
            # A wrong method or an unknown path is no documented operation: not checked against the document.
            status, headers, text = request(srv.port, method, path, t["admin"], body,
                                            record=code not in ("METHOD_NOT_ALLOWED",) and "nothing-here" not in path)
            if status != want or not headers.get("content-type", "").startswith("application/problem+json"):
                fail(f"{method} {path} {body}: {status} {headers.get('content-type')} {text}")
            problem = json.loads(text)
            if problem["code"] != code or mention not in problem["detail"] or problem["status"] != want:
                fail(f"{method} {path}: problem {problem}")
            if not problem.get("request_id"):
                fail("a problem without request_id")
        import subprocess
        second = subprocess.run([os.environ["FERRY"], "serve", "--listen", f"127.0.0.1:{srv.port}", "--tokens", tokens,
                                 "--project", PROJECT], capture_output=True, text=True, timeout=30)
        if second.returncode != 74 or "cannot listen" not in second.stderr:
            fail(f"a second server on a port in use: exit {second.returncode} {second.stderr}")
    finally:
        srv.stop()
    check_responses_against_openapi()


def chunked_request_is_refused():
    """A request with Transfer-Encoding is answered 411 before its body is
    read (cpp-httplib 0.11's chunked decoding has known CVEs); the server
    keeps serving."""
    tokens, t = setup(count=10)
    srv = Server(tokens, [PROJECT])
    try:
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.sendall(b"POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + t["admin"].encode() +
                  b"\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                  b"fffffffffffffff0\r\n{}\r\n0\r\n\r\n")
        answer = b""
        while True:  # the server closes the connection after its answer (the body was not read)
            part = s.recv(65536)
            if not part:
                break
            answer += part
        answer = answer.decode()
        s.close()
        if not answer.startswith("HTTP/1.1 411") or "LENGTH_REQUIRED" not in answer:
            fail("chunked request not refused with 411: " + answer[:300])
        status, _, _ = request(srv.port, "GET", "/healthz")
        if status != 200:
            fail("server stopped serving after a chunked request")
    finally:
        srv.stop()


def events_replay_after_reconnect():
    """An event stream read in two parts, the second from Last-Event-ID,
    gives every event of the run once, in order."""
    tokens, t = setup(count=4000)
    srv = Server(tokens, [PROJECT])
    try:
        started = post_json(srv.port, "/api/v1/runs", t["operator"],
                            {"project": "workouts", "source": "in.jsonl", "target": "out.jsonl", "batch_size": 50,
                             "threads": 1})
        op = started["id"]
        first = sse(srv.port, f"/api/v1/events?run={op}", t["viewer"], max_events=3)
        last = int(first[-1]["id"])
        rest = sse(srv.port, f"/api/v1/events?run={op}", t["viewer"], last_event_id=last,
                   stop_after="operation_finished")
        ids = [int(e["id"]) for e in first + rest]
        if ids != list(range(1, len(ids) + 1)):
            fail(f"events missed or doubled: {ids}")
        if rest[-1]["event"] != "operation_finished" or first[0]["event"] != "stage_changed":
            fail(f"unexpected first/last events: {first[0]['event']} {rest[-1]['event']}")
        if any(e["data"]["operation_id"] != op for e in first + rest):
            fail("an event of another operation")
        # Every operation: the hub's numbering, from the start.
        everything = sse(srv.port, "/api/v1/events", t["viewer"], last_event_id=0, max_events=len(ids))
        if [e["data"]["seq"] for e in everything] != ids:
            fail("the all-operations stream differs from the run's")
    finally:
        srv.stop()


def sigterm_during_run_then_resume():
    """SIGTERM stops the server within 2 s, the run cancelled at a batch
    boundary; a new server lists it as resumable and resumes it; the output
    equals an uninterrupted run's."""
    tokens, t = setup(count=20000)
    ferry("run", "-p", PROJECT, "-s", "in.jsonl", "-t", "cli.jsonl", "--state", "cli.db", "-q")
    srv = Server(tokens, [PROJECT])
    started = post_json(srv.port, "/api/v1/runs", t["operator"],
                        {"project": "workouts", "source": "in.jsonl", "target": "http.jsonl", "batch_size": 20,
                         "threads": 1})
    op = started["id"]
    deadline = time.time() + 60
    while get_json(srv.port, "/api/v1/runs/" + op, t["viewer"])["counters"]["processed"] == 0:
        if time.time() > deadline:
            fail("the run made no progress")
        time.sleep(0.05)
    secs, rc = srv.stop()
    if rc != 0 or secs > 2.0:
        fail(f"SIGTERM: exit {rc} after {secs:.2f} s (want 0 within 2 s)")
    srv = Server(tokens, [PROJECT])
    try:
        if not any(op in line and "resumable" in line for line in srv.lines):
            fail("the new server does not announce the run as resumable: " + "".join(srv.lines))
        listed = get_json(srv.port, "/api/v1/runs?state=resumable", t["viewer"])
        if op not in [r["id"] for r in listed]:
            fail("GET /runs?state=resumable does not list the run: " + json.dumps(listed))
        post_json(srv.port, f"/api/v1/runs/{op}/resume", t["operator"], None)
        done = wait_state(srv.port, t["viewer"], op)
        if done["state"] != "completed" or done["resumes"] < 1:
            fail("resumed run did not complete: " + json.dumps(done))
        same_file("cli.jsonl", "http.jsonl")
    finally:
        srv.stop()


def metrics_pass_promtool():
    """GET /metrics after requests, refusals and a run: promtool (Debian's
    prometheus package, unpacked by scripts/install-deps.sh) accepts it."""
    import subprocess
    promtool = os.environ.get("FERRY_PROMTOOL", "/opt/ferry-tools/prometheus/usr/bin/promtool")
    if not os.access(promtool, os.X_OK):
        print("SKIP: no promtool at " + promtool + " (scripts/install-deps.sh unpacks it)")
        sys.exit(200)
    tokens, t = setup(count=500)
    srv = Server(tokens, [PROJECT])
    try:
        started = post_json(srv.port, "/api/v1/runs", t["operator"],
                            {"project": "workouts", "source": "in.jsonl", "target": "out.jsonl"})
        wait_state(srv.port, t["viewer"], started["id"])
        request(srv.port, "GET", "/api/v1/projects", "fry_wrong")
        status, headers, text = request(srv.port, "GET", "/metrics", t["viewer"])
    finally:
        srv.stop()
    if status != 200 or not headers["content-type"].startswith("text/plain; version=0.0.4"):
        fail(f"/metrics: {status} {headers}")
    for family in ("ferry_http_requests_total", "ferry_http_request_duration_seconds_bucket",
                   "ferry_operations_finished_total", "ferry_records_total", "ferry_event_streams",
                   "ferry_operation_duration_seconds_bucket"):
        if family not in text:
            fail(f"/metrics lacks {family}")
    r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
    if r.returncode != 0:
        fail("promtool refuses /metrics: " + r.stdout + r.stderr)


def serves_https_with_certificate():
    """--tls-cert/--tls-key: the API over HTTPS (a client trusting the
    certificate gets answers), and plain HTTP to that port gets none."""
    import http.client
    import ssl
    import subprocess
    tokens, t = setup(count=10)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out",
                    "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    srv = Server(tokens, [PROJECT], extra=["--tls-cert", "cert.pem", "--tls-key", "key.pem"])
    try:
        if not any("listening on https://" in line for line in srv.lines):
            fail("the server does not say https: " + "".join(srv.lines))
        context = ssl.create_default_context(cafile="cert.pem")
        conn = http.client.HTTPSConnection("127.0.0.1", srv.port, context=context, timeout=30)
        conn.request("GET", "/api/v1/projects", headers={"Authorization": "Bearer " + t["viewer"]})
        r = conn.getresponse()
        body = json.loads(r.read())
        if r.status != 200 or body[0]["name"] != "workouts":
            fail(f"HTTPS GET /api/v1/projects: {r.status} {body}")
        conn.close()
        try:
            status, _, _ = request(srv.port, "GET", "/healthz", record=False)
            fail(f"plain HTTP to the HTTPS port answered {status}")
        except (ConnectionError, http.client.HTTPException, OSError):
            pass
    finally:
        srv.stop()
    bad = subprocess.run([os.environ["FERRY"], "serve", "--listen", "127.0.0.1:0", "--tokens", tokens,
                          "--tls-cert", "cert.pem"], capture_output=True, text=True, timeout=30)
    if bad.returncode != 2 or "--tls-key" not in bad.stderr:
        fail(f"--tls-cert without --tls-key: exit {bad.returncode} {bad.stderr}")


def table_rows(db, table="workouts"):
    import sqlite3
    with sqlite3.connect(db) as c:
        return c.execute(f"SELECT key, version, document FROM {table} ORDER BY key").fetchall()


def cancel_then_resume_gives_same_table():
    """POST /runs/{id}/cancel stops a run into a table at a batch boundary
    (state cancelled, resumable); POST /runs/{id}/resume continues it under
    the same id; the table equals an uninterrupted run's, row for row."""
    tokens, t = setup(count=20000)
    ferry("run", "-p", PROJECT, "-s", "in.jsonl", "-t", "sqlite:cli.db#workouts", "--state", "cli-state.db", "-q")
    srv = Server(tokens, [PROJECT])
    try:
        op = post_json(srv.port, "/api/v1/runs", t["operator"],
                       {"project": "workouts", "source": "in.jsonl", "target": "sqlite:http.db#workouts",
                        "batch_size": 10, "threads": 1})["id"]
        deadline = time.time() + 60
        while get_json(srv.port, "/api/v1/runs/" + op, t["viewer"])["counters"]["processed"] == 0:
            if time.time() > deadline:
                fail("the run made no progress")
            time.sleep(0.02)
        cancelling = post_json(srv.port, f"/api/v1/runs/{op}/cancel", t["operator"], {"now": False})
        if cancelling["id"] != op:
            fail("cancel answered another operation")
        stopped = wait_state(srv.port, t["viewer"], op)
        if stopped["state"] != "cancelled" or not stopped["resumable"] or stopped["status"]["code"] != "CANCELLED":
            fail("not cancelled and resumable: " + json.dumps(stopped))
        done_before = stopped["counters"]["processed"]
        if done_before >= 20000:
            fail("the run finished before the cancel; nothing was tested")
        again = post_json(srv.port, f"/api/v1/runs/{op}/resume", t["operator"], None)
        if again["id"] != op:
            fail("resume started another operation")
        done = wait_state(srv.port, t["viewer"], op)
        if done["state"] != "completed" or done["resumes"] != 1:
            fail("resumed run did not complete: " + json.dumps(done))
        status, _, _ = request(srv.port, "POST", f"/api/v1/runs/{op}/resume", t["operator"], None)
        if status != 400:
            fail(f"resuming a completed run answered {status}")
    finally:
        srv.stop()
    if table_rows("cli.db") != table_rows("http.db"):
        fail("the table of the cancelled and resumed run differs from the uninterrupted run's")
    check_responses_against_openapi()


VOLATILE = ("seconds", "per_second", "_at", "run_id", "elapsed", "eta", "duration", "rate", "estimate", "ms")


def stable(value):
    """The report without what differs between two runs of the same work."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if not any(w in k for w in VOLATILE)}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def checks_match_command_line():
    """analyze, validate, verify and plan over HTTP report what the command
    line reports with --json; the projects, history, operations and health
    routes answer what the document says."""
    tokens, t = setup(count=3000)
    ferry("run", "-p", PROJECT, "-s", "in.jsonl", "-t", "sqlite:app.db#workouts", "-q")
    srv = Server(tokens, [PROJECT])
    try:
        cases = [("analyze", {"source": "in.jsonl", "target": "sqlite:app.db#workouts"},
                  ["analyze", "-s", "in.jsonl", "-t", "sqlite:app.db#workouts"]),
                 ("validate", {"source": "in.jsonl", "version": "strength"},
                  ["validate", "-s", "in.jsonl", "--version", "strength"]),
                 ("verify", {"source": "in.jsonl", "target": "sqlite:app.db#workouts"},
                  ["verify", "-s", "in.jsonl", "-t", "sqlite:app.db#workouts"])]
        for kind, body, args in cases:
            op = post_json(srv.port, "/api/v1/" + kind, t["operator"], dict(body, project="workouts"))["id"]
            done = wait_state(srv.port, t["viewer"], op)
            report = get_json(srv.port, f"/api/v1/runs/{op}/report", t["viewer"])
            cli = subprocess.run([os.environ["FERRY"], *args, "-p", PROJECT, "--json", "-q"], capture_output=True,
                                 text=True)
            if done["kind"] != kind or stable(report) != stable(json.loads(cli.stdout)):
                fail(f"{kind} over HTTP differs from the command line:\n{json.dumps(stable(report))}\n{cli.stdout}")
        op = post_json(srv.port, "/api/v1/plan", t["operator"], {"project": "workouts", "source": "in.jsonl",
                                                                  "sample": 500})["id"]
        plan = get_json(srv.port, f"/api/v1/runs/{wait_state(srv.port, t['viewer'], op)['id']}/report", t["viewer"])
        if not plan:
            fail("no plan report")
        detail = get_json(srv.port, "/api/v1/projects/workouts", t["viewer"])
        if [e["migration"] for e in detail["graph"]["edges"]] != [m["id"] for m in detail["migrations"]]:
            fail("graph edges do not name the migrations")
        get_json(srv.port, "/api/v1/history?project=workouts", t["viewer"])
        get_json(srv.port, "/api/v1/operations/active", t["viewer"])
        if len(get_json(srv.port, "/api/v1/operations/history?limit=2", t["viewer"])) != 2:
            fail("operations/history does not honour limit")
        for path in ("/healthz", "/readyz"):
            status, _, text = request(srv.port, "GET", path)
            if status != 200:
                fail(f"{path}: {status} {text}")
        doc = get_json(srv.port, "/api/v1/openapi.json", t["viewer"])
        if doc["openapi"] != "3.1.0":
            fail("GET /api/v1/openapi.json is not the document")
    finally:
        srv.stop()
    check_responses_against_openapi()


def rejects_pages_and_downloads():
    """GET /runs/{id}/rejects: pages (offset, limit, next_offset) of the
    run's reject file filtered by code, and the same lines as JSON Lines and
    CSV downloads; a check that keeps no rejects says so."""
    tokens, t = setup(count=3000)
    srv = Server(tokens, [PROJECT])
    try:
        op = post_json(srv.port, "/api/v1/runs", t["operator"],
                       {"project": "workouts", "source": "in.jsonl", "target": "out.jsonl", "rejects": "rej.jsonl"})["id"]
        report = get_json(srv.port, f"/api/v1/runs/{wait_state(srv.port, t['viewer'], op)['id']}/report", t["viewer"])
        lines = [json.loads(line) for line in open("rej.jsonl")]
        code = "VALIDATION_ERROR"
        want = [r for r in lines if r["code"] == code]
        if not want or report["rejected"] != len(lines):
            fail(f"the generated data has no {code} rejects, or the report disagrees")
        got, offset = [], 0
        while offset is not None:
            page = get_json(srv.port, f"/api/v1/runs/{op}/rejects?code={code}&offset={offset}&limit=7", t["viewer"])
            if page["offset"] != offset or len(page["items"]) > 7:
                fail("a page out of bounds: " + json.dumps(page)[:300])
            got += page["items"]
            offset = page["next_offset"]
        if got != want:
            fail(f"the pages hold {len(got)} rejects, the file {len(want)} of {code}")
        status, headers, text = request(srv.port, "GET", f"/api/v1/runs/{op}/rejects?format=jsonl", t["viewer"])
        if status != 200 or [json.loads(x) for x in text.splitlines()] != lines or \
                "attachment" not in headers.get("content-disposition", ""):
            fail(f"the JSON Lines download differs from the reject file: {status} {headers}")
        status, headers, text = request(srv.port, "GET", f"/api/v1/runs/{op}/rejects?format=csv&code={code}",
                                        t["viewer"])
        rows = text.split("\r\n")
        if status != 200 or rows[0] != "key,record,line,version,code,pointer,message,document" or \
                len([r for r in rows[1:] if r]) != len(want):
            fail(f"the CSV download: {status} {rows[:2]}")
        status, _, text = request(srv.port, "GET", f"/api/v1/runs/{op}/rejects?format=xml", t["viewer"])
        if status != 400:
            fail(f"format=xml answered {status}")
        check = post_json(srv.port, "/api/v1/analyze", t["operator"], {"project": "workouts", "source": "in.jsonl"})
        wait_state(srv.port, t["viewer"], check["id"])
        status, _, text = request(srv.port, "GET", f"/api/v1/runs/{check['id']}/rejects", t["viewer"])
        if status != 404 or "keeps no rejects" not in text:
            fail(f"rejects of an analyze: {status} {text}")
    finally:
        srv.stop()
    check_responses_against_openapi()


def rollback_needs_confirmation_and_restores():
    """POST /rollbacks/impact says what a rollback would do and changes
    nothing; POST /rollbacks without "confirm" equal to the run is refused;
    with it, the table is as it was before the run."""
    tokens, t = setup(count=2000)
    ferry("generate", "workouts", "--count", "500", "--seed", "9", "--output", "before.jsonl")
    ferry("run", "-p", PROJECT, "-s", "before.jsonl", "-t", "sqlite:app.db#workouts", "--state", "serve.db", "-q")
    before = table_rows("app.db")
    srv = Server(tokens, [PROJECT], extra=["--state", "serve.db"])
    try:
        op = post_json(srv.port, "/api/v1/runs", t["operator"],
                       {"project": "workouts", "source": "in.jsonl", "target": "sqlite:app.db#workouts",
                        "on_conflict": "overwrite"})["id"]
        run_id = wait_state(srv.port, t["viewer"], op)["run_id"]
        after = table_rows("app.db")
        if after == before:
            fail("the run changed nothing; nothing to roll back")
        impact = post_json(srv.port, "/api/v1/rollbacks/impact", t["admin"], {"project": "workouts", "run_id": op},
                           want=200)
        if impact["run_id"] != run_id or table_rows("app.db") != after:
            fail("the impact names another run, or changed the table: " + json.dumps(impact)[:300])
        for confirm in (None, "yes", op + "x"):
            body = {"project": "workouts", "run_id": run_id}
            if confirm:
                body["confirm"] = confirm
            status, _, text = request(srv.port, "POST", "/api/v1/rollbacks", t["admin"], body)
            if status != 400 or "/confirm" not in text:
                fail(f"a rollback confirmed with {confirm!r}: {status} {text}")
        status, _, _ = request(srv.port, "POST", "/api/v1/rollbacks", t["operator"],
                               {"project": "workouts", "run_id": run_id, "confirm": run_id})
        if status != 403:
            fail(f"an operator rolled back: {status}")
        back = post_json(srv.port, "/api/v1/rollbacks", t["admin"],
                         {"project": "workouts", "run_id": run_id, "confirm": run_id})["id"]
        done = wait_state(srv.port, t["viewer"], back)
        if done["state"] != "completed" or done["kind"] != "rollback":
            fail("the rollback did not complete: " + json.dumps(done)[:400])
    finally:
        srv.stop()
    if table_rows("app.db") != before:
        fail("after the rollback the table is not as it was before the run")
    check_responses_against_openapi()


def open_stream(port, token, path="/api/v1/events"):
    """An event stream read by hand: (socket file, status line)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n".encode())
    f = s.makefile("rb")
    return s, f, f.readline().decode()


def event_streams_capped_heartbeat_and_stop():
    """--max-event-streams: one stream more gets 503 with Retry-After; an
    idle stream gets a heartbeat comment (every 10 s); SIGTERM ends every
    open stream with a last server_stopping event."""
    tokens, t = setup(count=10)
    srv = Server(tokens, [PROJECT], extra=["--max-event-streams", "2"])
    streams = [open_stream(srv.port, t["viewer"]) for _ in range(2)]
    for _, _, status in streams:
        if " 200 " not in status:
            fail("an event stream was refused: " + status)
    status, headers, text = request(srv.port, "GET", "/api/v1/events", t["viewer"])
    if status != 503 or headers.get("retry-after") != "5" or json.loads(text)["code"] != "UNAVAILABLE":
        fail(f"a third stream: {status} {headers} {text}")
    deadline, heartbeat = time.time() + 15, False
    while time.time() < deadline and not heartbeat:
        heartbeat = streams[0][1].readline().decode().startswith(": heartbeat")
    if not heartbeat:
        fail("no heartbeat on an idle stream within 15 s")
    srv.proc.send_signal(__import__("signal").SIGTERM)
    for s, f, _ in streams:
        rest = f.read().decode()
        if "event: server_stopping" not in rest:
            fail("a stream ended without server_stopping: " + rest[-300:])
        s.close()
    if srv.proc.wait(timeout=10) != 0:
        fail("ferry serve did not exit 0")


ROLES = ("viewer", "operator", "admin")


def served_routes():
    """[(method, path template, role)] of `ferry serve --routes`."""
    return [tuple(line.split()) for line in ferry("serve", "--routes").splitlines()]


def concrete(path):
    """A path of the template: {id} and the like as an unknown id."""
    path = path.replace("{id}", "op-none").replace("{name}", "none")
    return path + "?run=op-none" if path == "/api/v1/events" else path


def roles_matrix():
    """Every route: 401 without a token and with a wrong one, 403 for each
    role below the one it needs, neither for the roles that may; the refusals
    are in the audit log."""
    tokens, t = setup(count=10)
    srv = Server(tokens, [PROJECT])
    refused = 0
    try:
        for method, path, role in served_routes():
            url = concrete(path)
            body = {} if method == "POST" else None
            if role == "public":
                status, _, _ = request(srv.port, method, url, None, body, record=False)
                if status in (401, 403):
                    fail(f"{method} {path} is public but answered {status}")
                continue
            for token, want in ((None, 401), ("fry_wrong", 401)):
                status, headers, text = request(srv.port, method, url, token, body)
                if status != 401 or "Bearer" not in headers.get("www-authenticate", ""):
                    fail(f"{method} {path} with token {token}: {status} {text}")
                refused += 1
            for held in ROLES:
                status, _, text = request(srv.port, method, url, t[held], body)
                allowed = ROLES.index(held) >= ROLES.index(role)
                if allowed and status in (401, 403):
                    fail(f"{method} {path} as {held} (needs {role}): {status} {text}")
                if not allowed:
                    if status != 403 or json.loads(text)["code"] != "PERMISSION_DENIED":
                        fail(f"{method} {path} as {held} (needs {role}): {status} {text}")
                    refused += 1
        audit = get_json(srv.port, "/api/v1/audit?action=auth.failed,auth.forbidden&limit=100000", t["admin"])
        if len(audit) != refused:
            fail(f"{refused} refusals but {len(audit)} audit entries")
        if any("fry_" in json.dumps(e) for e in audit):
            fail("a secret in the audit log")
    finally:
        srv.stop()
    check_responses_against_openapi()


def routes_are_documented():
    """`ferry serve --routes` and docs/openapi.json list the same routes with
    the same roles."""
    import subprocess
    doc = subprocess.run(["node", os.path.join(os.environ["FERRY_SOURCE_DIR"], "tools", "node", "list_paths.mjs"),
                          "--details", os.path.join(os.environ["FERRY_SOURCE_DIR"], "docs", "openapi.json")],
                         capture_output=True, text=True, check=True).stdout
    documented = {}
    for line in doc.splitlines():
        method_path, role = line.split("\t")[0], line.split("\t")[1]
        documented[method_path] = "public" if role == "none" else role
    served = {f"{m} {p}": r for m, p, r in served_routes()}
    missing = sorted(set(served) - set(documented))
    unserved = sorted(set(documented) - set(served))
    wrong = sorted(k for k in set(served) & set(documented) if served[k] != documented[k])
    if missing or wrong or unserved:
        fail(f"served but not documented: {missing}; documented but not served: {unserved}; "
             f"roles differ: {[(k, served[k], documented[k]) for k in wrong]}")


if __name__ == "__main__":
    globals()[sys.argv[1]]()
