#!/usr/bin/env python3
"""Lab verto client: reach the boxes through a VIP from the client's public address.

  verto-probe tcp SRC VIP PORT            -> prints the box's banner ("<box> <peer ip>")
  verto-probe udp SRC VIP PORT TOKEN      -> prints the box's echo ("<box> <port> <token>"),
                                             which must come from VIP:PORT (through the LB)
  verto-probe watch SRC SECONDS INTERVAL KIND:VIP:PORT ...
      one thread per target; each attempt is a JSON line {t, target, ok, who, error}.
      tcp targets open a new connection each time (a reconnecting verto
      client); udp targets keep one socket (one RTP stream, fixed ports).
"""
import json
import socket
import sys
import threading
import time

TIMEOUT = 0.1


def tcp_once(src, vip, port, timeout=2.0):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.bind((src, 0))
        sock.connect((vip, port))
        return sock.makefile().readline().strip()


def udp_once(src, vip, port, token, timeout=2.0, sock=None):
    own = sock is None
    if own:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((src, 0))
    try:
        sock.settimeout(timeout)
        sock.sendto(token.encode(), (vip, port))
        deadline = time.monotonic() + timeout
        while True:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            data, peer = sock.recvfrom(2048)
            data = data.decode()
            if not data.endswith(" " + token):
                continue
            # The echo must come back from the VIP and port it was sent to (the
            # LB un-NATed it); a reply straight from the box is a broken return path.
            if peer != (vip, port):
                raise OSError(f"echo {data!r} came from {peer[0]}:{peer[1]}, not from {vip}:{port}")
            return data
    finally:
        if own:
            sock.close()


def watch(src, seconds, interval, targets):
    lock = threading.Lock()
    end = time.time() + seconds

    def run(target):
        kind, vip, port = target.split(":")
        port = int(port)
        sock = None
        if kind == "udp":
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind((src, 0))
        seq = 0
        while time.time() < end:
            started = time.time()
            seq += 1
            try:
                if kind == "tcp":
                    who = tcp_once(src, vip, port, TIMEOUT)
                else:
                    who = udp_once(src, vip, port, f"w{port}-{seq}", TIMEOUT, sock)
                ok = True
                error = None
            except OSError as exc:
                who, ok, error = None, False, str(exc)
            with lock:
                print(json.dumps({"t": started, "target": target, "ok": ok, "who": who, "error": error}), flush=True)
            time.sleep(max(interval - (time.time() - started), 0))

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main(argv):
    if argv[0] == "tcp":
        print(tcp_once(argv[1], argv[2], int(argv[3])))
    elif argv[0] == "udp":
        print(udp_once(argv[1], argv[2], int(argv[3]), argv[4]))
    elif argv[0] == "watch":
        watch(argv[1], float(argv[2]), float(argv[3]), argv[4:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
