#!/usr/bin/env python3
"""Load on `ferry serve` while a large run proceeds (issue 16's load test).

  bench/serve_load.py --ferry build-bench/src/ferry [--records 1000000] [--seconds 60]
                      [--streams 32] [--rate 200] [--json]

In a scratch directory: generates --records workouts, times `ferry run` of
them from the command line (file to file), then starts `ferry serve`, starts
the same run over HTTP and, until --seconds have passed (runs started again
as they finish), keeps --streams Server-Sent Events clients on
/api/v1/events and sends --rate requests per second to GET /api/v1/runs/{id}.
Prints the request count, failures (any status but 200, or an error), p50/p99
latency, the events received, and the run's MB/s over HTTP against the
command line's. Exit 1 when a request failed."""
import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e", "server"))
PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "workouts")


def args_():
    p = argparse.ArgumentParser()
    p.add_argument("--ferry", required=True)
    p.add_argument("--records", type=int, default=1000000)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--streams", type=int, default=32)
    p.add_argument("--rate", type=float, default=200)
    p.add_argument("--json", action="store_true")
    return p.parse_args()


class Load:
    def __init__(self, port, token):
        self.port, self.token = port, token
        self.latencies, self.failures, self.events = [], [], 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.op = None

    def stream(self):
        while not self.stop.is_set():
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", "/api/v1/events", headers={"Authorization": "Bearer " + self.token})
                r = conn.getresponse()
                if r.status != 200:
                    with self.lock:
                        self.failures.append(f"events: {r.status}")
                    return
                while not self.stop.is_set():
                    line = r.fp.readline()
                    if not line:
                        break
                    if line.startswith(b"event:"):
                        with self.lock:
                            self.events += 1
                conn.close()
            except OSError as e:
                if not self.stop.is_set():
                    with self.lock:
                        self.failures.append(f"events: {e}")

    def poller(self, rate):
        conn = None
        next_at = time.perf_counter()
        while not self.stop.is_set():
            next_at += 1.0 / rate
            time.sleep(max(0, next_at - time.perf_counter()))
            if self.stop.is_set():
                break
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                start = time.perf_counter()
                conn.request("GET", "/api/v1/runs/" + self.op, headers={"Authorization": "Bearer " + self.token})
                r = conn.getresponse()
                r.read()
                took = time.perf_counter() - start
                if r.getheader("Connection", "").lower() == "close" or r.will_close:
                    conn.close()
                    conn = None
                with self.lock:
                    self.latencies.append(took)
                    if r.status != 200:
                        self.failures.append(f"GET /runs: {r.status}")
            except (OSError, http.client.HTTPException) as e:
                conn = None
                if self.stop.is_set():
                    break
                with self.lock:
                    self.failures.append(f"GET /runs: {e!r}")


def main():
    a = args_()
    ferry = os.path.abspath(a.ferry)
    os.environ["FERRY"] = ferry
    os.environ.setdefault("FERRY_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    work = tempfile.mkdtemp(prefix="ferry-serve-load.")
    os.chdir(work)
    from ferry_http import Server, make_token, post_json, wait_state  # noqa: E402 (reads FERRY, the directory)
    subprocess.run([ferry, "generate", "workouts", "--count", str(a.records), "--seed", "5", "--output", "in.jsonl"],
                   check=True, capture_output=True)
    size = os.path.getsize("in.jsonl")
    start = time.perf_counter()
    subprocess.run([ferry, "run", "-p", PROJECT, "-s", "in.jsonl", "-t", "cli.jsonl", "--state", "cli.db", "-q"],
                   check=True, stdout=subprocess.DEVNULL)
    cli_mbs = size / 1e6 / (time.perf_counter() - start)
    op_token = make_token("tokens.json", "load-op", "operator")
    view_token = make_token("tokens.json", "load-view", "viewer")
    srv = Server("tokens.json", [PROJECT], extra=["--max-event-streams", str(a.streams + 8)])
    load = Load(srv.port, view_token)
    body = {"project": "workouts", "source": "in.jsonl", "target": "http.jsonl"}
    load.op = post_json(srv.port, "/api/v1/runs", op_token, body)["id"]
    threads = [threading.Thread(target=load.stream) for _ in range(a.streams)]
    pollers = max(1, int(a.rate // 50))
    threads += [threading.Thread(target=load.poller, args=(a.rate / pollers,)) for _ in range(pollers)]
    for t in threads:
        t.start()
    run_mbs, runs, deadline = [], 0, time.time() + a.seconds
    while True:
        done = wait_state(srv.port, view_token, load.op, timeout=3600)
        runs += 1
        report = done["result"]
        run_mbs.append(size / 1e6 / max(report.get("seconds", 0) or report.get("elapsed_seconds", 0) or 1e-9, 1e-9))
        if time.time() >= deadline:
            break
        os.remove("http.jsonl")
        load.op = post_json(srv.port, "/api/v1/runs", op_token, dict(body, target="http.jsonl"))["id"]
    load.stop.set()
    srv.stop()
    for t in threads:
        t.join(timeout=40)
    lat = sorted(load.latencies)
    result = {
        "records": a.records, "input_mb": round(size / 1e6, 1), "seconds": a.seconds, "streams": a.streams,
        "rate": a.rate, "requests": len(lat), "failed": len(load.failures), "events": load.events,
        "p50_ms": round(lat[len(lat) // 2] * 1000, 2) if lat else None,
        "p99_ms": round(lat[int(len(lat) * 0.99)] * 1000, 2) if lat else None,
        "runs": runs, "cli_mb_per_s": round(cli_mbs, 1),
        "http_mb_per_s": round(sum(run_mbs) / len(run_mbs), 1),
    }
    result["http_vs_cli"] = round(result["http_mb_per_s"] / result["cli_mb_per_s"], 3)
    print(json.dumps(result) if a.json else "\n".join(f"{k}: {v}" for k, v in result.items()))
    if load.failures:
        print("failures (first 5):", load.failures[:5], file=sys.stderr)
    subprocess.run(["rm", "-rf", work])
    return 1 if load.failures else 0


if __name__ == "__main__":
    sys.exit(main())
