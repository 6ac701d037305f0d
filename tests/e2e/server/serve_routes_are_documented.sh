# group: server
# `ferry serve`: routes_are_documented (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" routes_are_documented
