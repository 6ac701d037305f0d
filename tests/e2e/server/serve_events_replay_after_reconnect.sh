# group: server
# `ferry serve`: events_replay_after_reconnect (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" events_replay_after_reconnect
