# group: server
# `ferry serve`: legacy_transfer_aliases (tests/e2e/server/transfer_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/transfer_cases.py" legacy_transfer_aliases
