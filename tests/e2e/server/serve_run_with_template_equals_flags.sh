# group: server
# `ferry serve`: run_with_template_equals_flags (tests/e2e/server/admin_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/admin_cases.py" run_with_template_equals_flags
