#!/usr/bin/python
# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: kamailio_dispatcher_state."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kamailio_dispatcher_state
author: telephony.freeswitch_ha contributors (@telephony)
version_added: "0.3.0"
short_description: Take a dispatcher destination out of service, or hand it back to probing
description:
  - Sets the runtime state of one destination of a Kamailio dispatcher set over the JSON-RPC datagram socket
    (module jsonrpcs). C(disabled) takes it out of selection for new calls while dialogs already routed to it
    go on (record-routing keeps in-dialog requests on the proxy, and they follow their route set, not the
    dispatcher). C(enabled) hands it back to OPTIONS probing as inactive; Kamailio itself makes it active again
    as soon as the box answers, so a box that is not up yet never gets a call.
  - A disabled destination is neither selected nor probed, so probing does not re-enable it; only this module
    (or C(dispatcher.set_state)) does.
  - Reads C(dispatcher.list) first and changes nothing when the destination is already in the wanted state
    (for C(enabled), any state but disabled).
options:
  set_id:
    description: The dispatcher set holding the destination.
    type: int
    required: true
  duid:
    description: The destination's C(duid) attribute (the collection's dispatcher.list gives each FreeSWITCH box its
      inventory name). Exactly one of O(duid) and O(uri) is required.
    type: str
  uri:
    description: The destination's SIP URI as dispatcher.list has it, for example C(sip:10.0.0.21:5060).
    type: str
  state:
    description:
      - C(disabled) takes the destination out of service.
      - C(enabled) sets a disabled destination inactive with probing; an active or inactive one is left to
        probing as it is. Wait for its C(active) flag with M(telephony.freeswitch_ha.kamailio_dispatcher_info).
    type: str
    choices: [enabled, disabled]
    required: true
extends_documentation_fragment:
  - telephony.freeswitch_ha.kamailio_rpc
attributes:
  check_mode:
    description: Reads the state and reports what would change without setting it.
    support: full
  diff_mode:
    description: Shows the destination's state before and after.
    support: full
notes:
  - The state lives in Kamailio's memory; a restart of Kamailio, or a C(dispatcher.reload), brings the destination
    back as the list file has it. The drain playbooks say so and re-read the state before they wait.
"""

EXAMPLES = r"""
- name: Stop sending new calls to fs1
  telephony.freeswitch_ha.kamailio_dispatcher_state:
    set_id: 1
    duid: fs1
    state: disabled

- name: Send calls to fs1 again
  telephony.freeswitch_ha.kamailio_dispatcher_state:
    set_id: 1
    uri: sip:10.0.0.21:5060
    state: enabled
"""

RETURN = r"""
before:
  description: The destination as C(dispatcher.list) showed it before the change (see kamailio_dispatcher_info).
  returned: success
  type: dict
after:
  description: The destination as C(dispatcher.list) shows it after the change (in check mode, the same as before).
  returned: success
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.kamailio_rpc import (
    RPC_ARGUMENT_SPEC,
    KamailioRpcError,
    parse_dispatcher_list,
    rpc_call,
)

# dispatcher.set_state's state letters: inactive with probing (probing makes it active once the box answers),
# and disabled (neither selected nor probed).
_STATE_FLAGS = {"enabled": "ip", "disabled": "d"}


def _find(sets, set_id, duid, uri):
    for item in sets:
        if item["id"] != set_id:
            continue
        for dest in item["destinations"]:
            if (duid is not None and dest["duid"] == duid) or (uri is not None and dest["uri"] == uri):
                return dest
    return None


def _state_name(dest):
    return "disabled" if dest["disabled"] else "enabled"


def main():
    module = AnsibleModule(
        argument_spec=dict(
            RPC_ARGUMENT_SPEC,
            set_id={"type": "int", "required": True},
            duid={"type": "str"},
            uri={"type": "str"},
            state={"type": "str", "required": True, "choices": ["enabled", "disabled"]},
        ),
        required_one_of=[("duid", "uri")],
        mutually_exclusive=[("duid", "uri")],
        supports_check_mode=True,
    )
    params = module.params
    wanted = params["state"]
    who = "duid %s" % params["duid"] if params["duid"] is not None else params["uri"]

    def read():
        return parse_dispatcher_list(rpc_call(params["socket"], "dispatcher.list", timeout=params["timeout"]))

    try:
        before = _find(read(), params["set_id"], params["duid"], params["uri"])
        if before is None:
            module.fail_json(msg="dispatcher set %s has no destination %s" % (params["set_id"], who))
        current = _state_name(before)
        changed = current != wanted
        after = before
        if changed and not module.check_mode:
            rpc_call(params["socket"], "dispatcher.set_state", [_STATE_FLAGS[wanted], params["set_id"], before["uri"]],
                     timeout=params["timeout"])
            after = _find(read(), params["set_id"], params["duid"], params["uri"])
            if after is None or _state_name(after) != wanted:
                module.fail_json(msg="dispatcher set %s: %s did not become %s (now %s)" % (
                    params["set_id"], who, wanted, after and after["flags"]), before=before, after=after)
    except KamailioRpcError as exc:
        module.fail_json(msg=str(exc))
    result = {"changed": changed, "before": before, "after": after}
    if module._diff:
        result["diff"] = {"before": "%s: %s\n" % (before["uri"], current), "after": "%s: %s\n" % (before["uri"], wanted)}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
