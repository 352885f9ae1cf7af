"""Prints the requirements (pip syntax, -r followed) that this interpreter does not satisfy.

usage: python scripts/lib/check_pins.py REQUIREMENTS.txt...   (exit 0 always; nothing printed = all met)
Only `name` and `name==version` lines are understood, which is all scripts/requirements/ uses.
"""
import importlib.metadata as md
import os
import sys


def requirements(path, seen):
    path = os.path.abspath(path)
    if path in seen:
        return
    seen.add(path)
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("-r "):
                yield from requirements(os.path.join(os.path.dirname(path), line[3:].strip()), seen)
            else:
                yield line


def unmet(line):
    name, _, want = line.partition("==")
    try:
        have = md.version(name.strip())
    except md.PackageNotFoundError:
        return f"{line} (not installed)"
    # local version labels (torch's "+cu132") do not matter for the pin
    if want and have.split("+", 1)[0] != want.strip():
        return f"{line} (have {have})"
    return None


seen = set()
for req_file in sys.argv[1:]:
    for req in requirements(req_file, seen):
        msg = unmet(req)
        if msg:
            print(msg)
