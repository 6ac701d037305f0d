# group: server
# `ferry serve`: rejects_pages_and_downloads (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" rejects_pages_and_downloads
