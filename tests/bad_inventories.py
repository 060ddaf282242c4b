"""Bad inventories an operator could write, shared by the unit and integration tests.

Each case mutates the lab inventory picture (tests/conftest.py LAB_FARM) and
names the host and variable the preflight must report.
"""

from __future__ import annotations

import copy


def _tenant(farm, name):
    return farm["vars"]["freeswitch_ha_tenants"][name]


def _set_host(host, var, value):
    def mutate(farm):
        farm["hosts"][host][var] = value
    return mutate


def _set_var(var, value):
    def mutate(farm):
        farm["vars"][var] = value
    return mutate


def _set_tenant(name, key, value):
    def mutate(farm):
        _tenant(farm, name)[key] = value
    return mutate


def _overlapping_ranges(farm):
    farm["hosts"]["fs1"]["freeswitch_ha_rtp_range"] = "20000-20999"
    farm["hosts"]["fs2"]["freeswitch_ha_rtp_range"] = "20500-21499"


def _missing_address(farm):
    del farm["hosts"]["db2"]["freeswitch_ha_address"]


def _missing_secret(farm):
    del farm["vars"]["freeswitch_ha_esl_password"]


def _one_database(farm):
    farm["groups"]["databases"] = ["db1"]
    farm["groups"]["storage"] = ["db1"]
    farm["groups"]["all"].remove("db2")
    del farm["hosts"]["db2"]


def _one_balancer(farm):
    farm["groups"]["loadbalancers"] = ["lb1"]


def _fs_in_no_tenant(farm):
    farm["hosts"]["fs5"] = {"freeswitch_ha_address": "172.28.57.25", "freeswitch_ha_max_sessions": 100}
    farm["groups"]["freeswitch"].append("fs5")
    farm["groups"]["all"].append("fs5")


def _call_load_without_max_sessions(farm):
    _tenant(farm, "beta")["dispatcher_algorithm"] = "call_load"
    del farm["hosts"]["fs4"]["freeswitch_ha_max_sessions"]


def _shared_vip(farm):
    _tenant(farm, "beta")["vip"] = "172.28.57.100"
    _tenant(farm, "beta")["vrrp_router_id"] = 51


def _group_tenant_without_router_id(farm):
    del farm["vars"]["freeswitch_ha_tenants"]["alpha"]
    farm["groups"]["tenant_alpha"] = ["fs1", "fs2", "lb1", "lb2"]
    settings = {"sip_domains": ["alpha.lab.invalid"], "vip": "172.28.57.100", "dispatcher_algorithm": "weighted"}
    farm["hosts"]["fs1"]["freeswitch_ha_tenant"] = settings


def _set_vars(**values):
    def mutate(farm):
        farm["vars"].update(values)
    return mutate


# a real-looking passphrase, so only the problem under test is reported
_CIPHER = "Wq2mT9vLx4RkP7sZa1Nc"


def _no_internal_vip(farm):
    del farm["vars"]["freeswitch_ha_internal_vip"]


# (id, mutation, host, variable, a fragment of the message)
CASES = [
    ("rtp_ranges_overlap", _overlapping_ranges, "fs2", "freeswitch_ha_rtp_range", "overlaps fs1's"),
    ("slot_wal_bound_below_a_segment", _set_var("freeswitch_ha_db_slot_wal_keep_size", "8MB"),
     "all", "freeswitch_ha_db_slot_wal_keep_size", "smaller than one WAL segment"),
    ("db_reseed_not_a_database_node", _set_var("freeswitch_ha_db_reseed", "fs1"),
     "all", "freeswitch_ha_db_reseed", "is not a host of the databases group"),
    ("db_backup_node_not_a_database_node",
     _set_vars(freeswitch_ha_db_backup_node="fs1", freeswitch_ha_db_backup_cipher_pass=_CIPHER),
     "all", "freeswitch_ha_db_backup_node", "is not a host of the databases group"),
    ("db_backup_without_cipher_pass", _set_vars(freeswitch_ha_db_backup_node="db2"),
     "all", "freeswitch_ha_db_backup_cipher_pass", "secret is missing"),
    ("db_backup_repository_relative",
     _set_vars(freeswitch_ha_db_backup_node="db2", freeswitch_ha_db_backup_cipher_pass=_CIPHER,
               freeswitch_ha_db_backup_repository="pgbackrest"),
     "all", "freeswitch_ha_db_backup_repository", "not an absolute directory"),
    ("db_restore_without_backup_node", _set_vars(freeswitch_ha_db_restore_target="latest"),
     "all", "freeswitch_ha_db_restore_target", "nothing to restore"),
    ("db_restore_target_without_zone",
     _set_vars(freeswitch_ha_db_backup_node="db2", freeswitch_ha_db_backup_cipher_pass=_CIPHER,
               freeswitch_ha_db_restore_target="2026-12-01 09:30:00"),
     "all", "freeswitch_ha_db_restore_target", "has no time zone"),
    ("slot_wal_bound_not_a_size", _set_var("freeswitch_ha_db_slot_wal_keep_size", "4gb"),
     "all", "freeswitch_ha_db_slot_wal_keep_size", "is not a PostgreSQL size"),
    ("rtp_range_too_small", _set_host("fs1", "freeswitch_ha_rtp_range", "20000-20099"),
     "fs1", "freeswitch_ha_rtp_range", "fewer than the minimum"),
    ("rtp_range_below_1024", _set_host("fs1", "freeswitch_ha_rtp_range", "800-1799"),
     "fs1", "freeswitch_ha_rtp_range", "outside 1024-65535"),
    ("rtp_range_odd_start", _set_host("fs3", "freeswitch_ha_rtp_range", "20001-21000"),
     "fs3", "freeswitch_ha_rtp_range", "even port"),
    ("rtp_pool_above_65535", _set_var("freeswitch_ha_rtp_pool", "60000-70000"),
     "all", "freeswitch_ha_rtp_pool", "outside 1024-65535"),
    ("rtp_pool_exhausted", _set_var("freeswitch_ha_rtp_pool", "16384-18383"),
     "fs3", "freeswitch_ha_rtp_range", "no free slot"),
    ("rtp_pin_moves_other_ranges", _set_host("fs4", "freeswitch_ha_rtp_range", "16384-17383"),
     "fs4", "freeswitch_ha_rtp_range", "moves the RTP ranges of fs1, fs2, fs3"),
    ("rtp_allow_moving_not_a_bool", _set_var("freeswitch_ha_rtp_allow_moving_ranges", "yes"),
     "all", "freeswitch_ha_rtp_allow_moving_ranges", "must be true or false"),
    ("rtp_range_hits_rtpengine", _set_host("fs4", "freeswitch_ha_rtp_range", "40000-40999"),
     "fs4", "freeswitch_ha_rtp_range", "collides with rtpengine"),
    ("rtpengine_overlaps_pool", _set_var("freeswitch_ha_rtpengine_ports", "30000-34999"),
     "all", "freeswitch_ha_rtpengine_ports", "overlaps the FreeSWITCH RTP pool"),
    ("duplicate_vrrp_router_id", _set_tenant("beta", "vrrp_router_id", 51),
     "all", "freeswitch_ha_tenants.beta.vrrp_router_id", "already used by tenant alpha"),
    ("vrrp_router_id_out_of_range", _set_tenant("alpha", "vrrp_router_id", 300),
     "all", "freeswitch_ha_tenants.alpha.vrrp_router_id", "1-255"),
    ("internal_vrrp_router_id_zero", _set_var("freeswitch_ha_internal_vrrp_router_id", 0),
     "all", "freeswitch_ha_internal_vrrp_router_id", "1-255"),
    ("vip_outside_subnet", _set_tenant("alpha", "vip", "10.1.2.3"),
     "all", "freeswitch_ha_tenants.alpha.vip", "outside the farm network"),
    ("vip_is_a_host_address", _set_tenant("alpha", "vip", "172.28.57.11"),
     "all", "freeswitch_ha_tenants.alpha.vip", "lb1's host address"),
    ("invalid_address", _set_host("fs2", "freeswitch_ha_address", "172.28.57.300"),
     "fs2", "freeswitch_ha_address", "not a valid IP address"),
    ("missing_address", _missing_address, "db2", "freeswitch_ha_address", "is required"),
    ("duplicate_address", _set_host("fs2", "freeswitch_ha_address", "172.28.57.21"),
     "fs2", "freeswitch_ha_address", "already fs1's"),
    ("weight_zero", _set_host("fs3", "freeswitch_ha_weight", 0), "fs3", "freeswitch_ha_weight", "greater than 0"),
    ("max_sessions_negative", _set_host("fs1", "freeswitch_ha_max_sessions", -5),
     "fs1", "freeswitch_ha_max_sessions", "greater than 0"),
    ("tenant_without_freeswitch", _set_tenant("alpha", "freeswitch_hosts", []),
     "all", "freeswitch_ha_tenants.alpha.freeswitch_hosts", "no FreeSWITCH host"),
    ("tenant_without_lb_pair", _set_tenant("beta", "lb_hosts", ["lb1"]),
     "all", "freeswitch_ha_tenants.beta.lb_hosts", "no LB pair"),
    ("freeswitch_in_two_tenants", _set_tenant("beta", "freeswitch_hosts", ["fs2", "fs3", "fs4"]),
     "fs2", "freeswitch_ha_tenants.beta.freeswitch_hosts", "two tenants: alpha and beta"),
    ("tenant_names_unknown_host", _set_tenant("alpha", "freeswitch_hosts", ["fs1", "fs2", "fs9"]),
     "all", "freeswitch_ha_tenants.alpha.freeswitch_hosts", "'fs9' is not in the freeswitch group"),
    ("freeswitch_in_no_tenant", _fs_in_no_tenant, "fs5", "freeswitch_ha_tenants", "belongs to no tenant"),
    ("missing_secret", _missing_secret, "all", "freeswitch_ha_esl_password", "secret is missing"),
    ("example_secret_changeme", _set_var("freeswitch_ha_db_password", "changeme"),
     "all", "freeswitch_ha_db_password", "example value"),
    ("example_secret_prefix", _set_var("freeswitch_ha_replication_password", "example-replication-pw"),
     "all", "freeswitch_ha_replication_password", "example value"),
    ("esl_password_left_at_cluecon", _set_var("freeswitch_ha_esl_password", "ClueCon"),
     "all", "freeswitch_ha_esl_password", "example value"),
    ("duplicate_switchname", _set_host("fs2", "freeswitch_ha_switchname", "fs1"),
     "fs2", "freeswitch_ha_switchname", "already fs1's"),
    ("duplicate_verto_port_on_vip", _shared_vip, "fs3", "freeswitch_ha_tenants.beta.verto_port_base",
     "public verto port 8082 on VIP 172.28.57.100 is already fs1's"),
    ("verto_port_base_on_sip_port", _set_tenant("alpha", "verto_port_base", 5059),
     "fs2", "freeswitch_ha_tenants.alpha.verto_port_base", "SIP port"),
    ("local_verto_port_invalid", _set_host("fs1", "freeswitch_ha_verto_port", 70000),
     "fs1", "freeswitch_ha_verto_port", "not a TCP port"),
    ("unknown_dispatcher_algorithm", _set_tenant("alpha", "dispatcher_algorithm", "least_cost"),
     "all", "freeswitch_ha_tenants.alpha.dispatcher_algorithm", "unknown algorithm 'least_cost'"),
    ("dispatcher_algorithm_not_a_string", _set_tenant("alpha", "dispatcher_algorithm", ["weighted"]),
     "all", "freeswitch_ha_tenants.alpha.dispatcher_algorithm", "unknown algorithm ['weighted']"),
    ("call_load_without_max_sessions", _call_load_without_max_sessions,
     "fs4", "freeswitch_ha_max_sessions", "call_load"),
    ("duplicate_sip_domain", _set_tenant("beta", "sip_domains", ["alpha.lab.invalid"]),
     "all", "freeswitch_ha_tenants.beta.sip_domains", "already tenant alpha's"),
    ("tenant_setting_typo", _set_tenant("alpha", "vrrp_routerid", 51),
     "all", "freeswitch_ha_tenants.alpha.vrrp_routerid", "unknown tenant setting"),
    ("no_tenant_at_all", _set_var("freeswitch_ha_tenants", {}), "all", "freeswitch_ha_tenants", "no tenant"),
    ("one_database_node", _one_database, "databases", "members", "two database nodes"),
    ("one_load_balancer", _one_balancer, "loadbalancers", "members", "two load balancers"),
    ("network_not_a_cidr", _set_var("freeswitch_ha_network", "10.0.0.0/33"),
     "all", "freeswitch_ha_network", "not a network"),
    ("group_tenant_without_router_id", _group_tenant_without_router_id,
     "tenant_alpha", "freeswitch_ha_tenant.vrrp_router_id", "needs a VRRP router id"),
    ("internal_vip_missing", _no_internal_vip, "all", "freeswitch_ha_internal_vip", "is required"),
    # misspelled on purpose (tests/unit/plugins/plugin_utils/test_farm_settings.py MISSPELLED_ON_PURPOSE)
    ("unknown_host_variable", _set_host("fs1", "freeswitch_ha_max_sesions", 300),
     "fs1", "freeswitch_ha_max_sesions", "did you mean freeswitch_ha_max_sessions?"),
    ("unknown_farm_variable", _set_var("freeswitch_ha_rtp_pol", "20000-29999"),
     "all", "freeswitch_ha_rtp_pol", "did you mean freeswitch_ha_rtp_pool?"),
    ("sip_user_without_password", _set_var("freeswitch_ha_sip_users", [{"user": "1001", "domain": "alpha.lab.invalid"}]),
     "all", "freeswitch_ha_sip_users[0].password", "secret is missing"),
    ("sip_user_twice", _set_var("freeswitch_ha_sip_users", [
        {"user": "1001", "domain": "alpha.lab.invalid", "password": "Vq8-rT2mZk4pLs9w"},
        {"user": "1001", "domain": "Alpha.lab.invalid", "password": "Hs72kPq0vLm3xY-2"}]),
     "all", "freeswitch_ha_sip_users[1]", "is already freeswitch_ha_sip_users[0]"),
    ("xml_file_does_not_parse", _set_var("freeswitch_ha_xml_files", [
        {"path": "dialplan/extensions/sales.xml", "content": "<include>\n  <extension name='sales'>\n</include>\n"}]),
     "all", "freeswitch_ha_xml_files[0].content", "does not parse as XML (mismatched tag: line 3"),
    ("directory_service_in_clear", _set_var("freeswitch_ha_directory_url", "http://172.28.57.31:8095/directory"),
     "all", "freeswitch_ha_directory_url", "plain http to 172.28.57.31"),
]


def mutated(farm, mutation):
    """A mutated deep copy of farm."""
    farm = copy.deepcopy(farm)
    mutation(farm)
    return farm
