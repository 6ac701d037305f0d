# group: server
# `ferry serve`: import_and_export_resume_after_restart (tests/e2e/server/transfer_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/transfer_cases.py" import_and_export_resume_after_restart
