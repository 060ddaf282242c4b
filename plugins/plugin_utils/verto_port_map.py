# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verto partition: which public port on which VIP reaches which FreeSWITCH.

Every box of a tenant gets the public port ``verto_port_base + n`` on its
tenant's VIP (n: its position in the tenant's freeswitch_hosts, so appending
a box never moves the others), its local verto port
(``freeswitch_ha_verto_port``, default 8081) and its RTP range, which the LB
forwards unchanged (same ports) with DNAT. Public ports are unique per VIP.
"""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.ports import as_int
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import (
    DEFAULT_VERTO_PORT_BASE,
)

DEFAULT_LOCAL_VERTO_PORT = 8081


def verto_port_map(partitions, rtp_ranges, hosts=None):
    """Return {fs_host: {tenant, vip, public_port, address, local_port, rtp_start, rtp_end}}.

    Raises PlanError when a box has no RTP range, a port is out of 1-65535,
    or two boxes would share a public port on one VIP.
    """
    if not isinstance(partitions, dict):
        raise PlanError("partitions must be the mapping tenant_partitions returns")
    hosts = hosts or {}
    rtp_ranges = rtp_ranges or {}
    taken = {}
    plan = {}
    for tenant, part in partitions.items():
        vip = part.get("vip")
        base = as_int(part.get("verto_port_base") or DEFAULT_VERTO_PORT_BASE, f"tenant {tenant}: verto_port_base")
        for index, box in enumerate(part.get("freeswitch_hosts") or []):
            public = base + index
            if not 1 <= public <= 65535:
                raise PlanError(f"{box}: public verto port {public} (tenant {tenant}) is outside 1-65535")
            key = (str(vip), public)
            if key in taken:
                raise PlanError(
                    f"{box}: public verto port {public} on VIP {vip} is already {taken[key]}'s"
                )
            taken[key] = box
            if box not in rtp_ranges:
                raise PlanError(f"{box}: no RTP range planned")
            hostvars = hosts.get(box) or {}
            local = as_int(hostvars.get("freeswitch_ha_verto_port", DEFAULT_LOCAL_VERTO_PORT),
                           f"{box}: freeswitch_ha_verto_port")
            if not 1 <= local <= 65535:
                raise PlanError(f"{box}: freeswitch_ha_verto_port {local} is outside 1-65535")
            plan[box] = {
                "tenant": tenant,
                "vip": vip,
                "public_port": public,
                "address": hostvars.get("freeswitch_ha_address"),
                "local_port": local,
                "rtp_start": rtp_ranges[box]["start"],
                "rtp_end": rtp_ranges[box]["end"],
            }
    return plan
