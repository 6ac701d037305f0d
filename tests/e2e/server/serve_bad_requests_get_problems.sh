# group: server
# `ferry serve`: bad_requests_get_problems (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" bad_requests_get_problems
