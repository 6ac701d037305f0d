# group: server
# `ferry serve`: chunked_request_is_refused (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" chunked_request_is_refused
