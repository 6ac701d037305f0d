#!/usr/bin/env python3
# Lists the tests a ctest run did not really run, from its JUnit file
# (ctest --output-junit FILE): skipped (an e2e script's `skip`, exit 200),
# disabled or not run, and test binaries whose GoogleTest cases were skipped
# (GTEST_SKIP prints "[  SKIPPED ]"; ctest counts the binary as passed).
# Exit 1 when there is one, unless FERRY_ALLOW_SKIPS=1 (local runs without
# some tool): a skipped test proves nothing, so CI must not pass with one.
# Usage: scripts/ctest-skips.py JUNIT.xml
import os
import re
import sys
import xml.etree.ElementTree as ET


def not_run(junit_path):
    """(test name, reason) for every test of the run that did not really run."""
    out = []
    for case in ET.parse(junit_path).getroot().iter("testcase"):
        name, status = case.get("name"), case.get("status")
        skipped = case.find("skipped")
        text = case.findtext("system-out") or ""
        if skipped is not None or status in ("notrun", "disabled"):
            reason = skipped.get("message", "") if skipped is not None else status
            said = [l for l in text.splitlines() if l.startswith("SKIP:")]
            out.append((name, "; ".join(said) or reason or "skipped"))
        elif "[  SKIPPED ]" in text:
            cases = sorted(set(re.findall(r"^\[  SKIPPED \] (\w+\.\S+)", text, re.M)))
            out.append((name, "GoogleTest skipped: " + ", ".join(cases)))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: ctest-skips.py JUNIT.xml")
    skips = not_run(sys.argv[1])
    for name, reason in skips:
        print("skipped: %s (%s)" % (name, reason), file=sys.stderr)
    if not skips:
        return 0
    if os.environ.get("FERRY_ALLOW_SKIPS") == "1":
        print("%d test(s) skipped; allowed by FERRY_ALLOW_SKIPS=1" % len(skips), file=sys.stderr)
        return 0
    print("FAIL: %d test(s) skipped: a skipped test proves nothing. Install what they need "
          "(scripts/install-deps.sh), or set FERRY_ALLOW_SKIPS=1 for a local run" % len(skips), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
