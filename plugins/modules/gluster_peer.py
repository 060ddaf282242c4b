#!/usr/bin/python
# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: gluster_peer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gluster_peer
author: telephony.freeswitch_ha contributors (@telephony-freeswitch-ha)
version_added: "0.1.0"
short_description: Manage the GlusterFS trusted storage pool
description:
  - Probes the given peers into the trusted storage pool of the node the task runs on, or detaches them.
  - A peer already known to the pool under any of its names is left alone, so a re-run changes nothing.
    Probing a known peer by a new address (from another node) adds that address to the names the pool knows.
  - Reads the pool with C(gluster pool list --xml); errors are the gluster CLI's own messages.
options:
  peers:
    description:
      - Addresses or host names of the peers. Names of the node itself (see O(local_names)) are skipped.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) probes the peers that are missing, V(absent) detaches the ones still in the pool.
    type: str
    choices: [present, absent]
    default: present
  local_names:
    description:
      - Names or addresses of the node the task runs on; they are never probed or detached.
    type: list
    elements: str
    default: []
  timeout:
    description:
      - Seconds to wait after probing until every wanted peer is connected and in the cluster (0 disables the wait).
    type: int
    default: 60
extends_documentation_fragment:
  - telephony.freeswitch_ha.gluster
"""

EXAMPLES = r"""
- name: Form the trusted pool from the first storage node
  telephony.freeswitch_ha.gluster_peer:
    peers: [10.0.0.12, 10.0.0.13]
    local_names: [10.0.0.11]
  run_once: true

- name: Make the pool know the first node by its address too
  telephony.freeswitch_ha.gluster_peer:
    peers: [10.0.0.11]
    local_names: ["{{ freeswitch_ha_address }}"]
"""

RETURN = r"""
probed:
  description: Peers probed by this run.
  returned: always
  type: list
  elements: str
detached:
  description: Peers detached by this run.
  returned: always
  type: list
  elements: str
pool:
  description: Main names of the remote peers after the run (before it in check mode).
  returned: always
  type: list
  elements: str
"""

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.gluster import (
    GlusterError,
    find_peer,
    gluster_xml,
    parse_cli,
    parse_pool,
    peers_to_detach,
    plan_peers,
    pool_view,
)


def read_pool(module):
    try:
        return parse_pool(gluster_xml(module, ["pool", "list"]))
    except GlusterError as exc:
        module.fail_json(msg=str(exc))
    return []


def wait_connected(module, names, timeout):
    deadline = time.monotonic() + timeout
    while True:
        peers = read_pool(module)
        waiting = []
        for name in names:
            peer = find_peer(peers, name)
            if peer is None or not peer["connected"] or peer["state"] != "Peer in Cluster":
                waiting.append("%s (%s)" % (name, "unknown" if peer is None else peer["state"] or "disconnected"))
        if not waiting:
            return peers
        if time.monotonic() > deadline:
            module.fail_json(msg="peers not connected in the pool after %d s: %s" % (timeout, ", ".join(waiting)))
        time.sleep(1)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            peers=dict(type="list", elements="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            local_names=dict(type="list", elements="str", default=[]),
            timeout=dict(type="int", default=60),
        ),
        supports_check_mode=True,
    )
    peers_wanted = [p for p in module.params["peers"] if p]
    state = module.params["state"]
    local = module.params["local_names"]
    if module.check_mode and module.get_bin_path("gluster") is None:
        todo = [p for p in peers_wanted if p not in local] if state == "present" else []
        module.exit_json(changed=bool(todo), probed=todo, detached=[], pool=[],
                         msg="gluster CLI not installed yet: every peer would be probed",
                         diff=dict(before={"pool": []}, after={"pool": sorted(todo)}))

    peers = read_pool(module)
    before = pool_view(peers)
    probed, detached = [], []
    if state == "present":
        probed = plan_peers(peers, peers_wanted, local)
    else:
        detached = peers_to_detach(peers, [p for p in peers_wanted if p not in local])
    after = sorted(set(before) | set(probed)) if probed else [p for p in before if p not in detached]
    if not module.check_mode:
        for name in probed:
            try:
                parse_cli(gluster_xml(module, ["peer", "probe", name]), "peer probe %s" % name)
            except GlusterError as exc:
                module.fail_json(msg=str(exc), probed=probed[:probed.index(name)])
        for name in detached:
            try:
                parse_cli(gluster_xml(module, ["peer", "detach", name]), "peer detach %s" % name)
            except GlusterError as exc:
                module.fail_json(msg=str(exc))
        if state == "present" and module.params["timeout"] > 0:
            peers = wait_connected(module, [p for p in peers_wanted if p not in local], module.params["timeout"])
            after = pool_view(peers)
    module.exit_json(changed=bool(probed or detached), probed=probed, detached=detached, pool=after,
                     diff=dict(before={"pool": before}, after={"pool": after}))


if __name__ == "__main__":
    main()
