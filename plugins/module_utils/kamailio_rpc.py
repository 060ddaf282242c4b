# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kamailio JSON-RPC over its unix datagram socket (jsonrpcs module), and the
parsing of ``dispatcher.list`` into plain data."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import socket
import tempfile


# The options every Kamailio module takes (documented in doc_fragments/kamailio_rpc.py).
RPC_ARGUMENT_SPEC = {
    "socket": {"type": "path", "default": "/run/kamailio/kamailio_rpc.sock"},
    "timeout": {"type": "float", "default": 5},
}


class KamailioRpcError(Exception):
    """The RPC could not be sent, timed out, or Kamailio answered an error."""


def rpc_call(socket_path, method, params=None, timeout=5.0):
    """Send one JSON-RPC request to Kamailio's datagram socket, return ``result``."""
    request = {"jsonrpc": "2.0", "method": method, "id": 1}
    if params:
        request["params"] = list(params)
    directory = tempfile.mkdtemp(prefix="fsha-rpc-")
    reply_path = os.path.join(directory, "reply.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.bind(reply_path)
        # Kamailio's workers run as the kamailio user: they must be able to answer.
        os.chmod(directory, 0o755)
        os.chmod(reply_path, 0o666)
        sock.settimeout(timeout)
        sock.sendto(json.dumps(request).encode("utf-8"), socket_path)
        data = sock.recv(1048576)
    except (OSError, socket.timeout) as exc:
        raise KamailioRpcError("%s on %s: %s" % (method, socket_path, exc))
    finally:
        sock.close()
        for path in (reply_path, directory):
            try:
                if path == directory:
                    os.rmdir(path)
                else:
                    os.unlink(path)
            except OSError:
                pass
    return parse_reply(method, data)


def parse_reply(method, data):
    """The ``result`` of a JSON-RPC reply, or KamailioRpcError."""
    try:
        reply = json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except ValueError as exc:
        raise KamailioRpcError("%s: the reply is not JSON (%s)" % (method, exc))
    if not isinstance(reply, dict):
        raise KamailioRpcError("%s: the reply is not a JSON-RPC object" % method)
    if "error" in reply:
        error = reply["error"] or {}
        raise KamailioRpcError("%s: Kamailio answered error %s: %s" % (method, error.get("code"), error.get("message")))
    return reply.get("result")


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _destination(dest):
    flags = str(dest.get("FLAGS") or "")
    attrs = dest.get("ATTRS") or {}
    latency = dest.get("LATENCY") or {}
    state = flags[:1]
    return {
        "uri": dest.get("URI"),
        "flags": flags,
        "active": state == "A",
        "inactive": state == "I",
        "disabled": state == "D",
        "probing": "P" in flags[1:],
        "priority": dest.get("PRIORITY"),
        "attrs": attrs.get("BODY") or "",
        "duid": attrs.get("DUID"),
        "weight": attrs.get("WEIGHT"),
        "rweight": attrs.get("RWEIGHT"),
        "maxload": attrs.get("MAXLOAD"),
        "load": (dest.get("RUNTIME") or {}).get("DLGLOAD"),
        "latency_avg_ms": latency.get("AVG"),
        "latency_timeouts": latency.get("TIMEOUT"),
    }


def parse_dispatcher_list(result):
    """``dispatcher.list``'s result as [{id, destinations: [...]}], sets and destinations sorted."""
    if not result:
        return []
    if not isinstance(result, dict):
        raise KamailioRpcError("dispatcher.list: unexpected result %r" % (result,))
    sets = []
    for record in _as_list(result.get("RECORDS")):
        body = (record or {}).get("SET") or {}
        destinations = []
        for target in _as_list(body.get("TARGETS")):
            dest = (target or {}).get("DEST")
            if isinstance(dest, dict):
                destinations.append(_destination(dest))
        destinations.sort(key=lambda d: str(d["uri"]))
        sets.append({"id": body.get("ID"), "destinations": destinations})
    sets.sort(key=lambda s: (s["id"] is None, s["id"]))
    return sets
