#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Every signalling counter in XMIP_SIGNALLING_COUNTERS is incremented
somewhere in agent/: a counter that is listed (and so shown by mipctl -s and
exported as a metric) but never counted reads as "nothing happened" when the
truth is "not measured". Usage: counters_incremented.py SOURCE_DIR"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
header = next(root.glob("agent/**/signalling_stats.hpp"))
ids = re.findall(r"^\s*X\((\w+),", header.read_text(), re.M)
assert ids, f"no counters found in {header}"
sources = "\n".join(p.read_text() for p in (root / "agent").rglob("*.[ch]pp"))
missing = [i for i in ids if not re.search(rf"\.{i}\s*(\+\+|\+=)|\+\+\s*[\w.>-]*\b{i}\b", sources)]
for i in missing:
    print(f"{header.relative_to(root)}: signalling counter {i} is listed but never incremented "
          "under agent/: count it where it happens, or remove it (and from cli/format.cpp, docs/mipctl.md)")
print(f"{len(ids) - len(missing)}/{len(ids)} signalling counters incremented")
sys.exit(1 if missing else 0)
