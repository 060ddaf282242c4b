# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The nftables ruleset one load balancer applies for the verto partition.

From the plan's verto port map (verto_port_map) and tenants
(tenant_partitions), the LB named ``lb_host`` forwards, for every box of
every tenant whose ``lb_hosts`` include it:

- ``VIP:public_port/tcp`` to ``box:local_port`` (the box's verto listener);
- ``VIP:rtp_start-rtp_end/udp`` to the box, ports unchanged.

The rules live in ONE table of the collection's own (``ip freeswitch_ha_verto``
by default) and in two maps keyed by VIP and port, so a box is exactly one
element of each map: adding a box adds its two elements and changes no other
line. The file starts with ``table X`` + ``delete table X`` and then defines
the table (the role's template writes that text; this module decides what it
holds): ``nft -f`` applies the whole file as one transaction, so the table
is replaced atomically (never a moment with no rules) and no other table
(Docker's, the operator's own firewall) is touched.

Return path ``route``: the boxes send client traffic back through the LB pair
(their route to the client networks goes via the internal VIP), so clients see
the VIP; nothing else is needed here. ``snat``: connections DNATed to a box
from one of our VIPs are masqueraded to the LB's own address, so the boxes
need no route (but see the client's real address only in the signalling).
"""

from __future__ import annotations

import ipaddress

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import lb_tenants
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.ports import as_int

RETURN_PATHS = ("route", "snat")
DEFAULT_TABLE = "freeswitch_ha_verto"
DEFAULT_CONNTRACK_HEADROOM = 65536
_TABLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _ipv4(value, what):
    try:
        return ipaddress.IPv4Address(str(value).strip())
    except ValueError as exc:
        raise PlanError(f"{what} {value!r} is not an IPv4 address") from exc


def lb_boxes(verto, tenants, lb_host):
    """The boxes ``lb_host`` forwards for, in plan order, each with its name under ``box``.

    A box is forwarded by the LBs of its tenant (``lb_hosts``); the plan order
    (tenant order, then box order in the tenant) never changes when a box is
    appended, so neither does the order of the other boxes' rules.
    """
    if not isinstance(verto, dict) or not isinstance(tenants, dict):
        raise PlanError("verto and tenants must be the mappings farm_plan returns")
    served = lb_tenants(tenants, lb_host)
    result = []
    for box, entry in verto.items():
        if entry.get("tenant") not in served:
            continue
        vip = _ipv4(entry.get("vip"), f"{box}: tenant {entry.get('tenant')} VIP")
        address = _ipv4(entry.get("address"), f"{box}: freeswitch_ha_address")
        start = as_int(entry.get("rtp_start"), f"{box}: rtp_start")
        end = as_int(entry.get("rtp_end"), f"{box}: rtp_end")
        public = as_int(entry.get("public_port"), f"{box}: public_port")
        local = as_int(entry.get("local_port"), f"{box}: local_port")
        for port, what in ((public, "public_port"), (local, "local_port"), (start, "rtp_start"), (end, "rtp_end")):
            if not 1 <= port <= 65535:
                raise PlanError(f"{box}: {what} {port} is outside 1-65535")
        if start > end:
            raise PlanError(f"{box}: RTP range {start}-{end} ends before it starts")
        result.append({"box": str(box), "tenant": str(entry.get("tenant")), "vip": str(vip), "address": str(address),
                       "public_port": public, "local_port": local, "rtp_start": start, "rtp_end": end})
    _check_collisions(result)
    return result


def _check_collisions(boxes):
    tcp = {}
    rtp = {}
    for item in boxes:
        key = (item["vip"], item["public_port"])
        if key in tcp:
            raise PlanError(f"{item['box']}: public verto port {key[1]} on VIP {key[0]} is already {tcp[key]}'s")
        tcp[key] = item["box"]
        for (vip, start, end), other in rtp.items():
            if vip == item["vip"] and start <= item["rtp_end"] and item["rtp_start"] <= end:
                raise PlanError(f"{item['box']}: RTP range {item['rtp_start']}-{item['rtp_end']} on VIP {vip} "
                                f"overlaps {other}'s {start}-{end}")
        rtp[(item["vip"], item["rtp_start"], item["rtp_end"])] = item["box"]


def conntrack_required(boxes, headroom=DEFAULT_CONNTRACK_HEADROOM):
    """Connection-tracking entries the LB needs: one per forwarded RTP port, plus headroom.

    Each RTP or RTCP stream uses one port of a box's range and one conntrack
    entry on the LB; the headroom covers verto WebSockets and everything else
    the LB tracks.
    """
    headroom = as_int(headroom, "conntrack headroom")
    if headroom < 0:
        raise PlanError(f"conntrack headroom {headroom} is negative")
    return sum(item["rtp_end"] - item["rtp_start"] + 1 for item in boxes) + headroom


def verto_nft_rules(verto, tenants, lb_host, return_path="route", table=DEFAULT_TABLE,
                    conntrack_headroom=DEFAULT_CONNTRACK_HEADROOM):
    """Return what the verto ruleset of ``lb_host`` holds, for the role's template to write out.

    {lb_host, table, return_path, boxes, vips, conntrack_required}: the
    template (roles/verto_partition/templates/etc/freeswitch_ha/verto.nft.j2)
    turns it into one ``nft -f`` file that atomically replaces the table
    ``ip <table>`` and touches nothing else; every decision is taken here.
    """
    if return_path not in RETURN_PATHS:
        raise PlanError(f"return_path {return_path!r} is not one of {', '.join(RETURN_PATHS)}")
    if not isinstance(table, str) or not table or not set(table) <= _TABLE_CHARS or table[0].isdigit():
        raise PlanError(f"table {table!r} must be lower-case letters, digits and _ (not starting with a digit)")
    boxes = lb_boxes(verto, tenants, lb_host)
    vips = []
    for item in boxes:
        if item["vip"] not in vips:
            vips.append(item["vip"])
    return {
        "lb_host": str(lb_host),
        "table": table,
        "return_path": return_path,
        "boxes": boxes,
        "vips": vips,
        "conntrack_required": conntrack_required(boxes, conntrack_headroom),
    }
