# The commands of a README's fenced sh block, ready to run (tests/e2e/ci/readme_commands_run_as_written.sh).
# readme_block.py README HEADING: prints one command a line, in the block's order:
#   - comments ("  # ...", and lines that are only a comment) dropped, "\" continuations joined;
#   - a synopsis "ferry backup list | verify ID | delete ID" becomes one command per alternative
#     ("ferry backup list", "ferry backup verify ID", ...);
#   - an optional part "[--version V]" gives the command without it, then with it.
# Placeholders (ID, RUN, NAME, V, STORE) are left for the test to fill in.
import re
import shlex
import sys


def block(readme, heading):
    text = open(readme, encoding="utf-8").read()
    section = text.split("\n## " + heading + "\n", 1)[1]
    return re.search(r"```sh(?: synopsis)?\n(.*?)```", section, re.S).group(1)


def logical_lines(sh):
    lines, current = [], ""
    for raw in sh.splitlines():
        line = re.sub(r"\s+#\s.*$", "", raw).rstrip()
        if line.lstrip().startswith("#") or not line.strip():
            continue
        current += (" " if current else "") + line.strip().rstrip("\\").strip()
        if not line.endswith("\\"):
            lines.append(current)
            current = ""
    assert not current, "a continuation runs off the block: " + current
    return lines


def alternatives(line):
    parts = [p.strip() for p in re.split(r"\s\|\s", line)]
    if len(parts) == 1:
        return parts
    prefix = " ".join(parts[0].split()[:-1])  # "ferry backup list" -> "ferry backup"
    return [parts[0]] + [prefix + " " + p for p in parts[1:]]


def optionals(command):
    m = re.search(r"\s*\[([^\]]*)\]", command)
    if not m:
        return [command]
    without = command[:m.start()] + command[m.end():]
    with_it = command[:m.start()] + " " + m.group(1) + command[m.end():]
    return optionals(without) + optionals(with_it)


def main():
    for line in logical_lines(block(sys.argv[1], sys.argv[2])):
        for alt in alternatives(line):
            for command in optionals(alt):
                shlex.split(command)  # each is a valid shell word list
                print(" ".join(command.split()) if "'" not in command else command)


if __name__ == "__main__":
    main()
