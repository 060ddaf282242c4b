# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preflight checks of the storage tier (GlusterFS).

``check(farm) -> [{host, variable, message}]`` (see inventory_check). The
storage servers are farm.storage_servers: the ``storage`` group, or the
``databases`` group when the inventory has no storage group or an empty one
(the plan hands the same list to playbooks/storage.yml).
"""

from __future__ import annotations

import re

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import (
    ALL,
    every_host,
    storage_servers,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import problem as _problem

DEFAULT_REPLICA = 3
DEFAULT_ARBITER = True
DEFAULT_BRICK_ROOT = "/srv/gluster/bricks"
VOLUME_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
BRICK_VAR = "freeswitch_ha_storage_brick_root"


def _replica(farm_vars, servers, problems):
    replica = farm_vars.get("freeswitch_ha_storage_replica", DEFAULT_REPLICA)
    arbiter = farm_vars.get("freeswitch_ha_storage_arbiter", DEFAULT_ARBITER)
    if isinstance(replica, bool) or not isinstance(replica, int) or replica not in (2, 3):
        problems.append(_problem(ALL, "freeswitch_ha_storage_replica", f"{replica!r} must be 2 or 3"))
        return
    if not isinstance(arbiter, bool):
        problems.append(_problem(ALL, "freeswitch_ha_storage_arbiter", f"{arbiter!r} must be true or false"))
        return
    if arbiter and replica != 3:
        problems.append(_problem(ALL, "freeswitch_ha_storage_arbiter",
                                 f"an arbiter needs replica 3 (GlusterFS has only 'replica 3 arbiter 1'), not {replica}"))
    if not servers:
        return
    layout = "replica 3 arbiter 1" if arbiter and replica == 3 else f"replica {replica}"
    if len(servers) < replica:
        problems.append(_problem(
            "storage", "members",
            f"{len(servers)} storage host(s) ({', '.join(servers)}) for {layout}: a volume needs {replica} servers "
            f"(add a host to the storage group - an arbiter holds only metadata - or set freeswitch_ha_storage_replica)"))
    elif len(servers) % replica:
        problems.append(_problem(
            "storage", "members",
            f"{len(servers)} storage hosts is not a multiple of the replica count {replica}: every replica set needs "
            f"{replica} servers"))


def _bricks(hosts, groups, farm_vars, servers, problems):
    farm_value = farm_vars.get(BRICK_VAR)
    for host in every_host(groups):
        hostvars = hosts.get(host) or {}
        if BRICK_VAR not in hostvars:
            continue
        value = hostvars[BRICK_VAR]
        inherited = BRICK_VAR in farm_vars and value == farm_value
        if host not in servers and not inherited:
            problems.append(_problem(
                host, BRICK_VAR,
                f"brick path {value!r} on a host that is not a storage server (client only): it would never hold a "
                f"brick; set it on the storage hosts (group_vars/storage) or add {host} to the storage group"))
            continue
        if not isinstance(value, str) or not value.startswith("/") or value.rstrip("/") == "":
            problems.append(_problem(host, BRICK_VAR, f"{value!r} must be an absolute directory other than /"))


def _volumes(farm_vars, problems):
    volumes = farm_vars.get("freeswitch_ha_storage_volumes")
    if volumes is None:
        return
    variable = "freeswitch_ha_storage_volumes"
    if not isinstance(volumes, list) or not volumes:
        problems.append(_problem(ALL, variable, "must be a non-empty list of {name, path}"))
        return
    names, paths = {}, {}
    for index, volume in enumerate(volumes):
        where = f"{variable}[{index}]"
        if not isinstance(volume, dict):
            problems.append(_problem(ALL, where, "must be a mapping with name and path"))
            continue
        name = volume.get("name")
        if not isinstance(name, str) or not VOLUME_NAME_RE.match(name):
            problems.append(_problem(ALL, where + ".name", f"{name!r} is not a volume name (letters, digits, - and _)"))
        elif name in names:
            problems.append(_problem(ALL, where + ".name", f"volume {name} is listed twice"))
        else:
            names[name] = index
        path = volume.get("path")
        if path is None:
            continue
        if not isinstance(path, str) or not path.startswith("/") or path.rstrip("/") == "":
            problems.append(_problem(ALL, where + ".path", f"{path!r} must be an absolute directory other than /"))
            continue
        clean = path.rstrip("/")
        for other, other_name in paths.items():
            if clean == other or clean.startswith(other + "/") or other.startswith(clean + "/"):
                problems.append(_problem(ALL, where + ".path",
                                         f"{path} overlaps the mount point {other} of volume {other_name}"))
        paths[clean] = name


def check(farm):
    """Every storage problem of the inventory picture."""
    problems = []
    hosts = farm.get("hosts") or {}
    groups = farm.get("groups") or {}
    farm_vars = farm.get("vars") or {}
    servers = storage_servers(groups)
    _replica(farm_vars, servers, problems)
    _bricks(hosts, groups, farm_vars, servers, problems)
    _volumes(farm_vars, problems)
    return problems
