# group: server
# `ferry serve`: metrics_pass_promtool (tests/e2e/server/cases.py).
source "$(dirname "$0")/../lib.sh"
python3 "$E2E/server/cases.py" metrics_pass_promtool
