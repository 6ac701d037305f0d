# group: server
# `ferry serve`: event_streams_capped_heartbeat_and_stop (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" event_streams_capped_heartbeat_and_stop
