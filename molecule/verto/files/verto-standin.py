#!/usr/bin/env python3
"""Lab stand-in for a FreeSWITCH verto box (FreeSWITCH cannot run in the lab).

TCP: on the verto port, answers every connection with "<hostname> <peer ip>\n".
UDP: on every port of the box's RTP range, logs each datagram
("<port> <peer ip>:<peer port> <payload>") to LOG and echoes
"<hostname> <port> <payload>" back to the sender.
"""
import selectors
import socket
import sys

HOST = socket.gethostname()
address, tcp_port, rtp_start, rtp_end, log_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
sel = selectors.DefaultSelector()
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((address, tcp_port))
listener.listen(128)
sel.register(listener, selectors.EVENT_READ, "tcp")
for port in range(rtp_start, rtp_end + 1):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((address, port))
    sel.register(udp, selectors.EVENT_READ, port)
log = open(log_path, "a", buffering=1, encoding="utf-8")
while True:
    for key, dummy in sel.select():
        if key.data == "tcp":
            conn, peer = key.fileobj.accept()
            try:
                conn.sendall(f"{HOST} {peer[0]}\n".encode())
            except OSError:
                pass
            conn.close()
            log.write(f"tcp {tcp_port} {peer[0]}:{peer[1]}\n")
        else:
            data, peer = key.fileobj.recvfrom(2048)
            payload = data.decode(errors="replace").strip()
            log.write(f"udp {key.data} {peer[0]}:{peer[1]} {payload}\n")
            key.fileobj.sendto(f"{HOST} {key.data} {payload}".encode(), peer)
