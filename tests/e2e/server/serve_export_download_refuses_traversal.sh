# group: server
# `ferry serve`: export_download_refuses_traversal (tests/e2e/server/transfer_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/transfer_cases.py" export_download_refuses_traversal
