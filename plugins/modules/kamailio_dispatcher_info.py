#!/usr/bin/python
# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: kamailio_dispatcher_info."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kamailio_dispatcher_info
author: telephony.freeswitch_ha contributors (@telephony)
version_added: "0.2.0"
short_description: Read Kamailio's live dispatcher state
description:
  - Asks the running Kamailio for C(dispatcher.list) over its JSON-RPC unix datagram socket (module jsonrpcs)
    and returns every set and destination with its state (active, inactive, disabled, probing), attributes and
    probe latency. Meant for verify plays and drills; it changes nothing.
options:
  set_id:
    description: Return only this set.
    type: int
extends_documentation_fragment:
  - telephony.freeswitch_ha.kamailio_rpc
attributes:
  check_mode:
    description: Reads only; runs the same in check mode.
    support: full
  diff_mode:
    description: Nothing changes, so there is no diff.
    support: none
"""

EXAMPLES = r"""
- name: Read the dispatcher state
  telephony.freeswitch_ha.kamailio_dispatcher_info:
  register: dispatcher

- name: Every destination of set 1 is active
  ansible.builtin.assert:
    that: dispatcher.sets[0].destinations | rejectattr('active') | list | length == 0
"""

RETURN = r"""
sets:
  description: The sets, by id, each with its destinations (sorted by URI).
  returned: success
  type: list
  elements: dict
  sample:
    - id: 1
      destinations:
        - uri: sip:172.28.65.21:5060
          flags: AP
          active: true
          inactive: false
          disabled: false
          probing: true
          priority: 0
          attrs: duid=fs1;weight=75;rweight=100
          duid: fs1
          weight: 75
          rweight: 100
          maxload: 0
          load: 0
          latency_avg_ms: 0.4
          latency_timeouts: 0
destinations:
  description: Every destination of the returned sets, flat, each with its C(set_id).
  returned: success
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.kamailio_rpc import (
    RPC_ARGUMENT_SPEC,
    KamailioRpcError,
    parse_dispatcher_list,
    rpc_call,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(RPC_ARGUMENT_SPEC, set_id={"type": "int"}),
        supports_check_mode=True,
    )
    try:
        sets = parse_dispatcher_list(rpc_call(module.params["socket"], "dispatcher.list", timeout=module.params["timeout"]))
    except KamailioRpcError as exc:
        module.fail_json(msg=str(exc))
    if module.params["set_id"] is not None:
        sets = [s for s in sets if s["id"] == module.params["set_id"]]
    destinations = [dict(d, set_id=s["id"]) for s in sets for d in s["destinations"]]
    module.exit_json(changed=False, sets=sets, destinations=destinations)


if __name__ == "__main__":
    main()
