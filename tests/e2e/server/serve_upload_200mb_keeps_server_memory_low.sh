# group: server nosan (sanitizers change the memory profile: under ASan the server holds 136 MB before any upload)
# `ferry serve`: upload_200mb_keeps_server_memory_low (tests/e2e/server/transfer_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/transfer_cases.py" upload_200mb_keeps_server_memory_low
