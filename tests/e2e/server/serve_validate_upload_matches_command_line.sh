# group: server
# `ferry serve`: validate_upload_matches_command_line (tests/e2e/server/transfer_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/transfer_cases.py" validate_upload_matches_command_line
