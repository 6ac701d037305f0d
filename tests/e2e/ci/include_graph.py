#!/usr/bin/env python3
"""The include graph between the folders of src/ (one node per folder, main.cc is `main`).

  include_graph.py graph SRC_DIR        print the graph, one line per folder: `a -> b c`
  include_graph.py check REPO_DIR       exit 1 when the graph has a cycle, when a public header
                                        (include/ferry/) includes anything but ferry/ headers, or
                                        when docs/architecture.md does not show the graph as it is

An include `"x/y.h"` is an edge to folder x; `"ferry/..."` is the public API (not a node: every
folder may use it); `"y.h"` without a folder stays inside its own folder.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
DOC_BEGIN = '<!-- include-graph: begin (tests/e2e/ci/include_graph.py graph src) -->'
DOC_END = '<!-- include-graph: end -->'


def folder_of(src, path):
    rel = os.path.relpath(path, src)
    return rel.split(os.sep)[0] if os.sep in rel else 'main'


def includes(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            m = INCLUDE.match(line)
            if m:
                yield m.group(1)


def graph(src):
    edges = {}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith(('.cc', '.h')):
                continue
            path = os.path.join(root, name)
            here = folder_of(src, path)
            edges.setdefault(here, set())
            for inc in includes(path):
                there = inc.split('/')[0] if '/' in inc else here
                if there not in ('ferry', here):
                    edges[here].add(there)
    return edges


def find_cycle(edges):
    """Returns one cycle as a list of folders, or None."""
    state = {}

    def visit(node, trail):
        state[node] = 'open'
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 'open':
                return trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt]
            if nxt not in state:
                found = visit(nxt, trail + [nxt])
                if found:
                    return found
        state[node] = 'done'
        return None

    for start in sorted(edges):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def render(edges):
    return '\n'.join(f'{a} -> {" ".join(sorted(b))}'.rstrip() for a, b in sorted(edges.items()))


def public_header_problems(repo):
    problems = []
    api = os.path.join(repo, 'include', 'ferry')
    for name in sorted(os.listdir(api)):
        for inc in includes(os.path.join(api, name)):
            if not inc.startswith('ferry/'):
                problems.append(f'include/ferry/{name} includes "{inc}" (public headers include only ferry/)')
    return problems


def documented_graph(repo):
    with open(os.path.join(repo, 'docs', 'architecture.md'), encoding='utf-8') as f:
        text = f.read()
    if DOC_BEGIN not in text or DOC_END not in text:
        return None
    block = text.split(DOC_BEGIN, 1)[1].split(DOC_END, 1)[0]
    return '\n'.join(l for l in block.splitlines() if l.strip() and not l.startswith('```'))


def check(repo):
    edges = graph(os.path.join(repo, 'src'))
    problems = public_header_problems(repo)
    cycle = find_cycle(edges)
    if cycle:
        problems.append('include cycle between folders of src/: ' + ' -> '.join(cycle))
    shown = documented_graph(repo)
    if shown is None:
        problems.append(f'docs/architecture.md has no block between "{DOC_BEGIN}" and "{DOC_END}"')
    elif shown != render(edges):
        problems.append('docs/architecture.md shows another graph than the code has; the real one:\n'
                        + render(edges))
    for p in problems:
        print(p)
    return 1 if problems else 0


def main(argv):
    if len(argv) == 3 and argv[1] == 'graph':
        print(render(graph(argv[2])))
        return 0
    if len(argv) == 3 and argv[1] == 'check':
        return check(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
