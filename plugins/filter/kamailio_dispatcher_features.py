# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: kamailio_dispatcher_features."""

from __future__ import annotations

DOCUMENTATION = r"""
name: kamailio_dispatcher_features
author: telephony.freeswitch_ha contributors
version_added: "0.3.0"
short_description: What the Kamailio configuration loads for a list of dispatcher sets
description:
  - From the C(kamailio_dispatcher) role's C(kamailio_dispatcher_sets), the optional parts C(kamailio.cfg) must
    load, so the template only renders the decision.
  - C(call_load) is true when a set uses the call-load algorithm (id 10), which counts calls per destination
    in the dispatcher's own call table; the routes feed that table (C(ds_load_update), C(ds_load_unset)) only
    then.
options:
  _input:
    description: The dispatcher sets, as P(telephony.freeswitch_ha.kamailio_dispatcher_sets#filter) returns them.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Decide what kamailio.cfg loads
  ansible.builtin.set_fact:
    features: "{{ kamailio_dispatcher_sets | telephony.freeswitch_ha.kamailio_dispatcher_features }}"
  # features.call_load: feed the dispatcher call-load table from the routes
"""

RETURN = r"""
_value:
  description: C(call_load) (bool).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import kamailio_dispatcher_features


def _kamailio_dispatcher_features(value):
    try:
        return kamailio_dispatcher_features(value)
    except PlanError as exc:
        raise AnsibleFilterError(f"kamailio_dispatcher_features: {exc}") from exc


class FilterModule:
    """What the Kamailio configuration loads for a list of dispatcher sets."""

    def filters(self):
        return {"kamailio_dispatcher_features": _kamailio_dispatcher_features}
