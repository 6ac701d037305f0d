# The Markdown page docs/formats.md describes, rendered independently for context-2 records:
# md_expect.py RECORDS.jsonl OUT.md [ID...] writes the sections of those records (all when no ID).
import json, re, sys

SPECIAL = set('\\`*_[]<>&~|#')


def esc(s):
    return "".join("\\" + c if c in SPECIAL else c for c in s)


def one_line(s):
    return esc(s.replace("\r\n", " ").replace("\r", " ").replace("\n", " "))


def value(name, v, indent):
    pad = "  " * indent
    if isinstance(v, dict):
        if not v:
            return [pad + "- **%s**: *empty object*" % one_line(name)]
        out = [pad + "- **%s**:" % one_line(name)]
        for k, x in v.items():
            out += value(k, x, indent + 1)
        return out
    if isinstance(v, list):
        if not v:
            return [pad + "- **%s**: *empty list*" % one_line(name)]
        return [pad + "- **%s**: %s" % (one_line(name), ", ".join(one_line(str(x)) for x in v))]
    if v is None:
        return [pad + "- **%s**: *null*" % one_line(name)]
    if isinstance(v, bool):
        return [pad + "- **%s**: %s" % (one_line(name), "true" if v else "false")]
    if isinstance(v, (int, float)):
        return [pad + "- **%s**: %s" % (one_line(name), json.dumps(v))]
    if v == "":
        return [pad + "- **%s**: *empty*" % one_line(name)]
    if "\n" in v or "\r" in v:
        longest = max([len(m) for m in re.findall("`+", v)] + [0])
        fence = "`" * max(3, longest + 1)
        lines = v.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return [pad + "- **%s**:" % one_line(name), pad + "  " + fence] + \
               [(pad + "  " + l) if l else "" for l in lines] + [pad + "  " + fence]
    return [pad + "- **%s**: %s" % (one_line(name), esc(v))]


def section(d):
    out = ["## " + one_line(d["title"]), ""]
    for k, v in d.items():
        if k != "title":
            out += value(k, v, 0)
    return "\n".join(out) + "\n"


docs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
ids = set(sys.argv[3:])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("\n".join(section(d) for d in docs if not ids or d["id"] in ids))
