# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preflight checks of the verto tier (registered in inventory_check.TIER_CHECKS).

The checks every tier shares already live in inventory_check: two boxes with
one public verto port on one VIP, an RTP range colliding with rtpengine's
range, a tenant without an LB pair. This module adds what only the verto tier
knows:

- ``freeswitch_ha_verto_return_path`` is ``route`` or ``snat``;
- ``freeswitch_ha_verto_client_networks`` are IPv4 networks, none of them the
  farm network or inside it (the boxes would send farm traffic to the LB);
- ``freeswitch_ha_verto_conntrack_sync`` is a boolean;
- no box's RTP range holds a SIP port (5060/5061): the LB forwards the whole
  range on the tenant VIP, which would take SIP away from Kamailio;
- one VIP is not claimed by tenants with different LB pairs (only one pair can
  hold it, so the other pair's boxes would never be reached).
"""

from __future__ import annotations

import ipaddress

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import (
    ALL,
    SIP_PORTS,
    farm_network,
    tenant_where,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import problem as _problem
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.rtp_port_ranges import farm_rtp_ranges
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import tenant_definitions

RETURN_PATHS = ("route", "snat")
DEFAULT_RETURN_PATH = "route"
DEFAULT_CLIENT_NETWORKS = ["0.0.0.0/0"]


def _check_settings(farm_vars):
    problems = []
    path = farm_vars.get("freeswitch_ha_verto_return_path", DEFAULT_RETURN_PATH)
    if path not in RETURN_PATHS:
        problems.append(_problem(ALL, "freeswitch_ha_verto_return_path",
                                 f"{path!r} is not one of {', '.join(RETURN_PATHS)}"))
    sync = farm_vars.get("freeswitch_ha_verto_conntrack_sync", False)
    if not isinstance(sync, bool):
        problems.append(_problem(ALL, "freeswitch_ha_verto_conntrack_sync", f"{sync!r} must be true or false"))
    networks = farm_vars.get("freeswitch_ha_verto_client_networks")
    if networks is None:
        return problems
    if isinstance(networks, str) or not isinstance(networks, list) or not networks:
        problems.append(_problem(ALL, "freeswitch_ha_verto_client_networks",
                                 "must be a non-empty list of networks in CIDR notation (e.g. [0.0.0.0/0])"))
        return problems
    farm = farm_network(farm_vars)  # inventory_check reports a malformed one
    for value in networks:
        try:
            network = ipaddress.IPv4Network(str(value), strict=True)
        except ValueError:
            problems.append(_problem(ALL, "freeswitch_ha_verto_client_networks",
                                     f"{value!r} is not an IPv4 network in CIDR notation"))
            continue
        if farm is not None and farm.version == 4 and network.prefixlen >= farm.prefixlen and network.overlaps(farm):
            problems.append(_problem(ALL, "freeswitch_ha_verto_client_networks",
                                     f"{network} is (inside) the farm network {farm}: the boxes would send "
                                     "farm traffic through the load balancers"))
    return problems


def _check_rtp_sip(farm):
    hosts = farm.get("hosts") or {}
    try:
        ranges = farm_rtp_ranges(farm)
    except (PlanError, TypeError, ValueError):
        return []  # inventory_check reports bad ranges and pools
    problems = []
    for box, span in ranges.items():
        for port in SIP_PORTS:
            if span["start"] <= port <= span["end"]:
                variable = ("freeswitch_ha_rtp_range" if (hosts.get(box) or {}).get("freeswitch_ha_rtp_range")
                            is not None else "freeswitch_ha_rtp_pool")
                problems.append(_problem(box, variable,
                                         f"RTP range {span['start']}-{span['end']} holds the SIP port {port}: the load "
                                         "balancers forward the whole range on the tenant VIP"))
                break
    return problems


def _check_vip_pairs(farm):
    try:
        definitions = tenant_definitions(farm)
    except PlanError:
        return []
    problems = []
    owners = {}
    for name, settings, source in definitions:
        vip = settings.get("vip")
        lbs = settings.get("lb_hosts")
        if vip in (None, "") or not isinstance(lbs, (list, str)):
            continue
        pair = tuple(sorted({lbs} if isinstance(lbs, str) else {str(lb) for lb in lbs}))
        key = str(vip).strip()
        if key in owners and owners[key][1] != pair:
            other, other_pair = owners[key]
            host, prefix = tenant_where(name, source)
            problems.append(_problem(host, prefix + "lb_hosts",
                                     f"VIP {key} of tenant {name} is held by tenant {other}'s LB pair "
                                     f"{', '.join(other_pair)}, not by {', '.join(pair) or 'no LB'}"))
        owners.setdefault(key, (name, pair))
    return problems


def check(farm):
    """Return the verto tier's problems as [{host, variable, message}]; never raises on bad data."""
    if not isinstance(farm, dict):
        return []
    farm_vars = farm.get("vars") or {}
    if not isinstance(farm_vars, dict):
        return []
    return _check_settings(farm_vars) + _check_rtp_sip(farm) + _check_vip_pairs(farm)
