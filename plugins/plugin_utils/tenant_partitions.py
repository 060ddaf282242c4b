# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenants of the farm: their FreeSWITCH boxes, dispatcher set, domains, LB pair and VIP.

The inventory picture every planning function reads (``farm``) is::

    {"hosts":  {host: {freeswitch_ha_* host variables}},
     "groups": {group: [host, ...]},          # Ansible's ``groups``
     "vars":   {freeswitch_ha_* farm-wide variables}}

Tenants come from ``freeswitch_ha_tenants`` (name -> settings) and from
groups named ``tenant_<name>``: the members of such a group that are in the
``freeswitch`` group are the tenant's boxes, those in ``loadbalancers`` its LB
pair, and its other settings come from the ``freeswitch_ha_tenant`` variable
(group_vars/tenant_<name>.yml). A tenant defined by the variable wins over a
group of the same name. Dispatcher set ids not given explicitly are handed out
1, 2, 3... in tenant order, skipping explicit ids.
"""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import as_list

ALGORITHMS = {"round_robin": 4, "weighted": 9, "call_load": 10, "relative_weight": 11}
DEFAULT_ALGORITHM = "round_robin"
DEFAULT_VERTO_PORT_BASE = 8082
TENANT_GROUP_PREFIX = "tenant_"
TENANT_KEYS = (
    "freeswitch_hosts", "lb_hosts", "sip_domains", "vip", "vrrp_router_id",
    "dispatcher_algorithm", "dispatcher_set", "verto_port_base",
)


def tenant_definitions(farm):
    """[(name, settings, source)] in plan order; source is 'variable' or 'group <name>'."""
    if not isinstance(farm, dict):
        raise PlanError("the inventory picture must be a mapping with hosts, groups and vars")
    farm_vars = farm.get("vars") or {}
    groups = farm.get("groups") or {}
    hosts = farm.get("hosts") or {}
    declared = farm_vars.get("freeswitch_ha_tenants") or {}
    if not isinstance(declared, dict):
        raise PlanError("freeswitch_ha_tenants must be a mapping of tenant name to settings")
    result = []
    for name, settings in declared.items():
        if not isinstance(settings, dict):
            raise PlanError(f"tenant {name}: settings must be a mapping")
        result.append((str(name), settings, "variable"))
    freeswitch = set(groups.get("freeswitch") or [])
    balancers = set(groups.get("loadbalancers") or [])
    for group in sorted(groups):
        if not group.startswith(TENANT_GROUP_PREFIX):
            continue
        name = group[len(TENANT_GROUP_PREFIX):]
        if not name or name in declared:
            continue
        members = list(groups[group] or [])
        settings = {}
        for member in members:
            candidate = (hosts.get(member) or {}).get("freeswitch_ha_tenant")
            if isinstance(candidate, dict):
                settings = dict(candidate)
                break
        settings.setdefault("freeswitch_hosts", [m for m in members if m in freeswitch])
        settings.setdefault("lb_hosts", [m for m in members if m in balancers])
        result.append((name, settings, f"group {group}"))
    return result


def tenant_partitions(farm):
    """Return {tenant: {name, set_id, algorithm, algorithm_id, freeswitch_hosts,
    lb_hosts, sip_domains, vip, vrrp_router_id, verto_port_base, source}}.

    Raises PlanError on an unknown algorithm, a bad or duplicate set id, or a
    tenant without FreeSWITCH boxes; inventory_check reports every problem.
    """
    definitions = tenant_definitions(farm)
    explicit = {}
    for name, settings, dummy in definitions:
        if settings.get("dispatcher_set") is not None:
            set_id = settings["dispatcher_set"]
            if isinstance(set_id, bool) or not isinstance(set_id, int) or set_id < 1:
                raise PlanError(f"tenant {name}: dispatcher_set {set_id!r} is not a positive integer")
            if set_id in explicit.values():
                raise PlanError(f"tenant {name}: dispatcher_set {set_id} is already used")
            explicit[name] = set_id
    used = set(explicit.values())
    next_id = 1
    plan = {}
    for name, settings, source in definitions:
        algorithm = settings.get("dispatcher_algorithm", DEFAULT_ALGORITHM)
        if not isinstance(algorithm, str) or algorithm not in ALGORITHMS:
            raise PlanError(
                f"tenant {name}: unknown dispatcher_algorithm {algorithm!r} "
                f"(one of {', '.join(ALGORITHMS)})"
            )
        boxes = [str(h) for h in as_list(settings.get("freeswitch_hosts")) or []]
        if not boxes:
            raise PlanError(f"tenant {name}: no FreeSWITCH hosts")
        if name in explicit:
            set_id = explicit[name]
        else:
            while next_id in used:
                next_id += 1
            set_id = next_id
            used.add(set_id)
        plan[name] = {
            "name": name,
            "set_id": set_id,
            "algorithm": algorithm,
            "algorithm_id": ALGORITHMS[algorithm],
            "freeswitch_hosts": boxes,
            "lb_hosts": [str(h) for h in as_list(settings.get("lb_hosts")) or []],
            "sip_domains": [str(d) for d in as_list(settings.get("sip_domains")) or []],
            "vip": settings.get("vip"),
            "vrrp_router_id": settings.get("vrrp_router_id"),
            "verto_port_base": settings.get("verto_port_base", DEFAULT_VERTO_PORT_BASE),
            "source": source,
        }
    return plan
