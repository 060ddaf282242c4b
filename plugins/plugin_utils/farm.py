# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The farm's shared lookups, one definition each.

The preflight (inventory_check and the checks_<tier> modules), the plan
(farm_plan, services) and, through the plan, the playbooks and roles all ask
the same questions of the inventory picture (see tenant_partitions for its
shape): which hosts are the storage servers, which hosts the database lets
in, which tenants a load balancer serves, what the farm network is. Each
answer is written here once, so two copies cannot drift apart (the storage
rule already had: the preflight refused an empty storage group that the
storage playbook replaced with the database hosts).

Pure functions: they never raise on bad data (a missing group is empty, a
malformed network is None); the checks report what is wrong.
"""

from __future__ import annotations

import ipaddress

ALL = "all"
# The farm network: freeswitch_ha_network, or the lab's network in the lab.
NETWORK_VARS = ("freeswitch_ha_network", "freeswitch_ha_lab_subnet")
# Kamailio's SIP ports on the load balancers (plain and TLS): nothing else may use them on a VIP.
SIP_PORTS = (5060, 5061)
# The hosts that run HAProxy in front of the database (freeswitch_ha_db_haproxy_group).
DEFAULT_HAPROXY_GROUP = "freeswitch"
LOOPBACK = "127.0.0.1"


def problem(host, variable, message):
    """One preflight problem: {host, variable, message} (``host`` is ``all`` for farm-wide variables)."""
    return {"host": str(host), "variable": str(variable), "message": str(message)}


class Problems(list):
    """A list of problems with ``add(host, variable, message)``."""

    def add(self, host, variable, message):
        self.append(problem(host, variable, message))


def entry_list_problems(entries, variable, host, keys, entry_problems):
    """[{host, variable, message}] of a list setting whose entries are mappings of ``keys``.

    ``entry_problems(index, entry, where)`` returns the problems of one
    mapping (``where`` is ``variable[index]``); a value that is no list, an
    entry that is no mapping and unknown keys are named here. Unset: none.
    """
    if entries is None:
        return []
    known = ", ".join(keys)
    if not isinstance(entries, list):
        return [problem(host, variable, f"is not a list of {{{known}}} entries")]
    shape = " and ".join([", ".join(keys[:-1]), keys[-1]]) if len(keys) > 1 else known
    found = []
    for index, entry in enumerate(entries):
        where = f"{variable}[{index}]"
        if not isinstance(entry, dict):
            found.append(problem(host, where, f"is not a mapping of {shape}"))
            continue
        unknown = sorted(str(key) for key in entry if key not in keys)
        if unknown:
            found.append(problem(host, where, f"unknown keys {', '.join(unknown)} (known: {known})"))
        found.extend(dict(p, host=str(host)) for p in entry_problems(index, entry, where))
    return found


def as_list(value):
    """A list setting as a list: one string is a one-item list, unset an empty list; None when it is no list.

    The preflight names a None (a mapping or a number where a list belongs);
    the plan, which only sees checked inventories, reads it as empty.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def members(groups, group):
    """The hosts of ``group`` (an empty list when the group is missing or empty)."""
    return list((groups or {}).get(group) or [])


def every_host(groups):
    """Every host of the picture once: the ``all`` group first, then each group's members in order."""
    everybody = members(groups, ALL)
    seen = set(everybody)
    for group_members in (groups or {}).values():
        for host in group_members or []:
            if host not in seen:
                seen.add(host)
                everybody.append(host)
    return everybody


def host_address(hosts, host):
    """The host's freeswitch_ha_address as the inventory gives it (None when unset)."""
    return ((hosts or {}).get(host) or {}).get("freeswitch_ha_address")


def switchname(hosts, box):
    """The box's FreeSWITCH switchname: its freeswitch_ha_switchname, else its inventory name.

    FreeSWITCH keys its database rows by it and the dispatcher names the box by
    it (duid): one definition, so the two always agree.
    """
    return str(((hosts or {}).get(box) or {}).get("freeswitch_ha_switchname") or box)


def host_addresses(hosts, names):
    """{host: freeswitch_ha_address} of ``names``, in their order."""
    return {host: host_address(hosts, host) for host in names}


def network_setting(farm_vars):
    """(variable, value) of the farm network as the inventory sets it, or (None, None)."""
    for var in NETWORK_VARS:
        value = (farm_vars or {}).get(var)
        if value not in (None, ""):
            return var, value
    return None, None


def farm_network(farm_vars):
    """The farm network as an ipaddress network, or None when unset or malformed."""
    dummy, value = network_setting(farm_vars)
    if value is None:
        return None
    try:
        return ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        return None


def storage_servers(groups):
    """The GlusterFS servers: the storage group when it has hosts, else the databases group."""
    storage = members(groups, "storage")
    return storage if storage else members(groups, "databases")


def db_haproxy_group(farm_vars):
    """The name of the group whose hosts run HAProxy in front of the database."""
    return (farm_vars or {}).get("freeswitch_ha_db_haproxy_group", DEFAULT_HAPROXY_GROUP)


def db_haproxy_hosts(groups, farm_vars):
    """The hosts that run HAProxy in front of the database (none when the group name is not a string)."""
    group = db_haproxy_group(farm_vars)
    return members(groups, group) if isinstance(group, str) else []


def db_clients(groups, farm_vars):
    """Hosts pg_hba lets in as the FreeSWITCH role: the FreeSWITCH hosts, then the other HAProxy hosts."""
    clients = members(groups, "freeswitch")
    for host in db_haproxy_hosts(groups, farm_vars):
        if host not in clients:
            clients.append(host)
    return clients


def lb_tenants(tenants, lb_host):
    """The names of the planned tenants whose LB pair includes ``lb_host``, in plan order."""
    return [name for name, tenant in (tenants or {}).items() if lb_host in (tenant.get("lb_hosts") or [])]


def lb_peers(tenants, lb_host):
    """The other load balancers of the pairs ``lb_host`` belongs to, in plan order."""
    peers = []
    for name in lb_tenants(tenants, lb_host):
        for other in tenants[name].get("lb_hosts") or []:
            if other != lb_host and other not in peers:
                peers.append(other)
    return peers


def tenant_where(name, source):
    """(host, variable prefix) a tenant's settings are reported under, from tenant_definitions' source."""
    if source == "variable":
        return ALL, f"freeswitch_ha_tenants.{name}."
    return source.split(" ", 1)[1], "freeswitch_ha_tenant."
