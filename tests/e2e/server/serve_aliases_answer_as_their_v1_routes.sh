# group: server
# `ferry serve`: aliases_answer_as_their_v1_routes (tests/e2e/server/admin_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/admin_cases.py" aliases_answer_as_their_v1_routes
