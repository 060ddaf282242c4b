# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a whole inventory picture and return EVERY problem at once.

``inventory_problems(farm)`` never stops at the first problem and never raises on
bad data: it returns a list of ``{host, variable, message}``. ``host`` is the
inventory host the variable belongs to; for farm-wide variables
(group_vars/all) it is ``all``; for group membership it is the group's name
with the variable ``members``. Secret values are never quoted in a message.
See tenant_partitions for the shape of ``farm``.
"""

from __future__ import annotations

import re

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import checks_database
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import checks_edge_sip
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import checks_edge_vrrp
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import checks_freeswitch
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import checks_storage
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import checks_verto
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import farm_settings
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import sip_users, xml_files
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import (
    ALL,
    SIP_PORTS,
    Problems,
    as_list,
    every_host,
    farm_network,
    members,
    network_setting,
    storage_servers,
    tenant_where,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.ports import (
    PORT_MAX,
    PORT_MIN,
    as_ip,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.rtp_port_ranges import farm_rtp_problems
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.secrets import is_example_secret
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import (
    ALGORITHMS,
    DEFAULT_VERTO_PORT_BASE,
    TENANT_KEYS,
    tenant_definitions,
)

# Checks of each tier's own variables: pure functions in checks_<tier>.py,
# ``check(farm) -> [{host, variable, message}]``, listed here once.
TIER_CHECKS = (
    checks_database.check,
    checks_storage.check,
    checks_freeswitch.check,
    checks_edge_sip.check,
    checks_edge_vrrp.check,
    checks_verto.check,
    sip_users.check,
    xml_files.check,
)

SECRETS = ("freeswitch_ha_db_password", "freeswitch_ha_replication_password", "freeswitch_ha_esl_password")
CAPACITY_VARS = ("freeswitch_ha_weight", "freeswitch_ha_max_sessions", "freeswitch_ha_cores")
SWITCHNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def _positive_int(value):
    return not isinstance(value, bool) and isinstance(value, int) and value > 0


def _network(farm_vars, problems):
    var, value = network_setting(farm_vars)
    network = farm_network(farm_vars)
    if value is not None and network is None:
        problems.add(ALL, var, f"{value!r} is not a network in CIDR notation (e.g. 10.0.0.0/24)")
    return network


def _check_address(problems, host, variable, value, network, what="address"):
    try:
        address = as_ip(value, what)
    except PlanError:
        problems.add(host, variable, f"{value!r} is not a valid IP address")
        return None
    if network is not None and address not in network:
        problems.add(host, variable, f"{what} {address} lies outside the farm network {network}")
    return address


def _check_secrets(farm_vars, problems):
    for var in SECRETS:
        if var not in farm_vars or farm_vars[var] is None:
            problems.add(ALL, var, "secret is missing: set it in a vault file (see inventories/example)")
        elif not isinstance(farm_vars[var], str):
            problems.add(ALL, var, "secret must be a string")
        elif is_example_secret(farm_vars[var]):
            problems.add(ALL, var, "secret is still an example value: replace it with a real secret")


def _check_groups(groups, problems):
    for group, minimum, why in (
        ("loadbalancers", 2, "a keepalived pair needs two load balancers"),
        ("freeswitch", 1, "the farm needs at least one FreeSWITCH"),
        ("databases", 2, "multi-master PostgreSQL needs two database nodes"),
    ):
        hosts = members(groups, group)
        if len(hosts) < minimum:
            problems.add(group, "members", f"group has {len(hosts)} host(s): {why}")
    storage = storage_servers(groups)
    if len(storage) < 2 and len(members(groups, "databases")) >= 2:
        problems.add("storage", "members", f"group has {len(storage)} host(s): a replicated volume needs two")


def _check_hosts(hosts, groups, network, problems):
    by_address = {}
    for host in every_host(groups):
        hostvars = hosts.get(host) or {}
        value = hostvars.get("freeswitch_ha_address")
        if value in (None, ""):
            problems.add(host, "freeswitch_ha_address", "is required (the host's address on the farm network)")
            continue
        address = _check_address(problems, host, "freeswitch_ha_address", value, network)
        if address is None:
            continue
        if address in by_address:
            problems.add(host, "freeswitch_ha_address", f"{address} is already {by_address[address]}'s address")
        else:
            by_address[address] = host
    return by_address


def _check_freeswitch(hosts, boxes, problems):
    switchnames = {}
    for box in boxes:
        hostvars = hosts.get(box) or {}
        for var in CAPACITY_VARS:
            if var in hostvars and hostvars[var] is not None and not _positive_int(hostvars[var]):
                problems.add(box, var, f"{hostvars[var]!r} must be an integer greater than 0")
        name = hostvars.get("freeswitch_ha_switchname", box)
        if not isinstance(name, str) or not SWITCHNAME_RE.match(name):
            problems.add(box, "freeswitch_ha_switchname", f"{name!r} is not a valid switchname (letters, digits, . _ -)")
        elif name.lower() in switchnames:
            problems.add(box, "freeswitch_ha_switchname",
                         f"switchname {name!r} is already {switchnames[name.lower()]}'s: FreeSWITCH rows are keyed by it")
        else:
            switchnames[name.lower()] = box
        if "freeswitch_ha_verto_port" in hostvars:
            port = hostvars["freeswitch_ha_verto_port"]
            if not _positive_int(port) or port > 65535:
                problems.add(box, "freeswitch_ha_verto_port", f"{port!r} is not a TCP port (1-65535)")


def _check_tenants(farm, hosts, groups, network, addresses, problems):
    """Return [(name, settings, host, prefix, vip)] of the tenants that were read."""
    try:
        definitions = tenant_definitions(farm)
    except PlanError as exc:
        problems.add(ALL, "freeswitch_ha_tenants", str(exc))
        return []
    if not definitions:
        problems.add(ALL, "freeswitch_ha_tenants", "no tenant is defined (the variable or tenant_<name> groups)")
        return []
    freeswitch = members(groups, "freeswitch")
    balancers = set(members(groups, "loadbalancers"))
    owner = {}
    domains = {}
    set_ids = {}
    read = []
    for name, settings, source in definitions:
        host, prefix = tenant_where(name, source)
        for key in settings:
            if key not in TENANT_KEYS:
                problems.add(host, prefix + str(key), f"unknown tenant setting (known: {', '.join(TENANT_KEYS)})")
        boxes = as_list(settings.get("freeswitch_hosts"))
        if not boxes:
            problems.add(host, prefix + "freeswitch_hosts", f"tenant {name} has no FreeSWITCH host")
            boxes = []
        for box in boxes:
            if box not in freeswitch:
                problems.add(host, prefix + "freeswitch_hosts", f"{box!r} is not in the freeswitch group")
            elif box in owner:
                problems.add(box, prefix + "freeswitch_hosts",
                             f"FreeSWITCH in two tenants: {owner[box]} and {name}")
            else:
                owner[box] = name
        lbs = as_list(settings.get("lb_hosts")) or []
        unknown = [lb for lb in lbs if lb not in balancers]
        for lb in unknown:
            problems.add(host, prefix + "lb_hosts", f"{lb!r} is not in the loadbalancers group")
        if len(set(lbs)) < 2:
            problems.add(host, prefix + "lb_hosts", f"tenant {name} has no LB pair (needs two load balancers)")
        sip = as_list(settings.get("sip_domains"))
        if not sip:
            problems.add(host, prefix + "sip_domains", f"tenant {name} has no SIP domain")
            sip = []
        for domain in sip:
            if not isinstance(domain, str) or not DOMAIN_RE.match(domain):
                problems.add(host, prefix + "sip_domains", f"{domain!r} is not a valid domain name")
            elif domain.lower() in domains:
                problems.add(host, prefix + "sip_domains",
                             f"SIP domain {domain} is already tenant {domains[domain.lower()]}'s")
            else:
                domains[domain.lower()] = name
        vip = None
        if settings.get("vip") in (None, ""):
            problems.add(host, prefix + "vip", f"tenant {name} has no VIP")
        else:
            vip = _check_address(problems, host, prefix + "vip", settings["vip"], network, "VIP")
            if vip is not None and vip in addresses:
                problems.add(host, prefix + "vip", f"VIP {vip} is already {addresses[vip]}'s host address")
        algorithm = settings.get("dispatcher_algorithm", "round_robin")
        if not isinstance(algorithm, str) or algorithm not in ALGORITHMS:
            problems.add(host, prefix + "dispatcher_algorithm",
                         f"unknown algorithm {algorithm!r} (one of {', '.join(ALGORITHMS)})")
        if "dispatcher_set" in settings:
            set_id = settings["dispatcher_set"]
            if not _positive_int(set_id):
                problems.add(host, prefix + "dispatcher_set", f"{set_id!r} must be an integer greater than 0")
            elif set_id in set_ids:
                problems.add(host, prefix + "dispatcher_set", f"set {set_id} is already tenant {set_ids[set_id]}'s")
            else:
                set_ids[set_id] = name
        base = settings.get("verto_port_base", DEFAULT_VERTO_PORT_BASE)
        if not _positive_int(base) or not PORT_MIN <= base <= PORT_MAX - len(boxes) + 1:
            problems.add(host, prefix + "verto_port_base",
                         f"{base!r} must be a port such that base..base+{max(len(boxes) - 1, 0)} lies within {PORT_MIN}-{PORT_MAX}")
            base = None
        _check_capacity(name, algorithm, boxes, hosts, problems)
        read.append((name, settings, host, prefix, vip, boxes, base))
    for box in freeswitch:
        if box not in owner:
            problems.add(box, "freeswitch_ha_tenants", "FreeSWITCH belongs to no tenant: it would receive no calls")
    return read


def _check_capacity(name, algorithm, boxes, hosts, problems):
    kinds = {}
    for box in boxes:
        hostvars = hosts.get(box) or {}
        kind = next((var for var in CAPACITY_VARS if hostvars.get(var) is not None), None)
        kinds.setdefault(kind, box)
        if algorithm == "call_load" and hostvars.get("freeswitch_ha_max_sessions") is None:
            problems.add(box, "freeswitch_ha_max_sessions",
                         f"tenant {name} uses call_load: every box needs its max sessions (Kamailio maxload)")
    if len(kinds) > 1:
        listing = ", ".join(f"{box} by {kind or 'nothing'}" for kind, box in kinds.items())
        last = list(kinds.items())[-1]
        problems.add(last[1], last[0] or "freeswitch_ha_max_sessions",
                     f"tenant {name} mixes capacity declarations ({listing}): use one kind for all its boxes")
    if algorithm == "weighted" and len(boxes) > 100:
        problems.add(ALL, "freeswitch_ha_tenants", f"tenant {name}: the weighted algorithm takes at most 100 boxes")


def _check_vrrp(farm_vars, tenants, network, problems):
    instances = []
    internal = farm_vars.get("freeswitch_ha_internal_vip")
    if internal not in (None, ""):
        vip = _check_address(problems, ALL, "freeswitch_ha_internal_vip", internal, network, "VIP")
        instances.append((vip, farm_vars.get("freeswitch_ha_internal_vrrp_router_id"),
                          ALL, "freeswitch_ha_internal_vrrp_router_id", "the internal VIP"))
    elif tenants:
        problems.add(ALL, "freeswitch_ha_internal_vip", "is required (the FreeSWITCH return path through the LB pair)")
    for name, settings, host, prefix, vip, dummy, dummy in tenants:
        instances.append((vip, settings.get("vrrp_router_id"), host, prefix + "vrrp_router_id", f"tenant {name}"))
    by_id = {}
    by_vip = {}
    for vip, router_id, host, variable, who in instances:
        if router_id is None:
            problems.add(host, variable, f"{who} needs a VRRP router id (1-255)")
            continue
        if not _positive_int(router_id) or router_id > 255:
            problems.add(host, variable, f"{router_id!r} is not a VRRP router id (1-255)")
            continue
        if router_id in by_id and by_id[router_id][0] != vip:
            problems.add(host, variable,
                         f"VRRP router id {router_id} is already used by {by_id[router_id][1]} on the same network")
        by_id.setdefault(router_id, (vip, who))
        if vip is not None:
            if vip in by_vip and by_vip[vip][0] != router_id:
                problems.add(host, variable,
                             f"VIP {vip} is already managed with router id {by_vip[vip][0]} by {by_vip[vip][1]}")
            by_vip.setdefault(vip, (router_id, who))
    if internal not in (None, ""):
        for name, dummy, host, prefix, vip, dummy, dummy in tenants:
            if vip is not None and str(vip) == str(internal).strip():
                problems.add(host, prefix + "vip", f"tenant {name}'s VIP is the internal VIP")


def _check_verto(tenants, problems):
    taken = {}
    for name, dummy, host, prefix, vip, boxes, base in tenants:
        if base is None:
            continue
        for index, box in enumerate(boxes):
            port = base + index
            if port in SIP_PORTS:
                problems.add(box, prefix + "verto_port_base",
                             f"public verto port {port} on VIP {vip} is the SIP port of the VIP")
            key = (str(vip), port)
            if key in taken and taken[key][0] != box:
                problems.add(box, prefix + "verto_port_base",
                             f"public verto port {port} on VIP {vip} is already {taken[key][0]}'s (tenant {taken[key][1]})")
            else:
                taken.setdefault(key, (box, name))


def inventory_problems(farm, lines=False):
    """Return every problem of the inventory picture as [{host, variable, message}] (``lines``: as text lines)."""
    if lines:
        return format_problems(inventory_problems(farm))
    problems = Problems()
    if not isinstance(farm, dict):
        problems.add(ALL, "inventory", "the inventory picture must be a mapping with hosts, groups and vars")
        return list(problems)
    hosts = farm.get("hosts") or {}
    groups = farm.get("groups") or {}
    farm_vars = farm.get("vars") or {}
    # unknown names first: they explain why a default applied where the operator meant a value
    problems.extend(farm_settings.check(farm))
    network = _network(farm_vars, problems)
    _check_secrets(farm_vars, problems)
    _check_groups(groups, problems)
    addresses = _check_hosts(hosts, groups, network, problems)
    boxes = members(groups, "freeswitch")
    _check_freeswitch(hosts, boxes, problems)
    problems.extend(farm_rtp_problems(farm))
    tenants = _check_tenants(farm, hosts, groups, network, addresses, problems)
    _check_vrrp(farm_vars, tenants, network, problems)
    _check_verto(tenants, problems)
    for tier_check in TIER_CHECKS:
        problems.extend(tier_check(farm))
    return list(problems)


def format_problems(problems):
    """One line per problem: "host: variable: message"."""
    return [f"{p['host']}: {p['variable']}: {p['message']}" for p in problems]
