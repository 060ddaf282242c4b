#!/usr/bin/python
# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: gluster_volume."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gluster_volume
author: telephony.freeswitch_ha contributors (@telephony-freeswitch-ha)
version_added: "0.1.0"
short_description: Manage a replicated GlusterFS volume and its options
description:
  - Creates a (distributed-)replicated GlusterFS volume, with an arbiter when asked, starts or stops it, sets
    its options, or deletes it. Runs on one node of the trusted pool.
  - Idempotent - the volume is read with C(gluster volume info NAME --xml); only options whose value differs are
    set, so a re-run changes nothing.
  - An existing volume whose bricks, replica count or arbiter differ from the task fails with a message; changing
    the layout (add-brick, replace-brick) is an operation to run on purpose.
  - Errors are the gluster CLI's own messages (for example an unknown option or a brick in the root partition).
requirements:
  - Every brick host in the trusted pool (M(telephony.freeswitch_ha.gluster_peer)).
options:
  name:
    description: Volume name.
    type: str
    required: true
  bricks:
    description:
      - Bricks as C(host:/path), in replica-set order; with an arbiter every third brick is the arbiter brick.
      - Required unless O(state=absent).
    type: list
    elements: str
    default: []
  replica:
    description: Copies of each file (3 with an arbiter means two data copies and one metadata copy).
    type: int
    default: 3
  arbiter:
    description: Make the last brick of every replica set an arbiter brick (needs O(replica=3)).
    type: bool
    default: true
  transport:
    description: Transport of the volume.
    type: str
    choices: [tcp, rdma, "tcp,rdma"]
    default: tcp
  force:
    description:
      - Pass C(force) to C(volume create) (needed for bricks on the root filesystem, which GlusterFS refuses
        otherwise) and to C(volume stop).
    type: bool
    default: false
  options:
    description:
      - Volume options to set, for example C(network.ping-timeout). Booleans become C(on)/C(off). Options not
        listed are left alone.
    type: dict
    default: {}
  state:
    description:
      - V(started) creates the volume if needed and starts it, V(present) creates it without starting it,
        V(stopped) stops it, V(absent) stops and deletes it (the bricks' data stays on disk).
    type: str
    choices: [started, present, stopped, absent]
    default: started
extends_documentation_fragment:
  - telephony.freeswitch_ha.gluster
"""

EXAMPLES = r"""
- name: Create the recordings volume (replica 3 arbiter 1) and set HA options
  telephony.freeswitch_ha.gluster_volume:
    name: recordings
    bricks:
      - 10.0.0.11:/srv/gluster/bricks/recordings/brick
      - 10.0.0.12:/srv/gluster/bricks/recordings/brick
      - 10.0.0.13:/srv/gluster/bricks/recordings/brick
    replica: 3
    arbiter: true
    options:
      network.ping-timeout: 3
      cluster.heal-timeout: 10
  run_once: true
"""

RETURN = r"""
actions:
  description: What the run did (or would do in check mode).
  returned: always
  type: dict
  contains:
    create:
      description: The volume was created.
      type: bool
    start:
      description: The volume was started.
      type: bool
    stop:
      description: The volume was stopped.
      type: bool
    delete:
      description: The volume was deleted.
      type: bool
    set:
      description: Options set, with their new values.
      type: dict
volume:
  description: The volume after the run (before it in check mode), C({}) when it does not exist.
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.gluster import (
    GlusterError,
    create_args,
    gluster_xml,
    parse_cli,
    parse_volumes,
    plan_volume,
    planned_view,
    volume_view,
)


def read_volume(module, name):
    try:
        return parse_volumes(gluster_xml(module, ["volume", "info", name])).get(name)
    except GlusterError as exc:
        module.fail_json(msg=str(exc))
    return None


def cli(module, args, what):
    try:
        return parse_cli(gluster_xml(module, args), what)
    except GlusterError as exc:
        module.fail_json(msg=str(exc))
    return None


def apply(module, p, actions):
    name = p["name"]
    if actions["create"]:
        cli(module, create_args(name, p["bricks"], p["replica"], p["arbiter"], p["transport"], p["force"]),
            "volume create %s" % name)
    for key, value in actions["set"].items():
        cli(module, ["volume", "set", name, key, value], "volume set %s %s" % (name, key))
    if actions["start"]:
        cli(module, ["volume", "start", name], "volume start %s" % name)
    if actions["stop"]:
        cli(module, ["volume", "stop", name] + (["force"] if p["force"] else []), "volume stop %s" % name)
    if actions["delete"]:
        cli(module, ["volume", "delete", name], "volume delete %s" % name)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            bricks=dict(type="list", elements="str", default=[]),
            replica=dict(type="int", default=3),
            arbiter=dict(type="bool", default=True),
            transport=dict(type="str", choices=["tcp", "rdma", "tcp,rdma"], default="tcp"),
            force=dict(type="bool", default=False),
            options=dict(type="dict", default={}),
            state=dict(type="str", choices=["started", "present", "stopped", "absent"], default="started"),
        ),
        required_if=[("state", "started", ("bricks",)), ("state", "present", ("bricks",))],
        supports_check_mode=True,
    )
    p = module.params
    if p["state"] != "absent":
        try:
            create_args(p["name"], p["bricks"], p["replica"], p["arbiter"], p["transport"], p["force"])
        except GlusterError as exc:
            module.fail_json(msg=str(exc))
    if module.check_mode and module.get_bin_path("gluster") is None:
        current = None
    else:
        current = read_volume(module, p["name"])
    try:
        actions = plan_volume(current, p["name"], p["bricks"], p["replica"], p["arbiter"], p["options"], p["state"])
    except GlusterError as exc:
        module.fail_json(msg=str(exc), volume=volume_view(current, p["options"]))
    changed = any(actions[k] for k in ("create", "start", "stop", "delete")) or bool(actions["set"])
    before = volume_view(current, p["options"])
    after = planned_view(current, p["name"], p["bricks"], p["replica"], p["arbiter"], p["options"], p["state"], actions)
    result = before
    if changed and not module.check_mode:
        apply(module, p, actions)
        result = volume_view(read_volume(module, p["name"]), p["options"])
        after = result
    module.exit_json(changed=changed, actions=actions, volume=result, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
