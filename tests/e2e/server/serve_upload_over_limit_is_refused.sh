# group: server
# `ferry serve`: upload_over_limit_is_refused (tests/e2e/server/transfer_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/transfer_cases.py" upload_over_limit_is_refused
