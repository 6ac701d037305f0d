# group: server slow
# `ferry serve` under load (bench/serve_load.py): 32 event streams and 200 requests/s on
# GET /api/v1/runs/{id} for 60 s while 1,000,000-record runs proceed: no request fails.
# The figures (latency, the run's MB/s against the command line's) are in bench/RESULTS.md.
source "$(dirname "$0")/../lib.sh"
python3 "$FERRY_SOURCE_DIR/bench/serve_load.py" --ferry "$FERRY" --records "${FERRY_LOAD_RECORDS:-1000000}" \
  --seconds "${FERRY_LOAD_SECONDS:-60}" --streams 32 --rate 200
