# group: server
# `ferry serve`: roles_matrix (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" roles_matrix
