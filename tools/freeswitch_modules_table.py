#!/usr/bin/env python3
"""Write the FreeSWITCH module and codec tables of a source tree (not shipped).

FreeSWITCH's build/modules.conf.in lists every module as ``<category>/<name>``
(commented out when it is not built by default): modules-REF.tsv. Each codec
implementation names its IANA code name next to a ``/* the IANA code name */``
comment, in the core (src/*.c) or in a module (src/mod/<category>/<module>/):
codecs-REF.tsv. The freeswitch role refuses an unknown module before anything
is built and writes a source build's modules.conf from its module list; its
config check refuses a codec advertised without the module that provides it.

    tools/freeswitch_modules_table.py REPO REF DIR

REPO is any Git URL (the offline lab uses ../shared/vendor/freeswitch-src/freeswitch.bundle).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path


IANA_NAME = re.compile(r'"([A-Za-z0-9._-]+)",\s*/\* *the IANA code name')
MODULE_DIR = re.compile(r"^src/mod/[^/]+/(mod_[^/]+)/")


def read_tree(repo: str, ref: str) -> tuple[str, str]:
    """build/modules.conf.in and the ``git grep`` of IANA codec names at ``ref``."""
    with tempfile.TemporaryDirectory(prefix="fsha-modules-") as tmp:
        subprocess.run(["git", "clone", "--quiet", "--bare", repo, tmp], check=True)
        conf = subprocess.run(["git", "-C", tmp, "show", f"{ref}:build/modules.conf.in"],
                              check=True, capture_output=True, text=True).stdout
        grep = subprocess.run(["git", "-C", tmp, "grep", "-E", "the IANA code name", ref, "--", "src"],
                              check=True, capture_output=True, text=True).stdout
        return conf, grep


def codecs(grep: str, ref: str) -> list[tuple[str, str]]:
    """(codec, module or "core") for every codec implementation of the tree."""
    rows = set()
    for line in grep.splitlines():
        path, _, text = line.removeprefix(f"{ref}:").partition(":")
        found = IANA_NAME.search(text)
        if not found:
            continue
        module = MODULE_DIR.match(path)
        rows.add((found.group(1).upper(), module.group(1) if module else "core"))
    return sorted(rows)


def table(text: str) -> list[tuple[str, str]]:
    rows = []
    for line in text.splitlines():
        path = line.strip().lstrip("#").strip()
        if "/" not in path or " " in path:
            continue
        category, _, name = path.partition("/")
        if name.startswith("mod_"):
            rows.append((name, f"{category}/{name}"))
    return sorted(set(rows))


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print("usage: tools/freeswitch_modules_table.py REPO REF DIR", file=sys.stderr)
        return 2
    repo, ref, out = argv[1], argv[2], Path(argv[3])
    conf, grep = read_tree(repo, ref)
    with open(out / f"modules-{ref}.tsv", "w", encoding="ascii") as fh:
        fh.write(f"# module\tbuild path (build/modules.conf.in of FreeSWITCH {ref})\n")
        fh.writelines(f"{name}\t{path}\n" for name, path in table(conf))
    with open(out / f"codecs-{ref}.tsv", "w", encoding="ascii") as fh:
        fh.write(f"# codec\tprovided by (the core or a module; FreeSWITCH {ref} source)\n")
        fh.writelines(f"{codec}\t{module}\n" for codec, module in codecs(grep, ref))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
