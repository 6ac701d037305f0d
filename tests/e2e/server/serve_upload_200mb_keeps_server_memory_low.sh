# group: server
# `ferry serve`: upload_200mb_keeps_server_memory_low (tests/e2e/server/transfer_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/transfer_cases.py" upload_200mb_keeps_server_memory_low
