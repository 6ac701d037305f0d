# group: server
# `ferry serve`: checks_match_command_line (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" checks_match_command_line
