"""module_utils.gluster against CLI output recorded from real glusterd daemons.

fixtures/gluster: GlusterFS 10.3 (Debian 12); fixtures/gluster/11: GlusterFS 11.1 (Debian 13).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.gluster import (
    GlusterError,
    cli_message,
    create_args,
    find_peer,
    heal_complete,
    parse_cli,
    parse_heal_info,
    parse_pool,
    parse_volumes,
    peers_to_detach,
    plan_peers,
    plan_volume,
    planned_view,
    pool_view,
    same_option,
    volume_view,
)

FIXTURES = Path(__file__).parent / "fixtures" / "gluster"
BRICKS = [f"172.28.64.1{i}:/srv/gluster/bricks/rec/brick" for i in (1, 2, 3)]


BRICKS_11 = [f"172.28.69.1{i}:/srv/gluster/bricks/freeswitch_recordings/brick" for i in (1, 2, 3)]
ROLE_DEFAULTS = Path(__file__).resolve().parents[4] / "roles" / "glusterfs" / "defaults" / "main.yml"
ROLE_OPTIONS = yaml.safe_load(ROLE_DEFAULTS.read_text(encoding="utf-8"))["glusterfs_volume_options"]


def fixture(name, version="10"):
    return (FIXTURES / ("" if version == "10" else version) / name).read_text(encoding="utf-8")


def test_pool_alone_is_only_localhost():
    peers = parse_pool(fixture("pool_list_alone.xml"))
    assert len(peers) == 1 and peers[0]["local"] and peers[0]["hostnames"] == ["localhost"]
    assert pool_view(peers) == []


def test_pool_of_three_seen_from_the_first_node():
    peers = parse_pool(fixture("pool_list_three.xml"))
    assert pool_view(peers) == ["172.28.64.12", "172.28.64.13"]
    assert all(p["connected"] for p in peers)
    assert find_peer(peers, "172.28.64.13")["state"] == "Peer in Cluster"


def test_peer_status_has_no_local_entry():
    assert parse_pool(fixture("peer_status_alone.xml")) == []
    assert len(parse_pool(fixture("peer_status_two.xml"))) == 2


def test_first_node_known_by_name_then_by_alias():
    by_name = parse_pool(fixture("pool_list_three_from_gl2.xml"))
    assert find_peer(by_name, "172.28.64.11") is None
    assert plan_peers(by_name, ["172.28.64.11"], ["172.28.64.12"]) == ["172.28.64.11"]
    with_alias = parse_pool(fixture("pool_list_alias_from_gl2.xml"))
    assert find_peer(with_alias, "172.28.64.11")["hostnames"] == ["fsha-gl1.fsha-storage", "172.28.64.11"]
    assert plan_peers(with_alias, ["172.28.64.11"], ["172.28.64.12"]) == []


def test_plan_peers_skips_known_local_and_duplicates():
    alone = parse_pool(fixture("pool_list_alone.xml"))
    wanted = ["172.28.64.11", "172.28.64.12", "172.28.64.13", "172.28.64.12"]
    assert plan_peers(alone, wanted, ["172.28.64.11"]) == ["172.28.64.12", "172.28.64.13"]
    three = parse_pool(fixture("pool_list_three.xml"))
    assert plan_peers(three, wanted, ["172.28.64.11"]) == []
    # "localhost" is never a peer to probe or detach
    assert plan_peers(three, ["localhost"]) == ["localhost"]
    assert peers_to_detach(three, ["localhost", "172.28.64.13", "172.28.64.99"]) == ["172.28.64.13"]


def test_probe_answers():
    assert cli_message(parse_cli(fixture("peer_probe_ok.xml"))) == "success"
    assert "already in peer list" in cli_message(parse_cli(fixture("peer_probe_again.xml")))
    with pytest.raises(GlusterError, match="peer probe x: Probe returned with Transport endpoint is not connected"):
        parse_cli(fixture("peer_probe_unreachable.xml"), "peer probe x")


def test_cli_errors_are_the_cli_messages():
    with pytest.raises(GlusterError, match="brick .* is being created in the root partition"):
        parse_cli(fixture("volume_create_root_partition.xml"), "volume create rec")
    with pytest.raises(GlusterError, match="Volume rec already exists"):
        parse_cli(fixture("volume_create_exists.xml"))
    with pytest.raises(GlusterError, match="network.no-such-option does not exist"):
        parse_cli(fixture("volume_set_unknown.xml"))
    with pytest.raises(GlusterError, match='invalid time format "banana"'):
        parse_cli(fixture("volume_set_bad_value.xml"))
    with pytest.raises(GlusterError, match="already started"):
        parse_cli(fixture("volume_start_again.xml"))
    for bad in ("", "   ", "not xml", "<other/>"):
        with pytest.raises(GlusterError):
            parse_cli(bad)
    assert parse_cli(fixture("volume_create_ok.xml")).findtext("volCreate/volume/name") == "rec"


def test_volume_info():
    assert parse_volumes(fixture("volume_info_none.xml")) == {}
    assert parse_volumes(fixture("volume_info_missing.xml")) == {}
    created = parse_volumes(fixture("volume_info_created.xml"))["rec"]
    assert created["status"] == "Created" and created["replica"] == 3 and created["arbiter"] == 1
    assert created["bricks"] == BRICKS and created["arbiter_bricks"] == BRICKS[2:]
    started = parse_volumes(fixture("volume_info_started_options.xml"))["rec"]
    assert started["status"] == "Started"
    assert started["options"]["network.ping-timeout"] == "5"
    assert started["options"]["cluster.heal-timeout"] == "10"
    assert parse_volumes(fixture("volume_info_all_one.xml")).keys() == {"rec"}


def test_heal_info():
    clean = parse_heal_info(fixture("volume_heal_info_clean.xml"))
    assert [b["pending"] for b in clean] == [0, 0, 0] and heal_complete(clean)
    down = parse_heal_info(fixture("volume_heal_info_brick_down.xml"))
    assert [(b["connected"], b["pending"]) for b in down] == [(True, 21), (False, None), (True, 21)]
    assert not heal_complete(down)
    assert not heal_complete([])


def test_create_args():
    assert create_args("rec", BRICKS, 3, True, force=True) == [
        "volume", "create", "rec", "replica", "3", "arbiter", "1", "transport", "tcp", *BRICKS, "force"]
    assert create_args("rec", BRICKS[:2], 2, False)[:5] == ["volume", "create", "rec", "replica", "2"]
    with pytest.raises(GlusterError, match="arbiter needs replica 3"):
        create_args("rec", BRICKS[:2], 2, True)
    with pytest.raises(GlusterError, match="not a multiple of replica 3"):
        create_args("rec", BRICKS[:2], 3, True)
    with pytest.raises(GlusterError, match="listed twice"):
        create_args("rec", [BRICKS[0]] * 3, 3, True)


def test_plan_new_volume_creates_sets_and_starts():
    actions = plan_volume(None, "rec", BRICKS, 3, True, {"network.ping-timeout": 3, "cluster.self-heal-daemon": True},
                          "started")
    assert actions == {"create": True, "start": True, "stop": False, "delete": False,
                       "set": {"cluster.self-heal-daemon": "on", "network.ping-timeout": "3"}}
    after = planned_view(None, "rec", BRICKS, 3, True, {"network.ping-timeout": 3}, "started", actions)
    assert after["status"] == "Started" and after["bricks"] == BRICKS


def test_plan_existing_volume_is_idempotent_and_sets_only_differences():
    current = parse_volumes(fixture("volume_info_started_options.xml"))["rec"]
    same = plan_volume(current, "rec", BRICKS, 3, True, {"network.ping-timeout": "5", "cluster.granular-entry-heal": True},
                       "started")
    assert same == {"create": False, "start": False, "stop": False, "delete": False, "set": {}}
    differs = plan_volume(current, "rec", BRICKS, 3, True, {"network.ping-timeout": 3, "cluster.heal-timeout": 10}, "started")
    assert differs["set"] == {"network.ping-timeout": "3"}
    before = volume_view(current, {"network.ping-timeout": 3})
    assert before["options"] == {"network.ping-timeout": "5"}
    assert planned_view(current, "rec", BRICKS, 3, True, {"network.ping-timeout": 3}, "started",
                        differs)["options"] == {"network.ping-timeout": "3"}


def test_plan_created_volume_is_started_and_stop_delete():
    created = parse_volumes(fixture("volume_info_created.xml"))["rec"]
    assert plan_volume(created, "rec", BRICKS, 3, True, {}, "started")["start"]
    assert not plan_volume(created, "rec", BRICKS, 3, True, {}, "present")["start"]
    started = parse_volumes(fixture("volume_info_started_options.xml"))["rec"]
    assert plan_volume(started, "rec", BRICKS, 3, True, {}, "stopped")["stop"]
    gone = plan_volume(started, "rec", [], 3, True, {}, "absent")
    assert gone["stop"] and gone["delete"]
    assert plan_volume(None, "rec", [], 3, True, {}, "absent") == {
        "create": False, "start": False, "stop": False, "delete": False, "set": {}}


def test_plan_refuses_another_layout():
    current = parse_volumes(fixture("volume_info_started_options.xml"))["rec"]
    with pytest.raises(GlusterError, match="exists with another layout .*bricks are"):
        plan_volume(current, "rec", list(reversed(BRICKS)), 3, True, {}, "started")
    with pytest.raises(GlusterError, match="arbiter is True, wanted False"):
        plan_volume(current, "rec", BRICKS, 3, False, {}, "started")


@pytest.mark.parametrize(("current", "wanted", "same"), [
    ("on", True, True), ("off", False, True), ("enable", "on", True), ("yes", "true", True),
    ("on", "off", False), ("5", 5, True), ("5", "3", False), (None, "on", False),
])
def test_same_option(current, wanted, same):
    assert same_option(current, wanted) is same


# GlusterFS 11.1 (Debian 13): the same --xml layout as 10.3, read by the same code.
def test_11_pool_of_three_seen_from_the_first_node():
    peers = parse_pool(fixture("pool_list_three.xml", "11"))
    assert pool_view(peers) == ["172.28.69.12", "172.28.69.13"]
    assert all(p["connected"] and (p["local"] or p["state"] == "Peer in Cluster") for p in peers)
    assert len(parse_pool(fixture("peer_status_two.xml", "11"))) == 2


def test_11_first_node_keeps_its_address_as_main_name_after_the_probe_back():
    # 10.3 keeps the reverse-DNS name it learned first and adds the address as
    # an alias (pool_list_alias_from_gl2.xml); 11.1 makes the probed address the
    # main name. Either way the pool knows the address: nothing more to probe.
    peers = parse_pool(fixture("pool_list_three_from_gt2.xml", "11"))
    first = find_peer(peers, "172.28.69.11")
    assert first["hostnames"] == ["172.28.69.11", "fsha-gt1.fsha-storage-trixie"]
    assert pool_view(peers) == ["172.28.69.11", "172.28.69.13"]
    assert plan_peers(peers, ["172.28.69.11"], ["172.28.69.12"]) == []


def test_11_cli_errors_are_the_cli_messages():
    assert "already in peer list" in cli_message(parse_cli(fixture("peer_probe_again.xml", "11")))
    with pytest.raises(GlusterError, match="brick 172.28.69.11:.* is being created in the root partition"):
        parse_cli(fixture("volume_create_root_partition.xml", "11"), "volume create x")
    with pytest.raises(GlusterError, match="Volume freeswitch_recordings already exists"):
        parse_cli(fixture("volume_create_exists.xml", "11"))
    with pytest.raises(GlusterError, match="cluster.nosuch does not exist"):
        parse_cli(fixture("volume_set_unknown.xml", "11"))
    with pytest.raises(GlusterError, match='invalid time format "abc"'):
        parse_cli(fixture("volume_set_bad_value.xml", "11"))
    with pytest.raises(GlusterError, match="already started"):
        parse_cli(fixture("volume_start_again.xml", "11"))
    parse_cli(fixture("volume_set_ok.xml", "11"))
    assert parse_volumes(fixture("volume_info_missing.xml", "11")) == {}


def test_11_volume_info_and_the_role_options():
    volume = parse_volumes(fixture("volume_info_started_options.xml", "11"))["freeswitch_recordings"]
    assert (volume["status"], volume["replica"], volume["arbiter"]) == ("Started", 3, 1)
    assert volume["bricks"] == BRICKS_11 and volume["arbiter_bricks"] == BRICKS_11[2:]
    # recorded while the role still set cluster.heal-timeout 10: a converge sets only that option
    assert volume["options"]["cluster.heal-timeout"] == "10" != str(ROLE_OPTIONS["cluster.heal-timeout"])
    actions = plan_volume(volume, "freeswitch_recordings", BRICKS_11, 3, True, ROLE_OPTIONS, "started")
    assert actions == {"create": False, "start": False, "stop": False, "delete": False,
                       "set": {"cluster.heal-timeout": str(ROLE_OPTIONS["cluster.heal-timeout"])}}


def test_11_heal_info():
    clean = parse_heal_info(fixture("volume_heal_info_clean.xml", "11"))
    assert [b["pending"] for b in clean] == [0, 0, 0] and heal_complete(clean)
    down = parse_heal_info(fixture("volume_heal_info_brick_down.xml", "11"))
    assert [(b["connected"], b["pending"]) for b in down] == [(True, 4), (False, None), (True, 4)]
    assert not heal_complete(down)
