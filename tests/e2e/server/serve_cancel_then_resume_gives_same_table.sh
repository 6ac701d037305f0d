# group: server
# `ferry serve`: cancel_then_resume_gives_same_table (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" cancel_then_resume_gives_same_table
