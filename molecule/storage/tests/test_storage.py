"""The storage tier: pool, volumes, mounts, files seen everywhere, no heal pending.

Tests taking the ``host`` fixture run on every host of the scenario; the
others run once and reach the containers by name. Host names and addresses
come from the scenario's inventory, so every storage scenario (storage on
bookworm, storage_trixie) runs these same tests.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import textwrap
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import testinfra
import yaml
from testinfra.utils.ansible_runner import AnsibleRunner

INVENTORY = os.path.join(os.environ["MOLECULE_SCENARIO_DIRECTORY"], "inventory")
_RUNNER = AnsibleRunner(INVENTORY)
# Servers in brick order (the inventory's): with replica 3 arbiter 1 the last holds the arbiter bricks.
SERVERS = {name: _RUNNER.get_variables(name)["freeswitch_ha_address"] for name in _RUNNER.get_hosts("storage")}
SERVER_NAMES = list(SERVERS)
ARBITER = SERVER_NAMES[-1]
CLIENTS = tuple(_RUNNER.get_hosts("freeswitch"))
VOLUMES = {
    "freeswitch_recordings": "/var/lib/freeswitch/recordings",
    "freeswitch_voicemail": "/var/lib/freeswitch/storage/voicemail",
    "freeswitch_shared": "/var/lib/freeswitch/shared",
}
BRICK_ROOT = "/srv/gluster/bricks"
PROJECT = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
# The scenarios set no volume options of their own: every volume carries the role's defaults.
ROLE_DEFAULTS = yaml.safe_load((PROJECT / "roles" / "glusterfs" / "defaults" / "main.yml").read_text(encoding="utf-8"))


def node(name):
    return testinfra.get_host(f"docker://fsha-{name}")


def gluster_xml(host, *args):
    out = host.check_output("gluster --mode=script %s --xml" % " ".join(args))
    root = ET.fromstring(out)
    assert root.findtext("opRet") == "0", out
    return root


def test_glusterd_on_servers_only(host):
    name = host.check_output("hostname")
    service = host.service("glusterd")
    if name in SERVERS:
        assert service.is_running and service.is_enabled
    else:
        assert not host.package("glusterfs-server").is_installed


def test_glusterd_starts_without_the_geo_replication_helper(host):
    """glusterfs_georeplication false: gsyncd diverted, glusterd's last start skipped geo-replication."""
    if host.check_output("hostname") not in SERVERS:
        pytest.skip("client")
    gsyncd = host.check_output("dpkg -L glusterfs-common | grep '/glusterfs/gsyncd$'")
    assert host.check_output(f"dpkg-divert --truename {gsyncd}") == f"{gsyncd}.distrib"
    assert not host.file(gsyncd).exists and host.file(f"{gsyncd}.distrib").exists
    log = host.file("/var/log/glusterfs/glusterd.log").content_string
    last_start = log.rindex("0-/usr/sbin/glusterd: Started running version")
    assert "geo-replication module not installed" in log[last_start:]


def test_pool_has_every_server_connected(host):
    if host.check_output("hostname") not in SERVERS:
        pytest.skip("client")
    peers = gluster_xml(host, "pool", "list").findall("peerStatus/peer")
    assert len(peers) == len(SERVERS)
    assert all(p.findtext("connected") == "1" for p in peers)
    names = {h.text for p in peers for h in p.findall("hostnames/hostname")}
    mine = SERVERS[host.check_output("hostname")]
    assert set(SERVERS.values()) - {mine} <= names


@pytest.mark.parametrize("volume", sorted(VOLUMES))
def test_volume_is_replica3_arbiter_with_ha_options(volume):
    info = gluster_xml(node(SERVER_NAMES[0]), "volume", "info", volume).find("volInfo/volumes/volume")
    assert info.findtext("statusStr") == "Started"
    assert info.findtext("replicaCount") == "3" and info.findtext("arbiterCount") == "1"
    bricks = [(b.findtext("name"), b.findtext("isArbiter")) for b in info.findall("bricks/brick")]
    assert bricks == [(f"{SERVERS[s]}:{BRICK_ROOT}/{volume}/brick", "1" if s == ARBITER else "0") for s in SERVER_NAMES]
    options = {o.findtext("name"): o.findtext("value") for o in info.findall("options/option")}
    wanted = {key: str(value) for key, value in ROLE_DEFAULTS["glusterfs_volume_options"].items()}
    assert {key: options.get(key) for key in wanted} == wanted


@pytest.mark.parametrize("volume", sorted(VOLUMES))
def test_nothing_pending_heal(volume):
    bricks = gluster_xml(node(ARBITER), "volume", "heal", volume, "info").findall("healInfo/bricks/brick")
    assert len(bricks) == len(SERVERS)
    assert [(b.findtext("status"), b.findtext("numberOfEntries")) for b in bricks] == [("Connected", "0")] * len(SERVERS)


def test_clients_mount_every_volume_with_backup_servers(host):
    if host.check_output("hostname") not in CLIENTS:
        pytest.skip("server")
    fstab = host.file("/etc/fstab").content_string
    for volume, path in VOLUMES.items():
        mount = host.mount_point(path)
        assert mount.exists and mount.filesystem == "fuse.glusterfs"
        assert mount.device == f"{SERVERS[SERVER_NAMES[0]]}:/{volume}"
        assert "backup-volfile-servers=" + ":".join(SERVERS[s] for s in SERVER_NAMES[1:]) in fstab


@pytest.mark.parametrize("volume", sorted(VOLUMES))
def test_file_written_on_one_client_is_on_the_other_and_every_data_brick(volume):
    path = VOLUMES[volume]
    name = f"verify-{uuid.uuid4().hex}"
    payload = os.urandom(4096).hex()
    digest = hashlib.sha256(payload.encode()).hexdigest()
    writer, reader = node(CLIENTS[0]), node(CLIENTS[-1])
    writer.check_output(f"printf %s {payload} > {path}/{name} && sync")
    assert reader.check_output(f"sha256sum {path}/{name}").split()[0] == digest
    for server in SERVER_NAMES[:-1]:
        brick = f"{BRICK_ROOT}/{volume}/brick/{name}"
        assert node(server).check_output(f"sha256sum {brick}").split()[0] == digest
    arbiter = node(ARBITER).file(f"{BRICK_ROOT}/{volume}/brick/{name}")
    assert arbiter.exists and arbiter.size == 0  # metadata only
    reader.check_output(f"rm {path}/{name}")
    assert not writer.file(f"{path}/{name}").exists


BAD_MOUNT = "/srv/fsha-not-gluster"
PLAYBOOK = textwrap.dedent("""\
    ---
    - name: Mount a volume where another filesystem already is
      hosts: {client}
      gather_facts: true
      roles:
        - role: telephony.freeswitch_ha.glusterfs
          vars:
            glusterfs_client: true
            glusterfs_mount_servers: [{server}]
            glusterfs_volumes:
              - name: freeswitch_shared
                path: {path}
    """)


def test_mount_point_of_another_filesystem_fails_before_any_change(tmp_path):
    client = node(CLIENTS[-1])
    client.check_output(f"mkdir -p {BAD_MOUNT} && (mountpoint -q {BAD_MOUNT} || mount -t tmpfs fsha-test {BAD_MOUNT})")
    fstab = client.file("/etc/fstab").content_string
    playbook = tmp_path / "bad_mount.yml"
    playbook.write_text(PLAYBOOK.format(path=BAD_MOUNT, client=CLIENTS[-1], server=SERVERS[SERVER_NAMES[0]]),
                        encoding="utf-8")
    project = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
    env = dict(os.environ, ANSIBLE_CONFIG=str(project / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(project / "build" / "collections"), NO_COLOR="1")
    try:
        proc = subprocess.run(
            [str(project / ".venv" / "bin" / "ansible-playbook"), "-i",
             os.path.join(os.environ["MOLECULE_SCENARIO_DIRECTORY"], "inventory"), str(playbook)],
            capture_output=True, text=True, env=env, check=False, timeout=300)
        output = proc.stdout + proc.stderr
        assert proc.returncode != 0, output
        assert f"{CLIENTS[-1]}: glusterfs_volumes: freeswitch_shared: {BAD_MOUNT} is already a mount point of tmpfs" in output
        assert "changed=0" in output
        assert client.file("/etc/fstab").content_string == fstab
        assert client.mount_point(BAD_MOUNT).filesystem == "tmpfs"
    finally:
        client.run(f"umount {BAD_MOUNT}; rmdir {BAD_MOUNT}")
