# group: server
# `ferry serve`: import_and_export_resume_after_restart (tests/e2e/server/transfer_cases.py).
# pending: POST /runs/{id}/resume builds kept requests in routes_operations.cc (BuildRequest), which must
# call KeptTransferRequest (server/transfer_requests.h) for /api/v1/imports and /api/v1/exports.
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/transfer_cases.py" import_and_export_resume_after_restart
