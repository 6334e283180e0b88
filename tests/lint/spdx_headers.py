#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Every tracked source file starts with an SPDX-License-Identifier line
(README.md, "Licence"): the BPF programs GPL-2.0-only, the header shared by
BPF and userspace dual (GPL-2.0-only OR BSD-2-Clause), everything else
BSD-2-Clause.

  spdx_headers.py SOURCE_DIR          check; exit 1 naming each file without
  spdx_headers.py SOURCE_DIR --add    add the userspace line where missing
                                      (after a #! line), BPF files excepted

Sources are what git tracks (C, C++, BPF, shell, Python, CMake, the .in
templates); without a git checkout the tree is walked instead."""
import pathlib
import re
import subprocess
import sys

USERSPACE = "BSD-2-Clause"
SOURCE = re.compile(r"(\.(c|h|cpp|hpp|sh|py|cmake|in)|(^|/)CMakeLists\.txt|^\.ci/run)$")
SKIP = re.compile(r"(^|/)(build[^/]*|\.git)/")
BPF = re.compile(r"\.bpf\.(c|h)$")
TAG = re.compile(r"SPDX-License-Identifier: (\S.*?)\s*(\*/)?$")


def tracked(root):
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]
    return sorted(n for n in names if SOURCE.search(n) and not SKIP.search(n) and (root / n).is_file())


def licence(path):
    head = path.read_text(errors="replace").splitlines()[:3]
    for line in head:
        m = TAG.search(line)
        if m:
            return m.group(1)
    return None


def comment(name):
    return "//" if re.search(r"\.(c|h|cpp|hpp)$", name) or name.endswith(".hpp.in") else "#"


def add(path, name):
    text = path.read_text()
    line = f"{comment(name)} SPDX-License-Identifier: {USERSPACE}\n"
    if text.startswith("#!"):
        first, _, rest = text.partition("\n")
        text = first + "\n" + line + rest
    else:
        text = line + text
    path.write_text(text)


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    fix = "--add" in sys.argv[2:]
    bad = []
    names = tracked(root)
    for name in names:
        path = root / name
        lic = licence(path)
        if lic is None and fix and not BPF.search(name):
            add(path, name)
            lic = licence(path)
        if lic is None:
            bad.append(f"{name}: no SPDX-License-Identifier in its first 3 lines")
        elif BPF.search(name) and lic != "GPL-2.0-only":
            bad.append(f"{name}: BPF program code is GPL-2.0-only, says {lic}")
    for b in bad:
        print(b)
    print(f"{len(names) - len(bad)}/{len(names)} source files carry an SPDX licence line")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
