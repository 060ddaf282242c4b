# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preflight checks of the SIP edge's own inventory knobs (Kamailio, rtpengine).

Tenants without FreeSWITCH boxes (an empty dispatcher set) and unknown
dispatcher algorithms are already reported by inventory_check; this module
checks the farm-wide ``freeswitch_ha_sip_*`` and ``freeswitch_ha_rtpengine_*``
variables that playbooks/edge.yml maps into the kamailio_dispatcher and
rtpengine roles. ``check(farm) -> [{host, variable, message}]``.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import ALL, SIP_PORTS, problem

REGISTRARS = ("freeswitch", "proxy")
NETWORK_LISTS = ("freeswitch_ha_sip_client_networks", "freeswitch_ha_sip_flood_exempt_networks")
ADDRESSES = ("freeswitch_ha_sip_advertise", "freeswitch_ha_rtpengine_advertise")
# variable: (minimum, maximum, what)
INTEGERS = {
    "freeswitch_ha_sip_probe_interval": (1, 3600, "seconds between OPTIONS probes"),
    "freeswitch_ha_sip_failover_timer_ms": (100, 30000, "milliseconds before a silent box is left"),
    "freeswitch_ha_sip_pike_density": (1, 1000000, "requests per pike window and source"),
    "freeswitch_ha_rtpengine_ng_port": (1, 65535, "UDP port of rtpengine's ng control"),
}


def _problem(variable, message):
    return problem(ALL, variable, message)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_networks(farm_vars):
    problems = []
    for var in NETWORK_LISTS:
        if var not in farm_vars:
            continue
        value = farm_vars[var]
        if isinstance(value, str) or not isinstance(value, list):
            problems.append(_problem(var, "must be a list of IPv4 networks in CIDR notation (e.g. [192.0.2.0/24])"))
            continue
        if var == "freeswitch_ha_sip_client_networks" and not value:
            problems.append(_problem(var, "is empty: the proxy would refuse every client"))
        for item in value:
            try:
                ipaddress.IPv4Network(str(item), strict=True)
            except ValueError:
                problems.append(_problem(var, f"{item!r} is not an IPv4 network in CIDR notation (host bits must be 0)"))
    return problems


def _check_scalars(farm_vars):
    problems = []
    registrar = farm_vars.get("freeswitch_ha_sip_registrar")
    if registrar is not None and registrar not in REGISTRARS:
        problems.append(_problem("freeswitch_ha_sip_registrar", f"{registrar!r} is not one of {', '.join(REGISTRARS)}"))
    for var in ADDRESSES:
        value = farm_vars.get(var)
        if value in (None, ""):
            continue
        try:
            ipaddress.IPv4Address(str(value))
        except ValueError:
            problems.append(_problem(var, f"{value!r} is not an IPv4 address"))
    for var, (low, high, what) in INTEGERS.items():
        if var not in farm_vars:
            continue
        value = farm_vars[var]
        if not _is_int(value) or not low <= value <= high:
            problems.append(_problem(var, f"{value!r} must be an integer from {low} to {high} ({what})"))
    port = farm_vars.get("freeswitch_ha_rtpengine_ng_port")
    if _is_int(port) and port in SIP_PORTS:
        problems.append(_problem("freeswitch_ha_rtpengine_ng_port", f"{port} is Kamailio's SIP port on the same address"))
    kernel = farm_vars.get("freeswitch_ha_rtpengine_kernel")
    if kernel is not None and not isinstance(kernel, bool):
        problems.append(_problem("freeswitch_ha_rtpengine_kernel", f"{kernel!r} must be true or false"))
    return problems


def check(farm):
    """Every problem of the SIP edge's farm-wide variables."""
    if not isinstance(farm, dict):
        return []
    farm_vars = farm.get("vars") or {}
    return _check_networks(farm_vars) + _check_scalars(farm_vars)
