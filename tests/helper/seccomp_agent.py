#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A seccomp agent for tests/integration/test_notify_agent.sh.

    seccomp_agent.py SOCKET STATE_OUT ERRNO

Listens on SOCKET for one runtime connection, writes the container process
state it sends to STATE_OUT (with "listener": the target of the descriptor it
got), then answers every notification on that listener with -ERRNO until the
container's processes are gone.
"""
import array
import fcntl
import json
import os
import socket
import struct
import sys

NOTIF_RECV = 0xC0502100  # _IOWR('!', 0, struct seccomp_notif), 80 bytes
NOTIF_SEND = 0xC0182101  # _IOWR('!', 1, struct seccomp_notif_resp), 24 bytes


def main():
    path, out, errno_ = sys.argv[1], sys.argv[2], int(sys.argv[3])
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    open(path + ".ready", "w").close()
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_LEN(4 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    state = json.loads(msg.decode())
    state["listener"] = os.readlink("/proc/self/fd/%d" % fds[0]) if fds else None
    with open(out, "w") as f:
        json.dump(state, f)
    if not fds:
        return
    while True:
        req = bytearray(80)
        try:
            fcntl.ioctl(fds[0], NOTIF_RECV, req)
        except OSError:
            return  # every process of the filter is gone
        notif_id = struct.unpack_from("Q", req, 0)[0]
        resp = bytearray(struct.pack("QqiI", notif_id, 0, -errno_, 0))
        try:
            fcntl.ioctl(fds[0], NOTIF_SEND, resp)
        except OSError:
            pass


main()
