# The shell blocks of Ferry's docs (tests/e2e/ci/docs_commands_run_as_written.sh).
#
# Every fenced block of README.md, docs/*.md and examples/*/README.md that holds a command (a line
# starting with `ferry `, `scripts/` or `P=`/`S=`) must be a shell block, marked one of two ways:
#   ```sh            runnable: the test runs it exactly as written (all of one file's runnable blocks in
#                    order, in one shell, in a scratch directory where `examples/` is the repository's);
#   ```sh synopsis   a synopsis with placeholders (ID, STORE, [--opt V], a | b): each command it names must
#                    exist and take every option the synopsis gives it (checked against `ferry ... --help`).
#
# doc_blocks.py check ROOT            prints "FILE:LINE: problem" for every block not marked so; exit 1 if any
# doc_blocks.py runnable ROOT FILE    prints FILE's runnable blocks as one script, each preceded by
#                                     `: "block FILE:LINE"` so that a failure names its block
# doc_blocks.py synopsis ROOT FERRY   checks every synopsis command against FERRY's --help: prints
#                                     "FILE:LINE: problem" for each unknown command or option; exit 1 if any
import functools
import glob
import os
import re
import subprocess
import sys

from readme_block import logical_lines  # comments dropped, "\" continuations joined

FENCE = re.compile(r"^```(.*)$")
COMMAND = re.compile(r"^\s*(ferry |scripts/|[A-Z]=)")


def doc_files(root):
    files = ["README.md"] + sorted(glob.glob("docs/*.md", root_dir=root))
    files += sorted(glob.glob("examples/*/README.md", root_dir=root))
    return [f for f in files if os.path.exists(os.path.join(root, f))]


def blocks(root, name):
    """(line of the opening fence, info string, text) of every fenced block of one file."""
    found, info, start, body = [], None, 0, []
    for number, line in enumerate(open(os.path.join(root, name), encoding="utf-8"), 1):
        match = FENCE.match(line.rstrip("\n"))
        if match and info is None:
            info, start, body = match.group(1).strip(), number, []
        elif match and not match.group(1).strip():
            found.append((start, info, "".join(body)))
            info = None
        elif info is not None:
            body.append(line)
    return found


def holds_command(text):
    return any(COMMAND.match(line) for line in text.splitlines())


def check(root):
    problems = []
    for name in doc_files(root):
        for line, info, text in blocks(root, name):
            if holds_command(text) and info not in ("sh", "sh synopsis"):
                problems.append(f"{name}:{line}: a block with commands is marked '{info}': mark it ```sh "
                                "(runs as written) or ```sh synopsis (placeholders)")
    print("\n".join(problems))
    return 1 if problems else 0


def runnable(root, name):
    for line, info, text in blocks(root, name):
        if info == "sh":
            print(f': "block {name}:{line}"')
            print(text)


def alternatives(line):
    """"ferry backup list | verify ID" -> ["ferry backup list", "ferry backup verify ID"]."""
    parts = [p.strip() for p in re.split(r"\s\|\s", line)]
    prefix = " ".join(parts[0].split()[:-1])
    return [parts[0]] + [prefix + " " + p for p in parts[1:] if not p.startswith("-")]


@functools.lru_cache(maxsize=None)
def help_text(ferry, path):
    done = subprocess.run([ferry, *path, "--help"], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


def subcommands(help):
    section = help.split("\nSubcommands:\n", 1)
    return {line.split()[0] for line in section[1].splitlines() if line.strip()} if len(section) == 2 else set()


def synopsis_problems(ferry, command):
    """Unknown commands and options of one command; after " -- " (template save), those of its --for command."""
    if " -- " in command:
        head, tail = command.split(" -- ", 1)
        used_for = re.search(r"--for (\w+)", head)
        return synopsis_problems(ferry, head) + (synopsis_problems(ferry, f"ferry {used_for.group(1)} {tail}")
                                                 if used_for else [])
    words = command.split()
    path = ()
    for word in words[1:]:
        if word not in subcommands(help_text(ferry, path)):
            break
        path += (word,)
    help = help_text(ferry, path)
    options = {re.sub(r"[=\[\]].*$", "", w) for w in re.findall(r"(?<![\w-])--[a-z][\w-]*", command)}
    missing = sorted(o for o in options if not re.search(re.escape(o) + r"(?![\w-])", help))
    name = " ".join(("ferry",) + path)
    return [f"'{name}' has no option {o}" for o in missing]


def synopsis(root, ferry):
    problems = []
    for name in doc_files(root):
        for line, info, text in blocks(root, name):
            if info != "sh synopsis":
                continue
            for command in logical_lines(text):
                for alternative in alternatives(command) if command.startswith("ferry ") else []:
                    problems += [f"{name}:{line}: {p} ({alternative})" for p in synopsis_problems(ferry, alternative)]
                if command.startswith("scripts/") and not os.access(os.path.join(root, command.split()[0]), os.X_OK):
                    problems.append(f"{name}:{line}: {command.split()[0]} is not an executable script")
    print("\n".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    action, root = sys.argv[1], sys.argv[2]
    if action == "check":
        sys.exit(check(root))
    elif action == "runnable":
        runnable(root, sys.argv[3])
    elif action == "synopsis":
        sys.exit(synopsis(root, sys.argv[3]))
    elif action == "files":
        print("\n".join(doc_files(root)))
