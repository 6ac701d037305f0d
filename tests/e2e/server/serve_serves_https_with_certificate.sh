# group: server
# `ferry serve`: serves_https_with_certificate (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" serves_https_with_certificate
