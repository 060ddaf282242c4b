# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preflight checks of the FreeSWITCH tier's inventory variables.

``check(farm) -> [{host, variable, message}]`` (see inventory_check). The RTP
ranges, switchnames, verto ports and the example-value test of the shared
secrets are checked by inventory_check itself; this adds what only the
freeswitch role needs:

* ``freeswitch_ha_install_method`` (farm-wide or per host): repo, source or
  none; ``repo`` needs ``freeswitch_ha_signalwire_token`` (SignalWire's
  personal access token), which must not be an example value, unless
  ``freeswitch_ha_repo_auth`` is false (a repository without auth, such as
  the lab's own);
* the DB and ESL passwords end up in an ODBC DSN (``odbc://dsn:user:password``,
  split on ':') and in XML attributes written by FreeSWITCH's preprocessor, so
  ':', '"', '<', '>', '&' and whitespace would break them;
* ``freeswitch_ha_db_haproxy_port``: the local HAProxy port the DSN uses;
* ``freeswitch_ha_sessions_per_second`` (per box): a positive integer
  (call_rates);
* the directory service (``freeswitch_ha_directory_*``, directory_service).

Secret values are never quoted in a message.
"""

from __future__ import annotations

import re

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import call_rates, directory_service
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import ALL, members
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import problem as _problem
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.secrets import is_example_secret

METHODS = ("repo", "source", "none")
DEFAULT_METHOD = "repo"

TOKEN = "freeswitch_ha_signalwire_token"
REPO_AUTH = "freeswitch_ha_repo_auth"
METHOD = "freeswitch_ha_install_method"
DSN_SECRETS = ("freeswitch_ha_db_password", "freeswitch_ha_esl_password")
FORBIDDEN = re.compile(r"[:\"<>&\s]")
DEFAULT_REPO_AUTH = True
DEFAULT_DB_HAPROXY_PORT = 5432


def _method_problem(host, value):
    if value not in METHODS:
        return _problem(host, METHOD, f"{value!r} is not an install method (one of {', '.join(METHODS)})")
    return None


def check(farm):
    """Return the FreeSWITCH tier's problems of the inventory picture."""
    problems = []
    if not isinstance(farm, dict):
        return problems
    farm_vars = farm.get("vars") or {}
    hosts = farm.get("hosts") or {}
    boxes = members(farm.get("groups"), "freeswitch")
    farm_method = farm_vars.get(METHOD)
    if farm_method is not None:
        found = _method_problem(ALL, farm_method)
        if found:
            problems.append(found)
    needs_token = []
    for box in boxes:
        hostvars = hosts.get(box) or {}
        if METHOD in hostvars and hostvars[METHOD] != farm_method:
            found = _method_problem(box, hostvars[METHOD])
            if found:
                problems.append(found)
                continue
            method = hostvars[METHOD]
        else:
            method = farm_method
        if (method or DEFAULT_METHOD) == "repo":
            needs_token.append(box)
    repo_auth = farm_vars.get(REPO_AUTH, DEFAULT_REPO_AUTH)
    if not isinstance(repo_auth, bool):
        problems.append(_problem(ALL, REPO_AUTH, f"{repo_auth!r} is not true or false"))
    if needs_token and repo_auth is not False:
        token = farm_vars.get(TOKEN)
        who = ", ".join(needs_token)
        if token in (None, ""):
            problems.append(_problem(ALL, TOKEN,
                                     f"is required by install method repo ({who}): SignalWire's repository needs a "
                                     "personal access token (put it in a vault file), or set "
                                     f"{METHOD} to source or none, or {REPO_AUTH} to false for a "
                                     "repository without auth"))
        elif not isinstance(token, str):
            problems.append(_problem(ALL, TOKEN, "must be a string"))
        elif is_example_secret(token):
            problems.append(_problem(ALL, TOKEN, "is still an example value: put your SignalWire personal access token"))
    for var in DSN_SECRETS:
        value = farm_vars.get(var)
        if isinstance(value, str) and FORBIDDEN.search(value):
            problems.append(_problem(ALL, var, "contains a character that breaks the FreeSWITCH DSN or XML "
                                               "(':', '\"', '<', '>', '&' or whitespace): choose another secret"))
    port = farm_vars.get("freeswitch_ha_db_haproxy_port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535):
        problems.append(_problem(ALL, "freeswitch_ha_db_haproxy_port", f"{port!r} is not a TCP port (1-65535)"))
    problems.extend(call_rates.problems(farm))
    problems.extend(directory_service.farm_problems(farm_vars))
    return problems
