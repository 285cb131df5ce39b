#!/usr/bin/env python3
"""Exit 0 when every pinned requirement (name==version) of the given
requirements files is installed in this interpreter, 1 otherwise.

Used by scripts/lib.sh to skip pip when nothing changed (fast, offline).
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import re
import sys
from importlib import metadata

try:
    from packaging.markers import Marker
except ImportError:  # pip vendors packaging
    from pip._vendor.packaging.markers import Marker


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def missing(path):
    out = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.split(" #", 1)[0].strip()
            if not line or line.startswith(("#", "-")):
                continue
            req, _, marker = line.partition(";")
            if marker.strip() and not Marker(marker.strip()).evaluate():
                continue
            match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*==\s*(\S+)\s*", req)
            if not match:
                out.append(f"{line} (not pinned with ==)")
                continue
            name, wanted = match.groups()
            try:
                have = metadata.version(_norm(name))
            except metadata.PackageNotFoundError:
                out.append(f"{name}=={wanted} (not installed)")
                continue
            if have != wanted:
                out.append(f"{name}=={wanted} (installed: {have})")
    return out


def main(argv):
    problems = [p for path in argv[1:] for p in missing(path)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
