# group: server
# `ferry serve`: run_matches_command_line (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" run_matches_command_line
