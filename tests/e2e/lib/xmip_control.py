#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Ask a running xmipd something over its control socket (python3 stdlib only).

    xmip_control.py SOCKET CMD [--args JSON] [--get PATH] [--timeout S]

The protocol (agent/control/protocol.hpp): one JSON request on one line,
{"api": 1, "cmd": CMD, "args": {...}}; the agent answers one JSON object on
one line, {"api": 1, "ok": true, "result": ...}, and closes the connection.

Prints the result as JSON, or with --get only the value at a dotted PATH in
it ("0.care_of_address", "signalling.bu_received"; numbers index lists):
strings bare, anything else as JSON. A missing path prints nothing and exits
3. Exit 1 when the agent answers ok=false (its error on stderr), 2 when there
is no agent or no valid answer.
"""
import argparse
import json
import socket
import sys


def call(path, cmd, args, timeout):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall((json.dumps({"api": 1, "cmd": cmd, "args": args}) + "\n").encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if data.endswith(b"\n"):
                break
    finally:
        s.close()
    return json.loads(data.decode())


def walk(value, path):
    for part in path.split(".") if path else []:
        if isinstance(value, list):
            value = value[int(part)]
        else:
            value = value[part]
    return value


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("socket")
    ap.add_argument("cmd")
    ap.add_argument("--args", default="{}", help="JSON object")
    ap.add_argument("--get", help="dotted path into the result")
    ap.add_argument("--timeout", type=float, default=3.0)
    a = ap.parse_args()
    try:
        reply = call(a.socket, a.cmd, json.loads(a.args), a.timeout)
    except (OSError, ValueError) as e:
        print(f"xmip_control: no answer from {a.socket}: {e}", file=sys.stderr)
        return 2
    if not isinstance(reply, dict) or "ok" not in reply:
        print(f"xmip_control: malformed reply: {reply!r}", file=sys.stderr)
        return 2
    if not reply["ok"]:
        print(f"xmip_control: {json.dumps(reply.get('error'))}", file=sys.stderr)
        return 1
    result = reply.get("result")
    if a.get is None:
        print(json.dumps(result))
        return 0
    try:
        v = walk(result, a.get)
    except (KeyError, IndexError, ValueError, TypeError):
        return 3
    print(v if isinstance(v, str) else json.dumps(v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
