"""services: the service catalogue of the plan, checked against the roles and docs/ports.md."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import services
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import LOOPBACK
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.services import port_table, service

DOC = ROOT / "docs" / "ports.md"
BEGIN = "<!-- port table: generated from the lab plan, checked by tests/unit/plugins/plugin_utils/test_services.py -->"
END = "<!-- end of the port table -->"


@pytest.fixture(name="catalogue")
def _catalogue(lab_farm):
    return farm_plan(lab_farm)["services"]


def test_entries_have_every_column(catalogue):
    for entry in catalogue:
        assert tuple(entry) == services.COLUMNS
        assert entry["tier"] in services.TIERS
        assert entry["bind"] in ("host", "vip", "loopback")
        assert (entry["port"] is None) == (entry["protocol"] == services.VRRP)


def test_ports_are_the_ones_the_roles_listen_on(catalogue):
    for (role, variable), value in services.ROLE_DEFAULTS.items():
        defaults = yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text(encoding="utf-8"))
        assert defaults[variable] == value, (role, variable)
    handlers = (ROOT / "roles" / "glusterfs" / "handlers" / "main.yml").read_text(encoding="utf-8")
    assert f"port: {services.GLUSTERD_PORT}" in handlers
    esl = (ROOT / "roles" / "freeswitch" / "templates" / "etc" / "freeswitch" / "autoload_configs"
           / "event_socket.conf.xml.j2").read_text(encoding="utf-8")
    assert f'name="listen-ip" value="{LOOPBACK}"' in esl


def test_the_lab_catalogue(catalogue):
    sip = service(catalogue, "lb1", "kamailio-sip", "udp")
    assert (sip["address"], sip["port"], sip["from_networks"]) == ("172.28.57.11", 5060, ["172.28.57.0/24"])
    assert sorted(e["address"] for e in catalogue if e["host"] == "lb1" and e["service"] == "kamailio-sip"
                  and e["protocol"] == "tcp") == ["172.28.57.100", "172.28.57.101", "172.28.57.11"]
    ng = service(catalogue, "lb2", "rtpengine-ng")
    assert (ng["address"], ng["port"], ng["from_addresses"]) == ("172.28.57.12", 2223, ["172.28.57.11", "172.28.57.12"])
    assert (service(catalogue, "lb1", "rtpengine-media")["port"],
            service(catalogue, "lb1", "rtpengine-media")["port_end"]) == (40000, 44999)
    vrrp = service(catalogue, "lb1", "keepalived-vrrp")
    assert (vrrp["protocol"], vrrp["from_hosts"]) == ("vrrp", ["lb2"])
    rtp = service(catalogue, "fs3", "freeswitch-rtp")
    assert (rtp["port"], rtp["port_end"]) == (18384, 19383)
    esl = service(catalogue, "fs1", "freeswitch-esl")
    assert (esl["address"], esl["port"], esl["bind"]) == ("127.0.0.1", 8021, "loopback")
    assert service(catalogue, "fs1", "freeswitch-verto")["port"] == 8081
    assert service(catalogue, "fs2", "haproxy-pgsql")["address"] == "127.0.0.1"
    pg = service(catalogue, "db1", "postgresql")
    assert pg["from_hosts"] == ["db2", "fs1", "fs2", "fs3", "fs4"]
    assert [e["host"] for e in catalogue if e["service"] == "glusterd"] == ["db1", "db2", "client1"]
    public = [e for e in catalogue if e["service"] == "verto-public" and e["host"] == "lb1"]
    assert [(e["address"], e["port"]) for e in public] == [
        ("172.28.57.100", 8082), ("172.28.57.100", 8083), ("172.28.57.101", 8082), ("172.28.57.101", 8083)]
    assert service(catalogue, "lb1", "conntrackd") is None  # no conntrack sync in the lab


def test_catalogue_follows_the_settings(lab_farm):
    lab_farm["vars"].update({"freeswitch_ha_rtpengine_ng_port": 2300, "freeswitch_ha_verto_conntrack_sync": True,
                             "freeswitch_ha_db_haproxy_port": 6432, "freeswitch_ha_db_client_networks": ["172.28.57.0/26"],
                             "freeswitch_ha_db_haproxy_group": "lab_clients"})
    catalogue = farm_plan(lab_farm)["services"]
    assert service(catalogue, "lb1", "rtpengine-ng")["port"] == 2300
    assert service(catalogue, "lb1", "conntrackd")["from_hosts"] == ["lb2"]
    haproxy = service(catalogue, "client1", "haproxy-pgsql")
    assert (haproxy["address"], haproxy["port"], haproxy["bind"]) == ("172.28.57.41", 6432, "host")
    assert service(catalogue, "fs1", "haproxy-pgsql") is None  # the boxes no longer run HAProxy
    assert service(catalogue, "db2", "postgresql")["from_networks"] == ["172.28.57.0/26"]


def test_catalogue_is_deterministic(lab_farm):
    assert farm_plan(lab_farm)["services"] == farm_plan(lab_farm)["services"]


def test_docs_port_table_is_the_lab_catalogue(catalogue):
    text = DOC.read_text(encoding="utf-8")
    match = re.search(re.escape(BEGIN) + r"\n(.*?)" + re.escape(END), text, re.S)
    assert match, f"docs/ports.md has no port table between {BEGIN!r} and {END!r}"
    expected = port_table(catalogue)
    assert match.group(1) == expected, "docs/ports.md's table is stale; the lab catalogue renders:\n" + expected
