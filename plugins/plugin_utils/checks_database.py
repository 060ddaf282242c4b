# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory checks of the database tier (registered in inventory_check.TIER_CHECKS).

The common checks already cover two database nodes at least and example
passwords; these cover what only the database tier knows:

- ``freeswitch_ha_postgresql_version`` / ``freeswitch_ha_db_engine``: a
  version no multi-master engine runs on, or an engine the version cannot run;
- ``freeswitch_ha_db_haproxy_group``: the group whose hosts run HAProxy in
  front of the database must exist and have hosts;
- pg_hba planning: every FreeSWITCH host and HAProxy host must be let in by
  pg_hba. By default each gets its own entry; when
  ``freeswitch_ha_db_client_networks`` lists networks instead, a host whose
  address lies in none of them would be refused by the database;
- ``freeswitch_ha_db_slot_wal_keep_size``: a PostgreSQL size (``4GB``,
  ``512MB``, a number of megabytes) of at least one WAL segment, or -1 (no
  bound). Below one segment every checkpoint would invalidate the peers'
  slots;
- backups (``freeswitch_ha_db_backup_node`` and its settings): the node is a
  database host, its repository an absolute path, the repository's cipher
  passphrase a real secret, retention and archive timeout whole numbers;
- failback (``freeswitch_ha_db_failback``): manual or automatic, the peers
  port a TCP port, the catch-up timeout whole seconds;
- a restore (``freeswitch_ha_db_restore_target``, playbooks/db_restore.yml):
  there is a backup node to restore, the target is ``latest`` or a time with
  its zone, the mode ``standalone`` or ``member``, and no re-seed of another
  node is asked for in the same run.
"""

from __future__ import annotations

import datetime
import ipaddress
import posixpath
import re

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.pg_multimaster import (
    ENGINES,
    MembershipError,
    pg_multimaster_engine,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import (
    ALL,
    db_clients,
    db_haproxy_group,
    members,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import problem as _problem
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.secrets import is_example_secret


DEFAULT_ENGINE = "auto"
SLOT_WAL_VAR = "freeswitch_ha_db_slot_wal_keep_size"
RESEED_VAR = "freeswitch_ha_db_reseed"
BACKUP_NODE_VAR = "freeswitch_ha_db_backup_node"
BACKUP_REPOSITORY_VAR = "freeswitch_ha_db_backup_repository"
BACKUP_MOUNTED_VAR = "freeswitch_ha_db_backup_repository_mounted"
BACKUP_CIPHER_VAR = "freeswitch_ha_db_backup_cipher_pass"
BACKUP_RETENTION_VAR = "freeswitch_ha_db_backup_retention_full"
BACKUP_FULL_VAR = "freeswitch_ha_db_backup_full_schedule"
BACKUP_DIFF_VAR = "freeswitch_ha_db_backup_diff_schedule"
ARCHIVE_TIMEOUT_VAR = "freeswitch_ha_db_archive_timeout"
RESTORE_TARGET_VAR = "freeswitch_ha_db_restore_target"
RESTORE_MODE_VAR = "freeswitch_ha_db_restore_mode"
DEFAULT_BACKUP_REPOSITORY = "/var/lib/pgbackrest"
DEFAULT_BACKUP_RETENTION = 2
# systemd OnCalendar: a full backup each week, a differential the other days
DEFAULT_BACKUP_FULL = "Sun *-*-* 02:00:00"
DEFAULT_BACKUP_DIFF = "Mon..Sat *-*-* 02:00:00"
# Seconds of commits a restore may lose on a quiet node (WAL is switched and
# archived at least this often while anything is written).
DEFAULT_ARCHIVE_TIMEOUT = 60
FAILBACK_VAR = "freeswitch_ha_db_failback"
FAILBACK_MODES = ("manual", "automatic")
DEFAULT_FAILBACK = "manual"
PEERS_PORT_VAR = "freeswitch_ha_db_haproxy_peers_port"
DEFAULT_PEERS_PORT = 10000
FAILBACK_TIMEOUT_VAR = "freeswitch_ha_db_failback_timeout"
DEFAULT_FAILBACK_TIMEOUT = 120
RESTORE_MODES = ("standalone", "member")
DEFAULT_RESTORE_MODE = "standalone"
RESTORE_LATEST = "latest"
# How long a peer may be down before it needs a re-seed: bound / WAL rate.
DEFAULT_SLOT_WAL_KEEP_SIZE = "4GB"
# PostgreSQL's default WAL segment (initdb --wal-segsize); the role keeps it.
WAL_SEGMENT_MB = 16
_SIZE_RE = re.compile(r"^\s*(\d+)\s*(kB|MB|GB|TB)?\s*$")
_SIZE_UNITS_MB = {"kB": 1 / 1024, "MB": 1, "GB": 1024, "TB": 1024 * 1024, None: 1}


def wal_keep_size_mb(value):
    """max_slot_wal_keep_size in megabytes (-1: no bound), or None when PostgreSQL would refuse the value.

    PostgreSQL's own syntax: an integer of megabytes or one with a unit kB,
    MB, GB, TB (case-sensitive).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= -1 else None
    match = _SIZE_RE.match(str(value))
    if str(value).strip() == "-1":
        return -1
    if not match:
        return None
    return int(match.group(1)) * _SIZE_UNITS_MB[match.group(2)]


def wal_bound_problem(value):
    """What is wrong with a max_slot_wal_keep_size, or None: the preflight's and the role's one rule."""
    size = wal_keep_size_mb(value)
    if size is None:
        return f"{value!r} is not a PostgreSQL size (for example 4GB or 512MB) or -1"
    if size != -1 and size < WAL_SEGMENT_MB:
        return (f"{value!r} is smaller than one WAL segment ({WAL_SEGMENT_MB}MB): every checkpoint would "
                "invalidate the peers' replication slots")
    return None


def _check_wal_bound(farm_vars):
    if SLOT_WAL_VAR not in farm_vars:
        return []
    message = wal_bound_problem(farm_vars[SLOT_WAL_VAR])
    return [_problem(ALL, SLOT_WAL_VAR, message)] if message else []


def _check_reseed(farm):
    farm_vars = farm.get("vars") or {}
    node = farm_vars.get(RESEED_VAR)
    if node is None:
        return []
    nodes = members(farm.get("groups"), "databases")
    if node not in nodes:
        return [_problem(ALL, RESEED_VAR, f"{node!r} is not a host of the databases group ({', '.join(nodes)})")]
    return []


def _whole_number(value, minimum):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def restore_target_problem(value):
    """What is wrong with a restore target, or None: ``latest`` or a time with its zone (PostgreSQL reads it)."""
    if value == RESTORE_LATEST:
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return f"{value!r} is neither 'latest' nor a time such as '2026-12-01 09:30:00+00:00'"
    if moment.tzinfo is None:
        return f"{value!r} has no time zone: add one (+00:00), or the node's own zone would decide what is restored"
    return None


def _check_backup(farm):
    farm_vars = farm.get("vars") or {}
    node = farm_vars.get(BACKUP_NODE_VAR)
    if node is None:
        return []
    problems = []
    nodes = members(farm.get("groups"), "databases")
    if node not in nodes:
        problems.append(_problem(ALL, BACKUP_NODE_VAR, f"{node!r} is not a host of the databases group ({', '.join(nodes)})"))
    repository = farm_vars.get(BACKUP_REPOSITORY_VAR, DEFAULT_BACKUP_REPOSITORY)
    if not isinstance(repository, str) or not posixpath.isabs(repository) or posixpath.normpath(repository) == "/":
        problems.append(_problem(ALL, BACKUP_REPOSITORY_VAR, f"{repository!r} is not an absolute directory below /"))
    cipher = farm_vars.get(BACKUP_CIPHER_VAR)
    if cipher is None:
        problems.append(_problem(ALL, BACKUP_CIPHER_VAR, "secret is missing: the repository is encrypted with it; "
                                                         "set it in a vault file (see inventories/example)"))
    elif not isinstance(cipher, str) or len(cipher) < 20 or is_example_secret(cipher):
        problems.append(_problem(ALL, BACKUP_CIPHER_VAR, "secret must be a string of at least 20 characters, not an "
                                                         "example value"))
    if not _whole_number(farm_vars.get(BACKUP_RETENTION_VAR, DEFAULT_BACKUP_RETENTION), 1):
        problems.append(_problem(ALL, BACKUP_RETENTION_VAR, "must be a whole number of full backups, at least 1"))
    if not _whole_number(farm_vars.get(ARCHIVE_TIMEOUT_VAR, DEFAULT_ARCHIVE_TIMEOUT), 1):
        problems.append(_problem(ALL, ARCHIVE_TIMEOUT_VAR, "must be a whole number of seconds, at least 1"))
    for var, default in ((BACKUP_FULL_VAR, DEFAULT_BACKUP_FULL), (BACKUP_DIFF_VAR, DEFAULT_BACKUP_DIFF)):
        value = farm_vars.get(var, default)
        if not isinstance(value, str) or not value.strip():
            problems.append(_problem(ALL, var, "must be a systemd calendar expression (OnCalendar), such as "
                                               f"{default!r}"))
    return problems


def _check_restore(farm_vars):
    if farm_vars.get(RESTORE_TARGET_VAR) is None:
        return []
    problems = []
    if farm_vars.get(BACKUP_NODE_VAR) is None:
        problems.append(_problem(ALL, RESTORE_TARGET_VAR, f"there is nothing to restore: {BACKUP_NODE_VAR} is not set"))
    message = restore_target_problem(farm_vars[RESTORE_TARGET_VAR])
    if message:
        problems.append(_problem(ALL, RESTORE_TARGET_VAR, message))
    mode = farm_vars.get(RESTORE_MODE_VAR, DEFAULT_RESTORE_MODE)
    if mode not in RESTORE_MODES:
        problems.append(_problem(ALL, RESTORE_MODE_VAR, f"{mode!r} is not one of {', '.join(RESTORE_MODES)}"))
    if farm_vars.get(RESEED_VAR) is not None:
        problems.append(_problem(ALL, RESEED_VAR, f"a restore and a re-seed in one run: run {RESEED_VAR} on its own "
                                                  "(a member-mode restore re-seeds the restored node itself)"))
    return problems


def _check_failback(farm_vars):
    problems = []
    mode = farm_vars.get(FAILBACK_VAR, DEFAULT_FAILBACK)
    if mode not in FAILBACK_MODES:
        problems.append(_problem(ALL, FAILBACK_VAR, f"{mode!r} is not one of {', '.join(FAILBACK_MODES)}"))
    port = farm_vars.get(PEERS_PORT_VAR, DEFAULT_PEERS_PORT)
    if not _whole_number(port, 1) or port > 65535:
        problems.append(_problem(ALL, PEERS_PORT_VAR, f"{port!r} is not a TCP port (1-65535)"))
    if not _whole_number(farm_vars.get(FAILBACK_TIMEOUT_VAR, DEFAULT_FAILBACK_TIMEOUT), 1):
        problems.append(_problem(ALL, FAILBACK_TIMEOUT_VAR, "must be a whole number of seconds, at least 1"))
    return problems


def _check_engine(farm_vars):
    problems = []
    version = farm_vars.get("freeswitch_ha_postgresql_version")
    engine = farm_vars.get("freeswitch_ha_db_engine", DEFAULT_ENGINE)
    if engine not in ("auto",) + ENGINES:
        problems.append(_problem(ALL, "freeswitch_ha_db_engine", f"{engine!r} is not one of auto, {', '.join(ENGINES)}"))
        engine = "auto"
    if version is None:
        return problems
    if isinstance(version, bool) or not isinstance(version, int):
        try:
            version = int(str(version))
        except ValueError:
            problems.append(_problem(ALL, "freeswitch_ha_postgresql_version", f"{version!r} is not a PostgreSQL major version"))
            return problems
    try:
        pg_multimaster_engine(version, engine)
    except MembershipError as exc:
        variable = "freeswitch_ha_db_engine" if engine != "auto" and "does not run" in str(exc) else "freeswitch_ha_postgresql_version"
        problems.append(_problem(ALL, variable, str(exc)))
    return problems


def _check_hba(farm):
    problems = []
    groups = farm.get("groups") or {}
    hosts = farm.get("hosts") or {}
    farm_vars = farm.get("vars") or {}
    group = db_haproxy_group(farm_vars)
    if not isinstance(group, str) or not members(groups, group):
        problems.append(_problem(ALL, "freeswitch_ha_db_haproxy_group",
                                 f"group {group!r} has no host: nothing would run HAProxy in front of the database"))
    networks_value = farm_vars.get("freeswitch_ha_db_client_networks")
    if networks_value is None:
        return problems
    if isinstance(networks_value, str) or not isinstance(networks_value, list):
        problems.append(_problem(ALL, "freeswitch_ha_db_client_networks", "must be a list of networks (CIDR)"))
        return problems
    networks = []
    for value in networks_value:
        try:
            networks.append(ipaddress.ip_network(str(value), strict=False))
        except ValueError:
            problems.append(_problem(ALL, "freeswitch_ha_db_client_networks", f"{value!r} is not a network in CIDR notation"))
    if len(networks) != len(networks_value):
        return problems
    for host in db_clients(groups, farm_vars):
        value = (hosts.get(host) or {}).get("freeswitch_ha_address")
        try:
            address = ipaddress.ip_address(str(value))
        except ValueError:
            continue  # the common checks report a missing or invalid address
        if not any(address in network for network in networks):
            role = "FreeSWITCH host" if host in members(groups, "freeswitch") else "HAProxy host"
            problems.append(_problem(host, "freeswitch_ha_address",
                                     f"{role} {address} is in none of freeswitch_ha_db_client_networks "
                                     f"({', '.join(str(n) for n in networks)}): pg_hba would refuse it"))
    return problems


def check(farm):
    """Every database-tier problem of the inventory picture, as [{host, variable, message}]."""
    if not isinstance(farm, dict):
        return []
    farm_vars = farm.get("vars") or {}
    return (_check_engine(farm_vars) + _check_hba(farm) + _check_wal_bound(farm_vars) + _check_reseed(farm)
            + _check_backup(farm) + _check_restore(farm_vars) + _check_failback(farm_vars))
