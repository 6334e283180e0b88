#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes the "reload" column of docs/configuration.md's key tables from the
schema (agent/config/schema.cpp, printed by xmip-config-keys as
"path kind reload"): `live` (a reload applies it) or `restart` (a reload
keeps the running value and says so). The unit test
Documentation.ShowsEachKeysReloadFlag checks the page against the schema.

    scripts/config_doc_reload.py build/agent/tools/xmip-config-keys docs/configuration.md
"""
import re
import subprocess
import sys

HEADER = "| key | default | meaning |"
HEADER_NEW = "| key | default | reload | meaning |"
ROW = re.compile(r"^\| `([a-z_.]+)` \| (.*?) \| (?:(live|restart) \| )?(.*) \|\s*$")


def main():
    keys_bin, page = sys.argv[1], sys.argv[2]
    flags = {}
    for line in subprocess.run([keys_bin], check=True, capture_output=True, text=True).stdout.splitlines():
        path, _kind, reload = line.split()
        flags[path] = reload
    out, in_table = [], False
    for line in open(page, encoding="utf-8").read().split("\n"):
        if line in (HEADER, HEADER_NEW):
            in_table = True
            out.append(HEADER_NEW)
            continue
        if in_table and re.match(r"^\|(-+\|)+$", line):
            out.append("|---|---|---|---|")
            continue
        if not line.startswith("|"):
            in_table = False
        m = ROW.match(line) if in_table else None
        if m and m.group(1) in flags:
            line = f"| `{m.group(1)}` | {m.group(2)} | {flags[m.group(1)]} | {m.group(4)} |"
        out.append(line)
    with open(page, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
