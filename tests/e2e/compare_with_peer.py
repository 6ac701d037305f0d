#!/usr/bin/env python3
"""Compares Ferry's workouts output with a peer's under the SPEC's equivalence rule.

Usage: compare_with_peer.py FERRY_OUT FERRY_REJECTS PEER_OUT PEER_REJECTS

SPEC section 3: two outputs are equal when the multisets of lines are equal after
sorting keys and normalising numbers (jq -S -c .). Rejected ids must be the same set
(Ferry's reject records carry "key"; the peers' carry "id").
Exit 0 when equal, 1 with a diff summary otherwise.
"""
import json
import sys
from collections import Counter


def norm(v):
    """jq-style number normalisation: 1.0 and 1e2 are the numbers 1 and 100."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return v


def canon_lines(path):
    c = Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                c[json.dumps(norm(json.loads(line)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))] += 1
    return c


def reject_ids(path, field):
    """Rejected ids: the id when it is a non-empty string, else None (as the peers write it)."""
    ids = Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                i = json.loads(line).get(field)
                ids[i if isinstance(i, str) and i else None] += 1
    return ids


def main():
    fo, fr, po, pr = sys.argv[1:5]
    a, b = canon_lines(fo), canon_lines(po)
    ra, rb = reject_ids(fr, "key"), reject_ids(pr, "id")
    ok = True
    if a != b:
        ok = False
        only_f = list((a - b).elements())
        only_p = list((b - a).elements())
        print(f"outputs differ: {len(only_f)} lines only in ferry, {len(only_p)} only in peer")
        for l in only_f[:3]:
            print("  ferry:", l[:400])
        for l in only_p[:3]:
            print("  peer: ", l[:400])
    if ra != rb:
        ok = False
        print(f"rejected ids differ: only ferry {sorted(map(str, (ra - rb).elements()))[:10]},"
              f" only peer {sorted(map(str, (rb - ra).elements()))[:10]}")
    total = sum(a.values())
    print(f"{'OK' if ok else 'FAIL'}: {total} output lines, {sum(ra.values())} rejects")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
