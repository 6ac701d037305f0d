# group: server
# `ferry serve`: backups_over_http_restore_the_table (tests/e2e/server/admin_cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/admin_cases.py" backups_over_http_restore_the_table
