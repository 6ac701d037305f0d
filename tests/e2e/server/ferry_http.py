"""Helpers for the `ferry serve` end-to-end tests: start and stop a real
server on a free loopback port, make HTTP requests (http.client), read
Server-Sent Events, and record every response so that the tests can check
them against docs/openapi.json (tools/node/check_response.mjs --batch)."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time

FERRY = os.environ["FERRY"]
SOURCE = os.environ["FERRY_SOURCE_DIR"]
RESPONSES = os.path.join(os.getcwd(), "responses.jsonl")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def ferry(*args, check=True):
    """Runs the ferry binary; returns its stdout."""
    r = subprocess.run([FERRY, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        fail(f"ferry {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r.stdout


def make_token(tokens, name, role):
    return ferry("token", "create", name, "--role", role, "--tokens", tokens).strip().splitlines()[-1]


class Server:
    """`ferry serve` on 127.0.0.1 with a free port."""

    def __init__(self, tokens, projects, extra=()):
        args = [FERRY, "serve", "--listen", "127.0.0.1:0", "--tokens", tokens, "--log-level", "warn"]
        for p in projects:
            args += ["--project", p]
        self.proc = subprocess.Popen(args + list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                fail("ferry serve ended before listening: " + self.proc.stderr.read())
            self.lines.append(line)
            m = re.search(r"listening on https?://[^:]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                return
        fail("ferry serve did not say where it listens")

    def stop(self, sig=signal.SIGTERM):
        """Signals the server; returns (seconds until it exited, exit code)."""
        start = time.time()
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=30)
        self.lines += self.proc.stdout.readlines()
        return time.time() - start, rc


def request(port, method, path, token=None, body=None, headers=None, record=True):
    """Returns (status, headers dict (lower-case names), body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    text = r.read().decode("utf-8", "replace")
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    if record:
        with open(RESPONSES, "a") as f:
            f.write(json.dumps({"method": method, "path": path.split("?")[0], "status": r.status,
                                "content_type": hdrs.get("content-type", ""), "body": text}) + "\n")
    return r.status, hdrs, text


def get_json(port, path, token, want=200):
    status, _, text = request(port, "GET", path, token)
    if status != want:
        fail(f"GET {path}: {status} {text}")
    return json.loads(text)


def post_json(port, path, token, body, want=202):
    status, _, text = request(port, "POST", path, token, body)
    if status != want:
        fail(f"POST {path}: {status} {text}")
    return json.loads(text) if text else None


def wait_state(port, token, op_id, states=("completed", "failed", "cancelled"), timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        snap = get_json(port, "/api/v1/runs/" + op_id, token)
        if snap["state"] in states:
            return snap
        time.sleep(0.1)
    fail(f"operation {op_id} did not reach {states}")


def sse(port, path, token, last_event_id=None, max_events=None, stop_after=None, timeout=60):
    """Reads events: a list of {"id", "event", "data"}; stops after
    max_events, after an event named stop_after, or at the stream's end."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = {"Authorization": "Bearer " + token, "Accept": "text/event-stream"}
    if last_event_id is not None:
        h["Last-Event-ID"] = str(last_event_id)
    conn.request("GET", path, headers=h)
    r = conn.getresponse()
    if r.status != 200:
        fail(f"GET {path}: {r.status} {r.read()}")
    events, cur = [], {}
    while True:
        line = r.fp.readline()
        if not line:
            break
        line = line.decode().rstrip("\n")
        if line == "":
            if "event" in cur:
                cur["data"] = json.loads(cur["data"])
                events.append(cur)
                if (max_events and len(events) >= max_events) or cur["event"] == stop_after:
                    break
            cur = {}
        elif line.startswith(":"):
            continue
        else:
            k, _, v = line.partition(": ")
            cur[k] = v
    conn.close()
    return events


def check_responses_against_openapi():
    """Every recorded response must match docs/openapi.json."""
    checker = os.path.join(SOURCE, "tools", "node", "check_response.mjs")
    if not os.path.exists(RESPONSES):
        return
    r = subprocess.run(["node", checker, "--spec", os.path.join(SOURCE, "docs", "openapi.json"), "--batch",
                        RESPONSES], capture_output=True, text=True)
    if r.returncode != 0:
        fail("responses do not match docs/openapi.json:\n" + r.stdout + r.stderr)
