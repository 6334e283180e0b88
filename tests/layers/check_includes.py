#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The include graph of xmip's userspace libraries against the allowed layering.

The layering is written once, in docs/architecture.md, as a fenced block
tagged `layers`: one line per library, `name: what it may include`. Every
`#include "<lib>/..."` of a file in agent/<lib>/ or cli/ must name the
library itself or one it may include; "xmip_shared.h" counts as `shared`
(bpf/xmip_shared.h). The allowed graph itself must be acyclic, and every
library folder must have a line: a new library states its place.

  check_includes.py <source root>          check the tree (exit 1 on a violation)
  check_includes.py --self-test             the check finds an upward include,
                                           a cycle and a library without a line
"""
import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.M)


def read_layers(doc_path):
    text = open(doc_path, encoding="utf-8").read()
    m = re.search(r"^```layers\n(.*?)^```", text, re.M | re.S)
    if not m:
        raise SystemExit(f"{doc_path}: no ```layers block")
    layers = {}
    for line in m.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, deps = line.partition(":")
        layers[name.strip()] = set(deps.split())
    return layers


def cycle(layers):
    """A cycle of the allowed graph as a list of names, or None."""
    state = {}

    def visit(n, path):
        state[n] = "open"
        for d in sorted(layers.get(n, ())):
            if state.get(d) == "open":
                return path + [n, d]
            if d not in state:
                c = visit(d, path + [n])
                if c:
                    return c
        state[n] = "done"
        return None

    for n in sorted(layers):
        if n not in state:
            c = visit(n, [])
            if c:
                return c[c.index(c[-1]):]
    return None


def library_dirs(root):
    """(library name, folder) for agent/<lib>/ and cli/."""
    out = []
    agent = os.path.join(root, "agent")
    for name in sorted(os.listdir(agent)):
        if os.path.isdir(os.path.join(agent, name)):
            out.append((name, os.path.join(agent, name)))
    if os.path.isdir(os.path.join(root, "cli")):
        out.append(("cli", os.path.join(root, "cli")))
    return out


def check(root, doc_path):
    layers = read_layers(doc_path)
    errors = []
    c = cycle(layers)
    if c:
        errors.append("the allowed layering has a cycle: " + " -> ".join(c))
    for name, deps in layers.items():
        for d in deps - set(layers) - {"shared"}:
            errors.append(f"layers: {name} may include '{d}', which has no line")
    libs = library_dirs(root)
    known = {n for n, _ in libs}
    for name, folder in libs:
        if name not in layers:
            errors.append(f"{folder}: library '{name}' has no line in the layers block of {doc_path}")
            continue
        for dirpath, _, files in os.walk(folder):
            for f in sorted(files):
                if not f.endswith((".hpp", ".cpp", ".h")):
                    continue
                path = os.path.join(dirpath, f)
                text = open(path, encoding="utf-8").read()
                for m in INCLUDE.finditer(text):
                    inc = m.group(1)
                    if inc == "xmip_shared.h":
                        target = "shared"
                    elif "/" in inc and inc.split("/", 1)[0] in known:
                        target = inc.split("/", 1)[0]
                    else:
                        continue  # system and third-party headers
                    if target != name and target not in layers[name]:
                        line = text.count("\n", 0, m.start()) + 1
                        errors.append(f"{os.path.relpath(path, root)}:{line}: {name} includes \"{inc}\", "
                                      f"but may include only: {' '.join(sorted(layers[name])) or '(nothing)'}")
    return errors


def self_test():
    ok = True
    with tempfile.TemporaryDirectory() as t:
        def write(rel, text):
            p = os.path.join(t, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w").write(text)

        doc = os.path.join(t, "layers.md")
        write("agent/core/a.hpp", '#include <vector>\n')
        write("agent/mh/b.hpp", '#include "core/a.hpp"\n#include "xmip_shared.h"\n')
        write("layers.md", "```layers\ncore:\nmh: core shared\n```\n")
        if check(t, doc):
            print("self-test: a clean tree was refused:", check(t, doc)); ok = False
        write("agent/core/a.hpp", '#include "mh/b.hpp"\n')
        if not any("core includes \"mh/b.hpp\"" in e for e in check(t, doc)):
            print("self-test: an upward include was not found"); ok = False
        write("layers.md", "```layers\ncore: mh\nmh: core shared\n```\n")
        if not any("cycle" in e for e in check(t, doc)):
            print("self-test: a cycle was not found"); ok = False
        write("layers.md", "```layers\ncore:\nmh: core shared\n```\n")
        write("agent/core/a.hpp", '#include <vector>\n')
        write("agent/fresh/c.hpp", '#include "core/a.hpp"\n')
        if not any("'fresh' has no line" in e for e in check(t, doc)):
            print("self-test: a library without a line was not found"); ok = False
    print("self-test", "passed" if ok else "FAILED")
    return 0 if ok else 1


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    root = sys.argv[1]
    errors = check(root, os.path.join(root, "docs", "architecture.md"))
    for e in errors:
        print(e)
    if not errors:
        print("include graph: every include follows docs/architecture.md's layers")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
