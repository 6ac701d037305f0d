# group: server
# `ferry serve`: transfers_apply_templates (tests/e2e/server/transfer_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/transfer_cases.py" transfers_apply_templates
