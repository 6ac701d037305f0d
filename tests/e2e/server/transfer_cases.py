"""The `ferry serve` file transfer cases (POST /imports, POST /exports, GET
/exports/{id}/file and the legacy /api/data-migration aliases);
tests/e2e/server/<case>.sh runs one: python3 transfer_cases.py CASE (in the
test's own working directory)."""
import hashlib
import http.client
import json
import os
import secrets
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from ferry_http import (RESPONSES, Server, check_responses_against_openapi, fail, ferry,  # noqa: E402
                        get_json, make_token, post_json, request, wait_state)

PROJECT = os.path.join(os.environ["FERRY_SOURCE_DIR"], "examples", "workouts")
MB = 1000 * 1000


def tokens_file(tokens):
    """One token per role: `ferry token create` when this build has it,
    else the file written directly (src/server/tokens.h: only SHA-256s)."""
    if "token" in ferry("--help"):
        return {r: make_token(tokens, r + "-token", r) for r in ("viewer", "operator", "admin")}
    roles = {r: "fry_" + secrets.token_urlsafe(32) for r in ("viewer", "operator", "admin")}
    entries = [{"name": r + "-token", "role": r, "sha256": hashlib.sha256(s.encode()).hexdigest(),
                "created_at": "2026-01-01T00:00:00Z"} for r, s in roles.items()]
    with open(tokens, "w") as f:
        json.dump({"format": "ferry-tokens-1", "tokens": entries}, f)
    os.chmod(tokens, 0o600)
    return roles


def setup(count=3000, seed=7):
    tokens = "tokens.json"
    roles = tokens_file(tokens)
    ferry("generate", "workouts", "--count", str(count), "--seed", str(seed), "--output", "in.jsonl")
    return tokens, roles


def record(method, path, status, content_type, body):
    with open(RESPONSES, "a") as f:
        f.write(json.dumps({"method": method, "path": path.split("?")[0], "status": status,
                            "content_type": content_type, "body": body}) + "\n")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def multipart(fields, file_name, file_chunks, file_size):
    """(content type, content length, body chunks) of a multipart/form-data
    body: the text `fields` then the part `file` (its bytes from the
    iterable `file_chunks`, `file_size` of them)."""
    boundary = "ferry-" + uuid.uuid4().hex
    head = b""
    for name, value in fields.items():
        head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n"
                 f"Content-Type: application/json\r\n\r\n{value}\r\n").encode()
    head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n"
             "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks():
        yield head
        yield from file_chunks
        yield tail
    return "multipart/form-data; boundary=" + boundary, len(head) + file_size + len(tail), chunks()


def upload(port, path, token, fields, file_name, data=None, chunks=None, size=None, content_type=None):
    """POSTs a multipart upload (the file from `data`, or `chunks` of `size`
    bytes) with a Content-Length; returns (status, headers, text)."""
    if data is not None:
        chunks, size = [data], len(data)
    ctype, length, body = multipart(fields, file_name, chunks, size)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.putrequest("POST", path)
    conn.putheader("Authorization", "Bearer " + token)
    conn.putheader("Content-Type", content_type or ctype)
    conn.putheader("Content-Length", str(length))
    conn.endheaders()
    for c in body:
        conn.send(c)
    r = conn.getresponse()
    text = r.read().decode("utf-8", "replace")
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    record("POST", path, r.status, hdrs.get("content-type", ""), text)
    return r.status, hdrs, text


def download(port, path, token, record_it=True):
    """GETs a file: (status, headers, body bytes); recorded for the check."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Authorization": "Bearer " + token})
    r = conn.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    ctype = hdrs.get("content-type", "")
    if record_it:
        record("GET", path, r.status, ctype, data.decode("utf-8", "replace") if "json" in ctype else "")
    return r.status, hdrs, data


def want_problem(status, headers, text, want, code, mention=""):
    if status != want or not headers.get("content-type", "").startswith("application/problem+json"):
        fail(f"expected {want} problem, got {status} {headers.get('content-type')} {text[:300]}")
    problem = json.loads(text)
    if problem["code"] != code or mention not in problem["detail"]:
        fail(f"expected {code} mentioning {mention!r}: {problem}")


def completed(port, token, op_id):
    done = wait_state(port, token, op_id)
    if done["state"] != "completed":
        fail("operation did not complete: " + json.dumps(done))
    return done


def import_matches_command_line():
    """A file uploaded to POST /imports is kept byte for byte under the
    server's work directory and imported into the table `ferry import` makes
    of the same file; what is not an upload is refused."""
    tokens, t = setup()
    ferry("import", "-p", PROJECT, "-s", "in.jsonl", "-t", "cli.jsonl", "--state", "cli.db", "-q")
    srv = Server(tokens, [PROJECT])
    try:
        request_part = json.dumps({"project": "workouts", "target": "http.jsonl"})
        status, _, text = upload(srv.port, "/api/v1/imports", t["operator"], {"request": request_part},
                                 "../../etc/in.jsonl", data=read_bytes("in.jsonl"))
        if status != 202:
            fail(f"POST /api/v1/imports: {status} {text}")
        started = json.loads(text)
        if started["kind"] != "import":
            fail("not an import: " + text)
        done = completed(srv.port, t["viewer"], started["id"])
        if not done["source"].endswith("/in.jsonl") or "/.ferry/serve/uploads/" not in done["source"]:
            fail("the upload was not kept under the work directory with its sanitised name: " + done["source"])
        if read_bytes(done["source"]) != read_bytes("in.jsonl"):
            fail("the uploaded file differs from the one sent")
        if read_bytes("http.jsonl") != read_bytes("cli.jsonl"):
            fail("the import over HTTP wrote another file than `ferry import`")
        status, headers, text = upload(srv.port, "/api/v1/imports", t["viewer"], {"request": request_part},
                                       "in.jsonl", data=b"{}\n")
        want_problem(status, headers, text, 403, "PERMISSION_DENIED")
        # The next upload removes the one of the completed import (it is never read again).
        status, _, text = upload(srv.port, "/api/v1/imports", t["operator"],
                                 {"request": json.dumps({"project": "workouts", "dry_run": True})}, "again.jsonl",
                                 data=read_bytes("in.jsonl"))
        if status != 202 or os.path.exists(done["source"]) or os.path.exists(os.path.dirname(done["source"])):
            fail(f"the upload of a completed import was kept ({status} {text})")
        completed(srv.port, t["viewer"], json.loads(text)["id"])
        status, headers, text = upload(srv.port, "/api/v1/imports", t["operator"], {}, "in.jsonl", data=b"{}\n")
        want_problem(status, headers, text, 400, "INVALID_ARGUMENT", "'request'")
        status, headers, text = upload(srv.port, "/api/v1/imports", t["operator"],
                                       {"request": json.dumps({"project": "workouts"})}, "in.jsonl", data=b"{}\n")
        want_problem(status, headers, text, 400, "INVALID_ARGUMENT", "/target")
        status, headers, text = request(srv.port, "POST", "/api/v1/imports", t["operator"], {"project": "workouts"})
        want_problem(status, headers, text, 415, "UNSUPPORTED_MEDIA_TYPE")
        # Refused uploads are removed at once; the dry run's (completed) by the next upload.
        left = sorted(os.listdir(".ferry/serve/uploads"))
        if left:
            fail("uploads were left on disk: " + " ".join(left))
    finally:
        srv.stop()
    check_responses_against_openapi()


def export_download_matches_command_line():
    """POST /exports writes what `ferry export` writes (format, compression),
    GET /exports/{id}/file sends it as an attachment; an encrypted export
    decrypts to the same records."""
    tokens, t = setup()
    ferry("run", "-p", PROJECT, "-s", "in.jsonl", "-t", "sqlite:data.db#workouts", "--state", "run.db", "-q")
    ferry("export", "-p", PROJECT, "-s", "sqlite:data.db#workouts", "-t", "cli.csv.zst", "--state", "cli.db", "-q")
    ferry("export", "-p", PROJECT, "-s", "sqlite:data.db#workouts", "-t", "cli.jsonl", "--state", "cli.db", "-q")
    srv = Server(tokens, [PROJECT])
    try:
        body = {"project": "workouts", "source": "sqlite:data.db#workouts", "format": "csv", "compression": "zstd"}
        started = post_json(srv.port, "/api/v1/exports", t["operator"], body)
        if started["kind"] != "export":
            fail("not an export: " + json.dumps(started))
        completed(srv.port, t["viewer"], started["id"])
        status, headers, data = download(srv.port, f"/api/v1/exports/{started['id']}/file", t["viewer"])
        if status != 200 or headers.get("content-type") != "application/octet-stream":
            fail(f"download: {status} {headers}")
        if headers.get("content-disposition") != 'attachment; filename="workouts.csv.zst"':
            fail("Content-Disposition: " + str(headers.get("content-disposition")))
        if data != read_bytes("cli.csv.zst"):
            fail("the downloaded export differs from `ferry export`'s")
        secret = {"project": "workouts", "source": "sqlite:data.db#workouts",
                  "encryption": {"passphrase": "correct horse"}}
        started = post_json(srv.port, "/api/v1/exports", t["operator"], secret)
        completed(srv.port, t["viewer"], started["id"])
        status, headers, data = download(srv.port, f"/api/v1/exports/{started['id']}/file", t["viewer"])
        if status != 200 or 'filename="workouts.jsonl.enc"' not in headers.get("content-disposition", ""):
            fail(f"encrypted download: {status} {headers}")
        with open("http.jsonl.enc", "wb") as f:
            f.write(data)
        # The passphrase encrypts every file target too: decrypt into a table, then export that.
        os.environ["FERRY_PASSPHRASE"] = "correct horse"
        ferry("import", "-p", PROJECT, "-s", "http.jsonl.enc", "-t", "sqlite:decrypted.db#workouts", "--state",
              "cli.db", "-q")
        del os.environ["FERRY_PASSPHRASE"]
        ferry("export", "-p", PROJECT, "-s", "sqlite:decrypted.db#workouts", "-t", "decrypted.jsonl", "--state",
              "cli.db", "-q")
        if read_bytes("decrypted.jsonl") != read_bytes("cli.jsonl"):
            fail("the encrypted export does not decrypt to `ferry export`'s records")
        if b"correct horse" in read_bytes(".ferry/state.db"):
            fail("the passphrase was stored in the state")
        status, headers, text = request(srv.port, "POST", "/api/v1/exports", t["operator"],
                                        dict(body, compression="lz4"))
        want_problem(status, headers, text, 400, "INVALID_ARGUMENT", "/compression")
    finally:
        srv.stop()
    check_responses_against_openapi()


def legacy_transfer_aliases():
    """POST /api/data-migration/import, /validate (multipart: file, dataType,
    options) and /export answer as /api/v1/imports, /validate and /exports,
    the legacy options mapped (errorHandling lenient = on_error collect)."""
    tokens, t = setup()
    ferry("import", "-p", PROJECT, "-s", "in.jsonl", "-t", "cli.jsonl", "--on-error", "skip", "--batch-size",
          "500", "--state", "cli.db", "-q")
    srv = Server(tokens, [PROJECT])
    try:
        options = {"format": "jsonl", "errorHandling": "skip-errors", "batchSize": 500, "skipDuplicates": True,
                   "target": "legacy.jsonl"}
        fields = {"dataType": "workouts", "options": json.dumps(options)}
        status, _, text = upload(srv.port, "/api/data-migration/import", t["operator"], fields, "in.jsonl",
                                 data=read_bytes("in.jsonl"))
        if status != 202 or json.loads(text)["kind"] != "import":
            fail(f"legacy import: {status} {text}")
        completed(srv.port, t["viewer"], json.loads(text)["id"])
        if read_bytes("legacy.jsonl") != read_bytes("cli.jsonl"):
            fail("the legacy import wrote another file than `ferry import`")
        # lenient = on_error collect: the import ends REJECTED, as `ferry import --on-error collect` exits 3.
        fields["options"] = json.dumps(dict(options, errorHandling="lenient", target="lenient.jsonl"))
        status, _, text = upload(srv.port, "/api/data-migration/import", t["operator"], fields, "in.jsonl",
                                 data=read_bytes("in.jsonl"))
        done = wait_state(srv.port, t["viewer"], json.loads(text)["id"])
        if done["status"]["code"] != "REJECTED" or done["result"]["options"]["on_error"] != "collect":
            fail("errorHandling lenient is not on_error collect: " + json.dumps(done)[:600])
        status, _, text = upload(srv.port, "/api/data-migration/validate", t["operator"],
                                 {"dataType": "workouts", "options": json.dumps({"format": "jsonl"})}, "in.jsonl",
                                 data=read_bytes("in.jsonl"))
        if status != 202 or json.loads(text)["kind"] != "validate":
            fail(f"legacy validate: {status} {text}")
        report = get_json(srv.port, f"/api/v1/runs/{completed(srv.port, t['viewer'], json.loads(text)['id'])['id']}"
                          "/report", t["viewer"])
        if json.dumps(report).find("3000") < 0:
            fail("the validate report does not count the 3000 records: " + json.dumps(report)[:500])
        # application/json: a source the server reads, as POST /api/v1/validate.
        started = post_json(srv.port, "/api/data-migration/validate", t["operator"],
                            {"project": "workouts", "source": "in.jsonl"})
        if started["kind"] != "validate" or completed(srv.port, t["viewer"], started["id"])["source"] != "in.jsonl":
            fail("legacy validate of a server path: " + json.dumps(started))
        started = post_json(srv.port, "/api/data-migration/export", t["operator"],
                            {"project": "workouts", "source": "legacy.jsonl"})
        completed(srv.port, t["viewer"], started["id"])
        status, _, data = download(srv.port, f"/api/v1/exports/{started['id']}/file", t["viewer"])
        if status != 200 or data != read_bytes("legacy.jsonl"):
            fail(f"the legacy export's file: {status}, {len(data)} bytes")
        for bad, mention in (({"errorHandling": "loose"}, "/errorHandling"), ({"batchSize": 0}, "/batchSize"),
                             ({"retry": True}, "retry")):
            status, headers, text = upload(srv.port, "/api/data-migration/import", t["operator"],
                                           {"dataType": "workouts", "options": json.dumps(bad)}, "in.jsonl",
                                           data=b"{}\n")
            want_problem(status, headers, text, 400, "INVALID_ARGUMENT", mention)
        status, headers, text = upload(srv.port, "/api/data-migration/import", t["operator"], {}, "in.jsonl",
                                       data=b"{}\n")
        want_problem(status, headers, text, 400, "INVALID_ARGUMENT", "dataType")
    finally:
        srv.stop()
    check_responses_against_openapi()


def upload_over_limit_is_refused():
    """An upload whose Content-Length is over the server's limit (1 GiB by
    default) is answered 413 before any of it is read; nothing is kept."""
    tokens, t = setup(count=10)
    srv = Server(tokens, [PROJECT])
    try:
        ctype, _, _ = multipart({}, "big.jsonl", [], 0)
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        conn.putrequest("POST", "/api/v1/imports")
        conn.putheader("Authorization", "Bearer " + t["operator"])
        conn.putheader("Content-Type", ctype)
        conn.putheader("Content-Length", str((1 << 30) + 1))
        conn.endheaders()
        conn.send(b"--" + ctype.split("boundary=")[1].encode() + b"\r\n")
        started = time.time()
        r = conn.getresponse()
        text = r.read().decode()
        headers = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        record("POST", "/api/v1/imports", r.status, headers.get("content-type", ""), text)
        want_problem(r.status, headers, text, 413, "PAYLOAD_TOO_LARGE", "1073741824")
        if time.time() - started > 5:
            fail("the 413 came only after the server read (or waited for) the body")
        if os.path.exists(".ferry/serve/uploads") and os.listdir(".ferry/serve/uploads"):
            fail("a refused upload left files: " + str(os.listdir(".ferry/serve/uploads")))
        if request(srv.port, "GET", "/healthz")[0] != 200:
            fail("the server stopped answering after a refused upload")
    finally:
        srv.stop()
    check_responses_against_openapi()


def export_download_refuses_traversal():
    """GET /exports/{id}/file serves only the file an export operation
    wrote: ids with dots or encoded slashes, operations that are not exports,
    and a file or directory replaced by a symbolic link are all 404."""
    tokens, t = setup(count=200)
    with open("secret.txt", "w") as f:
        f.write("TOP-SECRET-CONTENT\n")
    srv = Server(tokens, [PROJECT])
    try:
        run = post_json(srv.port, "/api/v1/runs", t["operator"],
                        {"project": "workouts", "source": "in.jsonl", "target": "out.jsonl"})
        completed(srv.port, t["viewer"], run["id"])
        first = post_json(srv.port, "/api/v1/exports", t["operator"], {"project": "workouts", "source": "out.jsonl"})
        second = post_json(srv.port, "/api/v1/exports", t["operator"], {"project": "workouts", "source": "out.jsonl"})
        for e in (first, second):
            completed(srv.port, t["viewer"], e["id"])
        secret = os.path.abspath("secret.txt")
        for p in ("..", "..%2F..%2F..%2Fsecret.txt", "%2e%2e", ".%2e", "..%5csecret.txt", run["id"],
                  "op-0000000000000000", first["id"] + "%2F..%2F..%2F..%2Fsecret.txt", "%2Fetc%2Fpasswd"):
            status, _, data = download(srv.port, f"/api/v1/exports/{p}/file", t["viewer"])
            if status != 404 or b"TOP-SECRET" in data or b"root:" in data:
                fail(f"GET /api/v1/exports/{p}/file: {status} {data[:200]}")
        exported = wait_state(srv.port, t["viewer"], first["id"])["target"]
        os.remove(exported)
        os.symlink(secret, exported)
        status, _, data = download(srv.port, f"/api/v1/exports/{first['id']}/file", t["viewer"])
        if status != 404 or b"TOP-SECRET" in data:
            fail(f"a file replaced by a symbolic link was served: {status}")
        other = os.path.dirname(wait_state(srv.port, t["viewer"], second["id"])["target"])
        os.rename(other, other + ".moved")
        os.makedirs("elsewhere", exist_ok=True)
        with open(os.path.join("elsewhere", "workouts.jsonl"), "w") as f:
            f.write("TOP-SECRET-CONTENT\n")
        os.symlink(os.path.abspath("elsewhere"), other)
        status, _, data = download(srv.port, f"/api/v1/exports/{second['id']}/file", t["viewer"])
        if status != 404 or b"TOP-SECRET" in data:
            fail(f"a directory replaced by a symbolic link was served: {status}")
    finally:
        srv.stop()
    check_responses_against_openapi()


def peak_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    fail("no VmHWM in /proc/PID/status")


def upload_200mb_keeps_server_memory_low():
    """A 200 MB upload goes to disk as it arrives: the server's peak RSS
    (VmHWM) stays under 100 MB while it receives it, and the file kept is
    the one sent."""
    tokens, t = setup(count=20000)
    piece = read_bytes("in.jsonl")
    copies = (200 * MB) // len(piece) + 1
    size = copies * len(piece)
    srv = Server(tokens, [PROJECT])
    try:
        before = peak_rss_kb(srv.proc.pid)
        request_part = json.dumps({"project": "workouts", "target": "sqlite:big.db#workouts", "dry_run": True})
        started = time.time()
        status, _, text = upload(srv.port, "/api/v1/imports", t["operator"], {"request": request_part},
                                 "big.jsonl", chunks=(piece for _ in range(copies)), size=size)
        seconds = time.time() - started
        peak = peak_rss_kb(srv.proc.pid)
        if status != 202:
            fail(f"200 MB upload: {status} {text}")
        op_id = json.loads(text)["id"]
        post_json(srv.port, f"/api/v1/runs/{op_id}/cancel", t["operator"], None)
        snap = wait_state(srv.port, t["viewer"], op_id)
        kept = snap["source"]
        print(f"upload of {size / MB:.1f} MB in {seconds:.1f} s; server VmHWM {before / 1000:.1f} MB before, "
              f"{peak / 1000:.1f} MB after the upload")
        if peak >= 100 * 1000:
            fail(f"the server's peak RSS reached {peak / 1000:.1f} MB during a {size / MB:.0f} MB upload")
        if os.path.getsize(kept) != size:
            fail(f"the kept upload has {os.path.getsize(kept)} bytes, not {size}")
        with open(kept, "rb") as f:
            if f.read(len(piece)) != piece:
                fail("the kept upload does not start with what was sent")
    finally:
        srv.stop()
    check_responses_against_openapi()


def interrupt_then_resume(tokens, t, path, start):
    """Starts an operation with start(port), stops the server (SIGTERM)
    once it has processed records, resumes it from a new server; returns
    the completed snapshot."""
    srv = Server(tokens, [PROJECT])
    op = start(srv.port)["id"]
    deadline = time.time() + 60
    while get_json(srv.port, "/api/v1/runs/" + op, t["viewer"])["counters"]["processed"] == 0:
        if time.time() > deadline:
            fail("the operation made no progress")
        time.sleep(0.05)
    srv.stop()
    srv = Server(tokens, [PROJECT])
    try:
        post_json(srv.port, f"/api/v1/runs/{op}/resume", t["operator"], None)
        done = wait_state(srv.port, t["viewer"], op)
        if done["state"] != "completed" or done["resumes"] < 1:
            fail(f"the resumed {path} did not complete: " + json.dumps(done)[:600])
        return done, srv
    except BaseException:
        srv.stop()
        raise


def import_and_export_resume_after_restart():
    """An import and an export interrupted by SIGTERM are resumed by a new
    server (from the kept upload and request) and end with what `ferry
    import` / `ferry export` write uninterrupted."""
    tokens, t = setup(count=20000)
    ferry("import", "-p", PROJECT, "-s", "in.jsonl", "-t", "cli.jsonl", "--state", "cli.db", "-q")
    ferry("export", "-p", PROJECT, "-s", "cli.jsonl", "-t", "cli-export.csv", "--state", "cli.db", "-q")
    request_part = json.dumps({"project": "workouts", "target": "http.jsonl", "batch_size": 20, "threads": 1})

    def start_import(port):
        status, _, text = upload(port, "/api/v1/imports", t["operator"], {"request": request_part}, "in.jsonl",
                                 data=read_bytes("in.jsonl"))
        if status != 202:
            fail(f"POST /api/v1/imports: {status} {text}")
        return json.loads(text)
    done, srv = interrupt_then_resume(tokens, t, "import", start_import)
    srv.stop()
    if done["kind"] != "import" or read_bytes("http.jsonl") != read_bytes("cli.jsonl"):
        fail("the resumed import differs from `ferry import`")

    def start_export(port):
        return post_json(port, "/api/v1/exports", t["operator"], {"project": "workouts", "source": "cli.jsonl",
                                                                   "format": "csv"})
    done, srv = interrupt_then_resume(tokens, t, "export", start_export)
    try:
        status, _, data = download(srv.port, f"/api/v1/exports/{done['id']}/file", t["viewer"])
        if status != 200 or data != read_bytes("cli-export.csv"):
            fail(f"the resumed export's file differs from `ferry export`'s ({status}, {len(data)} bytes)")
    finally:
        srv.stop()
    check_responses_against_openapi()


def transfers_apply_templates():
    """`template` in POST /imports and /exports applies a template saved
    with `ferry template save` (its flags as members, the request's members
    winning); a template for another command, a flag without a member and
    an unknown name are refused."""
    tokens, t = setup()
    ferry("import", "-p", PROJECT, "-s", "in.jsonl", "-t", "cli.jsonl", "--on-error", "skip", "--state", "cli.db",
          "-q")
    ferry("export", "-p", PROJECT, "-s", "cli.jsonl", "-t", "cli.csv.zst", "--state", "cli.db", "-q")
    ferry("template", "save", "nightly-import", "--for", "import", "--", "--target", "tmpl.jsonl", "--on-error",
          "skip", "--batch-size", "700", "--source", "ignored.jsonl", "--project", "ignored")
    ferry("template", "save", "csv-export", "--for", "export", "--", "--source", "cli.jsonl", "--compress", "zstd",
          "--target", "ignored.csv.zst")
    ferry("template", "save", "with-rejects", "--for", "import", "--", "--rejects", "r.jsonl")
    ferry("template", "save", "a-run", "--for", "run", "--", "--batch-size", "10")
    srv = Server(tokens, [PROJECT])
    try:
        def import_with(req):
            return upload(srv.port, "/api/v1/imports", t["operator"], {"request": json.dumps(req)}, "in.jsonl",
                          data=read_bytes("in.jsonl"))
        status, _, text = import_with({"project": "workouts", "template": "nightly-import"})
        if status != 202:
            fail(f"import with a template: {status} {text}")
        done = completed(srv.port, t["viewer"], json.loads(text)["id"])
        if done["target"] != "tmpl.jsonl" or done["result"]["options"]["batch_size"] != 700:
            fail("the template's flags were not applied: " + json.dumps(done)[:600])
        if read_bytes("tmpl.jsonl") != read_bytes("cli.jsonl"):
            fail("the import with a template differs from `ferry import` with its flags")
        status, _, text = import_with({"project": "workouts", "template": "nightly-import", "target": "mine.jsonl"})
        if completed(srv.port, t["viewer"], json.loads(text)["id"])["target"] != "mine.jsonl":
            fail("the request's member did not win over the template's flag")
        started = post_json(srv.port, "/api/v1/exports", t["operator"],
                            {"project": "workouts", "source": "cli.jsonl", "template": "csv-export", "format": "csv"})
        completed(srv.port, t["viewer"], started["id"])
        status, headers, data = download(srv.port, f"/api/v1/exports/{started['id']}/file", t["viewer"])
        if data != read_bytes("cli.csv.zst") or "workouts.csv.zst" not in headers.get("content-disposition", ""):
            fail("the export with a template differs from `ferry export`'s")
        for req, code, want, mention in (({"project": "workouts", "template": "with-rejects"}, "INVALID_ARGUMENT", 400,
                                          "--rejects"),
                                         ({"project": "workouts", "template": "a-run"}, "INVALID_ARGUMENT", 400,
                                          "ferry run"),
                                         ({"project": "workouts", "template": "nope"}, "NOT_FOUND", 404, "nope")):
            status, headers, text = import_with(req)
            want_problem(status, headers, text, want, code, mention)
    finally:
        srv.stop()
    check_responses_against_openapi()


def validate_upload_matches_command_line():
    """POST /api/v1/validate with an uploaded file (multipart `file` and
    `request`) reports what `ferry validate` reports on that file; without
    the `request` part it is a 400 problem."""
    tokens, t = setup(count=2000)
    with open("in.jsonl", "rb") as f:
        data = f.read()
    cli = json.loads(ferry("validate", "-p", PROJECT, "-s", "in.jsonl", "--version", "strength", "--json", "-q",
                           check=False))
    srv = Server(tokens, [PROJECT])
    try:
        status, _, text = upload(srv.port, "/api/v1/validate", t["operator"],
                                 {"request": json.dumps({"project": "workouts", "version": "strength"})},
                                 "in.jsonl", data=data)
        if status != 202:
            fail(f"validate upload: {status} {text}")
        op = json.loads(text)["id"]
        completed(srv.port, t["viewer"], op)
        report = get_json(srv.port, f"/api/v1/runs/{op}/report", t["viewer"])
        for member in ("records", "bytes", "versions", "invalid_by_code"):
            if member not in cli or report.get(member) != cli[member]:
                fail(f"validate upload {member}: {report.get(member)} != the command line's {cli[member]}")
        status, headers, text = upload(srv.port, "/api/v1/validate", t["operator"], {}, "in.jsonl", data=data)
        want_problem(status, headers, text, 400, "INVALID_ARGUMENT", "request")
    finally:
        srv.stop()
    check_responses_against_openapi()


if __name__ == "__main__":
    globals()[sys.argv[1]]()
