# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every ``freeswitch_ha_*`` variable the collection reads, in one table.

The table is the list of known names: the preflight refuses any other
``freeswitch_ha_*`` variable (a misspelled name would otherwise be ignored
without a word and its default would apply), and a unit test fails when a
file of the collection names a variable that is not here.

Each entry: ``Setting(default, scope, description)``.

* ``default``: the value used when the variable is unset, ``REQUIRED`` or
  ``NO_DEFAULT`` (unset means "off" or "derived", the description says which).
  Where a plugin already holds the default as a constant it is imported, so
  the value has one definition. The playbooks read the defaults through the
  plan (``settings``, ``boxes``, the service catalogue), never as an inline
  ``| default(...)``: tests/unit/plugins/plugin_utils/test_farm_settings.py
  refuses one, a secret's placeholder aside.
* ``scope``: where it is set: ``farm`` (group_vars/all), ``host`` (host or
  group variables), ``farm or host``, ``run`` (``-e`` for one operation),
  ``lab`` (lab-only: the lab engine and the Molecule scenarios, never a real
  farm).

``COLLECTION_FACTS`` are the ``freeswitch_ha_*`` names the playbooks set
themselves; they are known (never refused) but are not inventory variables.

``plan_settings(farm_vars)`` is what the plan carries under ``settings``: the
value of every farm-wide setting, its default applied, secrets left out. The
playbooks map these values to role variables (never an inline default), so a
``farm`` setting is read once for the whole farm: ``check`` refuses one set
on a single host or group with another value, which would have no effect.
"""

from __future__ import annotations

import copy
import difflib
from collections import namedtuple

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.call_rates import DEFAULT_SESSIONS_PER_SECOND
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_database import (
    ARCHIVE_TIMEOUT_VAR,
    BACKUP_CIPHER_VAR,
    BACKUP_DIFF_VAR,
    BACKUP_FULL_VAR,
    BACKUP_MOUNTED_VAR,
    BACKUP_NODE_VAR,
    BACKUP_REPOSITORY_VAR,
    BACKUP_RETENTION_VAR,
    DEFAULT_ARCHIVE_TIMEOUT,
    DEFAULT_BACKUP_DIFF,
    DEFAULT_BACKUP_FULL,
    DEFAULT_BACKUP_REPOSITORY,
    DEFAULT_BACKUP_RETENTION,
    DEFAULT_ENGINE,
    DEFAULT_FAILBACK,
    DEFAULT_FAILBACK_TIMEOUT,
    DEFAULT_PEERS_PORT,
    FAILBACK_TIMEOUT_VAR,
    FAILBACK_VAR,
    PEERS_PORT_VAR,
    DEFAULT_RESTORE_MODE,
    DEFAULT_SLOT_WAL_KEEP_SIZE,
    RESEED_VAR,
    RESTORE_MODE_VAR,
    RESTORE_TARGET_VAR,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_edge_vrrp import DEFAULT_PRIORITY_STEP
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_freeswitch import (
    DEFAULT_DB_HAPROXY_PORT,
    DEFAULT_METHOD,
    DEFAULT_REPO_AUTH,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_storage import (
    DEFAULT_ARBITER,
    DEFAULT_BRICK_ROOT,
    DEFAULT_REPLICA,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.directory_service import DEFAULT_TIMEOUT as DEFAULT_DIRECTORY_TIMEOUT
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.directory_service import FARM_VARS as DIRECTORY_VARS
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import ALL, DEFAULT_HAPROXY_GROUP, problem
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.rtp_port_ranges import (
    ALLOW_MOVING_VAR,
    DEFAULT_MIN_PORTS,
    DEFAULT_POOL,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_verto import (
    DEFAULT_CLIENT_NETWORKS,
    DEFAULT_RETURN_PATH,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.verto_port_map import DEFAULT_LOCAL_VERTO_PORT

PREFIX = "freeswitch_ha_"
REQUIRED = "required"
NO_DEFAULT = "no default"

Setting = namedtuple("Setting", ("default", "scope", "description"))

SETTINGS = {
    # the farm
    "freeswitch_ha_network": Setting(REQUIRED, "farm", "farm network (CIDR); every address and VIP lies in it "
                                                       "(the lab uses freeswitch_ha_lab_subnet instead)"),
    "freeswitch_ha_address": Setting(REQUIRED, "host", "the host's address on the farm network"),
    "freeswitch_ha_tenants": Setting(REQUIRED, "farm", "tenants: FreeSWITCH boxes, LB pair, SIP domains, VIP, "
                                                       "VRRP router id, dispatcher (or tenant_<name> groups)"),
    "freeswitch_ha_tenant": Setting(NO_DEFAULT, "host", "a tenant's settings on one member of its tenant_<name> "
                                                        "group, instead of freeswitch_ha_tenants"),
    "freeswitch_ha_internal_vip": Setting(REQUIRED, "farm", "VIP of the LB pair on the farm network: the "
                                                            "FreeSWITCH return path for verto media"),
    "freeswitch_ha_internal_vrrp_router_id": Setting(REQUIRED, "farm", "VRRP router id (1-255) of the internal VIP"),
    # secrets (vault)
    "freeswitch_ha_db_password": Setting(REQUIRED, "farm", "password of the FreeSWITCH database role (vault)"),
    "freeswitch_ha_replication_password": Setting(REQUIRED, "farm", "password of the replication role (vault)"),
    "freeswitch_ha_esl_password": Setting(REQUIRED, "farm", "FreeSWITCH event socket password (vault)"),
    "freeswitch_ha_signalwire_token": Setting(NO_DEFAULT, "farm", "SignalWire personal access token (vault); "
                                                                  "required by install method repo"),
    "freeswitch_ha_repo_auth": Setting(DEFAULT_REPO_AUTH, "farm", "whether the FreeSWITCH package repository "
                                                                  "needs the token (false: a repository without "
                                                                  "auth, such as the lab's own)"),
    # FreeSWITCH boxes
    "freeswitch_ha_install_method": Setting(DEFAULT_METHOD, "farm or host", "how FreeSWITCH is installed: repo, "
                                                                            "source or none"),
    "freeswitch_ha_switchname": Setting(NO_DEFAULT, "host", "FreeSWITCH switchname (default: the inventory name)"),
    "freeswitch_ha_max_sessions": Setting(1000, "host", "FreeSWITCH max-sessions, and the box's capacity for "
                                                        "the call_load dispatcher (Kamailio maxload)"),
    "freeswitch_ha_sessions_per_second": Setting(DEFAULT_SESSIONS_PER_SECOND, "host", "new calls per second "
                                                 "FreeSWITCH takes before it answers 503 (switch.conf); the "
                                                 "plan's survivor_cps of a tenant is its boxes' smallest"),
    "freeswitch_ha_cores": Setting(NO_DEFAULT, "host", "the box's capacity in cores, for the weighted "
                                                       "dispatchers"),
    "freeswitch_ha_weight": Setting(NO_DEFAULT, "host", "the box's capacity as a plain weight, for the weighted "
                                                        "dispatchers"),
    "freeswitch_ha_rtp_pool": Setting(DEFAULT_POOL, "farm", "pool the boxes' RTP ranges are cut from"),
    "freeswitch_ha_rtp_min_ports": Setting(DEFAULT_MIN_PORTS, "farm", "size of each box's RTP slot (rounded up to "
                                                                      "an even number)"),
    "freeswitch_ha_rtp_range": Setting(NO_DEFAULT, "host", "a box's pinned RTP range (default: its pool slot)"),
    ALLOW_MOVING_VAR: Setting(False, "farm", "accept a freeswitch_ha_rtp_range pinned over pool slots other boxes "
                                             "would get, which moves their RTP ranges"),
    "freeswitch_ha_verto_port": Setting(DEFAULT_LOCAL_VERTO_PORT, "host", "the box's local verto port"),
    "freeswitch_ha_verto_tls": Setting(True, "farm", "verto over TLS on the boxes"),
    "freeswitch_ha_relay_networks": Setting([], "farm", "networks FreeSWITCH treats as local besides the farm "
                                                        "network"),
    "freeswitch_ha_db_haproxy_port": Setting(DEFAULT_DB_HAPROXY_PORT, "farm", "local HAProxy port of the FreeSWITCH ODBC DSN"),
    DIRECTORY_VARS["url"]: Setting("", "farm", "a directory service the boxes ask for users over HTTP(S) "
                                               "(mod_xml_curl) before their own directory; http only to the box "
                                               "itself; empty: none"),
    DIRECTORY_VARS["timeout"]: Setting(DEFAULT_DIRECTORY_TIMEOUT, "farm", "seconds a box waits for the directory "
                                                                          "service's answer"),
    DIRECTORY_VARS["credentials"]: Setting(NO_DEFAULT, "farm", "HTTP basic credentials for the directory service, "
                                                               "user:password (vault); unset: none"),
    DIRECTORY_VARS["cacert_file"]: Setting("", "farm", "CA bundle on the boxes the https directory service's "
                                                       "certificate is checked against (empty: the system's)"),
    # database
    "freeswitch_ha_postgresql_version": Setting(NO_DEFAULT, "farm", "PostgreSQL major version (default: "
                                                                    "Debian's)"),
    "freeswitch_ha_db_engine": Setting(DEFAULT_ENGINE, "farm", "multi-master engine: pglogical, native or auto (native "
                                                       "on 16+)"),
    "freeswitch_ha_db_haproxy_group": Setting(DEFAULT_HAPROXY_GROUP, "farm", "group whose hosts run the "
                                                                             "PostgreSQL HAProxy"),
    "freeswitch_ha_db_client_networks": Setting(NO_DEFAULT, "farm", "networks pg_hba lets in (default: one entry "
                                                                    "per FreeSWITCH/HAProxy host)"),
    "freeswitch_ha_db_slot_wal_keep_size": Setting(
        DEFAULT_SLOT_WAL_KEEP_SIZE, "farm",
        "WAL a node keeps for a peer that is down (max_slot_wal_keep_size; past it the peer must be re-seeded; "
        "-1 keeps WAL without bound)"),
    RESEED_VAR: Setting(NO_DEFAULT, "farm", "a database node to re-seed from its peers (an extra variable of "
                                            "playbooks/db_reseed.yml)"),
    FAILBACK_VAR: Setting(DEFAULT_FAILBACK, "farm", "manual: once on a backup database node the FreeSWITCH "
                                                    "connections stay there until playbooks/db_failback.yml "
                                                    "checked the first node caught up; automatic: back as soon "
                                                    "as it answers"),
    PEERS_PORT_VAR: Setting(DEFAULT_PEERS_PORT, "farm", "TCP port the HAProxy hosts share their stick table on "
                                                        "(manual failback)"),
    FAILBACK_TIMEOUT_VAR: Setting(DEFAULT_FAILBACK_TIMEOUT, "farm", "seconds db_failback.yml waits for the first "
                                                                    "node to catch up before it refuses"),
    # database backups (pgBackRest)
    BACKUP_NODE_VAR: Setting(NO_DEFAULT, "farm", "the database node pgBackRest backs up and archives WAL from "
                                                 "(unset: no backups)"),
    BACKUP_REPOSITORY_VAR: Setting(DEFAULT_BACKUP_REPOSITORY, "farm", "the pgBackRest repository on the backup "
                                                                      "node: mount storage that outlives the node "
                                                                      "there"),
    BACKUP_MOUNTED_VAR: Setting(False, "farm", "the repository must be a mount point: no backup goes to the node's "
                                               "own disk when the mount is missing"),
    BACKUP_CIPHER_VAR: Setting(NO_DEFAULT, "farm", "passphrase the repository is encrypted with (vault; required "
                                                   "with a backup node)"),
    BACKUP_RETENTION_VAR: Setting(DEFAULT_BACKUP_RETENTION, "farm", "full backups kept (with the WAL to restore "
                                                                    "any time since the oldest)"),
    BACKUP_FULL_VAR: Setting(DEFAULT_BACKUP_FULL, "farm", "when a full backup runs (systemd OnCalendar)"),
    BACKUP_DIFF_VAR: Setting(DEFAULT_BACKUP_DIFF, "farm", "when a differential backup runs (systemd OnCalendar)"),
    ARCHIVE_TIMEOUT_VAR: Setting(DEFAULT_ARCHIVE_TIMEOUT, "farm", "seconds after which a WAL segment is archived "
                                                                  "even when not full (archive_timeout): the most "
                                                                  "a restore loses of a quiet node"),
    RESTORE_TARGET_VAR: Setting(NO_DEFAULT, "farm", "what playbooks/db_restore.yml restores the backup node to: "
                                                    "'latest' or a time with its zone (an extra variable)"),
    RESTORE_MODE_VAR: Setting(DEFAULT_RESTORE_MODE, "farm", "standalone (the restored node runs alone, its "
                                                            "subscriptions disabled) or member (re-seeded from its "
                                                            "peers after the restore)"),
    # storage
    "freeswitch_ha_storage_replica": Setting(DEFAULT_REPLICA, "farm", "GlusterFS replica count (2 or 3)"),
    "freeswitch_ha_storage_arbiter": Setting(DEFAULT_ARBITER, "farm", "the third brick of each set is an arbiter"),
    "freeswitch_ha_storage_volumes": Setting(NO_DEFAULT, "farm", "GlusterFS volumes (default: the glusterfs "
                                                                 "role's three FreeSWITCH volumes)"),
    "freeswitch_ha_storage_volume_options": Setting({}, "farm", "volume options merged over the role's HA "
                                                                "defaults"),
    "freeswitch_ha_storage_brick_root": Setting(DEFAULT_BRICK_ROOT, "host", "directory holding the host's bricks"),
    "freeswitch_ha_storage_brick_force": Setting(False, "farm", "allow bricks on the root filesystem (the lab)"),
    # SIP edge: Kamailio and rtpengine
    "freeswitch_ha_sip_advertise": Setting(NO_DEFAULT, "farm", "address Kamailio advertises (default: the LB's "
                                                               "first tenant VIP)"),
    "freeswitch_ha_sip_client_networks": Setting(NO_DEFAULT, "farm", "networks SIP clients come from (default: "
                                                                     "the farm network)"),
    "freeswitch_ha_sip_flood_exempt_networks": Setting([], "farm", "networks exempt from Kamailio's flood limits"),
    "freeswitch_ha_sip_registrar": Setting("freeswitch", "farm", "which tier registers SIP users"),
    "freeswitch_ha_sip_users": Setting([], "farm", "SIP and verto users: user, domain (a tenant's SIP "
                                       "domain), password (vault)"),
    "freeswitch_ha_xml_files": Setting([], "farm", "the operator's own FreeSWITCH XML files: path (an include "
                                       "area), content (may hold secrets), tenant (optional)"),
    "freeswitch_ha_sip_probe_interval": Setting(1, "farm", "dispatcher probe interval (s)"),
    "freeswitch_ha_sip_failover_timer_ms": Setting(2000, "farm", "Kamailio's failover timer (ms)"),
    "freeswitch_ha_sip_pike_density": Setting(400, "farm", "pike density (requests per client and interval)"),
    "freeswitch_ha_rtpengine_ports": Setting("40000-44999", "farm", "rtpengine's port range on the load "
                                                                    "balancers"),
    "freeswitch_ha_rtpengine_advertise": Setting("", "farm", "advertised address of rtpengine's interface"),
    "freeswitch_ha_rtpengine_ng_port": Setting(2223, "farm", "UDP port of rtpengine's ng control"),
    "freeswitch_ha_rtpengine_kernel": Setting(False, "farm", "rtpengine's in-kernel forwarding"),
    # SIP edge: keepalived
    "freeswitch_ha_vrrp_advert_int": Setting(0.1, "farm", "VRRP advert interval (s)"),
    "freeswitch_ha_vrrp_rt_priority": Setting(40, "farm", "SCHED_RR priority of the VRRP process (0: normal "
                                                          "scheduling)"),
    "freeswitch_ha_vrrp_unicast": Setting(False, "farm", "unicast VRRP between the LBs' addresses"),
    "freeswitch_ha_vrrp_nopreempt": Setting(False, "farm", "keepalived nopreempt"),
    "freeswitch_ha_vrrp_priority_step": Setting(DEFAULT_PRIORITY_STEP, "farm", "priority gap between the LBs of a "
                                                                               "pair"),
    "freeswitch_ha_vrrp_interface": Setting("", "farm", "VRRP interface (empty: detected)"),
    "freeswitch_ha_vrrp_track_scripts": Setting(NO_DEFAULT, "farm", "track scripts (default: kamailio and "
                                                                    "rtpengine, plus chk_verto)"),
    "freeswitch_ha_vrrp_verto_check": Setting("", "farm", "command of the chk_verto track script (empty: none)"),
    "freeswitch_ha_vrrp_notify_hooks": Setting([], "farm", "keepalived notify hooks"),
    # verto edge
    "freeswitch_ha_verto_return_path": Setting(DEFAULT_RETURN_PATH, "farm", "verto media return path: route or snat"),
    "freeswitch_ha_verto_client_networks": Setting(DEFAULT_CLIENT_NETWORKS, "farm", "networks the boxes route "
                                                                                    "via the internal VIP (route "
                                                                                    "only)"),
    "freeswitch_ha_verto_conntrack_sync": Setting(False, "farm", "conntrackd sync between the LB pair"),
    # operations
    "freeswitch_ha_allow_drills": Setting(False, "farm", "drill.yml may kill this inventory's hosts"),
    "freeswitch_ha_drain_host": Setting(REQUIRED, "run", "the box drain.yml and undrain.yml work on"),
    "freeswitch_ha_drain_standby": Setting(True, "farm", "put the box's sofia profiles on standby while draining"),
    "freeswitch_ha_drain_timeout": Setting(600, "farm", "seconds drain.yml waits for the calls to end"),
    "freeswitch_ha_undrain_timeout": Setting(60, "farm", "seconds undrain.yml waits for the box to take calls"),
    # channels, not calls: "show calls" counts bridged calls only, so a box
    # answering calls itself (IVR, echo, tone) would look empty while it works
    "freeswitch_ha_calls_command": Setting('fs_cli -x "show channels count"', "farm", "command that prints the "
                                                                                      "box's calls in progress"),
    "freeswitch_ha_restart_service": Setting("freeswitch", "farm", "unit rolling_restart.yml restarts"),
    # no default: an installed collection's own directory is no place for reports
    "freeswitch_ha_report_dir": Setting(NO_DEFAULT, "run", "controller directory drill.yml and summary.yml write "
                                                           "drill.json and topology.svg to; unset: only printed"),
    # lab only
    "freeswitch_ha_lab_subnet": Setting(REQUIRED, "lab", "lab-only: the lab network (CIDR), also the farm network"),
    "freeswitch_ha_lab_network": Setting("fsha-lab", "lab", "lab-only: name of the lab's Docker network"),
    "freeswitch_ha_lab_release": Setting("bookworm", "lab", "lab-only: Debian release of the lab containers"),
    "freeswitch_ha_lab_cpu_shares": Setting(NO_DEFAULT, "lab", "lab-only: Docker --cpu-shares of the inventory's "
                                                               "containers (the FreeSWITCH builder asks for 2)"),
}

# Set by the playbooks, never by the inventory.
COLLECTION_FACTS = {
    "freeswitch_ha_plan": "the farm plan, set on localhost by playbooks/plan.yml",
    "freeswitch_ha_reached": "set on every host that answered by playbooks/site.yml",
}

KNOWN = frozenset(SETTINGS) | frozenset(COLLECTION_FACTS)
# Never copied into the plan (the plan is a fact any task may print).
SECRETS = frozenset({
    "freeswitch_ha_db_password", "freeswitch_ha_replication_password", "freeswitch_ha_esl_password",
    "freeswitch_ha_signalwire_token", BACKUP_CIPHER_VAR, "freeswitch_ha_sip_users",
    "freeswitch_ha_xml_files", DIRECTORY_VARS["credentials"],
})
# The scopes the plan's settings cover: host, run and lab values are read where they apply.
PLAN_SCOPES = ("farm", "farm or host")
# What the plan reads once for the whole farm (secrets are read on each host, never planned).
FARM_WIDE = frozenset(name for name, setting in SETTINGS.items()
                      if setting.scope == "farm" and name not in SECRETS and setting.default != REQUIRED)


def is_unknown(name):
    """True for a freeswitch_ha_* name the collection does not read."""
    return str(name).startswith(PREFIX) and name not in KNOWN


def closest_known(name):
    """The known name nearest to ``name`` (difflib), to suggest for a misspelling."""
    return max(sorted(KNOWN), key=lambda known: difflib.SequenceMatcher(None, name, known).ratio())


def is_farm_wide(name):
    """True for a setting of scope ``farm``: read once for the whole farm (group_vars/all)."""
    return name in FARM_WIDE


def setting_value(variables, name):
    """The value of setting ``name`` in ``variables`` (a host's or the farm's), else its default (None if none)."""
    if isinstance(variables, dict) and name in variables:
        return variables[name]
    default = SETTINGS[name].default
    return None if default in (REQUIRED, NO_DEFAULT) else copy.deepcopy(default)


def plan_settings(farm_vars):
    """{name: value} of every farm-wide, non-secret setting with a default or none, the default applied.

    A setting without a default (NO_DEFAULT) is None when unset: the plan
    derives its value where the description says so. REQUIRED settings are
    left out: the plan carries them in their planned form (tenants, VIPs).
    """
    farm_vars = farm_vars if isinstance(farm_vars, dict) else {}
    result = {}
    for name, setting in SETTINGS.items():
        if setting.scope not in PLAN_SCOPES or name in SECRETS or setting.default == REQUIRED:
            continue
        result[name] = setting_value(farm_vars, name)
    return result


def _problem(host, name):
    if is_farm_wide(name):
        return problem(host, name, "is a farm-wide setting: set it once for the whole farm (group_vars/all); the "
                                   "plan reads it for the farm, so a value for one host or group has no effect")
    return problem(host, name, f"unknown variable: the collection does not read it, so it has no effect; did you "
                               f"mean {closest_known(name)}? (known names: plugins/plugin_utils/farm_settings.py)")


def check(farm):
    """[{host, variable, message}] for every unknown freeswitch_ha_* name, farm-wide then per host.

    A host's farm-wide setting that farm_inventory kept (set for the host with
    a value other than the farm's) is reported too.
    """
    problems = []
    if not isinstance(farm, dict):
        return problems
    farm_vars = farm.get("vars")
    if isinstance(farm_vars, dict):
        problems.extend(_problem(ALL, name) for name in sorted(farm_vars, key=str) if is_unknown(name))
    hosts = farm.get("hosts")
    if isinstance(hosts, dict):
        for host, hostvars in hosts.items():
            if isinstance(hostvars, dict):
                problems.extend(_problem(host, name) for name in sorted(hostvars, key=str)
                                if is_unknown(name) or is_farm_wide(name))
    return problems
