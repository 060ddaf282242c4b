# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the collection's Kamailio modules reach Kamailio: its JSON-RPC datagram socket."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  socket:
    description: Kamailio's JSON-RPC datagram socket (C(jsonrpcs) C(dgram_socket)).
    type: path
    default: /run/kamailio/kamailio_rpc.sock
  timeout:
    description: Seconds to wait for each of Kamailio's answers.
    type: float
    default: 5
notes:
  - Runs on the Kamailio host as root or as a member of the C(kamailio) group.
"""
