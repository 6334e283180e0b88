#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Prints the ids of the BPF programs on an interface's tcx hook, one a line.

Usage: tcx_progs.py DEV ingress|egress   (run inside DEV's network namespace)

tcx (kernel 6.6+) attachments are invisible to `tc filter show`, and the
bpftool of Debian 12 predates them: this asks the kernel (BPF_PROG_QUERY)
directly. A kernel without tcx has nothing there: prints nothing, exit 0.
"""
import ctypes
import errno
import os
import socket
import struct
import sys

BPF_PROG_QUERY = 16
ATTACH = {"ingress": 46, "egress": 47}  # BPF_TCX_INGRESS, BPF_TCX_EGRESS
SYS_BPF = {"x86_64": 321, "aarch64": 280}


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[2] not in ATTACH:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    ifindex = socket.if_nametoindex(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    ids = (ctypes.c_uint32 * 64)()
    attr = ctypes.create_string_buffer(128)
    # union bpf_attr, query: target_ifindex, attach_type, query_flags,
    # attach_flags, prog_ids (u64 pointer), prog_cnt.
    struct.pack_into("=IIIIQI", attr, 0, ifindex, ATTACH[sys.argv[2]], 0, 0, ctypes.addressof(ids), len(ids))
    if libc.syscall(SYS_BPF[os.uname().machine], BPF_PROG_QUERY, attr, len(attr)) != 0:
        err = ctypes.get_errno()
        if err == errno.EINVAL:
            return 0  # no tcx on this kernel
        print(f"tcx_progs.py: BPF_PROG_QUERY on {sys.argv[1]}: {os.strerror(err)}", file=sys.stderr)
        return 1
    count = struct.unpack_from("=I", attr, 24)[0]
    for i in range(min(count, len(ids))):
        print(ids[i])
    return 0


if __name__ == "__main__":
    sys.exit(main())
