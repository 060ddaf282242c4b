# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole plan of a farm, computed once from the inventory picture."""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.call_rates import plan_call_rates
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.dispatcher_weights import (
    dispatcher_weights,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import (
    LOOPBACK,
    db_clients,
    db_haproxy_hosts,
    host_address,
    host_addresses,
    lb_peers,
    lb_tenants,
    members,
    network_setting,
    storage_servers,
    switchname,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_storage import BRICK_VAR
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_settings import (
    is_farm_wide,
    is_unknown,
    plan_settings,
    setting_value,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import (
    format_problems,
    inventory_problems,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.rtp_port_ranges import farm_rtp_ranges
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.services import plan_services
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.sip_users import plan_sip_users
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.xml_files import plan_xml_files
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import (
    tenant_partitions,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_database import (
    ARCHIVE_TIMEOUT_VAR,
    BACKUP_DIFF_VAR,
    BACKUP_FULL_VAR,
    BACKUP_MOUNTED_VAR,
    BACKUP_NODE_VAR,
    BACKUP_REPOSITORY_VAR,
    BACKUP_RETENTION_VAR,
    FAILBACK_VAR,
    RESEED_VAR,
    RESTORE_MODE_VAR,
    RESTORE_TARGET_VAR,
    SLOT_WAL_VAR,
    wal_keep_size_mb,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.verto_port_map import (
    verto_port_map,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.vrrp import default_track_scripts

HOST_VARS = (
    "freeswitch_ha_address", "freeswitch_ha_max_sessions", "freeswitch_ha_cores", "freeswitch_ha_weight",
    "freeswitch_ha_rtp_range", "freeswitch_ha_switchname", "freeswitch_ha_verto_port", "freeswitch_ha_tenant",
    "freeswitch_ha_install_method", "freeswitch_ha_storage_brick_root", "freeswitch_ha_sessions_per_second",
)


def _database(farm, settings):
    hosts = farm.get("hosts") or {}
    groups = farm.get("groups") or {}
    farm_vars = farm.get("vars") or {}
    boxes = members(groups, "freeswitch")
    clients = db_clients(groups, farm_vars)
    networks = settings["freeswitch_ha_db_client_networks"]
    restore = _restore(settings)
    return {
        "servers": host_addresses(hosts, members(groups, "databases")),
        "haproxy_hosts": db_haproxy_hosts(groups, farm_vars),
        # a FreeSWITCH box reaches its own HAProxy on the loopback; any other HAProxy host listens on its address
        "haproxy_bind": {host: LOOPBACK if host in boxes else host_address(hosts, host)
                         for host in db_haproxy_hosts(groups, farm_vars)},
        "clients": clients,
        "pg_hba_clients": list(networks) if networks is not None else list(host_addresses(hosts, clients).values()),
        # PostgreSQL's max_slot_wal_keep_size, in its own syntax (-1: no bound)
        "slot_wal_keep_size": _pg_size(settings[SLOT_WAL_VAR]),
        # the node the database playbook re-seeds (None: none): db_reseed.yml's, or the node a member-mode
        # restore brings back
        "reseed": settings[RESEED_VAR] if restore is None or restore["mode"] != "member" else restore["node"],
        # manual (sticky, playbooks/db_failback.yml) or automatic failback to the first node
        "failback": settings[FAILBACK_VAR],
        # the HAProxy hosts sharing the stick table of manual failback (empty: automatic failback)
        "haproxy_peers": host_addresses(hosts, db_haproxy_hosts(groups, farm_vars))
        if settings[FAILBACK_VAR] == "manual" else {},
        # pgBackRest on the backup node, by host (empty: no backups)
        "backups": _backups(settings),
        # what playbooks/db_restore.yml restores (None: no restore)
        "restore": restore,
    }


# pgBackRest's stanza: the one cluster the backup node holds
BACKUP_STANZA = "freeswitch"


def _backups(settings):
    node = settings[BACKUP_NODE_VAR]
    if node is None:
        return {}
    return {node: {
        "stanza": BACKUP_STANZA,
        "repository": settings[BACKUP_REPOSITORY_VAR],
        "repository_mounted": settings[BACKUP_MOUNTED_VAR],
        "retention_full": settings[BACKUP_RETENTION_VAR],
        "full_schedule": settings[BACKUP_FULL_VAR],
        "diff_schedule": settings[BACKUP_DIFF_VAR],
        "archive_timeout": settings[ARCHIVE_TIMEOUT_VAR],
    }}


def _restore(settings):
    if settings[RESTORE_TARGET_VAR] is None:
        return None
    # the backup node: its repository holds what is restored
    return {"node": settings[BACKUP_NODE_VAR], "target": str(settings[RESTORE_TARGET_VAR]),
            "mode": settings[RESTORE_MODE_VAR]}


def _pg_size(value):
    """A checked size as PostgreSQL reads it: whole megabytes, or -1."""
    size = wal_keep_size_mb(value)
    if size is None:  # an unchecked plan (check=False) of a bad inventory: the preflight names it
        return str(value)
    return "-1" if size == -1 else f"{max(1, int(size))}MB"


def _storage(farm):
    hosts = farm.get("hosts") or {}
    servers = storage_servers(farm.get("groups"))
    return {
        "servers": servers,
        "addresses": list(host_addresses(hosts, servers).values()),
        # a host setting: the server's own value (its variables include the farm-wide one), else the default
        "brick_roots": {server: setting_value(hosts.get(server), BRICK_VAR) for server in servers},
    }


def _edge(farm, settings):
    dummy, network = network_setting(farm.get("vars"))
    sip_networks = settings["freeswitch_ha_sip_client_networks"]
    scripts = settings["freeswitch_ha_vrrp_track_scripts"]
    return {
        "sip_client_networks": list(sip_networks) if sip_networks is not None else [network],
        "vrrp_track_scripts": scripts if scripts is not None else default_track_scripts(
            settings["freeswitch_ha_vrrp_verto_check"]),
    }


# The per-box settings a FreeSWITCH box takes from its own variables, else from the table's default.
BOX_SETTINGS = {
    "max_sessions": "freeswitch_ha_max_sessions",
    "sessions_per_second": "freeswitch_ha_sessions_per_second",
}
METHOD_VAR = "freeswitch_ha_install_method"


def plan_boxes(farm, settings):
    """{box: {install_method, switchname, max_sessions, sessions_per_second}} of every FreeSWITCH box, in group order.

    ``install_method`` is the box's own freeswitch_ha_install_method, else the
    farm's (``settings``, its default applied); ``switchname`` the box's
    switchname (farm.switchname: its inventory name unless set); the rates
    the box's own values, else the defaults of the farm_settings table.
    """
    hosts = farm.get("hosts") or {}
    boxes = {}
    for box in members(farm.get("groups"), "freeswitch"):
        hostvars = hosts.get(box) or {}
        entry = {
            "install_method": hostvars.get(METHOD_VAR, settings[METHOD_VAR]),
            "switchname": switchname(hosts, box),
        }
        entry.update({key: setting_value(hostvars, name) for key, name in BOX_SETTINGS.items()})
        boxes[box] = entry
    return boxes


def _loadbalancers(farm, tenants, settings):
    result = {}
    for lb in members(farm.get("groups"), "loadbalancers"):
        names = lb_tenants(tenants, lb)
        vips = [str(tenants[name]["vip"]) for name in names if tenants[name].get("vip")]
        advertise = settings["freeswitch_ha_sip_advertise"]
        result[lb] = {
            "tenants": names,
            "vips": vips,
            "peers": lb_peers(tenants, lb),
            "sip_advertise": advertise if advertise is not None else (vips[0] if vips else ""),
        }
    return result


def plan_farm_settings(farm):
    """The parts of the plan that need no tenant: {settings, network, edge, database, storage, boxes}.

    ``settings`` holds every farm-wide setting with its default applied
    (farm_settings.plan_settings, secrets left out); ``edge``, ``database``
    and ``storage`` the selections derived from them and the groups;
    ``boxes`` each FreeSWITCH box's own settings (plan_boxes). Never
    raises: an inventory of one tier (a Molecule scenario's) plans too.
    """
    farm_vars = farm.get("vars") or {}
    settings = plan_settings(farm_vars)
    dummy, network = network_setting(farm_vars)
    return {
        "settings": settings,
        "network": network,
        "edge": _edge(farm, settings),
        "database": _database(farm, settings),
        "storage": _storage(farm),
        "boxes": plan_boxes(farm, settings),
    }


def farm_plan(farm, check=True, tenants=True):
    """Return {tenants, box_tenants, sip_users, xml_files, rtp_ranges, dispatcher, call_rates, verto, internal_vip, loadbalancers, services}
    and the parts of plan_farm_settings (settings, network, edge, database, storage, boxes).

    ``box_tenants`` maps each FreeSWITCH box to the name of its tenant;
    ``sip_users`` each box to its tenant's users (sip_users.plan_sip_users);
    ``xml_files`` each box to the operator's XML files it gets (xml_files.plan_xml_files);
    ``loadbalancers`` each load balancer to the tenants it serves, their
    VIPs, its peers and the address Kamailio advertises; ``services`` is the
    service catalogue (plugin_utils/services.py).

    With ``check`` (the default) the inventory is checked first and a
    PlanError lists every problem ("host: variable: message" lines). Without
    ``tenants``, only the parts of plan_farm_settings.
    """
    if check:
        problems = inventory_problems(farm)
        if problems:
            raise PlanError("the inventory has problems:\n" + "\n".join(format_problems(problems)))
    plan = plan_farm_settings(farm)
    if not tenants:
        return plan
    hosts = farm.get("hosts") or {}
    farm_vars = farm.get("vars") or {}
    partitions = tenant_partitions(farm)
    ranges = farm_rtp_ranges(farm)
    plan.update({
        "tenants": partitions,
        "box_tenants": {box: name for name, tenant in partitions.items() for box in tenant["freeswitch_hosts"]},
        "rtp_ranges": ranges,
        "dispatcher": dispatcher_weights(partitions, hosts),
        "call_rates": plan_call_rates(farm, partitions, plan["boxes"]),
        "verto": verto_port_map(partitions, ranges, hosts),
        "internal_vip": {
            "vip": farm_vars.get("freeswitch_ha_internal_vip"),
            "vrrp_router_id": farm_vars.get("freeswitch_ha_internal_vrrp_router_id"),
        },
        "loadbalancers": _loadbalancers(farm, partitions, plan["settings"]),
        "sip_users": plan_sip_users(farm, partitions),
        "xml_files": plan_xml_files(farm, partitions),
    })
    plan["services"] = plan_services(farm, plan)
    return plan


def farm_inventory(groups, hostvars, farm_vars=None):
    """The inventory picture from Ansible's ``groups`` and ``hostvars``.

    Only the freeswitch_ha_* host variables the plan reads are copied (never a
    secret); ``farm_vars`` are the farm-wide freeswitch_ha_* variables. A host's
    freeswitch_ha_* name the collection does not know (farm_settings) is kept
    with the value None, so the preflight can name it: its value is not
    copied, since it may be a misspelled secret. Such a name that is only
    inherited from ``farm_vars`` (same value) is left to the farm-wide
    picture, so it is reported once, not once per host. A farm-wide setting
    (scope ``farm``) the host sets to another value than the farm's is kept
    the same way: the plan reads it once for the farm, so the preflight names it.
    """
    farm_vars = farm_vars or {}
    hosts = {}
    seen = []
    for members in (groups or {}).values():
        for host in members or []:
            if host not in hosts:
                hosts[host] = None
                seen.append(host)
    picture = {}
    for host in seen:
        try:
            source = hostvars[host]
        except KeyError:
            source = {}
        picture[host] = {var: source[var] for var in HOST_VARS if var in source}
        picture[host].update({
            name: None for name in source
            if (is_unknown(name) or is_farm_wide(name)) and not (name in farm_vars and source[name] == farm_vars[name])
        })
    return {
        "hosts": picture,
        "groups": {str(g): list(m or []) for g, m in (groups or {}).items()},
        "vars": {k: v for k, v in farm_vars.items() if str(k).startswith("freeswitch_ha_")},
    }
