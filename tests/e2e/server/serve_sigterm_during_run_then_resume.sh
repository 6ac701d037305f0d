# group: server
# `ferry serve`: sigterm_during_run_then_resume (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" sigterm_during_run_then_resume
