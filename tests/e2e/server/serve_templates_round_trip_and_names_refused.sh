# group: server
# `ferry serve`: templates_round_trip_and_names_refused (tests/e2e/server/admin_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/admin_cases.py" templates_round_trip_and_names_refused
