#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Classify the Mobile Prefix Discovery messages of a capture during a
renumbering (agent_dhaad_e2e.sh D4). Reads tshark's fields, one frame a line,
'|'-separated: ipv6.src, ipv6.dst, icmpv6.type, icmpv6.mip6.identifier,
icmpv6.opt.prefix (','-joined), icmpv6.opt.prefix.preferred_lifetime.

    mpd_wire.py HA COA OLD NEW  (the prefix fields as tshark prints them: with
    the R flag, the prefix holding the home agent's address carries that address)

Prints: solicitations from COA to HA, advertisements answering one of them
(same identifier), unsolicited advertisements, and what was wrong ('-' if
nothing): a message between other addresses, or an advertisement that does
not give OLD preferred lifetime 0 and NEW a non-zero one."""
import sys


def main():
    ha, coa, old, new = sys.argv[1:5]
    solicited, answered, unsolicited, wrong = set(), 0, 0, []
    for line in sys.stdin:
        src, dst, kind, ident, prefixes, preferred = line.rstrip("\n").split("|")
        if kind == "146":
            if (src, dst) == (ha, coa)[::-1]:
                solicited.add(ident)
            else:
                wrong.append(f"MPS {src} -> {dst}")
            continue
        life = dict(zip(prefixes.split(","), preferred.split(",")))
        if (src, dst) != (ha, coa) or life.get(old) != "0" or life.get(new, "0") == "0":
            wrong.append(f"MPA {src} -> {dst} {life}")
        elif ident in solicited:
            answered += 1
        else:
            unsolicited += 1
    print(len(solicited), answered, unsolicited, "; ".join(wrong) or "-")


if __name__ == "__main__":
    main()
