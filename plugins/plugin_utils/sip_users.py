# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The farm's SIP and verto users: one definition of who they are and which boxes know them.

``freeswitch_ha_sip_users`` is a list of ``{user, domain, password}``: the
domain is one of a tenant's ``sip_domains``, the password comes from the
vault. Every box of that tenant gets the user in its directory (as an
``a1-hash``, never the password itself), so any box of the tenant
authenticates its REGISTERs and verto logins and finds its registration in
the shared database, whichever box took it.

The preflight (``check``) refuses, naming the entry: an entry that is not a
mapping, a user name FreeSWITCH's directory, dialplan and SIP URIs would not
carry as it is, a domain no tenant serves, a missing or example password, and
the same user twice in a domain. A message never quotes a password.
The plan (``plan_sip_users``) lists each box's users by their index in the
list, without passwords: the plan is a fact any task may print, and the
freeswitch playbook picks the entries (and their passwords) by index.
"""

from __future__ import annotations

import re

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import ALL, as_list, entry_list_problems
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import problem as _problem
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.secrets import is_example_secret
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import tenant_definitions

USERS_VAR = "freeswitch_ha_sip_users"
KEYS = ("user", "domain", "password")
# A SIP user part that needs no escaping in a URI, an XML attribute or a
# dialplan regular expression, and that FreeSWITCH's directory matches as is.
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


def user_name(value):
    """The user name as the directory holds it: a YAML number (1001) is the string '1001'."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) else None


def tenant_domains(farm):
    """{domain (lower case): (tenant name, the domain as spelled)} of every tenant's sip_domains.

    {} when the tenants do not parse (the tenant check names the problem).
    """
    try:
        definitions = tenant_definitions(farm)
    except PlanError:
        return {}
    domains = {}
    for name, settings, dummy in definitions:
        for domain in as_list(settings.get("sip_domains")) or []:
            if isinstance(domain, str):
                domains.setdefault(domain.lower(), (name, domain))
    return domains


def _entry_problems(entry, where, domains, seen, variable, index):
    problems = []
    name = user_name(entry.get("user"))
    if name is None or not USER_NAME.match(name):
        problems.append(_problem(ALL, f"{where}.user",
                                 f"{entry.get('user')!r} is not a user name: 1 to 64 letters, "
                                 "digits and . _ + -, starting with a letter or digit"))
    domain = entry.get("domain")
    if not isinstance(domain, str) or domain.lower() not in domains:
        served = ", ".join(sorted(domains)) or "none: no tenant has sip_domains"
        problems.append(_problem(ALL, f"{where}.domain", f"{domain!r} is not a SIP domain the farm serves ({served})"))
    password = entry.get("password")
    if not isinstance(password, str) or not password:
        problems.append(_problem(ALL, f"{where}.password", "secret is missing: set it from the vault"))
    elif is_example_secret(password):
        problems.append(_problem(ALL, f"{where}.password", "secret is an example value: set a real one from the vault"))
    if name is not None and isinstance(domain, str):
        key = (name, domain.lower())
        if key in seen:
            problems.append(_problem(ALL, where, f"user {name}@{domain} is already {variable}[{seen[key]}]"))
        else:
            seen[key] = index
    return problems


def user_list_problems(users, domains, variable=USERS_VAR, host=ALL):
    """[{host, variable, message}] of a list of users; ``domains`` the domains served (keyed in lower case)."""
    seen = {}
    return entry_list_problems(users, variable, host, KEYS, lambda index, entry, where: _entry_problems(
        entry, where, domains, seen, variable, index))


def check(farm):
    """[{host, variable, message}] of freeswitch_ha_sip_users (unset: no users, nothing to check)."""
    if not isinstance(farm, dict):
        return []
    return user_list_problems((farm.get("vars") or {}).get(USERS_VAR), tenant_domains(farm))


def plan_sip_users(farm, tenants):
    """{box: [{index, user, domain}]} of every box of the planned ``tenants``: the users of its tenant's domains.

    ``index`` is the entry's place in freeswitch_ha_sip_users; ``domain`` is
    spelled as the tenant's sip_domains spell it (the directory's domain name).
    """
    users = (farm.get("vars") or {}).get(USERS_VAR) or []
    spelled = {}
    for name, tenant in tenants.items():
        for domain in tenant.get("sip_domains") or []:
            spelled.setdefault(str(domain).lower(), (name, str(domain)))
    result = {box: [] for tenant in tenants.values() for box in tenant["freeswitch_hosts"]}
    for index, entry in enumerate(users if isinstance(users, list) else []):
        # what the preflight refuses is left out (a plan computed without the check)
        if not isinstance(entry, dict) or user_name(entry.get("user")) is None:
            continue
        if str(entry.get("domain")).lower() not in spelled:
            continue
        name, domain = spelled[str(entry["domain"]).lower()]
        for box in tenants[name]["freeswitch_hosts"]:
            result[box].append({"index": index, "user": user_name(entry["user"]), "domain": domain})
    return result
