# group: server
# `ferry serve`: rollback_needs_confirmation_and_restores (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" rollback_needs_confirmation_and_restores
